/* Guest test: x87 FPU (SDM vol. 1, chapter 8): control/status words after
 * FNINIT, constants, IEEE-exact arithmetic in extended precision, precision
 * and rounding control, FIST/FRNDINT rounding, compare and FXAM condition
 * codes, masked exceptions (sticky flags, default NaN) and an unmasked one
 * delivered as #MF at the next waiting instruction (CR0.NE=1). Not here: x87
 * stack overflow/underflow (IE+SF), which the oracle (QEMU) does not detect.
 * Values are printed as raw bits: 80-bit as sign/exponent:mantissa. */
#include "runtime.h"

#define CR0_MP 0x2u
#define CR0_EM 0x4u
#define CR0_TS 0x8u
#define CR0_NE 0x20u
#define SW_CC (0x4700u) /* C3 C2 C1 C0 */

struct ext {
    uint64_t mant;
    uint16_t se;
} __attribute__((packed));

static void print_ext(const char *name, const struct ext *e)
{
    rt_printf("%-22s %04x:%016llx\n", name, e->se, (unsigned long long)e->mant);
}

static void set_cw(uint16_t cw)
{
    __asm__ volatile("fldcw %0" : : "m"(cw));
}

static void init_state(void)
{
    uint32_t cr0;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 = (cr0 | CR0_MP | CR0_NE) & ~(CR0_EM | CR0_TS);
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
    uint16_t cw, sw;
    __asm__ volatile("fninit\n\tfnstcw %0\n\tfnstsw %1" : "=m"(cw), "=m"(sw));
    rt_printf("fninit: cw=%04x sw=%04x\n", cw, sw);
}

static void constants(void)
{
    struct ext e;
    __asm__ volatile("fld1\n\tfstpt %0" : "=m"(e));
    print_ext("fld1", &e);
    __asm__ volatile("fldpi\n\tfstpt %0" : "=m"(e));
    print_ext("fldpi", &e);
    __asm__ volatile("fldl2e\n\tfstpt %0" : "=m"(e));
    print_ext("fldl2e", &e);
    __asm__ volatile("fldln2\n\tfstpt %0" : "=m"(e));
    print_ext("fldln2", &e);
    __asm__ volatile("fldz\n\tfchs\n\tfstpt %0" : "=m"(e));
    print_ext("-0", &e);
}

static void arithmetic(void)
{
    struct ext e;
    uint64_t d;
    int32_t one = 1, three = 3, two = 2, big = 0x7FFFFFFF;

    __asm__ volatile("fildl %1\n\tfidivl %2\n\tfstpt %0" : "=m"(e) : "m"(one), "m"(three));
    print_ext("1/3 extended", &e);
    __asm__ volatile("fildl %1\n\tfidivl %2\n\tfstpl %0" : "=m"(d) : "m"(one), "m"(three));
    rt_printf("%-22s %016llx\n", "1/3 stored as double", (unsigned long long)d);
    __asm__ volatile("fildl %1\n\tfsqrt\n\tfstpt %0" : "=m"(e) : "m"(two));
    print_ext("sqrt(2)", &e);
    __asm__ volatile("fildl %1\n\tfildl %1\n\tfmulp\n\tfstpt %0" : "=m"(e) : "m"(big));
    print_ext("(2^31-1)^2", &e);
    __asm__ volatile("fildl %1\n\tfld1\n\tfaddp\n\tfildl %1\n\tfsubrp\n\tfstpt %0"
                     : "=m"(e)
                     : "m"(big));
    print_ext("(x+1)-x", &e);
    int64_t q = -1234567890123456789ll;
    __asm__ volatile("fildll %1\n\tfstpt %0" : "=m"(e) : "m"(q));
    print_ext("fild int64", &e);
    int64_t back;
    __asm__ volatile("fildll %1\n\tfistpll %0" : "=m"(back) : "m"(q));
    rt_printf("%-22s %lld\n", "fistp int64 round trip", (long long)back);

    /* Precision control: single (PC=00) then back to extended. */
    set_cw(0x007F);
    __asm__ volatile("fildl %1\n\tfidivl %2\n\tfstpt %0" : "=m"(e) : "m"(one), "m"(three));
    print_ext("1/3 with PC=single", &e);
    set_cw(0x037F);

    /* FSCALE, FXTRACT, FPREM are exact. */
    int32_t seven = 7, hundred = 100;
    __asm__ volatile("fildl %1\n\tfildl %2\n\tfscale\n\tfstp %%st(1)\n\tfstpt %0"
                     : "=m"(e)
                     : "m"(three), "m"(seven));
    print_ext("7*2^3 fscale", &e);
    struct ext sig, ex;
    __asm__ volatile("fildl %2\n\tfxtract\n\tfstpt %0\n\tfstpt %1"
                     : "=m"(sig), "=m"(ex)
                     : "m"(hundred));
    print_ext("fxtract 100 signif", &sig);
    print_ext("fxtract 100 exp", &ex);
    uint16_t sw;
    __asm__ volatile("fildl %2\n\tfildl %3\n\tfprem\n\tfnstsw %1\n\tfstpt %0\n\tfstp %%st(0)"
                     : "=m"(e), "=m"(sw)
                     : "m"(seven), "m"(hundred));
    print_ext("100 fprem 7", &e);
    rt_printf("%-22s %04x\n", "fprem cc (quotient bits)", sw & SW_CC);
}

static void rounding(void)
{
    static const int32_t halves[] = {5, -5, 7, -7}; /* divided by 2 */
    static const char *const modes[] = {"nearest", "down", "up", "zero"};
    int32_t two = 2;

    for (int m = 0; m < 4; m++) {
        set_cw((uint16_t)(0x037F | (m << 10)));
        rt_printf("rc=%-8s fistp:", modes[m]);
        for (int i = 0; i < 4; i++) {
            int32_t r;
            __asm__ volatile("fildl %1\n\tfidivl %2\n\tfistpl %0"
                             : "=m"(r)
                             : "m"(halves[i]), "m"(two));
            rt_printf(" %d/2=%d", halves[i], r);
        }
        int32_t r;
        __asm__ volatile("fildl %1\n\tfidivl %2\n\tfrndint\n\tfistpl %0"
                         : "=m"(r)
                         : "m"(halves[3]), "m"(two));
        rt_printf(" frndint(-7/2)=%d\n", r);
    }
    set_cw(0x037F);
}

static void compares(void)
{
    int32_t a = 1, b = 2;
    uint16_t lt, gt, eq, un;
    __asm__ volatile("fildl %1\n\tfildl %2\n\tfcompp\n\tfnstsw %0" : "=m"(lt) : "m"(b), "m"(a));
    __asm__ volatile("fildl %1\n\tfildl %2\n\tfcompp\n\tfnstsw %0" : "=m"(gt) : "m"(a), "m"(b));
    __asm__ volatile("fildl %1\n\tfildl %1\n\tfcompp\n\tfnstsw %0" : "=m"(eq) : "m"(a));
    int32_t zero = 0;
    __asm__ volatile("fldz\n\tfidivl %1\n\tfld1\n\tfucompp\n\tfnstsw %0\n\tfnclex"
                     : "=m"(un)
                     : "m"(zero)); /* 0/0 is a NaN */
    rt_printf("fcom cc: 1<2 %04x 2>1 %04x 1=1 %04x unordered %04x\n", lt & SW_CC, gt & SW_CC,
              eq & SW_CC, un & SW_CC);

    uint32_t fl;
    __asm__ volatile("fildl %1\n\tfildl %2\n\tfcomip %%st(1), %%st\n\tfstp %%st(0)\n\t"
                     "pushfl\n\tpopl %0"
                     : "=r"(fl)
                     : "m"(b), "m"(a)
                     : "cc");
    rt_printf("fcomip 1 vs 2: eflags zf/pf/cf = %u%u%u\n", !!(fl & RT_ZF), !!(fl & RT_PF),
              !!(fl & RT_CF));

    uint16_t sw;
    __asm__ volatile("fldz\n\tfxam\n\tfnstsw %0\n\tfstp %%st(0)" : "=m"(sw));
    rt_printf("fxam: zero %04x", sw & SW_CC);
    __asm__ volatile("fld1\n\tfchs\n\tfxam\n\tfnstsw %0\n\tfstp %%st(0)" : "=m"(sw));
    rt_printf(" -1 %04x", sw & SW_CC);
    __asm__ volatile("fld1\n\tfidivl %1\n\tfxam\n\tfnstsw %0\n\tfstp %%st(0)\n\tfnclex"
                     : "=m"(sw)
                     : "m"(zero));
    rt_printf(" +inf %04x", sw & SW_CC);
    __asm__ volatile("ffree %%st(7)\n\tfxam\n\tfnstsw %0" : "=m"(sw));
    rt_printf(" empty %04x\n", sw & SW_CC);
}

static void masked_exceptions(void)
{
    uint64_t d;
    uint16_t sw;
    int32_t one = 1, minus = -1, zero = 0;

    __asm__ volatile("fnclex\n\tfildl %2\n\tfidivl %3\n\tfstpl %0\n\tfnstsw %1"
                     : "=m"(d), "=m"(sw)
                     : "m"(one), "m"(zero));
    rt_printf("1/0 masked: %016llx sw exc=%02x\n", (unsigned long long)d, sw & 0x7F);
    __asm__ volatile("fnclex\n\tfildl %2\n\tfsqrt\n\tfstpl %0\n\tfnstsw %1"
                     : "=m"(d), "=m"(sw)
                     : "m"(minus));
    rt_printf("sqrt(-1) masked: %016llx sw exc=%02x\n", (unsigned long long)d, sw & 0x7F);
}

volatile uint32_t fault_label;
static void unmasked_zero_divide(void *p)
{
    int32_t one = 1;
    (void)p;
    int32_t zero = 0;
    __asm__ volatile("fninit\n\tfldcw %1\n\tfildl %2\n\tfidivl %3\n\t"
                     "movl $1f, fault_label\n1:\tfwait"
                     : "+m"(one)
                     : "m"((uint16_t){0x037B}), "m"(one), "m"(zero));
}

static void unmasked(void)
{
    struct rt_fault f = {0};
    int faulted = rt_call_catch(unmasked_zero_divide, 0, &f);
    uint16_t sw;
    __asm__ volatile("fnstsw %0\n\tfninit" : "=m"(sw));
    rt_printf("unmasked 1/0: faulted=%d vector=%u eip=label%+d sw exc=%02x es=%u\n", faulted,
              f.vector, (int)(f.eip - fault_label), sw & 0x7F, !!(sw & 0x80));
}

int main(void)
{
    init_state();
    constants();
    arithmetic();
    rounding();
    compares();
    masked_exceptions();
    unmasked();
    return 0;
}
