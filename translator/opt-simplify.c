/* Algebraic simplification: identities with a known constant operand
 * (x+0, x*1, x&0, ...) or with both operands the same temp (x-x, x&x, ...),
 * and field ops covering the whole width, become mov/movi/br; a condition
 * tested again (setcond then xor 1, brcond ne 0, ...) becomes one comparison
 * of the original operands, and (x - y) + y becomes x (lazy-flag readers). */
#include "ir-eval.h"
#include "opt.h"

#include <string.h>

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

/* ---- Facts: "t = x cond y" (a setcond) and "t = x - y" (a sub), while
 * none of t, x, y has been written since. The lifter computes a condition
 * then tests it (Jcc: setcond, xor 1, brcond ne 0; CMOVcc: movcond ne 0) and
 * recomputes CMP's first operand as result + second, a few ops later. So a
 * fact is only recorded where it is made, with its position in the output,
 * and checked when used by scanning the ops emitted since: the ops between
 * are few, and a use is rare next to the ops that would otherwise each have
 * to update the list. */

#define MAX_FACTS 4

struct fact {
    uint16_t t, x, y;
    uint8_t opc, cond, type;
    unsigned pos; /* the op that made it, in the output */
};

struct facts {
    const struct ir_block *b;
    const struct opt_rewriter *r;
    struct fact f[MAX_FACTS]; /* a ring: the newest replaces the oldest */
    unsigned n, next;
};

/* Conditions come in pairs, each next to its negation (ir.h). */
_Static_assert((IR_COND_NEVER ^ 1) == IR_COND_ALWAYS && (IR_COND_EQ ^ 1) == IR_COND_NE &&
                   (IR_COND_LT ^ 1) == IR_COND_GE && (IR_COND_LE ^ 1) == IR_COND_GT &&
                   (IR_COND_LTU ^ 1) == IR_COND_GEU && (IR_COND_LEU ^ 1) == IR_COND_GTU &&
                   (IR_COND_TSTEQ ^ 1) == IR_COND_TSTNE,
               "ir_cond pairs");
static unsigned negated(unsigned c)
{
    return c ^ 1u;
}

/* Whether global-writing op (a call that writes globals: all) changes t. */
static bool global_written(const struct ir_block *b, const struct ir_op *op, bool all, unsigned t)
{
    if (t >= b->env->nglobals)
        return false;
    return all || ir_global_overlaps(b->env, t, op->cargs[0],
                                     1u << ir_memop_size((unsigned)op->cargs[1]));
}

/* Whether op changes t, x or y. "mov t, t" (what x | 0 became) does not. */
static bool op_clobbers(const struct ir_block *b, const struct ir_op *op, const struct fact *f)
{
    if (op->opc == IR_OP_mov && op->args[0] == op->args[1])
        return false;
    for (unsigned o = 0; o < op->nout; o++)
        if (f->t == op->args[o] || f->x == op->args[o] || f->y == op->args[o])
            return true;
    bool call = (ir_op_flags(op) & IR_OPF_CALL) && ir_op_writes_globals(b, op);
    if (!call && op->opc != IR_OP_st)
        return false;
    return global_written(b, op, call, f->t) || global_written(b, op, call, f->x) ||
           global_written(b, op, call, f->y);
}

/* The fact of kind opc on t that still holds at the end of the output. */
static const struct fact *fact_of(const struct facts *fs, unsigned t, unsigned opc)
{
    for (unsigned i = 0; i < fs->n; i++) {
        const struct fact *f = &fs->f[i];
        if (f->t != t || f->opc != opc)
            continue;
        bool holds = true;
        for (unsigned j = f->pos + 1; j < fs->r->n && holds; j++)
            holds = !op_clobbers(fs->b, &fs->r->out[j], f);
        if (holds)
            return f;
    }
    return NULL;
}

static void fact_add(struct facts *fs, struct fact nf)
{
    if (nf.t == nf.x || nf.t == nf.y)
        return;
    fs->f[fs->next] = nf;
    fs->next = (fs->next + 1) % MAX_FACTS;
    if (fs->n < MAX_FACTS)
        fs->n++;
}

/* After the op at position pos has been emitted: what it makes known. */
static void facts_after(struct facts *fs, unsigned pos)
{
    const struct ir_op *op = &fs->r->out[pos];
    unsigned opc = op->opc;
    if (opc == IR_OP_set_label) {
        fs->n = fs->next = 0; /* other paths join here */
    } else if (opc == IR_OP_setcond || opc == IR_OP_sub) {
        fact_add(fs, (struct fact){op->args[0], op->args[1], op->args[2], (uint8_t)opc,
                                   (uint8_t)op->cargs[0], op->type, pos});
    } else if (opc == IR_OP_mov && fs->n && op->args[0] != op->args[1]) {
        /* A copy of a condition is that condition (checked before the copy). */
        const struct fact *src = fact_of(fs, op->args[1], IR_OP_setcond);
        if (src) {
            struct fact nf = *src;
            nf.t = op->args[0];
            nf.pos = pos;
            fact_add(fs, nf);
        }
    }
}

/* (a c b) with c EQ/NE, one side a setcond's result and the other a known 0
 * or 1: that setcond's fact, and whether (a c b) is its negation. */
static const struct fact *bool_test(const struct facts *fs, const struct opt_known *k,
                                    unsigned c, unsigned a, unsigned b, bool *neg)
{
    const unsigned in[2] = {a, b};
    uint64_t v;
    if (c != IR_COND_EQ && c != IR_COND_NE)
        return NULL;
    for (unsigned i = 0; i < 2; i++) {
        const struct fact *f = fact_of(fs, in[i], IR_OP_setcond);
        if (f && opt_known_get(k, in[1 - i], &v) && v <= 1) {
            *neg = (c == IR_COND_NE) != (v == 0); /* t != 0 and t == 1 are the fact */
            return f;
        }
    }
    return NULL;
}

static void push_setcond(struct opt_rewriter *r, unsigned d, const struct fact *f, unsigned c)
{
    struct ir_op op = {.opc = IR_OP_setcond, .type = f->type, .nout = 1, .nin = 2};
    op.args[0] = (uint16_t)d;
    op.args[1] = f->x;
    op.args[2] = f->y;
    op.cargs[0] = c;
    opt_rw_push(r, &op);
}

/* xor t, 1 and and t, 1 on a setcond's t; a setcond, movcond or brcond
 * testing such a t against 0 or 1: one comparison of the setcond's operands. */
static bool retest(struct opt_rewriter *r, const struct facts *fs, const struct opt_known *k,
                   const struct ir_op *op)
{
    const struct fact *f;
    bool neg;
    uint64_t v;
    const unsigned d = op->args[0], in[2] = {op->args[1], op->args[2]};
    switch (op->opc) {
    case IR_OP_xor:
    case IR_OP_and:
        for (unsigned i = 0; i < 2; i++) {
            f = fact_of(fs, in[i], IR_OP_setcond);
            if (!f || f->type != op->type || !opt_known_get(k, in[1 - i], &v) || v != 1)
                continue;
            if (op->opc == IR_OP_and)
                opt_rw_mov(r, (enum ir_type)op->type, d, in[i]);
            else
                push_setcond(r, d, f, negated(f->cond));
            return true;
        }
        return false;
    case IR_OP_setcond:
    case IR_OP_movcond:
        f = bool_test(fs, k, (unsigned)op->cargs[0], in[0], in[1], &neg);
        if (!f || f->type != op->type)
            return false;
        struct ir_op *o = opt_rw_push(r, op);
        o->args[1] = f->x;
        o->args[2] = f->y;
        o->cargs[0] = neg ? negated(f->cond) : f->cond;
        return true;
    case IR_OP_brcond:
        f = bool_test(fs, k, (unsigned)op->cargs[0], op->args[0], op->args[1], &neg);
        if (!f)
            return false;
        struct ir_op *br = opt_rw_push(r, op);
        br->type = f->type;
        br->args[0] = f->x;
        br->args[1] = f->y;
        br->cargs[0] = neg ? negated(f->cond) : f->cond;
        return true;
    default: return false;
    }
}

/* add d, t, y (or y, t) where t = x - y: x. */
static bool add_back(struct opt_rewriter *r, const struct facts *fs, const struct ir_op *op)
{
    if (op->opc != IR_OP_add)
        return false;
    const unsigned in[2] = {op->args[1], op->args[2]};
    for (unsigned i = 0; i < 2; i++) {
        const struct fact *f = fact_of(fs, in[i], IR_OP_sub);
        if (f && f->y == in[1 - i] && f->type == op->type) {
            opt_rw_mov(r, (enum ir_type)op->type, op->args[0], f->x);
            return true;
        }
    }
    return false;
}

static bool rewrite(struct opt_rewriter *r, const struct opt_known *k, const struct facts *fs,
                    const struct ir_op *op)
{
    bool binary = op->nout == 1 && op->nin == 2 && (ir_op_flags(op) & IR_OPF_PURE);
    if (binary && with_const(r, k, op))
        return true;
    if (same_operands(r, op) || whole_width(r, op))
        return true;
    return fs->n && (retest(r, fs, k, op) || add_back(r, fs, op));
}

void opt_simplify(struct ir_block *b)
{
    struct opt_rewriter r;
    struct opt_known k;
    struct facts fs = {.b = b, .r = &r};
    opt_rw_begin(&r, b);
    opt_known_init(&k, b);
    for (unsigned i = 0; i < b->nops; i++) {
        const struct ir_op *op = &b->ops[i];
        unsigned first = r.n;
        if (!rewrite(&r, &k, &fs, op))
            opt_rw_push(&r, op);
        for (unsigned j = first; j < r.n; j++) {
            opt_known_after(&k, b, &r.out[j]);
            facts_after(&fs, j);
        }
    }
    opt_known_destroy(&k);
    opt_rw_end(&r, b);
}
