/* x86-64 code for each IR op (ir-ops.def), one small function per op kind
 * picked from a table. Semantics are those of ir-eval.h, the interpreter's:
 * i32 values stay zero-extended in 64-bit registers (32-bit operations do
 * that by themselves, SDM Vol. 1 §3.4.1.1). */
#include "ir-eval.h"
#include "x86_64-internal.h"

#define ALLOC X64_REGS_ALLOC

static const uint8_t abi_args[IR_HELPER_MAX_ARGS] = {X64_RDI, X64_RSI, X64_RDX,
                                                     X64_RCX, X64_R8,  X64_R9};

static unsigned in_t(const struct ir_op *op, unsigned i)
{
    return ir_op_in(op, i);
}

/* Ends an op whose single output t is now in reg. */
static void finish_reg(struct x64_gen *g, unsigned t, unsigned reg)
{
    ra_free_dead_inputs(&g->ra);
    ra_bind(&g->ra, t, reg);
    ra_free_dead_outputs(&g->ra);
}

/* A register to compute the output in, initialised with input args[arg]:
 * that input's own register when it dies here, else a copy (of its register
 * when later ops read it too, so that it is loaded once). */
static int copy_or_steal(struct x64_gen *g, unsigned arg, uint32_t allowed)
{
    unsigned t = g->ra.op->args[arg];
    int r = ra_steal(&g->ra, arg, allowed);
    if (r >= 0)
        return r;
    ra_hold_input(&g->ra, arg);
    r = ra_alloc(&g->ra, allowed);
    ra_load_into(&g->ra, (unsigned)r, t);
    return r;
}

/* The output register of an op that reads input args[arg] from any register
 * (*src): the input's own when it dies here, else a fresh one beside the
 * input's (which later ops reading it keep using). */
static int out_beside(struct x64_gen *g, unsigned arg, unsigned *src)
{
    unsigned t = g->ra.op->args[arg];
    int r = ra_steal(&g->ra, arg, ALLOC);
    if (r < 0) {
        ra_hold_input(&g->ra, arg);
        if (g->ra.ts[t].val == RA_VAL_REG) {
            *src = (unsigned)ra_in(&g->ra, t, ALLOC);
            return ra_alloc(&g->ra, ALLOC);
        }
        r = copy_or_steal(g, arg, ALLOC);
    }
    *src = (unsigned)r;
    return r;
}

/* Pure op on constant inputs: computed now, with the interpreter's code. */
static bool fold(struct x64_gen *g, const struct ir_op *op)
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

/* The output joins the input's register (no instruction) when the input is
 * in one, else gets a copy. */
static void gen_mov(struct x64_gen *g, const struct ir_op *op)
{
    unsigned s = op->args[1];
    if (op->args[0] == s) { /* the liveness sees the input die: keep it */
        ra_free_dead_outputs(&g->ra);
        return;
    }
    ra_hold_input(&g->ra, 1);
    if (s == g->ra.env->nglobals || g->ra.ts[s].val != RA_VAL_REG) {
        finish_reg(g, op->args[0], (unsigned)copy_or_steal(g, 1, ALLOC));
        return;
    }
    ra_bind_copy(&g->ra, op->args[0], s);
    ra_free_dead_inputs(&g->ra);
    ra_free_dead_outputs(&g->ra);
}

static void gen_movi(struct x64_gen *g, const struct ir_op *op)
{
    ra_bind_const(&g->ra, op->args[0], ir_canon((enum ir_type)op->type, op->cargs[0]));
    ra_free_dead_outputs(&g->ra);
}

/* An immediate usable as the second operand of a w-bit ALU op. */
static bool imm_operand(struct x64_gen *g, unsigned t, bool w, int64_t *imm)
{
    uint64_t v;
    if (!ra_const(&g->ra, t, &v))
        return false;
    *imm = w ? (int64_t)v : (int32_t)v;
    return !w || x64_fits_s32((int64_t)v);
}

static const uint8_t alu_of[IR_OP_COUNT] = {
    [IR_OP_add] = X64_ALU_ADD, [IR_OP_sub] = X64_ALU_SUB, [IR_OP_and] = X64_ALU_AND,
    [IR_OP_or] = X64_ALU_OR,   [IR_OP_xor] = X64_ALU_XOR,
};

/* Operand order of a commutative op: a constant second, else an input dying
 * in a register first (the output takes its register over, no copy). */
static void commute(struct x64_gen *g, unsigned *ax, unsigned *ay)
{
    const struct ir_op *op = g->ra.op;
    uint64_t c;
    bool c1 = ra_const(&g->ra, op->args[1], &c), c2 = ra_const(&g->ra, op->args[2], &c);
    bool swap = c1 ? !c2
                   : !c2 && !x64_op_dead(g, 1) && x64_op_dead(g, 2) &&
                         g->ra.ts[op->args[2]].val == RA_VAL_REG;
    *ax = swap ? 2 : 1;
    *ay = swap ? 1 : 2;
}

static void gen_alu(struct x64_gen *g, const struct ir_op *op)
{
    bool w = op->type == IR_I64;
    unsigned ax = 1, ay = 2;
    if (op->opc != IR_OP_sub)
        commute(g, &ax, &ay);
    unsigned x = op->args[ax], y = op->args[ay];
    int64_t imm;
    bool is_imm = imm_operand(g, y, w, &imm);
    int ry = is_imm ? -1 : ra_operand(&g->ra, y, ALLOC);
    struct x64_buf *b = x64_cur(g);
    ra_hold_input(&g->ra, ax);
    bool x_stays = x == g->ra.env->nglobals || ra_input_stays(&g->ra, ax);
    if (op->opc == IR_OP_add && x_stays) {
        /* Three-operand add: lea leaves x in place. */
        int rx = ra_in(&g->ra, x, ALLOC);
        int r = ra_alloc(&g->ra, ALLOC);
        x64_rm_sib(b, X64_OPC_LEA | x64_w(w), (unsigned)r, (unsigned)rx,
                   is_imm ? X64_NOREG : (unsigned)ry, 0, is_imm ? (int32_t)imm : 0);
        finish_reg(g, op->args[0], (unsigned)r);
        return;
    }
    int r = copy_or_steal(g, ax, ALLOC);
    if (is_imm)
        x64_alu_ri(b, w, alu_of[op->opc], (unsigned)r, imm);
    else
        x64_alu_rr(b, w, alu_of[op->opc], (unsigned)r, (unsigned)ry);
    finish_reg(g, op->args[0], (unsigned)r);
}

static void gen_mul(struct x64_gen *g, const struct ir_op *op)
{
    bool w = op->type == IR_I64;
    unsigned ax, ay;
    commute(g, &ax, &ay);
    int64_t imm;
    bool is_imm = imm_operand(g, op->args[ay], w, &imm);
    int ry = is_imm ? -1 : ra_operand(&g->ra, op->args[ay], ALLOC);
    unsigned s = 0;
    /* imul r, s, imm reads any register. */
    int r = is_imm ? out_beside(g, ax, &s) : copy_or_steal(g, ax, ALLOC);
    struct x64_buf *b = x64_cur(g);
    if (is_imm && x64_fits_s8(imm)) {
        x64_rr(b, X64_OPC_IMUL_GvEvIb | x64_w(w), (unsigned)r, s);
        x64_byte(b, (uint8_t)imm);
    } else if (is_imm) {
        x64_rr(b, X64_OPC_IMUL_GvEvIz | x64_w(w), (unsigned)r, s);
        x64_u32(b, (uint32_t)imm);
    } else {
        x64_rr(b, X64_OPC_IMUL_GvEv | x64_w(w), (unsigned)r, (unsigned)ry);
    }
    finish_reg(g, op->args[0], (unsigned)r);
}

static void gen_unary(struct x64_gen *g, const struct ir_op *op)
{
    bool w = op->type == IR_I64;
    int r = copy_or_steal(g, 1, ALLOC);
    struct x64_buf *b = x64_cur(g);
    if (op->opc == IR_OP_bswap)
        x64_opc(b, (X64_OPC_BSWAP + ((unsigned)r & 7)) | x64_w(w), 0, 0, (unsigned)r);
    else
        x64_rr(b, X64_OPC_GRP3 | x64_w(w), op->opc == IR_OP_not ? 2 : 3, (unsigned)r);
    finish_reg(g, op->args[0], (unsigned)r);
}

static const uint8_t shift_of[IR_OP_COUNT] = {
    [IR_OP_shl] = X64_SHL,  [IR_OP_shr] = X64_SHR,  [IR_OP_sar] = X64_SAR,
    [IR_OP_rotl] = X64_ROL, [IR_OP_rotr] = X64_ROR,
};

/* x86 shifters take the count modulo the width, like the IR. */
static void gen_shift(struct x64_gen *g, const struct ir_op *op)
{
    bool w = op->type == IR_I64;
    unsigned kind = shift_of[op->opc];
    uint64_t n;
    struct x64_buf *b = x64_cur(g);
    if (ra_const(&g->ra, op->args[2], &n)) {
        int r = copy_or_steal(g, 1, ALLOC);
        n &= w ? 63 : 31;
        if (n)
            x64_shift_ri(b, w, kind, (unsigned)r, (unsigned)n);
        finish_reg(g, op->args[0], (unsigned)r);
        return;
    }
    ra_in(&g->ra, op->args[2], 1u << X64_RCX);
    int r = copy_or_steal(g, 1, ALLOC & ~(1u << X64_RCX));
    x64_rr(b, X64_OPC_SHIFT_CL | x64_w(w), kind, (unsigned)r);
    finish_reg(g, op->args[0], (unsigned)r);
}


/* Extensions and width changes: one movzx/movsx/mov from the input's
 * register; the high half is shifted down in place. */
static void gen_ext(struct x64_gen *g, const struct ir_op *op)
{
    bool w = op->type == IR_I64;
    struct x64_buf *b = x64_cur(g);
    if (op->opc == IR_OP_extrh_i64_i32) {
        int r = copy_or_steal(g, 1, ALLOC);
        x64_shift_ri(b, true, X64_SHR, (unsigned)r, 32);
        finish_reg(g, op->args[0], (unsigned)r);
        return;
    }
    unsigned s;
    unsigned u = (unsigned)out_beside(g, 1, &s);
    switch (op->opc) {
    case IR_OP_ext8s: x64_rr(b, X64_OPC_MOVSBL | X64_P_BYTE | x64_w(w), u, s); break;
    case IR_OP_ext8u: x64_rr(b, X64_OPC_MOVZBL | X64_P_BYTE, u, s); break;
    case IR_OP_ext16s: x64_rr(b, X64_OPC_MOVSWL | x64_w(w), u, s); break;
    case IR_OP_ext16u: x64_rr(b, X64_OPC_MOVZWL, u, s); break;
    case IR_OP_ext32s:
        if (w)
            x64_rr(b, X64_OPC_MOVSLQ | X64_P_W, u, s);
        else if (u != s)
            x64_mov_rr(b, false, u, s);
        break;
    case IR_OP_exts_i32_i64: x64_rr(b, X64_OPC_MOVSLQ | X64_P_W, u, s); break;
    default: x64_mov_rr(b, false, u, s); break; /* ext32u, extu, extrl: low half */
    }
    finish_reg(g, op->args[0], u);
}

/* base with val[0, len) at pos. A whole field or the low byte or word is one
 * mov from val's register; otherwise rotate the field to bit 0, clear it, or
 * in a shifted copy of val (in r11), rotate back. */
static void gen_deposit(struct x64_gen *g, const struct ir_op *op)
{
    bool w = op->type == IR_I64;
    unsigned width = w ? 64 : 32, pos = (unsigned)op->cargs[0], len = (unsigned)op->cargs[1];
    bool one_mov = len >= width || (pos == 0 && (len == 8 || len == 16));
    unsigned val = op->args[2];
    struct x64_buf *b = x64_cur(g);
    if (val == op->args[1] && one_mov) { /* base's own low bits into itself */
        finish_reg(g, op->args[0], (unsigned)copy_or_steal(g, 1, ALLOC));
        return;
    }
    int rv = val != op->args[1] && g->ra.ts[val].val == RA_VAL_REG ? ra_in(&g->ra, val, ALLOC) : -1;
    int r = copy_or_steal(g, 1, ALLOC);
    unsigned u = (unsigned)r, src = val == op->args[1] ? u : (unsigned)rv;
    /* r11 only after the allocation: spilling a constant may use it. */
    if (rv < 0 && val != op->args[1]) {
        ra_load_into(&g->ra, X64_TMP_REG, val);
        src = X64_TMP_REG;
    } else if (!one_mov) {
        x64_mov_rr(b, true, X64_TMP_REG, src);
        src = X64_TMP_REG;
    }
    if (len >= width) {
        x64_mov_rr(b, w, u, src);
    } else if (pos == 0 && len == 8) {
        x64_rr(b, X64_OPC_MOV_EbGb | X64_P_BYTE, src, u);
    } else if (pos == 0 && len == 16) {
        x64_rr(b, X64_OPC_MOV_EvGv | X64_P_66, src, u);
    } else {
        if (pos)
            x64_shift_ri(b, w, X64_ROR, u, pos);
        x64_shift_ri(b, w, X64_SHR, u, len);
        x64_shift_ri(b, w, X64_SHL, u, len);
        x64_shift_ri(b, w, X64_SHL, src, width - len);
        x64_shift_ri(b, w, X64_SHR, src, width - len);
        x64_alu_rr(b, w, X64_ALU_OR, u, src);
        if (pos)
            x64_shift_ri(b, w, X64_ROL, u, pos);
    }
    finish_reg(g, op->args[0], u);
}

/* (s >> pos) & mask(len), or its sign extension: shifted up to bit 63 and
 * back down in a 64-bit register (the builder keeps pos + len <= width). */
static void gen_extract(struct x64_gen *g, const struct ir_op *op)
{
    bool w = op->type == IR_I64, sign = op->opc == IR_OP_sextract;
    unsigned pos = (unsigned)op->cargs[0], len = (unsigned)op->cargs[1], s;
    bool zext = !sign && pos == 0 && (len == 8 || len == 16 || len == 32);
    unsigned u = zext ? (unsigned)out_beside(g, 1, &s) : (unsigned)copy_or_steal(g, 1, ALLOC);
    struct x64_buf *b = x64_cur(g);
    if (zext && len == 8) {
        x64_rr(b, X64_OPC_MOVZBL | X64_P_BYTE, u, s);
    } else if (zext && len == 16) {
        x64_rr(b, X64_OPC_MOVZWL, u, s);
    } else if (zext) {
        x64_mov_rr(b, false, u, s);
    } else if (len < 64) {
        if (64 - pos - len)
            x64_shift_ri(b, true, X64_SHL, u, 64 - pos - len);
        x64_shift_ri(b, true, sign ? X64_SAR : X64_SHR, u, 64 - len);
        if (!w && sign)
            x64_mov_rr(b, false, u, u);
    }
    finish_reg(g, op->args[0], u);
}

/* i32 double-width product whose high half is dead: the low 32 bits of
 * imul, the same for either signedness. */
static void gen_mul2_lo32(struct x64_gen *g, const struct ir_op *op)
{
    int ry = ra_operand(&g->ra, op->args[3], ALLOC);
    int r = copy_or_steal(g, 2, ALLOC);
    x64_rr(x64_cur(g), X64_OPC_IMUL_GvEv, (unsigned)r, (unsigned)ry);
    finish_reg(g, op->args[0], (unsigned)r);
}

/* Double-width products. i32: one 64-bit imul of the extended inputs (the
 * low half copied out only when used). i64: mul/imul, which take rax and
 * write rdx:rax. */
static void gen_mul2(struct x64_gen *g, const struct ir_op *op)
{
    bool sign = op->opc == IR_OP_muls2;
    struct x64_buf *b = x64_cur(g);
    unsigned lo = op->args[0], hi = op->args[1];
    if (op->type == IR_I32 && x64_op_dead(g, 1) && lo != hi) {
        gen_mul2_lo32(g, op);
        return;
    }
    if (op->type == IR_I32) {
        bool lo_used = !x64_op_dead(g, 0) && lo != hi;
        unsigned r = (unsigned)ra_alloc(&g->ra, ALLOC);
        unsigned rl = lo_used ? (unsigned)ra_alloc(&g->ra, ALLOC) : 0;
        ra_load_into(&g->ra, r, op->args[2]);
        ra_load_into(&g->ra, X64_TMP_REG, op->args[3]);
        if (sign) {
            x64_rr(b, X64_OPC_MOVSLQ | X64_P_W, r, r);
            x64_rr(b, X64_OPC_MOVSLQ | X64_P_W, X64_TMP_REG, X64_TMP_REG);
        }
        x64_rr(b, X64_OPC_IMUL_GvEv | X64_P_W, r, X64_TMP_REG);
        if (lo_used)
            x64_mov_rr(b, false, rl, r);
        x64_shift_ri(b, true, X64_SHR, r, 32);
        ra_free_dead_inputs(&g->ra);
        if (lo_used)
            ra_bind(&g->ra, lo, rl);
        ra_bind(&g->ra, hi, r);
        ra_free_dead_outputs(&g->ra);
        return;
    }
    ra_claim(&g->ra, X64_RAX);
    ra_claim(&g->ra, X64_RDX);
    int ry = ra_operand(&g->ra, op->args[3], ALLOC & ~(1u << X64_RAX | 1u << X64_RDX));
    ra_load_into(&g->ra, X64_RAX, op->args[2]);
    x64_rr(b, X64_OPC_GRP3 | X64_P_W, sign ? 5 : 4, (unsigned)ry);
    ra_free_dead_inputs(&g->ra);
    ra_bind(&g->ra, lo, X64_RAX);
    ra_bind(&g->ra, hi, X64_RDX);
    ra_free_dead_outputs(&g->ra);
}

/* ---- comparisons ---- */

static const uint8_t cc_of[IR_COND_COUNT] = {
    [IR_COND_EQ] = X64_CC_E,  [IR_COND_NE] = X64_CC_NE,   [IR_COND_LT] = X64_CC_L,
    [IR_COND_GE] = X64_CC_GE, [IR_COND_LE] = X64_CC_LE,   [IR_COND_GT] = X64_CC_G,
    [IR_COND_LTU] = X64_CC_B, [IR_COND_GEU] = X64_CC_AE,  [IR_COND_LEU] = X64_CC_BE,
    [IR_COND_GTU] = X64_CC_A, [IR_COND_TSTEQ] = X64_CC_E, [IR_COND_TSTNE] = X64_CC_NE,
};

/* The condition with its operands swapped. */
static const uint8_t cond_swapped[IR_COND_COUNT] = {
    [IR_COND_NEVER] = IR_COND_NEVER, [IR_COND_ALWAYS] = IR_COND_ALWAYS, [IR_COND_EQ] = IR_COND_EQ,
    [IR_COND_NE] = IR_COND_NE,       [IR_COND_LT] = IR_COND_GT,         [IR_COND_GE] = IR_COND_LE,
    [IR_COND_LE] = IR_COND_GE,       [IR_COND_GT] = IR_COND_LT,         [IR_COND_LTU] = IR_COND_GTU,
    [IR_COND_GEU] = IR_COND_LEU,     [IR_COND_LEU] = IR_COND_GEU,       [IR_COND_GTU] = IR_COND_LTU,
    [IR_COND_TSTEQ] = IR_COND_TSTEQ, [IR_COND_TSTNE] = IR_COND_TSTNE,
};

/* A compare whose operands are in registers (or an immediate) before any
 * flag-setting instruction is emitted. */
struct cmp_plan {
    bool w, test, is_imm;
    int rx, ry;
    int64_t imm;
    unsigned cc;
};

static struct cmp_plan plan_cmp(struct x64_gen *g, bool w, enum ir_cond c, unsigned x, unsigned y)
{
    uint64_t v;
    if (ra_const(&g->ra, x, &v) && !ra_const(&g->ra, y, &v)) {
        unsigned s = x;
        x = y;
        y = s;
        c = (enum ir_cond)cond_swapped[c];
    }
    struct cmp_plan p = {.w = w, .test = c == IR_COND_TSTEQ || c == IR_COND_TSTNE, .ry = -1};
    p.cc = cc_of[c];
    p.is_imm = imm_operand(g, y, w, &p.imm);
    p.rx = ra_operand(&g->ra, x, ALLOC);
    if (!p.is_imm)
        p.ry = ra_operand(&g->ra, y, ALLOC);
    return p;
}

static void emit_cmp(struct x64_gen *g, const struct cmp_plan *p)
{
    struct x64_buf *b = x64_cur(g);
    unsigned rx = (unsigned)p->rx;
    if (!p->is_imm) {
        if (p->test)
            x64_rr(b, X64_OPC_TEST_EvGv | x64_w(p->w), (unsigned)p->ry, rx);
        else
            x64_alu_rr(b, p->w, X64_ALU_CMP, rx, (unsigned)p->ry);
    } else if (p->test) {
        x64_rr(b, X64_OPC_GRP3 | x64_w(p->w), 0, rx);
        x64_u32(b, (uint32_t)p->imm);
    } else if (p->imm == 0) {
        x64_rr(b, X64_OPC_TEST_EvGv | x64_w(p->w), rx, rx);
    } else {
        x64_alu_ri(b, p->w, X64_ALU_CMP, rx, p->imm);
    }
}

static void gen_setcond(struct x64_gen *g, const struct ir_op *op)
{
    enum ir_cond c = (enum ir_cond)op->cargs[0];
    if (c == IR_COND_NEVER || c == IR_COND_ALWAYS) {
        ra_free_dead_inputs(&g->ra);
        ra_bind_const(&g->ra, op->args[0], c == IR_COND_ALWAYS);
        ra_free_dead_outputs(&g->ra);
        return;
    }
    struct cmp_plan p = plan_cmp(g, op->type == IR_I64, c, op->args[1], op->args[2]);
    int r = ra_alloc(&g->ra, ALLOC);
    struct x64_buf *b = x64_cur(g);
    emit_cmp(g, &p);
    x64_rr(b, (X64_OPC_SETCC + p.cc) | X64_P_BYTE, 0, (unsigned)r);
    x64_rr(b, X64_OPC_MOVZBL | X64_P_BYTE, (unsigned)r, (unsigned)r);
    finish_reg(g, op->args[0], (unsigned)r);
}

static void gen_movcond(struct x64_gen *g, const struct ir_op *op)
{
    enum ir_cond c = (enum ir_cond)op->cargs[0];
    if (c == IR_COND_NEVER || c == IR_COND_ALWAYS) {
        unsigned arg = c == IR_COND_ALWAYS ? 3 : 4;
        finish_reg(g, op->args[0], (unsigned)copy_or_steal(g, arg, ALLOC));
        return;
    }
    bool w = op->type == IR_I64;
    int rt = ra_operand(&g->ra, op->args[3], ALLOC);
    struct cmp_plan p = plan_cmp(g, w, c, op->args[1], op->args[2]);
    int r = copy_or_steal(g, 4, ALLOC);
    emit_cmp(g, &p);
    x64_rr(x64_cur(g), (X64_OPC_CMOVCC + p.cc) | x64_w(w), (unsigned)r, (unsigned)rt);
    finish_reg(g, op->args[0], (unsigned)r);
}

/* ---- control flow inside the block ---- */

static void gen_br(struct x64_gen *g, const struct ir_op *op)
{
    ra_bb_end(&g->ra);
    x64_jump(g, -1, (unsigned)op->cargs[0]);
}

static void gen_brcond(struct x64_gen *g, const struct ir_op *op)
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
        x64_jump(g, -1, (unsigned)op->cargs[1]);
        ra_free_dead_inputs(&g->ra);
        return;
    }
    struct cmp_plan p = plan_cmp(g, op->type == IR_I64, c, x, y);
    ra_bb_end(&g->ra);
    emit_cmp(g, &p);
    x64_jump(g, (int)p.cc, (unsigned)op->cargs[1]);
    ra_free_dead_inputs(&g->ra);
}

static void gen_set_label(struct x64_gen *g, const struct ir_op *op)
{
    if (g->nb.reachable)
        ra_bb_end(&g->ra);
    x64_bind_label(g, (unsigned)op->cargs[0]);
    ra_label(&g->ra);
}

/* ---- env fields ---- */

/* Globals backed by env bytes [off, off + size): in env before the access;
 * dropped from registers after a store. */
static void env_overlap(struct x64_gen *g, uint64_t off, unsigned size, bool store)
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

/* The instruction that loads as memop says for type t (ir_eval_load_ext). */
static unsigned load_ext_opc(enum ir_type t, unsigned memop)
{
    bool w = t == IR_I64, sign = ir_memop_signed(memop);
    switch (ir_memop_size(memop)) {
    case IR_MO_8: return (sign ? X64_OPC_MOVSBL | x64_w(w) : X64_OPC_MOVZBL) | X64_P_BYTE;
    case IR_MO_16: return sign ? X64_OPC_MOVSWL | x64_w(w) : X64_OPC_MOVZWL;
    case IR_MO_32: return sign && w ? X64_OPC_MOVSLQ | X64_P_W : X64_OPC_MOV_GvEv;
    default: return X64_OPC_MOV_GvEv | x64_w(w);
    }
}

/* dst = memory or register src extended as memop says for type t
 * (ir_eval_load_ext). base X64_NOREG: src is a register. */
static void emit_load_ext(struct x64_buf *b, enum ir_type t, unsigned memop, unsigned dst,
                          unsigned src, unsigned base, int32_t disp)
{
    if (base == X64_NOREG)
        x64_rr(b, load_ext_opc(t, memop), dst, src);
    else
        x64_rm(b, load_ext_opc(t, memop), dst, base, disp);
}

static const unsigned store_opc[4] = {X64_OPC_MOV_EbGb | X64_P_BYTE, X64_OPC_MOV_EvGv | X64_P_66,
                                      X64_OPC_MOV_EvGv, X64_OPC_MOV_EvGv | X64_P_W};

static void emit_store(struct x64_buf *b, unsigned size, unsigned src, unsigned base, int32_t disp)
{
    x64_rm(b, store_opc[size], src, base, disp);
}

static void gen_ld(struct x64_gen *g, const struct ir_op *op)
{
    unsigned memop = (unsigned)op->cargs[1];
    env_overlap(g, op->cargs[0], 1u << ir_memop_size(memop), false);
    int r = ra_alloc(&g->ra, ALLOC);
    emit_load_ext(x64_cur(g), (enum ir_type)op->type, memop, (unsigned)r, 0, X64_ENV_REG,
                  (int32_t)op->cargs[0]);
    finish_reg(g, op->args[0], (unsigned)r);
}

static void gen_st(struct x64_gen *g, const struct ir_op *op)
{
    unsigned size = ir_memop_size((unsigned)op->cargs[1]);
    int32_t off = (int32_t)op->cargs[0];
    int r = ra_operand(&g->ra, op->args[0], ALLOC);
    env_overlap(g, op->cargs[0], 1u << size, false);
    emit_store(x64_cur(g), size, (unsigned)r, X64_ENV_REG, off);
    env_overlap(g, op->cargs[0], 1u << size, true);
    ra_free_dead_inputs(&g->ra);
}

/* ---- calls ---- */

static void record_site(struct x64_gen *g)
{
    unsigned i = (unsigned)(g->ra.op - g->ra.b->ops);
    g->nb.site_sec[i] = (int8_t)g->sec;
    g->nb.site_off[i] = (uint32_t)x64_cur(g)->len;
}

/* rax (a call's result) into the output: canonical for its type. */
static void bind_result(struct x64_gen *g, const struct ir_op *op, bool ret32)
{
    if (ret32 || op->type == IR_I32)
        x64_mov_rr(x64_cur(g), false, X64_RAX, X64_RAX);
    ra_claim(&g->ra, X64_RAX);
    finish_reg(g, op->args[0], X64_RAX);
}

static void gen_call(struct x64_gen *g, const struct ir_op *op)
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
    x64_call_abs(g, (const void *)h->fn);
    if (raise)
        record_site(g);
    /* The inputs dying here were in clobbered registers. */
    ra_free_dead_inputs(&g->ra);
    if (writes)
        ra_forget_globals(&g->ra);
    if (op->nout)
        bind_result(g, op, h->ret == IR_HT_I32);
    else
        ra_free_dead_inputs(&g->ra);
}

/* Guest memory through the registered callbacks: load(opaque, env, addr,
 * memop), store(opaque, env, addr, val, memop). */
static void gen_guest_call(struct x64_gen *g, const struct ir_op *op)
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
    x64_call_abs(g, load ? (const void *)mem->load : (const void *)mem->store);
    record_site(g);
    ra_free_dead_inputs(&g->ra);
    if (!load)
        return;
    emit_load_ext(x64_cur(g), (enum ir_type)op->type, memop, X64_RAX, X64_RAX, X64_NOREG, 0);
    ra_claim(&g->ra, X64_RAX);
    finish_reg(g, op->args[0], X64_RAX);
}

/* ---- guest memory: inline TLB fast path (ir.h struct ir_tlb) ---- */

static const uint8_t caller_saved_list[8] = {X64_RAX, X64_RCX, X64_RDX, X64_RSI,
                                             X64_RDI, X64_R8,  X64_R9,  X64_R10};

/* Registers the slow path must preserve: the caller-saved ones whose values
 * are needed after the op, as bits of caller_saved_list. */
static uint32_t live_caller_saved(const struct x64_gen *g, int except)
{
    uint32_t live = ra_live_after(&g->ra), m = 0;
    for (unsigned i = 0; i < 8; i++) {
        unsigned r = caller_saved_list[i];
        if ((int)r != except && (live >> r & 1))
            m |= 1u << i;
    }
    return m;
}

static void save_regs(struct x64_buf *b, uint32_t m, bool restore)
{
    for (unsigned i = 0; i < 8; i++)
        if (m >> i & 1)
            x64_rm(b, (restore ? X64_OPC_MOV_GvEv : X64_OPC_MOV_EvGv) | X64_P_W,
                   caller_saved_list[i], X64_RSP, 8 * (int32_t)i);
}

static void move_to(struct x64_buf *b, unsigned dst, unsigned src)
{
    if (dst != src)
        x64_mov_rr(b, true, dst, src);
}

/* The address into rdx and a store's value into rcx, as one parallel move. */
static void slow_args(struct x64_buf *b, bool load, unsigned ra, unsigned rv)
{
    if (load || rv != X64_RDX) {
        move_to(b, X64_RDX, ra);
        if (!load)
            move_to(b, X64_RCX, rv);
        return;
    }
    if (ra == X64_RCX) {
        x64_mov_rr(b, true, X64_TMP_REG, ra);
        ra = X64_TMP_REG;
    }
    move_to(b, X64_RCX, rv);
    move_to(b, X64_RDX, ra);
}

/* The out-of-line slow path: globals to env, the caller-saved registers
 * still needed after the op saved, the callback called (its restore site),
 * the result loaded, back. */
static void emit_slow_path(struct x64_gen *g, const struct ir_op *op, unsigned ra, unsigned rv,
                           int rd, unsigned entry, unsigned done)
{
    bool load = op->opc == IR_OP_guest_ld;
    unsigned memop = (unsigned)op->cargs[0];
    const struct ir_mem_ops *mem = &g->ra.env->mem;
    g->sec = X64_SEC_COLD;
    struct x64_buf *b = x64_cur(g);
    x64_bind_label(g, entry);
    for (unsigned t = 0; t < g->ra.env->nglobals; t++)
        if (!g->ra.ts[t].mem_ok)
            ra_store_value(&g->ra, t);
    ra_drop_idle_globals(&g->ra);
    uint32_t saved = live_caller_saved(g, rd);
    save_regs(b, saved, false);
    slow_args(b, load, ra, rv);
    x64_mov_ri(b, true, X64_RDI, (uintptr_t)mem->opaque);
    x64_mov_rr(b, true, X64_RSI, X64_ENV_REG);
    x64_mov_ri(b, false, load ? X64_RCX : X64_R8, memop);
    x64_call_abs(g, load ? (const void *)mem->load : (const void *)mem->store);
    record_site(g);
    if (load)
        emit_load_ext(b, (enum ir_type)op->type, memop, (unsigned)rd, X64_RAX, X64_NOREG, 0);
    save_regs(b, saved, true);
    x64_jump(g, -1, done);
    g->sec = X64_SEC_MAIN;
}

static void gen_guest_tlb(struct x64_gen *g, const struct ir_op *op)
{
    const struct ir_tlb *tlb = g->tlb;
    bool load = op->opc == IR_OP_guest_ld;
    unsigned memop = (unsigned)op->cargs[0], size = ir_memop_size(memop);
    int32_t ofs = (int32_t)(tlb->offset + ir_memop_mmu(memop) * tlb->table_stride);
    unsigned ra = (unsigned)ra_operand(&g->ra, op->args[1], ALLOC);
    unsigned rv = load ? 0 : (unsigned)ra_operand(&g->ra, op->args[0], ALLOC);
    int rd = load ? ra_alloc(&g->ra, ALLOC) : -1;
    unsigned t0 = (unsigned)ra_alloc(&g->ra, ALLOC), t1 = X64_TMP_REG;
    unsigned slow = x64_new_label(g), done = x64_new_label(g);
    struct x64_buf *b = x64_cur(g);
    x64_mov_rr(b, true, t0, ra);
    x64_shift_ri(b, true, X64_SHR, t0, tlb->page_bits - tlb->entry_bits);
    x64_alu_ri(b, false, X64_ALU_AND, t0,
               (int64_t)(((1u << tlb->index_bits) - 1) << tlb->entry_bits));
    x64_rm(b, X64_OPC_LEA | X64_P_W, t1, ra, (int32_t)(1u << size) - 1);
    x64_alu_ri(b, true, X64_ALU_AND, t1, -(int64_t)(1ull << tlb->page_bits));
    x64_rm_sib(b, (X64_OPC_ALU_GvEv + 8 * X64_ALU_CMP) | X64_P_W, t1, X64_ENV_REG, t0, 0,
               ofs + (load ? tlb->read_tag : tlb->write_tag));
    x64_jump(g, X64_CC_NE, slow);
    x64_rm_sib(b, X64_OPC_MOV_GvEv | X64_P_W, t1, X64_ENV_REG, t0, 0, ofs + tlb->addend);
    /* The access at addend + address. */
    if (load)
        x64_rm_sib(b, load_ext_opc((enum ir_type)op->type, memop), (unsigned)rd, t1, ra, 0, 0);
    else
        x64_rm_sib(b, store_opc[size], rv, t1, ra, 0, 0);
    x64_bind_label(g, done);
    emit_slow_path(g, op, ra, rv, rd, slow, done);
    if (load)
        finish_reg(g, op->args[0], (unsigned)rd);
    else
        ra_free_dead_inputs(&g->ra);
}

static void gen_guest(struct x64_gen *g, const struct ir_op *op)
{
    const struct ir_tlb *tlb = g->tlb;
    if (tlb && ir_memop_mmu((unsigned)op->cargs[0]) < tlb->nmmu)
        gen_guest_tlb(g, op);
    else
        gen_guest_call(g, op);
}

/* ---- block exits ---- */

void x64_gen_exit(struct x64_gen *g, unsigned tag, bool value_from_temp, uint64_t value)
{
    struct x64_buf *b = x64_cur(g);
    ra_sync_globals(&g->ra);
    if (value_from_temp)
        ra_load_into(&g->ra, X64_RAX, (unsigned)value);
    else
        x64_mov_ri(b, true, X64_RAX, value);
    x64_mov_ri(b, true, X64_RDX, g->tb | tag);
    x64_jump_abs(g, g->epilogue);
}

static void gen_exit_tb(struct x64_gen *g, const struct ir_op *op)
{
    x64_gen_exit(g, NATIVE_EXIT_RETURN, false, op->cargs[0]);
}

/* With a lookup_code hook: jump straight to the block it finds, else return.
 * Everything but the globals (in env by now) is dead here, so rbx is free to
 * keep the value across the call. */
static void gen_goto_ptr(struct x64_gen *g, const struct ir_op *op)
{
    const void *(*lookup)(void *) = g->ra.env->lookup_code;
    if (!lookup) {
        x64_gen_exit(g, NATIVE_EXIT_LOOKUP, true, op->args[0]);
        return;
    }
    struct x64_buf *b = x64_cur(g);
    ra_sync_globals(&g->ra);
    ra_load_into(&g->ra, X64_RBX, op->args[0]);
    x64_mov_rr(b, true, X64_RDI, X64_ENV_REG);
    x64_call_abs(g, (const void *)lookup);
    x64_rr(b, X64_OPC_TEST_EvGv | X64_P_W, X64_RAX, X64_RAX);
    unsigned miss = x64_new_label(g);
    x64_jump(g, X64_CC_E, miss);
    x64_rr(b, X64_OPC_GRP5, 4, X64_RAX);
    x64_bind_label(g, miss);
    x64_mov_rr(b, true, X64_RAX, X64_RBX);
    x64_mov_ri(b, true, X64_RDX, g->tb | NATIVE_EXIT_LOOKUP);
    x64_jump_abs(g, g->epilogue);
}

/* A jmp rel32 whose rel32 is 4-byte aligned, so that patching it is one
 * atomic store; it first jumps to the exit right after it. */
static void gen_goto_tb(struct x64_gen *g, const struct ir_op *op)
{
    unsigned slot = (unsigned)op->cargs[0] & 1;
    struct x64_buf *b = x64_cur(g);
    ra_sync_globals(&g->ra);
    x64_nops(b, (unsigned)(3 - (b->len & 3)));
    g->nb.jmp_off[slot] = (uint32_t)b->len;
    x64_byte(b, 0xe9);
    x64_u32(b, 0);
    x64_mov_ri(b, true, X64_RDX, g->tb | NATIVE_EXIT_GOTO_TB | (slot ? NATIVE_EXIT_SLOT1 : 0));
    x64_jump_abs(g, g->epilogue);
}

static void gen_nothing(struct x64_gen *g, const struct ir_op *op)
{
    (void)g, (void)op;
}

typedef void (*gen_fn)(struct x64_gen *g, const struct ir_op *op);

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

bool x64_gen_op(struct x64_gen *g, const struct ir_op *op)
{
    g->ra.op = op;
    if (op->opc >= IR_OP_COUNT || !gen_table[op->opc])
        return false;
    if (!fold(g, op))
        gen_table[op->opc](g, op);
    ra_end_op(&g->ra);
    return true;
}
