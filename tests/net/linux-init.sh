#!/bin/sh
# /init of the Linux network test (linux-net.sh): loads 8390 and ne2k-pci,
# takes an address from slirp's DHCP server with udhcpc, writes jit86.mib MiB
# of `seq` output in numbered blocks (no period a lost or repeated 256-byte
# page could hide in) to /tmp, prints its SHA-256 and serves it once on TCP
# port 5000 with busybox nc, which the host reaches through hostfwd. Then
# reboot -f (-no-reboot ends the run).
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
echo "JIT86-NET-INIT"
mib=64
# shellcheck disable=SC2013 # the command line is words
for arg in $(cat /proc/cmdline); do
    case "$arg" in jit86.mib=*) mib=${arg#jit86.mib=} ;; esac
done
for m in 8390 ne2k-pci; do
    insmod "/lib/modules/$m.ko" || echo "JIT86-NET-INSMOD-FAILED $m"
done
# udhcpc configures nothing itself: its script applies the lease.
cat >/bin/dhcp-script <<'SCRIPT'
#!/bin/sh
case "$1" in
deconfig) ifconfig "$interface" 0.0.0.0 up ;;
bound | renew)
    ifconfig "$interface" "$ip" netmask "${subnet:-255.255.255.0}" up
    [ -n "$router" ] && route add default gw "$router" "$interface"
    ;;
esac
exit 0
SCRIPT
chmod 755 /bin/dhcp-script
ifconfig lo 127.0.0.1 up
timeout 60 udhcpc -i eth0 -s /bin/dhcp-script -n -q -t 10 -T 2 || echo "JIT86-NET-DHCP-FAILED"
echo "JIT86-NET-ADDR $(ifconfig eth0 | sed -n 's/.*inet addr:\([0-9.]*\).*/\1/p')"
# jit86.mib blocks of 1 MiB of `seq` output, each after its own "block N"
# line: nothing repeats, and generating it is cheap (busybox seq is slow).
seq 1 200000 | head -c 1048576 >/tmp/block
for i in $(seq 1 "$mib"); do
    echo "block $i"
    cat /tmp/block
done >/tmp/data
rm /tmp/block
sum=$(sha256sum </tmp/data)
echo "JIT86-NET-GUEST-SHA256 ${sum%% *} $(wc -c </tmp/data)"
echo "JIT86-NET-LISTENING"
nc -l -p 5000 </tmp/data
echo "JIT86-NET-SENT"
ifconfig eth0 | grep -E "packets|bytes" | sed "s/^ */JIT86-NET-IFCONFIG /"
reboot -f
