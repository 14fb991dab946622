/* The x87 environment and state images: FLDENV/FNSTENV and FRSTOR/FNSAVE in the 16- and
 * 32-bit, real- and protected-mode layouts (Intel SDM Vol. 1 §8.1.10, figures 8-9 to 8-12),
 * FXSAVE/FXRSTOR's 512-byte image with XMM0-7 at 160 (Vol. 2 FXSAVE, table 3-53 legacy
 * layout). */
#include "helper-fpu.h"

static uint16_t tag_word(const struct x86_fpu *f)
{
    uint16_t tw = 0;
    for (unsigned i = 0; i < 8; i++)
        tw |= (uint16_t)(x87_tag(&f->r[i], (f->empty >> i) & 1) << (2 * i));
    return tw;
}

static bool real_layout(const CPUX86State *env)
{
    return !(env->hflags & X86_HF_PE) || (env->hflags & X86_HF_VM);
}

/* Real-mode images hold 20-bit (16-bit form) or 32-bit linear pointers. */
static uint32_t linear_ptr(uint16_t sel, uint32_t off)
{
    return ((uint32_t)sel << 4) + off;
}

static void store_env(struct x87 *x)
{
    const struct x86_fpu *f = &x->f;
    uint16_t sw = (uint16_t)((f->sw & ~X86_FPU_SW_TOP) | (f->top << 11));
    bool o32 = x->desc & X87_DESC_O32, real = real_layout(x->env);
    unsigned w = o32 ? 4 : 2;
    uint32_t ip = real ? linear_ptr(f->fcs, f->fip) : f->fip;
    uint32_t dp = real ? linear_ptr(f->fds, f->fdp) : f->fdp;
    uint32_t hi = o32 ? 0xffff0000u : 0; /* reserved halves read as ones */
    x87_st(x, 0, hi | f->cw, w);
    x87_st(x, w, hi | sw, w);
    x87_st(x, 2 * w, hi | tag_word(f), w);
    if (real) {
        x87_st(x, 3 * w, hi | (ip & 0xffffu), w);
        x87_st(x, 4 * w, (ip >> 16 << 12) | (f->fop & 0x7ffu), w);
        x87_st(x, 5 * w, hi | (dp & 0xffffu), w);
        x87_st(x, 6 * w, (dp >> 16 << 12), w);
    } else {
        x87_st(x, 3 * w, ip, w);
        x87_st(x, 4 * w, (o32 ? (uint32_t)(f->fop & 0x7ffu) << 16 : 0) | f->fcs, w);
        x87_st(x, 5 * w, dp, w);
        x87_st(x, 6 * w, hi | f->fds, w);
    }
}

static void load_env(struct x87 *x, struct x86_fpu *f)
{
    bool o32 = x->desc & X87_DESC_O32, real = real_layout(x->env);
    unsigned w = o32 ? 4 : 2;
    uint32_t v[7];
    for (unsigned i = 0; i < 7; i++)
        v[i] = x87_ld(x, i * w, w);
    f->cw = (uint16_t)v[0];
    f->sw = (uint16_t)(v[1] & ~X86_FPU_SW_TOP);
    f->top = (v[1] >> 11) & 7;
    f->empty = 0;
    for (unsigned i = 0; i < 8; i++)
        if (((v[2] >> (2 * i)) & 3) == 3)
            f->empty |= (uint8_t)(1u << i);
    if (real) {
        f->fip = (v[3] & 0xffffu) | (v[4] >> 12 << 16);
        f->fop = v[4] & 0x7ffu;
        f->fdp = (v[5] & 0xffffu) | (v[6] >> 12 << 16);
        f->fcs = f->fds = 0;
    } else {
        f->fip = v[3];
        f->fcs = (uint16_t)v[4];
        f->fop = o32 ? (v[4] >> 16) & 0x7ffu : f->fop;
        f->fdp = v[5];
        f->fds = (uint16_t)v[6];
    }
}

/* D9 /4 FLDENV, D9 /6 FNSTENV, DD /4 FRSTOR, DD /6 FNSAVE. */
void x87_env_insn(struct x87 *x)
{
    bool save = X87_DESC_OP(x->desc) == 5;
    unsigned regs = (x->desc & X87_DESC_O32) ? 28 : 14;
    if (x->reg == 6) {
        store_env(x);
        for (unsigned i = 0; save && i < 8; i++)
            x87_st80(x, regs + 10 * i, x87_get(x, i));
        if (save)
            x87_finit(&x->f);
        else
            x->f.cw |= FPX_EXC_MASK; /* FNSTENV masks every exception */
        return;
    }
    struct x86_fpu f = x->f;
    load_env(x, &f);
    if (save)
        for (unsigned i = 0; i < 8; i++) {
            struct floatx80 v = x87_ld80(x, regs + 10 * i);
            f.r[(f.top + i) & 7] = (struct x86_fpreg){.sig = v.sig, .se = v.se};
        }
    x->f = f;
}

/* ---- FXSAVE / FXRSTOR ---- */

static void fx_check(CPUX86State *env, uint32_t desc, uint32_t off)
{
    (void)desc;
    uint32_t lin = (uint32_t)env->segs[X87_DESC_SEG(desc)].base + off;
    if (lin & 15)
        cpu_raise_exception(env, 13, 0);
}

/* which: 0 FXSAVE, 1 FXRSTOR; desc as x87 (seg, O32, A32). */
void x86_helper_fxsave(CPUX86State *env, uint32_t which, uint32_t desc, uint32_t off)
{
    struct x87 x = {.env = env, .f = env->fpu, .desc = desc, .off = off, .mem = true};
    struct x86_fpu *f = &x.f;
    fx_check(env, desc, off);
    if (which == 0) {
        uint8_t ftw = (uint8_t)~f->empty;
        x87_st(&x, 0, f->cw | (uint32_t)((f->sw & ~X86_FPU_SW_TOP) | (f->top << 11)) << 16, 4);
        x87_st(&x, 4, ftw | (uint32_t)f->fop << 16, 4);
        x87_st(&x, 8, f->fip, 4);
        x87_st(&x, 12, f->fcs, 4);
        x87_st(&x, 16, f->fdp, 4);
        x87_st(&x, 20, f->fds, 4);
        x87_st(&x, 24, f->mxcsr, 4);
        x87_st(&x, 28, cpu_mxcsr_mask(env), 4);
        for (unsigned i = 0; i < 8; i++) {
            x87_st80(&x, 32 + 16 * i, x87_get(&x, i));
            x87_st(&x, 42 + 16 * i, 0, 2);
            x87_st(&x, 44 + 16 * i, 0, 4);
        }
        for (unsigned i = 0; i < 8; i++)
            for (unsigned j = 0; j < 4; j++)
                x87_st(&x, 160 + 16 * i + 4 * j, (uint32_t)(env->xmm[i].q[j / 2] >> (32 * (j & 1))),
                       4);
        return;
    }
    uint32_t mxcsr = x87_ld(&x, 24, 4);
    if (mxcsr & ~cpu_mxcsr_mask(env))
        cpu_raise_exception(env, 13, 0);
    uint32_t w0 = x87_ld(&x, 0, 4), w1 = x87_ld(&x, 4, 4);
    struct x86_fpreg r[8];
    for (unsigned i = 0; i < 8; i++) {
        struct floatx80 v = x87_ld80(&x, 32 + 16 * i);
        r[i] = (struct x86_fpreg){.sig = v.sig, .se = v.se};
    }
    struct x86_xmm xmm[8];
    for (unsigned i = 0; i < 8; i++)
        for (unsigned j = 0; j < 2; j++)
            xmm[i].q[j] = x87_ld(&x, 160 + 16 * i + 8 * j, 4) |
                          (uint64_t)x87_ld(&x, 164 + 16 * i + 8 * j, 4) << 32;
    f->cw = (uint16_t)w0;
    f->sw = (uint16_t)((w0 >> 16) & ~X86_FPU_SW_TOP);
    f->top = (w0 >> 27) & 7;
    f->empty = (uint8_t)~w1;
    f->fop = (w1 >> 16) & 0x7ff;
    f->fip = x87_ld(&x, 8, 4);
    f->fcs = (uint16_t)x87_ld(&x, 12, 2);
    f->fdp = x87_ld(&x, 16, 4);
    f->fds = (uint16_t)x87_ld(&x, 20, 2);
    f->mxcsr = mxcsr;
    for (unsigned i = 0; i < 8; i++)
        f->r[(f->top + i) & 7] = r[i];
    for (unsigned i = 0; i < 8; i++)
        env->xmm[i] = xmm[i];
    x87_commit(env, *f);
}
