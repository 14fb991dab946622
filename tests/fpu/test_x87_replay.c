/* Replays the seeded cases of the x87 differential test through the soft-float on any host
 * and checks the digests recorded from the x87 (tests/fpu/x87-reference.txt, written by
 * fpu_refgen): the AArch64 build must compute the same bits as the x87. */
#include "fpu-harness.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

START_TEST(replayed_results_match_recorded_x87_digests)
{
    FILE *f = fopen(FPU_REFERENCE_FILE, "r");
    char line[256];
    int blocks = 0, bad = 0;
    long cases_total = 0;
    ck_assert_msg(f != NULL, "cannot open %s", FPU_REFERENCE_FILE);
    while (fgets(line, sizeof(line), f)) {
        char name[32], source[8];
        unsigned cw;
        int cases, i, mode;
        unsigned long long want;
        uint64_t got = FPU_DIGEST_INIT;
        if (line[0] == '#')
            continue;
        ck_assert_int_eq(sscanf(line, "%31s %x %d %7s %llx", name, &cw, &cases, source, &want), 5);
        for (i = 0; i < fpu_op_count && strcmp(fpu_ops[i].name, name); i++)
            ;
        ck_assert_msg(i < fpu_op_count, "unknown operation %s", name);
        for (mode = 0; mode < fpu_mode_count(&fpu_ops[i]); mode++)
            if (fpu_mode_cw(&fpu_ops[i], mode) == cw)
                break;
        ck_assert_msg(mode < fpu_mode_count(&fpu_ops[i]), "%s: unknown mode %04x", name, cw);
        uint64_t rng = fpu_block_seed(i, mode);
        for (int k = 0; k < cases; k++) {
            struct fpu_case c;
            struct fpu_out o;
            fpu_gen_case(&rng, fpu_ops[i].gen, &c);
            fpu_run_soft(&fpu_ops[i], (uint16_t)cw, &c, &o);
            got = fpu_digest(got, &fpu_ops[i], &o);
        }
        if (got != want && bad++ < 10)
            printf("%s cw=%04x: digest %016llx, recorded (%s) %016llx\n", name, cw,
                   (unsigned long long)got, source, want);
        blocks++;
        cases_total += cases;
    }
    fclose(f);
    printf("replayed %d blocks, %ld cases\n", blocks, cases_total);
    ck_assert_int_gt(cases_total, 100000);
    ck_assert_msg(bad == 0, "%d of %d blocks differ from the recorded x87 results", bad, blocks);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("fpu_x87_replay");
    TCase *tc = tcase_create("replay");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, replayed_results_match_recorded_x87_digests);
    suite_add_tcase(s, tc);
    return s;
}
