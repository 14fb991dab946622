#!/bin/sh
# Rewrites tests/teaching/golden/ (jit86-translate's expected output for each
# snippet and backend) and the walkthrough's embedded output.
#
#   regen-goldens.sh BUILD_DIR   (BUILD_DIR holds jit86-translate)
set -eu
build=${1:?usage: regen-goldens.sh BUILD_DIR}
srcdir=$(cd "$(dirname "$0")" && pwd)
tool=$(cd "$build" && pwd)/jit86-translate
for snippet in "$srcdir"/snippets/*.asm; do
    for backend in x86_64 aarch64 interp; do
        UPDATE=1 "$srcdir/translate-golden.sh" "$tool" "$snippet" "$backend"
    done
done
"$srcdir/walkthrough.py" "$tool" update
echo "regenerated $(find "$srcdir/golden" -name "*.txt" | wc -l) golden files and docs/how-jit86-translates.md"
