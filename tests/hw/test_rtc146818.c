/* MC146818 RTC: time from virtual time in BCD/binary and 12/24 h, setting the
 * time, update/alarm/periodic interrupts, register C acknowledge, NVRAM. */
#include "hw/pc/rtc146818.h"

#include <check.h>

static struct hw_clock clk;
static struct rtc146818 rtc;
static struct mmu_io_space *io;
static int irq_level, irq_raises;
static int64_t base; /* 2026-11-24T13:45:30Z, a Tuesday */

static void irq8(void *opaque, int n, int l)
{
    (void)opaque, (void)n;
    if (l && !irq_level)
        irq_raises++;
    irq_level = l;
}

static uint8_t rd(uint8_t idx)
{
    mmu_io_write(io, 0x70, idx, 1);
    return (uint8_t)mmu_io_read(io, 0x71, 1);
}

static void wr(uint8_t idx, uint8_t v)
{
    mmu_io_write(io, 0x70, idx, 1);
    mmu_io_write(io, 0x71, v, 1);
}

static void advance(int64_t ns)
{
    while (ns > 0) {
        int64_t step = ns < 100000 ? ns : 100000;
        clock_add_insns(&clk, (uint64_t)step);
        clock_run_timers(&clk);
        ns -= step;
    }
}

static void setup(void)
{
    ck_assert(rtc_parse_base("2026-11-24T13:45:30", 0, &base));
    clock_init(&clk, 0);
    rtc_init(&rtc, &clk, base);
    io = mmu_io_new();
    ck_assert(rtc_register_io(&rtc, io, 0x70));
    irq_level = irq_raises = 0;
    irq_connect(&rtc.irq, irq8, NULL, 8);
}

static void teardown(void)
{
    mmu_io_free(io);
}

START_TEST(rtc_reads_bcd_24h_time_from_base)
{
    ck_assert_uint_eq(rd(0x00), 0x30);
    ck_assert_uint_eq(rd(0x02), 0x45);
    ck_assert_uint_eq(rd(0x04), 0x13);
    ck_assert_uint_eq(rd(0x06), 3); /* Tuesday: Sunday is 1 */
    ck_assert_uint_eq(rd(0x07), 0x24);
    ck_assert_uint_eq(rd(0x08), 0x11);
    ck_assert_uint_eq(rd(0x09), 0x26);
    ck_assert_uint_eq(rd(0x32), 0x20);
    ck_assert_uint_eq(rd(0x0D), 0x80);
    advance(NS_PER_SEC * 31);
    ck_assert_uint_eq(rd(0x00), 0x01);
    ck_assert_uint_eq(rd(0x02), 0x46);
}
END_TEST

START_TEST(rtc_binary_and_12_hour_formats)
{
    wr(0x0B, 0x04);                    /* binary, 12 h */
    ck_assert_uint_eq(rd(0x04), 0x81); /* 1 PM */
    ck_assert_uint_eq(rd(0x02), 45);
    wr(0x0B, 0x02);
    ck_assert_uint_eq(rd(0x04), 0x13);
    wr(0x0B, 0x04);
    wr(0x0B, 0x84); /* SET, binary, 12 h: write 11 PM */
    wr(0x04, 0x8B);
    wr(0x0B, 0x04);
    ck_assert_uint_eq(rd(0x04), 0x8B);
    wr(0x0B, 0x06); /* to 24 h: the same instant re-encoded */
    ck_assert_uint_eq(rd(0x04), 23);
}
END_TEST

START_TEST(rtc_set_bit_freezes_and_guest_time_takes_effect)
{
    wr(0x0B, 0x82); /* SET, 24 h, BCD */
    wr(0x00, 0x58);
    wr(0x02, 0x59);
    wr(0x04, 0x23);
    wr(0x07, 0x31);
    wr(0x08, 0x12);
    wr(0x09, 0x99);
    wr(0x32, 0x19);
    advance(NS_PER_SEC * 3);
    ck_assert_uint_eq(rd(0x00), 0x58); /* frozen while SET */
    wr(0x0B, 0x02);
    ck_assert_int_eq(rtc_now_sec(&rtc), 946684798); /* 1999-12-31T23:59:58Z */
    advance(NS_PER_SEC * 2);
    ck_assert_uint_eq(rd(0x09), 0x00);
    ck_assert_uint_eq(rd(0x32), 0x20);
    ck_assert_uint_eq(rd(0x08), 0x01);
    ck_assert_uint_eq(rd(0x06), 7); /* 2000-01-01 was a Saturday */
}
END_TEST

START_TEST(rtc_update_flag_and_interrupt_acknowledged_by_reading_c)
{
    advance(NS_PER_SEC);
    ck_assert_int_eq(irq_raises, 0);
    ck_assert_uint_eq(rd(0x0C), 0x10); /* UF without UIE: flag, no IRQF */
    ck_assert_uint_eq(rd(0x0C), 0x00);
    wr(0x0B, 0x12); /* UIE */
    advance(NS_PER_SEC);
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(rd(0x0C), 0x90);
    ck_assert_int_eq(irq_level, 0);
}
END_TEST

START_TEST(rtc_alarm_with_dont_care_fields)
{
    wr(0x01, 0x33); /* alarm at second 33 of any minute/hour */
    wr(0x03, 0xC0);
    wr(0x05, 0xFF);
    wr(0x0B, 0x22); /* AIE */
    advance(NS_PER_SEC * 2);
    ck_assert_int_eq(irq_raises, 0);
    advance(NS_PER_SEC);
    ck_assert_int_eq(irq_raises, 1);
    ck_assert_uint_eq(rd(0x0C) & 0xA0, 0xA0);
}
END_TEST

START_TEST(rtc_periodic_interrupt_at_register_a_rate)
{
    wr(0x0A, 0x26); /* 1024 Hz */
    wr(0x0B, 0x42); /* PIE */
    int seen = 0;
    for (int i = 0; i < 1024; i++) {
        advance(NS_PER_SEC / 1024);
        if (rd(0x0C) & 0x40)
            seen++;
    }
    ck_assert_int_ge(seen, 1020);
    ck_assert_int_le(seen, 1024);
    wr(0x0B, 0x02);
    advance(NS_PER_SEC / 100);
    ck_assert_uint_eq(rd(0x0C) & 0x40, 0);
}
END_TEST

START_TEST(rtc_update_in_progress_before_each_second)
{
    advance(NS_PER_SEC - 300000);
    ck_assert_uint_eq(rd(0x0A) & 0x80, 0);
    advance(200000);
    ck_assert_uint_eq(rd(0x0A) & 0x80, 0x80);
    advance(200000);
    ck_assert_uint_eq(rd(0x0A) & 0x80, 0);
    ck_assert_uint_eq(rd(0x0A), 0x26);
}
END_TEST

START_TEST(rtc_nvram_bytes_and_index_masking)
{
    rtc_set_cmos(&rtc, 0x34, 0x5A);
    ck_assert_uint_eq(rd(0x34), 0x5A);
    wr(0x50, 0xA5);
    ck_assert_uint_eq(rtc_get_cmos(&rtc, 0x50), 0xA5);
    mmu_io_write(io, 0x70, 0xD0, 1); /* NMI off, index 0x50 */
    ck_assert(rtc.nmi_disabled);
    ck_assert_uint_eq(mmu_io_read(io, 0x71, 1), 0xA5);
    wr(0x0C, 0xFF); /* read-only */
    ck_assert_uint_eq(rd(0x0C) & 0x70, 0);
}
END_TEST

START_TEST(rtc_year_before_1900_reads_as_valid_bcd)
{
    wr(0x0B, 0x82);
    wr(0x32, 0x00); /* century 00, year 05: the year 5 */
    wr(0x09, 0x05);
    wr(0x0B, 0x02);
    ck_assert_uint_eq(rd(0x09), 0x05);
    ck_assert_uint_eq(rd(0x32), 0x00);
}
END_TEST

START_TEST(rtc_parse_base_forms)
{
    int64_t t;
    ck_assert(rtc_parse_base("2000-01-01", 0, &t));
    ck_assert_int_eq(t, 946684800);
    ck_assert(rtc_parse_base("utc", 1234, &t));
    ck_assert_int_eq(t, 1234);
    ck_assert(!rtc_parse_base("2000-13-01", 0, &t));
    ck_assert(!rtc_parse_base("2000-01-01T25:00:00", 0, &t));
    ck_assert(!rtc_parse_base("yesterday", 0, &t));
    ck_assert(!rtc_parse_base("2000-01-01junk", 0, &t));
}
END_TEST

START_TEST(rtc_state_round_trip)
{
    wr(0x0B, 0x42);
    rtc_set_cmos(&rtc, 0x40, 0x77);
    advance(NS_PER_SEC * 5 / 2);
    char err[128];
    ck_assert(vms_check(&rtc_vmstate, err, sizeof(err)));
    struct vms_buf buf = {0};
    ck_assert(vms_save(&rtc_vmstate, &rtc, &buf));
    rtc_init(&rtc, &clk, 0);
    irq_connect(&rtc.irq, irq8, NULL, 8);
    size_t pos = 0;
    ck_assert(vms_load(&rtc_vmstate, &rtc, buf.data, buf.len, &pos, err, sizeof(err)));
    ck_assert_int_eq(rtc_now_sec(&rtc), base + 2);
    ck_assert_uint_eq(rd(0x40), 0x77);
    ck_assert_uint_eq(rd(0x0B), 0x42);
    vms_buf_free(&buf);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("hw_rtc146818");
    TCase *tc = tcase_create("rtc");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, rtc_reads_bcd_24h_time_from_base);
    tcase_add_test(tc, rtc_binary_and_12_hour_formats);
    tcase_add_test(tc, rtc_set_bit_freezes_and_guest_time_takes_effect);
    tcase_add_test(tc, rtc_update_flag_and_interrupt_acknowledged_by_reading_c);
    tcase_add_test(tc, rtc_alarm_with_dont_care_fields);
    tcase_add_test(tc, rtc_periodic_interrupt_at_register_a_rate);
    tcase_add_test(tc, rtc_update_in_progress_before_each_second);
    tcase_add_test(tc, rtc_nvram_bytes_and_index_masking);
    tcase_add_test(tc, rtc_year_before_1900_reads_as_valid_bcd);
    tcase_add_test(tc, rtc_parse_base_forms);
    tcase_add_test(tc, rtc_state_round_trip);
    suite_add_tcase(s, tc);
    return s;
}
