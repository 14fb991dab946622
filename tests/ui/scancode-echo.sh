#!/bin/sh
# scancode-echo.sh JIT86 DIR SET: boots DIR/scancode-echo.asm (SET 1: the
# 8042 translates, SET 2: the guest turns translation off) with the SDL window
# on a private Xvfb, types keys into the window with xdotool and checks the
# bytes the guest's IRQ1 handler echoed to COM1: extended keys (which once
# hung the keyboard), Print Screen, Pause and Ctrl+Pause (Break).
# Exit 77 (skipped) without nasm, Xvfb, xdotool or SDL2.
jit86=$1 dir=$2 set=$3
for tool in nasm Xvfb xdotool; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "SKIP: $tool not installed" >&2
        exit 77
    fi
done
tmp=$(mktemp -d) || exit 1
xvfb= pid=
cleanup() {
    [ -n "$pid" ] && kill $pid 2>/dev/null
    [ -n "$xvfb" ] && kill $xvfb 2>/dev/null
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
define=
[ "$set" = 2 ] && define=-DRAW_SET2
nasm $define -f bin "$dir/scancode-echo.asm" -o "$tmp/boot.bin" || exit 1
dd if=/dev/zero of="$tmp/disk.img" bs=1024 count=1024 2>/dev/null
dd if="$tmp/boot.bin" of="$tmp/disk.img" conv=notrunc 2>/dev/null

# Xvfb picks a free display number and writes it on fd 3 once it is ready.
Xvfb -displayfd 3 -screen 0 1024x768x24 3>"$tmp/display" >/dev/null 2>&1 &
xvfb=$!
i=0
until [ -s "$tmp/display" ]; do
    i=$((i + 1))
    [ $i -gt 100 ] && { echo "FAIL: Xvfb did not start" >&2; exit 1; }
    sleep 0.1
done
n=$(cat "$tmp/display")
export DISPLAY=:$n

# Under -DJIT86_SANITIZE the X11/dbus libraries SDL loads leak (sdl-smoke.sh).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
"$jit86" -display sdl -m 32 -hda "$tmp/disk.img" -serial "file:$tmp/com1" \
    >"$tmp/log" 2>&1 &
pid=$!
i=0
until grep -q READY "$tmp/com1" 2>/dev/null; do
    i=$((i + 1))
    if ! kill -0 $pid 2>/dev/null; then
        if grep -qi sdl "$tmp/log"; then
            echo "SKIP: no SDL window:" "$(cat "$tmp/log")" >&2
            exit 77
        fi
        echo "FAIL: jit86 exited:" >&2
        cat "$tmp/log" >&2
        exit 1
    fi
    [ $i -gt 100 ] && { echo "FAIL: the guest never printed READY" >&2; exit 1; }
    sleep 0.1
done
win=$(xdotool search --name jit86 | head -1)
[ -n "$win" ] || { echo "FAIL: no jit86 window on :$n" >&2; exit 1; }
xdotool windowfocus --sync "$win"
# One key at a time, so that each sequence is on the wire alone.
for key in a Up a Print Pause ctrl+Pause a; do
    xdotool key "$key"
    sleep 0.1
done
if [ "$set" = 2 ]; then
    want="1C F0 1C E0 75 E0 F0 75 1C F0 1C E0 12 E0 7C E0 F0 7C E0 F0 12"
    want="$want E1 14 77 E1 F0 14 F0 77 14 E0 7E E0 F0 7E F0 14 1C F0 1C"
else
    want="1E 9E E0 48 E0 C8 1E 9E E0 2A E0 37 E0 B7 E0 AA"
    want="$want E1 1D 45 E1 9D C5 1D E0 46 E0 C6 9D 1E 9E"
fi
i=0
got=
while [ $i -lt 50 ]; do
    got=$(sed -n '2,$p' "$tmp/com1" | tr -d '\r\n' | sed 's/ *$//')
    [ "$got" = "$want" ] && { echo "ok: set $set: $got"; exit 0; }
    i=$((i + 1))
    sleep 0.1
done
echo "FAIL: set $set scancodes differ" >&2
echo "want: $want" >&2
echo "got:  $got" >&2
exit 1
