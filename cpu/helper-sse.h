/* Private to the MMX/SSE/SSE2 helpers (helper-sse*.c): the per-instruction context, the
 * descriptor the lifter packs (frontend/lift-sse.c), lane access and the kernel table
 * (helper-sse.def). Intel SDM Vol. 1 ch. 9-11, Vol. 2 instruction pages. */
#ifndef JIT86_CPU_HELPER_SSE_H
#define JIT86_CPU_HELPER_SSE_H

#include "cpu-internal.h"
#include "cpu/softfloat/sf.h"

/* Descriptor word 1 (mirrors frontend/lift-sse.c): mnemonic, the class and register of
 * operand 0 (destination) and operand 1 (source), segment, log2 of the memory size, A32. */
#define SSE_D_MN(d)    ((d)&0x3ffu)
#define SSE_D_DCLS(d)  (((d) >> 10) & 7u)
#define SSE_D_SCLS(d)  (((d) >> 13) & 7u)
#define SSE_D_DREG(d)  (((d) >> 16) & 7u)
#define SSE_D_SREG(d)  (((d) >> 19) & 7u)
#define SSE_D_SEG(d)   (((d) >> 22) & 7u)
#define SSE_D_MSIZE(d) (1u << (((d) >> 25) & 7u))
#define SSE_D_A32      (1u << 28)
/* Descriptor word 2: imm8. */
#define SSE_D2_IMM(d) ((d)&0xffu)

enum sse_cls { SSE_NONE, SSE_GPR, SSE_MMX, SSE_XMM, SSE_MEM, SSE_IMM };

struct sse {
    CPUX86State *env;
    struct x86_xmm d, s; /* destination (old value in, result out), source */
    unsigned width;      /* 8 (MMX) or 16 (XMM) bytes of packed integer lanes */
    unsigned imm;
    enum sse_cls dcls, scls;
    uint32_t seg, off; /* memory operand */
    bool a32;
    bool write; /* kernels clear it when the destination stays as it was */
    struct sf_status st;
};

struct sse_row;
typedef void (*sse_kernel)(struct sse *s, const struct sse_row *row);
typedef uint64_t (*sse_lane_fn)(uint64_t a, uint64_t b, unsigned bits);

/* Row flags. */
enum {
    SSE_F_UNALIGNED = 0x01, /* a 16-byte memory operand needs no alignment */
    SSE_F_FP = 0x02,        /* floating point: MXCSR flags, #XM */
    SSE_F_LOAD_MEM = 0x04,  /* the memory destination is read first (LDMXCSR) */
    SSE_F_MMX = 0x08,       /* MMX state checks without an MMX operand (EMMS) */
    SSE_F_SSE = 0x10,       /* SSE state checks without an XMM operand (LDMXCSR) */
};

struct sse_row {
    sse_kernel fn;
    sse_lane_fn lane;
    uint16_t arg;
    uint8_t esize; /* element bytes */
    uint8_t flags;
};

static inline uint64_t sse_lane(const struct x86_xmm *x, unsigned bytes, unsigned i)
{
    unsigned bit = i * bytes * 8;
    uint64_t q = x->q[bit / 64];
    return bytes == 8 ? q : (q >> (bit % 64)) & ((UINT64_C(1) << bytes * 8) - 1);
}

static inline void sse_set_lane(struct x86_xmm *x, unsigned bytes, unsigned i, uint64_t v)
{
    unsigned bit = i * bytes * 8;
    if (bytes == 8) {
        x->q[bit / 64] = v;
        return;
    }
    uint64_t m = ((UINT64_C(1) << bytes * 8) - 1) << (bit % 64);
    x->q[bit / 64] = (x->q[bit / 64] & ~m) | ((v << (bit % 64)) & m);
}

static inline int64_t sse_sext(uint64_t v, unsigned bits)
{
    return bits == 64 ? (int64_t)v : (int64_t)(v << (64 - bits)) >> (64 - bits);
}

/* Kernels, by file. helper-sse-int.c: */
void sse_k_int(struct sse *s, const struct sse_row *r);
void sse_k_shift(struct sse *s, const struct sse_row *r);
void sse_k_bytes_shift(struct sse *s, const struct sse_row *r);
void sse_k_pack(struct sse *s, const struct sse_row *r);
void sse_k_unpack(struct sse *s, const struct sse_row *r);
void sse_k_pshuf(struct sse *s, const struct sse_row *r);
void sse_k_shufp(struct sse *s, const struct sse_row *r);
void sse_k_pmaddwd(struct sse *s, const struct sse_row *r);
void sse_k_pmuludq(struct sse *s, const struct sse_row *r);
void sse_k_psadbw(struct sse *s, const struct sse_row *r);
void sse_k_movmsk(struct sse *s, const struct sse_row *r);
void sse_k_pextrw(struct sse *s, const struct sse_row *r);
void sse_k_pinsrw(struct sse *s, const struct sse_row *r);
uint64_t sse_lane_add(uint64_t a, uint64_t b, unsigned bits);
uint64_t sse_lane_sub(uint64_t a, uint64_t b, unsigned bits);
uint64_t sse_lane_adds(uint64_t a, uint64_t b, unsigned bits);
uint64_t sse_lane_addus(uint64_t a, uint64_t b, unsigned bits);
uint64_t sse_lane_subs(uint64_t a, uint64_t b, unsigned bits);
uint64_t sse_lane_subus(uint64_t a, uint64_t b, unsigned bits);
uint64_t sse_lane_mullo(uint64_t a, uint64_t b, unsigned bits);
uint64_t sse_lane_mulhi(uint64_t a, uint64_t b, unsigned bits);
uint64_t sse_lane_mulhu(uint64_t a, uint64_t b, unsigned bits);
uint64_t sse_lane_and(uint64_t a, uint64_t b, unsigned bits);
uint64_t sse_lane_andn(uint64_t a, uint64_t b, unsigned bits);
uint64_t sse_lane_or(uint64_t a, uint64_t b, unsigned bits);
uint64_t sse_lane_xor(uint64_t a, uint64_t b, unsigned bits);
uint64_t sse_lane_cmpeq(uint64_t a, uint64_t b, unsigned bits);
uint64_t sse_lane_cmpgt(uint64_t a, uint64_t b, unsigned bits);
uint64_t sse_lane_minu(uint64_t a, uint64_t b, unsigned bits);
uint64_t sse_lane_maxu(uint64_t a, uint64_t b, unsigned bits);
uint64_t sse_lane_mins(uint64_t a, uint64_t b, unsigned bits);
uint64_t sse_lane_maxs(uint64_t a, uint64_t b, unsigned bits);
uint64_t sse_lane_avg(uint64_t a, uint64_t b, unsigned bits);
/* helper-sse-fp.c */
void sse_k_fp(struct sse *s, const struct sse_row *r);
void sse_k_fpcmp(struct sse *s, const struct sse_row *r);
void sse_k_comi(struct sse *s, const struct sse_row *r);
void sse_k_cvt(struct sse *s, const struct sse_row *r);
/* helper-sse-hostfp.c: the host's float/double for ADD/SUB/MUL/DIV/SQRT (SSE_FP_*) where it
 * gives the soft-float result and raises no flag MXCSR does not already hold; false: take
 * cpu/softfloat. */
bool sse_host_fp_usable(uint32_t mxcsr);
bool sse_host_fp(unsigned op, unsigned esize, uint32_t mxcsr, uint64_t a, uint64_t b,
                 uint64_t *out);
/* helper-sse-move.c */
void sse_k_copy(struct sse *s, const struct sse_row *r);
void sse_k_movz(struct sse *s, const struct sse_row *r);
void sse_k_movs(struct sse *s, const struct sse_row *r);
void sse_k_movlo(struct sse *s, const struct sse_row *r);
void sse_k_movhi(struct sse *s, const struct sse_row *r);
void sse_k_movhl(struct sse *s, const struct sse_row *r);
void sse_k_maskmov(struct sse *s, const struct sse_row *r);
void sse_k_emms(struct sse *s, const struct sse_row *r);
void sse_k_ldmxcsr(struct sse *s, const struct sse_row *r);
void sse_k_stmxcsr(struct sse *s, const struct sse_row *r);

/* FP operations of sse_k_fp (row arg). */
enum {
    SSE_FP_ADD,
    SSE_FP_SUB,
    SSE_FP_MUL,
    SSE_FP_DIV,
    SSE_FP_MIN,
    SSE_FP_MAX,
    SSE_FP_SQRT,
    SSE_FP_RCP,
    SSE_FP_RSQRT
};
#define SSE_FP_SCALAR 0x100u /* arg flag: lane 0 only */
/* Conversions (sse_k_cvt arg): source and destination type, lanes, truncation. */
enum { SSE_T_I32, SSE_T_F32, SSE_T_F64 };
#define SSE_CVT(from, to, n, trunc) ((from) | (to) << 2 | (n) << 4 | (trunc) << 8)
/* Bitwise/shift kinds (sse_k_shift arg). */
enum { SSE_SH_LEFT, SSE_SH_RIGHT, SSE_SH_ARITH };

#endif
