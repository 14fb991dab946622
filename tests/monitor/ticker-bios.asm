; A 128 KiB "BIOS" for the monitor tests, two programs chosen by the
; assembly-time symbol KNOWN (nasm -dKNOWN=0 or 1):
;   KNOWN=0: prints "tick NNNN" lines on COM1 forever, with a busy delay
;            between them (stop/cont tests see the output pause and resume).
;   KNOWN=1: loads known values into the registers and halts with interrupts
;            off (info registers / info tlb tests).
bits 16
org 0
        times 0x10000 db 0

f000:
start:
        cli
        xor ax, ax
        mov ss, ax
        mov sp, 0x7000
        mov ax, 0xF000
        mov ds, ax
%if KNOWN
        mov eax, 0x12345678
        mov ebx, 0x9abcdef0
        mov ecx, 0x0badf00d
        mov edx, 0xcafebabe
        mov esi, 0x11111111
        mov edi, 0x22222222
        mov ebp, 0x33333333
        mov dword [es:0x500], 0x44332211  ; es = 0 after reset: physical 0x500
.halt:  hlt
        jmp .halt
%else
        xor bp, bp                  ; bp = tick counter
.tick:  mov si, msg - f000
        call puts
        mov ax, bp
        call puthex
        mov si, crlf - f000
        call puts
        inc bp
        mov ecx, 0x400000           ; busy delay
.wait:  dec ecx
        jnz .wait
        jmp .tick

puts:                               ; ds:si -> COM1 until NUL
        mov dx, 0x3F8
.next:  lodsb
        test al, al
        jz .done
        out dx, al
        jmp .next
.done:  ret

puthex:                             ; ax as four hex digits
        mov cx, 4
        mov bx, ax
.digit: rol bx, 4
        mov al, bl
        and al, 0x0F
        add al, '0'
        cmp al, '9'
        jbe .out
        add al, 'A' - '9' - 1
.out:   mov dx, 0x3F8
        out dx, al
        loop .digit
        ret

msg:    db "tick ", 0
crlf:   db 13, 10, 0
%endif

        times 0x1FFF0 - ($ - $$) db 0
        jmp 0xF000:(start - f000)   ; the reset vector
        times 0x20000 - ($ - $$) db 0
