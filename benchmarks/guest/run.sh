#!/bin/sh
# Guest benchmarks: builds jit86 and the benchmark guests in BUILD (default
# build/) and runs benchmarks/compare.sh on them: jit86 (x86-64 and interp
# backends) against qemu-system-i386 -accel tcg, best of REPS (default 3).
#   benchmarks/guest/run.sh [BUILD_DIR] [REPS] [BENCH...]
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
reps=${2:-3}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] && shift
cmake --build "$build" --target jit86 bench_guests -j2 >/dev/null
exec "$root/benchmarks/compare.sh" -n "$reps" "$build" "$@"
