/* Guest test: the SIMD behaviours the reference oracle (QEMU 7.2 TCG) lacks, so its run is
 * disabled and the expected output follows the SDM. Unmasked SIMD floating-point exceptions
 * (vol. 1 §11.5.1, §11.5.3; vol. 3 §6.15 interrupt 19): with CR4.OSXMMEXCPT an unmasked
 * divide-by-zero in DIVSS raises #XM (vector 19, no error code), sets ZE in MXCSR and leaves
 * the destination unchanged; without OSXMMEXCPT the same exception is #UD; masked, the result
 * is infinity. An MMX write sets bits 64-79 of the x87 register to ones (vol. 1 §9.5.1), as
 * FXSAVE shows. */
#include "runtime.h"

#define CR4_OSFXSR 0x200u
#define CR4_OSXMMEXCPT 0x400u

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

static void divss_one_by_zero(void *arg)
{
    (void)arg;
    static const float one = 1.0f, zero = 0.0f;
    __asm__ volatile("movss %0, %%xmm2\n\tmovss %1, %%xmm3\n\tdivss %%xmm3, %%xmm2"
                     :
                     : "m"(one), "m"(zero));
}

static void run(const char *what, uint32_t mxcsr)
{
    struct rt_fault f;
    uint32_t x2;
    ldmxcsr(mxcsr);
    int r = rt_call_catch(divss_one_by_zero, 0, &f);
    __asm__ volatile("movd %%xmm2, %0" : "=r"(x2));
    if (r)
        rt_printf("%s: vector %u error %x", what, f.vector, f.error);
    else
        rt_printf("%s: no exception", what);
    rt_printf(", mxcsr %08x, xmm2 %08x\n", stmxcsr(), x2);
}

static void mmx_exponent(void)
{
    static uint8_t fx[512] __attribute__((aligned(16)));
    static const uint64_t v = 0x0123456789abcdefull;
    __asm__ volatile("fninit\n\tmovq %1, %%mm0\n\tfxsave %0\n\temms" : "=m"(fx) : "m"(v));
    rt_printf("mm0 in fxsave: %04x:%08x%08x\n", *(uint16_t *)&fx[40], *(uint32_t *)&fx[36],
              *(uint32_t *)&fx[32]);
}

int main(void)
{
    set_cr4(get_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
    mmx_exponent();
    run("ZE masked", 0x1f80);
    run("ZE unmasked", 0x1f80 & ~0x200u);
    run("PE unmasked, exact", 0x1f80 & ~0x1000u);
    set_cr4(get_cr4() & ~CR4_OSXMMEXCPT);
    run("ZE unmasked, no OSXMMEXCPT", 0x1f80 & ~0x200u);
    ldmxcsr(0x1f80);
    return 0;
}
