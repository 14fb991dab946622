/* Private to cpu/softfloat: the unpacked form every operation works on and the rounding core
 * (IEEE 754-2008 §4.3, §7.4-7.5 with the x86 choices of Intel SDM Vol. 1 §4.9.1). */
#ifndef CPU_SOFTFLOAT_SF_INTERNAL_H
#define CPU_SOFTFLOAT_SF_INTERNAL_H

#include "sf.h"

enum sf_class { SF_ZERO, SF_NORMAL, SF_INF, SF_QNAN, SF_SNAN };

/* value = sig / 2^62 * 2^(exp - bias): finite nonzero values have bit 62 of sig set
 * (denormals are normalized, so exp may drop below 1). */
struct sf_unp {
    enum sf_class cls;
    bool sign;
    bool denormal; /* the encoding was a denormal (and DAZ did not zero it) */
    int32_t exp;
    uint64_t sig;
};

static inline int32_t sf_bias(const struct sf_fmt *f)
{
    return (1 << (f->exp_bits - 1)) - 1;
}
static inline uint32_t sf_exp_max(const struct sf_fmt *f)
{
    return (1u << f->exp_bits) - 1;
}
static inline uint64_t sf_frac_mask(const struct sf_fmt *f)
{
    return (UINT64_C(1) << f->frac_bits) - 1;
}
static inline uint64_t sf_sign_bit(const struct sf_fmt *f)
{
    return UINT64_C(1) << (f->exp_bits + f->frac_bits);
}
static inline uint64_t sf_quiet_bit(const struct sf_fmt *f)
{
    return UINT64_C(1) << (f->frac_bits - 1);
}
static inline bool sf_is_nan(const struct sf_unp *u)
{
    return u->cls == SF_QNAN || u->cls == SF_SNAN;
}
static inline unsigned sf_rc(const struct sf_status *st)
{
    return (st->mxcsr >> SF_RC_SHIFT) & 3;
}
static inline bool sf_masked(const struct sf_status *st, uint32_t flag)
{
    return (st->mxcsr >> SF_MASK_SHIFT) & flag;
}

/* Shift right keeping a sticky bit of everything shifted out. */
static inline uint64_t sf_shr_jam(uint64_t v, unsigned n)
{
    if (n == 0)
        return v;
    if (n >= 64)
        return v != 0;
    return (v >> n) | ((v << (64 - n)) != 0);
}

struct sf_unp sf_unpack(const struct sf_fmt *f, const struct sf_status *st, uint64_t a);
/* Normalizes sig (nonzero) so that bit 62 is set, adjusting exp. */
void sf_normalize(struct sf_unp *u);
/* Rounds sign * sig/2^62 * 2^(exp - bias) (sig nonzero, bit 62 or 63 its top) to the format
 * by MXCSR.RC, with overflow, underflow (tininess after rounding) and FTZ. */
uint64_t sf_round_pack(const struct sf_fmt *f, struct sf_status *st, bool sign, int32_t exp,
                       uint64_t sig);
/* sig >> shift (1..63) rounded by rc; *inexact says whether bits were lost. */
uint64_t sf_round_shift(uint64_t sig, unsigned shift, unsigned rc, bool sign, bool *inexact);
uint64_t sf_zero(const struct sf_fmt *f, bool sign);
uint64_t sf_inf(const struct sf_fmt *f, bool sign);
/* The default NaN (QNaN floating-point indefinite, SDM Vol. 1 §4.8.3.7) with IE. */
uint64_t sf_invalid(const struct sf_fmt *f, struct sf_status *st);
/* Two-operand NaN rule of SSE (SDM Vol. 1 table 4-7): the first operand if it is a NaN,
 * else the second, quieted; IE for an SNaN. */
uint64_t sf_propagate(const struct sf_fmt *f, struct sf_status *st, const struct sf_unp *ua,
                      uint64_t a, const struct sf_unp *ub, uint64_t b);
/* DE for operands that were denormal. */
void sf_check_denormal(struct sf_status *st, const struct sf_unp *a, const struct sf_unp *b);

#endif
