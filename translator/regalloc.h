/* Local register allocator shared by the native backends (translator/README.md
 * "Effects"): the policy lives here, each backend supplies its registers and
 * the encodings of moves between registers, memory and immediates. */
#ifndef JIT86_TRANSLATOR_REGALLOC_H
#define JIT86_TRANSLATOR_REGALLOC_H

#include "ir.h"

#include <stdbool.h>
#include <stdint.h>

#define RA_MAX_REGS 32

/* Where a temp's value is. */
enum ra_val { RA_VAL_DEAD, RA_VAL_REG, RA_VAL_MEM, RA_VAL_CONST };

#define RA_NONE 0xffff

struct ra_temp {
    uint8_t val;   /* enum ra_val */
    uint8_t reg;   /* when RA_VAL_REG */
    bool mem_ok;   /* the env field / spill slot holds the value too */
    bool listed;   /* in ra_state.clist */
    uint16_t next; /* the next temp holding the same value in reg, RA_NONE */
    int16_t slot;  /* spill slot of a local (< IR_MAX_TEMPS), -1 before the first spill */
    uint64_t imm;  /* when RA_VAL_CONST */
};

struct ra_state;

/* What the allocator needs from a backend. Registers are numbered as the
 * host encodes them; all moves are 64-bit, w selects the width of a memory
 * access (an i32 value is kept zero-extended in its register). */
struct ra_target {
    uint32_t regs_alloc;         /* registers values may live in */
    uint32_t regs_caller_saved;  /* of those, the ones a helper call clobbers */
    uint32_t regs_callee_saved;  /* and the ones it preserves */
    const uint8_t *order_caller; /* allocation order in blocks without calls */
    const uint8_t *order_callee; /* in blocks with calls: callee-saved first */
    unsigned norder;
    uint8_t env_reg;     /* holds env, the home of the globals */
    uint8_t frame_reg;   /* base of the locals' spill slots */
    uint8_t tmp_reg;     /* scratch that breaks a cycle of argument moves */
    uint8_t last_resort; /* evicted when every allowed register is locked */
    int32_t slots_off;   /* frame_reg offset of spill slot 0 (8 bytes each) */
    void (*move)(struct ra_state *ra, unsigned dst, unsigned src);
    void (*movi)(struct ra_state *ra, unsigned reg, uint64_t imm);
    void (*load)(struct ra_state *ra, bool w, unsigned reg, unsigned base, int32_t off);
    void (*store)(struct ra_state *ra, bool w, unsigned reg, unsigned base, int32_t off);
    void (*store_imm)(struct ra_state *ra, bool w, uint64_t imm, unsigned base, int32_t off);
};

/* Embedded in a backend's code generator, which finds itself again from the
 * hooks' ra pointer (container_of). */
struct ra_state {
    const struct ra_target *tgt;
    const struct ir_env *env;
    const struct ir_block *b;
    const struct ir_op *op; /* op being emitted */
    struct ra_temp *ts;
    uint16_t *clist; /* temps made constants since the last label (some no longer are) */
    unsigned nclist;
    uint16_t *slot_temp; /* the local of each spill slot */
    unsigned nslots;
    uint16_t *reread; /* per op: bit k, input args[k] is read again later in the block */
    uint64_t *later;  /* per op: bit g, global g (< 64) is read after it in the block */
    uint64_t *seen;   /* ra_prepare's work set, one bit per temp */
    unsigned temps_cap, ops_cap; /* the arrays' sizes, kept from block to block */
    /* The temps held by each host register, -1 when none: a list through
     * ra_temp.next when a mov left one value in several temps. */
    int reg_temp[RA_MAX_REGS];
    uint32_t locked;           /* registers the current op still needs */
    bool prefer_callee_saved;  /* the block calls helpers */
};

static inline bool ra_is64(const struct ra_state *ra, unsigned t)
{
    return ra->b->temp_type[t] == IR_I64;
}
/* Input or output args[arg] of the current op is not used after it. */
static inline bool ra_op_dead(const struct ra_state *ra, unsigned arg)
{
    return (ra->op->life >> arg) & 1;
}

/* Input args[arg] of the current op is read again by a later op of the block
 * before being redefined: worth keeping in a register. In program order, not
 * following branches: a hint, never needed for correctness. */
static inline bool ra_read_again(const struct ra_state *ra, unsigned arg)
{
    return (ra->reread[ra->op - ra->b->ops] >> arg) & 1;
}

/* Sizes the per-temp arrays for b and starts every value in its home.
 * False when out of memory. */
bool ra_prepare(struct ra_state *ra, const struct ir_block *b);
void ra_destroy(struct ra_state *ra);

bool ra_const(const struct ra_state *ra, unsigned t, uint64_t *imm);
/* t in a register from allowed (env: env_reg), locked for the op. */
int ra_in(struct ra_state *ra, unsigned t, uint32_t allowed);
/* As ra_in, but a constant goes into a scratch register that stays not t's. */
int ra_operand(struct ra_state *ra, unsigned t, uint32_t allowed);
/* A free register from allowed, locked for the op; spills when none is. */
int ra_alloc(struct ra_state *ra, uint32_t allowed);
/* The register of input args[arg] when it dies here and is in allowed: it
 * becomes the op's scratch (locked, no longer the temp's). -1 otherwise. */
int ra_steal(struct ra_state *ra, unsigned arg, uint32_t allowed);
/* Input args[arg] into a register of its own when it is in memory and read
 * again later: this op copies it from there, the later ones find it. */
void ra_hold_input(struct ra_state *ra, unsigned arg);
/* Input args[arg] keeps its register after the op: it lives on, or shares
 * the register with another temp (ra_steal refuses it). */
bool ra_input_stays(const struct ra_state *ra, unsigned arg);
/* Frees reg for a fixed use, moving its value away. */
void ra_claim(struct ra_state *ra, unsigned reg);
void ra_bind(struct ra_state *ra, unsigned t, unsigned reg);
/* mov d, s with s in a register: d holds the same register too (no copy);
 * ops that would write the register in place then copy it first. */
void ra_bind_copy(struct ra_state *ra, unsigned d, unsigned s);
void ra_bind_const(struct ra_state *ra, unsigned t, uint64_t imm);
void ra_end_op(struct ra_state *ra);

void ra_load_into(struct ra_state *ra, unsigned reg, unsigned t);
void ra_store_value(struct ra_state *ra, unsigned t);
void ra_sync(struct ra_state *ra, unsigned t);
void ra_sync_globals(struct ra_state *ra);
void ra_forget_global(struct ra_state *ra, unsigned t);
void ra_forget_globals(struct ra_state *ra);
/* Globals whose env copy is current and which no later op of the block
 * reads leave their registers (kept locked for the current op). */
void ra_drop_idle_globals(struct ra_state *ra);
/* Registers holding values still needed after the current op (not the
 * inputs it reads for the last time): what a call inside it must preserve. */
uint32_t ra_live_after(const struct ra_state *ra);
/* Before a call: live values leave the caller-saved registers. */
void ra_free_caller_saved(struct ra_state *ra, bool globals_dropped);
/* Call arguments into the registers dst: src[i] a temp, or < 0 for imm[i]. */
void ra_call_args(struct ra_state *ra, unsigned n, const uint8_t *dst, const int *src,
                  const uint64_t *imm);
void ra_bb_end(struct ra_state *ra);
void ra_label(struct ra_state *ra);
void ra_free_dead_inputs(struct ra_state *ra);
void ra_free_dead_outputs(struct ra_state *ra);

#endif
