#!/bin/bash
# Guest benchmarks, side by side: jit86 (x86-64 backend), jit86 with the
# interpreter backend and the reference, qemu-system-i386 -accel tcg.
#
# Usage:
#   cmake --build build --target jit86 bench_guests
#   benchmarks/compare.sh [-n REPS] [BUILD_DIR] [BENCH...]
#
#   -n REPS     runs per benchmark and emulator; the best (fastest) counts
#               (default 3, or $REPS)
#   BUILD_DIR   CMake build directory (default: build)
#   BENCH...    benchmark names (default: every benchmarks/guest/*.c)
#   QEMU=...    the reference emulator (default qemu-system-i386)
#   NO_INTERP=1 skip the interpreter column
#
# Each benchmark is a Multiboot guest that does fixed work and prints
# "bench NAME checksum 0x...". The emulators run one after the other inside
# each repetition, the order rotating between repetitions, so a slow patch of
# a shared machine hits all of them. Every run's checksum must equal every
# other's (exit status 1 otherwise). Wall time includes emulator start-up and
# guest boot. Peak RSS is jit86's (x86-64 backend), from /usr/bin/time.
#
# The table: best wall time per emulator, QEMU/jit86 (> 1: jit86 is faster),
# interp/jit86 (the interpreter's slowdown), and geometric means of both; then
# the best CPU time (user + sys of the emulator process, from /usr/bin/time)
# per emulator and QEMU/jit86 in CPU time with its geometric mean: on a loaded
# machine wall time mostly measures waiting for a CPU, CPU time much less so;
# then the machine's load average.
set -u

reps=${REPS:-3}
if [ "${1:-}" = "-n" ]; then
    reps=$2
    shift 2
fi
build=${1:-build}
[ $# -gt 0 ] && shift
srcdir=$(cd "$(dirname "$0")" && pwd)
qemu=${QEMU:-qemu-system-i386}
jit86=$build/jit86
guestdir=$build/benchmarks/guest
limit=${BENCH_TIMEOUT:-120}

if [ $# -eq 0 ]; then
    for src in "$srcdir"/guest/*.c; do
        set -- "$@" "$(basename "$src" .c)"
    done
fi
for f in "$jit86" /usr/bin/time; do
    [ -x "$f" ] || { echo "missing $f (build jit86; install GNU time)" >&2; exit 2; }
done
command -v "$qemu" >/dev/null || { echo "missing $qemu" >&2; exit 2; }

emulators=(jit86 interp qemu)
[ "${NO_INTERP:-0}" = 1 ] && emulators=(jit86 qemu)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run_one EMU ELF: prints "MS RSS_KIB CHECKSUM CPU_MS" (CHECKSUM "-" if none).
run_one() {
    local emu=$1 elf=$2 start end
    local -a cmd env=()
    case $emu in
    jit86) cmd=("$jit86") ;;
    interp) cmd=("$jit86") env=(JIT86_BACKEND=interp) ;;
    qemu) cmd=("$qemu" -accel tcg) ;;
    esac
    start=$(date +%s%N)
    env "${env[@]}" /usr/bin/time -f '%M %U %S' -o "$work/rss" timeout "$limit" "${cmd[@]}" \
        -kernel "$elf" -nographic -device isa-debug-exit,iobase=0xf4,iosize=4 \
        -no-reboot -m 32 </dev/null >"$work/out" 2>"$work/err"
    local status=$?
    end=$(date +%s%N)
    local sum
    sum=$(tr -d '\r' <"$work/out" | sed -n 's/.*bench [a-z0-9_]* checksum \(0x[0-9a-f]*\).*/\1/p')
    # isa-debug-exit: guest exit(0) is status 1.
    [ "$status" = 1 ] || sum="-"
    local kib user sys
    read -r kib user sys <<<"$(tail -n 1 "$work/rss")"
    echo "$(((end - start) / 1000000)) $kib ${sum:--} $(awk -v u="$user" -v s="$sys" \
        'BEGIN { printf("%d", (u + s) * 1000 + 0.5) }')"
}

load_start=$(cut -d' ' -f1 /proc/loadavg)
bad=0
for name in "$@"; do
    elf=$guestdir/$name.elf
    [ -f "$elf" ] || { echo "missing $elf (build bench_guests)" >&2; exit 2; }
    declare -A best=() rss=() cpu=()
    sums=""
    for ((r = 0; r < reps; r++)); do
        # Rotate the order: repetition r starts with emulator r mod count.
        for ((k = 0; k < ${#emulators[@]}; k++)); do
            emu=${emulators[(k + r) % ${#emulators[@]}]}
            read -r ms kib sum cms <<<"$(run_one "$emu" "$elf")"
            echo "  $name $emu run $((r + 1)): ${ms} ms, ${cms} ms CPU, ${kib} KiB, $sum" >&2
            sums="$sums $sum"
            if [ -z "${best[$emu]:-}" ] || [ "$ms" -lt "${best[$emu]}" ]; then
                best[$emu]=$ms
            fi
            if [ -z "${cpu[$emu]:-}" ] || [ "$cms" -lt "${cpu[$emu]}" ]; then
                cpu[$emu]=$cms
            fi
            if [ -z "${rss[$emu]:-}" ] || [ "$kib" -gt "${rss[$emu]}" ]; then
                rss[$emu]=$kib
            fi
        done
    done
    distinct=$(echo "$sums" | tr ' ' '\n' | sed '/^$/d' | sort -u)
    if [ "$(echo "$distinct" | wc -l)" != 1 ] || [ "$distinct" = "-" ]; then
        echo "CHECKSUM MISMATCH or failed run for $name:$sums" >&2
        bad=1
        distinct=MISMATCH
    fi
    echo "$name ${best[qemu]} ${best[jit86]} ${best[interp]:-0} ${rss[jit86]} $distinct" \
        "${cpu[qemu]} ${cpu[jit86]} ${cpu[interp]:-0}" >>"$work/raw"
    unset best rss cpu
done

awk '
function fmt(ms) { return sprintf("%.3f", ms / 1000) }
{
    q = $2; j = $3; i = $4
    rq = q / j; lq += log(rq); n++
    line = sprintf("| %-10s | %8s | %8s | %8s | %10.2f |", $1, fmt(q), fmt(j), i ? fmt(i) : "-", rq)
    if (i) { ri = i / j; li += log(ri); ni++; line = line sprintf(" %12.2f |", ri) }
    else line = line "            - |"
    cq = $7; cj = $8; ci = $9
    rc = cq / (cj > 0 ? cj : 1); lc += log(rc > 0 ? rc : 1e-9)
    line = line sprintf(" %10s | %11s | %12s | %14.2f |", fmt(cq), fmt(cj), ci ? fmt(ci) : "-", rc)
    line = line sprintf(" %13.1f | %s |", $5 / 1024, $6)
    rows[n] = line
}
END {
    print "| benchmark  |   QEMU s |  jit86 s | interp s | QEMU/jit86 | interp/jit86 | QEMU cpu s | jit86 cpu s | interp cpu s | cpu QEMU/jit86 | jit86 RSS MiB | checksum   |"
    print "|------------|---------:|---------:|---------:|-----------:|-------------:|-----------:|------------:|-------------:|---------------:|--------------:|------------|"
    for (k = 1; k <= n; k++) print rows[k]
    printf("| geomean    |          |          |          | %10.2f |", exp(lq / n))
    if (ni) printf(" %12.2f |", exp(li / ni)); else printf("            - |")
    printf("            |             |              | %14.2f |", exp(lc / n))
    print "               |            |"
}' "$work/raw"
echo "best of $reps; load average (1 min) at start $load_start, at end $(cut -d' ' -f1 /proc/loadavg) on $(nproc) CPUs"
exit $bad
