#!/bin/sh
# seabios-boot.sh JIT86: boots Debian's SeaBIOS with no disks (issue 9's
# acceptance): within 10 s of wall time the debug console must show the
# banner, RAM matching -m, PCI enumeration of the i440FX and PIIX3, and the
# serial console "No bootable device".
jit86=$1
[ -f /usr/share/seabios/bios-256k.bin ] || {
    echo "SKIP: SeaBIOS missing (package seabios; cmake/setup-deps.sh installs it)"
    exit 77
}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
timeout 10 "$jit86" -nographic -m 64 -debugcon "file:$dir/debug.log" -no-reboot \
    </dev/null >"$dir/serial.log" 2>"$dir/stderr.log"
fail=0
need() { # file, fixed string, what
    if grep -qF -- "$2" "$1"; then
        echo "ok: $3"
    else
        echo "FAIL: $3: '$2' not in $(basename "$1")"
        fail=1
    fi
}
need "$dir/debug.log" "SeaBIOS (version" "banner on the debug console"
need "$dir/serial.log" "SeaBIOS (version" "banner on the serial console"
need "$dir/debug.log" "qemu/e820: addr 0x0000000000000000 len 0x0000000004000000 [RAM]" \
    "RAM size from fw_cfg matches -m 64"
need "$dir/debug.log" "PCI: init bdf=00:00.0 id=8086:1237" "i440FX enumerated"
need "$dir/debug.log" "PCI: init bdf=00:01.0 id=8086:7000" "PIIX3 enumerated"
need "$dir/serial.log" "No bootable device" "no bootable device reported within 10 s"
if [ $fail != 0 ]; then
    echo "--- stderr"; cat "$dir/stderr.log"
    echo "--- debug console (last 20 lines)"; tail -20 "$dir/debug.log"
fi
exit $fail
