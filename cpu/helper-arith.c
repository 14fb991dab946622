/* Arithmetic helpers (SDM Vol. 2): DIV/IDIV with #DE, the BCD adjusts
 * DAA/DAS/AAA/AAS/AAM/AAD, shifts and rotates with their count and flag
 * rules, SHLD/SHRD, BSF/BSR. */
#include "cpu-internal.h"

static uint32_t size_mask(unsigned size)
{
    return size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

static void set_cc(CPUX86State *env, enum x86_cc_op op, uint32_t dst, uint32_t src)
{
    env->cc_op = op;
    env->cc_dst = dst;
    env->cc_src = src;
    env->cc_src2 = 0;
}

static uint32_t arith(const CPUX86State *env)
{
    return cpu_compute_eflags(env) & X86_ARITH_FLAGS;
}

static void div_unsigned(CPUX86State *env, uint32_t d, unsigned size)
{
    if (d == 0)
        cpu_raise_exception(env, 0, 0);
    uint64_t n, q, r;
    unsigned bits = size * 8;
    if (size == 1)
        n = cpu_get_reg(env, X86_EAX, 2);
    else
        n = ((uint64_t)cpu_get_reg(env, X86_EDX, size) << bits) | cpu_get_reg(env, X86_EAX, size);
    q = n / d;
    r = n % d;
    if (q > size_mask(size))
        cpu_raise_exception(env, 0, 0);
    if (size == 1) {
        cpu_set_reg(env, X86_EAX, 2, (uint32_t)((r << 8) | q));
    } else {
        cpu_set_reg(env, X86_EAX, size, (uint32_t)q);
        cpu_set_reg(env, X86_EDX, size, (uint32_t)r);
    }
}

static int64_t sext(uint64_t v, unsigned bits)
{
    return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

static void div_signed(CPUX86State *env, uint32_t dv, unsigned size)
{
    unsigned bits = size * 8;
    int64_t d = sext(dv, bits), n;
    if (d == 0)
        cpu_raise_exception(env, 0, 0);
    if (size == 1)
        n = sext(cpu_get_reg(env, X86_EAX, 2), 16);
    else
        n = sext(((uint64_t)cpu_get_reg(env, X86_EDX, size) << bits) |
                     cpu_get_reg(env, X86_EAX, size),
                 2 * bits);
    if (n == INT64_MIN && d == -1)
        cpu_raise_exception(env, 0, 0);
    int64_t q = n / d, r = n % d;
    int64_t lim = (int64_t)1 << (bits - 1);
    if (q >= lim || q < -lim)
        cpu_raise_exception(env, 0, 0);
    uint32_t m = size_mask(size);
    if (size == 1) {
        cpu_set_reg(env, X86_EAX, 2, (((uint32_t)r & m) << 8) | ((uint32_t)q & m));
    } else {
        cpu_set_reg(env, X86_EAX, size, (uint32_t)q & m);
        cpu_set_reg(env, X86_EDX, size, (uint32_t)r & m);
    }
}

void x86_helper_div(CPUX86State *env, uint32_t divisor, uint32_t is_signed, uint32_t size)
{
    if (is_signed)
        div_signed(env, divisor, size);
    else
        div_unsigned(env, divisor, size);
}

static uint32_t szp8(uint32_t v)
{
    return cpu_cc_compute(X86_CC_LOGICB, v & 0xff, 0, 0);
}

static void daa_das(CPUX86State *env, bool sub)
{
    uint32_t f = arith(env), al = cpu_get_reg(env, X86_EAX, 1), old_al = al;
    bool old_cf = f & X86_CF, cf = false, af = false;
    if ((al & 0xf) > 9 || (f & X86_AF)) {
        uint32_t t = sub ? al - 6 : al + 6;
        cf = old_cf || (t > 0xff);
        al = t & 0xff;
        af = true;
    }
    if (old_al > 0x99 || old_cf) {
        al = (sub ? al - 0x60 : al + 0x60) & 0xff;
        cf = true;
    } else if (!sub) {
        cf = false;
    }
    cpu_set_reg(env, X86_EAX, 1, al);
    uint32_t nf = szp8(al) | (cf ? X86_CF : 0) | (af ? X86_AF : 0) | (f & X86_OF);
    cpu_set_arith_flags(env, nf);
}

static void aaa_aas(CPUX86State *env, bool sub)
{
    uint32_t f = arith(env), ax = cpu_get_reg(env, X86_EAX, 2);
    bool adj = (ax & 0xf) > 9 || (f & X86_AF);
    /* 386 and later: AX +/- 6 with the carry into AH, then AH +/- 1 (SDM Vol. 2, AAA, AAS). */
    if (adj)
        ax = sub ? ax - 6 - 0x100 : ax + 0x106;
    ax &= 0xff0f;
    cpu_set_reg(env, X86_EAX, 2, ax);
    uint32_t nf = (f & ~(X86_CF | X86_AF)) | (adj ? X86_CF | X86_AF : 0);
    cpu_set_arith_flags(env, nf);
}

void x86_helper_bcd(CPUX86State *env, uint32_t op)
{
    if (op < 2)
        daa_das(env, op == 1);
    else
        aaa_aas(env, op == 3);
}

void x86_helper_aam(CPUX86State *env, uint32_t base)
{
    if (base == 0)
        cpu_raise_exception(env, 0, 0);
    uint32_t al = cpu_get_reg(env, X86_EAX, 1);
    uint32_t v = ((al / base) << 8) | (al % base);
    cpu_set_reg(env, X86_EAX, 2, v);
    set_cc(env, X86_CC_LOGICB, v & 0xff, 0);
}

void x86_helper_aad(CPUX86State *env, uint32_t base)
{
    uint32_t ax = cpu_get_reg(env, X86_EAX, 2);
    uint32_t al = ((ax & 0xff) + (ax >> 8) * base) & 0xff;
    cpu_set_reg(env, X86_EAX, 2, al);
    set_cc(env, X86_CC_LOGICB, al, 0);
}

/* ---- shifts and rotates: counts masked to 5 bits; a masked count of 0
 * changes nothing, flags included (SDM Vol. 2, SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR) ---- */

static uint32_t rotate(CPUX86State *env, unsigned op, uint32_t v, unsigned count, unsigned size)
{
    unsigned bits = size * 8;
    uint32_t m = size_mask(size), sign = 1u << (bits - 1);
    uint32_t f = arith(env) & ~(X86_CF | X86_OF), r = v;
    bool cf = arith(env) & X86_CF;
    switch (op) {
    case 0: { /* ROL */
        unsigned c = count % bits;
        r = c ? ((v << c) | (v >> (bits - c))) & m : v;
        cf = r & 1;
        f |= ((r & sign) != 0) != cf ? X86_OF : 0;
        break;
    }
    case 1: { /* ROR */
        unsigned c = count % bits;
        r = c ? ((v >> c) | (v << (bits - c))) & m : v;
        cf = (r & sign) != 0;
        f |= (((r >> (bits - 1)) ^ (r >> (bits - 2))) & 1) ? X86_OF : 0;
        break;
    }
    case 2: { /* RCL: through CF, count modulo bits + 1 */
        unsigned c = size == 4 ? count : count % (bits + 1);
        for (unsigned i = 0; i < c; i++) {
            bool out = (r & sign) != 0;
            r = ((r << 1) | cf) & m;
            cf = out;
        }
        f |= ((r & sign) != 0) != cf ? X86_OF : 0;
        break;
    }
    default: { /* RCR */
        /* OF from the two top bits of the result: the SDM's MSB(DEST) XOR CF
         * for a count of 1, and what the 286 and later CPUs produce for others. */
        unsigned c = size == 4 ? count : count % (bits + 1);
        for (unsigned i = 0; i < c; i++) {
            bool out = r & 1;
            r = (r >> 1) | (cf ? sign : 0);
            cf = out;
        }
        f |= (((r >> (bits - 1)) ^ (r >> (bits - 2))) & 1) ? X86_OF : 0;
        break;
    }
    }
    cpu_set_arith_flags(env, f | (cf ? X86_CF : 0));
    return r;
}

uint32_t x86_helper_shift(CPUX86State *env, uint32_t op, uint32_t val, uint32_t count,
                          uint32_t size)
{
    unsigned bits = size * 8;
    uint32_t m = size_mask(size);
    count &= 31;
    val &= m;
    if (count == 0)
        return val;
    if (op < 4)
        return rotate(env, op, val, count, size);
    if (op == 4 || op == 6) { /* SHL/SAL */
        uint32_t src = val << (count - 1);
        uint32_t r = (src << 1) & m;
        set_cc(env, x86_cc_sized(X86_CC_SHLB, size), r, count - 1 < bits ? src : 0);
        return r;
    }
    if (op == 5) { /* SHR */
        uint32_t src = count - 1 < 32 ? val >> (count - 1) : 0;
        uint32_t r = src >> 1;
        set_cc(env, x86_cc_sized(X86_CC_SHRB, size), r, src);
        return r;
    }
    int32_t sv = (int32_t)(sext(val, bits));
    uint32_t src = (uint32_t)(sv >> (count - 1));
    uint32_t r = (uint32_t)(sv >> (count < 32 ? count : 31)) & m;
    set_cc(env, x86_cc_sized(X86_CC_SARB, size), r, src & m);
    return r;
}

/* SHLD/SHRD: dst shifted, vacated bits filled from src (SDM Vol. 2, SHLD/SHRD).
 * Counts above the operand size (16-bit forms) leave the result undefined;
 * this takes bits from the 48-bit concatenation src:dst:src like a 386. */
uint32_t x86_helper_shiftd(CPUX86State *env, uint32_t op, uint32_t dst, uint32_t src,
                           uint32_t count, uint32_t size)
{
    unsigned bits = size * 8;
    uint32_t m = size_mask(size), sign = 1u << (bits - 1);
    count &= 31;
    dst &= m;
    src &= m;
    if (count == 0)
        return dst;
    uint64_t r64;
    bool cf;
    if (op == 0) {
        uint64_t t = ((uint64_t)dst << (64 - bits)) | ((uint64_t)src << (64 - 2 * bits));
        if (size == 2)
            t |= (uint64_t)dst << (64 - 3 * bits);
        cf = (t >> (64 - count)) & 1;
        r64 = ((t << count) >> (64 - bits)) & m;
    } else {
        uint64_t t = ((uint64_t)src << bits) | dst;
        if (size == 2)
            t |= (uint64_t)dst << (2 * bits);
        cf = (t >> (count - 1)) & 1;
        r64 = (t >> count) & m;
    }
    uint32_t r = (uint32_t)r64;
    uint32_t f = cpu_cc_compute(X86_CC_LOGICB + (size == 1 ? 0 : size == 2 ? 1 : 2), r, 0, 0);
    f |= cf ? X86_CF : 0;
    if (((r ^ dst) & sign) != 0)
        f |= X86_OF;
    cpu_set_arith_flags(env, f);
    return r;
}

uint32_t x86_helper_bitscan(CPUX86State *env, uint32_t op, uint32_t src, uint32_t old,
                            uint32_t size)
{
    uint32_t f = arith(env) & ~X86_ZF;
    src &= size_mask(size);
    if (src == 0) {
        cpu_set_arith_flags(env, f | X86_ZF);
        return old;
    }
    cpu_set_arith_flags(env, f);
    return op ? 31u - (uint32_t)__builtin_clz(src) : (uint32_t)__builtin_ctz(src);
}
