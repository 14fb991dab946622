/* Guest test: shifts and rotates (SDM vol. 2: SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR,
 * SHLD, SHRD) at 8/16/32 bits over counts 0, 1, n, 31 and 32+. Only flags the
 * SDM defines for each count are compared; a masked count of 0 leaves every
 * flag alone, which is checked with all flags set and all clear. */
#include "runtime.h"

#define ALL_SET (0x2u | RT_ARITH_FLAGS)
#define ALL_CLEAR 0x2u

#define SHIFT(op, sfx, type, con)                                                          \
    static uint32_t op##_##sfx(uint32_t a, uint32_t b, uint32_t count, uint32_t fin,      \
                               uint32_t *fout)                                             \
    {                                                                                      \
        type r = (type)a;                                                                  \
        uint32_t f;                                                                        \
        (void)b;                                                                           \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" #op #sfx " %%cl, %[r]\n\t"           \
                         "pushfl\n\tpopl %[f]"                                             \
                         : [r] "+" con(r), [f] "=r"(f)                                    \
                         : "c"(count), [fin] "r"(fin)                                     \
                         : "cc");                                                          \
        *fout = f;                                                                         \
        return r;                                                                          \
    }
#define DSHIFT(op, sfx, type)                                                              \
    static uint32_t op##_##sfx(uint32_t a, uint32_t b, uint32_t count, uint32_t fin,      \
                               uint32_t *fout)                                             \
    {                                                                                      \
        type r = (type)a, s = (type)b;                                                    \
        uint32_t f;                                                                        \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" #op #sfx " %%cl, %[s], %[r]\n\t"     \
                         "pushfl\n\tpopl %[f]"                                             \
                         : [r] "+r"(r), [f] "=r"(f)                                       \
                         : [s] "r"(s), "c"(count), [fin] "r"(fin)                         \
                         : "cc");                                                          \
        *fout = f;                                                                         \
        return r;                                                                          \
    }

#define SHIFT_OPS(X) X(shl) X(shr) X(sar) X(rol) X(ror) X(rcl) X(rcr)
#define SIZES(op) SHIFT(op, b, uint8_t, "q") SHIFT(op, w, uint16_t, "r") SHIFT(op, l, uint32_t, "r")
SHIFT_OPS(SIZES)
DSHIFT(shld, w, uint16_t)
DSHIFT(shld, l, uint32_t)
DSHIFT(shrd, w, uint16_t)
DSHIFT(shrd, l, uint32_t)

typedef uint32_t (*shift_fn)(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t *);

enum kind { SHIFT_KIND, ROTATE_KIND, RCX_KIND, DOUBLE_KIND };

struct shift_op {
    const char *name;
    shift_fn fn[3]; /* NULL: size does not exist */
    enum kind kind;
};

static const struct shift_op ops[] = {
    {"shl", {shl_b, shl_w, shl_l}, SHIFT_KIND},  {"shr", {shr_b, shr_w, shr_l}, SHIFT_KIND},
    {"sar", {sar_b, sar_w, sar_l}, SHIFT_KIND},  {"rol", {rol_b, rol_w, rol_l}, ROTATE_KIND},
    {"ror", {ror_b, ror_w, ror_l}, ROTATE_KIND}, {"rcl", {rcl_b, rcl_w, rcl_l}, RCX_KIND},
    {"rcr", {rcr_b, rcr_w, rcr_l}, RCX_KIND},    {"shld", {0, shld_w, shld_l}, DOUBLE_KIND},
    {"shrd", {0, shrd_w, shrd_l}, DOUBLE_KIND},
};

static const uint32_t counts[] = {0, 1, 2, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 255};
static const uint32_t operands[3][3] = {
    {0x81, 0x7E, 0x5A},
    {0x8001, 0x7FFE, 0x5AA5},
    {0x80000001, 0x7FFFFFFE, 0x5AA5F00F},
};
static const int widths[3] = {8, 16, 32};
static const char sizes[3] = {'b', 'w', 'l'};

/* Flags the SDM defines after op with this count; 0 means the result itself
 * is undefined (SHLD/SHRD count above the operand size). */
static uint32_t defined_flags(enum kind kind, int width, uint32_t count)
{
    uint32_t mc = count & 31;

    if (mc == 0)
        return RT_ARITH_FLAGS; /* no flag changes */
    if (kind == DOUBLE_KIND && (int)mc > width)
        return 0;
    if (kind == ROTATE_KIND || kind == RCX_KIND) {
        /* Only CF and OF change; OF is defined for a count of 1 only. */
        return mc == 1 ? RT_ARITH_FLAGS : RT_ARITH_FLAGS & ~RT_OF;
    }
    uint32_t m = RT_CF | RT_PF | RT_ZF | RT_SF | (mc == 1 ? RT_OF : 0);
    if (kind == SHIFT_KIND && (int)mc >= width)
        m &= ~RT_CF; /* CF undefined when the count reaches the operand size */
    return m;
}

static void run_op(const struct shift_op *op, int size)
{
    uint32_t crc = 0;
    const uint32_t *v = operands[size];
    const uint32_t fins[2] = {ALL_CLEAR, ALL_SET};

    for (unsigned c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
        uint32_t mask = defined_flags(op->kind, widths[size], counts[c]);
        if (!mask)
            continue;
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 2; k++) {
                uint32_t f, r = op->fn[size](v[i], v[(i + 1) % 3], counts[c], fins[k], &f);
                uint32_t rec[3] = {counts[c], r, f & mask};
                crc = rt_crc32(crc, rec, sizeof(rec));
            }
    }
    rt_printf("%s%c crc=%08x\n", op->name, sizes[size], crc);
    static const uint8_t shown[] = {0, 1, 4, 31};
    for (unsigned s = 0; s < sizeof(shown); s++) {
        uint32_t cnt = shown[s], mask = defined_flags(op->kind, widths[size], cnt);
        uint32_t f, r;
        if (!mask)
            continue;
        r = op->fn[size](v[0], v[1], cnt, ALL_SET, &f);
        rt_printf("  %08x,%08x cnt=%2u cf=1 -> %08x fl=%03x\n", v[0], v[1], cnt, r, f & mask);
        r = op->fn[size](v[2], v[0], cnt, ALL_CLEAR, &f);
        rt_printf("  %08x,%08x cnt=%2u cf=0 -> %08x fl=%03x\n", v[2], v[0], cnt, r, f & mask);
    }
}

/* Immediate-count encodings: D0/D1 (count 1) and C0/C1 ib. */
static void run_forms(void)
{
    uint32_t a = 0x80000001, f;
    uint8_t b = 0x81;
    uint16_t w = 0x8001;

    __asm__ volatile("stc\n\tshll $1, %0\n\tpushfl\n\tpopl %1" : "+r"(a), "=r"(f) : : "cc");
    rt_printf("shl r32,1: %08x fl=%03x\n", a, f & (RT_CF | RT_PF | RT_ZF | RT_SF | RT_OF));
    __asm__ volatile("sarl $5, %0\n\tpushfl\n\tpopl %1" : "+r"(a), "=r"(f) : : "cc");
    rt_printf("sar r32,5: %08x fl=%03x\n", a, f & (RT_CF | RT_PF | RT_ZF | RT_SF));
    __asm__ volatile("stc\n\trclb $1, %0\n\tpushfl\n\tpopl %1" : "+q"(b), "=r"(f) : : "cc");
    rt_printf("rcl r8,1: %02x fl=%03x\n", b, f & (RT_CF | RT_OF));
    __asm__ volatile("rorw $4, %0\n\tpushfl\n\tpopl %1" : "+r"(w), "=r"(f) : : "cc");
    rt_printf("ror r16,4: %04x cf=%u\n", w, f & RT_CF);
    a = 0x12345678;
    __asm__ volatile("shldl $8, %2, %0\n\tpushfl\n\tpopl %1"
                     : "+r"(a), "=r"(f)
                     : "r"(0x9ABCDEF0u)
                     : "cc");
    rt_printf("shld r32,imm8: %08x fl=%03x\n", a, f & (RT_CF | RT_PF | RT_ZF | RT_SF));
    w = 0x1234;
    __asm__ volatile("shrdw $12, %2, %0\n\tpushfl\n\tpopl %1"
                     : "+r"(w), "=r"(f)
                     : "r"((uint16_t)0xABCD)
                     : "cc");
    rt_printf("shrd r16,imm8: %04x fl=%03x\n", w, f & (RT_CF | RT_PF | RT_ZF | RT_SF));
}

int main(void)
{
    for (unsigned o = 0; o < sizeof(ops) / sizeof(ops[0]); o++)
        for (int s = 0; s < 3; s++)
            if (ops[o].fn[s])
                run_op(&ops[o], s);
    run_forms();
    return 0;
}
