/* IR blocks: the op table, temps, labels and what each op does to globals
 * (shared/DESIGN.md "Translator contract"). */
#include "ir.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

const struct ir_opdef ir_opdefs[IR_OP_COUNT] = {
#define IR_OP(n, o, i, c, f, k0, k1) [IR_OP_##n] = {#n, o, i, c, f, {k0, k1}},
#include "ir-ops.def"
#undef IR_OP
};

static void *xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size);
    if (!q) {
        fputs("jit86: out of memory in the translator\n", stderr);
        exit(1);
    }
    return q;
}

void ir_block_init(struct ir_block *b, const struct ir_env *env)
{
    memset(b, 0, sizeof(*b));
    b->env = env;
    b->temp_type = xrealloc(NULL, IR_MAX_TEMPS);
    ir_block_reset(b);
}

void ir_block_reset(struct ir_block *b)
{
    b->nops = 0;
    b->nlabels = 0;
    b->overflow = false;
    for (unsigned g = 0; g < b->env->nglobals; g++)
        b->temp_type[g] = b->env->globals[g].type;
    b->temp_type[b->env->nglobals] = IR_PTR;
    b->ntemps = b->env->nglobals + 1;
}

void ir_block_destroy(struct ir_block *b)
{
    free(b->ops);
    free(b->spare_ops);
    free(b->scratch);
    free(b->temp_type);
    memset(b, 0, sizeof(*b));
}

void *ir_block_scratch(struct ir_block *b, size_t size)
{
    if (!b->scratch || size > b->scratch_size) {
        free(b->scratch);
        b->scratch_size = size ? size : 1;
        b->scratch = xrealloc(NULL, b->scratch_size);
    }
    return memset(b->scratch, 0, size);
}

void ir_block_copy(struct ir_block *dst, const struct ir_block *src)
{
    dst->env = src->env;
    if (dst->ops_cap < src->nops) {
        dst->ops = xrealloc(dst->ops, src->nops * sizeof(*dst->ops));
        dst->ops_cap = src->nops;
    }
    if (src->nops)
        memcpy(dst->ops, src->ops, src->nops * sizeof(*dst->ops));
    dst->nops = src->nops;
    memcpy(dst->temp_type, src->temp_type, src->ntemps);
    dst->ntemps = src->ntemps;
    dst->nlabels = src->nlabels;
    dst->overflow = src->overflow;
}

struct ir_op *ir_emit(struct ir_block *b, enum ir_opcode opc, enum ir_type type)
{
    if (b->nops == b->ops_cap) {
        b->ops_cap = b->ops_cap ? b->ops_cap * 2 : 256;
        b->ops = xrealloc(b->ops, b->ops_cap * sizeof(*b->ops));
    }
    struct ir_op *op = &b->ops[b->nops++];
    memset(op, 0, sizeof(*op));
    op->opc = opc;
    op->type = type;
    op->nout = ir_opdefs[opc].nout;
    op->nin = ir_opdefs[opc].nin;
    return op;
}

ir_tmp ir_global(const struct ir_block *b, unsigned index)
{
    (void)b;
    assert(index < b->env->nglobals);
    return (ir_tmp){(uint16_t)index};
}

ir_tmp ir_env_ptr(const struct ir_block *b)
{
    return (ir_tmp){(uint16_t)b->env->nglobals};
}

ir_tmp ir_new_temp(struct ir_block *b, enum ir_type type)
{
    if (b->ntemps == IR_MAX_TEMPS) {
        /* Refused at commit; reuse the last temp so building can go on. */
        b->overflow = true;
        return (ir_tmp){(uint16_t)(b->ntemps - 1)};
    }
    b->temp_type[b->ntemps] = type;
    return (ir_tmp){(uint16_t)b->ntemps++};
}

ir_tmp ir_new_i32(struct ir_block *b)
{
    return ir_new_temp(b, IR_I32);
}

ir_tmp ir_new_i64(struct ir_block *b)
{
    return ir_new_temp(b, IR_I64);
}

ir_label ir_new_label(struct ir_block *b)
{
    if (b->nlabels == UINT16_MAX) {
        b->overflow = true;
        return (ir_label){0};
    }
    return (ir_label){(uint16_t)b->nlabels++};
}

static const struct ir_helper *op_helper(const struct ir_block *b, const struct ir_op *op)
{
    assert(op->opc == IR_OP_call && op->cargs[0] < b->env->nhelpers);
    return &b->env->helpers[op->cargs[0]];
}

bool ir_op_reads_globals(const struct ir_block *b, const struct ir_op *op)
{
    unsigned f = ir_op_flags(op);
    if (f & (IR_OPF_EXIT | IR_OPF_RAISE))
        return true;
    if (f & IR_OPF_CALL) {
        uint32_t hf = op_helper(b, op)->flags;
        if (hf & IR_CALL_MAY_RAISE)
            return true;
        return !(hf & (IR_CALL_NO_READ_GLOBALS | IR_CALL_PURE));
    }
    return false;
}

bool ir_op_writes_globals(const struct ir_block *b, const struct ir_op *op)
{
    if (!(ir_op_flags(op) & IR_OPF_CALL))
        return false;
    return !(op_helper(b, op)->flags & (IR_CALL_NO_WRITE_GLOBALS | IR_CALL_PURE));
}

bool ir_op_has_side_effects(const struct ir_block *b, const struct ir_op *op)
{
    unsigned f = ir_op_flags(op);
    if (f & IR_OPF_CALL) {
        uint32_t hf = op_helper(b, op)->flags;
        if (hf & IR_CALL_MAY_RAISE)
            return true;
        return !(hf & (IR_CALL_NO_SIDE_EFFECTS | IR_CALL_PURE));
    }
    return (f & (IR_OPF_SIDE | IR_OPF_RAISE | IR_OPF_LABEL | IR_OPF_BRANCH | IR_OPF_EXIT)) != 0;
}

bool ir_op_may_raise(const struct ir_block *b, const struct ir_op *op)
{
    if (ir_op_flags(op) & IR_OPF_CALL)
        return (op_helper(b, op)->flags & IR_CALL_MAY_RAISE) != 0;
    return (ir_op_flags(op) & IR_OPF_RAISE) != 0;
}
