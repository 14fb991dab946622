/* ADDPS, ADDSS and MULPD through cpu_exec with MXCSR at round to nearest, all masked, PE set:
 * the helper's register fast path (cpu/helper-sse.c) packs float32 lanes two to a quadword,
 * keeps the upper lanes of a scalar form, and hands the whole instruction to the soft-float
 * when one lane raises a flag MXCSR does not hold yet (a denormal operand: DE; an overflow:
 * OE), which then sets it; with those flags already set the same instructions give the same
 * bits and leave MXCSR alone. Values derived by hand (IEEE 754 round to nearest). */
#include "../cpu/machine.h"

#include <check.h>

#define F32(lo, hi) ((uint64_t)(hi) << 32 | (lo))

/* addps xmm0,xmm1; addss xmm2,xmm3; mulpd xmm4,xmm5; hlt */
static const uint8_t code[] = {0x0f, 0x58, 0xc1, 0xf3, 0x0f, 0x58,
                               0xd3, 0x66, 0x0f, 0x59, 0xe5, 0xf4};

static void run(uint32_t mxcsr_in, uint32_t mxcsr_out)
{
    struct tmachine m;
    tm_init(&m);
    tm_code(&m, code, sizeof(code));
    m.env->cr[4] |= 0x600; /* OSFXSR, OSXMMEXCPT */
    m.env->fpu.mxcsr = mxcsr_in;
    m.env->xmm[0] = (struct x86_xmm){{F32(0x3f800000, 0x40000000), F32(0x40400000, 0x40800000)}};
    /* 0.5, 0.25, -3, the smallest denormal */
    m.env->xmm[1] = (struct x86_xmm){{F32(0x3f000000, 0x3e800000), F32(0xc0400000, 0x00000001)}};
    m.env->xmm[2] = (struct x86_xmm){{F32(0x3f800000, 0x40e00000), F32(0x41000000, 0x41100000)}};
    m.env->xmm[3] = (struct x86_xmm){{F32(0x40000000, 0x42c80000), F32(0x42c80000, 0x42c80000)}};
    m.env->xmm[4] = (struct x86_xmm){{UINT64_C(0x4008000000000000), UINT64_C(0x7e37e43c8800759c)}};
    m.env->xmm[5] = (struct x86_xmm){{UINT64_C(0x3fe0000000000000), UINT64_C(0x7e37e43c8800759c)}};
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_uint_eq(m.env->eip, TM_CODE + sizeof(code));
    /* 1.5, 2.25, +0, 4 (4 + denormal rounds to 4) */
    ck_assert_uint_eq(m.env->xmm[0].q[0], F32(0x3fc00000, 0x40100000));
    ck_assert_uint_eq(m.env->xmm[0].q[1], F32(0x00000000, 0x40800000));
    /* 3, then 7, 8, 9 kept */
    ck_assert_uint_eq(m.env->xmm[2].q[0], F32(0x40400000, 0x40e00000));
    ck_assert_uint_eq(m.env->xmm[2].q[1], F32(0x41000000, 0x41100000));
    /* 1.5, +inf */
    ck_assert_uint_eq(m.env->xmm[4].q[0], UINT64_C(0x3ff8000000000000));
    ck_assert_uint_eq(m.env->xmm[4].q[1], UINT64_C(0x7ff0000000000000));
    ck_assert_uint_eq(m.env->fpu.mxcsr, mxcsr_out);
    tm_free(&m);
}

START_TEST(first_denormal_and_overflow_go_soft_and_set_de_oe)
{
    run(0x1fa0, 0x1fa0 | 0x02 | 0x08);
}
END_TEST

START_TEST(with_de_oe_set_the_host_path_gives_the_same_bits)
{
    run(0x1fa0 | 0x02 | 0x08, 0x1fa0 | 0x02 | 0x08);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("sse_hostfp_insn");
    TCase *tc = tcase_create("insn");
    tcase_add_test(tc, first_denormal_and_overflow_go_soft_and_set_de_oe);
    tcase_add_test(tc, with_de_oe_set_the_host_path_gives_the_same_bits);
    suite_add_tcase(s, tc);
    return s;
}
