/* IR validation: catches lifter bugs before a block runs (temps in range and
 * of the op's type, helpers and labels that exist, each label set once). */
#include "ir.h"

#include <stdarg.h>
#include <stdlib.h>

static bool bad(char *err, size_t len, unsigned i, const char *fmt, ...)
{
    int n = snprintf(err, len, "op %u: ", i);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < len)
        vsnprintf(err + n, len - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

static int want_type(const struct ir_block *b, const struct ir_op *op, unsigned i)
{
    unsigned flags = ir_opdefs[op->opc].flags;
    bool input = i >= op->nout;
    if (op->opc == IR_OP_call) {
        const struct ir_helper *h = &b->env->helpers[op->cargs[0]];
        enum ir_htype t = input ? h->args[i - op->nout] : h->ret;
        return t == IR_HT_I64 ? IR_I64 : t == IR_HT_I32 ? IR_I32 : IR_PTR;
    }
    if (flags & IR_OPF_WIDEN)
        return input ? IR_I32 : IR_I64;
    if (flags & IR_OPF_NARROW)
        return input ? IR_I64 : IR_I32;
    if ((op->opc == IR_OP_guest_ld || op->opc == IR_OP_guest_st) && i == 1)
        return -1;
    return op->type;
}

static bool check_op(const struct ir_block *b, const struct ir_op *op, unsigned i, char *err,
                     size_t len)
{
    if (op->opc >= IR_OP_COUNT)
        return bad(err, len, i, "bad opcode %u", op->opc);
    if (op->opc == IR_OP_call && op->cargs[0] >= b->env->nhelpers)
        return bad(err, len, i, "helper %llu not in the table", (unsigned long long)op->cargs[0]);
    for (unsigned a = 0; a < ir_op_ntemps(op); a++) {
        unsigned t = op->args[a];
        if (t >= b->ntemps)
            return bad(err, len, i, "temp %u out of range", t);
        if (a < op->nout && t == ir_env_temp(b))
            return bad(err, len, i, "%s writes env", ir_opdefs[op->opc].name);
        int want = want_type(b, op, a);
        if (want >= 0 && b->temp_type[t] != want)
            return bad(err, len, i, "%s operand %u has the wrong type", ir_opdefs[op->opc].name, a);
    }
    return true;
}

bool ir_validate(const struct ir_block *b, char *err, size_t len)
{
    uint8_t *set = calloc(b->nlabels ? b->nlabels : 1, 1);
    bool ok = set != NULL;
    for (unsigned i = 0; ok && i < b->nops; i++) {
        const struct ir_op *op = &b->ops[i];
        ok = check_op(b, op, i, err, len);
        for (unsigned k = 0; ok && k < ir_opdefs[op->opc].nconst; k++) {
            if (ir_opdefs[op->opc].kind[k] != IR_K_LABEL)
                continue;
            if (op->cargs[k] >= b->nlabels)
                ok = bad(err, len, i, "label L%llu was never made",
                         (unsigned long long)op->cargs[k]);
            else if (op->opc == IR_OP_set_label && set[op->cargs[k]]++)
                ok = bad(err, len, i, "label L%llu set twice", (unsigned long long)op->cargs[k]);
        }
    }
    for (unsigned l = 0; ok && l < b->nlabels; l++) {
        for (unsigned i = 0; i < b->nops && !set[l]; i++) {
            const struct ir_op *op = &b->ops[i];
            if ((op->opc == IR_OP_br && op->cargs[0] == l) ||
                (op->opc == IR_OP_brcond && op->cargs[1] == l))
                ok = bad(err, len, i, "branch to L%u, which is never set", l);
        }
    }
    free(set);
    return ok;
}
