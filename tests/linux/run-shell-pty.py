#!/usr/bin/env python3
"""Drives `make run`'s guest through a pseudo-terminal, as a user would: waits
for the busybox prompt, types `uname -m`, expects i686, then quits jit86 with
Ctrl-A x (ui/chardev.c's escape, as in QEMU) and expects exit status 0.

usage: run-shell-pty.py TIMEOUT_SECONDS COMMAND...
"""
import os
import pty
import re
import select
import sys
import time


class Session:
    def __init__(self, argv, deadline):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvp(argv[0], argv)
        self.buf = b""
        self.deadline = deadline

    def expect(self, pattern, what):
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.buf)
            if m:
                before = self.buf[:m.start()]
                self.buf = self.buf[m.end():]
                return before
            left = self.deadline - time.monotonic()
            if left <= 0:
                self.fail(f"timed out waiting for {what}")
            r, _, _ = select.select([self.fd], [], [], left)
            if not r:
                continue
            try:
                data = os.read(self.fd, 4096)
            except OSError:
                data = b""
            if not data:
                self.fail(f"jit86 ended before {what}")
            sys.stdout.write(data.decode("latin-1"))
            sys.stdout.flush()
            self.buf += data

    def send(self, data):
        os.write(self.fd, data)

    def wait_exit(self):
        while time.monotonic() < self.deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            try:
                if select.select([self.fd], [], [], 0.2)[0]:
                    os.read(self.fd, 4096)
            except OSError:
                time.sleep(0.2)
        self.fail("jit86 did not exit after Ctrl-A x")

    def fail(self, msg):
        print(f"\nFAIL: {msg}")
        try:
            os.kill(self.pid, 9)
        except ProcessLookupError:
            pass
        sys.exit(1)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    s = Session(sys.argv[2:], time.monotonic() + float(sys.argv[1]))
    s.expect(rb"jit86:[^\r\n]*# ", "the shell prompt")
    s.send(b"uname -m\r")
    s.expect(rb"uname -m", "the echo of the command")
    out = s.expect(rb"jit86:[^\r\n]*# ", "the prompt after uname -m")
    lines = [ln.strip() for ln in out.replace(b"\r", b"\n").split(b"\n") if ln.strip()]
    if lines != [b"i686"]:
        s.fail(f"uname -m printed {lines!r}, want [b'i686']")
    s.send(b"\x01x")
    rc = s.wait_exit()
    if rc != 0:
        print(f"\nFAIL: jit86 exited with status {rc} after Ctrl-A x (want 0)")
        sys.exit(1)
    print("\nok: prompt reached, uname -m = i686, Ctrl-A x quit with status 0")


if __name__ == "__main__":
    main()
