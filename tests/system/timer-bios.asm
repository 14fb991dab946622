; A 128 KiB firmware that takes hardware interrupts: it programs the 8259
; pair (vectors 08h/70h), installs an IRQ0 handler in the IVT, sets the 8254
; counter 0 to mode 2 at about 1 kHz, and HLTs until 20 ticks have arrived.
; It also checks the keyboard controller's self test. Then it prints the
; results on COM1 and exits through isa-debug-exit with status 67.
bits 16
org 0
        times 0x10000 db 0

f000:
start:
        cli
        xor ax, ax
        mov ss, ax
        mov ds, ax
        mov sp, 0x7000
        mov word [0x20], irq0 - f000     ; IVT entry 8 = IRQ0
        mov word [0x22], 0xF000
        mov word [0x500], 0              ; tick counter

        mov al, 0x11                     ; ICW1: edge, cascade, ICW4
        out 0x20, al
        out 0xA0, al
        mov al, 0x08                     ; ICW2: vector bases
        out 0x21, al
        mov al, 0x70
        out 0xA1, al
        mov al, 0x04                     ; ICW3: slave on IR2
        out 0x21, al
        mov al, 0x02
        out 0xA1, al
        mov al, 0x01                     ; ICW4: 8086 mode
        out 0x21, al
        out 0xA1, al
        mov al, 0xFE                     ; only IRQ0
        out 0x21, al
        mov al, 0xFF
        out 0xA1, al

        mov al, 0x34                     ; counter 0, LSB/MSB, mode 2
        out 0x43, al
        mov ax, 1193
        out 0x40, al
        mov al, ah
        out 0x40, al

        sti
.wait:  hlt
        cmp word [0x500], 20
        jb .wait
        cli

        mov al, 0xAA                     ; 8042 self test -> 0x55
        out 0x64, al
.obf:   in al, 0x64
        test al, 1
        jz .obf
        in al, 0x60
        mov [0x502], al

        mov ax, 0xF000
        mov ds, ax
        mov si, msg - f000
        call puts
        xor ax, ax
        mov ds, ax
        mov ax, [0x500]
        call puthex
        mov ax, 0xF000
        mov ds, ax
        mov si, kbc - f000
        call puts
        xor ax, ax
        mov ds, ax
        mov al, [0x502]
        xor ah, ah
        call puthex
        mov ax, 0xF000
        mov ds, ax
        mov si, crlf - f000
        call puts
        mov ax, 0x21
        out 0xF4, ax
        hlt

irq0:   push ds
        push ax
        xor ax, ax
        mov ds, ax
        inc word [0x500]
        mov al, 0x20                     ; EOI
        out 0x20, al
        pop ax
        pop ds
        iret

%include "bios-serial.inc"

msg:    db "ticks=", 0
kbc:    db " kbc-selftest=", 0
crlf:   db 13, 10, 0

        times 0x1FFF0 - ($ - $$) db 0
        jmp 0xF000:(start - f000)
        times 0x20000 - ($ - $$) db 0
