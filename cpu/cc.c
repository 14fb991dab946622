/* Lazy flags materialized (frontend/cpu-state.h describes each cc_op), EFLAGS
 * as software sees it, and the hflags derived from it (SDM Vol. 1 §3.4.3,
 * the flags each instruction sets: Vol. 2 per instruction, appendix A of Vol. 1). */
#include "cpu-internal.h"

static uint32_t parity_flag(uint32_t v)
{
    return (__builtin_popcount(v & 0xffu) & 1) ? 0 : X86_PF;
}

static uint32_t szp(uint32_t dst, uint32_t mask, uint32_t sign)
{
    uint32_t f = parity_flag(dst);
    if ((dst & mask) == 0)
        f |= X86_ZF;
    if (dst & sign)
        f |= X86_SF;
    return f;
}

/* CF, AF and OF of an addition or subtraction given a = first operand. */
static uint32_t add_flags(uint32_t a, uint32_t b, uint32_t r, uint32_t sign, bool cf)
{
    uint32_t f = cf ? X86_CF : 0;
    f |= (a ^ b ^ r) & X86_AF;
    if ((~(a ^ b) & (a ^ r)) & sign)
        f |= X86_OF;
    return f;
}

static uint32_t sub_flags(uint32_t a, uint32_t b, uint32_t r, uint32_t sign, bool cf)
{
    uint32_t f = cf ? X86_CF : 0;
    f |= (a ^ b ^ r) & X86_AF;
    if (((a ^ b) & (a ^ r)) & sign)
        f |= X86_OF;
    return f;
}

/* ROL/ROR keep every flag but CF and OF, so they leave the previous record as it was and
 * put its kind, its carry in and the new CF/OF in src2 (frontend/cpu-state.h): the previous
 * flags are computed only here, when something reads them. */
static uint32_t rot_flags(uint32_t dst, uint32_t src, uint32_t src2)
{
    uint32_t prev = src2 & 0xffu;
    if (prev >= X86_CC_ROTB)
        prev = X86_CC_EFLAGS; /* never recorded: no recursion on a corrupt value */
    uint32_t f = cpu_cc_compute(prev, dst, src, (src2 >> 8) & 1);
    return (f & ~(X86_CF | X86_OF)) | ((src2 >> 16) & (X86_CF | X86_OF));
}

uint32_t cpu_cc_compute(uint32_t op, uint32_t dst, uint32_t src, uint32_t src2)
{
    if (op == X86_CC_EFLAGS || op >= X86_CC_COUNT)
        return src & X86_ARITH_FLAGS;
    if (op >= X86_CC_ROTB)
        return rot_flags(dst, src, src2);
    unsigned kind = (op - X86_CC_ADDB) / 3, sz = (op - X86_CC_ADDB) % 3;
    unsigned bits = 8u << sz;
    uint32_t mask = bits == 32 ? 0xffffffffu : (1u << bits) - 1, sign = 1u << (bits - 1);
    dst &= mask;
    uint32_t f = szp(dst, mask, sign), a;
    switch (op - sz) {
    case X86_CC_ADDB:
        src &= mask;
        a = (dst - src) & mask;
        return f | add_flags(a, src, dst, sign, dst < src);
    case X86_CC_ADCB:
        src &= mask;
        a = (dst - src - src2) & mask;
        return f | add_flags(a, src, dst, sign, src2 ? dst <= src : dst < src);
    case X86_CC_SUBB:
        src &= mask;
        a = (dst + src) & mask;
        return f | sub_flags(a, src, dst, sign, a < src);
    case X86_CC_SBBB:
        src &= mask;
        a = (dst + src + src2) & mask;
        return f | sub_flags(a, src, dst, sign, src2 ? a <= src : a < src);
    case X86_CC_LOGICB: return f;
    case X86_CC_INCB:
        f |= src & X86_CF;
        f |= (dst & 0xf) == 0 ? X86_AF : 0;
        return f | (dst == sign ? X86_OF : 0);
    case X86_CC_DECB:
        f |= src & X86_CF;
        f |= (dst & 0xf) == 0xf ? X86_AF : 0;
        return f | (dst == sign - 1 ? X86_OF : 0);
    case X86_CC_SHLB: {
        uint32_t cf = (src >> (bits - 1)) & 1;
        return f | cf | ((cf ^ (dst >> (bits - 1))) & 1 ? X86_OF : 0);
    }
    case X86_CC_SHRB: return f | (src & 1) | ((src & sign) ? X86_OF : 0);
    case X86_CC_SARB: return f | (src & 1);
    default: /* MUL */ return f | (src ? X86_CF | X86_OF : 0);
    }
    (void)kind;
}

uint32_t x86_helper_cc_compute(uint32_t op, uint32_t dst, uint32_t src, uint32_t src2)
{
    return cpu_cc_compute(op, dst, src, src2);
}

/* CF of the record without the other five flags (no parity, no AF/OF): the
 * same formulas as cpu_cc_compute's, which tests/cpu checks it against. */
uint32_t cpu_cc_carry(uint32_t op, uint32_t dst, uint32_t src, uint32_t src2)
{
    if (op == X86_CC_EFLAGS || op >= X86_CC_COUNT)
        return src & X86_CF;
    if (op >= X86_CC_ROTB)
        return (src2 >> 16) & X86_CF;
    unsigned sz = (op - X86_CC_ADDB) % 3, bits = 8u << sz;
    uint32_t mask = bits == 32 ? 0xffffffffu : (1u << bits) - 1;
    dst &= mask;
    switch (op - sz) {
    case X86_CC_ADDB: return dst < (src & mask);
    case X86_CC_ADCB: return src2 ? dst <= (src & mask) : dst < (src & mask);
    case X86_CC_SUBB: return ((dst + src) & mask) < (src & mask);
    case X86_CC_SBBB: {
        uint32_t a = (dst + src + src2) & mask;
        return src2 ? a <= (src & mask) : a < (src & mask);
    }
    case X86_CC_LOGICB: return 0;
    case X86_CC_INCB:
    case X86_CC_DECB: return src & X86_CF;
    case X86_CC_SHLB: return (src >> (bits - 1)) & 1;
    case X86_CC_SHRB:
    case X86_CC_SARB: return src & 1;
    default: /* MUL */ return src != 0;
    }
}

uint32_t x86_helper_cc_carry(uint32_t op, uint32_t dst, uint32_t src, uint32_t src2)
{
    return cpu_cc_carry(op, dst, src, src2);
}

uint32_t cpu_compute_eflags(const CPUX86State *env)
{
    return (env->eflags & ~X86_ARITH_FLAGS) | 2u |
           cpu_cc_compute(env->cc_op, (uint32_t)env->cc_dst, (uint32_t)env->cc_src,
                          (uint32_t)env->cc_src2);
}

void cpu_set_arith_flags(CPUX86State *env, uint32_t flags)
{
    env->cc_op = X86_CC_EFLAGS;
    env->cc_src = flags & X86_ARITH_FLAGS;
    env->cc_dst = 0;
    env->cc_src2 = 0;
}

void cpu_load_eflags(CPUX86State *env, uint32_t value, uint32_t mask)
{
    mask &= cpu_eflags_writable(env);
    uint32_t cur = cpu_compute_eflags(env);
    uint32_t v = (cur & ~mask) | (value & mask);
    cpu_set_arith_flags(env, v);
    env->eflags = (v & ~X86_ARITH_FLAGS) | 2u;
    cpu_update_hflags(env);
}

/* PUSHF is IOPL-sensitive in virtual-8086 mode (SDM Vol. 3A §20.2.7). */
uint32_t x86_helper_read_eflags(CPUX86State *env)
{
    if ((env->eflags & X86_VM) && (env->eflags & X86_IOPL) != X86_IOPL)
        cpu_raise_exception(env, 13, 0);
    return cpu_compute_eflags(env);
}

void cpu_update_hflags(CPUX86State *env)
{
    uint32_t hf = 0;
    bool pe = (env->cr[0] & X86_CR0_PE) != 0, vm = (env->eflags & X86_VM) != 0;
    if (pe)
        hf |= X86_HF_PE;
    if (pe && vm)
        hf |= X86_HF_VM | (3u << X86_HF_CPL_SHIFT);
    else if (pe)
        hf |= (uint32_t)(env->segs[X86_SEG_CS].selector & 3) << X86_HF_CPL_SHIFT;
    if (pe && !vm && (env->segs[X86_SEG_CS].flags & X86_DESC_B))
        hf |= X86_HF_CS32;
    if (pe && !vm && (env->segs[X86_SEG_SS].flags & X86_DESC_B))
        hf |= X86_HF_SS32;
    if (env->cr[0] & X86_CR0_PG)
        hf |= X86_HF_PG;
    if (env->eflags & X86_TF)
        hf |= X86_HF_TF;
    if (env->cr[0] & X86_CR0_EM)
        hf |= X86_HF_EM;
    if (env->cr[0] & X86_CR0_TS)
        hf |= X86_HF_TS;
    for (unsigned i = 0; i < 4; i++)
        if (cpu_exec_breakpoint_enabled(env, i))
            hf |= X86_HF_BP;
    env->hflags = (env->hflags & X86_HF_INHIBIT) | hf;
}
