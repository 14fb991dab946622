/* floatx80 core: encoding classes, the rounding core shared by every rounding operation
 * (RC, PC, tininess, masked and unmasked OE/UE responses: SDM Vol. 1 4.8.4, 4.9.1.4-6,
 * 8.1.5.2) and the NaN/unsupported-operand rules (SDM Vol. 1 4.8.3.5 table 4-7, 8.2.2). */
#include "floatx80-internal.h"

const struct fpx_format fpx_fmt_ext64 = {64, 1 - FPX_BIAS, FPX_BIAS, false};
const struct fpx_format fpx_fmt_ext53 = {53, 1 - FPX_BIAS, FPX_BIAS, false};
const struct fpx_format fpx_fmt_ext24 = {24, 1 - FPX_BIAS, FPX_BIAS, false};
const struct fpx_format fpx_fmt_float32 = {24, -126, 127, true};
const struct fpx_format fpx_fmt_float64 = {53, -1022, 1023, true};

const struct fpx_format *fpx_pc_format(const struct fpx_status *st)
{
    /* PC = 01 is reserved; the x87 rounds to 64 bits there. */
    static const struct fpx_format *const by_pc[4] = {&fpx_fmt_ext24, &fpx_fmt_ext64,
                                                      &fpx_fmt_ext53, &fpx_fmt_ext64};
    return by_pc[(st->cw >> FPX_CW_PC_SHIFT) & 3];
}

enum fpx_class fpx_classify(struct floatx80 a)
{
    uint16_t e = fpx_exp(a);
    bool integer_bit = a.sig >> 63;
    if (e == 0)
        return a.sig ? FPX_CLASS_DENORMAL : FPX_CLASS_ZERO;
    if (!integer_bit)
        return FPX_CLASS_UNSUPPORTED;
    if (e != FPX_EXP_MAX)
        return FPX_CLASS_NORMAL;
    if ((a.sig << 1) == 0)
        return FPX_CLASS_INF;
    return (a.sig >> 62) & 1 ? FPX_CLASS_QNAN : FPX_CLASS_SNAN;
}

bool fpx_result_suppressed(const struct fpx_status *st, bool to_memory)
{
    uint16_t unmasked = st->sw & ~st->cw & FPX_EXC_MASK;
    uint16_t drop = FPX_IE | FPX_DE | FPX_ZE | (to_memory ? FPX_OE | FPX_UE : 0);
    return unmasked & drop;
}

void fpx_unpack(struct floatx80 a, struct fpx_unpacked *u)
{
    uint16_t e = fpx_exp(a);
    int shift = fpx_clz64(a.sig);
    u->sign = fpx_sign(a);
    if (a.sig == 0) {
        u->exp = 0;
        u->sig = 0;
        return;
    }
    /* Denormals and pseudo-denormals have the weight of exponent 1 (SDM Vol. 1 8.2.2). */
    u->exp = (e ? e : 1) - FPX_BIAS - shift;
    u->sig = a.sig << shift;
}

static bool round_increment(enum fpx_rounding rc, bool sign, fpx_u128 m, int k)
{
    fpx_u128 lsb = (fpx_u128)1 << k;
    fpx_u128 rest = m & (lsb - 1);
    switch (rc) {
    case FPX_RC_NEAREST: return rest > (lsb >> 1) || (rest == (lsb >> 1) && (m & lsb));
    case FPX_RC_DOWN: return sign && rest;
    case FPX_RC_UP: return !sign && rest;
    default: return false;
    }
}

/* Rounds m at bit k; a carry out of bit 127 renormalises into exp. C1 reports an increment. */
static fpx_u128 round_at(struct fpx_status *st, bool sign, fpx_u128 m, int k, int32_t *exp)
{
    fpx_u128 low = ((fpx_u128)1 << k) - 1;
    bool inc = round_increment(fpx_rc(st), sign, m, k);
    if (m & low)
        fpx_raise(st, FPX_PE);
    m &= ~low;
    if (inc) {
        st->sw |= FPX_C1;
        m += low + 1;
        if (m == 0) {
            m = (fpx_u128)1 << 127;
            ++*exp;
        }
    }
    return m;
}

static bool overflow_goes_to_inf(enum fpx_rounding rc, bool sign)
{
    return rc == FPX_RC_NEAREST || (rc == FPX_RC_UP && !sign) || (rc == FPX_RC_DOWN && sign);
}

/* Tininess is detected after rounding (as if the exponent range were unbounded), the choice
 * SoftFloat documents for x86 and the host x87 confirms (tests/fpu differential test). */
static bool is_tiny(const struct fpx_status *st, const struct fpx_format *fmt, bool sign,
                    int32_t exp, fpx_u128 m)
{
    int k = 128 - fmt->bits;
    fpx_u128 low = ((fpx_u128)1 << k) - 1;
    if (exp >= fmt->emin)
        return false;
    if (exp < fmt->emin - 1)
        return true;
    return !((m | low) == ~(fpx_u128)0 && round_increment(fpx_rc(st), sign, m, k));
}

struct fpx_rounded fpx_round(struct fpx_status *st, const struct fpx_format *fmt, bool sign,
                             int32_t exp, fpx_u128 m)
{
    int k = 128 - fmt->bits;
    int shift = fpx_clz128(m);
    struct fpx_rounded r = {.inf = false};
    uint16_t sw_before;
    m <<= shift;
    exp -= shift;
    st->sw &= ~FPX_C1;
    if (!fmt->to_memory && !fpx_masked(st, FPX_UE) && exp + FPX_BIAS_ADJUST < fmt->emin) {
        /* Still tiny after the rebias (FSCALE): zero whatever the rounding mode. */
        fpx_raise(st, FPX_UE | FPX_PE);
        r.m = 0;
        r.exp = fmt->emin;
        return r;
    }
    if (is_tiny(st, fmt, sign, exp, m)) {
        if (!fpx_masked(st, FPX_UE) && fmt->to_memory) {
            /* The store is dropped before rounding: UE alone, no PE or C1. */
            fpx_raise(st, FPX_UE);
            r.m = 0;
            r.exp = fmt->emin;
            return r;
        }
        if (!fpx_masked(st, FPX_UE)) {
            /* Unmasked: UE even when exact; a register gets the rebiased result. */
            fpx_raise(st, FPX_UE);
            if (!fmt->to_memory)
                exp += FPX_BIAS_ADJUST;
        } else {
            uint16_t pe_before = st->sw & FPX_PE;
            st->sw &= ~FPX_PE;
            m = fpx_shr_jam128(m, fmt->emin - exp);
            exp = fmt->emin;
            r.m = round_at(st, sign, m, k, &exp);
            r.exp = fmt->emin;
            if (st->sw & FPX_PE)
                fpx_raise(st, FPX_UE);
            st->sw |= pe_before;
            return r;
        }
    }
    sw_before = st->sw;
    r.m = round_at(st, sign, m, k, &exp);
    r.exp = exp;
    if (exp <= fmt->emax)
        return r;
    if (!fpx_masked(st, FPX_OE) && (fmt->to_memory || exp - FPX_BIAS_ADJUST <= fmt->emax)) {
        if (fmt->to_memory)
            st->sw = sw_before; /* dropped store: OE alone */
        fpx_raise(st, FPX_OE);
        if (!fmt->to_memory)
            r.exp -= FPX_BIAS_ADJUST;
        return r;
    }
    fpx_raise(st, FPX_OE | FPX_PE);
    /* Unmasked but too large even rebiased (FSCALE): infinity whatever the rounding mode. */
    if (overflow_goes_to_inf(fpx_rc(st), sign) || !fpx_masked(st, FPX_OE)) {
        st->sw |= FPX_C1;
        r.inf = true;
        return r;
    }
    st->sw &= ~FPX_C1;
    r.m = ~(((fpx_u128)1 << k) - 1);
    r.exp = fmt->emax;
    return r;
}

struct floatx80 fpx_round_pack(struct fpx_status *st, const struct fpx_format *fmt, bool sign,
                               int32_t exp, fpx_u128 m)
{
    struct fpx_rounded r = fpx_round(st, fmt, sign, exp, m);
    uint64_t sig = (uint64_t)(r.m >> 64);
    if (r.inf)
        return fpx_inf(sign);
    if (!(sig >> 63))
        return fpx_make(sign, 0, sig);
    return fpx_make(sign, (uint16_t)(r.exp + FPX_BIAS), sig);
}

struct floatx80 fpx_invalid(struct fpx_status *st)
{
    fpx_raise(st, FPX_IE);
    st->sw &= ~FPX_C1;
    return fpx_indefinite();
}

struct floatx80 fpx_quiet(struct floatx80 a)
{
    a.sig |= 1ull << 62;
    return a;
}

bool fpx_denormal_stop(struct fpx_status *st, enum fpx_class ca, enum fpx_class cb)
{
    if (ca != FPX_CLASS_DENORMAL && cb != FPX_CLASS_DENORMAL)
        return false;
    fpx_raise(st, FPX_DE);
    return !fpx_masked(st, FPX_DE);
}

bool fpx_special_nan1(struct fpx_status *st, struct floatx80 a, struct floatx80 *out)
{
    enum fpx_class c = fpx_classify(a);
    if (c == FPX_CLASS_UNSUPPORTED) {
        *out = fpx_invalid(st);
        return true;
    }
    if (!fpx_is_nan_class(c))
        return false;
    if (c == FPX_CLASS_SNAN)
        fpx_raise(st, FPX_IE);
    st->sw &= ~FPX_C1;
    *out = fpx_quiet(a);
    return true;
}

/* Two NaNs: a QNaN beats an SNaN, else the larger significand wins (table 4-7). */
static struct floatx80 pick_nan(enum fpx_class ca, enum fpx_class cb, struct floatx80 a,
                                struct floatx80 b)
{
    if (!fpx_is_nan_class(cb))
        return a;
    if (!fpx_is_nan_class(ca))
        return b;
    if (ca != cb)
        return ca == FPX_CLASS_QNAN ? a : b;
    if ((a.sig << 1) != (b.sig << 1))
        return (a.sig << 1) > (b.sig << 1) ? a : b;
    return a.se < b.se ? a : b;
}

bool fpx_special_nan2(struct fpx_status *st, struct floatx80 a, struct floatx80 b,
                      struct floatx80 *out)
{
    enum fpx_class ca = fpx_classify(a), cb = fpx_classify(b);
    if (ca == FPX_CLASS_UNSUPPORTED || cb == FPX_CLASS_UNSUPPORTED) {
        *out = fpx_invalid(st);
        return true;
    }
    if (!fpx_is_nan_class(ca) && !fpx_is_nan_class(cb))
        return false;
    if (ca == FPX_CLASS_SNAN || cb == FPX_CLASS_SNAN)
        fpx_raise(st, FPX_IE);
    st->sw &= ~FPX_C1;
    *out = fpx_quiet(pick_nan(ca, cb, a, b));
    return true;
}

bool fpx_round_to_u64(enum fpx_rounding rc, bool sign, uint64_t sig, int32_t exp, uint64_t *out,
                      bool *inexact, bool *up)
{
    uint64_t ip, frac;
    const uint64_t half = 1ull << 63;
    bool inc;
    *inexact = *up = false;
    *out = 0;
    if (sig == 0)
        return true;
    if (exp >= 64)
        return false;
    if (exp == 63) {
        *out = sig;
        return true;
    }
    if (exp < -1) {
        ip = 0;
        frac = 1; /* nonzero and below one half */
    } else {
        int f = 63 - exp;
        ip = f == 64 ? 0 : sig >> f;
        frac = f == 64 ? sig : sig << (64 - f);
    }
    *inexact = frac != 0;
    switch (rc) {
    case FPX_RC_NEAREST: inc = frac > half || (frac == half && (ip & 1)); break;
    case FPX_RC_DOWN: inc = sign && frac; break;
    case FPX_RC_UP: inc = !sign && frac; break;
    default: inc = false;
    }
    *up = inc;
    *out = ip + inc;
    return true;
}

struct floatx80 fpx_from_u64(bool sign, uint64_t v)
{
    int shift;
    if (v == 0)
        return fpx_zero(sign);
    shift = fpx_clz64(v);
    return fpx_make(sign, (uint16_t)(FPX_BIAS + 63 - shift), v << shift);
}
