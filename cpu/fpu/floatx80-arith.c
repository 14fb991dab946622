/* floatx80 FADD, FSUB, FMUL, FDIV, FSQRT: exact intermediate results in 128 bits, then one
 * rounding to the precision-control width (SDM Vol. 1 8.1.5.2; special operands per the
 * instruction tables of SDM Vol. 2 FADD, FMUL, FDIV, FSQRT). */
#include "floatx80-internal.h"

static struct floatx80 add_magnitudes(struct fpx_status *st, bool sign, struct fpx_unpacked *x,
                                      struct fpx_unpacked *y, bool subtract)
{
    /* x has the larger exponent; bit 126 carries the integer bit, one bit of headroom. */
    fpx_u128 mx = (fpx_u128)x->sig << 63;
    fpx_u128 my = fpx_shr_jam128((fpx_u128)y->sig << 63, x->exp - y->exp);
    fpx_u128 m;
    if (!subtract)
        return fpx_round_pack(st, fpx_pc_format(st), sign, x->exp + 1, mx + my);
    if (mx < my) {
        m = my - mx;
        sign = !sign;
    } else {
        m = mx - my;
    }
    if (m == 0)
        return fpx_zero(fpx_rc(st) == FPX_RC_DOWN);
    return fpx_round_pack(st, fpx_pc_format(st), sign, x->exp + 1, m);
}

static struct floatx80 addsub(struct fpx_status *st, struct floatx80 a, struct floatx80 b,
                              bool negate_b)
{
    struct floatx80 out;
    struct fpx_unpacked ua, ub;
    enum fpx_class ca, cb;
    bool sa = fpx_sign(a), sb = fpx_sign(b) ^ negate_b;
    st->sw &= ~FPX_C1;
    if (fpx_special_nan2(st, a, b, &out))
        return out;
    ca = fpx_classify(a);
    cb = fpx_classify(b);
    if (ca == FPX_CLASS_INF || cb == FPX_CLASS_INF) {
        if (ca == cb && sa != sb)
            return fpx_invalid(st);
        if (fpx_denormal_stop(st, ca, cb))
            return a;
        return fpx_inf(ca == FPX_CLASS_INF ? sa : sb);
    }
    if (fpx_denormal_stop(st, ca, cb))
        return a;
    if (ca == FPX_CLASS_ZERO && cb == FPX_CLASS_ZERO)
        return fpx_zero(sa == sb ? sa : fpx_rc(st) == FPX_RC_DOWN);
    fpx_unpack(a, &ua);
    fpx_unpack(b, &ub);
    if (cb == FPX_CLASS_ZERO)
        return fpx_round_pack(st, fpx_pc_format(st), sa, ua.exp, (fpx_u128)ua.sig << 64);
    if (ca == FPX_CLASS_ZERO)
        return fpx_round_pack(st, fpx_pc_format(st), sb, ub.exp, (fpx_u128)ub.sig << 64);
    if (ua.exp >= ub.exp)
        return add_magnitudes(st, sa, &ua, &ub, sa != sb);
    return add_magnitudes(st, sb, &ub, &ua, sa != sb);
}

struct floatx80 fpx_add(struct fpx_status *st, struct floatx80 a, struct floatx80 b)
{
    return addsub(st, a, b, false);
}

struct floatx80 fpx_sub(struct fpx_status *st, struct floatx80 a, struct floatx80 b)
{
    return addsub(st, a, b, true);
}

struct floatx80 fpx_mul(struct fpx_status *st, struct floatx80 a, struct floatx80 b)
{
    struct floatx80 out;
    struct fpx_unpacked ua, ub;
    enum fpx_class ca, cb;
    bool sign = fpx_sign(a) ^ fpx_sign(b);
    st->sw &= ~FPX_C1;
    if (fpx_special_nan2(st, a, b, &out))
        return out;
    ca = fpx_classify(a);
    cb = fpx_classify(b);
    if ((ca == FPX_CLASS_INF && cb == FPX_CLASS_ZERO) ||
        (ca == FPX_CLASS_ZERO && cb == FPX_CLASS_INF))
        return fpx_invalid(st);
    if (fpx_denormal_stop(st, ca, cb))
        return a;
    if (ca == FPX_CLASS_INF || cb == FPX_CLASS_INF)
        return fpx_inf(sign);
    if (ca == FPX_CLASS_ZERO || cb == FPX_CLASS_ZERO)
        return fpx_zero(sign);
    fpx_unpack(a, &ua);
    fpx_unpack(b, &ub);
    return fpx_round_pack(st, fpx_pc_format(st), sign, ua.exp + ub.exp + 1,
                          (fpx_u128)ua.sig * ub.sig);
}

/* 128-bit quotient of two normalised significands with a sticky bit; bit 127 of the result
 * has weight 2^(*exp) where *exp is the exponent difference on entry. */
static fpx_u128 divide_significands(uint64_t x, uint64_t y, int32_t *exp)
{
    fpx_u128 n, q1, r1, q2, r2;
    if (x >= y) {
        n = (fpx_u128)x << 63;
    } else {
        n = (fpx_u128)x << 64;
        --*exp;
    }
    q1 = n / y;
    r1 = n % y;
    q2 = (r1 << 64) / y;
    r2 = (r1 << 64) % y;
    return (q1 << 64) | q2 | (r2 != 0);
}

struct floatx80 fpx_div(struct fpx_status *st, struct floatx80 a, struct floatx80 b)
{
    struct floatx80 out;
    struct fpx_unpacked ua, ub;
    enum fpx_class ca, cb;
    bool sign = fpx_sign(a) ^ fpx_sign(b);
    int32_t exp;
    fpx_u128 m;
    st->sw &= ~FPX_C1;
    if (fpx_special_nan2(st, a, b, &out))
        return out;
    ca = fpx_classify(a);
    cb = fpx_classify(b);
    if (ca == cb && (ca == FPX_CLASS_INF || ca == FPX_CLASS_ZERO))
        return fpx_invalid(st);
    if (cb == FPX_CLASS_ZERO && ca != FPX_CLASS_INF) {
        fpx_raise(st, FPX_ZE);
        return fpx_inf(sign);
    }
    if (fpx_denormal_stop(st, ca, cb))
        return a;
    if (ca == FPX_CLASS_INF || cb == FPX_CLASS_ZERO)
        return fpx_inf(sign);
    if (ca == FPX_CLASS_ZERO || cb == FPX_CLASS_INF)
        return fpx_zero(sign);
    fpx_unpack(a, &ua);
    fpx_unpack(b, &ub);
    exp = ua.exp - ub.exp;
    m = divide_significands(ua.sig, ub.sig, &exp);
    return fpx_round_pack(st, fpx_pc_format(st), sign, exp, m);
}

/* floor(sqrt(m)) for m in [2^126, 2^128): a 32-bit root of the top half, then Newton steps
 * x = (x + m / x) / 2 from above, which decrease until they reach the floor. */
static uint64_t isqrt128(fpx_u128 m)
{
    uint64_t top = (uint64_t)(m >> 64), s = 0, x;
    for (int i = 31; i >= 0; i--) {
        uint64_t t = s | (1ull << i);
        if (t * t <= top)
            s = t;
    }
    /* sqrt(m) < (s + 1) * 2^32 <= 2^64 */
    x = s == 0xffffffffull ? UINT64_MAX : (s + 1) << 32;
    for (;;) {
        uint64_t y = (uint64_t)(((fpx_u128)x + m / x) >> 1);
        if (y >= x)
            return x;
        x = y;
    }
}

struct floatx80 fpx_sqrt(struct fpx_status *st, struct floatx80 a)
{
    struct floatx80 out;
    struct fpx_unpacked ua;
    enum fpx_class ca;
    fpx_u128 m, rem;
    uint64_t root;
    int32_t t;
    st->sw &= ~FPX_C1;
    if (fpx_special_nan1(st, a, &out))
        return out;
    ca = fpx_classify(a);
    if (ca == FPX_CLASS_ZERO)
        return a;
    if (fpx_sign(a))
        return fpx_invalid(st);
    if (ca == FPX_CLASS_INF)
        return a;
    if (fpx_denormal_stop(st, ca, FPX_CLASS_ZERO))
        return a;
    fpx_unpack(a, &ua);
    /* value = m * 2^t with t even and m in [2^126, 2^128): a 64-bit root. */
    if (ua.exp & 1) {
        m = (fpx_u128)ua.sig << 64;
        t = ua.exp - 127;
    } else {
        m = (fpx_u128)ua.sig << 63;
        t = ua.exp - 126;
    }
    root = isqrt128(m);
    rem = m - (fpx_u128)root * root;
    /* sqrt(m) - root > 1/2 exactly when rem > root; it is never exactly 1/2. */
    m = ((fpx_u128)root << 64) | (rem > root ? 1ull << 63 : 0) | (rem != 0);
    return fpx_round_pack(st, fpx_pc_format(st), false, 63 + t / 2, m);
}
