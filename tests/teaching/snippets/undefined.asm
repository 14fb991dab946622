; jit86-translate: --mode 32 --addr 0x1000
; An undefined encoding (FF /7): decoding stops there and the block raises
; #UD at it, after the instructions before it.
inc eax
db 0xff, 0xff
