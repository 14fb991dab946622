/* Copy propagation: after "mov d, s", later reads of d read s until either is
 * written again (or a label, where other paths join). Moves that change
 * nothing disappear; the dead ones are left to dead-code elimination. */
#include "opt.h"

#include <stdlib.h>
#include <string.h>

#define NO_COPY 0xffff

struct copies {
    uint16_t *of;   /* of[d] = s after "mov d, s", or NO_COPY */
    uint16_t *nsrc; /* how many temps are copies of t: skips most scans */
    unsigned n;
};

static void copy_drop(struct copies *c, unsigned d)
{
    if (c->of[d] != NO_COPY) {
        c->nsrc[c->of[d]]--;
        c->of[d] = NO_COPY;
    }
}

static void copies_kill(void *ctx, unsigned t)
{
    struct copies *c = ctx;
    copy_drop(c, t);
    for (unsigned i = 0; c->nsrc[t] && i < c->n; i++)
        if (c->of[i] == t)
            copy_drop(c, i);
}

static void copies_reset(struct copies *c)
{
    memset(c->of, 0xff, c->n * sizeof(uint16_t));
    memset(c->nsrc, 0, c->n * sizeof(uint16_t));
}

void opt_copyprop(struct ir_block *b)
{
    uint16_t *scratch = ir_block_scratch(b, 2 * b->ntemps * sizeof(uint16_t));
    struct copies c = {scratch, scratch + b->ntemps, b->ntemps};
    struct opt_rewriter r;
    copies_reset(&c);
    opt_rw_begin(&r, b);
    for (unsigned i = 0; i < b->nops; i++) {
        struct ir_op op = b->ops[i];
        if (op.opc == IR_OP_set_label)
            copies_reset(&c);
        for (unsigned j = op.nout; j < ir_op_ntemps(&op); j++)
            if (c.of[op.args[j]] != NO_COPY)
                op.args[j] = c.of[op.args[j]];
        /* "mov d, s" where d already holds s (or is s) changes nothing. */
        if (op.opc == IR_OP_mov && (op.args[0] == op.args[1] || c.of[op.args[0]] == op.args[1]))
            continue;
        opt_rw_push(&r, &op);
        opt_for_each_clobber(b, &op, copies_kill, &c);
        if (op.opc == IR_OP_mov) {
            c.of[op.args[0]] = op.args[1];
            c.nsrc[op.args[1]]++;
        }
    }
    opt_rw_end(&r, b);
}
