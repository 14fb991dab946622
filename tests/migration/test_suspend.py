#!/usr/bin/env python3
"""Suspend to a file and resume in a new process:
test_suspend.py JIT86 TICKER_BIOS CASE [QCOW2_TOOL]
The ticker firmware (tests/monitor/ticker-bios.asm) prints "tick NNNN" lines
on COM1 forever. A run is stopped mid-stream and saved (QMP migrate
file:PATH, or savevm in a qcow2), the process exits, a new one resumes
(-incoming file:PATH / loadvm / -loadvm): the ticks continue with no gap and
no repeat."""
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "monitor"))
from qmpclient import Machine  # noqa: E402

JIT86, TICKER, CASE = sys.argv[1:4]
IMG = sys.argv[4] if len(sys.argv) > 4 else None


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def wait_for(pred, timeout=20.0, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def ticks(out):
    return [int(t, 16) for t in re.findall(rb"tick ([0-9A-Fa-f]{4})\r?\n", out)]


def contiguous(out, what):
    """The concatenated serial text is tick 0000, 0001, ... with nothing else."""
    lines = out.split(b"\r\n")
    check(lines[-1] == b"" or b"tick".startswith(lines[-1][:4]), "%s: trailing %r" % (what, lines[-1]))
    nums = ticks(out)
    check(nums == list(range(len(nums))), "%s: ticks not contiguous: %r" % (what, nums[:50]))
    check(len(nums) * len(b"tick 0000\r\n") <= len(out) < (len(nums) + 1) * len(b"tick 0000\r\n"),
          "%s: stray bytes in %r" % (what, out[-80:]))
    return nums


def migration_end(q, timeout=60.0):
    """QMP migrate of a running machine returns at once (QEMU); the MIGRATION
    event with status completed or failed says when it has ended."""
    deadline = time.time() + timeout
    while True:
        ev = q.wait_event("MIGRATION", timeout=max(0.1, deadline - time.time()))["data"]
        if ev["status"] in ("completed", "failed"):
            return ev


def quit_machine(m, q):
    q.cmd("quit")
    m.proc.wait(timeout=10)
    m.stop()


def case_file_suspend_resume_continues_ticks():
    m = Machine(JIT86, TICKER)
    state = os.path.join(m.dir, "vm.state")
    try:
        q = m.qmp()
        wait_for(lambda: len(ticks(m.serial_output())) >= 3, what="first ticks")
        r = q.cmd("migrate", uri="file:" + state)
        check(r == {"return": {}}, "migrate: %r" % r)
        check(q.cmd("query-status")["return"]["status"] == "paused", "source paused after migrate")
        first = m.serial_output()
        quit_machine(m, q)
    finally:
        m.stop()
    check(os.path.getsize(state) > 0, "state file written")
    n1 = len(ticks(first))
    m2 = Machine(JIT86, TICKER, extra=["-incoming", "file:" + state])
    try:
        wait_for(lambda: len(ticks(first + m2.serial_output())) >= n1 + 3,
                 what="ticks after resume")
        q2 = m2.qmp()
        q2.cmd("stop")
        second = m2.serial_output()
        quit_machine(m2, q2)
    finally:
        m2.stop()
    nums = contiguous(first + second, "file")
    print("suspended after %d ticks, resumed to %d" % (n1, len(nums)))


def case_incoming_refuses_other_ram_size():
    m = Machine(JIT86, TICKER)
    state = os.path.join(m.dir, "vm.state")
    try:
        q = m.qmp()
        wait_for(lambda: len(ticks(m.serial_output())) >= 1, what="first tick")
        check(q.cmd("migrate", uri="file:" + state) == {"return": {}}, "migrate")
        quit_machine(m, q)
    finally:
        m.stop()
    p = subprocess.run([JIT86, "-bios", TICKER, "-nographic", "-m", "64", "-cpu", "486",
                        "-serial", "null", "-incoming", "file:" + state],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
    out = p.stdout.decode(errors="replace").strip().splitlines()
    check(p.returncode != 0, "a 64 MiB machine loaded a 32 MiB state")
    check(out == ["jit86: machine state has 32 MiB of ram, this machine 64 MiB"], repr(out))
    with open(state, "r+b") as f:
        f.truncate(os.path.getsize(state) // 2)
    p = subprocess.run([JIT86, "-bios", TICKER, "-nographic", "-m", "32", "-cpu", "486",
                        "-serial", "null", "-incoming", "file:" + state],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
    out = p.stdout.decode(errors="replace").strip().splitlines()
    check(p.returncode != 0 and out == ["jit86: machine state is truncated (no trailer)"], repr(out))


def hmp(q, line):
    r = q.cmd("human-monitor-command", **{"command-line": line})
    check("return" in r, "%s: %r" % (line, r))
    return r["return"].replace("\r\n", "\n")


def case_savevm_without_qcow2_disk_is_refused():
    m = Machine(JIT86, TICKER)
    try:
        q = m.qmp()
        out = hmp(q, "savevm X")
        check(out.strip() == "No block device can accept snapshots", repr(out))
        check(q.cmd("query-status")["return"]["status"] == "running", "still running")
        quit_machine(m, q)
    finally:
        m.stop()


def case_savevm_loadvm_two_branch_tree():
    """Snapshot A at some tick, run on, snapshot B; load A, run on, snapshot C
    (a second branch); -loadvm B and -loadvm C in new processes both continue
    their own tick sequence. jit86-img snapshot -l lists A, B and C."""
    d = "/tmp/jit86-savevm-%d" % os.getpid()
    os.makedirs(d, exist_ok=True)
    disk = os.path.join(d, "disk.qcow2")
    subprocess.run([IMG, "create", "-f", "qcow2", disk, "16M"], check=True,
                   stdout=subprocess.DEVNULL)
    hd = ["-hda", disk]
    m = Machine(JIT86, TICKER, extra=hd)
    try:
        q = m.qmp()
        wait_for(lambda: len(ticks(m.serial_output())) >= 2, what="first ticks")
        out = hmp(q, "loadvm nosuch")
        check(out == "Device 'ide0-hd0' does not have the requested snapshot 'nosuch'\r\n"
              or out == "Device 'ide0-hd0' does not have the requested snapshot 'nosuch'\n",
              "loadvm of a missing tag: %r" % out)
        check(q.cmd("query-status")["return"]["status"] == "running", "still running")
        # Stopped around each snapshot: the serial text read after savevm/loadvm
        # returns is then the snapshot's (a running guest could print a tick first).
        q.cmd("stop")
        out = hmp(q, "savevm A")
        check(out == "", "savevm A: %r" % out)
        at_a = m.serial_output()
        q.cmd("cont")
        wait_for(lambda: len(ticks(m.serial_output())) >= len(ticks(at_a)) + 2, what="ticks")
        q.cmd("stop")
        check(hmp(q, "savevm B") == "", "savevm B")
        at_b = m.serial_output()
        check(hmp(q, "loadvm A") == "", "loadvm A")
        mark = len(m.serial_output())
        q.cmd("cont")
        wait_for(lambda: len(ticks(m.serial_output()[mark:])) >= 3, what="ticks after loadvm A")
        q.cmd("stop")
        check(hmp(q, "savevm C") == "", "savevm C")
        after_a = m.serial_output()[mark:]
        at_c = at_a + after_a
        info = hmp(q, "info snapshots")
        for tag in ("A", "B", "C"):
            check(re.search(r"\s%s\s" % tag, info), "info snapshots lacks %s: %r" % (tag, info))
        check(hmp(q, "delvm B") == "", "delvm B")
        check(not re.search(r"\sB\s", hmp(q, "info snapshots")), "B deleted")
        check(hmp(q, "savevm B") == "", "savevm B again")  # B now on branch C
        at_b = at_c + m.serial_output()[mark + len(after_a):]
        quit_machine(m, q)
    finally:
        m.stop()
    contiguous(at_c, "branch A->C")
    lst = subprocess.run([IMG, "snapshot", "-l", disk], stdout=subprocess.PIPE, check=True)
    names = re.findall(rb"^\S+\s+(\S+)\s", lst.stdout, re.M)
    check(set(names) >= {b"A", b"B", b"C"}, "jit86-img snapshot -l: %r" % lst.stdout)
    for tag, before in (("C", at_c), ("A", at_a), ("B", at_b)):
        m = Machine(JIT86, TICKER, extra=hd + ["-loadvm", tag])
        try:
            wait_for(lambda: len(ticks(before + m.serial_output())) >= len(ticks(before)) + 2,
                     what="ticks after -loadvm " + tag)
            q = m.qmp()
            q.cmd("stop")
            nums = contiguous(before + m.serial_output(), "-loadvm " + tag)
            quit_machine(m, q)
        finally:
            m.stop()
        print("-loadvm %s: ticks continue from %d to %d" % (tag, len(ticks(before)), len(nums)))
    subprocess.run(["rm", "-rf", d])


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def case_tcp_migration_continues_ticks_on_destination():
    """migrate tcp: to a jit86 started with -incoming tcp:: the source ends
    paused, the destination goes on with the next tick."""
    port = free_port()
    src = Machine(JIT86, TICKER)
    dst = None
    try:
        q = src.qmp()
        wait_for(lambda: len(ticks(src.serial_output())) >= 3, what="first ticks")
        dst = Machine(JIT86, TICKER, extra=["-incoming", "tcp:127.0.0.1:%d" % port])
        time.sleep(0.5)  # the destination listens
        t0 = time.time()
        r = q.cmd("migrate", uri="tcp:127.0.0.1:%d" % port)
        check(r == {"return": {}}, "migrate: %r" % r)
        ev = migration_end(q)
        downtime = time.time() - t0
        check(ev["status"] == "completed", repr(ev))
        check(q.cmd("query-status")["return"]["status"] == "paused", "source paused")
        info = q.cmd("query-migrate")["return"]
        check(info["status"] == "completed" and info["ram"]["total"] == (32 + 16) << 20 and
              info["ram"]["remaining"] == 0 and info["downtime"] >= 0 and
              info["ram"]["transferred"] > 0, repr(info))
        first = src.serial_output()
        quit_machine(src, q)
        wait_for(lambda: len(ticks(first + dst.serial_output())) >= len(ticks(first)) + 3,
                 what="ticks on the destination")
        q2 = dst.qmp()
        q2.cmd("stop")
        second = dst.serial_output()
        quit_machine(dst, q2)
    finally:
        src.stop()
        if dst:
            dst.stop()
    nums = contiguous(first + second, "tcp")
    print("tcp: %d ticks on the source, %d after; migrate took %.3f s" %
          (len(ticks(first)), len(nums), downtime))


def case_failed_migration_leaves_source_running():
    """Nobody listening, then a destination with another RAM size that refuses:
    migrate reports one line each time and the source keeps running."""
    port = free_port()
    src = Machine(JIT86, TICKER)
    dst = None
    try:
        q = src.qmp()
        wait_for(lambda: len(ticks(src.serial_output())) >= 1, what="first tick")
        r = q.cmd("migrate", uri="tcp:127.0.0.1:%d" % port)
        check("error" in r and "Connection refused" in r["error"]["desc"], repr(r))
        check(q.cmd("query-status")["return"]["status"] == "running", "running after failure")
        dst = Machine(JIT86, TICKER, extra=["-m", "64", "-incoming",
                                            "tcp:127.0.0.1:%d" % port])
        time.sleep(0.5)
        r = q.cmd("migrate", uri="tcp:127.0.0.1:%d" % port)
        check(r == {"return": {}}, repr(r))
        ev = migration_end(q)
        want = "destination refused the state: machine state has 32 MiB of ram, this machine 64 MiB"
        check(ev == {"status": "failed", "error-desc": want}, repr(ev))
        info = q.cmd("query-migrate")["return"]
        check(info["status"] == "failed" and info["error-desc"] == want, repr(info))
        check(q.cmd("query-status")["return"]["status"] == "running", "running after refusal")
        n = len(ticks(src.serial_output()))
        wait_for(lambda: len(ticks(src.serial_output())) >= n + 2, what="ticks go on")
        dst.proc.wait(timeout=10)
        check(dst.proc.returncode != 0, "refusing destination exits with an error")
        quit_machine(src, q)
    finally:
        src.stop()
        if dst:
            dst.stop()


def case_live_migration_progress_and_parameters():
    """migrate-set-parameters / migrate_set_parameter, query-migrate and info
    migrate while a bandwidth-limited live migration runs; lifting the limit
    lets it complete; the destination goes on ticking."""
    port = free_port()
    src = Machine(JIT86, TICKER)
    dst = None
    try:
        q = src.qmp()
        wait_for(lambda: len(ticks(src.serial_output())) >= 2, what="first ticks")
        check(q.cmd("query-migrate")["return"] == {}, "query-migrate before any migration")
        check(hmp(q, "info migrate") == "Migration status: none\n", "info migrate: none")
        bad = q.cmd("migrate-set-parameters", **{"downtime-limit": -1})
        check("error" in bad, repr(bad))
        r = hmp(q, "migrate_set_parameter downtime-limit x")
        check("expects an integer" in r, repr(r))
        hmp(q, "migrate_set_parameter downtime-limit 50")
        check(q.cmd("query-migrate-parameters")["return"]["downtime-limit"] == 50, "hmp param")
        r = q.cmd("migrate-set-parameters", **{"downtime-limit": 100, "max-bandwidth": 32768})
        check(r == {"return": {}}, repr(r))
        check(q.cmd("query-migrate-parameters")["return"] ==
              {"downtime-limit": 100, "max-bandwidth": 32768}, "qmp params")
        dst = Machine(JIT86, TICKER, extra=["-incoming", "tcp:127.0.0.1:%d" % port])
        time.sleep(0.5)
        check(q.cmd("migrate", uri="tcp:127.0.0.1:%d" % port) == {"return": {}}, "migrate")
        again = q.cmd("migrate", uri="tcp:127.0.0.1:%d" % port)
        check("in progress" in again.get("error", {}).get("desc", ""), repr(again))
        seen = []
        for _ in range(3):
            time.sleep(0.7)
            info = q.cmd("query-migrate")["return"]
            check(info["status"] == "active" and "expected-downtime" in info and
                  info["ram"]["total"] == (32 + 16) << 20, repr(info))
            seen.append(info["ram"]["transferred"])
        check(seen[0] < seen[1] < seen[2], "transferred grows: %r" % seen)
        text = hmp(q, "info migrate")
        check(text.startswith("Migration status: active\n") and "transferred ram:" in text and
              "expected downtime:" in text, repr(text))
        check(q.cmd("query-status")["return"]["status"] == "running", "running while migrating")
        hmp(q, "migrate_set_parameter max-bandwidth 0")
        ev = migration_end(q)
        check(ev["status"] == "completed", repr(ev))
        info = q.cmd("query-migrate")["return"]
        check(info["status"] == "completed" and info["ram"]["remaining"] == 0 and
              info["total-time"] >= 2000 and "downtime" in info, repr(info))
        text = hmp(q, "info migrate")
        check(text.startswith("Migration status: completed\n") and "downtime:" in text,
              repr(text))
        first = src.serial_output()
        quit_machine(src, q)
        wait_for(lambda: len(ticks(first + dst.serial_output())) >= len(ticks(first)) + 3,
                 what="ticks on the destination")
        q2 = dst.qmp()
        q2.cmd("stop")
        second = dst.serial_output()
        quit_machine(dst, q2)
    finally:
        src.stop()
        if dst:
            dst.stop()
    contiguous(first + second, "progress")
    print("progress: transferred %r while limited; %r" % (seen, info))


def case_exec_migration_through_gzip():
    """migrate "exec:gzip -c > F" and -incoming "exec:gzip -dc F": the ticks go
    on; a command that fails is one error line and the source runs on."""
    m = Machine(JIT86, TICKER)
    gz = os.path.join(m.dir, "vm.gz")
    try:
        q = m.qmp()
        wait_for(lambda: len(ticks(m.serial_output())) >= 3, what="first ticks")
        r = q.cmd("migrate", uri="exec:exit 3")
        check(r.get("error", {}).get("desc") == "exec:exit 3: the command exited with status 3",
              repr(r))
        check(q.cmd("query-status")["return"]["status"] == "running", "running after failure")
        r = hmp(q, 'migrate "exec:gzip -c > %s"' % gz)
        check(r == "", repr(r))
        check(q.cmd("query-status")["return"]["status"] == "paused", "source paused")
        first = m.serial_output()
        quit_machine(m, q)
    finally:
        m.stop()
    with open(gz, "rb") as f:
        check(f.read(2) == b"\x1f\x8b", "gzip file")
    n1 = len(ticks(first))
    m2 = Machine(JIT86, TICKER, extra=["-incoming", "exec:gzip -dc %s" % gz])
    try:
        wait_for(lambda: len(ticks(first + m2.serial_output())) >= n1 + 3,
                 what="ticks after resume")
        q2 = m2.qmp()
        q2.cmd("stop")
        second = m2.serial_output()
        quit_machine(m2, q2)
    finally:
        m2.stop()
    nums = contiguous(first + second, "exec")
    p = subprocess.run([JIT86, "-bios", TICKER, "-nographic", "-m", "32", "-cpu", "486",
                        "-serial", "null", "-incoming", "exec:gzip -dc /nonexistent.gz"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
    out = p.stdout.decode(errors="replace").strip().splitlines()
    check(p.returncode != 0 and out[-1] == "jit86: exec:gzip -dc /nonexistent.gz: the command "
          "exited with status 1", repr(out))
    print("exec: %d KiB gzip state, %d ticks in all" % (os.path.getsize(gz) >> 10, len(nums)))


def case_config_file_vm_equals_command_line_vm():
    """-writeconfig of a command line, then a machine from -readconfig of that
    file: its saved state (paused at power-on) is byte for byte the state of
    the machine from the command line; writing the read config again gives
    the same file; a bad file is one line and exit status 2."""
    definition = ["-m", "48", "-cpu", "pentium3", "-rtc", "base=2000-01-01",
                  "-device", "isa-debug-exit,iobase=0xf4", "-boot", "c"]
    d = tempfile.mkdtemp(prefix="jit86-cfg-")
    cfg, cfg2 = os.path.join(d, "vm.cfg"), os.path.join(d, "vm2.cfg")
    subprocess.run([JIT86, "-bios", TICKER] + definition + ["-serial", "null",
                   "-writeconfig", cfg, "-version"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([JIT86, "-readconfig", cfg, "-writeconfig", cfg2, "-version"], check=True,
                   stdout=subprocess.DEVNULL)
    with open(cfg) as f1, open(cfg2) as f2:
        text = f1.read()
        check(text == f2.read(), "write, read, write: the files differ")
    check('[memory]\n  size = "48M"\n' in text and 'firmware = "%s"' % TICKER in text, text)
    states = []
    for extra in (definition, ["-readconfig", cfg]):
        m = Machine(JIT86, TICKER, extra=extra + ["-S"])
        state = os.path.join(d, "state%d" % len(states))
        try:
            q = m.qmp()
            check(q.cmd("migrate", uri="file:" + state) == {"return": {}}, "migrate")
            quit_machine(m, q)
        finally:
            m.stop()
        with open(state, "rb") as f:
            states.append(f.read())
    check(len(states[0]) > 0 and states[0] == states[1],
          "the machine from the config file differs (%d and %d bytes)" %
          (len(states[0]), len(states[1])))
    with open(os.path.join(d, "bad.cfg"), "w") as f:
        f.write("[machine]\n  type = \"pc\"\n[memory]\n  size = 48M\n")
    p = subprocess.run([JIT86, "-readconfig", os.path.join(d, "bad.cfg")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
    out = p.stdout.decode(errors="replace").strip().splitlines()
    check(p.returncode == 2 and out == ["jit86: %s:4: size: the value must be in double quotes"
                                        % os.path.join(d, "bad.cfg")], repr((p.returncode, out)))
    subprocess.run(["rm", "-rf", d])
    print("config: %d-byte state identical from the command line and from %d-byte vm.cfg" %
          (len(states[0]), len(text)))


LINUX_KERNEL = os.environ.get(
    "JIT86_LINUX_KERNEL",
    "/usr/lib/debian-installer/images/12/i386/text/debian-installer/i386/linux")
BUSYBOX = os.environ.get("JIT86_BUSYBOX", "/bin/busybox")


def counts(out):
    return [int(n) for n in re.findall(rb"COUNT (\d+)\r?\n", out)]


def case_linux_counter_suspend_resume():
    """A Linux guest printing COUNT N is suspended to a file, the process
    exits, a new one resumes: the count goes on with no gap and no repeat."""
    if not os.path.exists(LINUX_KERNEL) or not os.path.exists(BUSYBOX):
        print("SKIP: %s or %s missing" % (LINUX_KERNEL, BUSYBOX))
        sys.exit(77)
    d = "/tmp/jit86-linux-mig-%d" % os.getpid()
    os.makedirs(d, exist_ok=True)
    initrd = os.path.join(d, "initrd.gz")
    subprocess.run([sys.executable, os.path.join(HERE, "..", "linux", "mkinitramfs.py"), initrd,
                    BUSYBOX, os.path.join(HERE, "linux-counter-init.sh")], check=True)
    boot = ["-m", "128", "-cpu", "max", "-kernel", LINUX_KERNEL, "-initrd", initrd,
            "-append", "console=ttyS0 panic=-1 cryptomgr.notests"]
    state = os.path.join(d, "vm.state")
    m = Machine(JIT86, TICKER, extra=boot)
    try:
        q = m.qmp()
        wait_for(lambda: len(counts(m.serial_output())) >= 5, timeout=300, what="COUNT 4")
        t0 = time.time()
        check(q.cmd("migrate", uri="file:" + state) == {"return": {}}, "migrate")
        t_save = time.time() - t0
        first = m.serial_output()
        quit_machine(m, q)
    finally:
        m.stop()
    n1 = counts(first)
    t0 = time.time()
    m2 = Machine(JIT86, TICKER, extra=boot + ["-incoming", "file:" + state])
    try:
        wait_for(lambda: len(counts(first + m2.serial_output())) >= len(n1) + 5, timeout=120,
                 what="counts after resume")
        t_resume = time.time() - t0
        q2 = m2.qmp()
        q2.cmd("stop")
        second = m2.serial_output()
        quit_machine(m2, q2)
    finally:
        m2.stop()
    allc = counts(first + second)
    check(allc == list(range(len(allc))), "count not contiguous: %r" % allc[-30:])
    check(counts(second)[0] == n1[-1] + 1 if counts(second) else False,
          "resumed process starts at %r after %r" % (counts(second)[:3], n1[-3:]))
    print("Linux: suspended after COUNT %d (%d KiB state, saved in %.2f s), resumed, "
          "5 more counts within %.2f s" % (n1[-1], os.path.getsize(state) >> 10, t_save,
                                            t_resume))
    subprocess.run(["rm", "-rf", d])


def case_linux_live_migration_dirtying_memory():
    """Live migration of a 256 MiB Linux guest that rewrites 64 MiB over and
    over between two jit86 processes on loopback: the pass counter and the
    checksums go on on the destination; downtime under 300 ms."""
    import hashlib
    if not os.path.exists(LINUX_KERNEL) or not os.path.exists(BUSYBOX):
        print("SKIP: %s or %s missing" % (LINUX_KERNEL, BUSYBOX))
        sys.exit(77)
    mib = int(os.environ.get("JIT86_DIRTY_MIB", "64"))
    d = "/tmp/jit86-linux-live-%d" % os.getpid()
    os.makedirs(d, exist_ok=True)
    initrd = os.path.join(d, "initrd.gz")
    subprocess.run([sys.executable, os.path.join(HERE, "..", "linux", "mkinitramfs.py"), initrd,
                    BUSYBOX, os.path.join(HERE, "linux-dirty-init.sh")], check=True)
    boot = ["-m", "256", "-cpu", "max", "-kernel", LINUX_KERNEL, "-initrd", initrd,
            "-append", "console=ttyS0 panic=-1 cryptomgr.notests jit86.mib=%d" % mib]
    passes = lambda out: re.findall(rb"PASS (\d+) ([0-9a-f]{64})\r?\n", out)  # noqa: E731
    port = free_port()
    src = Machine(JIT86, TICKER, extra=boot)
    dst = None
    try:
        q = src.qmp()
        wait_for(lambda: len(passes(src.serial_output())) >= 1, timeout=400, what="PASS 0")
        dst = Machine(JIT86, TICKER, extra=boot + ["-incoming", "tcp:127.0.0.1:%d" % port])
        time.sleep(1.0)
        r = q.cmd("migrate", uri="tcp:127.0.0.1:%d" % port)
        check(r == {"return": {}}, "migrate: %r" % r)
        progress = []
        while True:
            info = q.cmd("query-migrate")["return"]
            if info["status"] not in ("setup", "active"):
                break
            if info["status"] == "active":
                progress.append((info["ram"]["transferred"], info["ram"]["remaining"],
                                 info["ram"]["dirty-sync-count"], info["expected-downtime"]))
            time.sleep(0.2)
        ev = migration_end(q)
        first = src.serial_output()
        quit_machine(src, q)
        n1 = len(passes(first))
        wait_for(lambda: len(passes(first + dst.serial_output())) >= n1 + 2, timeout=400,
                 what="passes on the destination")
        q2 = dst.qmp()
        q2.cmd("stop")
        second = dst.serial_output()
        quit_machine(dst, q2)
    finally:
        src.stop()
        if dst:
            dst.stop()
    allp = passes(first + second)
    check([int(n) for n, _ in allp] == list(range(len(allp))), "passes: %r" % allp)
    for n, h in allp:
        want = hashlib.sha256(((b"pass %s\n" % n) * (mib * 1048576 // (len(n) + 6) + 1))
                              [:mib * 1048576]).hexdigest().encode()
        check(h == want, "pass %s checksum %s, want %s" % (n, h, want))
    print("live: %r; passes %d on the source, %d in all" % (ev, n1, len(allp)))
    print("live: query-migrate while active (transferred, remaining, dirty syncs, expected "
          "downtime): %r" % progress)
    print("live: query-migrate at the end: %r" % info)
    check(ev["status"] == "completed", repr(ev))
    check(ev["downtime"] < 300, "downtime %d ms" % ev["downtime"])
    subprocess.run(["rm", "-rf", d])


globals()["case_" + CASE]()
