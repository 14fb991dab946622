/* Dead-code elimination by backward liveness of temps and globals. Globals are
 * live at every exit, before every op that may raise (guest state must be
 * exact) and before helpers that read globals, so a global overwritten before
 * any of these is dead. Labels hold the liveness of their branches, iterated
 * to a fixed point so loops inside a block are handled. Ops after an
 * unconditional jump or exit and before the next label never run: removed. */
#include "opt.h"

#include <stdlib.h>
#include <string.h>

struct liveness {
    struct ir_block *b;
    bool remove; /* opt_dce; opt_liveness only annotates */
    unsigned words;
    uint64_t *live;       /* current set */
    uint64_t *label_live; /* nlabels sets */
    uint8_t *dead;        /* per op, in the final sweep */
    uint8_t *unreachable; /* per op */
    bool backward;        /* a branch to a label set before it: sweep to a fixed point */
};

static bool test(const uint64_t *s, unsigned t)
{
    return (s[t / 64] >> (t % 64)) & 1;
}
static void set(uint64_t *s, unsigned t)
{
    s[t / 64] |= 1ull << (t % 64);
}
static void clear(uint64_t *s, unsigned t)
{
    s[t / 64] &= ~(1ull << (t % 64));
}

/* Globals are temps 0..nglobals-1: whole words, then the low bits of one. */
static void add_globals(struct liveness *lv)
{
    unsigned n = lv->b->env->nglobals;
    for (unsigned w = 0; w < n / 64; w++)
        lv->live[w] = ~0ull;
    if (n % 64)
        lv->live[n / 64] |= (1ull << (n % 64)) - 1;
}

static uint64_t *label_set(struct liveness *lv, uint64_t label)
{
    return &lv->label_live[label * lv->words];
}

static void join(struct liveness *lv, const uint64_t *s)
{
    for (unsigned w = 0; w < lv->words; w++)
        lv->live[w] |= s[w];
}

/* env ld/st touching a global's field need the global in env. */
static void env_access_uses(struct liveness *lv, const struct ir_op *op)
{
    unsigned size = 1u << ir_memop_size((unsigned)op->cargs[1]);
    for (unsigned g = 0; g < lv->b->env->nglobals; g++)
        if (ir_global_overlaps(lv->b->env, g, op->cargs[0], size))
            set(lv->live, g);
}

static bool removable(struct liveness *lv, const struct ir_op *op)
{
    if (!lv->remove || op->nout == 0 || ir_op_has_side_effects(lv->b, op))
        return false;
    for (unsigned i = 0; i < op->nout; i++)
        if (test(lv->live, op->args[i]))
            return false;
    return true;
}

/* Steps backward over op; returns true when a label's set grew. */
static bool step(struct liveness *lv, unsigned i)
{
    const struct ir_op *op = &lv->b->ops[i];
    unsigned flags = ir_op_flags(op);
    if (op->opc == IR_OP_set_label) {
        uint64_t *ls = label_set(lv, op->cargs[0]);
        bool grew = false;
        for (unsigned w = 0; w < lv->words; w++) {
            grew |= (lv->live[w] & ~ls[w]) != 0;
            ls[w] |= lv->live[w];
        }
        return grew;
    }
    if (lv->unreachable[i]) {
        lv->dead[i] = 1;
        return false;
    }
    if (flags & IR_OPF_END)
        memset(lv->live, 0, lv->words * sizeof(uint64_t));
    if (op->opc == IR_OP_br)
        join(lv, label_set(lv, op->cargs[0]));
    if (op->opc == IR_OP_brcond)
        join(lv, label_set(lv, op->cargs[1]));
    lv->dead[i] = removable(lv, op);
    if (lv->dead[i])
        return false;
    uint16_t life = 0;
    for (unsigned o = 0; o < op->nout; o++) {
        life |= (uint16_t)(!test(lv->live, op->args[o]) << o);
        clear(lv->live, op->args[o]);
    }
    if (ir_op_reads_globals(lv->b, op))
        add_globals(lv);
    if (op->opc == IR_OP_ld || op->opc == IR_OP_st)
        env_access_uses(lv, op);
    for (unsigned in = 0; in < op->nin; in++) {
        unsigned t = ir_op_in(op, in);
        life |= (uint16_t)(!test(lv->live, t) << (op->nout + in));
        set(lv->live, t);
    }
    lv->b->ops[i].life = life;
    return false;
}

static bool sweep(struct liveness *lv)
{
    bool grew = false;
    memset(lv->live, 0, lv->words * sizeof(uint64_t));
    add_globals(lv); /* falling off the end is an exit */
    for (unsigned i = lv->b->nops; i-- > 0;)
        grew |= step(lv, i);
    return grew;
}

/* Also finds out whether a branch goes back to a label already set: without
 * one, a backward sweep meets every label before its branches and one sweep
 * is the fixed point (most blocks: lifted code branches forward). */
static void mark_unreachable(struct liveness *lv, uint8_t *label_seen)
{
    bool reachable = true;
    for (unsigned i = 0; i < lv->b->nops; i++) {
        const struct ir_op *op = &lv->b->ops[i];
        if (op->opc == IR_OP_set_label) {
            reachable = true;
            label_seen[op->cargs[0]] = 1;
        }
        if ((op->opc == IR_OP_br && label_seen[op->cargs[0]]) ||
            (op->opc == IR_OP_brcond && label_seen[op->cargs[1]]))
            lv->backward = true;
        lv->unreachable[i] = !reachable;
        if (ir_op_flags(op) & IR_OPF_END)
            reachable = false;
    }
}

static void run(struct ir_block *b, bool remove)
{
    struct liveness lv = {.b = b, .remove = remove, .words = (b->ntemps + 63) / 64};
    /* One scratch area: the live set, one set per label, then bytes per op
     * (dead, unreachable) and per label (seen). */
    size_t words = (size_t)lv.words * (1 + b->nlabels);
    uint64_t *w = ir_block_scratch(b, words * sizeof(uint64_t) + 2 * b->nops + b->nlabels);
    uint8_t *bytes = (uint8_t *)(w + words);
    lv.live = w;
    lv.label_live = w + lv.words;
    lv.dead = bytes;
    lv.unreachable = bytes + b->nops;
    mark_unreachable(&lv, bytes + 2 * b->nops);
    while (sweep(&lv) && lv.backward)
        ;
    if (!remove)
        return;
    /* Ops before the first dead one stay where they are. */
    unsigned n = 0;
    while (n < b->nops && !lv.dead[n])
        n++;
    for (unsigned i = n; i < b->nops; i++)
        if (!lv.dead[i])
            b->ops[n++] = b->ops[i];
    b->nops = n;
}

void opt_dce(struct ir_block *b)
{
    run(b, true);
}

void opt_liveness(struct ir_block *b)
{
    run(b, false);
}
