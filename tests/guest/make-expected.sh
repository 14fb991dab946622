#!/bin/sh
# Regenerate the .expected files of the guest tests by running each built
# guest on qemu-system-i386, the reference oracle. Review the diff before
# committing: a change in expected output must be explained by the test.
#
#   make-expected.sh [BUILD_DIR] [TEST_NAME...]
#
# BUILD_DIR is the CMake build directory (default: build); without test names,
# every guest test (each .c and .asm next to this script) is regenerated.
set -eu

srcdir=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
[ $# -gt 0 ] && shift
guestdir=$build/tests/guest
oracle=${ORACLE:-qemu-system-i386}

if [ ! -d "$guestdir" ]; then
    echo "no $guestdir: configure and build first (cmake --build $build --target guest_tests)" >&2
    exit 1
fi
if [ $# -eq 0 ]; then
    # Every test source, so a stale image of a deleted test is never used.
    set -- $(cd "$srcdir" && ls ./*.c ./*.asm 2>/dev/null | sed 's|^\./||; s|\.[a-z]*$||')
fi
failed=0
for name in "$@"; do
    GUEST_UPDATE=1 "$srcdir/run.sh" "$guestdir/$name.elf" "$oracle" || failed=1
done
exit $failed
