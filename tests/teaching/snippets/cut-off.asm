; jit86-translate: --mode 32 --addr 0x1000
; Bytes that end inside an instruction: the JMP rel32 lacks three bytes of
; its displacement, so fetching it fails and the lifter ends the block with
; a raise_exception at that instruction (vector 0xd here; in a running guest
; the CPU's fetch reports the real #PF or #GP).
mov eax, ebx
db 0xe9, 0x00
