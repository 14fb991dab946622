#!/bin/sh
# Golden-output check for jit86-translate: translates SNIPPET.asm with the
# options on its first line ("; jit86-translate: ...") for BACKEND and
# compares the text output with golden/SNIPPET.BACKEND.txt.
#
#   translate-golden.sh JIT86_TRANSLATE SNIPPET.asm BACKEND [RUNNER]
# RUNNER runs the tool (qemu-aarch64-static in the cross build).
# With UPDATE=1 the golden file is rewritten instead (regen-goldens.sh).
# Exit status: 0 pass, 1 fail, 77 skip (nasm missing).
set -u
tool=$1
snippet=$2
backend=$3
runner=${4:-}
srcdir=$(cd "$(dirname "$0")" && pwd)
name=$(basename "$snippet" .asm)
golden=$srcdir/golden/$name.$backend.txt
if ! command -v nasm >/dev/null 2>&1; then
    echo "SKIP: nasm not found: golden test $name.$backend NOT RUN" >&2
    exit 77
fi
opts=$(sed -n '1s/^; jit86-translate://p' "$snippet")
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# shellcheck disable=SC2086 # $opts and $runner are lists of words
if ! $runner "$tool" $opts --backend "$backend" --asm "$snippet" >"$out"; then
    echo "FAIL: jit86-translate failed on $snippet" >&2
    exit 1
fi
if [ "${UPDATE:-0}" = 1 ]; then
    cp "$out" "$golden"
    exit 0
fi
if ! diff -u "$golden" "$out"; then
    echo "FAIL: $name.$backend differs from its golden output; if the change is intended," >&2
    echo "      regenerate with tests/teaching/regen-goldens.sh BUILD_DIR" >&2
    exit 1
fi
