#!/usr/bin/env python3
"""Keeps docs/how-jit86-translates.md's embedded tool output current.

Each block of output in the walkthrough sits between

    <!-- translate: ARGS [| SECTION[, SECTION...]] -->
    ```text
    ...
    ```
    <!-- end translate -->

where ARGS are jit86-translate's arguments (paths relative to the source
tree) and a SECTION picks part of the text output: "summary", "entry",
"insn N", "slow" or "passes". `check` fails when any block differs from what
the tool prints now; `update` rewrites them.

usage: walkthrough.py JIT86_TRANSLATE check|update"""
import re
import shlex
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2]
DOC = SRC / "docs" / "how-jit86-translates.md"
BLOCK = re.compile(r"(<!-- translate: (.*?) -->\n)```text\n(.*?)```\n(<!-- end translate -->)",
                   re.S)
HEADERS = {"entry": "== block entry", "slow": "== out-of-line slow paths",
           "passes": "== optimizer passes"}


def section(text, name):
    lines = text.splitlines(keepends=True)
    if name == "summary":
        return "".join(lines[:2])
    head = HEADERS.get(name) or "== %s at " % name
    out, on = [], False
    for line in lines:
        if line.startswith("== "):
            on = line.startswith(head)
        if on:
            out.append(line)
    if not out:
        raise SystemExit("walkthrough: no section '%s' in the output" % name)
    while out and out[-1].strip() == "":
        out.pop()
    return "".join(out)


def render(tool, spec):
    args, _, sections = spec.partition("|")
    out = subprocess.run([tool] + shlex.split(args), cwd=SRC, check=True,
                         capture_output=True, text=True).stdout
    if not sections.strip():
        return out
    parts = [section(out, s.strip().removeprefix("section:").strip())
             for s in sections.split(",")]
    return "\n".join(p if p.endswith("\n") else p + "\n" for p in parts)


def main():
    tool, mode = sys.argv[1], sys.argv[2]
    doc = DOC.read_text()
    stale = []

    def replace(m):
        new = render(tool, m.group(2))
        if new != m.group(3):
            stale.append(m.group(2))
        return "%s```text\n%s```\n%s" % (m.group(1), new, m.group(4))

    updated = BLOCK.sub(replace, doc)
    if mode == "update":
        DOC.write_text(updated)
        print("walkthrough: %d blocks, %d updated" % (len(BLOCK.findall(doc)), len(stale)))
        return
    if stale:
        for spec in stale:
            print("STALE: output of `jit86-translate %s`" % spec.strip())
        print("FAIL: docs/how-jit86-translates.md is stale; run tests/teaching/regen-goldens.sh BUILD")
        sys.exit(1)
    print("walkthrough: %d embedded outputs are current" % len(BLOCK.findall(doc)))


main()
