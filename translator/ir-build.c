/* IR builder: one small function per op so the lifter reads like the
 * operation it lifts (shared/DESIGN.md "Translator contract"). */
#include "ir.h"

#include <assert.h>

static enum ir_type type_of(const struct ir_block *b, ir_tmp t)
{
    return (enum ir_type)b->temp_type[t.idx];
}

static void op1(struct ir_block *b, enum ir_opcode opc, ir_tmp d, ir_tmp s)
{
    assert(type_of(b, d) == type_of(b, s));
    struct ir_op *op = ir_emit(b, opc, type_of(b, d));
    op->args[0] = d.idx;
    op->args[1] = s.idx;
}

static void op2(struct ir_block *b, enum ir_opcode opc, ir_tmp d, ir_tmp x, ir_tmp y)
{
    assert(type_of(b, d) == type_of(b, x) && type_of(b, x) == type_of(b, y));
    struct ir_op *op = ir_emit(b, opc, type_of(b, d));
    op->args[0] = d.idx;
    op->args[1] = x.idx;
    op->args[2] = y.idx;
}

/* op2 with an immediate: the constant goes through a fresh temp so that
 * every op input is a temp; the optimizer folds it back. */
static void op2i(struct ir_block *b, enum ir_opcode opc, ir_tmp d, ir_tmp x, uint64_t imm)
{
    ir_tmp c = ir_new_temp(b, type_of(b, x));
    ir_movi(b, c, imm);
    op2(b, opc, d, x, c);
}

ir_tmp ir_const_i32(struct ir_block *b, uint32_t v)
{
    ir_tmp t = ir_new_i32(b);
    ir_movi(b, t, v);
    return t;
}

ir_tmp ir_const_i64(struct ir_block *b, uint64_t v)
{
    ir_tmp t = ir_new_i64(b);
    ir_movi(b, t, v);
    return t;
}

void ir_mov(struct ir_block *b, ir_tmp d, ir_tmp s)
{
    op1(b, IR_OP_mov, d, s);
}

void ir_movi(struct ir_block *b, ir_tmp d, uint64_t imm)
{
    struct ir_op *op = ir_emit(b, IR_OP_movi, type_of(b, d));
    op->args[0] = d.idx;
    op->cargs[0] = type_of(b, d) == IR_I32 ? (uint32_t)imm : imm;
}

void ir_add(struct ir_block *b, ir_tmp d, ir_tmp x, ir_tmp y)
{
    op2(b, IR_OP_add, d, x, y);
}
void ir_sub(struct ir_block *b, ir_tmp d, ir_tmp x, ir_tmp y)
{
    op2(b, IR_OP_sub, d, x, y);
}
void ir_mul(struct ir_block *b, ir_tmp d, ir_tmp x, ir_tmp y)
{
    op2(b, IR_OP_mul, d, x, y);
}
void ir_and(struct ir_block *b, ir_tmp d, ir_tmp x, ir_tmp y)
{
    op2(b, IR_OP_and, d, x, y);
}
void ir_or(struct ir_block *b, ir_tmp d, ir_tmp x, ir_tmp y)
{
    op2(b, IR_OP_or, d, x, y);
}
void ir_xor(struct ir_block *b, ir_tmp d, ir_tmp x, ir_tmp y)
{
    op2(b, IR_OP_xor, d, x, y);
}
void ir_shl(struct ir_block *b, ir_tmp d, ir_tmp x, ir_tmp y)
{
    op2(b, IR_OP_shl, d, x, y);
}
void ir_shr(struct ir_block *b, ir_tmp d, ir_tmp x, ir_tmp y)
{
    op2(b, IR_OP_shr, d, x, y);
}
void ir_sar(struct ir_block *b, ir_tmp d, ir_tmp x, ir_tmp y)
{
    op2(b, IR_OP_sar, d, x, y);
}
void ir_rotl(struct ir_block *b, ir_tmp d, ir_tmp x, ir_tmp y)
{
    op2(b, IR_OP_rotl, d, x, y);
}
void ir_rotr(struct ir_block *b, ir_tmp d, ir_tmp x, ir_tmp y)
{
    op2(b, IR_OP_rotr, d, x, y);
}
void ir_not(struct ir_block *b, ir_tmp d, ir_tmp s)
{
    op1(b, IR_OP_not, d, s);
}
void ir_neg(struct ir_block *b, ir_tmp d, ir_tmp s)
{
    op1(b, IR_OP_neg, d, s);
}
void ir_bswap(struct ir_block *b, ir_tmp d, ir_tmp s)
{
    op1(b, IR_OP_bswap, d, s);
}

void ir_addi(struct ir_block *b, ir_tmp d, ir_tmp x, uint64_t i)
{
    op2i(b, IR_OP_add, d, x, i);
}
void ir_subi(struct ir_block *b, ir_tmp d, ir_tmp x, uint64_t i)
{
    op2i(b, IR_OP_sub, d, x, i);
}
void ir_andi(struct ir_block *b, ir_tmp d, ir_tmp x, uint64_t i)
{
    op2i(b, IR_OP_and, d, x, i);
}
void ir_ori(struct ir_block *b, ir_tmp d, ir_tmp x, uint64_t i)
{
    op2i(b, IR_OP_or, d, x, i);
}
void ir_xori(struct ir_block *b, ir_tmp d, ir_tmp x, uint64_t i)
{
    op2i(b, IR_OP_xor, d, x, i);
}
void ir_shli(struct ir_block *b, ir_tmp d, ir_tmp x, uint64_t i)
{
    op2i(b, IR_OP_shl, d, x, i);
}
void ir_shri(struct ir_block *b, ir_tmp d, ir_tmp x, uint64_t i)
{
    op2i(b, IR_OP_shr, d, x, i);
}
void ir_sari(struct ir_block *b, ir_tmp d, ir_tmp x, uint64_t i)
{
    op2i(b, IR_OP_sar, d, x, i);
}
void ir_muli(struct ir_block *b, ir_tmp d, ir_tmp x, uint64_t i)
{
    op2i(b, IR_OP_mul, d, x, i);
}

static void mul2(struct ir_block *b, enum ir_opcode opc, ir_tmp lo, ir_tmp hi, ir_tmp x, ir_tmp y)
{
    assert(type_of(b, lo) == type_of(b, hi) && type_of(b, lo) == type_of(b, x) &&
           type_of(b, x) == type_of(b, y));
    struct ir_op *op = ir_emit(b, opc, type_of(b, lo));
    op->args[0] = lo.idx;
    op->args[1] = hi.idx;
    op->args[2] = x.idx;
    op->args[3] = y.idx;
}

void ir_mulu2(struct ir_block *b, ir_tmp lo, ir_tmp hi, ir_tmp x, ir_tmp y)
{
    mul2(b, IR_OP_mulu2, lo, hi, x, y);
}

void ir_muls2(struct ir_block *b, ir_tmp lo, ir_tmp hi, ir_tmp x, ir_tmp y)
{
    mul2(b, IR_OP_muls2, lo, hi, x, y);
}

void ir_ext8s(struct ir_block *b, ir_tmp d, ir_tmp s)
{
    op1(b, IR_OP_ext8s, d, s);
}
void ir_ext8u(struct ir_block *b, ir_tmp d, ir_tmp s)
{
    op1(b, IR_OP_ext8u, d, s);
}
void ir_ext16s(struct ir_block *b, ir_tmp d, ir_tmp s)
{
    op1(b, IR_OP_ext16s, d, s);
}
void ir_ext16u(struct ir_block *b, ir_tmp d, ir_tmp s)
{
    op1(b, IR_OP_ext16u, d, s);
}

void ir_ext32s(struct ir_block *b, ir_tmp d, ir_tmp s)
{
    assert(type_of(b, d) == IR_I64);
    op1(b, IR_OP_ext32s, d, s);
}

void ir_ext32u(struct ir_block *b, ir_tmp d, ir_tmp s)
{
    assert(type_of(b, d) == IR_I64);
    op1(b, IR_OP_ext32u, d, s);
}

static void conv(struct ir_block *b, enum ir_opcode opc, ir_tmp d, enum ir_type dt, ir_tmp s)
{
    assert(type_of(b, d) == dt && type_of(b, s) != dt);
    struct ir_op *op = ir_emit(b, opc, dt);
    op->args[0] = d.idx;
    op->args[1] = s.idx;
}

void ir_extu_i32_i64(struct ir_block *b, ir_tmp d, ir_tmp s)
{
    conv(b, IR_OP_extu_i32_i64, d, IR_I64, s);
}
void ir_exts_i32_i64(struct ir_block *b, ir_tmp d, ir_tmp s)
{
    conv(b, IR_OP_exts_i32_i64, d, IR_I64, s);
}
void ir_extrl_i64_i32(struct ir_block *b, ir_tmp d, ir_tmp s)
{
    conv(b, IR_OP_extrl_i64_i32, d, IR_I32, s);
}
void ir_extrh_i64_i32(struct ir_block *b, ir_tmp d, ir_tmp s)
{
    conv(b, IR_OP_extrh_i64_i32, d, IR_I32, s);
}

static void field_check(const struct ir_block *b, ir_tmp d, unsigned pos, unsigned len)
{
    unsigned width = type_of(b, d) == IR_I32 ? 32 : 64;
    (void)width, (void)pos, (void)len;
    assert(len >= 1 && pos < width && len <= width - pos);
}

void ir_deposit(struct ir_block *b, ir_tmp d, ir_tmp base, ir_tmp val, unsigned pos, unsigned len)
{
    field_check(b, d, pos, len);
    op2(b, IR_OP_deposit, d, base, val);
    b->ops[b->nops - 1].cargs[0] = pos;
    b->ops[b->nops - 1].cargs[1] = len;
}

static void extract_op(struct ir_block *b, enum ir_opcode opc, ir_tmp d, ir_tmp s, unsigned pos,
                       unsigned len)
{
    field_check(b, d, pos, len);
    op1(b, opc, d, s);
    b->ops[b->nops - 1].cargs[0] = pos;
    b->ops[b->nops - 1].cargs[1] = len;
}

void ir_extract(struct ir_block *b, ir_tmp d, ir_tmp s, unsigned pos, unsigned len)
{
    extract_op(b, IR_OP_extract, d, s, pos, len);
}

void ir_sextract(struct ir_block *b, ir_tmp d, ir_tmp s, unsigned pos, unsigned len)
{
    extract_op(b, IR_OP_sextract, d, s, pos, len);
}

void ir_setcond(struct ir_block *b, enum ir_cond c, ir_tmp d, ir_tmp x, ir_tmp y)
{
    assert(type_of(b, x) == type_of(b, y));
    struct ir_op *op = ir_emit(b, IR_OP_setcond, type_of(b, x));
    assert(type_of(b, d) == type_of(b, x));
    op->args[0] = d.idx;
    op->args[1] = x.idx;
    op->args[2] = y.idx;
    op->cargs[0] = c;
}

void ir_movcond(struct ir_block *b, enum ir_cond c, ir_tmp d, ir_tmp x, ir_tmp y, ir_tmp vtrue,
                ir_tmp vfalse)
{
    assert(type_of(b, x) == type_of(b, y) && type_of(b, d) == type_of(b, x) &&
           type_of(b, vtrue) == type_of(b, d) && type_of(b, vfalse) == type_of(b, d));
    struct ir_op *op = ir_emit(b, IR_OP_movcond, type_of(b, d));
    op->args[0] = d.idx;
    op->args[1] = x.idx;
    op->args[2] = y.idx;
    op->args[3] = vtrue.idx;
    op->args[4] = vfalse.idx;
    op->cargs[0] = c;
}

void ir_set_label(struct ir_block *b, ir_label l)
{
    ir_emit(b, IR_OP_set_label, IR_I32)->cargs[0] = l.id;
}

void ir_br(struct ir_block *b, ir_label l)
{
    ir_emit(b, IR_OP_br, IR_I32)->cargs[0] = l.id;
}

void ir_brcond(struct ir_block *b, enum ir_cond c, ir_tmp x, ir_tmp y, ir_label l)
{
    assert(type_of(b, x) == type_of(b, y));
    struct ir_op *op = ir_emit(b, IR_OP_brcond, type_of(b, x));
    op->args[0] = x.idx;
    op->args[1] = y.idx;
    op->cargs[0] = c;
    op->cargs[1] = l.id;
}

void ir_brcondi(struct ir_block *b, enum ir_cond c, ir_tmp x, uint64_t imm, ir_label l)
{
    ir_tmp t = ir_new_temp(b, type_of(b, x));
    ir_movi(b, t, imm);
    ir_brcond(b, c, x, t, l);
}

void ir_ld(struct ir_block *b, ir_tmp d, uint32_t offset, unsigned memop)
{
    struct ir_op *op = ir_emit(b, IR_OP_ld, type_of(b, d));
    op->args[0] = d.idx;
    op->cargs[0] = offset;
    op->cargs[1] = memop & (IR_MO_SIZE | IR_MO_SIGN);
}

void ir_st(struct ir_block *b, ir_tmp s, uint32_t offset, unsigned memop)
{
    struct ir_op *op = ir_emit(b, IR_OP_st, type_of(b, s));
    op->args[0] = s.idx;
    op->cargs[0] = offset;
    op->cargs[1] = memop & IR_MO_SIZE;
}

void ir_guest_ld(struct ir_block *b, ir_tmp d, ir_tmp addr, unsigned memop)
{
    struct ir_op *op = ir_emit(b, IR_OP_guest_ld, type_of(b, d));
    op->args[0] = d.idx;
    op->args[1] = addr.idx;
    op->cargs[0] = memop;
}

void ir_guest_st(struct ir_block *b, ir_tmp val, ir_tmp addr, unsigned memop)
{
    struct ir_op *op = ir_emit(b, IR_OP_guest_st, type_of(b, val));
    op->args[0] = val.idx;
    op->args[1] = addr.idx;
    op->cargs[0] = memop & ~(unsigned)IR_MO_SIGN;
}

static enum ir_type htype_ir(enum ir_htype t)
{
    return t == IR_HT_I64 ? IR_I64 : t == IR_HT_I32 ? IR_I32 : IR_PTR;
}

void ir_call(struct ir_block *b, unsigned helper, ir_tmp ret, unsigned nargs, const ir_tmp *args)
{
    assert(helper < b->env->nhelpers);
    const struct ir_helper *h = &b->env->helpers[helper];
    assert(nargs == h->nargs);
    bool has_ret = h->ret != IR_HT_VOID;
    struct ir_op *op = ir_emit(b, IR_OP_call, has_ret ? htype_ir(h->ret) : IR_I32);
    op->nout = has_ret;
    op->nin = (uint8_t)nargs;
    if (has_ret) {
        assert(type_of(b, ret) == htype_ir(h->ret));
        op->args[0] = ret.idx;
    }
    for (unsigned i = 0; i < nargs; i++) {
        assert(type_of(b, args[i]) == htype_ir(h->args[i]));
        op->args[op->nout + i] = args[i].idx;
    }
    op->cargs[0] = helper;
}

void ir_insn_start(struct ir_block *b, uint64_t data0, uint64_t data1)
{
    struct ir_op *op = ir_emit(b, IR_OP_insn_start, IR_I64);
    op->cargs[0] = data0;
    op->cargs[1] = data1;
}

void ir_goto_tb(struct ir_block *b, unsigned slot)
{
    assert(slot < 2);
    ir_emit(b, IR_OP_goto_tb, IR_I32)->cargs[0] = slot;
}

void ir_goto_ptr(struct ir_block *b, ir_tmp p)
{
    struct ir_op *op = ir_emit(b, IR_OP_goto_ptr, type_of(b, p));
    op->args[0] = p.idx;
}

void ir_exit_tb(struct ir_block *b, uint64_t code)
{
    ir_emit(b, IR_OP_exit_tb, IR_I64)->cargs[0] = code;
}
