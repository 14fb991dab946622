/* Lazy flags in the lifter (DESIGN.md "Lazy flags"): record (cc_op, dst, src,
 * src2) per flag-setting instruction; conditions read them back, inline for
 * the common compare and logic cases, else through the cc_compute helper.
 * Condition codes: SDM Vol. 1, appendix B. */
#include "frontend/lift-internal.h"

#include <assert.h>

/* src2 is written for ADC and SBB only, the kinds that read it (their carry
 * in); the others leave it as it was: one store fewer per record that
 * reaches env (frontend/cpu-state.h). */
void lift_set_cc(struct lift *L, enum x86_cc_op op, ir_tmp dst, ir_tmp src, ir_tmp src2)
{
    bool carry_in = (unsigned)(op - X86_CC_ADCB) < 3u || (unsigned)(op - X86_CC_SBBB) < 3u;
    ir_mov(L->b, ir_global(L->b, X86_G_CC_DST), dst);
    ir_mov(L->b, ir_global(L->b, X86_G_CC_SRC), src);
    if (carry_in)
        ir_mov(L->b, ir_global(L->b, X86_G_CC_SRC2), src2);
    ir_movi(L->b, ir_global(L->b, X86_G_CC_OP), op);
    L->cc_op = op;
}

/* flags holds the six arithmetic flags as EFLAGS bits. */
void lift_set_eflags_arith(struct lift *L, ir_tmp flags)
{
    ir_tmp z = lift_const(L, 0);
    lift_set_cc(L, X86_CC_EFLAGS, z, flags, z);
}

ir_tmp lift_arith_flags(struct lift *L)
{
    ir_tmp a[4] = {ir_global(L->b, X86_G_CC_OP), ir_global(L->b, X86_G_CC_DST),
                   ir_global(L->b, X86_G_CC_SRC), ir_global(L->b, X86_G_CC_SRC2)};
    if (L->cc_op == X86_CC_EFLAGS) {
        ir_tmp r = ir_new_i32(L->b);
        ir_mov(L->b, r, a[2]);
        return r;
    }
    return lift_call_ret(L, X86_HELPER_cc_compute, 4, a);
}

static ir_tmp bit(struct lift *L, ir_tmp flags, unsigned shift)
{
    ir_tmp r = ir_new_i32(L->b);
    ir_shri(L->b, r, flags, shift);
    ir_andi(L->b, r, r, 1);
    return r;
}

static ir_tmp cond_from_flags(struct lift *L, unsigned base)
{
    if (base == 1)
        return lift_cf(L);
    ir_tmp f = lift_arith_flags(L);
    ir_tmp r = ir_new_i32(L->b), t = ir_new_i32(L->b);
    switch (base) {
    case 0: return bit(L, f, 11);
    case 2: return bit(L, f, 6);
    case 3:
        ir_andi(L->b, t, f, X86_CF | X86_ZF);
        ir_setcond(L->b, IR_COND_NE, r, t, lift_const(L, 0));
        return r;
    case 4: return bit(L, f, 7);
    case 5: return bit(L, f, 2);
    case 6:
        ir_shri(L->b, t, f, 4); /* OF (bit 11) onto SF (bit 7) */
        ir_xor(L->b, t, t, f);
        return bit(L, t, 7);
    default:
        ir_shri(L->b, t, f, 4);
        ir_xor(L->b, t, t, f);
        ir_shri(L->b, t, t, 1); /* SF^OF onto ZF (bit 6) */
        ir_or(L->b, t, t, f);
        return bit(L, t, 6);
    }
}

static unsigned cc_size(enum x86_cc_op op)
{
    unsigned v = (op - X86_CC_ADDB) % 3;
    return v == 0 ? 1 : v == 1 ? 2 : 4;
}

static bool cc_is(enum x86_cc_op op, enum x86_cc_op byte_variant)
{
    return op >= byte_variant && op < byte_variant + 3;
}

/* CF straight from the recorded operands (cpu/cc.c's formulas) for the kinds
 * where that is one or two IR ops; false for the others. */
static bool cf_inline(struct lift *L, ir_tmp *out)
{
    enum x86_cc_op op = L->cc_op;
    if (op == X86_CC_DYNAMIC || op == X86_CC_EFLAGS || op >= X86_CC_COUNT)
        return false;
    unsigned size = cc_size(op);
    ir_tmp dst = ir_global(L->b, X86_G_CC_DST), src = ir_global(L->b, X86_G_CC_SRC);
    ir_tmp r = ir_new_i32(L->b), a = ir_new_i32(L->b);
    if (cc_is(op, X86_CC_ROTB)) {
        ir_shri(L->b, r, ir_global(L->b, X86_G_CC_SRC2), 16); /* CF of the ROT record */
        ir_andi(L->b, r, r, 1);
    } else if (cc_is(op, X86_CC_ADDB)) {
        ir_tmp x = lift_trunc(L, dst, size); /* before y: see cond_inline */
        ir_tmp y = lift_trunc(L, src, size);
        ir_setcond(L->b, IR_COND_LTU, r, x, y);
    } else if (cc_is(op, X86_CC_SUBB)) {
        ir_add(L->b, a, dst, src); /* the first operand */
        ir_tmp x = lift_trunc(L, a, size);
        ir_setcond(L->b, IR_COND_LTU, r, x, lift_trunc(L, src, size));
    } else if (cc_is(op, X86_CC_ADCB) || cc_is(op, X86_CC_SBBB)) {
        /* ADC: dst < src, or <= with a carry in; SBB: the same of the first
         * operand (dst + src + borrow in) and src. */
        ir_tmp c2 = ir_global(L->b, X86_G_CC_SRC2), first = dst;
        if (cc_is(op, X86_CC_SBBB)) {
            ir_add(L->b, a, dst, src);
            ir_add(L->b, a, a, c2);
            first = a;
        }
        ir_tmp x = lift_trunc(L, first, size);
        ir_tmp y = lift_trunc(L, src, size);
        ir_tmp lt = ir_new_i32(L->b), le = ir_new_i32(L->b);
        ir_setcond(L->b, IR_COND_LTU, lt, x, y);
        ir_setcond(L->b, IR_COND_LEU, le, x, y);
        ir_movcond(L->b, IR_COND_NE, r, c2, lift_const(L, 0), le, lt);
    } else if (cc_is(op, X86_CC_LOGICB)) {
        ir_movi(L->b, r, 0);
    } else if (cc_is(op, X86_CC_SHLB)) {
        ir_shri(L->b, r, src, size * 8 - 1);
        ir_andi(L->b, r, r, 1);
    } else if (cc_is(op, X86_CC_INCB) || cc_is(op, X86_CC_DECB) || cc_is(op, X86_CC_SHRB) ||
               cc_is(op, X86_CC_SARB)) {
        ir_andi(L->b, r, src, 1);
    } else {
        return false;
    }
    *out = r;
    return true;
}

/* CF of any kind through the carry-only helper, not all six flags. */
static ir_tmp cf_call(struct lift *L)
{
    ir_tmp a[4] = {ir_global(L->b, X86_G_CC_OP), ir_global(L->b, X86_G_CC_DST),
                   ir_global(L->b, X86_G_CC_SRC), ir_global(L->b, X86_G_CC_SRC2)};
    return lift_call_ret(L, X86_HELPER_cc_carry, 4, a);
}

static bool cond_predicted(struct lift *L, unsigned base, ir_tmp *out);

/* CF as 0 or 1. */
ir_tmp lift_cf(struct lift *L)
{
    ir_tmp r;
    if (cf_inline(L, &r) || cond_predicted(L, 1, &r))
        return r;
    if (L->cc_op == X86_CC_EFLAGS) {
        r = ir_new_i32(L->b);
        ir_andi(L->b, r, ir_global(L->b, X86_G_CC_SRC), X86_CF);
        return r;
    }
    return cf_call(L);
}

/* ZF and SF hold for every kind: dst is the result. LOGIC clears OF, so its
 * SF^OF is SF. CF and CF|ZF where CF is inline. */
static bool cond_any_kind(struct lift *L, unsigned base, ir_tmp *out)
{
    enum x86_cc_op op = L->cc_op;
    unsigned size = cc_size(op);
    ir_tmp dst = ir_global(L->b, X86_G_CC_DST);
    ir_tmp r = ir_new_i32(L->b), zero = lift_const(L, 0);
    bool logic = cc_is(op, X86_CC_LOGICB);
    if (base == 2 || base == 4 || (logic && (base == 6 || base == 7))) {
        static const enum ir_cond conds[8] = {
            [2] = IR_COND_EQ, [4] = IR_COND_LT, [6] = IR_COND_LT, [7] = IR_COND_LE};
        ir_tmp x = base == 2 ? lift_trunc(L, dst, size) : lift_sext(L, dst, size);
        ir_setcond(L->b, conds[base], r, x, zero);
        *out = r;
        return true;
    }
    if (logic && base == 0) {
        ir_movi(L->b, r, 0);
        *out = r;
        return true;
    }
    ir_tmp cf;
    if ((base != 1 && base != 3) || !cf_inline(L, &cf))
        return false;
    if (base == 1) {
        *out = cf;
        return true;
    }
    ir_setcond(L->b, IR_COND_EQ, r, lift_trunc(L, dst, size), zero);
    ir_or(L->b, r, r, cf);
    *out = r;
    return true;
}

/* After ROL/ROR: O and C from the ROT record; the others need the record below it. */
static bool cond_rot(struct lift *L, unsigned base, ir_tmp *out)
{
    if (base > 1)
        return false;
    ir_tmp r = ir_new_i32(L->b);
    ir_shri(L->b, r, ir_global(L->b, X86_G_CC_SRC2), base == 0 ? 16 + 11 : 16);
    ir_andi(L->b, r, r, 1);
    *out = r;
    return true;
}

/* CMP/SUB: compare the operands directly; other kinds: cond_any_kind. Returns
 * false when not handled. */
static bool cond_inline(struct lift *L, unsigned base, ir_tmp *out)
{
    enum x86_cc_op op = L->cc_op;
    if (op == X86_CC_DYNAMIC || op == X86_CC_EFLAGS || op >= X86_CC_COUNT)
        return false;
    if (cc_is(op, X86_CC_ROTB))
        return cond_rot(L, base, out);
    if (!cc_is(op, X86_CC_SUBB))
        return cond_any_kind(L, base, out);
    unsigned size = cc_size(op);
    ir_tmp dst = ir_global(L->b, X86_G_CC_DST), src = ir_global(L->b, X86_G_CC_SRC);
    ir_tmp r = ir_new_i32(L->b), zero = lift_const(L, 0);
    if (base == 2) {
        ir_setcond(L->b, IR_COND_EQ, r, lift_trunc(L, dst, size), zero);
        *out = r;
        return true;
    }
    if (base == 4) {
        ir_setcond(L->b, IR_COND_LT, r, lift_sext(L, dst, size), zero);
        *out = r;
        return true;
    }
    ir_tmp a = ir_new_i32(L->b);
    ir_add(L->b, a, dst, src); /* the first operand */
    static const enum ir_cond conds[8] = {
        [1] = IR_COND_LTU, [3] = IR_COND_LEU, [6] = IR_COND_LT, [7] = IR_COND_LE};
    if (!conds[base])
        return false;
    /* Operands into variables first: as two arguments of one call their ops
     * would be emitted in the compiler's argument order (gcc and clang differ). */
    bool unsigned_cmp = base == 1 || base == 3;
    ir_tmp x = unsigned_cmp ? lift_trunc(L, a, size) : lift_sext(L, a, size);
    ir_tmp y = unsigned_cmp ? lift_trunc(L, src, size) : lift_sext(L, src, size);
    ir_setcond(L->b, conds[base], r, x, y);
    *out = r;
    return true;
}

/* Whether the kind has been unknown since the block began: nothing in it so
 * far wrote a flag record (the IR is short there: few ops to look at). The
 * segment checks' calls change no flags: they raise or return. */
static bool kind_from_entry(const struct lift *L)
{
    const struct ir_block *b = L->b;
    unsigned cc_op = ir_global(b, X86_G_CC_OP).idx;
    for (unsigned i = 0; i < b->nops; i++) {
        const struct ir_op *op = &b->ops[i];
        bool check = op->opc == IR_OP_call && (op->cargs[0] == X86_HELPER_raise_exception ||
                                               op->cargs[0] == X86_HELPER_check_expdown);
        if (!check && ir_op_writes_globals(b, op))
            return false;
        for (unsigned o = 0; o < op->nout; o++)
            if (op->args[o] == cc_op)
                return false;
    }
    return true;
}

/* The dword kinds tried, in order, for a flag read with the kind unknown
 * since the block began: the block before most often ended with CMP or SUB
 * (the SUB kind) or TEST/AND/OR/XOR (LOGIC); a CF read (INC/DEC, ADC/SBB,
 * JB first in a block) also often follows SBB, DEC or ADD (counts of the
 * cc_carry calls before userland in the Debian boot). */
static const enum x86_cc_op cond_guesses[] = {X86_CC_SUBL, X86_CC_LOGICL};
static const enum x86_cc_op cf_guesses[] = {X86_CC_SUBL, X86_CC_LOGICL, X86_CC_SBBL,
                                            X86_CC_DECL, X86_CC_ADDL};
#define MAX_GUESSES (sizeof(cf_guesses) / sizeof(cf_guesses[0]))

/* A condition read with the kind unknown since the block began: for the
 * guessed kinds it comes from the record inline, for the others from the
 * helpers; the branches between cost little this early in the block, with
 * few values in host registers. OF and PF alone: the helper. */
static bool cond_predicted(struct lift *L, unsigned base, ir_tmp *out)
{
    if (L->cc_op != X86_CC_DYNAMIC || base == 0 || base == 5 || !kind_from_entry(L))
        return false;
    struct ir_block *B = L->b;
    const enum x86_cc_op *guess = base == 1 ? cf_guesses : cond_guesses;
    unsigned n = base == 1 ? MAX_GUESSES : sizeof(cond_guesses) / sizeof(cond_guesses[0]);
    ir_label at[MAX_GUESSES], slow = ir_new_label(B), done = ir_new_label(B);
    ir_tmp r = ir_new_i32(B), kind = ir_global(B, X86_G_CC_OP), t;
    for (unsigned i = 0; i < n; i++) {
        at[i] = ir_new_label(B);
        ir_brcondi(B, IR_COND_EQ, kind, guess[i], at[i]);
    }
    ir_br(B, slow);
    for (unsigned i = 0; i < n; i++) {
        ir_set_label(B, at[i]);
        L->cc_op = guess[i];
        bool inline_ok = base == 1 ? cf_inline(L, &t) : cond_inline(L, base, &t);
        assert(inline_ok);
        (void)inline_ok;
        ir_mov(B, r, t);
        ir_br(B, done);
    }
    L->cc_op = X86_CC_DYNAMIC;
    ir_set_label(B, slow);
    ir_mov(B, r, base == 1 ? cf_call(L) : cond_from_flags(L, base));
    ir_set_label(B, done);
    *out = r;
    return true;
}

ir_tmp lift_cond(struct lift *L, unsigned cc)
{
    unsigned base = (cc >> 1) & 7;
    ir_tmp r;
    if (!cond_inline(L, base, &r) && !cond_predicted(L, base, &r))
        r = cond_from_flags(L, base);
    if (cc & 1)
        ir_xori(L->b, r, r, 1);
    return r;
}
