/* ROL/ROR by an immediate keep every flag but CF and OF (SDM Vol. 2, RCL/RCR/ROL/ROR): the
 * lifter records them as the ROT lazy-flag kind over the previous record, so a block that
 * starts with one (cc_op unknown) computes no flags unless something reads them (the hot
 * loop of benchmarks/guest/memcopy.c). */
#include "lift-fixture.h"

#define PM32 (X86_HF_PE | X86_HF_CS32 | X86_HF_SS32 | X86_HF_FLAT32)

static void lift(struct lifted *l, const uint8_t *bytes, size_t len)
{
    lift_at(l, bytes, len, 0x1000, PM32, 0);
}

/* memcopy's loop: rol edx,1; add edx,[ecx*4+0x11b000]; add ecx,1; cmp ecx,0x10000; jne */
static const uint8_t memcopy_loop[] = {0xd1, 0xc2, 0x03, 0x14, 0x8d, 0x00, 0xb0, 0x11, 0x00, 0x83,
                                       0xc1, 0x01, 0x81, 0xf9, 0x00, 0x00, 0x01, 0x00, 0x75, 0xec};

START_TEST(rol_at_block_start_computes_no_flags)
{
    struct lifted l;
    lift(&l, memcopy_loop, sizeof(memcopy_loop));
    ck_assert_msg(count(l.text, "cc_compute") == 0, "%s", l.text);
    ck_assert_msg(count(l.text, "rotl_i32") == 1, "%s", l.text);
    /* The ROT record: cc_op = ROTL, the previous kind kept under it in cc_src2. */
    ck_assert_msg(count(l.text, "movcond_i32") == 1, "%s", l.text);
    done(&l);
}
END_TEST

/* add eax,ebx; ror eax,5; jc +0: CF read straight from the record, no call. */
START_TEST(jc_after_ror_reads_the_record_inline)
{
    static const uint8_t code[] = {0x01, 0xd8, 0xc1, 0xc8, 0x05, 0x72, 0x00};
    struct lifted l;
    lift(&l, code, sizeof(code));
    ck_assert_msg(count(l.text, "cc_compute") == 0, "%s", l.text);
    /* The previous kind is known (ADD): no run-time choice of the record below. */
    ck_assert_msg(count(l.text, "movcond_i32") == 0, "%s", l.text);
    done(&l);
}
END_TEST

/* add eax,ebx; rol eax,1; jz +0: ZF is the ADD's, computed from the record only here. */
START_TEST(jz_after_rol_computes_the_flags_below)
{
    static const uint8_t code[] = {0x01, 0xd8, 0xd1, 0xc0, 0x74, 0x00};
    struct lifted l;
    lift(&l, code, sizeof(code));
    ck_assert_msg(count(l.text, "cc_compute") == 1, "%s", l.text);
    done(&l);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("lift_rot");
    TCase *tc = tcase_create("rot");
    tcase_add_test(tc, rol_at_block_start_computes_no_flags);
    tcase_add_test(tc, jc_after_ror_reads_the_record_inline);
    tcase_add_test(tc, jz_after_rol_computes_the_flags_below);
    suite_add_tcase(s, tc);
    return s;
}
