/* Constant folding: a pure op whose inputs are all known constants becomes
 * movi of its result (computed by ir_eval_pure, the interpreter's own
 * definition); brcond and movcond on known conditions become br / mov. */
#include "ir-eval.h"
#include "opt.h"

static bool inputs_known(const struct opt_known *k, const struct ir_op *op, unsigned n,
                         uint64_t *in)
{
    for (unsigned i = 0; i < n; i++)
        if (!opt_known_get(k, ir_op_in(op, i), &in[i]))
            return false;
    return true;
}

/* Returns true when op was replaced (its replacement pushed). */
static bool fold(struct opt_rewriter *r, const struct opt_known *k, const struct ir_op *op)
{
    uint64_t in[4], out[2];
    unsigned flags = ir_opdefs[op->opc].flags;
    if ((flags & IR_OPF_PURE) && op->opc != IR_OP_movi && inputs_known(k, op, op->nin, in)) {
        ir_eval_pure(op, in, out);
        for (unsigned i = 0; i < op->nout; i++)
            opt_rw_movi(r, (enum ir_type)op->type, op->args[i], out[i]);
        return true;
    }
    if (op->opc == IR_OP_movcond && inputs_known(k, op, 2, in)) {
        bool c = ir_eval_cond((enum ir_cond)op->cargs[0], (enum ir_type)op->type, in[0], in[1]);
        opt_rw_mov(r, (enum ir_type)op->type, op->args[0], ir_op_in(op, c ? 2 : 3));
        return true;
    }
    if (op->opc == IR_OP_brcond && inputs_known(k, op, 2, in)) {
        if (ir_eval_cond((enum ir_cond)op->cargs[0], (enum ir_type)op->type, in[0], in[1])) {
            struct ir_op br = {.opc = IR_OP_br};
            br.cargs[0] = op->cargs[1];
            opt_rw_push(r, &br);
        }
        return true;
    }
    return false;
}

void opt_constfold(struct ir_block *b)
{
    struct opt_rewriter r;
    struct opt_known k;
    opt_rw_begin(&r, b);
    opt_known_init(&k, b);
    for (unsigned i = 0; i < b->nops; i++) {
        const struct ir_op *op = &b->ops[i];
        unsigned first = r.n;
        if (!fold(&r, &k, op))
            opt_rw_push(&r, op);
        for (unsigned j = first; j < r.n; j++)
            opt_known_after(&k, b, &r.out[j]);
    }
    opt_known_destroy(&k);
    opt_rw_end(&r, b);
}
