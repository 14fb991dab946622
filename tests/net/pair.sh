#!/bin/sh
# Two VMs on one host-only LAN (-netdev socket): A listens and runs the
# responder guest (MAC ...:57), B connects and runs the pinger (...:56).
# Each one's serial output (after the guest begin marker) must equal its
# expected file.
#
#   pair.sh GUEST.elf EMULATOR_A EMULATOR_B EXPECTED_DIR
# Exit status: 0 pass, 1 fail, 77 skip (an emulator is not installed).
set -u
elf=$1 emu_a=$2 emu_b=$3 dir=$4
for e in "$emu_a" "$emu_b"; do
    if ! command -v "$e" >/dev/null 2>&1; then
        echo "SKIP: emulator '$e' not found: pair test NOT RUN" >&2
        exit 77
    fi
done
port=$((20000 + $$ % 20000))
tmp=$(mktemp -d)
trap 'kill $pid_a 2>/dev/null; rm -rf "$tmp"' EXIT
args() {
    case $(basename "$1") in
    qemu-system-*) echo "-accel tcg" ;;
    esac
}
common="-kernel $elf -nographic -device isa-debug-exit,iobase=0xf4,iosize=4 -no-reboot -m 32"
# shellcheck disable=SC2086
timeout 60 "$emu_a" $common $(args "$emu_a") -netdev socket,id=n0,listen=127.0.0.1:$port \
    -device ne2k_isa,netdev=n0,iobase=0x300,irq=9,mac=52:54:00:12:34:57 \
    </dev/null >"$tmp/a.raw" 2>"$tmp/a.err" &
pid_a=$!
for _ in $(seq 100); do
    ss -ltn 2>/dev/null | grep -q "127.0.0.1:$port " && break
    sleep 0.1
done
# shellcheck disable=SC2086
timeout 60 "$emu_b" $common $(args "$emu_b") -netdev socket,id=n0,connect=127.0.0.1:$port \
    -device ne2k_isa,netdev=n0,iobase=0x300,irq=9,mac=52:54:00:12:34:56 \
    </dev/null >"$tmp/b.raw" 2>"$tmp/b.err"
wait $pid_a
status=0
for side in a b; do
    tr -d '\r' <"$tmp/$side.raw" | awk -v m='@@ guest begin' '
        found { print; next }
        { i = index($0, m); if (i) { found = 1; rest = substr($0, i + length(m)); if (rest != "") print rest } }
    ' >"$tmp/$side.out"
    want=$dir/guest-pair-$side.expected
    if ! diff -u --label "$want" --label "$side" "$want" "$tmp/$side.out" >&2; then
        echo "FAIL: side $side differs; stderr:" >&2
        tail -n 5 "$tmp/$side.err" >&2
        status=1
    fi
done
[ $status = 0 ] && echo "PASS: $(basename "$emu_a") <-> $(basename "$emu_b")"
exit $status
