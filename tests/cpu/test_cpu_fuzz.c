/* Random bytes as real-mode code (DESIGN.md "a guest can never crash or hang
 * the host"): every run ends by halt, shutdown or the block budget, whatever
 * the bytes, register values and interrupt table hold. Seeded: reproducible. */
#include "tests/cpu/machine.h"

#define RUNS    10000
#define CODELEN 64

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

START_TEST(random_code_always_ends)
{
    struct tmachine m;
    uint64_t seed = 0x6a09e667f3bcc908ull;
    unsigned ends[4] = {0};
    tm_init(&m);
    for (unsigned run = 0; run < RUNS; run++) {
        uint8_t code[CODELEN];
        for (unsigned i = 0; i < CODELEN; i++)
            code[i] = (uint8_t)next_random(&seed);
        cpu_reset(m.cpu);
        for (unsigned s = 0; s < 6; s++)
            cpu_load_seg_real(m.env, s, (uint16_t)(run % 7 ? 0 : next_random(&seed)));
        cpu_load_seg_real(m.env, X86_SEG_CS, 0);
        for (unsigned r = 0; r < 8; r++)
            m.env->regs[r] = (uint32_t)next_random(&seed);
        m.env->idt.base = 0;
        m.env->idt.limit = 0x3ff;
        m.env->eip = TM_CODE;
        if (run % 16 == 0) { /* now and then a scrambled interrupt table */
            uint64_t v = next_random(&seed);
            tm_poke(&m, (uint32_t)(v % 256) * 4, &v, 4);
        }
        tm_code(&m, code, sizeof(code));
        enum cpu_exit_reason why = cpu_exec(m.cpu, 16);
        ck_assert_int_ne(why, CPU_EXIT_REQUEST);
        ends[why]++;
    }
    /* Every kind of end shows up: the runs really executed code. */
    ck_assert_uint_gt(ends[CPU_EXIT_HALTED], 0);
    ck_assert_uint_gt(ends[CPU_EXIT_LIMIT] + ends[CPU_EXIT_SHUTDOWN], 0);
    tm_free(&m);
}
END_TEST

/* The same in 32-bit protected mode: flat ring-0 segments, an IDT whose every
 * gate leads to a HLT, and now and then ring 3. */
static void flat_protected(struct tmachine *m, bool ring3)
{
    static const uint32_t gdt[] = {0,           0,           0x0000ffffu, 0x00cf9a00u,
                                   0x0000ffffu, 0x00cf9200u, 0x0000ffffu, 0x00cffa00u,
                                   0x0000ffffu, 0x00cff200u, 0x60000067u, 0x00008900u};
    for (unsigned i = 0; i < sizeof(gdt) / 4; i++) {
        tm_poke16(m, 0x3000 + i * 4, (uint16_t)gdt[i]);
        tm_poke16(m, 0x3000 + i * 4 + 2, (uint16_t)(gdt[i] >> 16));
    }
    for (unsigned v = 0; v < 256; v++) {
        tm_poke16(m, 0x4000 + v * 8, TM_HANDLER);
        tm_poke16(m, 0x4000 + v * 8 + 2, 0x08);
        tm_poke16(m, 0x4000 + v * 8 + 4, 0xee00); /* DPL 3: INT n from ring 3 too */
        tm_poke16(m, 0x4000 + v * 8 + 6, 0);
    }
    tm_poke16(m, 0x6004, 0x9000);
    tm_poke16(m, 0x6008, 0x10);
    CPUX86State *env = m->env;
    env->gdt.base = 0x3000;
    env->gdt.limit = sizeof(gdt) - 1;
    env->idt.base = 0x4000;
    env->idt.limit = 256 * 8 - 1;
    env->cr[0] |= X86_CR0_PE;
    struct x86_segment code = {0, 0xffffffffu, 0x00cf9b00u, 0x08};
    struct x86_segment data = {0, 0xffffffffu, 0x00cf9300u, 0x10};
    if (ring3) {
        code.flags = 0x00cffb00u;
        code.selector = 0x1b;
        data.flags = 0x00cff300u;
        data.selector = 0x23;
    }
    for (unsigned s = 0; s < 6; s++)
        env->segs[s] = data;
    env->segs[X86_SEG_CS] = code;
    env->tr = (struct x86_segment){0x6000, 0x67, 0x8b00, 0x28};
    cpu_update_hflags(env);
}

START_TEST(random_protected_mode_code_always_ends)
{
    struct tmachine m;
    uint64_t seed = 0xbb67ae8584caa73bull;
    unsigned ends[4] = {0};
    tm_init(&m);
    for (unsigned run = 0; run < RUNS / 2; run++) {
        uint8_t code[CODELEN];
        for (unsigned i = 0; i < CODELEN; i++)
            code[i] = (uint8_t)next_random(&seed);
        cpu_reset(m.cpu);
        for (unsigned r = 0; r < 8; r++)
            m.env->regs[r] = (uint32_t)next_random(&seed);
        m.env->regs[X86_ESP] = 0x7000 + (uint32_t)(next_random(&seed) & 0xff0);
        flat_protected(&m, run % 4 == 0);
        m.env->eip = TM_CODE;
        tm_code(&m, code, sizeof(code));
        enum cpu_exit_reason why = cpu_exec(m.cpu, 16);
        ck_assert_int_ne(why, CPU_EXIT_REQUEST);
        ends[why]++;
    }
    ck_assert_uint_gt(ends[CPU_EXIT_HALTED], 0);
    tm_free(&m);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("cpu_fuzz");
    TCase *tc = tcase_create("random_code");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, random_code_always_ends);
    tcase_add_test(tc, random_protected_mode_code_always_ends);
    suite_add_tcase(s, tc);
    return s;
}
