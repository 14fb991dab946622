#!/usr/bin/env python3
"""Per-device accounting: test_accounting.py JIT86 ACCT_BIOS.
The firmware (acct-bios.asm) makes 10 writes and 7 reads to COM2's scratch
register, reads 3 sectors, writes 2 and flushes the primary master with ATA
PIO, then prints DONE. query-stats, query-blockstats, info blockstats and the
-stats-file JSON must show exactly those counts."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qmpclient import Machine  # noqa: E402

JIT86, BIOS = sys.argv[1:3]

WANT_DISK = {"rd_bytes": 3 * 512, "wr_bytes": 2 * 512, "rd_operations": 3,
             "wr_operations": 2, "flush_operations": 1}
WANT_COM2 = {"reads": 7, "writes": 10, "read-bytes": 7, "write-bytes": 10}


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def by_device(entries):
    return {e["device"]: e for e in entries}


def check_counts(stats, where):
    com2 = by_device(stats["port-io"])["serial1"]
    check({k: com2[k] for k in WANT_COM2} == WANT_COM2, "%s: COM2 %r" % (where, com2))
    ide = by_device(stats["port-io"])["ide0"]
    # Per sector one 256-word string transfer on the data port, plus the
    # command block writes: at least this many bytes moved.
    check(ide["read-bytes"] >= 3 * 512 and ide["write-bytes"] >= 2 * 512 + 3 * 6,
          "%s: ide0 ports %r" % (where, ide))
    check(by_device(stats["port-io"])["ide1"]["reads"] == 0, "%s: ide1 idle" % where)
    disk = by_device(stats["block"])["ide0-hd0"]["stats"]
    check(disk == WANT_DISK, "%s: ide0-hd0 %r" % (where, disk))


def run(m):
    deadline = time.time() + 20
    while b"DONE" not in m.serial_output():
        check(time.time() < deadline and m.alive(), "no DONE from the guest")
        time.sleep(0.05)
    q = m.qmp()
    res = q.cmd("query-stats", target="vm")["return"][0]
    check_counts({s["name"]: s["value"] for s in res["stats"]}, "query-stats")
    bs = q.cmd("query-blockstats")["return"]
    check([b["device"] for b in bs] == ["ide0-hd0"], "query-blockstats %r" % bs)
    check(bs[0]["stats"] == WANT_DISK, "query-blockstats %r" % bs)
    line = q.hmp("info blockstats").strip()
    check(line == "ide0-hd0: rd_bytes=1536 wr_bytes=1024 rd_operations=3 wr_operations=2 "
          "flush_operations=1", "info blockstats %r" % line)
    text = q.hmp("info stats")
    check("port I/O serial1: 7 reads (7 bytes), 10 writes (10 bytes)" in text,
          "info stats:\n" + text)
    q.cmd("quit")
    m.proc.wait(timeout=10)
    with open(os.path.join(m.dir, "stats.json")) as f:
        check_counts(json.load(f), "stats file")


def main():
    def extra(d):
        disk = os.path.join(d, "disk.img")
        with open(disk, "wb") as f:
            f.truncate(1 << 20)
        return ["-hda", disk, "-stats-file", os.path.join(d, "stats.json")]
    m = Machine(JIT86, BIOS, extra)
    try:
        run(m)
    except Exception as e:  # noqa: BLE001 - report every failure the same way
        status, out = m.stop()
        print("FAIL: %s\njit86 status %s, output:\n%s" % (e, status, out[-2000:].decode(errors="replace")))
        return 1
    m.stop()
    print("ok: accounting counts exact")
    return 0


if __name__ == "__main__":
    sys.exit(main())
