#!/bin/sh
# sdl-screen.sh JIT86 PNG_COMPARE DIR: boots SeaBIOS with no disks in the SDL
# window on a private Xvfb and takes X screenshots of the window (xwd) until
# one equals DIR/seabios-text.png, QEMU's screendump of the same screen
# ("No bootable device.", vga-guests/README.md). The cursor blinks, so a few
# shots miss it; failing for 20 s is a failure. With JIT86_SDL_SCREENSHOT=
# FILE.png the matching shot is kept there. Exit 77 (skipped) without Xvfb,
# xdotool, xwd or SDL2.
jit86=$1 cmp=$2 dir=$3
for tool in Xvfb xdotool xwd; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "SKIP: $tool not installed (packages xvfb, xdotool, x11-apps)" >&2
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
"$jit86" -display sdl -m 32 >"$tmp/log" 2>&1 &
pid=$!
i=0
while [ $i -lt 200 ]; do
    if ! kill -0 $pid 2>/dev/null; then
        if grep -qi sdl "$tmp/log"; then
            echo "SKIP: no SDL window:" "$(cat "$tmp/log")" >&2
            exit 77
        fi
        echo "FAIL: jit86 exited:" >&2
        cat "$tmp/log" >&2
        exit 1
    fi
    win=$(xdotool search --name jit86 2>/dev/null | head -1)
    if [ -n "$win" ] && xwd -silent -id "$win" >"$tmp/window.xwd" 2>/dev/null &&
        "$cmp" "$tmp/window.xwd" "$dir/seabios-text.png" >"$tmp/cmp" 2>&1; then
        echo "ok: the SDL window shows SeaBIOS's 'No bootable device.' screen as QEMU does"
        if [ -n "$JIT86_SDL_SCREENSHOT" ]; then
            "$cmp" --convert "$tmp/window.xwd" "$JIT86_SDL_SCREENSHOT" || exit 1
        fi
        exit 0
    fi
    i=$((i + 1))
    sleep 0.1
done
echo "FAIL: the window never showed the expected screen; last comparison:" >&2
cat "$tmp/cmp" >&2
exit 1
