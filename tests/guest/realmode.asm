; Guest test: leave protected mode for real mode and come back (SDM vol. 3,
; 9.9.2 "Switching Back to Real-Address Mode" and 9.9.1 the way in). In real
; mode: segment arithmetic, 16-bit offset wrap, an IVT interrupt with IRET,
; a far call, and 32-bit operands through the 66h prefix.
; The 16-bit part is copied below 1 MiB (real-mode CS:IP cannot reach the
; image at 1 MiB without relying on A20 and wrap-around), so it refers to its
; own labels through R(), their address in the copy.

%include "runtime.inc"

BLOB equ 0x7000                    ; where the real-mode part runs
SEL_CODE16 equ RT_SEL_FREE         ; 16-bit code, base 0, limit 64 KiB
SEL_DATA16 equ RT_SEL_FREE + 8     ; 16-bit data, base 0, limit 64 KiB
%define R(x) (BLOB + (x) - rm_start)

section .text
global main
main:
    push ebp
    mov ebp, esp
    push ebx
    push esi
    push edi
    ; rt_gdt_set(index, base, limit, access, flags): present code/data, 16-bit.
    push dword 0
    push dword 0x9A
    push dword 0xFFFF
    push dword 0
    push dword SEL_CODE16 >> 3
    call rt_gdt_set
    add esp, 20
    push dword 0
    push dword 0x92
    push dword 0xFFFF
    push dword 0
    push dword SEL_DATA16 >> 3
    call rt_gdt_set
    add esp, 20

    mov esi, rm_start
    mov edi, BLOB
    mov ecx, rm_end - rm_start
    cld
    rep movsb
    mov dword [0x12350], 0
    mov byte [0x10001], 0x5A

    sidt [saved_idtr]
    mov [saved_esp], esp
    mov eax, cr0
    mov [cr0_before], eax
    jmp dword SEL_CODE16:R(rm_start)

back32:
    mov eax, RT_SEL_KDATA
    mov ds, eax
    mov es, eax
    mov fs, eax
    mov gs, eax
    mov ss, eax
    mov esp, [saved_esp]
    lidt [saved_idtr]
    mov eax, cr0
    mov [cr0_after], eax

    movzx eax, word [R(res_cs)]
    rt_print `real mode: cs=%04x\n`, eax
    mov eax, [cr0_before]
    and eax, 1
    mov ebx, [cr0_after]
    and ebx, 1
    mov ecx, [R(res_cr0_rm)]
    and ecx, 1
    rt_print `cr0.pe before=%u in real mode=%u after=%u\n`, eax, ecx, ebx
    rt_print `ds=0x1234:0x10 wrote phys 0x12350: %08x\n`, dword [0x12350]
    movzx eax, byte [R(res_wrap)]
    rt_print `[bx+si] 0xffff+2 wraps to offset 1: %02x\n`, eax
    movzx eax, word [R(res_isr_ran)]
    movzx ebx, word [R(res_isr_ip)]
    movzx ecx, word [R(res_isr_cs)]
    rt_print `int 0x60 via IVT: ran=%u pushed ip=label%+d cs=%04x\n`, eax, ebx, ecx
    movzx eax, word [R(res_isr_flags)]
    and eax, 0x0200
    movzx ebx, word [R(res_flags_after)]
    and ebx, 0x0001
    rt_print `  pushed IF=%x, CF after iret (set by handler)=%u\n`, eax, ebx
    movzx eax, word [R(res_far)]
    rt_print `far call/retf: %04x\n`, eax
    rt_print `32-bit operand in real mode: %08x\n`, dword [R(res_32)]
    movzx eax, word [R(res_sp_delta)]
    rt_print `push/pop sp balance: %u\n`, eax

    xor eax, eax
    pop edi
    pop esi
    pop ebx
    pop ebp
    ret

bits 16
rm_start:
    ; 16-bit protected mode: give every segment a 64 KiB real-mode-like limit.
    mov ax, SEL_DATA16
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    lidt [R(rm_idtr)]
    mov eax, cr0
    and al, 0xFE
    mov cr0, eax
    jmp 0:R(real_entry)

real_entry:
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, BLOB - 0x10
    mov [R(res_cs)], cs
    mov eax, cr0
    mov [R(res_cr0_rm)], eax

    ; Segment arithmetic: linear = DS * 16 + offset.
    mov ax, 0x1234
    mov ds, ax
    mov word [0x10], 0xBEEF
    mov word [0x12], 0xCAFE
    ; 16-bit effective addresses wrap at 64 KiB: 0xFFFF + 2 is offset 1.
    mov ax, 0x1000
    mov ds, ax
    mov bx, 0xFFFF
    mov si, 2
    mov al, [bx+si]
    xor cx, cx
    mov ds, cx
    mov [R(res_wrap)], al

    ; INT through the IVT at 0:0 (vector 0x60 -> rm_isr), IRET back.
    mov word [0x60 * 4], R(rm_isr)
    mov word [0x60 * 4 + 2], 0
    clc
    int 0x60
after_int:
    pushf
    pop word [R(res_flags_after)]

    ; Far call and RETF.
    call 0:R(rm_far)

    ; 66h prefix: 32-bit arithmetic in 16-bit code.
    mov eax, 0x12345678
    add eax, eax
    mov [R(res_32)], eax

    mov dx, sp
    push ax
    push dword 1
    pop ebx
    pop ax
    sub dx, sp
    mov [R(res_sp_delta)], dx

    ; Back to protected mode: PE=1, then a far jump reloads CS from the GDT.
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp dword RT_SEL_KCODE:back32

rm_isr:
    mov bp, sp
    mov word [R(res_isr_ran)], 1
    mov ax, [bp]
    sub ax, R(after_int)
    mov [R(res_isr_ip)], ax
    mov ax, [bp + 2]
    mov [R(res_isr_cs)], ax
    mov ax, [bp + 4]
    mov [R(res_isr_flags)], ax
    or word [bp + 4], 1                 ; CF=1 in the FLAGS IRET pops
    iret

rm_far:
    mov word [R(res_far)], 0xFA5C
    retf

align 4
rm_idtr:
    dw 0x3FF
    dd 0
res_cs: dw 0xFFFF
res_wrap: db 0
align 2
res_isr_ran: dw 0
res_isr_ip: dw 0
res_isr_cs: dw 0
res_isr_flags: dw 0
res_flags_after: dw 0
res_far: dw 0
res_sp_delta: dw 0
align 4
res_32: dd 0
res_cr0_rm: dd 0xFFFFFFFF
rm_end:

section .bss
saved_idtr: resb 8
saved_esp: resd 1
cr0_before: resd 1
cr0_after: resd 1
