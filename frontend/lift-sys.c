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
        /* CR0.PE (X86_HF_FLAT32) and CR4.OSFXSR are key bits not in env->hflags.
         * A CR3 write (like CR0/CR4) may remap the pages chained jumps lead
         * to: the loop must see the TLB flush before any runs. */
        L->relookup = !dr && (c->reg == 0 || c->reg == 3 || c->reg == 4);
        return;
    }
    ir_tmp a[2] = {lift_env(L), lift_const(L, c->reg)};
    lift_set_reg(L, g->reg, 4,
                 lift_call_ret(L, dr ? X86_HELPER_read_dr : X86_HELPER_read_cr, 2, a));
}

static void call0(struct lift *L, enum x86_helper h)
{
    ir_tmp a[1] = {lift_env(L)};
    lift_call(L, h, a[0], 1, a);
}

void lift_sys_simple(struct lift *L)
{
    switch (L->in->mnemonic) {
    case X86_MN_CLTS:
        call0(L, X86_HELPER_clts);
        L->stop = true;
        break;
    case X86_MN_CPUID: call0(L, X86_HELPER_cpuid); break;
    case X86_MN_RDTSC: call0(L, X86_HELPER_rdtsc); break;
    case X86_MN_RDMSR: call0(L, X86_HELPER_rdmsr); break;
    case X86_MN_WRMSR:
        call0(L, X86_HELPER_wrmsr);
        L->stop = true;
        break;
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
    if (mn == X86_MN_SMSW) {
        ir_ld(L->b, v, X86_LOW32(ENV_OFF(cr[0])), IR_MEMOP(IR_MO_32, 0, 0));
        /* The 286's MSW has PE, MP, EM, TS only; its reserved bits 4-15 read as 1. */
        if (!(L->cfg->features & X86_FEATURE_BIT(X86_FEAT_I386)))
            ir_ori(L->b, v, v, 0xfff0u);
    } else
        ir_ld(L->b, v, mn == X86_MN_SLDT ? ENV_OFF(ldt.selector) : ENV_OFF(tr.selector),
              IR_MEMOP(IR_MO_16, 0, 0));
    lift_write_op(L, 0, lift_trunc(L, v, lift_op_size(L, 0)));
}

void lift_lmsw(struct lift *L)
{
    ir_tmp a[2] = {lift_env(L), lift_trunc(L, lift_read_op(L, 0), 2)};
    lift_call(L, X86_HELPER_lmsw, a[0], 2, a);
    L->stop = true;
    L->relookup = true; /* may set CR0.PE, part of X86_HF_FLAT32 */
}

void lift_invlpg(struct lift *L)
{
    ir_tmp lin = ir_new_i32(L->b);
    ir_add(L->b, lin, lift_ea_offset(L), lift_seg_base(L, L->in->mem.seg));
    ir_tmp a[2] = {lift_env(L), lin};
    lift_call(L, X86_HELPER_invlpg, a[0], 2, a);
    L->relookup = true; /* as a CR3 write: chains into the page may be stale */
}

/* ARPL (protected mode only): raise the RPL of the destination selector to
 * the source's, ZF when it changed (SDM Vol. 2, ARPL). */
void lift_arpl(struct lift *L)
{
    if ((L->hflags & (X86_HF_PE | X86_HF_VM)) != X86_HF_PE) {
        lift_raise(L, 6, 0);
        return;
    }
    ir_tmp d = lift_read_op(L, 0), s = lift_read_op(L, 1);
    ir_tmp dr = ir_new_i32(L->b), sr = ir_new_i32(L->b), lt = ir_new_i32(L->b);
    ir_tmp nv = ir_new_i32(L->b), r = ir_new_i32(L->b);
    ir_andi(L->b, dr, d, 3);
    ir_andi(L->b, sr, s, 3);
    ir_setcond(L->b, IR_COND_LTU, lt, dr, sr);
    ir_andi(L->b, nv, d, 0xfffc);
    ir_or(L->b, nv, nv, sr);
    ir_movcond(L->b, IR_COND_NE, r, lt, lift_const(L, 0), nv, d);
    ir_tmp f = lift_arith_flags(L);
    lift_write_op(L, 0, r);
    ir_andi(L->b, f, f, ~X86_ZF & X86_ARITH_FLAGS);
    ir_shli(L->b, lt, lt, 6);
    ir_or(L->b, f, f, lt);
    lift_set_eflags_arith(L, f);
}

void lift_desc_query(struct lift *L)
{
    unsigned mn = L->in->mnemonic;
    unsigned op = mn == X86_MN_LAR ? 0 : mn == X86_MN_LSL ? 1 : mn == X86_MN_VERR ? 2 : 3;
    if ((L->hflags & (X86_HF_PE | X86_HF_VM)) != X86_HF_PE) {
        lift_raise(L, 6, 0);
        return;
    }
    bool query = op < 2;
    ir_tmp sel = lift_trunc(L, lift_read_op(L, query ? 1 : 0), 2);
    ir_tmp old = query ? lift_read_op(L, 0) : lift_const(L, 0);
    ir_tmp a[4] = {lift_env(L), lift_const(L, op), sel, old};
    ir_tmp r = lift_call_ret(L, X86_HELPER_desc_query, 4, a);
    L->cc_op = X86_CC_DYNAMIC;
    if (query)
        lift_write_op(L, 0, lift_trunc(L, r, L->in->osize));
}

/* CMPXCHG8B m64: EDX:EAX against the quadword; ECX:EBX stored when equal,
 * else the quadword loaded into EDX:EAX (and written back unchanged). */
void lift_cmpxchg8b(struct lift *L)
{
    ir_tmp eo = lift_ea_offset(L), o2 = ir_new_i32(L->b);
    ir_addi(L->b, o2, eo, 4);
    if (L->in->asize == 2)
        ir_ext16u(L->b, o2, o2);
    ir_tmp lin_lo = lift_linear_w(L, L->in->mem.seg, eo, 8);
    ir_tmp lin_hi = ir_new_i32(L->b);
    ir_addi(L->b, lin_hi, lin_lo, 4);
    ir_tmp lo = lift_load(L, lin_lo, 4), hi = lift_load(L, lin_hi, 4);
    ir_tmp e1 = ir_new_i32(L->b), e2 = ir_new_i32(L->b), z = lift_const(L, 0);
    ir_setcond(L->b, IR_COND_EQ, e1, lo, lift_gpr_global(L, X86_EAX));
    ir_setcond(L->b, IR_COND_EQ, e2, hi, lift_gpr_global(L, X86_EDX));
    ir_and(L->b, e1, e1, e2);
    ir_tmp nlo = ir_new_i32(L->b), nhi = ir_new_i32(L->b);
    ir_movcond(L->b, IR_COND_NE, nlo, e1, z, lift_gpr_global(L, X86_EBX), lo);
    ir_movcond(L->b, IR_COND_NE, nhi, e1, z, lift_gpr_global(L, X86_ECX), hi);
    ir_tmp f = lift_arith_flags(L);
    lift_store(L, lin_lo, nlo, 4);
    lift_store(L, lin_hi, nhi, 4);
    ir_tmp neax = ir_new_i32(L->b), nedx = ir_new_i32(L->b);
    ir_movcond(L->b, IR_COND_NE, neax, e1, z, lift_gpr_global(L, X86_EAX), lo);
    ir_movcond(L->b, IR_COND_NE, nedx, e1, z, lift_gpr_global(L, X86_EDX), hi);
    lift_set_reg(L, X86_EAX, 4, neax);
    lift_set_reg(L, X86_EDX, 4, nedx);
    ir_andi(L->b, f, f, ~X86_ZF & X86_ARITH_FLAGS);
    ir_shli(L->b, e1, e1, 6);
    ir_or(L->b, f, f, e1);
    lift_set_eflags_arith(L, f);
}

void lift_sysenter_exit(struct lift *L)
{
    ir_tmp a[1] = {lift_env(L)};
    lift_call(L, L->in->mnemonic == X86_MN_SYSENTER ? X86_HELPER_sysenter : X86_HELPER_sysexit,
              a[0], 1, a);
    lift_exit_after_helper(L);
}
