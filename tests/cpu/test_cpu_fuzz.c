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

Suite *test_suite(void)
{
    Suite *s = suite_create("cpu_fuzz");
    TCase *tc = tcase_create("random_code");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, random_code_always_ends);
    suite_add_tcase(s, tc);
    return s;
}
