/* Guest test runtime entry: the Multiboot v1 header and the 32-bit entry
 * point (Multiboot spec 0.6.96, 3.1 header and 3.2 machine state: flat 32-bit
 * protected mode, paging off, IF=0, GDTR/IDTR/ESP undefined). */

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* page-align modules, provide memory info */

        .section .multiboot, "a"
        .align 4
        .long MB_MAGIC
        .long MB_FLAGS
        .long -(MB_MAGIC + MB_FLAGS)

        .section .text.entry, "ax"
        .globl rt_entry
rt_entry:
        cli
        cld
        /* A loader need not zero .bss; do it before the stack (in .bss) is used. */
        movl $__bss_start, %edi
        movl $__bss_end, %ecx
        subl %edi, %ecx
        xorl %eax, %eax
        rep stosb
        movl $rt_stack_top, %esp
        xorl %ebp, %ebp
        call rt_init            /* loads GDT, IDT, TR; prints the begin marker */
        call main
        pushl %eax
        call rt_exit
1:      hlt
        jmp 1b

        .bss
        .align 16
        .globl rt_stack_top, rt_kstack_top
        .space 65536
rt_stack_top:
        /* Ring 0 stack for traps from ring 3 (TSS.esp0). */
        .space 16384
rt_kstack_top:

        .section .note.GNU-stack, "", @progbits
