#!/bin/sh
# jit86 block layer vs `qemu-img bench` (qemu-utils), same workloads, depth 1,
# cache=writeback: sequential 1 MiB and strided ("random") 4 KiB reads and
# writes on a fresh qcow2, a full one, and an overlay over a backing file.
# usage: benchmarks/block/run.sh [BUILD_DIR]   (default: build)
set -eu
B=${1:-build}
BENCH=$B/benchmarks/block/bench_block
IMG=$B/jit86-img
command -v qemu-img >/dev/null || { echo "qemu-img not found: install qemu-utils" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/jit86-bench-XXXXXX")
trap 'rm -rf "$T"' EXIT
SIZE=256M
# A prime-sized stride spreads 4 KiB requests over the whole image.
RAND="-s 4k -S 1052672"

secs() { sed -n 's/^Run completed in \([0-9.]*\) seconds\./\1/p'; }

min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }'; }

# row NAME SETUP_FN ARGS...: best of three runs per tool, each on a freshly
# set-up image, the tools alternating so that both see warm and cold caches.
row() {
    name=$1 setup=$2
    shift 2
    j= q=
    for run in 1 2 3; do
        $setup "$T/j.qcow2"
        j=$(min "$j" "$("$BENCH" -f qcow2 "$@" "$T/j.qcow2" | secs)")
        $setup "$T/q.qcow2"
        q=$(min "$q" "$(qemu-img bench -f qcow2 -d 1 -t writeback "$@" "$T/q.qcow2" | secs)")
    done
    printf "%-34s %10s %10s\n" "$name" "$j" "$q"
}

fresh() { qemu-img create -q -f qcow2 "$1" $SIZE; }
full() { fresh "$1"; qemu-io -c "write -P 0x5a 0 $SIZE" "$1" >/dev/null; }
base_ready=
overlay() {
    if [ -z "$base_ready" ]; then full "$T/base.qcow2"; base_ready=1; fi
    qemu-img create -q -f qcow2 -b "$T/base.qcow2" -F qcow2 "$1"
}

printf "%-34s %10s %10s\n" "workload (seconds, lower is better)" "jit86" "qemu-img"
row "fresh: seq write 1M x256" fresh -w -s 1M -c 256
row "fresh: rand write 4k x20000" fresh -w $RAND -c 20000
row "fresh: seq read 1M x256" fresh -s 1M -c 256
row "full: seq read 1M x256" full -s 1M -c 256
row "full: rand read 4k x50000" full $RAND -c 50000
row "full: seq write 1M x256" full -w -s 1M -c 256
row "full: rand write 4k x50000" full -w $RAND -c 50000
row "backing: seq read 1M x256" overlay -s 1M -c 256
row "backing: rand read 4k x50000" overlay $RAND -c 50000
row "backing: rand write 4k x20000" overlay -w $RAND -c 20000
