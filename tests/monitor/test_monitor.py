#!/usr/bin/env python3
"""Monitor and QMP tests: test_monitor.py JIT86 TICKER_BIOS KNOWN_BIOS CASE.
Each CASE is one CTest test; it fails with a message and a non-zero status."""
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qmpclient import QMP, Machine  # noqa: E402

JIT86, TICKER, KNOWN = sys.argv[1:4]


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def wait_for(pred, timeout=10.0, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def ticks(m):
    return m.serial_output().count(b"tick ")


def case_capabilities_negotiation(m):
    q = QMP(m.sock)
    g = q.greeting["QMP"]
    check(set(g) == {"version", "capabilities"}, "greeting %r" % g)
    check(set(g["version"]["qemu"]) == {"major", "minor", "micro"}, "version %r" % g)
    r = q.cmd("query-status")
    check(r["error"]["class"] == "CommandNotFound", "before negotiation: %r" % r)
    check(q.cmd("qmp_capabilities") == {"return": {}}, "qmp_capabilities")
    r = q.cmd("qmp_capabilities")
    check(r["error"]["class"] == "CommandNotFound", "second negotiation: %r" % r)
    r = q.cmd("query-status")
    check(r["return"]["status"] == "running" and r["return"]["running"] is True, repr(r))
    names = {c["name"] for c in q.cmd("query-commands")["return"]}
    for n in ("qmp_capabilities", "query-status", "query-version", "stop", "cont",
              "system_reset", "system_powerdown", "quit", "screendump",
              "human-monitor-command", "query-block", "blockdev-change-medium", "eject",
              "query-stats"):
        check(n in names, "query-commands lacks " + n)
    v = q.cmd("query-version")["return"]
    check("jit86" in v["package"], repr(v))
    r = q.send_raw(b'{"execute": "query-status", "id": "abc"}\n') or q.reply()
    check(r.get("id") == "abc", "id is echoed: %r" % r)


def case_stop_cont_pauses_serial(m):
    q = m.qmp()
    wait_for(lambda: ticks(m) >= 2, what="the guest's first ticks")
    check(q.cmd("stop") == {"return": {}}, "stop")
    e = q.wait_event("STOP")
    check(isinstance(e["timestamp"]["seconds"], int), "timestamp %r" % e)
    check(0 <= e["timestamp"]["microseconds"] < 1000000, "timestamp %r" % e)
    check(q.cmd("query-status")["return"] == {"running": False, "singlestep": False,
                                              "status": "paused"}, "paused status")
    before = m.serial_output()
    time.sleep(1.5)
    check(m.serial_output() == before, "serial output went on while stopped")
    check(q.cmd("cont") == {"return": {}}, "cont")
    q.wait_event("RESUME")
    wait_for(lambda: len(m.serial_output()) > len(before), what="output after cont")
    check(q.cmd("query-status")["return"]["status"] == "running", "running again")


def case_screendump_png_and_ppm(m):
    q = m.qmp()
    png = os.path.join(m.dir, "shot.png")
    ppm = os.path.join(m.dir, "shot.ppm")
    r = q.cmd("screendump", filename=png, format="png")
    if "error" in r and "libpng" in r["error"]["desc"]:
        print("SKIP: built without libpng")
        sys.exit(77)
    check(r == {"return": {}}, "screendump png: %r" % r)
    with open(png, "rb") as f:
        check(f.read(8) == b"\x89PNG\r\n\x1a\n", "PNG signature")
    check(q.cmd("screendump", filename=ppm) == {"return": {}}, "screendump ppm (default)")
    with open(ppm, "rb") as f:
        data = f.read()
    head = re.match(rb"P6\n(\d+) (\d+)\n255\n", data)
    check(head is not None, "PPM header %r" % data[:20])
    w, h = int(head.group(1)), int(head.group(2))
    check(len(data) == head.end() + w * h * 3, "PPM size %dx%d" % (w, h))
    r = q.cmd("screendump", filename=png, format="bmp")
    check(r["error"]["class"] == "GenericError", "bad format: %r" % r)


def case_system_reset_restarts_guest(m):
    q = m.qmp()
    wait_for(lambda: ticks(m) >= 3, what="three ticks")
    check(q.cmd("system_reset") == {"return": {}}, "system_reset")
    e = q.wait_event("RESET")
    check(e["data"] == {"guest": False, "reason": "host-qmp-system-reset"}, repr(e))
    wait_for(lambda: m.serial_output().count(b"tick 0000") >= 2, what="tick 0000 after reset")


def case_events_powerdown_and_shutdown(m):
    q = m.qmp()
    check(q.cmd("system_powerdown") == {"return": {}}, "system_powerdown")
    q.wait_event("POWERDOWN")
    check(q.cmd("quit") == {"return": {}}, "quit")
    e = q.wait_event("SHUTDOWN")
    check(e["data"] == {"guest": False, "reason": "host-qmp-quit"}, repr(e))
    m.proc.wait(timeout=10)
    check(m.proc.returncode == 0, "exit status %s" % m.proc.returncode)


def case_bad_input_gets_errors_and_vm_runs(m):
    q = m.qmp()
    q.send_raw(b'{"execute": oops}\n')
    r = q.reply()
    check(r["error"]["class"] == "GenericError" and "JSON parse error" in r["error"]["desc"],
          "malformed JSON: %r" % r)
    q.send_raw(b'[1, 2, 3]\n')
    r = q.reply()
    check(r["error"]["desc"] == "QMP input must be a JSON object", repr(r))
    q.send_raw(b'{"arguments": {}}\n')
    check("execute" in q.reply()["error"]["desc"], "missing execute")
    r = q.cmd("no-such-command")
    check(r == {"error": {"class": "CommandNotFound",
                          "desc": "The command no-such-command has not been found"}}, repr(r))
    r = q.cmd("screendump", filename=42)
    check(r["error"] == {"class": "GenericError",
                         "desc": "Invalid parameter type for 'filename', expected: string"},
          repr(r))
    r = q.cmd("screendump")
    check(r["error"]["desc"] == "Parameter 'filename' is missing", repr(r))
    r = q.cmd("stop", bogus=1)
    check(r["error"]["desc"] == "Parameter 'bogus' is unexpected", repr(r))
    r = q.cmd("eject", device="ide9-cd9")
    check(r["error"]["class"] == "DeviceNotFound", repr(r))
    # A client that disconnects in the middle of a request.
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(m.sock)
    s.recv(4096)
    s.sendall(b'{"execute": "qmp_capabilities"}\n{"execute": "qu')
    s.close()
    time.sleep(0.3)
    before = ticks(m)
    check(q.cmd("query-status")["return"]["status"] == "running", "still running")
    wait_for(lambda: ticks(m) > before, what="the guest still printing")
    check(m.alive(), "jit86 exited")


def case_hmp_info_registers_known_state(m):
    q = m.qmp()
    wait_for(lambda: "HLT=1" in q.hmp("info registers"), what="the guest to halt")
    regs = q.hmp("info registers")
    for want in ("EAX=12345678 EBX=9abcdef0 ECX=0badf00d EDX=cafebabe",
                 "ESI=11111111 EDI=22222222 EBP=33333333 ESP=00007000",
                 "CS =f000 000f0000 0000ffff", "CR0=60000010 CR2=00000000 CR3=00000000"):
        check(want in regs, "info registers lacks %r:\n%s" % (want, regs))
    check("EIP=00000042 EFL=00000046 [---Z-P-] CPL=0 II=0 A20=1 SMM=0 HLT=1" in regs, regs)
    check(q.hmp("xp /4xb 0x500") == "0000000000000500: 0x11 0x22 0x33 0x44\n", "xp")
    check(q.hmp("x /2xh 0x500") == "00000500: 0x2211 0x4433\n", "x /2xh")
    check(q.hmp("x /xw 0x500") == "00000500: 0x44332211\n", "x /xw")
    check(q.hmp("x /2d 0x500") == "00000500: 1144201745 0\n", "x /2d")
    check(q.hmp("info status") == "VM status: running\n", "info status")
    q.hmp("stop")
    check(q.hmp("info status") == "VM status: paused\n", "info status paused")
    check(q.hmp("frobnicate") == "unknown command: 'frobnicate'\n", "unknown HMP command")


def case_hmp_info_tlb_and_jit_known_state(m):
    q = m.qmp()
    wait_for(lambda: "HLT=1" in q.hmp("info registers"), what="the guest to halt")
    tlb = q.hmp("info tlb")
    check(re.search(r"^nopaging 0x00000000 -> 0x000000000 .w. 4K$", tlb, re.M),
          "no TLB entry for the data page 0:\n" + tlb)
    check(re.search(r"^nopaging 0x000f0000 -> 0x0000f0000 ..[xMC] 4K$", tlb, re.M),
          "no TLB entry for the code page F0000:\n" + tlb)
    jit = q.hmp("info jit")
    m1 = re.search(r"^blocks translated +(\d+)$", jit, re.M)
    check(m1 and int(m1.group(1)) >= 2, "info jit:\n" + jit)
    check(re.search(r"^flushes +0$", jit, re.M), "no flushes expected:\n" + jit)
    tb = q.hmp("info tb 0xf0000")
    check(tb.startswith("info tb: block at 0x000f0000 (phys 0x000f0000"), "info tb:\n" + tb)
    check(re.search(r"^\s+\S+\s+cli\b", tb, re.M) or " cli" in tb, "info tb lacks cli:\n" + tb)
    stats = q.cmd("query-stats", target="vm")["return"][0]
    check(stats["provider"] == "jit86", repr(stats))
    values = {s["name"]: s["value"] for s in stats["stats"]}
    check(values["blocks-translated"] == int(m1.group(1)), "query-stats vs info jit")
    check(values["code-flushes"] == 0 and values["ram-bytes"] == 32 << 20, repr(values))


def read_until(sock, marker, timeout=10.0):
    sock.settimeout(timeout)
    data = b""
    while marker not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise AssertionError("monitor closed; got %r" % data)
        data += chunk
    return data


def case_hmp_unix_socket_monitor(m):
    path = os.path.join(m.dir, "mon.sock")
    wait_for(lambda: os.path.exists(path), what="the monitor socket")
    check(os.stat(path).st_mode & 0o777 == 0o600, "monitor socket not owner-only")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    banner = read_until(s, b"(qemu) ")
    check(b"monitor - type 'help' for more information" in banner, repr(banner))
    s.sendall(b"info status\n")
    out = read_until(s, b"(qemu) ")
    check(out == b"VM status: running\n(qemu) ", repr(out))
    s.sendall(b"stop\ninfo status\n")
    out = read_until(s, b"paused")
    check(b"VM status: paused" in out, repr(out))
    before = m.serial_output()
    time.sleep(1.0)
    check(m.serial_output() == before, "output went on after HMP stop")
    s.sendall(b"cont\nhelp info\n")
    out = read_until(s, b"info stats")
    check(b"info registers" in out, repr(out))
    wait_for(lambda: len(m.serial_output()) > len(before), what="output after HMP cont")
    s.sendall(b"quit\n")
    m.proc.wait(timeout=10)
    check(m.proc.returncode == 0, "quit status %s" % m.proc.returncode)


def case_ctrl_a_c_switches_to_monitor(m):
    wait_for(lambda: b"tick 0001" in m.stdout_so_far(), what="ticks on stdio")
    m.proc.stdin.write(b"\x01c")
    m.proc.stdin.flush()
    wait_for(lambda: b"(qemu) " in m.stdout_so_far(), what="the monitor prompt")
    m.proc.stdin.write(b"info status\r")
    m.proc.stdin.flush()
    wait_for(lambda: b"VM status: running" in m.stdout_so_far(), what="info status output")
    m.proc.stdin.write(b"\x01x")
    m.proc.stdin.flush()
    m.proc.wait(timeout=10)
    check(m.proc.returncode == 0, "Ctrl-A x status %s" % m.proc.returncode)


def case_stats_file_written_at_exit(m):
    q = m.qmp()
    wait_for(lambda: ticks(m) >= 2, what="two ticks")
    q.cmd("quit")
    m.proc.wait(timeout=10)
    import json
    with open(os.path.join(m.dir, "stats.json")) as f:
        st = json.load(f)
    check(st["blocks-executed"] > 1000 and st["blocks-translated"] >= 5, repr(st))
    check(st["guest-instructions"] == st["blocks-executed"] * 8, "estimate = blocks x 8")
    check(st["serial-tx-bytes"][0] >= 20, "COM1 bytes %r" % st["serial-tx-bytes"])
    check(st["ram-bytes"] == 32 << 20 and 0 < st["tlb-hit-rate"] <= 1, repr(st))
    check(st["host-user-seconds"] + st["host-system-seconds"] > 0, "host CPU time")


def case_block_media_change_and_eject(m):
    q = m.qmp()
    a, b = os.path.join(m.dir, "a.iso"), os.path.join(m.dir, "b.iso")
    blocks = {d["device"]: d for d in q.cmd("query-block")["return"]}
    check(set(blocks) == {"ide0-hd0", "ide1-cd0"}, repr(blocks))
    cd = blocks["ide1-cd0"]
    check(cd["removable"] is True and cd["locked"] is False, repr(cd))
    check(cd["inserted"]["file"] == a and cd["inserted"]["ro"] is True, repr(cd))
    check(blocks["ide0-hd0"]["removable"] is False, repr(blocks))
    check(q.cmd("eject", device="ide1-cd0") == {"return": {}}, "eject")
    cd = {d["device"]: d for d in q.cmd("query-block")["return"]}["ide1-cd0"]
    check("inserted" not in cd, "still inserted after eject: %r" % cd)
    check("[not inserted]" in q.hmp("info block"), "info block after eject")
    r = q.cmd("blockdev-change-medium", id="ide1-cd0", filename=b, format="raw")
    check(r == {"return": {}}, "blockdev-change-medium: %r" % r)
    cd = {d["device"]: d for d in q.cmd("query-block")["return"]}["ide1-cd0"]
    check(cd["inserted"]["file"] == b and cd["inserted"]["drv"] == "raw", repr(cd))
    check(q.hmp("change ide1-cd0 %s" % a) == "", "HMP change")
    check("ide1-cd0: %s (raw, read-only)" % a in q.hmp("info block"), q.hmp("info block"))
    r = q.cmd("eject", device="ide0-hd0")
    check(r["error"]["desc"] == "Device 'ide0-hd0' is not removable", repr(r))
    r = q.cmd("blockdev-change-medium", device="ide1-cd0", filename=a + ".missing")
    check(r["error"]["class"] == "GenericError" and "Could not open" in r["error"]["desc"],
          repr(r))
    check(q.cmd("query-status")["return"]["status"] == "running", "still running")


def case_hmp_log_sendkey_screendump(m):
    q = m.qmp()
    check("int " in q.hmp("log"), "log lists categories")
    check(q.hmp("log int,guest_errors") == "", "log int")
    check(q.hmp("log none") == "", "log none")
    check("unknown" in q.hmp("log nosuchthing").lower(), "bad log category")
    check(q.hmp("sendkey ctrl-alt-delete") == "", "sendkey")
    check(q.hmp("sendkey nosuchkey") != "", "sendkey with an unknown key")
    png = os.path.join(m.dir, "hmp.png")
    r = q.hmp("screendump " + png)
    check(r == "" or "libpng" in r, "screendump: %r" % r)
    check(r != "" or open(png, "rb").read(4) == b"\x89PNG", "HMP screendump writes PNG")
    check(q.hmp("x /0x 0") .startswith("count out of range"), "x with count 0")
    check("Cannot access" not in q.hmp("x /4xb 0xfffffff0"), "x at the top of memory")


def main_thread_wakeups(pid):
    """Context switches of the main thread: an idle main loop wakes ~10 times a second."""
    n = 0
    with open("/proc/%d/task/%d/status" % (pid, pid)) as f:
        for ln in f:
            if ln.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                n += int(ln.split()[1])
    return n


def case_hmp_stdio_pipe_then_eof(m):
    m.proc.stdin.write(b"info status\nxp /2xb 0xffff0\n")
    m.proc.stdin.close()
    wait_for(lambda: b"0x00000000000ffff0: 0xea" in m.stdout_so_far()
             or b"00000000000ffff0: 0xea 0x00" in m.stdout_so_far(), what="xp output")
    out = m.stdout_so_far()
    check(b"VM status: running" in out and out.startswith(b"jit86 "), repr(out))
    t0 = main_thread_wakeups(m.proc.pid)
    time.sleep(1.0)
    used = main_thread_wakeups(m.proc.pid) - t0
    check(used < 60, "the main thread spins after stdin's EOF (%d wakeups in 1 s)" % used)
    q = m.qmp()
    check(q.cmd("query-status")["return"]["status"] == "running", "running after EOF")


def case_mon_chardev_control_and_readline(m):
    q = QMP(os.path.join(m.dir, "ctl.sock"))
    check(q.cmd("qmp_capabilities") == {"return": {}}, "QMP through -mon mode=control")
    check(q.cmd("query-status")["return"]["status"] == "running", "query-status")
    check(not os.path.exists(m.sock), "-mon control replaces -qmp")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(os.path.join(m.dir, "hmp.sock"))
    read_until(s, b"(qemu) ")
    s.sendall(b"info status\n")
    check(b"VM status: running" in read_until(s, b"running"), "HMP through -mon")
    m.sock = os.path.join(m.dir, "ctl.sock")


def mon_args(d):
    return ["-chardev", "socket,id=ctl,path=%s,server=on,wait=off" % os.path.join(d, "ctl.sock"),
            "-mon", "chardev=ctl,mode=control",
            "-chardev", "socket,id=hmp,path=%s,server=on,wait=off" % os.path.join(d, "hmp.sock"),
            "-mon", "chardev=hmp"]


def make_media(d):
    for name in ("a.iso", "b.iso"):
        with open(os.path.join(d, name), "wb") as f:
            f.write(bytes(2048 * 16))
    with open(os.path.join(d, "hd.img"), "wb") as f:
        f.write(bytes(512 * 2048))
    return ["-hda", os.path.join(d, "hd.img"), "-cdrom", os.path.join(d, "a.iso")]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


TCP_PORT = free_port()


def case_qmp_tcp_listens_on_loopback_only(m):
    s = None
    deadline = time.time() + 10
    while s is None:
        try:
            s = socket.create_connection(("127.0.0.1", TCP_PORT), timeout=5)
        except ConnectionRefusedError:
            if time.time() > deadline:
                raise
            time.sleep(0.05)
    f = s.makefile("rwb")
    check(b'"QMP"' in f.readline(), "greeting over TCP")
    f.write(b'{"execute": "qmp_capabilities"}\r\n{"execute": "query-status"}\r\n')
    f.flush()
    check(f.readline().strip() == b'{"return": {}}', "capabilities over TCP")
    check(b'"status": "running"' in f.readline(), "query-status over TCP")
    with open("/proc/net/tcp") as t:
        listening = [ln.split()[1] for ln in t.readlines()[1:] if ln.split()[3] == "0A"]
    mine = [a for a in listening if int(a.split(":")[1], 16) == TCP_PORT]
    check(mine == ["0100007F:%04X" % TCP_PORT], "listening on %r, want 127.0.0.1 only" % mine)


EXTRA = {
    "mon_chardev_control_and_readline": mon_args,
    "hmp_stdio_pipe_then_eof": lambda d: ["-monitor", "stdio"],
    "block_media_change_and_eject": make_media,
    "qmp_tcp_listens_on_loopback_only": lambda d: ["-qmp", "tcp::%d,server,nowait" % TCP_PORT],
    "hmp_unix_socket_monitor":
        lambda d: ["-monitor", "unix:%s,server,nowait" % os.path.join(d, "mon.sock")],
    "ctrl_a_c_switches_to_monitor": lambda d: ["-serial", "stdio"],
    "stats_file_written_at_exit": lambda d: ["-stats-file", os.path.join(d, "stats.json")],
}
SELF_ENDING = ("events_powerdown_and_shutdown", "hmp_unix_socket_monitor",
               "ctrl_a_c_switches_to_monitor", "stats_file_written_at_exit")

CASES = {n[5:]: f for n, f in globals().items() if n.startswith("case_")}


def main():
    name = sys.argv[4]
    bios = KNOWN if "known_state" in name else TICKER
    m = Machine(JIT86, bios, EXTRA.get(name, ()), stdin_pipe=name.startswith(("ctrl_a", "hmp_stdio")))
    try:
        CASES[name](m)
        check(name in SELF_ENDING or m.alive(), "jit86 died")
    except Exception as e:  # noqa: BLE001 - report every failure the same way
        status, out = m.stop()
        print("FAIL %s: %s\njit86 status %s, output:\n%s" % (name, e, status, out[-2000:]))
        return 1
    m.stop()
    print("ok: " + name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
