/* Wide intermediate values for the floatx80 transcendentals: a sign, an exponent and a
 * 128-bit significand, about 125 correct bits through a short evaluation, so one final
 * rounding gives the floatx80 result (SDM Vol. 1 8.3.10 accuracy goals). */
#ifndef CPU_FPU_FLOATX80_WIDE_H
#define CPU_FPU_FLOATX80_WIDE_H

#include "floatx80-internal.h"

/* sign * m * 2^(exp - 127); m has bit 127 set, or is 0 for zero. */
struct fpx_wide {
    bool sign;
    int32_t exp;
    fpx_u128 m;
};

struct fpx_wide fpx_w_norm(bool sign, int32_t exp, fpx_u128 m);
struct fpx_wide fpx_w_from_x80(struct floatx80 a); /* finite values only */
struct fpx_wide fpx_w_from_int(int64_t v);
/* Constants to 128 bits: pi/4, ln 2, log2(e). */
struct fpx_wide fpx_w_pi_4(void);
struct fpx_wide fpx_w_ln2(void);
struct fpx_wide fpx_w_log2e(void);
struct fpx_wide fpx_w_neg(struct fpx_wide a);
struct fpx_wide fpx_w_scale(struct fpx_wide a, int32_t n); /* a * 2^n */
struct fpx_wide fpx_w_add(struct fpx_wide a, struct fpx_wide b);
struct fpx_wide fpx_w_sub(struct fpx_wide a, struct fpx_wide b);
struct fpx_wide fpx_w_mul(struct fpx_wide a, struct fpx_wide b);
struct fpx_wide fpx_w_div(struct fpx_wide a, struct fpx_wide b);
struct fpx_wide fpx_w_div_small(struct fpx_wide a, uint32_t d);
struct fpx_wide fpx_w_sqrt(struct fpx_wide a);
static inline bool fpx_w_is_zero(struct fpx_wide a)
{
    return a.m == 0;
}
/* Compares magnitudes: -1, 0, 1. */
int fpx_w_cmp_mag(struct fpx_wide a, struct fpx_wide b);
/* Rounds into floatx80 by RC with the 64-bit precision (PE, UE, OE, C1 as usual). */
struct floatx80 fpx_w_round(struct fpx_status *st, struct fpx_wide a);

#endif
