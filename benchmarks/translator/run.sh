#!/bin/sh
# Builds (if needed) and runs the translator micro-benchmarks: IR ops/second
# built, optimized and executed on the interpreter and the x86-64 backend (and
# their ratio), blocks translated per second; then host code bytes per IR op
# on every compiled-in backend. JIT86_BUILD selects the build directory.
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${JIT86_BUILD:-$root/build}
case $build in /*) ;; *) build=$root/$build ;; esac
if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" --target bench_translator bench_codesize -j2 >/dev/null
"$build/benchmarks/translator/bench_translator"
echo
# Code bytes per IR op per backend; aarch64-guests.sh compares the AArch64
# backend with the interpreter on the guest benchmarks (cross build, qemu).
exec "$build/benchmarks/translator/bench_codesize"
