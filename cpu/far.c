/* Protected-mode control transfers between code segments (SDM Vol. 3A §5.8):
 * far JMP/CALL directly and through call gates (with the inner stack from the
 * TSS), RETF and IRET to the same or an outer level, IRET to virtual-8086
 * mode, and interrupt/exception delivery through IDT interrupt and trap gates
 * (Vol. 3A §6.12); task gates and TSS targets go to task.c. */
#include "cpu-internal.h"
#include "translator/log.h"

#define DESC_TYPE(hi)  (((hi) >> 8) & 15)
#define DESC_S(hi)     (((hi) >> 12) & 1)
#define DESC_DPL(hi)   (((hi) >> 13) & 3)
#define DESC_P(hi)     (((hi) >> 15) & 1)
#define IS_CODE(hi)    (DESC_S(hi) && (DESC_TYPE(hi) & 8))
#define CONFORMING(hi) ((DESC_TYPE(hi) & 12) == 12)

/* A stack described by its own cache (the new stack before SS is loaded) and
 * the privilege level its accesses are made at: pushes onto an inner stack
 * during a privilege change are supervisor accesses even though CPL is still
 * the caller's (Vol. 3A §6.12.1, §5.8.5), so a ring-3 interrupt must not page
 * fault on a kernel-only stack page. */
struct fstack {
    uint32_t base, mask, sp;
    unsigned mmu_idx;
};

static struct fstack fstack_of(const CPUX86State *env, const struct x86_segment *ss, uint32_t sp,
                               unsigned cpl)
{
    uint32_t mask = (ss->flags & X86_DESC_B) ? 0xffffffffu : 0xffffu;
    return (struct fstack){(uint32_t)ss->base, mask, sp, cpu_mmu_index_cpl(env, cpl)};
}

static struct fstack current_stack(const CPUX86State *env)
{
    return fstack_of(env, &env->segs[X86_SEG_SS], (uint32_t)env->regs[X86_ESP], cpu_cpl(env));
}

static void fpush(CPUX86State *env, struct fstack *s, uint32_t v, unsigned size)
{
    s->sp = (s->sp & ~s->mask) | ((s->sp - size) & s->mask);
    cpu_st_lin_idx(env, s->base + (s->sp & s->mask), v, size, s->mmu_idx);
}

static uint32_t fpop(CPUX86State *env, struct fstack *s, unsigned size)
{
    uint32_t v = cpu_ld_lin_idx(env, s->base + (s->sp & s->mask), size, s->mmu_idx);
    s->sp = (s->sp & ~s->mask) | ((s->sp + size) & s->mask);
    return v;
}

static __attribute__((noreturn)) void gp(CPUX86State *env, uint16_t sel)
{
    cpu_raise_exception(env, 13, sel & 0xfffc);
}

static void fetch_or_gp(CPUX86State *env, uint16_t sel, struct x86_desc *d)
{
    if ((sel & ~3u) == 0)
        cpu_raise_exception(env, 13, 0);
    if (!cpu_fetch_desc(env, sel, d))
        gp(env, sel);
}

static void set_cs(CPUX86State *env, uint16_t sel, struct x86_desc *d, unsigned cpl, uint32_t eip)
{
    cpu_desc_set_accessed(env, d);
    cpu_desc_to_cache(&env->segs[X86_SEG_CS], (uint16_t)((sel & ~3u) | cpl), d);
    env->eip = eip;
    cpu_update_hflags(env);
}

static uint32_t code_limit_check(CPUX86State *env, const struct x86_desc *d, uint32_t eip)
{
    struct x86_segment tmp;
    cpu_desc_to_cache(&tmp, 0, d);
    if (eip > tmp.limit)
        cpu_raise_exception(env, 13, 0);
    return eip;
}

/* A code segment reached directly (no gate) at the current privilege. */
static void check_direct_code(CPUX86State *env, uint16_t sel, const struct x86_desc *d)
{
    unsigned cpl = cpu_cpl(env), dpl = DESC_DPL(d->hi);
    if (!IS_CODE(d->hi))
        gp(env, sel);
    if (CONFORMING(d->hi) ? dpl > cpl : ((sel & 3u) > cpl || dpl != cpl))
        gp(env, sel);
    if (!DESC_P(d->hi))
        cpu_raise_exception(env, 11, sel & 0xfffc);
}

static bool is_call_gate(uint32_t hi)
{
    return !DESC_S(hi) && (DESC_TYPE(hi) == 4 || DESC_TYPE(hi) == 12);
}

/* The gate's target code descriptor, checked for a transfer through it. */
static void gate_target(CPUX86State *env, uint16_t sel, const struct x86_desc *g, uint16_t *tsel,
                        uint32_t *teip, struct x86_desc *t)
{
    unsigned cpl = cpu_cpl(env);
    if (DESC_DPL(g->hi) < cpl || DESC_DPL(g->hi) < (sel & 3u))
        gp(env, sel);
    if (!DESC_P(g->hi))
        cpu_raise_exception(env, 11, sel & 0xfffc);
    *tsel = (uint16_t)(g->lo >> 16);
    *teip = (g->lo & 0xffff) | ((DESC_TYPE(g->hi) & 8) ? (g->hi & 0xffff0000u) : 0);
    fetch_or_gp(env, *tsel, t);
    if (!IS_CODE(t->hi) || DESC_DPL(t->hi) > cpl)
        gp(env, *tsel);
    if (!DESC_P(t->hi))
        cpu_raise_exception(env, 11, *tsel & 0xfffc);
}

/* JMP/CALL to a TSS descriptor or a task gate (Vol. 3A §7.3). */
static void far_to_task(CPUX86State *env, uint16_t sel, const struct x86_desc *d,
                        enum cpu_task_source src, uint32_t next)
{
    unsigned type = DESC_TYPE(d->hi), cpl = cpu_cpl(env);
    if (DESC_DPL(d->hi) < cpl || DESC_DPL(d->hi) < (sel & 3u))
        gp(env, sel);
    if (!DESC_P(d->hi))
        cpu_raise_exception(env, 11, sel & 0xfffc);
    if (type == 5)
        sel = (uint16_t)(d->lo >> 16);
    else if (type != 1 && type != 9)
        gp(env, sel);
    cpu_task_switch(env, sel, src, next);
}

void cpu_ljmp_pm(CPUX86State *env, uint16_t sel, uint32_t off, unsigned osize, uint32_t next)
{
    struct x86_desc d, t;
    fetch_or_gp(env, sel, &d);
    if (DESC_S(d.hi)) {
        check_direct_code(env, sel, &d);
        off &= osize == 2 ? 0xffffu : 0xffffffffu;
        set_cs(env, sel, &d, cpu_cpl(env), code_limit_check(env, &d, off));
        return;
    }
    if (!is_call_gate(d.hi)) {
        far_to_task(env, sel, &d, CPU_TASK_JMP, next);
        return;
    }
    uint16_t tsel;
    uint32_t teip;
    gate_target(env, sel, &d, &tsel, &teip, &t);
    if (!CONFORMING(t.hi) && DESC_DPL(t.hi) != cpu_cpl(env))
        gp(env, tsel);
    set_cs(env, tsel, &t, cpu_cpl(env), code_limit_check(env, &t, teip));
}

/* SS of privilege dpl loaded from the TSS for an inner-level transfer (#TS on
 * a bad one, Vol. 3A §5.8.5). */
static void inner_stack(CPUX86State *env, unsigned dpl, struct x86_segment *ss, uint32_t *esp)
{
    uint16_t sel;
    struct x86_desc d;
    cpu_tss_stack(env, dpl, &sel, esp);
    if ((sel & ~3u) == 0 || !cpu_fetch_desc(env, sel, &d))
        cpu_raise_exception(env, 10, sel & 0xfffc);
    if ((sel & 3u) != dpl || DESC_DPL(d.hi) != dpl || !DESC_S(d.hi) || (DESC_TYPE(d.hi) & 8) ||
        !(DESC_TYPE(d.hi) & 2))
        cpu_raise_exception(env, 10, sel & 0xfffc);
    if (!DESC_P(d.hi))
        cpu_raise_exception(env, 12, sel & 0xfffc);
    cpu_desc_set_accessed(env, &d);
    cpu_desc_to_cache(ss, sel, &d);
}

void cpu_lcall_pm(CPUX86State *env, uint16_t sel, uint32_t off, unsigned osize, uint32_t next)
{
    struct x86_desc d, t;
    fetch_or_gp(env, sel, &d);
    struct fstack s = current_stack(env);
    if (DESC_S(d.hi)) {
        check_direct_code(env, sel, &d);
        off &= osize == 2 ? 0xffffu : 0xffffffffu;
        code_limit_check(env, &d, off);
        fpush(env, &s, env->segs[X86_SEG_CS].selector, osize);
        fpush(env, &s, next, osize);
        env->regs[X86_ESP] = s.sp;
        set_cs(env, sel, &d, cpu_cpl(env), off);
        return;
    }
    if (!is_call_gate(d.hi)) {
        far_to_task(env, sel, &d, CPU_TASK_CALL, next);
        return;
    }
    uint16_t tsel;
    uint32_t teip;
    gate_target(env, sel, &d, &tsel, &teip, &t);
    unsigned gsize = (DESC_TYPE(d.hi) & 8) ? 4 : 2, cpl = cpu_cpl(env), dpl = DESC_DPL(t.hi);
    code_limit_check(env, &t, teip);
    if (CONFORMING(t.hi) || dpl == cpl) {
        fpush(env, &s, env->segs[X86_SEG_CS].selector, gsize);
        fpush(env, &s, next, gsize);
        env->regs[X86_ESP] = s.sp;
        set_cs(env, tsel, &t, cpl, teip);
        return;
    }
    /* Inner level: new stack from the TSS, old SS:ESP and the parameters on it. */
    struct x86_segment nss;
    uint32_t nesp;
    inner_stack(env, dpl, &nss, &nesp);
    struct fstack n = fstack_of(env, &nss, nesp, dpl);
    fpush(env, &n, env->segs[X86_SEG_SS].selector, gsize);
    fpush(env, &n, (uint32_t)env->regs[X86_ESP], gsize);
    unsigned params = d.hi & 31;
    for (unsigned i = params; i > 0; i--)
        fpush(env, &n, cpu_ld_lin(env, s.base + ((s.sp + (i - 1) * gsize) & s.mask), gsize), gsize);
    fpush(env, &n, env->segs[X86_SEG_CS].selector, gsize);
    fpush(env, &n, next, gsize);
    env->segs[X86_SEG_SS] = nss;
    env->regs[X86_ESP] = n.sp;
    set_cs(env, tsel, &t, dpl, teip);
}

/* After a return to an outer level, data segments the new level may not use
 * become null (Vol. 3A §5.8.6). */
static void null_inaccessible_segs(CPUX86State *env)
{
    unsigned cpl = cpu_cpl(env);
    static const unsigned segs[] = {X86_SEG_ES, X86_SEG_DS, X86_SEG_FS, X86_SEG_GS};
    for (unsigned i = 0; i < 4; i++) {
        struct x86_segment *s = &env->segs[segs[i]];
        uint32_t f = s->flags;
        bool conf_code = (f & X86_DESC_S) && ((f >> 8) & 12) == 12;
        if (!conf_code && ((f >> X86_DESC_DPL_SHIFT) & 3) < cpl)
            *s = (struct x86_segment){.selector = 0};
    }
}

/* The CS popped by RETF/IRET: returns its descriptor after the checks. */
static void check_return_cs(CPUX86State *env, uint16_t sel, struct x86_desc *d)
{
    unsigned rpl = sel & 3u;
    fetch_or_gp(env, sel, d);
    if (!IS_CODE(d->hi) || rpl < cpu_cpl(env))
        gp(env, sel);
    if (CONFORMING(d->hi) ? DESC_DPL(d->hi) > rpl : DESC_DPL(d->hi) != rpl)
        gp(env, sel);
    if (!DESC_P(d->hi))
        cpu_raise_exception(env, 11, sel & 0xfffc);
}

/* Outer-level SS checks for RETF/IRET (Vol. 2 RET, "return to outer level"). */
static void outer_ss(CPUX86State *env, uint16_t sel, unsigned rpl, struct x86_segment *ss)
{
    struct x86_desc d;
    fetch_or_gp(env, sel, &d);
    if ((sel & 3u) != rpl || DESC_DPL(d.hi) != rpl || !DESC_S(d.hi) || (DESC_TYPE(d.hi) & 8) ||
        !(DESC_TYPE(d.hi) & 2))
        gp(env, sel);
    if (!DESC_P(d.hi))
        cpu_raise_exception(env, 12, sel & 0xfffc);
    cpu_desc_set_accessed(env, &d);
    cpu_desc_to_cache(ss, sel, &d);
}

static void return_to(CPUX86State *env, struct fstack *s, unsigned osize, uint32_t extra,
                      uint16_t cs, uint32_t eip, struct x86_desc *d)
{
    unsigned rpl = cs & 3u;
    s->sp = (s->sp & ~s->mask) | ((s->sp + extra) & s->mask);
    if (rpl == cpu_cpl(env)) {
        env->regs[X86_ESP] = s->sp;
        set_cs(env, cs, d, rpl, code_limit_check(env, d, eip));
        return;
    }
    uint32_t nesp = fpop(env, s, osize);
    uint16_t nss_sel = (uint16_t)fpop(env, s, osize);
    struct x86_segment nss;
    outer_ss(env, nss_sel, rpl, &nss);
    code_limit_check(env, d, eip);
    set_cs(env, cs, d, rpl, eip);
    env->segs[X86_SEG_SS] = nss;
    uint32_t mask = (nss.flags & X86_DESC_B) ? 0xffffffffu : 0xffffu;
    env->regs[X86_ESP] = ((uint32_t)env->regs[X86_ESP] & ~mask) | ((nesp + extra) & mask);
    cpu_update_hflags(env);
    null_inaccessible_segs(env);
}

void cpu_lret_pm(CPUX86State *env, unsigned osize, uint32_t extra)
{
    struct fstack s = current_stack(env);
    uint32_t eip = fpop(env, &s, osize);
    uint16_t cs = (uint16_t)fpop(env, &s, osize);
    struct x86_desc d;
    check_return_cs(env, cs, &d);
    if (osize == 2)
        eip &= 0xffff;
    return_to(env, &s, osize, extra, cs, eip, &d);
}

/* IRET with EFLAGS.VM in the image at CPL 0: the rest of the frame is
 * ESP, SS, ES, DS, FS, GS (Vol. 2 IRET, "return to virtual-8086 mode"). */
static void iret_to_v86(CPUX86State *env, struct fstack *s, uint32_t eip, uint16_t cs, uint32_t fl)
{
    uint32_t esp = fpop(env, s, 4);
    uint16_t sel[6];
    sel[X86_SEG_SS] = (uint16_t)fpop(env, s, 4);
    sel[X86_SEG_ES] = (uint16_t)fpop(env, s, 4);
    sel[X86_SEG_DS] = (uint16_t)fpop(env, s, 4);
    sel[X86_SEG_FS] = (uint16_t)fpop(env, s, 4);
    sel[X86_SEG_GS] = (uint16_t)fpop(env, s, 4);
    cpu_load_eflags(env, fl, 0x3f7fd5u | X86_VM);
    sel[X86_SEG_CS] = cs;
    for (unsigned i = 0; i < 6; i++)
        cpu_load_seg_real(env, i, sel[i]);
    env->regs[X86_ESP] = esp;
    env->eip = eip & 0xffff;
    cpu_update_hflags(env);
}

void cpu_iret_pm(CPUX86State *env, unsigned osize, uint32_t next)
{
    if (env->eflags & X86_NT) {
        uint16_t back = (uint16_t)cpu_ld_sys(env, (uint32_t)env->tr.base, 2);
        cpu_task_switch(env, back, CPU_TASK_IRET, next);
        return;
    }
    struct fstack s = current_stack(env);
    uint32_t eip = fpop(env, &s, osize);
    uint16_t cs = (uint16_t)fpop(env, &s, osize);
    uint32_t fl = fpop(env, &s, osize);
    unsigned cpl = cpu_cpl(env);
    if (osize == 4 && (fl & X86_VM) && cpl == 0) {
        iret_to_v86(env, &s, eip, cs, fl);
        return;
    }
    struct x86_desc d;
    check_return_cs(env, cs, &d);
    if (osize == 2)
        eip &= 0xffff;
    uint32_t mask = 0x7fd5u & ~(X86_IF | X86_IOPL);
    if (osize == 4)
        mask |= X86_AC | X86_ID | X86_RF;
    if (cpl <= ((env->eflags & X86_IOPL) >> 12))
        mask |= X86_IF;
    if (cpl == 0)
        mask |= X86_IOPL;
    return_to(env, &s, osize, 0, cs, eip, &d);
    cpu_load_eflags(env, fl, mask);
}

/* Interrupt and exception delivery through the IDT (Vol. 3A §6.12.1). */
void cpu_deliver_pm(CPUX86State *env, unsigned vector, uint32_t error, bool has_error, bool soft,
                    uint32_t ret_eip)
{
    uint32_t idt_err = vector * 8u + 2u;
    if (vector * 8u + 7u > env->idt.limit)
        cpu_raise_exception(env, 13, idt_err);
    uint32_t a = (uint32_t)env->idt.base + vector * 8u;
    struct x86_desc g = {cpu_ld_sys(env, a, 4), cpu_ld_sys(env, a + 4, 4), a};
    unsigned type = DESC_TYPE(g.hi), cpl = cpu_cpl(env);
    if (DESC_S(g.hi) || (type != 5 && type != 6 && type != 7 && type != 14 && type != 15))
        cpu_raise_exception(env, 13, idt_err);
    if (soft && !env->exc_external && DESC_DPL(g.hi) < cpl)
        cpu_raise_exception(env, 13, idt_err);
    if (!DESC_P(g.hi))
        cpu_raise_exception(env, 11, idt_err);
    if (type == 5) {
        /* Task gate: the error code goes on the new task's stack (Vol. 3A §6.12.2). */
        cpu_task_switch(env, (uint16_t)(g.lo >> 16), CPU_TASK_INT, ret_eip);
        if (has_error) {
            struct fstack n = current_stack(env);
            fpush(env, &n, error, (DESC_TYPE(env->tr.flags) & 8) ? 4 : 2);
            env->regs[X86_ESP] = n.sp;
        }
        return;
    }
    uint16_t tsel = (uint16_t)(g.lo >> 16);
    uint32_t teip = (g.lo & 0xffff) | ((type & 8) ? (g.hi & 0xffff0000u) : 0);
    unsigned gsize = (type & 8) ? 4 : 2;
    struct x86_desc t;
    fetch_or_gp(env, tsel, &t);
    if (!IS_CODE(t.hi) || DESC_DPL(t.hi) > cpl)
        gp(env, tsel);
    if (!DESC_P(t.hi))
        cpu_raise_exception(env, 11, tsel & 0xfffc);
    code_limit_check(env, &t, teip);
    uint32_t fl = cpu_compute_eflags(env);
    /* Faults other than debug exceptions push RF set, so the handler's IRET
     * does not fault on an instruction breakpoint again (Vol. 3A §17.3.1.1). */
    if (!soft && vector != 1)
        fl |= X86_RF;
    bool v86 = (fl & X86_VM) != 0;
    unsigned dpl = DESC_DPL(t.hi);
    struct fstack s;
    unsigned new_cpl = cpl;
    if (!CONFORMING(t.hi) && dpl < cpl) {
        if (v86 && dpl != 0)
            gp(env, tsel);
        struct x86_segment nss;
        uint32_t nesp;
        inner_stack(env, dpl, &nss, &nesp);
        s = fstack_of(env, &nss, nesp, dpl);
        if (v86) {
            fpush(env, &s, env->segs[X86_SEG_GS].selector, gsize);
            fpush(env, &s, env->segs[X86_SEG_FS].selector, gsize);
            fpush(env, &s, env->segs[X86_SEG_DS].selector, gsize);
            fpush(env, &s, env->segs[X86_SEG_ES].selector, gsize);
        }
        fpush(env, &s, env->segs[X86_SEG_SS].selector, gsize);
        fpush(env, &s, (uint32_t)env->regs[X86_ESP], gsize);
        fpush(env, &s, fl, gsize);
        fpush(env, &s, env->segs[X86_SEG_CS].selector, gsize);
        fpush(env, &s, ret_eip, gsize);
        if (has_error)
            fpush(env, &s, error, gsize);
        env->segs[X86_SEG_SS] = nss;
        new_cpl = dpl;
        if (v86)
            for (unsigned i = 0; i < 6; i++)
                if (i != X86_SEG_CS && i != X86_SEG_SS)
                    env->segs[i] = (struct x86_segment){.selector = 0};
    } else {
        if (v86)
            gp(env, tsel);
        s = current_stack(env);
        fpush(env, &s, fl, gsize);
        fpush(env, &s, env->segs[X86_SEG_CS].selector, gsize);
        fpush(env, &s, ret_eip, gsize);
        if (has_error)
            fpush(env, &s, error, gsize);
    }
    env->regs[X86_ESP] = s.sp;
    env->eflags &= ~(X86_TF | X86_NT | X86_RF | X86_VM);
    if (!(type & 1))
        env->eflags &= ~X86_IF;
    set_cs(env, tsel, &t, new_cpl, teip);
}
