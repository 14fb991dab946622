#!/usr/bin/env python3
"""mkcpio.py OUT.gz INIT: a gzip'd newc initramfs holding /dev/console and INIT as /init."""
import gzip
import sys


def entry(name, mode, data=b"", rdev=(0, 0), ino=1):
    head = "070701" + "".join(
        "%08X" % v
        for v in (ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(name) + 1, 0))
    out = head.encode() + name.encode() + b"\0"
    out += b"\0" * (-len(out) % 4) + data
    return out + b"\0" * (-len(out) % 4)


def main():
    out, init = sys.argv[1], sys.argv[2]
    with open(init, "rb") as f:
        data = f.read()
    cpio = entry("dev", 0o40755, ino=1) + entry("dev/console", 0o20600, rdev=(5, 1), ino=2)
    cpio += entry("init", 0o100755, data, ino=3) + entry("TRAILER!!!", 0, ino=0)
    with gzip.open(out, "wb") as f:
        f.write(cpio)


if __name__ == "__main__":
    main()
