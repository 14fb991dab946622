#!/usr/bin/env python3
"""SeaBIOS finds jit86's ACPI tables: test_acpi_seabios.py JIT86.
SeaBIOS (the default firmware) runs with no boot device; its debug log on
port 0x402 (-debugcon) must show that it ran the fw_cfg table loader and
found the RSDP, the FADT through the RSDT and the DSDT, took the PIIX4 PM
timer, and still set up its PS/2 keyboard (the DSDT names PNP0303); reaching
"No bootable device." shows its SMM setup (skipped: APMC_EN reads as set) did
not wait forever. Exit status: 0 pass, 1 fail."""
import os
import subprocess
import sys
import tempfile
import time

JIT86 = sys.argv[1]
WANT = [
    b"Moving pm_base to 0x600",
    b"Using pmtimer, ioport 0x608",
    b"table(50434146)=",  # "FACP" found through the RSDT: the RSDP was found
    b"ACPI: parse DSDT at",
    b"PS2 keyboard initialized",
    b"No bootable device.",
]


def main():
    d = tempfile.mkdtemp(prefix="jit86-acpi-")
    log = os.path.join(d, "debugcon.txt")
    proc = subprocess.Popen([JIT86, "-nographic", "-m", "64", "-debugcon", "file:" + log,
                             "-serial", "null"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.STDOUT)
    out = b""
    deadline = time.time() + 40
    try:
        while time.time() < deadline and proc.poll() is None:
            time.sleep(0.2)
            with open(log, "rb") as f:
                out = f.read()
            if WANT[-1] in out:
                break
    finally:
        proc.kill()
        proc.wait()
    missing = [w for w in WANT if w not in out]
    if missing:
        print("FAIL: missing %r\n%s" % (missing, out[-3000:].decode(errors="replace")))
        return 1
    print("ok: SeaBIOS loaded the ACPI tables from fw_cfg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
