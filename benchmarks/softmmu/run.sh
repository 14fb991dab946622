#!/bin/sh
# softmmu benchmark: builds the bench_softmmu targets in BUILD (default build/,
# Release flags recommended) and prints their figures, then the same workloads
# with 64-, 256- and 4096-entry TLBs for comparison with the default.
#   benchmarks/softmmu/run.sh [BUILD_DIR] [ACCESSES]
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
n=${2:-20000000}
cmake --build "$build" --target bench_softmmu bench_softmmu_tlb8 \
    bench_softmmu_tlb12 -j2 >/dev/null
for b in bench_softmmu bench_softmmu_tlb8 bench_softmmu_tlb12; do
    echo "== $b"
    "$build/benchmarks/softmmu/$b" "$n"
done
