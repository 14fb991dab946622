/* Integer arithmetic and logic (SDM Vol. 2: ADD ... XOR, INC, DEC, NEG, NOT,
 * MUL, IMUL, DIV, IDIV, shifts and rotates, BCD adjusts, BT*, BSF/BSR, XADD,
 * CMPXCHG): values in IR, flags through lazy cc records or helpers. */
#include "frontend/lift-internal.h"

static enum x86_cc_op sized(enum x86_cc_op byte_variant, unsigned size)
{
    return x86_cc_sized(byte_variant, size);
}

void lift_alu(struct lift *L)
{
    unsigned mn = L->in->mnemonic, size = lift_op_size(L, 0);
    ir_tmp a = lift_read_op(L, 0), b = lift_read_op(L, 1);
    ir_tmp r = ir_new_i32(L->b), z = lift_const(L, 0), c = z;
    enum x86_cc_op cc;
    switch (mn) {
    case X86_MN_ADD:
        ir_add(L->b, r, a, b);
        cc = X86_CC_ADDB;
        break;
    case X86_MN_ADC:
        c = lift_cf(L);
        ir_add(L->b, r, a, b);
        ir_add(L->b, r, r, c);
        cc = X86_CC_ADCB;
        break;
    case X86_MN_SUB:
    case X86_MN_CMP:
        ir_sub(L->b, r, a, b);
        cc = X86_CC_SUBB;
        break;
    case X86_MN_SBB:
        c = lift_cf(L);
        ir_sub(L->b, r, a, b);
        ir_sub(L->b, r, r, c);
        cc = X86_CC_SBBB;
        break;
    case X86_MN_OR:
        ir_or(L->b, r, a, b);
        cc = X86_CC_LOGICB;
        break;
    case X86_MN_XOR:
        ir_xor(L->b, r, a, b);
        cc = X86_CC_LOGICB;
        break;
    default:
        ir_and(L->b, r, a, b);
        cc = X86_CC_LOGICB;
        break;
    }
    r = lift_trunc(L, r, size);
    if (mn != X86_MN_CMP && mn != X86_MN_TEST)
        lift_write_op(L, 0, r);
    lift_set_cc(L, sized(cc, size), r, cc == X86_CC_LOGICB ? z : b, c);
}

void lift_incdec(struct lift *L)
{
    unsigned size = lift_op_size(L, 0);
    bool inc = L->in->mnemonic == X86_MN_INC;
    ir_tmp a = lift_read_op(L, 0);
    ir_tmp cf = lift_cf(L);
    ir_tmp r = ir_new_i32(L->b);
    ir_addi(L->b, r, a, inc ? 1 : (uint32_t)-1);
    r = lift_trunc(L, r, size);
    lift_write_op(L, 0, r);
    lift_set_cc(L, sized(inc ? X86_CC_INCB : X86_CC_DECB, size), r, cf, lift_const(L, 0));
}

void lift_neg(struct lift *L)
{
    unsigned size = lift_op_size(L, 0);
    ir_tmp a = lift_read_op(L, 0);
    ir_tmp r = ir_new_i32(L->b);
    ir_neg(L->b, r, a);
    r = lift_trunc(L, r, size);
    lift_write_op(L, 0, r);
    lift_set_cc(L, sized(X86_CC_SUBB, size), r, a, lift_const(L, 0));
}

void lift_not(struct lift *L)
{
    unsigned size = lift_op_size(L, 0);
    ir_tmp r = ir_new_i32(L->b);
    ir_not(L->b, r, lift_read_op(L, 0));
    lift_write_op(L, 0, lift_trunc(L, r, size));
}

/* Signed product of a and b (zero-extended size-byte values): low size bytes
 * in *lo (zero-extended), and whether the product does not fit them. */
static void imul_parts(struct lift *L, ir_tmp a, ir_tmp b, unsigned size, ir_tmp *lo, ir_tmp *hi,
                       ir_tmp *overflow)
{
    ir_tmp sa = lift_sext(L, a, size), sb = lift_sext(L, b, size);
    ir_tmp p = ir_new_i32(L->b), h = ir_new_i32(L->b), ov = ir_new_i32(L->b);
    if (size < 4) {
        ir_mul(L->b, p, sa, sb);
        ir_setcond(L->b, IR_COND_NE, ov, p, lift_sext(L, p, size));
        ir_shri(L->b, h, p, size * 8);
    } else {
        ir_tmp s = ir_new_i32(L->b);
        ir_muls2(L->b, p, h, sa, sb);
        ir_sari(L->b, s, p, 31);
        ir_setcond(L->b, IR_COND_NE, ov, h, s);
    }
    *lo = lift_trunc(L, p, size);
    *hi = lift_trunc(L, h, size);
    *overflow = ov;
}

static void mul_unsigned(struct lift *L, ir_tmp a, ir_tmp b, unsigned size, ir_tmp *lo, ir_tmp *hi,
                         ir_tmp *overflow)
{
    ir_tmp p = ir_new_i32(L->b), h = ir_new_i32(L->b), ov = ir_new_i32(L->b);
    if (size < 4) {
        ir_mul(L->b, p, a, b);
        ir_shri(L->b, h, p, size * 8);
    } else {
        ir_mulu2(L->b, p, h, a, b);
    }
    *hi = lift_trunc(L, h, size);
    ir_setcond(L->b, IR_COND_NE, ov, *hi, lift_const(L, 0));
    *lo = lift_trunc(L, p, size);
    *overflow = ov;
}

/* One-operand MUL/IMUL: AX = AL * r/m8, DX:AX = AX * r/m16, EDX:EAX = EAX * r/m32. */
static void mul_accumulator(struct lift *L, bool is_signed)
{
    unsigned size = lift_op_size(L, 0);
    ir_tmp b = lift_read_op(L, 0), a = lift_get_reg(L, X86_EAX, size), lo, hi, ov;
    if (is_signed)
        imul_parts(L, a, b, size, &lo, &hi, &ov);
    else
        mul_unsigned(L, a, b, size, &lo, &hi, &ov);
    if (size == 1) {
        ir_tmp ax = ir_new_i32(L->b);
        ir_deposit(L->b, ax, lo, hi, 8, 8);
        lift_set_reg(L, X86_EAX, 2, ax);
    } else {
        lift_set_reg(L, X86_EAX, size, lo);
        lift_set_reg(L, X86_EDX, size, hi);
    }
    lift_set_cc(L, sized(X86_CC_MULB, size), lo, ov, lift_const(L, 0));
}

void lift_mul1(struct lift *L)
{
    mul_accumulator(L, false);
}

void lift_imul(struct lift *L)
{
    if (L->in->nops == 1) {
        mul_accumulator(L, true);
        return;
    }
    unsigned size = lift_op_size(L, 0);
    unsigned src = L->in->nops == 3 ? 1 : 0;
    ir_tmp a = lift_read_op(L, src), b = lift_read_op(L, L->in->nops == 3 ? 2 : 1), lo, hi, ov;
    imul_parts(L, a, b, size, &lo, &hi, &ov);
    lift_write_op(L, 0, lo);
    lift_set_cc(L, sized(X86_CC_MULB, size), lo, ov, lift_const(L, 0));
}

void lift_div(struct lift *L)
{
    unsigned size = lift_op_size(L, 0);
    ir_tmp v = lift_read_op(L, 0);
    ir_tmp a[4] = {lift_env(L), v, lift_const(L, L->in->mnemonic == X86_MN_IDIV),
                   lift_const(L, size)};
    lift_call(L, X86_HELPER_div, a[0], 4, a);
    L->cc_op = X86_CC_DYNAMIC;
}

/* The shift helpers set the flags in env before the result is stored, so a
 * memory destination is first written with its own value: a store that
 * faults does so before any state changed. */
static ir_tmp probe_destination(struct lift *L, ir_tmp v, unsigned size)
{
    if (!lift_op_is_mem(L, 0))
        return (ir_tmp){0};
    ir_tmp lin = lift_ea_w(L, size);
    lift_store(L, lin, v, size);
    return lin;
}

static void store_result(struct lift *L, ir_tmp lin, ir_tmp r, unsigned size)
{
    if (lift_op_is_mem(L, 0))
        lift_store(L, lin, r, size);
    else
        lift_write_op(L, 0, r);
}

/* SHL/SAL/SHR/SAR by a nonzero immediate count, inline: the result and the
 * lazy-flag record x86_helper_shift (cpu/helper-arith.c) would leave. The
 * store comes before the flags, so a faulting one changes nothing. The result
 * is shifted from the operand, not from the record's value (shifted by count
 * - 1): no dependency between the two, and the record alone is dropped when
 * the flags are dead. */
static bool shift_inline(struct lift *L, unsigned op, unsigned size)
{
    const struct x86_operand *o = &L->in->op[1];
    if (op < 4 || (o->kind != X86_OPK_IMM && o->kind != X86_OPK_CONST1))
        return false;
    unsigned c = (o->kind == X86_OPK_CONST1 ? 1u : (unsigned)L->in->imm) & 31;
    if (c == 0)
        return false;
    ir_tmp v = lift_trunc(L, lift_read_op(L, 0), size);
    ir_tmp src = ir_new_i32(L->b), r = ir_new_i32(L->b);
    enum x86_cc_op cc;
    if (op == 5) {
        ir_shri(L->b, src, v, c - 1);
        ir_shri(L->b, r, v, c);
        cc = X86_CC_SHRB;
    } else if (op == 7) {
        ir_tmp sv = lift_sext(L, v, size);
        ir_sari(L->b, src, sv, c - 1);
        ir_sari(L->b, r, sv, c);
        r = lift_trunc(L, r, size);
        src = lift_trunc(L, src, size);
        cc = X86_CC_SARB;
    } else {
        ir_shli(L->b, src, v, c - 1);
        ir_shli(L->b, r, v, c);
        r = lift_trunc(L, r, size);
        if (c - 1 >= size * 8)
            src = lift_const(L, 0);
        cc = X86_CC_SHLB;
    }
    lift_write_op(L, 0, r);
    lift_set_cc(L, x86_cc_sized(cc, size), r, src, lift_const(L, 0));
    return true;
}

/* 32-bit SHL/SHR/SAR of a register by CL: a masked count of 0 branches
 * around everything (no flag changes), so the flag record is known only at
 * run time afterwards. As above, the result does not wait for the record. */
static bool shift_cl_inline(struct lift *L, unsigned op, unsigned size)
{
    if (op < 4 || size != 4 || L->in->op[1].kind != X86_OPK_REG || lift_op_is_mem(L, 0))
        return false;
    ir_tmp n = ir_new_i32(L->b), n1 = ir_new_i32(L->b);
    ir_andi(L->b, n, lift_read_op(L, 1), 31);
    ir_label skip = ir_new_label(L->b);
    ir_brcondi(L->b, IR_COND_EQ, n, 0, skip);
    ir_tmp v = lift_read_op(L, 0), src = ir_new_i32(L->b), r = ir_new_i32(L->b);
    ir_subi(L->b, n1, n, 1);
    enum x86_cc_op cc;
    if (op == 5) {
        ir_shr(L->b, src, v, n1);
        ir_shr(L->b, r, v, n);
        cc = X86_CC_SHRL;
    } else if (op == 7) {
        ir_sar(L->b, src, v, n1);
        ir_sar(L->b, r, v, n);
        cc = X86_CC_SARL;
    } else {
        ir_shl(L->b, src, v, n1);
        ir_shl(L->b, r, v, n);
        cc = X86_CC_SHLL;
    }
    lift_write_op(L, 0, r);
    lift_set_cc(L, cc, r, src, lift_const(L, 0));
    ir_set_label(L->b, skip);
    L->cc_op = X86_CC_DYNAMIC;
    return true;
}

/* The ROT record (frontend/cpu-state.h) over whatever record is current: only cc_src2 and
 * cc_op change, and the previous flags are not computed (cpu/cc.c does that if they are read).
 * cf_of holds the new CF and OF as EFLAGS bits. */
static void set_cc_rot(struct lift *L, ir_tmp cf_of, unsigned size)
{
    struct ir_block *B = L->b;
    enum x86_cc_op op = L->cc_op;
    ir_tmp src2 = ir_global(B, X86_G_CC_SRC2), rec = ir_new_i32(B);
    bool carry_in = op == X86_CC_DYNAMIC || (unsigned)(op - X86_CC_ADCB) < 3u ||
                    (unsigned)(op - X86_CC_SBBB) < 3u;
    if (op != X86_CC_DYNAMIC && op >= X86_CC_ROTB) {
        ir_andi(B, rec, src2, 0x1ff); /* keep the record below */
    } else if (carry_in) {
        ir_andi(B, rec, src2, 1);
        ir_shli(B, rec, rec, 8);
        if (op == X86_CC_DYNAMIC) {
            /* Unknown kind: over a ROT record, keep the record below it. */
            ir_tmp kind = ir_new_i32(B), under = ir_new_i32(B), over = ir_new_i32(B);
            ir_mov(B, kind, ir_global(B, X86_G_CC_OP));
            ir_or(B, over, rec, kind);
            ir_andi(B, under, src2, 0x1ff);
            rec = ir_new_i32(B);
            ir_movcond(B, IR_COND_GEU, rec, kind, lift_const(L, X86_CC_ROTB), under, over);
        } else {
            ir_ori(B, rec, rec, op);
        }
    } else {
        ir_movi(B, rec, op);
    }
    ir_tmp f = ir_new_i32(B);
    ir_shli(B, f, cf_of, 16);
    ir_or(B, rec, rec, f);
    ir_mov(B, src2, rec);
    ir_movi(B, ir_global(B, X86_G_CC_OP), x86_cc_sized(X86_CC_ROTB, size));
    L->cc_op = x86_cc_sized(X86_CC_ROTB, size);
}

/* 32-bit ROL/ROR by a nonzero immediate: CF and OF from the result, the other flags as they
 * were (cpu/helper-arith.c, rotate), as a ROT record. */
static bool rotate_inline(struct lift *L, unsigned op, unsigned size)
{
    const struct x86_operand *o = &L->in->op[1];
    if (op > 1 || size != 4 || (o->kind != X86_OPK_IMM && o->kind != X86_OPK_CONST1))
        return false;
    unsigned c = (o->kind == X86_OPK_CONST1 ? 1u : (unsigned)L->in->imm) & 31;
    if (c == 0)
        return false;
    ir_tmp v = lift_read_op(L, 0);
    ir_tmp r = ir_new_i32(L->b), cf = ir_new_i32(L->b), of = ir_new_i32(L->b);
    ir_rotl(L->b, r, v, lift_const(L, op == 0 ? c : 32 - c));
    if (op == 0) {
        ir_andi(L->b, cf, r, 1);
        ir_shri(L->b, of, r, 31);
        ir_xor(L->b, of, of, cf);
    } else {
        ir_shri(L->b, cf, r, 31);
        ir_shri(L->b, of, r, 30);
        ir_xor(L->b, of, of, cf);
        ir_andi(L->b, of, of, 1);
    }
    ir_shli(L->b, of, of, 11); /* OF is EFLAGS bit 11 */
    ir_or(L->b, of, of, cf);
    lift_write_op(L, 0, r);
    set_cc_rot(L, of, size);
    return true;
}

void lift_shift(struct lift *L)
{
    unsigned size = lift_op_size(L, 0), op = (L->in->modrm >> 3) & 7;
    if (shift_inline(L, op, size) || shift_cl_inline(L, op, size) || rotate_inline(L, op, size))
        return;
    ir_tmp v = lift_read_op(L, 0), n = lift_read_op(L, 1);
    ir_tmp lin = probe_destination(L, v, size);
    ir_tmp a[5] = {lift_env(L), lift_const(L, (L->in->modrm >> 3) & 7), v, n, lift_const(L, size)};
    ir_tmp r = lift_call_ret(L, X86_HELPER_shift, 5, a);
    store_result(L, lin, r, size);
    L->cc_op = X86_CC_DYNAMIC;
}

void lift_shiftd(struct lift *L)
{
    unsigned size = lift_op_size(L, 0);
    ir_tmp d = lift_read_op(L, 0), s = lift_read_op(L, 1), n;
    n = L->in->nops == 3 ? lift_read_op(L, 2) : lift_get_reg(L, X86_ECX, 1);
    ir_tmp lin = probe_destination(L, d, size);
    ir_tmp a[6] = {lift_env(L),        lift_const(L, L->in->mnemonic == X86_MN_SHRD), d, s, n,
                   lift_const(L, size)};
    ir_tmp r = lift_call_ret(L, X86_HELPER_shiftd, 6, a);
    store_result(L, lin, r, size);
    L->cc_op = X86_CC_DYNAMIC;
}

void lift_bcd(struct lift *L)
{
    unsigned op = L->in->mnemonic == X86_MN_DAA   ? 0
                  : L->in->mnemonic == X86_MN_DAS ? 1
                  : L->in->mnemonic == X86_MN_AAA ? 2
                                                  : 3;
    ir_tmp a[2] = {lift_env(L), lift_const(L, op)};
    lift_call(L, X86_HELPER_bcd, a[0], 2, a);
    L->cc_op = X86_CC_DYNAMIC;
}

void lift_aam(struct lift *L)
{
    ir_tmp a[2] = {lift_env(L), lift_const(L, (uint8_t)L->in->imm)};
    lift_call(L, X86_HELPER_aam, a[0], 2, a);
    L->cc_op = X86_CC_DYNAMIC;
}

void lift_aad(struct lift *L)
{
    ir_tmp a[2] = {lift_env(L), lift_const(L, (uint8_t)L->in->imm)};
    lift_call(L, X86_HELPER_aad, a[0], 2, a);
    L->cc_op = X86_CC_DYNAMIC;
}

/* BT/BTS/BTR/BTC: a register bit offset addresses a bit string in memory
 * (SDM Vol. 2, BT: "bit base" addressing); an immediate is taken modulo the size. */
void lift_bt(struct lift *L)
{
    unsigned size = lift_op_size(L, 0), bits = size * 8, mn = L->in->mnemonic;
    bool imm = L->in->op[1].kind == X86_OPK_IMM;
    ir_tmp idx = lift_read_op(L, 1), lin = {0}, v;
    ir_tmp bitn = ir_new_i32(L->b);
    ir_andi(L->b, bitn, idx, bits - 1);
    if (lift_op_is_mem(L, 0)) {
        ir_tmp off = ir_new_i32(L->b);
        ir_mov(L->b, off, lift_ea_offset(L));
        if (!imm) {
            ir_tmp d = ir_new_i32(L->b);
            ir_sari(L->b, d, lift_sext(L, idx, size), bits == 16 ? 4 : 5);
            ir_muli(L->b, d, d, size);
            ir_add(L->b, off, off, d);
            if (L->in->asize == 2)
                ir_ext16u(L->b, off, off);
        }
        lin = mn == X86_MN_BT ? lift_linear(L, L->in->mem.seg, off, size)
                              : lift_linear_w(L, L->in->mem.seg, off, size);
        v = lift_load(L, lin, size);
    } else {
        v = lift_read_op(L, 0);
    }
    ir_tmp cf = ir_new_i32(L->b), mask = ir_new_i32(L->b), r = ir_new_i32(L->b);
    ir_shr(L->b, cf, v, bitn);
    ir_andi(L->b, cf, cf, 1);
    ir_shl(L->b, mask, lift_const(L, 1), bitn);
    if (mn == X86_MN_BTS)
        ir_or(L->b, r, v, mask);
    else if (mn == X86_MN_BTR) {
        ir_not(L->b, mask, mask);
        ir_and(L->b, r, v, mask);
    } else if (mn == X86_MN_BTC)
        ir_xor(L->b, r, v, mask);
    ir_tmp f = lift_arith_flags(L);
    if (mn != X86_MN_BT) {
        if (lift_op_is_mem(L, 0))
            lift_store(L, lin, r, size);
        else
            lift_write_op(L, 0, lift_trunc(L, r, size));
    }
    ir_andi(L->b, f, f, ~X86_CF & X86_ARITH_FLAGS);
    ir_or(L->b, f, f, cf);
    lift_set_eflags_arith(L, f);
}

void lift_bitscan(struct lift *L)
{
    unsigned size = lift_op_size(L, 0);
    ir_tmp s = lift_read_op(L, 1), d = lift_read_op(L, 0);
    ir_tmp a[5] = {lift_env(L), lift_const(L, L->in->mnemonic == X86_MN_BSR), s, d,
                   lift_const(L, size)};
    ir_tmp r = lift_call_ret(L, X86_HELPER_bitscan, 5, a);
    lift_write_op(L, 0, r);
    L->cc_op = X86_CC_DYNAMIC;
}

void lift_xadd(struct lift *L)
{
    unsigned size = lift_op_size(L, 0);
    ir_tmp d = lift_read_op(L, 0), s = lift_read_op(L, 1), r = ir_new_i32(L->b);
    ir_add(L->b, r, d, s);
    r = lift_trunc(L, r, size);
    lift_write_op(L, 0, r);
    lift_write_op(L, 1, d);
    lift_set_cc(L, sized(X86_CC_ADDB, size), r, s, lift_const(L, 0));
}

/* CMPXCHG: the destination is written in both cases (SDM: "the processor never
 * produces a locked read without also producing a locked write"). */
void lift_cmpxchg(struct lift *L)
{
    unsigned size = lift_op_size(L, 0);
    ir_tmp d = lift_read_op(L, 0), s = lift_read_op(L, 1);
    ir_tmp acc = lift_get_reg(L, X86_EAX, size);
    ir_tmp eq = ir_new_i32(L->b), nv = ir_new_i32(L->b), r = ir_new_i32(L->b);
    ir_setcond(L->b, IR_COND_EQ, eq, acc, d);
    ir_movcond(L->b, IR_COND_NE, nv, eq, lift_const(L, 0), s, d);
    lift_write_op(L, 0, nv);
    ir_tmp newacc = ir_new_i32(L->b);
    ir_movcond(L->b, IR_COND_NE, newacc, eq, lift_const(L, 0), acc, d);
    lift_set_reg(L, X86_EAX, size, newacc);
    ir_sub(L->b, r, acc, d);
    r = lift_trunc(L, r, size);
    lift_set_cc(L, sized(X86_CC_SUBB, size), r, d, lift_const(L, 0));
}
