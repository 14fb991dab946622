#!/bin/sh
# icount-linux.sh JIT86 runs|backends|hosts [JIT86_AARCH64 [EMULATOR]]:
# -icount 0 makes a Linux boot deterministic. The Debian i386 kernel with the
# test initramfs (1 MiB workload) runs twice on the x86-64 backend ("runs"),
# once on x86-64 and once on the interpreter ("backends"), or once on x86-64
# and once on the AArch64 backend of an AArch64 build of jit86 run under
# EMULATOR, qemu-aarch64-static by default ("hosts"). The serial logs must be
# byte-identical (kernel timestamps included) and show the right checksum.
set -u
jit86=$1
mode=${2:-runs}
jit86_a64=${3:-}
emulator=${4:-qemu-aarch64-static}
here=$(dirname "$0")
kernel=${JIT86_LINUX_KERNEL:-/usr/lib/debian-installer/images/12/i386/text/debian-installer/i386/linux}
[ -f "$kernel" ] || { echo "FAIL: $kernel missing (package debian-installer-12-netboot-i386)"; exit 1; }
if [ "$mode" = hosts ]; then
    [ -x "$jit86_a64" ] || { echo "FAIL: no AArch64 jit86 given ($jit86_a64)"; exit 1; }
    command -v "$emulator" >/dev/null || { echo "FAIL: $emulator missing (qemu-user-static)"; exit 1; }
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 "$here/mkinitramfs.py" "$dir/initrd.gz" "${JIT86_BUSYBOX:-/bin/busybox}" \
    "$here/init-test.sh" || { echo "FAIL: cannot build the initramfs (busybox-static:i386)"; exit 1; }
run() { # name, backend, command...
    name=$1 backend=$2
    shift 2
    start=$(date +%s)
    JIT86_BACKEND=$backend "$@" -icount 0 -nographic -m 256 -kernel "$kernel" \
        -initrd "$dir/initrd.gz" -append "console=ttyS0 panic=-1 cryptomgr.notests jit86.mib=1" -no-reboot \
        </dev/null >"$dir/$name" 2>&1 || { echo "FAIL: the $backend run exited with status $?"; exit 1; }
    echo "$backend: $(($(date +%s) - start)) s"
}
run a x86_64 "$jit86"
case $mode in
backends) second=interp; run b interp "$jit86" ;;
hosts) second="aarch64 under $emulator"; run b aarch64 "$emulator" "$jit86_a64" ;;
*) second=x86_64; run b x86_64 "$jit86" ;;
esac
expected=$(yes jit86 | head -c 1048576 | sha256sum | cut -d' ' -f1)
fail=0
grep -aqF "JIT86-LINUX-SHA256: $expected" "$dir/a" || { echo "FAIL: no correct checksum"; fail=1; }
cmp "$dir/a" "$dir/b" || { echo "FAIL: the x86_64 and $second runs differ"; fail=1; }
if [ $fail != 0 ]; then
    diff -a "$dir/a" "$dir/b" | head -40
    exit 1
fi
echo "ok: $(wc -c <"$dir/a") bytes of serial output identical (x86_64, $second)"
grep -a "Run /init\|reboot: Restarting" "$dir/a"
