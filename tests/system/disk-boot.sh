#!/bin/sh
# disk-boot.sh EMULATOR IMAGE [hda|drive]: SeaBIOS boots IMAGE as -hda (or as
# -drive file=...,format=raw,if=ide,index=0); the boot sector must print its
# lines and exit with status 67, on jit86 and on QEMU.
emu=$1 image=$2 spelling=${3:-hda}
command -v "$emu" >/dev/null 2>&1 || [ -x "$emu" ] || {
    echo "SKIP: $emu is not installed (cmake/setup-deps.sh installs it)"
    exit 77
}
extra=""
case "$(basename "$emu")" in qemu-system-*) extra="-accel tcg -vga none" ;; esac
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$image" "$dir/disk.img"
disk="-hda $dir/disk.img"
[ "$spelling" = drive ] && disk="-drive file=$dir/disk.img,format=raw,if=ide,index=0,media=disk"
# shellcheck disable=SC2086
timeout 30 "$emu" $extra $disk \
    -nographic -m 64 -device isa-debug-exit,iobase=0xf4,iosize=4 -no-reboot \
    </dev/null >"$dir/out" 2>&1
status=$?
fail=0
for line in "MBR booted by the BIOS" "sector 2 read through INT 13h"; do
    grep -qF "$line" "$dir/out" || { echo "FAIL: '$line' not printed"; fail=1; }
done
[ "$status" = 67 ] || { echo "FAIL: exit status $status, expected 67"; fail=1; }
[ $fail = 0 ] && echo "ok: $(basename "$emu") booted the disk" || tail -c 2000 "$dir/out" | cat -A | tail -20
exit $fail
