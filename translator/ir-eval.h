/* Evaluation of pure IR ops on constant inputs, shared by the interpreter and
 * the constant folder so that both compute exactly the same values. */
#ifndef JIT86_TRANSLATOR_IR_EVAL_H
#define JIT86_TRANSLATOR_IR_EVAL_H

#include "ir.h"

/* Values are canonical: an i32 value has its upper 32 bits clear. */
static inline uint64_t ir_canon(enum ir_type t, uint64_t v)
{
    return t == IR_I32 ? (uint32_t)v : v;
}

static inline uint64_t ir_sext(uint64_t v, unsigned bits)
{
    unsigned s = 64 - bits;
    return (uint64_t)((int64_t)(v << s) >> s);
}

bool ir_eval_cond(enum ir_cond c, enum ir_type t, uint64_t a, uint64_t b);
/* Computes the outputs of pure op from its input values; false if the op is
 * not pure. */
bool ir_eval_pure(const struct ir_op *op, const uint64_t *in, uint64_t *out);
/* Sign- or zero-extends a loaded value of memop's size to type t. */
uint64_t ir_eval_load_ext(enum ir_type t, unsigned memop, uint64_t v);

#endif
