#!/bin/sh
# Linux boot time: seconds to the kernel console, the userland marker, the workload checksum and
# exit, and CPU seconds, jit86 against qemu-system-i386 -accel tcg (taking turns) on the same kernel,
# initramfs and command line (boot-time.py); prints a Markdown table.
# Usage: benchmarks/linux/run.sh [BUILD_DIR] [RUNS] [BACKEND]
set -e
build=${1:-build}
here=$(dirname "$0")
[ -x "$build/jit86" ] || cmake --build "$build" --target jit86 >/dev/null
exec python3 "$here/boot-time.py" --jit86 "$build/jit86" --runs "${2:-3}" --backend "${3:-x86_64}"
