; Guest side of the host-guest channel test (docs/monitor.md "Host-guest
; channel"): a 128 KiB "BIOS" that talks the channel framing on COM2 (0x2F8)
; by polling the 16550's line status register. It announces itself with a
; READY frame, then answers every frame with "ECHO:" + its payload, and every
; frame with a bad checksum with "ERR".
; Frame: 'J' '8', payload length (16-bit little-endian, at most 1024),
; payload, checksum byte (the length bytes, payload and checksum sum to 0).
bits 16
org 0
COM2    equ 0x2F8
BUF     equ 0x1000                  ; payload buffer at 0000:1000
MAXLEN  equ 1024
        times 0x10000 db 0

f000:
start:
        cli
        xor ax, ax
        mov ss, ax
        mov es, ax
        mov sp, 0x7000
        mov ax, 0xF000
        mov ds, ax
        cld
        mov si, ready - f000
        mov bp, 5
        xor cx, cx
        call send_frame
.loop:  call recv_frame
        test bl, bl
        jnz .bad
        mov si, echo - f000
        mov bp, 5
        call send_frame
        jmp .loop
.bad:   mov si, err - f000
        mov bp, 3
        xor cx, cx
        call send_frame
        jmp .loop

getc:                               ; -> al (waits for LSR.DR)
        mov dx, COM2 + 5
.wait:  in al, dx
        test al, 1
        jz .wait
        mov dx, COM2
        in al, dx
        ret

putc:                               ; al -> COM2 (waits for LSR.THRE); keeps ax
        push ax
        mov dx, COM2 + 5
.wait:  in al, dx
        test al, 0x20
        jz .wait
        pop ax
        mov dx, COM2
        out dx, al
        ret

; Reads one frame into es:BUF. Out: cx = length, bl = 0 when the checksum holds.
recv_frame:
.hunt:  call getc
        cmp al, 'J'
        jne .hunt
.magic: call getc
        cmp al, '8'
        je .head
        cmp al, 'J'
        je .magic
        jmp .hunt
.head:  call getc
        mov cl, al
        call getc
        mov ch, al
        cmp cx, MAXLEN
        ja .hunt                    ; impossible length: look for the next frame
        mov bl, cl
        add bl, ch
        mov di, BUF
        push cx
.byte:  jcxz .sum
        call getc
        mov [es:di], al
        inc di
        add bl, al
        dec cx
        jmp .byte
.sum:   call getc
        add bl, al
        pop cx
        ret

; Sends a frame: bp bytes at ds:si, then cx bytes at es:BUF.
send_frame:
        mov al, 'J'
        call putc
        mov al, '8'
        call putc
        mov ax, bp
        add ax, cx
        mov bl, al
        add bl, ah
        call putc
        mov al, ah
        call putc
        push cx
        mov cx, bp
.head:  jcxz .body
        lodsb
        add bl, al
        call putc
        dec cx
        jmp .head
.body:  pop cx
        mov di, BUF
.byte:  jcxz .sum
        mov al, [es:di]
        add bl, al
        call putc
        inc di
        dec cx
        jmp .byte
.sum:   mov al, bl
        neg al
        call putc
        ret

ready:  db "READY"
echo:   db "ECHO:"
err:    db "ERR"

        times 0x1FFF0 - ($ - $$) db 0
        jmp 0xF000:(start - f000)   ; the reset vector
        times 0x20000 - ($ - $$) db 0
