#!/bin/sh
# /init of the live migration test: rewrites a 64 MiB file in RAM (tmpfs
# root) with new contents each pass, so the guest keeps dirtying memory, and
# prints the pass number and the SHA-256 of what it wrote.
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
echo "JIT86-LINUX-INIT: userland reached"
mib=64
for arg in $(cat /proc/cmdline); do
    case "$arg" in jit86.mib=*) mib=${arg#jit86.mib=} ;; esac
done
i=0
while true; do
    yes "pass $i" | head -c $((mib * 1048576)) > /blob
    sum=$(sha256sum < /blob)
    echo "PASS $i ${sum%% *}"
    i=$((i + 1))
done
