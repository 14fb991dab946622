#!/bin/sh
# boot-linux.sh JIT86 MIB: boots the Debian i386 installer kernel on jit86 with
# an initramfs built here around Debian's static i386 busybox (init-test.sh),
# and checks the userland marker, /proc output, the SHA-256 of MIB MiB of
# `yes jit86` output against the host's, and a clean exit through reboot -f
# and -no-reboot. The backend comes from the environment (JIT86_BACKEND).
# Missing inputs fail loudly: cmake/setup-deps.sh installs them.
# cryptomgr.notests skips the kernel's crypto self-tests (docs/linux.md: 14 s
# of late-init CPU work on jit86 that test the kernel, not the machine).
set -u
jit86=$1
mib=$2
here=$(dirname "$0")
kernel=${JIT86_LINUX_KERNEL:-/usr/lib/debian-installer/images/12/i386/text/debian-installer/i386/linux}
busybox=${JIT86_BUSYBOX:-/bin/busybox}
[ -f "$kernel" ] || { echo "FAIL: $kernel missing (package debian-installer-12-netboot-i386)"; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 "$here/mkinitramfs.py" "$dir/initrd.gz" "$busybox" "$here/init-test.sh" || {
    echo "FAIL: cannot build the initramfs (package busybox-static:i386)"
    exit 1
}
expected=$(yes jit86 | head -c $((mib * 1048576)) | sha256sum | cut -d' ' -f1)
"$jit86" -nographic -m 256 -kernel "$kernel" -initrd "$dir/initrd.gz" \
    -append "console=ttyS0 panic=-1 cryptomgr.notests jit86.mib=$mib" -no-reboot \
    -stats-file "$dir/stats.json" </dev/null >"$dir/out" 2>&1
rc=$?
fail=0
check() { # description, fixed string expected in the output
    grep -aqF -- "$2" "$dir/out" || { echo "FAIL: $1 (no \"$2\")"; fail=1; }
}
check "userland marker" "JIT86-LINUX-INIT: userland reached"
check "/proc/cpuinfo" "vendor_id	: GenuineIntel"
check "/proc/interrupts" "XT-PIC      timer"
check "workload checksum" "JIT86-LINUX-SHA256: $expected"
check "end of /init" "JIT86-LINUX-DONE"
check "reboot -f" "reboot: Restarting system"
[ $rc = 0 ] || { echo "FAIL: jit86 exited with status $rc (want 0 from -no-reboot)"; fail=1; }
# The x86-64 backend's code for the whole boot fits the translation cache
# (ui/machine.c): a flush would translate every hot block again.
if [ "${JIT86_BACKEND:-x86_64}" = x86_64 ] && ! grep -q '"code-flushes": 0,' "$dir/stats.json"; then
    echo "FAIL: the translation cache was flushed: $(grep -a code- "$dir/stats.json" | tr -d '\n ')"
    fail=1
fi
if [ $fail != 0 ]; then
    echo "--- last 40 lines of the serial console:"
    tail -n 40 "$dir/out"
    exit 1
fi
grep -a "Run /init\|reboot: Restarting" "$dir/out"
echo "ok: marker, sha256 of $mib MiB = $expected, clean exit"
