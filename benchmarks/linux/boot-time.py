#!/usr/bin/env python3
"""Linux boot time, jit86 against qemu-system-i386 -accel tcg: the Debian i386
installer kernel with the test initramfs of tests/linux (init-test.sh: marker,
/proc, SHA-256 workload, reboot -f), the same kernel, initramfs and command
line on both. Prints, per emulator and run, the seconds from start to the
kernel's first console line (the end of the guest's decompression and early
set-up), to the userland marker, to the workload's checksum and to exit, and
the CPU seconds the emulator used; then a Markdown table of the medians (for
benchmarks/RESULTS.md). The emulators take turns run by run, so that a change
in the host's load hits both alike.

usage: boot-time.py [--jit86 PATH] [--runs N] [--mib N] [--backend NAME]
"""
import argparse
import os
import selectors
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KERNEL = "/usr/lib/debian-installer/images/12/i386/text/debian-installer/i386/linux"
MARKS = {"kernel": b"Linux version", "marker": b"JIT86-LINUX-INIT",
         "checksum": b"JIT86-LINUX-SHA256"}
COLUMNS = {"kernel": "to kernel console", "marker": "to marker", "checksum": "to checksum",
           "exit": "to exit", "cpu": "CPU time"}


def run_once(argv, env, limit):
    """Seconds from start to each mark and to exit (None for marks not seen), and
    the CPU seconds of the emulator's threads, which the host's load changes less."""
    start = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, env=env)
    seen = {k: None for k in MARKS}
    buf = b""
    sel = selectors.DefaultSelector()
    sel.register(p.stdout, selectors.EVENT_READ)
    while True:
        left = start + limit - time.monotonic()
        if left <= 0:
            p.kill()
            break
        if not sel.select(left):
            continue
        data = os.read(p.stdout.fileno(), 65536)
        if not data:
            break
        buf = buf[-64:] + data
        now = time.monotonic() - start
        for k, m in MARKS.items():
            if seen[k] is None and m in buf:
                seen[k] = now
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    seen["exit"] = time.monotonic() - start if p.returncode == 0 else None
    seen["cpu"] = usage.ru_utime + usage.ru_stime
    return seen


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jit86", default=os.path.join(ROOT, "build", "jit86"))
    ap.add_argument("--qemu", default="qemu-system-i386")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--mib", type=int, default=16)
    ap.add_argument("--backend", default="x86_64")
    ap.add_argument("--limit", type=float, default=600)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp()
    try:
        initrd = os.path.join(tmp, "initrd.gz")
        subprocess.run([sys.executable, os.path.join(ROOT, "tests/linux/mkinitramfs.py"), initrd,
                        "/bin/busybox", os.path.join(ROOT, "tests/linux/init-test.sh")], check=True)
        common = ["-nographic", "-m", "256", "-kernel", KERNEL, "-initrd", initrd, "-append",
                  f"console=ttyS0 panic=-1 cryptomgr.notests jit86.mib={a.mib}", "-no-reboot"]
        emus = [(f"jit86 ({a.backend})", [a.jit86] + common,
                 dict(os.environ, JIT86_BACKEND=a.backend))]
        if shutil.which(a.qemu):
            emus.append(("qemu-system-i386 -accel tcg", [a.qemu, "-accel", "tcg"] + common,
                         dict(os.environ)))
        else:
            print(f"boot-time: {a.qemu} not found; jit86 alone", file=sys.stderr)
        results = {name: [] for name, _, _ in emus}
        loads = [os.getloadavg()[0]]
        for i in range(a.runs):
            for name, argv, env in emus:
                r = run_once(argv, env, a.limit)
                results[name].append(r)
                loads.append(os.getloadavg()[0])
                print(f"{name} run {i + 1}: " +
                      ", ".join(f"{k} {v:.2f} s" if v is not None else f"{k} -"
                                for k, v in r.items()) + f" (load {loads[-1]:.2f})", flush=True)
    finally:
        shutil.rmtree(tmp)
    print(f"\nMedian of {a.runs} runs, {a.mib} MiB workload, load average (1 min) "
          f"{min(loads):.2f}-{max(loads):.2f} ({os.cpu_count()} CPUs):\n")
    print("| emulator | " + " | ".join(f"{c} (s)" for c in COLUMNS.values()) + " |")
    print("| --- |" + " ---: |" * len(COLUMNS))
    for name, runs in results.items():
        cells = []
        for k in COLUMNS:
            vals = [r[k] for r in runs if r[k] is not None]
            cells.append(f"{statistics.median(vals):.2f}" if len(vals) == len(runs) else "failed")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
