#!/usr/bin/env python3
"""Linux boot time, jit86 against qemu-system-i386 -accel tcg: the Debian i386
installer kernel with the test initramfs of tests/linux (init-test.sh: marker,
/proc, SHA-256 workload, reboot -f), the same kernel, initramfs and command
line on both. Prints, per emulator and run, the seconds from start to the
userland marker, to the workload's checksum and to exit, then a Markdown table
of the medians (for benchmarks/RESULTS.md).

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
MARKS = {"marker": b"JIT86-LINUX-INIT", "checksum": b"JIT86-LINUX-SHA256"}


def run_once(argv, env, limit):
    """Seconds from start to each mark and to exit; None for marks not seen."""
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
    rc = p.wait()
    seen["exit"] = time.monotonic() - start if rc == 0 else None
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
        results = {}
        for name, argv, env in emus:
            results[name] = []
            for i in range(a.runs):
                r = run_once(argv, env, a.limit)
                results[name].append(r)
                print(f"{name} run {i + 1}: " +
                      ", ".join(f"{k} {v:.2f} s" if v is not None else f"{k} -"
                                for k, v in r.items()), flush=True)
    finally:
        shutil.rmtree(tmp)
    load = os.getloadavg()[0]
    print(f"\nMedian of {a.runs} runs, {a.mib} MiB workload, load average {load:.2f} "
          f"({os.cpu_count()} CPUs):\n")
    print("| emulator | to marker (s) | to checksum (s) | to exit (s) |")
    print("| --- | ---: | ---: | ---: |")
    for name, runs in results.items():
        cells = []
        for k in ("marker", "checksum", "exit"):
            vals = [r[k] for r in runs if r[k] is not None]
            cells.append(f"{statistics.median(vals):.2f}" if len(vals) == len(runs) else "failed")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
