/* Optimizer passes, each checked on the exact printed IR before and after. */
#include "fixture.h"
#include "translator/opt.h"

#include <check.h>
#include <stdlib.h>

static void h_dummy(void)
{
}

enum { H_GLOBALS, H_PURE, H_PURE_ONLY, H_COUNT };
static const struct ir_helper helpers[H_COUNT] = {
    {"uses_globals", h_dummy, IR_HT_VOID, 0, {0}, 0},
    {"pure_fn",
     h_dummy,
     IR_HT_I32,
     1,
     {IR_HT_I32},
     IR_CALL_PURE | IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS},
    {"pure_only", h_dummy, IR_HT_I32, 1, {IR_HT_I32}, IR_CALL_PURE},
};

static struct test_mem mem;
static struct ir_env env;
static struct ir_block blk, *b = &blk;
static ir_tmp eax, ecx, edx, ra;

static void setup(void)
{
    env = test_env(helpers, H_COUNT, &mem);
    ir_block_init(b, &env);
    eax = ir_global(b, G_EAX);
    ecx = ir_global(b, G_ECX);
    edx = ir_global(b, G_EDX);
    ra = ir_global(b, G_RA);
}

static void teardown(void)
{
    ir_block_destroy(b);
}

static void assert_ir(const char *expected)
{
    char *text = ir_print_str(b);
    ck_assert_str_eq(text, expected);
    free(text);
}

START_TEST(printer_format_is_stable)
{
    ir_tmp t0 = ir_new_i32(b), t1 = ir_new_i64(b);
    ir_label l = ir_new_label(b);
    ir_insn_start(b, 0x7c00, 3);
    ir_movi(b, t0, 0x10);
    ir_deposit(b, eax, eax, t0, 8, 8);
    ir_ld(b, t1, 0x40, IR_MEMOP(IR_MO_16, 1, 0));
    ir_guest_st(b, ecx, eax, IR_MEMOP(IR_MO_32, 0, 1));
    ir_extu_i32_i64(b, ra, t0);
    ir_brcond(b, IR_COND_LTU, eax, ecx, l);
    ir_call(b, H_PURE, edx, 1, (ir_tmp[]){t0});
    ir_call(b, H_GLOBALS, (ir_tmp){0}, 0, NULL);
    ir_set_label(b, l);
    ir_goto_tb(b, 1);
    assert_ir(" insn_start $0x7c00, $0x3\n"
              " movi_i32 t0, $0x10\n"
              " deposit_i32 eax, eax, t0, $0x8, $0x8\n"
              " ld_i64 t1, env+0x40, s16\n"
              " guest_st_i32 ecx, eax, u32:mmu1\n"
              " extu_i32_i64 ra, t0\n"
              " brcond_i32 eax, ecx, ltu, L0\n"
              " call edx = pure_fn(t0)\n"
              " call uses_globals()\n"
              "L0:\n"
              " goto_tb 1\n");
}
END_TEST

START_TEST(constfold_pure_op_on_constants_becomes_movi)
{
    ir_tmp t0 = ir_const_i32(b, 6), t1 = ir_const_i32(b, 7), t2 = ir_new_i32(b);
    ir_mul(b, t2, t0, t1);
    ir_add(b, eax, eax, t2);
    ir_exit_tb(b, 0);
    opt_constfold(b);
    assert_ir(" movi_i32 t0, $0x6\n"
              " movi_i32 t1, $0x7\n"
              " movi_i32 t2, $0x2a\n"
              " add_i32 eax, eax, t2\n"
              " exit_tb $0x0\n");
}
END_TEST

START_TEST(constfold_mulu2_gives_two_movi_and_i32_results_wrap)
{
    ir_tmp x = ir_const_i32(b, 0xffffffffu), y = ir_const_i32(b, 0x10);
    ir_mulu2(b, eax, edx, x, y);
    ir_add(b, ecx, x, y);
    opt_constfold(b);
    assert_ir(" movi_i32 t0, $0xffffffff\n"
              " movi_i32 t1, $0x10\n"
              " movi_i32 eax, $0xfffffff0\n"
              " movi_i32 edx, $0xf\n"
              " movi_i32 ecx, $0xf\n");
}
END_TEST

START_TEST(constfold_known_branches_become_br_or_vanish)
{
    ir_label l = ir_new_label(b);
    ir_tmp one = ir_const_i32(b, 1), two = ir_const_i32(b, 2);
    ir_brcond(b, IR_COND_GT, one, two, l); /* never taken */
    ir_brcond(b, IR_COND_LT, one, two, l); /* always taken */
    ir_movcond(b, IR_COND_EQ, eax, one, two, ecx, edx);
    ir_set_label(b, l);
    ir_exit_tb(b, 0);
    opt_constfold(b);
    assert_ir(" movi_i32 t0, $0x1\n"
              " movi_i32 t1, $0x2\n"
              " br L0\n"
              " mov_i32 eax, edx\n"
              "L0:\n"
              " exit_tb $0x0\n");
}
END_TEST

START_TEST(constfold_forgets_constants_at_labels_and_global_writing_calls)
{
    ir_label l = ir_new_label(b);
    ir_tmp t0 = ir_const_i32(b, 3), t1 = ir_new_i32(b);
    ir_movi(b, eax, 4);
    ir_call(b, H_GLOBALS, (ir_tmp){0}, 0, NULL);
    ir_add(b, ecx, eax, t0); /* eax may have changed */
    ir_set_label(b, l);
    ir_add(b, t1, t0, t0); /* t0 may come from elsewhere */
    ir_mov(b, edx, t1);
    ir_exit_tb(b, 0);
    char *before = ir_print_str(b);
    opt_constfold(b);
    char *after = ir_print_str(b);
    ck_assert_str_eq(after, before);
    free(before);
    free(after);
}
END_TEST

START_TEST(copyprop_reads_source_until_either_is_written)
{
    ir_tmp t0 = ir_new_i32(b), t1 = ir_new_i32(b);
    ir_mov(b, t0, eax);
    ir_add(b, t1, t0, t0);
    ir_mov(b, eax, t1);
    ir_add(b, ecx, t0, ecx); /* eax changed: t0 stays */
    ir_mov(b, edx, eax);
    ir_mov(b, edx, edx);
    ir_exit_tb(b, 0);
    opt_copyprop(b);
    assert_ir(" mov_i32 t0, eax\n"
              " add_i32 t1, eax, eax\n"
              " mov_i32 eax, t1\n"
              " add_i32 ecx, t0, ecx\n"
              " mov_i32 edx, t1\n"
              " exit_tb $0x0\n");
}
END_TEST

START_TEST(copyprop_stops_at_labels_and_global_writing_calls)
{
    ir_label l = ir_new_label(b);
    ir_tmp t0 = ir_new_i32(b);
    ir_mov(b, t0, eax);
    ir_call(b, H_GLOBALS, (ir_tmp){0}, 0, NULL);
    ir_mov(b, ecx, t0);
    ir_mov(b, t0, edx);
    ir_set_label(b, l);
    ir_mov(b, eax, t0);
    ir_exit_tb(b, 0);
    char *before = ir_print_str(b);
    opt_copyprop(b);
    char *after = ir_print_str(b);
    ck_assert_str_eq(after, before);
    free(before);
    free(after);
}
END_TEST

START_TEST(simplify_identities_with_constants)
{
    ir_tmp zero = ir_const_i32(b, 0), one = ir_const_i32(b, 1), ones = ir_const_i32(b, ~0u);
    ir_add(b, eax, eax, zero);
    ir_mul(b, ecx, one, ecx);
    ir_and(b, edx, edx, zero);
    ir_and(b, eax, ones, eax);
    ir_or(b, ecx, ecx, ones);
    ir_shl(b, edx, edx, zero);
    ir_sub(b, eax, zero, eax); /* 0 - x is not x */
    opt_simplify(b);
    assert_ir(" movi_i32 t0, $0x0\n"
              " movi_i32 t1, $0x1\n"
              " movi_i32 t2, $0xffffffff\n"
              " mov_i32 eax, eax\n"
              " mov_i32 ecx, ecx\n"
              " movi_i32 edx, $0x0\n"
              " mov_i32 eax, eax\n"
              " movi_i32 ecx, $0xffffffff\n"
              " mov_i32 edx, edx\n"
              " sub_i32 eax, t0, eax\n");
}
END_TEST

START_TEST(simplify_same_operand_and_whole_width_ops)
{
    ir_label l = ir_new_label(b);
    ir_sub(b, eax, ecx, ecx);
    ir_xor(b, edx, edx, edx);
    ir_or(b, eax, ecx, ecx);
    ir_setcond(b, IR_COND_GEU, ecx, edx, edx);
    ir_setcond(b, IR_COND_NE, ecx, edx, edx);
    ir_deposit(b, eax, eax, edx, 0, 32);
    ir_extract(b, ecx, edx, 0, 32);
    ir_extract(b, ecx, edx, 0, 16);
    ir_movcond(b, IR_COND_LT, eax, ecx, edx, edx, edx);
    ir_brcond(b, IR_COND_EQ, eax, eax, l);
    ir_brcond(b, IR_COND_LTU, eax, eax, l);
    ir_set_label(b, l);
    opt_simplify(b);
    assert_ir(" movi_i32 eax, $0x0\n"
              " movi_i32 edx, $0x0\n"
              " mov_i32 eax, ecx\n"
              " movi_i32 ecx, $0x1\n"
              " movi_i32 ecx, $0x0\n"
              " mov_i32 eax, edx\n"
              " mov_i32 ecx, edx\n"
              " extract_i32 ecx, edx, $0x0, $0x10\n"
              " mov_i32 eax, edx\n"
              " br L0\n"
              "L0:\n");
}
END_TEST

START_TEST(dce_removes_unused_temps_and_overwritten_globals)
{
    ir_tmp t0 = ir_new_i32(b), t1 = ir_new_i32(b);
    ir_add(b, t0, eax, ecx); /* unused */
    ir_movi(b, edx, 1);      /* overwritten before any read or exit */
    ir_mul(b, t1, eax, eax);
    ir_mov(b, edx, t1);
    ir_call(b, H_PURE, ecx, 1, (ir_tmp[]){t1}); /* pure, result overwritten */
    ir_movi(b, ecx, 9);
    ir_exit_tb(b, 0);
    opt_dce(b);
    assert_ir(" mul_i32 t1, eax, eax\n"
              " mov_i32 edx, t1\n"
              " movi_i32 ecx, $0x9\n"
              " exit_tb $0x0\n");
}
END_TEST

START_TEST(dce_keeps_globals_read_by_helpers_faults_and_exits)
{
    ir_movi(b, eax, 1);
    ir_call(b, H_GLOBALS, (ir_tmp){0}, 0, NULL); /* reads globals */
    ir_movi(b, eax, 2);
    ir_guest_ld(b, ecx, edx, IR_MEMOP(IR_MO_32, 0, 0)); /* may fault: eax must be exact */
    ir_movi(b, eax, 3);
    ir_call(b, H_PURE, edx, 1, (ir_tmp[]){ecx}); /* reads no globals */
    ir_movi(b, eax, 4);
    ir_goto_tb(b, 0);
    ir_movi(b, eax, 5); /* unreachable */
    opt_dce(b);
    assert_ir(" movi_i32 eax, $0x1\n"
              " call uses_globals()\n"
              " movi_i32 eax, $0x2\n"
              " guest_ld_i32 ecx, edx, u32:mmu0\n"
              " call edx = pure_fn(ecx)\n"
              " movi_i32 eax, $0x4\n"
              " goto_tb 0\n");
}
END_TEST

START_TEST(dce_keeps_values_live_around_a_loop)
{
    ir_label top = ir_new_label(b), out = ir_new_label(b);
    ir_tmp step = ir_new_i32(b), dead = ir_new_i32(b);
    ir_movi(b, step, 2);
    ir_movi(b, dead, 5);
    ir_set_label(b, top);
    ir_brcond(b, IR_COND_GEU, eax, ecx, out);
    ir_add(b, eax, eax, step); /* step is live at top through the back edge */
    ir_br(b, top);
    ir_set_label(b, out);
    ir_exit_tb(b, 0);
    opt_dce(b);
    assert_ir(" movi_i32 t0, $0x2\n"
              "L0:\n"
              " brcond_i32 eax, ecx, geu, L1\n"
              " add_i32 eax, eax, t0\n"
              " br L0\n"
              "L1:\n"
              " exit_tb $0x0\n");
}
END_TEST

START_TEST(dce_env_load_of_a_global_field_keeps_the_global)
{
    ir_tmp t0 = ir_new_i32(b);
    ir_movi(b, ecx, 7);
    ir_ld(b, t0, offsetof(struct test_state, ecx), IR_MO_32);
    ir_movi(b, ecx, 8);
    ir_mov(b, eax, t0);
    ir_exit_tb(b, 0);
    char *before = ir_print_str(b);
    opt_dce(b);
    char *after = ir_print_str(b);
    ck_assert_str_eq(after, before);
    free(before);
    free(after);
}
END_TEST

START_TEST(pipeline_folds_a_lifted_sequence)
{
    ir_tmp t0 = ir_const_i32(b, 5);
    ir_mov(b, eax, t0);
    ir_addi(b, ecx, eax, 3);
    ir_tmp t2 = ir_new_i32(b);
    ir_add(b, t2, edx, ir_const_i32(b, 0));
    ir_mov(b, edx, t2);
    ir_exit_tb(b, 0);
    unsigned before = b->nops;
    translator_optimize(b);
    assert_ir(" movi_i32 eax, $0x5\n"
              " movi_i32 ecx, $0x8\n"
              " exit_tb $0x0\n");
    ck_assert_uint_eq(before, 8);
}
END_TEST

/* ---- Text form: parse "before", run a pass, compare with "after" ---- */

static void parse_into(const char *text)
{
    char err[128] = "";
    ck_assert_msg(ir_parse(b, text, err, sizeof(err)), "%s", err);
    assert_ir(text); /* the printer gives back exactly what was parsed */
}

static void check_pass(void (*pass)(struct ir_block *), const char *before, const char *after)
{
    parse_into(before);
    pass(b);
    assert_ir(after);
}

START_TEST(parser_reads_back_every_printed_form)
{
    parse_into(" insn_start $0x7c00, $0x3\n"
               " movi_i32 t0, $0x10\n"
               " deposit_i32 eax, eax, t0, $0x8, $0x8\n"
               " ld_i64 t1, env+0x40, s16\n"
               " st_i32 eax, env+0x8, u8\n"
               " guest_st_i32 ecx, eax, u32:mmu1\n"
               " guest_ld_i64 ra, t1, u64:mmu0\n"
               " extu_i32_i64 ra, t0\n"
               " extrh_i64_i32 ecx, rb\n"
               " mulu2_i64 ra, rb, rc, rd\n"
               " movcond_i32 eax, ecx, edx, ebx, t0, tstne\n"
               " brcond_i32 eax, ecx, ltu, L1\n"
               " call edx = pure_fn(t0)\n"
               " call uses_globals()\n"
               "L1:\n"
               " setcond_i64 rc, rd, ra, le\n"
               " goto_ptr_i64 env\n"
               "L0:\n"
               " goto_tb 1\n"
               " exit_tb $0x2a\n");
    ck_assert_uint_eq(b->nlabels, 2);
    ck_assert_uint_eq(ir_temp_type(b, (ir_tmp){(uint16_t)(G_COUNT + 2)}), IR_I64); /* t1 */
}
END_TEST

START_TEST(parser_reports_errors_with_line_numbers)
{
    char err[128];
    ck_assert(!ir_parse(b, " movi_i32 t0, $0x1\n frobnicate_i32 t0\n", err, sizeof(err)));
    ck_assert_str_eq(err, "line 2: unknown op 'frobnicate'");
    ir_block_reset(b);
    ck_assert(!ir_parse(b, " add_i32 eax, ra, ecx\n", err, sizeof(err)));
    ck_assert_str_eq(err, "line 1: ra is i64 where i32 is needed");
    ir_block_reset(b);
    ck_assert(!ir_parse(b, "\n# comment\n mov_i32 eax, nosuch\n", err, sizeof(err)));
    ck_assert_str_eq(err, "line 3: unknown temp 'nosuch'");
    ir_block_reset(b);
    ck_assert(!ir_parse(b, " brcond_i32 eax, ecx, sometimes, L0\n", err, sizeof(err)));
    ck_assert_str_eq(err, "line 1: unknown condition 'sometimes'");
    ir_block_reset(b);
    ck_assert(!ir_parse(b, " call nosuch()\n", err, sizeof(err)));
    ck_assert_str_eq(err, "line 1: unknown helper 'nosuch'");
}
END_TEST

START_TEST(dce_text_flags_of_an_overwritten_insn_are_dead)
{
    check_pass(opt_dce,
               " insn_start $0x100, $0x1\n"
               " add_i32 t0, eax, ebx\n"
               " mov_i32 ecx, t0\n"
               " mov_i32 edx, ebx\n"
               " insn_start $0x102, $0x1\n"
               " sub_i32 t1, eax, ebx\n"
               " mov_i32 ecx, t1\n"
               " mov_i32 edx, ebx\n"
               " mov_i32 eax, t1\n"
               " exit_tb $0x0\n",
               " insn_start $0x100, $0x1\n"
               " insn_start $0x102, $0x1\n"
               " sub_i32 t1, eax, ebx\n"
               " mov_i32 ecx, t1\n"
               " mov_i32 edx, ebx\n"
               " mov_i32 eax, t1\n"
               " exit_tb $0x0\n");
}
END_TEST

START_TEST(dce_text_flags_stay_live_before_a_faulting_load)
{
    const char *text = " insn_start $0x100, $0x1\n"
                       " add_i32 t0, eax, ebx\n"
                       " mov_i32 ecx, t0\n"
                       " mov_i32 edx, ebx\n"
                       " insn_start $0x102, $0x1\n"
                       " guest_ld_i32 t1, eax, u32:mmu0\n"
                       " sub_i32 t2, t1, ebx\n"
                       " mov_i32 ecx, t2\n"
                       " mov_i32 edx, ebx\n"
                       " exit_tb $0x0\n";
    check_pass(opt_dce, text, text);
}
END_TEST

START_TEST(constfold_text_i64_and_field_ops)
{
    check_pass(opt_constfold,
               " movi_i64 t0, $0xfedcba9876543210\n"
               " extract_i64 t1, t0, $0x20, $0x10\n"
               " sextract_i64 t2, t0, $0x3c, $0x4\n"
               " movi_i32 t3, $0x80\n"
               " exts_i32_i64 t4, t3\n"
               " muls2_i64 ra, rb, t2, t4\n"
               " rotl_i64 rc, t0, t4\n"
               " exit_tb $0x0\n",
               " movi_i64 t0, $0xfedcba9876543210\n"
               " movi_i64 t1, $0xba98\n"
               " movi_i64 t2, $0xffffffffffffffff\n"
               " movi_i32 t3, $0x80\n"
               " movi_i64 t4, $0x80\n"
               " movi_i64 ra, $0xffffffffffffff80\n"
               " movi_i64 rb, $0xffffffffffffffff\n"
               " movi_i64 rc, $0xfedcba9876543210\n"
               " exit_tb $0x0\n");
}
END_TEST

START_TEST(pipeline_text_partial_register_writes_fold_into_one)
{
    /* mov al, 0x12 ; mov ah, 0x34 with eax known: one constant */
    check_pass(translator_optimize,
               " movi_i32 eax, $0xaabbccdd\n"
               " movi_i32 t0, $0x12\n"
               " deposit_i32 eax, eax, t0, $0x0, $0x8\n"
               " movi_i32 t1, $0x34\n"
               " deposit_i32 eax, eax, t1, $0x8, $0x8\n"
               " exit_tb $0x0\n",
               " movi_i32 eax, $0xaabb3412\n"
               " exit_tb $0x0\n");
}
END_TEST

/* Copy propagation, simplification, copy propagation: the second copy
 * propagation skips blocks with no new mov, so simplify's mov must count. */
static void copyprop_simplify_copyprop(struct ir_block *blk_)
{
    opt_copyprop(blk_);
    opt_simplify(blk_);
    opt_copyprop(blk_);
}

START_TEST(copyprop_runs_again_after_simplify_made_a_mov)
{
    check_pass(copyprop_simplify_copyprop,
               " movi_i32 t0, $0x0\n"
               " add_i32 t1, eax, t0\n"
               " add_i32 ecx, t1, ecx\n"
               " exit_tb $0x0\n",
               " movi_i32 t0, $0x0\n"
               " mov_i32 t1, eax\n"
               " add_i32 ecx, eax, ecx\n"
               " exit_tb $0x0\n");
}
END_TEST

/* Twice in a row, the second finds nothing to do (and is skipped). */
static void copyprop_twice(struct ir_block *blk_)
{
    opt_copyprop(blk_);
    opt_copyprop(blk_);
}

/* Several copies of one source, a copy of a copy, one of another source:
 * writing the source ends its copies, in any order, and only those. */
START_TEST(copyprop_write_ends_every_copy_of_its_source_only)
{
    check_pass(copyprop_twice,
               " mov_i32 t0, eax\n"
               " mov_i32 t1, eax\n"
               " mov_i32 t2, t0\n"
               " mov_i32 t3, ecx\n"
               " mov_i32 t4, eax\n"
               " add_i32 eax, eax, ecx\n"
               " add_i32 edx, t0, t1\n"
               " add_i32 ebx, t2, t3\n"
               " add_i32 ecx, t4, t3\n"
               " add_i32 edx, ecx, t3\n"
               " exit_tb $0x0\n",
               " mov_i32 t0, eax\n"
               " mov_i32 t1, eax\n"
               " mov_i32 t2, eax\n"
               " mov_i32 t3, ecx\n"
               " mov_i32 t4, eax\n"
               " add_i32 eax, eax, ecx\n"
               " add_i32 edx, t0, t1\n"
               " add_i32 ebx, t2, ecx\n"
               " add_i32 ecx, t4, ecx\n"
               " add_i32 edx, ecx, t3\n"
               " exit_tb $0x0\n");
}
END_TEST

START_TEST(validate_accepts_built_blocks_and_names_lifter_bugs)
{
    char err[128] = "";
    parse_into(" brcond_i32 eax, ecx, eq, L0\n"
               " call edx = pure_fn(eax)\n"
               "L0:\n"
               " exit_tb $0x0\n");
    ck_assert_msg(ir_validate(b, err, sizeof(err)), "%s", err);

    ir_block_reset(b);
    parse_into(" br L1\nL0:\n");
    ck_assert(!ir_validate(b, err, sizeof(err)));
    ck_assert_str_eq(err, "op 0: branch to L1, which is never set");

    ir_block_reset(b);
    parse_into("L0:\nL0:\n");
    ck_assert(!ir_validate(b, err, sizeof(err)));
    ck_assert_str_eq(err, "op 1: label L0 set twice");

    ir_block_reset(b);
    ir_tmp t = ir_new_i64(b);
    struct ir_op *op = ir_emit(b, IR_OP_add, IR_I32); /* bypasses the builder's asserts */
    op->args[0] = eax.idx;
    op->args[1] = t.idx;
    op->args[2] = ecx.idx;
    ck_assert(!ir_validate(b, err, sizeof(err)));
    ck_assert_str_eq(err, "op 0: add operand 1 has the wrong type");

    ir_block_reset(b);
    op = ir_emit(b, IR_OP_movi, IR_PTR);
    op->args[0] = ir_env_ptr(b).idx;
    ck_assert(!ir_validate(b, err, sizeof(err)));
    ck_assert_str_eq(err, "op 0: movi writes env");
}
END_TEST

START_TEST(pure_helpers_neither_read_nor_write_globals)
{
    check_pass(translator_optimize,
               " movi_i32 eax, $0x1\n"
               " call ecx = pure_only(edx)\n"
               " movi_i32 t0, $0x2\n"
               " add_i32 ebx, eax, t0\n"
               " movi_i32 eax, $0x5\n"
               " exit_tb $0x0\n",
               " call ecx = pure_only(edx)\n"
               " movi_i32 ebx, $0x3\n"
               " movi_i32 eax, $0x5\n"
               " exit_tb $0x0\n");
}
END_TEST

START_TEST(liveness_marks_last_uses_and_unread_outputs)
{
    parse_into(" movi_i32 t0, $0x1\n"
               " movi_i32 t1, $0x2\n"
               " add_i32 t2, t0, t1\n"
               " mul_i32 t3, t2, t0\n"
               " mov_i32 eax, t3\n"
               " call ecx = pure_fn(t3)\n"
               " guest_ld_i32 t4, eax, u32:mmu0\n"
               " exit_tb $0x0\n");
    opt_liveness(b);
    ck_assert_uint_eq(b->nops, 8); /* nothing removed */
    static const uint16_t want[] = {0, 0, 1u << 2, 1u << 1 | 1u << 2, 0, 1u << 1, 1u << 0, 0};
    for (unsigned i = 0; i < 8; i++)
        ck_assert_msg(b->ops[i].life == want[i], "op %u: life %#x, want %#x", i, b->ops[i].life,
                      want[i]);
}
END_TEST

START_TEST(liveness_keeps_temps_alive_around_loops)
{
    parse_into(" movi_i32 t0, $0x2\n"
               "L0:\n"
               " brcond_i32 eax, ecx, geu, L1\n"
               " add_i32 eax, eax, t0\n"
               " br L0\n"
               "L1:\n"
               " exit_tb $0x0\n");
    opt_dce(b);
    ck_assert_uint_eq(b->ops[0].life, 0);
    ck_assert_uint_eq(b->ops[2].life, 0);
    ck_assert_uint_eq(b->ops[3].life, 1u << 1); /* the old eax dies, t0 does not */
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("translator_opt");
    TCase *tc = tcase_create("opt");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, printer_format_is_stable);
    tcase_add_test(tc, constfold_pure_op_on_constants_becomes_movi);
    tcase_add_test(tc, constfold_mulu2_gives_two_movi_and_i32_results_wrap);
    tcase_add_test(tc, constfold_known_branches_become_br_or_vanish);
    tcase_add_test(tc, constfold_forgets_constants_at_labels_and_global_writing_calls);
    tcase_add_test(tc, copyprop_reads_source_until_either_is_written);
    tcase_add_test(tc, copyprop_stops_at_labels_and_global_writing_calls);
    tcase_add_test(tc, simplify_identities_with_constants);
    tcase_add_test(tc, simplify_same_operand_and_whole_width_ops);
    tcase_add_test(tc, dce_removes_unused_temps_and_overwritten_globals);
    tcase_add_test(tc, dce_keeps_globals_read_by_helpers_faults_and_exits);
    tcase_add_test(tc, dce_keeps_values_live_around_a_loop);
    tcase_add_test(tc, dce_env_load_of_a_global_field_keeps_the_global);
    tcase_add_test(tc, pipeline_folds_a_lifted_sequence);
    tcase_add_test(tc, parser_reads_back_every_printed_form);
    tcase_add_test(tc, validate_accepts_built_blocks_and_names_lifter_bugs);
    tcase_add_test(tc, pure_helpers_neither_read_nor_write_globals);
    tcase_add_test(tc, liveness_marks_last_uses_and_unread_outputs);
    tcase_add_test(tc, liveness_keeps_temps_alive_around_loops);
    tcase_add_test(tc, parser_reports_errors_with_line_numbers);
    tcase_add_test(tc, dce_text_flags_of_an_overwritten_insn_are_dead);
    tcase_add_test(tc, dce_text_flags_stay_live_before_a_faulting_load);
    tcase_add_test(tc, constfold_text_i64_and_field_ops);
    tcase_add_test(tc, pipeline_text_partial_register_writes_fold_into_one);
    tcase_add_test(tc, copyprop_runs_again_after_simplify_made_a_mov);
    tcase_add_test(tc, copyprop_write_ends_every_copy_of_its_source_only);
    suite_add_tcase(s, tc);
    return s;
}
