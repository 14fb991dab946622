/* The CPU object: guest state, translator with the lifter's globals and the
 * helper table (DESIGN.md: frontend owns the enum, cpu/ the implementations),
 * reset state (SDM Vol. 3A §9.1.1, table 9-1). */
#include "cpu-internal.h"
#include "translator/log.h"

#include <stdlib.h>
#include <string.h>

#define HELPER_FN(name) [X86_HELPER_##name] = (void (*)(void))x86_helper_##name,
static void (*const helper_fns[X86_HELPER_COUNT])(void) = {
#define X(name, flags, ret, ...) HELPER_FN(name)
#include "frontend/helpers.def"
#undef X
};

/* A guest store to a page that holds translated code (called before the
 * bytes move). When it may hit the block running now (code at or shortly
 * after the storing instruction), the store is abandoned and that
 * instruction runs again alone, so the instructions after it are translated
 * from the new bytes (the instruction itself has had no effect yet: stores
 * come first). The restart does not depend on whether a block was found
 * there: what the translation cache holds depends on the backend's code size
 * and its flushes, and -icount counts blocks, so it must not change how many
 * blocks the guest runs. */
static bool smc_hook(void *opaque, uint64_t paddr, uint64_t len)
{
    struct x86_cpu *cpu = opaque;
    tb_invalidate_phys_range(cpu->tr, paddr, paddr + len);
    if (!cpu->in_block || !cpu->in_store || cpu->single_insn)
        return false;
    CPUX86State *env = &cpu->env;
    cpu_restore_state(cpu);
    uint64_t insn;
    struct mmu_fault f;
    uint32_t lin = (uint32_t)(env->segs[X86_SEG_CS].base + env->eip);
    if (!mmu_tlb_translate(&env->tlb, cpu_mmu_index(env), lin, MMU_ACCESS_EXEC, &insn, &f))
        return false;
    if (paddr + len <= insn || paddr >= insn + X86_LIFT_MAX_INSNS * X86_MAX_INSN_LEN)
        return false;
    cpu->single_insn = true;
    cpu->in_store = false;
    cpu->in_block = false;
    longjmp(cpu->jmp, CPU_JMP_SMC_RESTART);
}

struct x86_cpu *cpu_new(const struct cpu_config *cfg)
{
    struct x86_cpu *cpu = calloc(1, sizeof(*cpu));
    if (!cpu) {
        error_report("cpu: out of memory");
        return NULL;
    }
    cpu->space = cfg->space;
    cpu->io = cfg->io;
    cpu->features = cfg->features ? cfg->features : CPU_FEATURES_IMPLEMENTED;
    cpu->model = cfg->model ? cfg->model : cpu_model_default();
    cpu->no_chaining = cfg->no_chaining;
    for (unsigned i = 0; i < X86_HELPER_COUNT; i++) {
        cpu->helpers[i] = *x86_helper_signature((enum x86_helper)i);
        cpu->helpers[i].fn = helper_fns[i];
    }
    cpu->irenv.globals = x86_lift_globals(&cpu->irenv.nglobals);
    cpu->irenv.helpers = cpu->helpers;
    cpu->irenv.nhelpers = X86_HELPER_COUNT;
    cpu->irenv.mem = (struct ir_mem_ops){cpu_mem_load, cpu_mem_store, cpu};
    cpu->irenv.lookup_code = cpu_exec_lookup_code;
    /* Native backends inline the softmmu fast path on this TLB (softmmu/tlb.h
     * layout, given to the guest-neutral translator as plain numbers). */
    cpu->irenv.tlb = (struct ir_tlb){
        .offset = (uint32_t)(offsetof(CPUX86State, tlb) + offsetof(struct mmu_tlb, table)),
        .table_stride = MMU_TLB_TABLE_OFFSET(1),
        .nmmu = MMU_IDX_COUNT,
        .index_bits = MMU_TLB_BITS,
        .entry_bits = MMU_TLB_ENTRY_BITS,
        .page_bits = MMU_PAGE_BITS,
        .read_tag = MMU_TLB_TAG_OFFSET(MMU_ACCESS_READ),
        .write_tag = MMU_TLB_TAG_OFFSET(MMU_ACCESS_WRITE),
        .addend = MMU_TLB_ADDEND_OFFSET,
    };
    const struct tb_backend *backend = cfg->backend;
    if (!backend)
        backend = translator_backend_by_name(translator_default_backend());
    struct translator_config tc = {
        .env = &cpu->irenv, .backend = backend, .code_size = cfg->code_size};
    cpu->tr = translator_new(&tc);
    if (!cpu->tr) {
        free(cpu);
        return NULL;
    }
    tb_jmp_cache_attach(cpu->tr, &cpu->jc);
    mmu_tlb_init(&cpu->env.tlb, cpu->space);
    mmu_phys_set_smc_hook(cpu->space, smc_hook, cpu);
    cpu_reset(cpu);
    return cpu;
}

void cpu_free(struct x86_cpu *cpu)
{
    if (!cpu)
        return;
    if (log_enabled(LOG_HOTBLOCKS))
        cpu_log_hot_blocks(cpu);
    mmu_phys_set_smc_hook(cpu->space, NULL, NULL);
    mmu_tlb_destroy(&cpu->env.tlb);
    tb_jmp_cache_detach(cpu->tr, &cpu->jc);
    translator_free(cpu->tr);
    free(cpu);
}

CPUX86State *cpu_env(struct x86_cpu *cpu)
{
    return &cpu->env;
}

struct translator *cpu_translator(struct x86_cpu *cpu)
{
    return cpu->tr;
}

void cpu_load_seg_real(CPUX86State *env, unsigned seg, uint16_t selector)
{
    struct x86_segment *s = &env->segs[seg];
    s->selector = selector;
    s->base = (uint32_t)selector << 4;
    /* Virtual-8086 mode reloads the whole cache; real mode keeps limit and
     * attributes (big real mode, SDM Vol. 3A §20.1.1). */
    if (env->eflags & X86_VM) {
        s->limit = 0xffff;
        s->flags = X86_SEG_REAL_FLAGS | (3u << X86_DESC_DPL_SHIFT);
    }
}

void cpu_reset(struct x86_cpu *cpu)
{
    CPUX86State *env = &cpu->env;
    memset(env, 0, offsetof(struct x86_state, tlb));
    env->eflags = 2;
    env->cc_op = X86_CC_EFLAGS;
    env->eip = 0xfff0;
    env->cr[0] = X86_CR0_ET | 0x60000000u;      /* CD and NW set at reset */
    env->regs[X86_EDX] = cpu->model->signature; /* SDM Vol. 3A §9.1.1: the signature */
    for (unsigned i = 0; i < 6; i++) {
        env->segs[i].limit = 0xffff;
        env->segs[i].flags = X86_SEG_REAL_FLAGS;
    }
    env->segs[X86_SEG_CS].selector = 0xf000;
    env->segs[X86_SEG_CS].base = 0xffff0000u;
    env->idt.limit = 0xffff;
    env->gdt.limit = 0xffff;
    env->ldt.limit = 0xffff;
    env->tr.limit = 0xffff;
    env->dr[6] = 0xffff0ff0u;
    env->dr[7] = 0x400;
    env->exc_vector = -1;
    env->exc_first = -1;
    env->a20_enabled = true;
    /* x87 after RESET (SDM Vol. 3A table 9-1): CW 0040h, tags 5555h (+0 everywhere). */
    env->fpu.cw = 0x0040;
    env->fpu.mxcsr = 0x1f80;
    cpu_update_hflags(env);
    mmu_tlb_flush(&env->tlb);
    tb_jmp_cache_flush(&cpu->jc);
}

void cpu_set_ferr(struct x86_cpu *cpu, cpu_ferr_fn *fn, void *opaque)
{
    cpu->ferr = fn;
    cpu->ferr_opaque = opaque;
}

void cpu_set_clock(struct x86_cpu *cpu, cpu_clock_fn *fn, void *opaque)
{
    cpu->clock = fn;
    cpu->clock_opaque = opaque;
}
