#!/bin/sh
# The jit86 binary as a user runs it: exit status, one error line, help/version.
jit86=$1
fail=0
pass=0
check() { # name, condition result
    if [ "$2" = 0 ]; then pass=$((pass + 1)); else echo "FAIL: $1"; fail=$((fail + 1)); fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$jit86" --bogus >"$tmp/out" 2>"$tmp/err"; rc=$?
check "unknown option exits 2 (got $rc)" "$([ $rc = 2 ]; echo $?)"
check "unknown option prints one line" "$([ "$(wc -l <"$tmp/err")" = 1 ]; echo $?)"
check "unknown option line text" "$(grep -qx 'jit86: --bogus: invalid option (try --help)' "$tmp/err"; echo $?)"
check "nothing on stdout for a usage error" "$([ ! -s "$tmp/out" ]; echo $?)"

"$jit86" -m >/dev/null 2>"$tmp/err"; rc=$?
check "missing argument exits 2" "$([ $rc = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ]; echo $?)"

"$jit86" --version >"$tmp/out" 2>&1; rc=$?
check "--version exits 0" "$([ $rc = 0 ]; echo $?)"
check "--version text" "$(grep -q '^jit86 version [0-9]' "$tmp/out"; echo $?)"
check "--version names backend" "$(grep -q '^host: .*, JIT backend: ' "$tmp/out"; echo $?)"

"$jit86" -help >"$tmp/out" 2>&1; rc=$?
check "-help lists -kernel" "$([ $rc = 0 ] && grep -q -- '-kernel FILE' "$tmp/out"; echo $?)"

"$jit86" -d help >"$tmp/out" 2>&1; rc=$?
check "-d help lists in_asm" "$([ $rc = 0 ] && grep -q '^in_asm' "$tmp/out"; echo $?)"

"$jit86" -bios /nonexistent/bios.bin >/dev/null 2>"$tmp/err"; rc=$?
check "missing -bios exits 1 with one line" "$([ $rc = 1 ] && [ "$(wc -l <"$tmp/err")" = 1 ]; echo $?)"

mkdir "$tmp/fw" && echo rom >"$tmp/fw/bios.bin"
"$jit86" -version -L "$tmp/fw" >"$tmp/out" 2>&1; rc=$?
check "-version -L names that firmware" "$([ $rc = 0 ] && grep -qx "firmware: $tmp/fw/bios.bin" "$tmp/out"; echo $?)"
"$jit86" -L "$tmp/fw" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "a 4-byte BIOS is refused with one line" "$([ $rc = 1 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q 'multiple of 64 KiB' "$tmp/err"; echo $?)"
"$jit86" -device e1000 >/dev/null 2>"$tmp/err"; rc=$?
check "unknown -device is one line, exit 1" "$([ $rc = 1 ] && grep -qx "jit86: -device: unknown device 'e1000' (known: isa-debug-exit)" "$tmp/err"; echo $?)"
"$jit86" -serial bogus: >/dev/null 2>"$tmp/err"; rc=$?
check "bad -serial is one line, exit 1" "$([ $rc = 1 ] && [ "$(wc -l <"$tmp/err")" = 1 ]; echo $?)"
"$jit86" -kernel /nonexistent/k >/dev/null 2>"$tmp/err"; rc=$?
check "missing -kernel is one line, exit 1" "$([ $rc = 1 ] && grep -q "^jit86: -kernel: cannot read '/nonexistent/k'" "$tmp/err"; echo $?)"

"$jit86" -D /nonexistent/dir/log >/dev/null 2>"$tmp/err"; rc=$?
check "unwritable -D exits 1" "$([ $rc = 1 ] && [ "$(wc -l <"$tmp/err")" = 1 ]; echo $?)"

"$jit86" -cpu help >"$tmp/out" 2>&1; rc=$?
check "-cpu help lists pentium3" "$([ $rc = 0 ] && grep -q 'pentium3' "$tmp/out"; echo $?)"
"$jit86" -cpu pentium9 >/dev/null 2>"$tmp/err"; rc=$?
check "unknown -cpu model is one line, exit 1" "$([ $rc = 1 ] && [ "$(wc -l <"$tmp/err")" = 1 ]; echo $?)"

echo "cli: $pass passed, $fail failed"
[ $fail = 0 ]
