#!/bin/sh
# perfmap.sh JIT86 IMAGE: runs the hello firmware with -perfmap and checks
# /tmp/perf-PID.map: one "START SIZE guest_PC" line per translated block, the
# reset-vector block first, blocks laid out without overlap in the code buffer.
emu=$1 image=$2
"$emu" -perfmap -bios "$image" -nographic -m 32 -cpu 486 \
    -device isa-debug-exit,iobase=0xf4,iosize=4 -no-reboot </dev/null >/dev/null 2>&1 &
pid=$!
wait $pid
status=$?
map=/tmp/perf-$pid.map
trap 'rm -f "$map"' EXIT
[ "$status" = 67 ] || { echo "FAIL: exit status $status, expected 67"; exit 1; }
[ -s "$map" ] || { echo "FAIL: $map missing or empty"; exit 1; }
first=$(head -n 1 "$map" | cut -d' ' -f3)
[ "$first" = guest_fffffff0 ] || { echo "FAIL: first block $first, expected guest_fffffff0"; exit 1; }
# The summing loop (ADD AX,CX; LOOP) is a block of its own at F000:0013.
grep -q ' guest_000f0013$' "$map" || { echo "FAIL: no block for the loop at 000f0013"; exit 1; }
bad=$(grep -nvE '^[0-9a-f]+ [0-9a-f]+ guest_[0-9a-f]{8}$' "$map" | head -n 1)
[ -z "$bad" ] || { echo "FAIL: not START SIZE guest_PC: $bad"; exit 1; }
end=0
while read -r start size name; do
    s=$((0x$start))
    [ "$s" -ge "$end" ] || { echo "FAIL: $name overlaps the block before it"; exit 1; }
    end=$((s + 0x$size))
done <"$map"
echo "ok: $(wc -l <"$map") blocks named in $map"
