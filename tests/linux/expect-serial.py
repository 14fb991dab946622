#!/usr/bin/env python3
"""Runs COMMAND with its output on a pipe until PATTERN (a regular expression
over the raw bytes, ANSI escapes stripped) appears, then stops it: exit 0 when
seen, 1 when COMMAND ends or TIMEOUT seconds pass first. The output is copied
to LOG.

usage: expect-serial.py TIMEOUT PATTERN LOG COMMAND...
"""
import os
import re
import selectors
import subprocess
import sys
import time

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]|\x0e|\x0f")


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    limit, pattern, log = float(sys.argv[1]), re.compile(sys.argv[2].encode()), sys.argv[3]
    p = subprocess.Popen(sys.argv[4:], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    sel = selectors.DefaultSelector()
    sel.register(p.stdout, selectors.EVENT_READ)
    end = time.monotonic() + limit
    text = b""
    found = False
    with open(log, "wb") as out:
        while not found and time.monotonic() < end:
            if not sel.select(max(0.0, end - time.monotonic())):
                continue
            data = os.read(p.stdout.fileno(), 65536)
            if not data:
                break
            out.write(data)
            text = (text + ANSI.sub(b" ", data))[-65536:]
            m = pattern.search(text)
            found = m is not None
    p.kill()
    p.wait()
    if found:
        seen = b" ".join(text[max(0, m.start() - 80):m.end() + 80].split())
        print("seen: " + seen.decode("latin-1"))
    return 0 if found else 1


if __name__ == "__main__":
    sys.exit(main())
