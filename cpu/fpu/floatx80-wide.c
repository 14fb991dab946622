/* Arithmetic on fpx_wide (128-bit significands) for the transcendental evaluations:
 * truncating add, multiply and divide; each loses at most a few units of 2^-127. */
#include "floatx80-wide.h"

struct fpx_wide fpx_w_norm(bool sign, int32_t exp, fpx_u128 m)
{
    int shift;
    if (m == 0)
        return (struct fpx_wide){sign, 0, 0};
    shift = fpx_clz128(m);
    return (struct fpx_wide){sign, exp - shift, m << shift};
}

struct fpx_wide fpx_w_from_x80(struct floatx80 a)
{
    struct fpx_unpacked u;
    if (fpx_classify(a) == FPX_CLASS_ZERO)
        return (struct fpx_wide){fpx_sign(a), 0, 0};
    fpx_unpack(a, &u);
    return (struct fpx_wide){u.sign, u.exp, (fpx_u128)u.sig << 64};
}

struct fpx_wide fpx_w_from_int(int64_t v)
{
    uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    return fpx_w_norm(v < 0, 127, mag);
}

static struct fpx_wide constant(uint64_t hi, uint64_t lo, int32_t exp)
{
    return (struct fpx_wide){false, exp, ((fpx_u128)hi << 64) | lo};
}

/* Digits checked against mpmath at 200 bits (truncated to 128). */
struct fpx_wide fpx_w_pi_4(void)
{
    return constant(0xc90fdaa22168c234ull, 0xc4c6628b80dc1cd1ull, -1);
}
struct fpx_wide fpx_w_ln2(void)
{
    return constant(0xb17217f7d1cf79abull, 0xc9e3b39803f2f6afull, -1);
}
struct fpx_wide fpx_w_log2e(void)
{
    return constant(0xb8aa3b295c17f0bbull, 0xbe87fed0691d3e88ull, 0);
}

struct fpx_wide fpx_w_neg(struct fpx_wide a)
{
    a.sign = !a.sign;
    return a;
}

struct fpx_wide fpx_w_scale(struct fpx_wide a, int32_t n)
{
    if (a.m)
        a.exp += n;
    return a;
}

int fpx_w_cmp_mag(struct fpx_wide a, struct fpx_wide b)
{
    if (a.m == 0 || b.m == 0)
        return (a.m != 0) - (b.m != 0);
    if (a.exp != b.exp)
        return a.exp > b.exp ? 1 : -1;
    return a.m == b.m ? 0 : (a.m > b.m ? 1 : -1);
}

struct fpx_wide fpx_w_add(struct fpx_wide a, struct fpx_wide b)
{
    struct fpx_wide t;
    fpx_u128 ma, mb;
    if (b.m == 0)
        return a;
    if (a.m == 0)
        return b;
    if (fpx_w_cmp_mag(a, b) < 0) {
        t = a;
        a = b;
        b = t;
    }
    /* One bit of headroom for the carry. */
    ma = fpx_shr_jam128(a.m, 1);
    mb = fpx_shr_jam128(b.m, 1 + a.exp - b.exp);
    return fpx_w_norm(a.sign, a.exp + 1, a.sign == b.sign ? ma + mb : ma - mb);
}

struct fpx_wide fpx_w_sub(struct fpx_wide a, struct fpx_wide b)
{
    return fpx_w_add(a, fpx_w_neg(b));
}

struct fpx_wide fpx_w_mul(struct fpx_wide a, struct fpx_wide b)
{
    uint64_t ah = (uint64_t)(a.m >> 64), al = (uint64_t)a.m;
    uint64_t bh = (uint64_t)(b.m >> 64), bl = (uint64_t)b.m;
    fpx_u128 hh = (fpx_u128)ah * bh, hl = (fpx_u128)ah * bl, lh = (fpx_u128)al * bh;
    fpx_u128 ll = (fpx_u128)al * bl;
    fpx_u128 mid = (hl & ~(uint64_t)0) + (lh & ~(uint64_t)0) + (ll >> 64);
    fpx_u128 hi = hh + (hl >> 64) + (lh >> 64) + (mid >> 64);
    if (a.m == 0 || b.m == 0)
        return (struct fpx_wide){a.sign ^ b.sign, 0, 0};
    return fpx_w_norm(a.sign ^ b.sign, a.exp + b.exp + 1, hi | ((uint64_t)mid != 0));
}

/* 192-bit values for the long division: hi * 2^64 + lo. */
struct u192 {
    fpx_u128 hi;
    uint64_t lo;
};

static struct u192 mul_128x64(fpx_u128 b, uint64_t q)
{
    fpx_u128 lo = (fpx_u128)(uint64_t)b * q;
    return (struct u192){(fpx_u128)(uint64_t)(b >> 64) * q + (lo >> 64), (uint64_t)lo};
}

static bool less_192(struct u192 a, struct u192 b)
{
    return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo);
}

static struct u192 sub_192(struct u192 a, struct u192 b)
{
    return (struct u192){a.hi - b.hi - (a.lo < b.lo), a.lo - b.lo};
}

/* One base-2^64 quotient digit of (r * 2^64 + next) / b for a normalised b and r < b; the
 * estimate from b's top digit is at most 2 too large (Knuth, TAOCP 4.3.1, algorithm D). */
static uint64_t div_digit(fpx_u128 *r, uint64_t next, fpx_u128 b)
{
    uint64_t b1 = (uint64_t)(b >> 64);
    uint64_t q = (uint64_t)(*r >> 64) >= b1 ? UINT64_MAX : (uint64_t)(*r / b1);
    struct u192 n = {*r, next}, p = mul_128x64(b, q), bb = {b >> 64, (uint64_t)b};
    while (less_192(n, p)) {
        q--;
        p = sub_192(p, bb);
    }
    n = sub_192(n, p);
    *r = (n.hi << 64) | n.lo;
    return q;
}

struct fpx_wide fpx_w_div(struct fpx_wide a, struct fpx_wide b)
{
    fpx_u128 r = a.m;
    int32_t exp = a.exp - b.exp;
    uint64_t next = 0, q1, q0;
    if (a.m == 0)
        return (struct fpx_wide){a.sign ^ b.sign, 0, 0};
    /* Quotient in [2^127, 2^128): a.m * 2^127 / b.m or a.m * 2^128 / b.m. */
    if (a.m >= b.m) {
        r = a.m >> 1;
        next = (uint64_t)(a.m & 1) << 63;
    } else {
        exp--;
    }
    q1 = div_digit(&r, next, b.m);
    q0 = div_digit(&r, 0, b.m);
    return (struct fpx_wide){a.sign ^ b.sign, exp, ((fpx_u128)q1 << 64) | q0 | (r != 0)};
}

struct fpx_wide fpx_w_div_small(struct fpx_wide a, uint32_t d)
{
    fpx_u128 hi = a.m / d, rem = a.m % d, lo = (rem << 64) / d;
    int shift = fpx_clz128(hi);
    if (a.m == 0)
        return a;
    /* hi >= 2^95 since d < 2^32: the 192-bit quotient hi:lo keeps 128 good bits. */
    return (struct fpx_wide){a.sign, a.exp - shift, (hi << shift) | (lo >> (64 - shift))};
}

struct floatx80 fpx_w_round(struct fpx_status *st, struct fpx_wide a)
{
    if (a.m == 0)
        return fpx_zero(a.sign);
    return fpx_round_pack(st, &fpx_fmt_ext64, a.sign, a.exp, a.m);
}
