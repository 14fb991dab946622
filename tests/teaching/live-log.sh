#!/bin/sh
# The live -d views on a running guest (the gdb test guest: _start calls
# tick five times): -d chain logs the slots as they are linked, -d hotblocks
# lists tick's block first with 5 runs, its guest and host code.
#
#   live-log.sh JIT86 GDBGUEST.elf
set -u
jit86=$1
elf=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sym() { nm "$elf" | awk -v s="$1" '$3 == s { print $1 }'; }
run() {
    timeout 60 "$jit86" -kernel "$elf" -nographic -device isa-debug-exit,iobase=0xf4,iosize=4 \
        -no-reboot -m 32 -d "$1" -D "$work/$1.log" </dev/null >/dev/null 2>&1
    status=$?
    if [ $status -ne 1 ]; then
        echo "FAIL: jit86 -d $1 exited with $status, expected 1" >&2
        exit 1
    fi
}
tick=$(sym tick)
start=$(sym _start)
fail=0
expect() {
    if ! grep -qF -- "$2" "$work/$1.log"; then
        echo "FAIL: -d $1 log lacks: $2" >&2
        fail=1
    fi
}
run chain
expect chain "chain: block 0x${start#00} slot 0 -> block 0x${tick#00}"
run hotblocks
expect hotblocks "hotblocks: the "
expect hotblocks "#1: 5 runs, pc $tick (phys $tick), 14 guest bytes"
expect hotblocks "add      eax, 3"
expect hotblocks "code at "
[ $fail -eq 0 ] && echo "PASS: -d chain and -d hotblocks"
exit $fail
