; A 128 KiB "BIOS" for whole-machine tests: starts at the reset vector, sums
; 1..300 in a loop, prints a line and the sum in hex on COM1, and ends the run
; through isa-debug-exit (port 0xF4) with status (0x21 << 1) | 1 = 67.
bits 16
org 0
        times 0x10000 db 0          ; the low 64 KiB are not used

f000:                               ; F000:0000 (last 64 KiB of the image)
start:
        cli
        xor ax, ax
        mov ss, ax
        mov sp, 0x7000
        mov ax, 0xF000
        mov ds, ax
        mov si, msg - f000
        call puts
        xor ax, ax                  ; ax = 1 + 2 + ... + 300
        mov cx, 300
.sum:   add ax, cx
        loop .sum
        call puthex
        mov si, crlf - f000
        call puts
        mov ax, 0x21
        out 0xF4, ax
        hlt

%include "bios-serial.inc"

msg:    db "hello from the reset vector", 13, 10, "sum=", 0
crlf:   db 13, 10, 0

        times 0x1FFF0 - ($ - $$) db 0
        jmp 0xF000:(start - f000)   ; the reset vector, FFFF:0000 = F000:FFF0
        times 0x20000 - ($ - $$) db 0
