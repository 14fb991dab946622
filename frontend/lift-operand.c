/* Operands of the lifter: registers, ModRM effective addresses (SDM Vol. 2
 * §2.1.5, 16- and 32-bit forms), segment base and limit checks (Vol. 3A §5.3;
 * real mode: offsets past the limit raise #GP(0), Vol. 3A §20.1.3), the stack. */
#include "frontend/lift-internal.h"

ir_tmp lift_trunc(struct lift *L, ir_tmp v, unsigned size)
{
    ir_tmp r = ir_new_i32(L->b);
    if (size == 1)
        ir_ext8u(L->b, r, v);
    else if (size == 2)
        ir_ext16u(L->b, r, v);
    else
        ir_mov(L->b, r, v);
    return r;
}

ir_tmp lift_sext(struct lift *L, ir_tmp v, unsigned size)
{
    ir_tmp r = ir_new_i32(L->b);
    if (size == 1)
        ir_ext8s(L->b, r, v);
    else if (size == 2)
        ir_ext16s(L->b, r, v);
    else
        ir_mov(L->b, r, v);
    return r;
}

ir_tmp lift_seg_base(struct lift *L, unsigned seg)
{
    ir_tmp r = ir_new_i32(L->b);
    ir_ld(L->b, r, X86_LOW32(ENV_OFF(segs[seg].base)), IR_MEMOP(IR_MO_32, 0, 0));
    return r;
}

ir_tmp lift_seg_selector(struct lift *L, unsigned seg)
{
    ir_tmp r = ir_new_i32(L->b);
    ir_ld(L->b, r, ENV_OFF(segs[seg].selector), IR_MEMOP(IR_MO_16, 0, 0));
    return r;
}

ir_tmp lift_ea_offset(struct lift *L)
{
    if (L->ea_done)
        return L->ea_off;
    const struct x86_mem *m = &L->in->mem;
    ir_tmp off = ir_new_i32(L->b);
    ir_movi(L->b, off, (uint32_t)m->disp);
    if (m->base >= 0)
        ir_add(L->b, off, off, lift_gpr_global(L, (unsigned)m->base));
    if (m->index >= 0) {
        ir_tmp ix = ir_new_i32(L->b);
        ir_shli(L->b, ix, lift_gpr_global(L, (unsigned)m->index), m->scale);
        ir_add(L->b, off, off, ix);
    }
    if (L->in->asize == 2)
        ir_ext16u(L->b, off, off);
    L->ea_off = off;
    L->ea_done = true;
    return off;
}

static void raise_seg_fault(struct lift *L, unsigned seg)
{
    bool pm = (L->hflags & X86_HF_PE) && !(L->hflags & X86_HF_VM);
    ir_tmp a[3] = {lift_env(L), lift_const(L, pm && seg == X86_SEG_SS ? 12 : 13), lift_const(L, 0)};
    lift_call(L, X86_HELPER_raise_exception, a[0], 3, a);
}

/* Protected mode: the access rights of the cached descriptor (SDM Vol. 3A
 * §5.4-5.5): a null or not-present segment allows nothing, code is never
 * writable and readable only with R, data is writable only with W.
 * Expand-down data segments take the helper's check and branch to done;
 * normal ones fall through to the caller's limit check. */
static void access_check(struct lift *L, unsigned seg, ir_tmp off, unsigned size, bool write,
                         ir_label done)
{
    ir_tmp f = ir_new_i32(L->b), x = ir_new_i32(L->b), bad = ir_new_i32(L->b);
    ir_label ok = ir_new_label(L->b), normal = ir_new_label(L->b);
    ir_ld(L->b, f, ENV_OFF(segs[seg].flags), IR_MEMOP(IR_MO_32, 0, 0));
    if (write) {
        ir_andi(L->b, x, f, 0x9a00);
        ir_setcond(L->b, IR_COND_NE, bad, x, lift_const(L, 0x9200));
    } else {
        ir_tmp np = ir_new_i32(L->b);
        ir_andi(L->b, x, f, 0x8a00);
        ir_setcond(L->b, IR_COND_EQ, bad, x, lift_const(L, 0x8800));
        ir_andi(L->b, np, f, 0x8000);
        ir_setcond(L->b, IR_COND_EQ, np, np, lift_const(L, 0));
        ir_or(L->b, bad, bad, np);
    }
    ir_brcondi(L->b, IR_COND_EQ, bad, 0, ok);
    raise_seg_fault(L, seg);
    ir_set_label(L->b, ok);
    ir_andi(L->b, x, f, 0x0c00);
    ir_brcondi(L->b, IR_COND_NE, x, 0x0400, normal);
    ir_tmp a[4] = {lift_env(L), lift_const(L, seg), off, lift_const(L, size)};
    lift_call(L, X86_HELPER_check_expdown, a[0], 4, a);
    ir_br(L->b, done);
    ir_set_label(L->b, normal);
}

/* X86_HF_FLAT32 in the block key: ES, SS and DS have base 0, a 4 GiB limit
 * and are present writable data, so no access through them can fail its
 * type or limit check. An access whose last byte would pass 2^32 wraps in
 * the linear space, as on QEMU (the reference), which checks no limits in
 * 32-bit protected mode. */
static bool flat_seg(const struct lift *L, unsigned seg)
{
    return (L->hflags & X86_HF_FLAT32) &&
           (seg == X86_SEG_ES || seg == X86_SEG_SS || seg == X86_SEG_DS);
}

/* Limit check then base addition; in protected mode the access rights first.
 * In real mode every overrun is #GP(0) (Intel 80386 PRM, real-mode exceptions
 * of each instruction: "interrupt 13"). */
static ir_tmp linear(struct lift *L, unsigned seg, ir_tmp off, unsigned size, bool write)
{
    if (flat_seg(L, seg)) {
        ir_tmp lin = ir_new_i32(L->b);
        ir_mov(L->b, lin, off);
        return lin;
    }
    ir_tmp limit = ir_new_i32(L->b), last = ir_new_i32(L->b);
    ir_label ok = ir_new_label(L->b);
    bool pm = (L->hflags & X86_HF_PE) && !(L->hflags & X86_HF_VM);
    if (pm)
        access_check(L, seg, off, size, write, ok);
    ir_ld(L->b, limit, ENV_OFF(segs[seg].limit), IR_MEMOP(IR_MO_32, 0, 0));
    ir_addi(L->b, last, off, size - 1);
    /* An offset whose last byte wraps past 2^32 is beyond any limit. */
    ir_tmp wrapped = ir_new_i32(L->b);
    ir_setcond(L->b, IR_COND_LTU, wrapped, last, off);
    ir_tmp over = ir_new_i32(L->b);
    ir_setcond(L->b, IR_COND_GTU, over, last, limit);
    ir_or(L->b, over, over, wrapped);
    ir_brcondi(L->b, IR_COND_EQ, over, 0, ok);
    raise_seg_fault(L, seg);
    ir_set_label(L->b, ok);
    ir_tmp lin = ir_new_i32(L->b);
    ir_add(L->b, lin, off, lift_seg_base(L, seg));
    return lin;
}

ir_tmp lift_linear(struct lift *L, unsigned seg, ir_tmp off, unsigned size)
{
    return linear(L, seg, off, size, false);
}

ir_tmp lift_linear_w(struct lift *L, unsigned seg, ir_tmp off, unsigned size)
{
    return linear(L, seg, off, size, true);
}

ir_tmp lift_ea(struct lift *L, unsigned size)
{
    return lift_linear(L, L->in->mem.seg, lift_ea_offset(L), size);
}

ir_tmp lift_ea_w(struct lift *L, unsigned size)
{
    return lift_linear_w(L, L->in->mem.seg, lift_ea_offset(L), size);
}

static unsigned size_log2(unsigned size)
{
    return size == 1 ? IR_MO_8 : size == 2 ? IR_MO_16 : size == 4 ? IR_MO_32 : IR_MO_64;
}

ir_tmp lift_load(struct lift *L, ir_tmp lin, unsigned size)
{
    ir_tmp v = ir_new_i32(L->b);
    ir_guest_ld(L->b, v, lin, IR_MEMOP(size_log2(size), 0, L->cfg->mmu_idx));
    return v;
}

void lift_store(struct lift *L, ir_tmp lin, ir_tmp v, unsigned size)
{
    ir_guest_st(L->b, v, lin, IR_MEMOP(size_log2(size), 0, L->cfg->mmu_idx));
}

unsigned lift_op_size(const struct lift *L, unsigned i)
{
    return L->in->op[i].size;
}

bool lift_op_is_mem(const struct lift *L, unsigned i)
{
    return L->in->op[i].kind == X86_OPK_MEM;
}

ir_tmp lift_read_op(struct lift *L, unsigned i)
{
    const struct x86_operand *o = &L->in->op[i];
    switch (o->kind) {
    case X86_OPK_REG:
        if (o->rclass == X86_RC_SEG)
            return lift_seg_selector(L, o->reg);
        return lift_get_reg(L, o->reg, o->size);
    case X86_OPK_MEM: return lift_load(L, lift_ea(L, o->size), o->size);
    case X86_OPK_IMM: {
        int64_t v = (i > 0 && L->in->op[i - 1].kind == X86_OPK_IMM) ? L->in->imm2 : L->in->imm;
        uint32_t mask = o->size >= 4 ? 0xffffffffu : (1u << (o->size * 8)) - 1;
        return lift_const(L, (uint32_t)v & mask);
    }
    case X86_OPK_CONST1: return lift_const(L, 1);
    default: return lift_const(L, 0);
    }
}

void lift_write_op(struct lift *L, unsigned i, ir_tmp v)
{
    const struct x86_operand *o = &L->in->op[i];
    if (o->kind == X86_OPK_REG)
        lift_set_reg(L, o->reg, o->size, v);
    else if (o->kind == X86_OPK_MEM)
        lift_store(L, lift_ea_w(L, o->size), v, o->size);
}

/* ---- Stack (SS:SP or SS:ESP by SS.B) ---- */

static ir_tmp stack_off(struct lift *L, ir_tmp sp)
{
    return lift_trunc(L, sp, lift_stack_size(L));
}

static void set_sp(struct lift *L, ir_tmp v)
{
    lift_set_reg(L, X86_ESP, lift_stack_size(L), v);
}

void lift_push(struct lift *L, ir_tmp v, unsigned size)
{
    ir_tmp sp = ir_new_i32(L->b);
    ir_subi(L->b, sp, lift_gpr_global(L, X86_ESP), size);
    ir_tmp off = stack_off(L, sp);
    lift_store(L, lift_linear_w(L, X86_SEG_SS, off, size), v, size);
    set_sp(L, off);
}

ir_tmp lift_pop_peek(struct lift *L, unsigned size, unsigned offset)
{
    ir_tmp sp = ir_new_i32(L->b);
    ir_addi(L->b, sp, lift_gpr_global(L, X86_ESP), offset);
    ir_tmp off = stack_off(L, sp);
    return lift_load(L, lift_linear(L, X86_SEG_SS, off, size), size);
}

void lift_sp_add(struct lift *L, unsigned bytes)
{
    ir_tmp sp = ir_new_i32(L->b);
    ir_addi(L->b, sp, lift_gpr_global(L, X86_ESP), bytes);
    set_sp(L, stack_off(L, sp));
}
