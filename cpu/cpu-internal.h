/* Private to cpu/: the CPU object around the guest state, guest memory and
 * stack accessors for helpers, exception plumbing, helper prototypes. */
#ifndef JIT86_CPU_INTERNAL_H
#define JIT86_CPU_INTERNAL_H

#include "cpu/cpu.h"
#include "frontend/helpers.h"
#include "frontend/lift.h"

#include <setjmp.h>

/* The loop's record of the chained jumps into another page made since it
 * last dropped them, to tell a TLB flush that cannot have made any stale. */
struct cpu_chain_watch {
    uint64_t regions[16];  /* a bit per 4 MiB of linear space holding a destination */
    bool local;            /* a destination page the TLB did not map global */
    bool invlpg_hit;       /* an INVLPG since the last drop fell in a region above */
    uint64_t invlpgs;      /* INVLPGs noted (cpu_exec_note_invlpg) */
    uint64_t seen_full, seen_nonglobal, seen_page, seen_invlpgs; /* at the last drop */
};

struct x86_cpu {
    CPUX86State env; /* first: helpers get env and find the CPU from it */
    struct translator *tr;
    struct tb_jmp_cache jc;
    struct mmu_phys_space *space;
    struct mmu_io_space *io;
    uint64_t features;
    const struct cpu_model *model; /* CPUID identity (the features may differ: -cpu +/-flag) */
    bool no_chaining;
    bool in_block;        /* a block is running: faults restore through its records */
    bool delivering;      /* an exception is being delivered (double-fault rules) */
    bool stop_requested;  /* cpu_exit_request() since the last return */
    bool in_store;        /* a guest store is in the softmmu (SMC restarts allowed) */
    bool single_insn;     /* next block: one instruction (after an SMC restart) */
    uint64_t tlb_gen;     /* TLB flushes seen by the loop (cross-page chains) */
    struct cpu_chain_watch chains; /* what a TLB flush can make stale (exec.c) */
    uint64_t blocks_done; /* blocks counted against the budgets of past cpu_exec calls */
    int32_t budget_start; /* the budget this cpu_exec call started with */
    bool debug_step;      /* cpu_set_debug_step(): every block holds one instruction */
    bool debug_noirq;     /* cpu_set_debug_irq_mask(): interrupts wait */
    uint64_t blocks;      /* blocks executed: the time base of the TSC */
    cpu_intack_fn *intack;
    void *intack_opaque;
    cpu_ferr_fn *ferr; /* x87 FERR# output (IRQ13 on a PC), NULL: unconnected */
    void *ferr_opaque;
    cpu_clock_fn *clock; /* the TSC's time base when set */
    void *clock_opaque;
    jmp_buf jmp;
    struct ir_env irenv;
    struct ir_helper helpers[X86_HELPER_COUNT];
};

static inline struct x86_cpu *cpu_of(CPUX86State *env)
{
    return (struct x86_cpu *)env;
}

/* exec.c */
__attribute__((noreturn)) void cpu_raise_interrupt(CPUX86State *env, unsigned vector,
                                                   uint32_t next_eip);
/* -d hotblocks: logs the most executed blocks (cpu_free calls it). */
void cpu_log_hot_blocks(struct x86_cpu *cpu);
/* INVLPG of lin (helper-sys.c), before the TLB drops it: chains into its
 * 4 MiB region are stale. */
void cpu_exec_note_invlpg(CPUX86State *env, uint32_t lin);
/* The goto_ptr hook (struct ir_env lookup_code): host code of the next block or NULL. */
const void *cpu_exec_lookup_code(void *env);
/* Blocks counted against cpu_exec budgets so far, this call's included: what
 * the -icount clock counts (-d icount). */
uint64_t cpu_icount_blocks(const struct x86_cpu *cpu);
/* excp.c: longjmp values back into cpu_exec. */
enum { CPU_JMP_EXCEPTION = 1, CPU_JMP_SMC_RESTART = 2 };
/* Restores EIP/cc_op of the instruction at the current call site. */
void cpu_restore_state(struct x86_cpu *cpu);
/* excp.c: delivers env->exc_* (may raise again: nested faults). */
void cpu_deliver_exception(CPUX86State *env);
void cpu_queue_exception(CPUX86State *env, unsigned vector, uint32_t error_code, bool soft,
                         uint32_t next_eip);

/* mem.c: guest memory for helpers (faults raise). */
unsigned cpu_mmu_index(const CPUX86State *env);
/* The MMU index of an access made at privilege cpl (not necessarily CPL). */
unsigned cpu_mmu_index_cpl(const CPUX86State *env, unsigned cpl);
uint32_t cpu_ld_lin(CPUX86State *env, uint32_t lin, unsigned size);
void cpu_st_lin(CPUX86State *env, uint32_t lin, uint32_t value, unsigned size);
uint32_t cpu_ld_lin_idx(CPUX86State *env, uint32_t lin, unsigned size, unsigned mmu_idx);
void cpu_st_lin_idx(CPUX86State *env, uint32_t lin, uint32_t value, unsigned size,
                    unsigned mmu_idx);
/* seg:off with the limit check (#GP(0), #SS(0) for SS in protected mode). */
uint32_t cpu_ld_seg(CPUX86State *env, unsigned seg, uint32_t off, unsigned size);
void cpu_st_seg(CPUX86State *env, unsigned seg, uint32_t off, uint32_t value, unsigned size);
uint32_t cpu_stack_mask(const CPUX86State *env);
/* A stack pointer moved by pushes and pops, committed to ESP at the end so a
 * fault leaves ESP unchanged. */
struct cpu_stack {
    uint32_t sp;
};
void cpu_stack_begin(CPUX86State *env, struct cpu_stack *s);
void cpu_stack_push(CPUX86State *env, struct cpu_stack *s, uint32_t v, unsigned size);
uint32_t cpu_stack_pop(CPUX86State *env, struct cpu_stack *s, unsigned size);
void cpu_stack_commit(CPUX86State *env, const struct cpu_stack *s);
void cpu_set_reg(CPUX86State *env, unsigned reg, unsigned size, uint32_t v);
uint32_t cpu_get_reg(const CPUX86State *env, unsigned reg, unsigned size);
uint64_t cpu_mem_load(void *opaque, void *env, uint64_t addr, unsigned memop);
void cpu_mem_store(void *opaque, void *env, uint64_t addr, uint64_t val, unsigned memop);
int cpu_fetch_code(void *opaque, uint64_t addr, uint8_t *buf, unsigned max);

/* seg.c, far.c: protected-mode segmentation and control transfers. */
struct x86_desc {
    uint32_t lo, hi;
    uint32_t addr; /* linear address of the descriptor */
};
unsigned cpu_cpl(const CPUX86State *env);
uint32_t cpu_ld_sys(CPUX86State *env, uint32_t lin, unsigned size);
void cpu_st_sys(CPUX86State *env, uint32_t lin, uint32_t v, unsigned size);
bool cpu_fetch_desc(CPUX86State *env, uint16_t sel, struct x86_desc *d);
void cpu_desc_to_cache(struct x86_segment *s, uint16_t sel, const struct x86_desc *d);
void cpu_desc_set_accessed(CPUX86State *env, struct x86_desc *d);
void cpu_load_seg_pm(CPUX86State *env, unsigned seg, uint16_t sel);
void cpu_load_system_seg(CPUX86State *env, struct x86_segment *s, uint16_t sel, bool tss);
void cpu_tss_stack(CPUX86State *env, unsigned dpl, uint16_t *ss, uint32_t *esp);
void cpu_ljmp_pm(CPUX86State *env, uint16_t sel, uint32_t off, unsigned osize, uint32_t next);
void cpu_lcall_pm(CPUX86State *env, uint16_t sel, uint32_t off, unsigned osize, uint32_t next);
void cpu_lret_pm(CPUX86State *env, unsigned osize, uint32_t extra);
void cpu_iret_pm(CPUX86State *env, unsigned osize, uint32_t next);
void cpu_deliver_pm(CPUX86State *env, unsigned vector, uint32_t error, bool has_error, bool soft,
                    uint32_t ret_eip);
/* task.c: the instruction or event that switches tasks. */
enum cpu_task_source { CPU_TASK_JMP, CPU_TASK_CALL, CPU_TASK_INT, CPU_TASK_IRET };
void cpu_task_switch(CPUX86State *env, uint16_t sel, enum cpu_task_source src, uint32_t next_eip);
/* helper-sys.c, exec.c */
void cpu_sync_paging(CPUX86State *env);
uint64_t cpu_tsc(CPUX86State *env);

/* Whether DR7 enables DRi as an instruction breakpoint (SDM Vol. 3A §17.2.4). */
static inline bool cpu_exec_breakpoint_enabled(const CPUX86State *env, unsigned i)
{
    uint32_t dr7 = (uint32_t)env->dr[7];
    return ((dr7 >> (i * 2)) & 3) != 0 && ((dr7 >> (16 + i * 4)) & 3) == 0;
}

/* models.c: the EFLAGS bits software can change on this model in the current mode (no AC
 * before the 486, no ID without CPUID, IOPL and NT fixed at 0 in 286 real mode). */
uint32_t cpu_eflags_writable(const CPUX86State *env);

/* cc.c */
uint32_t cpu_cc_compute(uint32_t op, uint32_t dst, uint32_t src, uint32_t src2);
uint32_t cpu_cc_carry(uint32_t op, uint32_t dst, uint32_t src, uint32_t src2);
void cpu_set_arith_flags(CPUX86State *env, uint32_t flags);

/* Helper implementations, one per helpers.def row (argument order as there). */
uint32_t x86_helper_cc_compute(uint32_t op, uint32_t dst, uint32_t src, uint32_t src2);
uint32_t x86_helper_cc_carry(uint32_t op, uint32_t dst, uint32_t src, uint32_t src2);
void x86_helper_raise_exception(CPUX86State *env, uint32_t vector, uint32_t error);
void x86_helper_raise_interrupt(CPUX86State *env, uint32_t vector, uint32_t next_eip);
void x86_helper_into(CPUX86State *env, uint32_t next_eip);
void x86_helper_div(CPUX86State *env, uint32_t divisor, uint32_t is_signed, uint32_t size);
void x86_helper_bcd(CPUX86State *env, uint32_t op);
void x86_helper_aam(CPUX86State *env, uint32_t base);
void x86_helper_aad(CPUX86State *env, uint32_t base);
uint32_t x86_helper_shift(CPUX86State *env, uint32_t op, uint32_t val, uint32_t count,
                          uint32_t size);
uint32_t x86_helper_shiftd(CPUX86State *env, uint32_t op, uint32_t dst, uint32_t src,
                           uint32_t count, uint32_t size);
uint32_t x86_helper_bitscan(CPUX86State *env, uint32_t op, uint32_t src, uint32_t old,
                            uint32_t size);
uint32_t x86_helper_read_eflags(CPUX86State *env);
void x86_helper_write_eflags(CPUX86State *env, uint32_t value, uint32_t mask);
void x86_helper_load_seg(CPUX86State *env, uint32_t seg, uint32_t selector);
void x86_helper_ljmp(CPUX86State *env, uint32_t sel, uint32_t off, uint32_t osize,
                     uint32_t next_eip);
void x86_helper_lcall(CPUX86State *env, uint32_t sel, uint32_t off, uint32_t osize,
                      uint32_t next_eip);
void x86_helper_lret(CPUX86State *env, uint32_t osize, uint32_t extra);
void x86_helper_iret(CPUX86State *env, uint32_t osize, uint32_t next_eip);
uint32_t x86_helper_in(CPUX86State *env, uint32_t port, uint32_t size);
void x86_helper_out(CPUX86State *env, uint32_t port, uint32_t value, uint32_t size);
uint32_t x86_helper_string(CPUX86State *env, uint32_t op, uint32_t desc);
void x86_helper_pusha(CPUX86State *env, uint32_t osize);
void x86_helper_popa(CPUX86State *env, uint32_t osize);
void x86_helper_enter(CPUX86State *env, uint32_t frame, uint32_t level, uint32_t osize);
void x86_helper_bound(CPUX86State *env, uint32_t index, uint32_t seg, uint32_t off, uint32_t osize);
void x86_helper_hlt(CPUX86State *env);
void x86_helper_cli(CPUX86State *env);
void x86_helper_sti(CPUX86State *env);
void x86_helper_write_cr(CPUX86State *env, uint32_t n, uint32_t v);
uint32_t x86_helper_read_cr(CPUX86State *env, uint32_t n);
void x86_helper_write_dr(CPUX86State *env, uint32_t n, uint32_t v);
uint32_t x86_helper_read_dr(CPUX86State *env, uint32_t n);
void x86_helper_lmsw(CPUX86State *env, uint32_t v);
void x86_helper_clts(CPUX86State *env);
void x86_helper_load_dtable(CPUX86State *env, uint32_t which, uint32_t seg, uint32_t off,
                            uint32_t osize);
void x86_helper_store_dtable(CPUX86State *env, uint32_t which, uint32_t seg, uint32_t off);
void x86_helper_lldt(CPUX86State *env, uint32_t sel);
void x86_helper_ltr(CPUX86State *env, uint32_t sel);
void x86_helper_cpuid(CPUX86State *env);
void x86_helper_rdtsc(CPUX86State *env);
void x86_helper_rdmsr(CPUX86State *env);
void x86_helper_wrmsr(CPUX86State *env);
void x86_helper_invlpg(CPUX86State *env, uint32_t lin);
void x86_helper_check_cpl0(CPUX86State *env);
void x86_helper_check_expdown(CPUX86State *env, uint32_t seg, uint32_t off, uint32_t size);
uint32_t x86_helper_desc_query(CPUX86State *env, uint32_t op, uint32_t sel, uint32_t old);
void x86_helper_sysenter(CPUX86State *env);
void x86_helper_x87(CPUX86State *env, uint32_t desc, uint32_t off, uint32_t eip);
void x86_helper_fwait(CPUX86State *env);
void x86_helper_fxsave(CPUX86State *env, uint32_t which, uint32_t desc, uint32_t off);
void x86_helper_sysexit(CPUX86State *env);
void x86_helper_sse(CPUX86State *env, uint32_t desc, uint32_t desc2, uint32_t off);

/* helper-sse.c: the MXCSR bits LDMXCSR/FXRSTOR accept (FXSAVE's MXCSR_MASK): DAZ came with
 * the SSE2 parts (SDM Vol. 1 §11.6.6). */
uint32_t cpu_mxcsr_mask(const CPUX86State *env);

#endif
