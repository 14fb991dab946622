/* String instructions with REP/REPE/REPNE (SDM Vol. 2, MOVS ... OUTS and REP):
 * one iteration at a time, registers updated after each so a fault leaves the
 * instruction restartable, an exit request stops between iterations; MOVS and
 * STOS then run the rest of a page at once on host memory. Port I/O through
 * the softmmu port space. */
#include "cpu-internal.h"
#include "translator/log.h"

/* I/O permission (SDM Vol. 1 §18.5): CPL <= IOPL outside v86 mode, else
 * every bit of the TSS I/O bitmap for the ports must be clear. */
static void check_io(CPUX86State *env, uint32_t port, uint32_t size)
{
    if (!(env->cr[0] & X86_CR0_PE))
        return;
    bool v86 = (env->eflags & X86_VM) != 0;
    if (!v86 && cpu_cpl(env) <= ((env->eflags & X86_IOPL) >> 12))
        return;
    const struct x86_segment *tr = &env->tr;
    if (((tr->flags >> 8) & 15) != 11 && ((tr->flags >> 8) & 15) != 9)
        cpu_raise_exception(env, 13, 0);
    if (tr->limit < 0x67)
        cpu_raise_exception(env, 13, 0);
    uint32_t base = cpu_ld_sys(env, (uint32_t)tr->base + 0x66, 2);
    uint32_t off = base + port / 8;
    if (off + 1 > tr->limit)
        cpu_raise_exception(env, 13, 0);
    uint32_t bits = cpu_ld_sys(env, (uint32_t)tr->base + off, 2);
    if ((bits >> (port & 7)) & ((1u << size) - 1))
        cpu_raise_exception(env, 13, 0);
}

uint32_t x86_helper_in(CPUX86State *env, uint32_t port, uint32_t size)
{
    struct x86_cpu *cpu = cpu_of(env);
    check_io(env, port, size);
    uint32_t all = size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
    if (!cpu->io)
        return all;
    uint32_t v = (uint32_t)mmu_io_read(cpu->io, (uint16_t)port, size) & all;
    log_mask_printf(LOG_ICOUNT, "icount: %llu in %#x/%u = %#x\n",
                    (unsigned long long)cpu_icount_blocks(cpu), port, size, v);
    return v;
}

void x86_helper_out(CPUX86State *env, uint32_t port, uint32_t value, uint32_t size)
{
    struct x86_cpu *cpu = cpu_of(env);
    check_io(env, port, size);
    log_mask_printf(LOG_ICOUNT, "icount: %llu out %#x/%u = %#x\n",
                    (unsigned long long)cpu_icount_blocks(cpu), port, size, value);
    if (cpu->io)
        mmu_io_write(cpu->io, (uint16_t)port, value, size);
}

struct strop {
    unsigned op, size, seg, rep;
    uint32_t amask;
    int32_t step;
};

static void advance(CPUX86State *env, const struct strop *s, unsigned reg)
{
    uint32_t v = (uint32_t)env->regs[reg];
    env->regs[reg] = (v & ~s->amask) | ((v + (uint32_t)s->step) & s->amask);
}

static uint32_t reg_off(const CPUX86State *env, const struct strop *s, unsigned reg)
{
    return (uint32_t)env->regs[reg] & s->amask;
}

static void compare(CPUX86State *env, const struct strop *s, uint32_t a, uint32_t b)
{
    uint32_t m = s->size >= 4 ? 0xffffffffu : (1u << (s->size * 8)) - 1;
    env->cc_op = x86_cc_sized(X86_CC_SUBB, s->size);
    env->cc_dst = (a - b) & m;
    env->cc_src = b;
    env->cc_src2 = 0;
}

static void iteration(CPUX86State *env, const struct strop *s)
{
    uint32_t v, b;
    switch (s->op) {
    case X86_STR_MOVS:
        v = cpu_ld_seg(env, s->seg, reg_off(env, s, X86_ESI), s->size);
        cpu_st_seg(env, X86_SEG_ES, reg_off(env, s, X86_EDI), v, s->size);
        advance(env, s, X86_ESI);
        advance(env, s, X86_EDI);
        break;
    case X86_STR_CMPS:
        v = cpu_ld_seg(env, s->seg, reg_off(env, s, X86_ESI), s->size);
        b = cpu_ld_seg(env, X86_SEG_ES, reg_off(env, s, X86_EDI), s->size);
        compare(env, s, v, b);
        advance(env, s, X86_ESI);
        advance(env, s, X86_EDI);
        break;
    case X86_STR_STOS:
        cpu_st_seg(env, X86_SEG_ES, reg_off(env, s, X86_EDI), cpu_get_reg(env, X86_EAX, s->size),
                   s->size);
        advance(env, s, X86_EDI);
        break;
    case X86_STR_LODS:
        v = cpu_ld_seg(env, s->seg, reg_off(env, s, X86_ESI), s->size);
        cpu_set_reg(env, X86_EAX, s->size, v);
        advance(env, s, X86_ESI);
        break;
    case X86_STR_SCAS:
        b = cpu_ld_seg(env, X86_SEG_ES, reg_off(env, s, X86_EDI), s->size);
        compare(env, s, cpu_get_reg(env, X86_EAX, s->size), b);
        advance(env, s, X86_EDI);
        break;
    case X86_STR_INS:
        /* The destination is probed first: a fault must not lose the port read. */
        cpu_st_seg(env, X86_SEG_ES, reg_off(env, s, X86_EDI), 0, s->size);
        v = x86_helper_in(env, cpu_get_reg(env, X86_EDX, 2), s->size);
        cpu_st_seg(env, X86_SEG_ES, reg_off(env, s, X86_EDI), v, s->size);
        advance(env, s, X86_EDI);
        break;
    default: /* OUTS */
        v = cpu_ld_seg(env, s->seg, reg_off(env, s, X86_ESI), s->size);
        x86_helper_out(env, cpu_get_reg(env, X86_EDX, 2), v, s->size);
        advance(env, s, X86_ESI);
        break;
    }
}

/* ---- REP MOVS/STOS fast path: the elements after the first that stay in one
 * page for each pointer, inside the segment limit and without address wrap,
 * on TLB hits to plain RAM (code pages, MMIO and misses take the per-element
 * path), copied element by element on host memory: the same order as the
 * guest's, so overlapping copies replicate as they must. ---- */

/* Elements from offset off on: in the limit (not expand-down), no wrap of the
 * address size, whole elements inside the page of the first. */
static uint32_t run_room(const CPUX86State *env, const struct strop *s, unsigned seg, uint32_t off)
{
    const struct x86_segment *sg = &env->segs[seg];
    bool pm = (env->hflags & X86_HF_PE) && !(env->hflags & X86_HF_VM);
    if (pm && (sg->flags & 0x0c00) == 0x0400)
        return 0; /* expand-down: the careful path */
    uint64_t last = (uint64_t)off + s->size - 1;
    if (last > sg->limit || last > s->amask)
        return 0;
    uint32_t lin = (uint32_t)(sg->base + off), in_page = lin & MMU_PAGE_OFFSET;
    if (in_page + s->size > MMU_PAGE_SIZE)
        return 0;
    if (s->step > 0) {
        uint64_t lim = sg->limit < s->amask ? sg->limit : s->amask;
        uint64_t by_lim = (lim + 1 - off) / s->size;
        uint64_t by_page = (MMU_PAGE_SIZE - in_page) / s->size;
        return (uint32_t)(by_lim < by_page ? by_lim : by_page);
    }
    uint32_t by_off = off / s->size + 1, by_page = in_page / s->size + 1;
    return by_off < by_page ? by_off : by_page;
}

/* Host address of [lin, lin + size) when the TLB hits for access. */
static uint8_t *run_host(CPUX86State *env, uint32_t lin, unsigned size, enum mmu_access access)
{
    const struct mmu_tlb_entry *e = mmu_tlb_entry(&env->tlb, cpu_mmu_index(env), lin);
    uint64_t last = (uint64_t)lin + size - 1;
    if ((last & MMU_TLB_PAGE_MASK) != e->tag[access])
        return NULL;
    return mmu_tlb_host(e, lin);
}

/* Runs up to max elements of MOVS/STOS; returns how many, registers updated. */
static uint32_t fast_run(CPUX86State *env, const struct strop *s, uint32_t max)
{
    if (s->op != X86_STR_MOVS && s->op != X86_STR_STOS)
        return 0;
    uint32_t di = reg_off(env, s, X86_EDI), n = run_room(env, s, X86_SEG_ES, di);
    if (n > max)
        n = max;
    uint8_t *dst =
        n ? run_host(env, (uint32_t)(env->segs[X86_SEG_ES].base + di), s->size, MMU_ACCESS_WRITE)
          : NULL;
    if (!dst)
        return 0;
    const uint8_t *src = NULL;
    uint32_t si = 0;
    if (s->op == X86_STR_MOVS) {
        si = reg_off(env, s, X86_ESI);
        uint32_t m = run_room(env, s, s->seg, si);
        n = m < n ? m : n;
        src = n ? run_host(env, (uint32_t)(env->segs[s->seg].base + si), s->size, MMU_ACCESS_READ)
                : NULL;
        if (!src)
            return 0;
    }
    uint32_t fill = cpu_get_reg(env, X86_EAX, s->size);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t v = src ? (uint32_t)mmu_host_load(src, s->size) : fill;
        mmu_host_store(dst, v, s->size);
        dst += s->step;
        if (src)
            src += s->step;
    }
    uint32_t moved = n * (uint32_t)s->step;
    env->regs[X86_EDI] = ((uint32_t)env->regs[X86_EDI] & ~s->amask) | ((di + moved) & s->amask);
    if (src)
        env->regs[X86_ESI] = ((uint32_t)env->regs[X86_ESI] & ~s->amask) | ((si + moved) & s->amask);
    uint32_t cnt = (uint32_t)env->regs[X86_ECX] & s->amask;
    env->regs[X86_ECX] = ((uint32_t)env->regs[X86_ECX] & ~s->amask) | ((cnt - n) & s->amask);
    return n;
}

/* Iterations per call: a long REP returns to the loop now and then (the
 * instruction restarts with the registers it left), so exit requests,
 * interrupts and run budgets are seen in bounded time. */
#define STRING_BATCH 4096

uint32_t x86_helper_string(CPUX86State *env, uint32_t op, uint32_t desc)
{
    struct strop s = {op, desc & 15, (desc >> 8) & 15, (desc >> 12) & 3, 0, 0};
    s.amask = ((desc >> 4) & 15) == 2 ? 0xffffu : 0xffffffffu;
    s.step = (env->eflags & X86_DF) ? -(int32_t)s.size : (int32_t)s.size;
    bool cmp = op == X86_STR_CMPS || op == X86_STR_SCAS;
    if (!s.rep) {
        iteration(env, &s);
        return 1;
    }
    for (unsigned n = 0;; n++) {
        uint32_t cnt = (uint32_t)env->regs[X86_ECX] & s.amask;
        if (cnt == 0)
            return 1;
        iteration(env, &s);
        env->regs[X86_ECX] = ((uint32_t)env->regs[X86_ECX] & ~s.amask) | ((cnt - 1) & s.amask);
        if (cmp) {
            bool zf = (cpu_compute_eflags(env) & X86_ZF) != 0;
            if ((s.rep == 1 && !zf) || (s.rep == 2 && zf))
                return 1;
        } else {
            /* The element just done passed the segment and page checks. */
            uint32_t left = (uint32_t)env->regs[X86_ECX] & s.amask;
            n += fast_run(env, &s, left < STRING_BATCH - n - 1 ? left : STRING_BATCH - n - 1);
        }
        if (x86_exit_requested(env) || n + 1 >= STRING_BATCH)
            return ((uint32_t)env->regs[X86_ECX] & s.amask) == 0;
    }
}
