#!/bin/sh
# run-bios.sh EMULATOR IMAGE EXPECTED STATUS [OPTION...]: boots IMAGE as the
# BIOS on EMULATOR (jit86 or qemu-system-i386, same options, the OPTIONs too)
# and checks the serial output and the exit status isa-debug-exit produced.
emu=$1 image=$2 expected=$3 want=$4
shift 4
command -v "$emu" >/dev/null 2>&1 || [ -x "$emu" ] || {
    echo "SKIP: $emu is not installed (cmake/setup-deps.sh installs it)"
    exit 77
}
extra=""
case "$(basename "$emu")" in qemu-system-*) extra="-accel tcg" ;; esac
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# -cpu 486: no local APIC, so the 8259's INT reaches the CPU straight after
# reset on both emulators (on P6 models QEMU's APIC masks LINT0 until the
# firmware sets up virtual wire mode).
# shellcheck disable=SC2086
timeout 30 "$emu" $extra -bios "$image" -nographic -m 32 -cpu 486 \
    -device isa-debug-exit,iobase=0xf4,iosize=4 -no-reboot "$@" </dev/null >"$out" 2>&1
status=$?
if ! cmp -s "$out" "$expected"; then
    echo "FAIL: serial output differs from $expected:"
    diff "$expected" "$out" | cat -A | head -20
    exit 1
fi
if [ "$status" != "$want" ]; then
    echo "FAIL: exit status $status, expected $want"
    exit 1
fi
echo "ok: $(basename "$emu") printed the expected output and exited with $status"
