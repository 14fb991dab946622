; jit86-translate: --mode 32 --addr 0x100035
; The walkthrough's block: tick() of the gdb test guest (tests/gdb/gdbguest.asm)
; at its link address, counter at 0x100044.
mov eax, [0x100044]
add eax, 3
mov [0x100044], eax
ret
