; jit86-translate: --mode 32 --addr 0x1ffb
; An instruction that crosses a page boundary: MOV EAX, imm32 starts at
; 0x1ffd and ends at 0x2001. The block covers two pages and ends there.
nop
nop
mov eax, 0x12345678
ret
