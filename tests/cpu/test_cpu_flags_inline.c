/* Inline shifts, rotates and lazy-flag conditions (frontend/lift-alu.c,
 * lift-flags.c) against the helper path: the same shift done in every form
 * the lifter handles differently (immediate, shift-by-1, CL on a register,
 * immediate and CL on memory, the last through x86_helper_shift) must leave
 * the same result and EFLAGS, and the 16 SETcc read right after it in the
 * same block (inline conditions) must agree with the EFLAGS that PUSHF
 * materialises. On the interpreter and, where there is one, x86-64. */
#include "code-emit.h"
#include "machine.h"
#include "translator/translator.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>

#define OUT_SETCC  0x2000u /* 16 bytes */
#define OUT_FLAGS  0x2010u
#define OUT_RESULT 0x2020u
#define MEM_OPND   0x3000u
#define ARITH      0x8d5u /* CF PF AF ZF SF OF */

enum form { F_IMM, F_ONE, F_CL_REG, F_IMM_MEM, F_CL_MEM, F_COUNT };

/* Flags, EAX = v, then the operation (bytes in op), then 16 SETcc, PUSHF,
 * the result out, HLT. mem: EAX goes to MEM_OPND first and comes back after. */
static void program(struct code *c, uint16_t flags, uint32_t v, const struct code *op, bool mem)
{
    c->n = 0;
    put(c, 4, 0x68, flags & 0xff, flags >> 8, 0x9d); /* push imm16; popf */
    put(c, 2, 0x66, 0xb8);                           /* mov eax, v */
    put32(c, v);
    if (mem)
        put(c, 4, 0x66, 0xa3, MEM_OPND & 0xff, MEM_OPND >> 8); /* mov [MEM_OPND], eax */
    for (unsigned i = 0; i < op->n; i++)
        c->b[c->n++] = op->b[i];
    for (unsigned cc = 0; cc < 16; cc++) /* setcc [OUT_SETCC + cc] */
        put(c, 5, 0x0f, 0x90 + cc, 0x06, (OUT_SETCC + cc) & 0xff, (OUT_SETCC + cc) >> 8);
    put(c, 5, 0x9c, 0x8f, 0x06, OUT_FLAGS & 0xff, OUT_FLAGS >> 8); /* pushf; pop [OUT_FLAGS] */
    if (mem)
        put(c, 4, 0x66, 0xa1, MEM_OPND & 0xff, MEM_OPND >> 8); /* mov eax, [MEM_OPND] */
    put(c, 4, 0x66, 0xa3, OUT_RESULT & 0xff, OUT_RESULT >> 8); /* mov [OUT_RESULT], eax */
    put(c, 1, 0xf4);
}

/* Group-2 shift /op of size 1, 2 or 4 by count in the given form. */
static bool shift_op(struct code *c, unsigned op, unsigned size, unsigned count, enum form f)
{
    c->n = 0;
    if (f == F_ONE && count != 1)
        return false;
    if (f == F_CL_REG || f == F_CL_MEM)
        put(c, 2, 0xb1, count); /* mov cl, count */
    if (size == 4)
        put(c, 1, 0x66);
    unsigned w = size == 1 ? 0 : 1;
    unsigned opc = f == F_ONE ? 0xd0 : f == F_CL_REG || f == F_CL_MEM ? 0xd2 : 0xc0;
    bool mem = f == F_IMM_MEM || f == F_CL_MEM;
    put(c, 2, opc + w, (mem ? 0x06 : 0xc0) | op << 3);
    if (mem)
        put(c, 2, MEM_OPND & 0xff, MEM_OPND >> 8);
    if (f == F_IMM || f == F_IMM_MEM)
        put(c, 1, count);
    return true;
}

struct result {
    uint8_t setcc[16];
    uint16_t flags;
    uint32_t value;
};

static struct tmachine machines[3];
static unsigned nmachines;

static void machines_up(void)
{
    nmachines = tm_init_backends(machines, 3);
}

static void machines_down(void)
{
    for (unsigned i = 0; i < nmachines; i++)
        tm_free(&machines[i]);
}

static struct result run(struct tmachine *m, const struct code *c)
{
    tm_run_code_at(m, c, TM_CODE);
    struct result r;
    mmu_phys_read(m->space, OUT_SETCC, r.setcc, 16);
    r.flags = tm_peek16(m, OUT_FLAGS);
    r.value = (uint32_t)tm_peek16(m, OUT_RESULT) | (uint32_t)tm_peek16(m, OUT_RESULT + 2) << 16;
    return r;
}

/* SDM Vol. 1 appendix B, from the materialised flags. */
static bool cond_of(unsigned cc, uint16_t f)
{
    bool cf = f & 1, pf = f >> 2 & 1, zf = f >> 6 & 1, sf = f >> 7 & 1, of = f >> 11 & 1;
    bool v;
    switch (cc >> 1) {
    case 0: v = of; break;
    case 1: v = cf; break;
    case 2: v = zf; break;
    case 3: v = cf || zf; break;
    case 4: v = sf; break;
    case 5: v = pf; break;
    case 6: v = sf != of; break;
    default: v = zf || sf != of; break;
    }
    return (cc & 1) ? !v : v;
}

static void check_setcc_matches_flags(const struct result *r, const char *what)
{
    for (unsigned cc = 0; cc < 16; cc++)
        ck_assert_msg(r->setcc[cc] == cond_of(cc, r->flags),
                      "%s: setcc %x gave %u, flags %03x say %u", what, cc, r->setcc[cc],
                      r->flags & ARITH, cond_of(cc, r->flags));
}

static bool same(const struct result *a, const struct result *b, unsigned size)
{
    uint32_t mask = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
    return a->flags == b->flags && ((a->value ^ b->value) & mask) == 0 &&
           memcmp(a->setcc, b->setcc, 16) == 0;
}

static const uint32_t values[] = {0x80000001u, 0x7fff8000u, 0x00000000u, 0xc3a5965au};
static const unsigned counts[] = {0, 1, 2, 7, 8, 9, 15, 16, 17, 30, 31, 32, 33};

START_TEST(flags_inline_shift_forms_agree_with_the_helper_and_pushf)
{
    static const unsigned ops[] = {4, 5, 6, 7, 0, 1}; /* SHL SHR SAL SAR ROL ROR */
    machines_up();
    struct code op, prog;
    for (unsigned oi = 0; oi < sizeof(ops) / sizeof(ops[0]); oi++)
        for (unsigned size = 1; size <= 4; size *= 2)
            for (unsigned ci = 0; ci < sizeof(counts) / sizeof(counts[0]); ci++)
                for (unsigned vi = 0; vi < sizeof(values) / sizeof(values[0]); vi++)
                    for (unsigned fl = 0; fl < 2; fl++) {
                        uint16_t flags = (uint16_t)(2u | (fl ? ARITH : 0));
                        /* The reference: CL on memory, x86_helper_shift, interpreter. */
                        shift_op(&op, ops[oi], size, counts[ci], F_CL_MEM);
                        program(&prog, flags, values[vi], &op, true);
                        struct result ref = run(&machines[0], &prog);
                        char what[96];
                        for (unsigned f = 0; f < F_COUNT; f++) {
                            if (!shift_op(&op, ops[oi], size, counts[ci], (enum form)f))
                                continue;
                            program(&prog, flags, values[vi], &op, f >= F_IMM_MEM);
                            for (unsigned mi = 0; mi < nmachines; mi++) {
                                struct result r = run(&machines[mi], &prog);
                                snprintf(what, sizeof(what),
                                         "op /%u size %u count %u value %08x flags %03x form %u "
                                         "backend %u",
                                         ops[oi], size, counts[ci], values[vi], flags, f, mi);
                                check_setcc_matches_flags(&r, what);
                                ck_assert_msg(same(&r, &ref, size),
                                              "%s: %08x fl %03x, helper: %08x fl %03x", what,
                                              r.value, r.flags, ref.value, ref.flags);
                            }
                        }
                    }
    machines_down();
}
END_TEST

/* Conditions read straight after ADD/SUB/AND/INC/DEC/NEG in the same block
 * (the lifter's inline CF, ZF, SF, LE...) against PUSHF's flags. */
START_TEST(flags_inline_conditions_after_alu_ops_agree_with_pushf)
{
    static const uint8_t alu[][3] = {
        {0x01, 0xd8, 2}, /* add eax, ebx */
        {0x29, 0xd8, 2}, /* sub eax, ebx */
        {0x21, 0xd8, 2}, /* and eax, ebx */
        {0x40, 0, 1},    /* inc eax */
        {0x48, 0, 1},    /* dec eax */
        {0x00, 0xd8, 2}, /* add al, bl (the 66 prefix changes nothing) */
        {0xf7, 0xd8, 2}, /* neg eax */
    };
    machines_up();
    struct code op, prog;
    for (unsigned ai = 0; ai < sizeof(alu) / sizeof(alu[0]); ai++)
        for (unsigned vi = 0; vi < 4; vi++)
            for (unsigned wi = 0; wi < 4; wi++)
                for (unsigned fl = 0; fl < 2; fl++) {
                    op.n = 0;
                    put(&op, 2, 0x66, 0xbb); /* mov ebx, w */
                    put32(&op, values[wi] ^ 0x1u);
                    put(&op, 1, 0x66);
                    for (unsigned k = 0; k < alu[ai][2]; k++)
                        put(&op, 1, alu[ai][k]);
                    program(&prog, (uint16_t)(2u | (fl ? ARITH : 0)), values[vi], &op, false);
                    struct result first = {0};
                    for (unsigned mi = 0; mi < nmachines; mi++) {
                        struct result r = run(&machines[mi], &prog);
                        char what[64];
                        snprintf(what, sizeof(what), "alu %u value %08x w %08x flags %u backend %u",
                                 ai, values[vi], values[wi] ^ 1u, fl, mi);
                        check_setcc_matches_flags(&r, what);
                        if (mi == 0)
                            first = r;
                        else
                            ck_assert_msg(same(&r, &first, 4), "%s: backends differ", what);
                    }
                }
    machines_down();
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("cpu_flags_inline");
    TCase *tc = tcase_create("flags");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, flags_inline_shift_forms_agree_with_the_helper_and_pushf);
    tcase_add_test(tc, flags_inline_conditions_after_alu_ops_agree_with_pushf);
    suite_add_tcase(s, tc);
    return s;
}
