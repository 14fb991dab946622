; Boot sector: VBE mode 0x142 (640x480, 32 bpp) through the VGA BIOS
; (INT 10h AX=4F02h), filled through 64 KiB banks (AX=4F05h): pixel (x, y) =
; red x & 0xff, green y & 0xff, blue (x + y) >> 2 & 0xff.
org 0x7c00
bits 16
    xor ax, ax
    mov ds, ax
    mov ax, 0x4f02
    mov bx, 0x0142
    int 0x10
    mov ax, 0xa000
    mov es, ax
    xor si, si              ; x
    xor bp, bp              ; y
    xor dx, dx              ; bank
.bank:
    push dx
    mov ax, 0x4f05
    xor bx, bx
    int 0x10
    pop dx
    xor di, di
.px:
    movzx eax, si
    shl eax, 16
    mov ax, bp
    shl ax, 8
    mov cx, si
    add cx, bp
    shr cx, 2
    mov al, cl
    stosd
    inc si
    cmp si, 640
    jb .next
    xor si, si
    inc bp
    cmp bp, 480
    jae .h
.next:
    test di, di
    jnz .px
    inc dx
    jmp .bank
.h: hlt
    jmp .h
times 510-($-$$) db 0
dw 0xaa55
