/* 8042 controller with PS/2 keyboard and mouse: self test, command byte,
 * device commands, set-2 to set-1 translation, A20 and reset lines, output
 * priority, IntelliMouse packets. */
#include "hw/input/i8042.h"

#include <check.h>

static struct i8042 kbc;
static struct mmu_io_space *io;
static int irq1, irq12, a20, resets;
static int irq1_edges; /* rising edges, which the edge-triggered PIC latches */

static void on_irq(void *opaque, int n, int l)
{
    (void)opaque;
    if (n == 1) {
        irq1_edges += l && !irq1;
        irq1 = l;
    } else if (n == 12)
        irq12 = l;
    else if (n == 20)
        a20 = l;
    else if (n == 99 && l)
        resets++;
}

static void cmd(uint8_t v)
{
    mmu_io_write(io, 0x64, v, 1);
}

static void data(uint8_t v)
{
    mmu_io_write(io, 0x60, v, 1);
}

static uint8_t status(void)
{
    return (uint8_t)mmu_io_read(io, 0x64, 1);
}

static uint8_t rd(void)
{
    ck_assert_uint_eq(status() & 1, 1);
    return (uint8_t)mmu_io_read(io, 0x60, 1);
}

static void setup(void)
{
    i8042_init(&kbc);
    io = mmu_io_new();
    ck_assert(i8042_register_io(&kbc, io));
    irq1 = irq12 = a20 = resets = irq1_edges = 0;
    irq_connect(&kbc.irq_kbd, on_irq, NULL, 1);
    irq_connect(&kbc.irq_aux, on_irq, NULL, 12);
    irq_connect(&kbc.a20, on_irq, NULL, 20);
    irq_connect(&kbc.reset, on_irq, NULL, 99);
}

static void teardown(void)
{
    mmu_io_free(io);
}

START_TEST(kbc_self_test_and_command_byte)
{
    ck_assert_uint_eq(status() & 1, 0);
    cmd(0xAA);
    ck_assert_uint_eq(rd(), 0x55);
    ck_assert_uint_eq(status() & 0x05, 0x04); /* empty, system flag */
    cmd(0x20);
    ck_assert_uint_eq(rd(), 0x45);
    cmd(0x60);
    data(0x47);
    cmd(0x20);
    ck_assert_uint_eq(rd(), 0x47);
    cmd(0xAB);
    ck_assert_uint_eq(rd(), 0x00);
}
END_TEST

START_TEST(kbc_keyboard_reset_acks_with_irq1)
{
    data(0xFF);
    ck_assert_int_eq(irq1, 1);
    ck_assert_uint_eq(rd(), 0xFA);
    ck_assert_int_eq(irq1, 1); /* next byte follows at once */
    ck_assert_uint_eq(rd(), 0xAA);
    ck_assert_int_eq(irq1, 0);
    ck_assert_uint_eq(status() & 1, 0);
}
END_TEST

START_TEST(kbc_translates_set2_to_set1_with_break_prefix)
{
    ps2_kbd_key(&kbc.kbd, 0x1E, false, true); /* A */
    ck_assert_uint_eq(rd(), 0x1E);
    ps2_kbd_key(&kbc.kbd, 0x1E, false, false);
    ck_assert_uint_eq(rd(), 0x9E);
    ps2_kbd_key(&kbc.kbd, 0x48, true, true); /* Up arrow */
    ck_assert_uint_eq(rd(), 0xE0);
    ck_assert_uint_eq(rd(), 0x48);
    ps2_kbd_key(&kbc.kbd, 0x48, true, false);
    ck_assert_uint_eq(rd(), 0xE0);
    ck_assert_uint_eq(rd(), 0xC8);
    ps2_kbd_key(&kbc.kbd, 0x5B, true, true); /* left Windows */
    ck_assert_uint_eq(rd(), 0xE0);
    ck_assert_uint_eq(rd(), 0x5B);
}
END_TEST

/* Regression: the keyboard hung after an extended key. A byte queued behind
 * the one read (E0 then the code) kept IRQ1 high without a falling edge, so
 * the PIC never saw a second request. */
START_TEST(kbc_irq1_falls_and_rises_again_for_each_queued_byte)
{
    cmd(0x60);
    data(0x45); /* translation and the keyboard interrupt */

    ps2_kbd_key(&kbc.kbd, 0x48, true, true); /* Up arrow: E0 48 */
    ck_assert_int_eq(irq1_edges, 1);
    ck_assert_uint_eq(rd(), 0xE0);
    ck_assert_int_eq(irq1, 1);
    ck_assert_int_eq(irq1_edges, 2);
    ck_assert_uint_eq(rd(), 0x48);
    ck_assert_int_eq(irq1, 0);
    ck_assert_int_eq(irq1_edges, 2);
}
END_TEST

START_TEST(kbc_untranslated_mode_passes_set2)
{
    cmd(0x60);
    data(0x05); /* interrupts on, translation off */
    ps2_kbd_key(&kbc.kbd, 0x1E, false, false);
    ck_assert_uint_eq(rd(), 0xF0);
    ck_assert_uint_eq(rd(), 0x1C);
}
END_TEST

START_TEST(kbc_identify_translated_and_scancode_set_query)
{
    data(0xF2);
    ck_assert_uint_eq(rd(), 0xFA);
    ck_assert_uint_eq(rd(), 0xAB);
    ck_assert_uint_eq(rd(), 0x41); /* 0x83 translated */
    data(0xF0);
    ck_assert_uint_eq(rd(), 0xFA);
    data(0x00);
    ck_assert_uint_eq(rd(), 0xFA);
    ck_assert_uint_eq(rd(), 0x02);
    data(0xF0);
    rd();
    data(0x01); /* switch to set 1: no translation needed from the keyboard */
    rd();
    cmd(0x60);
    data(0x05);
    ps2_kbd_key(&kbc.kbd, 0x1E, false, false);
    ck_assert_uint_eq(rd(), 0x9E);
    data(0x99);
    ck_assert_uint_eq(rd(), 0xFE); /* unknown command: resend */
}
END_TEST

START_TEST(kbc_a20_and_reset_through_output_port)
{
    cmd(0xD0);
    ck_assert_uint_eq(rd() & 0x03, 0x03);
    cmd(0xD1);
    data(0x01); /* A20 off, reset line high */
    ck_assert_int_eq(a20, 0);
    cmd(0xDF);
    ck_assert_int_eq(a20, 1);
    ck_assert_int_eq(resets, 0);
    cmd(0xFE); /* pulse reset */
    ck_assert_int_eq(resets, 1);
    cmd(0xFF); /* pulse nothing */
    ck_assert_int_eq(resets, 1);
}
END_TEST

START_TEST(kbc_controller_reply_before_keyboard_data)
{
    cmd(0xAD); /* keyboard disabled: its bytes wait */
    ps2_kbd_key(&kbc.kbd, 0x10, false, true);
    ck_assert_uint_eq(status() & 1, 0);
    cmd(0xAA);
    cmd(0xAE);
    ck_assert_uint_eq(rd(), 0x55);
    ck_assert_uint_eq(rd(), 0x10);
}
END_TEST

START_TEST(kbc_mouse_stream_packets_on_irq12)
{
    cmd(0x60);
    data(0x47); /* both interrupts */
    cmd(0xA8);
    cmd(0xD4);
    data(0xF4);
    ck_assert_uint_eq(status() & 0x21, 0x21);
    ck_assert_int_eq(irq12, 1);
    ck_assert_uint_eq(rd(), 0xFA);
    ps2_mouse_event(&kbc.mouse, 5, -3, 0, 1);
    ck_assert_uint_eq(rd(), 0x29); /* always-1, left, Y negative */
    ck_assert_uint_eq(rd(), 5);
    ck_assert_uint_eq(rd(), 0xFD);
    ck_assert_int_eq(irq12, 0);
    cmd(0xD4);
    data(0xF2);
    ck_assert_uint_eq(rd(), 0xFA);
    ck_assert_uint_eq(rd(), 0x00);
}
END_TEST

START_TEST(kbc_intellimouse_knock_gives_wheel_packets)
{
    static const uint8_t rates[] = {200, 100, 80};
    for (int i = 0; i < 3; i++) {
        cmd(0xD4);
        data(0xF3);
        rd();
        cmd(0xD4);
        data(rates[i]);
        rd();
    }
    cmd(0xD4);
    data(0xF2);
    rd();
    ck_assert_uint_eq(rd(), 0x03);
    cmd(0xD4);
    data(0xF4);
    rd();
    ps2_mouse_event(&kbc.mouse, 0, 0, -1, 0);
    ck_assert_uint_eq(rd(), 0x08);
    ck_assert_uint_eq(rd(), 0);
    ck_assert_uint_eq(rd(), 0);
    ck_assert_uint_eq(rd(), 0x0F);
}
END_TEST

START_TEST(kbc_state_round_trip)
{
    ps2_kbd_key(&kbc.kbd, 0x1E, false, true);
    ps2_kbd_key(&kbc.kbd, 0x1F, false, true);
    char err[128];
    ck_assert(vms_check(&i8042_vmstate, err, sizeof(err)));
    struct vms_buf buf = {0};
    ck_assert(vms_save(&i8042_vmstate, &kbc, &buf));
    i8042_reset(&kbc);
    size_t pos = 0;
    ck_assert(vms_load(&i8042_vmstate, &kbc, buf.data, buf.len, &pos, err, sizeof(err)));
    ck_assert_uint_eq(rd(), 0x1E);
    ck_assert_uint_eq(rd(), 0x1F);
    buf.data[14 + 64 + 1] = 70; /* header 14 bytes; keyboard queue count beyond its size */
    pos = 0;
    ck_assert(!vms_load(&i8042_vmstate, &kbc, buf.data, buf.len, &pos, err, sizeof(err)));
    ck_assert_str_eq(err, "i8042: inconsistent state rejected");
    vms_buf_free(&buf);
}
END_TEST

START_TEST(kbc_random_port_traffic_is_safe)
{
    uint32_t r = 7;
    for (int i = 0; i < 100000; i++) {
        r = r * 1103515245u + 12345u;
        uint8_t v = (uint8_t)(r >> 16);
        switch ((r >> 28) & 3) {
        case 0: cmd(v); break;
        case 1: data(v); break;
        case 2: (void)mmu_io_read(io, (r & 0x100) ? 0x60 : 0x64, 1); break;
        default: ps2_mouse_event(&kbc.mouse, (int8_t)v, -(int8_t)v, 0, v & 7); break;
        }
    }
    ck_assert_uint_le(kbc.nreply, 4);
    ck_assert_uint_le(kbc.kbd.port.q.count, PS2_QUEUE_SIZE);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("hw_i8042");
    TCase *tc = tcase_create("i8042");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, kbc_self_test_and_command_byte);
    tcase_add_test(tc, kbc_keyboard_reset_acks_with_irq1);
    tcase_add_test(tc, kbc_translates_set2_to_set1_with_break_prefix);
    tcase_add_test(tc, kbc_irq1_falls_and_rises_again_for_each_queued_byte);
    tcase_add_test(tc, kbc_untranslated_mode_passes_set2);
    tcase_add_test(tc, kbc_identify_translated_and_scancode_set_query);
    tcase_add_test(tc, kbc_a20_and_reset_through_output_port);
    tcase_add_test(tc, kbc_controller_reply_before_keyboard_data);
    tcase_add_test(tc, kbc_mouse_stream_packets_on_irq12);
    tcase_add_test(tc, kbc_intellimouse_knock_gives_wheel_packets);
    tcase_add_test(tc, kbc_state_round_trip);
    tcase_add_test(tc, kbc_random_port_traffic_is_safe);
    suite_add_tcase(s, tc);
    return s;
}
