#!/bin/sh
# Decoder throughput, jit86 vs Capstone, on real 32-bit (and 16-bit) code.
# Usage: benchmarks/decode/run.sh [BUILD_DIR] [SECONDS_PER_STREAM]
set -e
build=${1:-build}
secs=${2:-3}
bin=$build/benchmarks/decode/bench_decode
if [ ! -x "$bin" ]; then
    cmake --build "$build" --target bench_decode >/dev/null
fi
found=0
for elf in /usr/lib32/libc.so.6 /usr/lib/i386-linux-gnu/libc.so.6 /lib/i386-linux-gnu/libc.so.6; do
    if [ -f "$elf" ]; then
        "$bin" "$elf" --elf "$secs"
        found=1
        break
    fi
done
# SeaBIOS: 16-bit real-mode code in its last 64 KiB (the F segment).
bios=/usr/share/seabios/bios.bin
if [ -f "$bios" ]; then
    tmp=$(mktemp)
    tail -c 65536 "$bios" > "$tmp"
    echo
    echo "SeaBIOS $bios, last 64 KiB as 16-bit code:"
    "$bin" "$tmp" --raw16 "$secs"
    rm -f "$tmp"
    found=1
fi
if [ "$found" = 0 ]; then
    echo "no i386 code found (install libc6-i386 or seabios)" >&2
    exit 1
fi
