#!/bin/sh
# make-hdd.sh OUT.img KERNEL INITRD: a 32 MiB hard disk, without root or loop
# mounts: an MBR partition table (sfdisk on the file) with one active FAT16
# partition at sector 2048, filled with mtools, SYSLINUX installed into it
# (syslinux's mtools installer), and syslinux's mbr.bin as the boot code.
# extlinux would need the file system mounted, so the disk runs SYSLINUX on
# FAT: the same loader core, reached the same way through the MBR.
set -eu
out=$1 kernel=$2 initrd=$3
for tool in sfdisk mkfs.fat mcopy syslinux; do
    command -v $tool >/dev/null ||
        { echo "SKIP: $tool missing (fdisk, dosfstools, mtools, syslinux)"; exit 77; }
done
mbr=/usr/lib/syslinux/mbr/mbr.bin
[ -r $mbr ] || { echo "SKIP: $mbr missing (syslinux-common)"; exit 77; }

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
start=2048 sectors=65536
part_sectors=$((sectors - start))

cat >"$dir/syslinux.cfg" <<'CFG'
SERIAL 0 115200
DEFAULT linux
PROMPT 0
TIMEOUT 0
SAY SYSLINUX: loading the kernel from the disk
LABEL linux
    KERNEL vmlinuz
    INITRD initrd.gz
    APPEND console=ttyS0 quiet panic=-1 cryptomgr.notests
CFG

# The partition first, as its own file: hidden sectors = its start, so the
# boot sector and ldlinux find themselves on the whole disk.
mkfs.fat -F 16 -n JIT86BOOT -i 4a495438 -h $start -C "$dir/part.img" $((part_sectors / 2)) >/dev/null
export MTOOLS_SKIP_CHECK=1
mcopy -i "$dir/part.img" "$kernel" ::vmlinuz
mcopy -i "$dir/part.img" "$initrd" ::initrd.gz
mcopy -i "$dir/part.img" "$dir/syslinux.cfg" ::syslinux.cfg
syslinux --install "$dir/part.img"

truncate -s $((sectors * 512)) "$dir/disk.img"
printf 'label: dos\nlabel-id: 0x4a495438\nstart=%s, size=%s, type=6, bootable\n' $start $part_sectors |
    sfdisk --quiet --no-reread --no-tell-kernel "$dir/disk.img" >/dev/null
dd if="$dir/part.img" of="$dir/disk.img" bs=512 seek=$start conv=notrunc,sparse 2>/dev/null
dd if=$mbr of="$dir/disk.img" bs=440 count=1 conv=notrunc 2>/dev/null
mv "$dir/disk.img" "$out"
