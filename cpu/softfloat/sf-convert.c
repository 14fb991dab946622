/* Conversions of SSE/SSE2 (Intel SDM Vol. 2 CVT*): float to int32 rounded by MXCSR.RC or
 * truncated with the integer indefinite 0x80000000, int32 to float, float32 <-> float64, and
 * the RCPPS/RSQRTPS approximations. */
#include "sf-internal.h"

enum { INT_INDEFINITE = INT32_MIN };

int32_t sf_to_i32(const struct sf_fmt *f, struct sf_status *st, uint64_t a, bool truncate)
{
    struct sf_unp x = sf_unpack(f, st, a);
    if (sf_is_nan(&x) || x.cls == SF_INF) {
        st->flags |= SF_IE;
        return INT_INDEFINITE;
    }
    if (x.cls == SF_ZERO)
        return 0;
    int32_t e = x.exp - sf_bias(f);
    if (e > 31) {
        st->flags |= SF_IE;
        return INT_INDEFINITE;
    }
    uint64_t sig = x.sig;
    unsigned shift = (unsigned)(62 - e);
    if (shift > 63) {
        sig = 1; /* below one half: only the sticky bit matters */
        shift = 2;
    }
    bool inexact;
    uint64_t m = sf_round_shift(sig, shift, truncate ? SF_RC_ZERO : sf_rc(st), x.sign, &inexact);
    if (m > (x.sign ? UINT64_C(0x80000000) : UINT64_C(0x7fffffff))) {
        st->flags |= SF_IE;
        return INT_INDEFINITE;
    }
    if (inexact)
        st->flags |= SF_PE;
    return (int32_t)(x.sign ? (uint32_t)0 - (uint32_t)m : (uint32_t)m);
}

uint64_t sf_from_i32(const struct sf_fmt *f, struct sf_status *st, int32_t v)
{
    if (v == 0)
        return 0;
    struct sf_unp u = {.sign = v < 0, .exp = sf_bias(f) + 62};
    u.sig = v < 0 ? (uint64_t)0 - (uint64_t)(int64_t)v : (uint64_t)v;
    sf_normalize(&u);
    return sf_round_pack(f, st, u.sign, u.exp, u.sig);
}

uint64_t sf_convert(const struct sf_fmt *to, const struct sf_fmt *from, struct sf_status *st,
                    uint64_t a)
{
    struct sf_unp x = sf_unpack(from, st, a);
    if (sf_is_nan(&x)) {
        if (x.cls == SF_SNAN)
            st->flags |= SF_IE;
        uint64_t frac = a & sf_frac_mask(from);
        frac = to->frac_bits > from->frac_bits ? frac << (to->frac_bits - from->frac_bits)
                                               : frac >> (from->frac_bits - to->frac_bits);
        return sf_inf(to, x.sign) | sf_quiet_bit(to) | frac;
    }
    if (x.cls == SF_INF)
        return sf_inf(to, x.sign);
    if (x.cls == SF_ZERO)
        return sf_zero(to, x.sign);
    sf_check_denormal(st, &x, NULL);
    return sf_round_pack(to, st, x.sign, x.exp - sf_bias(from) + sf_bias(to), x.sig);
}

/* The exact result rounded to nearest, cut to 12 significant bits; tiny results flush to
 * zero. Hardware tables differ between vendors: this is one valid approximation. */
static uint64_t approx(uint64_t exact)
{
    if (((exact >> 23) & 0xff) == 0)
        return exact & 0x80000000u;
    return exact & ~UINT64_C(0x7ff);
}

uint64_t sf_rcp(struct sf_status *st, uint64_t a)
{
    struct sf_status q = {SF_MXCSR_DEFAULT | SF_DAZ, 0};
    struct sf_unp x = sf_unpack(&sf_f32, &q, a);
    (void)st;
    if (sf_is_nan(&x))
        return a | sf_quiet_bit(&sf_f32);
    if (x.cls == SF_ZERO)
        return sf_inf(&sf_f32, x.sign);
    if (x.cls == SF_INF)
        return sf_zero(&sf_f32, x.sign);
    return approx(sf_div(&sf_f32, &q, 0x3f800000u, a));
}

uint64_t sf_rsqrt(struct sf_status *st, uint64_t a)
{
    struct sf_status q = {SF_MXCSR_DEFAULT | SF_DAZ, 0};
    struct sf_unp x = sf_unpack(&sf_f32, &q, a);
    (void)st;
    if (sf_is_nan(&x))
        return a | sf_quiet_bit(&sf_f32);
    if (x.cls == SF_ZERO)
        return sf_inf(&sf_f32, x.sign);
    if (x.sign)
        return sf_inf(&sf_f32, true) | sf_quiet_bit(&sf_f32);
    if (x.cls == SF_INF)
        return 0;
    return approx(sf_div(&sf_f32, &q, 0x3f800000u, sf_sqrt(&sf_f32, &q, a)));
}
