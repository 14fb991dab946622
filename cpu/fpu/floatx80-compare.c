/* floatx80 FCOM/FUCOM condition codes and FXAM classification (SDM Vol. 2 FCOM, FUCOM,
 * FXAM; SDM Vol. 1 8.1.3.1 condition code interpretation). */
#include "floatx80-internal.h"

/* -1, 0, 1 for a < b, a == b, a > b; both ordered (finite, zero or infinite). */
static int compare_ordered(struct floatx80 a, struct floatx80 b, enum fpx_class ca,
                           enum fpx_class cb)
{
    struct fpx_unpacked ua = {0}, ub = {0};
    bool sa = fpx_sign(a), sb = fpx_sign(b);
    int mag;
    if (ca == FPX_CLASS_ZERO && cb == FPX_CLASS_ZERO)
        return 0;
    if (ca == FPX_CLASS_ZERO)
        return sb ? 1 : -1;
    if (cb == FPX_CLASS_ZERO)
        return sa ? -1 : 1;
    if (sa != sb)
        return sa ? -1 : 1;
    if (ca == FPX_CLASS_INF || cb == FPX_CLASS_INF) {
        mag = (ca == FPX_CLASS_INF) - (cb == FPX_CLASS_INF);
    } else {
        fpx_unpack(a, &ua);
        fpx_unpack(b, &ub);
        if (ua.exp != ub.exp)
            mag = ua.exp > ub.exp ? 1 : -1;
        else
            mag = ua.sig == ub.sig ? 0 : (ua.sig > ub.sig ? 1 : -1);
    }
    return sa ? -mag : mag;
}

void fpx_compare(struct fpx_status *st, struct floatx80 a, struct floatx80 b, bool quiet)
{
    enum fpx_class ca = fpx_classify(a), cb = fpx_classify(b);
    int order;
    st->sw &= ~FPX_CC_MASK;
    if (ca == FPX_CLASS_UNSUPPORTED || cb == FPX_CLASS_UNSUPPORTED || fpx_is_nan_class(ca) ||
        fpx_is_nan_class(cb)) {
        bool signaling = ca == FPX_CLASS_SNAN || cb == FPX_CLASS_SNAN ||
                         ca == FPX_CLASS_UNSUPPORTED || cb == FPX_CLASS_UNSUPPORTED;
        if (!quiet || signaling)
            fpx_raise(st, FPX_IE);
        st->sw |= FPX_C3 | FPX_C2 | FPX_C0;
        return;
    }
    /* DE, even unmasked, still leaves the condition codes set (host x87). */
    fpx_denormal_stop(st, ca, cb);
    order = compare_ordered(a, b, ca, cb);
    if (order < 0)
        st->sw |= FPX_C0;
    else if (order == 0)
        st->sw |= FPX_C3;
}

void fpx_examine(struct fpx_status *st, struct floatx80 a)
{
    static const uint16_t codes[] = {
        [FPX_CLASS_ZERO] = FPX_C3,
        [FPX_CLASS_NORMAL] = FPX_C2,
        [FPX_CLASS_DENORMAL] = FPX_C3 | FPX_C2,
        [FPX_CLASS_INF] = FPX_C2 | FPX_C0,
        [FPX_CLASS_QNAN] = FPX_C0,
        [FPX_CLASS_SNAN] = FPX_C0,
        [FPX_CLASS_UNSUPPORTED] = 0,
    };
    st->sw &= ~FPX_CC_MASK;
    st->sw |= codes[fpx_classify(a)] | (fpx_sign(a) ? FPX_C1 : 0);
}
