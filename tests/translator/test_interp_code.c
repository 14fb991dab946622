/* The interpreter's pre-decoded code (translator/interp-*.c): every pure op
 * in both widths with a temp or a folded constant as second input against
 * ir-eval.h's definition, the peepholes, the inline TLB fast path, goto_ptr
 * through lookup_code, and the table of typed helper calls. */
#include "fixture.h"
#include "translator/helper-ffi.h"
#include "translator/ir-eval.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

static struct test_mem mem;
static struct ir_env env;
static struct translator *t;
static struct test_state st;

static void setup(void)
{
    memset(&mem, 0, sizeof(mem));
    memset(&st, 0, sizeof(st));
    env = test_env(NULL, 0, &mem);
}

static struct translator *make(bool optimize)
{
    struct translator_config cfg = {
        .env = &env, .backend = &tb_backend_interp, .code_size = 1 << 20, .no_optimize = !optimize};
    t = translator_new(&cfg);
    ck_assert_ptr_nonnull(t);
    return t;
}

static void teardown(void)
{
    translator_free(t);
    t = NULL;
}

static struct tb *commit(uint64_t pc)
{
    struct tb_key k = {pc, 0, 0};
    struct tb *tb = translator_commit(t, pc, &k, 1, TB_NO_PAGE);
    ck_assert_ptr_nonnull(tb);
    return tb;
}

/* What describe prints for tb (freed by the caller). */
static char *listing(const struct tb *tb)
{
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    translator_describe(t, tb, f);
    fclose(f);
    return text;
}

/* ---- every pure op ---- */

static const uint64_t values[] = {0,
                                  1,
                                  2,
                                  31,
                                  32,
                                  63,
                                  0x7f,
                                  0x80,
                                  0xffff,
                                  0x7fffffff,
                                  0x80000000u,
                                  0xffffffffu,
                                  0x123456789abcdef0ull,
                                  0x8000000000000000ull,
                                  ~0ull};
#define NVALUES (sizeof(values) / sizeof(values[0]))

/* Inputs come from globals (env operands); with imm, the second one is a
 * movi'd local that folds into the instruction. */
struct case_ {
    enum ir_opcode opc;
    enum ir_type type;
    enum ir_cond cond;
    bool imm;
};

static enum ir_type in_type(const struct case_ *c)
{
    unsigned f = ir_opdefs[c->opc].flags;
    return (f & IR_OPF_WIDEN) ? IR_I32 : (f & IR_OPF_NARROW) ? IR_I64 : c->type;
}

static enum ir_type out_type(const struct case_ *c)
{
    unsigned f = ir_opdefs[c->opc].flags;
    return (f & IR_OPF_WIDEN) ? IR_I64 : (f & IR_OPF_NARROW) ? IR_I32 : c->type;
}

static void set_inputs(enum ir_type ty, const uint64_t *in)
{
    if (ty == IR_I32) {
        st.ecx = (uint32_t)in[0];
        st.edx = (uint32_t)in[1];
        st.ebx = (uint32_t)in[2];
    } else {
        st.rb = in[0];
        st.rc = in[1];
        st.rd = in[2];
    }
}

/* Builds c with inputs in[] (in[1] as the constant when c->imm) into eax/ra
 * (and edx/rc for the high half of mulu2/muls2); returns the op as built. */
static struct ir_op build_case(const struct case_ *c, const uint64_t *in)
{
    struct ir_block *b = translator_block(t);
    enum ir_type ti = in_type(c), to = out_type(c);
    unsigned gin[3] = {ti == IR_I32 ? G_ECX : G_RB, ti == IR_I32 ? G_EDX : G_RC,
                       ti == IR_I32 ? G_EBX : G_RD};
    ir_tmp k = ir_new_temp(b, ti), fourth = ir_new_temp(b, ti);
    ir_movi(b, k, ir_canon(ti, in[1]));
    ir_movi(b, fourth, ir_canon(ti, in[3]));
    struct ir_op *op = ir_emit(b, c->opc, c->type);
    unsigned n = 0;
    op->args[n++] = to == IR_I32 ? G_EAX : G_RA;
    if (op->nout > 1)
        op->args[n++] = to == IR_I32 ? G_EDX : G_RC;
    for (unsigned i = 0; i < op->nin; i++) {
        if (i == 1 && c->imm)
            op->args[n++] = k.idx;
        else if (i == 3)
            op->args[n++] = fourth.idx;
        else
            op->args[n++] = (uint16_t)gin[i];
    }
    if (c->opc == IR_OP_setcond || c->opc == IR_OP_movcond)
        op->cargs[0] = c->cond;
    if (c->opc == IR_OP_deposit || c->opc == IR_OP_extract || c->opc == IR_OP_sextract) {
        op->cargs[0] = in[2] % 24;    /* position */
        op->cargs[1] = 1 + in[3] % 8; /* length */
    }
    struct ir_op copy = *op;
    ir_exit_tb(b, 0);
    return copy;
}

static void check_case(const struct case_ *c, const uint64_t *in)
{
    struct ir_op op = build_case(c, in);
    struct tb *tb = commit(0x1000);
    memset(&st, 0, sizeof(st));
    set_inputs(in_type(c), in);
    uint64_t cin[4];
    for (unsigned i = 0; i < 4; i++)
        cin[i] = ir_canon(in_type(c), in[i]);
    uint64_t want[2] = {0, 0};
    ck_assert(ir_eval_pure(&op, cin, want));
    translator_exec(t, tb, &st);
    bool is32 = out_type(c) == IR_I32;
    uint64_t got = is32 ? st.eax : st.ra;
    if (got != want[0] || (op.nout > 1 && (is32 ? st.edx : st.rc) != want[1]))
        ck_abort_msg("%s_%s%s cond %u on %#llx, %#llx: got %#llx, want %#llx",
                     ir_opdefs[c->opc].name, c->type == IR_I64 ? "i64" : "i32",
                     c->imm ? " (constant)" : "", c->cond, (unsigned long long)cin[0],
                     (unsigned long long)cin[1], (unsigned long long)got,
                     (unsigned long long)want[0]);
    translator_flush(t);
}

static void check_op_everywhere(enum ir_opcode opc, bool optimize)
{
    unsigned f = ir_opdefs[opc].flags;
    unsigned nconds = (opc == IR_OP_setcond || opc == IR_OP_movcond) ? IR_COND_COUNT : 1;
    for (unsigned ty = IR_I32; ty <= IR_I64; ty++) {
        /* Width changes have the destination's type, as the builder gives them. */
        if (((f & IR_OPF_WIDEN) && ty == IR_I32) || ((f & IR_OPF_NARROW) && ty == IR_I64))
            continue;
        for (unsigned imm = 0; imm < 2; imm++)
            for (unsigned cond = 0; cond < nconds; cond++)
                for (unsigned v = 0; v < NVALUES * NVALUES; v += optimize ? 7 : 3) {
                    struct case_ c = {opc, ty, cond, imm && ir_opdefs[opc].nin >= 2};
                    uint64_t in[4] = {values[v % NVALUES], values[v / NVALUES],
                                      values[(v * 5) % NVALUES], values[(v * 3 + 1) % NVALUES]};
                    check_case(&c, in);
                }
    }
}

START_TEST(interp_every_pure_op_matches_ir_eval_in_both_widths_and_forms)
{
    make(false);
    unsigned ops = 0;
    for (unsigned opc = 0; opc < IR_OP_COUNT; opc++)
        if ((ir_opdefs[opc].flags & IR_OPF_PURE) && opc != IR_OP_movi) {
            check_op_everywhere((enum ir_opcode)opc, false);
            ops++;
        }
    ck_assert_uint_eq(ops, IR_OP_movcond - IR_OP_mov); /* all but movi */
}
END_TEST

START_TEST(interp_every_pure_op_matches_ir_eval_after_optimization)
{
    make(true);
    for (unsigned opc = 0; opc < IR_OP_COUNT; opc++)
        if ((ir_opdefs[opc].flags & IR_OPF_PURE) && opc != IR_OP_movi)
            check_op_everywhere((enum ir_opcode)opc, true);
}
END_TEST

/* brcond on every condition and width, with a temp and a constant. */
START_TEST(interp_brcond_every_condition_both_forms)
{
    make(false);
    for (unsigned ty = IR_I32; ty <= IR_I64; ty++)
        for (unsigned cond = 0; cond < IR_COND_COUNT; cond++)
            for (unsigned imm = 0; imm < 2; imm++)
                for (unsigned v = 0; v < NVALUES * NVALUES; v += 5) {
                    uint64_t x = ir_canon(ty, values[v % NVALUES]);
                    uint64_t y = ir_canon(ty, values[v / NVALUES]);
                    struct ir_block *b = translator_block(t);
                    ir_tmp gx = ir_global(b, ty == IR_I32 ? G_ECX : G_RB);
                    ir_tmp gy = ir_global(b, ty == IR_I32 ? G_EDX : G_RC);
                    ir_label taken = ir_new_label(b);
                    if (imm) {
                        gy = ir_new_temp(b, ty);
                        ir_movi(b, gy, y);
                    }
                    ir_brcond(b, cond, gx, gy, taken);
                    ir_movi(b, ir_global(b, G_EAX), 1);
                    ir_exit_tb(b, 0);
                    ir_set_label(b, taken);
                    ir_movi(b, ir_global(b, G_EAX), 2);
                    ir_exit_tb(b, 0);
                    struct tb *tb = commit(0x2000);
                    memset(&st, 0, sizeof(st));
                    st.ecx = (uint32_t)x;
                    st.edx = (uint32_t)y;
                    st.rb = x;
                    st.rc = y;
                    translator_exec(t, tb, &st);
                    ck_assert_uint_eq(st.eax, ir_eval_cond(cond, ty, x, y) ? 2 : 1);
                    translator_flush(t);
                }
}
END_TEST

/* ---- what the compiler folds and fuses ---- */

START_TEST(interp_movi_constant_becomes_the_instructions_operand)
{
    make(false);
    struct ir_block *b = translator_block(t);
    ir_addi(b, ir_global(b, G_EAX), ir_global(b, G_ECX), 5);
    ir_exit_tb(b, 0);
    struct tb *tb = commit(0x100);
    st.ecx = 37;
    translator_exec(t, tb, &st);
    ck_assert_uint_eq(st.eax, 42);
    char *text = listing(tb);
    /* movi, add, exit_tb: two instructions and the final exit. */
    ck_assert_ptr_nonnull(strstr(text, ", 3 instructions, 3 ops\n"));
    ck_assert_ptr_nonnull(strstr(text, "| 0000 add_i32 eax, ecx, $0x5\n"));
    free(text);
}
END_TEST

START_TEST(interp_env_load_is_read_by_the_next_op_in_place)
{
    make(false);
    struct ir_block *b = translator_block(t);
    ir_tmp v = ir_new_i32(b);
    ir_ld(b, v, offsetof(struct test_state, scratch), IR_MEMOP(IR_MO_32, 0, 0));
    ir_add(b, ir_global(b, G_EAX), ir_global(b, G_EAX), v);
    ir_exit_tb(b, 0);
    struct tb *tb = commit(0x100);
    st.eax = 40;
    st.scratch = 2;
    translator_exec(t, tb, &st);
    ck_assert_uint_eq(st.eax, 42);
    char *text = listing(tb);
    char want[64];
    snprintf(want, sizeof(want), "| 0000 add_i32 eax, eax, env+%#zx\n",
             offsetof(struct test_state, scratch));
    ck_assert_msg(strstr(text, want), "%s", text);
    free(text);
}
END_TEST

START_TEST(interp_result_moved_to_a_global_is_written_there_directly)
{
    make(false);
    struct ir_block *b = translator_block(t);
    ir_tmp s = ir_new_i32(b);
    ir_sub(b, s, ir_global(b, G_ECX), ir_global(b, G_EDX));
    ir_mov(b, ir_global(b, G_EBX), s);
    ir_exit_tb(b, 0);
    struct tb *tb = commit(0x100);
    st.ecx = 50;
    st.edx = 8;
    translator_exec(t, tb, &st);
    ck_assert_uint_eq(st.ebx, 42);
    char *text = listing(tb);
    ck_assert_msg(strstr(text, "| 0000 sub_i32 ebx, ecx, edx\n"), "%s", text);
    ck_assert_msg(strstr(text, ", 3 instructions, 3 ops\n"), "%s", text); /* no mov */
    free(text);
}
END_TEST

/* setcond t; [xor t, t, 1;] brcond t ne/eq 0 is one brcond on the setcond's
 * operands (JNE after SUB is the negated form). */
START_TEST(interp_setcond_tested_by_brcond_is_one_branch)
{
    make(false);
    for (unsigned v = 0; v < 12; v++) {
        bool eq = v & 1, neg = v & 2;
        uint32_t x = v / 4;
        struct ir_block *b = translator_block(t);
        ir_tmp c = ir_new_i32(b), zero = ir_new_i32(b);
        ir_label l = ir_new_label(b);
        ir_setcond(b, IR_COND_LTU, c, ir_global(b, G_ECX), ir_global(b, G_EDX));
        if (neg)
            ir_xori(b, c, c, 1);
        ir_movi(b, zero, 0);
        ir_brcond(b, eq ? IR_COND_EQ : IR_COND_NE, c, zero, l);
        ir_movi(b, ir_global(b, G_EAX), 1);
        ir_exit_tb(b, 0);
        ir_set_label(b, l);
        ir_movi(b, ir_global(b, G_EAX), 2);
        ir_exit_tb(b, 0);
        struct tb *tb = commit(0x100 + v);
        st.ecx = x;
        st.edx = 1;
        translator_exec(t, tb, &st);
        bool taken = ((x < 1) != eq) != neg;
        ck_assert_uint_eq(st.eax, taken ? 2 : 1);
        char *text = listing(tb);
        ck_assert_msg(strstr(text, eq != neg ? "| 0000 brcond_i32 geu ecx, edx, +3\n"
                                             : "| 0000 brcond_i32 ltu ecx, edx, +3\n"),
                      "%s", text);
        ck_assert_ptr_null(strstr(text, "setcond_i32 ltu"));
        ck_assert_ptr_null(strstr(text, "| 0001 xor"));
        free(text);
    }
}
END_TEST

/* ld t <- field; t = t - 1; st t -> field; brcond t (the block-entry budget
 * count): one sub on the field in place, and the brcond reads the field. */
START_TEST(interp_result_stored_then_tested_goes_through_the_field)
{
    make(false);
    for (uint32_t budget = 0; budget < 2; budget++) {
        struct ir_block *b = translator_block(t);
        uint32_t off = offsetof(struct test_state, scratch);
        ir_tmp n = ir_new_i32(b);
        ir_label l = ir_new_label(b);
        ir_ld(b, n, off, IR_MEMOP(IR_MO_32, 0, 0));
        ir_subi(b, n, n, 1);
        ir_st(b, n, off, IR_MEMOP(IR_MO_32, 0, 0));
        ir_brcondi(b, IR_COND_GE, n, 0, l);
        ir_movi(b, ir_global(b, G_EAX), 1);
        ir_exit_tb(b, 0);
        ir_set_label(b, l);
        ir_movi(b, ir_global(b, G_EAX), 2);
        ir_exit_tb(b, 0);
        struct tb *tb = commit(0x100 + budget);
        st.scratch = budget;
        translator_exec(t, tb, &st);
        ck_assert_uint_eq(st.scratch, budget - 1);
        ck_assert_uint_eq(st.eax, budget ? 2 : 1);
        char *text = listing(tb);
        char want[80];
        snprintf(want, sizeof(want), "| 0000 sub_i32 env+%#x, env+%#x, $0x1\n", off, off);
        ck_assert_msg(strstr(text, want), "%s", text);
        snprintf(want, sizeof(want), "| 0001 brcond_i32 ge env+%#x, $0, +3\n", off);
        ck_assert_msg(strstr(text, want), "%s", text);
        free(text);
    }
}
END_TEST

/* and t, x, $m; setcond/brcond t eq/ne $k is one masked comparison. */
START_TEST(interp_masked_comparison_is_one_instruction)
{
    make(false);
    static const uint32_t in[] = {0x400, 0x8c00, 0x8400, 0};
    for (unsigned v = 0; v < 4; v++) {
        struct ir_block *b = translator_block(t);
        ir_tmp ecx = ir_global(b, G_ECX), m1 = ir_new_i32(b), m2 = ir_new_i32(b);
        ir_label l = ir_new_label(b);
        ir_andi(b, m2, ecx, 0x8000);
        ir_tmp zero = ir_new_i32(b);
        ir_movi(b, zero, 0);
        ir_setcond(b, IR_COND_EQ, ir_global(b, G_EBX), m2, zero);
        ir_andi(b, m1, ecx, 0xc00);
        ir_brcondi(b, IR_COND_NE, m1, 0x400, l);
        ir_movi(b, ir_global(b, G_EAX), 1);
        ir_exit_tb(b, 0);
        ir_set_label(b, l);
        ir_movi(b, ir_global(b, G_EAX), 2);
        ir_exit_tb(b, 0);
        struct tb *tb = commit(0x100 + v);
        st.ecx = in[v];
        translator_exec(t, tb, &st);
        ck_assert_uint_eq(st.ebx, (in[v] & 0x8000) == 0);
        ck_assert_uint_eq(st.eax, (in[v] & 0xc00) != 0x400 ? 2 : 1);
        char *text = listing(tb);
        ck_assert_msg(strstr(text, "| 0000 setcond_and_eq_i32 ebx, ecx & $0x8000, $0\n"), "%s",
                      text);
        ck_assert_msg(strstr(text, "| 0001 brcond_and_ne_i32 ecx & $0xc00, $0x400, +3\n"), "%s",
                      text);
        free(text);
    }
}
END_TEST

/* movi, movi, movi is one instruction; mov, mov, mov another, in order;
 * mov, movi, movi (the lazy flags after an ALU op) a third. */
START_TEST(interp_consecutive_moves_share_one_instruction)
{
    make(false);
    struct ir_block *b = translator_block(t);
    ir_tmp eax = ir_global(b, G_EAX), ecx = ir_global(b, G_ECX);
    ir_tmp edx = ir_global(b, G_EDX), ebx = ir_global(b, G_EBX);
    ir_movi(b, eax, 1);
    ir_movi(b, ecx, 2);
    ir_movi(b, edx, 3);
    ir_movi(b, ebx, 4);
    ir_mov(b, eax, ebx);
    ir_mov(b, ecx, eax); /* reads the first move's result */
    ir_mov(b, edx, ecx);
    ir_mov(b, ebx, edx);
    ir_movi(b, eax, 5);
    ir_movi(b, ecx, 6);
    ir_exit_tb(b, 0);
    struct tb *tb = commit(0x100);
    translator_exec(t, tb, &st);
    ck_assert_uint_eq(st.eax, 5);
    ck_assert_uint_eq(st.ecx, 6);
    ck_assert_uint_eq(st.edx, 4);
    ck_assert_uint_eq(st.ebx, 4);
    char *text = listing(tb);
    ck_assert_msg(strstr(text, "| 0000 movi3_i32 eax, $0x1; ecx, $0x2; edx, $0x3\n"), "%s", text);
    ck_assert_msg(strstr(text, "| 0002 mov3_i32 eax, ebx; ecx, eax; edx, ecx\n"), "%s", text);
    ck_assert_msg(strstr(text, "| 0003 mov_movi2_i32 ebx, edx; eax, $0x5; ecx, $0x6\n"), "%s",
                  text);
    free(text);
}
END_TEST

/* A label between two movis keeps them apart: a branch lands on the second. */
START_TEST(interp_moves_do_not_merge_across_a_label)
{
    make(false);
    struct ir_block *b = translator_block(t);
    ir_label l = ir_new_label(b);
    ir_brcondi(b, IR_COND_EQ, ir_global(b, G_ECX), 0, l);
    ir_movi(b, ir_global(b, G_EAX), 7);
    ir_set_label(b, l);
    ir_movi(b, ir_global(b, G_EDX), 9);
    ir_exit_tb(b, 0);
    struct tb *tb = commit(0x100);
    translator_exec(t, tb, &st);
    ck_assert_uint_eq(st.eax, 0);
    ck_assert_uint_eq(st.edx, 9);
    st.ecx = 1;
    translator_exec(t, tb, &st);
    ck_assert_uint_eq(st.eax, 7);
}
END_TEST

/* ---- guest memory through a TLB in env ---- */

struct tlb_state {
    struct test_state s;
    struct {
        uint64_t read, write, code, addend;
    } tlb[2][16];
};

START_TEST(interp_tlb_hit_accesses_host_memory_and_miss_calls_back)
{
    static struct tlb_state ts;
    static uint8_t page[4096];
    memset(&ts, 0xff, sizeof(ts)); /* empty tags: every access misses */
    memset(page, 0, sizeof(page));
    env.tlb = (struct ir_tlb){.offset = offsetof(struct tlb_state, tlb),
                              .table_stride = sizeof(ts.tlb[0]),
                              .nmmu = 2,
                              .index_bits = 4,
                              .entry_bits = 5,
                              .page_bits = 12,
                              .read_tag = 0,
                              .write_tag = 8,
                              .addend = 24};
    /* MMU index 1 maps guest page 0x5000 to page[]. */
    ts.tlb[1][5].read = ts.tlb[1][5].write = 0x5000;
    ts.tlb[1][5].addend = (uint64_t)(uintptr_t)page - 0x5000;
    make(true);
    struct ir_block *b = translator_block(t);
    ir_tmp ecx = ir_global(b, G_ECX);
    ir_guest_st(b, ir_global(b, G_EDX), ecx, IR_MEMOP(IR_MO_32, 0, 1));
    ir_guest_ld(b, ir_global(b, G_EAX), ecx, IR_MEMOP(IR_MO_16, 1, 1));
    ir_guest_ld(b, ir_global(b, G_EBX), ecx, IR_MEMOP(IR_MO_8, 0, 0)); /* no entry: callback */
    ir_tmp end = ir_new_i32(b);
    ir_addi(b, end, ecx, 0xfee);
    ir_guest_ld(b, ir_global(b, G_RA), end, IR_MEMOP(IR_MO_32, 0, 1)); /* crosses the page */
    ir_exit_tb(b, 0);
    struct tb *tb = commit(0x100);
    ts.s.ecx = 0x5010;
    ts.s.edx = 0x1234f678;
    mem.bytes[0x10] = 0x99;
    translator_exec(t, tb, &ts);
    ck_assert_uint_eq(page[0x10], 0x78);
    ck_assert_uint_eq(page[0x13], 0x12);
    ck_assert_uint_eq(ts.s.eax, 0xfffff678u);
    ck_assert_uint_eq(ts.s.ebx, 0x99); /* test_mem wraps at 4 KiB */
    ck_assert_uint_eq(mem.accesses, 2);
    ck_assert_uint_eq(mem.last_addr, 0x5ffe);
}
END_TEST

/* ---- goto_ptr ---- */

static const void *next_code;
static unsigned lookups;

static const void *lookup(void *envp)
{
    (void)envp;
    lookups++;
    const void *c = next_code;
    next_code = NULL; /* the second lookup returns to the caller */
    return c;
}

START_TEST(interp_goto_ptr_runs_the_block_lookup_code_finds)
{
    env.lookup_code = lookup;
    lookups = 0;
    make(true);
    struct ir_block *b = translator_block(t);
    ir_addi(b, ir_global(b, G_EAX), ir_global(b, G_EAX), 1);
    ir_goto_ptr(b, ir_global(b, G_RA));
    struct tb *first = commit(0x100);
    b = translator_block(t);
    ir_addi(b, ir_global(b, G_EAX), ir_global(b, G_EAX), 10);
    ir_goto_ptr(b, ir_global(b, G_RB));
    struct tb *second = commit(0x200);
    next_code = second->tc_ptr;
    st.ra = 7;
    st.rb = 9;
    struct tb_exit e = translator_exec(t, first, &st);
    ck_assert_uint_eq(lookups, 2);
    ck_assert_int_eq(e.kind, TB_EXIT_LOOKUP);
    ck_assert_ptr_eq(e.last, second);
    ck_assert_uint_eq(e.value, 9);
    ck_assert_uint_eq(st.eax, 11);
}
END_TEST

/* ---- helpers ---- */

static uint64_t seen[7];

static void v_p(void *p)
{
    seen[0] = (uintptr_t)p;
}
static uint32_t i_pi(void *p, uint32_t a)
{
    return (uint32_t)(uintptr_t)p + a;
}
static void v_piiiii(void *p, uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e)
{
    seen[0] = (uintptr_t)p;
    seen[1] = a, seen[2] = b, seen[3] = c, seen[4] = d, seen[5] = e;
}
static uint32_t i_iiiiii(uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e, uint32_t f)
{
    return a ^ (b << 1) ^ (c << 2) ^ (d << 3) ^ (e << 4) ^ (f << 5);
}
static uint64_t l_li(uint64_t a, uint32_t b)
{
    return a * b;
}

#define FN(f) ((void (*)(void))(f))
static const struct ir_helper sig_helpers[] = {
    {"v_p", FN(v_p), IR_HT_VOID, 1, {IR_HT_PTR}, 0},
    {"i_pi", FN(i_pi), IR_HT_I32, 2, {IR_HT_PTR, IR_HT_I32}, 0},
    {"v_piiiii",
     FN(v_piiiii),
     IR_HT_VOID,
     6,
     {IR_HT_PTR, IR_HT_I32, IR_HT_I32, IR_HT_I32, IR_HT_I32, IR_HT_I32},
     0},
    {"i_iiiiii",
     FN(i_iiiiii),
     IR_HT_I32,
     6,
     {IR_HT_I32, IR_HT_I32, IR_HT_I32, IR_HT_I32, IR_HT_I32, IR_HT_I32},
     0},
    {"l_li", FN(l_li), IR_HT_I64, 2, {IR_HT_I64, IR_HT_I32}, 0},
};

START_TEST(helper_signature_table_calls_pointer_and_int_signatures_directly)
{
    ck_assert_ptr_nonnull(helper_ffi_direct(&sig_helpers[0]));
    ck_assert_ptr_nonnull(helper_ffi_direct(&sig_helpers[1]));
    ck_assert_ptr_nonnull(helper_ffi_direct(&sig_helpers[2]));
    ck_assert_ptr_nonnull(helper_ffi_direct(&sig_helpers[3]));
    ck_assert_ptr_null(helper_ffi_direct(&sig_helpers[4])); /* i64 argument: libffi */
    env.helpers = sig_helpers;
    env.nhelpers = 5;
    struct helper_ffi *h = helper_ffi_new(&env);
    ck_assert_ptr_nonnull(h);
    uint64_t a[6] = {(uintptr_t)&st, 0xfffffff0, 2, 3, 4, 5};
    helper_ffi_call(h, 0, a);
    ck_assert_uint_eq(seen[0], (uintptr_t)&st);
    ck_assert_uint_eq(helper_ffi_call(h, 1, (uint64_t[]){0x100, 0x23}), (uint32_t)(0x100 + 0x23));
    helper_ffi_call(h, 2, a);
    ck_assert_uint_eq(seen[1], 0xfffffff0);
    ck_assert_uint_eq(seen[5], 5);
    ck_assert_uint_eq(helper_ffi_call(h, 3, (uint64_t[]){1, 1, 1, 1, 1, 0x80000000u}),
                      (uint32_t)(1 ^ 2 ^ 4 ^ 8 ^ 16 ^ (0x80000000u << 5)));
    ck_assert_uint_eq(helper_ffi_call(h, 4, (uint64_t[]){1ull << 40, 3}), 3ull << 40);
    helper_ffi_free(h);
}
END_TEST

START_TEST(helper_signatures_of_every_arity_have_a_typed_call)
{
    for (unsigned n = 0; n <= IR_HELPER_MAX_ARGS; n++)
        for (unsigned ret = IR_HT_VOID; ret <= IR_HT_PTR; ret++) {
            struct ir_helper h = {"h", NULL, ret, (uint8_t)n, {0}, 0};
            for (unsigned i = 0; i < n; i++)
                h.args[i] = IR_HT_I32;
            ck_assert_ptr_nonnull(helper_ffi_direct(&h));
            if (n) {
                h.args[0] = IR_HT_PTR;
                ck_assert_ptr_nonnull(helper_ffi_direct(&h));
            }
        }
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("translator_interp_code");
    TCase *tc = tcase_create("interp_code");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, interp_every_pure_op_matches_ir_eval_in_both_widths_and_forms);
    tcase_add_test(tc, interp_every_pure_op_matches_ir_eval_after_optimization);
    tcase_add_test(tc, interp_brcond_every_condition_both_forms);
    tcase_add_test(tc, interp_movi_constant_becomes_the_instructions_operand);
    tcase_add_test(tc, interp_env_load_is_read_by_the_next_op_in_place);
    tcase_add_test(tc, interp_result_moved_to_a_global_is_written_there_directly);
    tcase_add_test(tc, interp_setcond_tested_by_brcond_is_one_branch);
    tcase_add_test(tc, interp_result_stored_then_tested_goes_through_the_field);
    tcase_add_test(tc, interp_masked_comparison_is_one_instruction);
    tcase_add_test(tc, interp_consecutive_moves_share_one_instruction);
    tcase_add_test(tc, interp_moves_do_not_merge_across_a_label);
    tcase_add_test(tc, interp_tlb_hit_accesses_host_memory_and_miss_calls_back);
    tcase_add_test(tc, interp_goto_ptr_runs_the_block_lookup_code_finds);
    tcase_add_test(tc, helper_signature_table_calls_pointer_and_int_signatures_directly);
    tcase_add_test(tc, helper_signatures_of_every_arity_have_a_typed_call);
    suite_add_tcase(s, tc);
    return s;
}
