; Scancode echo: a boot sector that takes over IRQ1 and writes every byte the
; 8042 delivers on port 60h to COM1 as two hex digits and a space, and shows
; them on the text screen. Built with -DRAW_SET2 it first clears the 8042's
; translation bit, so the keyboard's own set-2 codes come through.
; A line "READY" on COM1 says the handler is installed.
        bits 16
        org 0x7c00

COM1    equ 0x3f8

start:
        cli
        cld
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, 0x7c00
        mov word [9 * 4], irq1
        mov word [9 * 4 + 2], 0
%ifdef RAW_SET2
        call kbc_wait_in
        mov al, 0x20            ; read the command byte
        out 0x64, al
        call kbc_wait_out
        in al, 0x60
        and al, 0xbf            ; bit 6: translation off
        mov bl, al
        call kbc_wait_in
        mov al, 0x60            ; write the command byte
        out 0x64, al
        call kbc_wait_in
        mov al, bl
        out 0x60, al
%endif
        mov ax, 0xb800
        mov es, ax
        xor di, di
        mov si, ready
.r:     lodsb
        test al, al
        jz .idle
        call serial_out
        jmp .r
.idle:  in al, 0x21
        and al, 0xfd            ; unmask IRQ1
        out 0x21, al
        sti
.halt:  hlt
        jmp .halt

irq1:
        push ax
        push bx
        in al, 0x60
        mov bl, al
        shr al, 4
        call hex_out
        mov al, bl
        and al, 0x0f
        call hex_out
        mov al, ' '
        call serial_out
        mov al, 0x20            ; EOI
        out 0x20, al
        pop bx
        pop ax
        iret

; The low nibble of AL as one hex digit, to COM1 and the screen.
hex_out:
        add al, '0'
        cmp al, '9'
        jbe .d
        add al, 'A' - '9' - 1
.d:     call serial_out
        mov ah, 0x07
        stosw
        ret

serial_out:
        push dx
        push ax
        mov dx, COM1 + 5
.w:     in al, dx
        test al, 0x20           ; transmitter holding register empty
        jz .w
        pop ax
        mov dx, COM1
        out dx, al
        pop dx
        ret

%ifdef RAW_SET2
kbc_wait_in:
        in al, 0x64
        test al, 2
        jnz kbc_wait_in
        ret
kbc_wait_out:
        in al, 0x64
        test al, 1
        jz kbc_wait_out
        ret
%endif

ready:  db "READY", 13, 10, 0

        times 510 - ($ - $$) db 0
        dw 0xaa55
