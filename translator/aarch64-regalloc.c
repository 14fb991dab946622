/* Local register allocator of the AArch64 backend, with the policy of the
 * x86-64 one (translator/README.md "Effects"): temps and globals stay in host
 * registers within a block, constants stay immediates until an op needs them
 * in a register, values spill to env (globals) or the frame (locals) under
 * pressure, globals go back to env before exits, raising ops and helpers
 * that read them, and at a label every live value is in memory. */
#include "aarch64-internal.h"

/* x0..x15 then x20..x28, or the callee-saved ones first in blocks that call. */
static const uint8_t order_caller_first[] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12,
                                             13, 14, 15, 20, 21, 22, 23, 24, 25, 26, 27, 28};
static const uint8_t order_callee_first[] = {20, 21, 22, 23, 24, 25, 26, 27, 28, 0,  1,  2, 3,
                                             4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15};
#define NORDER sizeof(order_caller_first)

static bool is_env(const struct a64_gen *g, unsigned t)
{
    return t == g->env->nglobals;
}
static bool is_global(const struct a64_gen *g, unsigned t)
{
    return t < g->env->nglobals;
}

void a64_ra_init(struct a64_gen *g)
{
    for (unsigned t = 0; t < g->b->ntemps; t++) {
        bool global = is_global(g, t);
        g->ts[t] = (struct a64_temp){
            .val = global ? A64_VAL_MEM : A64_VAL_DEAD, .mem_ok = global, .slot = -1};
    }
    for (unsigned r = 0; r < A64_NREGS; r++)
        g->reg_temp[r] = -1;
    g->locked = 0;
    g->nslots = 0;
    g->nclist = 0;
}

bool a64_ra_const(const struct a64_gen *g, unsigned t, uint64_t *imm)
{
    if (is_env(g, t) || g->ts[t].val != A64_VAL_CONST)
        return false;
    *imm = g->ts[t].imm;
    return true;
}

void a64_ldst(struct a64_gen *g, unsigned size, unsigned opc, unsigned t, unsigned base,
              uint64_t off)
{
    struct a64_buf *b = a64_cur(g);
    if (a64_ldst_uimm(b, size, opc, t, base, off))
        return;
    a64_movi(b, true, A64_AUX_REG, off);
    a64_ldst_reg(b, size, opc, t, base, A64_AUX_REG);
}

/* The memory home of a temp: its env field, or a frame slot for a local. */
static void home(struct a64_gen *g, unsigned t, unsigned *base, uint64_t *off)
{
    if (is_global(g, t)) {
        *base = A64_ENV_REG;
        *off = g->env->globals[t].offset;
        return;
    }
    if (g->ts[t].slot < 0) {
        g->slot_temp[g->nslots] = (uint16_t)t;
        g->ts[t].slot = (int32_t)g->nslots++;
    }
    *base = A64_SP;
    *off = A64_SLOTS_OFF + 8 * (uint64_t)g->ts[t].slot;
}

void a64_ra_store_value(struct a64_gen *g, unsigned t)
{
    struct a64_temp *ts = &g->ts[t];
    unsigned base, size = a64_is64(g, t) ? 3 : 2;
    uint64_t off;
    home(g, t, &base, &off);
    if (ts->val == A64_VAL_REG) {
        a64_ldst(g, size, A64_LDST_STR, ts->reg, base, off);
    } else if (ts->val == A64_VAL_CONST) {
        unsigned r = ts->imm ? A64_TMP_REG : A64_ZR;
        if (ts->imm)
            a64_movi(a64_cur(g), size == 3, A64_TMP_REG, ts->imm);
        a64_ldst(g, size, A64_LDST_STR, r, base, off);
    }
}

void a64_ra_load_into(struct a64_gen *g, unsigned reg, unsigned t)
{
    struct a64_buf *b = a64_cur(g);
    if (is_env(g, t)) {
        a64_mov(b, true, reg, A64_ENV_REG);
        return;
    }
    struct a64_temp *ts = &g->ts[t];
    unsigned base;
    uint64_t off;
    switch (ts->val) {
    case A64_VAL_REG:
        if (ts->reg != reg)
            a64_mov(b, true, reg, ts->reg);
        break;
    case A64_VAL_CONST: a64_movi(b, true, reg, ts->imm); break;
    case A64_VAL_MEM:
        home(g, t, &base, &off);
        a64_ldst(g, a64_is64(g, t) ? 3 : 2, A64_LDST_LDR, reg, base, off);
        break;
    default: break; /* a dead value: any register contents will do */
    }
}

void a64_ra_sync(struct a64_gen *g, unsigned t)
{
    struct a64_temp *ts = &g->ts[t];
    if (is_env(g, t) || ts->mem_ok || ts->val == A64_VAL_DEAD)
        return;
    if (ts->val == A64_VAL_REG || ts->val == A64_VAL_CONST)
        a64_ra_store_value(g, t);
    ts->mem_ok = true;
}

static void spill(struct a64_gen *g, unsigned t)
{
    a64_ra_sync(g, t);
    struct a64_temp *ts = &g->ts[t];
    if (ts->val == A64_VAL_REG)
        g->reg_temp[ts->reg] = -1;
    ts->val = A64_VAL_MEM;
}

/* t's value is no longer needed: a local is gone, a global's env copy may be
 * stale until the op the liveness saw redefine it. */
static void kill(struct a64_gen *g, unsigned t)
{
    struct a64_temp *ts = &g->ts[t];
    if (is_env(g, t))
        return;
    if (ts->val == A64_VAL_REG)
        g->reg_temp[ts->reg] = -1;
    ts->val = is_global(g, t) ? A64_VAL_MEM : A64_VAL_DEAD;
    ts->mem_ok = is_global(g, t);
}

static const uint8_t *alloc_order(const struct a64_gen *g)
{
    return g->prefer_callee_saved ? order_callee_first : order_caller_first;
}

static int find_free(struct a64_gen *g, uint32_t allowed)
{
    const uint8_t *order = alloc_order(g);
    for (unsigned i = 0; i < NORDER; i++) {
        unsigned r = order[i];
        if ((allowed >> r & 1) && g->reg_temp[r] < 0 && !(g->locked >> r & 1))
            return (int)r;
    }
    return -1;
}

/* A register from allowed, locked for the current op; evicts the value that
 * costs least (one already in memory) when none is free. Ops lock at most
 * eight registers of the 25, so an unlocked one always exists. */
int a64_ra_alloc_in(struct a64_gen *g, uint32_t allowed)
{
    allowed &= A64_REGS_ALLOC;
    int r = find_free(g, allowed);
    if (r < 0) {
        const uint8_t *order = alloc_order(g);
        for (unsigned pass = 0; pass < 2 && r < 0; pass++)
            for (unsigned i = 0; i < NORDER && r < 0; i++) {
                unsigned c = order[i];
                if (!(allowed >> c & 1) || (g->locked >> c & 1))
                    continue;
                if (pass == 1 || g->ts[g->reg_temp[c]].mem_ok)
                    r = (int)c;
            }
        if (r < 0)
            r = 20;
        spill(g, (unsigned)g->reg_temp[r]);
    }
    g->locked |= 1u << r;
    return r;
}

int a64_ra_alloc(struct a64_gen *g)
{
    return a64_ra_alloc_in(g, A64_REGS_ALLOC);
}

static void bind_reg(struct a64_gen *g, unsigned t, unsigned reg, bool mem_ok)
{
    struct a64_temp *ts = &g->ts[t];
    if (ts->val == A64_VAL_REG && ts->reg != reg)
        g->reg_temp[ts->reg] = -1;
    ts->val = A64_VAL_REG;
    ts->reg = (uint8_t)reg;
    ts->mem_ok = mem_ok;
    g->reg_temp[reg] = (int)t;
}

/* t in a register (env: x19), locked for the op. Constants are loaded into
 * a fresh register that stays theirs. */
int a64_ra_in(struct a64_gen *g, unsigned t)
{
    if (is_env(g, t))
        return A64_ENV_REG;
    struct a64_temp *ts = &g->ts[t];
    if (ts->val == A64_VAL_REG) {
        g->locked |= 1u << ts->reg;
        return ts->reg;
    }
    int r = a64_ra_alloc(g);
    a64_ra_load_into(g, (unsigned)r, t);
    if (ts->val == A64_VAL_CONST) {
        bool listed = ts->listed;
        bind_reg(g, t, (unsigned)r, false);
        ts->listed = listed; /* still on clist: bb_end syncs it if needed */
    } else {
        bind_reg(g, t, (unsigned)r, ts->val == A64_VAL_DEAD ? false : ts->mem_ok);
    }
    return r;
}

/* The register of input args[arg] when it dies here: it becomes the op's
 * output register (locked, no longer the temp's). -1 otherwise. */
int a64_ra_steal(struct a64_gen *g, unsigned arg)
{
    unsigned t = g->op->args[arg];
    struct a64_temp *ts = &g->ts[t];
    if (is_env(g, t) || !a64_op_dead(g, arg) || ts->val != A64_VAL_REG)
        return -1;
    for (unsigned k = g->op->nout; k < ir_op_ntemps(g->op); k++)
        if (k != arg && g->op->args[k] == t)
            return -1; /* also another input of this op */
    int r = ts->reg;
    kill(g, t);
    g->locked |= 1u << r;
    return r;
}

void a64_ra_bind(struct a64_gen *g, unsigned t, unsigned reg)
{
    bind_reg(g, t, reg, false);
    g->locked |= 1u << reg;
}

void a64_ra_bind_const(struct a64_gen *g, unsigned t, uint64_t imm)
{
    struct a64_temp *ts = &g->ts[t];
    if (ts->val == A64_VAL_REG)
        g->reg_temp[ts->reg] = -1;
    ts->val = A64_VAL_CONST;
    ts->imm = imm;
    ts->mem_ok = false;
    if (!ts->listed) {
        ts->listed = true;
        g->clist[g->nclist++] = (uint16_t)t;
    }
}

void a64_ra_end_op(struct a64_gen *g)
{
    g->locked = 0;
}

void a64_ra_sync_globals(struct a64_gen *g)
{
    for (unsigned t = 0; t < g->env->nglobals; t++)
        a64_ra_sync(g, t);
}

void a64_ra_forget_global(struct a64_gen *g, unsigned t)
{
    struct a64_temp *ts = &g->ts[t];
    if (ts->val == A64_VAL_REG)
        g->reg_temp[ts->reg] = -1;
    ts->val = A64_VAL_MEM;
    ts->mem_ok = true;
}

void a64_ra_forget_globals(struct a64_gen *g)
{
    for (unsigned t = 0; t < g->env->nglobals; t++)
        a64_ra_forget_global(g, t);
}

static bool dies_here(const struct a64_gen *g, unsigned t)
{
    const struct ir_op *op = g->op;
    for (unsigned k = op->nout; k < ir_op_ntemps(op); k++)
        if (op->args[k] == t && a64_op_dead(g, k))
            return true;
    return false;
}

/* Before a call: values in caller-saved registers needed after it move to
 * free callee-saved ones, or to memory. Inputs dying at the call stay for
 * a64_ra_call_args, and so do globals the call will make stale. */
void a64_ra_free_caller_saved(struct a64_gen *g, bool globals_dropped)
{
    for (unsigned r = 0; r < A64_NREGS; r++) {
        int t = g->reg_temp[r];
        if (t < 0 || !(A64_REGS_CALLER_SAVED >> r & 1) || dies_here(g, (unsigned)t) ||
            (globals_dropped && is_global(g, (unsigned)t)))
            continue;
        int to = find_free(g, A64_REGS_CALLEE_SAVED);
        if (to >= 0) {
            a64_mov(a64_cur(g), true, (unsigned)to, r);
            bind_reg(g, (unsigned)t, (unsigned)to, g->ts[t].mem_ok);
        } else {
            spill(g, (unsigned)t);
        }
    }
}

static void bb_sync(struct a64_gen *g, unsigned t)
{
    if (is_global(g, t) || !dies_here(g, t))
        a64_ra_sync(g, t);
}

/* End of a basic block: every value a label may need goes to memory. */
void a64_ra_bb_end(struct a64_gen *g)
{
    a64_ra_sync_globals(g);
    for (unsigned r = 0; r < A64_NREGS; r++)
        if (g->reg_temp[r] >= 0)
            bb_sync(g, (unsigned)g->reg_temp[r]);
    unsigned n = 0;
    for (unsigned i = 0; i < g->nclist; i++) {
        unsigned t = g->clist[i];
        if (g->ts[t].val != A64_VAL_CONST) {
            g->ts[t].listed = false;
            continue;
        }
        bb_sync(g, t);
        g->clist[n++] = (uint16_t)t;
    }
    g->nclist = n;
}

static void to_memory(struct a64_gen *g, unsigned t)
{
    struct a64_temp *ts = &g->ts[t];
    if (ts->val == A64_VAL_REG)
        g->reg_temp[ts->reg] = -1;
    bool in_mem = is_global(g, t) || ts->slot >= 0;
    ts->val = in_mem ? A64_VAL_MEM : A64_VAL_DEAD;
    ts->mem_ok = in_mem;
}

/* At a label: values are in memory, registers empty. */
void a64_ra_label(struct a64_gen *g)
{
    for (unsigned r = 0; r < A64_NREGS; r++)
        if (g->reg_temp[r] >= 0)
            to_memory(g, (unsigned)g->reg_temp[r]);
    for (unsigned i = 0; i < g->nclist; i++) {
        unsigned t = g->clist[i];
        g->ts[t].listed = false;
        if (g->ts[t].val == A64_VAL_CONST)
            to_memory(g, t);
    }
    g->nclist = 0;
    for (unsigned t = 0; t < g->env->nglobals; t++)
        to_memory(g, t);
    for (unsigned s = 0; s < g->nslots; s++)
        to_memory(g, g->slot_temp[s]);
}

void a64_ra_free_dead_inputs(struct a64_gen *g)
{
    const struct ir_op *op = g->op;
    for (unsigned k = op->nout; k < ir_op_ntemps(op); k++)
        if (a64_op_dead(g, k))
            kill(g, op->args[k]);
}

void a64_ra_free_dead_outputs(struct a64_gen *g)
{
    const struct ir_op *op = g->op;
    for (unsigned k = 0; k < op->nout; k++) {
        bool live_twin = false; /* mulu2 lo, hi naming one temp */
        for (unsigned j = 0; j < op->nout; j++)
            live_twin |= j != k && op->args[j] == op->args[k] && !a64_op_dead(g, j);
        if (a64_op_dead(g, k) && !live_twin)
            kill(g, op->args[k]);
    }
}

/* Arguments into x0.. (AAPCS64 §6.8.2): a parallel move of the values held
 * in registers (cycles broken through x16), then constants and memory
 * values. src[i] < 0 means the immediate imm[i]. */
void a64_ra_call_args(struct a64_gen *g, unsigned n, const int *src, const uint64_t *imm)
{
    struct a64_buf *b = a64_cur(g);
    int from[IR_HELPER_MAX_ARGS + 2];
    for (unsigned i = 0; i < n; i++) {
        from[i] = -1;
        if (src[i] >= 0 && is_env(g, (unsigned)src[i]))
            from[i] = A64_ENV_REG;
        else if (src[i] >= 0 && g->ts[src[i]].val == A64_VAL_REG)
            from[i] = g->ts[src[i]].reg;
    }
    for (;;) {
        bool left = false, progress = false;
        for (unsigned i = 0; i < n; i++) {
            if (from[i] < 0)
                continue;
            bool blocked = false;
            for (unsigned j = 0; j < n; j++)
                blocked |= j != i && from[j] == (int)i;
            if (from[i] == (int)i || !blocked) {
                if (from[i] != (int)i)
                    a64_mov(b, true, i, (unsigned)from[i]);
                from[i] = -1;
                progress = true;
            } else {
                left = true;
            }
        }
        if (!left)
            break;
        if (!progress) {
            unsigned i = 0;
            while (from[i] < 0)
                i++;
            a64_mov(b, true, A64_TMP_REG, i);
            for (unsigned j = 0; j < n; j++)
                if (from[j] == (int)i)
                    from[j] = A64_TMP_REG;
        }
    }
    for (unsigned i = 0; i < n; i++) {
        if (src[i] < 0)
            a64_movi(b, true, i, imm[i]);
        else if (!is_env(g, (unsigned)src[i]) && g->ts[src[i]].val != A64_VAL_REG)
            a64_ra_load_into(g, i, (unsigned)src[i]);
    }
}
