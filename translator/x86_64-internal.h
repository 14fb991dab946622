/* Shared state of the x86-64 backend's code generator: the two code sections
 * (hot path, then out-of-line slow paths), labels and fixups, and the local
 * register allocator's view of every temp (shared/DESIGN.md "Backends"). */
#ifndef JIT86_TRANSLATOR_X86_64_INTERNAL_H
#define JIT86_TRANSLATOR_X86_64_INTERNAL_H

#include "translator.h"
#include "x86_64-emit.h"

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

/* Exit protocol of the generated code: rax = value, rdx = block | tag. */
enum {
    X64_EXIT_RETURN = 0,
    X64_EXIT_GOTO_TB = 1,
    X64_EXIT_LOOKUP = 2,
    X64_EXIT_SLOT1 = 4,
    X64_EXIT_TAG_MASK = 7,
};

/* Where a temp's value is. */
enum x64_val { X64_VAL_DEAD, X64_VAL_REG, X64_VAL_MEM, X64_VAL_CONST };

struct x64_temp {
    uint8_t val;  /* enum x64_val */
    uint8_t reg;  /* when X64_VAL_REG */
    bool mem_ok;  /* the env field / spill slot holds the value too */
    bool listed;  /* in x64_gen.clist */
    int32_t slot; /* spill slot of a local, -1 before the first spill */
    uint64_t imm; /* when X64_VAL_CONST */
};

enum { X64_SEC_MAIN, X64_SEC_COLD };

struct x64_label {
    int8_t sec; /* -1 while unbound */
    uint32_t off;
};

/* A rel32 field to resolve once the sections are placed: to a label, or to an
 * absolute host address (the epilogue) when label is UINT32_MAX. */
struct x64_fixup {
    uint8_t sec;
    uint32_t off;
    uint32_t label;
    uintptr_t abs;
};

struct x64_gen {
    const struct ir_block *b;
    const struct ir_env *env;
    uintptr_t tb;       /* the block's struct tb, embedded in its exits */
    uintptr_t epilogue; /* executable address of the shared epilogue */
    unsigned sec;       /* section being written */
    struct x64_buf buf[2];
    struct x64_label *labels;
    unsigned nlabels, labels_cap;
    struct x64_fixup *fix;
    unsigned nfix, fix_cap;
    struct x64_temp *ts;
    uint16_t *clist; /* temps made constants since the last label (some no longer are) */
    unsigned nclist;
    uint16_t *slot_temp; /* the local of each spill slot */
    int reg_temp[16];    /* temp held by each host register, -1 when none */
    uint32_t locked;     /* registers the current op still needs */
    unsigned nslots;
    bool prefer_callee_saved; /* the block calls helpers */
    const struct ir_op *op;   /* op being emitted */
    bool reachable;           /* false after an exit or br, until a label */
    uint32_t *op_off;         /* per op: hot-section offset of its code (-d out_asm) */
    int8_t *site_sec;         /* per op: section of its restore site, -1 none */
    uint32_t *site_off;
    uint32_t jmp_off[2];
    const struct ir_tlb *tlb; /* NULL: guest memory always through callbacks */
};

static inline struct x64_buf *x64_cur(struct x64_gen *g)
{
    return &g->buf[g->sec];
}
static inline bool x64_is64(const struct x64_gen *g, unsigned t)
{
    return g->b->temp_type[t] == IR_I64;
}
static inline bool x64_op_dead(const struct x64_gen *g, unsigned arg)
{
    return (g->op->life >> arg) & 1;
}

/* x86_64-regalloc.c: the local register allocator. */
void x64_ra_init(struct x64_gen *g);
bool x64_ra_const(const struct x64_gen *g, unsigned t, uint64_t *imm);
int x64_ra_in(struct x64_gen *g, unsigned t, uint32_t allowed);
int x64_ra_operand(struct x64_gen *g, unsigned t, uint32_t allowed);
int x64_ra_alloc(struct x64_gen *g, uint32_t allowed);
int x64_ra_steal(struct x64_gen *g, unsigned t, unsigned arg, uint32_t allowed);
void x64_ra_claim(struct x64_gen *g, unsigned reg);
void x64_ra_bind(struct x64_gen *g, unsigned t, unsigned reg);
void x64_ra_bind_const(struct x64_gen *g, unsigned t, uint64_t imm);
void x64_ra_end_op(struct x64_gen *g);
void x64_ra_load_into(struct x64_gen *g, unsigned reg, unsigned t);
void x64_ra_store_value(struct x64_gen *g, unsigned t);
void x64_ra_sync(struct x64_gen *g, unsigned t);
void x64_ra_sync_globals(struct x64_gen *g);
void x64_ra_forget_global(struct x64_gen *g, unsigned t);
void x64_ra_forget_globals(struct x64_gen *g);
void x64_ra_free_caller_saved(struct x64_gen *g, bool globals_dropped);
void x64_ra_call_args(struct x64_gen *g, unsigned n, const uint8_t *dst, const int *src,
                      const uint64_t *imm);
void x64_ra_bb_end(struct x64_gen *g);
void x64_ra_label(struct x64_gen *g);
void x64_ra_free_dead_inputs(struct x64_gen *g);
void x64_ra_free_dead_outputs(struct x64_gen *g);

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
