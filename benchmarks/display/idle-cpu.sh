#!/bin/sh
# idle-cpu.sh JIT86 [SECONDS]: host CPU that jit86 uses while the guest idles
# at a text screen (SeaBIOS with no disks halts at "No bootable device."), for
# -display none and for the SDL window (on $DISPLAY, or on a private Xvfb).
# Prints the share of one host core from /proc/PID/stat utime+stime over
# SECONDS (default 10), after 6 s for the firmware to reach the idle screen.
jit86=$1 secs=${2:-10}
[ -x "$jit86" ] || { echo "usage: idle-cpu.sh JIT86 [SECONDS]" >&2; exit 2; }
hz=$(getconf CLK_TCK)

ticks() { # utime + stime of PID, in clock ticks
    # Fields after the ")" that ends the command name: state is field 3.
    sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}

measure() { # label, jit86 arguments...
    label=$1
    shift
    "$jit86" -m 32 "$@" >/dev/null 2>&1 &
    pid=$!
    sleep 6
    if ! kill -0 $pid 2>/dev/null; then
        echo "$label: jit86 exited early" >&2
        return 1
    fi
    t0=$(ticks $pid)
    sleep "$secs"
    t1=$(ticks $pid)
    kill $pid
    wait $pid 2>/dev/null
    awk -v l="$label" -v d=$((t1 - t0)) -v hz="$hz" -v s="$secs" \
        'BEGIN { printf "%-22s %5.1f%% of a core (%d ticks in %d s)\n", l, 100 * d / hz / s, d, s }'
}

measure "-display none" -display none
if [ -n "$DISPLAY" ]; then
    measure "-display sdl" -display sdl
elif command -v Xvfb >/dev/null 2>&1; then
    n=99
    while [ -e /tmp/.X$n-lock ]; do n=$((n + 1)); done
    Xvfb :$n -screen 0 1024x768x24 >/dev/null 2>&1 &
    xvfb=$!
    sleep 1
    DISPLAY=:$n measure "-display sdl (Xvfb)" -display sdl
    kill $xvfb
    wait $xvfb 2>/dev/null
else
    echo "-display sdl: skipped (no \$DISPLAY and no Xvfb)"
fi
