/* The translator's IR: typed temporaries, globals backed by env fields, the op
 * list of one block and the builder API the lifter writes it with
 * (shared/DESIGN.md "Translator contract"; op set in ir-ops.def). */
#ifndef JIT86_TRANSLATOR_IR_H
#define JIT86_TRANSLATOR_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum ir_type { IR_I32, IR_I64 };
/* A host pointer as an IR value. */
#define IR_PTR (UINTPTR_MAX > UINT32_MAX ? IR_I64 : IR_I32)

/* Op flags, read by the optimizer and the backends. */
enum {
    IR_OPF_PURE = 1u << 0,      /* result depends only on the inputs; no effect */
    IR_OPF_SIDE = 1u << 1,      /* has an effect besides writing its outputs */
    IR_OPF_RAISE = 1u << 2,     /* may raise a guest exception: state must be precise */
    IR_OPF_LABEL = 1u << 3,     /* a branch target */
    IR_OPF_BRANCH = 1u << 4,    /* jumps to a label */
    IR_OPF_END = 1u << 5,       /* the next op is reached only through a label */
    IR_OPF_EXIT = 1u << 6,      /* leaves the block: every global must be in env */
    IR_OPF_CALL = 1u << 7,      /* helper call: effects given by the helper's flags */
    IR_OPF_ENV_READ = 1u << 8,  /* reads an env field that may back a global */
    IR_OPF_ENV_WRITE = 1u << 9, /* writes an env field that may back a global */
    IR_OPF_WIDEN = 1u << 10,    /* input i32, output i64 */
    IR_OPF_NARROW = 1u << 11,   /* input i64, output i32 */
};

/* How a constant argument is printed and what it means. */
enum ir_const_kind {
    IR_K_NONE,
    IR_K_IMM,
    IR_K_COND,
    IR_K_LABEL,
    IR_K_OFFSET,
    IR_K_MEMOP,
    IR_K_GMEMOP,
    IR_K_HELPER,
    IR_K_SLOT,
};

enum ir_opcode {
#define IR_OP(name, o, i, c, f, k0, k1) IR_OP_##name,
#include "ir-ops.def"
#undef IR_OP
    IR_OP_COUNT
};

struct ir_opdef {
    const char *name;
    uint8_t nout, nin, nconst;
    uint16_t flags;
    uint8_t kind[2];
};
extern const struct ir_opdef ir_opdefs[IR_OP_COUNT];

/* Comparisons for setcond/brcond/movcond. */
#define IR_CONDS(X)                                                                                \
    X(NEVER, "never")                                                                              \
    X(ALWAYS, "always")                                                                            \
    X(EQ, "eq") X(NE, "ne") X(LT, "lt") X(GE, "ge") X(LE, "le") X(GT, "gt") X(LTU, "ltu")          \
        X(GEU, "geu") X(LEU, "leu") X(GTU, "gtu") X(TSTEQ, "tsteq") X(TSTNE, "tstne")
enum ir_cond {
#define X(id, name) IR_COND_##id,
    IR_CONDS(X)
#undef X
        IR_COND_COUNT
};

/* Memory access description: log2 of the size, sign, and (guest accesses) MMU index. */
enum {
    IR_MO_8 = 0,
    IR_MO_16 = 1,
    IR_MO_32 = 2,
    IR_MO_64 = 3,
    IR_MO_SIZE = 3,
    IR_MO_SIGN = 4,
    IR_MO_MMU_SHIFT = 8,
};
#define IR_MEMOP(size, sign, mmu)                                                                  \
    ((size) | ((sign) ? IR_MO_SIGN : 0) | ((unsigned)(mmu) << IR_MO_MMU_SHIFT))
static inline unsigned ir_memop_size(unsigned mo)
{
    return mo & IR_MO_SIZE;
}
static inline bool ir_memop_signed(unsigned mo)
{
    return (mo & IR_MO_SIGN) != 0;
}
static inline unsigned ir_memop_mmu(unsigned mo)
{
    return mo >> IR_MO_MMU_SHIFT;
}

/* ---- What the caller tells the translator about its state and helpers ---- */

/* A global: an env field the IR reads and writes as a temp. */
struct ir_global {
    const char *name;
    uint32_t offset;
    enum ir_type type;
};

/* Helper argument and return types. */
enum ir_htype { IR_HT_VOID, IR_HT_I32, IR_HT_I64, IR_HT_PTR };

/* Helper flags. By default a helper has side effects, reads and writes
 * globals and does not raise. */
enum {
    IR_CALL_NO_SIDE_EFFECTS = 1u << 0,  /* may be removed when its result is unused */
    IR_CALL_PURE = 1u << 1,             /* result depends only on the args: no side
                                           effects, reads and writes no globals */
    IR_CALL_MAY_RAISE = 1u << 2,        /* may raise a guest exception (restore record) */
    IR_CALL_NO_READ_GLOBALS = 1u << 3,  /* globals need not be in env before the call */
    IR_CALL_NO_WRITE_GLOBALS = 1u << 4, /* globals are unchanged by the call */
};
#define IR_HELPER_MAX_ARGS 6

struct ir_helper {
    const char *name;
    void (*fn)(void);
    enum ir_htype ret;
    uint8_t nargs;
    enum ir_htype args[IR_HELPER_MAX_ARGS];
    uint32_t flags;
};

/* Guest memory: the CPU wires these to the softmmu. Values are zero-extended
 * to 64 bits; the translator applies the memop's sign. */
struct ir_mem_ops {
    uint64_t (*load)(void *opaque, void *env, uint64_t addr, unsigned memop);
    void (*store)(void *opaque, void *env, uint64_t addr, uint64_t val, unsigned memop);
    void *opaque;
};

/* Optional: a software TLB inside env laid out like softmmu/tlb.h's, so that
 * native backends inline the guest memory fast path (a hit calls neither
 * mem.load nor mem.store). Plain numbers keep the translator guest-neutral.
 * For an access of size bytes at va: entry = env + offset + mmu * table_stride
 * + ((va >> page_bits) & (2^index_bits - 1)) << entry_bits; a hit when
 * ((va + size - 1) & ~(2^page_bits - 1)) equals the 64-bit tag at entry +
 * read_tag (loads) or write_tag (stores); then the host address is va plus the
 * 64-bit addend at entry + addend. Anything else calls mem.load/mem.store. */
struct ir_tlb {
    uint32_t offset;             /* env offset of MMU index 0's table */
    uint32_t table_stride;       /* bytes from one MMU index's table to the next */
    uint8_t nmmu;                /* MMU indexes with a table; others use the callbacks */
    uint8_t index_bits;          /* log2 of the entries per table; 0: no TLB */
    uint8_t entry_bits;          /* log2 of the entry size */
    uint8_t page_bits;           /* log2 of the page size */
    uint8_t read_tag, write_tag; /* byte offsets of the tags in an entry */
    uint8_t addend;              /* byte offset of the addend in an entry */
};

/* Everything the IR knows about env. The arrays are the caller's and must
 * outlive the translator. */
struct ir_env {
    const struct ir_global *globals;
    unsigned nglobals;
    const struct ir_helper *helpers;
    unsigned nhelpers;
    struct ir_mem_ops mem;
    struct ir_tlb tlb; /* zero: no inline fast path */
    /* Optional: called at goto_ptr with env (globals in env); returns the
     * host code to continue with (tc_ptr of the block the caller's jump cache
     * has for the new state) or NULL to return TB_EXIT_LOOKUP as without it.
     * Must not raise. Every backend, the interpreter included, follows it. */
    const void *(*lookup_code)(void *env);
};

/* ---- Blocks ---- */

/* A temporary. Indices 0..nglobals-1 are the globals, then env (the state
 * pointer), then the block's locals. */
typedef struct {
    uint16_t idx;
} ir_tmp;
typedef struct {
    uint16_t id;
} ir_label;

#define IR_MAX_TEMPS     4096
#define IR_MAX_TEMP_ARGS (1 + IR_HELPER_MAX_ARGS)

struct ir_op {
    uint8_t opc, type, nout, nin;
    uint16_t args[IR_MAX_TEMP_ARGS]; /* outputs then inputs */
    /* Bit k: the temp in args[k] is dead after this op (an input's last use,
     * or an output never read). Set by liveness (opt_dce / opt_liveness, run
     * by translator_commit) for backends' register allocation; 0 = unknown. */
    uint16_t life;
    uint64_t cargs[2];
};

struct ir_block {
    const struct ir_env *env;
    struct ir_op *ops;
    unsigned nops, ops_cap;
    uint8_t *temp_type; /* type of every temp, globals and env included */
    unsigned ntemps;
    unsigned nlabels;
    bool overflow; /* too many temps or labels: the block must be refused */
    /* Copy propagation would change nothing: set by opt_copyprop, cleared by
     * every op appended and by a pass that makes a new mov (opt_rw_mov). */
    bool copies_done;
    /* The optimizer's work space, kept from block to block so that passes do
     * not allocate per block: the op array a pass replaced (opt_rw_*) and
     * one scratch area (ir_block_scratch). Never copied. */
    struct ir_op *spare_ops;
    unsigned spare_cap;
    void *scratch;
    size_t scratch_size;
};

void ir_block_init(struct ir_block *b, const struct ir_env *env);
void ir_block_reset(struct ir_block *b);
void ir_block_destroy(struct ir_block *b);
void ir_block_copy(struct ir_block *dst, const struct ir_block *src);
/* size zeroed bytes of work space, valid until the next call on b. */
void *ir_block_scratch(struct ir_block *b, size_t size);
/* The same with only the first zeroed bytes zeroed (the rest is written
 * before it is read: no per-block memset of what a pass does not need). */
void *ir_block_scratch_part(struct ir_block *b, size_t size, size_t zeroed);

static inline unsigned ir_env_temp(const struct ir_block *b)
{
    return b->env->nglobals;
}
static inline bool ir_temp_is_global(const struct ir_block *b, unsigned t)
{
    return t < b->env->nglobals;
}
static inline bool ir_temp_is_local(const struct ir_block *b, unsigned t)
{
    return t > b->env->nglobals;
}
static inline enum ir_type ir_temp_type(const struct ir_block *b, ir_tmp t)
{
    return b->temp_type[t.idx];
}

/* Number of temps, inputs and outputs of an op as stored. */
static inline unsigned ir_op_ntemps(const struct ir_op *op)
{
    return op->nout + op->nin;
}
static inline unsigned ir_op_flags(const struct ir_op *op)
{
    return ir_opdefs[op->opc].flags;
}
static inline uint16_t ir_op_in(const struct ir_op *op, unsigned i)
{
    return op->args[op->nout + i];
}

/* Appends a raw op; the builder functions below are the normal way in. */
struct ir_op *ir_emit(struct ir_block *b, enum ir_opcode opc, enum ir_type type);

/* Effects of one op, taking a call's helper flags into account. Inline: the
 * optimizer passes and the backends ask them for every op. */
static inline uint32_t ir_op_helper_flags(const struct ir_block *b, const struct ir_op *op)
{
    return b->env->helpers[op->cargs[0]].flags;
}
static inline bool ir_op_reads_globals(const struct ir_block *b, const struct ir_op *op)
{
    unsigned f = ir_op_flags(op);
    if (f & (IR_OPF_EXIT | IR_OPF_RAISE))
        return true;
    if (!(f & IR_OPF_CALL))
        return false;
    uint32_t hf = ir_op_helper_flags(b, op);
    return (hf & IR_CALL_MAY_RAISE) || !(hf & (IR_CALL_NO_READ_GLOBALS | IR_CALL_PURE));
}
static inline bool ir_op_writes_globals(const struct ir_block *b, const struct ir_op *op)
{
    if (!(ir_op_flags(op) & IR_OPF_CALL))
        return false;
    return !(ir_op_helper_flags(b, op) & (IR_CALL_NO_WRITE_GLOBALS | IR_CALL_PURE));
}
static inline bool ir_op_has_side_effects(const struct ir_block *b, const struct ir_op *op)
{
    unsigned f = ir_op_flags(op);
    if (f & IR_OPF_CALL) {
        uint32_t hf = ir_op_helper_flags(b, op);
        return (hf & IR_CALL_MAY_RAISE) || !(hf & (IR_CALL_NO_SIDE_EFFECTS | IR_CALL_PURE));
    }
    return (f & (IR_OPF_SIDE | IR_OPF_RAISE | IR_OPF_LABEL | IR_OPF_BRANCH | IR_OPF_EXIT)) != 0;
}
static inline bool ir_op_may_raise(const struct ir_block *b, const struct ir_op *op)
{
    unsigned f = ir_op_flags(op);
    if (f & IR_OPF_CALL)
        return (ir_op_helper_flags(b, op) & IR_CALL_MAY_RAISE) != 0;
    return (f & IR_OPF_RAISE) != 0;
}
/* Whether env bytes [offset, offset+size) overlap global g (inline: the
 * optimizer asks it for every global at every env ld/st). */
static inline bool ir_global_overlaps(const struct ir_env *env, unsigned g, uint64_t offset,
                                      unsigned size)
{
    uint64_t start = env->globals[g].offset;
    uint64_t end = start + (env->globals[g].type == IR_I64 ? 8 : 4);
    return offset < end && start < offset + size;
}

/* ---- Builder: temps and labels ---- */
ir_tmp ir_global(const struct ir_block *b, unsigned index);
ir_tmp ir_env_ptr(const struct ir_block *b);
ir_tmp ir_new_i32(struct ir_block *b);
ir_tmp ir_new_i64(struct ir_block *b);
ir_tmp ir_new_temp(struct ir_block *b, enum ir_type type);
ir_tmp ir_const_i32(struct ir_block *b, uint32_t v);
ir_tmp ir_const_i64(struct ir_block *b, uint64_t v);
ir_label ir_new_label(struct ir_block *b);

/* ---- Builder: ops. The type is the destination's (or the source's for stores). ---- */
void ir_mov(struct ir_block *b, ir_tmp d, ir_tmp s);
void ir_movi(struct ir_block *b, ir_tmp d, uint64_t imm);
void ir_add(struct ir_block *b, ir_tmp d, ir_tmp x, ir_tmp y);
void ir_sub(struct ir_block *b, ir_tmp d, ir_tmp x, ir_tmp y);
void ir_mul(struct ir_block *b, ir_tmp d, ir_tmp x, ir_tmp y);
void ir_and(struct ir_block *b, ir_tmp d, ir_tmp x, ir_tmp y);
void ir_or(struct ir_block *b, ir_tmp d, ir_tmp x, ir_tmp y);
void ir_xor(struct ir_block *b, ir_tmp d, ir_tmp x, ir_tmp y);
void ir_shl(struct ir_block *b, ir_tmp d, ir_tmp x, ir_tmp y);
void ir_shr(struct ir_block *b, ir_tmp d, ir_tmp x, ir_tmp y);
void ir_sar(struct ir_block *b, ir_tmp d, ir_tmp x, ir_tmp y);
void ir_rotl(struct ir_block *b, ir_tmp d, ir_tmp x, ir_tmp y);
void ir_rotr(struct ir_block *b, ir_tmp d, ir_tmp x, ir_tmp y);
void ir_not(struct ir_block *b, ir_tmp d, ir_tmp s);
void ir_neg(struct ir_block *b, ir_tmp d, ir_tmp s);
void ir_bswap(struct ir_block *b, ir_tmp d, ir_tmp s);
/* Same as above with an immediate second operand (a movi into a fresh temp). */
void ir_addi(struct ir_block *b, ir_tmp d, ir_tmp x, uint64_t imm);
void ir_subi(struct ir_block *b, ir_tmp d, ir_tmp x, uint64_t imm);
void ir_andi(struct ir_block *b, ir_tmp d, ir_tmp x, uint64_t imm);
void ir_ori(struct ir_block *b, ir_tmp d, ir_tmp x, uint64_t imm);
void ir_xori(struct ir_block *b, ir_tmp d, ir_tmp x, uint64_t imm);
void ir_shli(struct ir_block *b, ir_tmp d, ir_tmp x, uint64_t imm);
void ir_shri(struct ir_block *b, ir_tmp d, ir_tmp x, uint64_t imm);
void ir_sari(struct ir_block *b, ir_tmp d, ir_tmp x, uint64_t imm);
void ir_muli(struct ir_block *b, ir_tmp d, ir_tmp x, uint64_t imm);
void ir_mulu2(struct ir_block *b, ir_tmp lo, ir_tmp hi, ir_tmp x, ir_tmp y);
void ir_muls2(struct ir_block *b, ir_tmp lo, ir_tmp hi, ir_tmp x, ir_tmp y);
void ir_ext8s(struct ir_block *b, ir_tmp d, ir_tmp s);
void ir_ext8u(struct ir_block *b, ir_tmp d, ir_tmp s);
void ir_ext16s(struct ir_block *b, ir_tmp d, ir_tmp s);
void ir_ext16u(struct ir_block *b, ir_tmp d, ir_tmp s);
void ir_ext32s(struct ir_block *b, ir_tmp d, ir_tmp s);
void ir_ext32u(struct ir_block *b, ir_tmp d, ir_tmp s);
void ir_extu_i32_i64(struct ir_block *b, ir_tmp d64, ir_tmp s32);
void ir_exts_i32_i64(struct ir_block *b, ir_tmp d64, ir_tmp s32);
void ir_extrl_i64_i32(struct ir_block *b, ir_tmp d32, ir_tmp s64);
void ir_extrh_i64_i32(struct ir_block *b, ir_tmp d32, ir_tmp s64);
void ir_deposit(struct ir_block *b, ir_tmp d, ir_tmp base, ir_tmp val, unsigned pos, unsigned len);
void ir_extract(struct ir_block *b, ir_tmp d, ir_tmp s, unsigned pos, unsigned len);
void ir_sextract(struct ir_block *b, ir_tmp d, ir_tmp s, unsigned pos, unsigned len);
void ir_setcond(struct ir_block *b, enum ir_cond c, ir_tmp d, ir_tmp x, ir_tmp y);
void ir_movcond(struct ir_block *b, enum ir_cond c, ir_tmp d, ir_tmp x, ir_tmp y, ir_tmp vtrue,
                ir_tmp vfalse);
void ir_set_label(struct ir_block *b, ir_label l);
void ir_br(struct ir_block *b, ir_label l);
void ir_brcond(struct ir_block *b, enum ir_cond c, ir_tmp x, ir_tmp y, ir_label l);
void ir_brcondi(struct ir_block *b, enum ir_cond c, ir_tmp x, uint64_t imm, ir_label l);
/* env fields: memop gives the access size and sign (IR_MEMOP(size, sign, 0)). */
void ir_ld(struct ir_block *b, ir_tmp d, uint32_t offset, unsigned memop);
void ir_st(struct ir_block *b, ir_tmp s, uint32_t offset, unsigned memop);
void ir_guest_ld(struct ir_block *b, ir_tmp d, ir_tmp addr, unsigned memop);
void ir_guest_st(struct ir_block *b, ir_tmp val, ir_tmp addr, unsigned memop);
/* Calls helper id of the env's table. ret is ignored for a void helper. */
void ir_call(struct ir_block *b, unsigned helper, ir_tmp ret, unsigned nargs, const ir_tmp *args);
void ir_insn_start(struct ir_block *b, uint64_t data0, uint64_t data1);
/* goto_tb n: jump to the block chained in slot n, or return to the caller
 * reporting slot n. goto_ptr: return to the caller asking it to look up the
 * next block (p is the backend's lookup result, unused by the interpreter).
 * exit_tb: return code to the caller. */
void ir_goto_tb(struct ir_block *b, unsigned slot);
void ir_goto_ptr(struct ir_block *b, ir_tmp p);
void ir_exit_tb(struct ir_block *b, uint64_t code);

/* ---- Printing: one op per line, stable text (-d op, -d op_opt) ---- */
void ir_print_op(const struct ir_block *b, const struct ir_op *op, FILE *f);
void ir_print(const struct ir_block *b, FILE *f);
/* The printed block as a malloc'd string (tests, logs). */
char *ir_print_str(const struct ir_block *b);
const char *ir_cond_name(enum ir_cond c);

/* Checks temps, types, helpers and labels; false with "op N: what" in err. */
bool ir_validate(const struct ir_block *b, char *err, size_t errlen);

/* Parses printer text (one op per line, as ir_print writes it) and appends
 * the ops to b. On error returns false with "line N: what" in err. */
bool ir_parse(struct ir_block *b, const char *text, char *err, size_t errlen);

#endif
