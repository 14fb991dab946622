#!/bin/sh
# jit86-translate's HTML page in headless Debian chromium: the page's script
# must have run (it writes the instruction count into #status) and the guest
# instruction list must hold one entry per instruction of the snippet.
#
#   html-test.sh JIT86_TRANSLATE
# Exit status: 0 pass, 1 fail, 77 skip (chromium missing).
set -u
tool=$1
browser=
for b in chromium chromium-browser google-chrome; do
    if command -v $b >/dev/null 2>&1; then
        browser=$b
        break
    fi
done
if [ -z "$browser" ]; then
    echo "SKIP: no chromium: HTML test NOT RUN" >&2
    exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# cmp eax, ebx; jb +0x1a: two guest instructions.
"$tool" --format html 39 d8 72 1a >"$work/page.html" || exit 1
HOME=$work timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$work/profile" --dump-dom "file://$work/page.html" \
    >"$work/dom.html" 2>"$work/chromium.err"
fail=0
if ! grep -q '<p id="status">2 guest instructions listed</p>' "$work/dom.html"; then
    echo "FAIL: the page's script did not list 2 instructions" >&2
    fail=1
fi
items=$(grep -c '<li data-i=' "$work/dom.html")
if [ "$items" -ne 2 ]; then
    echo "FAIL: $items instruction entries rendered, expected 2" >&2
    fail=1
fi
if ! grep -q 'cmp eax, ebx' "$work/dom.html"; then
    echo "FAIL: the instruction list lacks 'cmp eax, ebx'" >&2
    fail=1
fi
# Selecting instruction 2 (page.html#insn-1, as a click does) highlights
# its entry, its IR, optimized IR and host code: four elements.
HOME=$work timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$work/profile" --dump-dom "file://$work/page.html#insn-1" \
    >"$work/dom2.html" 2>>"$work/chromium.err"
lit=$(grep -o 'class="[^"]*hl[^"]*" data-i="1"\|data-i="1" class="[^"]*hl[^"]*"' "$work/dom2.html" | wc -l)
if [ "$lit" -ne 4 ]; then
    echo "FAIL: $lit elements of instruction 2 highlighted, expected 4" >&2
    fail=1
fi
# The same page with the AArch64 backend's code (emitted on any host).
"$tool" --backend aarch64 --format html 39 d8 72 1a >"$work/a64.html" || exit 1
HOME=$work timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$work/profile" --dump-dom "file://$work/a64.html" \
    >"$work/dom3.html" 2>>"$work/chromium.err"
if ! grep -q '<p id="status">2 guest instructions listed</p>' "$work/dom3.html" ||
    ! grep -q 'cmp     w[0-9]*, w[0-9]*' "$work/dom3.html"; then
    echo "FAIL: the aarch64 page lacks its instruction list or its A64 code" >&2
    fail=1
fi
if [ $fail -ne 0 ]; then
    tail -n 5 "$work/chromium.err" >&2
    exit 1
fi
echo "PASS: chromium rendered the instruction list (2 entries, script ran, selection highlights 4 views; also with AArch64 code)"
