; jit86-translate: --mode 32 --addr 0x1000
; ALU with flags not consumed: SUB overwrites ADD's flags before anything
; reads them, so only the last flag-setting instruction's cc_* writes matter.
add eax, ebx
sub eax, ecx
xor edx, edx
ret
