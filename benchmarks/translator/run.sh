#!/bin/sh
# Builds (if needed) and runs the translator micro-benchmark: IR ops/second
# built, optimized and executed on the interpreter and the x86-64 backend (and
# their ratio), blocks translated per second. JIT86_BUILD selects the build directory.
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${JIT86_BUILD:-$root/build}
case $build in /*) ;; *) build=$root/$build ;; esac
if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" --target bench_translator -j2 >/dev/null
exec "$build/benchmarks/translator/bench_translator"
