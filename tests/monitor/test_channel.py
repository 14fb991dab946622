#!/usr/bin/env python3
"""Host-guest channel round trip.
  test_channel.py JIT86 CHANNEL_BIOS: the guest is channel-bios.asm on COM2
    behind -chardev socket,...,server=on,wait=off -device isa-serial,chardev=ch;
    this host program reads its READY frame, sends frames of several sizes and
    checks each "ECHO:" answer, then a frame with a bad checksum, which the
    guest must answer with "ERR".
  test_channel.py JIT86 --linux KERNEL BUSYBOX: a Linux guest (init-channel.sh)
    on /dev/ttyS1 sends READY and echoes every frame unchanged."""
import os
import random
import re
import socket
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from channel import FrameReader, encode  # noqa: E402
from qmpclient import Machine  # noqa: E402


def linux_args(d):
    """-kernel/-initrd/-append for the Linux guest, with its initramfs built in d."""
    kernel, busybox = sys.argv[3:5]
    here = os.path.dirname(os.path.abspath(__file__))
    initrd = os.path.join(d, "initrd.gz")
    subprocess.run([sys.executable, os.path.join(here, "..", "linux", "mkinitramfs.py"), initrd,
                    busybox, os.path.join(here, "init-channel.sh")], check=True)
    return ["-m", "128", "-kernel", kernel, "-initrd", initrd,
            "-append", "console=ttyS0 panic=-1"]


def main():
    jit86, bios = sys.argv[1:3]
    linux = bios == "--linux"
    m = Machine.__new__(Machine)
    m.dir = tempfile.mkdtemp(prefix="jit86-channel-")
    path = os.path.join(m.dir, "channel.sock")
    m.sock = os.path.join(m.dir, "qmp.sock")
    m.serial = os.path.join(m.dir, "serial.txt")
    # -S: the guest starts once the host end is connected, so its READY is not lost
    # (a server=on,wait=off socket drops output while nobody is connected).
    guest = linux_args(m.dir) if linux else ["-bios", bios, "-m", "32", "-cpu", "486"]
    m.proc = subprocess.Popen(
        [jit86, "-nographic"] + guest + [
         "-serial", "file:" + m.serial, "-qmp", "unix:%s,server,nowait" % m.sock,
         "-chardev", "socket,id=ch,path=%s,server=on,wait=off" % path,
         "-device", "isa-serial,chardev=ch", "-S"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    ok = False
    try:
        deadline = time.time() + 10
        while not os.path.exists(path) and time.time() < deadline:
            time.sleep(0.05)
        mode = stat.S_IMODE(os.stat(path).st_mode)
        assert mode == 0o600, "channel socket mode %o, want 600" % mode
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(300 if linux else 10)  # Linux boots first
        s.connect(path)
        r = FrameReader(s.recv)
        q = m.qmp()
        assert q.cmd("query-status")["return"]["status"] == "prelaunch", "not started with -S"
        assert q.cmd("cont") == {"return": {}}, "cont"
        first = r.read()
        assert first == b"READY", "first frame %r" % first
        rng = random.Random(7)
        s.settimeout(30)
        prefix = b"" if linux else b"ECHO:"
        for size in (0, 1, 5, 100, 255, 256, 1000, 1019):  # the echo adds 5 bytes
            payload = bytes(rng.randrange(256) for _ in range(size))
            s.sendall(encode(payload))
            got = r.read()
            assert got == prefix + payload, "size %d: got %r" % (size, got[:40])
        if linux:
            # Paging is on in Linux: `info mem` walks its page tables.
            mem = q.hmp("info mem")
            assert re.search(r"^c0000000-[0-9a-f]{8} [0-9a-f]{8} -rw$", mem, re.M), \
                "info mem lacks the kernel's direct map at c0000000:\n" + mem[:2000]
            assert re.search(r"^[0-9a-f]{8}-[0-9a-f]{8} [0-9a-f]{8} ur[w-]$", mem, re.M), \
                "info mem lacks user mappings:\n" + mem[:2000]
            print("ok: READY from Linux, 8 frames (0-1019 bytes) echoed through /dev/ttyS1")
            ok = True
            return 0
        bad = bytearray(encode(b"hello"))
        bad[-1] ^= 0xFF
        s.sendall(bytes(bad))
        got = r.read()
        assert got == b"ERR", "bad checksum answered %r" % got
        s.sendall(encode(b"after the error"))
        assert r.read() == b"ECHO:after the error", "no echo after an error frame"
        ok = True
        print("ok: READY, 8 echoed frames (0-1019 bytes) and an ERR for a bad checksum")
    except Exception as e:  # noqa: BLE001
        print("FAIL: %s" % e)
    finally:
        if m.proc.poll() is None:
            m.proc.kill()
        out = m.proc.communicate(timeout=10)[0]
        if not ok:
            print("jit86 output:\n%s" % out[-2000:].decode(errors="replace"))
            if os.path.exists(m.serial):
                with open(m.serial, "rb") as f:
                    print("serial console (end):\n%s" % f.read()[-3000:].decode(errors="replace"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
