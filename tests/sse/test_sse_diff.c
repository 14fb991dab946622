/* Differential test of the SSE soft-float against the host CPU (x86-64 hosts): every operation
 * of sse-ops.def on random operands biased to NaNs, infinities, denormals and rounding
 * boundaries, under every MXCSR.RC with each FTZ/DAZ combination (exceptions masked); result
 * bits and MXCSR flags must be identical. */
#include "sse-host.h"

#include <check.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <ucontext.h>

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

/* Unmasked exceptions: the host traps (#XM, SIGFPE); the handler reads MXCSR from the saved
 * state and jumps back. jit86 must trap on the same cases and set the same flags. */
static sigjmp_buf trap_jmp;
static volatile uint32_t trap_mxcsr;

static void on_sigfpe(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)si;
    trap_mxcsr = ((ucontext_t *)ctx)->uc_mcontext.fpregs->mxcsr;
    siglongjmp(trap_jmp, 1);
}

static bool host_trapping(const struct sse_case *c, struct sse_out *o)
{
    static const uint32_t dflt = SF_MXCSR_DEFAULT;
    if (sigsetjmp(trap_jmp, 1)) {
        __asm__ volatile("ldmxcsr %0" : : "m"(dflt));
        o->flags = trap_mxcsr & SF_FLAGS;
        return true;
    }
    sse_host(c, o);
    return false;
}

START_TEST(unmasked_exceptions_trap_with_the_host_flags)
{
    struct sigaction sa = {.sa_sigaction = on_sigfpe, .sa_flags = SA_SIGINFO}, old;
    sigemptyset(&sa.sa_mask);
    ck_assert_int_eq(sigaction(SIGFPE, &sa, &old), 0);
    unsigned total = 0, bad = 0, traps = 0;
    uint64_t s = 77;
    for (uint32_t op = 0; op < SSE_OP_COUNT; op++)
        for (unsigned i = 0; i < 20000; i++) {
            uint32_t masks = (uint32_t)(sse_rand(&s) & 0x3f) << SF_MASK_SHIFT;
            struct sse_case c = {.op = op,
                                 .mxcsr = masks | (i & 3) << SF_RC_SHIFT | ((i & 4) ? SF_FTZ : 0) |
                                          ((i & 8) ? SF_DAZ : 0),
                                 .imm = (uint32_t)(sse_rand(&s) & 7)};
            c.a = sse_operand(&s, sse_ops[op].bits, sse_ops[op].kind);
            c.b = sse_operand(&s, sse_ops[op].bits, sse_ops[op].kind);
            struct sse_out want = {0, 0}, got;
            bool host_trap = host_trapping(&c, &want);
            sse_jit86(&c, &got);
            bool jit_trap = (got.flags & ~(c.mxcsr >> SF_MASK_SHIFT) & SF_FLAGS) != 0;
            total++;
            traps += host_trap;
            bool ok =
                host_trap == jit_trap && want.flags == got.flags && (host_trap || want.r == got.r);
            if (!ok && bad++ < 30)
                printf("%s mxcsr=%04x imm=%u a=%016llx b=%016llx: host trap %d %016llx/%02x, "
                       "jit86 trap %d %016llx/%02x\n",
                       sse_ops[op].name, c.mxcsr, c.imm, (unsigned long long)c.a,
                       (unsigned long long)c.b, host_trap, (unsigned long long)want.r, want.flags,
                       jit_trap, (unsigned long long)got.r, got.flags);
        }
    sigaction(SIGFPE, &old, NULL);
    printf("sse_diff unmasked: %u cases, %u traps, %u differ\n", total, traps, bad);
    ck_assert_uint_gt(traps, 1000);
    ck_assert_uint_eq(bad, 0);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("sse_diff");
    TCase *tc = tcase_create("host");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, sse_softfloat_matches_host_bit_for_bit);
    tcase_add_test(tc, unmasked_exceptions_trap_with_the_host_flags);
    suite_add_tcase(s, tc);
    return s;
}
