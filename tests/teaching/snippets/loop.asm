; jit86-translate: --mode 32 --addr 0x1000
; A loop body ending in LOOP: two goto_tb slots (back to the top, or on).
top:
add eax, ecx
loop top
