/* The interpreter backend's block code: a block's IR translated once into
 * fixed-size pre-decoded instructions (interp-compile.c writes them,
 * interp-run.c runs them, interp.c prints them for -d out_asm). */
#ifndef JIT86_TRANSLATOR_INTERP_CODE_H
#define JIT86_TRANSLATOR_INTERP_CODE_H

#include "helper-ffi.h"
#include "ir.h"
#include "translator.h"

/* GNU C's labels as values give direct threading (each instruction holds its
 * handler's address); any other compiler gets a switch on a handler index. */
#if defined(__GNUC__) && !defined(JIT86_INTERP_SWITCH)
#define INTERP_THREADED 1
#else
#define INTERP_THREADED 0
#endif

/* An operand word: where a value lives and how wide it is,
 * (byte offset << INTERP_OPND_SHIFT) | INTERP_OPND_64 | INTERP_OPND_ENV.
 * Locals (and the env pointer) live in the run's frame at 8 * temp index
 * (the low half of that for an i32 on a big-endian host); globals and ld/st
 * fields live in env at their offsets. */
enum {
    INTERP_OPND_ENV = 1u,
    INTERP_OPND_64 = 2u,
    INTERP_OPND_SHIFT = 2,
};

/* The operand word of local t (or env's temp) in the frame. */
static inline uint32_t interp_frame_opnd(unsigned t, bool is64)
{
    uint32_t off = 8 * t;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    off += is64 ? 0 : 4;
#endif
    return off << INTERP_OPND_SHIFT | (is64 ? INTERP_OPND_64 : 0);
}

/* Binary ops, each with four handlers: i32 and i64, second input a temp (rr)
 * or a constant (ri). */
// clang-format off
#define INTERP_BINOPS(X)                                                                           \
    X(add) X(sub) X(mul) X(and) X(or) X(xor) X(shl) X(shr) X(sar) X(rotl) X(rotr)
/* One-input ops, each with an i32 and an i64 handler. */
#define INTERP_UNOPS(X)                                                                            \
    X(mov) X(not) X(neg) X(bswap) X(ext8s) X(ext8u) X(ext16s) X(ext16u) X(ext32s) X(ext32u)
/* Ops with one handler each (the i64 one of a pair right after the i32 one). */
#define INTERP_SINGLE(X)                                                                           \
    X(movi_i32) X(movi_i64) X(extu_i32_i64) X(exts_i32_i64) X(extrl_i64_i32) X(extrh_i64_i32)     \
    X(mulu2_i32) X(mulu2_i64) X(muls2_i32) X(muls2_i64) X(deposit_i32) X(deposit_i64)             \
    X(extract_i32) X(extract_i64) X(sextract_i32) X(sextract_i64) X(movcond_i32) X(movcond_i64)   \
    X(br) X(ld) X(st) X(guest_ld) X(guest_st) X(guest_ld_tlb) X(guest_st_tlb) X(call) X(goto_tb)  \
    X(goto_ptr) X(exit_tb) X(pure) X(movi2_i32) X(movi3_i32) X(mov2_i32) X(setcond_and_eq_i32)    \
    X(setcond_and_ne_i32) X(brcond_and_eq_i32) X(brcond_and_ne_i32) X(mov3_i32) X(mov_movi_i32)  \
    X(mov_movi2_i32)
// clang-format on

/* Handler indexes. setcond and brcond have the four forms of a binary op
 * for each condition of IR_CONDS. */
enum interp_handler {
#define INTERP_H_BIN(op)                                                                           \
    INTERP_H_##op##_32rr, INTERP_H_##op##_32ri, INTERP_H_##op##_64rr, INTERP_H_##op##_64ri,
#define INTERP_H_UN(op) INTERP_H_##op##_32, INTERP_H_##op##_64,
#define INTERP_H_COND(c, name)                                                                     \
    INTERP_H_setcond_##c##_32rr, INTERP_H_setcond_##c##_32ri, INTERP_H_setcond_##c##_64rr,         \
        INTERP_H_setcond_##c##_64ri, INTERP_H_brcond_##c##_32rr, INTERP_H_brcond_##c##_32ri,       \
        INTERP_H_brcond_##c##_64rr, INTERP_H_brcond_##c##_64ri,
#define INTERP_H_ONE(name) INTERP_H_##name,
    INTERP_BINOPS(INTERP_H_BIN) INTERP_UNOPS(INTERP_H_UN) IR_CONDS(INTERP_H_COND)
        INTERP_SINGLE(INTERP_H_ONE)
#undef INTERP_H_BIN
#undef INTERP_H_UN
#undef INTERP_H_COND
#undef INTERP_H_ONE
            INTERP_H_COUNT
};

/* The forms are bit fields of the handler index (describe relies on it). */
_Static_assert(INTERP_H_setcond_NEVER_32rr % 8 == 0, "condition handlers 8-aligned");

/* Offsets between the four forms of a binary op's handlers. */
enum { INTERP_FORM_IMM = 1, INTERP_FORM_64 = 2 };
/* From a condition's setcond handlers to its brcond ones. */
enum { INTERP_FORM_BRCOND = 4 };

/* One instruction. d is the output, a and b the inputs (operand words), x
 * and imm what the handler says: a constant input, a branch distance in
 * instructions, a memop, a slot, a field position. A call is followed by a
 * second instruction holding its six argument words in d, a, b, x and imm. */
struct interp_insn {
    union {
        const void *label; /* threaded dispatch */
        uintptr_t index;   /* switch dispatch */
    } h;
    uint32_t d, a, b, x;
    uint64_t imm;
};

/* Instruction slots after a generic pure op holding the op itself. */
#define INTERP_OP_SLOTS                                                                            \
    ((sizeof(struct ir_op) + sizeof(struct interp_insn) - 1) / sizeof(struct interp_insn))

/* A block's code, at its tc_ptr. */
struct interp_code {
    struct tb *tb; /* the block (chaining, tb_exit.last) */
    uint32_t ninsn;
    uint32_t nops; /* IR ops it came from */
    struct interp_insn insn[];
};

/* The last block emitted, for describe (-d out_asm, jit86-translate): its
 * IR with branch targets as op indexes, and each op's first instruction. */
struct interp_listing {
    const struct tb *tb;
    struct ir_op *ops;
    uint32_t *first; /* nops + 1 entries */
    unsigned nops, cap;
};

/* The backend's state (interp.c). */
struct interp {
    const struct ir_env *env;
    struct helper_ffi *ffi;
    const void *const *labels; /* threaded dispatch: handler addresses by index */
    struct interp_listing last;
};

/* interp-compile.c: writes b's code at rw (executable view rx) within room
 * bytes and each op's call site (restore records); false when it does not
 * fit or the code is too large. */
bool interp_compile(const struct interp *in, const struct ir_block *b, struct tb_emit *e);

/* interp-run.c: runs tb and the blocks chained from it until one exits. */
struct tb_exit interp_run(const struct interp *in, struct translator *t, struct tb *tb, void *env);
/* The handler addresses by index (threaded dispatch), else NULL. */
const void *const *interp_run_labels(void);

/* interp.c: a handler's name (-d out_asm). */
const char *interp_handler_name(unsigned h);

#endif
