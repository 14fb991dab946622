#!/bin/sh
# make-floppy.sh OUT.img: a 1.44M FAT12 floppy with SYSLINUX (mtools installer,
# no root). The installer kernel alone (5.7 MB) cannot fit on any floppy, so
# SYSLINUX loads its COM32 modules from the floppy and chain.c32 hands over
# to the first hard disk's MBR (make-hdd.sh's disk), which loads Linux.
set -eu
out=$1
for tool in mkfs.fat mcopy syslinux; do
    command -v $tool >/dev/null ||
        { echo "SKIP: $tool missing (dosfstools, mtools, syslinux)"; exit 77; }
done
mods=/usr/lib/syslinux/modules/bios
[ -r $mods/chain.c32 ] || { echo "SKIP: $mods/chain.c32 missing (syslinux-common)"; exit 77; }

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat >"$dir/syslinux.cfg" <<'CFG'
SERIAL 0 115200
DEFAULT hd
PROMPT 0
TIMEOUT 0
SAY SYSLINUX: booted from the floppy, chaining to the hard disk
LABEL hd
    COM32 chain.c32
    APPEND hd0
CFG
mkfs.fat -F 12 -n JIT86FLOPPY -i 4a495438 -C "$dir/floppy.img" 1440 >/dev/null
export MTOOLS_SKIP_CHECK=1
for f in chain.c32 libcom32.c32 libutil.c32; do
    mcopy -i "$dir/floppy.img" $mods/$f ::$f
done
mcopy -i "$dir/floppy.img" "$dir/syslinux.cfg" ::syslinux.cfg
syslinux --install "$dir/floppy.img"
mv "$dir/floppy.img" "$out"
