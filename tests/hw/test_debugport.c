/* POST port, debug console, isa-debug-exit status and port 0x92. */
#include "hw/misc/debugport.h"

#include <check.h>
#include <string.h>

static struct debugport dp;
static struct mmu_io_space *io;
static char con[32];
static size_t ncon;
static int exit_status, a20, resets;

static void con_sink(void *opaque, const uint8_t *buf, size_t len)
{
    (void)opaque;
    for (size_t i = 0; i < len && ncon < sizeof(con) - 1; i++)
        con[ncon++] = (char)buf[i];
}

static void on_guest_exit(void *opaque, int status)
{
    (void)opaque;
    exit_status = status;
}

static void on_line(void *opaque, int n, int level)
{
    (void)opaque;
    if (n == 0)
        a20 = level;
    else if (level)
        resets++;
}

static void setup(void)
{
    debugport_init(&dp);
    io = mmu_io_new();
    memset(con, 0, sizeof(con));
    ncon = 0;
    exit_status = -1;
    a20 = 1;
    resets = 0;
    dp.con = (struct debugcon){con_sink, NULL};
    dp.exit_fn = on_guest_exit;
    irq_connect(&dp.a20, on_line, NULL, 0);
    irq_connect(&dp.reset, on_line, NULL, 1);
    ck_assert(debugport_register_io(&dp, io));
    ck_assert(debugport_register_console(&dp, io, 0x402));
    ck_assert(debugport_register_exit(&dp, io, 0xF4, 4));
}

static void teardown(void)
{
    mmu_io_free(io);
}

START_TEST(debugport_console_bytes_reach_sink)
{
    for (const char *s = "SeaBIOS\n"; *s; s++)
        mmu_io_write(io, 0x402, (uint8_t)*s, 1);
    ck_assert_str_eq(con, "SeaBIOS\n");
    ck_assert_uint_eq(mmu_io_read(io, 0x402, 1), 0xE9);
    ck_assert_uint_eq(mmu_io_read(io, 0xE9, 1), 0xFF); /* not registered here */
}
END_TEST

START_TEST(debugport_exit_status_is_value_shifted_or_one)
{
    mmu_io_write(io, 0xF4, 0, 1);
    ck_assert_int_eq(exit_status, 1);
    mmu_io_write(io, 0xF4, 0x10, 4);
    ck_assert_int_eq(exit_status, 0x21);
    mmu_io_write(io, 0xF4, 0x1FF, 1); /* a byte write carries 8 bits */
    ck_assert_int_eq(exit_status, 0x1FF);
}
END_TEST

START_TEST(debugport_post_code_latched)
{
    mmu_io_write(io, 0x80, 0x3C, 1);
    ck_assert_uint_eq(mmu_io_read(io, 0x80, 1), 0x3C);
}
END_TEST

START_TEST(debugport_port92_a20_and_reset)
{
    ck_assert_uint_eq(mmu_io_read(io, 0x92, 1), 0x02);
    mmu_io_write(io, 0x92, 0x00, 1);
    ck_assert_int_eq(a20, 0);
    mmu_io_write(io, 0x92, 0x02, 1);
    ck_assert_int_eq(a20, 1);
    ck_assert_int_eq(resets, 0);
    mmu_io_write(io, 0x92, 0x03, 1);
    ck_assert_int_eq(resets, 1);
    mmu_io_write(io, 0x92, 0x03, 1); /* only a 0 -> 1 edge resets */
    ck_assert_int_eq(resets, 1);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("hw_debugport");
    TCase *tc = tcase_create("debugport");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, debugport_console_bytes_reach_sink);
    tcase_add_test(tc, debugport_exit_status_is_value_shifted_or_one);
    tcase_add_test(tc, debugport_post_code_latched);
    tcase_add_test(tc, debugport_port92_a20_and_reset);
    suite_add_tcase(s, tc);
    return s;
}
