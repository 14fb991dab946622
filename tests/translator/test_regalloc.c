/* The register allocator shared by the native backends (translator/regalloc.c)
 * on a made-up target whose hooks write the moves as text: spills under
 * register pressure, write-back at helper calls, constants kept as
 * immediates, the parallel move of call arguments, values read again kept in
 * registers, what a call inside an op must preserve. Host-independent. */
#include "fixture.h"
#include "translator/regalloc.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>

/* Six registers: r0-r2 clobbered by calls, r3-r5 preserved; env in r8, the
 * frame in r9, scratch r7. */
enum { ENV = 8, FRAME = 9, TMP = 7, SLOTS = 0x40 };

struct fake {
    struct ra_state ra; /* first: the hooks cast back */
    char log[1024];
    size_t len;
};

static void emit(struct ra_state *ra, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(struct ra_state *ra, const char *fmt, ...)
{
    struct fake *f = (struct fake *)ra;
    va_list ap;
    va_start(ap, fmt);
    f->len += (size_t)vsnprintf(f->log + f->len, sizeof(f->log) - f->len, fmt, ap);
    va_end(ap);
}
static void move(struct ra_state *ra, unsigned dst, unsigned src)
{
    emit(ra, "mov r%u, r%u;", dst, src);
}
static void movi(struct ra_state *ra, unsigned reg, uint64_t imm)
{
    emit(ra, "movi r%u, %#llx;", reg, (unsigned long long)imm);
}
static void load(struct ra_state *ra, bool w, unsigned reg, unsigned base, int32_t off)
{
    emit(ra, "ld%u r%u, [r%u+%#x];", w ? 64 : 32, reg, base, (unsigned)off);
}
static void store(struct ra_state *ra, bool w, unsigned reg, unsigned base, int32_t off)
{
    emit(ra, "st%u r%u, [r%u+%#x];", w ? 64 : 32, reg, base, (unsigned)off);
}
static void store_imm(struct ra_state *ra, bool w, uint64_t imm, unsigned base, int32_t off)
{
    emit(ra, "st%u %#llx, [r%u+%#x];", w ? 64 : 32, (unsigned long long)imm, base, (unsigned)off);
}

static const uint8_t order_caller[] = {0, 1, 2, 3, 4, 5};
static const uint8_t order_callee[] = {3, 4, 5, 0, 1, 2};
static const struct ra_target fake_target = {
    .regs_alloc = 0x3f,
    .regs_caller_saved = 0x07,
    .regs_callee_saved = 0x38,
    .order_caller = order_caller,
    .order_callee = order_callee,
    .norder = 6,
    .env_reg = ENV,
    .frame_reg = FRAME,
    .tmp_reg = TMP,
    .last_resort = 3,
    .slots_off = SLOTS,
    .move = move,
    .movi = movi,
    .load = load,
    .store = store,
    .store_imm = store_imm,
};

static struct ir_env env;
static struct ir_block blk;
static struct fake f;
static struct ir_op op; /* the op being "emitted" */
static unsigned loc[8]; /* locals: i32 */

static void setup(void)
{
    env = test_env(NULL, 0, NULL);
    ir_block_init(&blk, &env);
    for (unsigned i = 0; i < 8; i++)
        loc[i] = ir_new_temp(&blk, IR_I32).idx;
    f = (struct fake){.ra = {.tgt = &fake_target, .env = &env}};
    ck_assert(ra_prepare(&f.ra, &blk));
    op = (struct ir_op){.opc = IR_OP_mov};
    f.ra.op = &op;
}

static void teardown(void)
{
    ra_destroy(&f.ra);
    ir_block_destroy(&blk);
}

static void clear_log(void)
{
    f.len = 0;
    f.log[0] = '\0';
}

/* A value computed into a fresh register (as an op's output). */
static unsigned define(unsigned t)
{
    int r = ra_alloc(&f.ra, fake_target.regs_alloc);
    ra_bind(&f.ra, t, (unsigned)r);
    ra_end_op(&f.ra);
    return (unsigned)r;
}

START_TEST(spill_under_pressure_stores_the_first_register_to_its_slot)
{
    for (unsigned i = 0; i < 6; i++)
        ck_assert_uint_eq(define(loc[i]), i);
    clear_log();
    ck_assert_uint_eq(define(loc[6]), 0);
    ck_assert_str_eq(f.log, "st32 r0, [r9+0x40];");
    ck_assert_uint_eq(f.ra.ts[loc[0]].val, RA_VAL_MEM);
    ck_assert_uint_eq(f.ra.ts[loc[6]].reg, 0);
    /* Read back later: from its slot, into the first register again
     * (whose value, t6, gets the second slot). */
    clear_log();
    ck_assert_int_eq(ra_in(&f.ra, loc[0], fake_target.regs_alloc), 0);
    ck_assert_str_eq(f.log, "st32 r0, [r9+0x48];ld32 r0, [r9+0x40];");
    ck_assert_int_eq(f.ra.ts[loc[6]].slot, 1);
}
END_TEST

START_TEST(eviction_prefers_a_value_already_in_memory)
{
    for (unsigned i = 0; i < 5; i++)
        define(loc[i]);
    /* The global ecx, loaded from env into r5: its env copy is current. */
    ck_assert_int_eq(ra_in(&f.ra, G_ECX, fake_target.regs_alloc), 5);
    ra_end_op(&f.ra);
    clear_log();
    ck_assert_uint_eq(define(loc[5]), 5);
    ck_assert_str_eq(f.log, "");
    ck_assert_uint_eq(f.ra.ts[G_ECX].val, RA_VAL_MEM);
}
END_TEST

START_TEST(locked_registers_are_never_evicted)
{
    for (unsigned i = 0; i < 6; i++)
        define(loc[i]);
    ra_in(&f.ra, loc[0], fake_target.regs_alloc);
    ra_in(&f.ra, loc[1], fake_target.regs_alloc);
    clear_log();
    ck_assert_int_eq(ra_alloc(&f.ra, fake_target.regs_alloc), 2);
    ck_assert_str_eq(f.log, "st32 r2, [r9+0x40];");
}
END_TEST

START_TEST(helper_call_writes_back_dirty_globals_and_saves_live_values)
{
    unsigned r_eax = define(G_EAX); /* eax = new value: env copy stale */
    unsigned r_t = define(loc[0]);
    ck_assert_uint_eq(r_eax, 0);
    ck_assert_uint_eq(r_t, 1);
    clear_log();
    ra_sync_globals(&f.ra);
    ck_assert_str_eq(f.log, "st32 r0, [r8+0];");
    ck_assert(f.ra.ts[G_EAX].mem_ok);
    /* A call that leaves globals alone: both stay live in preserved registers. */
    clear_log();
    ra_free_caller_saved(&f.ra, false);
    ck_assert_str_eq(f.log, "mov r3, r0;mov r4, r1;");
    ck_assert_uint_eq(f.ra.ts[G_EAX].reg, 3);
    ck_assert_uint_eq(f.ra.ts[loc[0]].reg, 4);
    ck_assert_int_eq(f.ra.reg_temp[0], -1);
}
END_TEST

START_TEST(helper_call_writing_globals_leaves_them_to_be_reloaded)
{
    define(G_EDX);
    clear_log();
    ra_sync_globals(&f.ra);
    ra_free_caller_saved(&f.ra, true);
    ra_forget_globals(&f.ra);
    ck_assert_str_eq(f.log, "st32 r0, [r8+0x8];");
    ck_assert_uint_eq(f.ra.ts[G_EDX].val, RA_VAL_MEM);
    clear_log();
    ck_assert_int_eq(ra_in(&f.ra, G_EDX, fake_target.regs_alloc), 0);
    ck_assert_str_eq(f.log, "ld32 r0, [r8+0x8];");
}
END_TEST

START_TEST(constants_stay_immediates_until_a_register_is_needed)
{
    uint64_t v = 0;
    clear_log();
    ra_bind_const(&f.ra, loc[0], 0x1234);
    ck_assert_str_eq(f.log, "");
    ck_assert(ra_const(&f.ra, loc[0], &v));
    ck_assert_uint_eq(v, 0x1234);
    /* As an operand: a scratch register, the temp stays a constant. */
    ck_assert_int_eq(ra_operand(&f.ra, loc[0], fake_target.regs_alloc), 0);
    ck_assert_str_eq(f.log, "movi r0, 0x1234;");
    ck_assert_uint_eq(f.ra.ts[loc[0]].val, RA_VAL_CONST);
    ck_assert_int_eq(f.ra.reg_temp[0], -1);
}
END_TEST

START_TEST(constant_global_is_stored_as_an_immediate_at_block_end)
{
    ra_bind_const(&f.ra, G_EBX, 7);
    ra_bind_const(&f.ra, G_RA, 0x123456789ull);
    clear_log();
    ra_bb_end(&f.ra);
    ck_assert_str_eq(f.log, "st32 0x7, [r8+0xc];st64 0x123456789, [r8+0x10];");
    clear_log();
    ra_bb_end(&f.ra);
    ck_assert_str_eq(f.log, ""); /* already in memory */
}
END_TEST

START_TEST(call_arguments_in_a_cycle_go_through_the_scratch_register)
{
    define(loc[0]); /* r0 */
    define(loc[1]); /* r1 */
    ra_bind_const(&f.ra, loc[2], 0x99);
    static const uint8_t dst[3] = {1, 0, 2};
    const int src[3] = {(int)loc[0], (int)loc[1], (int)loc[2]};
    clear_log();
    ra_call_args(&f.ra, 3, dst, src, NULL);
    ck_assert_str_eq(f.log, "mov r7, r1;mov r1, r0;mov r0, r7;movi r2, 0x99;");
}
END_TEST

START_TEST(label_leaves_every_value_in_memory)
{
    define(G_EAX);
    define(loc[0]);
    ra_bind_const(&f.ra, loc[1], 5);
    op.nin = 0;
    clear_log();
    ra_bb_end(&f.ra);
    ck_assert_str_eq(f.log, "st32 r0, [r8+0];st32 r1, [r9+0x40];st32 0x5, [r9+0x48];");
    ra_label(&f.ra);
    for (unsigned r = 0; r < RA_MAX_REGS; r++)
        ck_assert_int_eq(f.ra.reg_temp[r], -1);
    ck_assert_uint_eq(f.ra.ts[loc[1]].val, RA_VAL_MEM);
    clear_log();
    ra_in(&f.ra, loc[1], fake_target.regs_alloc);
    ck_assert_str_eq(f.log, "ld32 r0, [r9+0x48];");
}
END_TEST

/* The ops built into blk, prepared again with op k current and the
 * liveness a translator would annotate. */
static void prepare_ops(unsigned k, uint16_t life)
{
    ck_assert(ra_prepare(&f.ra, &blk));
    blk.ops[k].life = life;
    f.ra.op = &blk.ops[k];
}

START_TEST(input_read_again_later_is_loaded_once_into_its_own_register)
{
    ir_tmp ecx = ir_global(&blk, G_ECX);
    ir_mov(&blk, ir_global(&blk, G_EAX), ecx); /* op 0 */
    ir_mov(&blk, ir_global(&blk, G_EDX), ecx); /* op 1 */
    prepare_ops(0, 0);
    ck_assert(ra_read_again(&f.ra, 1));
    clear_log();
    ra_hold_input(&f.ra, 1);
    ck_assert_str_eq(f.log, "ld32 r0, [r8+0x4];");
    ck_assert_uint_eq(f.ra.ts[G_ECX].val, RA_VAL_REG);
    ck_assert(f.ra.ts[G_ECX].mem_ok);
    /* op 1 reads it for the last time in the block: left where it is. */
    ra_end_op(&f.ra);
    ra_forget_global(&f.ra, G_ECX);
    f.ra.op = &blk.ops[1];
    ck_assert(!ra_read_again(&f.ra, 1));
    clear_log();
    ra_hold_input(&f.ra, 1);
    ck_assert_str_eq(f.log, "");
    ck_assert_uint_eq(f.ra.ts[G_ECX].val, RA_VAL_MEM);
}
END_TEST

START_TEST(read_after_a_redefinition_is_not_read_again)
{
    ir_tmp ecx = ir_global(&blk, G_ECX), t = ir_new_i32(&blk);
    ir_mov(&blk, t, ecx);                      /* op 0: ecx is redefined before op 2 */
    ir_movi(&blk, ecx, 5);                     /* op 1 */
    ir_mov(&blk, ir_global(&blk, G_EAX), ecx); /* op 2 */
    ir_mov(&blk, ir_global(&blk, G_EDX), t);   /* op 3 */
    prepare_ops(0, 0);
    ck_assert(!ra_read_again(&f.ra, 1));
    f.ra.op = &blk.ops[2];
    ck_assert(!ra_read_again(&f.ra, 1));
}
END_TEST

START_TEST(values_live_after_an_op_exclude_its_dying_inputs)
{
    ir_tmp a = ir_new_i32(&blk), b = ir_new_i32(&blk);
    ir_add(&blk, ir_global(&blk, G_EAX), a, b); /* a dies here, b lives on */
    prepare_ops(0, 1u << 1);
    ck_assert_uint_eq(define(a.idx), 0);
    ck_assert_uint_eq(define(b.idx), 1);
    ck_assert_uint_eq(define(G_EBX), 2);
    ck_assert_uint_eq(ra_live_after(&f.ra), 1u << 1 | 1u << 2);
}
END_TEST

START_TEST(mov_leaves_one_register_for_both_temps_that_moves_and_syncs_as_one)
{
    define(loc[0]); /* r0 */
    clear_log();
    ra_bind_copy(&f.ra, G_EAX, loc[0]);
    ra_end_op(&f.ra);
    ck_assert_str_eq(f.log, "");
    ck_assert_uint_eq(f.ra.ts[G_EAX].reg, 0);
    /* loc0 dying in an op: its register is eax's too, so not the op's to write. */
    op = (struct ir_op){.opc = IR_OP_mov, .nout = 1, .nin = 1, .life = 1u << 1};
    op.args[0] = (uint16_t)loc[1];
    op.args[1] = (uint16_t)loc[0];
    ck_assert_int_eq(ra_steal(&f.ra, 1, fake_target.regs_alloc), -1);
    /* Both move together; at the end of the block both reach memory. */
    ra_claim(&f.ra, 0);
    ra_end_op(&f.ra);
    ck_assert_str_eq(f.log, "mov r1, r0;");
    ck_assert_uint_eq(f.ra.ts[G_EAX].reg, 1);
    ck_assert_uint_eq(f.ra.ts[loc[0]].reg, 1);
    op.nin = 0;
    clear_log();
    ra_bb_end(&f.ra);
    ck_assert_str_eq(f.log, "st32 r1, [r8+0];st32 r1, [r9+0x40];");
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("regalloc");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, spill_under_pressure_stores_the_first_register_to_its_slot);
    tcase_add_test(tc, eviction_prefers_a_value_already_in_memory);
    tcase_add_test(tc, locked_registers_are_never_evicted);
    tcase_add_test(tc, helper_call_writes_back_dirty_globals_and_saves_live_values);
    tcase_add_test(tc, helper_call_writing_globals_leaves_them_to_be_reloaded);
    tcase_add_test(tc, constants_stay_immediates_until_a_register_is_needed);
    tcase_add_test(tc, constant_global_is_stored_as_an_immediate_at_block_end);
    tcase_add_test(tc, call_arguments_in_a_cycle_go_through_the_scratch_register);
    tcase_add_test(tc, label_leaves_every_value_in_memory);
    tcase_add_test(tc, input_read_again_later_is_loaded_once_into_its_own_register);
    tcase_add_test(tc, read_after_a_redefinition_is_not_read_again);
    tcase_add_test(tc, values_live_after_an_op_exclude_its_dying_inputs);
    tcase_add_test(tc, mov_leaves_one_register_for_both_temps_that_moves_and_syncs_as_one);
    suite_add_tcase(s, tc);
    return s;
}
