#!/bin/sh
# make-initramfs.sh OUT: the boot tests' initramfs, built without root. The
# base is tests/linux's (mkinitramfs.py: Debian's busybox-static for i386 and
# the device nodes) with init.sh as /init; a second gzip'd newc archive
# appended to it (the kernel unpacks concatenated archives in turn) adds the
# installer kernel's own modules for an ata_piix disk, from
# linux-image-686:i386, which must match the kernel's release.
# Exit 77 when a package is missing.
set -eu
out=$1
here=$(cd "$(dirname "$0")" && pwd)
kernel=${JIT86_BOOT_KERNEL:-/usr/lib/debian-installer/images/12/i386/text/debian-installer/i386/linux}
busybox=${JIT86_BUSYBOX:-/bin/busybox}

skip() {
    echo "SKIP: $*"
    exit 77
}
[ -r "$kernel" ] || skip "$kernel missing (debian-installer-12-netboot-i386)"
command -v cpio >/dev/null || skip "cpio is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"

# The kernel's release, from the version string its setup header points at
# (boot.rst: kernel_version at 0x20E, an offset from 0x200): "6.1.0-50-686 ...".
vofs=$(od -An -tu2 -j526 -N2 "$kernel" | tr -d ' ')
release=$(dd if="$kernel" bs=1 skip=$((vofs + 512)) count=64 2>/dev/null |
    tr '\0' '\n' | head -1 | cut -d' ' -f1)
moddir=/lib/modules/$release
[ -d "$moddir" ] || skip "$moddir missing (linux-image-686:i386 for kernel $release)"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 "$here/../linux/mkinitramfs.py" "$dir/base.gz" "$busybox" "$here/init.sh" ||
    skip "$busybox is not busybox-static:i386"

# An ata_piix disk's modules, each after the ones it needs (modinfo depends).
mkdir -p "$dir/mods/lib/modules"
for m in scsi_common scsi_mod libata ata_piix crct10dif_common crct10dif_generic \
    crc-t10dif crc64 crc64_rocksoft_generic crc64-rocksoft t10-pi sd_mod; do
    ko=$(find "$moddir/kernel" -name "$m.ko" | head -1)
    [ -n "$ko" ] || skip "module $m.ko not found under $moddir"
    cp "$ko" "$dir/mods/lib/modules/"
    echo "$m" >>"$dir/mods/lib/modules/order"
done
(cd "$dir/mods" && find lib | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
    gzip -9n >"$dir/mods.gz"
cat "$dir/base.gz" "$dir/mods.gz" >"$out.tmp"
mv "$out.tmp" "$out"
