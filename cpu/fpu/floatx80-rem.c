/* floatx80 FPREM, FPREM1, FRNDINT, FSCALE, FXTRACT (SDM Vol. 2 instruction pages; the
 * partial remainder reduction of FPREM/FPREM1 when the exponents differ by 64 or more). */
#include "floatx80-internal.h"

/* Exponent reduction of one partial FPREM/FPREM1 step ("N, an implementation-dependent
 * number between 32 and 63"): 32 + (D mod 32) is what the host x87 shows in the differential
 * test, so the remaining exponent difference is a multiple of 32. */
static int32_t partial_reduction(int32_t d)
{
    return 32 + (d & 31);
}

/* Remainder of two finite nonzero values with ea - eb = d in [-1, 63]; returns the quotient
 * (low bits suffice) and leaves the remainder r * 2^(eb - 64) with its sign flipped if the
 * quotient was rounded up to the nearest integer. */
static uint64_t remainder_core(uint64_t sa, uint64_t sb, int32_t d, bool nearest, fpx_u128 *r,
                               bool *flip)
{
    fpx_u128 num = (fpx_u128)sa << (d + 1), den = (fpx_u128)sb << 1;
    fpx_u128 q = num / den;
    *r = num % den;
    *flip = false;
    if (nearest && (2 * *r > den || (2 * *r == den && (q & 1)))) {
        q++;
        *r = den - *r;
        *flip = true;
    }
    return (uint64_t)q;
}

static struct floatx80 prem_common(struct fpx_status *st, struct floatx80 a, struct floatx80 b,
                                   bool nearest)
{
    struct floatx80 out;
    struct fpx_unpacked ua, ub;
    enum fpx_class ca, cb;
    int32_t d, eb;
    uint64_t q;
    fpx_u128 r;
    bool flip, partial, sign;
    st->sw &= ~FPX_CC_MASK;
    if (fpx_special_nan2(st, a, b, &out))
        return out;
    ca = fpx_classify(a);
    cb = fpx_classify(b);
    if (ca == FPX_CLASS_INF || cb == FPX_CLASS_ZERO)
        return fpx_invalid(st);
    if (fpx_denormal_stop(st, ca, cb))
        return a;
    if (cb == FPX_CLASS_INF || ca == FPX_CLASS_ZERO)
        return fpx_canonical(a);
    fpx_unpack(a, &ua);
    fpx_unpack(b, &ub);
    d = ua.exp - ub.exp;
    eb = ub.exp;
    if (d < -1)
        return fpx_round_pack(st, &fpx_fmt_ext64, ua.sign, ua.exp, (fpx_u128)ua.sig << 64);
    partial = d >= 64;
    if (partial) {
        /* Reduce by b * 2^(d - N) with a truncated quotient. */
        d = partial_reduction(d);
        eb = ua.exp - d;
        nearest = false;
    }
    q = remainder_core(ua.sig, ub.sig, d, nearest, &r, &flip);
    sign = ua.sign ^ flip;
    out = r ? fpx_round_pack(st, &fpx_fmt_ext64, sign, eb + 63, r) : fpx_zero(ua.sign);
    st->sw &= ~FPX_C1;
    if (partial) {
        st->sw |= FPX_C2;
        return out;
    }
    st->sw |= (q & 4 ? FPX_C0 : 0) | (q & 2 ? FPX_C3 : 0) | (q & 1 ? FPX_C1 : 0);
    return out;
}

struct floatx80 fpx_prem(struct fpx_status *st, struct floatx80 a, struct floatx80 b)
{
    return prem_common(st, a, b, false);
}

struct floatx80 fpx_prem1(struct fpx_status *st, struct floatx80 a, struct floatx80 b)
{
    return prem_common(st, a, b, true);
}

struct floatx80 fpx_round_to_int(struct fpx_status *st, struct floatx80 a)
{
    struct floatx80 out;
    struct fpx_unpacked ua;
    enum fpx_class ca;
    uint64_t v;
    bool inexact, up;
    st->sw &= ~FPX_C1;
    if (fpx_special_nan1(st, a, &out))
        return out;
    ca = fpx_classify(a);
    if (ca == FPX_CLASS_ZERO || ca == FPX_CLASS_INF)
        return a;
    if (fpx_denormal_stop(st, ca, FPX_CLASS_ZERO))
        return a;
    fpx_unpack(a, &ua);
    if (ua.exp >= 63)
        return a;
    fpx_round_to_u64(fpx_rc(st), ua.sign, ua.sig, ua.exp, &v, &inexact, &up);
    if (inexact)
        fpx_raise(st, FPX_PE);
    if (up)
        st->sw |= FPX_C1;
    return fpx_from_u64(ua.sign, v);
}

/* trunc(b) clamped to a range past every finite exponent, so the result still over- or
 * underflows as it should. */
static int32_t scale_amount(struct floatx80 b)
{
    struct fpx_unpacked ub;
    int32_t n;
    if (fpx_classify(b) == FPX_CLASS_ZERO)
        return 0;
    fpx_unpack(b, &ub);
    if (ub.exp < 0)
        return 0;
    n = ub.exp >= 20 ? 1 << 20 : (int32_t)(ub.sig >> (63 - ub.exp));
    return ub.sign ? -n : n;
}

struct floatx80 fpx_scale(struct fpx_status *st, struct floatx80 a, struct floatx80 b)
{
    struct floatx80 out;
    struct fpx_unpacked ua;
    enum fpx_class ca, cb;
    st->sw &= ~FPX_C1;
    if (fpx_special_nan2(st, a, b, &out))
        return out;
    ca = fpx_classify(a);
    cb = fpx_classify(b);
    if (cb == FPX_CLASS_INF) {
        bool to_inf = !fpx_sign(b);
        if ((to_inf && ca == FPX_CLASS_ZERO) || (!to_inf && ca == FPX_CLASS_INF))
            return fpx_invalid(st);
        if (fpx_denormal_stop(st, ca, FPX_CLASS_ZERO))
            return a;
        if (ca == FPX_CLASS_ZERO || ca == FPX_CLASS_INF)
            return a;
        return to_inf ? fpx_inf(fpx_sign(a)) : fpx_zero(fpx_sign(a));
    }
    if (fpx_denormal_stop(st, ca, cb))
        return a;
    if (ca == FPX_CLASS_ZERO || ca == FPX_CLASS_INF)
        return a;
    fpx_unpack(a, &ua);
    return fpx_round_pack(st, &fpx_fmt_ext64, ua.sign, ua.exp + scale_amount(b),
                          (fpx_u128)ua.sig << 64);
}

struct floatx80 fpx_xtract(struct fpx_status *st, struct floatx80 a, struct floatx80 *exponent)
{
    struct floatx80 out;
    struct fpx_unpacked ua;
    enum fpx_class ca;
    st->sw &= ~FPX_C1;
    if (fpx_special_nan1(st, a, &out)) {
        *exponent = out;
        return out;
    }
    ca = fpx_classify(a);
    if (ca == FPX_CLASS_ZERO) {
        fpx_raise(st, FPX_ZE);
        *exponent = fpx_inf(true);
        return a;
    }
    if (ca == FPX_CLASS_INF) {
        *exponent = fpx_inf(false);
        return a;
    }
    if (fpx_denormal_stop(st, ca, FPX_CLASS_ZERO))
        return a;
    fpx_unpack(a, &ua);
    *exponent = fpx_from_int64(ua.exp);
    return fpx_make(ua.sign, FPX_BIAS, ua.sig);
}
