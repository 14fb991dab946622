/* Guest test: MMX, SSE and SSE2 (SDM vol. 1 ch. 9-11, vol. 3 §13): MMX registers aliased on
 * the x87 ones (TOP 0, tags valid, exponent ones; EMMS empties), FXSAVE's layout (FCW/FSW/FTW,
 * MXCSR, MXCSR_MASK, ST/MM and XMM areas), #UD without CR4.OSFXSR, #NM with CR0.TS, #GP on a
 * misaligned MOVAPS, MXCSR rounding and flags, and some SSE2 integer and double arithmetic.
 * #XM delivery is in sse_xm.c (the reference, QEMU 7.2 TCG, does not raise it). */
#include "runtime.h"

#define CR0_EM 0x4u
#define CR0_TS 0x8u
#define CR0_NE 0x20u
#define CR4_OSFXSR 0x200u
#define CR4_OSXMMEXCPT 0x400u

struct xmm {
    uint32_t d[4];
} __attribute__((aligned(16)));

static uint8_t fx[512] __attribute__((aligned(16)));

static uint32_t get_cr0(void)
{
    uint32_t v;
    __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}
static void set_cr0(uint32_t v)
{
    __asm__ volatile("mov %0, %%cr0" : : "r"(v));
}
static uint32_t get_cr4(void)
{
    uint32_t v;
    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}
static void set_cr4(uint32_t v)
{
    __asm__ volatile("mov %0, %%cr4" : : "r"(v));
}
static void ldmxcsr(uint32_t v)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(v));
}
static uint32_t stmxcsr(void)
{
    uint32_t v;
    __asm__ volatile("stmxcsr %0" : "=m"(v));
    return v;
}

static void cpuid_bits(void)
{
    uint32_t a = 1, b, c, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
    rt_printf("cpuid: mmx %u fxsr %u sse %u sse2 %u\n", (d >> 23) & 1, (d >> 24) & 1,
              (d >> 25) & 1, (d >> 26) & 1);
}

static void print_fx_head(const char *what)
{
    uint16_t fcw = *(uint16_t *)&fx[0], fsw = *(uint16_t *)&fx[2];
    rt_printf("%s: fcw %04x fsw %04x ftw %02x mxcsr %08x mask %08x\n", what, fcw, fsw, fx[4],
              *(uint32_t *)&fx[24], *(uint32_t *)&fx[28]);
}

static void print_st(unsigned i)
{
    rt_printf("  st%u %04x:%08x%08x\n", i, *(uint16_t *)&fx[32 + 16 * i + 8],
              *(uint32_t *)&fx[32 + 16 * i + 4], *(uint32_t *)&fx[32 + 16 * i]);
}

static void mmx_aliasing(void)
{
    static const uint64_t v = 0x0123456789abcdefull;
    uint64_t out;
    uint16_t env[14];
    /* An x87 value read through MMX: FLD1 puts 1.0 in R7; MM7 is its significand. */
    __asm__ volatile("fninit\n\tfld1\n\tmovq %%mm7, %0" : "=m"(out));
    rt_printf("mm7 after fld1: %08x%08x\n", (uint32_t)(out >> 32), (uint32_t)out);
    /* An MMX write: TOP 0, every tag valid, R0 = significand with exponent 0xffff. */
    __asm__ volatile("movq %1, %%mm0\n\tfnstenv %0" : "=m"(env) : "m"(v));
    rt_printf("after movq mm0: sw %04x tw %04x\n", env[2], env[4]);
    __asm__ volatile("fxsave %0" : "=m"(fx));
    print_fx_head("fxsave mmx");
    /* R0's exponent (all ones, SDM vol. 1 §9.5.1) is checked in sse_xm.c: QEMU leaves it 0. */
    rt_printf("  st0 significand %08x%08x\n", *(uint32_t *)&fx[36], *(uint32_t *)&fx[32]);
    print_st(7);
    __asm__ volatile("emms\n\tfnstenv %0" : "=m"(env));
    rt_printf("after emms: sw %04x tw %04x\n", env[2], env[4]);
    __asm__ volatile("fninit");
}

static void fxsave_layout(void)
{
    static const struct xmm vals[2] = {{{0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c}},
                                       {{0xdeadbeef, 0xcafef00d, 0x12345678, 0x9abcdef0}}};
    __asm__ volatile("fninit\n\tfldpi\n\tfld1\n\tmovaps %0, %%xmm0\n\tmovaps %1, %%xmm7"
                     :
                     : "m"(vals[0]), "m"(vals[1]));
    ldmxcsr(0x1f80 | 0x6000 | 0x20); /* RC toward zero, PE set */
    __asm__ volatile("fxsave %0" : "=m"(fx));
    print_fx_head("fxsave");
    print_st(0);
    print_st(1);
    rt_printf("  xmm0 %08x %08x %08x %08x\n", *(uint32_t *)&fx[160], *(uint32_t *)&fx[164],
              *(uint32_t *)&fx[168], *(uint32_t *)&fx[172]);
    rt_printf("  xmm7 %08x %08x %08x %08x\n", *(uint32_t *)&fx[272], *(uint32_t *)&fx[276],
              *(uint32_t *)&fx[280], *(uint32_t *)&fx[284]);
    /* FXRSTOR brings them back after they were cleared. */
    struct xmm r;
    *(uint32_t *)&fx[24] = 0x1f80;
    __asm__ volatile("pxor %%xmm7, %%xmm7\n\tfxrstor %1\n\tmovaps %%xmm7, %0"
                     : "=m"(r)
                     : "m"(fx));
    rt_printf("fxrstor: xmm7 %08x %08x mxcsr %08x\n", r.d[0], r.d[3], stmxcsr());
    __asm__ volatile("fninit");
}

static void addps_regs(void *arg)
{
    (void)arg;
    __asm__ volatile("addps %xmm1, %xmm0");
}

static void movaps_misaligned(void *arg)
{
    __asm__ volatile("movaps (%0), %%xmm0" : : "r"((uint8_t *)arg + 8));
}

static void report(const char *what, int faulted, const struct rt_fault *f)
{
    if (faulted)
        rt_printf("%s: vector %u error %x\n", what, f->vector, f->error);
    else
        rt_printf("%s: no exception\n", what);
}

static void exceptions(void)
{
    struct rt_fault f;
    ldmxcsr(0x1f80);
    set_cr4(get_cr4() & ~CR4_OSFXSR);
    int r = rt_call_catch(addps_regs, 0, &f);
    report("addps without OSFXSR", r, &f);
    set_cr4(get_cr4() | CR4_OSFXSR);
    set_cr0(get_cr0() | CR0_TS);
    r = rt_call_catch(addps_regs, 0, &f);
    report("addps with TS", r, &f);
    __asm__ volatile("clts");
    r = rt_call_catch(movaps_misaligned, fx, &f);
    report("movaps misaligned", r, &f);
    r = rt_call_catch(addps_regs, 0, &f);
    report("addps", r, &f);
}

static void rounding(void)
{
    static const float one = 1.0f, three = 3.0f;
    for (uint32_t rc = 0; rc < 4; rc++) {
        uint32_t q;
        ldmxcsr(0x1f80 | rc << 13);
        __asm__ volatile("movss %1, %%xmm0\n\tdivss %2, %%xmm0\n\tmovd %%xmm0, %0"
                         : "=r"(q)
                         : "m"(one), "m"(three));
        rt_printf("1/3 rc %u: %08x mxcsr %08x\n", rc, q, stmxcsr());
    }
    ldmxcsr(0x1f80);
}

static void sse2_arith(void)
{
    static const struct xmm a = {{0x00000000, 0x3ff80000, 0x00000000, 0xc0100000}}; /* 1.5, -4 */
    static const struct xmm b = {{0x00000000, 0x40000000, 0x9999999a, 0x3fb99999}}; /* 2, 0.1 */
    static const struct xmm i = {{0xfffffffe, 0x00000003, 0x80000000, 0x7fffffff}};
    static const double big = 3e9, neg = -2.5;
    struct xmm r[6];
    uint32_t c1, c2, c3;
    ldmxcsr(0x1f80);
    __asm__ volatile("movapd %6, %%xmm0\n\taddpd %7, %%xmm0\n\tmovapd %%xmm0, %0\n\t"
                     "movapd %6, %%xmm1\n\tmulpd %7, %%xmm1\n\tmovapd %%xmm1, %1\n\t"
                     "movapd %6, %%xmm2\n\tdivpd %7, %%xmm2\n\tmovapd %%xmm2, %2\n\t"
                     "sqrtpd %7, %%xmm3\n\tmovapd %%xmm3, %3\n\t"
                     "movdqa %8, %%xmm4\n\tpmuludq %8, %%xmm4\n\tmovdqa %%xmm4, %4\n\t"
                     "pshufd $0x1b, %8, %%xmm5\n\tpaddq %8, %%xmm5\n\tmovdqa %%xmm5, %5"
                     : "=m"(r[0]), "=m"(r[1]), "=m"(r[2]), "=m"(r[3]), "=m"(r[4]), "=m"(r[5])
                     : "m"(a), "m"(b), "m"(i));
    const char *names[] = {"addpd", "mulpd", "divpd", "sqrtpd", "pmuludq", "pshufd+paddq"};
    for (unsigned k = 0; k < 6; k++)
        rt_printf("%-12s %08x%08x %08x%08x\n", names[k], r[k].d[1], r[k].d[0], r[k].d[3],
                  r[k].d[2]);
    __asm__ volatile("cvtsd2si %3, %0\n\tcvttsd2si %4, %1\n\tcvtsd2si %4, %2"
                     : "=r"(c1), "=r"(c2), "=r"(c3)
                     : "m"(big), "m"(neg), "m"(neg));
    rt_printf("cvtsd2si 3e9 %08x, cvttsd2si -2.5 %08x, cvtsd2si -2.5 %08x, mxcsr %08x\n", c1, c2,
              c3, stmxcsr());
}

int main(void)
{
    set_cr0((get_cr0() | CR0_NE) & ~(CR0_EM | CR0_TS));
    set_cr4(get_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
    cpuid_bits();
    mmx_aliasing();
    fxsave_layout();
    exceptions();
    rounding();
    sse2_arith();
    return 0;
}
