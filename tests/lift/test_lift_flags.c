/* What reading a flag costs in IR: CF with the kind unknown (block start) is
 * one call of the carry-only helper, never the six-flag cc_compute; a Jcc
 * right after CMP/SUB/TEST/DEC is, once optimized, one brcond on the compared
 * values (no setcond, no xor 1); SETcc/CMOVcc one setcond/movcond. */
#include "lift-fixture.h"
#include "translator/translator.h"

#include <stdio.h>

#define PM32 (X86_HF_PE | X86_HF_CS32 | X86_HF_SS32 | X86_HF_FLAT32)

static void lift(struct lifted *l, const uint8_t *bytes, size_t len)
{
    lift_at(l, bytes, len, 0x1000, PM32, 0);
}

/* The optimized IR of the block's last instruction. */
static char *optimized_last_insn(struct lifted *l)
{
    translator_optimize(&l->b);
    char *text = ir_print_str(&l->b);
    const char *last = text;
    for (const char *p = strstr(text, "insn_start"); p; p = strstr(p + 1, "insn_start"))
        last = p;
    char *tail = strdup(last);
    free(text);
    return tail;
}

START_TEST(carry_at_block_start_is_one_carry_helper_call)
{
    static const struct {
        uint8_t code[4];
        unsigned len;
        const char *what;
    } cases[] = {
        {{0x43, 0xf4}, 2, "inc ebx"},
        {{0x4a, 0xf4}, 2, "dec edx"},
        {{0x11, 0xd8, 0xf4}, 3, "adc eax, ebx"},
        {{0x19, 0xd8, 0xf4}, 3, "sbb eax, ebx"},
        {{0x72, 0x00}, 2, "jb"},
        {{0x0f, 0x93, 0xc0, 0xf4}, 4, "setae al"},
        {{0xd6, 0xf4}, 2, "salc"},
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct lifted l;
        lift(&l, cases[i].code, cases[i].len);
        ck_assert_msg(count(l.text, "cc_carry(cc_op, cc_dst, cc_src, cc_src2)") == 1, "%s:\n%s",
                      cases[i].what, l.text);
        ck_assert_msg(count(l.text, "cc_compute") == 0, "%s:\n%s", cases[i].what, l.text);
        done(&l);
    }
}
END_TEST

/* SAHF leaves the flags as bits (the EFLAGS kind): CF is bit 0 of cc_src. */
START_TEST(carry_after_sahf_needs_no_helper)
{
    static const uint8_t code[] = {0x9e, 0x11, 0xd8, 0xf4}; /* sahf; adc eax, ebx */
    struct lifted l;
    lift(&l, code, sizeof(code));
    ck_assert_msg(count(l.text, "cc_carry") == 0, "%s", l.text);
    ck_assert_msg(count(l.text, "cc_compute") == 1, "%s", l.text); /* SAHF's merge */
    done(&l);
}
END_TEST

/* ZF, SF, OF and PF with the kind unknown still come from cc_compute. */
START_TEST(other_conditions_at_block_start_use_cc_compute)
{
    static const uint8_t code[] = {0x74, 0x00}; /* je */
    struct lifted l;
    lift(&l, code, sizeof(code));
    ck_assert_msg(count(l.text, "cc_compute") == 1, "%s", l.text);
    ck_assert_msg(count(l.text, "cc_carry") == 0, "%s", l.text);
    done(&l);
}
END_TEST

START_TEST(jcc_after_compare_is_one_brcond_on_the_operands)
{
    static const struct {
        uint8_t code[2];
        unsigned len;
        const char *name;
        const char *jccs; /* condition nibbles folded to one comparison */
    } setters[] = {
        {{0x39, 0xd8}, 2, "cmp eax, ebx", "23456789cdef"},
        {{0x29, 0xd8}, 2, "sub eax, ebx", "23456789cdef"},
        {{0x85, 0xd8}, 2, "test eax, ebx", "0123456789cdef"},
        {{0x4a}, 1, "dec edx", "4589"},
    };
    unsigned checked = 0;
    for (unsigned s = 0; s < sizeof(setters) / sizeof(setters[0]); s++)
        for (const char *j = setters[s].jccs; *j; j++) {
            unsigned cc = (unsigned)(*j <= '9' ? *j - '0' : *j - 'a' + 10);
            uint8_t code[4];
            memcpy(code, setters[s].code, setters[s].len);
            code[setters[s].len] = (uint8_t)(0x70 + cc);
            code[setters[s].len + 1] = 0;
            struct lifted l;
            lift(&l, code, setters[s].len + 2u);
            char *jcc = optimized_last_insn(&l);
            /* TEST clears CF and OF: JO/JNO/JB/JAE there are constant, no branch. */
            unsigned want = strchr("0123", *j) && s == 2 ? 0 : 1;
            ck_assert_msg(count(jcc, "setcond") == 0 && count(jcc, "xor") == 0 &&
                              count(jcc, "brcond") == want && count(jcc, "call") == 0,
                          "%s; j%x:\n%s", setters[s].name, cc, jcc);
            free(jcc);
            done(&l);
            checked++;
        }
    ck_assert_uint_eq(checked, 12 + 12 + 14 + 4);
}
END_TEST

/* JB after CMP compares the two operands (the first one is not rebuilt as
 * result + second); JNE after DEC tests the result. */
START_TEST(jb_after_cmp_and_jne_after_dec_read_as_written)
{
    static const uint8_t cmp_jb[] = {0x39, 0xd8, 0x72, 0x00};
    static const uint8_t dec_jne[] = {0x4a, 0x75, 0x00};
    struct lifted l;
    lift(&l, cmp_jb, sizeof(cmp_jb));
    char *jcc = optimized_last_insn(&l);
    ck_assert_msg(strstr(jcc, " brcond_i32 eax, ebx, ltu, L") != NULL, "%s", jcc);
    ck_assert_msg(count(jcc, "add_i32") == 0, "%s", jcc);
    free(jcc);
    done(&l);
    lift(&l, dec_jne, sizeof(dec_jne));
    jcc = optimized_last_insn(&l);
    ck_assert_msg(strstr(jcc, ", ne, L") != NULL && count(jcc, "brcond") == 1, "%s", jcc);
    free(jcc);
    done(&l);
}
END_TEST

/* cmp eax, ebx; setbe cl / cmovg ecx, edx: one setcond / movcond on eax and ebx. */
START_TEST(setcc_and_cmovcc_after_compare_are_one_op)
{
    static const uint8_t setbe[] = {0x39, 0xd8, 0x0f, 0x96, 0xc1, 0xf4};
    static const uint8_t cmovg[] = {0x39, 0xd8, 0x0f, 0x4f, 0xca, 0xf4};
    struct lifted l;
    lift(&l, setbe, sizeof(setbe));
    translator_optimize(&l.b);
    char *text = ir_print_str(&l.b);
    ck_assert_msg(count(text, "setcond_i32") == 1 && strstr(text, "eax, ebx, leu\n"), "%s", text);
    ck_assert_msg(count(text, "xor_i32") == 0, "%s", text);
    free(text);
    done(&l);
    lift(&l, cmovg, sizeof(cmovg));
    translator_optimize(&l.b);
    text = ir_print_str(&l.b);
    ck_assert_msg(count(text, "setcond_i32") == 0 && count(text, "movcond_i32") == 1 &&
                      strstr(text, ", eax, ebx, edx, ecx, gt\n"),
                  "%s", text);
    free(text);
    done(&l);
}
END_TEST

/* shr edx, 11: the result is edx >> 11, the record's value edx >> 10, both
 * from edx; when a CMP overwrites the flags, one shift is left. */
START_TEST(shift_by_immediate_result_does_not_wait_for_the_flag_record)
{
    static const uint8_t live[] = {0xc1, 0xea, 0x0b, 0xf4};             /* shr edx, 11; hlt */
    static const uint8_t dead[] = {0xc1, 0xea, 0x0b, 0x39, 0xd6, 0x72, 0x00}; /* cmp esi, edx; jb */
    static const uint8_t shl_cl[] = {0xd3, 0xe2, 0xf4};                 /* shl edx, cl; hlt */
    struct lifted l;
    lift(&l, live, sizeof(live));
    translator_optimize(&l.b);
    char *text = ir_print_str(&l.b);
    ck_assert_msg(count(text, "shr_i32") == 2 && count(text, ", edx, t") == 2, "%s", text);
    free(text);
    done(&l);
    lift(&l, dead, sizeof(dead));
    translator_optimize(&l.b);
    text = ir_print_str(&l.b);
    ck_assert_msg(count(text, "shr_i32") == 1 && count(text, ", edx, t") == 1, "%s", text);
    free(text);
    done(&l);
    lift(&l, shl_cl, sizeof(shl_cl));
    translator_optimize(&l.b);
    text = ir_print_str(&l.b);
    ck_assert_msg(count(text, "shl_i32") == 2 && count(text, " shl_i32 t") == 2 &&
                      count(text, ", edx, t") == 2,
                  "%s", text);
    free(text);
    done(&l);
}
END_TEST

/* Only ADC and SBB write cc_src2 (their carry in); the other kinds leave it. */
START_TEST(only_adc_and_sbb_write_the_carry_in)
{
    static const struct {
        uint8_t code[3];
        bool writes;
    } cases[] = {
        {{0x01, 0xd8, 0xf4}, false}, /* add eax, ebx */
        {{0x29, 0xd8, 0xf4}, false}, /* sub eax, ebx */
        {{0x21, 0xd8, 0xf4}, false}, /* and eax, ebx */
        {{0xd1, 0xe0, 0xf4}, false}, /* shl eax, 1 */
        {{0x9e, 0xf4}, false},       /* sahf */
        {{0x11, 0xd8, 0xf4}, true},  /* adc eax, ebx */
        {{0x19, 0xd8, 0xf4}, true},  /* sbb eax, ebx */
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct lifted l;
        lift(&l, cases[i].code, cases[i].code[2] == 0xf4 ? 3 : 2);
        ck_assert_msg(count(l.text, "mov_i32 cc_src2,") == cases[i].writes, "%u:\n%s", i, l.text);
        ck_assert_msg(count(l.text, "movi_i32 cc_src2,") == 0, "%u:\n%s", i, l.text);
        done(&l);
    }
}
END_TEST

/* A flag read first in a block tests the run-time kind for a dword SUB
 * (cc_op 9) or LOGIC (15) record, a CF read also for SBB (12), DEC (21) and
 * ADD (3), and computes the flag inline for those, the helper only for the
 * other kinds; not for OF or PF alone, nor once the block has written a
 * record (after SHL by CL the kind is run-time too). A segment check before
 * it (FS is not flat: calls that raise) does not count as a record. */
START_TEST(flag_read_first_in_a_block_tries_sub_and_logic_inline)
{
    static const struct {
        uint8_t code[8];
        unsigned len;
        unsigned guesses;
    } cases[] = {
        {{0x43, 0xf4}, 2, 5},             /* inc ebx */
        {{0x64, 0xff, 0x05, 0x10, 0, 0, 0, 0xf4}, 8, 5}, /* inc dword ptr fs:[0x10] */
        {{0x11, 0xd8, 0xf4}, 3, 5},       /* adc eax, ebx */
        {{0x74, 0x00}, 2, 2},             /* je */
        {{0x0f, 0x9f, 0xc0, 0xf4}, 4, 2}, /* setg al */
        {{0x70, 0x00}, 2, 0},             /* jo */
        {{0x7a, 0x00}, 2, 0},             /* jp */
        {{0xd3, 0xe0, 0x74, 0x00}, 4, 0}, /* shl eax, cl; je */
    };
    static const char *const kinds[] = {", $0x9\n", ", $0xf\n", ", $0xc\n", ", $0x15\n", ", $0x3\n"};
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct lifted l;
        lift(&l, cases[i].code, cases[i].len);
        unsigned kind_tests = count(l.text, "brcond_i32 cc_op, t");
        ck_assert_msg(kind_tests == cases[i].guesses, "%u:\n%s", i, l.text);
        for (unsigned g = 0; g < cases[i].guesses; g++)
            ck_assert_msg(strstr(l.text, kinds[g]) != NULL, "%u, %s:\n%s", i, kinds[g], l.text);
        done(&l);
    }
}
END_TEST

/* ADC and SBB right after ADC or SBB read CF from the record inline. */
START_TEST(carry_after_adc_and_sbb_is_inline)
{
    static const uint8_t code[2][5] = {
        {0x11, 0xd8, 0x11, 0xca, 0xf4}, /* adc eax, ebx; adc edx, ecx */
        {0x19, 0xd8, 0x19, 0xca, 0xf4}, /* sbb eax, ebx; sbb edx, ecx */
    };
    for (unsigned i = 0; i < 2; i++) {
        struct lifted l;
        lift(&l, code[i], sizeof(code[i]));
        const char *second = strstr(l.text, "insn_start $0x1002");
        ck_assert_ptr_nonnull(second);
        ck_assert_msg(count(second, "cc_carry") == 0 && count(second, "movcond_i32") == 1, "%s",
                      l.text);
        done(&l);
    }
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("lift_flags");
    TCase *tc = tcase_create("flags");
    tcase_add_test(tc, carry_at_block_start_is_one_carry_helper_call);
    tcase_add_test(tc, carry_after_sahf_needs_no_helper);
    tcase_add_test(tc, other_conditions_at_block_start_use_cc_compute);
    tcase_add_test(tc, jcc_after_compare_is_one_brcond_on_the_operands);
    tcase_add_test(tc, jb_after_cmp_and_jne_after_dec_read_as_written);
    tcase_add_test(tc, setcc_and_cmovcc_after_compare_are_one_op);
    tcase_add_test(tc, shift_by_immediate_result_does_not_wait_for_the_flag_record);
    tcase_add_test(tc, only_adc_and_sbb_write_the_carry_in);
    tcase_add_test(tc, flag_read_first_in_a_block_tries_sub_and_logic_inline);
    tcase_add_test(tc, carry_after_adc_and_sbb_is_inline);
    suite_add_tcase(s, tc);
    return s;
}
