/* Shared state of the x86-64 backend's code generator: the two code sections
 * (hot path, then out-of-line slow paths), labels and fixups, and the local
 * register allocator's view of every temp (shared/DESIGN.md "Backends"). */
#ifndef JIT86_TRANSLATOR_X86_64_INTERNAL_H
#define JIT86_TRANSLATOR_X86_64_INTERNAL_H

#include "backend-native.h"
#include "translator.h"
#include "x86_64-emit.h"

#include <stddef.h>

/* Frame of the generated code below the six callee-saved registers pushed by
 * the prologue: a save area for the caller-saved registers around slow-path
 * calls, then one 8-byte spill slot per possible local temp. 8 mod 16 keeps
 * calls 16-byte aligned (System V ABI, x86-64 supplement 3.2.2). */
#define X64_SAVE_AREA  64
#define X64_SLOTS      IR_MAX_TEMPS
#define X64_FRAME_SIZE (X64_SAVE_AREA + 8 * X64_SLOTS + 8)

/* Host registers: env lives in rbp; r11 is the code generator's scratch. */
#define X64_ENV_REG X64_RBP
#define X64_TMP_REG X64_R11
#define X64_REGS_CALLER_SAVED                                                                      \
    (1u << X64_RAX | 1u << X64_RCX | 1u << X64_RDX | 1u << X64_RSI | 1u << X64_RDI |               \
     1u << X64_R8 | 1u << X64_R9 | 1u << X64_R10)
#define X64_REGS_CALLEE_SAVED                                                                      \
    (1u << X64_RBX | 1u << X64_R12 | 1u << X64_R13 | 1u << X64_R14 | 1u << X64_R15)
#define X64_REGS_ALLOC (X64_REGS_CALLER_SAVED | X64_REGS_CALLEE_SAVED)

/* Exits leave the value in rax, the block | NATIVE_EXIT_* tag in rdx. */
enum { X64_SEC_MAIN, X64_SEC_COLD };

/* A rel32 field to resolve once the sections are placed: to a label, or to an
 * absolute host address (the epilogue) when label is UINT32_MAX. */
struct x64_fixup {
    uint8_t sec;
    uint32_t off;
    uint32_t label;
    uintptr_t abs;
};

struct x64_gen {
    struct ra_state ra; /* values of the temps; also the block, env and op */
    uintptr_t tb;       /* the block's struct tb, embedded in its exits */
    uintptr_t epilogue; /* executable address of the shared epilogue */
    unsigned sec;       /* section being written */
    struct x64_buf buf[2];
    struct x64_fixup *fix;
    unsigned nfix, fix_cap;
    struct native_block nb;   /* per op: code offsets (bytes), restore sites */
    const struct ir_tlb *tlb; /* NULL: guest memory always through callbacks */
};

static inline struct x64_buf *x64_cur(struct x64_gen *g)
{
    return &g->buf[g->sec];
}
static inline struct x64_gen *x64_gen_of(struct ra_state *ra)
{
    return (struct x64_gen *)(void *)((char *)ra - offsetof(struct x64_gen, ra));
}
static inline bool x64_is64(const struct x64_gen *g, unsigned t)
{
    return ra_is64(&g->ra, t);
}
static inline bool x64_op_dead(const struct x64_gen *g, unsigned arg)
{
    return ra_op_dead(&g->ra, arg);
}

/* x86_64-regalloc.c: registers and moves for the shared allocator. */
extern const struct ra_target x64_ra_target;

/* x86_64-ops.c: code for each op. */
bool x64_gen_op(struct x64_gen *g, const struct ir_op *op);
void x64_gen_exit(struct x64_gen *g, unsigned tag, bool value_from_temp, uint64_t value);

/* backend-x86_64.c: labels and fixups. */
unsigned x64_new_label(struct x64_gen *g);
void x64_bind_label(struct x64_gen *g, unsigned label);
void x64_jump(struct x64_gen *g, int cc, unsigned label);
void x64_jump_abs(struct x64_gen *g, uintptr_t target);
void x64_call_abs(struct x64_gen *g, const void *fn);

#endif
