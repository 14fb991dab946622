#!/usr/bin/env python3
"""QMP socket fuzz test: fuzz_qmp.py JIT86 TICKER_BIOS [MESSAGES]. Sends random
bytes and mutated valid commands (at least 10,000 messages by default) over
several connections, some cut in the middle; afterwards jit86 must still be
alive, answer query-status and the guest must still run. Run it on an ASan
build to catch memory errors (jit86 aborts on the first one)."""
import json
import os
import random
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qmpclient import Machine  # noqa: E402

SAFE = {"query-status", "query-version", "query-commands", "query-block", "query-stats",
        "query-blockstats",
        "qmp_capabilities", "cont", "human-monitor-command", "eject", "blockdev-change-medium"}
TEMPLATES = [
    {"execute": "qmp_capabilities"},
    {"execute": "query-status", "id": 1},
    {"execute": "query-version"},
    {"execute": "query-commands"},
    {"execute": "query-block"},
    {"execute": "query-stats", "arguments": {"target": "vm"}},
    {"execute": "query-blockstats"},
    {"execute": "human-monitor-command", "arguments": {"command-line": "info blockstats"}},
    {"execute": "human-monitor-command", "arguments": {"command-line": "info registers"}},
    {"execute": "human-monitor-command", "arguments": {"command-line": "xp /16xb 0xffff0"}},
    {"execute": "human-monitor-command", "arguments": {"command-line": "x /4dw 0x0"}},
    {"execute": "human-monitor-command", "arguments": {"command-line": "info tlb"}},
    {"execute": "eject", "arguments": {"device": "ide1-cd0", "force": True}},
    {"execute": "blockdev-change-medium",
     "arguments": {"id": "ide1-cd0", "filename": "CDROM", "format": "raw", "force": False,
                   "read-only-mode": "retain"}},
    {"execute": "blockdev-change-medium",
     "arguments": {"device": "ide0-hd0", "filename": "/nonexistent/x.iso"}},
    {"execute": "screendump", "arguments": {"filename": "/nonexistent/dir/x.png"}},
]
HMP_SAFE = ("info", "x ", "x/", "xp", "help", "?", "frob")


def is_safe(data):
    """Mutations that happen to be valid commands must not stop the run."""
    try:
        v = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return True
    if not isinstance(v, dict):
        return True
    ex = v.get("execute")
    if not isinstance(ex, str) or ex not in SAFE:
        return not isinstance(ex, str) or ex not in {"quit", "stop", "system_reset",
                                                     "system_powerdown", "screendump"}
    if ex == "human-monitor-command":
        args = v.get("arguments")
        line = args.get("command-line") if isinstance(args, dict) else None
        if isinstance(line, str):
            return line.strip().startswith(HMP_SAFE)
    return True


def mutate(rng, data):
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(6)
        pos = rng.randrange(len(b) + 1)
        if op == 0 and b:
            b[min(pos, len(b) - 1)] = rng.randrange(256)
        elif op == 1:
            b[pos:pos] = bytes(rng.choice(b'{}[]":,\\0123456789 \x00\xff'))
        elif op == 2:
            del b[pos:pos + rng.randint(1, 8)]
        elif op == 3:
            b = b[:pos]
        elif op == 4:
            b[pos:pos] = b[:rng.randint(0, len(b))]
        else:
            b[pos:pos] = rng.choice([b'"' * 3, b'{' * 40, b'[' * 40, b'1e999', b'-0',
                                     b'"\\ud800"', b'null', b'true'])
    return bytes(b)


def message(rng):
    kind = rng.random()
    if kind < 0.25:
        return bytes(rng.randrange(256) for _ in range(rng.randint(1, 200)))
    base = json.dumps(rng.choice(TEMPLATES)).encode()
    if kind < 0.35:
        return base
    return mutate(rng, base)


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.setblocking(False)
    return s


def drain(s):
    try:
        while s.recv(1 << 16):
            pass
    except (BlockingIOError, ConnectionResetError):
        pass


def main():
    jit86, bios = sys.argv[1:3]
    total = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
    rng = random.Random(int(os.environ.get("FUZZ_SEED", "12345")))
    def media(d):
        cd = os.path.join(d, "cd.iso")
        with open(cd, "wb") as f:
            f.write(bytes(2048 * 8))
        for t in TEMPLATES:
            args = t.get("arguments", {})
            if args.get("filename") == "CDROM":
                args["filename"] = cd
        return ["-cdrom", cd]

    m = Machine(jit86, bios, media)
    try:
        q = m.qmp()
        sent = 0
        while sent < total:
            s = connect(m.sock)
            for _ in range(rng.randint(20, 200)):
                msg = message(rng)
                if not is_safe(msg):
                    continue
                try:
                    s.sendall(msg + (b"\n" if rng.random() < 0.9 else b""))
                except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                    break
                sent += 1
                if sent % 50 == 0:
                    drain(s)
            drain(s)
            s.close()  # often in the middle of a message
            if not m.alive():
                break
        time.sleep(0.3)
        if not m.alive():
            status, out = m.stop()
            print("FAIL: jit86 died (status %s) after %d messages:\n%s" %
                  (status, sent, out[-3000:].decode(errors="replace")))
            return 1
        r = q.cmd("query-status")
        if r.get("return", {}).get("status") != "running":
            print("FAIL: query-status after fuzzing: %r" % r)
            m.stop()
            return 1
        before = m.serial_output().count(b"tick ")
        deadline = time.time() + 10
        while m.serial_output().count(b"tick ") == before and time.time() < deadline:
            time.sleep(0.05)
        if m.serial_output().count(b"tick ") == before:
            print("FAIL: the guest stopped printing after fuzzing")
            m.stop()
            return 1
        q.cmd("quit")
        m.proc.wait(timeout=10)
        out = m.stop()[1]
        if m.proc.returncode != 0 or b"ERROR: AddressSanitizer" in out or b"runtime error" in out:
            print("FAIL: exit status %s, output:\n%s" % (m.proc.returncode, out[-3000:]))
            return 1
        print("ok: %d fuzz messages, jit86 still running and answering" % sent)
        return 0
    finally:
        if m.alive():
            m.stop()


if __name__ == "__main__":
    sys.exit(main())
