; Boot sector: mode 13h through the VGA BIOS (INT 10h AX=0013h), then pixel
; (x, y) = colour (x + y) & 0xff written through the chain-4 window.
org 0x7c00
bits 16
    xor ax, ax
    mov ds, ax
    mov ax, 0x0013
    int 0x10
    mov ax, 0xa000
    mov es, ax
    xor di, di
    xor dx, dx
.y: xor cx, cx
.x: mov ax, cx
    add ax, dx
    stosb
    inc cx
    cmp cx, 320
    jb .x
    inc dx
    cmp dx, 200
    jb .y
.h: hlt
    jmp .h
times 510-($-$$) db 0
dw 0xaa55
