; A hard-disk image whose MBR SeaBIOS loads at 0x7C00: it prints through
; INT 10h (SeaBIOS sends it to COM1 with no display), reads sector 2 with
; INT 13h and prints the text found there, waits for the BIOS to flush its
; console, then exits through isa-debug-exit with status 67. Padded to 1 MiB so the BIOS sees a plausible geometry.
bits 16
org 0x7C00
start:  cli
        xor ax, ax
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov sp, 0x7C00
        sti
        mov si, booted
        call print
        mov ax, 0x0201              ; read 1 sector
        mov cx, 0x0002              ; cylinder 0, sector 2
        mov dx, 0x0080              ; head 0, first hard disk
        mov bx, 0x8000
        int 0x13
        jc .fail
        mov si, 0x8000
        call print
        mov ax, 0x21
        jmp .exit
.fail:  mov si, failed
        call print
        mov ax, 0x01
.exit:  push ax                     ; SeaBIOS's serial console buffers INT 10h
        mov ah, 0x86                ; output and flushes it from its timer:
        mov cx, 0x0003              ; wait 200 ms (INT 15h AH=86h) first
        mov dx, 0x0D40
        int 0x15
        pop ax
        out 0xF4, ax
        hlt

print:  lodsb
        test al, al
        jz .done
        mov ah, 0x0E
        mov bx, 0x0007
        int 0x10
        jmp print
.done:  ret

booted: db "MBR booted by the BIOS", 13, 10, 0
failed: db "INT 13h read failed", 13, 10, 0
        times 446 - ($ - $$) db 0
        db 0x80, 0, 2, 0, 0x83, 0, 0x20, 0  ; one active partition, for BIOSes that check
        dd 1, 2047
        times 510 - ($ - $$) db 0
        dw 0xAA55
        db "sector 2 read through INT 13h", 13, 10, 0
        times 0x100000 - ($ - $$) db 0
