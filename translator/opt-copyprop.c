/* Copy propagation: after "mov d, s", later reads of d read s until either is
 * written again (or a label, where other paths join). Moves that change
 * nothing disappear; the dead ones are left to dead-code elimination. */
#include "opt.h"

#include <stdlib.h>
#include <string.h>

/* The copies in force. Few at once: writing a temp scans the list of
 * copies, not every temp of the block. */
struct copies {
    uint16_t *of;   /* of[d] = s + 1 after "mov d, s"; 0: d is no copy */
    uint16_t *nsrc; /* how many temps are copies of t: skips most scans */
    uint16_t *pos;  /* where d is in live[] while it is a copy */
    uint16_t *live; /* the temps that are copies */
    unsigned nlive;
};

static void copy_add(struct copies *c, unsigned d, unsigned s)
{
    c->of[d] = (uint16_t)(s + 1);
    c->nsrc[s]++;
    c->pos[d] = (uint16_t)c->nlive;
    c->live[c->nlive++] = (uint16_t)d;
}

static void copy_drop(struct copies *c, unsigned d)
{
    if (!c->of[d])
        return;
    c->nsrc[c->of[d] - 1]--;
    c->of[d] = 0;
    unsigned last = c->live[--c->nlive];
    c->live[c->pos[d]] = (uint16_t)last;
    c->pos[last] = c->pos[d];
}

static void copies_kill(void *ctx, unsigned t)
{
    struct copies *c = ctx;
    copy_drop(c, t);
    /* Backward: a drop moves the last entry, already seen, into the hole. */
    for (unsigned i = c->nlive; c->nsrc[t] && i-- > 0;)
        if (c->of[c->live[i]] == t + 1)
            copy_drop(c, c->live[i]);
}

static void copies_reset(struct copies *c)
{
    for (unsigned i = 0; i < c->nlive; i++) {
        unsigned d = c->live[i];
        c->nsrc[c->of[d] - 1] = 0;
        c->of[d] = 0;
    }
    c->nlive = 0;
}

void opt_copyprop(struct ir_block *b)
{
    /* Run again with no new mov since, it would find what it found before. */
    if (b->copies_done)
        return;
    /* of and nsrc start zeroed; pos and live are written before read. */
    uint16_t *scratch = ir_block_scratch_part(b, 4 * b->ntemps * sizeof(uint16_t),
                                              2 * b->ntemps * sizeof(uint16_t));
    struct copies c = {scratch, scratch + b->ntemps, scratch + 2 * b->ntemps,
                       scratch + 3 * b->ntemps, 0};
    struct opt_rewriter r;
    opt_rw_begin(&r, b);
    for (unsigned i = 0; i < b->nops; i++) {
        if (b->ops[i].opc == IR_OP_set_label)
            copies_reset(&c);
        const struct ir_op *in = &b->ops[i];
        struct ir_op *op = opt_rw_push(&r, in);
        /* Reads the input op, not the copy just stored (no wait on the store). */
        for (unsigned j = in->nout; c.nlive && j < ir_op_ntemps(in); j++)
            if (c.of[in->args[j]])
                op->args[j] = c.of[in->args[j]] - 1;
        if (op->opc == IR_OP_mov) {
            unsigned d = op->args[0], s = op->args[1];
            /* "mov d, s" where d already holds s (or is s) changes nothing. */
            if (d == s || c.of[d] == s + 1) {
                r.n--;
                continue;
            }
            copies_kill(&c, d);
            copy_add(&c, d, s);
            continue;
        }
        for (unsigned o = 0; o < op->nout; o++)
            copies_kill(&c, op->args[o]);
        if (opt_clobbers_globals(b, op))
            opt_for_each_clobbered_global(b, op, copies_kill, &c);
    }
    opt_rw_end(&r, b);
    b->copies_done = true;
}
