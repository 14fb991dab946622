/* Copy propagation: after "mov d, s", later reads of d read s until either is
 * written again (or a label, where other paths join). Moves that change
 * nothing disappear; the dead ones are left to dead-code elimination. */
#include "opt.h"

#include <stdlib.h>
#include <string.h>

#define NO_COPY 0xffff

struct copies {
    uint16_t *of; /* of[d] = s after "mov d, s", or NO_COPY */
    unsigned n;
};

static void copies_kill(void *ctx, unsigned t)
{
    struct copies *c = ctx;
    c->of[t] = NO_COPY;
    for (unsigned i = 0; i < c->n; i++)
        if (c->of[i] == t)
            c->of[i] = NO_COPY;
}

void opt_copyprop(struct ir_block *b)
{
    struct copies c = {malloc(b->ntemps * sizeof(uint16_t)), b->ntemps};
    struct opt_rewriter r;
    if (!c.of) {
        return; /* the pass is optional */
    }
    memset(c.of, 0xff, b->ntemps * sizeof(uint16_t));
    opt_rw_begin(&r, b);
    for (unsigned i = 0; i < b->nops; i++) {
        struct ir_op op = b->ops[i];
        if (op.opc == IR_OP_set_label)
            memset(c.of, 0xff, b->ntemps * sizeof(uint16_t));
        for (unsigned j = op.nout; j < ir_op_ntemps(&op); j++)
            if (c.of[op.args[j]] != NO_COPY)
                op.args[j] = c.of[op.args[j]];
        /* "mov d, s" where d already holds s (or is s) changes nothing. */
        if (op.opc == IR_OP_mov && (op.args[0] == op.args[1] || c.of[op.args[0]] == op.args[1]))
            continue;
        opt_rw_push(&r, &op);
        opt_for_each_clobber(b, &op, copies_kill, &c);
        if (op.opc == IR_OP_mov)
            c.of[op.args[0]] = op.args[1];
    }
    free(c.of);
    opt_rw_end(&r, b);
}
