/* Guest test: bit and data-movement instructions (SDM vol. 2): BT/BTS/BTR/BTC
 * on registers and on memory with bit offsets beyond the operand, BSF/BSR,
 * BSWAP, SETcc and CMOVcc for all 16 conditions, MOVSX/MOVZX, XCHG, XADD,
 * CMPXCHG, CMPXCHG8B. Only defined flags are compared (BT*: CF and the
 * unaffected ZF; BSF/BSR: ZF; destination undefined for a zero source). */
#include "runtime.h"

#define BT_MASK (RT_CF | RT_ZF)

#define BT_REG(op)                                                                          \
    static uint32_t op##_reg(uint32_t v, uint32_t bit, uint32_t fin, uint32_t *f)           \
    {                                                                                       \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" #op "l %[b], %[v]\n\tpushfl\n\tpopl %[f]" \
                         : [v] "+r"(v), [f] "=r"(*f)                                       \
                         : [b] "r"(bit), [fin] "r"(fin)                                    \
                         : "cc");                                                           \
        return v;                                                                           \
    }
#define BT_MEM(op)                                                                          \
    static void op##_mem(uint32_t *base, int32_t bit, uint32_t fin, uint32_t *f)            \
    {                                                                                       \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" #op "l %[b], (%[p])\n\tpushfl\n\tpopl %[f]" \
                         : [f] "=r"(*f)                                                    \
                         : [b] "r"(bit), [p] "r"(base), [fin] "r"(fin)                     \
                         : "cc", "memory");                                                 \
    }
BT_REG(bt) BT_REG(bts) BT_REG(btr) BT_REG(btc)
BT_MEM(bt) BT_MEM(bts) BT_MEM(btr) BT_MEM(btc)

static void bit_tests(void)
{
    static const uint32_t bits[] = {0, 5, 31, 32, 37, 63};
    uint32_t crc = 0, f;

    for (unsigned i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
        uint32_t v = 0x80000021, r[4], fl[4];
        r[0] = bt_reg(v, bits[i], 0x2 | RT_ZF, &fl[0]);
        r[1] = bts_reg(v, bits[i], 0x2, &fl[1]);
        r[2] = btr_reg(v, bits[i], 0x2 | RT_ZF, &fl[2]);
        r[3] = btc_reg(v, bits[i], 0x2, &fl[3]);
        rt_printf("bit %2u reg: bt cf=%u bts %08x btr %08x btc %08x zf kept=%u%u%u%u\n", bits[i],
                  fl[0] & RT_CF, r[1], r[2], r[3], !!(fl[0] & RT_ZF), !(fl[1] & RT_ZF),
                  !!(fl[2] & RT_ZF), !(fl[3] & RT_ZF));
    }
    /* Memory forms address the bit string: offset/32 dwords away, signed. */
    static const int32_t offs[] = {0, 33, 95, -1, -32, 127};
    for (unsigned i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
        uint32_t mem[8] = {0x11111111, 0x22222222, 0x33333333, 0x44444444,
                           0x55555555, 0x66666666, 0x77777777, 0x88888888};
        uint32_t *base = &mem[4];
        uint32_t fl[4];
        bt_mem(base, offs[i], 0x2, &fl[0]);
        bts_mem(base, offs[i], 0x2, &fl[1]);
        btr_mem(base, offs[i], 0x2, &fl[2]);
        btc_mem(base, offs[i], 0x2, &fl[3]);
        rt_printf("bit %+4d mem: cf=%u%u%u%u crc=%08x\n", offs[i], fl[0] & RT_CF, fl[1] & RT_CF,
                  fl[2] & RT_CF, fl[3] & RT_CF, rt_crc32(0, mem, sizeof(mem)));
    }
    /* Immediate bit offsets are taken modulo the operand size. */
    uint32_t v = 0x10;
    __asm__ volatile("btsl $36, %0\n\tpushfl\n\tpopl %1" : "+r"(v), "=r"(f) : : "cc");
    crc = v;
    rt_printf("bts imm 36 on reg: %08x cf=%u\n", crc, f & RT_CF);
}

static void scans(void)
{
    static const uint32_t vals[] = {1, 0x80000000, 0x00F0F000, 0xFFFFFFFF, 0x100, 0};
    for (unsigned i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        uint32_t fwd = 0xDEAD, rev = 0xDEAD, f1, f2;
        __asm__("bsfl %2, %0\n\tpushfl\n\tpopl %1" : "+r"(fwd), "=r"(f1) : "r"(vals[i]) : "cc");
        __asm__("bsrl %2, %0\n\tpushfl\n\tpopl %1" : "+r"(rev), "=r"(f2) : "r"(vals[i]) : "cc");
        if (vals[i])
            rt_printf("bsf/bsr %08x: %u %u zf=%u%u\n", vals[i], fwd, rev, !!(f1 & RT_ZF),
                      !!(f2 & RT_ZF));
        else
            rt_printf("bsf/bsr 0: zf=%u%u (destination undefined)\n", !!(f1 & RT_ZF),
                      !!(f2 & RT_ZF));
    }
    uint16_t w = 0x0F00, r16, f;
    __asm__("bsfw %2, %0\n\tpushfl\n\tpopl %k1" : "=r"(r16), "=r"(f) : "r"(w) : "cc");
    rt_printf("bsf r16 0f00: %u\n", r16);
    uint32_t b = 0x12345678;
    __asm__("bswap %0" : "+r"(b));
    rt_printf("bswap 12345678: %08x\n", b);
}

/* SETcc/CMOVcc over flag combinations: one bit per condition code. */
#define SETCC(cc)                                                                            \
    static uint32_t set_##cc(uint32_t fin)                                                   \
    {                                                                                        \
        uint8_t r;                                                                           \
        __asm__("pushl %1\n\tpopfl\n\tset" #cc " %0" : "=q"(r) : "r"(fin) : "cc");           \
        return r;                                                                            \
    }                                                                                        \
    static uint32_t cmov_##cc(uint32_t fin)                                                  \
    {                                                                                        \
        uint32_t r = 0;                                                                      \
        __asm__("pushl %2\n\tpopfl\n\tcmov" #cc "l %1, %0" : "+r"(r) : "r"(1u), "r"(fin)   \
                : "cc");                                                                     \
        return r;                                                                            \
    }
#define CONDS(X) X(o) X(no) X(b) X(ae) X(e) X(ne) X(be) X(a) X(s) X(ns) X(p) X(np) X(l) X(ge) X(le) X(g)
CONDS(SETCC)
#define SET_ENTRY(cc) set_##cc,
#define CMOV_ENTRY(cc) cmov_##cc,
static uint32_t (*const setcc[16])(uint32_t) = {CONDS(SET_ENTRY)};
static uint32_t (*const cmovcc[16])(uint32_t) = {CONDS(CMOV_ENTRY)};

static void conditions(void)
{
    static const uint32_t flag_bits[5] = {RT_CF, RT_PF, RT_ZF, RT_SF, RT_OF};
    for (uint32_t combo = 0; combo < 32; combo++) {
        uint32_t fin = 0x2, set = 0, mov = 0;
        for (int k = 0; k < 5; k++)
            if (combo & (1u << k))
                fin |= flag_bits[k];
        for (int c = 0; c < 16; c++) {
            set |= setcc[c](fin) << c;
            mov |= cmovcc[c](fin) << c;
        }
        rt_printf("flags %03x: setcc %04x cmovcc %04x\n", fin, set, mov);
    }
}

static void moves(void)
{
    uint32_t a, b, f;
    int8_t sb = -2;
    __asm__("movsbl %1, %0" : "=r"(a) : "m"(sb));
    __asm__("movzbl %1, %0" : "=r"(b) : "m"(sb));
    rt_printf("movsx/movzx byte fe: %08x %08x\n", a, b);
    uint16_t sw = 0x8001;
    __asm__("movswl %1, %0" : "=r"(a) : "r"(sw));
    __asm__("movzwl %1, %0" : "=r"(b) : "r"(sw));
    rt_printf("movsx/movzx word 8001: %08x %08x\n", a, b);

    a = 1, b = 2;
    __asm__("xchgl %0, %1" : "+r"(a), "+r"(b));
    rt_printf("xchg: %u %u\n", a, b);
    a = 0xFFFFFFFF, b = 1;
    __asm__("xaddl %0, %1\n\tpushfl\n\tpopl %2" : "+r"(a), "+r"(b), "=r"(f) : : "cc");
    rt_printf("xadd: src=%08x dst=%08x fl=%03x\n", a, b, f & RT_ARITH_FLAGS);

    volatile uint32_t mem = 5;
    a = 5; /* EAX == mem: mem <- new, ZF=1 */
    __asm__("cmpxchgl %3, %1\n\tpushfl\n\tpopl %2"
            : "+a"(a), "+m"(mem), "=r"(f)
            : "r"(9u)
            : "cc");
    rt_printf("cmpxchg equal: eax=%u mem=%u fl=%03x\n", a, mem, f & RT_ARITH_FLAGS);
    a = 7; /* EAX != mem: EAX <- mem, ZF=0 */
    __asm__("cmpxchgl %3, %1\n\tpushfl\n\tpopl %2"
            : "+a"(a), "+m"(mem), "=r"(f)
            : "r"(1u)
            : "cc");
    rt_printf("cmpxchg differ: eax=%u mem=%u fl=%03x\n", a, mem, f & RT_ARITH_FLAGS);

    volatile uint64_t q = 0x1111111122222222ull;
    uint32_t lo = 0x22222222, hi = 0x11111111;
    __asm__("cmpxchg8b %2\n\tpushfl\n\tpopl %3"
            : "+a"(lo), "+d"(hi), "+m"(q), "=r"(f)
            : "b"(0x33333333u), "c"(0x44444444u)
            : "cc");
    rt_printf("cmpxchg8b equal: mem=%016llx zf=%u\n", (unsigned long long)q, !!(f & RT_ZF));
    lo = hi = 0;
    __asm__("cmpxchg8b %2\n\tpushfl\n\tpopl %3"
            : "+a"(lo), "+d"(hi), "+m"(q), "=r"(f)
            : "b"(0x0u), "c"(0x0u)
            : "cc");
    rt_printf("cmpxchg8b differ: edx:eax=%08x:%08x zf=%u\n", hi, lo, !!(f & RT_ZF));
}

int main(void)
{
    bit_tests();
    scans();
    conditions();
    moves();
    return 0;
}
