/* ROL/ROR by an immediate keep every flag but CF and OF (SDM Vol. 2, RCL/RCR/ROL/ROR): the
 * lifter records them as the ROT lazy-flag kind over the previous record, so a block that
 * starts with one (cc_op unknown) computes no flags unless something reads them (the hot
 * loop of benchmarks/guest/memcopy.c). */
#include "frontend/lift.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define PM32 (X86_HF_PE | X86_HF_CS32 | X86_HF_SS32 | X86_HF_FLAT32)

struct code {
    const uint8_t *bytes;
    size_t len;
    uint64_t base;
};

static int fetch(void *opaque, uint64_t addr, uint8_t *buf, unsigned max)
{
    const struct code *c = opaque;
    if (addr < c->base || addr >= c->base + c->len)
        return -1;
    unsigned n = (unsigned)(c->base + c->len - addr);
    n = n < max ? n : max;
    memcpy(buf, c->bytes + (addr - c->base), n);
    return (int)n;
}

struct lifted {
    struct ir_env env;
    struct ir_helper helpers[X86_HELPER_COUNT];
    struct ir_block b;
    struct x86_lift_result res;
    char *text;
};

static void lift(struct lifted *l, const uint8_t *bytes, size_t len)
{
    struct code c = {bytes, len, 0x1000};
    memset(l, 0, sizeof(*l));
    for (unsigned i = 0; i < X86_HELPER_COUNT; i++)
        l->helpers[i] = *x86_helper_signature((enum x86_helper)i);
    l->env.globals = x86_lift_globals(&l->env.nglobals);
    l->env.helpers = l->helpers;
    l->env.nhelpers = X86_HELPER_COUNT;
    ir_block_init(&l->b, &l->env);
    struct x86_lift_config cfg = {.fetch = fetch,
                                  .opaque = &c,
                                  .features = X86_FEATURES_ALL,
                                  .eip = 0x1000,
                                  .hflags = PM32,
                                  .mmu_idx = 0};
    x86_lift_block(&l->b, &cfg, &l->res);
    char err[128];
    ck_assert_msg(ir_validate(&l->b, err, sizeof(err)), "%s", err);
    l->text = ir_print_str(&l->b);
}

static void done(struct lifted *l)
{
    free(l->text);
    ir_block_destroy(&l->b);
}

static unsigned count(const char *text, const char *what)
{
    unsigned n = 0;
    for (const char *p = strstr(text, what); p; p = strstr(p + 1, what))
        n++;
    return n;
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
