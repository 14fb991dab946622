#!/bin/sh
# floatx80 soft-float operations per second, next to the host x87 (x86-64 hosts).
# Usage: benchmarks/fpu/run.sh [BUILD_DIR] [MILLISECONDS_PER_OPERATION]
set -e
build=${1:-build}
ms=${2:-300}
bin=$build/benchmarks/fpu/bench_fpu
if [ ! -x "$bin" ]; then
    cmake --build "$build" --target bench_fpu >/dev/null
fi
"$bin" "$ms"
