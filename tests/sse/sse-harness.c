/* Operand generation and jit86's soft-float side of the SSE tests (sse-harness.h). */
#include "sse-harness.h"

const struct sse_op_info sse_ops[SSE_OP_COUNT] = {
#define X(name, fmt, kind, insn) {#name, fmt, kind},
#include "sse-ops.def"
#undef X
};

uint64_t sse_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Exponents near the interesting places: denormal/normal boundary, 1, the int32 range,
 * overflow; or anywhere. */
static uint64_t exponent(uint64_t *s, unsigned ebits)
{
    uint32_t max = (1u << ebits) - 1, bias = max >> 1;
    uint32_t spots[] = {0,         1,         2,       bias - 1, bias,      bias + 1,  bias + 30,
                        bias + 31, bias + 32, max - 1, max - 2,  bias + 22, bias + 52, bias - 40};
    uint64_t r = sse_rand(s);
    if (r & 1)
        return (r >> 8) % (max + 1);
    return spots[(r >> 8) % (sizeof(spots) / sizeof(spots[0]))];
}

static uint64_t fraction(uint64_t *s, unsigned fbits)
{
    uint64_t r = sse_rand(s), mask = (UINT64_C(1) << fbits) - 1;
    switch (r & 7) {
    case 0: return 0;
    case 1: return mask;
    case 2: return (UINT64_C(1) << (r >> 8) % fbits);
    case 3: return mask & ~((UINT64_C(1) << (r >> 8) % fbits) - 1);
    case 4: return (r >> 3) & 0xf; /* tiny payloads: NaN and denormal edge cases */
    default: return (sse_rand(s)) & mask;
    }
}

uint64_t sse_operand(uint64_t *s, unsigned bits, enum sse_kind kind)
{
    uint64_t r = sse_rand(s);
    if (kind == FROMI) {
        uint32_t v = (r & 1) ? (uint32_t)(r >> 16) : (uint32_t)((r >> 16) & 0xffffff);
        if ((r & 6) == 0)
            v = 0x80000000u + (uint32_t)((r >> 8) & 3) - 1;
        return v;
    }
    unsigned ebits = bits == 32 ? 8 : 11, fbits = bits == 32 ? 23 : 52;
    uint64_t sign = (r >> 1) & 1, e = exponent(s, ebits), f = fraction(s, fbits);
    return sign << (bits - 1) | e << fbits | f;
}

static uint64_t sf_cvt(const struct sf_fmt *fmt, struct sf_status *st, uint64_t a)
{
    return fmt == &sf_f32 ? sf_convert(&sf_f64, &sf_f32, st, a)
                          : sf_convert(&sf_f32, &sf_f64, st, a);
}

void sse_jit86(const struct sse_case *c, struct sse_out *o)
{
    const struct sse_op_info *op = &sse_ops[c->op];
    const struct sf_fmt *f = op->bits == 32 ? &sf_f32 : &sf_f64;
    struct sf_status st = {c->mxcsr, 0};
    uint64_t r = 0;
    switch (op->kind) {
    case BIN:
        switch (c->op) {
        case SSE_OP_addss:
        case SSE_OP_addsd: r = sf_add(f, &st, c->a, c->b); break;
        case SSE_OP_subss:
        case SSE_OP_subsd: r = sf_sub(f, &st, c->a, c->b); break;
        case SSE_OP_mulss:
        case SSE_OP_mulsd: r = sf_mul(f, &st, c->a, c->b); break;
        case SSE_OP_divss:
        case SSE_OP_divsd: r = sf_div(f, &st, c->a, c->b); break;
        case SSE_OP_minss:
        case SSE_OP_minsd: r = sf_min(f, &st, c->a, c->b); break;
        default: r = sf_max(f, &st, c->a, c->b); break;
        }
        break;
    case UN: r = sf_sqrt(f, &st, c->a); break;
    case CMP:
        r = sf_cmp(f, &st, c->a, c->b, c->imm) ? (op->bits == 32 ? 0xffffffffu : UINT64_MAX) : 0;
        break;
    case COMI: r = sf_comi(f, &st, c->a, c->b, false); break;
    case UCOMI: r = sf_comi(f, &st, c->a, c->b, true); break;
    case TOI: r = (uint32_t)sf_to_i32(f, &st, c->a, false); break;
    case TTOI: r = (uint32_t)sf_to_i32(f, &st, c->a, true); break;
    case FROMI: r = sf_from_i32(f, &st, (int32_t)(uint32_t)c->a); break;
    case CVT: r = sf_cvt(f, &st, c->a); break;
    }
    o->r = r;
    o->flags = sf_trap_flags(c->mxcsr, st.flags);
}
