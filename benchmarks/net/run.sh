#!/bin/sh
# Network throughput of a Linux guest: the Debian i386 installer kernel with
# ne2k-pci on -nic user (slirp), busybox nc in the guest sending MIB MiB
# (default 64) to the host through hostfwd, on jit86 and on
# qemu-system-i386 -accel tcg with the same kernel, initramfs and transfer
# (tests/net/linux-net.sh, which also checks the SHA-256 on both sides).
# MB/s = 10^6 bytes per second from the first byte the host receives to EOF.
# usage: benchmarks/net/run.sh [BUILD_DIR] [MIB]   (default: build, 64)
set -eu
B=${1:-build}
MIB=${2:-64}
here=$(cd "$(dirname "$0")" && pwd)
test=$here/../../tests/net/linux-net.sh
run() { # emulator -> "MB/s" or "failed"
    out=$(sh "$test" "$1" "$MIB" 2>&1) || {
        echo "$out" | tail -n 20 >&2
        echo failed
        return
    }
    echo "$out" | sed -n 's/^THROUGHPUT [^ ]* //p'
}
j=$(run "$B/jit86")
q=$(run qemu-system-i386)
echo "| guest -> host, $MIB MiB, busybox nc, ne2k_pci, -nic user | MB/s |"
echo "| --- | --- |"
echo "| jit86 (x86-64 backend) | $j |"
echo "| qemu-system-i386 -accel tcg ($(qemu-system-i386 --version | head -1 | sed 's/.*version \([^ ]*\).*/\1/')) | $q |"
