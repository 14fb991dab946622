#!/bin/sh
# run-boot.sh EMULATOR MEDIUM: builds the boot medium from Debian's packages
# (make-*.sh) and boots it through SeaBIOS with the serial console on stdio;
# passes when the test initramfs prints its marker. MEDIUM is one of
#   cdrom   GRUB El Torito ISO, -cdrom -boot d
#   hdd     MBR + SYSLINUX on a FAT partition, -hda
#   floppy  1.44M SYSLINUX floppy chaining to the hdd disk, -fda -boot a
#   ide-rw  Linux (-kernel) writes a pattern to an IDE disk with ata_piix and
#           DMA, reboots; a second run reads it back: the SHA-256 must match
#   ide-kill Linux writes the pattern and syncs, then keeps writing elsewhere;
#           kill -9 of the emulator then: the synced pattern is in the image
# Exit 77 when a tool or package is missing. JIT86_BOOT_TIMEOUT overrides 240 s;
# JIT86_BOOT_ARGS adds emulator options (e.g. -accel tcg,backend=interp).
set -u
emu=$1 medium=$2
here=$(cd "$(dirname "$0")" && pwd)
kernel=${JIT86_BOOT_KERNEL:-/usr/lib/debian-installer/images/12/i386/text/debian-installer/i386/linux}
limit=${JIT86_BOOT_TIMEOUT:-240}
command -v "$emu" >/dev/null 2>&1 || [ -x "$emu" ] || {
    echo "SKIP: $emu is not installed (cmake/setup-deps.sh installs it)"
    exit 77
}
[ -r "$kernel" ] || { echo "SKIP: $kernel missing (debian-installer-12-netboot-i386)"; exit 77; }
extra=""
case "$(basename "$emu")" in qemu-system-*) extra="-accel tcg" ;; esac
extra="$extra ${JIT86_BOOT_ARGS:-}"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# make STEP ARGS: run a builder; its skip (77) or failure ends the test.
make() {
    step=$1; shift
    sh "$here/$step" "$@" >"$dir/make.log" 2>&1
    rc=$?
    [ $rc = 0 ] && return 0
    cat "$dir/make.log"
    [ $rc = 77 ] && exit 77
    echo "FAIL: $step $*"; exit 1
}

# boot LOG ARGS...: one run of the emulator; the guest ends it with reboot -f
# under -no-reboot.
boot() {
    log=$1; shift
    # shellcheck disable=SC2086
    timeout "$limit" "$emu" $extra -nographic -m 256 -no-reboot "$@" </dev/null >"$log" 2>&1
    echo "$(basename "$emu") $medium: exit status $? after $*" >>"$dir/status"
}

# expect LOG TEXT: TEXT in the serial output, once the cursor movements of
# the text-mode console (-nographic mirrors the screen) are taken out.
expect() {
    sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g' "$1" | grep -qaF "$2" && return 0
    echo "FAIL: '$2' not printed by $(basename "$emu") ($medium)"
    cat "$dir/status"
    tail -c 3000 "$1" | tr -d '\033' | tail -30
    exit 1
}

case $medium in
cdrom)
    make make-initramfs.sh "$dir/initrd.gz"
    make make-iso.sh "$dir/boot.iso" "$kernel" "$dir/initrd.gz"
    boot "$dir/out" -cdrom "$dir/boot.iso" -boot d
    expect "$dir/out" "GRUB: loading the kernel from the CD"
    expect "$dir/out" "JIT86-BOOT-MARKER"
    ;;
hdd)
    make make-initramfs.sh "$dir/initrd.gz"
    make make-hdd.sh "$dir/hdd.img" "$kernel" "$dir/initrd.gz"
    boot "$dir/out" -hda "$dir/hdd.img" -boot c
    expect "$dir/out" "SYSLINUX: loading the kernel from the disk"
    expect "$dir/out" "JIT86-BOOT-MARKER"
    ;;
floppy)
    make make-initramfs.sh "$dir/initrd.gz"
    make make-hdd.sh "$dir/hdd.img" "$kernel" "$dir/initrd.gz"
    make make-floppy.sh "$dir/floppy.img"
    boot "$dir/out" -fda "$dir/floppy.img" -hda "$dir/hdd.img" -boot a
    expect "$dir/out" "SYSLINUX: booted from the floppy"
    expect "$dir/out" "SYSLINUX: loading the kernel from the disk"
    expect "$dir/out" "JIT86-BOOT-MARKER"
    ;;
ide-rw)
    make make-initramfs.sh "$dir/initrd.gz"
    truncate -s 16M "$dir/data.img"
    append="console=ttyS0 quiet panic=-1 cryptomgr.notests jit86.boot"
    boot "$dir/write.out" -kernel "$kernel" -initrd "$dir/initrd.gz" -append "$append=disk-write" \
        -hda "$dir/data.img"
    expect "$dir/write.out" "JIT86-DISK-WRITTEN"
    grep -qaE "JIT86-XFER-MODE XFER_(UDMA|MW_DMA)" "$dir/write.out" ||
        expect "$dir/write.out" "JIT86-XFER-MODE in a DMA mode"
    if grep -qa "JIT86-DMESG" "$dir/write.out"; then expect "$dir/write.out" "no libata errors"; fi
    seq 1 100000 >"$dir/pattern"
    len=$(wc -c <"$dir/pattern")
    head -c "$len" "$dir/data.img" | cmp -s - "$dir/pattern" ||
        { echo "FAIL: the image does not hold the pattern the guest wrote"; exit 1; }
    # The host changes the image between the runs, so the read proves the
    # guest sees the disk's contents, not a cache: the last line's digits.
    printf '100001' | dd of="$dir/data.img" bs=1 seek=$((len - 7)) conv=notrunc 2>/dev/null
    sum=$(head -c "$len" "$dir/data.img" | sha256sum | cut -d' ' -f1)
    boot "$dir/read.out" -kernel "$kernel" -initrd "$dir/initrd.gz" -append "$append=disk-read" \
        -hda "$dir/data.img"
    expect "$dir/read.out" "JIT86-DISK-SHA256 $sum"
    ;;
ide-kill)
    make make-initramfs.sh "$dir/initrd.gz"
    truncate -s 16M "$dir/data.img"
    # shellcheck disable=SC2086
    "$emu" $extra -nographic -m 256 -no-reboot -kernel "$kernel" -initrd "$dir/initrd.gz" \
        -append "console=ttyS0 quiet panic=-1 cryptomgr.notests jit86.boot=disk-churn" -hda "$dir/data.img" \
        </dev/null >"$dir/out" 2>&1 &
    pid=$!
    n=0
    while ! grep -qa "JIT86-DISK-SYNCED" "$dir/out" && [ $n -lt "$limit" ] &&
        kill -0 $pid 2>/dev/null; do
        sleep 1
        n=$((n + 1))
    done
    # Kill once the guest's churn after the sync reaches the image.
    churn() { dd if="$dir/data.img" bs=65536 skip=128 count=1 2>/dev/null | tr -d '\0' | wc -c; }
    n=0
    while [ "$(churn)" -eq 0 ] && [ $n -lt 60 ] && kill -0 $pid 2>/dev/null; do
        sleep 1
        n=$((n + 1))
    done
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    echo "$(basename "$emu") $medium: killed after $n s" >>"$dir/status"
    expect "$dir/out" "JIT86-DISK-SYNCED"
    seq 1 100000 >"$dir/pattern"
    head -c "$(wc -c <"$dir/pattern")" "$dir/data.img" | cmp -s - "$dir/pattern" ||
        { echo "FAIL: data the guest synced is not in the image after kill -9"; exit 1; }
    [ "$(churn)" -gt 0 ] ||
        { echo "FAIL: the guest wrote nothing after its sync before the kill"; exit 1; }
    ;;
*)
    echo "usage: run-boot.sh EMULATOR cdrom|hdd|floppy|ide-rw|ide-kill" >&2
    exit 2
    ;;
esac
grep -ha "JIT86-DMESG\|JIT86-INSMOD\|JIT86-XFER" "$dir"/*.out 2>/dev/null | tr -d '\r' | sed 's/^/  /'
echo "ok: $(basename "$emu") booted $medium to the initramfs marker"
