; jit86-translate: --mode 32 --addr 0x1000
; Memory operands: a load and a read-modify-write store, each through the
; segment checks and the softmmu TLB fast path.
mov eax, [ebx+4]
add [esi+ecx*4], eax
ret
