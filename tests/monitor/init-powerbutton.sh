#!/bin/sh
# /init of the ACPI power-button test (test_powerdown.py): loads the ACPI
# button driver (a module in Debian's kernel), waits until the fixed-feature
# power button fires (acpid-like: its event counter in sysfs, ACPI 6.5
# §4.8.3.1.1 PWRBTN_STS), then powers off with `poweroff -f`: the kernel
# enters S5 through PM1a_CNT and jit86 ends.
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
insmod /lib/modules/button.ko
counter=/sys/firmware/acpi/interrupts/ff_pwr_btn
[ -r $counter ] || echo "JIT86-POWERBUTTON-NO-ACPI"
echo "JIT86-POWERBUTTON-WAIT"
while :; do
    set -- $(cat $counter)
    [ "${1:-0}" != 0 ] && break
    sleep 1
done
echo "JIT86-POWERBUTTON-PRESSED"
poweroff -f
