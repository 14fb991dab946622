#!/bin/sh
# info-network.sh JIT86 GUEST.elf: the ping guest (guest-ping.c) on an ISA
# NE2000 behind -netdev user, with -d net and the human monitor on stdin.
# Without isa-debug-exit the guest halts after its pings; then `info network`
# must show the backend's and the card's counters, and they must agree with
# the -d net log: one "tx"/"rx" line per frame, with its length and
# ethertype (ARP 0x0806 and IPv4 0x0800 both ways).
# Exit status: 0 pass, 1 fail.
set -u
jit86=$1 elf=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(
    sleep 4
    echo "info network"
    sleep 1
    echo quit
) | timeout 60 "$jit86" -kernel "$elf" -display none -monitor stdio -serial "file:$tmp/serial" \
    -m 32 -netdev user,id=u0 -device ne2k_isa,netdev=u0,iobase=0x300,irq=9 \
    -d net -D "$tmp/log" >"$tmp/mon" 2>&1
fail=0
check() { # description, fixed string expected in file
    grep -aqF -- "$2" "$3" || { echo "FAIL: $1 (no \"$2\" in $(basename "$3"))"; fail=1; }
}
check "guest pinged" "ping: seq 3 reply ok" "$tmp/serial"
# ARP request and three echo requests out; ARP reply and three echo replies in.
# Bytes: a 60-byte ARP request and 98-byte echoes out; slirp pads its ARP
# reply to 64 bytes.
check "backend line" "u0: type=user tx 4 frames 354 bytes, rx 4 frames 358 bytes, dropped rx 0 tx 0" "$tmp/mon"
check "card line" "ne2k_isa: macaddr=52:54:00:12:34:56 rx 4 frames 358 bytes, tx 4 frames 354 bytes, dropped rx 0 tx 0" "$tmp/mon"
check "-d net ARP out" "net: ne2k_isa tx 60 bytes type 0x0806" "$tmp/log"
check "-d net ARP in" "net: ne2k_isa rx 64 bytes type 0x0806" "$tmp/log"
check "-d net ICMP out" "net: ne2k_isa tx 98 bytes type 0x0800" "$tmp/log"
check "-d net ICMP in" "net: ne2k_isa rx 98 bytes type 0x0800" "$tmp/log"
tx=$(grep -c "^net: ne2k_isa tx" "$tmp/log")
rx=$(grep -c "^net: ne2k_isa rx [0-9]* bytes type 0x[0-9a-f]*$" "$tmp/log")
if [ "$tx" != 4 ] || [ "$rx" != 4 ]; then
    echo "FAIL: -d net logged $tx tx and $rx rx frames, want 4 and 4"
    fail=1
fi
if [ $fail != 0 ]; then
    echo "--- monitor:"; cat "$tmp/mon"; echo "--- log:"; cat "$tmp/log"
    exit 1
fi
grep -a "type=\|macaddr" "$tmp/mon"
head -4 "$tmp/log"
echo "ok: info network counters agree with -d net"
