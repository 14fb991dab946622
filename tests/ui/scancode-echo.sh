#!/bin/sh
# scancode-echo.sh JIT86 DIR SET [sdl|sendkey]: boots DIR/scancode-echo.asm
# (SET 1: the 8042 translates, SET 2: the guest turns translation off), types
# keys and checks the bytes the guest's IRQ1 handler echoed to COM1: extended
# keys (which once hung the keyboard), Print Screen, Pause and Ctrl+Pause
# (Break). sdl (the default): the SDL window on a private Xvfb, keys typed by
# xdotool. sendkey: no window, the monitor's sendkey on a unix socket.
# Exit 77 (skipped) without nasm, Xvfb, xdotool, SDL2 or python3.
jit86=$1 dir=$2 set=$3 input=${4:-sdl}
case $input in
sdl) tools="nasm Xvfb xdotool" ;;
sendkey) tools="nasm python3" ;;
*) echo "usage: scancode-echo.sh JIT86 DIR SET [sdl|sendkey]" >&2; exit 2 ;;
esac
for tool in $tools; do
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

start_window() {
    # Xvfb picks a free display number and writes it on fd 3 once it is ready.
    Xvfb -displayfd 3 -screen 0 1024x768x24 3>"$tmp/display" >/dev/null 2>&1 &
    xvfb=$!
    i=0
    until [ -s "$tmp/display" ]; do
        i=$((i + 1))
        [ $i -gt 100 ] && { echo "FAIL: Xvfb did not start" >&2; exit 1; }
        sleep 0.1
    done
    export DISPLAY=:$(cat "$tmp/display")
    # Under -DJIT86_SANITIZE the X11/dbus libraries SDL loads leak (sdl-smoke.sh).
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    "$jit86" -display sdl -m 32 -hda "$tmp/disk.img" -serial "file:$tmp/com1" \
        >"$tmp/log" 2>&1 &
    pid=$!
}

start_headless() {
    "$jit86" -display none -m 32 -hda "$tmp/disk.img" -serial "file:$tmp/com1" \
        -monitor "unix:$tmp/mon,server,nowait" >"$tmp/log" 2>&1 &
    pid=$!
}

wait_ready() {
    i=0
    until grep -q READY "$tmp/com1" 2>/dev/null; do
        i=$((i + 1))
        if ! kill -0 $pid 2>/dev/null; then
            if [ "$input" = sdl ] && grep -qi sdl "$tmp/log"; then
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
}

# One key at a time, so that each sequence is on the wire alone.
type_window() {
    win=$(xdotool search --name jit86 | head -1)
    [ -n "$win" ] || { echo "FAIL: no jit86 window on $DISPLAY" >&2; exit 1; }
    xdotool windowfocus --sync "$win"
    for key in a Up a Print Pause ctrl+Pause a; do
        xdotool key "$key"
        sleep 0.1
    done
}

type_sendkey() {
    python3 - "$tmp/mon" <<'PY' || { echo "FAIL: monitor: sendkey" >&2; exit 1; }
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
for key in ["a", "up", "a", "print", "pause", "ctrl-pause", "a"]:
    s.sendall(("sendkey %s\n" % key).encode())
    time.sleep(0.1)
time.sleep(0.2)
s.setblocking(False)
try:
    reply = s.recv(65536).decode(errors="replace")
except BlockingIOError:
    reply = ""
sys.exit(1 if "sendkey:" in reply or "unknown" in reply else 0)
PY
}

if [ "$input" = sdl ]; then
    start_window
    wait_ready
    type_window
else
    start_headless
    wait_ready
    type_sendkey
fi
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
    [ "$got" = "$want" ] && { echo "ok: set $set, $input: $got"; exit 0; }
    i=$((i + 1))
    sleep 0.1
done
echo "FAIL: set $set, $input: scancodes differ" >&2
echo "want: $want" >&2
echo "got:  $got" >&2
exit 1
