/* Lifting of the x87 escape opcodes D8-DF, WAIT and FXSAVE/FXRSTOR (Intel SDM Vol. 1
 * ch. 8): #NM by CR0.EM/TS (Vol. 3A §2.5, table 12-8), then one helper call per
 * instruction carrying the ModRM byte, the memory operand's segment and offset, and EIP. */
#include "frontend/lift-internal.h"
#include "frontend/lift-x87.h"

/* Mirrors cpu/helper-fpu.h's X87_DESC_* layout. */
static uint32_t x87_desc(const struct lift *L)
{
    const struct x86_instr *in = L->in;
    bool mem = (in->modrm >> 6) != 3;
    return in->modrm | (uint32_t)(in->opcode - 0xd8) << 8 |
           (uint32_t)(mem ? in->mem.seg : 0) << 11 | (in->osize == 4 ? 1u << 14 : 0) |
           (in->asize == 4 ? 1u << 15 : 0);
}

static ir_tmp mem_offset(struct lift *L)
{
    return (L->in->modrm >> 6) != 3 ? lift_ea_offset(L) : lift_const(L, 0);
}

/* ESC with an FPU present and CR0.EM/TS clear. */
void lift_x87(struct lift *L)
{
    unsigned op = L->in->opcode, modrm = L->in->modrm;
    ir_tmp a[4] = {lift_env(L), lift_const(L, x87_desc(L)), mem_offset(L), lift_const(L, L->eip)};
    lift_call(L, X86_HELPER_x87, a[0], 4, a);
    /* FCOMI/FUCOMI(P) set ZF, PF, CF in env. */
    if ((op == 0xdb || op == 0xdf) && (modrm >> 6) == 3 && ((modrm >> 3) & 7) >= 5)
        L->cc_op = X86_CC_DYNAMIC;
}

/* WAIT/FWAIT: #NM when CR0.MP and TS are both set, else pending exceptions. */
void lift_fwait(struct lift *L)
{
    ir_tmp env = lift_env(L);
    lift_call(L, X86_HELPER_fwait, env, 1, &env);
}

/* FXSAVE/FXRSTOR: #NM with CR0.EM or TS (SDM Vol. 2 FXSAVE). */
void lift_fxsave(struct lift *L)
{
    if (L->hflags & (X86_HF_EM | X86_HF_TS)) {
        lift_raise(L, 7, 0);
        return;
    }
    const struct x86_instr *in = L->in;
    uint32_t desc = (uint32_t)in->mem.seg << 11 | (in->asize == 4 ? 1u << 15 : 0) | 1u << 14;
    ir_tmp a[4] = {lift_env(L), lift_const(L, in->mnemonic == X86_MN_FXRSTOR), lift_const(L, desc),
                   lift_ea_offset(L)};
    lift_call(L, X86_HELPER_fxsave, a[0], 4, a);
}
