#!/usr/bin/env python3
"""The Linux network test's initramfs: tests/linux/mkinitramfs.py's archive
(static i386 busybox, /dev nodes, INIT as /init) plus kernel modules under
/lib/modules/NAME.ko.

usage: mkinitramfs-net.py OUT.cpio.gz BUSYBOX INIT MODULE.ko...
"""
import gzip
import os
import stat
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "linux"))
import mkinitramfs  # noqa: E402  (tests/linux, found through the path above)

TRAILER_LEN = len(mkinitramfs.newc_entry(0, "TRAILER!!!", 0))


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    out, busybox, init = sys.argv[1:4]
    with open(busybox, "rb") as f:
        bb = f.read()
    if bb[:4] != b"\x7fELF" or bb[4] != 1 or bb[18] != 3:
        sys.exit(f"mkinitramfs-net: {busybox} is not a 32-bit i386 ELF")
    with open(init, "rb") as f:
        script = f.read()
    # The base archive without its trailer, then the module directory and
    # modules (inode numbers after the base's, which stay below 100).
    body = mkinitramfs.build(bb, script)[:-TRAILER_LEN]
    extra = [("lib", stat.S_IFDIR | 0o755, b""), ("lib/modules", stat.S_IFDIR | 0o755, b"")]
    for path in sys.argv[4:]:
        with open(path, "rb") as f:
            extra.append(("lib/modules/" + os.path.basename(path), stat.S_IFREG | 0o644, f.read()))
    for i, (name, mode, data) in enumerate(extra):
        body += mkinitramfs.newc_entry(100 + i, name, mode, data)
    body += mkinitramfs.newc_entry(0, "TRAILER!!!", 0)
    with open(out, "wb") as f:
        f.write(gzip.compress(body, mtime=0))


if __name__ == "__main__":
    main()
