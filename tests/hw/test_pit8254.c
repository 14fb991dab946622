/* 8254 PIT: counter values over virtual time, IRQ0 edges per mode, latch and
 * read-back sequences, the port 0x61 gate/OUT2/refresh bits. */
#include "hw/pc/pit8254.h"

#include <check.h>

static struct hw_clock clk;
static struct pit8254 pit;
static struct mmu_io_space *io;
static int rising_edges, level;

static void irq0(void *opaque, int n, int l)
{
    (void)opaque, (void)n;
    if (l && !level)
        rising_edges++;
    level = l;
}

static void out(uint16_t port, uint8_t v)
{
    mmu_io_write(io, port, v, 1);
}

static uint8_t in(uint16_t port)
{
    return (uint8_t)mmu_io_read(io, port, 1);
}

/* Advances virtual time by ns (icount shift 0: one ns per instruction),
 * firing due timers in small steps as the CPU loop would. */
static void advance(int64_t ns)
{
    while (ns > 0) {
        int64_t step = ns < 1000 ? ns : 1000;
        clock_add_insns(&clk, (uint64_t)step);
        clock_run_timers(&clk);
        ns -= step;
    }
}

static void setup(void)
{
    clock_init(&clk, 0);
    pit_init(&pit, &clk);
    io = mmu_io_new();
    ck_assert(pit_register_io(&pit, io));
    irq_connect(&pit.irq0, irq0, NULL, 0);
    rising_edges = level = 0;
}

static void teardown(void)
{
    mmu_io_free(io);
}

/* ns for t ticks of the 1.193182 MHz input, rounded up. */
static int64_t ticks(int64_t t)
{
    return (t * 1000000000LL + PIT_FREQ_HZ - 1) / PIT_FREQ_HZ;
}

START_TEST(pit_mode2_rate_generator_period_and_reload)
{
    out(0x43, 0x34); /* counter 0, LSB then MSB, mode 2 */
    out(0x40, 0xA9);
    out(0x40, 0x04); /* 1193: about 1 kHz */
    ck_assert_uint_eq(pit_counter_value(&pit, 0), 1193);
    ck_assert_int_eq(level, 1); /* the control word set OUT high (from mode 0's low) */
    rising_edges = 0;
    advance(ticks(100));
    ck_assert_uint_eq(pit_counter_value(&pit, 0), 1093);
    advance(ticks(1093)); /* exactly one period: reloaded */
    ck_assert_uint_eq(pit_counter_value(&pit, 0), 1193);
    ck_assert_int_eq(rising_edges, 1);
    advance(ticks(1193 * 9));
    ck_assert_int_eq(rising_edges, 10);
}
END_TEST

/* The host did not run the machine for ten periods: IRQ0 rises once per
 * timer run, ten times, so a guest counting ticks loses none (an 8259 keeps
 * only one request: ten edges at once would count as one). */
START_TEST(pit_late_rate_generator_delivers_each_missed_tick)
{
    out(0x43, 0x34);
    out(0x40, 0xA9);
    out(0x40, 0x04); /* 1193 ticks */
    rising_edges = 0;
    clock_add_insns(&clk, (uint64_t)ticks(1193 * 10));
    for (int call = 1; call <= 10; call++) {
        clock_run_timers(&clk);
        ck_assert_int_eq(rising_edges, call);
    }
    clock_run_timers(&clk);
    ck_assert_int_eq(rising_edges, 10);
}
END_TEST

START_TEST(pit_mode3_square_wave_half_periods)
{
    out(0x43, 0x36); /* mode 3 */
    out(0x40, 100);
    out(0x40, 0);
    ck_assert(pit_output(&pit, 0));
    rising_edges = 0;
    advance(ticks(49));
    ck_assert(pit_output(&pit, 0));
    advance(ticks(2));
    ck_assert(!pit_output(&pit, 0));
    advance(ticks(50));
    ck_assert(pit_output(&pit, 0));
    ck_assert_uint_eq(pit_counter_value(&pit, 0) & 1, 0); /* decrements by 2 */
    advance(ticks(1000));
    ck_assert_int_eq(rising_edges, 11);
}
END_TEST

START_TEST(pit_mode0_interrupt_on_terminal_count_once)
{
    out(0x43, 0x30); /* mode 0: OUT low from the control word */
    ck_assert(!pit_output(&pit, 0));
    out(0x40, 0x10);
    out(0x40, 0x00);
    advance(ticks(15));
    ck_assert(!pit_output(&pit, 0));
    ck_assert_int_eq(rising_edges, 0);
    advance(ticks(1));
    ck_assert(pit_output(&pit, 0));
    ck_assert_int_eq(rising_edges, 1);
    advance(ticks(70000)); /* counter wraps, OUT stays high */
    ck_assert_int_eq(rising_edges, 1);
    ck_assert_uint_eq(pit_counter_value(&pit, 0), (uint16_t)(16 - 70016));
}
END_TEST

START_TEST(pit_counter_latch_freezes_value_until_read)
{
    out(0x43, 0x34);
    out(0x40, 0x00);
    out(0x40, 0x10); /* 0x1000 */
    advance(ticks(0x234));
    out(0x43, 0x00); /* latch counter 0 */
    advance(ticks(0x100));
    out(0x43, 0x00); /* second latch ignored while the first is unread */
    ck_assert_uint_eq(in(0x40), 0xCC);
    ck_assert_uint_eq(in(0x40), 0x0D);        /* 0x1000 - 0x234 = 0xDCC */
    ck_assert_uint_eq(in(0x40), 0xCC - 0x00); /* live again: 0xCCC */
    ck_assert_uint_eq(in(0x40), 0x0C);
}
END_TEST

START_TEST(pit_readback_status_and_count)
{
    out(0x43, 0xB0);                   /* counter 2, LSB/MSB, mode 0 */
    out(0x43, 0xE8);                   /* read-back status + count of counter 2 */
    ck_assert_uint_eq(in(0x42), 0x70); /* OUT 0, null count, rw 3, mode 0 */
    out(0x42, 0x34);
    out(0x42, 0x12);
    out(0x43, 0xE8);
    ck_assert_uint_eq(in(0x42), 0x30); /* count loaded: null count clear */
    ck_assert_uint_eq(in(0x42), 0x34);
    ck_assert_uint_eq(in(0x42), 0x12);
}
END_TEST

START_TEST(pit_lsb_only_and_msb_only_access)
{
    out(0x43, 0x52); /* counter 1, LSB only, mode 1 */
    out(0x41, 0x80);
    ck_assert_uint_eq(in(0x41), 0x80);
    ck_assert_uint_eq(in(0x41), 0x80);
    out(0x43, 0x64); /* counter 1, MSB only, mode 2 */
    out(0x41, 0x02);
    ck_assert_uint_eq(pit_counter_value(&pit, 1), 0x200);
    ck_assert_uint_eq(in(0x41), 0x02);
}
END_TEST

START_TEST(pit_port61_gate_and_out2_as_linux_calibration_uses)
{
    out(0x61, (uint8_t)((in(0x61) & ~0x02) | 0x01)); /* gate on, speaker off */
    out(0x43, 0xB0);
    out(0x42, 0xFF);
    out(0x42, 0x00); /* 255 ticks */
    ck_assert_uint_eq(in(0x61) & 0x20, 0);
    advance(ticks(254));
    ck_assert_uint_eq(in(0x61) & 0x20, 0);
    advance(ticks(1));
    ck_assert_uint_eq(in(0x61) & 0x21, 0x21);
}
END_TEST

START_TEST(pit_gate_low_pauses_mode0_count)
{
    out(0x61, 0x01);
    out(0x43, 0xB0);
    out(0x42, 0x00);
    out(0x42, 0x01); /* 256 */
    advance(ticks(56));
    out(0x61, 0x00);
    ck_assert_uint_eq(pit_counter_value(&pit, 2), 200);
    advance(ticks(1000));
    ck_assert_uint_eq(pit_counter_value(&pit, 2), 200);
    out(0x61, 0x01);
    advance(ticks(100));
    ck_assert_uint_eq(pit_counter_value(&pit, 2), 100);
}
END_TEST

START_TEST(pit_refresh_bit_toggles)
{
    uint8_t a = in(0x61) & 0x10;
    advance(15085);
    uint8_t b = in(0x61) & 0x10;
    ck_assert_uint_ne(a, b);
}
END_TEST

START_TEST(pit_state_round_trip_keeps_counting)
{
    out(0x43, 0x34);
    out(0x40, 0xA9);
    out(0x40, 0x04);
    advance(ticks(500));
    struct vms_buf buf = {0};
    char err[128];
    ck_assert(vms_check(&pit_vmstate, err, sizeof(err)));
    ck_assert(vms_save(&pit_vmstate, &pit, &buf));
    pit_reset(&pit);
    ck_assert_uint_eq(pit_counter_value(&pit, 0), 0);
    size_t pos = 0;
    ck_assert(vms_load(&pit_vmstate, &pit, buf.data, buf.len, &pos, err, sizeof(err)));
    ck_assert_uint_eq(pit_counter_value(&pit, 0), 693);
    int before = rising_edges;
    advance(ticks(693));
    ck_assert_int_eq(rising_edges, before + 1);
    vms_buf_free(&buf);
}
END_TEST

START_TEST(pit_random_programming_never_hangs_or_crashes)
{
    uint32_t r = 12345;
    for (int i = 0; i < 20000; i++) {
        r = r * 1103515245u + 12345u;
        uint16_t port = (uint16_t[]){0x40, 0x41, 0x42, 0x43, 0x61}[(r >> 8) % 5];
        if (r & 0x80000000u)
            out(port, (uint8_t)(r >> 16));
        else
            (void)in(port);
        advance((r >> 20) & 0xFF);
    }
    ck_assert_uint_le(pit.ch[0].mode, 5);
    ck_assert_uint_ge(pit.ch[0].count, 1);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("hw_pit8254");
    TCase *tc = tcase_create("pit");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, pit_mode2_rate_generator_period_and_reload);
    tcase_add_test(tc, pit_late_rate_generator_delivers_each_missed_tick);
    tcase_add_test(tc, pit_mode3_square_wave_half_periods);
    tcase_add_test(tc, pit_mode0_interrupt_on_terminal_count_once);
    tcase_add_test(tc, pit_counter_latch_freezes_value_until_read);
    tcase_add_test(tc, pit_readback_status_and_count);
    tcase_add_test(tc, pit_lsb_only_and_msb_only_access);
    tcase_add_test(tc, pit_port61_gate_and_out2_as_linux_calibration_uses);
    tcase_add_test(tc, pit_gate_low_pauses_mode0_count);
    tcase_add_test(tc, pit_refresh_bit_toggles);
    tcase_add_test(tc, pit_state_round_trip_keeps_counting);
    tcase_add_test(tc, pit_random_programming_never_hangs_or_crashes);
    suite_add_tcase(s, tc);
    return s;
}
