/* floatx80 FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1 (SDM Vol. 2 pages;
 * Vol. 1 8.3.8-8.3.10). Each evaluates in 128-bit wide arithmetic and rounds once by RC.
 * FSIN/FCOS/FSINCOS/FPTAN reduce by the x87's 66-bit pi exactly, as the hardware does, and
 * leave operands with |x| >= 2^63 unchanged with C2 set. */
#include "floatx80-wide.h"

/* pi/2 to 66 bits in units of 2^-65 (SDM Vol. 1 8.3.8: the 66-bit pi of the x87). */
static const fpx_u128 pi66_half = ((fpx_u128)0xc90fdaa22168c234ull << 2) | 3;

/* Argument x = r + k * pi66/2 with |r| <= pi66/4; returns k mod 4 and r exactly. */
static unsigned reduce_pi66(struct fpx_unpacked *u, struct fpx_wide *r)
{
    fpx_u128 x, k, rem;
    bool neg = false;
    /* |x| < pi/4: no reduction (0.785 > 0.75 = 0xc000... at exponent -1). */
    if (u->exp < -1 || (u->exp == -1 && u->sig < 0xc90fdaa22168c234ull)) {
        *r = (struct fpx_wide){false, u->exp, (fpx_u128)u->sig << 64};
        return 0;
    }
    x = (fpx_u128)u->sig << (u->exp + 2); /* |x| * 2^65, exact: exp <= 62 */
    k = x / pi66_half;
    rem = x - k * pi66_half;
    if (2 * rem > pi66_half) {
        rem = pi66_half - rem;
        k++;
        neg = true;
    }
    *r = fpx_w_norm(neg, 127 - 65, rem);
    return (unsigned)(k & 3);
}

/* c[0] + z * (c[1] + z * (... + z * c[n - 1])). The tables (floatx80-trans-tables.c) hold
 * enough terms for about 125 bits over each reduced range. A series result is formed as
 * x + (small correction): when the correction is negligible fpx_w_add jams it into a sticky
 * bit, so results of tiny arguments round in the right direction and report PE as the x87. */
static struct fpx_wide horner(const struct fpx_wide *c, int n, struct fpx_wide z)
{
    struct fpx_wide acc = c[n - 1];
    for (int i = n - 2; i >= 0; i--)
        acc = fpx_w_add(c[i], fpx_w_mul(acc, z));
    return acc;
}

/* sin r = r + r z P(z) and cos r = 1 + z Q(z) with z = r^2, |r| <= pi/4. */
static struct fpx_wide sin_series(struct fpx_wide r)
{
    struct fpx_wide z = fpx_w_mul(r, r);
    return fpx_w_add(r, fpx_w_mul(fpx_w_mul(r, z), horner(fpx_sin_coef, 16, z)));
}

static struct fpx_wide cos_series(struct fpx_wide r)
{
    struct fpx_wide z = fpx_w_mul(r, r);
    return fpx_w_add(fpx_w_from_int(1), fpx_w_mul(z, horner(fpx_cos_coef, 16, z)));
}

enum trig_result { TRIG_DONE, TRIG_VALUE };

/* Results of a finite in-range argument, those asked for by the WANT_ mask. */
struct trig_values {
    struct fpx_wide sine, cosine, tangent;
};
enum { WANT_SIN = 1, WANT_COS = 2, WANT_TAN = 4 };

/* tan r: r + r^3/3 for tiny r, where sin/cos would cancel the sticky bits of both. */
static bool tan_is_tiny(struct fpx_wide r)
{
    return r.exp < -40;
}

static struct fpx_wide tan_reduced(struct fpx_wide r, struct fpx_wide s, struct fpx_wide c)
{
    struct fpx_wide cube;
    if (!tan_is_tiny(r))
        return fpx_w_div(s, c);
    cube = fpx_w_mul(r, fpx_w_mul(r, r));
    return fpx_w_add(r, fpx_w_div_small(cube, 3));
}

/* sin, cos and tan of x = r + k * pi/2 from those of r: only the series needed. */
static void trig_quadrant(struct fpx_wide r, unsigned k, int want, struct trig_values *v)
{
    bool odd = k & 1, tan_series = (want & WANT_TAN) && !tan_is_tiny(r);
    bool need_s = ((want & WANT_SIN) && !odd) || ((want & WANT_COS) && odd) || tan_series;
    bool need_c = ((want & WANT_SIN) && odd) || ((want & WANT_COS) && !odd) || tan_series;
    struct fpx_wide s = need_s ? sin_series(r) : r, c = need_c ? cos_series(r) : r, t;
    const struct fpx_wide sines[4] = {s, c, fpx_w_neg(s), fpx_w_neg(c)};
    const struct fpx_wide cosines[4] = {c, fpx_w_neg(s), fpx_w_neg(c), s};
    v->sine = sines[k];
    v->cosine = cosines[k];
    v->tangent = v->sine;
    if (want & WANT_TAN) {
        t = tan_reduced(r, s, c);
        v->tangent = odd ? fpx_w_neg(fpx_w_div(fpx_w_from_int(1), t)) : t;
    }
}

/* Common special cases of FSIN/FCOS/FSINCOS/FPTAN; TRIG_VALUE leaves the values of a finite
 * in-range argument (cosine of a zero is 1). */
static enum trig_result trig_eval(struct fpx_status *st, struct floatx80 a, struct floatx80 *out,
                                  struct trig_values *v, int want)
{
    enum fpx_class ca = fpx_classify(a);
    struct fpx_unpacked u;
    struct fpx_wide r;
    unsigned k;
    st->sw &= ~(FPX_C1 | FPX_C2);
    if (fpx_special_nan1(st, a, out))
        return TRIG_DONE;
    if (ca == FPX_CLASS_INF) {
        *out = fpx_invalid(st);
        return TRIG_DONE;
    }
    if (ca == FPX_CLASS_ZERO) {
        v->sine = v->tangent = (struct fpx_wide){fpx_sign(a), 0, 0};
        v->cosine = fpx_w_from_int(1);
        return TRIG_VALUE;
    }
    if (fpx_denormal_stop(st, ca, FPX_CLASS_ZERO)) {
        *out = a;
        return TRIG_DONE;
    }
    fpx_unpack(a, &u);
    if (u.exp >= 63) {
        st->sw |= FPX_C2;
        *out = a;
        return TRIG_DONE;
    }
    k = reduce_pi66(&u, &r);
    trig_quadrant(r, k, want, v);
    if (u.sign) {
        v->sine = fpx_w_neg(v->sine);
        v->tangent = fpx_w_neg(v->tangent);
    }
    return TRIG_VALUE;
}

struct floatx80 fpx_sin(struct fpx_status *st, struct floatx80 a)
{
    struct floatx80 out;
    struct trig_values v;
    if (trig_eval(st, a, &out, &v, WANT_SIN) == TRIG_DONE)
        return out;
    return fpx_w_round(st, v.sine);
}

struct floatx80 fpx_cos(struct fpx_status *st, struct floatx80 a)
{
    struct floatx80 out;
    struct trig_values v;
    if (trig_eval(st, a, &out, &v, WANT_COS) == TRIG_DONE)
        return out;
    return fpx_w_round(st, v.cosine);
}

struct floatx80 fpx_sincos(struct fpx_status *st, struct floatx80 a, struct floatx80 *cosine)
{
    struct floatx80 out;
    struct trig_values v;
    if (trig_eval(st, a, &out, &v, WANT_SIN | WANT_COS) == TRIG_DONE) {
        *cosine = out;
        return out;
    }
    *cosine = fpx_w_round(st, v.cosine);
    return fpx_w_round(st, v.sine);
}

struct floatx80 fpx_tan(struct fpx_status *st, struct floatx80 a)
{
    struct floatx80 out;
    struct trig_values v;
    if (trig_eval(st, a, &out, &v, WANT_TAN) == TRIG_DONE)
        return out;
    return fpx_w_round(st, v.tangent);
}

/* atan x for 0 <= x <= 1: atan(c) + atan(t) with c = k/16 nearest to x and
 * t = (x - c) / (1 + x c), |t| <= 1/32, by the series t - t^3/3 + t^5/5 ... */
static struct fpx_wide atan_unit(struct fpx_wide x)
{
    unsigned k = x.exp < -5 ? 0 : (unsigned)(((x.m >> (122 - x.exp)) + 1) >> 1);
    struct fpx_wide c = fpx_w_scale(fpx_w_from_int(k), -4), t, minus_z;
    t = fpx_w_div(fpx_w_sub(x, c), fpx_w_add(fpx_w_from_int(1), fpx_w_mul(x, c)));
    minus_z = fpx_w_neg(fpx_w_mul(t, t));
    t = fpx_w_add(t, fpx_w_mul(fpx_w_mul(t, minus_z), horner(fpx_odd_recip, 14, minus_z)));
    return fpx_w_add(fpx_atan_k16[k], t);
}

/* pi * num / 4 with the sign. */
static struct fpx_wide pi_quarters(bool sign, int num)
{
    struct fpx_wide v = fpx_w_mul(fpx_w_pi_4(), fpx_w_from_int(num));
    v.sign = sign;
    return v;
}

static bool atan_special(struct fpx_status *st, struct floatx80 y, struct floatx80 x,
                         struct floatx80 *out)
{
    enum fpx_class cy = fpx_classify(y), cx = fpx_classify(x);
    bool sy = fpx_sign(y), sx = fpx_sign(x);
    if (fpx_special_nan2(st, y, x, out))
        return true;
    if (fpx_denormal_stop(st, cy, cx)) {
        *out = y;
        return true;
    }
    if (cy == FPX_CLASS_INF) {
        int q = cx != FPX_CLASS_INF ? 2 : (sx ? 3 : 1);
        *out = fpx_w_round(st, pi_quarters(sy, q));
        return true;
    }
    if (cx == FPX_CLASS_INF) {
        *out = sx ? fpx_w_round(st, pi_quarters(sy, 4)) : fpx_zero(sy);
        return true;
    }
    if (cy == FPX_CLASS_ZERO) {
        *out = sx ? fpx_w_round(st, pi_quarters(sy, 4)) : fpx_zero(sy);
        return true;
    }
    if (cx == FPX_CLASS_ZERO) {
        *out = fpx_w_round(st, pi_quarters(sy, 2));
        return true;
    }
    return false;
}

struct floatx80 fpx_atan(struct fpx_status *st, struct floatx80 y, struct floatx80 x)
{
    struct floatx80 out;
    struct fpx_wide wy, wx, a;
    st->sw &= ~FPX_C1;
    if (atan_special(st, y, x, &out))
        return out;
    wy = fpx_w_from_x80(y);
    wx = fpx_w_from_x80(x);
    wy.sign = wx.sign = false;
    if (fpx_w_cmp_mag(wy, wx) <= 0)
        a = atan_unit(fpx_w_div(wy, wx));
    else
        a = fpx_w_sub(pi_quarters(false, 2), atan_unit(fpx_w_div(wx, wy)));
    if (fpx_sign(x))
        a = fpx_w_sub(pi_quarters(false, 4), a);
    a.sign = fpx_sign(y);
    return fpx_w_round(st, a);
}

/* e^y - 1 = y + y^2 E(y) (|y| <= ln 2 in the defined range of F2XM1). */
static struct fpx_wide expm1_series(struct fpx_wide y)
{
    return fpx_w_add(y, fpx_w_mul(fpx_w_mul(y, y), horner(fpx_exp_coef, 31, y)));
}

struct floatx80 fpx_2xm1(struct fpx_status *st, struct floatx80 a)
{
    struct floatx80 out;
    enum fpx_class ca = fpx_classify(a);
    st->sw &= ~FPX_C1;
    if (fpx_special_nan1(st, a, &out))
        return out;
    if (ca == FPX_CLASS_ZERO)
        return a;
    if (ca == FPX_CLASS_INF)
        return fpx_sign(a) ? fpx_make(true, FPX_BIAS, 1ull << 63) : a;
    if (fpx_denormal_stop(st, ca, FPX_CLASS_ZERO))
        return a;
    /* The x87 reports PE even for the exact results of -1 and 1. */
    fpx_raise(st, FPX_PE);
    return fpx_w_round(st, expm1_series(fpx_w_mul(fpx_w_from_x80(a), fpx_w_ln2())));
}

/* 2 atanh s = ln((1 + s) / (1 - s)) = 2 (s + s z A(z)), z = s^2, |s| <= 0.18. */
static struct fpx_wide atanh2_series(struct fpx_wide s)
{
    struct fpx_wide z = fpx_w_mul(s, s);
    return fpx_w_scale(fpx_w_add(s, fpx_w_mul(fpx_w_mul(s, z), horner(fpx_odd_recip, 26, z))), 1);
}

/* log2 of a finite positive value: e + log2(m) with m in [sqrt(1/2), sqrt(2)). */
static struct fpx_wide log2_wide(struct floatx80 x)
{
    struct fpx_wide m = fpx_w_from_x80(x), one = fpx_w_from_int(1), s;
    int32_t e = m.exp;
    m.exp = 0;
    if (m.m > ((fpx_u128)0xb504f333f9de6484ull << 64)) { /* sqrt(2) */
        m.exp = -1;
        e++;
    }
    s = fpx_w_div(fpx_w_sub(m, one), fpx_w_add(m, one));
    return fpx_w_add(fpx_w_from_int(e), fpx_w_mul(atanh2_series(s), fpx_w_log2e()));
}

/* y * L where L = log2(x) is an infinity, zero or finite: the multiply's special cases,
 * with ZE for the logarithm of zero. */
static bool log_special(struct fpx_status *st, struct floatx80 y, enum fpx_class cl, bool sl,
                        struct floatx80 *out)
{
    enum fpx_class cy = fpx_classify(y);
    bool sign = fpx_sign(y) ^ sl;
    if ((cy == FPX_CLASS_ZERO && cl == FPX_CLASS_INF) ||
        (cy == FPX_CLASS_INF && cl == FPX_CLASS_ZERO)) {
        *out = fpx_invalid(st);
        return true;
    }
    if (cy == FPX_CLASS_INF || cl == FPX_CLASS_INF) {
        *out = fpx_inf(sign);
        return true;
    }
    if (cy == FPX_CLASS_ZERO || cl == FPX_CLASS_ZERO) {
        *out = fpx_zero(sign);
        return true;
    }
    return false;
}

struct floatx80 fpx_yl2x(struct fpx_status *st, struct floatx80 y, struct floatx80 x)
{
    struct floatx80 out;
    enum fpx_class cx = fpx_classify(x), cy = fpx_classify(y), cl = FPX_CLASS_NORMAL;
    bool sl = false;
    st->sw &= ~FPX_C1;
    if (fpx_special_nan2(st, y, x, &out))
        return out;
    if (fpx_sign(x) && cx != FPX_CLASS_ZERO)
        return fpx_invalid(st);
    if (fpx_denormal_stop(st, cy, cx))
        return y;
    if (cx == FPX_CLASS_ZERO) {
        if (cy == FPX_CLASS_ZERO)
            return fpx_invalid(st);
        if (cy != FPX_CLASS_INF)
            fpx_raise(st, FPX_ZE);
        cl = FPX_CLASS_INF;
        sl = true;
    } else if (cx == FPX_CLASS_INF) {
        cl = FPX_CLASS_INF;
    } else if (x.se == FPX_BIAS && x.sig == 1ull << 63) {
        cl = FPX_CLASS_ZERO;
    } else if (fpx_exp(x) < FPX_BIAS) {
        sl = true;
    }
    if (log_special(st, y, cl, sl, &out))
        return out;
    /* The x87 reports PE even for the exact results of powers of two. */
    fpx_raise(st, FPX_PE);
    return fpx_w_round(st, fpx_w_mul(fpx_w_from_x80(y), log2_wide(x)));
}

struct floatx80 fpx_yl2xp1(struct fpx_status *st, struct floatx80 y, struct floatx80 x)
{
    struct floatx80 out;
    enum fpx_class cx = fpx_classify(x), cy = fpx_classify(y);
    struct fpx_wide wx, s, l;
    st->sw &= ~FPX_C1;
    if (fpx_special_nan2(st, y, x, &out))
        return out;
    if (fpx_denormal_stop(st, cy, cx))
        return y;
    if (cx == FPX_CLASS_INF && fpx_sign(x))
        return fpx_invalid(st);
    if (log_special(st, y, cx, fpx_sign(x), &out))
        return out;
    /* log2(1 + x) = 2 atanh(x / (2 + x)) * log2(e), no cancellation for small x. */
    wx = fpx_w_from_x80(x);
    s = fpx_w_div(wx, fpx_w_add(fpx_w_from_int(2), wx));
    l = fpx_w_mul(atanh2_series(s), fpx_w_log2e());
    return fpx_w_round(st, fpx_w_mul(fpx_w_from_x80(y), l));
}
