#!/bin/sh
# Runs the SDL window test on the current X display, or on a private Xvfb
# when there is none. Exit 77 (ctest: skipped) when neither is available.
test_bin=$1
# Under -DJIT86_SANITIZE, LeakSanitizer reports allocations that libdbus and
# the X11 libraries SDL loads with dlopen never free; they are unloaded before
# exit, so they cannot be suppressed by name. Leak checks of our own display
# code run in ui_display.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
if [ -n "$DISPLAY" ]; then
    exec "$test_bin"
fi
if ! command -v xvfb-run >/dev/null 2>&1; then
    echo "SKIP: no X display and no xvfb-run (install package xvfb)" >&2
    exit 77
fi
exec xvfb-run -a -s "-screen 0 1024x768x24" "$test_bin"
