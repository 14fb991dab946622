/* Entering protected mode from real mode and running 32-bit code there:
 * LGDT, MOV CR0, far JMP into a 32-bit code segment, segment loads, IDT
 * interrupt gates, #GP with a selector error code, paging and #PF with CR2
 * (SDM Vol. 3A §9.9.1 mode switch, §6.12 IDT delivery, §4.7 page faults). */
#include "tests/cpu/machine.h"

#define GDT  0x3000u
#define GDTR 0x3100u
#define IDTR 0x3108u
#define IDT  0x4000u
#define PD   0x10000u
#define PT   0x11000u

static void poke32(struct tmachine *m, uint32_t a, uint32_t v)
{
    tm_poke16(m, a, (uint16_t)v);
    tm_poke16(m, a + 2, (uint16_t)(v >> 16));
}

static void desc(struct tmachine *m, unsigned i, uint32_t lo, uint32_t hi)
{
    poke32(m, GDT + i * 8, lo);
    poke32(m, GDT + i * 8 + 4, hi);
}

/* 32-bit interrupt gate to 0008:off. */
static void gate(struct tmachine *m, unsigned vec, uint32_t off)
{
    poke32(m, IDT + vec * 8, (0x08u << 16) | (off & 0xffff));
    poke32(m, IDT + vec * 8 + 4, (off & 0xffff0000u) | 0x8e00u);
}

static void put(struct tmachine *m, uint32_t a, const uint8_t *b, size_t n)
{
    tm_poke(m, a, b, n);
}

/* Flat 4 GiB code (0x08) and data (0x10) segments, IDT with handlers for
 * INT 0x40 (mov ebx,0x1234; iretd), #GP (pop edx; hlt) and #PF (pop edx;
 * mov eax,cr2; hlt); real-mode code that switches to 0008:1100. */
static void setup(struct tmachine *m)
{
    tm_init(m);
    desc(m, 1, 0x0000ffffu, 0x00cf9a00u);
    desc(m, 2, 0x0000ffffu, 0x00cf9200u);
    desc(m, 3, 0x0000ffffu, 0x00cf9000u); /* read-only data */
    desc(m, 4, 0x00000fffu, 0x00409600u); /* expand-down data, B=1: 0x1000..0xffffffff */
    desc(m, 5, 0x0000ffffu, 0x00cffa00u); /* ring-3 code (0x2b) */
    desc(m, 6, 0x0000ffffu, 0x00cff200u); /* ring-3 data (0x33) */
    desc(m, 7, 0x60000067u, 0x00008900u); /* 32-bit TSS at 0x6000, no I/O bitmap (0x38) */
    desc(m, 8, 0x61000067u, 0x00008900u); /* 32-bit TSS at 0x6100 (0x40) */
    tm_poke16(m, GDTR, 9 * 8 - 1);
    poke32(m, GDTR + 2, GDT);
    tm_poke16(m, IDTR, 256 * 8 - 1);
    poke32(m, IDTR + 2, IDT);
    gate(m, 0x40, 0x5000);
    gate(m, 13, 0x5100);
    gate(m, 14, 0x5200);
    static const uint8_t int40[] = {0xbb, 0x34, 0x12, 0x00, 0x00, 0xcf};
    static const uint8_t gp[] = {0x5a, 0xf4};
    static const uint8_t pf[] = {0x5a, 0x0f, 0x20, 0xd0, 0xf4};
    put(m, 0x5000, int40, sizeof(int40));
    put(m, 0x5100, gp, sizeof(gp));
    put(m, 0x5200, pf, sizeof(pf));
    /* lgdt [0x3100]; mov eax,cr0; or al,1; mov cr0,eax; jmp dword 0008:00001100 */
    static const uint8_t real[] = {0x0f, 0x01, 0x16, 0x00, 0x31, 0x0f, 0x20, 0xc0, 0x0c, 0x01, 0x0f,
                                   0x22, 0xc0, 0x66, 0xea, 0x00, 0x11, 0x00, 0x00, 0x08, 0x00};
    tm_code(m, real, sizeof(real));
    /* mov ax,0x10; mov ds,ax; mov ss,ax; mov esp,0x9000; lidt [0x3108] */
    static const uint8_t enter[] = {0x66, 0xb8, 0x10, 0x00, 0x8e, 0xd8, 0x8e, 0xd0, 0xbc, 0x00,
                                    0x90, 0x00, 0x00, 0x0f, 0x01, 0x1d, 0x08, 0x31, 0x00, 0x00};
    put(m, 0x1100, enter, sizeof(enter));
}

START_TEST(interrupt_gate_and_gp_with_selector_error_code)
{
    struct tmachine m;
    setup(&m);
    poke32(&m, 0x2000, 0xcafebabeu);
    /* int 0x40; mov ecx,[0x2000]; mov ax,0x48; mov es,ax (beyond the GDT: #GP(0x48)) */
    static const uint8_t body[] = {0xcd, 0x40, 0x8b, 0x0d, 0x00, 0x20, 0x00, 0x00,
                                   0x66, 0xb8, 0x48, 0x00, 0x8e, 0xc0, 0xf4};
    put(&m, 0x1114, body, sizeof(body));
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_uint_eq(m.env->segs[X86_SEG_CS].selector, 0x08);
    ck_assert_uint_ne(m.env->hflags & X86_HF_CS32, 0);
    ck_assert_uint_eq(m.env->regs[3], 0x1234);
    ck_assert_uint_eq(m.env->regs[1], 0xcafebabeu);
    ck_assert_uint_eq(m.env->regs[2], 0x48);
    ck_assert_uint_eq(m.env->regs[4], 0x9000 - 12);
    ck_assert_uint_eq(m.env->eip, 0x5102);
    tm_free(&m);
}
END_TEST

START_TEST(paging_not_present_page_raises_pf_with_cr2)
{
    struct tmachine m;
    setup(&m);
    poke32(&m, PD, PT | 3);
    for (uint32_t i = 0; i < 0x20; i++)
        poke32(&m, PT + i * 4, i * 0x1000 | 3);
    /* mov eax,PD; mov cr3,eax; mov eax,cr0; or eax,0x80000000; mov cr0,eax;
     * mov ecx,[0x20000] */
    static const uint8_t body[] = {0xb8, 0x00, 0x00, 0x01, 0x00, 0x0f, 0x22, 0xd8, 0x0f,
                                   0x20, 0xc0, 0x0d, 0x00, 0x00, 0x00, 0x80, 0x0f, 0x22,
                                   0xc0, 0x8b, 0x0d, 0x00, 0x00, 0x02, 0x00, 0xf4};
    put(&m, 0x1114, body, sizeof(body));
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_uint_eq(m.env->regs[0], 0x20000);
    ck_assert_uint_eq(m.env->regs[2], 0); /* not present, read, supervisor */
    ck_assert_uint_eq(m.env->cr[2], 0x20000);
    ck_assert_uint_eq(tm_peek16(&m, 0x9000 - 12), 0x1114 + 19); /* EIP of the faulting MOV */
    tm_free(&m);
}
END_TEST

START_TEST(write_to_read_only_data_segment_raises_gp)
{
    struct tmachine m;
    setup(&m);
    poke32(&m, 0x2000, 0x11223344u);
    /* mov ax,0x18; mov ds,ax; mov eax,[0x2000]; mov [0x2000],eax */
    static const uint8_t body[] = {0x66, 0xb8, 0x18, 0x00, 0x8e, 0xd8, 0xa1, 0x00, 0x20,
                                   0x00, 0x00, 0xa3, 0x00, 0x20, 0x00, 0x00, 0xf4};
    put(&m, 0x1114, body, sizeof(body));
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_uint_eq(m.env->regs[0], 0x11223344u); /* the read went through */
    ck_assert_uint_eq(m.env->eip, 0x5102);
    ck_assert_uint_eq(tm_peek16(&m, 0x9000 - 12), 0x1114 + 11);
    tm_free(&m);
}
END_TEST

START_TEST(expand_down_segment_faults_below_its_limit)
{
    struct tmachine m;
    setup(&m);
    poke32(&m, 0x2000, 0x55667788u);
    /* mov ax,0x20; mov es,ax; mov ecx,[es:0x2000]; mov edx,[es:0x800] */
    static const uint8_t body[] = {0x66, 0xb8, 0x20, 0x00, 0x8e, 0xc0, 0x26, 0x8b, 0x0d, 0x00, 0x20,
                                   0x00, 0x00, 0x26, 0x8b, 0x15, 0x00, 0x08, 0x00, 0x00, 0xf4};
    put(&m, 0x1114, body, sizeof(body));
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_uint_eq(m.env->regs[1], 0x55667788u);
    ck_assert_uint_eq(m.env->eip, 0x5102);
    ck_assert_uint_eq(tm_peek16(&m, 0x9000 - 12), 0x1114 + 13);
    tm_free(&m);
}
END_TEST

START_TEST(ring3_in_without_io_permission_faults_onto_the_ring0_stack)
{
    struct tmachine m;
    setup(&m);
    poke32(&m, 0x6004, 0x9000);  /* ESP0 */
    poke32(&m, 0x6008, 0x10);    /* SS0 */
    tm_poke16(&m, 0x6066, 0x68); /* I/O map base beyond the limit: no port allowed */
    /* mov ax,0x38; ltr ax; push 0x33; push 0x7000; push 2; push 0x2b; push 0x1200; iretd */
    static const uint8_t body[] = {0x66, 0xb8, 0x38, 0x00, 0x0f, 0x00, 0xd8, 0x6a,
                                   0x33, 0x68, 0x00, 0x70, 0x00, 0x00, 0x6a, 0x02,
                                   0x6a, 0x2b, 0x68, 0x00, 0x12, 0x00, 0x00, 0xcf};
    put(&m, 0x1114, body, sizeof(body));
    /* ring 3: mov ax,0x33; mov ds,ax; in al,0x60 */
    static const uint8_t user[] = {0x66, 0xb8, 0x33, 0x00, 0x8e, 0xd8, 0xe4, 0x60, 0xf4};
    put(&m, 0x1200, user, sizeof(user));
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_uint_eq(m.env->segs[X86_SEG_CS].selector, 0x08);
    ck_assert_uint_eq(m.env->regs[2], 0);
    ck_assert_uint_eq(m.env->regs[4], 0x9000 - 20);
    ck_assert_uint_eq(tm_peek16(&m, 0x9000 - 4), 0x33);
    ck_assert_uint_eq(tm_peek16(&m, 0x9000 - 8), 0x7000);
    ck_assert_uint_eq(tm_peek16(&m, 0x9000 - 16), 0x2b);
    ck_assert_uint_eq(tm_peek16(&m, 0x9000 - 20), 0x1206);
    ck_assert_uint_eq(m.env->segs[X86_SEG_DS].selector, 0x33);
    tm_free(&m);
}
END_TEST

/* The first interrupt after Linux enters user mode: the ring-0 stack is on a
 * supervisor-only page, and the CPU pushes onto it while CPL is still 3. The
 * pushes are supervisor accesses; as user accesses they page fault inside the
 * delivery (double fault, then shutdown: no #DF gate here). */
START_TEST(ring3_fault_pushes_onto_a_supervisor_only_ring0_stack_page)
{
    struct tmachine m;
    setup(&m);
    poke32(&m, 0x6004, 0x9000);
    poke32(&m, 0x6008, 0x10);
    tm_poke16(&m, 0x6066, 0x68);
    poke32(&m, PD, PT | 7);
    for (uint32_t i = 0; i < 0x20; i++)
        poke32(&m, PT + i * 4, i * 0x1000 | 3); /* supervisor only */
    poke32(&m, PT + 1 * 4, 0x1000 | 7);         /* the code page, user code at 0x1200 */
    /* mov eax,PD; mov cr3,eax; mov eax,cr0; or eax,0x80000000; mov cr0,eax;
     * mov ax,0x38; ltr ax; push 0x33; push 0x7000; push 2; push 0x2b; push 0x1200; iretd */
    static const uint8_t body[] = {0xb8, 0x00, 0x00, 0x01, 0x00, 0x0f, 0x22, 0xd8, 0x0f, 0x20,
                                   0xc0, 0x0d, 0x00, 0x00, 0x00, 0x80, 0x0f, 0x22, 0xc0, 0x66,
                                   0xb8, 0x38, 0x00, 0x0f, 0x00, 0xd8, 0x6a, 0x33, 0x68, 0x00,
                                   0x70, 0x00, 0x00, 0x6a, 0x02, 0x6a, 0x2b, 0x68, 0x00, 0x12,
                                   0x00, 0x00, 0xcf};
    put(&m, 0x1114, body, sizeof(body));
    /* ring 3: in al,0x60 (#GP: no I/O permission) */
    static const uint8_t user[] = {0xe4, 0x60, 0xf4};
    put(&m, 0x1200, user, sizeof(user));
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_uint_eq(m.env->segs[X86_SEG_CS].selector, 0x08);
    ck_assert_uint_eq(m.env->eip, 0x5102);
    ck_assert_uint_eq(m.env->regs[4], 0x9000 - 20);
    ck_assert_uint_eq(tm_peek16(&m, 0x9000 - 4), 0x33);
    ck_assert_uint_eq(tm_peek16(&m, 0x9000 - 8), 0x7000);
    ck_assert_uint_eq(tm_peek16(&m, 0x9000 - 16), 0x2b);
    ck_assert_uint_eq(tm_peek16(&m, 0x9000 - 20), 0x1200);
    tm_free(&m);
}
END_TEST

START_TEST(call_to_a_tss_switches_tasks_and_iret_returns)
{
    struct tmachine m;
    setup(&m);
    poke32(&m, 0x6100 + 0x20, 0x1300); /* task B: EIP */
    poke32(&m, 0x6100 + 0x24, 0x2);    /* EFLAGS */
    poke32(&m, 0x6100 + 0x38, 0x8800); /* ESP */
    static const uint16_t segs[6] = {0x10, 0x08, 0x10, 0x10, 0x10, 0x10};
    for (unsigned i = 0; i < 6; i++)
        poke32(&m, 0x6100 + 0x48 + i * 4, segs[i]);
    /* task A: mov ax,0x38; ltr ax; call 0040:00000000; mov ecx,0xa; hlt */
    static const uint8_t a[] = {0x66, 0xb8, 0x38, 0x00, 0x0f, 0x00, 0xd8, 0x9a, 0x00, 0x00,
                                0x00, 0x00, 0x40, 0x00, 0xb9, 0x0a, 0x00, 0x00, 0x00, 0xf4};
    put(&m, 0x1114, a, sizeof(a));
    /* task B: mov dword [0x2100],0xb; iretd */
    static const uint8_t b[] = {0xc7, 0x05, 0x00, 0x21, 0x00, 0x00, 0x0b, 0x00, 0x00, 0x00, 0xcf};
    put(&m, 0x1300, b, sizeof(b));
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_uint_eq(tm_peek16(&m, 0x2100), 0xb);
    ck_assert_uint_eq(m.env->regs[1], 0xa);
    ck_assert_uint_eq(m.env->tr.selector, 0x38);
    ck_assert_uint_eq(tm_peek16(&m, 0x6100), 0x38);                /* B's back link */
    ck_assert_uint_eq(tm_peek16(&m, 0x6100 + 0x20), 0x130b);       /* B saved after its IRET */
    ck_assert_uint_eq(tm_peek8(&m, GDT + 8 * 8 + 5) & 0x02, 0);    /* B no longer busy */
    ck_assert_uint_eq(tm_peek8(&m, GDT + 7 * 8 + 5) & 0x02, 0x02); /* A busy */
    ck_assert_uint_ne(m.env->cr[0] & X86_CR0_TS, 0);
    ck_assert_uint_eq(m.env->regs[4], 0x9000); /* A's stack as saved */
    tm_free(&m);
}
END_TEST

START_TEST(v86_int_with_iopl0_faults_to_the_ring0_handler)
{
    struct tmachine m;
    setup(&m);
    poke32(&m, 0x6004, 0x9000); /* ESP0 */
    poke32(&m, 0x6008, 0x10);   /* SS0 */
    /* mov ax,0x38; ltr ax; push gs 0, fs 0, ds 0x200, es 0x300, ss 0x500, esp 0x100,
     * eflags VM, cs 0x120, eip 0; iretd */
    static const uint8_t body[] = {
        0x66, 0xb8, 0x38, 0x00, 0x0f, 0x00, 0xd8, 0x6a, 0x00, 0x6a, 0x00, 0x68, 0x00, 0x02, 0x00,
        0x00, 0x68, 0x00, 0x03, 0x00, 0x00, 0x68, 0x00, 0x05, 0x00, 0x00, 0x68, 0x00, 0x01, 0x00,
        0x00, 0x68, 0x02, 0x00, 0x02, 0x00, 0x68, 0x20, 0x01, 0x00, 0x00, 0x6a, 0x00, 0xcf};
    put(&m, 0x1114, body, sizeof(body));
    /* v86 at 0120:0000: mov ax,0x1234; int 0x21 */
    static const uint8_t v86[] = {0xb8, 0x34, 0x12, 0xcd, 0x21, 0xf4};
    put(&m, 0x1200, v86, sizeof(v86));
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_uint_eq(m.env->regs[0] & 0xffff, 0x1234);
    ck_assert_uint_eq(m.env->regs[2], 0);
    ck_assert_uint_eq(m.env->eflags & X86_VM, 0);
    ck_assert_uint_eq(m.env->regs[4], 0x9000 - 36);
    ck_assert_uint_eq(tm_peek16(&m, 0x9000 - 12), 0x200); /* DS */
    ck_assert_uint_eq(tm_peek16(&m, 0x9000 - 16), 0x300); /* ES */
    ck_assert_uint_eq(tm_peek16(&m, 0x9000 - 20), 0x500); /* SS */
    ck_assert_uint_eq(tm_peek16(&m, 0x9000 - 24), 0x100); /* ESP */
    ck_assert_uint_ne(tm_peek16(&m, 0x9000 - 26) & 2, 0); /* EFLAGS.VM (bit 17) */
    ck_assert_uint_eq(tm_peek16(&m, 0x9000 - 32), 0x120); /* CS */
    ck_assert_uint_eq(tm_peek16(&m, 0x9000 - 36), 3);     /* EIP of the INT */
    ck_assert_uint_eq(m.env->segs[X86_SEG_DS].selector, 0);
    tm_free(&m);
}
END_TEST

static uint8_t ack_0x40(void *opaque)
{
    cpu_set_irq(opaque, false);
    return 0x40;
}

START_TEST(hardware_interrupt_in_ring3_ignores_the_gate_dpl)
{
    struct tmachine m;
    setup(&m);
    cpu_set_intack(m.cpu, ack_0x40, m.cpu);
    poke32(&m, 0x6004, 0x9000);
    poke32(&m, 0x6008, 0x10);
    /* gate 0x40 has DPL 0: INT 0x40 from ring 3 would be #GP, INTR is not */
    static const uint8_t body[] = {0x66, 0xb8, 0x38, 0x00, 0x0f, 0x00, 0xd8, 0x6a, 0x33,
                                   0x68, 0x00, 0x70, 0x00, 0x00, 0x68, 0x02, 0x02, 0x00,
                                   0x00, 0x6a, 0x2b, 0x68, 0x00, 0x12, 0x00, 0x00, 0xcf};
    put(&m, 0x1114, body, sizeof(body));
    /* ring 3 (IF set): jmp $ */
    static const uint8_t user[] = {0xeb, 0xfe};
    put(&m, 0x1200, user, sizeof(user));
    /* the 0x40 handler sets EBX and returns; the test stops it at the HLT below */
    static const uint8_t isr[] = {0xbb, 0x34, 0x12, 0x00, 0x00, 0xf4};
    put(&m, 0x5000, isr, sizeof(isr));
    ck_assert_int_eq(cpu_exec(m.cpu, 20), CPU_EXIT_LIMIT);
    ck_assert_uint_eq(m.env->segs[X86_SEG_CS].selector, 0x2b);
    cpu_set_irq(m.cpu, true);
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_uint_eq(m.env->regs[3], 0x1234);
    ck_assert_uint_eq(m.env->segs[X86_SEG_CS].selector, 0x08);
    ck_assert_uint_eq(tm_peek16(&m, 0x9000 - 16), 0x2b);
    tm_free(&m);
}
END_TEST

START_TEST(lsl_and_lar_report_through_zf)
{
    struct tmachine m;
    setup(&m);
    /* mov bx,0x10; lsl ecx,ebx; setz dl; mov bx,0x50; lar eax,ebx; setz dh */
    static const uint8_t body[] = {0x66, 0xbb, 0x10, 0x00, 0x0f, 0x03, 0xcb, 0x0f, 0x94, 0xc2, 0x66,
                                   0xbb, 0x50, 0x00, 0x0f, 0x02, 0xc3, 0x0f, 0x94, 0xc6, 0xf4};
    put(&m, 0x1114, body, sizeof(body));
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_uint_eq(m.env->regs[1], 0xffffffffu);
    ck_assert_uint_eq(m.env->regs[2] & 0xffff, 0x0001);
    tm_free(&m);
}
END_TEST

START_TEST(lldt_in_real_mode_is_undefined)
{
    struct tmachine m;
    tm_init(&m);
    /* lldt ax */
    static const uint8_t code[] = {0x0f, 0x00, 0xd0, 0xf4};
    tm_code(&m, code, sizeof(code));
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_uint_eq(m.env->eip, TM_HANDLER + 1);
    ck_assert_uint_eq(tm_peek16(&m, TM_STACK - 6), TM_CODE);
    tm_free(&m);
}
END_TEST

START_TEST(cpuid_reports_the_vendor_and_family)
{
    struct tmachine m;
    tm_init(&m);
    /* xor eax,eax; cpuid; hlt */
    static const uint8_t code[] = {0x66, 0x31, 0xc0, 0x0f, 0xa2, 0xf4};
    tm_code(&m, code, sizeof(code));
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_uint_eq(m.env->regs[3], 0x756e6547u); /* "Genu" */
    ck_assert_uint_eq(m.env->regs[2], 0x49656e69u); /* "ineI" */
    ck_assert_uint_eq(m.env->regs[1], 0x6c65746eu); /* "ntel" */
    tm_free(&m);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("cpu_protected");
    TCase *tc = tcase_create("protected");
    tcase_add_test(tc, interrupt_gate_and_gp_with_selector_error_code);
    tcase_add_test(tc, paging_not_present_page_raises_pf_with_cr2);
    tcase_add_test(tc, write_to_read_only_data_segment_raises_gp);
    tcase_add_test(tc, expand_down_segment_faults_below_its_limit);
    tcase_add_test(tc, ring3_in_without_io_permission_faults_onto_the_ring0_stack);
    tcase_add_test(tc, ring3_fault_pushes_onto_a_supervisor_only_ring0_stack_page);
    tcase_add_test(tc, lsl_and_lar_report_through_zf);
    tcase_add_test(tc, hardware_interrupt_in_ring3_ignores_the_gate_dpl);
    tcase_add_test(tc, call_to_a_tss_switches_tasks_and_iret_returns);
    tcase_add_test(tc, v86_int_with_iopl0_faults_to_the_ring0_handler);
    tcase_add_test(tc, lldt_in_real_mode_is_undefined);
    tcase_add_test(tc, cpuid_reports_the_vendor_and_family);
    suite_add_tcase(s, tc);
    return s;
}
