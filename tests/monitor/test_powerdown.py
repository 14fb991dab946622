#!/usr/bin/env python3
"""ACPI power button with a Linux guest: test_powerdown.py JIT86 KERNEL BUSYBOX.
The Debian installer kernel boots with an initramfs whose /init
(init-powerbutton.sh) loads the ACPI button driver and waits for the power
button; QMP system_powerdown must reach it (POWERDOWN event), the guest runs
`poweroff -f`, the kernel enters S5 and jit86 ends with status 0 after a
SHUTDOWN event {"guest": true, "reason": "guest-shutdown"}.
Exit status: 0 pass, 1 fail, 77 skip (an input package is missing)."""
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from qmpclient import QMP  # noqa: E402

JIT86, KERNEL, BUSYBOX = sys.argv[1:4]
LIMIT = 400  # seconds for the boot, under load


def skip(why):
    print("SKIP: %s: ACPI power-button test NOT RUN" % why)
    sys.exit(77)


def kernel_release(path):
    """The version string the setup header points at (boot.rst: kernel_version
    at 0x20E, relative to 0x200)."""
    with open(path, "rb") as f:
        data = f.read(65536)
    off = int.from_bytes(data[0x20E:0x210], "little") + 0x200
    return data[off:off + 64].split(b"\0")[0].split(b" ")[0].decode()


def wait_serial(path, marker, proc, limit):
    deadline = time.time() + limit
    while time.time() < deadline:
        with open(path, "rb") as f:
            if marker in f.read():
                return True
        if proc.poll() is not None:
            return False
        time.sleep(0.5)
    return False


def main():
    if not os.path.exists(KERNEL):
        skip("%s missing (debian-installer-12-netboot-i386)" % KERNEL)
    button = "/lib/modules/%s/kernel/drivers/acpi/button.ko" % kernel_release(KERNEL)
    if not os.path.exists(button):
        skip("%s missing (linux-image-686:i386)" % button)
    d = tempfile.mkdtemp(prefix="jit86-pwr-")
    initrd, serial, sock = (os.path.join(d, n) for n in ("initrd.gz", "serial.txt", "qmp.sock"))
    mk = os.path.join(HERE, "..", "net", "mkinitramfs-net.py")
    if subprocess.call([sys.executable, mk, initrd, BUSYBOX,
                        os.path.join(HERE, "init-powerbutton.sh"), button]) != 0:
        skip("cannot build the initramfs (busybox-static:i386)")
    proc = subprocess.Popen(
        [JIT86, "-nographic", "-m", "256", "-kernel", KERNEL, "-initrd", initrd,
         "-append", "console=ttyS0 panic=-1 cryptomgr.notests", "-serial", "file:" + serial,
         "-qmp", "unix:%s,server,nowait" % sock],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        q = QMP(sock)
        assert q.cmd("qmp_capabilities") == {"return": {}}
        if not wait_serial(serial, b"JIT86-POWERBUTTON-WAIT", proc, LIMIT):
            raise AssertionError("the guest never waited for the power button")
        t0 = time.time()
        assert q.cmd("system_powerdown") == {"return": {}}
        q.wait_event("POWERDOWN")
        e = q.wait_event("SHUTDOWN", timeout=60)
        assert e["data"] == {"guest": True, "reason": "guest-shutdown"}, e
        status = proc.wait(timeout=30)
        assert status == 0, "jit86 exit status %s" % status
        with open(serial, "rb") as f:
            out = f.read()
        for want in (b"ACPI: button: Power Button", b"JIT86-POWERBUTTON-PRESSED",
                     b"reboot: Power down"):
            assert want in out, "no %r on the console" % want
        print("ok: system_powerdown -> guest poweroff -f -> S5 -> exit 0 in %.1f s"
              % (time.time() - t0))
        return 0
    except (AssertionError, OSError) as e:
        print("FAIL: %s" % e)
        try:
            with open(serial, "rb") as f:
                print(f.read()[-3000:].decode(errors="replace"))
        except OSError:
            pass
        return 1
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    sys.exit(main())
