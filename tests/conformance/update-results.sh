#!/bin/sh
# Regenerates tests/conformance/RESULTS.md from the staged 286 suite.
# Usage: tests/conformance/update-results.sh [BUILD_DIR]   (default build-cpu)
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build-cpu}
cmake --build "$build" --target jit86-cputest >/dev/null
"$build/tests/conformance/jit86-cputest" --markdown "$root/tests/conformance/RESULTS.md" \
    "$root/../shared/testdata/sst286/v1_real_mode" | tail -1
