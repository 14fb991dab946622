/* floatx80 conversions: FILD/FIST/FISTTP (integer indefinite on overflow), FLD/FST m32fp and
 * m64fp, FBLD/FBSTP packed BCD (SDM Vol. 1 4.2.1-4.2.2, 4.8.3.7 indefinites; Vol. 2 FIST,
 * FST, FBSTP). */
#include "floatx80-internal.h"

struct floatx80 fpx_from_int64(int64_t v)
{
    return fpx_from_u64(v < 0, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
}

/* Stores never report DE for a denormal source (host x87); a denormal is just tiny. */

/* FIST core: *out gets the integer indefinite (min) with IE for NaNs, infinities,
 * unsupported encodings and rounded values outside [min, max]. */
static int64_t to_int(struct fpx_status *st, struct floatx80 a, bool truncate, int64_t min,
                      int64_t max)
{
    struct fpx_unpacked ua;
    enum fpx_class ca = fpx_classify(a);
    uint64_t v;
    bool inexact, up, fits;
    st->sw &= ~FPX_C1;
    if (ca == FPX_CLASS_ZERO)
        return 0;
    if (!fpx_is_finite_nonzero(ca)) {
        fpx_invalid(st);
        return min;
    }
    fpx_unpack(a, &ua);
    fits = fpx_round_to_u64(truncate ? FPX_RC_ZERO : fpx_rc(st), ua.sign, ua.sig, ua.exp, &v,
                            &inexact, &up);
    if (!fits || v > (ua.sign ? (uint64_t)max + 1 : (uint64_t)max)) {
        fpx_invalid(st);
        return min;
    }
    if (inexact)
        fpx_raise(st, FPX_PE);
    if (up)
        st->sw |= FPX_C1;
    return ua.sign ? (int64_t)(0 - v) : (int64_t)v;
}

int16_t fpx_to_int16(struct fpx_status *st, struct floatx80 a, bool truncate)
{
    return (int16_t)to_int(st, a, truncate, INT16_MIN, INT16_MAX);
}

int32_t fpx_to_int32(struct fpx_status *st, struct floatx80 a, bool truncate)
{
    return (int32_t)to_int(st, a, truncate, INT32_MIN, INT32_MAX);
}

int64_t fpx_to_int64(struct fpx_status *st, struct floatx80 a, bool truncate)
{
    return to_int(st, a, truncate, INT64_MIN, INT64_MAX);
}

/* IEEE binary interchange formats: frac_bits explicit fraction bits, exponent bias. */
struct ieee_format {
    const struct fpx_format *round;
    int frac_bits;
    int bias;
    uint64_t exp_max;
};
static const struct ieee_format ieee32 = {&fpx_fmt_float32, 23, 127, 0xff};
static const struct ieee_format ieee64 = {&fpx_fmt_float64, 52, 1023, 0x7ff};

static struct floatx80 from_ieee(struct fpx_status *st, const struct ieee_format *f, uint64_t v)
{
    bool sign = (v >> (f->frac_bits + (f->frac_bits == 23 ? 8 : 11))) & 1;
    uint64_t e = (v >> f->frac_bits) & f->exp_max;
    uint64_t frac = v & ((1ull << f->frac_bits) - 1);
    uint64_t sig = frac << (63 - f->frac_bits);
    int shift;
    st->sw &= ~FPX_C1;
    if (e == f->exp_max) {
        if (frac == 0)
            return fpx_inf(sign);
        if (!(frac >> (f->frac_bits - 1)))
            fpx_raise(st, FPX_IE);
        return fpx_make(sign, FPX_EXP_MAX, (1ull << 63) | (1ull << 62) | sig);
    }
    if (e == 0) {
        if (frac == 0)
            return fpx_zero(sign);
        fpx_raise(st, FPX_DE);
        shift = fpx_clz64(sig);
        return fpx_make(sign, (uint16_t)(FPX_BIAS + 1 - f->bias - shift), sig << shift);
    }
    return fpx_make(sign, (uint16_t)(e - f->bias + FPX_BIAS), (1ull << 63) | sig);
}

struct floatx80 fpx_from_float32(struct fpx_status *st, uint32_t f)
{
    return from_ieee(st, &ieee32, f);
}

struct floatx80 fpx_from_float64(struct fpx_status *st, uint64_t f)
{
    return from_ieee(st, &ieee64, f);
}

static uint64_t to_ieee(struct fpx_status *st, const struct ieee_format *f, struct floatx80 a)
{
    int total = f->frac_bits == 23 ? 32 : 64;
    uint64_t sign = (uint64_t)fpx_sign(a) << (total - 1);
    uint64_t inf = sign | (f->exp_max << f->frac_bits);
    uint64_t quiet = 1ull << (f->frac_bits - 1);
    enum fpx_class ca = fpx_classify(a);
    struct fpx_unpacked ua;
    struct fpx_rounded r;
    uint64_t sig, e;
    st->sw &= ~FPX_C1;
    switch (ca) {
    case FPX_CLASS_UNSUPPORTED:
        fpx_invalid(st);
        return (1ull << (total - 1)) | (f->exp_max << f->frac_bits) | quiet;
    case FPX_CLASS_SNAN:
        fpx_raise(st, FPX_IE);
        /* fall through */
    case FPX_CLASS_QNAN: return inf | quiet | ((a.sig << 1) >> (64 - f->frac_bits));
    case FPX_CLASS_INF: return inf;
    case FPX_CLASS_ZERO: return sign;
    default: break;
    }
    fpx_unpack(a, &ua);
    r = fpx_round(st, f->round, ua.sign, ua.exp, (fpx_u128)ua.sig << 64);
    if (r.inf)
        return inf;
    sig = (uint64_t)(r.m >> (128 - f->round->bits));
    e = (sig >> f->frac_bits) ? (uint64_t)(r.exp + f->bias) : 0;
    return sign | (e << f->frac_bits) | (sig & ((1ull << f->frac_bits) - 1));
}

uint32_t fpx_to_float32(struct fpx_status *st, struct floatx80 a)
{
    return (uint32_t)to_ieee(st, &ieee32, a);
}

uint64_t fpx_to_float64(struct fpx_status *st, struct floatx80 a)
{
    return to_ieee(st, &ieee64, a);
}

#define BCD_MAX 999999999999999999ull

struct floatx80 fpx_from_bcd(const uint8_t bcd[10])
{
    uint64_t v = 0;
    /* Digits above 9 are undefined on the x87; they simply carry their binary weight here. */
    for (int i = 8; i >= 0; i--)
        v = v * 100 + (bcd[i] >> 4) * 10 + (bcd[i] & 15);
    return fpx_from_u64(bcd[9] >> 7, v);
}

static void bcd_indefinite(uint8_t bcd[10])
{
    for (int i = 0; i < 7; i++)
        bcd[i] = 0;
    bcd[7] = 0xc0;
    bcd[8] = 0xff;
    bcd[9] = 0xff;
}

void fpx_to_bcd(struct fpx_status *st, struct floatx80 a, uint8_t bcd[10])
{
    enum fpx_class ca = fpx_classify(a);
    struct fpx_unpacked ua;
    uint64_t v = 0;
    bool inexact, up;
    st->sw &= ~FPX_C1;
    if (ca != FPX_CLASS_ZERO && !fpx_is_finite_nonzero(ca)) {
        fpx_invalid(st);
        bcd_indefinite(bcd);
        return;
    }
    if (ca != FPX_CLASS_ZERO) {
        fpx_unpack(a, &ua);
        if (!fpx_round_to_u64(fpx_rc(st), ua.sign, ua.sig, ua.exp, &v, &inexact, &up) ||
            v > BCD_MAX) {
            fpx_invalid(st);
            bcd_indefinite(bcd);
            return;
        }
        if (inexact)
            fpx_raise(st, FPX_PE);
        if (up)
            st->sw |= FPX_C1;
    }
    for (int i = 0; i < 9; i++) {
        bcd[i] = (uint8_t)((v % 10) | ((v / 10 % 10) << 4));
        v /= 100;
    }
    bcd[9] = fpx_sign(a) ? 0x80 : 0;
}
