/* Guest memory as the CPU sees it: the TLB fast path and slow path of
 * softmmu/tlb.h for lifted code and helpers, segment limit checks for helpers
 * (SDM Vol. 3A §5.3), the stack, code fetch for the decoder. */
#include "cpu-internal.h"

unsigned cpu_mmu_index_cpl(const CPUX86State *env, unsigned cpl)
{
    if (!(env->cr[0] & X86_CR0_PG))
        return MMU_IDX_NOPAGING;
    return cpl == 3 ? MMU_IDX_USER : MMU_IDX_KERNEL;
}

unsigned cpu_mmu_index(const CPUX86State *env)
{
    return cpu_mmu_index_cpl(env, (env->hflags & X86_HF_CPL_MASK) >> X86_HF_CPL_SHIFT);
}

static __attribute__((noreturn)) void page_fault(CPUX86State *env, const struct mmu_fault *f)
{
    env->cr[2] = f->cr2;
    cpu_raise_exception(env, f->vector, f->error_code);
}

uint64_t cpu_mem_load(void *opaque, void *envp, uint64_t addr, unsigned memop)
{
    CPUX86State *env = envp;
    struct mmu_fault f;
    uint64_t v = 0;
    (void)opaque;
    if (mmu_load(&env->tlb, ir_memop_mmu(memop), MMU_ACCESS_READ, (uint32_t)addr,
                 1u << ir_memop_size(memop), &v, &f) == MMU_FAULT)
        page_fault(env, &f);
    return v;
}

void cpu_mem_store(void *opaque, void *envp, uint64_t addr, uint64_t val, unsigned memop)
{
    CPUX86State *env = envp;
    struct mmu_fault f;
    (void)opaque;
    cpu_of(env)->in_store = true;
    enum mmu_result r = mmu_store(&env->tlb, ir_memop_mmu(memop), (uint32_t)addr,
                                  1u << ir_memop_size(memop), val, &f);
    cpu_of(env)->in_store = false;
    if (r == MMU_FAULT)
        page_fault(env, &f);
}

static unsigned size_log2(unsigned size)
{
    return size == 1 ? 0 : size == 2 ? 1 : 2;
}

uint32_t cpu_ld_lin_idx(CPUX86State *env, uint32_t lin, unsigned size, unsigned mmu_idx)
{
    return (uint32_t)cpu_mem_load(NULL, env, lin, IR_MEMOP(size_log2(size), 0, mmu_idx));
}

void cpu_st_lin_idx(CPUX86State *env, uint32_t lin, uint32_t value, unsigned size,
                    unsigned mmu_idx)
{
    cpu_mem_store(NULL, env, lin, value, IR_MEMOP(size_log2(size), 0, mmu_idx));
}

uint32_t cpu_ld_lin(CPUX86State *env, uint32_t lin, unsigned size)
{
    return cpu_ld_lin_idx(env, lin, size, cpu_mmu_index(env));
}

void cpu_st_lin(CPUX86State *env, uint32_t lin, uint32_t value, unsigned size)
{
    cpu_st_lin_idx(env, lin, value, size, cpu_mmu_index(env));
}

static __attribute__((noreturn)) void seg_fault(CPUX86State *env, unsigned seg)
{
    bool pm = (env->hflags & X86_HF_PE) && !(env->hflags & X86_HF_VM);
    cpu_raise_exception(env, pm && seg == X86_SEG_SS ? 12 : 13, 0);
}

/* Expand-down data: valid offsets are limit+1 .. 0xFFFF or 0xFFFFFFFF (by B). */
void x86_helper_check_expdown(CPUX86State *env, uint32_t seg, uint32_t off, uint32_t size)
{
    const struct x86_segment *s = &env->segs[seg];
    uint64_t top = (s->flags & X86_DESC_B) ? 0xffffffffu : 0xffffu;
    if (off <= s->limit || (uint64_t)off + size - 1 > top)
        seg_fault(env, seg);
}

/* The checks the lifter emits (lift-operand.c), for helpers' accesses. */
static uint32_t seg_linear(CPUX86State *env, unsigned seg, uint32_t off, unsigned size, bool write)
{
    const struct x86_segment *s = &env->segs[seg];
    uint64_t last = (uint64_t)off + size - 1;
    bool pm = (env->hflags & X86_HF_PE) && !(env->hflags & X86_HF_VM);
    if (pm) {
        uint32_t f = s->flags;
        bool bad = write ? (f & 0x9a00) != 0x9200 : !(f & 0x8000) || (f & 0x8a00) == 0x8800;
        if (bad)
            seg_fault(env, seg);
        if ((f & 0x0c00) == 0x0400) {
            x86_helper_check_expdown(env, seg, off, size);
            return (uint32_t)(s->base + off);
        }
    }
    if (last > s->limit)
        seg_fault(env, seg);
    return (uint32_t)(s->base + off);
}

uint32_t cpu_ld_seg(CPUX86State *env, unsigned seg, uint32_t off, unsigned size)
{
    return cpu_ld_lin(env, seg_linear(env, seg, off, size, false), size);
}

void cpu_st_seg(CPUX86State *env, unsigned seg, uint32_t off, uint32_t value, unsigned size)
{
    cpu_st_lin(env, seg_linear(env, seg, off, size, true), value, size);
}

uint32_t cpu_stack_mask(const CPUX86State *env)
{
    return (env->hflags & X86_HF_SS32) ? 0xffffffffu : 0xffffu;
}

uint32_t cpu_get_reg(const CPUX86State *env, unsigned reg, unsigned size)
{
    uint32_t v = (uint32_t)env->regs[reg];
    return size == 1 ? (v & 0xff) : size == 2 ? (v & 0xffff) : v;
}

void cpu_set_reg(CPUX86State *env, unsigned reg, unsigned size, uint32_t v)
{
    uint32_t old = (uint32_t)env->regs[reg];
    if (size == 1)
        v = (old & ~0xffu) | (v & 0xff);
    else if (size == 2)
        v = (old & ~0xffffu) | (v & 0xffff);
    env->regs[reg] = v;
}

void cpu_stack_begin(CPUX86State *env, struct cpu_stack *s)
{
    s->sp = (uint32_t)env->regs[X86_ESP];
}

void cpu_stack_push(CPUX86State *env, struct cpu_stack *s, uint32_t v, unsigned size)
{
    uint32_t mask = cpu_stack_mask(env);
    uint32_t sp = (s->sp - size) & mask;
    cpu_st_seg(env, X86_SEG_SS, sp, v, size);
    s->sp = (s->sp & ~mask) | sp;
}

uint32_t cpu_stack_pop(CPUX86State *env, struct cpu_stack *s, unsigned size)
{
    uint32_t mask = cpu_stack_mask(env);
    uint32_t v = cpu_ld_seg(env, X86_SEG_SS, s->sp & mask, size);
    s->sp = (s->sp & ~mask) | ((s->sp + size) & mask);
    return v;
}

void cpu_stack_commit(CPUX86State *env, const struct cpu_stack *s)
{
    env->regs[X86_ESP] = s->sp;
}

/* The decoder's fetch callback: bytes up to the end of the page. */
int cpu_fetch_code(void *opaque, uint64_t addr, uint8_t *buf, unsigned max)
{
    struct x86_cpu *cpu = opaque;
    uint64_t paddr;
    struct mmu_fault f;
    uint32_t va = (uint32_t)addr;
    if (!mmu_tlb_translate(&cpu->env.tlb, cpu_mmu_index(&cpu->env), va, MMU_ACCESS_EXEC, &paddr,
                           &f))
        return -1;
    unsigned n = MMU_PAGE_SIZE - (va & MMU_PAGE_OFFSET);
    if (n > max)
        n = max;
    mmu_phys_read(cpu->space, paddr, buf, n);
    return (int)n;
}
