/* System instructions (SDM Vol. 2: MOV to/from CRn and DRn, LMSW/SMSW, CLTS,
 * LGDT/LIDT/SGDT/SIDT, LLDT/LTR/SLDT/STR, CPUID, RDTSC, RDMSR/WRMSR, INVLPG,
 * INVD/WBINVD): privilege checks and mode changes are the helpers'; the block
 * ends after anything that can change how code is translated. */
#include "frontend/lift-internal.h"

static bool cr_operand(const struct x86_operand *o)
{
    return o->kind == X86_OPK_REG && (o->rclass == X86_RC_CR || o->rclass == X86_RC_DR);
}

bool lift_is_cr_mov(const struct lift *L)
{
    return cr_operand(&L->in->op[0]) || cr_operand(&L->in->op[1]);
}

/* MOV r32,CRn / CRn,r32 / DRn: always 32-bit registers (ModRM.mod ignored). */
void lift_mov_cr(struct lift *L)
{
    const struct x86_operand *o0 = &L->in->op[0], *o1 = &L->in->op[1];
    bool to = cr_operand(o0);
    const struct x86_operand *c = to ? o0 : o1, *g = to ? o1 : o0;
    bool dr = c->rclass == X86_RC_DR;
    if (to) {
        ir_tmp a[3] = {lift_env(L), lift_const(L, c->reg), lift_get_reg(L, g->reg, 4)};
        lift_call(L, dr ? X86_HELPER_write_dr : X86_HELPER_write_cr, a[0], 3, a);
        L->stop = true;
        return;
    }
    ir_tmp a[2] = {lift_env(L), lift_const(L, c->reg)};
    lift_set_reg(L, g->reg, 4, lift_call_ret(L, dr ? X86_HELPER_read_dr : X86_HELPER_read_cr, 2, a));
}

static void call0(struct lift *L, enum x86_helper h)
{
    ir_tmp a[1] = {lift_env(L)};
    lift_call(L, h, a[0], 1, a);
}

void lift_sys_simple(struct lift *L)
{
    switch (L->in->mnemonic) {
    case X86_MN_CLTS: call0(L, X86_HELPER_clts); L->stop = true; break;
    case X86_MN_CPUID: call0(L, X86_HELPER_cpuid); break;
    case X86_MN_RDTSC: call0(L, X86_HELPER_rdtsc); break;
    case X86_MN_RDMSR: call0(L, X86_HELPER_rdmsr); break;
    case X86_MN_WRMSR: call0(L, X86_HELPER_wrmsr); L->stop = true; break;
    default: call0(L, X86_HELPER_check_cpl0); break; /* INVD, WBINVD: no caches to write back */
    }
}

void lift_dtable(struct lift *L)
{
    unsigned mn = L->in->mnemonic;
    unsigned which = (mn == X86_MN_LIDT || mn == X86_MN_SIDT) ? 1 : 0;
    ir_tmp off = lift_ea_offset(L);
    if (mn == X86_MN_LGDT || mn == X86_MN_LIDT) {
        ir_tmp a[5] = {lift_env(L), lift_const(L, which), lift_const(L, L->in->mem.seg), off,
                       lift_const(L, L->in->osize)};
        lift_call(L, X86_HELPER_load_dtable, a[0], 5, a);
    } else {
        ir_tmp a[4] = {lift_env(L), lift_const(L, which), lift_const(L, L->in->mem.seg), off};
        lift_call(L, X86_HELPER_store_dtable, a[0], 4, a);
    }
}

void lift_ldt_tr(struct lift *L)
{
    ir_tmp sel = lift_trunc(L, lift_read_op(L, 0), 2);
    ir_tmp a[2] = {lift_env(L), sel};
    lift_call(L, L->in->mnemonic == X86_MN_LLDT ? X86_HELPER_lldt : X86_HELPER_ltr, a[0], 2, a);
}

/* SLDT, STR, SMSW: a register destination takes the operand size (zero-extended). */
void lift_store_sysreg(struct lift *L)
{
    unsigned mn = L->in->mnemonic;
    ir_tmp v = ir_new_i32(L->b);
    if ((L->hflags & (X86_HF_PE | X86_HF_VM)) != X86_HF_PE && mn != X86_MN_SMSW) {
        lift_raise(L, 6, 0); /* SLDT/STR are not recognized in real and virtual-8086 mode */
        return;
    }
    if (mn == X86_MN_SMSW)
        ir_ld(L->b, v, X86_LOW32(ENV_OFF(cr[0])), IR_MEMOP(IR_MO_32, 0, 0));
    else
        ir_ld(L->b, v, mn == X86_MN_SLDT ? ENV_OFF(ldt.selector) : ENV_OFF(tr.selector),
              IR_MEMOP(IR_MO_16, 0, 0));
    lift_write_op(L, 0, lift_trunc(L, v, lift_op_size(L, 0)));
}

void lift_lmsw(struct lift *L)
{
    ir_tmp a[2] = {lift_env(L), lift_trunc(L, lift_read_op(L, 0), 2)};
    lift_call(L, X86_HELPER_lmsw, a[0], 2, a);
    L->stop = true;
}

void lift_invlpg(struct lift *L)
{
    ir_tmp lin = ir_new_i32(L->b);
    ir_add(L->b, lin, lift_ea_offset(L), lift_seg_base(L, L->in->mem.seg));
    ir_tmp a[2] = {lift_env(L), lin};
    lift_call(L, X86_HELPER_invlpg, a[0], 2, a);
    L->stop = true;
}
