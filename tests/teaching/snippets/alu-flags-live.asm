; jit86-translate: --mode 32 --addr 0x1000
; ALU with flags consumed: JB reads CF of CMP, computed from the lazy
; cc_* fields at the branch.
cmp eax, ebx
jb 0x1020
