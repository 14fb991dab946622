#!/bin/sh
# Record the checksums the benchmark-smoke test expects: run each benchmark's
# small build (NAME-smoke.elf) on the reference, qemu-system-i386 -accel tcg,
# and save what it prints as NAME.expected. Review the diff before committing.
#
#   benchmarks/guest/make-expected.sh [BUILD_DIR] [NAME...]
#
# BUILD_DIR defaults to build (after cmake --build BUILD_DIR --target bench_guests);
# without names, every benchmark (each .c next to this script).
set -eu

srcdir=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
[ $# -gt 0 ] && shift
guestdir=$build/benchmarks/guest
oracle=${ORACLE:-qemu-system-i386}
if [ $# -eq 0 ]; then
    for src in "$srcdir"/*.c; do
        set -- "$@" "$(basename "$src" .c)"
    done
fi
failed=0
for name in "$@"; do
    GUEST_UPDATE=1 GUEST_EXPECTED=$srcdir/$name.expected \
        "$srcdir/../../tests/guest/run.sh" "$guestdir/$name-smoke.elf" "$oracle" || failed=1
done
exit $failed
