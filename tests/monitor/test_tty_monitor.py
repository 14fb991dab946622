#!/usr/bin/env python3
"""-monitor stdio on a terminal: test_tty_monitor.py JIT86 BIOS. Runs jit86 on a
pseudo-terminal, types `info status`, then recalls it with the Up arrow
(libedit's history) and `quit`; both runs of the command must answer and the
exit status must be 0."""
import os
import pty
import select
import subprocess
import sys
import time


def main():
    jit86, bios = sys.argv[1:3]
    master, slave = pty.openpty()
    p = subprocess.Popen([jit86, "-bios", bios, "-m", "32", "-cpu", "486", "-display", "none",
                          "-monitor", "stdio"],
                         stdin=slave, stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    out = b""

    def read_until(marker, count, timeout=10.0):
        nonlocal out
        end = time.time() + timeout
        while out.count(marker) < count and time.time() < end:
            r, _, _ = select.select([master], [], [], 0.1)
            if r:
                try:
                    out += os.read(master, 4096)
                except OSError:
                    return

    try:
        read_until(b"(qemu) ", 1)
        os.write(master, b"info status\r")
        read_until(b"VM status: running", 1)
        os.write(master, b"\x1b[A\r")  # Up arrow: the previous line again
        read_until(b"VM status: running", 2)
        n = out.count(b"VM status: running")
        os.write(master, b"quit\r")
        status = p.wait(timeout=10)
    finally:
        if p.poll() is None:
            p.kill()
    if n != 2 or status != 0:
        print("FAIL: %d answers (want 2), exit status %s; terminal output:\n%r" % (n, status, out))
        return 1
    print("ok: the command ran, the Up arrow recalled it, quit ended the run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
