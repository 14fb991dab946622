#!/bin/sh
# Interop with QEMU's tools, both ways: images made and written by qemu-img /
# qemu-io read back through jit86's block layer, and images made and written
# by jit86 pass `qemu-img check` and convert to the same raw bytes.
# usage: interop.sh JIT86_IMG BLKIO. Exit 77 (skip) without qemu-utils.
set -eu
IMG=$1
BLKIO=$2
if ! command -v qemu-img >/dev/null 2>&1 || ! command -v qemu-io >/dev/null 2>&1; then
    echo "SKIP: qemu-img/qemu-io not found: install the qemu-utils package" >&2
    exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
qio() {
    qemu-io "$@" >"$T/qio.log" 2>&1 || fail "qemu-io $*: $(cat "$T/qio.log")"
    ! grep -q -i "error\|failed" "$T/qio.log" || fail "qemu-io $*: $(cat "$T/qio.log")"
}
# Both views of an image must be the same raw bytes.
same_view() {
    qemu-img convert -O raw "$1" "$T/q.raw" || fail "qemu-img convert $1"
    "$IMG" convert -O raw "$1" "$T/j.raw" || fail "jit86-img convert $1"
    cmp "$T/q.raw" "$T/j.raw" || fail "$1: jit86 and qemu read different bytes"
}
qcheck() {
    rc=0
    qemu-img check "$1" >"$T/check.log" 2>&1 || rc=$?
    # 63: the format has no check in QEMU (vpc); anything else is a failure.
    [ $rc = 0 ] || [ $rc = 63 ] || fail "qemu-img check $1: $(cat "$T/check.log")"
}

# 1. QEMU writes, jit86 reads: every qcow2 variant, zero and compressed clusters.
for opts in compat=0.10 compat=1.1 cluster_size=512 cluster_size=2M refcount_bits=1 \
            refcount_bits=64 lazy_refcounts=on cluster_size=4k,refcount_bits=8; do
    qemu-img create -q -f qcow2 -o "$opts" "$T/q.qcow2" 8M
    qio -c "write -P 0xab 1000 100k" -c "write -P 0x12 3M 4k" -c "write -z 64k 128k" \
        "$T/q.qcow2"
    case $opts in
    *cluster_size=*) ;;
    *) qio -c "write -c -P 0x33 6M 64k" "$T/q.qcow2" ;;
    esac
    same_view "$T/q.qcow2"
    "$IMG" check "$T/q.qcow2" >/dev/null || fail "jit86-img check of qemu image ($opts)"
    echo "ok qemu->jit86 qcow2 $opts"
done

# 2. A QEMU backing chain with relative names: raw <- qcow2 <- qcow2 (subdir).
mkdir "$T/sub"
qemu-img create -q -f raw "$T/base.raw" 4M
qio -f raw -c "write -P 0x41 0 4M" "$T/base.raw"
qemu-img create -q -f qcow2 -b ../base.raw -F raw "$T/sub/mid.qcow2"
qio -c "write -P 0x42 64k 64k" "$T/sub/mid.qcow2"
qemu-img create -q -f qcow2 -b mid.qcow2 -F qcow2 "$T/sub/top.qcow2"
qio -c "write -P 0x43 100k 3000" "$T/sub/top.qcow2"
same_view "$T/sub/top.qcow2"
echo "ok qemu->jit86 backing chain"

# 3. jit86 writes, QEMU checks and reads: variants, partial writes, zeroes,
#    compressed clusters, a backing chain.
for opts in compat=0.10 compat=1.1 cluster_size=512,refcount_bits=64 cluster_size=2M \
            refcount_bits=1 lazy_refcounts=on; do
    "$IMG" create -f qcow2 -o "$opts" "$T/j.qcow2" 8M >/dev/null
    "$BLKIO" "$T/j.qcow2" write 0xab 1000 100k write 0x12 3M 4k zero 64k 128k \
        write 0x77 7M 1 flush || fail "blkio ($opts)"
    qcheck "$T/j.qcow2"
    same_view "$T/j.qcow2"
    qio -c "read -P 0x12 3M 4k" -c "read -P 0 64k 128k" "$T/j.qcow2"
    echo "ok jit86->qemu qcow2 $opts"
done
"$IMG" create -f qcow2 "$T/c.qcow2" 1M >/dev/null
"$BLKIO" "$T/c.qcow2" compress 0x5a 0 compress 0x5b 64k write 0x5c 100k 10 || fail "blkio compress"
qcheck "$T/c.qcow2"
qio -c "read -P 0x5a 0 64k" -c "read -P 0x5b 64k 36k" -c "read -P 0x5c 100k 10" "$T/c.qcow2"
head -c 3000000 /dev/urandom >"$T/rnd.raw"
"$IMG" convert -c -O qcow2 "$T/rnd.raw" "$T/rc.qcow2" || fail "convert -c"
"$IMG" convert -c -O qcow2 "$T/base.raw" "$T/bc.qcow2" || fail "convert -c"
qcheck "$T/rc.qcow2"
qcheck "$T/bc.qcow2"
qemu-img compare -q "$T/rnd.raw" "$T/rc.qcow2" || fail "convert -c of random data differs"
qemu-img compare -q "$T/base.raw" "$T/bc.qcow2" || fail "convert -c differs"
echo "ok jit86->qemu compressed"
"$IMG" create -f qcow2 -o preallocation=metadata,cluster_size=4k "$T/pa.qcow2" 6M >/dev/null
"$BLKIO" "$T/pa.qcow2" write 0x5d 3000 10k || fail "blkio preallocated"
qcheck "$T/pa.qcow2"
qemu-img check "$T/pa.qcow2" | grep -q "1536/1536 = 100.00% allocated, 0.00% fragmented" ||
    fail "preallocated clusters not used in place"
same_view "$T/pa.qcow2"
echo "ok preallocation=metadata"

"$IMG" create -f qcow2 -b ../base.raw -F raw "$T/sub/jmid.qcow2" >/dev/null
"$BLKIO" "$T/sub/jmid.qcow2" write 0x61 70000 5000 || fail "blkio jmid"
"$IMG" create -f qcow2 -b jmid.qcow2 -F qcow2 -o cluster_size=4k "$T/sub/jtop.qcow2" >/dev/null
"$BLKIO" "$T/sub/jtop.qcow2" write 0x62 72000 100 zero 1M 64k || fail "blkio jtop"
qcheck "$T/sub/jmid.qcow2"
qcheck "$T/sub/jtop.qcow2"
same_view "$T/sub/jtop.qcow2"
qemu-img info "$T/sub/jtop.qcow2" | grep -q "backing file: jmid.qcow2" || fail "backing name"
echo "ok jit86->qemu backing chain"

# 4. Internal snapshots made by one tool are listed and applied by the other;
#    the qcow2 carries snapshots, compressed clusters and a backing file.
"$IMG" create -f qcow2 -b ../base.raw -F raw "$T/sub/snap.qcow2" >/dev/null
"$BLKIO" "$T/sub/snap.qcow2" write 0x11 0 100k compress 0x12 1M snap-create one \
    write 0x22 50k 100k || fail "blkio snapshots"
qcheck "$T/sub/snap.qcow2"
qemu-img snapshot -l "$T/sub/snap.qcow2" | grep -q " one " || fail "qemu-img does not list 'one'"
qemu-img snapshot -l "$T/sub/snap.qcow2" >"$T/q.txt"
"$IMG" snapshot -l "$T/sub/snap.qcow2" >"$T/j.txt"
cmp "$T/q.txt" "$T/j.txt" || fail "snapshot lists differ"
same_view "$T/sub/snap.qcow2"
qemu-img snapshot -a one "$T/sub/snap.qcow2" || fail "qemu-img snapshot -a one"
qio -c "read -P 0x11 0 100k" -c "read -P 0x12 1M 64k" -c "read -P 0x41 100k 4k" "$T/sub/snap.qcow2"
qemu-img snapshot -c two "$T/sub/snap.qcow2" || fail "qemu-img snapshot -c"
qio -c "write -P 0x33 0 8k" "$T/sub/snap.qcow2"
"$IMG" snapshot -l "$T/sub/snap.qcow2" | grep -q " two " || fail "jit86-img does not list 'two'"
"$IMG" snapshot -a two "$T/sub/snap.qcow2" || fail "jit86-img snapshot -a two"
"$BLKIO" "$T/sub/snap.qcow2" read 0x11 0 100k || fail "content after applying 'two'"
"$IMG" snapshot -d one "$T/sub/snap.qcow2" || fail "jit86-img snapshot -d one"
qcheck "$T/sub/snap.qcow2"
qemu-img snapshot -l "$T/sub/snap.qcow2" | grep -q " one " && fail "'one' still listed"
same_view "$T/sub/snap.qcow2"
echo "ok snapshots both ways"
"$IMG" create -f qcow2 "$T/vm.qcow2" 10M >/dev/null
"$BLKIO" "$T/vm.qcow2" write 0x11 0 1M snap-vm s1 0x5a 3M write 0x22 0 4k || fail "blkio snap-vm"
qcheck "$T/vm.qcow2"
qemu-img snapshot -l "$T/vm.qcow2" | grep -q "s1 .* 3 MiB .* 00:00:01.500" || fail "VM state size"
qemu-img snapshot -a s1 "$T/vm.qcow2" || fail "qemu-img applies a snapshot with VM state"
"$BLKIO" "$T/vm.qcow2" read 0x11 0 1M vm-read 0x5a 3M || fail "VM state after apply"
qcheck "$T/vm.qcow2"
echo "ok snapshot with VM state"

# 5. Other formats, both ways.
for fmt in vdi vpc vmdk; do
    qemu-img create -q -f $fmt "$T/q.$fmt" 10M
    qio -f $fmt -c "write -P 0x51 1000 3M" -c "write -P 0x52 8M 100" "$T/q.$fmt"
    same_view "$T/q.$fmt"
    "$IMG" create -f $fmt "$T/j.$fmt" 10M >/dev/null
    "$BLKIO" "$T/j.$fmt" write 0x53 1000 3M write 0x54 8M 100 || fail "blkio $fmt"
    qcheck "$T/j.$fmt"
    same_view "$T/j.$fmt"
    qio -f $fmt -c "read -P 0x53 1000 3M" -c "read -P 0 4M 1M" "$T/j.$fmt"
    "$IMG" convert -O $fmt "$T/base.raw" "$T/c.$fmt" || fail "convert to $fmt"
    qcheck "$T/c.$fmt"
    qemu-img compare -q "$T/base.raw" "$T/c.$fmt" || fail "convert to $fmt differs"
    echo "ok $fmt both ways"
done
"$IMG" create -f vdi -o static=on "$T/s.vdi" 3M >/dev/null
"$BLKIO" "$T/s.vdi" write 0x55 0 3M || fail "blkio static vdi"
qcheck "$T/s.vdi"
same_view "$T/s.vdi"
echo "ok static vdi"
"$IMG" create -f vpc -o subformat=fixed "$T/f.vpc" 3M >/dev/null
"$BLKIO" -f vpc "$T/f.vpc" write 0x56 4096 2M || fail "blkio fixed vpc"
qemu-img info "$T/f.vpc" | grep -q "virtual size: 3 MiB" || fail "fixed vpc size"
qio -f vpc -c "read -P 0x56 4096 2M" -c "read -P 0 0 4096" "$T/f.vpc"
echo "ok fixed vpc"

# VMDK variants made by QEMU read back; monolithicFlat and twoGb extents
# written by jit86; streamOptimized (compressed grains) read.
for sub in monolithicSparse monolithicFlat streamOptimized twoGbMaxExtentSparse \
           twoGbMaxExtentFlat; do
    qemu-img create -q -f vmdk -o subformat=$sub "$T/v-$sub.vmdk" 10M
    if [ $sub != streamOptimized ]; then
        qio -f vmdk -c "write -P 0x71 1000 100k" -c "write -P 0x72 8M 100" "$T/v-$sub.vmdk"
    fi
    same_view "$T/v-$sub.vmdk"
done
"$BLKIO" "$T/v-twoGbMaxExtentSparse.vmdk" write 0x76 5M 70000 || fail "blkio twoGb"
qcheck "$T/v-twoGbMaxExtentSparse.vmdk"
qio -f vmdk -c "read -P 0x76 5M 70000" "$T/v-twoGbMaxExtentSparse.vmdk"
"$IMG" create -f vmdk -o subformat=monolithicFlat "$T/jf.vmdk" 4M >/dev/null
"$BLKIO" "$T/jf.vmdk" write 0x77 1000 1M || fail "blkio monolithicFlat"
qcheck "$T/jf.vmdk"
same_view "$T/jf.vmdk"
qemu-img convert -O vmdk -o subformat=streamOptimized "$T/rnd.raw" "$T/so.vmdk"
"$IMG" compare "$T/so.vmdk" "$T/rnd.raw" >/dev/null || fail "streamOptimized read"
echo "ok vmdk variants"

# VHDX (read-only import): dynamic, 1 MiB blocks, fixed.
for opts in block_size=32M block_size=1M subformat=fixed; do
    qemu-img create -q -f vhdx -o $opts "$T/x.vhdx" 100M
    qio -f vhdx -c "write -P 0x81 1000 3M" -c "write -P 0x82 90M 100" "$T/x.vhdx"
    same_view "$T/x.vhdx"
    echo "ok qemu->jit86 vhdx $opts"
done

# Read-only import formats: qcow (v1) and qed, with a backing file.
for fmt in qcow qed; do
    qemu-img create -q -f $fmt "$T/r.$fmt" 8M
    qio -f $fmt -c "write -P 0x61 1000 100k" -c "write -P 0x62 5M 8k" "$T/r.$fmt"
    same_view "$T/r.$fmt"
    qemu-img create -q -f $fmt -b "r.$fmt" -F $fmt "$T/o.$fmt"
    qio -f $fmt -c "write -P 0x63 4k 4k" "$T/o.$fmt"
    same_view "$T/o.$fmt"
    "$BLKIO" "$T/o.$fmt" write 0x64 0 1 2>/dev/null && fail "$fmt is writable"
    echo "ok qemu->jit86 $fmt"
done
qio -f qed -c "write -z 5M 8k" "$T/r.qed"
same_view "$T/r.qed"

# 6. check: exit codes and repairs as qemu-img's (3 leaks, 2 corruptions).
#    A fresh 64 KiB-cluster image has its refcount block at 128 KiB and its
#    L1 table in cluster 3; 16-bit refcounts.
poke() { printf "$2" | dd of="$1" bs=1 seek="$3" conv=notrunc 2>/dev/null; }
"$IMG" create -f qcow2 "$T/k.qcow2" 1M >/dev/null
poke "$T/k.qcow2" '\000\002' $((131072 + 2))
rc=0; "$IMG" check "$T/k.qcow2" >"$T/k.log" 2>&1 || rc=$?
[ $rc = 3 ] || fail "check of a leak: exit $rc"
grep -q "1 leaked clusters were found" "$T/k.log" || fail "leak message: $(cat "$T/k.log")"
"$IMG" check -r leaks "$T/k.qcow2" >/dev/null 2>&1 || fail "check -r leaks"
qcheck "$T/k.qcow2"
poke "$T/k.qcow2" '\000\000' $((131072 + 6))
rc=0; "$IMG" check "$T/k.qcow2" >"$T/k.log" 2>&1 || rc=$?
[ $rc = 2 ] || fail "check of a corruption: exit $rc"
qemu-img check "$T/k.qcow2" >/dev/null 2>&1 && fail "qemu-img sees no corruption"
"$IMG" check -r all "$T/k.qcow2" >/dev/null 2>&1 || fail "check -r all"
qcheck "$T/k.qcow2"
"$IMG" check --output=json "$T/k.qcow2" | grep -q '"corruptions": 0' || fail "check json"
echo "ok check exit codes and repair"

# 7. commit and rebase keep the guest view; QEMU agrees on the results.
"$IMG" create -f raw "$T/cb.raw" 4M >/dev/null
"$IMG" create -f qcow2 -b cb.raw -F raw "$T/ct.qcow2" >/dev/null
"$BLKIO" "$T/ct.qcow2" write 0x91 1000 200k || fail "blkio commit"
"$IMG" commit "$T/ct.qcow2" >/dev/null || fail "commit"
qio -f raw -c "read -P 0x91 1000 200k" "$T/cb.raw"
qcheck "$T/ct.qcow2"
qemu-img map --output=json "$T/ct.qcow2" | grep -q '"depth": 0' && fail "top not emptied by commit"
"$IMG" convert -O raw "$T/sub/jtop.qcow2" "$T/before.raw"
"$IMG" rebase -b ../base.raw -F raw "$T/sub/jtop.qcow2" || fail "rebase"
qemu-img info "$T/sub/jtop.qcow2" | grep -q "backing file: ../base.raw" || fail "rebase name"
qcheck "$T/sub/jtop.qcow2"
qemu-img compare -q "$T/before.raw" "$T/sub/jtop.qcow2" || fail "rebase changed the content"
"$IMG" rebase -u -b jmid.qcow2 -F qcow2 "$T/sub/jtop.qcow2" || fail "rebase -u"
qemu-img info "$T/sub/jtop.qcow2" | grep -q "backing file: jmid.qcow2" || fail "rebase -u name"
"$IMG" resize "$T/sub/jtop.qcow2" +1M >/dev/null || fail "resize"
qemu-img info "$T/sub/jtop.qcow2" | grep -q "virtual size: 5 MiB" || fail "resize size"
qcheck "$T/sub/jtop.qcow2"
echo "ok commit, rebase, resize"
"$IMG" create -f qcow2 -b cb.raw -F raw "$T/bt.qcow2" >/dev/null
"$BLKIO" "$T/bt.qcow2" write 0x42 1M 64k zero 0 64k || fail "blkio -B"
"$IMG" convert -O qcow2 -B cb.raw -F raw "$T/bt.qcow2" "$T/bo.qcow2" || fail "convert -B"
qcheck "$T/bo.qcow2"
qemu-img compare -q "$T/bt.qcow2" "$T/bo.qcow2" || fail "convert -B changed the content"
qemu-img info "$T/bo.qcow2" | grep -q "backing file: cb.raw" || fail "convert -B backing name"
[ "$(qemu-img map --output=json "$T/bo.qcow2" | grep -c '"depth": 0')" = 2 ] ||
    fail "convert -B copied more than the differences"
echo "ok convert -B"

# 8. The tools agree on info, map and compare.
"$IMG" info --output=json "$T/sub/jtop.qcow2" >"$T/info.json"
grep -q '"backing-filename": "jmid.qcow2"' "$T/info.json" || fail "info json backing"
grep -q '"cluster-size": 4096' "$T/info.json" || fail "info json cluster size"
qemu-img map --output=json "$T/j.qcow2" | sed 's/, "compressed": false//' >"$T/qmap.json"
"$IMG" map --output=json "$T/j.qcow2" >"$T/jmap.json"
cmp "$T/qmap.json" "$T/jmap.json" || fail "map differs: $(diff "$T/qmap.json" "$T/jmap.json")"
"$IMG" compare "$T/sub/jtop.qcow2" "$T/base.raw" >"$T/cmp.log" && fail "compare missed a difference"
grep -q "Content mismatch at offset 70000!" "$T/cmp.log" || fail "compare offset: $(cat "$T/cmp.log")"
"$IMG" convert -O raw "$T/sub/jtop.qcow2" "$T/top.raw"
"$IMG" compare "$T/sub/jtop.qcow2" "$T/top.raw" >/dev/null || fail "compare of a copy"
echo "ok info, map, compare"
