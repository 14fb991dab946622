#!/bin/sh
# The gdb stub against Debian's gdb: gdb -batch runs commands.gdb on the test
# guest (breakpoint at a symbol, registers, memory read and write, stepi, a
# watchpoint that triggers, monitor info jit/tb, continue to exit) and every line of
# expected.txt must appear in its output; then ctrl-c.py interrupts a running
# guest through the raw protocol.
#
#   run-gdb.sh JIT86 GUEST.elf
# Exit status: 0 pass, 1 fail, 77 skip (gdb or python3 missing).
set -u
jit86=$1
elf=$2
srcdir=$(cd "$(dirname "$0")" && pwd)
for tool in gdb python3 nm; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "SKIP: $tool not found: gdb stub test NOT RUN" >&2
        exit 77
    fi
done
work=$(mktemp -d)
vm_pid=
cleanup() {
    [ -n "$vm_pid" ] && kill "$vm_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

sym() { printf "%x" "0x$(nm "$elf" | awk -v s="$1" '$3 == s { print $1 }')"; }
hex() { printf '%x' "$1"; }
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
start_vm() {
    "$jit86" -kernel "$elf" -nographic -device isa-debug-exit,iobase=0xf4,iosize=4 \
        -no-reboot -m 32 -S -gdb "tcp:127.0.0.1:$1" </dev/null >"$work/vm.out" 2>&1 &
    vm_pid=$!
    i=0
    while ! grep -q "waiting for gdb" "$work/vm.out" && [ $i -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
}

tick=$(sym tick)
counter=$(sym counter)
sed -e "s/@tick@/$tick/" -e "s/@counter@/$counter/" \
    -e "s/@tick+5@/$(hex $((0x$tick + 5)))/" -e "s/@tick+13@/$(hex $((0x$tick + 13)))/" \
    "$srcdir/expected.txt" >"$work/expected"

port=$(free_port)
start_vm "$port"
sed -e "s/@PORT@/$port/" -e "s/@TICK@/$tick/" "$srcdir/commands.gdb" >"$work/commands.gdb"
timeout 60 gdb -batch -nx -x "$work/commands.gdb" "$elf" >"$work/gdb.out" 2>&1
wait "$vm_pid"
vm_status=$?
vm_pid=
cat "$work/gdb.out"
fail=0
while IFS= read -r line; do
    if ! grep -qF -- "$line" "$work/gdb.out"; then
        echo "FAIL: missing from gdb's output: $line" >&2
        fail=1
    fi
done <"$work/expected"
# `monitor info jit` and `monitor info tb` reach the human monitor or the
# stub's own answers.
if ! grep -q "blocks translated" "$work/gdb.out"; then
    echo "FAIL: no reply to 'monitor info jit'" >&2
    fail=1
fi
if ! grep -q "add *eax, 3" "$work/gdb.out"; then
    echo "FAIL: 'monitor info tb 0x$tick' does not show tick's code" >&2
    fail=1
fi
if [ "$vm_status" -ne 1 ]; then
    echo "FAIL: jit86 exit status $vm_status, expected 1 (guest exit code 0)" >&2
    cat "$work/vm.out" >&2
    fail=1
fi

port=$(free_port)
start_vm "$port"
timeout 60 python3 "$srcdir/ctrl-c.py" "$port" "$(sym spin)" "$(sym spin_loop)" || fail=1
wait "$vm_pid"
vm_pid=
exit $fail
