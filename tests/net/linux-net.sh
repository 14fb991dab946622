#!/bin/sh
# linux-net.sh EMULATOR [MIB]: the Debian i386 installer kernel with 8390 and
# ne2k-pci from linux-image-686:i386 (the kernel's own release) on
# -nic user,model=ne2k_pci: udhcpc must get 10.0.2.15 from slirp, and MIB MiB
# (default 64) served by busybox nc in the guest must reach the host through
# hostfwd with the SHA-256 the guest printed and the host expects. Prints
# "THROUGHPUT <emulator> <MB/s>" (benchmarks/net/run.sh reads it).
# EMULATOR is jit86 or qemu-system-i386 (run with -accel tcg).
# Exit status: 0 pass, 1 fail, 77 skip (an input package is missing).
set -u
emu=$1
mib=${2:-64}
here=$(cd "$(dirname "$0")" && pwd)
kernel=${JIT86_LINUX_KERNEL:-/usr/lib/debian-installer/images/12/i386/text/debian-installer/i386/linux}
busybox=${JIT86_BUSYBOX:-/bin/busybox}
limit=${JIT86_NET_TIMEOUT:-600}

skip() {
    echo "SKIP: $*: Linux network test NOT RUN"
    exit 77
}
command -v "$emu" >/dev/null 2>&1 || skip "emulator '$emu' not found"
[ -r "$kernel" ] || skip "$kernel missing (debian-installer-12-netboot-i386)"
# The modules must come from the kernel's own release: the version string its
# setup header points at (boot.rst: kernel_version at 0x20E, offset from 0x200).
vofs=$(od -An -tu2 -j526 -N2 "$kernel" | tr -d ' ')
release=$(dd if="$kernel" bs=1 skip=$((vofs + 512)) count=64 2>/dev/null |
    tr '\0' '\n' | head -1 | cut -d' ' -f1)
moddir=/lib/modules/$release/kernel/drivers/net/ethernet/8390
for m in 8390 ne2k-pci; do
    [ -r "$moddir/$m.ko" ] || skip "$moddir/$m.ko missing (linux-image-686:i386 for $release)"
done

dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
python3 "$here/mkinitramfs-net.py" "$dir/initrd.gz" "$busybox" "$here/linux-init.sh" \
    "$moddir/8390.ko" "$moddir/ne2k-pci.ko" || skip "cannot build the initramfs (busybox-static:i386)"

accel=
case $(basename "$emu") in qemu-system-*) accel="-accel tcg" ;; esac
port=$((20000 + $$ % 20000))
# shellcheck disable=SC2086 # accel is zero or two words
timeout "$limit" "$emu" $accel -nographic -m 256 -kernel "$kernel" -initrd "$dir/initrd.gz" \
    -append "console=ttyS0 panic=-1 jit86.mib=$mib" -no-reboot \
    -nic "user,model=ne2k_pci,hostfwd=tcp:127.0.0.1:$port-:5000" </dev/null >"$dir/out" 2>&1 &
pid=$!

fail() {
    echo "FAIL: $*"
    echo "--- last 40 lines of the serial console:"
    tail -n 40 "$dir/out"
    exit 1
}
# The guest prints LISTENING just before nc listens; net-recv.py retries a
# connection that slirp accepted before the guest's listen.
n=0
until grep -aq "JIT86-NET-LISTENING" "$dir/out"; do
    kill -0 $pid 2>/dev/null || fail "the emulator ended before the guest listened"
    [ $n -lt $((limit * 5)) ] || fail "no JIT86-NET-LISTENING in $limit s"
    sleep 0.2
    n=$((n + 1))
done
tr -d '\r' <"$dir/out" | grep -aq "^JIT86-NET-ADDR 10.0.2.15$" || fail "udhcpc did not get 10.0.2.15"
result=$(python3 "$here/net-recv.py" 127.0.0.1 $port "$limit") || fail "no transfer from the guest"
wait $pid
rc=$?
pid=
# shellcheck disable=SC2086 # four words: bytes seconds MB/s sha256
set -- $result
# The guest's data (linux-init.sh), made here with the host's tools.
seq 1 200000 | head -c 1048576 >"$dir/block"
size=$((mib * 1048576 + $(seq 1 "$mib" | sed 's/^/block /' | wc -c)))
expected=$(for i in $(seq 1 "$mib"); do
    echo "block $i"
    cat "$dir/block"
done | sha256sum | cut -d' ' -f1)
guest=$(sed -n 's/.*JIT86-NET-GUEST-SHA256 \([0-9a-f]*\) .*/\1/p' "$dir/out" | tr -d '\r')
[ "$guest" = "$expected" ] || fail "guest's data SHA-256 '$guest', want $expected"
[ "$1" = "$size" ] || fail "host received $1 bytes, want $size"
[ "$4" = "$expected" ] || fail "host received SHA-256 $4, want $expected"
grep -aq "JIT86-NET-SENT" "$dir/out" || fail "nc in the guest did not finish"
[ $rc = 0 ] || fail "the emulator exited with status $rc (want 0 from -no-reboot)"
grep -a "JIT86-NET-ADDR\|JIT86-NET-IFCONFIG" "$dir/out" | tr -d '\r'
echo "ok: $(basename "$emu"): 10.0.2.15 by DHCP, $1 bytes through hostfwd in $2 s, sha256 $4"
echo "THROUGHPUT $(basename "$emu") $3"
