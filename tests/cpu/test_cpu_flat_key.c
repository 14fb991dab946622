/* The X86_HF_FLAT32 block key bit (ES, SS, DS flat in protected mode) on the
 * real loop, with chaining: a block translated for flat segments never runs
 * once one of them is read-only or limited, so writes to a read-only DS and
 * reads past ES's limit still raise #GP(0) at the faulting instruction
 * (SDM Vol. 3A §5.3, §5.4), on whichever backend the test runs. */
#include "tests/cpu/machine.h"

#define GDT  0x3000u
#define GDTR 0x3100u
#define IDTR 0x3108u
#define IDT  0x4000u
#define BODY 0x1114u

static void poke32(struct tmachine *m, uint32_t a, uint32_t v)
{
    tm_poke16(m, a, (uint16_t)v);
    tm_poke16(m, a + 2, (uint16_t)(v >> 16));
}

static uint32_t peek32(struct tmachine *m, uint32_t a)
{
    return tm_peek16(m, a) | ((uint32_t)tm_peek16(m, a + 2) << 16);
}

static void desc(struct tmachine *m, unsigned i, uint32_t lo, uint32_t hi)
{
    poke32(m, GDT + i * 8, lo);
    poke32(m, GDT + i * 8 + 4, hi);
}

/* Flat code 0x08, flat data 0x10, read-only flat data 0x18, data with a
 * 4 KiB limit 0x20; #GP handler (pop edx; hlt) at 0x5100; real-mode code
 * that enters 0008:1100, which loads DS and SS (ES stays a real-mode
 * segment) and jumps on to the body at BODY. */
static void setup(struct tmachine *m, const uint8_t *body, size_t n)
{
    tm_init_chained(m, true);
    desc(m, 1, 0x0000ffffu, 0x00cf9a00u);
    desc(m, 2, 0x0000ffffu, 0x00cf9200u);
    desc(m, 3, 0x0000ffffu, 0x00cf9000u);
    desc(m, 4, 0x00000fffu, 0x00409200u);
    tm_poke16(m, GDTR, 5 * 8 - 1);
    poke32(m, GDTR + 2, GDT);
    tm_poke16(m, IDTR, 256 * 8 - 1);
    poke32(m, IDTR + 2, IDT);
    poke32(m, IDT + 13 * 8, (0x08u << 16) | 0x5100u);
    poke32(m, IDT + 13 * 8 + 4, 0x8e00u);
    static const uint8_t gp[] = {0x5a, 0xf4};
    tm_poke(m, 0x5100, gp, sizeof(gp));
    /* lgdt [0x3100]; mov eax,cr0; or al,1; mov cr0,eax; jmp dword 0008:00001100 */
    static const uint8_t real[] = {0x0f, 0x01, 0x16, 0x00, 0x31, 0x0f, 0x20, 0xc0, 0x0c, 0x01, 0x0f,
                                   0x22, 0xc0, 0x66, 0xea, 0x00, 0x11, 0x00, 0x00, 0x08, 0x00};
    tm_code(m, real, sizeof(real));
    /* mov ax,0x10; mov ds,ax; mov ss,ax; mov esp,0x9000; lidt [0x3108] */
    static const uint8_t enter[] = {0x66, 0xb8, 0x10, 0x00, 0x8e, 0xd8, 0x8e, 0xd0, 0xbc, 0x00,
                                    0x90, 0x00, 0x00, 0x0f, 0x01, 0x1d, 0x08, 0x31, 0x00, 0x00};
    tm_poke(m, 0x1100, enter, sizeof(enter));
    tm_poke(m, BODY, body, n);
}

/* The EIP the #GP pushed (the handler popped the error code into EDX). */
static uint32_t fault_eip(struct tmachine *m)
{
    return peek32(m, (uint32_t)m->env->regs[4]);
}

START_TEST(read_only_ds_after_flat_ds_faults_through_a_chained_exit)
{
    /* mov ax,0x10; mov es,ax; mov ecx,0x11111111; call sub; mov ebx,[0x2000];
     * mov ecx,0x22222222; mov ax,0x18; call sub; hlt;
     * sub: mov ds,ax; mov [0x2000],ecx; ret
     * The second call enters sub's first block under the same (flat) key
     * as the first, whose exit was linked then. */
    static const uint8_t body[] = {0x66, 0xb8, 0x10, 0x00, 0x8e, 0xc0, 0xb9, 0x11, 0x11, 0x11,
                                   0x11, 0xe8, 0x15, 0x00, 0x00, 0x00, 0x8b, 0x1d, 0x00, 0x20,
                                   0x00, 0x00, 0xb9, 0x22, 0x22, 0x22, 0x22, 0x66, 0xb8, 0x18,
                                   0x00, 0xe8, 0x01, 0x00, 0x00, 0x00, 0xf4, 0x8e, 0xd8, 0x89,
                                   0x0d, 0x00, 0x20, 0x00, 0x00, 0xc3};
    struct tmachine m;
    setup(&m, body, sizeof(body));
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_uint_eq(m.env->regs[3], 0x11111111u);
    ck_assert_uint_eq(peek32(&m, 0x2000), 0x11111111u);
    ck_assert_uint_eq(m.env->segs[X86_SEG_DS].selector, 0x18);
    ck_assert_uint_eq(m.env->eip, 0x5102);
    ck_assert_uint_eq(m.env->regs[2], 0);
    ck_assert_uint_eq(fault_eip(&m), BODY + 0x27);
    tm_free(&m);
}
END_TEST

START_TEST(read_past_a_limited_es_faults_after_flat_es)
{
    /* mov ax,0x10; mov es,ax; mov eax,es:[0x1000]; mov ax,0x20; mov es,ax;
     * mov eax,es:[0xffc]; mov ebx,es:[0xffd]; hlt */
    static const uint8_t body[] = {0x66, 0xb8, 0x10, 0x00, 0x8e, 0xc0, 0x26, 0xa1, 0x00, 0x10, 0x00,
                                   0x00, 0x66, 0xb8, 0x20, 0x00, 0x8e, 0xc0, 0x26, 0xa1, 0xfc, 0x0f,
                                   0x00, 0x00, 0x26, 0x8b, 0x1d, 0xfd, 0x0f, 0x00, 0x00, 0xf4};
    struct tmachine m;
    setup(&m, body, sizeof(body));
    poke32(&m, 0xffc, 0xdeadbeefu);
    m.env->regs[3] = 0x5555;
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_uint_eq(m.env->regs[0], 0xdeadbeefu);
    ck_assert_uint_eq(m.env->regs[3], 0x5555);
    ck_assert_uint_eq(m.env->eip, 0x5102);
    ck_assert_uint_eq(m.env->regs[2], 0);
    ck_assert_uint_eq(fault_eip(&m), BODY + 0x18);
    tm_free(&m);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("cpu_flat_key");
    TCase *tc = tcase_create("flat");
    tcase_add_test(tc, read_only_ds_after_flat_ds_faults_through_a_chained_exit);
    tcase_add_test(tc, read_past_a_limited_es_faults_after_flat_es);
    suite_add_tcase(s, tc);
    return s;
}
