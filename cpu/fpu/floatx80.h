/* Portable 80-bit extended-precision soft-float with the x87's rounding, precision control,
 * exception flags and masked responses (Intel SDM Vol. 1 ch. 4.8-4.9 and ch. 8). Integer
 * arithmetic only, so every host computes the same bits; all state is in struct fpx_status. */
#ifndef CPU_FPU_FLOATX80_H
#define CPU_FPU_FLOATX80_H

#include <stdbool.h>
#include <stdint.h>

/* Double extended-precision value: 64-bit significand with an explicit integer bit, sign and
 * 15-bit biased exponent in se (SDM Vol. 1 4.2.2). */
struct floatx80 {
    uint64_t sig;
    uint16_t se;
};

/* Status word bits (SDM Vol. 1 8.1.3); the control word uses the same bits 0-5 as masks. */
enum {
    FPX_IE = 0x0001,
    FPX_DE = 0x0002,
    FPX_ZE = 0x0004,
    FPX_OE = 0x0008,
    FPX_UE = 0x0010,
    FPX_PE = 0x0020,
    FPX_EXC_MASK = 0x003f,
    FPX_C0 = 0x0100,
    FPX_C1 = 0x0200,
    FPX_C2 = 0x0400,
    FPX_C3 = 0x4000,
    FPX_CC_MASK = FPX_C0 | FPX_C1 | FPX_C2 | FPX_C3,
};

/* Control word fields (SDM Vol. 1 8.1.5). */
enum {
    FPX_CW_PC_SHIFT = 8,
    FPX_CW_RC_SHIFT = 10,
    FPX_CW_DEFAULT = 0x037f, /* after FINIT: all masked, 64-bit precision, nearest */
};
enum fpx_rounding { FPX_RC_NEAREST = 0, FPX_RC_DOWN = 1, FPX_RC_UP = 2, FPX_RC_ZERO = 3 };
enum fpx_precision { FPX_PC_24 = 0, FPX_PC_RESERVED = 1, FPX_PC_53 = 2, FPX_PC_64 = 3 };

/* The per-FPU context of every operation: the control word in, status bits out.
 * An operation ORs the exceptions it detects into sw (sticky, as the x87 does) and writes
 * the condition codes it defines (C1 "rounded up" for rounding operations).
 * Callers start an instruction with no unmasked exception pending (hardware raises #MF
 * first), so fpx_result_suppressed() tells whether this operation's result must be dropped. */
struct fpx_status {
    uint16_t cw;
    uint16_t sw;
};

/* Classes of an 80-bit encoding (SDM Vol. 1 8.2.2 table 8-3 and the unsupported ones). */
enum fpx_class {
    FPX_CLASS_ZERO,
    FPX_CLASS_NORMAL,
    FPX_CLASS_DENORMAL, /* exponent 0, including pseudo-denormals (integer bit set) */
    FPX_CLASS_INF,
    FPX_CLASS_QNAN,
    FPX_CLASS_SNAN,
    FPX_CLASS_UNSUPPORTED, /* unnormal, pseudo-NaN, pseudo-infinity */
};

static inline struct floatx80 fpx_make(bool sign, uint16_t exp, uint64_t sig)
{
    return (struct floatx80){.sig = sig, .se = (uint16_t)((sign ? 0x8000 : 0) | exp)};
}
static inline bool fpx_sign(struct floatx80 a)
{
    return a.se >> 15;
}
static inline uint16_t fpx_exp(struct floatx80 a)
{
    return a.se & 0x7fff;
}

/* Real indefinite, the x87 default NaN (SDM Vol. 1 4.8.3.7). */
static inline struct floatx80 fpx_indefinite(void)
{
    return fpx_make(true, 0x7fff, 3ull << 62);
}

enum fpx_class fpx_classify(struct floatx80 a);
/* True when an unmasked exception raised by this instruction leaves the destination
 * unchanged. to_memory: FST/FIST/FBSTP also drop the store on unmasked OE/UE (SDM Vol. 1
 * 4.9.2), where a register destination gets the bias-adjusted result instead. */
bool fpx_result_suppressed(const struct fpx_status *st, bool to_memory);

/* Arithmetic: FADD, FSUB, FMUL, FDIV, FSQRT round to the precision-control width. */
struct floatx80 fpx_add(struct fpx_status *st, struct floatx80 a, struct floatx80 b);
struct floatx80 fpx_sub(struct fpx_status *st, struct floatx80 a, struct floatx80 b);
struct floatx80 fpx_mul(struct fpx_status *st, struct floatx80 a, struct floatx80 b);
struct floatx80 fpx_div(struct fpx_status *st, struct floatx80 a, struct floatx80 b);
struct floatx80 fpx_sqrt(struct fpx_status *st, struct floatx80 a);

/* FPREM (quotient truncated) and FPREM1 (IEEE, quotient to nearest): a partial remainder
 * when the exponents differ by 64 or more (C2 set), else C0, C3, C1 = quotient bits 2, 1, 0. */
struct floatx80 fpx_prem(struct fpx_status *st, struct floatx80 a, struct floatx80 b);
struct floatx80 fpx_prem1(struct fpx_status *st, struct floatx80 a, struct floatx80 b);
struct floatx80 fpx_round_to_int(struct fpx_status *st, struct floatx80 a); /* FRNDINT */
/* FSCALE: a * 2^trunc(b). */
struct floatx80 fpx_scale(struct fpx_status *st, struct floatx80 a, struct floatx80 b);
/* FXTRACT: returns the significand (exponent 0) and stores the unbiased exponent. */
struct floatx80 fpx_xtract(struct fpx_status *st, struct floatx80 a, struct floatx80 *exponent);

/* FCOM/FUCOM: sets C3, C2, C0 (greater 000, less 001, equal 100, unordered 111), clears C1.
 * quiet: FUCOM, where only SNaNs and unsupported encodings are invalid. */
void fpx_compare(struct fpx_status *st, struct floatx80 a, struct floatx80 b, bool quiet);
/* FXAM: C3, C2, C0 class code and C1 = sign (the caller reports "empty" itself). */
void fpx_examine(struct fpx_status *st, struct floatx80 a);

/* Integer conversions. FILD is exact; FIST rounds by RC (FISTTP truncates) and returns the
 * integer indefinite (most negative value) with IE when out of range or not a number. */
struct floatx80 fpx_from_int64(int64_t v);
int16_t fpx_to_int16(struct fpx_status *st, struct floatx80 a, bool truncate);
int32_t fpx_to_int32(struct fpx_status *st, struct floatx80 a, bool truncate);
int64_t fpx_to_int64(struct fpx_status *st, struct floatx80 a, bool truncate);

/* FLD m32fp/m64fp (exact; DE for denormals, IE for SNaNs) and FST m32fp/m64fp (rounded by
 * RC into the format's exponent range). FLD still loads after an unmasked DE (only an
 * unmasked IE drops it); FST never reports DE. */
struct floatx80 fpx_from_float32(struct fpx_status *st, uint32_t f);
struct floatx80 fpx_from_float64(struct fpx_status *st, uint64_t f);
uint32_t fpx_to_float32(struct fpx_status *st, struct floatx80 a);
uint64_t fpx_to_float64(struct fpx_status *st, struct floatx80 a);

/* FBLD / FBSTP: 18-digit packed BCD in 10 bytes, little-endian, sign in bit 7 of byte 9. */
struct floatx80 fpx_from_bcd(const uint8_t bcd[10]);
void fpx_to_bcd(struct fpx_status *st, struct floatx80 a, uint8_t bcd[10]);

/* FLD1 ... FLDZ: the constant rounded by RC (no exception, C1 cleared). */
enum fpx_constant {
    FPX_CONST_ONE,
    FPX_CONST_L2T,
    FPX_CONST_L2E,
    FPX_CONST_PI,
    FPX_CONST_LG2,
    FPX_CONST_LN2,
    FPX_CONST_ZERO,
};
struct floatx80 fpx_constant(struct fpx_status *st, enum fpx_constant c);

/* Transcendentals (floatx80-trans.c). The x87 ignores precision control for them. */
struct floatx80 fpx_sin(struct fpx_status *st, struct floatx80 a);
struct floatx80 fpx_cos(struct fpx_status *st, struct floatx80 a);
/* FSINCOS: returns the sine, stores the cosine. */
struct floatx80 fpx_sincos(struct fpx_status *st, struct floatx80 a, struct floatx80 *cosine);
/* FPTAN: returns tan(a); the instruction then pushes 1.0, or the result again when it is a
 * NaN (host x87). */
struct floatx80 fpx_tan(struct fpx_status *st, struct floatx80 a);
struct floatx80 fpx_atan(struct fpx_status *st, struct floatx80 y, struct floatx80 x); /* FPATAN */
struct floatx80 fpx_2xm1(struct fpx_status *st, struct floatx80 a);                    /* F2XM1 */
struct floatx80 fpx_yl2x(struct fpx_status *st, struct floatx80 y, struct floatx80 x); /* FYL2X */
struct floatx80 fpx_yl2xp1(struct fpx_status *st, struct floatx80 y,
                           struct floatx80 x); /* FYL2XP1 */

#endif
