/* Optimizer passes over one IR block, one pass per file, and what they share:
 * an op rewriter, a tracker of temps known to hold constants, and the list of
 * temps an op may change (shared/DESIGN.md, journey step 3). */
#ifndef JIT86_TRANSLATOR_OPT_H
#define JIT86_TRANSLATOR_OPT_H

#include "ir.h"

void opt_constfold(struct ir_block *b);
void opt_copyprop(struct ir_block *b);
void opt_simplify(struct ir_block *b);
void opt_dce(struct ir_block *b);
/* The liveness of opt_dce without removing anything: fills ir_op.life. */
void opt_liveness(struct ir_block *b);

/* Builds a pass's output next to its input, then swaps it in. */
struct opt_rewriter {
    struct ir_op *out;
    unsigned n, cap;
    bool new_copies; /* a mov was made (opt_rw_mov): copy propagation has work again */
};
void opt_rw_begin(struct opt_rewriter *r, struct ir_block *b);
static inline struct ir_op *opt_rw_push(struct opt_rewriter *r, const struct ir_op *op)
{
    struct ir_op *o = &r->out[r->n++];
    *o = *op;
    return o;
}
/* Appends "mov d, s" or "movi d, v" of the given type. A pass makes every
 * new mov with opt_rw_mov: after copy propagation, only a new mov gives it
 * something to do (ir_block.copies_done). */
void opt_rw_mov(struct opt_rewriter *r, enum ir_type type, unsigned d, unsigned s);
void opt_rw_movi(struct opt_rewriter *r, enum ir_type type, unsigned d, uint64_t v);
void opt_rw_end(struct opt_rewriter *r, struct ir_block *b);

/* Whether op changes temps besides its outputs: a helper that writes
 * globals, an env store (which may overlap a global's field). */
static inline bool opt_clobbers_globals(const struct ir_block *b, const struct ir_op *op)
{
    return op->opc == IR_OP_st || ir_op_writes_globals(b, op);
}
/* Calls kill(ctx, t) for every temp op may change: its outputs, the globals a
 * helper may write, the globals an env store overlaps. */
void opt_for_each_clobber(const struct ir_block *b, const struct ir_op *op,
                          void (*kill)(void *ctx, unsigned t), void *ctx);
/* Only the globals of that list (opt_clobbers_globals ops). */
void opt_for_each_clobbered_global(const struct ir_block *b, const struct ir_op *op,
                                   void (*kill)(void *ctx, unsigned t), void *ctx);

/* Temps known to hold a constant at the current op. */
struct opt_known {
    uint64_t *val;
    uint8_t *set;
    unsigned n;
};
void opt_known_init(struct opt_known *k, struct ir_block *b);
void opt_known_destroy(struct opt_known *k);
void opt_known_reset(struct opt_known *k);
static inline bool opt_known_get(const struct opt_known *k, unsigned t, uint64_t *v)
{
    if (!k->set[t])
        return false;
    *v = k->val[t];
    return true;
}
void opt_known_kill_globals(struct opt_known *k, const struct ir_block *b, const struct ir_op *op);
/* Updates after op has been emitted: labels forget everything, movi sets. */
static inline void opt_known_after(struct opt_known *k, const struct ir_block *b,
                                   const struct ir_op *op)
{
    if (op->opc == IR_OP_set_label) {
        opt_known_reset(k);
        return;
    }
    for (unsigned i = 0; i < op->nout; i++)
        k->set[op->args[i]] = 0;
    if (opt_clobbers_globals(b, op))
        opt_known_kill_globals(k, b, op);
    if (op->opc == IR_OP_movi) {
        k->set[op->args[0]] = 1;
        k->val[op->args[0]] = op->cargs[0];
    }
}

#endif
