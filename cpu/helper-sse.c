/* The MMX/SSE/SSE2 helper: state checks (#UD by CR0.EM/CR4.OSFXSR, #NM by CR0.TS, #MF for
 * MMX; SDM Vol. 3A §2.5 table 2-2, §13.1), operand fetch and write-back, the MMX
 * transition of the x87 tags (Vol. 1 §9.5.1), #XM or #UD by CR4.OSXMMEXCPT (Vol. 1 §11.5.3),
 * and dispatch through helper-sse.def. */
#include "helper-sse.h"

#define CR4_OSFXSR     0x200u
#define CR4_OSXMMEXCPT 0x400u

#define sse_lane_none NULL
static const struct sse_row rows[X86_MN_COUNT] = {
#define X(mn, k, lane, arg, esize, flags)                                                          \
    [X86_MN_##mn] = {sse_k_##k, sse_lane_##lane, (uint16_t)(arg), esize, flags},
#include "helper-sse.def"
#undef X
};

uint32_t cpu_mxcsr_mask(const CPUX86State *env)
{
    bool daz = cpu_of((CPUX86State *)env)->features & X86_FEATURE_BIT(X86_FEAT_SSE2);
    return daz ? 0xffffu : 0xffbfu;
}

static void check_state(CPUX86State *env, bool mmx, bool xmm)
{
    uint64_t cr0 = env->cr[0];
    if ((cr0 & X86_CR0_EM) || (xmm && !(env->cr[4] & CR4_OSFXSR)))
        cpu_raise_exception(env, 6, 0);
    if (cr0 & X86_CR0_TS)
        cpu_raise_exception(env, 7, 0);
    if (mmx && (env->fpu.sw & X86_FPU_SW_ES))
        cpu_raise_exception(env, 16, 0);
}

static void check_alignment(struct sse *s, unsigned size, const struct sse_row *row)
{
    uint32_t lin = (uint32_t)s->env->segs[s->seg].base + s->off;
    if (size == 16 && !(row->flags & SSE_F_UNALIGNED) && (lin & 15))
        cpu_raise_exception(s->env, 13, 0);
}

static uint32_t mem_off(const struct sse *s, unsigned disp)
{
    uint32_t o = s->off + disp;
    return s->a32 ? o : (o & 0xffffu);
}

static void load_mem(struct sse *s, struct x86_xmm *x, unsigned size)
{
    *x = (struct x86_xmm){{0, 0}};
    if (size < 4) {
        x->q[0] = cpu_ld_seg(s->env, s->seg, mem_off(s, 0), size);
        return;
    }
    for (unsigned i = 0; i < size; i += 4)
        sse_set_lane(x, 4, i / 4, cpu_ld_seg(s->env, s->seg, mem_off(s, i), 4));
}

/* The last byte is probed first so a store crossing into a faulting page writes nothing. */
static void store_mem(struct sse *s, const struct x86_xmm *x, unsigned size)
{
    if (size > 4) {
        uint32_t last = mem_off(s, size - 1);
        cpu_st_seg(s->env, s->seg, last, cpu_ld_seg(s->env, s->seg, last, 1), 1);
    }
    if (size < 4) {
        cpu_st_seg(s->env, s->seg, mem_off(s, 0), (uint32_t)x->q[0], size);
        return;
    }
    for (unsigned i = 0; i < size; i += 4)
        cpu_st_seg(s->env, s->seg, mem_off(s, i), (uint32_t)sse_lane(x, 4, i / 4), 4);
}

static void load(struct sse *s, struct x86_xmm *x, enum sse_cls cls, unsigned reg, unsigned size)
{
    CPUX86State *env = s->env;
    *x = (struct x86_xmm){{0, 0}};
    switch (cls) {
    case SSE_GPR: x->q[0] = (uint32_t)env->regs[reg]; break;
    case SSE_MMX: x->q[0] = env->fpu.r[reg].sig; break;
    case SSE_XMM: *x = env->xmm[reg]; break;
    case SSE_MEM: load_mem(s, x, size); break;
    case SSE_IMM: x->q[0] = s->imm; break;
    default: break;
    }
}

static void write_back(struct sse *s, unsigned reg, unsigned size)
{
    CPUX86State *env = s->env;
    switch (s->dcls) {
    case SSE_GPR: env->regs[reg] = (uint32_t)s->d.q[0]; break;
    case SSE_MMX:
        env->fpu.r[reg].sig = s->d.q[0];
        env->fpu.r[reg].se = 0xffff;
        break;
    case SSE_XMM: env->xmm[reg] = s->d; break;
    case SSE_MEM: store_mem(s, &s->d, size); break;
    default: break;
    }
}

/* Unmasked SIMD floating-point exceptions: flags set (for packed forms the union over the
 * lanes, then sf_trap_flags' rule), destination unchanged, #XM (or #UD when the OS has not
 * set CR4.OSXMMEXCPT). */
static void fp_exceptions(struct sse *s)
{
    CPUX86State *env = s->env;
    uint32_t flags = sf_trap_flags(env->fpu.mxcsr, s->st.flags & SF_FLAGS);
    uint32_t unmasked = flags & ~(env->fpu.mxcsr >> SF_MASK_SHIFT);
    env->fpu.mxcsr |= flags;
    if (unmasked)
        cpu_raise_exception(env, (env->cr[4] & CR4_OSXMMEXCPT) ? 19 : 6, 0);
}

/* One quadword of an FP operation on the host: its one float64 lane or its lanes float32
 * lanes. */
static bool fp_quad_fast(const struct sse_row *row, uint32_t mxcsr, uint64_t d, uint64_t s,
                         unsigned lanes, uint64_t *out)
{
    unsigned esize = row->esize, op = row->arg & 0xff;
    uint64_t mask = esize == 8 ? UINT64_MAX : UINT64_C(0xffffffff), r = d;
    for (unsigned i = 0; i < lanes; i++) {
        unsigned sh = i * 32;
        uint64_t v;
        if (!sse_host_fp(op, esize, mxcsr, (d >> sh) & mask, (s >> sh) & mask, &v))
            return false;
        r = (r & ~(mask << sh)) | (v << sh);
    }
    *out = r;
    return true;
}

/* ADDPD/MULPS/... between XMM registers on the host's floating point (helper-sse-hostfp.c)
 * without building the generic context: the state checks pass (no EM, OSFXSR set, no TS),
 * MXCSR allows it and every lane's result is exact for the host; else false, nothing changed.
 * The quadwords stay in registers: storing lanes into a copy of the register and reading it
 * back whole stalled store forwarding. */
static bool fp_xmm_fast(CPUX86State *env, uint32_t desc, const struct sse_row *row)
{
    if (row->fn != sse_k_fp || SSE_D_DCLS(desc) != SSE_XMM || SSE_D_SCLS(desc) != SSE_XMM ||
        (env->cr[0] & (X86_CR0_EM | X86_CR0_TS)) || !(env->cr[4] & CR4_OSFXSR) ||
        !sse_host_fp_usable(env->fpu.mxcsr))
        return false;
    bool scalar = row->arg & SSE_FP_SCALAR;
    unsigned lanes = scalar || row->esize == 8 ? 1 : 2;
    struct x86_xmm *d = &env->xmm[SSE_D_DREG(desc)];
    const struct x86_xmm *s = &env->xmm[SSE_D_SREG(desc)];
    uint64_t q0, q1 = d->q[1];
    if (!fp_quad_fast(row, env->fpu.mxcsr, d->q[0], s->q[0], lanes, &q0) ||
        (!scalar && !fp_quad_fast(row, env->fpu.mxcsr, d->q[1], s->q[1], lanes, &q1)))
        return false;
    d->q[0] = q0;
    d->q[1] = q1;
    return true;
}

void x86_helper_sse(CPUX86State *env, uint32_t desc, uint32_t desc2, uint32_t off)
{
    unsigned mn = SSE_D_MN(desc), size = SSE_D_MSIZE(desc);
    const struct sse_row *row = mn < X86_MN_COUNT ? &rows[mn] : NULL;
    if (!row || !row->fn)
        cpu_raise_exception(env, 6, 0);
    if (fp_xmm_fast(env, desc, row))
        return;
    struct sse s = {.env = env,
                    .dcls = SSE_D_DCLS(desc),
                    .scls = SSE_D_SCLS(desc),
                    .imm = SSE_D2_IMM(desc2),
                    .seg = SSE_D_SEG(desc),
                    .off = off,
                    .a32 = (desc & SSE_D_A32) != 0,
                    .write = true,
                    .st = {env->fpu.mxcsr, 0}};
    bool mmx = s.dcls == SSE_MMX || s.scls == SSE_MMX || (row->flags & SSE_F_MMX);
    bool xmm = s.dcls == SSE_XMM || s.scls == SSE_XMM || (row->flags & SSE_F_SSE);
    check_state(env, mmx, xmm);
    s.width = (s.dcls == SSE_XMM || s.scls == SSE_XMM) ? 16 : 8;
    if (s.dcls == SSE_MEM || s.scls == SSE_MEM)
        check_alignment(&s, size, row);
    load(&s, &s.s, s.scls, SSE_D_SREG(desc), size);
    if (s.dcls != SSE_MEM || (row->flags & SSE_F_LOAD_MEM))
        load(&s, &s.d, s.dcls, SSE_D_DREG(desc), size);
    row->fn(&s, row);
    if (row->flags & SSE_F_FP)
        fp_exceptions(&s);
    if (s.write)
        write_back(&s, SSE_D_DREG(desc), size);
    if (s.dcls == SSE_MMX || s.scls == SSE_MMX) {
        env->fpu.top = 0;
        env->fpu.empty = 0;
    }
}
