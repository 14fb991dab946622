/* Local register allocator of the x86-64 backend: temps and globals stay in
 * host registers within a block, constants stay immediates until an op needs
 * them in a register, values spill to env (globals) or the frame (locals)
 * under pressure, and globals are written back where translator/README.md
 * "Effects" asks. At a label every live value is in memory. */
#include "x86_64-internal.h"

static const uint8_t order_caller_first[] = {X64_RAX, X64_RCX, X64_RDX, X64_RSI, X64_RDI,
                                             X64_R8,  X64_R9,  X64_R10, X64_RBX, X64_R12,
                                             X64_R13, X64_R14, X64_R15};
static const uint8_t order_callee_first[] = {X64_RBX, X64_R12, X64_R13, X64_R14, X64_R15,
                                             X64_RAX, X64_RCX, X64_RDX, X64_RSI, X64_RDI,
                                             X64_R8,  X64_R9,  X64_R10};

static bool is_env(const struct x64_gen *g, unsigned t)
{
    return t == g->env->nglobals;
}
static bool is_global(const struct x64_gen *g, unsigned t)
{
    return t < g->env->nglobals;
}

void x64_ra_init(struct x64_gen *g)
{
    for (unsigned t = 0; t < g->b->ntemps; t++) {
        bool global = is_global(g, t);
        g->ts[t] = (struct x64_temp){
            .val = global ? X64_VAL_MEM : X64_VAL_DEAD, .mem_ok = global, .slot = -1};
    }
    for (unsigned r = 0; r < 16; r++)
        g->reg_temp[r] = -1;
    g->locked = 0;
    g->nslots = 0;
    g->nclist = 0;
}

bool x64_ra_const(const struct x64_gen *g, unsigned t, uint64_t *imm)
{
    if (is_env(g, t) || g->ts[t].val != X64_VAL_CONST)
        return false;
    *imm = g->ts[t].imm;
    return true;
}

/* The memory home of a temp: its env field, or a frame slot for a local. */
static void home(struct x64_gen *g, unsigned t, unsigned *base, int32_t *disp)
{
    if (is_global(g, t)) {
        *base = X64_ENV_REG;
        *disp = (int32_t)g->env->globals[t].offset;
        return;
    }
    if (g->ts[t].slot < 0) {
        g->slot_temp[g->nslots] = (uint16_t)t;
        g->ts[t].slot = (int32_t)g->nslots++;
    }
    *base = X64_RSP;
    *disp = X64_SAVE_AREA + 8 * g->ts[t].slot;
}

void x64_ra_store_value(struct x64_gen *g, unsigned t)
{
    struct x64_buf *b = x64_cur(g);
    struct x64_temp *ts = &g->ts[t];
    bool w = x64_is64(g, t);
    unsigned base;
    int32_t disp;
    home(g, t, &base, &disp);
    if (ts->val == X64_VAL_REG) {
        x64_rm(b, X64_OPC_MOV_EvGv | x64_w(w), ts->reg, base, disp);
    } else if (ts->val == X64_VAL_CONST) {
        if (!w || x64_fits_s32((int64_t)ts->imm)) {
            x64_rm(b, X64_OPC_MOV_EvIz | x64_w(w), 0, base, disp);
            x64_u32(b, (uint32_t)ts->imm);
        } else {
            x64_mov_ri(b, true, X64_TMP_REG, ts->imm);
            x64_rm(b, X64_OPC_MOV_EvGv | X64_P_W, X64_TMP_REG, base, disp);
        }
    }
}

void x64_ra_load_into(struct x64_gen *g, unsigned reg, unsigned t)
{
    struct x64_buf *b = x64_cur(g);
    if (is_env(g, t)) {
        x64_mov_rr(b, true, reg, X64_ENV_REG);
        return;
    }
    struct x64_temp *ts = &g->ts[t];
    unsigned base;
    int32_t disp;
    switch (ts->val) {
    case X64_VAL_REG:
        if (ts->reg != reg)
            x64_mov_rr(b, true, reg, ts->reg);
        break;
    case X64_VAL_CONST: x64_mov_ri(b, true, reg, ts->imm); break;
    case X64_VAL_MEM:
        home(g, t, &base, &disp);
        x64_rm(b, X64_OPC_MOV_GvEv | x64_w(x64_is64(g, t)), reg, base, disp);
        break;
    default: break; /* a dead value: any register contents will do */
    }
}

void x64_ra_sync(struct x64_gen *g, unsigned t)
{
    struct x64_temp *ts = &g->ts[t];
    if (is_env(g, t) || ts->mem_ok || ts->val == X64_VAL_DEAD)
        return;
    if (ts->val == X64_VAL_REG || ts->val == X64_VAL_CONST)
        x64_ra_store_value(g, t);
    ts->mem_ok = true;
}

/* Drops t's register; the value stays reachable in memory. */
static void spill(struct x64_gen *g, unsigned t)
{
    x64_ra_sync(g, t);
    struct x64_temp *ts = &g->ts[t];
    if (ts->val == X64_VAL_REG)
        g->reg_temp[ts->reg] = -1;
    ts->val = X64_VAL_MEM;
}

/* t's value is no longer needed (dead): a local is gone, a global's env copy
 * may be stale until the op that the liveness saw redefine it. */
static void kill(struct x64_gen *g, unsigned t)
{
    struct x64_temp *ts = &g->ts[t];
    if (is_env(g, t))
        return;
    if (ts->val == X64_VAL_REG)
        g->reg_temp[ts->reg] = -1;
    ts->val = is_global(g, t) ? X64_VAL_MEM : X64_VAL_DEAD;
    ts->mem_ok = is_global(g, t);
}

static const uint8_t *alloc_order(const struct x64_gen *g)
{
    return g->prefer_callee_saved ? order_callee_first : order_caller_first;
}

static int find_free(struct x64_gen *g, uint32_t allowed)
{
    const uint8_t *order = alloc_order(g);
    for (unsigned i = 0; i < sizeof(order_caller_first); i++) {
        unsigned r = order[i];
        if ((allowed >> r & 1) && g->reg_temp[r] < 0 && !(g->locked >> r & 1))
            return (int)r;
    }
    return -1;
}

/* A register from allowed, locked for the current op; evicts the value that
 * costs least (one already in memory) when none is free. Ops lock at most
 * seven of the thirteen registers, so an unlocked one always exists. */
int x64_ra_alloc(struct x64_gen *g, uint32_t allowed)
{
    allowed &= X64_REGS_ALLOC;
    int r = find_free(g, allowed);
    if (r < 0) {
        const uint8_t *order = alloc_order(g);
        for (unsigned pass = 0; pass < 2 && r < 0; pass++)
            for (unsigned i = 0; i < sizeof(order_caller_first) && r < 0; i++) {
                unsigned c = order[i];
                if (!(allowed >> c & 1) || (g->locked >> c & 1))
                    continue;
                if (pass == 1 || g->ts[g->reg_temp[c]].mem_ok)
                    r = (int)c;
            }
        if (r < 0)
            r = X64_RBX;
        spill(g, (unsigned)g->reg_temp[r]);
    }
    g->locked |= 1u << r;
    return r;
}

static void bind_reg(struct x64_gen *g, unsigned t, unsigned reg, bool mem_ok)
{
    struct x64_temp *ts = &g->ts[t];
    if (ts->val == X64_VAL_REG && ts->reg != reg)
        g->reg_temp[ts->reg] = -1;
    ts->val = X64_VAL_REG;
    ts->reg = (uint8_t)reg;
    ts->mem_ok = mem_ok;
    g->reg_temp[reg] = (int)t;
}

int x64_ra_in(struct x64_gen *g, unsigned t, uint32_t allowed)
{
    if (is_env(g, t))
        return X64_ENV_REG;
    struct x64_temp *ts = &g->ts[t];
    if (ts->val == X64_VAL_REG && (allowed >> ts->reg & 1)) {
        g->locked |= 1u << ts->reg;
        return ts->reg;
    }
    int r = x64_ra_alloc(g, allowed);
    x64_ra_load_into(g, (unsigned)r, t);
    bind_reg(g, t, (unsigned)r, ts->val == X64_VAL_DEAD ? false : ts->mem_ok);
    return r;
}

int x64_ra_operand(struct x64_gen *g, unsigned t, uint32_t allowed)
{
    uint64_t imm;
    if (!x64_ra_const(g, t, &imm))
        return x64_ra_in(g, t, allowed);
    int r = x64_ra_alloc(g, allowed);
    x64_mov_ri(x64_cur(g), true, (unsigned)r, imm);
    return r;
}

/* The register of input args[arg] = t when t dies here: it becomes the
 * op's scratch (locked, no longer t's). -1 when t lives on or is not in an
 * allowed register. */
int x64_ra_steal(struct x64_gen *g, unsigned t, unsigned arg, uint32_t allowed)
{
    struct x64_temp *ts = &g->ts[t];
    if (is_env(g, t) || !x64_op_dead(g, arg) || ts->val != X64_VAL_REG || !(allowed >> ts->reg & 1))
        return -1;
    int r = ts->reg;
    kill(g, t);
    g->locked |= 1u << r;
    return r;
}

/* Frees reg for a fixed use (shift counts, mul), moving its value away. */
void x64_ra_claim(struct x64_gen *g, unsigned reg)
{
    int t = g->reg_temp[reg];
    if (t >= 0) {
        bool was_locked = g->locked >> reg & 1;
        g->locked |= 1u << reg;
        int r = find_free(g, X64_REGS_ALLOC);
        if (r >= 0) {
            x64_mov_rr(x64_cur(g), true, (unsigned)r, reg);
            bind_reg(g, (unsigned)t, (unsigned)r, g->ts[t].mem_ok);
            if (was_locked)
                g->locked |= 1u << r;
        } else {
            spill(g, (unsigned)t);
        }
    }
    g->locked |= 1u << reg;
}

void x64_ra_bind(struct x64_gen *g, unsigned t, unsigned reg)
{
    bind_reg(g, t, reg, false);
    g->locked |= 1u << reg;
}

void x64_ra_bind_const(struct x64_gen *g, unsigned t, uint64_t imm)
{
    struct x64_temp *ts = &g->ts[t];
    if (ts->val == X64_VAL_REG)
        g->reg_temp[ts->reg] = -1;
    ts->val = X64_VAL_CONST;
    ts->imm = imm;
    ts->mem_ok = false;
    if (!ts->listed) {
        ts->listed = true;
        g->clist[g->nclist++] = (uint16_t)t;
    }
}

void x64_ra_end_op(struct x64_gen *g)
{
    g->locked = 0;
}

void x64_ra_sync_globals(struct x64_gen *g)
{
    for (unsigned t = 0; t < g->env->nglobals; t++)
        x64_ra_sync(g, t);
}

void x64_ra_forget_global(struct x64_gen *g, unsigned t)
{
    struct x64_temp *ts = &g->ts[t];
    if (ts->val == X64_VAL_REG)
        g->reg_temp[ts->reg] = -1;
    ts->val = X64_VAL_MEM;
    ts->mem_ok = true;
}

void x64_ra_forget_globals(struct x64_gen *g)
{
    for (unsigned t = 0; t < g->env->nglobals; t++)
        x64_ra_forget_global(g, t);
}

static bool dies_here(const struct x64_gen *g, unsigned t);

/* Before a call: values in caller-saved registers that are needed after it
 * move to free callee-saved ones, or to memory. Inputs dying at the call stay
 * where they are for x64_ra_call_args, and so do globals when the call writes
 * globals (they are in env already and dropped after it). */
void x64_ra_free_caller_saved(struct x64_gen *g, bool globals_dropped)
{
    for (unsigned r = 0; r < 16; r++) {
        int t = g->reg_temp[r];
        if (t < 0 || !(X64_REGS_CALLER_SAVED >> r & 1) || dies_here(g, (unsigned)t) ||
            (globals_dropped && is_global(g, (unsigned)t)))
            continue;
        int to = find_free(g, X64_REGS_CALLEE_SAVED);
        if (to >= 0) {
            x64_mov_rr(x64_cur(g), true, (unsigned)to, r);
            bind_reg(g, (unsigned)t, (unsigned)to, g->ts[t].mem_ok);
        } else {
            spill(g, (unsigned)t);
        }
    }
}

static bool dies_here(const struct x64_gen *g, unsigned t)
{
    const struct ir_op *op = g->op;
    for (unsigned k = op->nout; k < ir_op_ntemps(op); k++)
        if (op->args[k] == t && x64_op_dead(g, k))
            return true;
    return false;
}

/* Values not in memory are in registers or constants: only those, and the
 * globals, need looking at where blocks of code meet. */
static void bb_sync(struct x64_gen *g, unsigned t)
{
    if (is_global(g, t) || !dies_here(g, t))
        x64_ra_sync(g, t);
}

/* End of a basic block: every value a label may need goes to memory. */
void x64_ra_bb_end(struct x64_gen *g)
{
    x64_ra_sync_globals(g);
    for (unsigned r = 0; r < 16; r++)
        if (g->reg_temp[r] >= 0)
            bb_sync(g, (unsigned)g->reg_temp[r]);
    unsigned n = 0;
    for (unsigned i = 0; i < g->nclist; i++) {
        unsigned t = g->clist[i];
        if (g->ts[t].val != X64_VAL_CONST) {
            g->ts[t].listed = false;
            continue;
        }
        bb_sync(g, t);
        g->clist[n++] = (uint16_t)t;
    }
    g->nclist = n;
}

/* A local leaving a register or constant at a label: in its slot if it has one. */
static void to_memory(struct x64_gen *g, unsigned t)
{
    struct x64_temp *ts = &g->ts[t];
    if (ts->val == X64_VAL_REG)
        g->reg_temp[ts->reg] = -1;
    bool in_mem = is_global(g, t) || ts->slot >= 0;
    ts->val = in_mem ? X64_VAL_MEM : X64_VAL_DEAD;
    ts->mem_ok = in_mem;
}

/* At a label: values are in memory, registers empty. */
void x64_ra_label(struct x64_gen *g)
{
    for (unsigned r = 0; r < 16; r++)
        if (g->reg_temp[r] >= 0)
            to_memory(g, (unsigned)g->reg_temp[r]);
    for (unsigned i = 0; i < g->nclist; i++) {
        unsigned t = g->clist[i];
        g->ts[t].listed = false;
        if (g->ts[t].val == X64_VAL_CONST)
            to_memory(g, t);
    }
    g->nclist = 0;
    for (unsigned t = 0; t < g->env->nglobals; t++)
        to_memory(g, t);
    /* Also the locals that died on the path falling in: another path may
     * bring them here live (in their slot). */
    for (unsigned s = 0; s < g->nslots; s++)
        to_memory(g, g->slot_temp[s]);
}

void x64_ra_free_dead_inputs(struct x64_gen *g)
{
    const struct ir_op *op = g->op;
    for (unsigned k = op->nout; k < ir_op_ntemps(op); k++)
        if (x64_op_dead(g, k))
            kill(g, op->args[k]);
}

void x64_ra_free_dead_outputs(struct x64_gen *g)
{
    const struct ir_op *op = g->op;
    for (unsigned k = 0; k < op->nout; k++) {
        bool live_twin = false; /* mulu2 lo, hi naming one temp: the liveness marks one */
        for (unsigned j = 0; j < op->nout; j++)
            live_twin |= j != k && op->args[j] == op->args[k] && !x64_op_dead(g, j);
        if (x64_op_dead(g, k) && !live_twin)
            kill(g, op->args[k]);
    }
}

/* Arguments into their ABI registers: a parallel move of the ones held in
 * registers (cycles broken through r11), then the constants and memory
 * values. src[i] < 0 means the immediate imm[i]. */
void x64_ra_call_args(struct x64_gen *g, unsigned n, const uint8_t *dst, const int *src,
                      const uint64_t *imm)
{
    struct x64_buf *b = x64_cur(g);
    int from[IR_HELPER_MAX_ARGS + 2];
    for (unsigned i = 0; i < n; i++) {
        from[i] = -1;
        if (src[i] >= 0 && is_env(g, (unsigned)src[i]))
            from[i] = X64_ENV_REG;
        else if (src[i] >= 0 && g->ts[src[i]].val == X64_VAL_REG)
            from[i] = g->ts[src[i]].reg;
    }
    for (;;) {
        bool left = false, progress = false;
        for (unsigned i = 0; i < n; i++) {
            if (from[i] < 0)
                continue;
            bool blocked = false;
            for (unsigned j = 0; j < n; j++)
                blocked |= j != i && from[j] == dst[i];
            if (from[i] == dst[i] || !blocked) {
                if (from[i] != dst[i])
                    x64_mov_rr(b, true, dst[i], (unsigned)from[i]);
                from[i] = -1;
                progress = true;
            } else {
                left = true;
            }
        }
        if (!left)
            break;
        if (!progress) {
            /* A cycle: park one target's current value in r11. */
            unsigned i = 0;
            while (from[i] < 0)
                i++;
            x64_mov_rr(b, true, X64_TMP_REG, dst[i]);
            for (unsigned j = 0; j < n; j++)
                if (from[j] == dst[i])
                    from[j] = X64_TMP_REG;
        }
    }
    for (unsigned i = 0; i < n; i++) {
        if (src[i] < 0)
            x64_mov_ri(b, true, dst[i], imm[i]);
        else if (!is_env(g, (unsigned)src[i]) && g->ts[src[i]].val != X64_VAL_REG)
            x64_ra_load_into(g, dst[i], (unsigned)src[i]);
    }
}
