/* The soft-float core: unpacking with DAZ, the rounding core with MXCSR.RC, overflow and
 * underflow (Intel SDM Vol. 1 §4.9.1.4-5: tininess after rounding, FTZ §10.2.3.3), NaNs. */
#include "sf-internal.h"

const struct sf_fmt sf_f32 = {8, 23};
const struct sf_fmt sf_f64 = {11, 52};

void sf_normalize(struct sf_unp *u)
{
    int shift = __builtin_clzll(u->sig) - 1;
    u->sig <<= shift;
    u->exp -= shift;
}

struct sf_unp sf_unpack(const struct sf_fmt *f, const struct sf_status *st, uint64_t a)
{
    struct sf_unp u = {.sign = (a & sf_sign_bit(f)) != 0};
    uint32_t e = (uint32_t)(a >> f->frac_bits) & sf_exp_max(f);
    uint64_t frac = a & sf_frac_mask(f);
    if (e == sf_exp_max(f)) {
        u.cls = frac == 0 ? SF_INF : (frac & sf_quiet_bit(f)) ? SF_QNAN : SF_SNAN;
        return u;
    }
    if (e == 0) {
        if (frac == 0 || (st->mxcsr & SF_DAZ)) {
            u.cls = SF_ZERO;
            return u;
        }
        u.cls = SF_NORMAL;
        u.denormal = true;
        u.exp = 1;
        u.sig = frac << (62 - f->frac_bits);
        sf_normalize(&u);
        return u;
    }
    u.cls = SF_NORMAL;
    u.exp = (int32_t)e;
    u.sig = (frac | (UINT64_C(1) << f->frac_bits)) << (62 - f->frac_bits);
    return u;
}

uint64_t sf_zero(const struct sf_fmt *f, bool sign)
{
    return sign ? sf_sign_bit(f) : 0;
}

uint64_t sf_inf(const struct sf_fmt *f, bool sign)
{
    return sf_zero(f, sign) | ((uint64_t)sf_exp_max(f) << f->frac_bits);
}

uint64_t sf_invalid(const struct sf_fmt *f, struct sf_status *st)
{
    st->flags |= SF_IE;
    return sf_inf(f, true) | sf_quiet_bit(f);
}

uint64_t sf_propagate(const struct sf_fmt *f, struct sf_status *st, const struct sf_unp *ua,
                      uint64_t a, const struct sf_unp *ub, uint64_t b)
{
    if (ua->cls == SF_SNAN || ub->cls == SF_SNAN)
        st->flags |= SF_IE;
    return (sf_is_nan(ua) ? a : b) | sf_quiet_bit(f);
}

void sf_check_denormal(struct sf_status *st, const struct sf_unp *a, const struct sf_unp *b)
{
    if (a->denormal || (b && b->denormal))
        st->flags |= SF_DE;
}

uint64_t sf_round_shift(uint64_t sig, unsigned shift, unsigned rc, bool sign, bool *inexact)
{
    uint64_t mask = (UINT64_C(1) << shift) - 1, half = UINT64_C(1) << (shift - 1);
    uint64_t rest = sig & mask, q = sig >> shift;
    *inexact = rest != 0;
    switch (rc) {
    case SF_RC_NEAREST:
        if (rest > half || (rest == half && (q & 1)))
            q++;
        break;
    case SF_RC_DOWN: q += sign && rest; break;
    case SF_RC_UP: q += !sign && rest; break;
    default: break;
    }
    return q;
}

static uint64_t overflow(const struct sf_fmt *f, struct sf_status *st, bool sign)
{
    unsigned rc = sf_rc(st);
    st->flags |= SF_OE | SF_PE;
    bool to_inf = rc == SF_RC_NEAREST || (rc == SF_RC_DOWN && sign) || (rc == SF_RC_UP && !sign);
    if (to_inf)
        return sf_inf(f, sign);
    return sf_zero(f, sign) | ((uint64_t)(sf_exp_max(f) - 1) << f->frac_bits) | sf_frac_mask(f);
}

uint64_t sf_round_pack(const struct sf_fmt *f, struct sf_status *st, bool sign, int32_t exp,
                       uint64_t sig)
{
    unsigned rc = sf_rc(st), shift = 62 - f->frac_bits;
    bool inexact;
    if (sig >> 63) {
        sig = sf_shr_jam(sig, 1);
        exp++;
    }
    if (exp >= 1) {
        uint64_t m = sf_round_shift(sig, shift, rc, sign, &inexact);
        if (m >> (f->frac_bits + 1)) {
            m >>= 1;
            exp++;
        }
        if (exp >= (int32_t)sf_exp_max(f)) {
            /* Unmasked: no result; PE says whether the bias-adjusted one is inexact. */
            if (!sf_masked(st, SF_OE)) {
                st->flags |= SF_OE | (inexact ? SF_PE : 0);
                return sf_inf(f, sign);
            }
            return overflow(f, st, sign);
        }
        if (inexact)
            st->flags |= SF_PE;
        return sf_zero(f, sign) | ((uint64_t)exp << f->frac_bits) | (m & sf_frac_mask(f));
    }
    /* Tiny when the result rounded with an unbounded exponent is below 2^emin. */
    uint64_t full = sf_round_shift(sig, shift, rc, sign, &inexact);
    bool tiny = exp < 0 || !(full >> (f->frac_bits + 1));
    if (tiny && !sf_masked(st, SF_UE)) {
        st->flags |= SF_UE | (inexact ? SF_PE : 0); /* as for overflow: bias-adjusted */
        return sf_zero(f, sign);
    }
    uint64_t m = sf_round_shift(sf_shr_jam(sig, (unsigned)(1 - exp)), shift, rc, sign, &inexact);
    bool ue_masked = sf_masked(st, SF_UE);
    if (tiny && ue_masked && (st->mxcsr & SF_FTZ)) {
        st->flags |= SF_UE | SF_PE;
        return sf_zero(f, sign);
    }
    if (tiny && (inexact || !ue_masked))
        st->flags |= SF_UE;
    if (inexact)
        st->flags |= SF_PE;
    return sf_zero(f, sign) | m;
}

uint32_t sf_trap_flags(uint32_t mxcsr, uint32_t flags)
{
    uint32_t unmasked = flags & ~(mxcsr >> SF_MASK_SHIFT) & SF_FLAGS;
    if (unmasked & (SF_IE | SF_DE | SF_ZE))
        return flags & (SF_IE | SF_DE | SF_ZE);
    return flags;
}
