#!/bin/sh
# Boot one guest test on an emulator with QEMU-style options and compare its
# serial output (after the runtime's begin marker) with the expected file.
#
#   run.sh GUEST.elf EMULATOR [extra emulator args...]
#
# Environment:
#   GUEST_TIMEOUT   seconds before the run is killed (default 60)
#   GUEST_EXPECTED  expected-output file (default: NAME.expected next to this script)
#   GUEST_UPDATE=1  write the output to the expected file instead of comparing
#   GUEST_RUNNER    a command the emulator runs under (e.g. qemu-aarch64-static
#                   for an AArch64 jit86 of the cross build)
# Exit status: 0 pass, 1 fail, 77 skip (emulator not installed).
set -u

if [ $# -lt 2 ]; then
    echo "usage: $0 GUEST.elf EMULATOR [extra args...]" >&2
    exit 1
fi
elf=$1
emulator=$2
shift 2

name=$(basename "$elf" .elf)
srcdir=$(cd "$(dirname "$0")" && pwd)
expected=${GUEST_EXPECTED:-$srcdir/$name.expected}
limit=${GUEST_TIMEOUT:-60}
marker='@@ guest begin'

if ! command -v "$emulator" >/dev/null 2>&1; then
    echo "SKIP: emulator '$emulator' not found: guest test $name NOT RUN" >&2
    exit 77
fi
if [ ! -f "$elf" ]; then
    echo "FAIL: guest image $elf does not exist (build the guest_tests target)" >&2
    exit 1
fi

# QEMU picks its accelerator; only the reference oracle needs to be told TCG.
accel=
case $(basename "$emulator") in
qemu-system-*) accel="-accel tcg" ;;
esac

raw=$(mktemp)
err=$(mktemp)
runner=${GUEST_RUNNER:-}
actual=${elf%.elf}.$(basename "$emulator")${runner:+-$(basename "$runner")}.out
trap 'rm -f "$raw" "$err"' EXIT

fail() {
    echo "FAIL: $name: $*" >&2
    if [ -s "$err" ]; then
        echo "--- emulator stderr:" >&2
        tail -n 20 "$err" >&2
    fi
    exit 1
}

# shellcheck disable=SC2086 # $accel is empty or two words
# shellcheck disable=SC2086 # $runner is empty or one word
timeout "$limit" $runner "$emulator" -kernel "$elf" -nographic \
    -device isa-debug-exit,iobase=0xf4,iosize=4 -no-reboot -m 32 $accel "$@" \
    </dev/null >"$raw" 2>"$err"
status=$?

# Keep what follows the marker (firmware output precedes it, sometimes on the
# same line), without carriage returns.
tr -d '\r' <"$raw" | awk -v m="$marker" '
    found { print; next }
    { i = index($0, m); if (i) { found = 1; rest = substr($0, i + length(m)); if (rest != "") print rest } }
' >"$actual"

if ! grep -q "$marker" "$raw"; then
    echo "--- raw output (last 40 lines):" >&2
    tr -d '\r' <"$raw" | tail -n 40 | cat -v >&2
    fail "no '$marker' line in the serial output (exit status $status)"
fi

case $status in
1) problem= ;;
124) problem="timed out after ${limit}s" ;;
*) problem="exit status $status, expected 1 (guest exit(0)); guest exit code $(((status - 1) / 2)) if it came from the exit port" ;;
esac

if [ "${GUEST_UPDATE:-0}" = 1 ]; then
    [ -z "$problem" ] || fail "$problem; not updating $expected"
    cp "$actual" "$expected"
    echo "wrote $expected ($(wc -l <"$expected") lines)"
    exit 0
fi

[ -f "$expected" ] || fail "no expected output $expected (run make-expected.sh)"
if ! diff -u --label "$expected" --label "$name on $emulator" "$expected" "$actual" >&2; then
    fail "serial output differs from $expected (full output: $actual)${problem:+; $problem}"
fi
[ -z "$problem" ] || fail "$problem"
echo "PASS: $name on $emulator ($(wc -l <"$actual") lines)"
exit 0
