#!/bin/sh
# Regenerate the .expected files of the guest tests by running each built
# guest on qemu-system-i386, the reference oracle. Review the diff before
# committing: a change in expected output must be explained by the test.
#
#   make-expected.sh [BUILD_DIR] [TEST_NAME...]
#
# BUILD_DIR is the CMake build directory (default: build); without test names,
# every guest built there is regenerated.
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
    set -- $(cd "$guestdir" && ls ./*.elf | sed 's|^\./||; s|\.elf$||')
fi
failed=0
for name in "$@"; do
    GUEST_UPDATE=1 "$srcdir/run.sh" "$guestdir/$name.elf" "$oracle" || failed=1
done
exit $failed
