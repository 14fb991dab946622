/* Guest test: string instructions MOVS/STOS/LODS/CMPS/SCAS (SDM vol. 2) at
 * 8/16/32 bits, with REP/REPE/REPNE, DF clear and set, ECX = 0, and an
 * overlapping forward copy (which must replicate, element by element).
 * Reported: ESI/EDI moved by, ECX left, flags after compares, buffer CRC. */
#include "runtime.h"

static uint8_t src[256], dst[256];

static void fill(void)
{
    for (int i = 0; i < 256; i++) {
        src[i] = (uint8_t)(i * 7 + 3);
        dst[i] = 0xEE;
    }
}

struct regs {
    uint32_t esi, edi, ecx, eax, flags;
};

static void report(const char *what, const struct regs *r, const uint8_t *s0, const uint8_t *d0)
{
    rt_printf("%-14s esi%+4d edi%+4d ecx=%u eax=%08x fl=%03x dst crc=%08x\n", what,
              (int)(r->esi - (uint32_t)s0), (int)(r->edi - (uint32_t)d0), r->ecx, r->eax,
              r->flags & RT_ARITH_FLAGS, rt_crc32(0, dst, sizeof(dst)));
}

/* Run one string instruction with DF as given; flags start as 0x2 | CF. */
#define STRING_OP(fname, insn)                                                             \
    static void fname(struct regs *r, int df)                                              \
    {                                                                                      \
        uint32_t fin = 0x2 | RT_CF | (df ? RT_DF : 0);                                    \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" insn "\n\tpushfl\n\tpopl %[f]\n\tcld" \
                         : "+S"(r->esi), "+D"(r->edi), "+c"(r->ecx), "+a"(r->eax),         \
                           [f] "=r"(r->flags)                                              \
                         : [fin] "r"(fin)                                                 \
                         : "cc", "memory");                                                \
    }

STRING_OP(rep_movsb, "rep movsb")
STRING_OP(rep_movsw, "rep movsw")
STRING_OP(rep_movsl, "rep movsl")
STRING_OP(rep_stosb, "rep stosb")
STRING_OP(rep_stosw, "rep stosw")
STRING_OP(rep_stosl, "rep stosl")
STRING_OP(lodsb, "lodsb")
STRING_OP(lodsw, "lodsw")
STRING_OP(lodsl, "lodsl")
STRING_OP(movsb, "movsb")
STRING_OP(repe_cmpsb, "repe cmpsb")
STRING_OP(repe_cmpsw, "repe cmpsw")
STRING_OP(repe_cmpsl, "repe cmpsl")
STRING_OP(repne_cmpsb, "repne cmpsb")
STRING_OP(repe_scasb, "repe scasb")
STRING_OP(repne_scasb, "repne scasb")
STRING_OP(repne_scasw, "repne scasw")
STRING_OP(repne_scasl, "repne scasl")
STRING_OP(cmpsb, "cmpsb")
STRING_OP(scasl, "scasl")

typedef void (*string_fn)(struct regs *, int);

struct string_case {
    const char *name;
    string_fn fn;
    int src_off, dst_off; /* offsets into src/dst (dst_off < 0: EDI in src) */
    uint32_t ecx, eax;
    int df;
};

static const struct string_case cases[] = {
    {"rep movsb", rep_movsb, 0, 0, 17, 0, 0},
    {"rep movsw", rep_movsw, 2, 4, 9, 0, 0},
    {"rep movsl", rep_movsl, 4, 8, 7, 0, 0},
    {"rep movsb std", rep_movsb, 40, 50, 17, 0, 1},
    {"rep movsw std", rep_movsw, 40, 50, 9, 0, 1},
    {"rep movsl std", rep_movsl, 40, 60, 7, 0, 1},
    {"rep movsb c=0", rep_movsb, 0, 0, 0, 0, 0},
    {"movsb", movsb, 5, 5, 3, 0, 0},
    {"movsb std", movsb, 5, 5, 3, 0, 1},
    {"rep stosb", rep_stosb, 0, 3, 13, 0x11223344, 0},
    {"rep stosw", rep_stosw, 0, 30, 5, 0x55667788, 0},
    {"rep stosl", rep_stosl, 0, 60, 5, 0x99AABBCC, 0},
    {"rep stosl std", rep_stosl, 0, 120, 5, 0xDDEEFF00, 1},
    {"rep stosw std", rep_stosw, 0, 140, 3, 0x12345678, 1},
    {"lodsb", lodsb, 10, 0, 5, 0xFFFFFFFF, 0},
    {"lodsw std", lodsw, 10, 0, 5, 0xFFFFFFFF, 1},
    {"lodsl", lodsl, 11, 0, 5, 0, 0},
};

static void run_case(const struct string_case *c)
{
    struct regs r;
    uint8_t *s = src + c->src_off, *d = dst + c->dst_off;

    fill();
    r = (struct regs){(uint32_t)s, (uint32_t)d, c->ecx, c->eax, 0};
    c->fn(&r, c->df);
    report(c->name, &r, s, d);
}

/* Compare two buffers that differ at index 11 (bytes). */
static void compares(void)
{
    static const struct {
        const char *name;
        string_fn fn;
        uint32_t ecx;
        int df, off;
    } cmp[] = {
        {"repe cmpsb", repe_cmpsb, 32, 0, 0},   {"repe cmpsw", repe_cmpsw, 16, 0, 0},
        {"repe cmpsl", repe_cmpsl, 8, 0, 0},    {"repe cmpsb std", repe_cmpsb, 32, 1, 31},
        {"repe cmpsb c=0", repe_cmpsb, 0, 0, 0}, {"repe cmpsb eq", repe_cmpsb, 11, 0, 0},
        {"repne cmpsb", repne_cmpsb, 32, 0, 0}, {"cmpsb", cmpsb, 5, 0, 11},
    };
    for (unsigned i = 0; i < sizeof(cmp) / sizeof(cmp[0]); i++) {
        fill();
        for (int k = 0; k < 64; k++)
            dst[k] = src[k];
        dst[11] = 0xFF; /* src[11] = 80: dst bigger, so src - dst borrows */
        dst[20] = src[20];
        struct regs r = {(uint32_t)(src + cmp[i].off), (uint32_t)(dst + cmp[i].off), cmp[i].ecx,
                         0, 0};
        cmp[i].fn(&r, cmp[i].df);
        report(cmp[i].name, &r, src + cmp[i].off, dst + cmp[i].off);
    }
}

static void scans(void)
{
    static const struct {
        const char *name;
        string_fn fn;
        uint32_t ecx, eax;
        int df, off;
    } sc[] = {
        {"repne scasb", repne_scasb, 64, 0x26, 0, 0}, /* src[i] = 7i + 3 */
        {"repne scasb miss", repne_scasb, 16, 0xAB, 0, 0},
        {"repe scasb", repe_scasb, 16, 0x03, 0, 0},
        {"repne scasw", repne_scasw, 32, 0x5049, 0, 0},
        {"repne scasl", repne_scasl, 16, 0x6C655E57, 0, 0},
        {"repne scasb std", repne_scasb, 64, 0x03, 1, 63},
        {"scasl", scasl, 9, 0x1E17100A, 0, 1},
    };
    for (unsigned i = 0; i < sizeof(sc) / sizeof(sc[0]); i++) {
        fill();
        struct regs r = {0, (uint32_t)(src + sc[i].off), sc[i].ecx, sc[i].eax, 0};
        sc[i].fn(&r, sc[i].df);
        rt_printf("%-16s edi%+4d ecx=%u fl=%03x\n", sc[i].name, (int)(r.edi - (uint32_t)src),
                  r.ecx, r.flags & RT_ARITH_FLAGS);
    }
}

/* EDI = ESI + 1: each byte copied is the one just written, so the first byte
 * fills the whole range (a memmove would not). */
static void overlap(void)
{
    fill();
    struct regs r = {(uint32_t)src, (uint32_t)(src + 1), 40, 0, 0};
    rep_movsb(&r, 0);
    uint32_t crc = rt_crc32(0, src, 48);
    rt_printf("overlap movsb: src[0..3]=%02x %02x %02x %02x src[40..42]=%02x %02x %02x crc=%08x\n",
              src[0], src[1], src[2], src[3], src[40], src[41], src[42], crc);
    fill();
    r = (struct regs){(uint32_t)src, (uint32_t)(src + 4), 10, 0, 0};
    rep_movsl(&r, 0);
    rt_printf("overlap movsl: crc=%08x\n", rt_crc32(0, src, 48));
}

int main(void)
{
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run_case(&cases[i]);
    compares();
    scans();
    overlap();
    return 0;
}
