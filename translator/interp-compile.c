/* The interpreter's translation of a block: each IR op becomes one
 * pre-decoded instruction (interp-code.h) with its operands resolved to frame
 * or env locations, constants from movi folded into the instruction, env
 * ld/st of a whole value turned into moves, labels into branch distances. */
#include "interp-code.h"
#include "ir-eval.h"

#include <stdlib.h>
#include <string.h>

/* What a local holds at an op, going forward over the block. */
enum { KONST_JOINED = -1, KONST_COMPUTED = -2 };
struct konst {
    int32_t def;      /* op index of the movi that set it, or one of the two below */
    bool joined_read; /* read where paths join (after a label), value unknown */
};

/* Per op: the constant its folded input takes, whether its inputs are
 * swapped to put the constant second, and for a movi whether its value is
 * read anywhere else than as a folded constant (else it need not run). */
struct plan {
    bool fold, swap, needed, carried; /* carried: known at a branch or label */
    uint64_t imm;
};

/* Per op, what looking at the next op decided (fuse_block). */
enum fuse_act {
    FUSE_NONE,
    FUSE_SKIP,   /* emits nothing: a dropped movi, or folded into a neighbour */
    FUSE_BRCOND, /* a setcond that becomes the brcond after it */
    FUSE_MASKED, /* an and with a constant whose result the next op compares */
};

struct fuse {
    uint8_t act;
    bool has_alias, has_dest;
    uint16_t alias_t; /* reads of this temp take alias_w */
    uint32_t alias_w;
    uint32_t dest; /* the output's operand word instead of its temp's */
    uint32_t br;   /* FUSE_BRCOND, FUSE_MASKED: the comparison's op index */
    bool invert;   /* FUSE_BRCOND: an xor with 1 came between */
};

struct compile {
    const struct interp *in;
    const struct ir_block *b;
    struct tb_emit *e;
    struct interp_code *code;
    unsigned cap; /* instructions that fit */
    struct plan *plan;
    struct konst *konst;
    struct fuse *fuse;
    unsigned cur; /* the op being emitted */
    uint32_t *label_at;
    uint32_t *fix; /* instructions whose x is a label until the end */
    unsigned nfix;
    bool full;
    unsigned last_h;         /* handler of the last instruction emitted */
    unsigned label_insn;     /* a label is set at this instruction (UINT32_MAX: none yet) */
    struct interp_insn sink; /* where instructions go once the code is full */
};

/* ---- operands ---- */

static uint32_t env_opnd(uint64_t offset, bool is64)
{
    return (uint32_t)(offset << INTERP_OPND_SHIFT) | (is64 ? INTERP_OPND_64 : 0) | INTERP_OPND_ENV;
}

static uint32_t opnd(const struct compile *c, unsigned t)
{
    const struct ir_env *env = c->b->env;
    bool is64 = c->b->temp_type[t] == IR_I64;
    if (t < env->nglobals)
        return env_opnd(env->globals[t].offset, is64);
    return interp_frame_opnd(t, is64);
}

/* An input of the op being emitted. */
static uint32_t in_opnd(const struct compile *c, unsigned t)
{
    const struct fuse *f = &c->fuse[c->cur];
    return f->has_alias && f->alias_t == t ? f->alias_w : opnd(c, t);
}

/* The first output of the op being emitted. */
static uint32_t out0(const struct compile *c, const struct ir_op *op)
{
    const struct fuse *f = &c->fuse[c->cur];
    return f->has_dest ? f->dest : opnd(c, op->args[0]);
}

/* Env offsets must leave room for the operand word's flag bits. */
static bool env_offset_fits(uint64_t offset)
{
    return offset < (1u << (32 - INTERP_OPND_SHIFT)) - 8;
}

/* Handler + 1 by opcode (0: none): the i32 handler; the i64 one follows. */
static const uint16_t bin_handler[IR_OP_COUNT] = {
#define BIN(op) [IR_OP_##op] = INTERP_H_##op##_32rr + 1,
    INTERP_BINOPS(BIN)
#undef BIN
};

static const uint16_t un_handler[IR_OP_COUNT] = {
#define UN(op) [IR_OP_##op] = INTERP_H_##op##_32 + 1,
    INTERP_UNOPS(UN)
#undef UN
};

static const uint16_t misc_handler[IR_OP_COUNT] = {
    [IR_OP_mulu2] = INTERP_H_mulu2_i32 + 1,       [IR_OP_muls2] = INTERP_H_muls2_i32 + 1,
    [IR_OP_deposit] = INTERP_H_deposit_i32 + 1,   [IR_OP_extract] = INTERP_H_extract_i32 + 1,
    [IR_OP_sextract] = INTERP_H_sextract_i32 + 1, [IR_OP_movcond] = INTERP_H_movcond_i32 + 1,
};

/* Handler + 1: one handler whatever the type. */
static const uint16_t width_change_handler[IR_OP_COUNT] = {
    [IR_OP_extu_i32_i64] = INTERP_H_extu_i32_i64 + 1,
    [IR_OP_exts_i32_i64] = INTERP_H_exts_i32_i64 + 1,
    [IR_OP_extrl_i64_i32] = INTERP_H_extrl_i64_i32 + 1,
    [IR_OP_extrh_i64_i32] = INTERP_H_extrh_i64_i32 + 1,
};

static const uint16_t cond_handler[IR_COND_COUNT] = {
#define CND(id, name) [IR_COND_##id] = INTERP_H_setcond_##id##_32rr,
    IR_CONDS(CND)
#undef CND
};

/* ---- planning: which inputs take a constant ---- */

/* Ops with a handler for a constant second input. */
static bool takes_imm(enum ir_opcode opc)
{
    return bin_handler[opc] || opc == IR_OP_setcond || opc == IR_OP_brcond;
}

static bool commutes(enum ir_opcode opc)
{
    return opc == IR_OP_add || opc == IR_OP_mul || opc == IR_OP_and || opc == IR_OP_or ||
           opc == IR_OP_xor || opc == IR_OP_setcond || opc == IR_OP_brcond;
}

/* a c b == b swap(c) a */
static enum ir_cond swap_cond(enum ir_cond c)
{
    switch (c) {
    case IR_COND_LT: return IR_COND_GT;
    case IR_COND_GT: return IR_COND_LT;
    case IR_COND_LE: return IR_COND_GE;
    case IR_COND_GE: return IR_COND_LE;
    case IR_COND_LTU: return IR_COND_GTU;
    case IR_COND_GTU: return IR_COND_LTU;
    case IR_COND_LEU: return IR_COND_GEU;
    case IR_COND_GEU: return IR_COND_LEU;
    default: return c;
    }
}

static bool known(const struct ir_block *b, const struct konst *k, unsigned t)
{
    return ir_temp_is_local(b, t) && k[t].def >= 0;
}

static uint64_t known_value(const struct ir_block *b, const struct konst *k, unsigned t)
{
    return b->ops[k[t].def].cargs[0];
}

/* A read that does not take the constant needs the movi that set it; one
 * after a label needs every movi carried to a label (plan_block). */
static void mark_read(const struct ir_block *b, struct konst *k, struct plan *plan, unsigned t)
{
    if (known(b, k, t))
        plan[k[t].def].needed = true;
    else if (ir_temp_is_local(b, t) && k[t].def == KONST_JOINED)
        k[t].joined_read = true;
}

/* A branch or label: the value of every known local may be read past it. */
static void mark_carried(const struct ir_block *b, const struct konst *k, struct plan *plan)
{
    for (unsigned t = 0; t < b->ntemps; t++)
        if (k[t].def >= 0)
            plan[k[t].def].carried = true;
}

/* Decides whether op takes a constant second input (swapping the inputs of
 * a commutative op or comparison when the constant is first) and marks the
 * reads that stay reads. */
static void plan_op(const struct ir_block *b, struct konst *k, const struct ir_op *op,
                    struct plan *plan, unsigned i)
{
    struct plan *p = &plan[i];
    if (takes_imm((enum ir_opcode)op->opc) && op->nin == 2) {
        unsigned x = ir_op_in(op, 0), y = ir_op_in(op, 1);
        if (known(b, k, y)) {
            *p = (struct plan){.fold = true, .imm = known_value(b, k, y)};
            mark_read(b, k, plan, x);
            return;
        }
        if (known(b, k, x) && commutes((enum ir_opcode)op->opc)) {
            *p = (struct plan){.fold = true, .swap = true, .imm = known_value(b, k, x)};
            mark_read(b, k, plan, y);
            return;
        }
    }
    for (unsigned n = 0; n < op->nin; n++)
        mark_read(b, k, plan, ir_op_in(op, n));
}

/* Forward over the block: a movi'd local is known until it is written again
 * or a label joins paths. */
static void plan_block(const struct ir_block *b, struct konst *k, struct plan *plan)
{
    for (unsigned t = 0; t < b->ntemps; t++)
        k[t] = (struct konst){KONST_JOINED, false};
    for (unsigned i = 0; i < b->nops; i++) {
        const struct ir_op *op = &b->ops[i];
        plan[i] = (struct plan){.fold = false};
        if (op->opc == IR_OP_set_label) {
            mark_carried(b, k, plan);
            for (unsigned t = 0; t < b->ntemps; t++)
                k[t].def = KONST_JOINED;
            continue;
        }
        plan_op(b, k, op, plan, i);
        if (op->opc == IR_OP_br || op->opc == IR_OP_brcond)
            mark_carried(b, k, plan);
        for (unsigned o = 0; o < op->nout; o++)
            if (ir_temp_is_local(b, op->args[o]))
                k[op->args[o]].def = op->opc == IR_OP_movi ? (int32_t)i : KONST_COMPUTED;
    }
    /* A movi carried past a label is needed if its local is read there. */
    for (unsigned i = 0; i < b->nops; i++)
        if (plan[i].carried && k[b->ops[i].args[0]].joined_read)
            plan[i].needed = true;
}

/* ---- peepholes between an op and the next one that emits code ---- */

static enum ir_cond invert_cond(enum ir_cond c)
{
    return c == IR_COND_NEVER    ? IR_COND_ALWAYS
           : c == IR_COND_ALWAYS ? IR_COND_NEVER
                                 : (enum ir_cond)(((c - IR_COND_EQ) ^ 1) + IR_COND_EQ);
}

static bool dropped_movi(const struct compile *c, unsigned i)
{
    const struct ir_op *op = &c->b->ops[i];
    return op->opc == IR_OP_movi && ir_temp_is_local(c->b, op->args[0]) && !c->plan[i].needed;
}

static unsigned next_emitting(const struct compile *c, unsigned i)
{
    unsigned j = i + 1;
    while (j < c->b->nops && (c->b->ops[j].opc == IR_OP_insn_start || dropped_movi(c, j)))
        j++;
    return j;
}

/* op reads t for the last time (ir_op.life). */
static bool dies_at(const struct ir_op *op, unsigned t)
{
    for (unsigned k = op->nout; k < op->nout + op->nin; k++)
        if (op->args[k] == t && (op->life >> k & 1))
            return true;
    return false;
}

/* An env ld/st of a whole i32 or i64: a move from or to the field's operand. */
static bool env_move(const struct ir_op *op, uint32_t *w)
{
    unsigned size = ir_memop_size((unsigned)op->cargs[1]);
    bool is64 = op->type == IR_I64;
    if (!env_offset_fits(op->cargs[0]) || size != (is64 ? IR_MO_64 : IR_MO_32))
        return false;
    *w = env_opnd(op->cargs[0], is64);
    return true;
}

/* A local written by op a and read for the last time by the next op b:
 * an env ld becomes b's operand; a mov or env st of it becomes a's output;
 * a setcond tested against 0 by a brcond becomes that brcond. */
/* brcond t ne/eq 0 (the 0 folded) reading t for the last time. */
static bool tests_zero(const struct compile *c, unsigned j, unsigned t)
{
    const struct ir_op *b = &c->b->ops[j];
    return b->opc == IR_OP_brcond && dies_at(b, t) && c->plan[j].fold && c->plan[j].imm == 0 &&
           (b->cargs[0] == IR_COND_NE || b->cargs[0] == IR_COND_EQ);
}

/* setcond t; xor t, t, 1; brcond t ne/eq 0 (how the lifter negates a
 * condition, e.g. JNE after SUB): one brcond on the inverted condition. */
static void fuse_negated_test(struct compile *c, unsigned i, unsigned j)
{
    const struct ir_op *a = &c->b->ops[i], *x = &c->b->ops[j];
    unsigned t = a->args[0];
    if (x->opc != IR_OP_xor || x->args[0] != t || x->args[1] != t || !c->plan[j].fold ||
        c->plan[j].swap || c->plan[j].imm != 1 || c->fuse[j].act != FUSE_NONE)
        return;
    unsigned k = next_emitting(c, j);
    if (k >= c->b->nops || c->fuse[k].act != FUSE_NONE || c->fuse[k].has_alias ||
        !tests_zero(c, k, t))
        return;
    c->fuse[i].act = FUSE_BRCOND;
    c->fuse[i].br = k;
    c->fuse[i].invert = true;
    c->fuse[j].act = c->fuse[k].act = FUSE_SKIP;
}

/* A move of op a's local t to g (t read later) followed by the op that reads
 * t for the last time: a writes g, that op reads g (the block-entry budget
 * count: sub t, budget, 1; st t, budget; brcond t ge 0). */
static void fuse_copy_then_use(struct compile *c, unsigned i, unsigned j)
{
    const struct ir_op *a = &c->b->ops[i], *b = &c->b->ops[j];
    unsigned t = a->args[0];
    uint32_t w;
    bool mov = b->opc == IR_OP_mov && b->args[1] == t && b->args[0] != t;
    if (!mov && !(b->opc == IR_OP_st && b->args[0] == t && env_move(b, &w)))
        return;
    if (mov)
        w = opnd(c, b->args[0]);
    unsigned k = next_emitting(c, j);
    if (k >= c->b->nops || c->b->ops[k].opc == IR_OP_set_label || c->fuse[k].act != FUSE_NONE ||
        c->fuse[k].has_alias || !dies_at(&c->b->ops[k], t))
        return;
    c->fuse[i].has_dest = true;
    c->fuse[i].dest = w;
    c->fuse[j].act = FUSE_SKIP;
    c->fuse[k] = (struct fuse){.has_alias = true, .alias_t = (uint16_t)t, .alias_w = w};
}

/* and t, x, $m; setcond/brcond t eq/ne $k (t read there for the last time):
 * one comparison of x & m with k (segment checks do this at every access). */
static bool masked_compare(const struct compile *c, unsigned i, unsigned j)
{
    const struct ir_op *a = &c->b->ops[i], *b = &c->b->ops[j];
    return a->opc == IR_OP_and && a->type == IR_I32 && c->plan[i].fold &&
           (b->opc == IR_OP_setcond || b->opc == IR_OP_brcond) && b->type == IR_I32 &&
           c->plan[j].fold && (b->cargs[0] == IR_COND_EQ || b->cargs[0] == IR_COND_NE);
}

static void fuse_pair(struct compile *c, unsigned i, unsigned j)
{
    const struct ir_op *a = &c->b->ops[i], *b = &c->b->ops[j];
    struct fuse *fa = &c->fuse[i], *fb = &c->fuse[j];
    if (a->opc == IR_OP_setcond && ir_temp_is_local(c->b, a->args[0]))
        fuse_negated_test(c, i, j);
    if (fa->act != FUSE_NONE || a->nout != 1 || !ir_temp_is_local(c->b, a->args[0]))
        return;
    if (!dies_at(b, a->args[0])) {
        fuse_copy_then_use(c, i, j);
        return;
    }
    uint32_t w;
    if (a->opc == IR_OP_ld && env_move(a, &w)) {
        fa->act = FUSE_SKIP;
        *fb = (struct fuse){.has_alias = true, .alias_t = a->args[0], .alias_w = w};
    } else if (b->opc == IR_OP_mov || (b->opc == IR_OP_st && env_move(b, &w))) {
        fa->has_dest = true;
        fa->dest = b->opc == IR_OP_mov ? opnd(c, b->args[0]) : w;
        fb->act = FUSE_SKIP;
    } else if (masked_compare(c, i, j)) {
        fa->act = FUSE_MASKED;
        fa->br = j;
        fb->act = FUSE_SKIP;
    } else if (a->opc == IR_OP_setcond && tests_zero(c, j, a->args[0])) {
        fa->act = FUSE_BRCOND;
        fa->br = j;
        fb->act = FUSE_SKIP;
    }
}

static void fuse_block(struct compile *c)
{
    const struct ir_block *b = c->b;
    for (unsigned i = 0; i < b->nops; i++)
        c->fuse[i] = (struct fuse){.act = dropped_movi(c, i) ? FUSE_SKIP : FUSE_NONE};
    for (unsigned i = 0; i < b->nops; i++) {
        if (c->fuse[i].act != FUSE_NONE || b->ops[i].opc == IR_OP_insn_start)
            continue;
        unsigned j = next_emitting(c, i);
        if (j < b->nops && b->ops[j].opc != IR_OP_set_label && c->fuse[j].act == FUSE_NONE &&
            !c->fuse[j].has_alias)
            fuse_pair(c, i, j);
    }
}

/* ---- emission ---- */

static void set_handler(struct compile *c, struct interp_insn *ip, unsigned h)
{
    if (INTERP_THREADED)
        ip->h.label = c->in->labels[h];
    else
        ip->h.index = h;
    c->last_h = h;
}

static struct interp_insn *emit(struct compile *c, unsigned h)
{
    struct interp_insn *ip = &c->sink;
    if (c->code->ninsn < c->cap)
        ip = &c->code->insn[c->code->ninsn++];
    else
        c->full = true;
    memset(ip, 0, sizeof(*ip));
    set_handler(c, ip, h);
    return ip;
}

/* The last instruction, when the next one may merge into it: it is the
 * handler h and no label separates the two. */
static struct interp_insn *mergeable(struct compile *c, unsigned h)
{
    unsigned n = c->code->ninsn;
    if (n == 0 || c->full || c->last_h != h || c->label_insn == n)
        return NULL;
    return &c->code->insn[n - 1];
}

/* x holds the label until interp_compile turns it into a distance. */
static void branch_to(struct compile *c, struct interp_insn *ip, uint64_t label)
{
    if (ip == &c->sink)
        return;
    ip->x = (uint32_t)label;
    c->fix[c->nfix++] = (uint32_t)(ip - c->code->insn);
}

static unsigned width_form(const struct ir_op *op)
{
    return op->type == IR_I64 ? INTERP_FORM_64 : 0;
}

/* Two-input ops with an optional constant second input. */
static struct interp_insn *emit_binary(struct compile *c, const struct ir_op *op,
                                       const struct plan *p, unsigned h)
{
    unsigned x = ir_op_in(op, p->swap ? 1 : 0), y = ir_op_in(op, 1);
    struct interp_insn *ip = emit(c, h + width_form(op) + (p->fold ? INTERP_FORM_IMM : 0));
    ip->d = op->nout ? out0(c, op) : 0;
    ip->a = in_opnd(c, x);
    if (p->fold)
        ip->imm = ir_canon((enum ir_type)op->type, p->imm);
    else
        ip->b = in_opnd(c, y);
    return ip;
}

/* setcond, brcond, or a setcond fused with the brcond that tests it. */
static void emit_cond(struct compile *c, const struct ir_op *op, const struct plan *p)
{
    enum ir_cond cond = (enum ir_cond)op->cargs[0];
    if (p->swap)
        cond = swap_cond(cond);
    const struct ir_op *br = op->opc == IR_OP_brcond ? op : NULL;
    if (c->fuse[c->cur].act == FUSE_BRCOND) {
        br = &c->b->ops[c->fuse[c->cur].br];
        if ((br->cargs[0] == IR_COND_EQ) != c->fuse[c->cur].invert)
            cond = invert_cond(cond);
    }
    struct interp_insn *ip =
        emit_binary(c, op, p, cond_handler[cond] + (br ? INTERP_FORM_BRCOND : 0));
    if (br)
        branch_to(c, ip, br->cargs[1]);
}

/* x & m compared with k: imm holds m and k. */
static void emit_masked(struct compile *c, const struct ir_op *op, const struct plan *p)
{
    const struct ir_op *cmp = &c->b->ops[c->fuse[c->cur].br];
    bool ne = cmp->cargs[0] == IR_COND_NE, br = cmp->opc == IR_OP_brcond;
    unsigned h = br ? (ne ? INTERP_H_brcond_and_ne_i32 : INTERP_H_brcond_and_eq_i32)
                    : (ne ? INTERP_H_setcond_and_ne_i32 : INTERP_H_setcond_and_eq_i32);
    struct interp_insn *ip = emit(c, h);
    ip->a = in_opnd(c, ir_op_in(op, p->swap ? 1 : 0));
    ip->imm = (uint32_t)p->imm | (uint64_t)(uint32_t)c->plan[c->fuse[c->cur].br].imm << 32;
    if (br)
        branch_to(c, ip, cmp->cargs[1]);
    else
        ip->d = opnd(c, cmp->args[0]);
}

/* Up to three i32 moves in a row are one instruction (mov2: d = a, then
 * b = x; mov3: then the halves of imm, destination low). */
static void emit_move(struct compile *c, unsigned h, uint32_t d, uint32_t a)
{
    struct interp_insn *ip = h == INTERP_H_mov_32 ? mergeable(c, INTERP_H_mov_32) : NULL;
    if (ip) {
        set_handler(c, ip, INTERP_H_mov2_i32);
        ip->b = d;
        ip->x = a;
        return;
    }
    ip = h == INTERP_H_mov_32 ? mergeable(c, INTERP_H_mov2_i32) : NULL;
    if (ip) {
        set_handler(c, ip, INTERP_H_mov3_i32);
        ip->imm = d | (uint64_t)a << 32;
        return;
    }
    ip = emit(c, h);
    ip->d = d;
    ip->a = a;
}

/* Up to three i32 movis in a row (cc_src, cc_src2, cc_op after an ALU
 * instruction) are one instruction: values in imm's halves and x, the
 * destinations in d, a and b. */
static void emit_movi(struct compile *c, const struct ir_op *op)
{
    uint32_t d = out0(c, op);
    if (op->type == IR_I32) {
        uint32_t v = (uint32_t)op->cargs[0];
        /* After a move (the flags: cc_src = t; cc_src2 = 0; cc_op = k). */
        struct interp_insn *ip = mergeable(c, INTERP_H_mov_32);
        if (ip) {
            set_handler(c, ip, INTERP_H_mov_movi_i32);
            ip->b = d;
            ip->imm = v;
            return;
        }
        ip = mergeable(c, INTERP_H_mov_movi_i32);
        if (ip) {
            set_handler(c, ip, INTERP_H_mov_movi2_i32);
            ip->x = d;
            ip->imm |= (uint64_t)v << 32;
            return;
        }
        ip = mergeable(c, INTERP_H_movi_i32);
        if (ip) {
            set_handler(c, ip, INTERP_H_movi2_i32);
            ip->a = d;
            ip->imm = (uint32_t)ip->imm | (uint64_t)v << 32;
            return;
        }
        ip = mergeable(c, INTERP_H_movi2_i32);
        if (ip) {
            set_handler(c, ip, INTERP_H_movi3_i32);
            ip->b = d;
            ip->x = v;
            return;
        }
    }
    struct interp_insn *ip = emit(c, op->type == IR_I64 ? INTERP_H_movi_i64 : INTERP_H_movi_i32);
    ip->d = d;
    ip->imm = ir_canon((enum ir_type)op->type, op->cargs[0]);
}

/* ld of a whole i32/i64 field is a move from env; anything else loads by memop. */
static void emit_ld(struct compile *c, const struct ir_op *op)
{
    uint64_t off = op->cargs[0];
    unsigned mo = (unsigned)op->cargs[1], size = ir_memop_size(mo);
    bool is64 = op->type == IR_I64;
    uint32_t d = out0(c, op);
    if (env_offset_fits(off) && size == IR_MO_32 && !is64)
        return emit_move(c, INTERP_H_mov_32, d, env_opnd(off, false));
    if (env_offset_fits(off) && size == IR_MO_64 && is64)
        return emit_move(c, INTERP_H_mov_64, d, env_opnd(off, true));
    if (env_offset_fits(off) && size == IR_MO_32)
        return emit_move(c, ir_memop_signed(mo) ? INTERP_H_exts_i32_i64 : INTERP_H_extu_i32_i64, d,
                         env_opnd(off, false));
    struct interp_insn *ip = emit(c, INTERP_H_ld);
    ip->d = d;
    ip->x = mo;
    ip->imm = off;
}

static void emit_st(struct compile *c, const struct ir_op *op)
{
    uint64_t off = op->cargs[0];
    unsigned size = ir_memop_size((unsigned)op->cargs[1]);
    bool is64 = op->type == IR_I64;
    uint32_t a = in_opnd(c, op->args[0]);
    if (env_offset_fits(off) && size == IR_MO_32 && !is64)
        return emit_move(c, INTERP_H_mov_32, env_opnd(off, false), a);
    if (env_offset_fits(off) && size == IR_MO_64 && is64)
        return emit_move(c, INTERP_H_mov_64, env_opnd(off, true), a);
    if (env_offset_fits(off) && size == IR_MO_32)
        return emit_move(c, INTERP_H_extrl_i64_i32, env_opnd(off, false), a);
    struct interp_insn *ip = emit(c, INTERP_H_st);
    ip->a = a;
    ip->x = (unsigned)op->cargs[1];
    ip->imm = off;
}

/* With a TLB in env for the access's MMU index, imm is its table's offset. */
static void emit_guest(struct compile *c, const struct ir_op *op)
{
    bool load = op->opc == IR_OP_guest_ld;
    unsigned mo = (unsigned)op->cargs[0];
    const struct ir_tlb *tlb = &c->b->env->tlb;
    bool fast = tlb->index_bits && ir_memop_mmu(mo) < tlb->nmmu;
    unsigned h = load ? (fast ? INTERP_H_guest_ld_tlb : INTERP_H_guest_ld)
                      : (fast ? INTERP_H_guest_st_tlb : INTERP_H_guest_st);
    struct interp_insn *ip = emit(c, h);
    if (load)
        ip->d = out0(c, op);
    else
        ip->b = in_opnd(c, op->args[0]);
    ip->a = in_opnd(c, op->args[1]);
    ip->x = mo;
    ip->imm = fast ? tlb->offset + (uint64_t)ir_memop_mmu(mo) * tlb->table_stride : 0;
}

/* Two instructions: the call, then its argument words. */
static void emit_call(struct compile *c, const struct ir_op *op)
{
    struct interp_insn *ip = emit(c, INTERP_H_call);
    ip->d = op->nout ? out0(c, op) : UINT32_MAX;
    ip->a = (uint32_t)op->cargs[0];
    ip->b = op->nin;
    ip->x = op->nout;
    uint32_t w[IR_HELPER_MAX_ARGS] = {0};
    for (unsigned i = 0; i < op->nin; i++)
        w[i] = in_opnd(c, ir_op_in(op, i));
    struct interp_insn *args = emit(c, INTERP_H_call);
    args->d = w[0];
    args->a = w[1];
    args->b = w[2];
    args->x = w[3];
    args->imm = w[4] | (uint64_t)w[5] << 32;
}

static void emit_exit(struct compile *c, unsigned h, uint32_t a, uint32_t x, uint64_t imm)
{
    struct interp_insn *ip = emit(c, h);
    ip->a = a;
    ip->x = x;
    ip->imm = imm;
}

/* mulu2/muls2 (x: the high output), deposit/extract/sextract (x: pos | len
 * << 8), movcond (x: the condition, imm: the two value words). */
static void emit_misc(struct compile *c, const struct ir_op *op, unsigned w)
{
    struct interp_insn *ip = emit(c, misc_handler[op->opc] - 1 + w);
    ip->d = out0(c, op);
    ip->a = in_opnd(c, op->args[op->nout]);
    if (op->nin > 1)
        ip->b = in_opnd(c, op->args[op->nout + 1]);
    switch (op->opc) {
    case IR_OP_mulu2:
    case IR_OP_muls2: ip->x = opnd(c, op->args[1]); break;
    case IR_OP_movcond:
        ip->x = (uint32_t)op->cargs[0];
        ip->imm = in_opnd(c, ir_op_in(op, 2)) | (uint64_t)in_opnd(c, ir_op_in(op, 3)) << 32;
        break;
    default: ip->x = (uint32_t)(op->cargs[0] | op->cargs[1] << 8); break;
    }
}

/* Any pure op without a handler of its own: its outputs in d and x, its
 * inputs in a, b and imm, the op itself in the slots after it for
 * ir_eval_pure. */
static void emit_pure(struct compile *c, const struct ir_op *op)
{
    struct interp_insn *ip = emit(c, INTERP_H_pure);
    uint32_t w[4] = {0};
    for (unsigned i = 0; i < op->nin && i < 4; i++)
        w[i] = in_opnd(c, ir_op_in(op, i));
    ip->d = out0(c, op);
    ip->x = op->nout > 1 ? opnd(c, op->args[1]) : 0;
    ip->a = w[0];
    ip->b = w[1];
    ip->imm = w[2] | (uint64_t)w[3] << 32;
    struct interp_insn *slots[INTERP_OP_SLOTS];
    for (unsigned k = 0; k < INTERP_OP_SLOTS; k++)
        slots[k] = emit(c, INTERP_H_pure);
    if (!c->full)
        memcpy(slots[0], op, sizeof(*op));
}

static void emit_op(struct compile *c, unsigned i)
{
    const struct ir_op *op = &c->b->ops[i];
    const struct plan *p = &c->plan[i];
    unsigned w = op->type == IR_I64;
    if (c->fuse[i].act == FUSE_SKIP)
        return;
    c->cur = i;
    switch (op->opc) {
    case IR_OP_insn_start: break;
    case IR_OP_set_label: c->label_at[op->cargs[0]] = c->label_insn = c->code->ninsn; break;
    case IR_OP_movi: emit_movi(c, op); break;
    case IR_OP_setcond:
    case IR_OP_brcond: emit_cond(c, op, p); break;
    case IR_OP_br: branch_to(c, emit(c, INTERP_H_br), op->cargs[0]); break;
    case IR_OP_ld: emit_ld(c, op); break;
    case IR_OP_st: emit_st(c, op); break;
    case IR_OP_guest_ld:
    case IR_OP_guest_st: emit_guest(c, op); break;
    case IR_OP_call: emit_call(c, op); break;
    case IR_OP_goto_tb: emit_exit(c, INTERP_H_goto_tb, 0, (uint32_t)op->cargs[0], 0); break;
    case IR_OP_goto_ptr: emit_exit(c, INTERP_H_goto_ptr, in_opnd(c, op->args[0]), 0, 0); break;
    case IR_OP_exit_tb: emit_exit(c, INTERP_H_exit_tb, 0, 0, op->cargs[0]); break;
    default:
        if (c->fuse[i].act == FUSE_MASKED)
            emit_masked(c, op, p);
        else if (width_change_handler[op->opc])
            emit_move(c, width_change_handler[op->opc] - 1, out0(c, op), in_opnd(c, op->args[1]));
        else if (bin_handler[op->opc])
            emit_binary(c, op, p, bin_handler[op->opc] - 1);
        else if (un_handler[op->opc])
            emit_move(c, un_handler[op->opc] - 1 + w, out0(c, op), in_opnd(c, op->args[1]));
        else if (misc_handler[op->opc])
            emit_misc(c, op, w);
        else
            emit_pure(c, op);
        break;
    }
}

static uint32_t insn_offset(unsigned index)
{
    return (uint32_t)(offsetof(struct interp_code, insn) + index * sizeof(struct interp_insn));
}

/* Emits every op, then an exit_tb 0 for falling off the end (the lifter
 * always ends a block with an exit, so this only catches a label at the end). */
static void emit_block(struct compile *c)
{
    const struct ir_block *b = c->b;
    for (unsigned i = 0; i < b->nops; i++) {
        c->e->op_site[i] = insn_offset(c->code->ninsn);
        emit_op(c, i);
    }
    emit_exit(c, INTERP_H_exit_tb, 0, 0, 0);
    for (unsigned f = 0; f < c->nfix; f++) {
        struct interp_insn *ip = &c->code->insn[c->fix[f]];
        ip->x = c->label_at[ip->x] - c->fix[f];
    }
}

bool interp_compile(const struct interp *in, const struct ir_block *b, struct tb_emit *e)
{
    if (e->room < sizeof(struct interp_code))
        return false;
    struct compile c = {
        .in = in,
        .b = b,
        .e = e,
        .code = (struct interp_code *)e->rw,
        .cap = (unsigned)((e->room - sizeof(struct interp_code)) / sizeof(struct interp_insn)),
        .plan = malloc((b->nops ? b->nops : 1) * sizeof(*c.plan)),
        .konst = malloc((b->ntemps ? b->ntemps : 1) * sizeof(*c.konst)),
        .fuse = malloc((b->nops ? b->nops : 1) * sizeof(*c.fuse)),
        .label_at = calloc(b->nlabels ? b->nlabels : 1, sizeof(*c.label_at)),
        .fix = malloc((b->nops ? b->nops : 1) * sizeof(*c.fix)),
        .label_insn = UINT32_MAX,
    };
    bool ok = c.plan && c.konst && c.fuse && c.label_at && c.fix;
    if (ok) {
        *c.code = (struct interp_code){.tb = (struct tb *)e->tb, .nops = b->nops};
        plan_block(b, c.konst, c.plan);
        fuse_block(&c);
        emit_block(&c);
        ok = !c.full;
    }
    free(c.plan);
    free(c.konst);
    free(c.fuse);
    free(c.label_at);
    free(c.fix);
    if (!ok)
        return false;
    e->size = insn_offset(c.code->ninsn);
    e->jmp_offset[0] = e->jmp_offset[1] = 0;
    return true;
}
