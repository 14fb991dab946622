/* The lifter: decoded x86 instructions -> translator IR, one block at a time
 * (DESIGN.md "One instruction's journey", step 2; semantics: Intel SDM Vol. 2). */
#ifndef JIT86_FRONTEND_LIFT_H
#define JIT86_FRONTEND_LIFT_H

#include "frontend/cpu-state.h"
#include "frontend/decode.h"
#include "frontend/helpers.h"
#include "translator/ir.h"

#include <stdbool.h>
#include <stdint.h>

/* Guest instructions per block at most (the translator's op budget is the other cap). */
#define X86_LIFT_MAX_INSNS 64

/* exit_tb codes of lifted blocks. */
enum x86_exit_code {
    X86_EXIT_NORMAL = 0,  /* EIP holds the next instruction: look it up */
    X86_EXIT_HALT = 2,    /* HLT executed */
    X86_EXIT_BUDGET = 3,  /* at block entry: block_budget ran out or an exit was requested */
};

struct x86_lift_config {
    x86_fetch_fn fetch; /* code bytes by linear address */
    void *opaque;
    uint64_t features; /* X86_FEATURE_BIT() mask of the CPU model */
    uint64_t cs_base;
    uint32_t eip;       /* offset of the first instruction in CS */
    uint32_t hflags;    /* X86_HF_* */
    unsigned mmu_idx;   /* enum mmu_idx for data accesses */
    unsigned max_insns; /* 0: X86_LIFT_MAX_INSNS */
    bool fpu;           /* an x87 is present (else ESC instructions do nothing) */
};

struct x86_lift_result {
    uint32_t size; /* guest bytes covered, from cs_base + eip */
    unsigned ninsns;
    uint64_t last_byte; /* linear address of the last byte lifted */
    /* The block's first instruction runs into a page the fetch could not
     * read (set with its address): the caller raises that page's fault
     * instead of using the block, which only raises #GP(0). */
    bool fetch_fault;
    uint64_t fault_addr;
};

/* Fills b (emptied by the caller) with the block starting at cs_base + eip.
 * Always produces a valid block: undefined opcodes and fetch faults become
 * raise_exception calls at their instruction. */
void x86_lift_block(struct ir_block *b, const struct x86_lift_config *cfg,
                    struct x86_lift_result *res);

/* The IR globals (enum x86_global order) backed by struct x86_state fields. */
const struct ir_global *x86_lift_globals(unsigned *count);

#endif
