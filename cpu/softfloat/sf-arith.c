/* ADDPS/SUBPS/MULPS/DIVPS/SQRTPS and their PD/SS/SD forms on the soft-float core
 * (Intel SDM Vol. 2 ADDPS..SQRTSD; special cases of IEEE 754-2008 §7.2-7.3). */
#include "sf-internal.h"

static uint64_t add_mag(const struct sf_fmt *f, struct sf_status *st, bool negate_b, uint64_t a,
                        uint64_t b)
{
    struct sf_unp x = sf_unpack(f, st, a), y = sf_unpack(f, st, b);
    if (sf_is_nan(&x) || sf_is_nan(&y))
        return sf_propagate(f, st, &x, a, &y, b);
    sf_check_denormal(st, &x, &y);
    y.sign ^= negate_b;
    if (x.cls == SF_INF || y.cls == SF_INF) {
        if (x.cls == SF_INF && y.cls == SF_INF && x.sign != y.sign)
            return sf_invalid(f, st);
        return sf_inf(f, x.cls == SF_INF ? x.sign : y.sign);
    }
    if (x.cls == SF_ZERO && y.cls == SF_ZERO)
        return sf_zero(f, x.sign == y.sign ? x.sign : sf_rc(st) == SF_RC_DOWN);
    if (x.cls == SF_ZERO)
        return sf_round_pack(f, st, y.sign, y.exp, y.sig);
    if (y.cls == SF_ZERO)
        return sf_round_pack(f, st, x.sign, x.exp, x.sig);
    if (y.exp > x.exp || (y.exp == x.exp && y.sig > x.sig)) {
        struct sf_unp t = x;
        x = y;
        y = t;
    }
    uint64_t ys = sf_shr_jam(y.sig, (unsigned)(x.exp - y.exp > 64 ? 64 : x.exp - y.exp));
    if (x.sign == y.sign)
        return sf_round_pack(f, st, x.sign, x.exp, x.sig + ys);
    uint64_t d = x.sig - ys;
    if (d == 0)
        return sf_zero(f, sf_rc(st) == SF_RC_DOWN);
    struct sf_unp r = {.sig = d, .exp = x.exp};
    sf_normalize(&r);
    return sf_round_pack(f, st, x.sign, r.exp, r.sig);
}

uint64_t sf_add(const struct sf_fmt *f, struct sf_status *st, uint64_t a, uint64_t b)
{
    return add_mag(f, st, false, a, b);
}

uint64_t sf_sub(const struct sf_fmt *f, struct sf_status *st, uint64_t a, uint64_t b)
{
    return add_mag(f, st, true, a, b);
}

uint64_t sf_mul(const struct sf_fmt *f, struct sf_status *st, uint64_t a, uint64_t b)
{
    struct sf_unp x = sf_unpack(f, st, a), y = sf_unpack(f, st, b);
    if (sf_is_nan(&x) || sf_is_nan(&y))
        return sf_propagate(f, st, &x, a, &y, b);
    sf_check_denormal(st, &x, &y);
    bool sign = x.sign != y.sign;
    if (x.cls == SF_INF || y.cls == SF_INF) {
        if (x.cls == SF_ZERO || y.cls == SF_ZERO)
            return sf_invalid(f, st);
        return sf_inf(f, sign);
    }
    if (x.cls == SF_ZERO || y.cls == SF_ZERO)
        return sf_zero(f, sign);
    unsigned __int128 p = (unsigned __int128)x.sig * y.sig;
    uint64_t sig = (uint64_t)(p >> 62) | ((uint64_t)p << 2 != 0);
    return sf_round_pack(f, st, sign, x.exp + y.exp - sf_bias(f), sig);
}

uint64_t sf_div(const struct sf_fmt *f, struct sf_status *st, uint64_t a, uint64_t b)
{
    struct sf_unp x = sf_unpack(f, st, a), y = sf_unpack(f, st, b);
    if (sf_is_nan(&x) || sf_is_nan(&y))
        return sf_propagate(f, st, &x, a, &y, b);
    bool sign = x.sign != y.sign;
    if (x.cls == SF_INF && y.cls == SF_INF)
        return sf_invalid(f, st);
    if (y.cls == SF_ZERO && x.cls != SF_INF) {
        /* A zero divisor reports ZE (or IE for 0/0) without DE. */
        if (x.cls == SF_ZERO)
            return sf_invalid(f, st);
        st->flags |= SF_ZE;
        return sf_inf(f, sign);
    }
    sf_check_denormal(st, &x, &y);
    if (x.cls == SF_INF)
        return sf_inf(f, sign);
    if (y.cls == SF_INF)
        return sf_zero(f, sign);
    if (x.cls == SF_ZERO)
        return sf_zero(f, sign);
    int32_t exp = x.exp - y.exp + sf_bias(f);
    unsigned shift = 62;
    if (x.sig < y.sig) {
        shift = 63;
        exp--;
    }
    unsigned __int128 n = (unsigned __int128)x.sig << shift;
    uint64_t q = (uint64_t)(n / y.sig);
    q |= (n % y.sig) != 0;
    return sf_round_pack(f, st, sign, exp, q);
}

/* floor(sqrt(n)) for n < 2^126, bit by bit; *exact says whether the root is exact. */
static uint64_t isqrt128(unsigned __int128 n, bool *exact)
{
    unsigned __int128 r = 0, bit = (unsigned __int128)1 << 126;
    while (bit > n)
        bit >>= 2;
    while (bit) {
        if (n >= r + bit) {
            n -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
        bit >>= 2;
    }
    *exact = n == 0;
    return (uint64_t)r;
}

uint64_t sf_sqrt(const struct sf_fmt *f, struct sf_status *st, uint64_t a)
{
    struct sf_unp x = sf_unpack(f, st, a);
    if (sf_is_nan(&x))
        return sf_propagate(f, st, &x, a, &x, a);
    if (x.cls == SF_ZERO)
        return sf_zero(f, x.sign); /* sqrt(-0) = -0 */
    if (x.sign)
        return sf_invalid(f, st); /* without DE for a negative denormal */
    sf_check_denormal(st, &x, NULL);
    if (x.cls == SF_INF)
        return a;
    int32_t e = x.exp - sf_bias(f);
    unsigned __int128 n = (unsigned __int128)x.sig << 62;
    if (e & 1) {
        n <<= 1;
        e--;
    }
    bool exact;
    uint64_t r = isqrt128(n, &exact);
    return sf_round_pack(f, st, false, e / 2 + sf_bias(f), r | !exact);
}
