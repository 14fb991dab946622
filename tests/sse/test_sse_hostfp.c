/* The host floating-point path of the SSE helpers (cpu/helper-sse-hostfp.c) on edge cases:
 * for each operation the soft-float result and flags are the values derived by hand from
 * IEEE 754 and the SDM (Vol. 1 §4.8, §11.5: x86 QNaN rules, masked responses), and where
 * the host path takes the case (MXCSR at round to nearest, all masked, PE and every flag the
 * case raises already set) it gives the same bits; where it must not (NaNs, rounding modes,
 * unmasked exceptions, a flag not yet set) it declines. */
#include "cpu/helper-sse.h"

#include <check.h>

#define NEAREST_PE 0x1fa0u /* default MXCSR with PE set */
#define D(x)       UINT64_C(x)

struct fp_case {
    const char *what;
    unsigned op, esize;
    uint32_t mxcsr;
    uint64_t a, b;
    uint64_t result;
    uint32_t flags; /* what the operation raises */
    bool host;      /* the host path takes it */
};

static const struct fp_case cases[] = {
    {"1 + 2 exact", SSE_FP_ADD, 8, NEAREST_PE, D(0x3ff0000000000000), D(0x4000000000000000),
     D(0x4008000000000000), 0, true},
    {"0.1 * 3 inexact, PE set", SSE_FP_MUL, 8, NEAREST_PE, D(0x3fb999999999999a),
     D(0x4008000000000000), D(0x3fd3333333333334), SF_PE, true},
    {"0.1 * 3 inexact, PE clear", SSE_FP_MUL, 8, 0x1f80, D(0x3fb999999999999a),
     D(0x4008000000000000), D(0x3fd3333333333334), SF_PE, false},
    {"0.1 * 3 round down", SSE_FP_MUL, 8, NEAREST_PE | 1u << 13, D(0x3fb999999999999a),
     D(0x4008000000000000), D(0x3fd3333333333333), SF_PE, false},
    {"0.1 * 3 round up", SSE_FP_MUL, 8, NEAREST_PE | 2u << 13, D(0x3fb999999999999a),
     D(0x4008000000000000), D(0x3fd3333333333334), SF_PE, false},
    {"0.1 * 3 toward zero", SSE_FP_MUL, 8, NEAREST_PE | 3u << 13, D(0x3fb999999999999a),
     D(0x4008000000000000), D(0x3fd3333333333333), SF_PE, false},
    {"0.1 * 3 PE unmasked", SSE_FP_MUL, 8, NEAREST_PE & ~0x1000u, D(0x3fb999999999999a),
     D(0x4008000000000000), D(0x3fd3333333333334), SF_PE, false},
    {"denormal * 1, DE clear", SSE_FP_MUL, 8, NEAREST_PE, D(0x0000000000000001),
     D(0x3ff0000000000000), D(0x0000000000000001), SF_DE, false},
    {"denormal * 1, DE UE set", SSE_FP_MUL, 8, NEAREST_PE | SF_DE | SF_UE, D(0x0000000000000001),
     D(0x3ff0000000000000), D(0x0000000000000001), SF_DE, true},
    {"denormal + denormal, DE UE set", SSE_FP_ADD, 8, NEAREST_PE | SF_DE | SF_UE,
     D(0x000fffffffffffff), D(0x0000000000000001), D(0x0010000000000000), SF_DE, true},
    {"1e-300 * 1e-300 underflows to 0", SSE_FP_MUL, 8, NEAREST_PE, D(0x01a56e1fc2f8f359),
     D(0x01a56e1fc2f8f359), 0, SF_UE | SF_PE, false},
    {"1e-300 * 1e-300, UE set", SSE_FP_MUL, 8, NEAREST_PE | SF_UE, D(0x01a56e1fc2f8f359),
     D(0x01a56e1fc2f8f359), 0, SF_UE | SF_PE, true},
    {"DBL_MIN * 1: lowest binade", SSE_FP_MUL, 8, NEAREST_PE, D(0x0010000000000000),
     D(0x3ff0000000000000), D(0x0010000000000000), 0, false},
    {"1e300 * 1e300 overflows", SSE_FP_MUL, 8, NEAREST_PE, D(0x7e37e43c8800759c),
     D(0x7e37e43c8800759c), D(0x7ff0000000000000), SF_OE | SF_PE, false},
    {"1e300 * 1e300, OE set", SSE_FP_MUL, 8, NEAREST_PE | SF_OE, D(0x7e37e43c8800759c),
     D(0x7e37e43c8800759c), D(0x7ff0000000000000), SF_OE | SF_PE, true},
    {"inf + 1", SSE_FP_ADD, 8, NEAREST_PE, D(0x7ff0000000000000), D(0x3ff0000000000000),
     D(0x7ff0000000000000), 0, true},
    {"inf - inf: default NaN", SSE_FP_SUB, 8, NEAREST_PE | SF_IE, D(0x7ff0000000000000),
     D(0x7ff0000000000000), D(0xfff8000000000000), SF_IE, false},
    {"SNaN + 1: quieted payload", SSE_FP_ADD, 8, NEAREST_PE | SF_IE, D(0x7ff0000000000001),
     D(0x3ff0000000000000), D(0x7ff8000000000001), SF_IE, false},
    {"1 + QNaN: its payload", SSE_FP_ADD, 8, NEAREST_PE, D(0x3ff0000000000000),
     D(0x7ff8000000000123), D(0x7ff8000000000123), 0, false},
    {"-0 + -0", SSE_FP_ADD, 8, NEAREST_PE, D(0x8000000000000000), D(0x8000000000000000),
     D(0x8000000000000000), 0, true},
    {"+0 + -0", SSE_FP_ADD, 8, NEAREST_PE, 0, D(0x8000000000000000), 0, 0, true},
    {"1.5 - 1.5 = +0", SSE_FP_SUB, 8, NEAREST_PE, D(0x3ff8000000000000), D(0x3ff8000000000000), 0,
     0, true},
    {"-0 * 5 = -0", SSE_FP_MUL, 8, NEAREST_PE, D(0x8000000000000000), D(0x4014000000000000),
     D(0x8000000000000000), 0, true},
    {"1 / 0, ZE clear", SSE_FP_DIV, 8, NEAREST_PE, D(0x3ff0000000000000), 0, D(0x7ff0000000000000),
     SF_ZE, false},
    {"1 / 0, ZE set", SSE_FP_DIV, 8, NEAREST_PE | SF_ZE, D(0x3ff0000000000000), 0,
     D(0x7ff0000000000000), SF_ZE, true},
    {"0 / 0: default NaN", SSE_FP_DIV, 8, NEAREST_PE | SF_IE | SF_ZE, 0, 0, D(0xfff8000000000000),
     SF_IE, false},
    {"1 / 3", SSE_FP_DIV, 8, NEAREST_PE, D(0x3ff0000000000000), D(0x4008000000000000),
     D(0x3fd5555555555555), SF_PE, true},
    {"sqrt 2", SSE_FP_SQRT, 8, NEAREST_PE, 0, D(0x4000000000000000), D(0x3ff6a09e667f3bcd), SF_PE,
     true},
    {"sqrt -1: default NaN", SSE_FP_SQRT, 8, NEAREST_PE | SF_IE, 0, D(0xbff0000000000000),
     D(0xfff8000000000000), SF_IE, false},
    {"sqrt -0 = -0", SSE_FP_SQRT, 8, NEAREST_PE, 0, D(0x8000000000000000), D(0x8000000000000000), 0,
     true},
    {"min is not taken", SSE_FP_MIN, 8, NEAREST_PE, D(0x3ff0000000000000), D(0x4000000000000000),
     D(0x3ff0000000000000), 0, false},
    {"float: 1 + 2^-24 ties to even", SSE_FP_ADD, 4, NEAREST_PE, 0x3f800000, 0x33800000, 0x3f800000,
     SF_PE, true},
    {"float: 1 + 3 * 2^-25 rounds up", SSE_FP_ADD, 4, NEAREST_PE, 0x3f800000, 0x33c00000,
     0x3f800001, SF_PE, true},
    {"float: denormal * 0.5 underflows to 0", SSE_FP_MUL, 4, NEAREST_PE, 0x00000001, 0x3f000000, 0,
     SF_DE | SF_UE | SF_PE, false},
    {"float: denormal * 0.5, DE UE set", SSE_FP_MUL, 4, NEAREST_PE | SF_DE | SF_UE, 0x00000001,
     0x3f000000, 0, SF_DE | SF_UE | SF_PE, true},
    {"float: 2^127 * 4 overflows", SSE_FP_MUL, 4, NEAREST_PE | SF_OE, 0x7f000000, 0x40800000,
     0x7f800000, SF_OE | SF_PE, true},
    {"float: sqrt 4", SSE_FP_SQRT, 4, NEAREST_PE, 0, 0x40800000, 0x40000000, 0, true},
    {"float: SNaN * 1 quieted", SSE_FP_MUL, 4, NEAREST_PE | SF_IE, 0x7f800001, 0x3f800000,
     0x7fc00001, SF_IE, false},
};

static uint64_t soft(const struct fp_case *c, struct sf_status *st)
{
    const struct sf_fmt *f = c->esize == 8 ? &sf_f64 : &sf_f32;
    switch (c->op) {
    case SSE_FP_ADD: return sf_add(f, st, c->a, c->b);
    case SSE_FP_SUB: return sf_sub(f, st, c->a, c->b);
    case SSE_FP_MUL: return sf_mul(f, st, c->a, c->b);
    case SSE_FP_DIV: return sf_div(f, st, c->a, c->b);
    case SSE_FP_MIN: return sf_min(f, st, c->a, c->b);
    default: return sf_sqrt(f, st, c->b);
    }
}

START_TEST(soft_float_gives_the_derived_values)
{
    const struct fp_case *c = &cases[_i];
    struct sf_status st = {c->mxcsr, 0};
    uint64_t r = soft(c, &st);
    ck_assert_msg(r == c->result && (st.flags & SF_FLAGS) == c->flags,
                  "%s: soft-float %#llx flags %#x, expected %#llx %#x", c->what,
                  (unsigned long long)r, st.flags, (unsigned long long)c->result, c->flags);
}
END_TEST

START_TEST(host_path_agrees_or_declines)
{
    const struct fp_case *c = &cases[_i];
#if !defined(__x86_64__) && !defined(__aarch64__)
    if (c->op == SSE_FP_SQRT) /* no host square root instruction known there: always soft */
        return;
#endif
    uint64_t r = 0;
    bool host =
        sse_host_fp_usable(c->mxcsr) && sse_host_fp(c->op, c->esize, c->mxcsr, c->a, c->b, &r);
    ck_assert_msg(host == c->host, "%s: host path %s", c->what, host ? "taken" : "declined");
    if (host) {
        ck_assert_msg(r == c->result, "%s: host %#llx, expected %#llx", c->what,
                      (unsigned long long)r, (unsigned long long)c->result);
        ck_assert_uint_eq(c->flags & ~c->mxcsr, 0); /* nothing new for MXCSR */
    }
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("sse_hostfp");
    TCase *tc = tcase_create("edge");
    int n = (int)(sizeof(cases) / sizeof(cases[0]));
    tcase_add_loop_test(tc, soft_float_gives_the_derived_values, 0, n);
    tcase_add_loop_test(tc, host_path_agrees_or_declines, 0, n);
    suite_add_tcase(s, tc);
    return s;
}
