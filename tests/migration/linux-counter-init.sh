#!/bin/sh
# /init of the Linux suspend/resume test: prints COUNT N on the serial console
# forever, a few per second (busybox's usleep sleeps on the kernel's timers,
# so the count also shows that the guest's clock and interrupts go on).
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
echo "JIT86-LINUX-INIT: userland reached"
i=0
while true; do
    echo "COUNT $i"
    i=$((i + 1))
    usleep 100000
done
