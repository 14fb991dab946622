/* The interpreter's run loop: dispatches the pre-decoded instructions of
 * interp-code.h, follows chained goto_tb slots and (with ir_env.lookup_code)
 * goto_ptr lookups itself, and returns at the first exit it cannot follow.
 * What each op computes comes from ir-eval.h, shared with the folder. */
#include "interp-code.h"
#include "ir-eval.h"
#include "tb-internal.h"

#include <string.h>

/* ---- operands (interp-code.h: frame or env, by the word's low bit) ---- */

/* Passed by value so that both stay in registers: the base of an operand
 * is then a conditional move, not a load on the path to its value. */
struct bases {
    uint8_t *frame, *env;
};

static inline uint8_t *at(struct bases base, uint32_t w)
{
    return ((w & INTERP_OPND_ENV) ? base.env : base.frame) + (w >> INTERP_OPND_SHIFT);
}

static inline uint32_t r32(struct bases base, uint32_t w)
{
    uint32_t v;
    memcpy(&v, at(base, w), 4);
    return v;
}

static inline uint64_t r64(struct bases base, uint32_t w)
{
    uint64_t v;
    memcpy(&v, at(base, w), 8);
    return v;
}

static inline void w32(struct bases base, uint32_t w, uint32_t v)
{
    memcpy(at(base, w), &v, 4);
}

static inline void w64(struct bases base, uint32_t w, uint64_t v)
{
    memcpy(at(base, w), &v, 8);
}

/* Width from the word, for the ops whose operands may be either. */
static inline uint64_t rd(struct bases base, uint32_t w)
{
    return (w & INTERP_OPND_64) ? r64(base, w) : r32(base, w);
}

static inline void wr(struct bases base, uint32_t w, uint64_t v)
{
    if (w & INTERP_OPND_64)
        w64(base, w, v);
    else
        w32(base, w, (uint32_t)v);
}

static inline enum ir_type type_of(uint32_t w)
{
    return (w & INTERP_OPND_64) ? IR_I64 : IR_I32;
}

/* ---- memory ---- */

/* An env field of memop's size, zero-extended (host byte order). */
static uint64_t env_load(const uint8_t *p, unsigned size)
{
    uint8_t v1;
    uint16_t v2;
    uint32_t v4;
    uint64_t v8;
    switch (size) {
    case IR_MO_8: memcpy(&v1, p, 1); return v1;
    case IR_MO_16: memcpy(&v2, p, 2); return v2;
    case IR_MO_32: memcpy(&v4, p, 4); return v4;
    default: memcpy(&v8, p, 8); return v8;
    }
}

static void env_store(uint8_t *p, unsigned size, uint64_t v)
{
    uint8_t v1 = (uint8_t)v;
    uint16_t v2 = (uint16_t)v;
    uint32_t v4 = (uint32_t)v;
    switch (size) {
    case IR_MO_8: memcpy(p, &v1, 1); break;
    case IR_MO_16: memcpy(p, &v2, 2); break;
    case IR_MO_32: memcpy(p, &v4, 4); break;
    default: memcpy(p, &v, 8); break;
    }
}

/* Guest memory is little-endian whatever the host. */
static inline uint64_t le(uint64_t v, unsigned size)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return __builtin_bswap64(v) >> (64 - (8u << size));
#else
    (void)size;
    return v;
#endif
}

/* The host address of a guest access when the TLB in env maps it as plain
 * memory (ir.h struct ir_tlb, as the native backends test it), else NULL. */
static inline uint8_t *tlb_host(const struct ir_tlb *tlb, const uint8_t *table, uint64_t va,
                                unsigned size, bool load)
{
    uint64_t index = (va >> tlb->page_bits) & ((1u << tlb->index_bits) - 1);
    const uint8_t *entry = table + (index << tlb->entry_bits);
    uint64_t tag, addend;
    memcpy(&tag, entry + (load ? tlb->read_tag : tlb->write_tag), 8);
    if (((va + (1u << size) - 1) & ~((1ull << tlb->page_bits) - 1)) != tag)
        return NULL;
    memcpy(&addend, entry + tlb->addend, 8);
    return (uint8_t *)(uintptr_t)(va + addend);
}

static inline uint64_t host_load(const uint8_t *p, unsigned size)
{
    return le(env_load(p, size), size);
}

static inline void host_store(uint8_t *p, unsigned size, uint64_t v)
{
    env_store(p, size, le(v, size));
}

/* The memory callbacks, from the instruction that is the restore site. */
static uint64_t guest_load(const struct ir_mem_ops *mem, struct translator *t, void *env,
                           const struct interp_insn *ip, uint64_t va)
{
    t->interp_pc = (uintptr_t)ip;
    return mem->load(mem->opaque, env, va, ip->x);
}

static void guest_store(const struct ir_mem_ops *mem, struct translator *t, void *env,
                        const struct interp_insn *ip, uint64_t va, uint64_t v)
{
    t->interp_pc = (uintptr_t)ip;
    mem->store(mem->opaque, env, va, v, ip->x);
}

/* ---- helpers ---- */

/* The call's argument words are in the instruction after it. */
static void call(const struct interp *in, struct bases base, const struct interp_insn *ip)
{
    const struct interp_insn *aw = ip + 1;
    uint32_t w[IR_HELPER_MAX_ARGS] = {
        aw->d, aw->a, aw->b, aw->x, (uint32_t)aw->imm, (uint32_t)(aw->imm >> 32)};
    uint64_t args[IR_HELPER_MAX_ARGS];
    for (unsigned i = 0; i < ip->b; i++)
        args[i] = rd(base, w[i]);
    uint64_t r = helper_ffi_call(in->ffi, ip->a, args);
    if (ip->x)
        wr(base, ip->d, r);
}

static void mul2(struct bases base, const struct interp_insn *ip, bool sign, enum ir_type t)
{
    uint64_t out[2];
    ir_eval_mul2_typed(sign, t, rd(base, ip->a), rd(base, ip->b), out);
    wr(base, ip->d, out[0]);
    wr(base, ip->x, out[1]);
}

static uint64_t movcond(struct bases base, const struct interp_insn *ip, enum ir_type t)
{
    bool c = ir_eval_cond((enum ir_cond)ip->x, t, rd(base, ip->a), rd(base, ip->b));
    return rd(base, (uint32_t)(c ? ip->imm : ip->imm >> 32));
}

/* Any pure op through ir_eval_pure (interp-compile.c, emit_pure). */
static void pure(struct bases base, const struct interp_insn *ip)
{
    struct ir_op op;
    memcpy(&op, ip + 1, sizeof(op));
    uint32_t w[4] = {ip->a, ip->b, (uint32_t)ip->imm, (uint32_t)(ip->imm >> 32)};
    uint64_t in[4] = {0}, out[2] = {0};
    for (unsigned i = 0; i < op.nin && i < 4; i++)
        in[i] = rd(base, w[i]);
    ir_eval_pure(&op, in, out);
    wr(base, ip->d, out[0]);
    if (op.nout > 1)
        wr(base, ip->x, out[1]);
}

/* ---- the loop ---- */

/* OP(name) starts the handler of INTERP_H_name; NEXT goes on with the next
 * instruction, DISPATCH with the one ip points to: a computed goto with
 * threaded code, the switch's next round otherwise. Only the loop below uses
 * them. */
#if INTERP_THREADED
#define OP(name) L_##name:
#define DISPATCH goto * ip->h.label
#else
#define OP(name) case INTERP_H_##name:
#define DISPATCH continue
#endif
#define NEXT                                                                                       \
    ip++;                                                                                          \
    DISPATCH

/* Field position and length of deposit/extract. */
#define POS(ip) ((ip)->x & 0xff)
#define LEN(ip) ((ip)->x >> 8)

static struct tb_exit run(const struct interp *in, struct translator *t, struct tb *tb, void *env,
                          const void *const **labels_out)
{
#if INTERP_THREADED
    static const void *const labels[INTERP_H_COUNT] = {
#define L_BIN(op) &&L_##op##_32rr, &&L_##op##_32ri, &&L_##op##_64rr, &&L_##op##_64ri,
#define L_UN(op)  &&L_##op##_32, &&L_##op##_64,
#define L_COND(c, name)                                                                            \
    &&L_setcond_##c##_32rr, &&L_setcond_##c##_32ri, &&L_setcond_##c##_64rr,                        \
        &&L_setcond_##c##_64ri, &&L_brcond_##c##_32rr, &&L_brcond_##c##_32ri,                      \
        &&L_brcond_##c##_64rr, &&L_brcond_##c##_64ri,
#define L_ONE(name) &&L_##name,
        INTERP_BINOPS(L_BIN) INTERP_UNOPS(L_UN) IR_CONDS(L_COND) INTERP_SINGLE(L_ONE)
#undef L_BIN
#undef L_UN
#undef L_COND
#undef L_ONE
    };
    if (labels_out) {
        *labels_out = labels;
        return (struct tb_exit){TB_EXIT_RETURN, 0, 0, NULL};
    }
#else
    if (labels_out) {
        *labels_out = NULL;
        return (struct tb_exit){TB_EXIT_RETURN, 0, 0, NULL};
    }
#endif
    uint64_t frame[IR_MAX_TEMPS];
    const struct bases base = {(uint8_t *)frame, env};
    const struct ir_tlb *tlb = &in->env->tlb;
    const struct ir_mem_ops *mem = &in->env->mem;
    wr(base, interp_frame_opnd(in->env->nglobals, IR_PTR == IR_I64), (uintptr_t)env);
    const struct interp_code *code = tb->tc_ptr;
    const struct interp_insn *ip = code->insn;
#if INTERP_THREADED
    DISPATCH;
#else
    for (;;)
        switch (ip->h.index) {
#endif

#define BIN(op)                                                                                    \
    OP(op##_32rr)                                                                                  \
    w32(base, ip->d, (uint32_t)ir_eval_alu(IR_OP_##op, r32(base, ip->a), r32(base, ip->b), 32));   \
    NEXT;                                                                                          \
    OP(op##_32ri)                                                                                  \
    w32(base, ip->d, (uint32_t)ir_eval_alu(IR_OP_##op, r32(base, ip->a), (uint32_t)ip->imm, 32));  \
    NEXT;                                                                                          \
    OP(op##_64rr)                                                                                  \
    w64(base, ip->d, ir_eval_alu(IR_OP_##op, r64(base, ip->a), r64(base, ip->b), 64));             \
    NEXT;                                                                                          \
    OP(op##_64ri)                                                                                  \
    w64(base, ip->d, ir_eval_alu(IR_OP_##op, r64(base, ip->a), ip->imm, 64));                      \
    NEXT;
    INTERP_BINOPS(BIN)
#undef BIN

#define UN(op)                                                                                     \
    OP(op##_32)                                                                                    \
    w32(base, ip->d, (uint32_t)ir_eval_alu(IR_OP_##op, r32(base, ip->a), 0, 32));                  \
    NEXT;                                                                                          \
    OP(op##_64)                                                                                    \
    w64(base, ip->d, ir_eval_alu(IR_OP_##op, r64(base, ip->a), 0, 64));                            \
    NEXT;
    INTERP_UNOPS(UN)
#undef UN

    /* brcond steps to the next instruction or by the distance in x. */
#define COND(c, name)                                                                              \
    OP(setcond_##c##_32rr)                                                                         \
    w32(base, ip->d, ir_eval_cond(IR_COND_##c, IR_I32, r32(base, ip->a), r32(base, ip->b)));       \
    NEXT;                                                                                          \
    OP(setcond_##c##_32ri)                                                                         \
    w32(base, ip->d, ir_eval_cond(IR_COND_##c, IR_I32, r32(base, ip->a), ip->imm));                \
    NEXT;                                                                                          \
    OP(setcond_##c##_64rr)                                                                         \
    w64(base, ip->d, ir_eval_cond(IR_COND_##c, IR_I64, r64(base, ip->a), r64(base, ip->b)));       \
    NEXT;                                                                                          \
    OP(setcond_##c##_64ri)                                                                         \
    w64(base, ip->d, ir_eval_cond(IR_COND_##c, IR_I64, r64(base, ip->a), ip->imm));                \
    NEXT;                                                                                          \
    OP(brcond_##c##_32rr)                                                                          \
    ip += ir_eval_cond(IR_COND_##c, IR_I32, r32(base, ip->a), r32(base, ip->b)) ? (int32_t)ip->x   \
                                                                                : 1;               \
    DISPATCH;                                                                                      \
    OP(brcond_##c##_32ri)                                                                          \
    ip += ir_eval_cond(IR_COND_##c, IR_I32, r32(base, ip->a), ip->imm) ? (int32_t)ip->x : 1;       \
    DISPATCH;                                                                                      \
    OP(brcond_##c##_64rr)                                                                          \
    ip += ir_eval_cond(IR_COND_##c, IR_I64, r64(base, ip->a), r64(base, ip->b)) ? (int32_t)ip->x   \
                                                                                : 1;               \
    DISPATCH;                                                                                      \
    OP(brcond_##c##_64ri)                                                                          \
    ip += ir_eval_cond(IR_COND_##c, IR_I64, r64(base, ip->a), ip->imm) ? (int32_t)ip->x : 1;       \
    DISPATCH;
    IR_CONDS(COND)
#undef COND

    OP(movi_i32) w32(base, ip->d, (uint32_t)ip->imm);
    NEXT;
    OP(movi_i64) w64(base, ip->d, ip->imm);
    NEXT;
    OP(extu_i32_i64) w64(base, ip->d, r32(base, ip->a));
    NEXT;
    OP(exts_i32_i64) w64(base, ip->d, ir_sext(r32(base, ip->a), 32));
    NEXT;
    OP(extrl_i64_i32) w32(base, ip->d, (uint32_t)r64(base, ip->a));
    NEXT;
    OP(extrh_i64_i32) w32(base, ip->d, (uint32_t)(r64(base, ip->a) >> 32));
    NEXT;
    OP(mulu2_i32) mul2(base, ip, false, IR_I32);
    NEXT;
    OP(mulu2_i64) mul2(base, ip, false, IR_I64);
    NEXT;
    OP(muls2_i32) mul2(base, ip, true, IR_I32);
    NEXT;
    OP(muls2_i64) mul2(base, ip, true, IR_I64);
    NEXT;
    OP(deposit_i32)
    w32(base, ip->d,
        (uint32_t)ir_eval_deposit(r32(base, ip->a), r32(base, ip->b), POS(ip), LEN(ip)));
    NEXT;
    OP(deposit_i64)
    w64(base, ip->d, ir_eval_deposit(r64(base, ip->a), r64(base, ip->b), POS(ip), LEN(ip)));
    NEXT;
    OP(extract_i32)
    w32(base, ip->d, (uint32_t)ir_eval_extract(r32(base, ip->a), POS(ip), LEN(ip), false));
    NEXT;
    OP(extract_i64) w64(base, ip->d, ir_eval_extract(r64(base, ip->a), POS(ip), LEN(ip), false));
    NEXT;
    OP(sextract_i32)
    w32(base, ip->d, (uint32_t)ir_eval_extract(r32(base, ip->a), POS(ip), LEN(ip), true));
    NEXT;
    OP(sextract_i64) w64(base, ip->d, ir_eval_extract(r64(base, ip->a), POS(ip), LEN(ip), true));
    NEXT;
    OP(movcond_i32) w32(base, ip->d, (uint32_t)movcond(base, ip, IR_I32));
    NEXT;
    OP(movcond_i64) w64(base, ip->d, movcond(base, ip, IR_I64));
    NEXT;
    OP(br) ip += (int32_t)ip->x;
    DISPATCH;
    OP(ld)
    wr(base, ip->d,
       ir_eval_load_ext(type_of(ip->d), ip->x, env_load(base.env + ip->imm, ir_memop_size(ip->x))));
    NEXT;
    OP(st) env_store(base.env + ip->imm, ir_memop_size(ip->x), rd(base, ip->a));
    NEXT;
    OP(guest_ld_tlb)
    {
        unsigned size = ir_memop_size(ip->x);
        uint64_t va = rd(base, ip->a);
        const uint8_t *host = tlb_host(tlb, base.env + ip->imm, va, size, true);
        uint64_t v = host ? host_load(host, size) : guest_load(mem, t, env, ip, va);
        wr(base, ip->d, ir_eval_load_ext(type_of(ip->d), ip->x, v));
        NEXT;
    }
    OP(guest_ld)
    wr(base, ip->d,
       ir_eval_load_ext(type_of(ip->d), ip->x, guest_load(mem, t, env, ip, rd(base, ip->a))));
    NEXT;
    OP(guest_st_tlb)
    {
        unsigned size = ir_memop_size(ip->x);
        uint64_t va = rd(base, ip->a), v = rd(base, ip->b);
        uint8_t *host = tlb_host(tlb, base.env + ip->imm, va, size, false);
        if (host)
            host_store(host, size, v);
        else
            guest_store(mem, t, env, ip, va, v);
        NEXT;
    }
    OP(guest_st)
    guest_store(mem, t, env, ip, rd(base, ip->a), rd(base, ip->b));
    NEXT;
    OP(call)
    t->interp_pc = (uintptr_t)ip;
    call(in, base, ip);
    ip += 2;
    DISPATCH;
    OP(goto_tb)
    {
        struct tb *next = code->tb->jmp[ip->x].dest;
        if (!next)
            return (struct tb_exit){TB_EXIT_GOTO_TB, ip->x, 0, code->tb};
        t->stats.chained_jumps++;
        code = next->tc_ptr;
        ip = code->insn;
        DISPATCH;
    }
    OP(goto_ptr)
    {
        uint64_t value = rd(base, ip->a);
        const struct interp_code *next = in->env->lookup_code ? in->env->lookup_code(env) : NULL;
        if (!next)
            return (struct tb_exit){TB_EXIT_LOOKUP, 0, value, code->tb};
        code = next;
        ip = code->insn;
        DISPATCH;
    }
    OP(movi2_i32) w32(base, ip->d, (uint32_t)ip->imm);
    w32(base, ip->a, (uint32_t)(ip->imm >> 32));
    NEXT;
    OP(movi3_i32) w32(base, ip->d, (uint32_t)ip->imm);
    w32(base, ip->a, (uint32_t)(ip->imm >> 32));
    w32(base, ip->b, ip->x);
    NEXT;
    OP(mov2_i32) w32(base, ip->d, r32(base, ip->a));
    w32(base, ip->b, r32(base, ip->x));
    NEXT;
    OP(mov3_i32) w32(base, ip->d, r32(base, ip->a));
    w32(base, ip->b, r32(base, ip->x));
    w32(base, (uint32_t)ip->imm, r32(base, (uint32_t)(ip->imm >> 32)));
    NEXT;
    OP(mov_movi_i32) w32(base, ip->d, r32(base, ip->a));
    w32(base, ip->b, (uint32_t)ip->imm);
    NEXT;
    OP(mov_movi2_i32) w32(base, ip->d, r32(base, ip->a));
    w32(base, ip->b, (uint32_t)ip->imm);
    w32(base, ip->x, (uint32_t)(ip->imm >> 32));
    NEXT;
    OP(setcond_and_eq_i32)
    w32(base, ip->d, (r32(base, ip->a) & (uint32_t)ip->imm) == (uint32_t)(ip->imm >> 32));
    NEXT;
    OP(setcond_and_ne_i32)
    w32(base, ip->d, (r32(base, ip->a) & (uint32_t)ip->imm) != (uint32_t)(ip->imm >> 32));
    NEXT;
    OP(brcond_and_eq_i32)
    ip += (r32(base, ip->a) & (uint32_t)ip->imm) == (uint32_t)(ip->imm >> 32) ? (int32_t)ip->x : 1;
    DISPATCH;
    OP(brcond_and_ne_i32)
    ip += (r32(base, ip->a) & (uint32_t)ip->imm) != (uint32_t)(ip->imm >> 32) ? (int32_t)ip->x : 1;
    DISPATCH;
    OP(pure) pure(base, ip);
    ip += 1 + INTERP_OP_SLOTS;
    DISPATCH;
    OP(exit_tb) return (struct tb_exit){TB_EXIT_RETURN, 0, ip->imm, code->tb};
#if !INTERP_THREADED
default: return (struct tb_exit){TB_EXIT_RETURN, 0, 0, code->tb};
}
#endif
}

struct tb_exit interp_run(const struct interp *in, struct translator *t, struct tb *tb, void *env)
{
    return run(in, t, tb, env, NULL);
}

const void *const *interp_run_labels(void)
{
    const void *const *labels;
    run(NULL, NULL, NULL, NULL, &labels);
    return labels;
}
