/* Algebraic simplification: identities with a known constant operand
 * (x+0, x*1, x&0, ...) or with both operands the same temp (x-x, x&x, ...),
 * and field ops covering the whole width, become mov/movi/br. */
#include "ir-eval.h"
#include "opt.h"

enum side { NONE, ZERO, ONE, ONES };

static enum side side_of(const struct opt_known *k, unsigned t, enum ir_type type)
{
    uint64_t v;
    if (!opt_known_get(k, t, &v))
        return NONE;
    if (v == 0)
        return ZERO;
    if (v == 1)
        return ONE;
    return v == ir_canon(type, ~0ull) ? ONES : NONE;
}

/* Binary ops with a constant operand. Returns true when replaced. */
static bool with_const(struct opt_rewriter *r, const struct opt_known *k, const struct ir_op *op)
{
    enum ir_type t = (enum ir_type)op->type;
    unsigned d = op->args[0], x = op->args[1], y = op->args[2];
    enum side sx = side_of(k, x, t), sy = side_of(k, y, t);
    switch (op->opc) {
    case IR_OP_add:
    case IR_OP_or:
    case IR_OP_xor:
        if (sx == ZERO) {
            opt_rw_mov(r, t, d, y);
            return true;
        }
        /* fall through */
    case IR_OP_sub:
    case IR_OP_shl:
    case IR_OP_shr:
    case IR_OP_sar:
    case IR_OP_rotl:
    case IR_OP_rotr:
        if (sy == ZERO) {
            opt_rw_mov(r, t, d, x);
            return true;
        }
        if (op->opc == IR_OP_or && (sx == ONES || sy == ONES)) {
            opt_rw_movi(r, t, d, ~0ull);
            return true;
        }
        return false;
    case IR_OP_mul:
        if (sx == ZERO || sy == ZERO) {
            opt_rw_movi(r, t, d, 0);
            return true;
        }
        if (sy == ONE) {
            opt_rw_mov(r, t, d, x);
            return true;
        }
        if (sx == ONE) {
            opt_rw_mov(r, t, d, y);
            return true;
        }
        return false;
    case IR_OP_and:
        if (sx == ZERO || sy == ZERO) {
            opt_rw_movi(r, t, d, 0);
            return true;
        }
        if (sy == ONES) {
            opt_rw_mov(r, t, d, x);
            return true;
        }
        if (sx == ONES) {
            opt_rw_mov(r, t, d, y);
            return true;
        }
        return false;
    default: return false;
    }
}

static bool cond_on_equal(enum ir_cond c)
{
    return c == IR_COND_EQ || c == IR_COND_LE || c == IR_COND_GE || c == IR_COND_LEU ||
           c == IR_COND_GEU || c == IR_COND_ALWAYS;
}

/* Ops whose two compared/combined operands are the same temp. */
static bool same_operands(struct opt_rewriter *r, const struct ir_op *op)
{
    enum ir_type t = (enum ir_type)op->type;
    unsigned base = op->nout;
    if (op->nin < 2 || op->args[base] != op->args[base + 1])
        return false;
    unsigned d = op->args[0], x = op->args[base];
    enum ir_cond c = (enum ir_cond)op->cargs[0];
    bool is_cond = op->opc == IR_OP_setcond || op->opc == IR_OP_movcond || op->opc == IR_OP_brcond;
    if (is_cond && (c == IR_COND_TSTEQ || c == IR_COND_TSTNE))
        return false; /* x & x is x: not decided by x == x */
    switch (op->opc) {
    case IR_OP_sub:
    case IR_OP_xor: opt_rw_movi(r, t, d, 0); return true;
    case IR_OP_and:
    case IR_OP_or: opt_rw_mov(r, t, d, x); return true;
    case IR_OP_setcond: opt_rw_movi(r, t, d, cond_on_equal(c)); return true;
    case IR_OP_movcond: opt_rw_mov(r, t, d, op->args[cond_on_equal(c) ? 3 : 4]); return true;
    case IR_OP_brcond:
        if (cond_on_equal(c)) {
            struct ir_op br = {.opc = IR_OP_br};
            br.cargs[0] = op->cargs[1];
            opt_rw_push(r, &br);
        }
        return true;
    default: return false;
    }
}

static bool whole_width(struct opt_rewriter *r, const struct ir_op *op)
{
    enum ir_type t = (enum ir_type)op->type;
    unsigned w = t == IR_I32 ? 32 : 64;
    if (op->opc == IR_OP_movcond && op->args[3] == op->args[4]) {
        opt_rw_mov(r, t, op->args[0], op->args[3]);
        return true;
    }
    if (op->cargs[0] != 0 || op->cargs[1] != w)
        return false;
    if (op->opc == IR_OP_deposit) {
        opt_rw_mov(r, t, op->args[0], op->args[2]);
        return true;
    }
    if (op->opc == IR_OP_extract || op->opc == IR_OP_sextract) {
        opt_rw_mov(r, t, op->args[0], op->args[1]);
        return true;
    }
    return false;
}

void opt_simplify(struct ir_block *b)
{
    struct opt_rewriter r;
    struct opt_known k;
    opt_rw_begin(&r, b);
    opt_known_init(&k, b);
    for (unsigned i = 0; i < b->nops; i++) {
        const struct ir_op *op = &b->ops[i];
        unsigned first = r.n;
        bool binary = op->nout == 1 && op->nin == 2 && (ir_op_flags(op) & IR_OPF_PURE);
        if (!(binary && with_const(&r, &k, op)) && !same_operands(&r, op) && !whole_width(&r, op))
            opt_rw_push(&r, op);
        for (unsigned j = first; j < r.n; j++)
            opt_known_after(&k, b, &r.out[j]);
    }
    opt_known_destroy(&k);
    opt_rw_end(&r, b);
}
