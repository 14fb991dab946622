/* State descriptions: round trip, versioning, and corrupt streams refused. */
#include "hw/core/clock.h"
#include "hw/core/vmstate.h"

#include <check.h>
#include <string.h>

struct inner {
    uint16_t a;
    bool on;
};

struct dev {
    uint8_t b;
    uint32_t w[3];
    int64_t big;
    struct inner in[2];
    struct hw_timer timer;
    uint32_t added_in_v2;
};

static const struct vms_field inner_fields[] = {
    VMS_FIELD(struct inner, a, VMS_U16),
    VMS_FIELD(struct inner, on, VMS_BOOL),
    VMS_END,
};
static const struct vms_desc inner_desc = {"inner", 1, 1, inner_fields, NULL};

static const struct vms_field dev_fields[] = {
    VMS_FIELD(struct dev, b, VMS_U8),
    VMS_ARRAY(struct dev, w, VMS_U32),
    VMS_FIELD(struct dev, big, VMS_I64),
    {.name = "in",
     .type = VMS_STRUCT,
     .offset = offsetof(struct dev, in),
     .size = sizeof(struct inner),
     .count = 2,
     .sub = &inner_desc},
    VMS_FIELD(struct dev, timer, VMS_TIMER),
    {.name = "added_in_v2",
     .type = VMS_U32,
     .offset = offsetof(struct dev, added_in_v2),
     .size = 4,
     .count = 1,
     .since = 2},
    VMS_END,
};
static const struct vms_desc dev_desc = {"testdev", 2, 1, dev_fields, NULL};

static struct hw_clock clk;

static void nop(void *o)
{
    (void)o;
}

static void make_dev(struct dev *d)
{
    memset(d, 0, sizeof(*d));
    timer_init(&d->timer, &clk, nop, NULL);
}

START_TEST(vmstate_descriptions_are_consistent)
{
    char err[128];
    ck_assert(vms_check(&dev_desc, err, sizeof(err)));
    static const struct vms_field bad_fields[] = {
        {.name = "x", .type = VMS_U32, .offset = 0, .size = 2, .count = 1}, VMS_END};
    static const struct vms_desc bad = {"bad", 1, 1, bad_fields, NULL};
    ck_assert(!vms_check(&bad, err, sizeof(err)));
    ck_assert_str_eq(err, "bad.x: size 2 does not match its type (4) or bad count");
}
END_TEST

START_TEST(vmstate_round_trip_restores_every_field_and_timer)
{
    struct dev a, b;
    clock_init(&clk, 0);
    make_dev(&a);
    make_dev(&b);
    a.b = 0xA5;
    a.w[0] = 1, a.w[1] = 0xDEADBEEF, a.w[2] = 3;
    a.big = -123456789012345;
    a.in[1].a = 0xBEEF;
    a.in[1].on = true;
    a.added_in_v2 = 42;
    timer_mod(&a.timer, 777);
    struct vms_buf buf = {0};
    ck_assert(vms_save(&dev_desc, &a, &buf));
    /* header: 1 + 7 + 8; payload: 1 + 12 + 8 + 2*3 + 9 + 4 */
    ck_assert_uint_eq(buf.len, 16 + 40);
    timer_del(&a.timer);

    size_t pos = 0;
    char err[128];
    ck_assert(vms_load(&dev_desc, &b, buf.data, buf.len, &pos, err, sizeof(err)));
    ck_assert_uint_eq(pos, buf.len);
    ck_assert_uint_eq(b.b, 0xA5);
    ck_assert_uint_eq(b.w[1], 0xDEADBEEF);
    ck_assert_int_eq(b.big, -123456789012345);
    ck_assert_uint_eq(b.in[1].a, 0xBEEF);
    ck_assert(b.in[1].on && !b.in[0].on);
    ck_assert_uint_eq(b.added_in_v2, 42);
    ck_assert(timer_pending(&b.timer));
    ck_assert_int_eq(clock_next_deadline(&clk), 777);
    vms_buf_free(&buf);
}
END_TEST

START_TEST(vmstate_loads_older_version_without_new_fields)
{
    struct dev a, b;
    clock_init(&clk, 0);
    make_dev(&a);
    make_dev(&b);
    a.b = 7;
    a.added_in_v2 = 99;
    struct vms_buf buf = {0};
    ck_assert(vms_save(&dev_desc, &a, &buf));
    /* Rewrite as a version-1 stream: version field 1, payload 4 bytes shorter. */
    buf.data[8] = 1;
    buf.data[12] -= 4;
    buf.len -= 4;
    b.added_in_v2 = 5;
    size_t pos = 0;
    char err[128];
    ck_assert(vms_load(&dev_desc, &b, buf.data, buf.len, &pos, err, sizeof(err)));
    ck_assert_uint_eq(b.b, 7);
    ck_assert_uint_eq(b.added_in_v2, 5);
    vms_buf_free(&buf);
}
END_TEST

START_TEST(vmstate_corrupt_streams_are_refused_untouched)
{
    struct dev a, b;
    clock_init(&clk, 0);
    make_dev(&a);
    make_dev(&b);
    a.b = 1;
    struct vms_buf buf = {0};
    ck_assert(vms_save(&dev_desc, &a, &buf));
    char err[128];
    size_t pos;
    b.b = 0x55;

    for (size_t cut = 0; cut < buf.len; cut++) { /* every truncation */
        pos = 0;
        ck_assert(!vms_load(&dev_desc, &b, buf.data, cut, &pos, err, sizeof(err)));
        ck_assert_uint_eq(pos, 0);
        ck_assert_uint_eq(b.b, 0x55);
    }
    buf.data[8] = 3; /* future version */
    pos = 0;
    ck_assert(!vms_load(&dev_desc, &b, buf.data, buf.len, &pos, err, sizeof(err)));
    ck_assert_str_eq(err, "testdev: version 3 not supported (1 to 2)");
    buf.data[8] = 2;
    buf.data[16 + 1 + 12 + 8 + 2] = 2; /* in[0].on = 2 */
    ck_assert(!vms_load(&dev_desc, &b, buf.data, buf.len, &pos, err, sizeof(err)));
    ck_assert_str_eq(err, "inner.on: invalid flag value 2");
    ck_assert_uint_eq(b.b, 0x55);
    buf.data[1] = 'X'; /* another section's name */
    ck_assert(!vms_load(&dev_desc, &b, buf.data, buf.len, &pos, err, sizeof(err)));
    ck_assert_str_eq(err, "testdev: expected this section, found 'Xestdev'");
    vms_buf_free(&buf);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("hw_vmstate");
    TCase *tc = tcase_create("vmstate");
    tcase_add_test(tc, vmstate_descriptions_are_consistent);
    tcase_add_test(tc, vmstate_round_trip_restores_every_field_and_timer);
    tcase_add_test(tc, vmstate_loads_older_version_without_new_fields);
    tcase_add_test(tc, vmstate_corrupt_streams_are_refused_untouched);
    suite_add_tcase(s, tc);
    return s;
}
