/* Chaining across a full-cache flush: the loop must not link the block that
 * ran before a flush (it is freed) to the block translated after it. A tiny
 * code buffer makes a long run of one-instruction blocks flush many times;
 * ASan builds catch a write into the freed block, every build checks the
 * guest's result. */
#include "machine.h"

#include "translator/translator.h"

#define BLOCKS   3000u
#define CHAIN_AT 0x2000u /* above the handler at 0x1800, below the stack */

/* BLOCKS times "inc ax; jmp short +0" (each JMP ends a block and chains to the
 * next one), then HLT. */
static size_t build_chain(uint8_t *code)
{
    size_t n = 0;
    for (unsigned i = 0; i < BLOCKS; i++) {
        code[n++] = 0x40; /* inc ax */
        code[n++] = 0xEB; /* jmp short $+2 */
        code[n++] = 0x00;
    }
    code[n++] = 0xF4; /* hlt */
    return n;
}

static void run_chain_with_small_cache(const char *backend)
{
    static uint8_t code[BLOCKS * 3 + 1];
    size_t n = build_chain(code);
    struct tmachine m;
    tm_init_chained(&m, true);
    cpu_free(m.cpu);
    struct cpu_config cfg = {.space = m.space,
                             .io = m.io,
                             .backend = translator_backend_by_name(backend),
                             .code_size = 64u << 10};
    ck_assert_ptr_nonnull(cfg.backend);
    m.cpu = cpu_new(&cfg);
    ck_assert_ptr_nonnull(m.cpu);
    m.env = cpu_env(m.cpu);
    for (unsigned seg = 0; seg < 6; seg++)
        cpu_load_seg_real(m.env, seg, 0);
    tm_poke(&m, CHAIN_AT, code, n);
    m.env->eip = CHAIN_AT;
    m.env->regs[0] = 0;
    ck_assert_int_eq(cpu_exec(m.cpu, 1000000), CPU_EXIT_HALTED);
    ck_assert_uint_eq(m.env->regs[0] & 0xffff, BLOCKS);
    ck_assert_uint_gt(translator_stats(cpu_translator(m.cpu))->flushes, 2);
    tm_free(&m);
}

START_TEST(chain_after_full_cache_flush_interp)
{
    run_chain_with_small_cache("interp");
}
END_TEST

START_TEST(chain_after_full_cache_flush_native)
{
    run_chain_with_small_cache(translator_default_backend());
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("cpu_flush");
    TCase *tc = tcase_create("flush");
    tcase_add_test(tc, chain_after_full_cache_flush_interp);
    tcase_add_test(tc, chain_after_full_cache_flush_native);
    suite_add_tcase(s, tc);
    return s;
}
