/* Inline IR for the most frequent SSE2 integer and move instructions on XMM registers
 * (MOVDQA/MOVAPS/MOVAPD, the bitwise PAND/PANDN/POR/PXOR and their PS/PD twins,
 * PADDB/W/D, PSUBB/W/D, PSLLD/PSRLD/PSRAD by imm8): 32-bit lanes on env and on aligned guest
 * memory, exact on every backend. Anything else, or CR4.OSFXSR clear (X86_HF_OSFXSR of the block
 * key), or a misaligned operand, takes the helper. */
#include "frontend/lift-internal.h"
#include "frontend/lift-sse.h"

enum inline_op {
    IN_NONE,
    IN_MOVE,
    IN_AND,
    IN_ANDN,
    IN_OR,
    IN_XOR,
    IN_ADD,
    IN_SUB,
    IN_SHL, /* dword shifts by imm8 (group 13 forms) */
    IN_SHR,
    IN_SAR
};

struct inline_row {
    uint8_t op;
    uint8_t esize; /* lane width of ADD/SUB */
};

static const struct inline_row rows[X86_MN_COUNT] = {
    [X86_MN_MOVDQA] = {IN_MOVE, 4}, [X86_MN_MOVAPS] = {IN_MOVE, 4}, [X86_MN_MOVAPD] = {IN_MOVE, 4},
    [X86_MN_PAND] = {IN_AND, 4},    [X86_MN_ANDPS] = {IN_AND, 4},   [X86_MN_ANDPD] = {IN_AND, 4},
    [X86_MN_PANDN] = {IN_ANDN, 4},  [X86_MN_ANDNPS] = {IN_ANDN, 4}, [X86_MN_ANDNPD] = {IN_ANDN, 4},
    [X86_MN_POR] = {IN_OR, 4},      [X86_MN_ORPS] = {IN_OR, 4},     [X86_MN_ORPD] = {IN_OR, 4},
    [X86_MN_PXOR] = {IN_XOR, 4},    [X86_MN_XORPS] = {IN_XOR, 4},   [X86_MN_XORPD] = {IN_XOR, 4},
    [X86_MN_PADDB] = {IN_ADD, 1},   [X86_MN_PADDW] = {IN_ADD, 2},   [X86_MN_PADDD] = {IN_ADD, 4},
    [X86_MN_PSUBB] = {IN_SUB, 1},   [X86_MN_PSUBW] = {IN_SUB, 2},   [X86_MN_PSUBD] = {IN_SUB, 4},
    [X86_MN_PSLLD] = {IN_SHL, 4},   [X86_MN_PSRLD] = {IN_SHR, 4},   [X86_MN_PSRAD] = {IN_SAR, 4},
};

static bool is_xmm(const struct x86_operand *o)
{
    return o->kind == X86_OPK_REG && o->rclass == X86_RC_XMM;
}

static bool is_mem16(const struct x86_operand *o)
{
    return o->kind == X86_OPK_MEM && o->size == 16;
}

/* Env offset of dword lane i (0-3) of XMM register r. */
static uint32_t lane_off(unsigned r, unsigned i)
{
    uint32_t q = ENV_OFF(xmm[r].q[i / 2]), lo = X86_LOW32(q);
    return (i & 1) ? q + 4 - (lo - q) : lo;
}

/* Byte/word lanes inside a dword without carries across lanes (SWAR): the top bit of each
 * lane is added (or subtracted) separately by XOR. */
static void lane_arith(struct lift *L, ir_tmp d, ir_tmp a, ir_tmp b, const struct inline_row *r,
                       bool sub)
{
    struct ir_block *B = L->b;
    if (r->esize == 4) {
        (sub ? ir_sub : ir_add)(B, d, a, b);
        return;
    }
    uint32_t top = r->esize == 1 ? 0x80808080u : 0x80008000u, low = ~top;
    ir_tmp x = ir_new_i32(B), y = ir_new_i32(B), t = ir_new_i32(B);
    if (sub) {
        ir_ori(B, x, a, top);
        ir_andi(B, y, b, low);
        ir_sub(B, d, x, y);
        ir_xor(B, t, a, b);
        ir_xori(B, t, t, top); /* top bits of a ^ ~b */
        ir_andi(B, t, t, top);
        ir_xor(B, d, d, t);
        return;
    }
    ir_andi(B, x, a, low);
    ir_andi(B, y, b, low);
    ir_add(B, d, x, y);
    ir_xor(B, t, a, b);
    ir_andi(B, t, t, top);
    ir_xor(B, d, d, t);
}

static void combine(struct lift *L, const struct inline_row *r, ir_tmp d, ir_tmp a, ir_tmp b)
{
    struct ir_block *B = L->b;
    switch (r->op) {
    case IN_AND: ir_and(B, d, a, b); break;
    case IN_ANDN: {
        ir_tmp n = ir_new_i32(B);
        ir_not(B, n, a);
        ir_and(B, d, n, b);
        break;
    }
    case IN_OR: ir_or(B, d, a, b); break;
    case IN_XOR: ir_xor(B, d, a, b); break;
    case IN_ADD: lane_arith(L, d, a, b, r, false); break;
    case IN_SUB: lane_arith(L, d, a, b, r, true); break;
    default: ir_mov(B, d, b); break;
    }
}

/* Counts past 31 clear the lane, or fill it with the sign bit (PSRAD). */
static void emit_shift_imm(struct lift *L, const struct inline_row *r, unsigned reg, uint64_t n)
{
    for (unsigned i = 0; i < 4; i++) {
        ir_tmp v = ir_new_i32(L->b);
        if (r->op != IN_SAR && n > 31) {
            ir_movi(L->b, v, 0);
        } else {
            ir_ld(L->b, v, lane_off(reg, i), IR_MEMOP(IR_MO_32, 0, 0));
            if (r->op == IN_SHL)
                ir_shli(L->b, v, v, n);
            else if (r->op == IN_SHR)
                ir_shri(L->b, v, v, n);
            else
                ir_sari(L->b, v, v, n > 31 ? 31 : n);
        }
        ir_st(L->b, v, lane_off(reg, i), IR_MEMOP(IR_MO_32, 0, 0));
    }
}

static ir_tmp load_lane(struct lift *L, const struct x86_operand *o, ir_tmp lin, unsigned i)
{
    if (is_xmm(o)) {
        ir_tmp v = ir_new_i32(L->b);
        ir_ld(L->b, v, lane_off(o->reg & 7, i), IR_MEMOP(IR_MO_32, 0, 0));
        return v;
    }
    ir_tmp a = ir_new_i32(L->b);
    ir_addi(L->b, a, lin, 4 * i);
    return lift_load(L, a, 4);
}

static void store_lane(struct lift *L, const struct x86_operand *o, ir_tmp lin, unsigned i,
                       ir_tmp v)
{
    if (is_xmm(o)) {
        ir_st(L->b, v, lane_off(o->reg & 7, i), IR_MEMOP(IR_MO_32, 0, 0));
        return;
    }
    ir_tmp a = ir_new_i32(L->b);
    ir_addi(L->b, a, lin, 4 * i);
    lift_store(L, a, v, 4);
}

/* Emits the inline form, with a branch to *fallback_out (a new label) when the memory operand
 * is misaligned; LIFT_SSE_HELPER, emitting nothing, when there is no inline form. */
enum lift_sse_inline lift_sse_inline(struct lift *L, ir_label *fallback_out)
{
    const struct x86_instr *in = L->in;
    const struct inline_row *r = &rows[in->mnemonic < X86_MN_COUNT ? in->mnemonic : 0];
    const struct x86_operand *d = &in->op[0], *s = &in->op[1];
    if (r->op == IN_NONE || in->nops != 2 || (L->hflags & (X86_HF_EM | X86_HF_TS)) ||
        !(L->hflags & X86_HF_OSFXSR))
        return LIFT_SSE_HELPER;
    bool store = r->op == IN_MOVE && is_mem16(d) && is_xmm(s);
    bool shift = r->op >= IN_SHL;
    if (shift ? !(is_xmm(d) && s->kind == X86_OPK_IMM)
              : !(is_xmm(d) && (is_xmm(s) || is_mem16(s))) && !store)
        return LIFT_SSE_HELPER;
    if (shift) {
        emit_shift_imm(L, r, d->reg & 7, (uint64_t)in->imm & 0xff);
        return LIFT_SSE_INLINE;
    }
    enum lift_sse_inline form = LIFT_SSE_INLINE;
    ir_tmp lin = {0}; /* used only with a memory operand */
    if (store || is_mem16(s)) {
        ir_label fallback = ir_new_label(L->b);
        ir_tmp low = ir_new_i32(L->b);
        *fallback_out = fallback;
        form = LIFT_SSE_FALLBACK;
        lin = store ? lift_ea_w(L, 16) : lift_ea(L, 16);
        ir_andi(L->b, low, lin, 15);
        ir_brcondi(L->b, IR_COND_NE, low, 0, fallback);
    }
    for (unsigned i = 0; i < 4; i++) {
        ir_tmp b = load_lane(L, s, lin, i), v = b;
        if (r->op != IN_MOVE) {
            v = ir_new_i32(L->b);
            combine(L, r, v, load_lane(L, d, lin, i), b);
        }
        store_lane(L, d, lin, i, v);
    }
    return form;
}
