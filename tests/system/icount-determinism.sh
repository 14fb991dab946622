#!/bin/sh
# icount-determinism.sh JIT86: SeaBIOS under -icount 0 runs to "No bootable
# device", waits the 10 s of -boot reboot-timeout (virtual time) and reboots
# (-no-reboot ends the run). Two runs, and a run on the interpreter backend, must produce
# byte-identical debug-console and serial output.
jit86=$1
[ -f /usr/share/seabios/bios-256k.bin ] || {
    echo "SKIP: SeaBIOS missing (package seabios; cmake/setup-deps.sh installs it)"
    exit 77
}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
run() { # name, environment assignment
    env $2 timeout 60 "$jit86" -nographic -m 64 -icount 0 -boot reboot-timeout=10000 \
        -debugcon "file:$dir/$1.debug" \
        -no-reboot </dev/null >"$dir/$1.serial" 2>&1
}
run a "" && run b "" && run interp "JIT86_BACKEND=interp" || {
    echo "FAIL: a run did not end by itself within 60 s"
    exit 1
}
fail=0
grep -q "No bootable device" "$dir/a.serial" || { echo "FAIL: SeaBIOS did not finish"; fail=1; }
grep -q "Attempting a hard reboot" "$dir/a.debug" || { echo "FAIL: no reboot after the wait"; fail=1; }
for f in debug serial; do
    cmp -s "$dir/a.$f" "$dir/b.$f" || { echo "FAIL: two runs differ in $f output"; fail=1; }
    cmp -s "$dir/a.$f" "$dir/interp.$f" || { echo "FAIL: backends differ in $f output"; fail=1; }
done
[ $fail = 0 ] && echo "ok: $(wc -l <"$dir/a.debug") debug lines identical across runs and backends"
exit $fail
