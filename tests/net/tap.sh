#!/bin/sh
# TAP backend: in a network namespace of its own, a tap interface with the
# host side at 10.0.2.2 (and slirp's gateway MAC, so the output matches the
# slirp run) answers the guest-ping guest on jit86 -netdev tap.
#
#   tap.sh GUEST.elf JIT86 EXPECTED
# Exit status: 0 pass, 1 fail, 77 skip (only when /dev/net/tun is missing).
set -u
elf=$1 jit86=$2 expected=$3
if [ ! -c /dev/net/tun ]; then
    echo "SKIP: /dev/net/tun is missing on this host: TAP test NOT RUN" >&2
    exit 77
fi
run=$(cd "$(dirname "$0")/../guest" && pwd)/run.sh
export GUEST_EXPECTED="$expected"
exec unshare -n sh -e -c '
    ip link set lo up
    ip tuntap add dev jtap0 mode tap
    ip link set dev jtap0 address 52:55:0a:00:02:02
    ip addr add 10.0.2.2/24 dev jtap0
    ip link set dev jtap0 up
    sh "$0" "$1" "$2" -netdev tap,id=n0,ifname=jtap0,script=no,downscript=no \
        -device ne2k_isa,netdev=n0,iobase=0x300,irq=9
' "$run" "$elf" "$jit86"
