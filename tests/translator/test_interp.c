/* Interpreter backend: small IR programs run on the reference backend, with
 * helpers called through libffi and guest memory through the memory interface. */
#include "fixture.h"
#include "translator/log.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static struct translator *cur_t;
static uint64_t restore_seen[2];
static bool restore_found;

static uint32_t h_const42(void)
{
    return 42;
}
static uint64_t h_triple(uint64_t a)
{
    return a * 3;
}
static uint64_t h_add_mixed(uint32_t a, uint64_t b)
{
    return a + b;
}
static void h_store(struct test_state *s, uint32_t a, uint64_t b)
{
    s->out[0] = a;
    s->out[1] = b;
}
static uint32_t h_mix4(uint32_t a, uint64_t b, uint32_t c, uint64_t d)
{
    return (uint32_t)(a ^ (b >> 32) ^ c ^ (d >> 40));
}
static uint64_t h_sum5(uint64_t a, uint32_t b, uint64_t c, uint32_t d, uint64_t e)
{
    return a + 2 * (uint64_t)b + 3 * c + 4 * (uint64_t)d + 5 * e;
}
static uint64_t h_sum6(uint32_t a, uint64_t b, uint32_t c, uint64_t d, uint32_t e, uint64_t f)
{
    return a + 10 * b + 100 * (uint64_t)c + 1000 * d + 10000 * (uint64_t)e + 100000 * f;
}
static void h_raise_probe(void)
{
    restore_found = tb_restore_state(cur_t, translator_interp_host_pc(cur_t), restore_seen);
}

enum { H0, H1, H2, H3, H4, H5, H6, HPROBE, HCOUNT };
#define FN(f) ((void (*)(void))(f))
static const struct ir_helper helpers[HCOUNT] = {
    {"const42", FN(h_const42), IR_HT_I32, 0, {0}, IR_CALL_PURE},
    {"triple", FN(h_triple), IR_HT_I64, 1, {IR_HT_I64}, IR_CALL_PURE},
    {"add_mixed", FN(h_add_mixed), IR_HT_I64, 2, {IR_HT_I32, IR_HT_I64}, IR_CALL_PURE},
    {"store", FN(h_store), IR_HT_VOID, 3, {IR_HT_PTR, IR_HT_I32, IR_HT_I64}, 0},
    {"mix4", FN(h_mix4), IR_HT_I32, 4, {IR_HT_I32, IR_HT_I64, IR_HT_I32, IR_HT_I64}, 0},
    {"sum5", FN(h_sum5), IR_HT_I64, 5, {IR_HT_I64, IR_HT_I32, IR_HT_I64, IR_HT_I32, IR_HT_I64}, 0},
    {"sum6",
     FN(h_sum6),
     IR_HT_I64,
     6,
     {IR_HT_I32, IR_HT_I64, IR_HT_I32, IR_HT_I64, IR_HT_I32, IR_HT_I64},
     0},
    {"raise_probe", FN(h_raise_probe), IR_HT_VOID, 0, {0}, IR_CALL_MAY_RAISE},
};

static struct test_mem mem;
static struct ir_env env;
static struct translator *t;
static struct test_state st;

static void setup(void)
{
    memset(&mem, 0, sizeof(mem));
    memset(&st, 0, sizeof(st));
    env = test_env(helpers, HCOUNT, &mem);
    struct translator_config cfg = {
        .env = &env, .backend = &tb_backend_interp, .code_size = 1 << 20};
    t = translator_new(&cfg);
    ck_assert_ptr_nonnull(t);
    cur_t = t;
}

static void teardown(void)
{
    translator_free(t);
}

static struct tb_key key_at(uint64_t pc)
{
    return (struct tb_key){pc, 0, 0};
}

static struct tb_exit run(uint64_t pc)
{
    struct tb_key k = key_at(pc);
    struct tb *tb = translator_commit(t, pc, &k, 1, TB_NO_PAGE);
    ck_assert_ptr_nonnull(tb);
    return translator_exec(t, tb, &st);
}

/* eax = ecx! by a loop: L0: if ecx == 0 goto L1; eax *= ecx; ecx--; goto L0 */
static void build_factorial(struct ir_block *b)
{
    ir_tmp eax = ir_global(b, G_EAX), ecx = ir_global(b, G_ECX);
    ir_label loop = ir_new_label(b), done = ir_new_label(b);
    ir_movi(b, eax, 1);
    ir_set_label(b, loop);
    ir_brcondi(b, IR_COND_EQ, ecx, 0, done);
    ir_mul(b, eax, eax, ecx);
    ir_subi(b, ecx, ecx, 1);
    ir_br(b, loop);
    ir_set_label(b, done);
    ir_exit_tb(b, 7);
}

#define TEST_BACKEND tb_backend_interp
#include "backend-cases.h"
START_TEST(interp_exits_report_code_slot_and_lookup)
{
    struct ir_block *b = translator_block(t);
    ir_exit_tb(b, 0x1234);
    ck_assert_uint_eq(run(0x100).value, 0x1234);
    b = translator_block(t);
    ir_goto_tb(b, 1);
    struct tb_exit e = run(0x200);
    ck_assert_int_eq(e.kind, TB_EXIT_GOTO_TB);
    ck_assert_uint_eq(e.slot, 1);
    b = translator_block(t);
    ir_goto_ptr(b, ir_const_i64(b, 99));
    e = run(0x300);
    ck_assert_int_eq(e.kind, TB_EXIT_LOOKUP);
    ck_assert_uint_eq(e.value, 99);
}
END_TEST

START_TEST(interp_follows_chained_slots)
{
    struct ir_block *b = translator_block(t);
    ir_addi(b, ir_global(b, G_EAX), ir_global(b, G_EAX), 1);
    ir_goto_tb(b, 0);
    struct tb_key ka = key_at(0x100), kb = key_at(0x200);
    struct tb *a = translator_commit(t, 0x100, &ka, 4, TB_NO_PAGE);
    b = translator_block(t);
    ir_addi(b, ir_global(b, G_EAX), ir_global(b, G_EAX), 10);
    ir_exit_tb(b, 5);
    struct tb *bb = translator_commit(t, 0x200, &kb, 4, TB_NO_PAGE);
    struct tb_exit e = translator_exec(t, a, &st);
    ck_assert_int_eq(e.kind, TB_EXIT_GOTO_TB);
    ck_assert_ptr_eq(e.last, a);
    tb_link(t, a, 0, bb);
    e = translator_exec(t, a, &st);
    ck_assert_int_eq(e.kind, TB_EXIT_RETURN);
    ck_assert_ptr_eq(e.last, bb);
    ck_assert_uint_eq(st.eax, 12);
    ck_assert_uint_eq(translator_stats(t)->chained_jumps, 1);
}
END_TEST

static uint64_t restore_seen_ld[2];
static bool restore_found_ld;

static uint64_t probing_load(void *opaque, void *envp, uint64_t addr, unsigned memop)
{
    restore_found_ld = tb_restore_state(cur_t, translator_interp_host_pc(cur_t), restore_seen_ld);
    return test_mem_load(opaque, envp, addr, memop);
}

START_TEST(interp_restore_records_give_insn_data_at_raising_sites)
{
    translator_free(t);
    env.mem.load = probing_load;
    struct translator_config cfg = {
        .env = &env, .backend = &tb_backend_interp, .code_size = 1 << 20};
    t = cur_t = translator_new(&cfg);
    struct ir_block *b = translator_block(t);
    ir_insn_start(b, 0x1000, 5);
    ir_guest_ld(b, ir_global(b, G_EAX), ir_global(b, G_ECX), IR_MEMOP(IR_MO_32, 0, 0));
    ir_insn_start(b, 0x1003, 7);
    ir_addi(b, ir_global(b, G_EAX), ir_global(b, G_EAX), 1);
    ir_insn_start(b, 0x1006, 9);
    ir_call(b, HPROBE, (ir_tmp){0}, 0, NULL);
    ir_exit_tb(b, 0);
    struct tb_key k = key_at(0x1000);
    struct tb *tb = translator_commit(t, 0x1000, &k, 9, TB_NO_PAGE);
    ck_assert_uint_eq(tb->nrestore, 2);
    restore_found = restore_found_ld = false;
    st.ecx = 0x40;
    translator_exec(t, tb, &st);
    ck_assert(restore_found_ld);
    ck_assert_uint_eq(restore_seen_ld[0], 0x1000);
    ck_assert_uint_eq(restore_seen_ld[1], 5);
    ck_assert(restore_found);
    ck_assert_uint_eq(restore_seen[0], 0x1006);
    ck_assert_uint_eq(restore_seen[1], 9);
    /* Only recorded sites resolve. */
    uint64_t data[2];
    ck_assert(!tb_restore_state(t, (uintptr_t)tb->tc_ptr + tb->restore[0].host_off + 1, data));
    ck_assert(!tb_restore_state(t, (uintptr_t)&data, data));
}
END_TEST

START_TEST(commit_logs_op_op_opt_and_out_asm)
{
    char path[] = "/tmp/jit86-trlog-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert(log_set_file(path));
    log_mask = LOG_OP | LOG_OP_OPT | LOG_OUT_ASM;
    struct ir_block *b = translator_block(t);
    ir_addi(b, ir_global(b, G_EAX), ir_global(b, G_EAX), 0);
    ir_exit_tb(b, 3);
    run(0x4000);
    log_mask = 0;
    log_close();
    char buf[1024] = "";
    FILE *f = fopen(path, "r");
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    unlink(path);
    buf[n] = 0;
    ck_assert_ptr_nonnull(strstr(buf, "OP 0x4000:\n movi_i32 t0, $0x0\n add_i32 eax, eax, t0\n"
                                      " exit_tb $0x3\n"));
    ck_assert_ptr_nonnull(strstr(buf, "OP after optimization 0x4000:\n exit_tb $0x3\n"));
    ck_assert_ptr_nonnull(strstr(buf, "OUT 0x4000:\ninterpreter code at "));
    ck_assert_ptr_nonnull(strstr(buf, ", 1 ops\n0000: exit_tb $0x3\n"));
}
END_TEST

START_TEST(interp_is_default_backend)
{
    /* The native backend is the default where there is one. */
#if defined(__x86_64__)
    const char *native = "x86_64";
#elif defined(__aarch64__)
    const char *native = "aarch64";
#else
    const char *native = "interp";
#endif
    if (!getenv("JIT86_BACKEND"))
        ck_assert_str_eq(translator_default_backend(), native);
    ck_assert_ptr_eq(translator_backend_by_name("interp"), &tb_backend_interp);
    ck_assert_ptr_null(translator_backend_by_name("nonesuch"));
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("translator_interp");
    TCase *tc = tcase_create("interp");
    tcase_add_checked_fixture(tc, setup, teardown);
    BACKEND_CASES_ADD(tc);
    tcase_add_test(tc, interp_exits_report_code_slot_and_lookup);
    tcase_add_test(tc, interp_follows_chained_slots);
    tcase_add_test(tc, interp_restore_records_give_insn_data_at_raising_sites);
    tcase_add_test(tc, commit_logs_op_op_opt_and_out_asm);
    tcase_add_test(tc, interp_is_default_backend);
    suite_add_tcase(s, tc);
    return s;
}
