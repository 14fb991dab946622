/* Shared state of the AArch64 backend's code generator: the two code sections
 * (hot path, then out-of-line slow paths), labels and branch fixups, and the
 * shared register allocator's state (shared/DESIGN.md "Backends").
 * Register use follows the AAPCS64 (Arm IHI 0055, §6.1.1). */
#ifndef JIT86_TRANSLATOR_AARCH64_INTERNAL_H
#define JIT86_TRANSLATOR_AARCH64_INTERNAL_H

#include "aarch64-emit.h"
#include "backend-native.h"
#include "translator.h"

#include <stddef.h>

/* env lives in x19 (callee-saved). x16 and x17 (IP0/IP1, free to clobber
 * between calls) are the code generator's scratch registers; x18 (platform
 * register) is never touched. */
#define A64_ENV_REG           19
#define A64_TMP_REG           16
#define A64_AUX_REG           17
#define A64_REGS_CALLER_SAVED 0x0000ffffu /* x0..x15 */
#define A64_REGS_CALLEE_SAVED 0x1ff00000u /* x20..x28 */
#define A64_REGS_ALLOC        (A64_REGS_CALLER_SAVED | A64_REGS_CALLEE_SAVED)

/* The frame below the saved x19..x30: the call-site word (return address of
 * the last call that may raise), a save area for x0..x15 around slow-path
 * calls, then one 8-byte spill slot per possible local temp. */
#define A64_SITE_OFF   0
#define A64_SAVE_OFF   16
#define A64_SLOTS_OFF  (A64_SAVE_OFF + 16 * 8)
#define A64_LOCAL_SIZE (A64_SLOTS_OFF + 8 * IR_MAX_TEMPS)
#define A64_SAVED_SIZE (12 * 8) /* x19..x30 */

/* Exits leave the value in x0, the block | NATIVE_EXIT_* tag in x1.
 * goto_tb with a veneer: B at the slot, then LDR x16, literal; BR x16; the
 * 8-byte literal (aligned); then the exit. Without: B, then the exit. */
#define A64_VENEER_LIT  12
#define A64_EXIT_NEAR   4
#define A64_EXIT_VENEER 20

enum { A64_SEC_MAIN, A64_SEC_COLD };

enum a64_fix_kind { A64_FIX_B26, A64_FIX_B19 };

/* A branch to resolve once the sections are placed: to a label, or to an
 * absolute host address when label is UINT32_MAX. */
struct a64_fixup {
    uint8_t sec, kind;
    uint32_t off;
    uint32_t label;
    uintptr_t abs;
};

struct a64_gen {
    struct ra_state ra; /* values of the temps; also the block, env and op */
    uintptr_t tb;       /* the block's struct tb, embedded in its exits */
    uintptr_t epilogue; /* executable address of the shared epilogue */
    bool far;           /* the code buffer spans more than a B reaches */
    unsigned sec;
    struct a64_buf buf[2];
    struct a64_fixup *fix;
    unsigned nfix, fix_cap;
    struct native_block nb; /* per op: code offsets (instructions), restore sites */
    const struct ir_tlb *tlb;
};

static inline struct a64_buf *a64_cur(struct a64_gen *g)
{
    return &g->buf[g->sec];
}
static inline struct a64_gen *a64_gen_of(struct ra_state *ra)
{
    return (struct a64_gen *)(void *)((char *)ra - offsetof(struct a64_gen, ra));
}

/* aarch64-regalloc.c: registers and moves for the shared allocator. */
extern const struct ra_target a64_ra_target;
/* Load (opc A64_LDST_*) or store of 1 << size bytes at base + off, any off. */
void a64_ldst(struct a64_gen *g, unsigned size, unsigned opc, unsigned t, unsigned base,
              uint64_t off);

/* aarch64-ops.c: code for each op. */
bool a64_gen_op(struct a64_gen *g, const struct ir_op *op);
void a64_gen_exit(struct a64_gen *g, unsigned tag, bool value_from_temp, uint64_t value);

/* backend-aarch64.c: labels, fixups, calls. */
unsigned a64_new_label(struct a64_gen *g);
void a64_bind_label(struct a64_gen *g, unsigned label);
/* B (cond < 0) or B.cond to label. */
void a64_branch(struct a64_gen *g, int cond, unsigned label);
/* A B.cond, CBZ or CBNZ (imm19 at bits 23:5) to label. */
void a64_branch_insn(struct a64_gen *g, uint32_t insn, unsigned label);
void a64_jump_abs(struct a64_gen *g, uintptr_t target);
void a64_call_abs(struct a64_gen *g, const void *fn, bool site);

#endif
