; jit86-translate: --mode 32 --addr 0x1000
; Bytes that end inside an instruction: the JMP rel32 lacks three bytes of
; its displacement, so fetching it fails and the lifter ends the block just
; before it (a goto_tb to its address). In a running guest the next block
; starts with that instruction, and there the CPU raises the fetch's own
; fault (#PF with CR2 at the missing byte) instead of keeping a block.
mov eax, ebx
db 0xe9, 0x00
