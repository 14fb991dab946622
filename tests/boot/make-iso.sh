#!/bin/sh
# make-iso.sh OUT.iso KERNEL INITRD: a GRUB El Torito CD (grub-mkrescue,
# i386-pc: the BIOS boot image plus the ISO 9660 tree) whose grub.cfg boots
# KERNEL with INITRD on the serial console at once. Exit 77 without grub.
set -eu
out=$1 kernel=$2 initrd=$3
for tool in grub-mkrescue xorriso; do
    command -v $tool >/dev/null || { echo "SKIP: $tool missing (grub-pc-bin, xorriso)"; exit 77; }
done
[ -d /usr/lib/grub/i386-pc ] || { echo "SKIP: grub-pc-bin missing"; exit 77; }

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/iso/boot/grub"
cp "$kernel" "$dir/iso/boot/vmlinuz"
cp "$initrd" "$dir/iso/boot/initrd.gz"
cat >"$dir/iso/boot/grub/grub.cfg" <<'CFG'
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=0
menuentry "jit86 boot test" {
    echo "GRUB: loading the kernel from the CD"
    linux /boot/vmlinuz console=ttyS0 quiet panic=-1 cryptomgr.notests
    initrd /boot/initrd.gz
}
CFG
# Only the BIOS platform: a host with EFI GRUB packages would add an EFI image.
grub-mkrescue -d /usr/lib/grub/i386-pc -o "$out" "$dir/iso" >"$dir/log" 2>&1 ||
    { cat "$dir/log"; exit 1; }
