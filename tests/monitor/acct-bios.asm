; A 128 KiB "BIOS" for the accounting test (docs/monitor.md, info stats): a
; known number of device accesses, then "DONE" on COM1 and a halt.
;   COM2's scratch register (0x2FF): 10 byte writes, then 7 byte reads.
;   Primary master (ATA-8 ACS PIO protocol): READ SECTORS of 3 sectors at
;   LBA 0, WRITE SECTORS of 2 sectors at LBA 8, FLUSH CACHE.
; The test expects exactly those counts in query-stats, query-blockstats
; and the -stats-file JSON.
bits 16
org 0
        times 0x10000 db 0

f000:
start:
        cli
        xor ax, ax
        mov ss, ax
        mov sp, 0x7000
        mov ds, ax
        mov es, ax
        cld

        mov dx, 0x2FF
        mov cx, 10
.scratch_w:
        mov al, cl
        out dx, al
        loop .scratch_w
        mov cx, 7
.scratch_r:
        in al, dx
        loop .scratch_r

        mov al, 3                   ; READ SECTORS, 3 sectors at LBA 0
        xor bl, bl
        mov ah, 0x20
        call ata_command
        mov di, 0x1000
        mov bx, 3
.read_sector:
        call wait_drq
        mov dx, 0x1F0
        mov cx, 256
        rep insw
        dec bx
        jnz .read_sector

        mov al, 2                   ; WRITE SECTORS, 2 sectors at LBA 8
        mov bl, 8
        mov ah, 0x30
        call ata_command
        mov si, 0x1000
        mov bx, 2
.write_sector:
        call wait_drq
        mov dx, 0x1F0
        mov cx, 256
        rep outsw
        dec bx
        jnz .write_sector
        call wait_ready

        mov al, 0                   ; FLUSH CACHE
        xor bl, bl
        mov ah, 0xE7
        call ata_command
        call wait_ready

        mov dx, 0x3F8
        mov al, 'D'
        out dx, al
        mov al, 'O'
        out dx, al
        mov al, 'N'
        out dx, al
        mov al, 'E'
        out dx, al
        mov al, 10
        out dx, al
.halt:  hlt
        jmp .halt

; al = sector count, bl = LBA bits 0-7 (the rest zero), ah = command.
ata_command:
        push ax
        call wait_ready
        mov dx, 0x1F6
        mov al, 0xE0                ; LBA, master
        out dx, al
        pop ax
        mov dx, 0x1F2
        out dx, al
        mov dx, 0x1F3
        mov al, bl
        out dx, al
        xor al, al
        mov dx, 0x1F4
        out dx, al
        mov dx, 0x1F5
        out dx, al
        mov dx, 0x1F7
        mov al, ah
        out dx, al
        ret

wait_ready:                         ; BSY clear
        mov dx, 0x1F7
.poll:  in al, dx
        test al, 0x80
        jnz .poll
        ret

wait_drq:                           ; BSY clear and DRQ set
        mov dx, 0x1F7
.poll:  in al, dx
        and al, 0x88
        cmp al, 0x08
        jne .poll
        ret

        times 0x1FFF0 - ($ - $$) db 0
        jmp 0xF000:(start - f000)   ; the reset vector
        times 0x20000 - ($ - $$) db 0
