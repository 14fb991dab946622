#!/bin/sh
# /init of the Linux boot test: marker, /proc facts, a SHA-256 workload over
# jit86.mib MiB (default 16) of `yes jit86` output, then reboot -f
# (-no-reboot makes jit86 exit 0).
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
echo "JIT86-LINUX-INIT: userland reached"
mib=16
for arg in $(cat /proc/cmdline); do
    case "$arg" in jit86.mib=*) mib=${arg#jit86.mib=} ;; esac
done
echo "=== /proc/cpuinfo"
cat /proc/cpuinfo
echo "=== /proc/interrupts"
cat /proc/interrupts
echo "=== workload: sha256 of $mib MiB"
sum=$(yes jit86 | head -c $((mib * 1048576)) | sha256sum)
echo "JIT86-LINUX-SHA256: ${sum%% *}"
echo "JIT86-LINUX-DONE"
reboot -f
