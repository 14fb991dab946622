#!/bin/sh
# run-shell.sh JIT86 [JIT86 OPTIONS...]: `make run`'s default guest. Builds the
# interactive initramfs (init-shell.sh around Debian's static i386 busybox)
# and boots the Debian i386 installer kernel with it on the serial console in
# this terminal. Ctrl-A x quits; leaving the shell reboots, which ends the run.
set -u
jit86=$1
shift
here=$(dirname "$0")
kernel=${JIT86_LINUX_KERNEL:-/usr/lib/debian-installer/images/12/i386/text/debian-installer/i386/linux}
busybox=${JIT86_BUSYBOX:-/bin/busybox}
[ -f "$kernel" ] || { echo "run-shell: $kernel missing (package debian-installer-12-netboot-i386)" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 "$here/mkinitramfs.py" "$dir/initrd.gz" "$busybox" "$here/init-shell.sh" || exit 1
echo "jit86: booting the Debian i386 kernel with a busybox shell (Ctrl-A x quits)"
"$jit86" -nographic -m 256 -kernel "$kernel" -initrd "$dir/initrd.gz" \
    -append "console=ttyS0 panic=-1 cryptomgr.notests quiet" -no-reboot "$@"
