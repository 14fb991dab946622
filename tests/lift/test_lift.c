/* The lifter on its own: IR shape of lifted blocks (lazy flags tracked
 * statically, block ends, insn_start records, undefined opcodes), checked on
 * the printed IR text. */
#include "lift-fixture.h"

#include <stddef.h>
#include <stdio.h>

static void lift(struct lifted *l, const uint8_t *bytes, size_t len, uint32_t eip)
{
    lift_at(l, bytes, len, eip, 0, 2);
}

START_TEST(compare_and_branch_needs_no_flags_helper)
{
    struct lifted l;
    static const uint8_t code[] = {0x39, 0xd8, 0x74, 0x00}; /* cmp ax,bx; je +0 */
    lift(&l, code, sizeof(code), 0x100);
    ck_assert_ptr_null(strstr(l.text, "cc_compute"));
    ck_assert_ptr_nonnull(strstr(l.text, "goto_tb 1"));
    ck_assert_uint_eq(l.res.ninsns, 2);
    done(&l);
}
END_TEST

START_TEST(adc_reads_the_carry_through_the_carry_helper)
{
    struct lifted l;
    static const uint8_t code[] = {0x11, 0xd8, 0xf4}; /* adc ax,bx; hlt */
    lift(&l, code, sizeof(code), 0x100);
    ck_assert_ptr_nonnull(strstr(l.text, "cc_carry"));
    ck_assert_ptr_null(strstr(l.text, "cc_compute"));
    done(&l);
}
END_TEST

START_TEST(insn_start_carries_eip_and_static_cc_op)
{
    struct lifted l;
    static const uint8_t code[] = {0x31, 0xc0, 0x40, 0xf4}; /* xor ax,ax; inc ax; hlt */
    lift(&l, code, sizeof(code), 0x100);
    char want[64];
    snprintf(want, sizeof(want), "insn_start $0x102, $0x%x", X86_CC_LOGICW);
    ck_assert_msg(strstr(l.text, want) != NULL, "%s", l.text);
    snprintf(want, sizeof(want), "insn_start $0x103, $0x%x", X86_CC_INCW);
    ck_assert_msg(strstr(l.text, want) != NULL, "%s", l.text);
    done(&l);
}
END_TEST

START_TEST(block_stops_at_the_page_boundary)
{
    struct lifted l;
    static const uint8_t code[8] = {0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90};
    lift(&l, code, sizeof(code), 0xffc);
    ck_assert_uint_eq(l.res.size, 4);
    ck_assert_uint_eq(l.res.ninsns, 4);
    ck_assert_ptr_nonnull(strstr(l.text, "goto_tb 0"));
    done(&l);
}
END_TEST

START_TEST(undefined_opcode_lifts_to_a_raise)
{
    struct lifted l;
    static const uint8_t code[] = {0x90, 0x0f, 0x0b}; /* nop; ud2 */
    lift(&l, code, sizeof(code), 0x100);
    ck_assert_ptr_nonnull(strstr(l.text, "raise_exception"));
    ck_assert_uint_eq(l.res.ninsns, 2);
    done(&l);
}
END_TEST

/* The IR before the first insn_start: the block-entry check. */
static char *entry_text(const struct lifted *l)
{
    const char *end = strstr(l->text, "insn_start");
    ck_assert_ptr_nonnull(end);
    return strndup(l->text, (size_t)(end - l->text));
}

/* One decrement and test of block_budget, which also carries exit requests
 * (X86_EXIT_BIAS): one load, one store, one branch, one exit. */
START_TEST(every_block_starts_with_one_budget_check)
{
    struct lifted l;
    static const uint8_t code[] = {0xf4};
    lift(&l, code, sizeof(code), 0x100);
    char *entry = entry_text(&l);
    char budget[32];
    snprintf(budget, sizeof(budget), "env+0x%zx,", offsetof(CPUX86State, block_budget));
    ck_assert_msg(count(entry, "ld_i32") == 1 && count(entry, "st_i32") == 1, "%s", entry);
    ck_assert_msg(count(entry, budget) == 2, "%s", entry);
    ck_assert_msg(count(entry, "brcond_i32") == 1 && count(entry, ", ge, ") == 1, "%s", entry);
    ck_assert_msg(count(entry, "exit_tb") == 1 && count(entry, "exit_tb $0x3") == 1, "%s", entry);
    free(entry);
    done(&l);
}
END_TEST

/* The instruction after STI runs alone and requests an exit by biasing the
 * budget, so the next block leaves at its entry even when chained. */
START_TEST(interrupt_shadow_block_requests_an_exit_through_the_budget)
{
    struct lifted l;
    static const uint8_t code[] = {0x40, 0x40}; /* inc ax; inc ax */
    lift_at(&l, code, sizeof(code), 0x100, X86_HF_INHIBIT, 2);
    ck_assert_uint_eq(l.res.ninsns, 1);
    char *entry = entry_text(&l);
    char budget[32], bias[32];
    snprintf(budget, sizeof(budget), "env+0x%zx,", offsetof(CPUX86State, block_budget));
    snprintf(bias, sizeof(bias), "$0x%x", X86_EXIT_BIAS);
    ck_assert_msg(count(entry, budget) == 4 && count(entry, bias) == 1, "%s", entry);
    ck_assert_msg(count(entry, "brcond_i32") == 1, "%s", entry);
    free(entry);
    done(&l);
}
END_TEST

START_TEST(memory_operand_checks_the_segment_limit)
{
    struct lifted l;
    static const uint8_t code[] = {0x8b, 0x07, 0xf4}; /* mov ax,[bx]; hlt */
    lift(&l, code, sizeof(code), 0x100);
    ck_assert_ptr_nonnull(strstr(l.text, "guest_ld_i32"));
    ck_assert_ptr_nonnull(strstr(l.text, "raise_exception"));
    done(&l);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("lift");
    TCase *tc = tcase_create("blocks");
    tcase_add_test(tc, compare_and_branch_needs_no_flags_helper);
    tcase_add_test(tc, adc_reads_the_carry_through_the_carry_helper);
    tcase_add_test(tc, insn_start_carries_eip_and_static_cc_op);
    tcase_add_test(tc, block_stops_at_the_page_boundary);
    tcase_add_test(tc, undefined_opcode_lifts_to_a_raise);
    tcase_add_test(tc, every_block_starts_with_one_budget_check);
    tcase_add_test(tc, interrupt_shadow_block_requests_an_exit_through_the_budget);
    tcase_add_test(tc, memory_operand_checks_the_segment_limit);
    suite_add_tcase(s, tc);
    return s;
}
