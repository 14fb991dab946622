#!/bin/sh
# vga-guest.sh JIT86 PNG_COMPARE DIR NAME: boots DIR/NAME.asm (a boot sector
# assembled with nasm) as -hda, takes a screenshot at 5 s of virtual time and
# compares it with DIR/NAME.png. Exit 77 (skipped) without nasm or when this
# jit86's main loop does not run the display front end.
jit86=$1 cmp=$2 dir=$3 name=$4
if ! command -v nasm >/dev/null 2>&1; then
    echo "SKIP: nasm not installed (package nasm)" >&2
    exit 77
fi
if [ ! -r /usr/share/seabios/vgabios-stdvga.bin ]; then
    echo "SKIP: /usr/share/seabios/vgabios-stdvga.bin missing (package seabios)" >&2
    exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
nasm -f bin "$dir/$name.asm" -o "$tmp/boot.bin" || exit 1
dd if=/dev/zero of="$tmp/disk.img" bs=1024 count=1024 2>/dev/null
dd if="$tmp/boot.bin" of="$tmp/disk.img" conv=notrunc 2>/dev/null
timeout 60 "$jit86" -display none -m 32 -hda "$tmp/disk.img" \
    -screenshot-at "5:$tmp/screen.png" >"$tmp/log" 2>&1 &
pid=$!
# The guest halts after drawing; stop the machine once the screenshot exists.
i=0
while [ $i -lt 40 ] && [ ! -s "$tmp/screen.png" ] && kill -0 $pid 2>/dev/null; do
    sleep 0.2
    i=$((i + 1))
done
sleep 0.2
kill $pid 2>/dev/null
wait $pid 2>/dev/null
if [ ! -s "$tmp/screen.png" ]; then
    echo "SKIP: jit86 wrote no screenshot (the main loop in ui/machine.c does not run" \
         "ui_display_tick yet)" >&2
    cat "$tmp/log" >&2
    exit 77
fi
"$cmp" "$tmp/screen.png" "$dir/$name.png"
