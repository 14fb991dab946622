#!/bin/sh
# linux-sse2.sh JIT86 INIT: boots the Debian i386 installer kernel on jit86 with an initramfs
# whose /init is INIT (sse2-init.c, built -msse2 -mfpmath=sse), and compares its output with
# INIT run natively on the host. Skips (77) without the kernel.
set -u
jit86=$1
init=$2
here=$(dirname "$0")
kernel=${JIT86_LINUX_KERNEL:-/usr/lib/debian-installer/images/12/i386/text/debian-installer/i386/linux}
[ -f "$kernel" ] || { echo "SKIP: $kernel missing (package debian-installer-12-netboot-i386)"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$init" >"$dir/host" || { echo "FAIL: $init does not run on the host (build target sse2_init)"; exit 1; }
python3 "$here/mkcpio.py" "$dir/initrd.gz" "$init" || { echo "FAIL: mkcpio.py"; exit 1; }
"$jit86" -nographic -m 128 -kernel "$kernel" -initrd "$dir/initrd.gz" \
    -append "console=ttyS0 panic=-1 quiet" -no-reboot </dev/null >"$dir/out" 2>&1
tr -d '\r' <"$dir/out" | grep -E '^[a-z0-9*]+ [0-9a-f]{16}$|^JIT86-SSE2' >"$dir/guest"
if ! cmp -s "$dir/host" "$dir/guest"; then
    echo "FAIL: the guest's SSE2 results differ from the host's"
    diff "$dir/host" "$dir/guest"
    tail -20 "$dir/out"
    exit 1
fi
echo "ok: $(wc -l <"$dir/host") lines identical to the host's"
