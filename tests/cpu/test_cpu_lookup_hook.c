/* The goto_ptr hook (cpu_exec_lookup_code, cpu/exec.c) on its own: which
 * next blocks it hands to generated code and which it leaves to the loop. */
#include "machine.h"

#include "cpu/cpu-internal.h"
#include "translator/translator.h"

/* 1000: jmp 1010; 1010: inc ax; hlt */
static const uint8_t code[] = {0xeb, 0x0e};
static const uint8_t tail[] = {0x40, 0xf4};

/* Runs the code once, so the blocks at 1000 and 1010 exist and the TLB maps
 * their page; leaves the CPU as a goto_ptr to eip would find it. */
static void setup(struct tmachine *m)
{
    tm_init_chained(m, true);
    tm_code(m, code, sizeof(code));
    tm_poke(m, TM_CODE + 0x10, tail, sizeof(tail));
    ck_assert_int_eq(tm_run(m), CPU_EXIT_HALTED);
    m->env->halted = false;
}

static const void *hook_at(struct tmachine *m, uint32_t eip)
{
    m->env->eip = eip;
    return cpu_exec_lookup_code(m->env);
}

START_TEST(lookup_hook_finds_a_block_in_the_jump_cache)
{
    struct tmachine m;
    setup(&m);
    const void *code_ptr = hook_at(&m, TM_CODE + 0x10);
    ck_assert_ptr_nonnull(code_ptr);
    uint64_t hits = translator_stats(cpu_translator(m.cpu))->jc_hits;
    ck_assert_ptr_eq(hook_at(&m, TM_CODE + 0x10), code_ptr);
    ck_assert_uint_eq(translator_stats(cpu_translator(m.cpu))->jc_hits, hits + 1);
    tm_free(&m);
}
END_TEST

/* A CR3 write empties the jump cache: the hook finds the block in the hash
 * table instead of sending generated code back to the loop, and puts it in
 * the jump cache again. */
START_TEST(lookup_hook_falls_back_to_the_hash_table)
{
    struct tmachine m;
    setup(&m);
    const void *code_ptr = hook_at(&m, TM_CODE + 0x10);
    ck_assert_ptr_nonnull(code_ptr);
    tb_jmp_cache_flush(&cpu_of(m.env)->jc);
    const struct translator_stats *s = translator_stats(cpu_translator(m.cpu));
    uint64_t hash = s->hash_hits, jc = s->jc_hits;
    ck_assert_ptr_eq(hook_at(&m, TM_CODE + 0x10), code_ptr);
    ck_assert_uint_eq(s->hash_hits, hash + 1);
    ck_assert_ptr_eq(hook_at(&m, TM_CODE + 0x10), code_ptr);
    ck_assert_uint_eq(s->jc_hits, jc + 1);
    tm_free(&m);
}
END_TEST

START_TEST(lookup_hook_leaves_untranslated_code_to_the_loop)
{
    struct tmachine m;
    setup(&m);
    uint64_t translated = translator_stats(cpu_translator(m.cpu))->blocks_translated;
    ck_assert_ptr_null(hook_at(&m, TM_CODE + 0x20));
    ck_assert_uint_eq(translator_stats(cpu_translator(m.cpu))->blocks_translated, translated);
    tm_free(&m);
}
END_TEST

/* Whatever the caches hold, a pending interrupt goes back to the loop. */
START_TEST(lookup_hook_leaves_a_pending_interrupt_to_the_loop)
{
    struct tmachine m;
    setup(&m);
    m.env->eflags |= X86_IF;
    cpu_set_irq(m.cpu, true);
    ck_assert_ptr_null(hook_at(&m, TM_CODE + 0x10));
    tm_free(&m);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("cpu_lookup_hook");
    TCase *tc = tcase_create("lookup_hook");
    tcase_add_test(tc, lookup_hook_finds_a_block_in_the_jump_cache);
    tcase_add_test(tc, lookup_hook_falls_back_to_the_hash_table);
    tcase_add_test(tc, lookup_hook_leaves_untranslated_code_to_the_loop);
    tcase_add_test(tc, lookup_hook_leaves_a_pending_interrupt_to_the_loop);
    suite_add_tcase(s, tc);
    return s;
}
