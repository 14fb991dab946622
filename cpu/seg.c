/* Protected-mode segmentation: descriptor fetch from the GDT/LDT, segment
 * register loads with their checks (SDM Vol. 3A §5.4-5.6, Vol. 2 MOV/POP/LDS),
 * LDTR/TR loads, and the stack of a privilege level from the TSS (§7.2.1). */
#include "cpu-internal.h"

#define DESC_TYPE(hi) (((hi) >> 8) & 15)
#define DESC_S(hi)    (((hi) >> 12) & 1)
#define DESC_DPL(hi)  (((hi) >> 13) & 3)
#define DESC_P(hi)    (((hi) >> 15) & 1)
#define TYPE_CODE     8u
#define TYPE_CONFORM  4u /* code */
#define TYPE_READABLE 2u /* code */
#define TYPE_WRITABLE 2u /* data */

unsigned cpu_cpl(const CPUX86State *env)
{
    return (env->hflags & X86_HF_CPL_MASK) >> X86_HF_CPL_SHIFT;
}

/* System accesses (descriptor tables, TSS) are supervisor accesses. */
uint32_t cpu_ld_sys(CPUX86State *env, uint32_t lin, unsigned size)
{
    unsigned idx = (env->cr[0] & X86_CR0_PG) ? MMU_IDX_KERNEL : MMU_IDX_NOPAGING;
    return (uint32_t)cpu_mem_load(NULL, env, lin,
                                  IR_MEMOP(size == 1   ? 0
                                           : size == 2 ? 1
                                                       : 2,
                                           0, idx));
}

void cpu_st_sys(CPUX86State *env, uint32_t lin, uint32_t v, unsigned size)
{
    unsigned idx = (env->cr[0] & X86_CR0_PG) ? MMU_IDX_KERNEL : MMU_IDX_NOPAGING;
    cpu_mem_store(NULL, env, lin, v, IR_MEMOP(size == 1 ? 0 : size == 2 ? 1 : 2, 0, idx));
}

/* The descriptor of sel, or false when it lies beyond its table's limit. */
bool cpu_fetch_desc(CPUX86State *env, uint16_t sel, struct x86_desc *d)
{
    const struct x86_dtable *t = &env->gdt;
    struct x86_dtable ldt;
    if (sel & 4) {
        ldt.base = env->ldt.base;
        ldt.limit = env->ldt.limit;
        if (!env->ldt.selector)
            return false;
        t = &ldt;
    }
    uint32_t off = sel & ~7u;
    if (off + 7u > t->limit)
        return false;
    d->addr = (uint32_t)t->base + off;
    d->lo = cpu_ld_sys(env, d->addr, 4);
    d->hi = cpu_ld_sys(env, d->addr + 4, 4);
    return true;
}

void cpu_desc_to_cache(struct x86_segment *s, uint16_t sel, const struct x86_desc *d)
{
    uint32_t limit = (d->lo & 0xffff) | (d->hi & 0xf0000);
    if (d->hi & X86_DESC_G)
        limit = (limit << 12) | 0xfff;
    s->selector = sel;
    s->base = (d->lo >> 16) | ((d->hi & 0xff) << 16) | (d->hi & 0xff000000u);
    s->limit = limit;
    s->flags = d->hi & 0x00f0ff00u;
}

/* Sets the accessed bit the first time a descriptor is loaded (Vol. 3A §3.4.5.1). */
void cpu_desc_set_accessed(CPUX86State *env, struct x86_desc *d)
{
    if (d->hi & 0x100)
        return;
    d->hi |= 0x100;
    cpu_st_sys(env, d->addr + 4, d->hi, 4);
}

static __attribute__((noreturn)) void seg_fault(CPUX86State *env, unsigned vec, uint16_t sel)
{
    cpu_raise_exception(env, vec, sel & 0xfffc);
}

/* MOV/POP/LxS to SS, DS, ES, FS, GS in protected mode. */
void cpu_load_seg_pm(CPUX86State *env, unsigned seg, uint16_t sel)
{
    struct x86_segment *s = &env->segs[seg];
    unsigned cpl = cpu_cpl(env), rpl = sel & 3;
    struct x86_desc d;
    if ((sel & ~3u) == 0) {
        if (seg == X86_SEG_SS)
            cpu_raise_exception(env, 13, 0);
        *s = (struct x86_segment){.selector = sel}; /* null: any use faults */
        return;
    }
    if (!cpu_fetch_desc(env, sel, &d))
        seg_fault(env, 13, sel);
    unsigned type = DESC_TYPE(d.hi), dpl = DESC_DPL(d.hi);
    if (!DESC_S(d.hi))
        seg_fault(env, 13, sel);
    if (seg == X86_SEG_SS) {
        if ((type & TYPE_CODE) || !(type & TYPE_WRITABLE) || rpl != cpl || dpl != cpl)
            seg_fault(env, 13, sel);
        if (!DESC_P(d.hi))
            seg_fault(env, 12, sel);
    } else {
        if ((type & (TYPE_CODE | TYPE_READABLE)) == TYPE_CODE)
            seg_fault(env, 13, sel); /* execute-only code */
        bool conforming = (type & (TYPE_CODE | TYPE_CONFORM)) == (TYPE_CODE | TYPE_CONFORM);
        if (!conforming && (dpl < cpl || dpl < rpl))
            seg_fault(env, 13, sel);
        if (!DESC_P(d.hi))
            seg_fault(env, 11, sel);
    }
    cpu_desc_set_accessed(env, &d);
    cpu_desc_to_cache(s, sel, &d);
}

/* LLDT (type 2) and LTR (available TSS, types 1 and 9; marked busy). */
void cpu_load_system_seg(CPUX86State *env, struct x86_segment *s, uint16_t sel, bool tss)
{
    struct x86_desc d;
    if ((sel & ~3u) == 0) {
        if (tss)
            cpu_raise_exception(env, 13, 0);
        *s = (struct x86_segment){.selector = 0};
        return;
    }
    if ((sel & 4) || !cpu_fetch_desc(env, sel, &d) || DESC_S(d.hi))
        seg_fault(env, 13, sel);
    unsigned type = DESC_TYPE(d.hi);
    bool ok = tss ? (type == 1 || type == 9) : type == 2;
    if (!ok)
        seg_fault(env, 13, sel);
    if (!DESC_P(d.hi))
        seg_fault(env, 11, sel);
    if (tss) {
        d.hi |= 0x200; /* busy */
        cpu_st_sys(env, d.addr + 4, d.hi, 4);
    }
    cpu_desc_to_cache(s, sel, &d);
}

/* SS:ESP of privilege level dpl from the current TSS (32-bit: ESPn at 4+8n,
 * SSn at 8+8n; 16-bit: SPn at 2+4n, SSn at 4+4n). */
void cpu_tss_stack(CPUX86State *env, unsigned dpl, uint16_t *ss, uint32_t *esp)
{
    bool tss32 = DESC_TYPE(env->tr.flags) & 8;
    uint32_t off = tss32 ? 4 + 8 * dpl : 2 + 4 * dpl;
    unsigned w = tss32 ? 4 : 2;
    if (off + 2 * w - 1 > env->tr.limit)
        cpu_raise_exception(env, 10, env->tr.selector & 0xfffc);
    uint32_t base = (uint32_t)env->tr.base;
    *esp = cpu_ld_sys(env, base + off, w);
    *ss = (uint16_t)cpu_ld_sys(env, base + off + w, 2);
}

/* LAR, LSL, VERR, VERW (SDM Vol. 2): whether the selector's descriptor is
 * visible at max(CPL, RPL) and of an accepted type; ZF reports it. */
static bool query_ok(CPUX86State *env, unsigned op, uint16_t sel, const struct x86_desc *d)
{
    unsigned type = DESC_TYPE(d->hi), dpl = DESC_DPL(d->hi), cpl = cpu_cpl(env);
    unsigned rpl = sel & 3u;
    bool conforming = DESC_S(d->hi) && (type & 12) == 12;
    if (!conforming && (dpl < cpl || dpl < rpl))
        return false;
    if (!DESC_S(d->hi)) {
        static const uint16_t lar_types = 0x1a3e; /* 1 2 3 4 5 9 11 12 */
        static const uint16_t lsl_types = 0x0a0e; /* 1 2 3 9 11 */
        return op < 2 && (((op == 0 ? lar_types : lsl_types) >> type) & 1);
    }
    if (op == 2)
        return !(type & 8) || (type & 2); /* VERR: data, or readable code */
    if (op == 3)
        return !(type & 8) && (type & 2); /* VERW: writable data */
    return true;
}

uint32_t x86_helper_desc_query(CPUX86State *env, uint32_t op, uint32_t sel, uint32_t old)
{
    struct x86_desc d;
    uint32_t f = cpu_compute_eflags(env) & X86_ARITH_FLAGS & ~X86_ZF;
    bool ok = (sel & ~3u) != 0 && cpu_fetch_desc(env, (uint16_t)sel, &d) &&
              query_ok(env, op, (uint16_t)sel, &d);
    cpu_set_arith_flags(env, f | (ok ? X86_ZF : 0));
    if (!ok)
        return old;
    if (op == 0)
        return d.hi & 0x00ffff00u;
    struct x86_segment s;
    cpu_desc_to_cache(&s, (uint16_t)sel, &d);
    return s.limit;
}

/* SYSENTER/SYSEXIT (SDM Vol. 2): flat segments derived from SYSENTER_CS. */
static void flat_seg(struct x86_segment *s, uint16_t sel, bool code, unsigned dpl)
{
    s->selector = sel;
    s->base = 0;
    s->limit = 0xffffffffu;
    s->flags = X86_DESC_P | X86_DESC_S | X86_DESC_B | X86_DESC_G | (dpl << X86_DESC_DPL_SHIFT) |
               ((code ? 0xbu : 0x3u) << X86_DESC_TYPE_SHIFT);
}

void x86_helper_sysenter(CPUX86State *env)
{
    uint16_t cs = (uint16_t)env->sysenter_cs;
    if (!(env->cr[0] & X86_CR0_PE) || (cs & ~3u) == 0)
        cpu_raise_exception(env, 13, 0);
    env->eflags &= ~(X86_VM | X86_IF | X86_RF);
    flat_seg(&env->segs[X86_SEG_CS], cs & 0xfffc, true, 0);
    flat_seg(&env->segs[X86_SEG_SS], (cs + 8) & 0xfffc, false, 0);
    env->regs[X86_ESP] = (uint32_t)env->sysenter_esp;
    env->eip = (uint32_t)env->sysenter_eip;
    cpu_update_hflags(env);
}

void x86_helper_sysexit(CPUX86State *env)
{
    uint16_t cs = (uint16_t)env->sysenter_cs;
    if (!(env->cr[0] & X86_CR0_PE) || (env->eflags & X86_VM) || cpu_cpl(env) != 0 ||
        (cs & ~3u) == 0)
        cpu_raise_exception(env, 13, 0);
    flat_seg(&env->segs[X86_SEG_CS], (cs + 16) | 3, true, 3);
    flat_seg(&env->segs[X86_SEG_SS], (cs + 24) | 3, false, 3);
    env->regs[X86_ESP] = (uint32_t)env->regs[X86_ECX];
    env->eip = (uint32_t)env->regs[X86_EDX];
    cpu_update_hflags(env);
}
