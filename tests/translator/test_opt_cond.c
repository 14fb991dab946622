/* opt_simplify on what the lifter's lazy-flag readers emit: a condition
 * tested again (setcond, xor 1, brcond ne 0; movcond ne 0), CMP's first
 * operand recomputed as result + second; checked on the printed IR, and on the
 * interpreter with and without the optimizer for operands around each edge. */
#include "fixture.h"
#include "translator/opt.h"

#include <check.h>
#include <stdlib.h>

static void h_dummy(void)
{
}

enum { H_GLOBALS, H_PURE, H_COUNT };
static const struct ir_helper helpers[H_COUNT] = {
    {"uses_globals", h_dummy, IR_HT_VOID, 0, {0}, 0},
    {"pure_fn", h_dummy, IR_HT_I32, 1, {IR_HT_I32}, IR_CALL_PURE},
};

static struct test_mem mem;
static struct ir_env env;
static struct ir_block blk, *b = &blk;

static void setup(void)
{
    env = test_env(helpers, H_COUNT, &mem);
    ir_block_init(b, &env);
}

static void teardown(void)
{
    ir_block_destroy(b);
}

static void check_pass(void (*pass)(struct ir_block *), const char *before, const char *after)
{
    char err[128] = "";
    ck_assert_msg(ir_parse(b, before, err, sizeof(err)), "%s", err);
    pass(b);
    char *text = ir_print_str(b);
    ck_assert_str_eq(text, after);
    free(text);
}

static void unchanged(const char *text)
{
    check_pass(opt_simplify, text, text);
}

/* JNE after DEC: the lifter's ZF test, negated, tested against 0. */
START_TEST(negated_setcond_tested_by_brcond_is_one_brcond)
{
    check_pass(translator_optimize,
               " movi_i32 t0, $0x0\n"
               " setcond_i32 t1, eax, t0, eq\n"
               " movi_i32 t2, $0x1\n"
               " xor_i32 t1, t1, t2\n"
               " movi_i32 t3, $0x0\n"
               " brcond_i32 t1, t3, ne, L0\n"
               " exit_tb $0x0\n"
               "L0:\n"
               " exit_tb $0x1\n",
               " movi_i32 t0, $0x0\n"
               " brcond_i32 eax, t0, ne, L0\n"
               " exit_tb $0x0\n"
               "L0:\n"
               " exit_tb $0x1\n");
}
END_TEST

/* JB after CMP: CF recomputed from (result + second operand) < second. */
START_TEST(cmp_first_operand_recomputed_is_the_operand)
{
    check_pass(translator_optimize,
               " sub_i32 t0, eax, ecx\n"
               " mov_i32 edx, t0\n"
               " add_i32 t1, edx, ecx\n"
               " setcond_i32 t2, t1, ecx, ltu\n"
               " movi_i32 t3, $0x0\n"
               " brcond_i32 t2, t3, ne, L0\n"
               " exit_tb $0x0\n"
               "L0:\n"
               " exit_tb $0x1\n",
               " sub_i32 t0, eax, ecx\n"
               " mov_i32 edx, t0\n"
               " brcond_i32 eax, ecx, ltu, L0\n"
               " exit_tb $0x0\n"
               "L0:\n"
               " exit_tb $0x1\n");
}
END_TEST

START_TEST(tests_against_zero_and_one_keep_or_negate_the_condition)
{
    check_pass(opt_simplify,
               " movi_i64 t0, $0x0\n"
               " movi_i64 t1, $0x1\n"
               " setcond_i64 t2, ra, rb, lt\n"
               " brcond_i64 t2, t0, eq, L0\n"
               " brcond_i64 t1, t2, eq, L0\n"
               " brcond_i64 t2, t1, ne, L0\n"
               " setcond_i64 t3, t2, t0, eq\n"
               " setcond_i64 t4, t2, t0, ne\n"
               " movcond_i64 rc, t2, t0, ra, rb, ne\n"
               " movcond_i64 rd, t2, t1, ra, rb, ne\n"
               " xor_i64 t5, t1, t2\n"
               " and_i64 t6, t2, t1\n"
               "L0:\n"
               " exit_tb $0x0\n",
               " movi_i64 t0, $0x0\n"
               " movi_i64 t1, $0x1\n"
               " setcond_i64 t2, ra, rb, lt\n"
               " brcond_i64 ra, rb, ge, L0\n"
               " brcond_i64 ra, rb, lt, L0\n"
               " brcond_i64 ra, rb, ge, L0\n"
               " setcond_i64 t3, ra, rb, ge\n"
               " setcond_i64 t4, ra, rb, lt\n"
               " movcond_i64 rc, ra, rb, ra, rb, lt\n"
               " movcond_i64 rd, ra, rb, ra, rb, ge\n"
               " setcond_i64 t5, ra, rb, ge\n"
               " mov_i64 t6, t2\n"
               "L0:\n"
               " exit_tb $0x0\n");
}
END_TEST

/* A negated setcond is itself a setcond: negating twice gives the first. */
START_TEST(double_negation_and_every_condition_pair)
{
    check_pass(opt_simplify,
               " movi_i32 t0, $0x1\n"
               " setcond_i32 t1, eax, ecx, leu\n"
               " xor_i32 t1, t1, t0\n"
               " xor_i32 t1, t1, t0\n"
               " setcond_i32 t2, eax, ecx, gtu\n"
               " xor_i32 t2, t2, t0\n"
               " setcond_i32 t3, eax, ecx, tsteq\n"
               " xor_i32 t3, t3, t0\n"
               " setcond_i32 t4, eax, ecx, ne\n"
               " xor_i32 t4, t4, t0\n"
               " exit_tb $0x0\n",
               " movi_i32 t0, $0x1\n"
               " setcond_i32 t1, eax, ecx, leu\n"
               " setcond_i32 t1, eax, ecx, gtu\n"
               " setcond_i32 t1, eax, ecx, leu\n"
               " setcond_i32 t2, eax, ecx, gtu\n"
               " setcond_i32 t2, eax, ecx, leu\n"
               " setcond_i32 t3, eax, ecx, tsteq\n"
               " setcond_i32 t3, eax, ecx, tstne\n"
               " setcond_i32 t4, eax, ecx, ne\n"
               " setcond_i32 t4, eax, ecx, eq\n"
               " exit_tb $0x0\n");
}
END_TEST

/* x | 0 (JBE after TEST: ZF | a CF known to be 0) and copies keep it known. */
START_TEST(condition_kept_through_or_zero_and_copies)
{
    check_pass(opt_simplify,
               " movi_i32 t0, $0x0\n"
               " setcond_i32 t1, eax, ecx, eq\n"
               " or_i32 t1, t1, t0\n"
               " mov_i32 t2, t1\n"
               " brcond_i32 t2, t0, ne, L0\n"
               " brcond_i32 t1, t0, eq, L0\n"
               " mov_i32 eax, t1\n"
               " brcond_i32 eax, t0, eq, L0\n"
               "L0:\n"
               " exit_tb $0x0\n",
               " movi_i32 t0, $0x0\n"
               " setcond_i32 t1, eax, ecx, eq\n"
               " mov_i32 t1, t1\n"
               " mov_i32 t2, t1\n"
               " brcond_i32 eax, ecx, eq, L0\n"
               " brcond_i32 eax, ecx, ne, L0\n"
               " mov_i32 eax, t1\n"
               " brcond_i32 eax, t0, eq, L0\n"
               "L0:\n"
               " exit_tb $0x0\n");
}
END_TEST

/* The operands or the result changed, or other paths join: nothing known. */
START_TEST(condition_forgotten_when_its_operands_change)
{
    unchanged(" movi_i32 t0, $0x0\n"
              " setcond_i32 t1, eax, ecx, eq\n"
              " movi_i32 eax, $0x5\n"
              " brcond_i32 t1, t0, ne, L0\n"
              " setcond_i32 t2, eax, ecx, eq\n"
              " movi_i32 ecx, $0x7\n"
              " brcond_i32 t2, t0, ne, L0\n"
              " setcond_i32 t3, eax, edx, eq\n"
              " call uses_globals()\n"
              " brcond_i32 t3, t0, ne, L0\n"
              " setcond_i32 t4, eax, edx, eq\n"
              " st_i32 edx, env+0x8, u32\n"
              " brcond_i32 t4, t0, ne, L0\n"
              " setcond_i32 t5, eax, edx, eq\n"
              "L0:\n"
              " brcond_i32 t5, t0, ne, L1\n"
              " setcond_i32 t6, eax, edx, eq\n"
              " movi_i32 t6, $0x1\n"
              " brcond_i32 t6, t0, ne, L1\n"
              " setcond_i32 t7, t7, edx, eq\n"
              " brcond_i32 t7, t0, ne, L1\n"
              "L1:\n"
              " exit_tb $0x0\n");
}
END_TEST

START_TEST(condition_kept_across_pure_calls_and_unrelated_writes)
{
    check_pass(opt_simplify,
               " movi_i32 t0, $0x0\n"
               " setcond_i32 t1, eax, edx, ltu\n"
               " call ebx = pure_fn(eax)\n"
               " st_i32 ebx, env+0x28, u32\n"
               " movi_i32 ecx, $0x5\n"
               " brcond_i32 t1, t0, ne, L0\n"
               "L0:\n"
               " exit_tb $0x0\n",
               " movi_i32 t0, $0x0\n"
               " setcond_i32 t1, eax, edx, ltu\n"
               " call ebx = pure_fn(eax)\n"
               " st_i32 ebx, env+0x28, u32\n"
               " movi_i32 ecx, $0x5\n"
               " brcond_i32 eax, edx, ltu, L0\n"
               "L0:\n"
               " exit_tb $0x0\n");
}
END_TEST

/* Not a boolean test: compared with 2, or with lt, or the types differ. */
START_TEST(only_eq_ne_against_zero_or_one_is_a_boolean_test)
{
    unchanged(" movi_i32 t0, $0x2\n"
              " movi_i32 t1, $0x0\n"
              " setcond_i32 t2, eax, ecx, eq\n"
              " brcond_i32 t2, t0, ne, L0\n"
              " brcond_i32 t2, t1, lt, L0\n"
              " brcond_i32 t2, edx, ne, L0\n"
              " xor_i32 t3, t2, t0\n"
              " and_i32 t4, t2, t0\n"
              "L0:\n"
              " exit_tb $0x0\n");
}
END_TEST

START_TEST(sub_then_add_back_gives_the_first_operand)
{
    check_pass(opt_simplify,
               " sub_i32 t0, eax, ecx\n"
               " add_i32 t1, t0, ecx\n"
               " add_i32 t2, ecx, t0\n"
               " add_i32 t3, t0, edx\n"
               " sub_i64 t4, ra, rb\n"
               " add_i64 t5, rb, t4\n"
               " exit_tb $0x0\n",
               " sub_i32 t0, eax, ecx\n"
               " mov_i32 t1, eax\n"
               " mov_i32 t2, eax\n"
               " add_i32 t3, t0, edx\n"
               " sub_i64 t4, ra, rb\n"
               " mov_i64 t5, ra\n"
               " exit_tb $0x0\n");
    ir_block_reset(b);
    unchanged(" sub_i32 t0, eax, ecx\n"
              " movi_i32 eax, $0x3\n"
              " add_i32 t1, t0, ecx\n"
              " sub_i32 t2, edx, ecx\n"
              " movi_i32 ecx, $0x3\n"
              " add_i32 t3, t2, ecx\n"
              " sub_i32 eax, eax, ecx\n"
              " add_i32 t4, eax, ecx\n"
              " exit_tb $0x0\n");
}
END_TEST

/* ---- The same blocks run with and without the optimizer ---- */

static const char *const programs[] = {
    /* each condition, negated, branched on */
    " setcond_i32 t0, eax, ecx, %s\n"
    " movi_i32 t1, $0x1\n"
    " xor_i32 t0, t0, t1\n"
    " movi_i32 t2, $0x0\n"
    " brcond_i32 t0, t2, ne, L0\n"
    " movi_i32 edx, $0x11\n"
    " exit_tb $0x0\n"
    "L0:\n"
    " movi_i32 edx, $0x22\n"
    " exit_tb $0x0\n",
    /* a 64-bit condition selecting with movcond, and setcond eq 0 */
    " setcond_i64 t0, ra, rb, %s\n"
    " movi_i64 t1, $0x0\n"
    " movcond_i64 rc, t0, t1, ra, rb, ne\n"
    " setcond_i64 rd, t0, t1, eq\n"
    " exit_tb $0x0\n",
    /* CMP then a condition on the recomputed first operand */
    " sub_i32 t0, eax, ecx\n"
    " mov_i32 ebx, t0\n"
    " add_i32 t1, ebx, ecx\n"
    " setcond_i32 t2, t1, ecx, %s\n"
    " movi_i32 t3, $0x0\n"
    " brcond_i32 t2, t3, eq, L0\n"
    " movi_i32 edx, $0x11\n"
    "L0:\n"
    " exit_tb $0x0\n",
};

static void run_program(const char *fmt, enum ir_cond c, bool optimize, struct test_state *st)
{
    char text[1024], err[128] = "";
    snprintf(text, sizeof(text), fmt, ir_cond_name(c));
    struct translator_config cfg = {
        .env = &env, .backend = &tb_backend_interp, .code_size = 1 << 20, .no_optimize = !optimize};
    struct translator *t = translator_new(&cfg);
    ck_assert_ptr_nonnull(t);
    ck_assert_msg(ir_parse(translator_block(t), text, err, sizeof(err)), "%s", err);
    struct tb_key k = {0x1000, 0, 0};
    struct tb *tb = translator_commit(t, 0x1000, &k, 1, TB_NO_PAGE);
    ck_assert_ptr_nonnull(tb);
    translator_exec(t, tb, st);
    translator_free(t);
}

START_TEST(optimized_condition_tests_compute_what_unoptimized_ones_do)
{
    static const uint64_t values[] = {0, 1, 2, 0x7fffffff, 0x80000000u, 0xffffffffu,
                                      0x8000000000000000ull, ~0ull};
    const unsigned nv = sizeof(values) / sizeof(values[0]);
    unsigned checked = 0;
    for (unsigned p = 0; p < sizeof(programs) / sizeof(programs[0]); p++)
        for (unsigned c = IR_COND_EQ; c < IR_COND_COUNT; c++)
            for (unsigned i = 0; i < nv * nv; i++) {
                struct test_state want = {.eax = (uint32_t)values[i / nv],
                                          .ecx = (uint32_t)values[i % nv],
                                          .ra = values[i / nv],
                                          .rb = values[i % nv]};
                struct test_state got = want;
                run_program(programs[p], (enum ir_cond)c, false, &want);
                run_program(programs[p], (enum ir_cond)c, true, &got);
                ck_assert_msg(memcmp(&want, &got, sizeof(want)) == 0, "program %u, %s, %u", p,
                              ir_cond_name((enum ir_cond)c), i);
                checked++;
            }
    ck_assert_uint_eq(checked, 3 * 12 * 64);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("translator_opt_cond");
    TCase *tc = tcase_create("opt_cond");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, negated_setcond_tested_by_brcond_is_one_brcond);
    tcase_add_test(tc, cmp_first_operand_recomputed_is_the_operand);
    tcase_add_test(tc, tests_against_zero_and_one_keep_or_negate_the_condition);
    tcase_add_test(tc, double_negation_and_every_condition_pair);
    tcase_add_test(tc, condition_kept_through_or_zero_and_copies);
    tcase_add_test(tc, condition_forgotten_when_its_operands_change);
    tcase_add_test(tc, condition_kept_across_pure_calls_and_unrelated_writes);
    tcase_add_test(tc, only_eq_ne_against_zero_or_one_is_a_boolean_test);
    tcase_add_test(tc, sub_then_add_back_gives_the_first_operand);
    tcase_add_test(tc, optimized_condition_tests_compute_what_unoptimized_ones_do);
    suite_add_tcase(s, tc);
    return s;
}
