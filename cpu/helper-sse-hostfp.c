/* Host floating point for the common case: with MXCSR at round to nearest, FTZ and DAZ off,
 * every exception masked and PE already set, ADD/SUB/MUL/DIV/SQRT on non-NaN operands give a
 * result IEEE 754 fixes bit for bit, so the host's float and double operations equal
 * cpu/softfloat on every host, as long as the operation raises no flag that is not already
 * set: denormal operands need DE set, a tiny result UE, an overflow OE, a division by zero
 * ZE; NaN operands and results (x86's NaN rules differ from the host's) always go soft.
 * (The idea of QEMU's "hardfloat", extended to sticky flags; SDM Vol. 1 §11.5.) */
#include "helper-sse.h"

#include <float.h>
#include <string.h>

/* RC, FTZ, DAZ and the masks as they must be, plus PE; the other flags may be anything. */
#define HOST_FP_MXCSR_FIELDS 0xffe0u
#define HOST_FP_MXCSR        (SF_MXCSR_DEFAULT | SF_PE)

bool sse_host_fp_usable(uint32_t mxcsr)
{
    /* The host must evaluate float and double in their own precision (not x87). */
    return FLT_EVAL_METHOD == 0 && (mxcsr & HOST_FP_MXCSR_FIELDS) == HOST_FP_MXCSR;
}

/* What an operand or result is, as far as the flags go. */
enum host_class { HC_ZERO, HC_NORMAL, HC_DENORMAL, HC_INF, HC_NAN };

static enum host_class classify(uint64_t v, unsigned esize)
{
    bool f64 = esize == 8;
    uint64_t mag = f64 ? v & ~(UINT64_C(1) << 63) : v & 0x7fffffffu;
    unsigned e = f64 ? (unsigned)(mag >> 52) : (unsigned)(mag >> 23), max = f64 ? 0x7ffu : 0xffu;
    if (e == 0)
        return mag == 0 ? HC_ZERO : HC_DENORMAL;
    if (e == max)
        return (mag << (f64 ? 12 : 41)) == 0 ? HC_INF : HC_NAN;
    return HC_NORMAL;
}

/* A normal result in the smallest binade may have been tiny before rounding: UE by the
 * rounding rule; it is treated as tiny whatever the detection rule. */
static bool lowest_binade(uint64_t v, unsigned esize)
{
    return esize == 8 ? ((v >> 52) & 0x7ffu) == 1 : ((v >> 23) & 0xffu) == 1;
}

/* The host's correctly rounded square root instruction (IEEE 754 requires it to be exact
 * to the rounding), without libm's errno wrapper; on other hosts SQRT stays soft. */
#if defined(__x86_64__)
#define HOST_SQRT 1
static double host_sqrt(double y)
{
    __asm__("sqrtsd %1, %0" : "=x"(y) : "x"(y));
    return y;
}
static float host_sqrtf(float y)
{
    __asm__("sqrtss %1, %0" : "=x"(y) : "x"(y));
    return y;
}
#elif defined(__aarch64__)
#define HOST_SQRT 1
static double host_sqrt(double y)
{
    __asm__("fsqrt %d0, %d1" : "=w"(y) : "w"(y));
    return y;
}
static float host_sqrtf(float y)
{
    __asm__("fsqrt %s0, %s1" : "=w"(y) : "w"(y));
    return y;
}
#else
#define HOST_SQRT 0
static double host_sqrt(double y)
{
    return y;
}
static float host_sqrtf(float y)
{
    return y;
}
#endif

static uint64_t host_f64(unsigned op, uint64_t a, uint64_t b)
{
    double x, y, r;
    memcpy(&x, &a, 8);
    memcpy(&y, &b, 8);
    switch (op) {
    case SSE_FP_ADD: r = x + y; break;
    case SSE_FP_SUB: r = x - y; break;
    case SSE_FP_MUL: r = x * y; break;
    case SSE_FP_DIV: r = x / y; break;
    default: r = host_sqrt(y); break;
    }
    uint64_t v;
    memcpy(&v, &r, 8);
    return v;
}

static uint64_t host_f32(unsigned op, uint64_t a, uint64_t b)
{
    uint32_t ua = (uint32_t)a, ub = (uint32_t)b, v;
    float x, y, r;
    memcpy(&x, &ua, 4);
    memcpy(&y, &ub, 4);
    switch (op) {
    case SSE_FP_ADD: r = x + y; break;
    case SSE_FP_SUB: r = x - y; break;
    case SSE_FP_MUL: r = x * y; break;
    case SSE_FP_DIV: r = x / y; break;
    default: r = host_sqrtf(y); break;
    }
    memcpy(&v, &r, 4);
    return v;
}

/* The flags the operation could raise, or -1 when the host must not compute it (NaNs,
 * invalid operations, a square root the host cannot take). */
static int64_t flags_before(unsigned op, enum host_class ca, enum host_class cb, uint64_t b,
                            unsigned esize)
{
    uint32_t need = 0;
    if (cb == HC_NAN || (op != SSE_FP_SQRT && ca == HC_NAN))
        return -1;
    if (cb == HC_DENORMAL || (op != SSE_FP_SQRT && ca == HC_DENORMAL))
        need |= SF_DE;
    if (op == SSE_FP_SQRT && (!HOST_SQRT || (cb != HC_ZERO && (b >> (esize * 8 - 1)))))
        return -1;
    if (op == SSE_FP_DIV && cb == HC_ZERO)
        need |= SF_ZE;
    return need;
}

/* The flags the result shows: an infinity from finite operands overflowed (but x / 0 is ZE,
 * counted before); a zero from
 * nonzero finite MUL/DIV operands, a denormal or a lowest-binade normal may be tiny. */
static int64_t flags_after(unsigned op, enum host_class ca, enum host_class cb, uint64_t r,
                           unsigned esize)
{
    enum host_class cr = classify(r, esize);
    bool finite = ca <= HC_DENORMAL && cb <= HC_DENORMAL;
    bool exact_zero = op == SSE_FP_ADD || op == SSE_FP_SUB || op == SSE_FP_SQRT || ca == HC_ZERO ||
                      cb == HC_ZERO || !finite;
    switch (cr) {
    case HC_NAN: return -1;
    case HC_INF: return finite && !(op == SSE_FP_DIV && cb == HC_ZERO) ? SF_OE : 0;
    case HC_ZERO: return exact_zero ? 0 : SF_UE;
    case HC_DENORMAL: return SF_UE;
    default: return lowest_binade(r, esize) ? SF_UE : 0;
    }
}

bool sse_host_fp(unsigned op, unsigned esize, uint32_t mxcsr, uint64_t a, uint64_t b, uint64_t *out)
{
    if (op > SSE_FP_SQRT || op == SSE_FP_MIN || op == SSE_FP_MAX)
        return false;
    enum host_class ca = classify(a, esize), cb = classify(b, esize);
    int64_t need = flags_before(op, ca, cb, b, esize);
    if (need < 0)
        return false;
    uint64_t r = esize == 8 ? host_f64(op, a, b) : host_f32(op, a, b);
    int64_t after = flags_after(op, ca, cb, r, esize);
    if (after < 0 || ((uint32_t)(need | after) & ~mxcsr))
        return false;
    *out = r;
    return true;
}
