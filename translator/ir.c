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
    b->copies_done = false;
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

void *ir_block_scratch_part(struct ir_block *b, size_t size, size_t zeroed)
{
    if (!b->scratch || size > b->scratch_size) {
        free(b->scratch);
        b->scratch_size = size ? size : 1;
        b->scratch = xrealloc(NULL, b->scratch_size);
    }
    return memset(b->scratch, 0, zeroed < size ? zeroed : size);
}

void *ir_block_scratch(struct ir_block *b, size_t size)
{
    return ir_block_scratch_part(b, size, size);
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
    dst->copies_done = src->copies_done;
}

struct ir_op *ir_emit(struct ir_block *b, enum ir_opcode opc, enum ir_type type)
{
    if (b->nops == b->ops_cap) {
        b->ops_cap = b->ops_cap ? b->ops_cap * 2 : 256;
        b->ops = xrealloc(b->ops, b->ops_cap * sizeof(*b->ops));
    }
    struct ir_op *op = &b->ops[b->nops++];
    b->copies_done = false;
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
