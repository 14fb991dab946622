#!/bin/sh
# make-initramfs.sh OUT: the boot tests' gzip'd newc initramfs, built without
# root: Debian's busybox-static (i386), init.sh as /init, and the installer
# kernel's own modules for an ata_piix disk (from linux-image-686:i386, which
# must match the kernel's release). Exit 77 when a package is missing.
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
file -L "$busybox" 2>/dev/null | grep -q "Intel 80386.*statically linked" ||
    skip "$busybox is not busybox-static:i386"
command -v cpio >/dev/null || skip "cpio is not installed"

# The kernel's release, from the version string its setup header points at
# (boot.rst: kernel_version at 0x20E, an offset from 0x200): "6.1.0-50-686 ...".
vofs=$(od -An -tu2 -j526 -N2 "$kernel" | tr -d ' ')
release=$(dd if="$kernel" bs=1 skip=$((vofs + 512)) count=64 2>/dev/null |
    tr '\0' '\n' | head -1 | cut -d' ' -f1)
moddir=/lib/modules/$release
[ -d "$moddir" ] || skip "$moddir missing (linux-image-686:i386 for kernel $release)"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/bin" "$dir/proc" "$dir/sys" "$dir/dev" "$dir/tmp" "$dir/lib/modules"
cp "$busybox" "$dir/bin/busybox"
cp "$here/init.sh" "$dir/init"
chmod 755 "$dir/bin/busybox" "$dir/init"

# An ata_piix disk's modules, each after the ones it needs (modinfo depends).
for m in scsi_common scsi_mod libata ata_piix crct10dif_common crct10dif_generic \
    crc-t10dif crc64 crc64_rocksoft_generic crc64-rocksoft t10-pi sd_mod; do
    ko=$(find "$moddir/kernel" -name "$m.ko" | head -1)
    [ -n "$ko" ] || skip "module $m.ko not found under $moddir"
    cp "$ko" "$dir/lib/modules/"
    echo "$m" >>"$dir/lib/modules/order"
done

(cd "$dir" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9n >"$out.tmp"
mv "$out.tmp" "$out"
