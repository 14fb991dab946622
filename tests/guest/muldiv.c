/* Guest test: MUL, IMUL (one, two and three operand forms), DIV and IDIV at
 * 8/16/32 bits (SDM vol. 2). After MUL/IMUL only CF and OF are defined; after
 * DIV/IDIV no flag is. Divide by zero and quotient overflow raise #DE, caught
 * with rt_call_catch; the destination registers must be unchanged. */
#include "runtime.h"

#define CO (RT_CF | RT_OF)

static const uint32_t vals32[] = {0, 1, 2, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x10000, 12345};
static const uint16_t vals16[] = {0, 1, 2, 0x7FFF, 0x8000, 0xFFFF, 0x100, 300};
static const uint8_t vals8[] = {0, 1, 2, 0x7F, 0x80, 0xFF, 0x10, 13};
#define NV 8

static void one_operand(void)
{
    uint32_t crc_mul = 0, crc_imul = 0;

    for (int i = 0; i < NV; i++)
        for (int j = 0; j < NV; j++) {
            uint32_t a = vals32[i], d, f, b = vals32[j];
            uint32_t rec[3];
            __asm__("mull %3\n\tpushfl\n\tpopl %2" : "+a"(a), "=d"(d), "=r"(f) : "r"(b) : "cc");
            rec[0] = a, rec[1] = d, rec[2] = f & CO;
            crc_mul = rt_crc32(crc_mul, rec, sizeof(rec));
            if (i == 3 && (j == 3 || j == 5))
                rt_printf("mul32 %08x*%08x = %08x:%08x fl=%03x\n", vals32[i], b, d, a, f & CO);
            a = vals32[i];
            __asm__("imull %3\n\tpushfl\n\tpopl %2" : "+a"(a), "=d"(d), "=r"(f) : "r"(b) : "cc");
            rec[0] = a, rec[1] = d, rec[2] = f & CO;
            crc_imul = rt_crc32(crc_imul, rec, sizeof(rec));
            if (i == 4 && (j == 4 || j == 5 || j == 1))
                rt_printf("imul32 %08x*%08x = %08x:%08x fl=%03x\n", vals32[i], b, d, a, f & CO);

            uint16_t aw = vals16[i], dw, bw = vals16[j];
            __asm__("mulw %3\n\tpushfl\n\tpopl %2" : "+a"(aw), "=d"(dw), "=r"(f) : "r"(bw) : "cc");
            rec[0] = aw, rec[1] = dw, rec[2] = f & CO;
            crc_mul = rt_crc32(crc_mul, rec, sizeof(rec));
            aw = vals16[i];
            __asm__("imulw %3\n\tpushfl\n\tpopl %2" : "+a"(aw), "=d"(dw), "=r"(f) : "r"(bw) : "cc");
            rec[0] = aw, rec[1] = dw, rec[2] = f & CO;
            crc_imul = rt_crc32(crc_imul, rec, sizeof(rec));
            if (i == 4 && j == 5)
                rt_printf("imul16 %04x*%04x = %04x:%04x fl=%03x\n", vals16[i], bw, dw, aw, f & CO);

            uint16_t ax = 0xAA00 | vals8[i];
            uint8_t b8 = vals8[j];
            __asm__("mulb %2\n\tpushfl\n\tpopl %1" : "+a"(ax), "=r"(f) : "q"(b8) : "cc");
            rec[0] = ax, rec[1] = 0, rec[2] = f & CO;
            crc_mul = rt_crc32(crc_mul, rec, sizeof(rec));
            if (i == 5 && j == 5)
                rt_printf("mul8 %02x*%02x = %04x fl=%03x\n", vals8[i], b8, ax, f & CO);
            ax = 0xAA00 | vals8[i];
            __asm__("imulb %2\n\tpushfl\n\tpopl %1" : "+a"(ax), "=r"(f) : "q"(b8) : "cc");
            rec[0] = ax, rec[1] = 0, rec[2] = f & CO;
            crc_imul = rt_crc32(crc_imul, rec, sizeof(rec));
            if (i == 4 && (j == 5 || j == 2))
                rt_printf("imul8 %02x*%02x = %04x fl=%03x\n", vals8[i], b8, ax, f & CO);
        }
    rt_printf("mul all sizes crc=%08x\n", crc_mul);
    rt_printf("imul one-operand all sizes crc=%08x\n", crc_imul);
}

static void multi_operand(void)
{
    uint32_t crc = 0;

    for (int i = 0; i < NV; i++)
        for (int j = 0; j < NV; j++) {
            uint32_t a = vals32[i], f, rec[4];
            uint16_t w = vals16[i];
            __asm__("imull %2, %0\n\tpushfl\n\tpopl %1" : "+r"(a), "=r"(f) : "r"(vals32[j]) : "cc");
            rec[0] = a, rec[1] = f & CO;
            __asm__("imulw %2, %0\n\tpushfl\n\tpopl %1" : "+r"(w), "=r"(f) : "r"(vals16[j]) : "cc");
            rec[2] = w, rec[3] = f & CO;
            crc = rt_crc32(crc, rec, sizeof(rec));
        }
    rt_printf("imul two-operand crc=%08x\n", crc);

    uint32_t r, f, src = 0x40000000;
    __asm__("imull $-3, %2, %0\n\tpushfl\n\tpopl %1" : "=r"(r), "=r"(f) : "r"(src) : "cc");
    rt_printf("imul r32,r32,imm8(-3): %08x fl=%03x\n", r, f & CO);
    src = 0x1234;
    __asm__("imull $0x10001, %2, %0\n\tpushfl\n\tpopl %1" : "=r"(r), "=r"(f) : "r"(src) : "cc");
    rt_printf("imul r32,r32,imm32: %08x fl=%03x\n", r, f & CO);
    uint16_t w, ws = 0x4000;
    __asm__("imulw $2, %2, %0\n\tpushfl\n\tpopl %1" : "=r"(w), "=r"(f) : "r"(ws) : "cc");
    rt_printf("imul r16,r16,imm8(2): %04x fl=%03x\n", w, f & CO);
    volatile uint32_t m = 0xFFFFFFFE;
    __asm__("imull %2, %0\n\tpushfl\n\tpopl %1" : "+r"(src), "=r"(f) : "m"(m) : "cc");
    rt_printf("imul r32,m32: %08x fl=%03x\n", src, f & CO);
}

struct div_case {
    uint32_t lo, hi, divisor;
    int size, is_signed;
    uint32_t q, r; /* out */
};

static void do_div(void *p)
{
    struct div_case *c = p;
    uint32_t a = c->lo, d = c->hi;

    if (c->size == 32 && !c->is_signed)
        __asm__ volatile("divl %2" : "+a"(a), "+d"(d) : "r"(c->divisor) : "cc");
    else if (c->size == 32)
        __asm__ volatile("idivl %2" : "+a"(a), "+d"(d) : "r"(c->divisor) : "cc");
    else if (c->size == 16 && !c->is_signed)
        __asm__ volatile("divw %w2" : "+a"(a), "+d"(d) : "r"(c->divisor) : "cc");
    else if (c->size == 16)
        __asm__ volatile("idivw %w2" : "+a"(a), "+d"(d) : "r"(c->divisor) : "cc");
    else if (!c->is_signed)
        __asm__ volatile("divb %b2" : "+a"(a) : "d"(d), "q"(c->divisor) : "cc");
    else
        __asm__ volatile("idivb %b2" : "+a"(a) : "d"(d), "q"(c->divisor) : "cc");
    c->q = a;
    c->r = d;
}

/* The dividend is EDX:EAX, DX:AX or AX (lo holds AX for 8 bits). Not here:
 * IDIV r16 of 0x8000:0000 by -1, which must raise #DE but kills the oracle
 * (QEMU 7.2 divides INT_MIN by -1 on the host and dies of SIGFPE). */
static const struct div_case div_cases[] = {
    {100, 0, 7, 32, 0},          {0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFF, 32, 0},
    {0, 1, 2, 32, 0},            {5, 0, 0, 32, 0},
    {0, 1, 1, 32, 0},            {(uint32_t)-100, 0xFFFFFFFF, 7, 32, 1},
    {100, 0, (uint32_t)-7, 32, 1}, {0x80000000, 0xFFFFFFFF, 0xFFFFFFFF, 32, 1},
    {0, 0x40000000, 0x7FFFFFFF, 32, 1}, {0xFFFF, 0x1234, 0xFFFF, 16, 0},
    {0xAAAA0000, 0xBBBB4000, 0x0002, 16, 1}, {0x1234, 0x5678, 0x100, 16, 1},
    {0x1234, 0, 0x10, 16, 0},    {0xCC0F, 0, 0x10, 8, 0},
    {0x0FFF, 0, 0x10, 8, 0},     {0xFF80, 0, 0xFF, 8, 1},
    {0xFF9C, 0, 7, 8, 1},        {0x007F, 0, 0, 8, 1},
};

static void divisions(void)
{
    for (unsigned i = 0; i < sizeof(div_cases) / sizeof(div_cases[0]); i++) {
        struct div_case c = div_cases[i];
        struct rt_fault fault;
        c.q = c.r = 0xDEADBEEF;
        int faulted = rt_call_catch(do_div, &c, &fault);
        rt_printf("%sdiv%d %08x:%08x / %08x: ", c.is_signed ? "i" : "", c.size, c.hi, c.lo,
                  c.divisor);
        if (faulted)
            rt_printf("exception %u error %u\n", fault.vector, fault.error);
        else if (c.size == 8)
            rt_printf("ax=%04x\n", c.q & 0xFFFF);
        else if (c.size == 16)
            rt_printf("ax=%04x dx=%04x\n", c.q & 0xFFFF, c.r & 0xFFFF);
        else
            rt_printf("eax=%08x edx=%08x\n", c.q, c.r);
    }
}

/* #DE is a fault: EIP points at the divide and EAX/EDX are unchanged. */
static volatile uint32_t de_eip, de_label, de_eax, de_edx;
static void de_handler(struct rt_frame *f)
{
    de_eip = f->eip;
    de_eax = f->eax;
    de_edx = f->edx;
    f->eip += 2; /* skip "divl %ecx" (F7 F1) */
}

static void de_state(void)
{
    rt_set_handler(0, de_handler);
    __asm__ volatile("movl $1f, %0\n\t"
                     "movl $0x1234, %%eax\n\t"
                     "movl $0x5678, %%edx\n\t"
                     "xorl %%ecx, %%ecx\n"
                     "1:\tdivl %%ecx"
                     : "=m"(de_label)
                     :
                     : "eax", "ecx", "edx", "cc");
    rt_set_handler(0, 0);
    rt_printf("#DE fault: eip=label%+d eax=%08x edx=%08x\n", (int)(de_eip - de_label), de_eax,
              de_edx);
}

int main(void)
{
    one_operand();
    multi_operand();
    divisions();
    de_state();
    return 0;
}
