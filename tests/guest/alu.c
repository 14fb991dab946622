/* Guest test: integer ALU and flags. add/adc/sub/sbb/and/or/xor/cmp over edge
 * operand tables at 8/16/32 bits with CF in 0 and 1, inc/dec/neg/not, and the
 * instruction forms (imm8, imm32, memory, accumulator). SDM vol. 2 for each
 * instruction; AF is undefined after the logic ops (masked). */
#include "runtime.h"

#define FLAGS_IN(cf) (0x2u | ((cf) ? RT_CF : 0))

/* One kernel per (op, size): EFLAGS in, op, EFLAGS out. */
#define BINOP(op, sfx, type, con)                                                          \
    static uint32_t op##_##sfx(uint32_t a, uint32_t b, uint32_t fin, uint32_t *fout)      \
    {                                                                                      \
        type r = (type)a, s = (type)b;                                                    \
        uint32_t f;                                                                        \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" #op #sfx " %[s], %[r]\n\t"           \
                         "pushfl\n\tpopl %[f]"                                             \
                         : [r] "+" con(r), [f] "=r"(f)                                    \
                         : [s] con(s), [fin] "r"(fin)                                     \
                         : "cc");                                                          \
        *fout = f;                                                                         \
        return r;                                                                          \
    }
#define UNOP(op, sfx, type, con)                                                           \
    static uint32_t op##_##sfx(uint32_t a, uint32_t b, uint32_t fin, uint32_t *fout)      \
    {                                                                                      \
        type r = (type)a;                                                                  \
        uint32_t f;                                                                        \
        (void)b;                                                                           \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" #op #sfx " %[r]\n\t"                 \
                         "pushfl\n\tpopl %[f]"                                             \
                         : [r] "+" con(r), [f] "=r"(f)                                    \
                         : [fin] "r"(fin)                                                 \
                         : "cc");                                                          \
        *fout = f;                                                                         \
        return r;                                                                          \
    }

#define BIN_OPS(X) X(add) X(adc) X(sub) X(sbb) X(and) X(or) X(xor) X(cmp)
#define UN_OPS(X) X(inc) X(dec) X(neg) X(not)
#define SIZES(X, op) X(op, b, uint8_t, "q") X(op, w, uint16_t, "r") X(op, l, uint32_t, "r")
#define BIN_ALL(op) SIZES(BINOP, op)
#define UN_ALL(op) SIZES(UNOP, op)
BIN_OPS(BIN_ALL)
UN_OPS(UN_ALL)

typedef uint32_t (*alu_fn)(uint32_t, uint32_t, uint32_t, uint32_t *);

struct alu_op {
    const char *name;
    alu_fn fn[3];
    uint32_t defined; /* flags the SDM defines after this op */
    int unary;
};

#define ARITH (RT_CF | RT_PF | RT_AF | RT_ZF | RT_SF | RT_OF)
#define LOGIC (RT_CF | RT_PF | RT_ZF | RT_SF | RT_OF)
static const struct alu_op ops[] = {
    {"add", {add_b, add_w, add_l}, ARITH, 0},  {"adc", {adc_b, adc_w, adc_l}, ARITH, 0},
    {"sub", {sub_b, sub_w, sub_l}, ARITH, 0},  {"sbb", {sbb_b, sbb_w, sbb_l}, ARITH, 0},
    {"and", {and_b, and_w, and_l}, LOGIC, 0},  {"or", {or_b, or_w, or_l}, LOGIC, 0},
    {"xor", {xor_b, xor_w, xor_l}, LOGIC, 0},  {"cmp", {cmp_b, cmp_w, cmp_l}, ARITH, 0},
    {"inc", {inc_b, inc_w, inc_l}, ARITH, 1},  {"dec", {dec_b, dec_w, dec_l}, ARITH, 1},
    {"neg", {neg_b, neg_w, neg_l}, ARITH, 1},  {"not", {not_b, not_w, not_l}, ARITH, 1},
};

static const uint32_t operands[3][8] = {
    {0x00, 0x01, 0x7F, 0x80, 0xFF, 0x0F, 0x10, 0x55},
    {0x0000, 0x0001, 0x7FFF, 0x8000, 0xFFFF, 0x00FF, 0x0100, 0x5555},
    {0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x0000FFFF, 0x00010000, 0x55555555},
};
static const char sizes[3] = {'b', 'w', 'l'};

/* Detailed samples: operand indexes (a, b) and CF in. */
static const uint8_t samples[][3] = {{2, 1, 0}, {3, 1, 1}, {4, 4, 1}, {0, 1, 0}, {5, 6, 0}};

static void run_op(const struct alu_op *op, int size)
{
    const uint32_t *v = operands[size];
    uint32_t crc = 0;
    int nb = op->unary ? 1 : 8;

    for (int cf = 0; cf < 2; cf++)
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < nb; j++) {
                uint32_t f, r = op->fn[size](v[i], v[j], FLAGS_IN(cf), &f);
                uint32_t rec[2] = {r, f & op->defined};
                crc = rt_crc32(crc, rec, sizeof(rec));
            }
    rt_printf("%s%c crc=%08x\n", op->name, sizes[size], crc);
    for (unsigned k = 0; k < sizeof(samples) / sizeof(samples[0]); k++) {
        uint32_t a = v[samples[k][0]], b = op->unary ? 0 : v[samples[k][1]], f;
        uint32_t r = op->fn[size](a, b, FLAGS_IN(samples[k][2]), &f);
        rt_printf("  %08x,%08x cf=%u -> %08x fl=%03x\n", a, b, samples[k][2], r,
                  f & op->defined);
    }
}

/* The same add through its encodings: 04 ib, 05 id, 80 /0, 81 /0, 83 /0 (imm8
 * sign-extended), 00/01 to memory, 02/03 from memory. */
static void run_forms(void)
{
    volatile uint32_t mem = 0x7FFFFFF0;
    volatile uint8_t mem8 = 0xF0;
    uint32_t a = 0x000000FE, f1, f2, f3, f4, f5;

    __asm__ volatile("addb $0x03, %%al\n\tpushfl\n\tpopl %1" : "+a"(a), "=r"(f1) : : "cc");
    rt_printf("add al,imm8: %08x fl=%03x\n", a, f1 & ARITH);
    a = 0x7FFFFFFF;
    __asm__ volatile("addl $0x1, %%eax\n\tpushfl\n\tpopl %1" : "+a"(a), "=r"(f2) : : "cc");
    rt_printf("add eax,imm32: %08x fl=%03x\n", a, f2 & ARITH);
    __asm__ volatile("addl $-1, %0\n\tpushfl\n\tpopl %1" : "+m"(mem), "=r"(f3) : : "cc");
    rt_printf("add m32,imm8(-1): %08x fl=%03x\n", mem, f3 & ARITH);
    __asm__ volatile("addb $0x20, %0\n\tpushfl\n\tpopl %1" : "+m"(mem8), "=r"(f4) : : "cc");
    rt_printf("add m8,imm8: %02x fl=%03x\n", mem8, f4 & ARITH);
    a = 0x11;
    __asm__ volatile("addl %2, %0\n\tpushfl\n\tpopl %1\n\taddl %0, %2"
                     : "+r"(a), "=r"(f5), "+m"(mem)
                     :
                     : "cc");
    rt_printf("add r32,m32 / m32,r32: %08x %08x fl=%03x\n", a, mem, f5 & ARITH);
}

int main(void)
{
    for (unsigned o = 0; o < sizeof(ops) / sizeof(ops[0]); o++)
        for (int s = 0; s < 3; s++)
            run_op(&ops[o], s);
    run_forms();
    return 0;
}
