/* Hardware task switching (SDM Vol. 3A §7.3): JMP/CALL to a TSS or task
 * gate, interrupts through task gates, IRET with NT back to the previous
 * task. 32-bit TSS layout (Vol. 3A figure 7-2) and the 16-bit 286 layout. */
#include "cpu-internal.h"
#include "translator/log.h"

#define DESC_TYPE(hi) (((hi) >> 8) & 15)
#define DESC_P(hi)    (((hi) >> 15) & 1)

struct tss_layout {
    unsigned w; /* register width */
    uint32_t eip, eflags, regs, segs, ldt, cr3, min_limit;
};

static const struct tss_layout tss32 = {4, 0x20, 0x24, 0x28, 0x48, 0x60, 0x1c, 0x67};
static const struct tss_layout tss16 = {2, 0x0e, 0x10, 0x12, 0x22, 0x2a, 0, 0x2b};

static __attribute__((noreturn)) void ts_fault(CPUX86State *env, uint16_t sel)
{
    cpu_raise_exception(env, 10, sel & 0xfffc);
}

static void set_busy(CPUX86State *env, uint16_t sel, bool busy)
{
    struct x86_desc d;
    if (!cpu_fetch_desc(env, sel, &d))
        return;
    d.hi = busy ? (d.hi | 0x200) : (d.hi & ~0x200u);
    cpu_st_sys(env, d.addr + 4, d.hi, 4);
}

/* The segment order of a TSS: ES CS SS DS FS GS = enum x86_seg. */
static void save_state(CPUX86State *env, const struct tss_layout *l, uint32_t base, uint32_t eip,
                       uint32_t eflags)
{
    cpu_st_sys(env, base + l->eip, eip, l->w);
    cpu_st_sys(env, base + l->eflags, eflags, l->w);
    for (unsigned r = 0; r < 8; r++)
        cpu_st_sys(env, base + l->regs + r * l->w, (uint32_t)env->regs[r], l->w);
    for (unsigned s = 0; s < (l->w == 4 ? 6u : 4u); s++)
        cpu_st_sys(env, base + l->segs + s * l->w, env->segs[s].selector, 2);
}

static void load_code_segment(CPUX86State *env, uint16_t sel)
{
    struct x86_desc d;
    if ((sel & ~3u) == 0 || !cpu_fetch_desc(env, sel, &d))
        ts_fault(env, sel);
    unsigned dpl = (d.hi >> 13) & 3, rpl = sel & 3u;
    bool conforming = (DESC_TYPE(d.hi) & 12) == 12;
    if (!((d.hi >> 12) & 1) || !(DESC_TYPE(d.hi) & 8) || (conforming ? dpl > rpl : dpl != rpl))
        ts_fault(env, sel);
    if (!DESC_P(d.hi))
        cpu_raise_exception(env, 11, sel & 0xfffc);
    cpu_desc_set_accessed(env, &d);
    cpu_desc_to_cache(&env->segs[X86_SEG_CS], sel, &d);
}

static void load_new_state(CPUX86State *env, const struct tss_layout *l, uint32_t base)
{
    if (l->cr3 && (env->cr[0] & X86_CR0_PG)) {
        env->cr[3] = cpu_ld_sys(env, base + l->cr3, 4);
        mmu_tlb_write_cr3(&env->tlb, (uint32_t)env->cr[3]);
    }
    uint32_t eip = cpu_ld_sys(env, base + l->eip, l->w);
    uint32_t fl = cpu_ld_sys(env, base + l->eflags, l->w);
    uint32_t regs[8];
    uint16_t sel[6] = {0};
    for (unsigned r = 0; r < 8; r++)
        regs[r] = cpu_ld_sys(env, base + l->regs + r * l->w, l->w);
    for (unsigned s = 0; s < (l->w == 4 ? 6u : 4u); s++)
        sel[s] = (uint16_t)cpu_ld_sys(env, base + l->segs + s * l->w, 2);
    uint16_t ldt = (uint16_t)cpu_ld_sys(env, base + l->ldt, 2);
    /* Registers first: faults while loading the segments below belong to the new task. */
    for (unsigned r = 0; r < 8; r++)
        env->regs[r] = l->w == 4 ? regs[r] : ((uint32_t)env->regs[r] & 0xffff0000u) | regs[r];
    env->eip = eip;
    cpu_load_eflags(env, l->w == 4 ? fl : ((uint32_t)cpu_compute_eflags(env) & 0xffff0000u) | fl,
                    0x3f7fd5u | X86_VM);
    cpu_load_system_seg(env, &env->ldt, ldt, false);
    if (env->eflags & X86_VM) {
        for (unsigned s = 0; s < 6; s++)
            cpu_load_seg_real(env, s, sel[s]);
        cpu_update_hflags(env);
        return;
    }
    load_code_segment(env, sel[X86_SEG_CS]);
    cpu_update_hflags(env);
    static const unsigned order[] = {X86_SEG_SS, X86_SEG_DS, X86_SEG_ES, X86_SEG_FS, X86_SEG_GS};
    for (unsigned i = 0; i < 5; i++)
        cpu_load_seg_pm(env, order[i], sel[order[i]]);
    cpu_update_hflags(env);
}

void cpu_task_switch(CPUX86State *env, uint16_t sel, enum cpu_task_source src, uint32_t next_eip)
{
    struct x86_desc d;
    if ((sel & 4) || !cpu_fetch_desc(env, sel, &d))
        ts_fault(env, sel);
    unsigned type = DESC_TYPE(d.hi);
    bool want_busy = src == CPU_TASK_IRET;
    if ((type & 7) != (want_busy ? 3u : 1u) || ((d.hi >> 12) & 1))
        cpu_raise_exception(env, 13, sel & 0xfffc);
    if (!DESC_P(d.hi))
        cpu_raise_exception(env, 11, sel & 0xfffc);
    struct x86_segment ntr;
    cpu_desc_to_cache(&ntr, sel, &d);
    const struct tss_layout *nl = (type & 8) ? &tss32 : &tss16;
    if (ntr.limit < nl->min_limit)
        ts_fault(env, sel);
    const struct tss_layout *ol = (DESC_TYPE(env->tr.flags) & 8) ? &tss32 : &tss16;
    log_mask_printf(LOG_INT, "int: task switch %04x -> %04x\n", env->tr.selector, sel);

    uint32_t fl = cpu_compute_eflags(env);
    if (src == CPU_TASK_IRET)
        fl &= ~X86_NT;
    save_state(env, ol, (uint32_t)env->tr.base, next_eip, fl);
    if (src == CPU_TASK_JMP || src == CPU_TASK_IRET)
        set_busy(env, env->tr.selector, false);
    if (src == CPU_TASK_CALL || src == CPU_TASK_INT)
        cpu_st_sys(env, (uint32_t)ntr.base, env->tr.selector, 2);
    if (src != CPU_TASK_IRET) {
        d.hi |= 0x200;
        cpu_st_sys(env, d.addr + 4, d.hi, 4);
        ntr.flags |= 0x200;
    }
    env->tr = ntr;
    env->cr[0] |= X86_CR0_TS;
    load_new_state(env, nl, (uint32_t)ntr.base);
    if (src == CPU_TASK_CALL || src == CPU_TASK_INT)
        env->eflags |= X86_NT;
    cpu_update_hflags(env);
}
