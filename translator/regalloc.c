/* Local register allocator of the native backends (translator/README.md
 * "Effects"): temps and globals stay in host registers within a block,
 * constants stay immediates until an op needs them in a register, values
 * spill to env (globals) or the frame (locals) under pressure, globals are
 * written back before exits, raising ops and helpers that read them, and at
 * a label every live value is in memory. Encodings come from ra->tgt. */
#include "regalloc.h"

#include <stdlib.h>
#include <string.h>

static bool is_env(const struct ra_state *ra, unsigned t)
{
    return t == ra->env->nglobals;
}
static bool is_global(const struct ra_state *ra, unsigned t)
{
    return t < ra->env->nglobals;
}

/* Backward over the ops: an input is read again when a later op reads the
 * temp before one redefines it. */
static void find_rereads(struct ra_state *ra)
{
    const struct ir_block *b = ra->b;
    uint64_t *seen = ra->seen;
    memset(seen, 0, (b->ntemps + 63) / 64 * sizeof(uint64_t));
    for (unsigned i = b->nops; i-- > 0;) {
        const struct ir_op *op = &b->ops[i];
        unsigned n = ir_op_ntemps(op);
        uint16_t bits = 0;
        for (unsigned k = 0; k < op->nout; k++)
            seen[op->args[k] / 64] &= ~(1ull << (op->args[k] % 64));
        ra->later[i] = seen[0];
        for (unsigned k = op->nout; k < n; k++) {
            unsigned t = op->args[k];
            bits |= (uint16_t)((seen[t / 64] >> (t % 64) & 1) << k);
            seen[t / 64] |= 1ull << (t % 64);
        }
        ra->reread[i] = bits;
    }
}

/* The per-temp and per-op arrays, grown (never shrunk) to b's sizes. */
static bool size_arrays(struct ra_state *ra, const struct ir_block *b)
{
    if (b->ntemps >= ra->temps_cap) {
        size_t nt = b->ntemps + 64;
        void *ts = realloc(ra->ts, nt * sizeof(*ra->ts));
        void *cl = ts ? realloc(ra->clist, nt * sizeof(*ra->clist)) : NULL;
        void *st = cl ? realloc(ra->slot_temp, nt * sizeof(*ra->slot_temp)) : NULL;
        void *sn = st ? realloc(ra->seen, (nt + 63) / 64 * sizeof(*ra->seen)) : NULL;
        ra->ts = ts ? ts : ra->ts;
        ra->clist = cl ? cl : ra->clist;
        ra->slot_temp = st ? st : ra->slot_temp;
        ra->seen = sn ? sn : ra->seen;
        if (!sn)
            return false;
        ra->temps_cap = (unsigned)nt;
    }
    if (b->nops >= ra->ops_cap) {
        size_t no = b->nops + 64;
        void *rr = realloc(ra->reread, no * sizeof(*ra->reread));
        void *lt = rr ? realloc(ra->later, no * sizeof(*ra->later)) : NULL;
        ra->reread = rr ? rr : ra->reread;
        ra->later = lt ? lt : ra->later;
        if (!lt)
            return false;
        ra->ops_cap = (unsigned)no;
    }
    return true;
}

bool ra_prepare(struct ra_state *ra, const struct ir_block *b)
{
    ra->b = b;
    if (!size_arrays(ra, b))
        return false;
    find_rereads(ra);
    for (unsigned t = 0; t < b->ntemps; t++) {
        bool global = is_global(ra, t);
        ra->ts[t] = (struct ra_temp){.val = global ? RA_VAL_MEM : RA_VAL_DEAD,
                                     .next = RA_NONE,
                                     .mem_ok = global,
                                     .slot = -1};
    }
    for (unsigned r = 0; r < RA_MAX_REGS; r++)
        ra->reg_temp[r] = -1;
    ra->locked = 0;
    ra->nslots = 0;
    ra->nclist = 0;
    return true;
}

void ra_destroy(struct ra_state *ra)
{
    free(ra->ts);
    free(ra->clist);
    free(ra->slot_temp);
    free(ra->reread);
    free(ra->later);
    free(ra->seen);
}

bool ra_const(const struct ra_state *ra, unsigned t, uint64_t *imm)
{
    if (is_env(ra, t) || ra->ts[t].val != RA_VAL_CONST)
        return false;
    *imm = ra->ts[t].imm;
    return true;
}

/* The memory home of a temp: its env field, or a frame slot for a local. */
static void home(struct ra_state *ra, unsigned t, unsigned *base, int32_t *off)
{
    if (is_global(ra, t)) {
        *base = ra->tgt->env_reg;
        *off = (int32_t)ra->env->globals[t].offset;
        return;
    }
    if (ra->ts[t].slot < 0) {
        ra->slot_temp[ra->nslots] = (uint16_t)t;
        ra->ts[t].slot = (int16_t)ra->nslots++;
    }
    *base = ra->tgt->frame_reg;
    *off = ra->tgt->slots_off + 8 * ra->ts[t].slot;
}

void ra_store_value(struct ra_state *ra, unsigned t)
{
    struct ra_temp *ts = &ra->ts[t];
    unsigned base;
    int32_t off;
    home(ra, t, &base, &off);
    if (ts->val == RA_VAL_REG)
        ra->tgt->store(ra, ra_is64(ra, t), ts->reg, base, off);
    else if (ts->val == RA_VAL_CONST)
        ra->tgt->store_imm(ra, ra_is64(ra, t), ts->imm, base, off);
}

void ra_load_into(struct ra_state *ra, unsigned reg, unsigned t)
{
    if (is_env(ra, t)) {
        ra->tgt->move(ra, reg, ra->tgt->env_reg);
        return;
    }
    struct ra_temp *ts = &ra->ts[t];
    unsigned base;
    int32_t off;
    switch (ts->val) {
    case RA_VAL_REG:
        if (ts->reg != reg)
            ra->tgt->move(ra, reg, ts->reg);
        break;
    case RA_VAL_CONST: ra->tgt->movi(ra, reg, ts->imm); break;
    case RA_VAL_MEM:
        home(ra, t, &base, &off);
        ra->tgt->load(ra, ra_is64(ra, t), reg, base, off);
        break;
    default: break; /* a dead value: any register contents will do */
    }
}

void ra_sync(struct ra_state *ra, unsigned t)
{
    struct ra_temp *ts = &ra->ts[t];
    if (is_env(ra, t) || ts->mem_ok || ts->val == RA_VAL_DEAD)
        return;
    if (ts->val == RA_VAL_REG || ts->val == RA_VAL_CONST)
        ra_store_value(ra, t);
    ts->mem_ok = true;
}

/* t joins the temps held by register r. */
static void reg_add(struct ra_state *ra, unsigned r, unsigned t)
{
    ra->ts[t].next = ra->reg_temp[r] < 0 ? RA_NONE : (uint16_t)ra->reg_temp[r];
    ra->reg_temp[r] = (int)t;
}

/* t, in a register, leaves it. */
static void reg_remove(struct ra_state *ra, unsigned t)
{
    unsigned r = ra->ts[t].reg;
    uint16_t next = ra->ts[t].next;
    ra->ts[t].next = RA_NONE;
    if (ra->reg_temp[r] == (int)t) {
        ra->reg_temp[r] = next == RA_NONE ? -1 : next;
        return;
    }
    for (unsigned c = (unsigned)ra->reg_temp[r]; ra->ts[c].next != RA_NONE; c = ra->ts[c].next)
        if (ra->ts[c].next == t) {
            ra->ts[c].next = next;
            return;
        }
}

/* More than one temp holds register r's value. */
static bool reg_shared(const struct ra_state *ra, unsigned r)
{
    return ra->reg_temp[r] >= 0 && ra->ts[ra->reg_temp[r]].next != RA_NONE;
}

/* Drops t's register; the value stays reachable in memory. */
static void spill(struct ra_state *ra, unsigned t)
{
    ra_sync(ra, t);
    struct ra_temp *ts = &ra->ts[t];
    if (ts->val == RA_VAL_REG)
        reg_remove(ra, t);
    ts->val = RA_VAL_MEM;
}

/* Empties register r: every temp in it to memory. */
static void spill_reg(struct ra_state *ra, unsigned r)
{
    while (ra->reg_temp[r] >= 0)
        spill(ra, (unsigned)ra->reg_temp[r]);
}

/* t's value is no longer needed (dead): a local is gone, a global's env copy
 * may be stale until the op that the liveness saw redefine it. */
static void kill(struct ra_state *ra, unsigned t)
{
    struct ra_temp *ts = &ra->ts[t];
    if (is_env(ra, t))
        return;
    if (ts->val == RA_VAL_REG)
        reg_remove(ra, t);
    ts->val = is_global(ra, t) ? RA_VAL_MEM : RA_VAL_DEAD;
    ts->mem_ok = is_global(ra, t);
}

static const uint8_t *alloc_order(const struct ra_state *ra)
{
    return ra->prefer_callee_saved ? ra->tgt->order_callee : ra->tgt->order_caller;
}

static int find_free(const struct ra_state *ra, uint32_t allowed)
{
    const uint8_t *order = alloc_order(ra);
    for (unsigned i = 0; i < ra->tgt->norder; i++) {
        unsigned r = order[i];
        if ((allowed >> r & 1) && ra->reg_temp[r] < 0 && !(ra->locked >> r & 1))
            return (int)r;
    }
    return -1;
}

/* Every temp in register r has its value in memory too. */
static bool reg_clean(const struct ra_state *ra, unsigned r)
{
    for (int t = ra->reg_temp[r]; t >= 0; t = ra->ts[t].next == RA_NONE ? -1 : ra->ts[t].next)
        if (!ra->ts[t].mem_ok)
            return false;
    return true;
}

/* The register to evict: one whose value is in memory already, else the
 * first unlocked one. Ops lock at most eight registers and every backend
 * has more, so one exists. */
static int victim(const struct ra_state *ra, uint32_t allowed)
{
    const uint8_t *order = alloc_order(ra);
    for (unsigned pass = 0; pass < 2; pass++)
        for (unsigned i = 0; i < ra->tgt->norder; i++) {
            unsigned c = order[i];
            if (!(allowed >> c & 1) || (ra->locked >> c & 1))
                continue;
            if (pass == 1 || reg_clean(ra, c))
                return (int)c;
        }
    return ra->tgt->last_resort;
}

int ra_alloc(struct ra_state *ra, uint32_t allowed)
{
    allowed &= ra->tgt->regs_alloc;
    int r = find_free(ra, allowed);
    if (r < 0) {
        r = victim(ra, allowed);
        spill_reg(ra, (unsigned)r);
    }
    ra->locked |= 1u << r;
    return r;
}

static void bind_reg(struct ra_state *ra, unsigned t, unsigned reg, bool mem_ok)
{
    struct ra_temp *ts = &ra->ts[t];
    bool there = ts->val == RA_VAL_REG && ts->reg == reg;
    if (ts->val == RA_VAL_REG && !there)
        reg_remove(ra, t);
    ts->val = RA_VAL_REG;
    ts->reg = (uint8_t)reg;
    ts->mem_ok = mem_ok;
    if (!there)
        reg_add(ra, reg, t);
}

int ra_in(struct ra_state *ra, unsigned t, uint32_t allowed)
{
    if (is_env(ra, t))
        return ra->tgt->env_reg;
    struct ra_temp *ts = &ra->ts[t];
    if (ts->val == RA_VAL_REG && (allowed >> ts->reg & 1)) {
        ra->locked |= 1u << ts->reg;
        return ts->reg;
    }
    int r = ra_alloc(ra, allowed);
    ra_load_into(ra, (unsigned)r, t);
    /* A constant keeps its clist entry: ra_bb_end syncs it if needed. */
    bind_reg(ra, t, (unsigned)r, ts->val == RA_VAL_DEAD ? false : ts->mem_ok);
    return r;
}

int ra_operand(struct ra_state *ra, unsigned t, uint32_t allowed)
{
    uint64_t imm;
    if (!ra_const(ra, t, &imm))
        return ra_in(ra, t, allowed);
    int r = ra_alloc(ra, allowed);
    ra->tgt->movi(ra, (unsigned)r, imm);
    return r;
}

int ra_steal(struct ra_state *ra, unsigned arg, uint32_t allowed)
{
    unsigned t = ra->op->args[arg];
    struct ra_temp *ts = &ra->ts[t];
    if (is_env(ra, t) || !ra_op_dead(ra, arg) || ts->val != RA_VAL_REG ||
        !(allowed >> ts->reg & 1) || reg_shared(ra, ts->reg))
        return -1;
    int r = ts->reg;
    kill(ra, t);
    ra->locked |= 1u << r;
    return r;
}

bool ra_input_stays(const struct ra_state *ra, unsigned arg)
{
    const struct ra_temp *ts = &ra->ts[ra->op->args[arg]];
    return ts->val == RA_VAL_REG && (!ra_op_dead(ra, arg) || reg_shared(ra, ts->reg));
}

void ra_hold_input(struct ra_state *ra, unsigned arg)
{
    unsigned t = ra->op->args[arg];
    if (!is_env(ra, t) && ra->ts[t].val == RA_VAL_MEM && ra_read_again(ra, arg))
        ra_in(ra, t, ra->tgt->regs_alloc);
}

/* Every temp in register from moves to register to. */
static void move_reg(struct ra_state *ra, unsigned to, unsigned from)
{
    ra->tgt->move(ra, to, from);
    while (ra->reg_temp[from] >= 0) {
        unsigned t = (unsigned)ra->reg_temp[from];
        bind_reg(ra, t, to, ra->ts[t].mem_ok);
    }
}

void ra_claim(struct ra_state *ra, unsigned reg)
{
    if (ra->reg_temp[reg] >= 0) {
        bool was_locked = ra->locked >> reg & 1;
        ra->locked |= 1u << reg;
        int r = find_free(ra, ra->tgt->regs_alloc);
        if (r >= 0) {
            move_reg(ra, (unsigned)r, reg);
            if (was_locked)
                ra->locked |= 1u << r;
        } else {
            spill_reg(ra, reg);
        }
    }
    ra->locked |= 1u << reg;
}

void ra_bind(struct ra_state *ra, unsigned t, unsigned reg)
{
    bind_reg(ra, t, reg, false);
    ra->locked |= 1u << reg;
}

void ra_bind_copy(struct ra_state *ra, unsigned d, unsigned s)
{
    unsigned reg = ra->ts[s].reg;
    if (d != s)
        bind_reg(ra, d, reg, false);
    ra->locked |= 1u << reg;
}

void ra_bind_const(struct ra_state *ra, unsigned t, uint64_t imm)
{
    struct ra_temp *ts = &ra->ts[t];
    if (ts->val == RA_VAL_REG)
        reg_remove(ra, t);
    ts->val = RA_VAL_CONST;
    ts->imm = imm;
    ts->mem_ok = false;
    if (!ts->listed) {
        ts->listed = true;
        ra->clist[ra->nclist++] = (uint16_t)t;
    }
}

void ra_end_op(struct ra_state *ra)
{
    ra->locked = 0;
}

void ra_sync_globals(struct ra_state *ra)
{
    for (unsigned t = 0; t < ra->env->nglobals; t++)
        ra_sync(ra, t);
}

void ra_forget_global(struct ra_state *ra, unsigned t)
{
    struct ra_temp *ts = &ra->ts[t];
    if (ts->val == RA_VAL_REG)
        reg_remove(ra, t);
    ts->val = RA_VAL_MEM;
    ts->mem_ok = true;
}

void ra_forget_globals(struct ra_state *ra)
{
    for (unsigned t = 0; t < ra->env->nglobals; t++)
        ra_forget_global(ra, t);
}

static bool dies_here(const struct ra_state *ra, unsigned t)
{
    const struct ir_op *op = ra->op;
    for (unsigned k = op->nout; k < ir_op_ntemps(op); k++)
        if (op->args[k] == t && ra_op_dead(ra, k))
            return true;
    return false;
}

/* Global t is read by an op after the current one (beyond the first 64
 * globals: assumed so). */
static bool read_later(const struct ra_state *ra, unsigned t)
{
    return t >= 64 || (ra->later[ra->op - ra->b->ops] >> t & 1);
}

/* The temp after t in its register's list, -1 at the end. */
static int next_in_reg(const struct ra_state *ra, unsigned t)
{
    return ra->ts[t].next == RA_NONE ? -1 : ra->ts[t].next;
}

void ra_drop_idle_globals(struct ra_state *ra)
{
    for (uint32_t m = ra->tgt->regs_alloc; m; m &= m - 1) {
        unsigned r = (unsigned)__builtin_ctz(m);
        for (int t = ra->reg_temp[r], n; t >= 0; t = n) {
            n = next_in_reg(ra, (unsigned)t);
            if (is_global(ra, (unsigned)t) && ra->ts[t].mem_ok && !read_later(ra, (unsigned)t))
                ra_forget_global(ra, (unsigned)t);
        }
    }
}

/* Some temp in register r is needed after the current op. */
static bool reg_live_after(const struct ra_state *ra, unsigned r, bool globals_dropped)
{
    for (int t = ra->reg_temp[r]; t >= 0; t = next_in_reg(ra, (unsigned)t))
        if (!dies_here(ra, (unsigned)t) && !(globals_dropped && is_global(ra, (unsigned)t)))
            return true;
    return false;
}

uint32_t ra_live_after(const struct ra_state *ra)
{
    uint32_t live = 0;
    for (uint32_t m = ra->tgt->regs_alloc; m; m &= m - 1) {
        unsigned r = (unsigned)__builtin_ctz(m);
        if (reg_live_after(ra, r, false))
            live |= 1u << r;
    }
    return live;
}

/* Values needed after the call move to free callee-saved registers, or to
 * memory. Inputs dying at the call stay where they are for ra_call_args, and
 * so do globals when the call writes globals (they are in env already and
 * dropped after it). */
void ra_free_caller_saved(struct ra_state *ra, bool globals_dropped)
{
    for (uint32_t m = ra->tgt->regs_caller_saved; m; m &= m - 1) {
        unsigned r = (unsigned)__builtin_ctz(m);
        if (!reg_live_after(ra, r, globals_dropped))
            continue;
        int to = find_free(ra, ra->tgt->regs_callee_saved);
        if (to >= 0)
            move_reg(ra, (unsigned)to, r);
        else
            spill_reg(ra, r);
    }
}

/* Values not in memory are in registers or constants: only those, and the
 * globals, need looking at where blocks of code meet. */
static void bb_sync(struct ra_state *ra, unsigned t)
{
    if (is_global(ra, t) || !dies_here(ra, t))
        ra_sync(ra, t);
}

/* End of a basic block: every value a label may need goes to memory. */
void ra_bb_end(struct ra_state *ra)
{
    ra_sync_globals(ra);
    for (uint32_t m = ra->tgt->regs_alloc; m; m &= m - 1) {
        unsigned r = (unsigned)__builtin_ctz(m);
        for (int t = ra->reg_temp[r]; t >= 0; t = next_in_reg(ra, (unsigned)t))
            bb_sync(ra, (unsigned)t);
    }
    unsigned n = 0;
    for (unsigned i = 0; i < ra->nclist; i++) {
        unsigned t = ra->clist[i];
        if (ra->ts[t].val != RA_VAL_CONST) {
            ra->ts[t].listed = false;
            continue;
        }
        bb_sync(ra, t);
        ra->clist[n++] = (uint16_t)t;
    }
    ra->nclist = n;
}

/* A value leaving a register or constant at a label: a global to env, a
 * local to its slot if it has one. */
static void to_memory(struct ra_state *ra, unsigned t)
{
    struct ra_temp *ts = &ra->ts[t];
    if (ts->val == RA_VAL_REG)
        reg_remove(ra, t);
    bool in_mem = is_global(ra, t) || ts->slot >= 0;
    ts->val = in_mem ? RA_VAL_MEM : RA_VAL_DEAD;
    ts->mem_ok = in_mem;
}

/* At a label: values are in memory, registers empty. */
void ra_label(struct ra_state *ra)
{
    for (uint32_t m = ra->tgt->regs_alloc; m; m &= m - 1) {
        unsigned r = (unsigned)__builtin_ctz(m);
        while (ra->reg_temp[r] >= 0)
            to_memory(ra, (unsigned)ra->reg_temp[r]);
    }
    for (unsigned i = 0; i < ra->nclist; i++) {
        unsigned t = ra->clist[i];
        ra->ts[t].listed = false;
        if (ra->ts[t].val == RA_VAL_CONST)
            to_memory(ra, t);
    }
    ra->nclist = 0;
    for (unsigned t = 0; t < ra->env->nglobals; t++)
        to_memory(ra, t);
    /* Also the locals that died on the path falling in: another path may
     * bring them here live (in their slot). */
    for (unsigned s = 0; s < ra->nslots; s++)
        to_memory(ra, ra->slot_temp[s]);
}

void ra_free_dead_inputs(struct ra_state *ra)
{
    const struct ir_op *op = ra->op;
    for (unsigned k = op->nout; k < ir_op_ntemps(op); k++)
        if (ra_op_dead(ra, k))
            kill(ra, op->args[k]);
}

void ra_free_dead_outputs(struct ra_state *ra)
{
    const struct ir_op *op = ra->op;
    for (unsigned k = 0; k < op->nout; k++) {
        bool live_twin = false; /* mulu2 lo, hi naming one temp: the liveness marks one */
        for (unsigned j = 0; j < op->nout; j++)
            live_twin |= j != k && op->args[j] == op->args[k] && !ra_op_dead(ra, j);
        if (ra_op_dead(ra, k) && !live_twin)
            kill(ra, op->args[k]);
    }
}

/* Which register each argument already sits in, -1 for the others. */
static void arg_sources(const struct ra_state *ra, unsigned n, const int *src, int *from)
{
    for (unsigned i = 0; i < n; i++) {
        from[i] = -1;
        if (src[i] >= 0 && is_env(ra, (unsigned)src[i]))
            from[i] = ra->tgt->env_reg;
        else if (src[i] >= 0 && ra->ts[src[i]].val == RA_VAL_REG)
            from[i] = ra->ts[src[i]].reg;
    }
}

/* One round of the parallel move: every register argument whose target no
 * other pending one still reads. False when nothing is left to move. */
static bool move_round(struct ra_state *ra, unsigned n, const uint8_t *dst, int *from,
                       bool *progress)
{
    bool left = false;
    *progress = false;
    for (unsigned i = 0; i < n; i++) {
        if (from[i] < 0)
            continue;
        bool blocked = false;
        for (unsigned j = 0; j < n; j++)
            blocked |= j != i && from[j] == dst[i];
        if (from[i] == dst[i] || !blocked) {
            if (from[i] != dst[i])
                ra->tgt->move(ra, dst[i], (unsigned)from[i]);
            from[i] = -1;
            *progress = true;
        } else {
            left = true;
        }
    }
    return left;
}

/* A parallel move of the arguments held in registers (cycles broken through
 * tmp_reg), then the constants and memory values. */
void ra_call_args(struct ra_state *ra, unsigned n, const uint8_t *dst, const int *src,
                  const uint64_t *imm)
{
    int from[IR_HELPER_MAX_ARGS + 2];
    bool progress;
    arg_sources(ra, n, src, from);
    while (move_round(ra, n, dst, from, &progress)) {
        if (progress)
            continue;
        /* A cycle: park one target's current value in the scratch register. */
        unsigned i = 0;
        while (from[i] < 0)
            i++;
        ra->tgt->move(ra, ra->tgt->tmp_reg, dst[i]);
        for (unsigned j = 0; j < n; j++)
            if (from[j] == dst[i])
                from[j] = ra->tgt->tmp_reg;
    }
    for (unsigned i = 0; i < n; i++) {
        if (src[i] < 0)
            ra->tgt->movi(ra, dst[i], imm[i]);
        else if (!is_env(ra, (unsigned)src[i]) && ra->ts[src[i]].val != RA_VAL_REG)
            ra_load_into(ra, dst[i], (unsigned)src[i]);
    }
}
