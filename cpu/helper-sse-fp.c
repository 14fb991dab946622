/* Floating-point kernels of SSE and SSE2 on cpu/softfloat: packed and scalar arithmetic,
 * CMPPS-family masks, COMISS/UCOMISS into EFLAGS and the CVT family (Intel SDM Vol. 1 §10.4.2,
 * §11.4.1; Vol. 2 instruction pages). Scalar forms keep the destination's other lanes. */
#include "helper-sse.h"

static const struct sf_fmt *fmt(unsigned esize)
{
    return esize == 4 ? &sf_f32 : &sf_f64;
}

static uint64_t fp_op(struct sse *s, unsigned op, unsigned esize, uint64_t a, uint64_t b)
{
    const struct sf_fmt *f = fmt(esize);
    switch (op) {
    case SSE_FP_ADD: return sf_add(f, &s->st, a, b);
    case SSE_FP_SUB: return sf_sub(f, &s->st, a, b);
    case SSE_FP_MUL: return sf_mul(f, &s->st, a, b);
    case SSE_FP_DIV: return sf_div(f, &s->st, a, b);
    case SSE_FP_MIN: return sf_min(f, &s->st, a, b);
    case SSE_FP_MAX: return sf_max(f, &s->st, a, b);
    case SSE_FP_SQRT: return sf_sqrt(f, &s->st, b);
    case SSE_FP_RCP: return sf_rcp(&s->st, b);
    default: return sf_rsqrt(&s->st, b);
    }
}

void sse_k_fp(struct sse *s, const struct sse_row *r)
{
    unsigned n = (r->arg & SSE_FP_SCALAR) ? 1 : 16 / r->esize, op = r->arg & 0xff;
    bool host = sse_host_fp_usable(s->st.mxcsr);
    for (unsigned i = 0; i < n; i++) {
        uint64_t a = sse_lane(&s->d, r->esize, i), b = sse_lane(&s->s, r->esize, i), v;
        if (!host || !sse_host_fp(op, r->esize, s->st.mxcsr, a, b, &v))
            v = fp_op(s, op, r->esize, a, b);
        sse_set_lane(&s->d, r->esize, i, v);
    }
}

void sse_k_fpcmp(struct sse *s, const struct sse_row *r)
{
    unsigned n = (r->arg & SSE_FP_SCALAR) ? 1 : 16 / r->esize;
    uint64_t ones = r->esize == 4 ? 0xffffffffu : UINT64_MAX;
    for (unsigned i = 0; i < n; i++) {
        bool t = sf_cmp(fmt(r->esize), &s->st, sse_lane(&s->d, r->esize, i),
                        sse_lane(&s->s, r->esize, i), s->imm);
        sse_set_lane(&s->d, r->esize, i, t ? ones : 0);
    }
}

/* ZF, PF, CF from the comparison; OF, SF, AF cleared (SDM Vol. 2 COMISS). */
void sse_k_comi(struct sse *s, const struct sse_row *r)
{
    unsigned f = sf_comi(fmt(r->esize), &s->st, sse_lane(&s->d, r->esize, 0),
                         sse_lane(&s->s, r->esize, 0), r->arg != 0);
    s->write = false;
    if (s->st.flags & ~(s->env->fpu.mxcsr >> SF_MASK_SHIFT) & SF_FLAGS)
        return; /* #XM follows: EFLAGS unchanged */
    cpu_set_arith_flags(s->env, f);
}

static unsigned type_size(unsigned t)
{
    return t == SSE_T_F64 ? 8 : 4;
}

static uint64_t convert(struct sse *s, unsigned from, unsigned to, bool trunc, uint64_t v)
{
    if (from == SSE_T_I32)
        return sf_from_i32(fmt(type_size(to)), &s->st, (int32_t)(uint32_t)v);
    if (to == SSE_T_I32)
        return (uint32_t)sf_to_i32(fmt(type_size(from)), &s->st, v, trunc);
    return sf_convert(fmt(type_size(to)), fmt(type_size(from)), &s->st, v);
}

/* Scalar forms and CVTPI2PS keep the rest of the destination; the packed forms that produce
 * fewer bytes than the register (CVTPD2PS, CVTPD2DQ) zero it. */
void sse_k_cvt(struct sse *s, const struct sse_row *r)
{
    unsigned from = r->arg & 3, to = (r->arg >> 2) & 3, n = (r->arg >> 4) & 7;
    bool trunc = (r->arg >> 8) & 1;
    unsigned fs = type_size(from), ts = type_size(to);
    struct x86_xmm out = s->d;
    bool cvtpi2ps = from == SSE_T_I32 && to == SSE_T_F32 && n == 2;
    if (n > 1 && s->dcls == SSE_XMM && !cvtpi2ps)
        out = (struct x86_xmm){{0, 0}};
    if (s->dcls == SSE_GPR)
        out = (struct x86_xmm){{0, 0}};
    for (unsigned i = 0; i < n; i++)
        sse_set_lane(&out, ts, i, convert(s, from, to, trunc, sse_lane(&s->s, fs, i)));
    s->d = out;
}
