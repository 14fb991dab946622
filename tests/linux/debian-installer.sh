#!/bin/sh
# debian-installer.sh JIT86: Debian 12's own netboot initrd.gz (the installer,
# 30 MB) with its kernel on the serial console reaches the installer's first
# question, the language prompt ("Select a language" / "Choose the language").
set -u
jit86=$1
d=/usr/lib/debian-installer/images/12/i386/text/debian-installer/i386
for f in linux initrd.gz; do
    [ -f "$d/$f" ] || { echo "FAIL: $d/$f missing (package debian-installer-12-netboot-i386)"; exit 1; }
done
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if python3 "$(dirname "$0")/expect-serial.py" "${JIT86_DI_LIMIT:-1500}" \
    'Select a language|Choose the language' "$log" \
    "$jit86" -nographic -m 512 -kernel "$d/linux" -initrd "$d/initrd.gz" \
    -append "console=ttyS0" -no-reboot; then
    grep -a "Run /init" "$log"
    echo "ok: the installer asks for the language on the serial console"
    exit 0
fi
echo "FAIL: no language prompt; last 30 lines of the serial console:"
tail -n 30 "$log" | tr -d '\033'
exit 1
