/* Evaluation of pure IR ops: the one definition of what each op computes,
 * used by the interpreter backend and the constant folder. */
#include "ir-eval.h"

static void mul_u128(uint64_t a, uint64_t b, uint64_t *lo, uint64_t *hi)
{
    uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
    *lo = (mid << 32) | (uint32_t)ll;
    *hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

void ir_eval_mul2(const struct ir_op *op, uint64_t a, uint64_t b, uint64_t *out)
{
    ir_eval_mul2_typed(op->opc == IR_OP_muls2, (enum ir_type)op->type, a, b, out);
}

void ir_eval_mul2_typed(bool sign, enum ir_type t, uint64_t a, uint64_t b, uint64_t *out)
{
    if (t == IR_I32) {
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
