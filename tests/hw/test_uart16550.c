/* 16550A UART: transmit path, divisor latch, interrupt identification and
 * priority, FIFO trigger levels and character timeout, overrun, OUT2 gate,
 * loopback with modem-status wiring. */
#include "hw/char/uart16550.h"

#include <check.h>
#include <string.h>

static struct hw_clock clk;
static struct uart16550 uart;
static struct mmu_io_space *io;
static uint8_t sent[64];
static size_t nsent;
static int irq_level;

static void sink(void *opaque, const uint8_t *buf, size_t len)
{
    (void)opaque;
    for (size_t i = 0; i < len && nsent < sizeof(sent); i++)
        sent[nsent++] = buf[i];
}

static void irq4(void *opaque, int n, int l)
{
    (void)opaque, (void)n;
    irq_level = l;
}

static void out(uint16_t off, uint8_t v)
{
    mmu_io_write(io, (uint16_t)(0x3F8 + off), v, 1);
}

static uint8_t in(uint16_t off)
{
    return (uint8_t)mmu_io_read(io, (uint16_t)(0x3F8 + off), 1);
}

static void setup(void)
{
    clock_init(&clk, 0);
    uart_init(&uart, &clk);
    io = mmu_io_new();
    ck_assert(uart_register_io(&uart, io, 0x3F8));
    uart.sink = (struct uart_sink){sink, NULL};
    irq_connect(&uart.irq, irq4, NULL, 4);
    nsent = 0;
    irq_level = 0;
}

static void teardown(void)
{
    mmu_io_free(io);
}

START_TEST(uart_transmits_to_sink_and_stays_empty)
{
    out(0, 'h');
    out(0, 'i');
    ck_assert_uint_eq(nsent, 2);
    ck_assert_mem_eq(sent, "hi", 2);
    ck_assert_uint_eq(in(5) & 0x60, 0x60);
}
END_TEST

START_TEST(uart_divisor_latch_shadows_data_and_ier)
{
    out(3, 0x83);
    out(0, 0x01);
    out(1, 0x00); /* 115200 baud */
    ck_assert_uint_eq(in(0), 0x01);
    ck_assert_uint_eq(in(1), 0x00);
    out(3, 0x03);
    ck_assert_uint_eq(uart.divisor, 1);
    ck_assert_uint_eq(nsent, 0); /* the latch write sent nothing */
    out(1, 0x05);
    ck_assert_uint_eq(in(1), 0x05);
}
END_TEST

START_TEST(uart_thre_interrupt_on_enable_cleared_by_iir_read)
{
    out(4, 0x08); /* OUT2: connect IRQ */
    ck_assert_uint_eq(in(2), 0x01);
    out(1, 0x02);
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(in(2), 0x02);
    ck_assert_int_eq(irq_level, 0);
    ck_assert_uint_eq(in(2), 0x01);
    out(0, 'x'); /* the next transmit re-arms it */
    ck_assert_int_eq(irq_level, 1);
}
END_TEST

START_TEST(uart_out2_gates_the_irq_line)
{
    out(1, 0x02);
    ck_assert_int_eq(irq_level, 0);
    ck_assert_uint_eq(in(2), 0x02); /* pending inside, not on the wire */
    out(1, 0x00);
    out(1, 0x02);
    out(4, 0x08);
    ck_assert_int_eq(irq_level, 1);
}
END_TEST

START_TEST(uart_priority_line_status_over_data_over_thre)
{
    out(4, 0x08);
    out(1, 0x07);
    uint8_t b[2] = {'a', 'b'};
    ck_assert_uint_eq(uart_receive(&uart, b, 2), 1); /* no FIFO: one byte */
    ck_assert_uint_eq(in(2), 0x04);
    uart.lsr |= 0x02; /* an overrun */
    ck_assert_uint_eq(in(2), 0x06);
    ck_assert_uint_eq(in(5) & 0x03, 0x03);
    ck_assert_uint_eq(in(5) & 0x02, 0); /* cleared by the read */
    ck_assert_uint_eq(in(2), 0x04);
    ck_assert_uint_eq(in(0), 'a');
    ck_assert_uint_eq(in(2), 0x02);
}
END_TEST

START_TEST(uart_fifo_trigger_level_and_char_timeout)
{
    out(3, 0x83);
    out(0, 1);
    out(1, 0);
    out(3, 0x03);
    out(2, 0xC7); /* FIFO on, clear, trigger 14 */
    out(4, 0x08);
    out(1, 0x01);
    uint8_t b[20];
    memset(b, 'z', sizeof(b));
    ck_assert_uint_eq(uart_receive(&uart, b, 13), 13);
    ck_assert_uint_eq(in(2), 0xC1);
    ck_assert_int_eq(irq_level, 0);
    /* Four character times at 115200 baud = 347 us. */
    clock_add_insns(&clk, 340000);
    clock_run_timers(&clk);
    ck_assert_int_eq(irq_level, 0);
    clock_add_insns(&clk, 10000);
    clock_run_timers(&clk);
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(in(2), 0xCC);
    ck_assert_uint_eq(in(0), 'z'); /* reading restarts the timeout */
    ck_assert_int_eq(irq_level, 0);
    ck_assert_uint_eq(uart_receive(&uart, b, 2), 2);
    ck_assert_uint_eq(in(2), 0xC4); /* 14 bytes: trigger level */
}
END_TEST

START_TEST(uart_fifo_overrun_keeps_contents)
{
    out(2, 0x01);
    uint8_t b[20];
    for (int i = 0; i < 20; i++)
        b[i] = (uint8_t)i;
    ck_assert_uint_eq(uart_can_receive(&uart), 16);
    ck_assert_uint_eq(uart_receive(&uart, b, 20), 16);
    ck_assert_uint_eq(uart_can_receive(&uart), 0);
    out(4, 0x10); /* loopback pushes into a full FIFO */
    out(0, 0xEE);
    ck_assert_uint_eq(in(5) & 0x83, 0x83);
    for (int i = 0; i < 16; i++)
        ck_assert_uint_eq(in(0), i);
    ck_assert_uint_eq(in(5) & 0x01, 0);
}
END_TEST

START_TEST(uart_fifo_mode_switch_clears_receiver)
{
    out(2, 0x01);
    uint8_t b[4] = {1, 2, 3, 4};
    ck_assert_uint_eq(uart_receive(&uart, b, 4), 4);
    out(2, 0x00);
    ck_assert_uint_eq(in(5) & 0x01, 0);
    ck_assert_uint_eq(uart_can_receive(&uart), 1);
}
END_TEST

START_TEST(uart_loopback_wires_data_and_modem_lines)
{
    out(4, 0x10);
    ck_assert_uint_eq(in(6) & 0xF0, 0x00);
    out(0, 0x5A);
    ck_assert_uint_eq(nsent, 0);
    ck_assert_uint_eq(in(5) & 0x01, 0x01);
    ck_assert_uint_eq(in(0), 0x5A);
    out(4, 0x1F);                          /* DTR RTS OUT1 OUT2 */
    ck_assert_uint_eq(in(6), 0xF0 | 0x0B); /* CTS DSR RI DCD, deltas CTS DSR DCD */
    ck_assert_uint_eq(in(6), 0xF0);
    out(4, 0x1B); /* OUT1 off: RI falls, TERI */
    ck_assert_uint_eq(in(6), 0xB4);
}
END_TEST

START_TEST(uart_state_round_trip)
{
    out(2, 0x81);
    out(1, 0x03);
    uint8_t b[3] = {1, 2, 3};
    uart_receive(&uart, b, 3);
    in(0);
    struct vms_buf buf = {0};
    char err[128];
    ck_assert(vms_check(&uart_vmstate, err, sizeof(err)));
    ck_assert(vms_save(&uart_vmstate, &uart, &buf));
    uart_reset(&uart);
    size_t pos = 0;
    ck_assert(vms_load(&uart_vmstate, &uart, buf.data, buf.len, &pos, err, sizeof(err)));
    ck_assert_uint_eq(in(0), 2);
    ck_assert_uint_eq(in(0), 3);
    ck_assert_uint_eq(in(1), 0x03);
    buf.data[buf.len - 9 - 1] = 17; /* rx.count beyond the FIFO */
    pos = 0;
    ck_assert(!vms_load(&uart_vmstate, &uart, buf.data, buf.len, &pos, err, sizeof(err)));
    vms_buf_free(&buf);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("hw_uart16550");
    TCase *tc = tcase_create("uart");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, uart_transmits_to_sink_and_stays_empty);
    tcase_add_test(tc, uart_divisor_latch_shadows_data_and_ier);
    tcase_add_test(tc, uart_thre_interrupt_on_enable_cleared_by_iir_read);
    tcase_add_test(tc, uart_out2_gates_the_irq_line);
    tcase_add_test(tc, uart_priority_line_status_over_data_over_thre);
    tcase_add_test(tc, uart_fifo_trigger_level_and_char_timeout);
    tcase_add_test(tc, uart_fifo_overrun_keeps_contents);
    tcase_add_test(tc, uart_fifo_mode_switch_clears_receiver);
    tcase_add_test(tc, uart_loopback_wires_data_and_modem_lines);
    tcase_add_test(tc, uart_state_round_trip);
    suite_add_tcase(s, tc);
    return s;
}
