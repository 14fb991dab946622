#!/usr/bin/env python3
"""Builds a gzip'd newc cpio initramfs around a static i386 busybox, without
root: the device nodes the kernel needs before /init runs (/dev/console) are
written straight into the archive (newc format: the kernel's
Documentation/driver-api/early-userspace/buffer-format.rst).

usage: mkinitramfs.py OUT.cpio.gz BUSYBOX INIT_SCRIPT
"""
import gzip
import stat
import sys


def newc_entry(ino, name, mode, data=b"", rdev=(0, 0), nlink=1):
    namez = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1], len(namez), 0]
    hdr = b"070701" + b"".join(b"%08X" % f for f in fields)
    out = hdr + namez
    out += b"\0" * (-len(out) % 4)
    out += data
    out += b"\0" * (-len(out) % 4)
    return out


def build(busybox, init):
    dirs = ["dev", "proc", "sys", "tmp", "bin", "sbin", "usr", "usr/bin", "usr/sbin", "root"]
    entries = [(d, stat.S_IFDIR | 0o755, b"", (0, 0)) for d in dirs]
    entries += [
        ("dev/console", stat.S_IFCHR | 0o600, b"", (5, 1)),
        ("dev/null", stat.S_IFCHR | 0o666, b"", (1, 3)),
        ("dev/ttyS0", stat.S_IFCHR | 0o660, b"", (4, 64)),
        ("bin/busybox", stat.S_IFREG | 0o755, busybox, (0, 0)),
        ("bin/sh", stat.S_IFLNK | 0o777, b"busybox", (0, 0)),
        ("init", stat.S_IFREG | 0o755, init, (0, 0)),
    ]
    out = b"".join(newc_entry(i + 1, n, m, d, r) for i, (n, m, d, r) in enumerate(entries))
    return out + newc_entry(0, "TRAILER!!!", 0)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    out, busybox, init = sys.argv[1:]
    with open(busybox, "rb") as f:
        bb = f.read()
    if bb[:4] != b"\x7fELF" or bb[4] != 1 or bb[18] != 3:
        sys.exit(f"mkinitramfs: {busybox} is not a 32-bit i386 ELF (install busybox-static:i386)")
    with open(init, "rb") as f:
        script = f.read()
    # mtime 0 in the gzip header: the same inputs give the same bytes.
    with open(out, "wb") as f:
        f.write(gzip.compress(build(bb, script), mtime=0))


if __name__ == "__main__":
    main()
