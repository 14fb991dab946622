/* Differential test of the SSE soft-float against the host CPU (x86-64 hosts): every operation
 * of sse-ops.def on random operands biased to NaNs, infinities, denormals and rounding
 * boundaries, under every MXCSR.RC with each FTZ/DAZ combination (exceptions masked); result
 * bits and MXCSR flags must be identical. */
#include "sse-host.h"

#include <check.h>
#include <stdio.h>

enum { MODES = 16 }; /* 4 RC x FTZ x DAZ */

static unsigned run(uint32_t op, uint64_t seed, unsigned n, unsigned *shown)
{
    unsigned bad = 0;
    uint64_t s = seed * 0x9e3779b97f4a7c15u + op + 1;
    for (unsigned i = 0; i < n; i++) {
        uint32_t mode = i % MODES;
        struct sse_case c = {.op = op,
                             .mxcsr = SF_MXCSR_DEFAULT | (mode & 3) << SF_RC_SHIFT |
                                      ((mode & 4) ? SF_FTZ : 0) | ((mode & 8) ? SF_DAZ : 0),
                             .imm = (uint32_t)(sse_rand(&s) & 7)};
        c.a = sse_operand(&s, sse_ops[op].bits, sse_ops[op].kind);
        c.b = sse_operand(&s, sse_ops[op].bits, sse_ops[op].kind);
        struct sse_out want, got;
        sse_host(&c, &want);
        sse_jit86(&c, &got);
        if (want.r == got.r && want.flags == got.flags)
            continue;
        if (bad++ == 0 && (*shown)++ < 40)
            printf(
                "%s mxcsr=%04x imm=%u a=%016llx b=%016llx: host %016llx/%02x jit86 %016llx/%02x\n",
                sse_ops[op].name, c.mxcsr, c.imm, (unsigned long long)c.a, (unsigned long long)c.b,
                (unsigned long long)want.r, want.flags, (unsigned long long)got.r, got.flags);
    }
    return bad;
}

START_TEST(sse_softfloat_matches_host_bit_for_bit)
{
    unsigned total = 0, bad = 0, shown = 0;
    for (uint32_t op = 0; op < SSE_OP_COUNT; op++) {
        unsigned n = 200000;
        unsigned b = run(op, 1, n, &shown);
        if (b)
            printf("%s: %u of %u differ\n", sse_ops[op].name, b, n);
        bad += b;
        total += n;
    }
    printf("sse_diff: %u cases, %u differ\n", total, bad);
    ck_assert_uint_ge(total, 1000000);
    ck_assert_uint_eq(bad, 0);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("sse_diff");
    TCase *tc = tcase_create("host");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, sse_softfloat_matches_host_bit_for_bit);
    suite_add_tcase(s, tc);
    return s;
}
