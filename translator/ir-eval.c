/* Evaluation of pure IR ops: the one definition of what each op computes,
 * used by the interpreter backend and the constant folder. */
#include "ir-eval.h"

bool ir_eval_cond(enum ir_cond c, enum ir_type t, uint64_t a, uint64_t b)
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

static void mul_u128(uint64_t a, uint64_t b, uint64_t *lo, uint64_t *hi)
{
    uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
    *lo = (mid << 32) | (uint32_t)ll;
    *hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

static void mul2(const struct ir_op *op, uint64_t a, uint64_t b, uint64_t *out)
{
    bool sign = op->opc == IR_OP_muls2;
    if (op->type == IR_I32) {
        uint64_t p = sign ? (uint64_t)((int64_t)(int32_t)a * (int32_t)b) : a * b;
        out[0] = (uint32_t)p;
        out[1] = p >> 32;
        return;
    }
    mul_u128(a, b, &out[0], &out[1]);
    if (sign) {
        /* Signed high half = unsigned high half minus the other operand
         * for each negative operand (two's complement). */
        if ((int64_t)a < 0)
            out[1] -= b;
        if ((int64_t)b < 0)
            out[1] -= a;
    }
}

static uint64_t field_mask(unsigned len)
{
    return len >= 64 ? ~0ull : (1ull << len) - 1;
}

static uint64_t rotate(uint64_t v, unsigned n, unsigned w, bool left)
{
    n &= w - 1;
    if (n == 0)
        return v;
    if (!left)
        n = w - n;
    return (v << n) | (v >> (w - n));
}

static uint64_t bswap(uint64_t v, unsigned w)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < w / 8; i++)
        r = (r << 8) | ((v >> (8 * i)) & 0xff);
    return r;
}

/* Single-output pure ops. */
static uint64_t eval1(const struct ir_op *op, const uint64_t *in, unsigned w)
{
    uint64_t a = in[0], b = in[1];
    unsigned pos = (unsigned)op->cargs[0], len = (unsigned)op->cargs[1];
    switch (op->opc) {
    case IR_OP_mov: return a;
    case IR_OP_movi: return op->cargs[0];
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
    case IR_OP_rotl: return rotate(a, (unsigned)b, w, true);
    case IR_OP_rotr: return rotate(a, (unsigned)b, w, false);
    case IR_OP_bswap: return bswap(a, w);
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
    case IR_OP_deposit: {
        uint64_t m = field_mask(len) << pos;
        return (a & ~m) | ((b << pos) & m);
    }
    case IR_OP_extract: return (a >> pos) & field_mask(len);
    case IR_OP_sextract: return ir_sext(a >> pos, len);
    case IR_OP_setcond: return ir_eval_cond((enum ir_cond)op->cargs[0], op->type, a, b);
    case IR_OP_movcond:
        return ir_eval_cond((enum ir_cond)op->cargs[0], op->type, a, b) ? in[2] : in[3];
    default: return 0;
    }
}

bool ir_eval_pure(const struct ir_op *op, const uint64_t *in, uint64_t *out)
{
    if (!(ir_opdefs[op->opc].flags & IR_OPF_PURE))
        return false;
    enum ir_type t = (enum ir_type)op->type;
    if (op->opc == IR_OP_mulu2 || op->opc == IR_OP_muls2) {
        mul2(op, in[0], in[1], out);
        out[0] = ir_canon(t, out[0]);
        out[1] = ir_canon(t, out[1]);
        return true;
    }
    unsigned w = (ir_opdefs[op->opc].flags & IR_OPF_NARROW) ? 64 : t == IR_I32 ? 32 : 64;
    if (ir_opdefs[op->opc].flags & IR_OPF_WIDEN)
        w = 32;
    out[0] = ir_canon(t, eval1(op, in, w));
    return true;
}

uint64_t ir_eval_load_ext(enum ir_type t, unsigned memop, uint64_t v)
{
    unsigned bits = 8u << ir_memop_size(memop);
    if (bits < 64)
        v &= (1ull << bits) - 1;
    if (ir_memop_signed(memop))
        v = ir_sext(v, bits);
    return ir_canon(t, v);
}
