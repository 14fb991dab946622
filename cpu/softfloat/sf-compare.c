/* MINPS/MAXPS, CMPPS's eight predicates and COMISS/UCOMISS on the soft-float core (Intel SDM
 * Vol. 2 MINPS, MAXPS, CMPPS, COMISS, UCOMISS; which NaNs signal: Vol. 1 §11.5.2.1). */
#include "sf-internal.h"

/* -1, 0, 1 for ordered non-NaN operands (zeros of either sign are equal). */
static int order(const struct sf_unp *x, const struct sf_unp *y)
{
    if (x->cls == SF_ZERO && y->cls == SF_ZERO)
        return 0;
    if (x->sign != y->sign)
        return x->sign ? -1 : 1;
    int mag;
    if (x->cls == y->cls && x->cls == SF_INF)
        mag = 0;
    else if (x->cls == SF_INF || y->cls == SF_ZERO)
        mag = 1;
    else if (y->cls == SF_INF || x->cls == SF_ZERO)
        mag = -1;
    else if (x->exp != y->exp)
        mag = x->exp > y->exp ? 1 : -1;
    else
        mag = x->sig == y->sig ? 0 : x->sig > y->sig ? 1 : -1;
    return x->sign ? -mag : mag;
}

/* Both operands unpacked; NaN: invalid on any NaN (signalling) or on an SNaN only. */
static bool compare(const struct sf_fmt *f, struct sf_status *st, uint64_t a, uint64_t b,
                    bool signalling, int *ord)
{
    struct sf_unp x = sf_unpack(f, st, a), y = sf_unpack(f, st, b);
    if (sf_is_nan(&x) || sf_is_nan(&y)) {
        if (signalling || x.cls == SF_SNAN || y.cls == SF_SNAN)
            st->flags |= SF_IE;
        return false;
    }
    sf_check_denormal(st, &x, &y);
    *ord = order(&x, &y);
    return true;
}

/* With DAZ a denormal operand returned by MIN/MAX reads as the zero it was taken for. */
static uint64_t operand(const struct sf_fmt *f, const struct sf_status *st, uint64_t v)
{
    struct sf_unp u = sf_unpack(f, st, v);
    return u.cls == SF_ZERO ? sf_zero(f, u.sign) : v;
}

uint64_t sf_min(const struct sf_fmt *f, struct sf_status *st, uint64_t a, uint64_t b)
{
    int ord;
    if (!compare(f, st, a, b, true, &ord))
        return operand(f, st, b);
    return ord < 0 ? operand(f, st, a) : operand(f, st, b);
}

uint64_t sf_max(const struct sf_fmt *f, struct sf_status *st, uint64_t a, uint64_t b)
{
    int ord;
    if (!compare(f, st, a, b, true, &ord))
        return operand(f, st, b);
    return ord > 0 ? operand(f, st, a) : operand(f, st, b);
}

bool sf_cmp(const struct sf_fmt *f, struct sf_status *st, uint64_t a, uint64_t b, unsigned pred)
{
    pred &= 7;
    bool signalling = (pred & 3) == SF_CMP_LT || (pred & 3) == SF_CMP_LE;
    int ord = 0;
    bool ordered = compare(f, st, a, b, signalling, &ord), r;
    switch (pred & 3) {
    case SF_CMP_EQ: r = ordered && ord == 0; break;
    case SF_CMP_LT: r = ordered && ord < 0; break;
    case SF_CMP_LE: r = ordered && ord <= 0; break;
    default: r = !ordered; break;
    }
    return (pred & 4) ? !r : r;
}

unsigned sf_comi(const struct sf_fmt *f, struct sf_status *st, uint64_t a, uint64_t b, bool quiet)
{
    int ord;
    if (!compare(f, st, a, b, !quiet, &ord))
        return SF_COMI_UNORD;
    return ord == 0 ? SF_COMI_EQ : ord < 0 ? SF_COMI_LT : SF_COMI_GT;
}
