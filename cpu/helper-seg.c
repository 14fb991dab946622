/* Helpers for segment loads, far transfers, IRET, POPF, PUSHA/POPA, ENTER,
 * BOUND, HLT, CLI/STI (SDM Vol. 2 per instruction). Real and virtual-8086
 * forms; protected-mode descriptor checks come with protected mode. */
#include "cpu-internal.h"
#include "translator/log.h"

static bool real_or_v86(const CPUX86State *env)
{
    return !(env->cr[0] & X86_CR0_PE) || (env->eflags & X86_VM);
}

static unsigned cpl(const CPUX86State *env)
{
    return (env->hflags & X86_HF_CPL_MASK) >> X86_HF_CPL_SHIFT;
}

static unsigned iopl(const CPUX86State *env)
{
    return (env->eflags & X86_IOPL) >> 12;
}

static void load_seg(CPUX86State *env, unsigned seg, uint16_t sel)
{
    if (real_or_v86(env)) {
        cpu_load_seg_real(env, seg, sel);
        return;
    }
    cpu_load_seg_pm(env, seg, sel);
}

void x86_helper_load_seg(CPUX86State *env, uint32_t seg, uint32_t selector)
{
    load_seg(env, seg, (uint16_t)selector);
    /* MOV SS / POP SS hold interrupts off for one instruction (SDM Vol. 3A §6.8.3). */
    if (seg == X86_SEG_SS) {
        cpu_update_hflags(env);
        env->hflags |= X86_HF_INHIBIT;
    }
}

/* POPF/IRET: which bits software may change (SDM Vol. 2, POPF table 4-15):
 * IOPL only at CPL 0, IF only at CPL <= IOPL; VM, VIP, VIF, RF never here. */
void x86_helper_write_eflags(CPUX86State *env, uint32_t value, uint32_t mask)
{
    if ((env->cr[0] & X86_CR0_PE) && !(env->eflags & X86_VM)) {
        if (cpl(env) > 0)
            mask &= ~X86_IOPL;
        if (cpl(env) > iopl(env))
            mask &= ~X86_IF;
    } else if (env->eflags & X86_VM) {
        if (iopl(env) < 3)
            cpu_raise_exception(env, 13, 0);
        mask &= ~X86_IOPL;
    }
    cpu_load_eflags(env, value, mask);
}

static void far_jump_real(CPUX86State *env, uint16_t sel, uint32_t off)
{
    cpu_load_seg_real(env, X86_SEG_CS, sel);
    env->eip = off;
    cpu_update_hflags(env);
}

void x86_helper_ljmp(CPUX86State *env, uint32_t sel, uint32_t off, uint32_t osize,
                     uint32_t next_eip)
{
    if (!real_or_v86(env)) {
        cpu_ljmp_pm(env, (uint16_t)sel, off, osize, next_eip);
        return;
    }
    far_jump_real(env, (uint16_t)sel, off);
}

void x86_helper_lcall(CPUX86State *env, uint32_t sel, uint32_t off, uint32_t osize,
                      uint32_t next_eip)
{
    if (!real_or_v86(env)) {
        cpu_lcall_pm(env, (uint16_t)sel, off, osize, next_eip);
        return;
    }
    struct cpu_stack s;
    cpu_stack_begin(env, &s);
    cpu_stack_push(env, &s, env->segs[X86_SEG_CS].selector, osize);
    cpu_stack_push(env, &s, next_eip, osize);
    cpu_stack_commit(env, &s);
    far_jump_real(env, (uint16_t)sel, off);
}

void x86_helper_lret(CPUX86State *env, uint32_t osize, uint32_t extra)
{
    if (!real_or_v86(env)) {
        cpu_lret_pm(env, osize, extra);
        return;
    }
    struct cpu_stack s;
    cpu_stack_begin(env, &s);
    uint32_t ip = cpu_stack_pop(env, &s, osize);
    uint32_t cs = cpu_stack_pop(env, &s, osize);
    uint32_t mask = cpu_stack_mask(env);
    s.sp = (s.sp & ~mask) | ((s.sp + extra) & mask);
    cpu_stack_commit(env, &s);
    far_jump_real(env, (uint16_t)cs, ip);
}

void x86_helper_iret(CPUX86State *env, uint32_t osize, uint32_t next_eip)
{
    if (!real_or_v86(env)) {
        cpu_iret_pm(env, osize, next_eip);
        return;
    }
    if ((env->eflags & X86_VM) && iopl(env) < 3)
        cpu_raise_exception(env, 13, 0);
    struct cpu_stack s;
    cpu_stack_begin(env, &s);
    uint32_t ip = cpu_stack_pop(env, &s, osize);
    uint32_t cs = cpu_stack_pop(env, &s, osize);
    uint32_t fl = cpu_stack_pop(env, &s, osize);
    cpu_stack_commit(env, &s);
    uint32_t mask = 0x7fd5u | (osize == 4 ? (X86_AC | X86_ID | X86_RF) : 0);
    if (env->eflags & X86_VM)
        mask &= ~X86_IOPL;
    far_jump_real(env, (uint16_t)cs, ip);
    cpu_load_eflags(env, fl, mask);
}

void x86_helper_pusha(CPUX86State *env, uint32_t osize)
{
    struct cpu_stack s;
    uint32_t sp = cpu_get_reg(env, X86_ESP, osize);
    cpu_stack_begin(env, &s);
    for (unsigned r = 0; r < 8; r++)
        cpu_stack_push(env, &s, r == X86_ESP ? sp : cpu_get_reg(env, r, osize), osize);
    cpu_stack_commit(env, &s);
}

void x86_helper_popa(CPUX86State *env, uint32_t osize)
{
    struct cpu_stack s;
    uint32_t v[8];
    cpu_stack_begin(env, &s);
    for (int r = 7; r >= 0; r--)
        v[r] = cpu_stack_pop(env, &s, osize);
    cpu_stack_commit(env, &s);
    for (unsigned r = 0; r < 8; r++)
        if (r != X86_ESP)
            cpu_set_reg(env, r, osize, v[r]);
}

/* ENTER: push rBP, copy level-1 frame pointers, push the new frame pointer,
 * reserve frame bytes (SDM Vol. 2, ENTER). */
void x86_helper_enter(CPUX86State *env, uint32_t frame, uint32_t level, uint32_t osize)
{
    struct cpu_stack s;
    uint32_t smask = cpu_stack_mask(env);
    cpu_stack_begin(env, &s);
    cpu_stack_push(env, &s, cpu_get_reg(env, X86_EBP, osize), osize);
    uint32_t frame_temp = s.sp & smask;
    uint32_t bp = (uint32_t)env->regs[X86_EBP];
    if (level > 0) {
        for (uint32_t i = 1; i < level; i++) {
            bp = (bp & ~smask) | ((bp - osize) & smask);
            cpu_stack_push(env, &s, cpu_ld_seg(env, X86_SEG_SS, bp & smask, osize), osize);
        }
        cpu_stack_push(env, &s, frame_temp, osize);
    }
    uint32_t sp = (s.sp & ~smask) | ((s.sp - frame) & smask);
    /* The lowest byte of the new frame must be writable (#SS on a 386+). */
    cpu_stack_commit(env, &s);
    env->regs[X86_ESP] = sp;
    cpu_set_reg(env, X86_EBP, osize, frame_temp);
}

void x86_helper_bound(CPUX86State *env, uint32_t index, uint32_t seg, uint32_t off, uint32_t osize)
{
    uint32_t amask = 0xffffffffu;
    int32_t lo, hi, ix;
    uint32_t l = cpu_ld_seg(env, seg, off, osize);
    uint32_t h = cpu_ld_seg(env, seg, (off + osize) & amask, osize);
    if (osize == 2) {
        lo = (int16_t)l;
        hi = (int16_t)h;
        ix = (int16_t)index;
    } else {
        lo = (int32_t)l;
        hi = (int32_t)h;
        ix = (int32_t)index;
    }
    if (ix < lo || ix > hi)
        cpu_raise_exception(env, 5, 0);
}

void x86_helper_hlt(CPUX86State *env)
{
    if ((env->cr[0] & X86_CR0_PE) && cpl(env) != 0)
        cpu_raise_exception(env, 13, 0);
    env->halted = true;
}

/* CLI/STI: allowed when CPL <= IOPL (always in real mode); VME comes later. */
static void set_if(CPUX86State *env, bool on)
{
    if ((env->cr[0] & X86_CR0_PE) && cpl(env) > iopl(env))
        cpu_raise_exception(env, 13, 0);
    if (on) {
        if (!(env->eflags & X86_IF))
            env->hflags |= X86_HF_INHIBIT;
        env->eflags |= X86_IF;
    } else {
        env->eflags &= ~X86_IF;
    }
}

void x86_helper_cli(CPUX86State *env)
{
    set_if(env, false);
}

void x86_helper_sti(CPUX86State *env)
{
    set_if(env, true);
}
