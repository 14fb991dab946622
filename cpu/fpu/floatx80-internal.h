/* Private helpers of the floatx80 soft-float: unpacked operands, the shared rounding core and
 * the special-operand rules (SDM Vol. 1 4.8.3.5 NaN table, 4.9 exceptions, 8.2.2 encodings). */
#ifndef CPU_FPU_FLOATX80_INTERNAL_H
#define CPU_FPU_FLOATX80_INTERNAL_H

#include "floatx80.h"

/* 128-bit integers exist on every 64-bit GCC/Clang target (x86-64, AArch64). */
typedef unsigned __int128 fpx_u128;

#define FPX_BIAS        16383
#define FPX_EXP_MAX     0x7fff
#define FPX_BIAS_ADJUST 24576 /* unmasked OE/UE rebias, SDM Vol. 1 4.9.1.4-5 */

/* A finite nonzero value: sig (bit 63 set) * 2^(exp - 63), exp unbiased. */
struct fpx_unpacked {
    bool sign;
    int32_t exp;
    uint64_t sig;
};

/* Destination formats of the rounding core: significand bits and normal exponent range. */
struct fpx_format {
    int bits;
    int32_t emin;
    int32_t emax;
    bool to_memory; /* unmasked OE/UE: no bias adjust, the store is dropped */
};

extern const struct fpx_format fpx_fmt_ext64, fpx_fmt_ext53, fpx_fmt_ext24;
extern const struct fpx_format fpx_fmt_float32, fpx_fmt_float64;

/* A rounded magnitude: m has its bits below the format's precision clear; bit 127 of m has
 * weight 2^exp. Denormal results have exp == fmt->emin and bit 127 clear. */
struct fpx_rounded {
    fpx_u128 m;
    int32_t exp;
    bool inf;
};

static inline enum fpx_rounding fpx_rc(const struct fpx_status *st)
{
    return (enum fpx_rounding)((st->cw >> FPX_CW_RC_SHIFT) & 3);
}
static inline bool fpx_masked(const struct fpx_status *st, uint16_t exc)
{
    return st->cw & exc;
}
static inline void fpx_raise(struct fpx_status *st, uint16_t exc)
{
    st->sw |= exc;
}

static inline bool fpx_is_nan_class(enum fpx_class c)
{
    return c == FPX_CLASS_QNAN || c == FPX_CLASS_SNAN;
}
static inline bool fpx_is_finite_nonzero(enum fpx_class c)
{
    return c == FPX_CLASS_NORMAL || c == FPX_CLASS_DENORMAL;
}
static inline struct floatx80 fpx_zero(bool sign)
{
    return fpx_make(sign, 0, 0);
}
static inline struct floatx80 fpx_inf(bool sign)
{
    return fpx_make(sign, 0x7fff, 1ull << 63);
}

/* A pseudo-denormal (exponent 0, integer bit set) re-encoded with exponent 1, as the x87
 * writes an operand it passes through unchanged. */
static inline struct floatx80 fpx_canonical(struct floatx80 a)
{
    if (fpx_exp(a) == 0 && (a.sig >> 63))
        a.se |= 1;
    return a;
}

/* Rounding-precision format selected by the control word (FADD/FSUB/FMUL/FDIV/FSQRT only). */
const struct fpx_format *fpx_pc_format(const struct fpx_status *st);

void fpx_unpack(struct floatx80 a, struct fpx_unpacked *u);
/* Rounds sign * m * 2^(exp - 127) (m != 0) to fmt by RC: raises PE, UE, OE and C1. */
struct fpx_rounded fpx_round(struct fpx_status *st, const struct fpx_format *fmt, bool sign,
                             int32_t exp, fpx_u128 m);
/* fpx_round into the extended format (any precision), packed. */
struct floatx80 fpx_round_pack(struct fpx_status *st, const struct fpx_format *fmt, bool sign,
                               int32_t exp, fpx_u128 m);

/* IE with the masked response. */
struct floatx80 fpx_invalid(struct fpx_status *st);
struct floatx80 fpx_quiet(struct floatx80 a);
/* NaN and unsupported operands of a one- or two-operand arithmetic instruction: returns
 * true and the result when they decide it (raising IE for SNaNs and unsupported ones). */
bool fpx_special_nan1(struct fpx_status *st, struct floatx80 a, struct floatx80 *out);
bool fpx_special_nan2(struct fpx_status *st, struct floatx80 a, struct floatx80 b,
                      struct floatx80 *out);
/* Raises DE when a class is a denormal; true when DE is unmasked, where the instruction stops
 * before computing anything (a pre-computation exception, SDM Vol. 1 4.9.1.2). */
bool fpx_denormal_stop(struct fpx_status *st, enum fpx_class ca, enum fpx_class cb);

/* Rounds the magnitude sig * 2^(exp - 63) to an integer by rc. Sets *inexact and *up
 * (magnitude incremented); returns false when the result does not fit in 64 bits. */
bool fpx_round_to_u64(enum fpx_rounding rc, bool sign, uint64_t sig, int32_t exp, uint64_t *out,
                      bool *inexact, bool *up);
/* Exact value of sign * v as a normalised extended value (v may be 0). */
struct floatx80 fpx_from_u64(bool sign, uint64_t v);

static inline int fpx_clz64(uint64_t v)
{
    return v ? __builtin_clzll(v) : 64;
}
static inline int fpx_clz128(fpx_u128 v)
{
    uint64_t hi = (uint64_t)(v >> 64);
    return hi ? __builtin_clzll(hi) : 64 + fpx_clz64((uint64_t)v);
}
/* Right shift that ORs every bit shifted out into bit 0 ("jamming"), for any count. */
static inline fpx_u128 fpx_shr_jam128(fpx_u128 v, int n)
{
    if (n <= 0)
        return v;
    if (n >= 128)
        return v != 0;
    return (v >> n) | ((v << (128 - n)) != 0);
}

#endif
