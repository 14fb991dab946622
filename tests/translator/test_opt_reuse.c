/* The optimizer's work space kept in the block between blocks (the op array
 * a pass replaced, ir_block_scratch): a block optimized after a larger and a
 * smaller one comes out exactly as on a fresh block, loops inside it
 * included, and the scratch area is handed out zeroed. */
#include "fixture.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

static const struct ir_helper no_helpers[1] = {{"none", NULL, IR_HT_VOID, 0, {0}, 0}};

/* A loop inside the block (a backward branch: DCE must iterate). */
static const char loop_text[] = " movi_i32 t0, $0x0\n"
                                "L0:\n"
                                " add_i32 t0, t0, eax\n"
                                " mov_i32 t1, t0\n"
                                " movi_i32 t2, $0x1\n"
                                " sub_i32 ecx, ecx, t2\n"
                                " brcond_i32 ecx, edx, ne, L0\n"
                                " mov_i32 eax, t1\n"
                                " mov_i32 ebx, t1\n"
                                " exit_tb $0x0\n";

/* n forward-branching groups with dead and folded values. */
static char *big_text(unsigned n)
{
    size_t cap = 256 + n * 200, len = 0;
    char *s = malloc(cap);
    ck_assert_ptr_nonnull(s);
    for (unsigned i = 0; i < n; i++)
        len += (size_t)snprintf(s + len, cap - len,
                                " movi_i32 t%u, $0x%x\n"
                                " add_i32 t%u, eax, t%u\n"
                                " mov_i32 edx, t%u\n"
                                " mov_i32 ecx, edx\n"
                                " brcond_i32 ecx, ebx, eq, L%u\n"
                                " mov_i32 eax, t%u\n"
                                "L%u:\n",
                                2 * i, i + 1, 2 * i + 1, 2 * i, 2 * i + 1, i, 2 * i + 1, i);
    snprintf(s + len, cap - len, " exit_tb $0x0\n");
    return s;
}

static char *optimized(struct ir_block *b, const char *text)
{
    char err[128] = "";
    ir_block_reset(b);
    ck_assert_msg(ir_parse(b, text, err, sizeof(err)), "%s", err);
    translator_optimize(b);
    return ir_print_str(b);
}

static char *optimized_fresh(const struct ir_env *env, const char *text)
{
    struct ir_block b;
    ir_block_init(&b, env);
    char *r = optimized(&b, text);
    ir_block_destroy(&b);
    return r;
}

START_TEST(reused_block_optimizes_like_a_fresh_one)
{
    struct test_mem mem;
    struct ir_env env = test_env(no_helpers, 1, &mem);
    char *big = big_text(300), *small = big_text(3);
    const char *texts[4] = {big, loop_text, small, big};
    struct ir_block b;
    ir_block_init(&b, &env);
    for (unsigned round = 0; round < 2; round++) {
        for (unsigned i = 0; i < 4; i++) {
            char *want = optimized_fresh(&env, texts[i]), *got = optimized(&b, texts[i]);
            ck_assert_str_eq(got, want);
            free(want);
            free(got);
        }
    }
    /* The loop keeps the value read after it (t1 from t0 of the last round). */
    char *loop = optimized(&b, loop_text);
    ck_assert_msg(strstr(loop, "mov_i32 eax, t") != NULL, "%s", loop);
    free(loop);
    ir_block_destroy(&b);
    free(big);
    free(small);
}
END_TEST

START_TEST(scratch_area_comes_back_zeroed)
{
    struct test_mem mem;
    struct ir_env env = test_env(no_helpers, 1, &mem);
    struct ir_block b;
    ir_block_init(&b, &env);
    uint8_t *p = ir_block_scratch(&b, 4096);
    memset(p, 0xa5, 4096);
    uint8_t *q = ir_block_scratch(&b, 1000);
    for (unsigned i = 0; i < 1000; i++)
        ck_assert_uint_eq(q[i], 0);
    uint8_t *r = ir_block_scratch(&b, 100000);
    for (unsigned i = 0; i < 100000; i += 997)
        ck_assert_uint_eq(r[i], 0);
    ir_block_destroy(&b);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("translator_opt_reuse");
    TCase *tc = tcase_create("reuse");
    tcase_add_test(tc, reused_block_optimizes_like_a_fresh_one);
    tcase_add_test(tc, scratch_area_comes_back_zeroed);
    suite_add_tcase(s, tc);
    return s;
}
