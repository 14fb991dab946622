/* Control transfers (SDM Vol. 2: Jcc, JMP, CALL, RET, LOOP, JCXZ, far forms,
 * IRET, INT n/INT3/INTO/INT1, HLT) and the block exits they end with. */
#include "frontend/lift-internal.h"

void lift_exit_jump(struct lift *L, unsigned slot, uint32_t target)
{
    ir_movi(L->b, ir_global(L->b, X86_G_EIP), target);
    ir_goto_tb(L->b, slot);
    L->end = true;
}

void lift_exit_indirect(struct lift *L, ir_tmp eip)
{
    ir_tmp g = ir_global(L->b, X86_G_EIP);
    ir_mov(L->b, g, eip);
    ir_goto_ptr(L->b, g);
    L->end = true;
}

void lift_exit_code(struct lift *L, uint32_t eip, unsigned code)
{
    ir_movi(L->b, ir_global(L->b, X86_G_EIP), eip);
    ir_exit_tb(L->b, code);
    L->end = true;
}

/* A helper set CS:EIP (far transfers): look the next block up from env. */
void lift_exit_after_helper(struct lift *L)
{
    ir_tmp g = ir_global(L->b, X86_G_EIP);
    ir_goto_ptr(L->b, g);
    L->end = true;
}

/* Falls through to eip, looking the next block up afresh: an instruction
 * that may change a segment behind X86_HF_FLAT32 cannot be chained to a
 * block translated under the old key. */
void lift_exit_lookup(struct lift *L, uint32_t eip)
{
    ir_tmp g = ir_global(L->b, X86_G_EIP);
    ir_movi(L->b, g, eip);
    ir_goto_ptr(L->b, g);
    L->end = true;
}

static uint32_t eip_mask(const struct lift *L)
{
    return L->in->osize == 2 ? 0xffffu : 0xffffffffu;
}

static uint32_t rel_target(const struct lift *L)
{
    return (uint32_t)(L->next_eip + (uint32_t)L->in->imm) & eip_mask(L);
}

static void branch(struct lift *L, ir_tmp taken, uint32_t target)
{
    ir_label l = ir_new_label(L->b);
    ir_brcondi(L->b, IR_COND_NE, taken, 0, l);
    lift_exit_jump(L, 0, L->next_eip);
    ir_set_label(L->b, l);
    lift_exit_jump(L, 1, target);
}

void lift_jcc(struct lift *L)
{
    branch(L, lift_cond(L, L->in->opcode & 15), rel_target(L));
}

static ir_tmp masked_target(struct lift *L, ir_tmp v)
{
    return lift_trunc(L, v, L->in->osize);
}

void lift_jmp(struct lift *L)
{
    if (L->in->op[0].kind == X86_OPK_REL) {
        lift_exit_jump(L, 0, rel_target(L));
        return;
    }
    lift_exit_indirect(L, masked_target(L, lift_read_op(L, 0)));
}

void lift_call_near(struct lift *L)
{
    unsigned os = L->in->osize;
    if (L->in->op[0].kind == X86_OPK_REL) {
        lift_push(L, lift_const(L, L->next_eip), os);
        lift_exit_jump(L, 0, rel_target(L));
        return;
    }
    ir_tmp t = masked_target(L, lift_read_op(L, 0));
    lift_push(L, lift_const(L, L->next_eip), os);
    lift_exit_indirect(L, t);
}

void lift_ret(struct lift *L)
{
    unsigned os = L->in->osize;
    ir_tmp t = lift_pop_peek(L, os, 0);
    uint32_t extra = L->in->nops ? (uint16_t)L->in->imm : 0;
    lift_sp_add(L, os + extra);
    lift_exit_indirect(L, masked_target(L, t));
}

void lift_far(struct lift *L)
{
    unsigned os = L->in->osize;
    ir_tmp sel, off;
    if (L->in->op[0].kind == X86_OPK_FAR) {
        off = lift_const(L, (uint32_t)L->in->imm & eip_mask(L));
        sel = lift_const(L, (uint16_t)L->in->imm2);
    } else {
        ir_tmp eo = lift_ea_offset(L), o2 = ir_new_i32(L->b);
        off = lift_load(L, lift_linear(L, L->in->mem.seg, eo, os), os);
        ir_addi(L->b, o2, eo, os);
        if (L->in->asize == 2)
            ir_ext16u(L->b, o2, o2);
        sel = lift_load(L, lift_linear(L, L->in->mem.seg, o2, 2), 2);
    }
    if (L->in->mnemonic == X86_MN_JMPF) {
        ir_tmp a[5] = {lift_env(L), sel, off, lift_const(L, os), lift_const(L, L->next_eip)};
        lift_call(L, X86_HELPER_ljmp, a[0], 5, a);
    } else {
        ir_tmp a[5] = {lift_env(L), sel, off, lift_const(L, os), lift_const(L, L->next_eip)};
        lift_call(L, X86_HELPER_lcall, a[0], 5, a);
    }
    lift_exit_after_helper(L);
}

void lift_retf(struct lift *L)
{
    uint32_t extra = L->in->nops ? (uint16_t)L->in->imm : 0;
    ir_tmp a[3] = {lift_env(L), lift_const(L, L->in->osize), lift_const(L, extra)};
    lift_call(L, X86_HELPER_lret, a[0], 3, a);
    lift_exit_after_helper(L);
}

void lift_iret(struct lift *L)
{
    ir_tmp a[3] = {lift_env(L), lift_const(L, L->in->osize), lift_const(L, L->next_eip)};
    lift_call(L, X86_HELPER_iret, a[0], 3, a);
    L->cc_op = X86_CC_DYNAMIC;
    lift_exit_after_helper(L);
}

/* LOOP/LOOPE/LOOPNE decrement the count register (CX or ECX by address size)
 * without touching flags; JCXZ/JECXZ only test it. */
void lift_loop(struct lift *L)
{
    unsigned as = L->in->asize, mn = L->in->mnemonic;
    ir_tmp cnt = lift_get_reg(L, X86_ECX, as), taken = ir_new_i32(L->b);
    if (mn == X86_MN_JECXZ) {
        ir_setcond(L->b, IR_COND_EQ, taken, cnt, lift_const(L, 0));
        branch(L, taken, rel_target(L));
        return;
    }
    ir_tmp z = {0};
    if (mn != X86_MN_LOOP)
        z = lift_cond(L, mn == X86_MN_LOOPE ? 4 : 5);
    ir_subi(L->b, cnt, cnt, 1);
    cnt = lift_trunc(L, cnt, as);
    lift_set_reg(L, X86_ECX, as, cnt);
    ir_setcond(L->b, IR_COND_NE, taken, cnt, lift_const(L, 0));
    if (mn != X86_MN_LOOP)
        ir_and(L->b, taken, taken, z);
    branch(L, taken, rel_target(L));
}

void lift_int(struct lift *L)
{
    unsigned mn = L->in->mnemonic;
    if (mn == X86_MN_INTO) {
        ir_tmp a[2] = {lift_env(L), lift_const(L, L->next_eip)};
        lift_call(L, X86_HELPER_into, a[0], 2, a);
        lift_exit_jump(L, 0, L->next_eip);
        return;
    }
    /* Bit 8 marks INT n: the only form that is IOPL-sensitive in v86 mode. */
    unsigned vec = mn == X86_MN_INT3 ? 3 : mn == X86_MN_INT1 ? 1 : 0x100u | (uint8_t)L->in->imm;
    ir_tmp a[3] = {lift_env(L), lift_const(L, vec), lift_const(L, L->next_eip)};
    lift_call(L, X86_HELPER_raise_interrupt, a[0], 3, a);
    ir_exit_tb(L->b, X86_EXIT_NORMAL);
    L->end = true;
}

void lift_hlt(struct lift *L)
{
    ir_tmp a[1] = {lift_env(L)};
    lift_call(L, X86_HELPER_hlt, a[0], 1, a);
    lift_exit_code(L, L->next_eip, X86_EXIT_HALT);
}
