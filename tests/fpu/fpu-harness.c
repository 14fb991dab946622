/* Seeded operand generators, the soft-float side of every operation of fpu-ops.def, and the
 * comparison/digest helpers shared by the x87 differential test, the replay test and the
 * reference generator. Integer-only, so every host generates the same cases. */
#include "fpu-harness.h"

#include <stdio.h>
#include <string.h>

#define BIAS 16383

static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint32_t below(uint64_t *s, uint32_t n)
{
    return (uint32_t)(rnd(s) % n);
}

/* A random value shifted right by a random count. Each draw is its own statement: the
 * order of evaluation of function arguments and operands differs between compilers and
 * targets, and every host must generate the same cases. */
static uint64_t rand_shifted(uint64_t *s)
{
    uint64_t r = rnd(s);
    return r >> below(s, 64);
}

/* Significands that hit rounding boundaries at 24, 53 and 64 bits. */
static uint64_t rand_sig(uint64_t *s)
{
    uint64_t r = rnd(s), top = 1ull << 63;
    switch (below(s, 8)) {
    case 0: return ~0ull << below(s, 64);
    case 1: return top | (1ull << below(s, 63));
    case 2:
        return top | (r & ~0xffffffffffull) | (1ull << 39) |
               (below(s, 2) ? 0 : 1ull << below(s, 39));
    case 3: return top | (r & ~0x7ffull) | 0x400 | (below(s, 2) ? 0 : 1ull << below(s, 10));
    case 4: return top | (r & ~1ull) | below(s, 2);
    case 5: return top | (r >> below(s, 64));
    default: return top | r;
    }
}

static struct floatx80 rand_special(uint64_t *s)
{
    bool sign = below(s, 2);
    uint64_t r = rnd(s);
    switch (below(s, 13)) {
    case 0: return fpx_make(sign, 0, 0);
    case 1: return fpx_make(sign, 0x7fff, 1ull << 63);
    case 2: return fpx_make(sign, 0x7fff, (3ull << 62) | (r >> below(s, 64) >> 2));
    case 3: return fpx_make(sign, 0x7fff, (1ull << 63) | (r >> 2) | 1);
    case 4: return fpx_indefinite();
    case 5: return fpx_make(sign, (uint16_t)(1 + below(s, 0x7ffe)), r >> 1); /* unnormal */
    case 6: return fpx_make(sign, 0x7fff, 0);
    case 7: return fpx_make(sign, 0x7fff, (r >> 1) | 1); /* pseudo-NaN */
    case 8:
    case 9: return fpx_make(sign, 0, (r >> 1) >> below(s, 64)); /* denormal */
    case 10: return fpx_make(sign, 0, r | (1ull << 63));        /* pseudo-denormal */
    case 11: return fpx_make(sign, 0x7ffe, ~0ull);
    default: return fpx_make(sign, 1, 1ull << 63);
    }
}

static struct floatx80 rand_exp(uint64_t *s, int lo, int hi)
{
    int e = lo + (int)below(s, (uint32_t)(hi - lo + 1));
    bool sign = below(s, 2);
    if (e < 1)
        e = 1;
    if (e > 0x7ffe)
        e = 0x7ffe;
    return fpx_make(sign, (uint16_t)e, rand_sig(s));
}

static struct floatx80 gen_arith_a(uint64_t *s)
{
    uint32_t r = below(s, 100);
    if (r < 30) {
        /* raw encodings: exponent 0 (denormals, pseudo-denormals), 0x7fff (NaNs, pseudo
         * ones) or anything (unnormals included) */
        struct floatx80 v = {rnd(s), 0};
        v.se = (uint16_t)rnd(s);
        if (r < 10)
            v.se &= 0x8000;
        else if (r < 20)
            v.se |= 0x7fff;
        return v;
    }
    if (r < 12)
        return rand_special(s);
    if (r < 20)
        return rand_exp(s, 1, 70);
    if (r < 26)
        return rand_exp(s, 0x7ffe - 70, 0x7ffe);
    if (r < 34)
        return rand_exp(s, 1, 0x7ffe);
    return rand_exp(s, BIAS - 64, BIAS + 64);
}

static struct floatx80 near(uint64_t *s, struct floatx80 a)
{
    int e = fpx_exp(a) + (int)below(s, 5) - 2;
    uint64_t sig = a.sig;
    if (e < 1 || e > 0x7ffe)
        return a;
    switch (below(s, 3)) {
    case 0: sig ^= rand_shifted(s) >> 1; break;
    case 1: sig += below(s, 5) - 2; break;
    default: sig ^= (rnd(s) & 0xffffffffffull);
    }
    return fpx_make(below(s, 2), (uint16_t)e, sig | (1ull << 63));
}

static void gen_arith(uint64_t *s, struct fpu_case *c)
{
    uint32_t r = below(s, 100);
    c->a = gen_arith_a(s);
    if (r < 20) {
        c->b = near(s, c->a);
    } else if (r < 26) {
        c->b = c->a;
        c->b.se ^= (uint16_t)(below(s, 2) << 15);
    } else if (r < 32 && fpx_exp(c->a) > 0 && fpx_exp(c->a) < 0x7fff) {
        /* Products and quotients near the denormal boundary. */
        int e = below(s, 2) ? 2 * BIAS - fpx_exp(c->a) - (int)below(s, 80)
                            : fpx_exp(c->a) + BIAS - 1 + (int)below(s, 80);
        c->b = rand_exp(s, e, e);
    } else {
        c->b = gen_arith_a(s);
    }
}

static void gen_rem(uint64_t *s, struct fpu_case *c)
{
    if (below(s, 10) == 0) {
        gen_arith(s, c);
        return;
    }
    if (below(s, 20) == 0) {
        /* (pseudo-)denormal or zero against infinities, zeros and specials */
        c->a = rand_special(s);
        c->a.se &= 0x8000;
        c->b = rand_special(s);
        return;
    }
    c->b = below(s, 8) ? rand_exp(s, BIAS - 64, BIAS + 64) : rand_exp(s, 1, 40);
    int e = fpx_exp(c->b) + (int)below(s, 160) - 4;
    if (below(s, 2))
        e = fpx_exp(c->b) + (int)below(s, 70) - 2;
    c->a = rand_exp(s, e, e);
}

static struct floatx80 gen_integerish(uint64_t *s, int span)
{
    uint32_t r = below(s, 100);
    if (r < 8)
        return rand_special(s);
    struct floatx80 v = rand_exp(s, BIAS - 3, BIAS + span);
    int frac_bits = 63 - (fpx_exp(v) - BIAS);
    if (r < 40 && frac_bits > 0 && frac_bits < 64) {
        /* exact halves and integers */
        v.sig &= ~0ull << frac_bits;
        if (r < 25)
            v.sig |= 1ull << (frac_bits - 1);
    }
    return v;
}

static void gen_narrow(uint64_t *s, struct fpu_case *c)
{
    static const int edges[] = {-126, -149, -150, 127, 128, -1022, -1074, -1075, 1023, 1024, 0};
    if (below(s, 10) == 0) {
        c->a = rand_special(s);
        return;
    }
    int e = BIAS + edges[below(s, 11)];
    e += (int)below(s, 7) - 3;
    if (below(s, 4) == 0)
        e = BIAS + (int)below(s, 2200) - 1100;
    c->a = rand_exp(s, e, e);
}

static uint64_t gen_ieee(uint64_t *s, int frac_bits, int exp_bits)
{
    uint64_t r = rnd(s), exp_max = (1ull << exp_bits) - 1, e;
    uint64_t frac = r & ((1ull << frac_bits) - 1);
    switch (below(s, 6)) {
    case 0:
        e = 0;
        frac >>= below(s, (uint32_t)frac_bits);
        break;
    case 1:
        e = exp_max;
        frac = below(s, 3) == 0 ? 0 : frac;
        break;
    default: e = (r >> frac_bits) & exp_max;
    }
    return ((uint64_t)below(s, 2) << (frac_bits + exp_bits)) | (e << frac_bits) | frac;
}

static void gen_bcd(uint64_t *s, uint8_t bcd[10])
{
    int digits = (int)below(s, 19);
    for (int i = 0; i < 9; i++)
        bcd[i] = 0;
    for (int i = 0; i < digits; i++)
        bcd[i / 2] |= (uint8_t)(below(s, 10) << (4 * (i & 1)));
    bcd[9] = below(s, 2) ? 0x80 : 0;
}

static void gen_trig(uint64_t *s, struct fpu_case *c)
{
    uint32_t r = below(s, 100);
    if (r < 5) {
        c->a = rand_special(s);
    } else if (r < 15) {
        c->a = rand_exp(s, BIAS + 50, BIAS + 64);
    } else if (r < 30) {
        /* near multiples of pi/4 */
        struct fpx_status st = {.cw = FPX_CW_DEFAULT, .sw = 0};
        struct floatx80 k = fpx_from_int64((int64_t)below(s, 2000) - 1000);
        struct floatx80 pi4 = fpx_make(false, BIAS - 1, 0xc90fdaa22168c235ull);
        c->a = fpx_mul(&st, k, pi4);
        c->a.sig ^= below(s, 64);
    } else if (r < 40) {
        c->a = rand_exp(s, BIAS - 80, BIAS - 10);
    } else {
        c->a = rand_exp(s, BIAS - 8, BIAS + 12);
    }
}

static void gen_log(uint64_t *s, struct fpu_case *c, bool p1)
{
    uint32_t r = below(s, 100);
    c->b = rand_exp(s, BIAS - 10, BIAS + 10);
    if (r < 5) {
        /* FYL2XP1 is undefined for |x| >= 1 - sqrt(2)/2: only the non-finite specials. */
        c->a = rand_special(s);
        while (p1 && fpx_classify(c->a) == FPX_CLASS_NORMAL)
            c->a = rand_special(s);
    } else if (p1) {
        c->a = rand_exp(s, BIAS - 70, BIAS - 3);
        if (r < 30)
            c->a = fpx_make(false, BIAS - 2, (1ull << 63) | (rnd(s) >> 4));
        c->a.se |= (uint16_t)(below(s, 2) << 15);
    } else if (r < 30) {
        c->a = fpx_make(false, BIAS, rnd(s) | (1ull << 63));
        c->a.se -= (uint16_t)below(s, 2);
        if (fpx_exp(c->a) == BIAS)
            c->a.sig = (1ull << 63) | (rand_shifted(s) >> 1);
        else
            c->a.sig |= ~0ull << below(s, 64);
    } else {
        c->a = rand_exp(s, 1, 0x7ffe);
        c->a.se &= 0x7fff;
    }
    /* fyl2x: ST1 = y (b here) and ST0 = x (a); stored as a = y, b = x below. */
    struct floatx80 t = c->a;
    c->a = c->b;
    c->b = t;
}

void fpu_gen_case(uint64_t *s, enum fpu_gen gen, struct fpu_case *c)
{
    memset(c, 0, sizeof(*c));
    switch (gen) {
    case GEN_ARITH: gen_arith(s, c); break;
    case GEN_REM: gen_rem(s, c); break;
    case GEN_INT: c->a = gen_integerish(s, 66); break;
    case GEN_SCALE:
        c->a = gen_arith_a(s);
        c->b = below(s, 6) ? gen_integerish(s, 16) : gen_arith_a(s);
        break;
    case GEN_NARROW: gen_narrow(s, c); break;
    case GEN_F32: c->raw = gen_ieee(s, 23, 8); break;
    case GEN_F64: c->raw = gen_ieee(s, 52, 11); break;
    case GEN_I64: c->raw = rand_shifted(s); break;
    case GEN_BCDOUT: c->a = gen_integerish(s, 60); break;
    case GEN_BCDIN: gen_bcd(s, c->bcd); break;
    case GEN_TRIG: gen_trig(s, c); break;
    case GEN_ATAN:
        c->a = below(s, 20) ? rand_exp(s, BIAS - 70, BIAS + 70) : rand_special(s);
        c->b = below(s, 20) ? rand_exp(s, BIAS - 70, BIAS + 70) : rand_special(s);
        break;
    case GEN_EXP:
        c->a = below(s, 20) ? rand_exp(s, BIAS - 70, BIAS - 1) : rand_special(s);
        if (fpx_classify(c->a) == FPX_CLASS_INF || fpx_classify(c->a) == FPX_CLASS_NORMAL)
            c->a = below(s, 20) ? rand_exp(s, BIAS - 70, BIAS - 1)
                                : fpx_make(below(s, 2), BIAS, 1ull << 63);
        break;
    case GEN_LOG: gen_log(s, c, false); break;
    case GEN_LOGP1: gen_log(s, c, true); break;
    }
}

int fpu_mode_count(const struct fpu_op *op)
{
    return op->transcendental ? 8 : 24;
}

uint16_t fpu_mode_cw(const struct fpu_op *op, int mode)
{
    static const uint16_t pcs[3] = {FPX_PC_24, FPX_PC_53, FPX_PC_64};
    if (op->transcendental)
        return (uint16_t)(0x0040 | (mode < 4 ? FPX_EXC_MASK : 0) | (FPX_PC_64 << 8) |
                          ((mode & 3) << 10));
    int rc = mode & 3, pc = pcs[(mode >> 2) % 3];
    uint16_t masks = mode >= 12 ? 0 : FPX_EXC_MASK;
    return (uint16_t)(0x0040 | masks | (pc << 8) | (rc << 10));
}

uint64_t fpu_block_seed(int op, int mode)
{
    uint64_t s = 0x6a09e667f3bcc908ull ^ ((uint64_t)op << 32) ^ (uint64_t)mode;
    return rnd(&s);
}

void fpu_out_init(struct fpu_out *o)
{
    memset(o, 0xa5, sizeof(*o));
    o->sw = 0;
}

/* Soft-float side of each operation: what the registers and memory hold afterwards. */
static void set_reg(struct fpx_status *st, struct fpu_out *o, struct floatx80 old,
                    struct floatx80 r)
{
    o->r[0] = fpx_result_suppressed(st, false) ? old : r;
}

static void store_int(struct fpx_status *st, struct fpu_out *o, uint64_t v, int bytes)
{
    uint64_t keep = bytes == 8 ? 0 : ~0ull << (8 * bytes);
    if (!fpx_result_suppressed(st, true))
        o->mem = (o->mem & keep) | (v & ~keep);
}

#define BINARY(name, fn)                                                                           \
    static void soft_##name(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)    \
    {                                                                                              \
        set_reg(st, o, c->a, fn(st, c->a, c->b));                                                  \
    }
BINARY(fadd, fpx_add)
BINARY(fsub, fpx_sub)
BINARY(fmul, fpx_mul)
BINARY(fdiv, fpx_div)
BINARY(fprem, fpx_prem)
BINARY(fprem1, fpx_prem1)
BINARY(fscale, fpx_scale)

static void soft_fsqrt(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    set_reg(st, o, c->a, fpx_sqrt(st, c->a));
}

static void soft_frndint(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    set_reg(st, o, c->a, fpx_round_to_int(st, c->a));
}

static void soft_fxtract(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    struct floatx80 e, sig = fpx_xtract(st, c->a, &e);
    if (fpx_result_suppressed(st, false)) {
        o->r[0] = c->a;
        return;
    }
    o->r[0] = sig;
    o->r[1] = e;
}

static void soft_fcom(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    (void)o;
    fpx_compare(st, c->a, c->b, false);
}

static void soft_fucom(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    (void)o;
    fpx_compare(st, c->a, c->b, true);
}

static void soft_fxam(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    (void)o;
    fpx_examine(st, c->a);
}

static void soft_fist16(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    store_int(st, o, (uint16_t)fpx_to_int16(st, c->a, false), 2);
}

static void soft_fist32(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    store_int(st, o, (uint32_t)fpx_to_int32(st, c->a, false), 4);
}

static void soft_fist64(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    store_int(st, o, (uint64_t)fpx_to_int64(st, c->a, false), 8);
}

static void soft_fisttp16(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    store_int(st, o, (uint16_t)fpx_to_int16(st, c->a, true), 2);
}

static void soft_fisttp64(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    store_int(st, o, (uint64_t)fpx_to_int64(st, c->a, true), 8);
}

static void soft_fst32(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    store_int(st, o, fpx_to_float32(st, c->a), 4);
}

static void soft_fst64(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    store_int(st, o, fpx_to_float64(st, c->a), 8);
}

static void soft_fld32(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    struct floatx80 r = fpx_from_float32(st, (uint32_t)c->raw);
    if (!(st->sw & ~st->cw & FPX_IE))
        o->r[0] = r;
}

static void soft_fld64(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    struct floatx80 r = fpx_from_float64(st, c->raw);
    if (!(st->sw & ~st->cw & FPX_IE))
        o->r[0] = r;
}

static void soft_fild64(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    (void)st;
    o->r[0] = fpx_from_int64((int64_t)c->raw);
}

static void soft_fbstp(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    uint8_t bcd[10];
    fpx_to_bcd(st, c->a, bcd);
    if (!fpx_result_suppressed(st, true))
        memcpy(o->bcd, bcd, 10);
}

static void soft_fbld(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    (void)st;
    o->r[0] = fpx_from_bcd(c->bcd);
}

#define CONSTANT(name, c)                                                                          \
    static void soft_##name(struct fpx_status *st, const struct fpu_case *c_, struct fpu_out *o)   \
    {                                                                                              \
        (void)c_;                                                                                  \
        o->r[0] = fpx_constant(st, c);                                                             \
    }
CONSTANT(fldl2t, FPX_CONST_L2T)
CONSTANT(fldl2e, FPX_CONST_L2E)
CONSTANT(fldpi, FPX_CONST_PI)
CONSTANT(fldlg2, FPX_CONST_LG2)
CONSTANT(fldln2, FPX_CONST_LN2)

static void soft_fsin(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    set_reg(st, o, c->a, fpx_sin(st, c->a));
}

static void soft_fcos(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    set_reg(st, o, c->a, fpx_cos(st, c->a));
}

/* Two-result instructions leave the operand and push nothing when C2 reports it out of
 * range or an unmasked exception drops the result; the second register is then read
 * empty: the masked stack fault's indefinite, or nothing stored when IE is unmasked. */
static void leave_operand(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    o->r[0] = c->a;
    if (st->cw & FPX_IE)
        o->r[1] = fpx_indefinite();
}

static void soft_fsincos(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    struct floatx80 cosine, sine = fpx_sincos(st, c->a, &cosine);
    if ((st->sw & FPX_C2) || fpx_result_suppressed(st, false)) {
        leave_operand(st, c, o);
        return;
    }
    o->r[0] = cosine;
    o->r[1] = sine;
}

static void soft_fptan(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    struct floatx80 t = fpx_tan(st, c->a);
    if ((st->sw & FPX_C2) || fpx_result_suppressed(st, false)) {
        leave_operand(st, c, o);
        return;
    }
    /* a NaN result is pushed in place of 1.0 */
    o->r[0] = fpx_classify(t) == FPX_CLASS_QNAN ? t : fpx_make(false, BIAS, 1ull << 63);
    o->r[1] = t;
}

/* FPATAN, FYL2X, FYL2XP1 pop: a dropped result leaves x (b) on top. */
static void soft_fpatan(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    set_reg(st, o, c->b, fpx_atan(st, c->a, c->b));
}

static void soft_f2xm1(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    set_reg(st, o, c->a, fpx_2xm1(st, c->a));
}

static void soft_fyl2x(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    set_reg(st, o, c->b, fpx_yl2x(st, c->a, c->b));
}

static void soft_fyl2xp1(struct fpx_status *st, const struct fpu_case *c, struct fpu_out *o)
{
    set_reg(st, o, c->b, fpx_yl2xp1(st, c->a, c->b));
}

const struct fpu_op fpu_ops[] = {
#define X(name, gen, res, mask, trans) {#name, gen, res, mask, trans, soft_##name},
#include "fpu-ops.def"
#undef X
};
const int fpu_op_count = sizeof(fpu_ops) / sizeof(fpu_ops[0]);

void fpu_run_soft(const struct fpu_op *op, uint16_t cw, const struct fpu_case *c, struct fpu_out *o)
{
    struct fpx_status st = {.cw = cw, .sw = 0};
    fpu_out_init(o);
    op->soft(&st, c, o);
    o->sw = st.sw;
}

static bool x80_equal(struct floatx80 x, struct floatx80 y)
{
    return x.sig == y.sig && x.se == y.se;
}

bool fpu_out_equal(const struct fpu_op *op, const struct fpu_out *x, const struct fpu_out *y)
{
    if ((x->sw & op->sw_mask) != (y->sw & op->sw_mask))
        return false;
    switch (op->res) {
    case RES_X2:
        if (!x80_equal(x->r[1], y->r[1]))
            return false;
        /* fall through */
    case RES_X1: return x80_equal(x->r[0], y->r[0]);
    case RES_MEM16: return (uint16_t)x->mem == (uint16_t)y->mem;
    case RES_MEM32: return (uint32_t)x->mem == (uint32_t)y->mem;
    case RES_MEM64: return x->mem == y->mem;
    case RES_BCD: return memcmp(x->bcd, y->bcd, 10) == 0;
    default: return true;
    }
}

static __int128 ordinal(struct floatx80 x)
{
    __int128 v = ((__int128)(x.se & 0x7fff) << 63) + (x.sig & ~(1ull << 63));
    if ((x.se & 0x7fff) == 0)
        v = x.sig;
    return (x.se >> 15) ? -v : v;
}

uint64_t fpu_ulp_distance(struct floatx80 x, struct floatx80 y)
{
    enum fpx_class cx = fpx_classify(x), cy = fpx_classify(y);
    bool fx = cx == FPX_CLASS_NORMAL || cx == FPX_CLASS_DENORMAL || cx == FPX_CLASS_ZERO;
    bool fy = cy == FPX_CLASS_NORMAL || cy == FPX_CLASS_DENORMAL || cy == FPX_CLASS_ZERO;
    if (!fx || !fy)
        return x80_equal(x, y) || (cx == cy && cx == FPX_CLASS_QNAN) ? 0 : UINT64_MAX;
    __int128 d = ordinal(x) - ordinal(y);
    if (d < 0)
        d = -d;
    return d > (__int128)UINT64_MAX ? UINT64_MAX : (uint64_t)d;
}

uint64_t fpu_out_ulps(const struct fpu_op *op, const struct fpu_out *x, const struct fpu_out *y)
{
    uint64_t d = fpu_ulp_distance(x->r[0], y->r[0]);
    if (op->res == RES_X2) {
        uint64_t d1 = fpu_ulp_distance(x->r[1], y->r[1]);
        d = d1 > d ? d1 : d;
    }
    return d;
}

static uint64_t mix(uint64_t h, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++) {
        h ^= (v >> (8 * i)) & 0xff;
        h *= 0x100000001b3ull;
    }
    return h;
}

uint64_t fpu_digest(uint64_t h, const struct fpu_op *op, const struct fpu_out *o)
{
    h = mix(h, o->sw & op->sw_mask, 2);
    switch (op->res) {
    case RES_X2:
        h = mix(mix(h, o->r[1].sig, 8), o->r[1].se, 2);
        /* fall through */
    case RES_X1: return mix(mix(h, o->r[0].sig, 8), o->r[0].se, 2);
    case RES_MEM16: return mix(h, o->mem, 2);
    case RES_MEM32: return mix(h, o->mem, 4);
    case RES_MEM64: return mix(h, o->mem, 8);
    case RES_BCD:
        for (int i = 0; i < 10; i++)
            h = mix(h, o->bcd[i], 1);
        return h;
    default: return h;
    }
}

void fpu_format_case(char *buf, size_t n, const struct fpu_case *c)
{
    snprintf(buf, n, "a=%04x:%016llx b=%04x:%016llx raw=%016llx bcd=%02x%02x..%02x", c->a.se,
             (unsigned long long)c->a.sig, c->b.se, (unsigned long long)c->b.sig,
             (unsigned long long)c->raw, c->bcd[9], c->bcd[8], c->bcd[0]);
}

void fpu_format_out(char *buf, size_t n, const struct fpu_op *op, const struct fpu_out *o)
{
    char bcd[24];
    for (int i = 0; i < 10; i++)
        snprintf(bcd + 2 * i, 3, "%02x", o->bcd[9 - i]);
    snprintf(buf, n, "r0=%04x:%016llx r1=%04x:%016llx mem=%016llx bcd=%s sw=%04x", o->r[0].se,
             (unsigned long long)o->r[0].sig, o->r[1].se, (unsigned long long)o->r[1].sig,
             (unsigned long long)o->mem, bcd, o->sw & op->sw_mask);
}
