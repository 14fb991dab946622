; A 128 KiB firmware that sleeps on one-shot timers, as a tickless Linux does
; with the 8254 as its clock event device: 20 times it loads counter 0 in
; mode 4 (Intel 82C54 datasheet, "software triggered strobe") with 597 ticks
; (0.5 ms) and HLTs until the IRQ0 the strobe raises. Counter 2 in mode 0
; counts 65535 ticks (55 ms) meanwhile; OUT2 (port 61h bit 5) must still be
; low at the end. An emulator that lets a halted CPU wait past the interrupt
; a timer just raised (until some later event) needs far longer for the 20
; sleeps. Prints the tick count and whether the 55 ms window ran out, then
; exits through isa-debug-exit with status 67. Run with -icount 0, so the
; result does not depend on the host's load.
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
        mov word [0x500], 0              ; IRQ0 count

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

        in al, 0x61                      ; counter 2 gate on, speaker off
        and al, 0xFC
        or al, 0x01
        out 0x61, al
        mov al, 0xB0                     ; counter 2, LSB/MSB, mode 0
        out 0x43, al
        mov al, 0xFF
        out 0x42, al
        out 0x42, al

        mov al, 0x38                     ; counter 0, LSB/MSB, mode 4
        out 0x43, al
.sleep: mov ax, 597                      ; the next one-shot
        out 0x40, al
        mov al, ah
        out 0x40, al
        mov bx, [0x500]
.wait:  sti
        hlt
        cli
        cmp [0x500], bx                  ; woken by IRQ0, not something else
        je .wait
        cmp word [0x500], 20
        jb .sleep

        in al, 0x61                      ; OUT2: the 55 ms are over
        shr al, 5
        and al, 1
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
        mov si, late - f000
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

msg:    db "oneshots=", 0
late:   db " window-over=", 0
crlf:   db 13, 10, 0

        times 0x1FFF0 - ($ - $$) db 0
        jmp 0xF000:(start - f000)
        times 0x20000 - ($ - $$) db 0
