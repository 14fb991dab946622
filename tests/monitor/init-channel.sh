#!/bin/sh
# /init of the Linux host-guest channel test (docs/monitor.md): COM2 is
# /dev/ttyS1 in raw mode; the guest announces itself with a READY frame
# ('J' '8', length 5, "READY", checksum 0x86) and then sends every byte it
# receives straight back, so each host frame returns unchanged through the
# kernel's 8250 driver in both directions.
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mknod /dev/ttyS1 c 4 65
# One descriptor held from before READY to the end: while nobody has the port
# open the kernel drops what arrives, and each open resets the UART's FIFOs.
exec 3<>/dev/ttyS1
stty raw -echo -echoe -echok -icrnl -onlcr -opost -hupcl 115200 <&3
echo "JIT86-CHANNEL: guest ready"
printf 'J8\005\000READY\206' >&3
exec cat <&3 >&3
