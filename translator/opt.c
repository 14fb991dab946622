/* Optimizer pipeline and what the passes share (opt.h). */
#include "opt.h"

#include "translator.h"

#include <stdlib.h>
#include <string.h>

/* Copy propagation first so folding sees through moves; simplification after
 * folding (it needs the constants); copy propagation again for the moves
 * simplification made; dead-code elimination last, which also fills ir_op.life. */
static const struct translator_pass passes[] = {
    {"copyprop", opt_copyprop}, {"constfold", opt_constfold},
    {"simplify", opt_simplify}, {"copyprop", opt_copyprop},
    {"dce", opt_dce},
};

const struct translator_pass *translator_passes(unsigned *count)
{
    *count = sizeof(passes) / sizeof(passes[0]);
    return passes;
}

void translator_optimize(struct ir_block *b)
{
    for (size_t i = 0; i < sizeof(passes) / sizeof(passes[0]); i++)
        passes[i].run(b);
}

/* The output goes into the array the previous pass replaced when it is large
 * enough (not zeroed: opt_rw_push writes every op before it is read). */
void opt_rw_begin(struct opt_rewriter *r, struct ir_block *b)
{
    /* A pass replaces one op by at most two (a folded mulu2). */
    r->cap = 2 * b->nops + 1;
    if (b->spare_ops && b->spare_cap >= r->cap) {
        r->out = b->spare_ops;
        r->cap = b->spare_cap;
    } else {
        free(b->spare_ops);
        r->out = malloc(r->cap * sizeof(*r->out));
        if (!r->out) {
            fputs("jit86: out of memory in the optimizer\n", stderr);
            exit(1);
        }
    }
    b->spare_ops = NULL;
    b->spare_cap = 0;
    r->n = 0;
    r->new_copies = false;
}

void opt_rw_mov(struct opt_rewriter *r, enum ir_type type, unsigned d, unsigned s)
{
    struct ir_op op = {.opc = IR_OP_mov, .type = type, .nout = 1, .nin = 1};
    op.args[0] = (uint16_t)d;
    op.args[1] = (uint16_t)s;
    opt_rw_push(r, &op);
    r->new_copies = true;
}

void opt_rw_movi(struct opt_rewriter *r, enum ir_type type, unsigned d, uint64_t v)
{
    struct ir_op op = {.opc = IR_OP_movi, .type = type, .nout = 1};
    op.args[0] = (uint16_t)d;
    op.cargs[0] = type == IR_I32 ? (uint32_t)v : v;
    opt_rw_push(r, &op);
}

void opt_rw_end(struct opt_rewriter *r, struct ir_block *b)
{
    b->spare_ops = b->ops;
    b->spare_cap = b->ops_cap;
    b->ops = r->out;
    b->nops = r->n;
    b->ops_cap = r->cap;
    r->out = NULL;
    if (r->new_copies)
        b->copies_done = false;
}

void opt_for_each_clobbered_global(const struct ir_block *b, const struct ir_op *op,
                                   void (*kill)(void *ctx, unsigned t), void *ctx)
{
    if (ir_op_writes_globals(b, op)) {
        for (unsigned g = 0; g < b->env->nglobals; g++)
            kill(ctx, g);
    } else if (op->opc == IR_OP_st) {
        unsigned size = 1u << ir_memop_size((unsigned)op->cargs[1]);
        for (unsigned g = 0; g < b->env->nglobals; g++)
            if (ir_global_overlaps(b->env, g, op->cargs[0], size))
                kill(ctx, g);
    }
}

void opt_for_each_clobber(const struct ir_block *b, const struct ir_op *op,
                          void (*kill)(void *ctx, unsigned t), void *ctx)
{
    for (unsigned i = 0; i < op->nout; i++)
        kill(ctx, op->args[i]);
    if (opt_clobbers_globals(b, op))
        opt_for_each_clobbered_global(b, op, kill, ctx);
}

/* In the block's scratch area: a pass holds one opt_known and nothing else
 * there. Only the set flags are cleared: a value is read only when set. */
void opt_known_init(struct opt_known *k, struct ir_block *b)
{
    k->n = b->ntemps;
    size_t flags = (k->n + 7) & ~7u;
    k->set = ir_block_scratch_part(b, flags + k->n * sizeof(*k->val), flags);
    k->val = (uint64_t *)(k->set + flags);
}

void opt_known_destroy(struct opt_known *k)
{
    k->val = NULL;
    k->set = NULL;
}

void opt_known_reset(struct opt_known *k)
{
    memset(k->set, 0, k->n);
}

static void known_kill(void *ctx, unsigned t)
{
    ((struct opt_known *)ctx)->set[t] = 0;
}

void opt_known_kill_globals(struct opt_known *k, const struct ir_block *b, const struct ir_op *op)
{
    opt_for_each_clobbered_global(b, op, known_kill, k);
}
