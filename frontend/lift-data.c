/* Data movement and flag instructions (SDM Vol. 2: MOV, MOV Sreg, MOVZX/MOVSX,
 * LEA, XCHG, PUSH/POP and their A/F forms, ENTER/LEAVE, LDS/LES/LSS/LFS/LGS,
 * CBW/CWD, LAHF/SAHF, CLC/STC/CMC/CLD/STD/CLI/STI, XLAT, SALC, SETcc, CMOVcc,
 * BSWAP, IN/OUT, string instructions, BOUND). */
#include "frontend/lift-internal.h"

static bool is_seg_reg(const struct lift *L, unsigned i)
{
    return L->in->op[i].kind == X86_OPK_REG && L->in->op[i].rclass == X86_RC_SEG;
}

static void load_seg(struct lift *L, unsigned seg, ir_tmp sel)
{
    ir_tmp a[3] = {lift_env(L), lift_const(L, seg), sel};
    lift_call(L, X86_HELPER_load_seg, a[0], 3, a);
    /* SS: new stack size and the interrupt shadow; CS never comes here.
     * ES, SS, DS in protected mode: X86_HF_FLAT32 may change. */
    if (seg == X86_SEG_SS || (L->hflags & X86_HF_PE))
        L->stop = true;
    if ((L->hflags & X86_HF_PE) && (seg == X86_SEG_ES || seg == X86_SEG_SS || seg == X86_SEG_DS))
        L->relookup = true;
}

void lift_mov_seg(struct lift *L)
{
    unsigned seg = L->in->op[0].reg;
    if (seg == X86_SEG_CS || seg > X86_SEG_GS) {
        lift_raise(L, 6, 0);
        return;
    }
    load_seg(L, seg, lift_trunc(L, lift_read_op(L, 1), 2));
}

void lift_mov(struct lift *L)
{
    const struct x86_operand *o1 = &L->in->op[1];
    if (lift_is_cr_mov(L)) {
        lift_mov_cr(L);
        return;
    }
    if (is_seg_reg(L, 0)) {
        lift_mov_seg(L);
        return;
    }
    if (is_seg_reg(L, 1) && o1->reg > X86_SEG_GS) {
        lift_raise(L, 6, 0);
        return;
    }
    lift_write_op(L, 0, lift_read_op(L, 1));
}

void lift_movx(struct lift *L)
{
    unsigned ss = lift_op_size(L, 1);
    ir_tmp v = lift_read_op(L, 1);
    if (L->in->mnemonic == X86_MN_MOVSX)
        v = lift_trunc(L, lift_sext(L, v, ss), lift_op_size(L, 0));
    lift_write_op(L, 0, v);
}

void lift_lea(struct lift *L)
{
    lift_write_op(L, 0, lift_trunc(L, lift_ea_offset(L), lift_op_size(L, 0)));
}

void lift_xchg(struct lift *L)
{
    ir_tmp a = lift_read_op(L, 0), b = lift_read_op(L, 1);
    /* The memory operand first: a faulting store leaves the register intact. */
    if (lift_op_is_mem(L, 1)) {
        lift_write_op(L, 1, a);
        lift_write_op(L, 0, b);
    } else {
        lift_write_op(L, 0, b);
        lift_write_op(L, 1, a);
    }
}

void lift_push_insn(struct lift *L)
{
    unsigned os = L->in->osize;
    ir_tmp v = lift_read_op(L, 0);
    lift_push(L, lift_trunc(L, v, os), os);
}

void lift_pop_insn(struct lift *L)
{
    unsigned os = L->in->osize;
    if (is_seg_reg(L, 0)) {
        unsigned seg = L->in->op[0].reg;
        if (seg == X86_SEG_CS) {
            lift_raise(L, 6, 0);
            return;
        }
        ir_tmp v = lift_pop_peek(L, 2, 0);
        load_seg(L, seg, v);
        lift_sp_add(L, os);
        return;
    }
    ir_tmp v = lift_pop_peek(L, os, 0);
    /* POP ESP and POP [ESP+x]: ESP is incremented first (SDM Vol. 2, POP). */
    if (lift_op_is_mem(L, 0)) {
        /* The address takes the incremented ESP, but ESP changes only after
         * the store, so a faulting (or restarted) store leaves it intact. */
        ir_tmp esp = lift_gpr_global(L, X86_ESP), old = ir_new_i32(L->b);
        ir_mov(L->b, old, esp);
        lift_sp_add(L, os);
        ir_tmp off = lift_ea_offset(L);
        ir_mov(L->b, esp, old);
        lift_store(L, lift_linear_w(L, L->in->mem.seg, off, os), v, os);
        lift_sp_add(L, os);
        return;
    }
    lift_sp_add(L, os);
    lift_write_op(L, 0, v);
}

void lift_pusha(struct lift *L)
{
    ir_tmp a[2] = {lift_env(L), lift_const(L, L->in->osize)};
    lift_call(L, X86_HELPER_pusha, a[0], 2, a);
}

void lift_popa(struct lift *L)
{
    ir_tmp a[2] = {lift_env(L), lift_const(L, L->in->osize)};
    lift_call(L, X86_HELPER_popa, a[0], 2, a);
}

void lift_pushf(struct lift *L)
{
    unsigned os = L->in->osize;
    ir_tmp a[1] = {lift_env(L)};
    ir_tmp f = lift_call_ret(L, X86_HELPER_read_eflags, 1, a);
    /* The image pushed has VM and RF clear (SDM Vol. 2, PUSHF). */
    ir_andi(L->b, f, f, ~(X86_VM | X86_RF));
    lift_push(L, lift_trunc(L, f, os), os);
}

void lift_popf(struct lift *L)
{
    unsigned os = L->in->osize;
    ir_tmp v = lift_pop_peek(L, os, 0);
    uint32_t mask = 0x7fd5u | (os == 4 ? (X86_AC | X86_ID) : 0);
    ir_tmp a[3] = {lift_env(L), v, lift_const(L, mask)};
    lift_call(L, X86_HELPER_write_eflags, a[0], 3, a);
    L->cc_op = X86_CC_DYNAMIC;
    lift_sp_add(L, os);
    L->stop = true;
}

void lift_enter(struct lift *L)
{
    ir_tmp a[4] = {lift_env(L), lift_const(L, (uint16_t)L->in->imm),
                   lift_const(L, (uint8_t)L->in->imm2 & 31), lift_const(L, L->in->osize)};
    lift_call(L, X86_HELPER_enter, a[0], 4, a);
}

void lift_leave(struct lift *L)
{
    unsigned os = L->in->osize, ss = lift_stack_size(L);
    ir_tmp bp = lift_get_reg(L, X86_EBP, ss);
    ir_tmp v = lift_load(L, lift_linear(L, X86_SEG_SS, bp, os), os);
    ir_tmp sp = ir_new_i32(L->b);
    ir_addi(L->b, sp, bp, os);
    lift_set_reg(L, X86_ESP, ss, lift_trunc(L, sp, ss));
    lift_set_reg(L, X86_EBP, os, v);
}

void lift_lxs(struct lift *L)
{
    unsigned os = L->in->osize, mn = L->in->mnemonic;
    unsigned seg = mn == X86_MN_LES   ? X86_SEG_ES
                   : mn == X86_MN_LDS ? X86_SEG_DS
                   : mn == X86_MN_LSS ? X86_SEG_SS
                   : mn == X86_MN_LFS ? X86_SEG_FS
                                      : X86_SEG_GS;
    ir_tmp eo = lift_ea_offset(L), o2 = ir_new_i32(L->b);
    ir_tmp off = lift_load(L, lift_linear(L, L->in->mem.seg, eo, os), os);
    ir_addi(L->b, o2, eo, os);
    if (L->in->asize == 2)
        ir_ext16u(L->b, o2, o2);
    ir_tmp sel = lift_load(L, lift_linear(L, L->in->mem.seg, o2, 2), 2);
    load_seg(L, seg, sel);
    lift_set_reg(L, L->in->op[0].reg, os, off);
}

void lift_cbw(struct lift *L)
{
    unsigned os = L->in->osize;
    ir_tmp v = lift_get_reg(L, X86_EAX, os / 2);
    lift_set_reg(L, X86_EAX, os, lift_trunc(L, lift_sext(L, v, os / 2), os));
}

void lift_cwd(struct lift *L)
{
    unsigned os = L->in->osize;
    ir_tmp v = lift_sext(L, lift_get_reg(L, X86_EAX, os), os), s = ir_new_i32(L->b);
    ir_sari(L->b, s, v, 31);
    lift_set_reg(L, X86_EDX, os, lift_trunc(L, s, os));
}

void lift_lahf(struct lift *L)
{
    ir_tmp f = lift_arith_flags(L);
    ir_andi(L->b, f, f, X86_SF | X86_ZF | X86_AF | X86_PF | X86_CF);
    ir_ori(L->b, f, f, 2);
    lift_set_reg(L, 4, 1, f); /* AH */
}

void lift_sahf(struct lift *L)
{
    ir_tmp f = lift_arith_flags(L), ah = lift_get_reg(L, 4, 1);
    ir_andi(L->b, f, f, X86_OF);
    ir_andi(L->b, ah, ah, X86_SF | X86_ZF | X86_AF | X86_PF | X86_CF);
    ir_or(L->b, f, f, ah);
    lift_set_eflags_arith(L, f);
}

static void eflags_bit(struct lift *L, uint32_t bit, bool set)
{
    ir_tmp f = ir_new_i32(L->b);
    ir_ld(L->b, f, ENV_OFF(eflags), IR_MEMOP(IR_MO_32, 0, 0));
    if (set)
        ir_ori(L->b, f, f, bit);
    else
        ir_andi(L->b, f, f, ~bit);
    ir_st(L->b, f, ENV_OFF(eflags), IR_MEMOP(IR_MO_32, 0, 0));
}

void lift_flagop(struct lift *L)
{
    unsigned mn = L->in->mnemonic;
    if (mn == X86_MN_CLD || mn == X86_MN_STD) {
        eflags_bit(L, X86_DF, mn == X86_MN_STD);
        return;
    }
    if (mn == X86_MN_CLI || mn == X86_MN_STI) {
        ir_tmp a[1] = {lift_env(L)};
        lift_call(L, mn == X86_MN_CLI ? X86_HELPER_cli : X86_HELPER_sti, a[0], 1, a);
        L->stop = true;
        return;
    }
    ir_tmp f = lift_arith_flags(L);
    if (mn == X86_MN_CLC)
        ir_andi(L->b, f, f, ~X86_CF);
    else if (mn == X86_MN_STC)
        ir_ori(L->b, f, f, X86_CF);
    else
        ir_xori(L->b, f, f, X86_CF);
    lift_set_eflags_arith(L, f);
}

static unsigned data_seg(const struct lift *L)
{
    return (L->in->prefixes & X86_PREF_SEG) ? L->in->seg_override : X86_SEG_DS;
}

void lift_xlat(struct lift *L)
{
    unsigned as = L->in->asize;
    ir_tmp off = ir_new_i32(L->b);
    ir_add(L->b, off, lift_gpr_global(L, X86_EBX), lift_get_reg(L, X86_EAX, 1));
    off = lift_trunc(L, off, as);
    ir_tmp v = lift_load(L, lift_linear(L, data_seg(L), off, 1), 1);
    lift_set_reg(L, X86_EAX, 1, v);
}

void lift_salc(struct lift *L)
{
    ir_tmp v = ir_new_i32(L->b);
    ir_neg(L->b, v, lift_cf(L));
    lift_set_reg(L, X86_EAX, 1, v);
}

void lift_setcc(struct lift *L)
{
    lift_write_op(L, 0, lift_cond(L, L->in->opcode & 15));
}

void lift_cmovcc(struct lift *L)
{
    ir_tmp s = lift_read_op(L, 1), d = lift_read_op(L, 0), r = ir_new_i32(L->b);
    ir_tmp c = lift_cond(L, L->in->opcode & 15);
    ir_movcond(L->b, IR_COND_NE, r, c, lift_const(L, 0), s, d);
    lift_write_op(L, 0, r);
}

void lift_bswap(struct lift *L)
{
    ir_tmp v = lift_read_op(L, 0), r = ir_new_i32(L->b);
    ir_bswap(L->b, r, v);
    if (L->in->osize == 2)
        ir_movi(L->b, r, 0); /* undefined for 16 bits; P6 and later clear the word */
    lift_write_op(L, 0, r);
}

void lift_nop(struct lift *L)
{
    (void)L;
}

void lift_inout(struct lift *L)
{
    bool in = L->in->mnemonic == X86_MN_IN;
    unsigned pi = in ? 1 : 0, vi = in ? 0 : 1, size = lift_op_size(L, vi);
    ir_tmp port = lift_trunc(L, lift_read_op(L, pi), 2);
    if (in) {
        ir_tmp a[3] = {lift_env(L), port, lift_const(L, size)};
        lift_write_op(L, 0, lift_call_ret(L, X86_HELPER_in, 3, a));
    } else {
        ir_tmp a[4] = {lift_env(L), port, lift_read_op(L, 1), lift_const(L, size)};
        lift_call(L, X86_HELPER_out, a[0], 4, a);
    }
}

static const struct {
    uint16_t mn;
    uint8_t op, byte;
} string_ops[] = {
    {X86_MN_MOVSB, X86_STR_MOVS, 1}, {X86_MN_MOVS, X86_STR_MOVS, 0},
    {X86_MN_CMPSB, X86_STR_CMPS, 1}, {X86_MN_CMPS, X86_STR_CMPS, 0},
    {X86_MN_STOSB, X86_STR_STOS, 1}, {X86_MN_STOS, X86_STR_STOS, 0},
    {X86_MN_LODSB, X86_STR_LODS, 1}, {X86_MN_LODS, X86_STR_LODS, 0},
    {X86_MN_SCASB, X86_STR_SCAS, 1}, {X86_MN_SCAS, X86_STR_SCAS, 0},
    {X86_MN_INSB, X86_STR_INS, 1},   {X86_MN_INS, X86_STR_INS, 0},
    {X86_MN_OUTSB, X86_STR_OUTS, 1}, {X86_MN_OUTS, X86_STR_OUTS, 0},
};

/* One helper call per string instruction; with REP it runs every iteration
 * and returns 0 when it stopped early for an exit request (the instruction
 * then runs again from the same EIP with the registers it left). */
void lift_string(struct lift *L)
{
    unsigned i = 0;
    while (string_ops[i].mn != L->in->mnemonic)
        i++;
    unsigned op = string_ops[i].op, size = string_ops[i].byte ? 1 : L->in->osize;
    unsigned rep = 0;
    if (L->in->prefixes & (X86_PREF_REP | X86_PREF_REPNE)) {
        bool cmp = op == X86_STR_CMPS || op == X86_STR_SCAS;
        rep = (cmp && (L->in->prefixes & X86_PREF_REPNE)) ? 2 : 1;
    }
    ir_tmp a[3] = {lift_env(L), lift_const(L, op),
                   lift_const(L, X86_STRD(size, L->in->asize, data_seg(L), rep))};
    ir_tmp done = lift_call_ret(L, X86_HELPER_string, 3, a);
    if (op == X86_STR_CMPS || op == X86_STR_SCAS)
        L->cc_op = X86_CC_DYNAMIC;
    if (!rep)
        return;
    ir_label fin = ir_new_label(L->b);
    ir_brcondi(L->b, IR_COND_NE, done, 0, fin);
    lift_exit_code(L, L->eip, X86_EXIT_NORMAL);
    ir_set_label(L->b, fin);
    lift_exit_jump(L, 0, L->next_eip);
}

void lift_bound(struct lift *L)
{
    unsigned os = L->in->osize;
    ir_tmp a[5] = {lift_env(L), lift_get_reg(L, L->in->op[0].reg, os),
                   lift_const(L, L->in->mem.seg), lift_ea_offset(L), lift_const(L, os)};
    lift_call(L, X86_HELPER_bound, a[0], 5, a);
}
