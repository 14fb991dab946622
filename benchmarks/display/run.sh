#!/bin/sh
# Host CPU while the guest idles at a text screen: SeaBIOS with no disks halts
# at "No bootable device." (HLT with the 18.2 Hz timer running). jit86 with
# -display none and with the SDL window (on $DISPLAY, or on a private Xvfb),
# and qemu-system-i386 -display none beside it as the reference (its SDL
# window too when QEMU has the SDL module). Each figure is the share of one
# host core from /proc/PID/stat utime+stime over SECONDS (default 10), after
# 6 s for the firmware to reach the idle screen.
# usage: benchmarks/display/run.sh [BUILD_DIR] [SECONDS]   (default: build 10)
set -u
B=${1:-build}
secs=${2:-10}
jit86=$B/jit86
if [ ! -x "$jit86" ]; then
    cmake --build "$B" --target jit86 >/dev/null || exit 1
fi
hz=$(getconf CLK_TCK)

ticks() { # utime + stime of PID, in clock ticks (fields 14 and 15 of stat)
    sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}

measure() { # label, command...
    label=$1
    shift
    "$@" >/dev/null 2>&1 &
    pid=$!
    sleep 6
    if ! kill -0 $pid 2>/dev/null; then
        echo "$label: exited early" >&2
        return 1
    fi
    t0=$(ticks $pid)
    sleep "$secs"
    t1=$(ticks $pid)
    kill $pid
    wait $pid 2>/dev/null
    awk -v l="$label" -v d=$((t1 - t0)) -v hz="$hz" -v s="$secs" \
        'BEGIN { printf "%-34s %5.1f%% of a core (%d ticks in %d s)\n", l, 100 * d / hz / s, d, s }'
}

qemu_sdl() {
    command -v qemu-system-i386 >/dev/null 2>&1 &&
        qemu-system-i386 -display help 2>/dev/null | grep -qx sdl
}

QEMU="qemu-system-i386 -nodefaults -vga std -m 32 -bios /usr/share/seabios/bios-256k.bin"

windows() {
    measure "jit86 -display sdl" "$jit86" -m 32 -display sdl
    if qemu_sdl; then
        measure "qemu-system-i386 -display sdl" $QEMU -display sdl
    else
        echo "qemu-system-i386 -display sdl: no SDL module (package qemu-system-gui)"
    fi
}

measure "jit86 -display none" "$jit86" -m 32 -display none
if command -v qemu-system-i386 >/dev/null 2>&1; then
    measure "qemu-system-i386 -display none" $QEMU -display none
else
    echo "qemu-system-i386 -display none: not installed (package qemu-system-x86)"
fi
if [ -n "${DISPLAY:-}" ]; then
    windows
elif command -v Xvfb >/dev/null 2>&1; then
    T=$(mktemp -d "${TMPDIR:-/tmp}/jit86-bench-XXXXXX")
    Xvfb -displayfd 3 -screen 0 1024x768x24 3>"$T/display" >/dev/null 2>&1 &
    xvfb=$!
    i=0
    while [ ! -s "$T/display" ] && [ $i -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    DISPLAY=:$(cat "$T/display")
    export DISPLAY
    windows
    kill $xvfb
    wait $xvfb 2>/dev/null
    rm -rf "$T"
else
    echo "-display sdl: skipped (no \$DISPLAY and no Xvfb)"
fi
