"""A small QMP client for the tests (Debian has no python3-qemu.qmp): connect,
read the greeting, send commands, collect events, with timeouts everywhere."""
import json
import os
import socket
import subprocess
import tempfile
import threading
import time


class QMPError(Exception):
    pass


class QMP:
    def __init__(self, path, timeout=10.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        deadline = time.time() + timeout
        while True:
            try:
                self.sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
        self.buf = b""
        self.events = []
        self.greeting = self.read()

    def read(self):
        """The next message (reply or event)."""
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise QMPError("connection closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def send_raw(self, data):
        self.sock.sendall(data)

    def reply(self):
        """The next reply; events read on the way are kept."""
        while True:
            msg = self.read()
            if "event" in msg:
                self.events.append(msg)
            else:
                return msg

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.send_raw(json.dumps(msg).encode() + b"\n")
        return self.reply()

    def hmp(self, line):
        r = self.cmd("human-monitor-command", **{"command-line": line})
        if "return" not in r:
            raise QMPError(r)
        return r["return"]

    def wait_event(self, name, timeout=10.0):
        deadline = time.time() + timeout
        while True:
            for i, e in enumerate(self.events):
                if e["event"] == name:
                    return self.events.pop(i)
            if time.time() > deadline:
                raise QMPError("no %s event" % name)
            self.sock.settimeout(max(0.1, deadline - time.time()))
            msg = self.read()
            self.events.append(msg) if "event" in msg else None

    def close(self):
        self.sock.close()


class Machine:
    """jit86 with a QMP socket in a temporary directory; serial output to a file."""

    def __init__(self, jit86, bios, extra=(), stdin_pipe=False):
        self.dir = tempfile.mkdtemp(prefix="jit86-qmp-")
        self.sock = os.path.join(self.dir, "qmp.sock")
        self.serial = os.path.join(self.dir, "serial.txt")
        if callable(extra):
            extra = extra(self.dir)
        serial = [] if "-serial" in extra else ["-serial", "file:" + self.serial]
        self.proc = subprocess.Popen(
            [jit86, "-bios", bios, "-nographic", "-m", "32", "-cpu", "486"] + serial
            + ["-qmp", "unix:%s,server,nowait" % self.sock] + list(extra),
            stdin=subprocess.PIPE if stdin_pipe else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.out = bytearray()
        self.reader = threading.Thread(target=self._read_stdout, daemon=True)
        self.reader.start()

    def serial_output(self):
        try:
            with open(self.serial, "rb") as f:
                return f.read()
        except FileNotFoundError:
            return b""

    def qmp(self):
        q = QMP(self.sock)
        r = q.cmd("qmp_capabilities")
        assert r == {"return": {}}, r
        return q

    def alive(self):
        return self.proc.poll() is None

    def _read_stdout(self):
        for chunk in iter(lambda: self.proc.stdout.read1(4096), b""):
            self.out += chunk

    def stdout_so_far(self):
        return bytes(self.out)

    def stop(self):
        if self.alive():
            self.proc.kill()
        self.proc.wait(timeout=10)
        self.reader.join(timeout=10)
        return self.proc.returncode, bytes(self.out)
