#!/usr/bin/env python3
"""Host side of the Linux network test: connects to HOST:PORT (a hostfwd
port), reads until EOF and prints "bytes seconds MB/s sha256". Retries while
a connection ends with no data (slirp accepts before the guest listens).

usage: net-recv.py HOST PORT TIMEOUT_SECONDS
"""
import hashlib
import socket
import sys
import time


def receive(host, port, deadline):
    with socket.create_connection((host, port), timeout=max(1, deadline - time.time())) as s:
        h = hashlib.sha256()
        n = 0
        start = None
        while True:
            s.settimeout(max(1, deadline - time.time()))
            chunk = s.recv(1 << 16)
            if not chunk:
                break
            if start is None:
                start = time.monotonic()
            h.update(chunk)
            n += len(chunk)
        return n, (time.monotonic() - start) if start else 0.0, h.hexdigest()


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    host, port, limit = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    deadline = time.time() + limit
    while time.time() < deadline:
        try:
            n, secs, digest = receive(host, port, deadline)
        except OSError as e:
            print(f"net-recv: {e}", file=sys.stderr)
            n = 0
        if n:
            print(f"{n} {secs:.3f} {n / 1e6 / max(secs, 1e-6):.2f} {digest}")
            return
        time.sleep(0.5)
    sys.exit("net-recv: no data before the deadline")


if __name__ == "__main__":
    main()
