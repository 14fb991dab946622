#!/bin/busybox sh
# shellcheck shell=dash
# /init of the boot tests' initramfs (make-initramfs.sh). Prints the marker,
# then acts on jit86.boot= from the kernel command line, then reboot -f
# (-no-reboot ends the run):
#   marker (default)  nothing more
#   disk-write        load ata_piix and sd_mod, write the pattern to /dev/sda
#                     through the page cache, fsync, sync
#   disk-read         load the same modules, print the SHA-256 of the pattern's
#                     length read back from /dev/sda
#   disk-churn        disk-write, then keep writing other data 8 MiB further
#                     on until the host kills the emulator
# The pattern is `seq 1 100000`: deterministic, no two sectors alike.
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo JIT86-BOOT-MARKER
mode=marker
# shellcheck disable=SC2013 # the command line is words
for arg in $(cat /proc/cmdline); do
    case "$arg" in jit86.boot=*) mode=${arg#jit86.boot=} ;; esac
done

load_disk() {
    while read -r m; do
        insmod "/lib/modules/$m.ko" || echo "JIT86-INSMOD-FAILED $m"
    done </lib/modules/order
    n=0
    while [ ! -b /dev/sda ] && [ $n -lt 600 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    if [ ! -b /dev/sda ]; then
        echo JIT86-NO-DISK
        dmesg | tail -20
        reboot -f
    fi
    echo "JIT86-XFER-MODE $(cat /sys/class/ata_device/dev1.0/xfer_mode)"
    seq 1 100000 >/tmp/pattern
    len=$(wc -c </tmp/pattern)
}

case "$mode" in
disk-write)
    load_disk
    dd if=/tmp/pattern of=/dev/sda bs=4096 conv=fsync 2>/dev/null && sync &&
        echo "JIT86-DISK-WRITTEN $len"
    ;;
disk-churn)
    load_disk
    dd if=/tmp/pattern of=/dev/sda bs=4096 conv=fsync 2>/dev/null && sync &&
        echo "JIT86-DISK-SYNCED $len"
    while :; do
        dd if=/dev/urandom of=/dev/sda bs=65536 seek=128 count=16 conv=fsync 2>/dev/null
    done
    ;;
disk-read)
    load_disk
    echo "JIT86-DISK-SHA256 $(head -c "$len" /dev/sda | sha256sum)"
    ;;
esac
dmesg | grep -E "ata[0-9].*(exception|failed|error|limiting)" | sed "s/^/JIT86-DMESG /"
reboot -f
