; jit86-translate: --mode 16 --addr 0x7c00
; A far jump in real mode: CS changes, so the block ends without a goto_tb
; (the next block is looked up by the new CS:IP).
mov ax, 0x1234
jmp 0x0000:0x7e00
