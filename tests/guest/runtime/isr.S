/* Guest test runtime: interrupt stubs for all 256 vectors, the common frame
 * builder, and the unwind points behind rt_call_catch / rt_user_call.
 * Which vectors push an error code: SDM vol. 3, 6.13 and table 6-1. */

#define KDATA 0x10
#define KCODE 0x08
#define UCODE 0x1B
#define UDATA 0x23
#define VEC_USER_RETURN 0xFF

        .altmacro
.macro ISR vec
isr_stub_\vec:
        .if (\vec == 8) | ((\vec >= 10) & (\vec <= 14)) | (\vec == 17) | (\vec == 21) | (\vec == 29) | (\vec == 30)
        .else
        pushl $0
        .endif
        pushl $\vec
        jmp rt_isr_common
.endm
.macro ISR_ADDR vec
        .long isr_stub_\vec
.endm

        .text
        .set vec, 0
        .rept 256
        ISR %vec
        .set vec, vec + 1
        .endr

rt_isr_common:
        pushl %ds
        pushl %es
        pushl %fs
        pushl %gs
        pushal
        movl $KDATA, %eax
        movl %eax, %ds
        movl %eax, %es
        movl %eax, %fs
        movl %eax, %gs
        cld
        pushl %esp
        call rt_dispatch
        addl $4, %esp
        popal
        popl %gs
        popl %fs
        popl %es
        popl %ds
        addl $8, %esp           /* vector and error code */
        iret

/* int rt_call_catch(void (*fn)(void *), void *arg, struct rt_fault *fault) */
        .globl rt_call_catch
rt_call_catch:
        pushl %ebp
        movl %esp, %ebp
        pushl %ebx
        pushl %esi
        pushl %edi
        pushl rt_catch_esp      /* nesting: keep the outer catch */
        pushl rt_catch_fault
        movl 16(%ebp), %eax
        movl %eax, rt_catch_fault
        movl %esp, rt_catch_esp
        pushl 12(%ebp)
        call *8(%ebp)
        xorl %eax, %eax
catch_done:
        movl rt_catch_esp, %esp
        popl rt_catch_fault
        popl rt_catch_esp
        popl %edi
        popl %esi
        popl %ebx
        popl %ebp
        ret

/* The dispatcher points an unwound frame here (CS = KCODE, EAX = result). */
        .globl rt_catch_unwind
rt_catch_unwind:
        movl $KDATA, %ecx
        movl %ecx, %ss
        movl %ecx, %ds
        movl %ecx, %es
        movl %ecx, %fs
        movl %ecx, %gs
        jmp catch_done

/* int rt_user_call(void (*fn)(void), void *stack_top, struct rt_fault *fault)
 * Enters CPL 3 with IRET (SDM vol. 3, 6.12.1 return to outer privilege). */
        .globl rt_user_call
rt_user_call:
        pushl %ebp
        movl %esp, %ebp
        pushl %ebx
        pushl %esi
        pushl %edi
        pushl rt_catch_esp
        pushl rt_catch_fault
        movl 16(%ebp), %eax
        movl %eax, rt_catch_fault
        movl %esp, rt_catch_esp
        movl 12(%ebp), %edx
        subl $4, %edx
        movl $rt_user_return, (%edx)
        pushl $UDATA
        pushl %edx
        pushl $0x2              /* EFLAGS: IF=0, IOPL=0 */
        pushl $UCODE
        pushl 8(%ebp)
        movl $UDATA, %eax
        movl %eax, %ds
        movl %eax, %es
        movl %eax, %fs
        movl %eax, %gs
        iret

/* int rt_vm86_call(const struct rt_vm86_regs *regs, struct rt_fault *fault)
 * IRET with VM=1 pops EIP, CS, EFLAGS, ESP, SS, ES, DS, FS, GS (SDM vol. 3,
 * 20.2.5 entering virtual-8086 mode). */
        .globl rt_vm86_call
rt_vm86_call:
        pushl %ebp
        movl %esp, %ebp
        pushl %ebx
        pushl %esi
        pushl %edi
        pushl rt_catch_esp
        pushl rt_catch_fault
        movl 12(%ebp), %eax
        movl %eax, rt_catch_fault
        movl %esp, rt_catch_esp
        movl 8(%ebp), %esi
        pushl 32(%esi)          /* gs */
        pushl 28(%esi)          /* fs */
        pushl 24(%esi)          /* ds */
        pushl 20(%esi)          /* es */
        pushl 16(%esi)          /* ss */
        pushl 12(%esi)          /* esp */
        movl 8(%esi), %eax
        orl $0x20002, %eax      /* VM and the always-one bit 1 */
        pushl %eax
        pushl 4(%esi)           /* cs */
        pushl (%esi)            /* eip */
        iret

/* fn returns here, at CPL 3; a DPL 3 gate brings us back (result 0). */
rt_user_return:
        int $VEC_USER_RETURN

        .section .rodata
        .align 4
        .globl rt_isr_stubs
rt_isr_stubs:
        .set vec, 0
        .rept 256
        ISR_ADDR %vec
        .set vec, vec + 1
        .endr

        .bss
        .align 4
        .globl rt_catch_esp, rt_catch_fault
rt_catch_esp:
        .long 0
rt_catch_fault:
        .long 0

        .section .note.GNU-stack, "", @progbits
