/* Portable IEEE 754 single and double precision with the SSE/SSE2 behaviour: MXCSR rounding,
 * flush-to-zero and denormals-are-zero, the six exception flags and the x86 NaN rules (Intel
 * SDM Vol. 1 §4.8, §10.2.3, §11.5). Integer arithmetic only: every host computes the same bits. */
#ifndef CPU_SOFTFLOAT_SF_H
#define CPU_SOFTFLOAT_SF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* MXCSR fields (SDM Vol. 1 §10.2.3): flags 0-5, DAZ, masks 7-12, RC 13-14, FTZ. */
enum {
    SF_IE = 0x01,
    SF_DE = 0x02,
    SF_ZE = 0x04,
    SF_OE = 0x08,
    SF_UE = 0x10,
    SF_PE = 0x20,
    SF_FLAGS = 0x3f,
    SF_DAZ = 0x40,
    SF_MASK_SHIFT = 7,
    SF_MASKS = 0x1f80,
    SF_RC_SHIFT = 13,
    SF_FTZ = 0x8000,
    SF_MXCSR_DEFAULT = 0x1f80,
};
enum sf_rounding { SF_RC_NEAREST = 0, SF_RC_DOWN = 1, SF_RC_UP = 2, SF_RC_ZERO = 3 };

/* One operation's context: MXCSR in (RC, FTZ, DAZ, masks), the exceptions it detects out. */
struct sf_status {
    uint32_t mxcsr;
    uint32_t flags;
};

/* A binary interchange format: float32 (8, 23) or float64 (11, 52). Values travel as the
 * raw bit pattern in the low bits of a uint64_t. */
struct sf_fmt {
    uint8_t exp_bits, frac_bits;
};
extern const struct sf_fmt sf_f32, sf_f64;

/* The eight CMPPS/CMPPD predicates (imm8 bits 2-0). */
enum sf_pred {
    SF_CMP_EQ,
    SF_CMP_LT,
    SF_CMP_LE,
    SF_CMP_UNORD,
    SF_CMP_NEQ,
    SF_CMP_NLT,
    SF_CMP_NLE,
    SF_CMP_ORD
};
/* COMISS/UCOMISS outcome as the ZF, PF, CF bits they set. */
enum { SF_COMI_GT = 0, SF_COMI_LT = 0x01, SF_COMI_EQ = 0x40, SF_COMI_UNORD = 0x45 };

/* The flags an operation leaves in MXCSR when one of them is unmasked (the #XM case, SDM
 * Vol. 1 §11.5.2): an unmasked invalid, denormal or divide-by-zero stops it before the
 * result, so only those are reported. (An unmasked overflow or underflow reports PE when the
 * bias-adjusted result is inexact: the rounding core does that.) */
uint32_t sf_trap_flags(uint32_t mxcsr, uint32_t flags);

uint64_t sf_add(const struct sf_fmt *f, struct sf_status *st, uint64_t a, uint64_t b);
uint64_t sf_sub(const struct sf_fmt *f, struct sf_status *st, uint64_t a, uint64_t b);
uint64_t sf_mul(const struct sf_fmt *f, struct sf_status *st, uint64_t a, uint64_t b);
uint64_t sf_div(const struct sf_fmt *f, struct sf_status *st, uint64_t a, uint64_t b);
uint64_t sf_sqrt(const struct sf_fmt *f, struct sf_status *st, uint64_t a);
/* MINPS/MAXPS: the second operand when either is a NaN or both are zeros. */
uint64_t sf_min(const struct sf_fmt *f, struct sf_status *st, uint64_t a, uint64_t b);
uint64_t sf_max(const struct sf_fmt *f, struct sf_status *st, uint64_t a, uint64_t b);
bool sf_cmp(const struct sf_fmt *f, struct sf_status *st, uint64_t a, uint64_t b, unsigned pred);
/* COMISS (quiet false: any NaN is invalid) and UCOMISS (quiet: only SNaNs). */
unsigned sf_comi(const struct sf_fmt *f, struct sf_status *st, uint64_t a, uint64_t b, bool quiet);
/* RCPPS/RSQRTPS: float32 approximations (relative error below 1.5 * 2^-12). */
uint64_t sf_rcp(struct sf_status *st, uint64_t a);
uint64_t sf_rsqrt(struct sf_status *st, uint64_t a);

/* Conversions. To int32: rounded by RC (truncate: CVTT*), out of range or NaN gives the
 * integer indefinite 0x80000000 with IE. */
int32_t sf_to_i32(const struct sf_fmt *f, struct sf_status *st, uint64_t a, bool truncate);
uint64_t sf_from_i32(const struct sf_fmt *f, struct sf_status *st, int32_t v);
/* Between formats (CVTSS2SD, CVTSD2SS): NaNs keep their sign and top payload bits. */
uint64_t sf_convert(const struct sf_fmt *to, const struct sf_fmt *from, struct sf_status *st,
                    uint64_t a);

#endif
