/* What the block key lets the lifter leave out: with X86_HF_FLAT32 (ES, SS
 * and DS flat in protected mode) no segment type or limit check is lifted for
 * those three; FS/GS and every segment without the bit keep them; a segment
 * load that may change the bit ends its block with a fresh lookup. With
 * X86_HF_OSFXSR (CR4.OSFXSR) the inline SSE integer forms need no run-time
 * check of CR4. */
#include "lift-fixture.h"

#define PM32 (X86_HF_PE | X86_HF_CS32 | X86_HF_SS32)

static void lift(struct lifted *l, const uint8_t *bytes, size_t len, uint32_t hflags)
{
    lift_at(l, bytes, len, 0x1000, hflags, 0);
}

/* mov eax,[ebx]; mov [ecx],eax; push eax; hlt */
static const uint8_t ds_ss_code[] = {0x8b, 0x03, 0x89, 0x01, 0x50, 0xf4};

START_TEST(flat_key_drops_ds_and_ss_checks)
{
    struct lifted l;
    lift(&l, ds_ss_code, sizeof(ds_ss_code), PM32 | X86_HF_FLAT32);
    ck_assert_msg(count(l.text, "raise_exception") == 0, "%s", l.text);
    ck_assert_msg(count(l.text, "check_expdown") == 0, "%s", l.text);
    ck_assert_uint_eq(count(l.text, "guest_ld_i32"), 1);
    ck_assert_uint_eq(count(l.text, "guest_st_i32"), 2);
    done(&l);
}
END_TEST

START_TEST(without_flat_key_every_access_is_checked)
{
    struct lifted l;
    lift(&l, ds_ss_code, sizeof(ds_ss_code), PM32);
    /* A type check and a limit check per access, each raising. */
    ck_assert_msg(count(l.text, "raise_exception") == 6, "%s", l.text);
    ck_assert_uint_eq(count(l.text, "check_expdown"), 3);
    done(&l);
}
END_TEST

START_TEST(flat_key_keeps_fs_and_cs_checks)
{
    struct lifted l;
    /* mov eax,fs:[ebx]; mov eax,cs:[ebx]; hlt */
    static const uint8_t code[] = {0x64, 0x8b, 0x03, 0x2e, 0x8b, 0x03, 0xf4};
    lift(&l, code, sizeof(code), PM32 | X86_HF_FLAT32);
    ck_assert_msg(count(l.text, "raise_exception") == 4, "%s", l.text);
    done(&l);
}
END_TEST

START_TEST(data_segment_load_ends_the_block_with_a_lookup)
{
    static const uint8_t loads[][3] = {
        {0x8e, 0xd8, 0x90}, /* mov ds,ax */
        {0x8e, 0xc0, 0x90}, /* mov es,ax */
        {0x1f, 0x90, 0x90}, /* pop ds */
        {0x0f, 0x22, 0xc0}, /* mov cr0,eax */
    };
    for (unsigned i = 0; i < sizeof(loads) / sizeof(loads[0]); i++) {
        struct lifted l;
        lift(&l, loads[i], sizeof(loads[i]), PM32 | X86_HF_FLAT32);
        ck_assert_msg(count(l.text, "goto_ptr") == 1 && count(l.text, "goto_tb") == 0, "%u: %s", i,
                      l.text);
        done(&l);
    }
}
END_TEST

START_TEST(fs_load_still_chains)
{
    struct lifted l;
    static const uint8_t code[] = {0x8e, 0xe0, 0x90}; /* mov fs,ax; nop */
    lift(&l, code, sizeof(code), PM32 | X86_HF_FLAT32);
    ck_assert_msg(count(l.text, "goto_tb 0") == 1 && count(l.text, "goto_ptr") == 0, "%s", l.text);
    done(&l);
}
END_TEST

/* paddd xmm0,xmm1; pslld xmm2,5; psrad xmm3,33; hlt */
static const uint8_t sse_code[] = {0x66, 0x0f, 0xfe, 0xc1, 0x66, 0x0f, 0x72, 0xf2,
                                   0x05, 0x66, 0x0f, 0x72, 0xe3, 0x21, 0xf4};

START_TEST(osfxsr_key_inlines_sse_integer_ops_without_checks)
{
    struct lifted l;
    lift(&l, sse_code, sizeof(sse_code), PM32 | X86_HF_FLAT32 | X86_HF_OSFXSR);
    ck_assert_msg(count(l.text, "call sse(") == 0, "%s", l.text);
    ck_assert_msg(count(l.text, "brcond") == 1, "%s", l.text); /* block entry only */
    ck_assert_msg(count(l.text, "shl_i32") == 4 && count(l.text, "sar_i32") == 4, "%s", l.text);
    ck_assert_msg(strstr(l.text, "$0x1f") != NULL, "%s", l.text); /* PSRAD by 33: by 31 */
    done(&l);
}
END_TEST

START_TEST(without_osfxsr_key_sse_ops_call_the_helper)
{
    struct lifted l;
    lift(&l, sse_code, sizeof(sse_code), PM32 | X86_HF_FLAT32);
    ck_assert_msg(count(l.text, "call sse(") == 3, "%s", l.text);
    ck_assert_msg(count(l.text, "shl_i32") == 0, "%s", l.text);
    done(&l);
}
END_TEST

START_TEST(cr4_write_ends_the_block_with_a_lookup)
{
    struct lifted l;
    static const uint8_t code[] = {0x0f, 0x22, 0xe0, 0x90}; /* mov cr4,eax; nop */
    lift(&l, code, sizeof(code), PM32 | X86_HF_FLAT32);
    ck_assert_msg(count(l.text, "goto_ptr") == 1 && count(l.text, "goto_tb") == 0, "%s", l.text);
    done(&l);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("lift_key");
    TCase *tc = tcase_create("flat");
    tcase_add_test(tc, flat_key_drops_ds_and_ss_checks);
    tcase_add_test(tc, without_flat_key_every_access_is_checked);
    tcase_add_test(tc, flat_key_keeps_fs_and_cs_checks);
    tcase_add_test(tc, data_segment_load_ends_the_block_with_a_lookup);
    tcase_add_test(tc, fs_load_still_chains);
    suite_add_tcase(s, tc);
    TCase *sse = tcase_create("osfxsr");
    tcase_add_test(sse, osfxsr_key_inlines_sse_integer_ops_without_checks);
    tcase_add_test(sse, without_osfxsr_key_sse_ops_call_the_helper);
    tcase_add_test(sse, cr4_write_ends_the_block_with_a_lookup);
    suite_add_tcase(s, sse);
    return s;
}
