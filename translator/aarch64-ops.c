/* A64 code for each IR op (ir-ops.def), one small function per op kind picked
 * from a table. Semantics are those of ir-eval.h: i32 values stay
 * zero-extended in X registers, which every W-form instruction guarantees
 * (Arm ARM C1.2.5: writes to a W register clear bits 63:32). */
#include "aarch64-internal.h"
#include "ir-eval.h"

static unsigned in_t(const struct ir_op *op, unsigned i)
{
    return ir_op_in(op, i);
}

#define ALLOC A64_REGS_ALLOC

/* Helper arguments: x0..x7 (AAPCS64 §6.8.2). */
static const uint8_t abi_args[IR_HELPER_MAX_ARGS + 2] = {0, 1, 2, 3, 4, 5, 6, 7};

static int new_reg(struct a64_gen *g)
{
    return ra_alloc(&g->ra, ALLOC);
}

/* The register of input args[arg] when it dies here and is no other input
 * of the op: it becomes the op's output register. -1 otherwise. */
static int steal(struct a64_gen *g, unsigned arg)
{
    const struct ir_op *op = g->ra.op;
    for (unsigned k = op->nout; k < ir_op_ntemps(op); k++)
        if (k != arg && op->args[k] == op->args[arg])
            return -1;
    return ra_steal(&g->ra, arg, ALLOC);
}

static unsigned reg_of(struct a64_gen *g, unsigned arg)
{
    return (unsigned)ra_in(&g->ra, g->ra.op->args[arg], ALLOC);
}

/* The output register: a dying input's (one instruction reads its inputs
 * before writing), else a fresh one. Call after the inputs are in registers. */
static unsigned out_reg(struct a64_gen *g)
{
    const struct ir_op *op = g->ra.op;
    for (unsigned k = op->nout; k < ir_op_ntemps(op); k++) {
        int r = steal(g, k);
        if (r >= 0)
            return (unsigned)r;
    }
    return (unsigned)new_reg(g);
}

static void finish_reg(struct a64_gen *g, unsigned t, unsigned reg)
{
    ra_free_dead_inputs(&g->ra);
    ra_bind(&g->ra, t, reg);
    ra_free_dead_outputs(&g->ra);
}

/* Pure op on constant inputs: computed now, with the interpreter's code. */
static bool fold(struct a64_gen *g, const struct ir_op *op)
{
    if (!(ir_op_flags(op) & IR_OPF_PURE))
        return false;
    uint64_t in[4] = {0}, out[2];
    for (unsigned i = 0; i < op->nin; i++)
        if (!ra_const(&g->ra, in_t(op, i), &in[i]))
            return false;
    ir_eval_pure(op, in, out);
    ra_free_dead_inputs(&g->ra);
    for (unsigned o = 0; o < op->nout; o++)
        ra_bind_const(&g->ra, op->args[o], out[o]);
    ra_free_dead_outputs(&g->ra);
    return true;
}

/* The output joins the input's register: no instruction (env, in x19 only,
 * is copied). */
static void gen_mov(struct a64_gen *g, const struct ir_op *op)
{
    if (op->args[0] == op->args[1]) { /* the liveness sees the input die: keep it */
        ra_free_dead_outputs(&g->ra);
        return;
    }
    unsigned s = reg_of(g, 1);
    if (op->args[1] == g->ra.env->nglobals) {
        unsigned r = (unsigned)new_reg(g);
        a64_mov(a64_cur(g), true, r, s);
        finish_reg(g, op->args[0], r);
        return;
    }
    ra_bind_copy(&g->ra, op->args[0], op->args[1]);
    ra_free_dead_inputs(&g->ra);
    ra_free_dead_outputs(&g->ra);
}

static void gen_movi(struct a64_gen *g, const struct ir_op *op)
{
    ra_bind_const(&g->ra, op->args[0], ir_canon((enum ir_type)op->type, op->cargs[0]));
    ra_free_dead_outputs(&g->ra);
}

/* ---- arithmetic and logic ---- */

static const uint32_t rrr_of[IR_OP_COUNT] = {
    [IR_OP_add] = A64_ADD_R, [IR_OP_sub] = A64_SUB_R, [IR_OP_and] = A64_AND_R,
    [IR_OP_or] = A64_ORR_R,  [IR_OP_xor] = A64_EOR_R, [IR_OP_shl] = A64_LSLV,
    [IR_OP_shr] = A64_LSRV,  [IR_OP_sar] = A64_ASRV,  [IR_OP_rotr] = A64_RORV,
    [IR_OP_rotl] = A64_RORV,
};
static const uint32_t logic_imm_of[IR_OP_COUNT] = {
    [IR_OP_and] = A64_AND_I, [IR_OP_or] = A64_ORR_I, [IR_OP_xor] = A64_EOR_I};

/* y as an immediate operand of op: add/sub imm12 (either sign), logical
 * bitmask immediates. */
static bool alu_imm(struct a64_gen *g, const struct ir_op *op, unsigned y, uint32_t *insn,
                    uint64_t *imm)
{
    bool w = op->type == IR_I64;
    uint64_t v;
    if (!ra_const(&g->ra, y, &v))
        return false;
    if (op->opc == IR_OP_add || op->opc == IR_OP_sub) {
        uint64_t neg = w ? -v : (uint32_t)-v;
        bool add = op->opc == IR_OP_add;
        if (a64_fits_addimm(v)) {
            *insn = add ? A64_ADD_I : A64_SUB_I;
            *imm = v;
            return true;
        }
        if (a64_fits_addimm(neg)) {
            *insn = add ? A64_SUB_I : A64_ADD_I;
            *imm = neg;
            return true;
        }
        return false;
    }
    uint32_t fields;
    if (!a64_logic_imm(v, w, &fields))
        return false;
    *insn = logic_imm_of[op->opc];
    *imm = fields;
    return true;
}

static void gen_alu(struct a64_gen *g, const struct ir_op *op)
{
    bool w = op->type == IR_I64;
    unsigned ax = 1, ay = 2;
    uint64_t c;
    if (op->opc != IR_OP_sub && ra_const(&g->ra, op->args[1], &c) &&
        !ra_const(&g->ra, op->args[2], &c)) {
        ax = 2; /* commutative: the constant goes second */
        ay = 1;
    }
    uint32_t insn;
    uint64_t imm;
    struct a64_buf *b = a64_cur(g);
    if (alu_imm(g, op, op->args[ay], &insn, &imm)) {
        unsigned rx = reg_of(g, ax), r = out_reg(g);
        if (insn == A64_ADD_I || insn == A64_SUB_I)
            a64_addsub_i(b, insn, w, r, rx, imm);
        else
            a64_logic_i(b, insn, w, r, rx, (uint32_t)imm);
        finish_reg(g, op->args[0], r);
        return;
    }
    unsigned rx = reg_of(g, ax), ry = reg_of(g, ay), r = out_reg(g);
    a64_rrr(b, rrr_of[op->opc], w, r, rx, ry);
    finish_reg(g, op->args[0], r);
}

static void gen_mul(struct a64_gen *g, const struct ir_op *op)
{
    unsigned rx = reg_of(g, 1), ry = reg_of(g, 2), r = out_reg(g);
    a64_rrrr(a64_cur(g), A64_MADD, op->type == IR_I64, r, rx, ry, A64_ZR);
    finish_reg(g, op->args[0], r);
}

static void gen_unary(struct a64_gen *g, const struct ir_op *op)
{
    bool w = op->type == IR_I64;
    unsigned s = reg_of(g, 1), r = out_reg(g);
    struct a64_buf *b = a64_cur(g);
    switch (op->opc) {
    case IR_OP_not: a64_rrr(b, A64_ORN_R, w, r, A64_ZR, s); break;
    case IR_OP_neg: a64_rrr(b, A64_SUB_R, w, r, A64_ZR, s); break;
    default: a64_rr(b, w ? A64_REV64 : A64_REV32, false, r, s); break; /* bswap */
    }
    finish_reg(g, op->args[0], r);
}

/* Shifts by a constant: UBFM/SBFM aliases (LSL, LSR, ASR) and EXTR (ROR). */
static void shift_imm(struct a64_buf *b, unsigned opc, bool w, unsigned r, unsigned s, unsigned n)
{
    unsigned width = w ? 64 : 32;
    if (n == 0) {
        a64_mov(b, w, r, s);
        return;
    }
    switch (opc) {
    case IR_OP_shl: a64_bfm(b, A64_UBFM, w, r, s, width - n, width - 1 - n); break;
    case IR_OP_shr: a64_bfm(b, A64_UBFM, w, r, s, n, width - 1); break;
    case IR_OP_sar: a64_bfm(b, A64_SBFM, w, r, s, n, width - 1); break;
    case IR_OP_rotr: a64_extr(b, w, r, s, s, n); break;
    default: a64_extr(b, w, r, s, s, width - n); break; /* rotl */
    }
}

/* The A64 variable shifts take the count modulo the width, like the IR. */
static void gen_shift(struct a64_gen *g, const struct ir_op *op)
{
    bool w = op->type == IR_I64;
    uint64_t n;
    struct a64_buf *b = a64_cur(g);
    if (ra_const(&g->ra, op->args[2], &n)) {
        unsigned s = reg_of(g, 1), r = out_reg(g);
        shift_imm(b, op->opc, w, r, s, (unsigned)n & (w ? 63 : 31));
        finish_reg(g, op->args[0], r);
        return;
    }
    unsigned s = reg_of(g, 1), cnt = reg_of(g, 2), r = out_reg(g);
    if (op->opc == IR_OP_rotl) {
        a64_rrr(b, A64_SUB_R, w, A64_TMP_REG, A64_ZR, cnt);
        cnt = A64_TMP_REG;
    }
    a64_rrr(b, rrr_of[op->opc], w, r, s, cnt);
    finish_reg(g, op->args[0], r);
}

/* Extensions and width changes: bitfield moves of the low bits. */
static void gen_ext(struct a64_gen *g, const struct ir_op *op)
{
    bool w = op->type == IR_I64;
    unsigned s = reg_of(g, 1), r = out_reg(g);
    struct a64_buf *b = a64_cur(g);
    switch (op->opc) {
    case IR_OP_ext8s: a64_bfm(b, A64_SBFM, w, r, s, 0, 7); break;
    case IR_OP_ext8u: a64_bfm(b, A64_UBFM, false, r, s, 0, 7); break;
    case IR_OP_ext16s: a64_bfm(b, A64_SBFM, w, r, s, 0, 15); break;
    case IR_OP_ext16u: a64_bfm(b, A64_UBFM, false, r, s, 0, 15); break;
    case IR_OP_ext32s:
    case IR_OP_exts_i32_i64:
        if (w)
            a64_bfm(b, A64_SBFM, true, r, s, 0, 31);
        else
            a64_mov(b, false, r, s);
        break;
    case IR_OP_extrh_i64_i32: a64_bfm(b, A64_UBFM, true, r, s, 32, 63); break;
    default: a64_mov(b, false, r, s); break; /* ext32u, extu, extrl: low half */
    }
    finish_reg(g, op->args[0], r);
}

/* base with val[0, len) at pos: BFI (BFM with immr = -pos mod width). */
static void gen_deposit(struct a64_gen *g, const struct ir_op *op)
{
    bool w = op->type == IR_I64;
    unsigned width = w ? 64 : 32, pos = (unsigned)op->cargs[0], len = (unsigned)op->cargs[1];
    unsigned rv = reg_of(g, 2);
    if (len >= width) {
        unsigned r = out_reg(g);
        a64_mov(a64_cur(g), w, r, rv);
        finish_reg(g, op->args[0], r);
        return;
    }
    unsigned rb = reg_of(g, 1);
    int r = steal(g, 1);
    struct a64_buf *b = a64_cur(g);
    if (r < 0) {
        r = new_reg(g);
        a64_mov(b, true, (unsigned)r, rb);
    }
    a64_bfm(b, A64_BFM, w, (unsigned)r, rv, (width - pos) % width, len - 1);
    finish_reg(g, op->args[0], (unsigned)r);
}

/* (s >> pos) & mask(len), or its sign extension: UBFX/SBFX. */
static void gen_extract(struct a64_gen *g, const struct ir_op *op)
{
    bool w = op->type == IR_I64, sign = op->opc == IR_OP_sextract;
    unsigned pos = (unsigned)op->cargs[0], len = (unsigned)op->cargs[1];
    unsigned width = w ? 64 : 32;
    if (len > width - pos)
        len = width - pos;
    unsigned s = reg_of(g, 1), r = out_reg(g);
    a64_bfm(a64_cur(g), sign ? A64_SBFM : A64_UBFM, w, r, s, pos, pos + len - 1);
    finish_reg(g, op->args[0], r);
}

/* Double-width products, each half computed only when used. i64: MUL for
 * the low half, UMULH/SMULH for the high one. i32: a 32-bit MUL when only
 * the low half is used, else one UMULL/SMULL, then the halves of the 64-bit
 * product. mulu2 naming one temp twice leaves the high half in it. */
static void gen_mul2(struct a64_gen *g, const struct ir_op *op)
{
    bool sign = op->opc == IR_OP_muls2;
    unsigned lo_t = op->args[0], hi_t = op->args[1];
    bool need_lo = !ra_op_dead(&g->ra, 0) && lo_t != hi_t;
    bool need_hi = !ra_op_dead(&g->ra, 1) || lo_t == hi_t;
    struct a64_buf *b = a64_cur(g);
    unsigned x = reg_of(g, 2), y = reg_of(g, 3);
    unsigned lo = need_lo ? (unsigned)new_reg(g) : 0, hi = need_hi ? (unsigned)new_reg(g) : 0;
    if (op->type == IR_I64) {
        if (need_hi)
            a64_rrrr(b, sign ? A64_SMULH : A64_UMULH, false, hi, x, y, A64_ZR);
        if (need_lo)
            a64_rrrr(b, A64_MADD, true, lo, x, y, A64_ZR);
    } else if (!need_hi) {
        if (need_lo)
            a64_rrrr(b, A64_MADD, false, lo, x, y, A64_ZR);
    } else {
        a64_rrrr(b, sign ? A64_SMADDL : A64_UMADDL, false, hi, x, y, A64_ZR);
        if (need_lo)
            a64_mov(b, false, lo, hi);
        a64_bfm(b, A64_UBFM, true, hi, hi, 32, 63);
    }
    ra_free_dead_inputs(&g->ra);
    if (need_lo)
        ra_bind(&g->ra, lo_t, lo);
    if (need_hi)
        ra_bind(&g->ra, hi_t, hi);
    ra_free_dead_outputs(&g->ra);
}

/* ---- comparisons ---- */

static const uint8_t cc_of[IR_COND_COUNT] = {
    [IR_COND_EQ] = A64_EQ,  [IR_COND_NE] = A64_NE,    [IR_COND_LT] = A64_LT,
    [IR_COND_GE] = A64_GE,  [IR_COND_LE] = A64_LE,    [IR_COND_GT] = A64_GT,
    [IR_COND_LTU] = A64_LO, [IR_COND_GEU] = A64_HS,   [IR_COND_LEU] = A64_LS,
    [IR_COND_GTU] = A64_HI, [IR_COND_TSTEQ] = A64_EQ, [IR_COND_TSTNE] = A64_NE,
};

static const uint8_t cond_swapped[IR_COND_COUNT] = {
    [IR_COND_NEVER] = IR_COND_NEVER, [IR_COND_ALWAYS] = IR_COND_ALWAYS, [IR_COND_EQ] = IR_COND_EQ,
    [IR_COND_NE] = IR_COND_NE,       [IR_COND_LT] = IR_COND_GT,         [IR_COND_GE] = IR_COND_LE,
    [IR_COND_LE] = IR_COND_GE,       [IR_COND_GT] = IR_COND_LT,         [IR_COND_LTU] = IR_COND_GTU,
    [IR_COND_GEU] = IR_COND_LEU,     [IR_COND_LEU] = IR_COND_GEU,       [IR_COND_GTU] = IR_COND_LTU,
    [IR_COND_TSTEQ] = IR_COND_TSTEQ, [IR_COND_TSTNE] = IR_COND_TSTNE,
};

/* Sets the flags for (x c y) and returns the A64 condition that holds when
 * it is true. Operands get their registers before anything is emitted that
 * the allocator could put between. */
static unsigned emit_cmp(struct a64_gen *g, bool w, enum ir_cond c, unsigned x, unsigned y)
{
    uint64_t v;
    if (ra_const(&g->ra, x, &v) && !ra_const(&g->ra, y, &v)) {
        unsigned s = x;
        x = y;
        y = s;
        c = (enum ir_cond)cond_swapped[c];
    }
    bool test = c == IR_COND_TSTEQ || c == IR_COND_TSTNE;
    unsigned rx = (unsigned)ra_in(&g->ra, x, ALLOC);
    struct a64_buf *b = a64_cur(g);
    if (ra_const(&g->ra, y, &v)) {
        uint32_t fields;
        uint64_t neg = w ? -v : (uint32_t)-v;
        if (test && a64_logic_imm(v, w, &fields)) {
            a64_logic_i(b, A64_ANDS_I, w, A64_ZR, rx, fields);
            return cc_of[c];
        }
        if (!test && a64_fits_addimm(v)) {
            a64_addsub_i(b, A64_SUBS_I, w, A64_ZR, rx, v);
            return cc_of[c];
        }
        if (!test && a64_fits_addimm(neg)) {
            a64_addsub_i(b, A64_ADDS_I, w, A64_ZR, rx, neg);
            return cc_of[c];
        }
    }
    unsigned ry = (unsigned)ra_in(&g->ra, y, ALLOC);
    a64_rrr(a64_cur(g), test ? A64_ANDS_R : A64_SUBS_R, w, A64_ZR, rx, ry);
    return cc_of[c];
}

static void gen_setcond(struct a64_gen *g, const struct ir_op *op)
{
    enum ir_cond c = (enum ir_cond)op->cargs[0];
    if (c == IR_COND_NEVER || c == IR_COND_ALWAYS) {
        ra_free_dead_inputs(&g->ra);
        ra_bind_const(&g->ra, op->args[0], c == IR_COND_ALWAYS);
        ra_free_dead_outputs(&g->ra);
        return;
    }
    unsigned cc = emit_cmp(g, op->type == IR_I64, c, op->args[1], op->args[2]);
    unsigned r = out_reg(g);
    /* CSET r, cc = CSINC r, zr, zr, !cc */
    a64_put(a64_cur(g), A64_CSINC | A64_ZR << 16 | (cc ^ 1) << 12 | A64_ZR << 5 | r);
    finish_reg(g, op->args[0], r);
}

static void gen_movcond(struct a64_gen *g, const struct ir_op *op)
{
    enum ir_cond c = (enum ir_cond)op->cargs[0];
    bool w = op->type == IR_I64;
    if (c == IR_COND_NEVER || c == IR_COND_ALWAYS) {
        unsigned s = reg_of(g, c == IR_COND_ALWAYS ? 3 : 4), r = out_reg(g);
        a64_mov(a64_cur(g), true, r, s);
        finish_reg(g, op->args[0], r);
        return;
    }
    unsigned rt = reg_of(g, 3), rf = reg_of(g, 4);
    unsigned cc = emit_cmp(g, w, c, op->args[1], op->args[2]);
    unsigned r = out_reg(g);
    a64_put(a64_cur(g), A64_CSEL | a64_sf(w) | rf << 16 | cc << 12 | rt << 5 | r);
    finish_reg(g, op->args[0], r);
}

/* ---- control flow inside the block ---- */

static void gen_br(struct a64_gen *g, const struct ir_op *op)
{
    ra_bb_end(&g->ra);
    a64_branch(g, -1, (unsigned)op->cargs[0]);
}

static void gen_brcond(struct a64_gen *g, const struct ir_op *op)
{
    enum ir_cond c = (enum ir_cond)op->cargs[0];
    uint64_t a, bv;
    unsigned x = op->args[0], y = op->args[1];
    if (ra_const(&g->ra, x, &a) && ra_const(&g->ra, y, &bv))
        c = ir_eval_cond(c, (enum ir_type)op->type, a, bv) ? IR_COND_ALWAYS : IR_COND_NEVER;
    if (c == IR_COND_NEVER) {
        ra_free_dead_inputs(&g->ra);
        return;
    }
    if (c == IR_COND_ALWAYS) {
        ra_bb_end(&g->ra);
        a64_branch(g, -1, (unsigned)op->cargs[1]);
        ra_free_dead_inputs(&g->ra);
        return;
    }
    /* Operands into registers first, then the syncs (which only store),
     * then the compare right before the branch. */
    ra_in(&g->ra, x, ALLOC);
    uint64_t v;
    if (!ra_const(&g->ra, y, &v))
        ra_in(&g->ra, y, ALLOC);
    ra_bb_end(&g->ra);
    unsigned cc = emit_cmp(g, op->type == IR_I64, c, x, y);
    a64_branch(g, (int)cc, (unsigned)op->cargs[1]);
    ra_free_dead_inputs(&g->ra);
}

static void gen_set_label(struct a64_gen *g, const struct ir_op *op)
{
    if (g->nb.reachable)
        ra_bb_end(&g->ra);
    a64_bind_label(g, (unsigned)op->cargs[0]);
    ra_label(&g->ra);
}

/* ---- env fields ---- */

static void env_overlap(struct a64_gen *g, uint64_t off, unsigned size, bool store)
{
    for (unsigned t = 0; t < g->ra.env->nglobals; t++) {
        if (!ir_global_overlaps(g->ra.env, t, off, size))
            continue;
        if (store)
            ra_forget_global(&g->ra, t);
        else
            ra_sync(&g->ra, t);
    }
}

/* The load opc that extends a memop's size to type t (ir_eval_load_ext). */
static unsigned load_opc(enum ir_type t, unsigned memop, unsigned *size)
{
    *size = ir_memop_size(memop);
    if (*size == IR_MO_64 && t == IR_I32)
        *size = IR_MO_32;
    if (!ir_memop_signed(memop) || *size == IR_MO_64 || (*size == IR_MO_32 && t == IR_I32))
        return A64_LDST_LDR;
    return t == IR_I64 ? A64_LDST_LDRS64 : A64_LDST_LDRS32;
}

/* r = the 64-bit value in r extended as memop says for type t. */
static void extend_loaded(struct a64_buf *b, enum ir_type t, unsigned memop, unsigned r)
{
    unsigned size = ir_memop_size(memop), bits = 8u << size;
    bool w = t == IR_I64;
    if (size == IR_MO_64)
        a64_mov(b, w, r, r);
    else if (ir_memop_signed(memop))
        a64_bfm(b, A64_SBFM, w, r, r, 0, bits - 1);
    else
        a64_bfm(b, A64_UBFM, w, r, r, 0, bits - 1);
}

static void gen_ld(struct a64_gen *g, const struct ir_op *op)
{
    unsigned memop = (unsigned)op->cargs[1], size;
    env_overlap(g, op->cargs[0], 1u << ir_memop_size(memop), false);
    unsigned r = (unsigned)new_reg(g);
    unsigned opc = load_opc((enum ir_type)op->type, memop, &size);
    a64_ldst(g, size, opc, r, A64_ENV_REG, op->cargs[0]);
    finish_reg(g, op->args[0], r);
}

static void gen_st(struct a64_gen *g, const struct ir_op *op)
{
    unsigned size = ir_memop_size((unsigned)op->cargs[1]);
    uint64_t v;
    unsigned r = ra_const(&g->ra, op->args[0], &v) && v == 0 ? A64_ZR : reg_of(g, 0);
    env_overlap(g, op->cargs[0], 1u << size, false);
    a64_ldst(g, size, A64_LDST_STR, r, A64_ENV_REG, op->cargs[0]);
    env_overlap(g, op->cargs[0], 1u << size, true);
    ra_free_dead_inputs(&g->ra);
}

/* ---- calls ---- */

static void record_site(struct a64_gen *g)
{
    unsigned i = (unsigned)(g->ra.op - g->ra.b->ops);
    g->nb.site_sec[i] = (int8_t)g->sec;
    g->nb.site_off[i] = (uint32_t)a64_cur(g)->len;
}

static void gen_call(struct a64_gen *g, const struct ir_op *op)
{
    const struct ir_helper *h = &g->ra.env->helpers[op->cargs[0]];
    bool raise = ir_op_may_raise(g->ra.b, op), writes = ir_op_writes_globals(g->ra.b, op);
    if (raise || writes || ir_op_reads_globals(g->ra.b, op))
        ra_sync_globals(&g->ra);
    ra_free_caller_saved(&g->ra, writes);
    int src[IR_HELPER_MAX_ARGS];
    for (unsigned i = 0; i < op->nin; i++)
        src[i] = (int)in_t(op, i);
    ra_call_args(&g->ra, op->nin, abi_args, src, NULL);
    a64_call_abs(g, (const void *)h->fn, raise);
    if (raise)
        record_site(g);
    /* The inputs dying here were in clobbered registers. */
    ra_free_dead_inputs(&g->ra);
    if (writes)
        ra_forget_globals(&g->ra);
    if (!op->nout)
        return;
    /* AAPCS64 leaves bits 63:32 of a 32-bit result unspecified. */
    if (h->ret == IR_HT_I32 || op->type == IR_I32)
        a64_mov(a64_cur(g), false, 0, 0);
    g->ra.locked |= 1u;
    finish_reg(g, op->args[0], 0);
}

/* Guest memory through the callbacks: load(opaque, env, addr, memop),
 * store(opaque, env, addr, val, memop). */
static void gen_guest_call(struct a64_gen *g, const struct ir_op *op)
{
    bool load = op->opc == IR_OP_guest_ld;
    unsigned memop = (unsigned)op->cargs[0];
    const struct ir_mem_ops *mem = &g->ra.env->mem;
    ra_sync_globals(&g->ra);
    ra_free_caller_saved(&g->ra, false);
    int env_t = (int)g->ra.env->nglobals;
    int src[5] = {-1, env_t, op->args[1], load ? -1 : op->args[0], -1};
    uint64_t imm[5] = {(uintptr_t)mem->opaque, 0, 0, load ? memop : 0, memop};
    ra_call_args(&g->ra, load ? 4 : 5, abi_args, src, imm);
    a64_call_abs(g, load ? (const void *)mem->load : (const void *)mem->store, true);
    record_site(g);
    ra_free_dead_inputs(&g->ra);
    if (!load)
        return;
    extend_loaded(a64_cur(g), (enum ir_type)op->type, memop, 0);
    g->ra.locked |= 1u;
    finish_reg(g, op->args[0], 0);
}

/* ---- guest memory: inline TLB fast path (ir.h struct ir_tlb) ---- */

/* Caller-saved registers the slow path must preserve: those whose values
 * are needed after the op. */
static uint32_t live_caller_saved(const struct a64_gen *g, int except)
{
    uint32_t m = ra_live_after(&g->ra) & A64_REGS_CALLER_SAVED;
    return except >= 0 ? m & ~(1u << except) : m;
}

static void save_regs(struct a64_gen *g, uint32_t m, bool restore)
{
    for (unsigned r = 0; r < 16; r++)
        if (m >> r & 1)
            a64_ldst(g, 3, restore ? A64_LDST_LDR : A64_LDST_STR, r, A64_SP, A64_SAVE_OFF + 8 * r);
}

static void move_to(struct a64_buf *b, unsigned dst, unsigned src)
{
    if (dst != src)
        a64_mov(b, true, dst, src);
}

/* The address into x2 and a store's value into x3, as one parallel move. */
static void slow_args(struct a64_buf *b, bool load, unsigned ra, unsigned rv)
{
    if (load || rv != 2) {
        move_to(b, 2, ra);
        if (!load)
            move_to(b, 3, rv);
        return;
    }
    if (ra == 3) {
        a64_mov(b, true, A64_TMP_REG, ra);
        ra = A64_TMP_REG;
    }
    move_to(b, 3, rv);
    move_to(b, 2, ra);
}

static void emit_slow_path(struct a64_gen *g, const struct ir_op *op, unsigned ra, unsigned rv,
                           int rd, unsigned entry, unsigned done)
{
    bool load = op->opc == IR_OP_guest_ld;
    unsigned memop = (unsigned)op->cargs[0];
    const struct ir_mem_ops *mem = &g->ra.env->mem;
    g->sec = A64_SEC_COLD;
    struct a64_buf *b = a64_cur(g);
    a64_bind_label(g, entry);
    for (unsigned t = 0; t < g->ra.env->nglobals; t++)
        if (!g->ra.ts[t].mem_ok)
            ra_store_value(&g->ra, t);
    ra_drop_idle_globals(&g->ra);
    uint32_t saved = live_caller_saved(g, rd);
    save_regs(g, saved, false);
    slow_args(b, load, ra, rv);
    a64_movi(b, true, 0, (uintptr_t)mem->opaque);
    a64_mov(b, true, 1, A64_ENV_REG);
    a64_movi(b, true, load ? 3 : 4, memop);
    a64_call_abs(g, load ? (const void *)mem->load : (const void *)mem->store, true);
    record_site(g);
    if (load) {
        extend_loaded(b, (enum ir_type)op->type, memop, 0);
        if (rd != 0)
            a64_mov(b, true, (unsigned)rd, 0);
    }
    save_regs(g, saved, true);
    a64_branch(g, -1, done);
    g->sec = A64_SEC_MAIN;
}

static void gen_guest_tlb(struct a64_gen *g, const struct ir_op *op)
{
    const struct ir_tlb *tlb = g->tlb;
    bool load = op->opc == IR_OP_guest_ld;
    unsigned memop = (unsigned)op->cargs[0], size = ir_memop_size(memop), dsize;
    uint64_t ofs = tlb->offset + (uint64_t)ir_memop_mmu(memop) * tlb->table_stride;
    unsigned ra = reg_of(g, 1);
    uint64_t v;
    unsigned rv = load ? 0 : ra_const(&g->ra, op->args[0], &v) && v == 0 ? A64_ZR : reg_of(g, 0);
    int rd = load ? new_reg(g) : -1;
    unsigned t0 = (unsigned)new_reg(g), t1 = A64_TMP_REG, t2 = A64_AUX_REG;
    unsigned slow = a64_new_label(g), done = a64_new_label(g);
    struct a64_buf *b = a64_cur(g);
    /* t0 = env + ofs + (index << entry_bits) */
    a64_bfm(b, A64_UBFM, true, t0, ra, tlb->page_bits, tlb->page_bits + tlb->index_bits - 1);
    a64_rrr_lsl(b, A64_ADD_R, true, t0, A64_ENV_REG, t0, tlb->entry_bits);
    if (ofs >= (1u << 24)) {
        a64_movi(b, true, t1, ofs);
        a64_rrr(b, A64_ADD_R, true, t0, t0, t1);
    } else {
        if (ofs >= 4096)
            a64_addsub_i(b, A64_ADD_I, true, t0, t0, ofs & ~0xfffull);
        if (ofs & 0xfff)
            a64_addsub_i(b, A64_ADD_I, true, t0, t0, ofs & 0xfff);
    }
    /* t2 = page of the access's last byte; t1 = the tag */
    a64_addsub_i(b, A64_ADD_I, true, t2, ra, (1u << size) - 1);
    uint32_t fields = 0;
    a64_logic_imm(~((1ull << tlb->page_bits) - 1), true, &fields);
    a64_logic_i(b, A64_AND_I, true, t2, t2, fields);
    a64_ldst(g, 3, A64_LDST_LDR, t1, t0, load ? tlb->read_tag : tlb->write_tag);
    a64_rrr(b, A64_SUBS_R, true, A64_ZR, t2, t1);
    a64_branch(g, A64_NE, slow);
    a64_ldst(g, 3, A64_LDST_LDR, t1, t0, tlb->addend);
    if (load) {
        unsigned opc = load_opc((enum ir_type)op->type, memop, &dsize);
        a64_ldst_reg(b, dsize, opc, (unsigned)rd, t1, ra);
    } else
        a64_ldst_reg(b, size, A64_LDST_STR, rv, t1, ra);
    a64_bind_label(g, done);
    emit_slow_path(g, op, ra, rv, rd, slow, done);
    if (load)
        finish_reg(g, op->args[0], (unsigned)rd);
    else
        ra_free_dead_inputs(&g->ra);
}

static void gen_guest(struct a64_gen *g, const struct ir_op *op)
{
    const struct ir_tlb *tlb = g->tlb;
    if (tlb && ir_memop_mmu((unsigned)op->cargs[0]) < tlb->nmmu)
        gen_guest_tlb(g, op);
    else
        gen_guest_call(g, op);
}

/* ---- block exits ---- */

void a64_gen_exit(struct a64_gen *g, unsigned tag, bool value_from_temp, uint64_t value)
{
    struct a64_buf *b = a64_cur(g);
    ra_sync_globals(&g->ra);
    if (value_from_temp)
        ra_load_into(&g->ra, 0, (unsigned)value);
    else
        a64_movi(b, true, 0, value);
    a64_movi(b, true, 1, g->tb | tag);
    a64_jump_abs(g, g->epilogue);
}

static void gen_exit_tb(struct a64_gen *g, const struct ir_op *op)
{
    a64_gen_exit(g, NATIVE_EXIT_RETURN, false, op->cargs[0]);
}

/* With a lookup_code hook: branch straight to the block it finds, else
 * return. Everything but the globals (in env by now) is dead here, so x20
 * keeps the value across the call. */
static void gen_goto_ptr(struct a64_gen *g, const struct ir_op *op)
{
    const void *(*lookup)(void *) = g->ra.env->lookup_code;
    if (!lookup) {
        a64_gen_exit(g, NATIVE_EXIT_LOOKUP, true, op->args[0]);
        return;
    }
    struct a64_buf *b = a64_cur(g);
    ra_sync_globals(&g->ra);
    ra_load_into(&g->ra, 20, op->args[0]);
    a64_mov(b, true, 0, A64_ENV_REG);
    a64_call_abs(g, (const void *)lookup, false);
    unsigned miss = a64_new_label(g);
    a64_branch_insn(g, A64_CBZ | A64_SF | 0, miss);
    a64_put(b, A64_BR | 0u << 5);
    a64_bind_label(g, miss);
    a64_mov(b, true, 0, 20);
    a64_movi(b, true, 1, g->tb | NATIVE_EXIT_LOOKUP);
    a64_jump_abs(g, g->epilogue);
}

/* A B to the exit right after it, patched to the successor (one aligned
 * 32-bit store); with a veneer when the code buffer exceeds B's reach. */
static void gen_goto_tb(struct a64_gen *g, const struct ir_op *op)
{
    unsigned slot = (unsigned)op->cargs[0] & 1;
    struct a64_buf *b = a64_cur(g);
    ra_sync_globals(&g->ra);
    if (g->far && (b->len & 1) == 0)
        a64_put(b, A64_NOP); /* the literal at slot + 12 bytes must be 8-aligned */
    g->nb.jmp_off[slot] = (uint32_t)b->len;
    if (g->far) {
        a64_put(b, a64_b_insn(A64_EXIT_VENEER));
        a64_put(b, A64_LDR_LIT64 | (8 / 4) << 5 | A64_TMP_REG);
        a64_put(b, A64_BR | A64_TMP_REG << 5);
        a64_put(b, 0);
        a64_put(b, 0);
    } else {
        a64_put(b, a64_b_insn(A64_EXIT_NEAR));
    }
    a64_movi(b, true, 1, g->tb | NATIVE_EXIT_GOTO_TB | (slot ? NATIVE_EXIT_SLOT1 : 0));
    a64_jump_abs(g, g->epilogue);
}

static void gen_nothing(struct a64_gen *g, const struct ir_op *op)
{
    (void)g, (void)op;
}

typedef void (*gen_fn)(struct a64_gen *g, const struct ir_op *op);

static const gen_fn gen_table[IR_OP_COUNT] = {
    [IR_OP_mov] = gen_mov,
    [IR_OP_movi] = gen_movi,
    [IR_OP_add] = gen_alu,
    [IR_OP_sub] = gen_alu,
    [IR_OP_and] = gen_alu,
    [IR_OP_or] = gen_alu,
    [IR_OP_xor] = gen_alu,
    [IR_OP_mul] = gen_mul,
    [IR_OP_mulu2] = gen_mul2,
    [IR_OP_muls2] = gen_mul2,
    [IR_OP_not] = gen_unary,
    [IR_OP_neg] = gen_unary,
    [IR_OP_bswap] = gen_unary,
    [IR_OP_shl] = gen_shift,
    [IR_OP_shr] = gen_shift,
    [IR_OP_sar] = gen_shift,
    [IR_OP_rotl] = gen_shift,
    [IR_OP_rotr] = gen_shift,
    [IR_OP_ext8s] = gen_ext,
    [IR_OP_ext8u] = gen_ext,
    [IR_OP_ext16s] = gen_ext,
    [IR_OP_ext16u] = gen_ext,
    [IR_OP_ext32s] = gen_ext,
    [IR_OP_ext32u] = gen_ext,
    [IR_OP_extu_i32_i64] = gen_ext,
    [IR_OP_exts_i32_i64] = gen_ext,
    [IR_OP_extrl_i64_i32] = gen_ext,
    [IR_OP_extrh_i64_i32] = gen_ext,
    [IR_OP_deposit] = gen_deposit,
    [IR_OP_extract] = gen_extract,
    [IR_OP_sextract] = gen_extract,
    [IR_OP_setcond] = gen_setcond,
    [IR_OP_movcond] = gen_movcond,
    [IR_OP_set_label] = gen_set_label,
    [IR_OP_br] = gen_br,
    [IR_OP_brcond] = gen_brcond,
    [IR_OP_ld] = gen_ld,
    [IR_OP_st] = gen_st,
    [IR_OP_guest_ld] = gen_guest,
    [IR_OP_guest_st] = gen_guest,
    [IR_OP_call] = gen_call,
    [IR_OP_insn_start] = gen_nothing,
    [IR_OP_goto_tb] = gen_goto_tb,
    [IR_OP_goto_ptr] = gen_goto_ptr,
    [IR_OP_exit_tb] = gen_exit_tb,
};

bool a64_gen_op(struct a64_gen *g, const struct ir_op *op)
{
    g->ra.op = op;
    if (op->opc >= IR_OP_COUNT || !gen_table[op->opc])
        return false;
    if (!fold(g, op))
        gen_table[op->opc](g, op);
    ra_end_op(&g->ra);
    return true;
}
