/* The x87 instructions D8-DF (Intel SDM Vol. 1 ch. 8, Vol. 2 FADD ... FYL2XP1): one helper
 * per instruction works on a copy of the FPU state, stores to memory last and then commits,
 * so a fault leaves the FPU as it was. Stack faults, masked responses and #MF/FERR here;
 * the arithmetic is cpu/fpu/. */
#include "helper-fpu.h"

#include <string.h>

enum { FSW_CC_KEEP = FPX_C0 | FPX_C2 | FPX_C3 };

/* ---- Memory ---- */

static uint32_t addr(const struct x87 *x, uint32_t disp)
{
    uint32_t a = x->off + disp;
    return (x->desc & X87_DESC_A32) ? a : (a & 0xffffu);
}

uint32_t x87_ld(struct x87 *x, uint32_t disp, unsigned size)
{
    return cpu_ld_seg(x->env, X87_DESC_SEG(x->desc), addr(x, disp), size);
}

void x87_st(struct x87 *x, uint32_t disp, uint32_t v, unsigned size)
{
    cpu_st_seg(x->env, X87_DESC_SEG(x->desc), addr(x, disp), v, size);
}

static uint64_t ld64(struct x87 *x, uint32_t disp)
{
    uint64_t lo = x87_ld(x, disp, 4);
    return lo | (uint64_t)x87_ld(x, disp + 4, 4) << 32;
}

static void st64(struct x87 *x, uint32_t disp, uint64_t v)
{
    x87_st(x, disp, (uint32_t)v, 4);
    x87_st(x, disp + 4, (uint32_t)(v >> 32), 4);
}

struct floatx80 x87_ld80(struct x87 *x, uint32_t disp)
{
    uint64_t sig = ld64(x, disp);
    return (struct floatx80){sig, (uint16_t)x87_ld(x, disp + 8, 2)};
}

void x87_st80(struct x87 *x, uint32_t disp, struct floatx80 v)
{
    st64(x, disp, v.sig);
    x87_st(x, disp + 8, v.se, 2);
}

/* ---- Registers and the stack ---- */

struct floatx80 x87_get(const struct x87 *x, unsigned i)
{
    const struct x86_fpreg *r = &x->f.r[(x->f.top + i) & 7];
    return (struct floatx80){r->sig, r->se};
}

void x87_set(struct x87 *x, unsigned i, struct floatx80 v)
{
    unsigned p = (x->f.top + i) & 7;
    x->f.r[p] = (struct x86_fpreg){.sig = v.sig, .se = v.se};
    x->f.empty &= (uint8_t) ~(1u << p);
}

bool x87_empty(const struct x87 *x, unsigned i)
{
    return (x->f.empty >> ((x->f.top + i) & 7)) & 1;
}

static void push(struct x87 *x, struct floatx80 v)
{
    x->f.top = (x->f.top - 1) & 7;
    x87_set(x, 0, v);
}

static void pop(struct x87 *x)
{
    x->f.empty |= (uint8_t)(1u << x->f.top);
    x->f.top = (x->f.top + 1) & 7;
}

unsigned x87_tag(const struct x86_fpreg *r, bool empty)
{
    unsigned e = r->se & 0x7fff;
    if (empty)
        return 3;
    if (e == 0 && r->sig == 0)
        return 1;
    if (e == 0 || e == 0x7fff || !(r->sig >> 63))
        return 2;
    return 0;
}

/* Stack overflow (push onto a full register) or underflow (empty source): IE with SF,
 * C1 = overflow (SDM Vol. 1 §8.5.1.1). True when masked: the caller stores the indefinite. */
static bool stack_fault(struct x87 *x, bool overflow)
{
    x->st.sw = (uint16_t)((x->st.sw & ~FPX_C1) | FPX_IE | X86_FPU_SW_SF | (overflow ? FPX_C1 : 0));
    return x->f.cw & FPX_IE;
}

/* Underflow check of ST(i) and ST(j) (j = i for one operand). */
static bool need(struct x87 *x, unsigned i, unsigned j)
{
    if (!x87_empty(x, i) && !x87_empty(x, j))
        return true;
    stack_fault(x, false);
    return false;
}

static bool masked_ie(const struct x87 *x)
{
    return x->f.cw & FPX_IE;
}

/* A push: false (after the masked response) when ST(7) is in use. */
static bool push_ok(struct x87 *x)
{
    if (x87_empty(x, 7))
        return true;
    if (stack_fault(x, true))
        push(x, fpx_indefinite());
    return false;
}

static bool suppressed(const struct x87 *x, bool to_memory)
{
    return fpx_result_suppressed(&x->st, to_memory);
}

/* ---- Exceptions ---- */

void x87_commit(CPUX86State *env, struct x86_fpu f)
{
    bool es = (f.sw & ~f.cw & FPX_EXC_MASK) != 0;
    bool was = (env->fpu.sw & X86_FPU_SW_ES) != 0;
    f.sw = (uint16_t)((f.sw & ~(X86_FPU_SW_ES | X86_FPU_SW_B)) |
                      (es ? X86_FPU_SW_ES | X86_FPU_SW_B : 0));
    env->fpu = f;
    struct x86_cpu *cpu = cpu_of(env);
    if (es != was && cpu->ferr && (!(env->cr[0] & X86_CR0_NE) || !es))
        cpu->ferr(cpu->ferr_opaque, es);
}

void x87_finit(struct x86_fpu *f)
{
    uint32_t mxcsr = f->mxcsr;
    struct x86_fpreg r[8];
    memcpy(r, f->r, sizeof(r));
    *f = (struct x86_fpu){.cw = FPX_CW_DEFAULT, .empty = 0xff, .mxcsr = mxcsr};
    memcpy(f->r, r, sizeof(r)); /* FINIT leaves the register contents */
}

/* A waiting instruction with an unmasked exception pending takes #MF first when CR0.NE=1;
 * with NE=0 the exception went out as FERR (IRQ13) and the instruction runs (SDM Vol. 1
 * §8.7, D.2). */
static void check_pending(CPUX86State *env)
{
    if ((env->fpu.sw & X86_FPU_SW_ES) && (env->cr[0] & X86_CR0_NE))
        cpu_raise_exception(env, 16, 0);
}

void x86_helper_fwait(CPUX86State *env)
{
    if ((env->cr[0] & (X86_CR0_MP | X86_CR0_TS)) == (X86_CR0_MP | X86_CR0_TS))
        cpu_raise_exception(env, 7, 0);
    check_pending(env);
}

/* ---- Arithmetic ---- */

/* kind: ModRM.reg of D8 (0 add, 1 mul, 4 sub a-b, 5 subr b-a, 6 div a/b, 7 divr b/a). */
static struct floatx80 arith(struct x87 *x, unsigned kind, struct floatx80 a, struct floatx80 b)
{
    switch (kind) {
    case 0: return fpx_add(&x->st, a, b);
    case 1: return fpx_mul(&x->st, a, b);
    case 4: return fpx_sub(&x->st, a, b);
    case 5: return fpx_sub(&x->st, b, a);
    case 6: return fpx_div(&x->st, a, b);
    default: return fpx_div(&x->st, b, a);
    }
}

/* FCOM family on (a, b): pops after, unless an unmasked exception stops it. */
static void compare(struct x87 *x, struct floatx80 a, struct floatx80 b, bool quiet, unsigned pops)
{
    fpx_compare(&x->st, a, b, quiet);
    if (suppressed(x, false))
        return;
    while (pops--)
        pop(x);
}

static void compare_underflow(struct x87 *x, unsigned pops)
{
    if (!masked_ie(x))
        return;
    x->st.sw |= FPX_C0 | FPX_C2 | FPX_C3;
    while (pops--)
        pop(x);
}

/* D8/DC/DA/DE with a memory source or ST(i): ST(0) op src, FCOM/FCOMP. */
static void arith_st0(struct x87 *x, struct floatx80 src, unsigned src_reg)
{
    unsigned k = x->reg;
    if (!need(x, 0, src_reg)) {
        if (k == 2 || k == 3)
            compare_underflow(x, k - 2);
        else if (masked_ie(x))
            x87_set(x, 0, fpx_indefinite());
        return;
    }
    if (suppressed(x, false)) /* unmasked DE/IE from loading the source */
        return;
    if (k == 2 || k == 3) {
        compare(x, x87_get(x, 0), src, false, k - 2);
        return;
    }
    struct floatx80 r = arith(x, k, x87_get(x, 0), src);
    if (!suppressed(x, false))
        x87_set(x, 0, r);
}

static struct floatx80 load_mem_source(struct x87 *x)
{
    switch (X87_DESC_OP(x->desc)) {
    case 0: return fpx_from_float32(&x->st, x87_ld(x, 0, 4));
    case 4: return fpx_from_float64(&x->st, ld64(x, 0));
    case 2: return fpx_from_int64((int32_t)x87_ld(x, 0, 4));
    default: return fpx_from_int64((int16_t)x87_ld(x, 0, 2));
    }
}

static void op_arith_mem(struct x87 *x)
{
    arith_st0(x, load_mem_source(x), 0);
}

/* D8 register forms: ST(0) = ST(0) op ST(i). */
static void op_arith_d8(struct x87 *x)
{
    arith_st0(x, x87_get(x, x->rm), x->rm);
}

/* DC and DE register forms: ST(i) = ST(i) op ST(0) (reg 4-7 name the reverse forms). */
static void op_arith_dc(struct x87 *x)
{
    bool p = X87_DESC_OP(x->desc) == 6;
    unsigned k = x->reg >= 4 ? x->reg ^ 1 : x->reg;
    if (x->reg == 2 || x->reg == 3) { /* FCOM2/FCOMP3/FCOMP5 aliases */
        x->reg = p ? 3 : x->reg;
        op_arith_d8(x);
        return;
    }
    if (!need(x, 0, x->rm)) {
        if (!masked_ie(x))
            return;
        x87_set(x, x->rm, fpx_indefinite());
    } else {
        struct floatx80 r = arith(x, k, x87_get(x, x->rm), x87_get(x, 0));
        if (suppressed(x, false))
            return;
        x87_set(x, x->rm, r);
    }
    if (p)
        pop(x);
}

/* ---- Loads and stores ---- */

static void op_fld_mem(struct x87 *x)
{
    unsigned op = X87_DESC_OP(x->desc);
    struct floatx80 v;
    if (op == 1)
        v = fpx_from_float32(&x->st, x87_ld(x, 0, 4));
    else if (op == 5)
        v = fpx_from_float64(&x->st, ld64(x, 0));
    else if (op == 3 && x->reg == 0)
        v = fpx_from_int64((int32_t)x87_ld(x, 0, 4));
    else if (op == 3)
        v = x87_ld80(x, 0);
    else if (x->reg == 0)
        v = fpx_from_int64((int16_t)x87_ld(x, 0, 2));
    else if (x->reg == 5)
        v = fpx_from_int64((int64_t)ld64(x, 0));
    else {
        uint8_t bcd[10];
        for (unsigned i = 0; i < 10; i++)
            bcd[i] = (uint8_t)x87_ld(x, i, 1);
        v = fpx_from_bcd(bcd);
    }
    if (!push_ok(x))
        return;
    if (x->st.sw & ~x->f.cw & FPX_IE) /* unmasked SNaN: nothing loaded */
        return;
    push(x, v);
}

/* The value a store writes: ST(0), or the indefinite after a masked underflow. */
static bool store_source(struct x87 *x, struct floatx80 *v)
{
    if (!x87_empty(x, 0)) {
        *v = x87_get(x, 0);
        return true;
    }
    stack_fault(x, false);
    *v = fpx_indefinite();
    return masked_ie(x);
}

static void finish_store(struct x87 *x, bool do_pop)
{
    if (do_pop && !suppressed(x, true))
        pop(x);
}

/* FST/FSTP m32/m64/m80, FIST/FISTP/FISTTP m16/m32/m64, FBSTP (reg 1-3, 6, 7). */
static void op_fst_mem(struct x87 *x)
{
    unsigned op = X87_DESC_OP(x->desc), r = x->reg;
    struct floatx80 v;
    bool ok = store_source(x, &v);
    bool do_pop = r == 1 || r == 3 || r == 6 || r == 7;
    bool trunc = r == 1;
    if (!ok)
        return;
    if (op == 1) {
        uint32_t f = fpx_to_float32(&x->st, v);
        if (!suppressed(x, true))
            x87_st(x, 0, f, 4);
    } else if (op == 5 && r != 1 && r != 7) {
        uint64_t f = fpx_to_float64(&x->st, v);
        if (!suppressed(x, true))
            st64(x, 0, f);
    } else if (op == 3 && r == 7) {
        x87_st80(x, 0, v);
    } else if (op == 7 && r == 6) {
        uint8_t bcd[10];
        fpx_to_bcd(&x->st, v, bcd);
        if (!suppressed(x, true))
            for (unsigned i = 0; i < 10; i++)
                x87_st(x, i, bcd[i], 1);
    } else if (op == 3) {
        int32_t n = fpx_to_int32(&x->st, v, trunc);
        if (!suppressed(x, true))
            x87_st(x, 0, (uint32_t)n, 4);
    } else if (op == 7 && r == 7) {
        int64_t n = fpx_to_int64(&x->st, v, false);
        if (!suppressed(x, true))
            st64(x, 0, (uint64_t)n);
    } else if (op == 5) { /* FISTTP m64 */
        int64_t n = fpx_to_int64(&x->st, v, true);
        if (!suppressed(x, true))
            st64(x, 0, (uint64_t)n);
    } else {
        int16_t n = fpx_to_int16(&x->st, v, trunc);
        if (!suppressed(x, true))
            x87_st(x, 0, (uint16_t)n, 2);
    }
    finish_store(x, do_pop);
}

static void op_fld_sti(struct x87 *x)
{
    if (x87_empty(x, x->rm)) {
        stack_fault(x, false);
        if (masked_ie(x) && push_ok(x))
            push(x, fpx_indefinite());
        return;
    }
    struct floatx80 v = x87_get(x, x->rm);
    if (push_ok(x))
        push(x, v);
}

/* FST/FSTP ST(i) and the FSTP1/FSTP8/FSTP9 aliases. */
static void op_fst_sti(struct x87 *x)
{
    bool p = x->reg != 2 || X87_DESC_OP(x->desc) != 5;
    struct floatx80 v;
    if (!store_source(x, &v))
        return;
    x87_set(x, x->rm, v);
    if (p)
        pop(x);
}

static void op_fxch(struct x87 *x)
{
    if (!need(x, 0, x->rm)) {
        if (!masked_ie(x))
            return;
        if (x87_empty(x, 0))
            x87_set(x, 0, fpx_indefinite());
        if (x87_empty(x, x->rm))
            x87_set(x, x->rm, fpx_indefinite());
    }
    struct floatx80 a = x87_get(x, 0), b = x87_get(x, x->rm);
    x87_set(x, 0, b);
    x87_set(x, x->rm, a);
}

static void op_ffree(struct x87 *x)
{
    x->f.empty |= (uint8_t)(1u << ((x->f.top + x->rm) & 7));
    if (X87_DESC_OP(x->desc) == 7) /* FFREEP */
        pop(x);
}

/* FUCOM/FUCOMP ST(i) (DD /4 /5). */
static void op_fucom(struct x87 *x)
{
    unsigned pops = x->reg == 5;
    if (!need(x, 0, x->rm))
        compare_underflow(x, pops);
    else
        compare(x, x87_get(x, 0), x87_get(x, x->rm), true, pops);
}

/* FCOMPP (DE D9) and FUCOMPP (DA E9). */
static void op_fcompp(struct x87 *x)
{
    if (!need(x, 0, 1))
        compare_underflow(x, 2);
    else
        compare(x, x87_get(x, 0), x87_get(x, 1), X87_DESC_OP(x->desc) == 2, 2);
}

/* FCOMI/FUCOMI(P): ZF, PF, CF from C3, C2, C0 (OF, SF, AF cleared). */
static void op_fcomi(struct x87 *x)
{
    bool p = X87_DESC_OP(x->desc) == 7, quiet = x->reg == 5;
    uint16_t cc;
    if (!need(x, 0, x->rm)) {
        if (!masked_ie(x))
            return;
        cc = FPX_C0 | FPX_C2 | FPX_C3;
    } else {
        fpx_compare(&x->st, x87_get(x, 0), x87_get(x, x->rm), quiet);
        if (suppressed(x, false))
            return;
        cc = x->st.sw & (FPX_C0 | FPX_C2 | FPX_C3);
        x->st.sw &= (uint16_t) ~(FPX_C0 | FPX_C2 | FPX_C3);
    }
    uint32_t fl =
        ((cc & FPX_C3) ? X86_ZF : 0) | ((cc & FPX_C2) ? X86_PF : 0) | ((cc & FPX_C0) ? X86_CF : 0);
    cpu_set_arith_flags(x->env, fl);
    if (p)
        pop(x);
}

/* FCMOVcc (DA/DB /0-/3): B, E, BE, U; DB negates. */
static void op_fcmov(struct x87 *x)
{
    uint32_t fl = cpu_compute_eflags(x->env);
    bool c = x->reg == 0   ? (fl & X86_CF)
             : x->reg == 1 ? (fl & X86_ZF)
             : x->reg == 2 ? (fl & (X86_CF | X86_ZF))
                           : (fl & X86_PF);
    if (X87_DESC_OP(x->desc) == 3)
        c = !c;
    if (!need(x, 0, x->rm)) {
        if (masked_ie(x))
            x87_set(x, 0, fpx_indefinite());
        return;
    }
    if (c)
        x87_set(x, 0, x87_get(x, x->rm));
}

/* ---- D9 register forms E0-FF ---- */

static void unary(struct x87 *x, struct floatx80 (*fn)(struct fpx_status *, struct floatx80))
{
    if (!need(x, 0, 0)) {
        if (masked_ie(x))
            x87_set(x, 0, fpx_indefinite());
        return;
    }
    struct floatx80 r = fn(&x->st, x87_get(x, 0));
    if (!suppressed(x, false))
        x87_set(x, 0, r);
}

static struct floatx80 do_chs(struct fpx_status *st, struct floatx80 a)
{
    (void)st;
    a.se ^= 0x8000;
    return a;
}

static struct floatx80 do_abs(struct fpx_status *st, struct floatx80 a)
{
    (void)st;
    a.se &= 0x7fff;
    return a;
}

/* ST(0) = f(ST(0), ST(1)) (FPREM, FPREM1, FSCALE). */
static void binary_st0(struct x87 *x,
                       struct floatx80 (*fn)(struct fpx_status *, struct floatx80, struct floatx80))
{
    if (!need(x, 0, 1)) {
        if (masked_ie(x))
            x87_set(x, 0, fpx_indefinite());
        return;
    }
    struct floatx80 r = fn(&x->st, x87_get(x, 0), x87_get(x, 1));
    if (!suppressed(x, false))
        x87_set(x, 0, r);
}

/* ST(1) = f(ST(1), ST(0)), pop (FYL2X, FYL2XP1, FPATAN). */
static void binary_pop(struct x87 *x,
                       struct floatx80 (*fn)(struct fpx_status *, struct floatx80, struct floatx80))
{
    if (!need(x, 0, 1)) {
        if (!masked_ie(x))
            return;
        x87_set(x, 1, fpx_indefinite());
    } else {
        struct floatx80 r = fn(&x->st, x87_get(x, 1), x87_get(x, 0));
        if (suppressed(x, false))
            return;
        x87_set(x, 1, r);
    }
    pop(x);
}

static void op_ftst(struct x87 *x)
{
    if (!need(x, 0, 0))
        compare_underflow(x, 0);
    else
        fpx_compare(&x->st, x87_get(x, 0), fpx_make(false, 0, 0), false);
}

static void op_fxam(struct x87 *x)
{
    struct floatx80 v = x87_get(x, 0);
    if (x87_empty(x, 0)) {
        x->st.sw =
            (uint16_t)((x->st.sw & ~FPX_CC_MASK) | FPX_C3 | FPX_C0 | (fpx_sign(v) ? FPX_C1 : 0));
        return;
    }
    fpx_examine(&x->st, v);
}

/* FXTRACT, FPTAN, FSINCOS: replace ST(0) and push a second result. */
static void op_push2(struct x87 *x, unsigned which)
{
    if (!need(x, 0, 0)) {
        if (!masked_ie(x) || !push_ok(x))
            return;
        x87_set(x, 0, fpx_indefinite());
        push(x, fpx_indefinite());
        return;
    }
    if (!push_ok(x))
        return;
    struct floatx80 a = x87_get(x, 0), r, second;
    if (which == 0) {
        r = fpx_xtract(&x->st, a, &second); /* ST(1) = exponent, ST(0) = significand */
        struct floatx80 t = r;
        r = second;
        second = t;
    } else if (which == 1) {
        r = fpx_tan(&x->st, a);
        second = fpx_classify(r) == FPX_CLASS_QNAN ? r : fpx_make(false, 0x3fff, 1ull << 63);
    } else {
        r = fpx_sincos(&x->st, a, &second);
    }
    if (suppressed(x, false) || (which != 0 && (x->st.sw & FPX_C2)))
        return;
    x87_set(x, 0, r);
    push(x, second);
}

static void op_d9_misc(struct x87 *x)
{
    static const enum fpx_constant consts[7] = {FPX_CONST_ONE, FPX_CONST_L2T, FPX_CONST_L2E,
                                                FPX_CONST_PI,  FPX_CONST_LG2, FPX_CONST_LN2,
                                                FPX_CONST_ZERO};
    unsigned code = (x->reg - 4) * 8 + x->rm; /* E0 = 0 */
    switch (code) {
    case 0x00: unary(x, do_chs); return;
    case 0x01: unary(x, do_abs); return;
    case 0x04: op_ftst(x); return;
    case 0x05: op_fxam(x); return;
    case 0x10: unary(x, fpx_2xm1); return;
    case 0x11: binary_pop(x, fpx_yl2x); return;
    case 0x12: op_push2(x, 1); return;
    case 0x13: binary_pop(x, fpx_atan); return;
    case 0x14: op_push2(x, 0); return;
    case 0x15: binary_st0(x, fpx_prem1); return;
    case 0x16: x->f.top = (x->f.top - 1) & 7; return;
    case 0x17: x->f.top = (x->f.top + 1) & 7; return;
    case 0x18: binary_st0(x, fpx_prem); return;
    case 0x19: binary_pop(x, fpx_yl2xp1); return;
    case 0x1a: unary(x, fpx_sqrt); return;
    case 0x1b: op_push2(x, 2); return;
    case 0x1c: unary(x, fpx_round_to_int); return;
    case 0x1d: binary_st0(x, fpx_scale); return;
    case 0x1e: unary(x, fpx_sin); return;
    case 0x1f: unary(x, fpx_cos); return;
    default: break;
    }
    if (code >= 8 && code < 15 && push_ok(x))
        push(x, fpx_constant(&x->st, consts[code - 8]));
}

static void op_nop(struct x87 *x)
{
    (void)x;
}

/* ---- Control instructions (no pending-exception check, FIP/FOP kept) ---- */

static uint16_t full_sw(const struct x86_fpu *f)
{
    return (uint16_t)((f->sw & ~X86_FPU_SW_TOP) | (f->top << 11));
}

static void op_fldcw(struct x87 *x)
{
    x->f.cw = (uint16_t)x87_ld(x, 0, 2);
}

static void op_fnstcw(struct x87 *x)
{
    x87_st(x, 0, x->f.cw, 2);
}

static void op_fnstsw(struct x87 *x)
{
    if (x->mem)
        x87_st(x, 0, full_sw(&x->f), 2);
    else
        cpu_set_reg(x->env, X86_EAX, 2, full_sw(&x->f));
}

/* DB E0-E7: FENI/FDISI/FSETPM are no-ops since the 287; FNCLEX; FNINIT. */
static void op_db_misc(struct x87 *x)
{
    if (x->rm == 2)
        x->f.sw &= (uint16_t) ~(FPX_EXC_MASK | X86_FPU_SW_SF | X86_FPU_SW_ES | X86_FPU_SW_B);
    else if (x->rm == 3)
        x87_finit(&x->f);
}

/* ---- Dispatch ---- */

enum { K_WAIT = 1, K_CTRL = 2 }; /* waiting, computational (FIP/FOP); or control */

struct x87_row {
    void (*fn)(struct x87 *x);
    uint8_t kind;
};

#define W(fn)                                                                                      \
    {                                                                                              \
        fn, K_WAIT                                                                                 \
    }
#define C(fn)                                                                                      \
    {                                                                                              \
        fn, K_CTRL                                                                                 \
    }
#define CW(fn)                                                                                     \
    {                                                                                              \
        fn, K_CTRL | K_WAIT                                                                        \
    }

/* [opcode - D8][mod == 3][ModRM.reg] */
static const struct x87_row x87_table[8][2][8] = {
    {{W(op_arith_mem), W(op_arith_mem), W(op_arith_mem), W(op_arith_mem), W(op_arith_mem),
      W(op_arith_mem), W(op_arith_mem), W(op_arith_mem)},
     {W(op_arith_d8), W(op_arith_d8), W(op_arith_d8), W(op_arith_d8), W(op_arith_d8),
      W(op_arith_d8), W(op_arith_d8), W(op_arith_d8)}},
    {{W(op_fld_mem), W(op_nop), W(op_fst_mem), W(op_fst_mem), CW(x87_env_insn), CW(op_fldcw),
      C(x87_env_insn), C(op_fnstcw)},
     {W(op_fld_sti), W(op_fxch), W(op_nop), W(op_fst_sti), W(op_d9_misc), W(op_d9_misc),
      W(op_d9_misc), W(op_d9_misc)}},
    {{W(op_arith_mem), W(op_arith_mem), W(op_arith_mem), W(op_arith_mem), W(op_arith_mem),
      W(op_arith_mem), W(op_arith_mem), W(op_arith_mem)},
     {W(op_fcmov), W(op_fcmov), W(op_fcmov), W(op_fcmov), W(op_nop), W(op_fcompp), W(op_nop),
      W(op_nop)}},
    {{W(op_fld_mem), W(op_fst_mem), W(op_fst_mem), W(op_fst_mem), W(op_nop), W(op_fld_mem),
      W(op_nop), W(op_fst_mem)},
     {W(op_fcmov), W(op_fcmov), W(op_fcmov), W(op_fcmov), C(op_db_misc), W(op_fcomi), W(op_fcomi),
      W(op_nop)}},
    {{W(op_arith_mem), W(op_arith_mem), W(op_arith_mem), W(op_arith_mem), W(op_arith_mem),
      W(op_arith_mem), W(op_arith_mem), W(op_arith_mem)},
     {W(op_arith_dc), W(op_arith_dc), W(op_arith_dc), W(op_arith_dc), W(op_arith_dc),
      W(op_arith_dc), W(op_arith_dc), W(op_arith_dc)}},
    {{W(op_fld_mem), W(op_fst_mem), W(op_fst_mem), W(op_fst_mem), CW(x87_env_insn), W(op_nop),
      C(x87_env_insn), C(op_fnstsw)},
     {W(op_ffree), W(op_fxch), W(op_fst_sti), W(op_fst_sti), W(op_fucom), W(op_fucom), W(op_nop),
      W(op_nop)}},
    {{W(op_arith_mem), W(op_arith_mem), W(op_arith_mem), W(op_arith_mem), W(op_arith_mem),
      W(op_arith_mem), W(op_arith_mem), W(op_arith_mem)},
     {W(op_arith_dc), W(op_arith_dc), W(op_arith_dc), W(op_fcompp), W(op_arith_dc), W(op_arith_dc),
      W(op_arith_dc), W(op_arith_dc)}},
    {{W(op_fld_mem), W(op_fst_mem), W(op_fst_mem), W(op_fst_mem), W(op_fld_mem), W(op_fld_mem),
      W(op_fst_mem), W(op_fst_mem)},
     {W(op_ffree), W(op_fxch), W(op_fst_sti), W(op_fst_sti), C(op_fnstsw), W(op_fcomi), W(op_fcomi),
      W(op_nop)}},
};

/* DB E0-E7 (FNCLEX, FNINIT, and the no-ops) and DF E0 (FNSTSW AX) are control rows. */
static struct x87_row row_of(unsigned op, unsigned modrm)
{
    return x87_table[op][(modrm >> 6) == 3][(modrm >> 3) & 7];
}

void x86_helper_x87(CPUX86State *env, uint32_t desc, uint32_t off, uint32_t eip)
{
    unsigned modrm = X87_DESC_MODRM(desc), op = X87_DESC_OP(desc);
    struct x87_row row = row_of(op, modrm);
    if (row.kind & K_WAIT)
        check_pending(env);
    struct x87 x = {.env = env,
                    .f = env->fpu,
                    .desc = desc,
                    .off = off,
                    .reg = (modrm >> 3) & 7,
                    .rm = modrm & 7,
                    .mem = (modrm >> 6) != 3};
    x.st.cw = x.f.cw;
    x.st.sw = x.f.sw & FSW_CC_KEEP;
    if (row.kind & K_CTRL) {
        row.fn(&x);
        x87_commit(env, x.f);
        return;
    }
    row.fn(&x);
    x.f.sw = (uint16_t)((x.f.sw & ~FPX_CC_MASK) | x.st.sw);
    x.f.fop = (uint16_t)((op << 8) | modrm);
    x.f.fip = eip;
    x.f.fcs = env->segs[X86_SEG_CS].selector;
    if (x.mem) {
        x.f.fdp = addr(&x, 0);
        x.f.fds = env->segs[X87_DESC_SEG(desc)].selector;
    }
    x87_commit(env, x.f);
}
