/* Replays sse-reference.txt (host SSE results recorded by sse_refgen on x86-64) through the
 * soft-float on whatever host runs the test (AArch64 in the cross build): result bits and
 * MXCSR flags must match every recorded case. */
#include "sse-harness.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

static int op_by_name(const char *name)
{
    for (int i = 0; i < SSE_OP_COUNT; i++)
        if (!strcmp(sse_ops[i].name, name))
            return i;
    return -1;
}

START_TEST(recorded_host_sse_results_replay_bit_for_bit)
{
    FILE *f = fopen(SSE_REFERENCE_FILE, "r");
    ck_assert_ptr_nonnull(f);
    char name[32];
    unsigned mxcsr, imm, flags, lines = 0, bad = 0;
    unsigned long long a, b, r;
    while (fscanf(f, "%31s %x %u %llx %llx %llx %x", name, &mxcsr, &imm, &a, &b, &r, &flags) == 7) {
        int op = op_by_name(name);
        ck_assert_int_ge(op, 0);
        struct sse_case c = {(uint32_t)op, mxcsr, imm, a, b};
        struct sse_out o;
        sse_jit86(&c, &o);
        lines++;
        if (o.r != r || o.flags != flags) {
            if (bad++ < 20)
                printf("%s %04x %u %016llx %016llx: recorded %016llx/%02x, got %016llx/%02x\n",
                       name, mxcsr, imm, a, b, r, flags, (unsigned long long)o.r, o.flags);
        }
    }
    fclose(f);
    printf("sse_replay: %u cases, %u differ\n", lines, bad);
    ck_assert_uint_ge(lines, 5000);
    ck_assert_uint_eq(bad, 0);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("sse_replay");
    TCase *tc = tcase_create("replay");
    tcase_add_test(tc, recorded_host_sse_results_replay_bit_for_bit);
    suite_add_tcase(s, tc);
    return s;
}
