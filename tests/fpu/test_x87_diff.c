/* Differential test of the floatx80 soft-float against this host's x87 (x86-64 only):
 * seeded operand sets for every operation of fpu-ops.def in every rounding x precision x
 * exception-mask mode; exact operations must match result bits and status word bits, the
 * transcendentals must stay within the bound stated in cpu/fpu/README.md. */
#include "fpu-harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#if defined(__x86_64__)

/* Largest distance in 64-bit ulps from the host x87, per transcendental. */
static uint64_t trans_bound(const char *name)
{
    (void)name;
    return 1;
}

static void run_op(int i)
{
    const struct fpu_op *op = &fpu_ops[i];
    int cases = op->transcendental ? FPU_TRANS_CASES_PER_BLOCK : FPU_CASES_PER_BLOCK;
    long mismatches = 0, total = 0, identical = 0;
    uint64_t worst = 0;
    for (int mode = 0; mode < fpu_mode_count(op); mode++) {
        uint16_t cw = fpu_mode_cw(op, mode);
        uint64_t rng = fpu_block_seed(i, mode);
        for (int k = 0; k < cases; k++, total++) {
            struct fpu_case c;
            struct fpu_out soft, host;
            bool bad;
            fpu_gen_case(&rng, op->gen, &c);
            fpu_run_soft(op, cw, &c, &soft);
            fpu_run_host(op, cw, &c, &host);
            if (op->transcendental) {
                uint64_t d = fpu_out_ulps(op, &soft, &host);
                worst = d > worst ? d : worst;
                identical += d == 0;
                bad =
                    d > trans_bound(op->name) || (soft.sw & op->sw_mask) != (host.sw & op->sw_mask);
            } else {
                bad = !fpu_out_equal(op, &soft, &host);
            }
            if (bad && mismatches++ < 8) {
                char a[160], b[160], d[160];
                fpu_format_case(a, sizeof(a), &c);
                fpu_format_out(b, sizeof(b), op, &soft);
                fpu_format_out(d, sizeof(d), op, &host);
                printf("%s cw=%04x %s\n  soft %s\n  x87  %s\n", op->name, cw, a, b, d);
            }
        }
    }
    if (!op->transcendental)
        printf("%s: %ld cases, %ld differ from the x87\n", op->name, total, mismatches);
    if (op->transcendental)
        printf("%s: %ld cases, %ld bit-identical, max distance from the x87 %llu ulp\n", op->name,
               total, identical, (unsigned long long)worst);
    ck_assert_msg(mismatches == 0, "%s: %ld of %ld cases differ from the host x87", op->name,
                  mismatches, total);
}

START_TEST(x87_soft_float_matches_host)
{
    run_op(_i);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("fpu_x87_diff");
    TCase *tc = tcase_create("ops");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, x87_soft_float_matches_host, 0, fpu_op_count);
    suite_add_tcase(s, tc);
    return s;
}

#else

START_TEST(x87_differential_needs_x86_64_host)
{
    printf("SKIPPED: the x87 differential test needs an x86-64 host; "
           "fpu_x87_replay checks the recorded results instead\n");
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("fpu_x87_diff");
    TCase *tc = tcase_create("skip");
    tcase_add_test(tc, x87_differential_needs_x86_64_host);
    suite_add_tcase(s, tc);
    return s;
}

#endif
