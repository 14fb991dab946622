/* The execution loop (DESIGN.md "One instruction's journey"): block key
 * (phys_pc, cs_base, flags), lookup, translation on a miss, execution on the
 * translator's backend, chaining, exceptions delivered between blocks. */
#include "cpu-internal.h"
#include "translator/log.h"

#include <capstone/capstone.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* hflags bits that change how code is translated. */
#define KEY_FLAGS                                                                                  \
    (X86_HF_CS32 | X86_HF_SS32 | X86_HF_PE | X86_HF_VM | X86_HF_CPL_MASK | X86_HF_PG | X86_HF_EM | \
     X86_HF_TS | X86_HF_TF | X86_HF_BP | X86_HF_INHIBIT)

/* X86_HF_FLAT32: protected mode (not virtual-8086) with ES, SS and DS flat.
 * Derived here at each lookup rather than kept in env->hflags, so no code
 * that writes a segment cache has to remember it; the lifter ends a block
 * after every instruction that may change it (lift_exit_lookup). */
static uint32_t flat_bit(const CPUX86State *env)
{
    const struct x86_segment *es = &env->segs[X86_SEG_ES], *ss = &env->segs[X86_SEG_SS],
                             *ds = &env->segs[X86_SEG_DS];
    /* Bitwise, not short-circuit: this runs at every goto_ptr. */
    uint64_t base = es->base | ss->base | ds->base;
    uint32_t limit = es->limit & ss->limit & ds->limit;
    uint32_t type = ((es->flags & X86_FLAT_FLAGS_MASK) ^ X86_FLAT_FLAGS_VALUE) |
                    ((ss->flags & X86_FLAT_FLAGS_MASK) ^ X86_FLAT_FLAGS_VALUE) |
                    ((ds->flags & X86_FLAT_FLAGS_MASK) ^ X86_FLAT_FLAGS_VALUE);
    bool pm = (env->hflags & (X86_HF_PE | X86_HF_VM)) == X86_HF_PE;
    return pm && (base | type) == 0 && limit == 0xffffffffu ? X86_HF_FLAT32 : 0;
}

/* EIP as the block just stored it: a 32-bit load, because a 64-bit one
 * cannot be forwarded from the 32-bit store still in flight (a stall of
 * some dozen cycles at every goto_ptr). */
static inline uint32_t guest_eip(const CPUX86State *env)
{
    uint32_t v;
    memcpy(&v, (const uint8_t *)env + X86_LOW32(offsetof(CPUX86State, eip)), sizeof(v));
    return v;
}

static uint32_t key_flags(const CPUX86State *env)
{
    uint32_t osfxsr = (env->cr[4] & X86_CR4_OSFXSR) ? X86_HF_OSFXSR : 0;
    return (env->hflags & KEY_FLAGS) | flat_bit(env) | osfxsr;
}

static void log_cpu_state(CPUX86State *env)
{
    static const char names[8][4] = {"EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"};
    for (unsigned i = 0; i < 8; i++)
        log_printf("%s=%08" PRIx32 "%s", names[i], (uint32_t)env->regs[i], i == 3 ? "\n" : " ");
    log_printf("\nEIP=%08" PRIx32 " EFL=%08" PRIx32
               " CS=%04x SS=%04x DS=%04x ES=%04x CR0=%08" PRIx32 " hflags=%x\n",
               (uint32_t)env->eip, cpu_compute_eflags(env), env->segs[X86_SEG_CS].selector,
               env->segs[X86_SEG_SS].selector, env->segs[X86_SEG_DS].selector,
               env->segs[X86_SEG_ES].selector, (uint32_t)env->cr[0], env->hflags);
}

/* -d in_asm: the block's guest code, disassembled by Capstone, under a
 * header with the block's lookup key. */
static void log_in_asm(struct x86_cpu *cpu, const struct x86_lift_config *lc, uint32_t size,
                       const struct tb_key *key)
{
    uint8_t code[X86_LIFT_MAX_INSNS * X86_MAX_INSN_LEN];
    uint32_t n = 0;
    uint64_t start = (lc->cs_base + lc->eip) & 0xffffffffu;
    while (n < size && n < sizeof(code)) {
        int got = cpu_fetch_code(cpu, start + n, code + n, size - n);
        if (got <= 0)
            break;
        n += (uint32_t)got;
    }
    log_printf("IN: %04x:%08" PRIx32 "  key: phys %08" PRIx64 " cs_base %08" PRIx64
               " flags %04" PRIx32 "\n",
               cpu->env.segs[X86_SEG_CS].selector, lc->eip, key->phys_pc, key->cs_base, key->flags);
    csh cs;
    cs_mode mode = (lc->hflags & X86_HF_CS32) ? CS_MODE_32 : CS_MODE_16;
    if (cs_open(CS_ARCH_X86, mode, &cs) != CS_ERR_OK)
        return;
    cs_insn *insn;
    size_t count = cs_disasm(cs, code, n, lc->eip, 0, &insn);
    uint64_t end = lc->eip;
    for (size_t i = 0; i < count; i++) {
        log_printf("  0x%08" PRIx64 ":  %-8s %s\n", insn[i].address, insn[i].mnemonic,
                   insn[i].op_str);
        end = insn[i].address + insn[i].size;
    }
    if (count)
        cs_free(insn, count);
    if (end < (uint64_t)lc->eip + n)
        log_printf("  (%" PRIu64 " bytes Capstone does not decode)\n", lc->eip + n - end);
    cs_close(&cs);
}

static struct tb *translate(struct x86_cpu *cpu, uint64_t pc, const struct tb_key *key)
{
    CPUX86State *env = &cpu->env;
    struct x86_lift_config lc = {
        .fetch = cpu_fetch_code,
        .opaque = cpu,
        .features = cpu->features,
        .cs_base = env->segs[X86_SEG_CS].base,
        .eip = (uint32_t)env->eip,
        .hflags = env->hflags | (key->flags & (X86_HF_FLAT32 | X86_HF_OSFXSR)),
        .mmu_idx = cpu_mmu_index(env),
        .fpu = (cpu->features & X86_FEATURE_BIT(X86_FEAT_FPU)) != 0,
        /* Single-step: one instruction per block, the loop raises #DB after it. */
        .max_insns =
            (env->hflags & (X86_HF_TF | X86_HF_BP)) || cpu->single_insn || cpu->debug_step ? 1 : 0,
    };
    struct x86_lift_result res;
    x86_lift_block(translator_block(cpu->tr), &lc, &res);
    if (res.fetch_fault) {
        /* The first instruction runs into a page that faults: raise that
         * fault at the instruction and keep no block for it. */
        uint64_t p;
        struct mmu_fault f;
        if (!mmu_tlb_translate(&env->tlb, lc.mmu_idx, (uint32_t)res.fault_addr, MMU_ACCESS_EXEC,
                               &p, &f)) {
            env->cr[2] = f.cr2;
            cpu_raise_exception(env, f.vector, f.error_code);
        }
    }
    if (log_enabled(LOG_IN_ASM))
        log_in_asm(cpu, &lc, res.size, key);
    uint64_t page2 = TB_NO_PAGE;
    if ((res.last_byte >> MMU_PAGE_BITS) != (pc >> MMU_PAGE_BITS)) {
        uint64_t p;
        struct mmu_fault f;
        if (mmu_tlb_translate(&env->tlb, lc.mmu_idx, (uint32_t)res.last_byte, MMU_ACCESS_EXEC, &p,
                              &f))
            page2 = p & ~(uint64_t)MMU_PAGE_OFFSET;
    }
    struct tb *tb = translator_commit(cpu->tr, pc, key, res.size, page2);
    if (!tb)
        return NULL;
    mmu_phys_set_code_page(cpu->space, key->phys_pc & ~(uint64_t)MMU_PAGE_OFFSET, true);
    if (page2 != TB_NO_PAGE)
        mmu_phys_set_code_page(cpu->space, page2, true);
    return tb;
}

/* TLB flushes so far. A flush is how a guest's page mappings change (CR3,
 * INVLPG, CR0/CR4, A20, PAM); chained jumps into other pages were made
 * under the old mappings, so the loop unpatches them when it sees one. Kept
 * across an address-space switch, such a chain ran the old mapping's code
 * without the page fault a fetch raises there, and only when the chain had
 * survived the cache's last flush: what the guest saw depended on the
 * backend's code size (-icount runs are identical across backends). */
static uint64_t tlb_generation(const CPUX86State *env)
{
    const struct mmu_tlb_stats *s = &env->tlb.stats;
    return s->flush_full + s->flush_nonglobal + s->flush_page;
}

/* Chains survive a TLB flush that cannot have changed the mapping of any
 * destination page: a CR3 write while every destination is a global page
 * (the kernel's code, when the loop has linked none into user pages since
 * the last drop), an INVLPG outside the 4 MiB regions holding destinations
 * (the early kernel's text patching maps its own page elsewhere). Anything
 * else (CR0/CR4, A20, PAM, an INVLPG not noted here) drops them all. */
static bool chains_may_be_stale(struct x86_cpu *cpu)
{
    const struct mmu_tlb_stats *s = &cpu->env.tlb.stats;
    struct cpu_chain_watch *w = &cpu->chains;
    if (s->flush_full != w->seen_full)
        return true;
    if (s->flush_nonglobal != w->seen_nonglobal && w->local)
        return true;
    uint64_t pages = s->flush_page - w->seen_page;
    return pages && (w->invlpg_hit || pages != w->invlpgs - w->seen_invlpgs);
}

static void drop_stale_chains(struct x86_cpu *cpu)
{
    uint64_t gen = tlb_generation(&cpu->env);
    if (gen == cpu->tlb_gen)
        return;
    cpu->tlb_gen = gen;
    struct cpu_chain_watch *w = &cpu->chains;
    bool stale = chains_may_be_stale(cpu);
    const struct mmu_tlb_stats *s = &cpu->env.tlb.stats;
    w->seen_full = s->flush_full;
    w->seen_nonglobal = s->flush_nonglobal;
    w->seen_page = s->flush_page;
    w->seen_invlpgs = w->invlpgs;
    w->invlpg_hit = false;
    if (!stale)
        return;
    tb_unlink_cross_page(cpu->tr);
    memset(w->regions, 0, sizeof(w->regions));
    w->local = false;
}

void cpu_exec_note_invlpg(CPUX86State *env, uint32_t lin)
{
    struct cpu_chain_watch *w = &cpu_of(env)->chains;
    w->invlpgs++;
    if (w->regions[lin >> 28] & (1ull << ((lin >> 22) & 63)))
        w->invlpg_hit = true;
}

/* Whether the TLB maps vaddr's page as a global page now. */
static bool tlb_global(const CPUX86State *env, unsigned idx, uint32_t vaddr)
{
    unsigned slot = (vaddr >> MMU_PAGE_BITS) & (MMU_TLB_SIZE - 1);
    uint64_t tag = env->tlb.table[idx][slot].tag[MMU_ACCESS_EXEC];
    return !(tag & MMU_TLB_INVALID) && (tag & MMU_TLB_PAGE_MASK) == (vaddr & MMU_TLB_PAGE_MASK) &&
           env->tlb.info[idx][slot].global;
}

/* Records a chain from src into dst before tb_link makes it: the same test
 * as the translator's list of chains tb_unlink_cross_page undoes. */
static void watch_chain(struct x86_cpu *cpu, const struct tb *src, const struct tb *dst)
{
    uint32_t first = (uint32_t)dst->pc, last = (uint32_t)(dst->pc + dst->size - 1);
    bool two = dst->page_addr[1] != TB_NO_PAGE;
    if (!((src->pc ^ dst->pc) & ~(uint64_t)MMU_PAGE_OFFSET) && !two)
        return;
    struct cpu_chain_watch *w = &cpu->chains;
    w->regions[first >> 28] |= 1ull << ((first >> 22) & 63);
    w->regions[last >> 28] |= 1ull << ((last >> 22) & 63);
    unsigned idx = cpu_mmu_index(&cpu->env);
    if (!tlb_global(&cpu->env, idx, first) || (two && !tlb_global(&cpu->env, idx, last)))
        w->local = true;
}

/* A block whose last instruction crosses into a second page holds the bytes
 * of the physical page the second virtual page mapped to when it was
 * translated: another address space (the same code page, other mappings)
 * must not run them, and must take the page fault a fetch there raises. */
static bool second_page_unchanged(struct x86_cpu *cpu, const struct tb *tb)
{
    if (tb->page_addr[1] == TB_NO_PAGE)
        return true;
    CPUX86State *env = &cpu->env;
    uint32_t last = (uint32_t)(tb->pc + tb->size - 1);
    uint64_t phys;
    struct mmu_fault f;
    return mmu_tlb_translate(&env->tlb, cpu_mmu_index(env), last, MMU_ACCESS_EXEC, &phys, &f) &&
           (phys & ~(uint64_t)MMU_PAGE_OFFSET) == tb->page_addr[1];
}

/* The block at CS:EIP, translated if needed; raises #PF/#GP on a fetch fault.
 * The jump cache survives CR3 writes and INVLPG: this lookup and the goto_ptr
 * hook both check a cached block's physical page against the TLB, so an
 * entry of an old mapping is never used, and a kernel's global code keeps
 * its entries across address-space switches. */
static struct tb *find_block(struct x86_cpu *cpu)
{
    CPUX86State *env = &cpu->env;
    uint64_t cs_base = env->segs[X86_SEG_CS].base;
    uint64_t pc = (uint32_t)(cs_base + guest_eip(env));
    uint64_t phys;
    struct mmu_fault f;
    if (!mmu_tlb_translate(&env->tlb, cpu_mmu_index(env), (uint32_t)pc, MMU_ACCESS_EXEC, &phys,
                           &f)) {
        env->cr[2] = f.cr2;
        cpu_raise_exception(env, f.vector, f.error_code);
    }
    /* Debugger stepping and the one-instruction rerun after a store into the
     * running block (single_insn) reuse the breakpoint bit of the key: all
     * mean one instruction per block, so such blocks never stand in for
     * normal ones, whatever the cache holds. */
    bool one = cpu->debug_step || cpu->single_insn;
    struct tb_key key = {phys, cs_base, key_flags(env) | (one ? X86_HF_BP : 0)};
    struct tb *tb = tb_lookup(cpu->tr, &cpu->jc, pc, &key);
    if (tb && !second_page_unchanged(cpu, tb)) {
        tb_invalidate(cpu->tr, tb);
        tb = NULL;
    }
    if (!tb)
        tb = translate(cpu, pc, &key);
    return tb;
}

/* ir_env.lookup_code, at goto_ptr (RET, indirect JMP/CALL): the next block
 * straight from the jump cache, or the hash table on a jump-cache miss (an
 * entry evicted, or one of another mapping), when the loop has nothing to do between the
 * two blocks (what run() checks before and after each block); counted in
 * cpu->blocks like a block the loop runs, so the TSC does not depend on it. */
const void *cpu_exec_lookup_code(void *opaque)
{
    CPUX86State *env = opaque;
    struct x86_cpu *cpu = cpu_of(env);
    if (env->exc_vector >= 0 || env->halted || env->shutdown || cpu->debug_step ||
        cpu->single_insn || cpu->no_chaining || (env->hflags & (X86_HF_TF | X86_HF_BP)) ||
        (env->eflags & X86_RF) || (env->irq_pending && (env->eflags & X86_IF)) ||
        log_enabled(LOG_HOTBLOCKS | LOG_CPU | LOG_EXEC))
        return NULL;
    /* A TLB flush since the loop last ran: the loop drops the chains it made
     * stale. */
    if (tlb_generation(env) != cpu->tlb_gen)
        return NULL;
    uint64_t cs_base = env->segs[X86_SEG_CS].base;
    uint64_t pc = (uint32_t)(cs_base + guest_eip(env));
    /* The physical page the TLB maps pc to now, as in the loop's lookup: a
     * PAM or A20 switch flushes the TLB, not the jump cache. A TLB miss goes
     * back to the loop, which walks the page tables. */
    unsigned idx = cpu_mmu_index(env), slot = ((uint32_t)pc >> MMU_PAGE_BITS) & (MMU_TLB_SIZE - 1);
    uint64_t tag = env->tlb.table[idx][slot].tag[MMU_ACCESS_EXEC];
    if ((tag & MMU_TLB_INVALID) || (tag & MMU_TLB_PAGE_MASK) != (pc & MMU_TLB_PAGE_MASK))
        return NULL;
    uint64_t page = env->tlb.info[idx][slot].paddr;
    uint32_t flags = key_flags(env);
    struct tb *tb = tb_jmp_cache_probe(cpu->tr, &cpu->jc, pc, cs_base, flags);
    if (!tb || (tb->key.phys_pc & MMU_TLB_PAGE_MASK) != page) {
        struct tb_key key = {page | (pc & MMU_PAGE_OFFSET), cs_base, flags};
        tb = tb_lookup(cpu->tr, &cpu->jc, pc, &key);
    }
    /* Not translated yet: the loop translates. Two pages: the loop checks
     * the second (find_block). */
    if (!tb || tb->page_addr[1] != TB_NO_PAGE)
        return NULL;
    cpu->blocks++;
    return tb->tc_ptr;
}

/* Exit requests live in block_budget (X86_EXIT_BIAS, frontend/cpu-state.h),
 * so a block entry tests one word. Every writer runs on the CPU thread or
 * holds the machine lock while the CPU is out of cpu_exec (ui/mainloop.c):
 * a plain read-modify-write is enough. */
static void request_exit(CPUX86State *env)
{
    if (!x86_exit_requested(env))
        env->block_budget -= X86_EXIT_BIAS;
}

/* Takes a pending request back; true when there was one. */
static bool take_exit_request(CPUX86State *env)
{
    if (!x86_exit_requested(env))
        return false;
    env->block_budget += X86_EXIT_BIAS;
    return true;
}

/* The budget without a pending request's bias. */
static int32_t budget_left(const CPUX86State *env)
{
    return x86_exit_requested(env) ? env->block_budget + X86_EXIT_BIAS : env->block_budget;
}

/* A hardware interrupt is taken between blocks when IF is set and no
 * STI/MOV SS shadow covers the next instruction (SDM Vol. 3A §6.8.3). The
 * shadowed instruction runs alone in a block translated with X86_HF_INHIBIT
 * in its key; that block clears the flag and makes the loop look here again
 * right after it (frontend/lift.c, lift_interrupt_shadow). */
static bool take_interrupt(struct x86_cpu *cpu)
{
    CPUX86State *env = &cpu->env;
    if ((env->hflags & X86_HF_INHIBIT) || cpu->debug_noirq)
        return false;
    if (!env->irq_pending || !(env->eflags & X86_IF) || !cpu->intack)
        return false;
    uint8_t vector = cpu->intack(cpu->intack_opaque);
    log_mask_printf(LOG_ICOUNT, "icount: %" PRIu64 " irq %#x at %08" PRIx32 "\n",
                    cpu_icount_blocks(cpu), vector, (uint32_t)env->eip);
    log_mask_printf(LOG_INT, "int: hardware interrupt %#x at %04x:%08" PRIx32 "\n", vector,
                    env->segs[X86_SEG_CS].selector, (uint32_t)env->eip);
    env->halted = false;
    cpu_queue_exception(env, vector, 0, true, (uint32_t)env->eip);
    env->exc_external = true;
    return true;
}

/* Instruction breakpoints (DR0-DR3, SDM Vol. 3A §17.3.1.1): a fault before
 * the instruction unless EFLAGS.RF says it already took one there. With a
 * breakpoint enabled every block holds one instruction. */
static bool breakpoint_hit(CPUX86State *env)
{
    if (!(env->hflags & X86_HF_BP) || (env->eflags & X86_RF))
        return false;
    uint64_t lin = (env->segs[X86_SEG_CS].base + env->eip) & 0xffffffffu;
    bool hit = false;
    for (unsigned i = 0; i < 4; i++) {
        if (cpu_exec_breakpoint_enabled(env, i) && (uint32_t)env->dr[i] == lin) {
            env->dr[6] |= 1u << i;
            hit = true;
        }
    }
    if (hit)
        cpu_queue_exception(env, 1, 0, false, 0);
    return hit;
}

static enum cpu_exit_reason run(struct x86_cpu *cpu)
{
    CPUX86State *env = &cpu->env;
    struct tb *prev = NULL;
    unsigned prev_slot = 0;
    uint64_t prev_flushes = 0; /* the cache generation prev belongs to */
    for (;;) {
        if (env->exc_vector >= 0) {
            /* Counted too: a fault that repeats before any block runs (a
             * handler on an unmapped page) must not loop for ever. */
            env->block_budget--;
            prev = NULL;
            cpu_deliver_exception(env);
        }
        if (env->shutdown)
            return CPU_EXIT_SHUTDOWN;
        if (take_interrupt(cpu)) {
            prev = NULL;
            cpu_deliver_exception(env);
        }
        if (env->halted)
            return CPU_EXIT_HALTED;
        if (breakpoint_hit(env)) {
            prev = NULL;
            continue;
        }
        if (take_exit_request(env)) {
            /* Also raised to break chained blocks when INTR rises: only a
             * cpu_exit_request() ends cpu_exec. */
            if (cpu->stop_requested) {
                cpu->stop_requested = false;
                return CPU_EXIT_REQUEST;
            }
        }
        if (env->block_budget <= 0)
            return CPU_EXIT_LIMIT;
        drop_stale_chains(cpu);
        struct tb *tb = find_block(cpu);
        if (!tb) {
            error_report("cpu: block at %08" PRIx64 " could not be translated", env->eip);
            env->shutdown = true;
            return CPU_EXIT_SHUTDOWN;
        }
        /* -d hotblocks counts runs here, so every block must come back here. */
        bool count_runs = log_enabled(LOG_HOTBLOCKS);
        if (count_runs)
            tb->exec_count++;
        /* A flush since prev ran (a full code buffer while translating tb,
         * or a helper's flush) has freed prev: nothing is left to patch. */
        if (prev && translator_stats(cpu->tr)->flushes != prev_flushes)
            prev = NULL;
        if (prev && !cpu->no_chaining && !count_runs) {
            watch_chain(cpu, prev, tb);
            tb_link(cpu->tr, prev, prev_slot, tb);
        }
        if (log_enabled(LOG_CPU))
            log_cpu_state(env);
        log_mask_printf(LOG_EXEC,
                        "exec: %04x:%08" PRIx32 " block %p key: phys %08" PRIx64 " flags %04" PRIx32
                        "\n",
                        env->segs[X86_SEG_CS].selector, (uint32_t)env->eip, (void *)tb,
                        tb->key.phys_pc, tb->key.flags);
        bool step = (env->hflags & X86_HF_TF) != 0;
        bool rf = (env->eflags & X86_RF) != 0;
        bool single = cpu->single_insn;
        cpu->blocks++;
        cpu->in_block = true;
        prev_flushes = translator_stats(cpu->tr)->flushes;
        struct tb_exit e = translator_exec(cpu->tr, tb, env);
        cpu->in_block = false;
        cpu->single_insn = false;
        bool ran = !(e.kind == TB_EXIT_RETURN && e.value == X86_EXIT_BUDGET);
        if (ran && rf)
            env->eflags &= ~X86_RF; /* RF lasts for one instruction (IRET may set it anew) */
        if (step && ran && !env->halted) {
            /* Single-step trap after the instruction (SDM Vol. 3A §17.3.1.4). */
            env->dr[6] |= 0x4000; /* BS */
            cpu_queue_exception(env, 1, 0, false, 0);
        }
        if (!ran) {
            /* The block left at its entry: it ran nothing, so it does not
             * count. Without a request pending, the budget ran out. */
            env->block_budget++;
            if (!x86_exit_requested(env))
                return CPU_EXIT_LIMIT;
        }
        /* single_insn lasts until the loop: a block after the rerun one
         * must not run with it, as a chained one would. */
        prev = e.kind == TB_EXIT_GOTO_TB && !single ? e.last : NULL;
        prev_slot = e.slot;
    }
}

int32_t cpu_budget_left(const struct x86_cpu *cpu)
{
    int32_t left = budget_left(&cpu->env);
    return left > 0 ? left : 0;
}

uint64_t cpu_icount_blocks(const struct x86_cpu *cpu)
{
    return cpu->blocks_done + (uint64_t)(cpu->budget_start - cpu_budget_left(cpu));
}

enum cpu_exit_reason cpu_exec(struct x86_cpu *cpu, uint64_t max_blocks)
{
    /* A request raised between two calls (the main loop, under the machine
     * lock) stays pending across the new budget. */
    bool pending = x86_exit_requested(&cpu->env);
    cpu->env.block_budget =
        max_blocks && max_blocks < X86_BUDGET_MAX ? (int32_t)max_blocks : X86_BUDGET_MAX;
    cpu->budget_start = cpu->env.block_budget;
    if (pending)
        request_exit(&cpu->env);
    /* A raised exception or an SMC restart comes back here; the budget lives in env. */
    int why = setjmp(cpu->jmp);
    if (why) {
        cpu->in_block = false;
        cpu->in_store = false;
        if (why != CPU_JMP_SMC_RESTART)
            cpu->single_insn = false;
    }
    enum cpu_exit_reason why_out = run(cpu);
    cpu->blocks_done = cpu_icount_blocks(cpu);
    cpu->budget_start = cpu_budget_left(cpu);
    return why_out;
}

/* -d hotblocks, at exit: the most executed blocks with their guest code (as
 * the current mappings show it) and host code. */
void cpu_log_hot_blocks(struct x86_cpu *cpu)
{
    const struct tb *hot[20];
    unsigned n = translator_hot_blocks(cpu->tr, hot, 20);
    log_printf("hotblocks: the %u most executed blocks\n", n);
    for (unsigned i = 0; i < n; i++) {
        const struct tb *tb = hot[i];
        log_printf("#%u: %" PRIu64 " runs, pc %08" PRIx64 " (phys %08" PRIx64
                   "), %u guest bytes, %u host bytes\n",
                   i + 1, tb->exec_count, tb->pc, tb->key.phys_pc, tb->size, tb->tc_size);
        struct x86_lift_config lc = {.cs_base = tb->key.cs_base,
                                     .eip = (uint32_t)(tb->pc - tb->key.cs_base),
                                     .hflags = tb->key.flags};
        log_in_asm(cpu, &lc, tb->size, &tb->key);
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        if (!f)
            continue;
        translator_describe(cpu->tr, tb, f);
        fclose(f);
        log_printf("%s\n", text);
        free(text);
    }
}

/* The time stamp: the machine clock at CPU_TSC_HZ (1 GHz: one tick per
 * nanosecond; deterministic under -icount like the clock), or without one 32
 * ticks per block executed; plus the offset WRMSR gave. */
uint64_t cpu_tsc(CPUX86State *env)
{
    struct x86_cpu *cpu = cpu_of(env);
    _Static_assert(CPU_TSC_HZ == 1000000000u, "cpu_tsc converts nanoseconds 1:1");
    if (cpu->clock)
        return env->tsc + (uint64_t)cpu->clock(cpu->clock_opaque);
    return env->tsc + cpu->blocks * 32;
}

void cpu_exit_request(struct x86_cpu *cpu)
{
    cpu->stop_requested = true;
    request_exit(&cpu->env);
}

void cpu_set_debug_step(struct x86_cpu *cpu, bool on)
{
    cpu->debug_step = on;
}

void cpu_set_debug_irq_mask(struct x86_cpu *cpu, bool on)
{
    cpu->debug_noirq = on;
}

void cpu_set_intack(struct x86_cpu *cpu, cpu_intack_fn *ack, void *opaque)
{
    cpu->intack = ack;
    cpu->intack_opaque = opaque;
}

void cpu_set_irq(struct x86_cpu *cpu, bool level)
{
    cpu->env.irq_pending = level;
    if (level)
        request_exit(&cpu->env);
}
