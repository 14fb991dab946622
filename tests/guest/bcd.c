/* Guest test: decimal adjust DAA/DAS/AAA/AAS/AAM/AAD (SDM vol. 2) over every
 * AL with each CF/AF input, folded into CRCs plus samples. Compared flags are
 * the defined ones: DAA/DAS all but OF; AAA/AAS only AF and CF; AAM/AAD SF,
 * ZF, PF. AAM with base 0 raises #DE. */
#include "runtime.h"

#define M_DAA (RT_CF | RT_AF | RT_SF | RT_ZF | RT_PF)
#define M_AAA (RT_AF | RT_CF)
#define M_AAM (RT_SF | RT_ZF | RT_PF)

#define ADJUST(fname, insn)                                                                \
    static uint32_t fname(uint32_t ax, uint32_t fin, uint32_t *fout)                       \
    {                                                                                      \
        uint32_t f;                                                                        \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" insn "\n\tpushfl\n\tpopl %[f]"        \
                         : "+a"(ax), [f] "=r"(f)                                          \
                         : [fin] "r"(fin)                                                 \
                         : "cc");                                                          \
        *fout = f;                                                                         \
        return ax & 0xFFFF;                                                                \
    }
ADJUST(do_daa, "daa")
ADJUST(do_das, "das")
ADJUST(do_aaa, "aaa")
ADJUST(do_aas, "aas")
ADJUST(do_aam10, ".byte 0xD4, 0x0A")
ADJUST(do_aam16, ".byte 0xD4, 0x10")
ADJUST(do_aam7, ".byte 0xD4, 0x07")
ADJUST(do_aad10, ".byte 0xD5, 0x0A")
ADJUST(do_aad16, ".byte 0xD5, 0x10")

typedef uint32_t (*adjust_fn)(uint32_t, uint32_t, uint32_t *);

static const struct {
    const char *name;
    adjust_fn fn;
    uint32_t mask;
    uint16_t samples[4]; /* AX inputs shown in detail */
} ops[] = {
    {"daa", do_daa, M_DAA, {0x0009, 0x000A, 0x009A, 0x00FF}},
    {"das", do_das, M_DAA, {0x0000, 0x000A, 0x009A, 0x00FF}},
    {"aaa", do_aaa, M_AAA, {0x0109, 0x010A, 0x01FA, 0xFFFF}},
    {"aas", do_aas, M_AAA, {0x0109, 0x0100, 0x0005, 0x0006}},
    {"aam10", do_aam10, M_AAM, {0x0000, 0x0063, 0x00FF, 0x1264}},
    {"aam16", do_aam16, M_AAM, {0x0000, 0x0063, 0x00FF, 0x1264}},
    {"aam7", do_aam7, M_AAM, {0x0000, 0x0063, 0x00FF, 0x1264}},
    {"aad10", do_aad10, M_AAM, {0x0000, 0x0909, 0xFFFF, 0x1A0B}},
    {"aad16", do_aad16, M_AAM, {0x0000, 0x0909, 0xFFFF, 0x1A0B}},
};

/* AH inputs: AAA/AAS carry into AH and AAD reads it. */
static const uint16_t ah_values[] = {0x00, 0x01, 0x09, 0x7F, 0xFF};

static void run_op(unsigned o)
{
    uint32_t crc = 0;

    for (unsigned h = 0; h < sizeof(ah_values) / sizeof(ah_values[0]); h++)
        for (uint32_t al = 0; al < 256; al++)
            for (uint32_t in = 0; in < 4; in++) {
                uint32_t fin = 0x2 | ((in & 1) ? RT_CF : 0) | ((in & 2) ? RT_AF : 0), f;
                uint32_t r = ops[o].fn((ah_values[h] << 8) | al, fin, &f);
                uint32_t rec[2] = {r, f & ops[o].mask};
                crc = rt_crc32(crc, rec, sizeof(rec));
            }
    rt_printf("%s crc=%08x\n", ops[o].name, crc);
    for (int s = 0; s < 4; s++)
        for (uint32_t in = 0; in < 4; in += 3) {
            uint32_t fin = 0x2 | (in ? RT_CF | RT_AF : 0), f;
            uint32_t r = ops[o].fn(ops[o].samples[s], fin, &f);
            rt_printf("  ax=%04x cf=af=%u -> ax=%04x fl=%03x\n", ops[o].samples[s], in ? 1 : 0,
                      r, f & ops[o].mask);
        }
}

static void aam_zero(void *arg)
{
    uint32_t *ax = arg;
    __asm__ volatile(".byte 0xD4, 0x00" : "+a"(*ax) : : "cc");
}

int main(void)
{
    for (unsigned o = 0; o < sizeof(ops) / sizeof(ops[0]); o++)
        run_op(o);

    struct rt_fault fault;
    uint32_t ax = 0x1234;
    int faulted = rt_call_catch(aam_zero, &ax, &fault);
    rt_printf("aam 0: faulted=%d vector=%u ax=%04x\n", faulted, fault.vector, ax & 0xFFFF);
    return 0;
}
