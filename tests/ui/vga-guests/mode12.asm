; Boot sector: mode 12h through the VGA BIOS, then write mode 2 with latches
; and a bit mask alternating 0xFF / 0xF0 by row: colour ((col + row) >> 3) & 15
; for each byte column.
org 0x7c00
bits 16
    xor ax, ax
    mov ds, ax
    mov ax, 0x0012
    int 0x10
    mov ax, 0xa000
    mov es, ax
    mov dx, 0x3ce
    mov ax, 0x0205
    out dx, ax
    xor di, di
    xor bx, bx
.y: xor cx, cx
.x: mov ax, cx
    add ax, bx
    shr ax, 3
    and al, 15
    mov ah, [es:di]
    push ax
    mov dx, 0x3ce
    mov al, 8
    mov ah, 0xff
    test bl, 1
    jz .m
    mov ah, 0xf0
.m: out dx, ax
    pop ax
    stosb
    inc cx
    cmp cx, 80
    jb .x
    inc bx
    cmp bx, 480
    jb .y
.h: hlt
    jmp .h
times 510-($-$$) db 0
dw 0xaa55
