#!/bin/sh
# /init of the interactive initramfs of `make run`: a busybox shell on the
# serial console (ttyS0 through cttyhack, so Ctrl-C and job control work).
# Leaving the shell reboots, which ends jit86 when it runs with -no-reboot.
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
hostname jit86
echo
echo "jit86: Debian i386 kernel $(uname -r), busybox $(busybox | head -1 | cut -d' ' -f2) shell."
echo "Ctrl-A x quits jit86 at once; 'exit' reboots, which ends the run."
echo
cd /root
PS1='jit86:\w# ' setsid cttyhack sh
reboot -f
