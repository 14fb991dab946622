/* Lifting of MMX, SSE and SSE2 (Intel SDM Vol. 1 ch. 9-11): one call of the sse helper per
 * instruction, carrying what the decoder found (mnemonic, operand classes and registers,
 * memory segment, offset and size, imm8); cpu/helper-sse.c does the checks and the work. */
#include "frontend/lift-internal.h"
#include "frontend/lift-sse.h"

/* Operand classes; mirror cpu/helper-sse.h's enum sse_cls and SSE_D_* layout. */
enum { CLS_NONE, CLS_GPR, CLS_MMX, CLS_XMM, CLS_MEM, CLS_IMM };

static unsigned operand_class(const struct x86_operand *o)
{
    switch (o->kind) {
    case X86_OPK_REG:
        return o->rclass == X86_RC_GPR   ? CLS_GPR
               : o->rclass == X86_RC_MMX ? CLS_MMX
               : o->rclass == X86_RC_XMM ? CLS_XMM
                                         : CLS_NONE;
    case X86_OPK_MEM: return CLS_MEM;
    case X86_OPK_IMM: return CLS_IMM;
    default: return CLS_NONE;
    }
}

static unsigned log2_size(unsigned size)
{
    unsigned l = 0;
    while ((1u << l) < size && l < 4)
        l++;
    return l;
}

/* Segment of the memory operand, or of MASKMOVQ's implicit DS:rDI. */
static unsigned data_seg(const struct x86_instr *in, int mem)
{
    if (mem >= 0)
        return in->mem.seg;
    return (in->prefixes & X86_PREF_SEG) ? in->seg_override : X86_SEG_DS;
}

void lift_sse(struct lift *L)
{
    const struct x86_instr *in = L->in;
    unsigned cls[2], reg[2];
    int mem = -1;
    for (unsigned i = 0; i < 2; i++) {
        const struct x86_operand *o = &in->op[i];
        cls[i] = i < in->nops ? operand_class(o) : CLS_NONE;
        reg[i] = cls[i] == CLS_MEM || cls[i] == CLS_NONE || cls[i] == CLS_IMM ? 0 : o->reg & 7;
        if (cls[i] == CLS_MEM)
            mem = (int)i;
    }
    ir_label fallback, done;
    enum lift_sse_inline form = lift_sse_inline(L, &fallback);
    if (form == LIFT_SSE_INLINE)
        return;
    bool inline_form = form == LIFT_SSE_FALLBACK;
    if (inline_form) {
        done = ir_new_label(L->b);
        ir_br(L->b, done);
        ir_set_label(L->b, fallback);
    }
    unsigned msize = mem >= 0 ? log2_size(in->op[mem].size) : 0;
    uint32_t desc = in->mnemonic | cls[0] << 10 | cls[1] << 13 | reg[0] << 16 | reg[1] << 19 |
                    data_seg(in, mem) << 22 | msize << 25 | (in->asize == 4 ? 1u << 28 : 0);
    ir_tmp a[4] = {lift_env(L), lift_const(L, desc), lift_const(L, (uint32_t)in->imm & 0xff),
                   mem >= 0 ? lift_ea_offset(L) : lift_const(L, 0)};
    lift_call(L, X86_HELPER_sse, a[0], 4, a);
    if (inline_form)
        ir_set_label(L->b, done);
    /* COMISS/UCOMISS/COMISD/UCOMISD set ZF, PF, CF in env. */
    if (in->mnemonic == X86_MN_COMISS || in->mnemonic == X86_MN_UCOMISS ||
        in->mnemonic == X86_MN_COMISD || in->mnemonic == X86_MN_UCOMISD)
        L->cc_op = X86_CC_DYNAMIC;
}

bool lift_is_sse(const struct x86_instr *in)
{
    switch (in->feature) {
    case X86_FEAT_MMX:
    case X86_FEAT_SSE:
    case X86_FEAT_SSE2: return true;
    default: return false;
    }
}
