/* What the native code generators (x86-64, AArch64) share around their
 * encoders: the exit protocol, per-op bookkeeping (restore sites, goto_tb
 * slots, code offsets) and the -d out_asm listing of IR beside host code. */
#ifndef JIT86_TRANSLATOR_BACKEND_NATIVE_H
#define JIT86_TRANSLATOR_BACKEND_NATIVE_H

#include "regalloc.h"
#include "translator.h"

#include <stdio.h>

/* A block returns to the prologue's caller with a value and its struct tb
 * pointer tagged with the kind of exit (tb structs are 8-byte aligned). */
enum {
    NATIVE_EXIT_RETURN = 0,
    NATIVE_EXIT_GOTO_TB = 1,
    NATIVE_EXIT_LOOKUP = 2,
    NATIVE_EXIT_SLOT1 = 4,
    NATIVE_EXIT_TAG_MASK = 7,
};
/* Runs the block at code through the prologue at entry; *jit_sp (where the
 * prologue publishes the frame) is restored after, for the helper that may
 * have run blocks itself. */
struct tb_exit native_run(uintptr_t entry, void *env, const void *code, uintptr_t *jit_sp);

/* Grows an array of elem-sized entries to hold need; NULL when out of memory
 * (p is still valid then). */
void *native_grow(void *p, unsigned *cap, unsigned need, size_t elem);

/* A position in the code being emitted: section and offset in the
 * backend's code units. */
struct native_label {
    int8_t sec; /* -1 while unbound */
    uint32_t off;
};

/* The block being emitted: per op, in the backend's code units, and its
 * labels (the IR's first, then the code generator's own). */
struct native_block {
    uint32_t *op_off;   /* hot-section offset of its code (-d out_asm) */
    int8_t *site_sec;   /* section of its restore site, -1 none */
    uint32_t *site_off; /* offset of the restore site in that section */
    uint32_t jmp_off[2];
    bool reachable; /* false after an exit or br, until a label */
    bool oom;       /* a label could not be allocated */
    struct native_label *labels;
    unsigned nlabels, labels_cap;
};
/* Sizes the arrays for b and prepares ra for it; blocks that call out
 * (helpers, or guest memory without an inline TLB) allocate callee-saved
 * registers first. False when out of memory. */
bool native_block_prepare(struct native_block *nb, struct ra_state *ra, const struct ir_block *b,
                          bool inline_tlb);
void native_block_destroy(struct native_block *nb);
/* A new unbound label (0 and nb->oom set when out of memory). */
unsigned native_new_label(struct native_block *nb);
static inline void native_bind_label(struct native_block *nb, unsigned label, unsigned sec,
                                     size_t off)
{
    nb->labels[label] = (struct native_label){(int8_t)sec, (uint32_t)off};
}

/* A backend's code for one op (g is its code generator); false when the op
 * has none. */
typedef bool native_gen_op_fn(void *g, const struct ir_op *op);
/* Every reachable op of b in order (the interpreter never runs the others
 * either), then an exit_tb 0 if the last one falls through. hot_len is the
 * length of the hot section in code units, read before each op. */
bool native_emit_ops(void *g, native_gen_op_fn *gen_op, const size_t *hot_len,
                     struct native_block *nb, const struct ir_block *b);
/* Fills e's restore sites and goto_tb offsets: section s starts base[s]
 * bytes into the block, a code unit is unit bytes. */
void native_block_place(const struct native_block *nb, const struct ir_block *b,
                        const size_t base[2], unsigned unit, struct tb_emit *e);

/* Host code of tb in [start, end) (byte offsets), one instruction a line. */
typedef void native_disasm_fn(void *be, const struct tb *tb, uint32_t start, uint32_t end, FILE *f);

/* The last block emitted while -d out_asm was on: its ops and the offset of
 * the code of each, to print them side by side. */
struct native_listing {
    const struct tb *tb;
    struct ir_block ops;
    uint32_t *off; /* bytes */
    uint32_t main; /* end of the hot section, bytes */
};
void native_listing_init(struct native_listing *l, const struct ir_env *env);
void native_listing_destroy(struct native_listing *l);
/* After emitting tb from b: keeps them when out_asm is on. */
void native_listing_record(struct native_listing *l, const struct tb *tb, const struct ir_block *b,
                           const struct native_block *nb, unsigned unit, uint32_t main);
/* "NAME code at ADDR, N bytes", then the listing: interleaved with the ops
 * for the recorded block, plain for any other. */
void native_listing_describe(const struct native_listing *l, const char *name, const struct tb *tb,
                             native_disasm_fn *disasm, void *be, FILE *f);

#endif
