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

/* mulu2/muls2: out[0] low, out[1] high half (not yet canonical for i32). */
void ir_eval_mul2(const struct ir_op *op, uint64_t a, uint64_t b, uint64_t *out);
void ir_eval_mul2_typed(bool sign, enum ir_type t, uint64_t a, uint64_t b, uint64_t *out);

/* Inline so that the interpreter's dispatch and this one fold together. */
static inline bool ir_eval_cond(enum ir_cond c, enum ir_type t, uint64_t a, uint64_t b)
{
    unsigned w = t == IR_I32 ? 32 : 64;
    int64_t sa = (int64_t)ir_sext(a, w), sb = (int64_t)ir_sext(b, w);
    a = ir_canon(t, a);
    b = ir_canon(t, b);
    switch (c) {
    case IR_COND_NEVER: return false;
    case IR_COND_ALWAYS: return true;
    case IR_COND_EQ: return a == b;
    case IR_COND_NE: return a != b;
    case IR_COND_LT: return sa < sb;
    case IR_COND_GE: return sa >= sb;
    case IR_COND_LE: return sa <= sb;
    case IR_COND_GT: return sa > sb;
    case IR_COND_LTU: return a < b;
    case IR_COND_GEU: return a >= b;
    case IR_COND_LEU: return a <= b;
    case IR_COND_GTU: return a > b;
    case IR_COND_TSTEQ: return (a & b) == 0;
    case IR_COND_TSTNE: return (a & b) != 0;
    default: return false;
    }
}

static inline uint64_t ir_eval_field_mask(unsigned len)
{
    return len >= 64 ? ~0ull : (1ull << len) - 1;
}

static inline uint64_t ir_eval_rotate(uint64_t v, unsigned n, unsigned w, bool left)
{
    n &= w - 1;
    if (n == 0)
        return v;
    if (!left)
        n = w - n;
    return (v << n) | (v >> (w - n));
}

static inline uint64_t ir_eval_bswap(uint64_t v, unsigned w)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < w / 8; i++)
        r = (r << 8) | ((v >> (8 * i)) & 0xff);
    return r;
}

static inline uint64_t ir_eval_deposit(uint64_t base, uint64_t val, unsigned pos, unsigned len)
{
    uint64_t m = ir_eval_field_mask(len) << pos;
    return (base & ~m) | ((val << pos) & m);
}

static inline uint64_t ir_eval_extract(uint64_t v, unsigned pos, unsigned len, bool sign)
{
    return sign ? ir_sext(v >> pos, len) : (v >> pos) & ir_eval_field_mask(len);
}

/* The ops without constants, by opcode: the interpreter calls this with a
 * constant opcode and width, so each of its handlers folds to one case. */
static inline uint64_t ir_eval_alu(enum ir_opcode opc, uint64_t a, uint64_t b, unsigned w)
{
    switch (opc) {
    case IR_OP_mov: return a;
    case IR_OP_add: return a + b;
    case IR_OP_sub: return a - b;
    case IR_OP_mul: return a * b;
    case IR_OP_and: return a & b;
    case IR_OP_or: return a | b;
    case IR_OP_xor: return a ^ b;
    case IR_OP_not: return ~a;
    case IR_OP_neg: return -a;
    case IR_OP_shl: return a << (b & (w - 1));
    case IR_OP_shr: return a >> (b & (w - 1));
    case IR_OP_sar: return (uint64_t)((int64_t)ir_sext(a, w) >> (b & (w - 1)));
    case IR_OP_rotl: return ir_eval_rotate(a, (unsigned)b, w, true);
    case IR_OP_rotr: return ir_eval_rotate(a, (unsigned)b, w, false);
    case IR_OP_bswap: return ir_eval_bswap(a, w);
    case IR_OP_ext8s: return ir_sext(a, 8);
    case IR_OP_ext8u: return (uint8_t)a;
    case IR_OP_ext16s: return ir_sext(a, 16);
    case IR_OP_ext16u: return (uint16_t)a;
    case IR_OP_ext32s: return ir_sext(a, 32);
    case IR_OP_ext32u: return (uint32_t)a;
    case IR_OP_extu_i32_i64: return (uint32_t)a;
    case IR_OP_exts_i32_i64: return ir_sext(a, 32);
    case IR_OP_extrl_i64_i32: return (uint32_t)a;
    case IR_OP_extrh_i64_i32: return a >> 32;
    default: return 0;
    }
}

/* Single-output pure ops. */
static inline uint64_t ir_eval_one(const struct ir_op *op, const uint64_t *in, unsigned w)
{
    uint64_t a = in[0], b = in[1];
    unsigned pos = (unsigned)op->cargs[0], len = (unsigned)op->cargs[1];
    switch (op->opc) {
    case IR_OP_movi: return op->cargs[0];
    case IR_OP_deposit: return ir_eval_deposit(a, b, pos, len);
    case IR_OP_extract: return ir_eval_extract(a, pos, len, false);
    case IR_OP_sextract: return ir_eval_extract(a, pos, len, true);
    case IR_OP_setcond: return ir_eval_cond((enum ir_cond)op->cargs[0], op->type, a, b);
    case IR_OP_movcond:
        return ir_eval_cond((enum ir_cond)op->cargs[0], op->type, a, b) ? in[2] : in[3];
    default: return ir_eval_alu((enum ir_opcode)op->opc, a, b, w);
    }
}

/* Computes the outputs of pure op from its input values; false if the op is
 * not pure. */
static inline bool ir_eval_pure(const struct ir_op *op, const uint64_t *in, uint64_t *out)
{
    if (!(ir_opdefs[op->opc].flags & IR_OPF_PURE))
        return false;
    enum ir_type t = (enum ir_type)op->type;
    if (op->opc == IR_OP_mulu2 || op->opc == IR_OP_muls2) {
        ir_eval_mul2(op, in[0], in[1], out);
        out[0] = ir_canon(t, out[0]);
        out[1] = ir_canon(t, out[1]);
        return true;
    }
    unsigned w = (ir_opdefs[op->opc].flags & IR_OPF_NARROW) ? 64 : t == IR_I32 ? 32 : 64;
    if (ir_opdefs[op->opc].flags & IR_OPF_WIDEN)
        w = 32;
    out[0] = ir_canon(t, ir_eval_one(op, in, w));
    return true;
}

/* Sign- or zero-extends a loaded value of memop's size to type t. */
static inline uint64_t ir_eval_load_ext(enum ir_type t, unsigned memop, uint64_t v)
{
    unsigned bits = 8u << ir_memop_size(memop);
    if (bits < 64)
        v &= (1ull << bits) - 1;
    if (ir_memop_signed(memop))
        v = ir_sext(v, bits);
    return ir_canon(t, v);
}

#endif
