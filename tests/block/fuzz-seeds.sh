#!/bin/sh
# Seed corpus for the image fuzz target: small qcow2 images of each layout
# (v2, v3, 512-byte clusters, 1-bit refcounts, a snapshot, a compressed
# cluster, a backing name). usage: fuzz-seeds.sh JIT86_IMG BLKIO DIR
set -eu
IMG=$1 BLKIO=$2 DIR=$3
rm -rf "$DIR"
mkdir -p "$DIR"
"$IMG" create -q -f qcow2 -o compat=0.10 "$DIR/v2.qcow2" 1M >/dev/null
"$IMG" create -q -f qcow2 -o cluster_size=512 "$DIR/c512.qcow2" 256k >/dev/null
"$IMG" create -q -f qcow2 -o cluster_size=512,refcount_bits=2 "$DIR/r1.qcow2" 64k >/dev/null
"$IMG" create -q -f qcow2 -o cluster_size=512,refcount_bits=1 -b base.raw -F raw "$DIR/back.qcow2" 64k >/dev/null
"$BLKIO" "$DIR/c512.qcow2" write 0x11 0 3000 zero 4096 1024
"$BLKIO" "$DIR/r1.qcow2" write 0x22 512 1000 snap-create s write 0x23 600 10
"$IMG" create -q -f qcow2 -o cluster_size=512 "$DIR/z.qcow2" 64k >/dev/null
"$BLKIO" "$DIR/z.qcow2" compress 0x44 1024
"$IMG" create -q -f vdi "$DIR/d.vdi" 3M >/dev/null
"$BLKIO" "$DIR/d.vdi" write 0x55 1M 100
"$IMG" create -q -f vpc "$DIR/d.vpc" 5M >/dev/null
"$BLKIO" "$DIR/d.vpc" write 0x66 2M 100
"$IMG" create -q -f vmdk "$DIR/d.vmdk" 1M >/dev/null
"$BLKIO" "$DIR/d.vmdk" write 0x77 4096 100
if command -v qemu-img >/dev/null 2>&1; then
    qemu-img create -q -f vhdx -o block_size=1M,log_size=1M "$DIR/d.vhdx" 4M
    qemu-img create -q -f qcow "$DIR/d.qcow" 1M
    qemu-img create -q -f qed "$DIR/d.qed" 1M
fi
