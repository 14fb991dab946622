/* Flags read at the start of a block, where the lifter does not know which
 * instruction set them (inline for a dword SUB or LOGIC record, else the
 * cc_carry / cc_compute helpers over the run-time record): after each
 * flag-setting kind and operand size, SETC, INC (keeps CF), ADC and SBB must
 * see the CF the SDM defines for that instruction (Vol. 2, each instruction's
 * "Flags Affected"), computed here from the operands, and the 16 SETcc the
 * conditions of the flags PUSHF shows (Vol. 1 appendix B). On the interpreter
 * and the host's native backend. */
#include "code-emit.h"
#include "machine.h"
#include "translator/translator.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>

#define OUT_VALUE 0x2000u
#define OUT_FLAGS 0x2010u

/* The flag-setting instructions, on EAX with EBX (or CL as the count). */
enum kind { K_POPF, K_ADD, K_ADC, K_SUB, K_SBB, K_CMP, K_AND, K_NEG, K_INC, K_DEC,
            K_SHL, K_SHR, K_SAR, K_ROL, K_ROR, K_MUL, K_IMUL, K_BT, K_COUNT };

/* Opcode bytes of kind (a count, then the bytes) for an 8-bit or a 16/32-bit operand. */
static const uint8_t op_bytes[K_COUNT][2][3] = {
    [K_POPF] = {{0}, {0}},
    [K_ADD] = {{2, 0x00, 0xd8}, {2, 0x01, 0xd8}},
    [K_ADC] = {{2, 0x10, 0xd8}, {2, 0x11, 0xd8}},
    [K_SUB] = {{2, 0x28, 0xd8}, {2, 0x29, 0xd8}},
    [K_SBB] = {{2, 0x18, 0xd8}, {2, 0x19, 0xd8}},
    [K_CMP] = {{2, 0x38, 0xd8}, {2, 0x39, 0xd8}},
    [K_AND] = {{2, 0x20, 0xd8}, {2, 0x21, 0xd8}},
    [K_NEG] = {{2, 0xf6, 0xd8}, {2, 0xf7, 0xd8}},
    [K_INC] = {{2, 0xfe, 0xc0}, {2, 0xff, 0xc0}},
    [K_DEC] = {{2, 0xfe, 0xc8}, {2, 0xff, 0xc8}},
    [K_SHL] = {{2, 0xd2, 0xe0}, {2, 0xd3, 0xe0}},
    [K_SHR] = {{2, 0xd2, 0xe8}, {2, 0xd3, 0xe8}},
    [K_SAR] = {{2, 0xd2, 0xf8}, {2, 0xd3, 0xf8}},
    [K_ROL] = {{2, 0xd2, 0xc0}, {2, 0xd3, 0xc0}},
    [K_ROR] = {{2, 0xd2, 0xc8}, {2, 0xd3, 0xc8}},
    [K_MUL] = {{2, 0xf6, 0xe3}, {2, 0xf7, 0xe3}},
    [K_IMUL] = {{0}, {2, 0x0f, 0xaf}}, /* imul ax, bx (+ modrm c3) */
    [K_BT] = {{0}, {2, 0x0f, 0xa3}},   /* bt ax, bx (+ modrm d8) */
};

/* The readers, each first in its block. */
enum reader { R_SETC, R_INC, R_ADC, R_SBB, R_COUNT };

static bool is_shift(enum kind k)
{
    return k >= K_SHL && k <= K_ROR;
}

/* CF = cin from an ADC with carry in 1 (its record's src2 = 1, which the
 * kinds after it that do not read src2 leave there), EAX = a, EBX = b,
 * CL = n, the instruction, when split a jump to the next byte (the block
 * ends: the reader does not know the kind), DX = 0, the reader, DX and FLAGS
 * out, HLT. */
static bool program(struct code *c, enum kind k, unsigned size, bool cin, uint32_t a, uint32_t b,
                    unsigned n, enum reader r, bool split)
{
    const uint8_t *ob = op_bytes[k][size != 1];
    if (k != K_POPF && ob[0] == 0)
        return false;
    c->n = 0;
    put(c, 4, 0x68, 0x03, 0x00, 0x9d);                     /* push 3; popf: CF = 1 */
    put(c, 3, 0xbf, cin ? 0xff : 0x00, cin ? 0xff : 0x00); /* mov di, cin ? 0xffff : 0 */
    put(c, 2, 0x11, 0xff);                                 /* adc di, di: CF = cin */
    put(c, 2, 0x66, 0xb8);                          /* mov eax, a */
    put32(c, a);
    put(c, 2, 0x66, 0xbb); /* mov ebx, b */
    put32(c, b);
    put(c, 2, 0xb1, n); /* mov cl, n */
    if (size == 4 && ob[0])
        put(c, 1, 0x66);
    for (unsigned i = 1; i <= ob[0]; i++)
        put(c, 1, ob[i]);
    if (k == K_IMUL)
        put(c, 1, 0xc3);
    if (k == K_BT)
        put(c, 1, 0xd8);
    if (split)
        put(c, 2, 0xeb, 0x00);   /* jmp $+2 */
    put(c, 3, 0xba, 0x00, 0x00); /* mov dx, 0 (MUL wrote it; flags unchanged) */
    switch (r) {
    case R_SETC: put(c, 2, 0x0f, 0x92), put(c, 1, 0xc2); break; /* setc dl */
    case R_INC: put(c, 1, 0x42); break;                       /* inc dx */
    case R_ADC: put(c, 2, 0x11, 0xd2); break;                 /* adc dx, dx */
    default: put(c, 2, 0x19, 0xd2); break;                    /* sbb dx, dx */
    }
    put(c, 4, 0x89, 0x16, OUT_VALUE & 0xff, OUT_VALUE >> 8);      /* mov [OUT_VALUE], dx */
    put(c, 5, 0x9c, 0x8f, 0x06, OUT_FLAGS & 0xff, OUT_FLAGS >> 8); /* pushf; pop [OUT_FLAGS] */
    put(c, 1, 0xf4);
    return true;
}

static int64_t sext(uint32_t v, unsigned w)
{
    return (int64_t)((uint64_t)v << (64 - w)) >> (64 - w);
}

/* CF after kind on a, b (count n) with CF = cin before, per the SDM. */
static bool expected_cf(enum kind k, unsigned size, bool cin, uint32_t a, uint32_t b, unsigned n)
{
    unsigned w = 8 * size;
    uint64_t m = (1ull << w) - 1, x = a & m, y = b & m;
    switch (k) {
    case K_ADD: return x + y > m;
    case K_ADC: return x + y + cin > m;
    case K_SUB:
    case K_CMP: return x < y;
    case K_SBB: return x < y + cin;
    case K_AND: return false;
    case K_NEG: return x != 0;
    case K_SHL:
    case K_ROL: return (x >> (w - n)) & 1;
    case K_SHR:
    case K_SAR:
    case K_ROR: return (x >> (n - 1)) & 1;
    case K_MUL: return x * y > m;
    case K_IMUL: {
        int64_t p = sext(a, w) * sext(b, w);
        return p != sext((uint32_t)p, w);
    }
    case K_BT: return (x >> (y % w)) & 1;
    default: return cin; /* ADC DI,DI set it; INC and DEC keep it */
    }
}

static struct tmachine machines[3];
static unsigned nmachines;

struct result {
    uint16_t value, flags;
};

static struct result run(struct tmachine *m, const struct code *c)
{
    tm_run_code_at(m, c, TM_CODE);
    return (struct result){tm_peek16(m, OUT_VALUE), tm_peek16(m, OUT_FLAGS)};
}

/* What the reader leaves in DX and as CF given the CF it saw: SETC and INC
 * keep CF, ADC DX,DX (0 + 0 + CF) clears it, SBB DX,DX (0 - 0 - CF) keeps it. */
static void check_reader(enum reader r, bool cf, struct result got, const char *what)
{
    static const char *const names[R_COUNT] = {"setc", "inc", "adc", "sbb"};
    uint16_t want = r == R_SETC ? cf : r == R_INC ? 1 : r == R_ADC ? cf : (cf ? 0xffff : 0);
    bool cf_after = r == R_ADC ? false : cf;
    ck_assert_msg(got.value == want, "%s, %s: dx %04x, want %04x", what, names[r], got.value,
                  want);
    ck_assert_msg((got.flags & 1) == cf_after, "%s, %s: CF %u after, want %u", what, names[r],
                  got.flags & 1, cf_after);
}

static const uint32_t values[] = {0, 1, 0x80, 0x7fffffffu, 0x80000000u, 0xffffffffu};
#define NVALUES (sizeof(values) / sizeof(values[0]))

/* The reader first in the next block (split) or right after the instruction,
 * in the same block (the kind known: CF inline for all but MUL). */
START_TEST(carry_read_first_in_a_block_after_every_kind_and_size)
{
    nmachines = tm_init_backends(machines, 3);
    struct code prog;
    unsigned checked = 0;
    for (unsigned k = 0; k < K_COUNT; k++)
        for (unsigned size = 1; size <= 4; size *= 2)
            for (unsigned i = 0; i < NVALUES * NVALUES; i++) {
                uint32_t a = values[i / NVALUES], b = values[i % NVALUES];
                unsigned w = 8 * size;
                unsigned counts[] = {1, 3, w - 1};
                for (unsigned ci = 0; ci < (is_shift((enum kind)k) ? 3u : 1u); ci++)
                    for (unsigned cin = 0; cin < 4; cin++)
                        for (unsigned r = 0; r < R_COUNT; r++) {
                            unsigned n = counts[ci];
                            if (!program(&prog, (enum kind)k, size, cin & 1, a, b, n,
                                         (enum reader)r, cin < 2))
                                continue;
                            bool cf = expected_cf((enum kind)k, size, cin & 1, a, b, n);
                            for (unsigned mi = 0; mi < nmachines; mi++) {
                                char what[96];
                                snprintf(what, sizeof(what),
                                         "kind %u size %u a %08x b %08x n %u cin %u split %u "
                                         "backend %u",
                                         k, size, a, b, n, cin & 1, cin < 2, mi);
                                check_reader((enum reader)r, cf, run(&machines[mi], &prog), what);
                                checked++;
                            }
                        }
            }
    /* 11 kinds in 3 sizes, 5 shifts in 3 sizes by 3 counts, IMUL and BT in 2 sizes */
    ck_assert_uint_eq(checked, (11 * 3 + 5 * 3 * 3 + 2 * 2) * NVALUES * NVALUES * 4 * R_COUNT *
                                   nmachines);
    for (unsigned i = 0; i < nmachines; i++)
        tm_free(&machines[i]);
}
END_TEST

/* As program() with SETcc DL as the reader (cc: the condition nibble), so
 * that it is the block's first flag read. */
static bool program_setcc(struct code *c, enum kind k, unsigned size, bool cin, uint32_t a,
                          uint32_t b, unsigned cc)
{
    if (!program(c, k, size, cin, a, b, 3, R_SETC, true))
        return false;
    /* setc dl (0f 92 c2); mov [OUT_VALUE], dx; pushf; pop [OUT_FLAGS]; hlt */
    c->b[c->n - 13 + 1] = (uint8_t)(0x90 + cc);
    return true;
}

/* SDM Vol. 1 appendix B, from the materialised flags. */
static bool cond_of(unsigned cc, uint16_t f)
{
    static const uint8_t bit[8] = {11, 0, 6, 0, 7, 2, 0, 0}; /* O C Z - S P */
    bool cf = f & 1, zf = f >> 6 & 1, sf = f >> 7 & 1, of = f >> 11 & 1;
    bool v;
    switch (cc >> 1) {
    case 3: v = cf || zf; break;
    case 6: v = sf != of; break;
    case 7: v = zf || sf != of; break;
    default: v = f >> bit[cc >> 1] & 1; break;
    }
    return (cc & 1) ? !v : v;
}

START_TEST(conditions_read_first_in_a_block_agree_with_pushf)
{
    static const uint32_t few[] = {0, 1, 0x80000000u, 0xffffffffu};
    const unsigned nf = sizeof(few) / sizeof(few[0]);
    nmachines = tm_init_backends(machines, 3);
    struct code prog;
    unsigned checked = 0;
    for (unsigned k = 0; k < K_COUNT; k++)
        for (unsigned size = 1; size <= 4; size *= 2)
            for (unsigned i = 0; i < nf * nf * 2; i++)
                for (unsigned cc = 0; cc < 16; cc++) {
                    uint32_t a = few[i / 2 / nf], b = few[i / 2 % nf];
                    if (!program_setcc(&prog, (enum kind)k, size, i & 1, a, b, cc))
                        continue;
                    for (unsigned mi = 0; mi < nmachines; mi++) {
                        struct result r = run(&machines[mi], &prog);
                        ck_assert_msg((r.value & 0xff) == cond_of(cc, r.flags),
                                      "kind %u size %u a %08x b %08x cin %u backend %u: "
                                      "setcc %x gave %u, flags %03x",
                                      k, size, a, b, i & 1, mi, cc, r.value & 0xff,
                                      r.flags & 0x8d5);
                        checked++;
                    }
                }
    ck_assert_uint_eq(checked, (16 * 3 + 2 * 2) * nf * nf * 2 * 16 * nmachines);
    for (unsigned i = 0; i < nmachines; i++)
        tm_free(&machines[i]);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("cpu_carry");
    TCase *tc = tcase_create("carry");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, carry_read_first_in_a_block_after_every_kind_and_size);
    tcase_add_test(tc, conditions_read_first_in_a_block_agree_with_pushf);
    suite_add_tcase(s, tc);
    return s;
}
