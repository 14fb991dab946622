#!/bin/bash
# The AArch64 backend against the interpreter on the guest benchmarks, both in
# the AArch64 cross build under qemu-aarch64-static. Absolute times under
# user-mode emulation mean nothing; the ratio interp/aarch64 (> 1: the
# backend is faster) does. Every run's checksum must equal every other's.
#
#   benchmarks/translator/aarch64-guests.sh [BUILD_DIR] [REPS] [BENCH...]
#
# BUILD_DIR is a build configured with cmake/toolchain-aarch64.cmake
# (default build-aarch64); REPS runs per backend, the best counts (default 3).
# The guest images come from a host build, GUEST_BUILD (default build): cross
# builds build no 32-bit x86 guests. SIZE=smoke runs the small images
# (NAME-smoke.elf): the timed size takes minutes per run under user-mode
# emulation on the interpreter.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build-aarch64}
reps=${2:-3}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] && shift
case $build in /*) ;; *) build=$root/$build ;; esac
if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$build" -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64.cmake >/dev/null
fi
cmake --build "$build" --target jit86 -j2 >/dev/null || exit 2
guests=${GUEST_BUILD:-$root/build}
case $guests in /*) ;; *) guests=$root/$guests ;; esac
if [ ! -f "$guests/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$guests" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$guests" --target bench_guests -j2 >/dev/null || exit 2
command -v qemu-aarch64-static >/dev/null || { echo "missing qemu-aarch64-static" >&2; exit 2; }
if [ $# -eq 0 ]; then
    for src in "$root"/benchmarks/guest/*.c; do
        set -- "$@" "$(basename "$src" .c)"
    done
fi
limit=${BENCH_TIMEOUT:-600}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run_one BACKEND ELF: prints "MILLISECONDS CHECKSUM" (CHECKSUM "-" if none).
run_one() {
    local start end status sum
    start=$(date +%s%N)
    JIT86_BACKEND=$1 timeout "$limit" qemu-aarch64-static "$build/jit86" -kernel "$2" \
        -nographic -device isa-debug-exit,iobase=0xf4,iosize=4 -no-reboot -m 32 \
        </dev/null >"$work/out" 2>"$work/err"
    status=$?
    end=$(date +%s%N)
    sum=$(tr -d '\r' <"$work/out" | sed -n 's/.*bench [a-z0-9_]* checksum \(0x[0-9a-f]*\).*/\1/p')
    [ "$status" = 1 ] || sum="-" # isa-debug-exit: guest exit(0) is status 1
    echo "$(((end - start) / 1000000)) ${sum:--}"
}

bad=0
printf '| %-10s | %10s | %10s | %13s | %-10s |\n' benchmark "aarch64 s" "interp s" \
    "interp/aarch64" checksum
printf '|------------|-----------:|-----------:|--------------:|------------|\n'
logsum=0
n=0
for name in "$@"; do
    elf=$guests/benchmarks/guest/$name${SIZE:+-$SIZE}.elf
    [ -f "$elf" ] || { echo "missing $elf" >&2; exit 2; }
    best_a=""
    best_i=""
    sums=""
    for ((r = 0; r < reps; r++)); do
        for be in aarch64 interp; do
            read -r ms sum <<<"$(run_one "$be" "$elf")"
            echo "  $name $be run $((r + 1)): $ms ms, $sum" >&2
            sums="$sums $sum"
            if [ "$be" = aarch64 ]; then
                [ -z "$best_a" ] || [ "$ms" -lt "$best_a" ] && best_a=$ms
            else
                [ -z "$best_i" ] || [ "$ms" -lt "$best_i" ] && best_i=$ms
            fi
        done
    done
    distinct=$(echo "$sums" | tr ' ' '\n' | sed '/^$/d' | sort -u)
    if [ "$(echo "$distinct" | wc -l)" != 1 ] || [ "$distinct" = "-" ]; then
        echo "CHECKSUM MISMATCH or failed run for $name:$sums" >&2
        bad=1
        distinct=MISMATCH
    fi
    ratio=$(awk -v a="$best_a" -v i="$best_i" 'BEGIN { printf "%.2f", i / a }')
    logsum=$(awk -v s="$logsum" -v r="$ratio" 'BEGIN { print s + log(r) }')
    n=$((n + 1))
    printf '| %-10s | %10.3f | %10.3f | %13s | %-10s |\n' "$name" \
        "$(awk -v m="$best_a" 'BEGIN { print m / 1000 }')" \
        "$(awk -v m="$best_i" 'BEGIN { print m / 1000 }')" "$ratio" "$distinct"
done
printf '| geomean    |            |            | %13.2f |            |\n' \
    "$(awk -v s="$logsum" -v n="$n" 'BEGIN { print exp(s / n) }')"
echo "best of $reps under qemu-aarch64-static; load average (1 min) $(cut -d' ' -f1 /proc/loadavg) on $(nproc) CPUs"
exit $bad
