#!/bin/sh
# Translation speed on the Linux kernel's own blocks, against a reference commit.
# Usage: benchmarks/xlate/run.sh [REF [ROUNDS]]   (REF: a commit, default HEAD)
# JIT86_BUILD: the build to measure (default build/); XLATE_DIR: where the
# corpus and the reference build are kept (default /tmp/jit86-xlate).
# The corpus: the kernel's ELF image (the bzImage's xz payload) and the guest
# PCs of the blocks one nokaslr boot translated (-perfmap). The reference is
# REF's tree (git archive, so nobody's uncommitted edits) with this bench_xlate.
# The two run alternately three times; each prints its best rounds, then the
# ratios. Its "output:" lines are equal when the translated code is the same.
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
ref=${1:-HEAD}
rounds=${2:-3}
build=${JIT86_BUILD:-$root/build}
case $build in /*) ;; *) build=$root/$build ;; esac
dir=${XLATE_DIR:-/tmp/jit86-xlate}
kernel=${XLATE_KERNEL:-/usr/lib/debian-installer/images/12/i386/text/debian-installer/i386/linux}
mkdir -p "$dir"
[ -f "$build/CMakeCache.txt" ] ||
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target bench_xlate -j2 >/dev/null

if [ ! -f "$dir/vmlinux" ]; then
    python3 - "$kernel" "$dir/vmlinux" <<'EOF'
import lzma, sys
data = open(sys.argv[1], 'rb').read()
at = data.find(b'\xfd7zXZ\x00')
if at < 0:
    sys.exit('no xz payload in ' + sys.argv[1])
out = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(data[at:])
open(sys.argv[2], 'wb').write(out)
EOF
fi
if [ ! -f "$dir/blocks.map" ]; then
    [ -f "$dir/initrd.gz" ] || python3 "$root/tests/linux/mkinitramfs.py" "$dir/initrd.gz" \
        /bin/busybox "$root/tests/linux/init-test.sh"
    cmake --build "$build" --target jit86 -j2 >/dev/null
    args="earlyprintk=ttyS0 console=ttyS0 panic=-1 cryptomgr.notests nokaslr"
    sh -c 'echo $$ > "$0/pid"; exec "$@"' "$dir" "$build/jit86" -perfmap -nographic -m 256 \
        -kernel "$kernel" -initrd "$dir/initrd.gz" -append "$args" -no-reboot >"$dir/boot.log" 2>&1
    mv "/tmp/perf-$(cat "$dir/pid").map" "$dir/blocks.map"
fi

sha=$(git -C "$root" rev-parse --short "$ref")
refsrc=$dir/ref-$sha
if [ ! -x "$refsrc/build/benchmarks/xlate/bench_xlate" ]; then
    rm -rf "$refsrc"
    mkdir -p "$refsrc/src"
    git -C "$root" archive "$sha" | tar -x -C "$refsrc/src"
    mkdir -p "$refsrc/src/benchmarks/xlate"
    cp "$root/benchmarks/xlate/CMakeLists.txt" "$root/benchmarks/xlate/bench_xlate.c" \
        "$refsrc/src/benchmarks/xlate/"
    cmake -S "$refsrc/src" -B "$refsrc/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null 2>&1
    cmake --build "$refsrc/build" --target bench_xlate -j2 >/dev/null
fi

run() {
    "$1/benchmarks/xlate/bench_xlate" "$dir/vmlinux" "$dir/blocks.map" "$rounds"
}
out=$dir/run.$$
for i in 1 2 3; do
    run "$refsrc/build" >"$out.ref.$i"
    run "$build" >"$out.cur.$i"
done
echo "reference $sha ($refsrc/build):"
cat "$out.ref.3"
echo "current ($build):"
cat "$out.cur.3"
# Best of the three runs per stage, then current / reference.
awk -v n=3 '
    FNR == 1 { f++ }
    /^  (lift|lift\+opt|full) / { k = (f <= n ? "ref" : "cur") SUBSEP $1
        if (!(k in best) || $2 < best[k]) best[k] = $2 }
    END {
        printf "best of 3 runs, us/block (reference -> current, ratio):\n"
        split("lift lift+opt full", s, " ")
        for (i = 1; i <= 3; i++) {
            r = best["ref" SUBSEP s[i]]; c = best["cur" SUBSEP s[i]]
            printf "  %-9s %7.2f -> %7.2f  %.3f\n", s[i], r, c, c / r
        }
        ro = best["ref" SUBSEP "lift+opt"] - best["ref" SUBSEP "lift"]
        co = best["cur" SUBSEP "lift+opt"] - best["cur" SUBSEP "lift"]
        printf "  %-9s %7.2f -> %7.2f  %.3f\n", "optimize", ro, co, co / ro
    }' "$out".ref.* "$out".cur.*
rm -f "$out".*
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
