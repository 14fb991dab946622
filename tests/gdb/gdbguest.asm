; The gdb stub's test guest: a Multiboot v1 ELF with symbols. _start calls
; tick five times; tick adds 3 to counter; then the guest exits through
; isa-debug-exit (port 0xf4) with code 0, unless the debugger set spin: then
; it loops at spin_loop until the debugger interrupts it.
bits 32

section .multiboot
align 4
    dd 0x1BADB002               ; magic
    dd 0                        ; flags: the ELF headers give the load address
    dd -0x1BADB002              ; checksum

section .text
global _start, tick, done, counter, spin, spin_loop
_start:
    mov esp, stack_top
    mov ecx, 5
.again:
    call tick
    dec ecx
    jnz .again
done:
    cmp dword [spin], 0
    jne spin_loop
    xor eax, eax
    out 0xf4, eax
    hlt
    jmp done

spin_loop:
    inc edx
    jmp spin_loop

tick:
    mov eax, [counter]
    add eax, 3
    mov [counter], eax
    ret

section .data
align 4
counter: dd 0x11
spin: dd 0

section .bss
align 16
stack: resb 4096
stack_top:
