#!/bin/sh
# vga-guest.sh JIT86 PNG_COMPARE DIR NAME [SECONDS]: boots DIR/NAME.asm (a boot
# sector assembled with nasm) as -hda, or no disk at all when there is no
# NAME.asm, takes a screenshot at SECONDS (default 5) of virtual time and
# compares it with DIR/NAME.png. Exit 77 (skipped) without nasm or the
# SeaBIOS VGA BIOS; no screenshot at all is a failure.
jit86=$1 cmp=$2 dir=$3 name=$4 at=${5:-5}
if [ -e "$dir/$name.asm" ] && ! command -v nasm >/dev/null 2>&1; then
    echo "SKIP: nasm not installed (package nasm)" >&2
    exit 77
fi
if [ ! -r /usr/share/seabios/vgabios-stdvga.bin ]; then
    echo "SKIP: /usr/share/seabios/vgabios-stdvga.bin missing (package seabios)" >&2
    exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
set --
if [ -e "$dir/$name.asm" ]; then
    nasm -f bin "$dir/$name.asm" -o "$tmp/boot.bin" || exit 1
    dd if=/dev/zero of="$tmp/disk.img" bs=1024 count=1024 2>/dev/null
    dd if="$tmp/boot.bin" of="$tmp/disk.img" conv=notrunc 2>/dev/null
    set -- -hda "$tmp/disk.img"
fi
timeout 60 "$jit86" -display none -m 32 "$@" \
    -screenshot-at "$at:$tmp/screen.png" >"$tmp/log" 2>&1 &
pid=$!
# The guest halts after drawing; stop the machine once the screenshot exists.
i=0
while [ $i -lt 100 ] && [ ! -s "$tmp/screen.png" ] && kill -0 $pid 2>/dev/null; do
    sleep 0.2
    i=$((i + 1))
done
sleep 0.2
kill $pid 2>/dev/null
wait $pid 2>/dev/null
if [ ! -s "$tmp/screen.png" ]; then
    echo "FAIL: jit86 wrote no screenshot within 20 s" >&2
    cat "$tmp/log" >&2
    exit 1
fi
"$cmp" "$tmp/screen.png" "$dir/$name.png"
