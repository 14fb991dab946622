/* Dual 8259A: initialization, priority, EOI forms, rotation, AEOI, special
 * mask, poll, cascade and ELCR level mode, as Linux and DOS program it. */
#include "hw/core/vmstate.h"
#include "hw/pc/pic8259.h"

#include <check.h>

static struct pic8259_pair pic;
static struct mmu_io_space *io;
static int intr_level;

static void cpu_intr(void *opaque, int n, int level)
{
    (void)opaque, (void)n;
    intr_level = level;
}

static void out(uint16_t port, uint8_t v)
{
    mmu_io_write(io, port, v, 1);
}

static uint8_t in(uint16_t port)
{
    return (uint8_t)mmu_io_read(io, port, 1);
}

/* The BIOS/Linux sequence: ICW1 edge+ICW4, vectors 0x08/0x70 (or given),
 * cascade on IR2, 8086 mode (auto_eoi as asked). */
static void init_pair(uint8_t mbase, uint8_t sbase, bool aeoi)
{
    out(0x20, 0x11);
    out(0x21, mbase);
    out(0x21, 0x04);
    out(0x21, aeoi ? 0x03 : 0x01);
    out(0xA0, 0x11);
    out(0xA1, sbase);
    out(0xA1, 0x02);
    out(0xA1, aeoi ? 0x03 : 0x01);
}

static void setup(void)
{
    pic_init(&pic);
    io = mmu_io_new();
    ck_assert(pic_register_io(&pic, io));
    intr_level = 0;
    irq_connect(&pic.cpu_intr, cpu_intr, NULL, 0);
    init_pair(0x08, 0x70, false);
}

static void teardown(void)
{
    mmu_io_free(io);
}

START_TEST(pic_icw_sequence_sets_vector_base_and_clears_mask)
{
    out(0x21, 0xFF);
    init_pair(0x20, 0x28, false);
    ck_assert_uint_eq(in(0x21), 0x00);
    pic_set_irq(&pic, 1, 1);
    ck_assert_int_eq(intr_level, 1);
    ck_assert_uint_eq(pic_ack(&pic), 0x21);
}
END_TEST

START_TEST(pic_fully_nested_priority_and_nonspecific_eoi)
{
    pic_set_irq(&pic, 4, 1);
    pic_set_irq(&pic, 3, 1);
    ck_assert_uint_eq(pic_ack(&pic), 0x0B); /* IR3 before IR4 */
    ck_assert_int_eq(intr_level, 0);        /* IR4 blocked by IR3 in service */
    pic_set_irq(&pic, 0, 1);
    ck_assert_int_eq(intr_level, 1); /* IR0 preempts */
    ck_assert_uint_eq(pic_ack(&pic), 0x08);
    out(0x20, 0x0B); /* OCW3: read ISR */
    ck_assert_uint_eq(in(0x20), 0x09);
    out(0x20, 0x20); /* EOI clears the highest: IR0 */
    ck_assert_uint_eq(in(0x20), 0x08);
    ck_assert_int_eq(intr_level, 0);
    out(0x20, 0x20);
    ck_assert_int_eq(intr_level, 1); /* now IR4 */
    ck_assert_uint_eq(pic_ack(&pic), 0x0C);
    out(0x20, 0x0A); /* read IRR */
    ck_assert_uint_eq(in(0x20), 0x00);
}
END_TEST

START_TEST(pic_specific_eoi_clears_named_level)
{
    pic_set_irq(&pic, 5, 1);
    ck_assert_uint_eq(pic_ack(&pic), 0x0D);
    pic_set_irq(&pic, 1, 1);
    ck_assert_uint_eq(pic_ack(&pic), 0x09);
    out(0x20, 0x65); /* specific EOI for IR5 */
    out(0x20, 0x0B);
    ck_assert_uint_eq(in(0x20), 0x02);
}
END_TEST

START_TEST(pic_mask_blocks_and_unmask_delivers)
{
    out(0x21, 0x40);
    pic_set_irq(&pic, 6, 1);
    ck_assert_int_eq(intr_level, 0);
    out(0x21, 0x00);
    ck_assert_int_eq(intr_level, 1);
    ck_assert_uint_eq(pic_ack(&pic), 0x0E);
}
END_TEST

START_TEST(pic_edge_needs_new_rising_edge)
{
    pic_set_irq(&pic, 3, 1);
    ck_assert_uint_eq(pic_ack(&pic), 0x0B);
    out(0x20, 0x20);
    pic_set_irq(&pic, 3, 1); /* still high: no new edge */
    ck_assert_int_eq(intr_level, 0);
    pic_set_irq(&pic, 3, 0);
    pic_set_irq(&pic, 3, 1);
    ck_assert_int_eq(intr_level, 1);
}
END_TEST

START_TEST(pic_elcr_level_mode_follows_the_line)
{
    out(0x4D1, 0xFF); /* IRQ8 and 13 cannot be level: mask 0xDE */
    ck_assert_uint_eq(in(0x4D1), 0xDE);
    out(0x4D0, 0xFF);
    ck_assert_uint_eq(in(0x4D0), 0xF8);
    pic_set_irq(&pic, 11, 1);
    ck_assert_int_eq(intr_level, 1);
    ck_assert_uint_eq(pic_ack(&pic), 0x73);
    out(0xA0, 0x20);
    out(0x20, 0x20);
    ck_assert_int_eq(intr_level, 1); /* line still high: requests again */
    pic_set_irq(&pic, 11, 0);
    ck_assert_int_eq(intr_level, 0);
}
END_TEST

START_TEST(pic_cascade_slave_vector_and_both_isr)
{
    pic_set_irq(&pic, 14, 1);
    ck_assert_int_eq(intr_level, 1);
    ck_assert_uint_eq(pic_ack(&pic), 0x76);
    out(0x20, 0x0B);
    ck_assert_uint_eq(in(0x20), 0x04);
    out(0xA0, 0x0B);
    ck_assert_uint_eq(in(0xA0), 0x40);
    pic_set_irq(&pic, 1, 1); /* IR1 outranks IR2 (the cascade) */
    ck_assert_uint_eq(pic_ack(&pic), 0x09);
}
END_TEST

START_TEST(pic_spurious_irq7_when_request_vanishes)
{
    ck_assert_uint_eq(pic_ack(&pic), 0x0F);
    out(0x20, 0x0B);
    ck_assert_uint_eq(in(0x20), 0x00); /* spurious sets no ISR bit */
}
END_TEST

START_TEST(pic_auto_eoi_leaves_isr_clear)
{
    init_pair(0x08, 0x70, true);
    pic_set_irq(&pic, 4, 1);
    ck_assert_uint_eq(pic_ack(&pic), 0x0C);
    out(0x20, 0x0B);
    ck_assert_uint_eq(in(0x20), 0x00);
    pic_set_irq(&pic, 5, 1);
    ck_assert_int_eq(intr_level, 1);
}
END_TEST

START_TEST(pic_rotate_on_nonspecific_eoi_makes_served_lowest)
{
    pic_set_irq(&pic, 3, 1);
    ck_assert_uint_eq(pic_ack(&pic), 0x0B);
    out(0x20, 0xA0); /* rotate on non-specific EOI: IR3 lowest, IR4 highest */
    pic_set_irq(&pic, 1, 1);
    pic_set_irq(&pic, 5, 1);
    ck_assert_uint_eq(pic_ack(&pic), 0x0D); /* IR5 beats IR1 now */
    out(0x20, 0xC4);                        /* set priority: IR4 lowest, IR5 highest */
    out(0x20, 0x65);
    ck_assert_uint_eq(pic_ack(&pic), 0x09);
}
END_TEST

START_TEST(pic_special_mask_mode_allows_lower_priority)
{
    pic_set_irq(&pic, 3, 1);
    ck_assert_uint_eq(pic_ack(&pic), 0x0B);
    pic_set_irq(&pic, 6, 1);
    ck_assert_int_eq(intr_level, 0);
    out(0x21, 0x08); /* mask the in-service IR3 */
    out(0x20, 0x68); /* OCW3: set special mask mode */
    ck_assert_int_eq(intr_level, 1);
    ck_assert_uint_eq(pic_ack(&pic), 0x0E);
}
END_TEST

START_TEST(pic_poll_command_returns_and_acknowledges)
{
    out(0x21, 0xFF); /* poll works with the CPU interrupt masked off */
    out(0x20, 0x0C);
    ck_assert_uint_eq(in(0x20), 0x00);
    out(0x21, 0x00);
    pic_set_irq(&pic, 5, 1);
    out(0x20, 0x0C);
    ck_assert_uint_eq(in(0x20), 0x85);
    out(0x20, 0x0B);
    ck_assert_uint_eq(in(0x20), 0x20);
}
END_TEST

START_TEST(pic_state_round_trip)
{
    pic_set_irq(&pic, 9, 1);
    ck_assert_uint_eq(pic_ack(&pic), 0x71);
    out(0x21, 0x5A);
    char err[128];
    ck_assert(vms_check(&pic_vmstate, err, sizeof(err)));
    struct vms_buf buf = {0};
    ck_assert(vms_save(&pic_vmstate, &pic, &buf));
    struct pic8259_pair copy = pic;
    pic_init(&pic);
    size_t pos = 0;
    ck_assert(vms_load(&pic_vmstate, &pic, buf.data, buf.len, &pos, err, sizeof(err)));
    ck_assert_mem_eq(&pic.chip, &copy.chip, sizeof(pic.chip));
    vms_buf_free(&buf);
}
END_TEST

START_TEST(pic_bad_port_values_never_crash)
{
    for (unsigned i = 0; i < 100000; i++) {
        static const uint16_t ports[] = {0x20, 0x21, 0xA0, 0xA1, 0x4D0, 0x4D1};
        uint32_t r = i * 2654435761u;
        out(ports[r % 6], (uint8_t)(r >> 8));
        pic_set_irq(&pic, (int)((r >> 16) % 20) - 2, (r >> 24) & 1);
        if (r & 0x10000000)
            pic_ack(&pic);
        (void)in(ports[(r >> 3) % 6]);
    }
    uint8_t v = pic_ack(&pic);
    ck_assert(v == (v & 0xFF));
    ck_assert_uint_le(pic.chip[0].lowest, 7);
}
END_TEST

START_TEST(pic_info_shows_registers)
{
    pic_set_irq(&pic, 3, 1);
    out(0x21, 0xF0);
    char buf[256];
    pic_info(&pic, buf, sizeof(buf));
    ck_assert_str_eq(buf, "pic0: irr=08 imr=f0 isr=00 elcr=00 base=08 lowest=7\n"
                          "pic1: irr=00 imr=00 isr=00 elcr=00 base=70 lowest=7\n");
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("hw_pic8259");
    TCase *tc = tcase_create("pic");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, pic_icw_sequence_sets_vector_base_and_clears_mask);
    tcase_add_test(tc, pic_fully_nested_priority_and_nonspecific_eoi);
    tcase_add_test(tc, pic_specific_eoi_clears_named_level);
    tcase_add_test(tc, pic_mask_blocks_and_unmask_delivers);
    tcase_add_test(tc, pic_edge_needs_new_rising_edge);
    tcase_add_test(tc, pic_elcr_level_mode_follows_the_line);
    tcase_add_test(tc, pic_cascade_slave_vector_and_both_isr);
    tcase_add_test(tc, pic_spurious_irq7_when_request_vanishes);
    tcase_add_test(tc, pic_auto_eoi_leaves_isr_clear);
    tcase_add_test(tc, pic_rotate_on_nonspecific_eoi_makes_served_lowest);
    tcase_add_test(tc, pic_special_mask_mode_allows_lower_priority);
    tcase_add_test(tc, pic_poll_command_returns_and_acknowledges);
    tcase_add_test(tc, pic_state_round_trip);
    tcase_add_test(tc, pic_info_shows_registers);
    tcase_add_test(tc, pic_bad_port_values_never_crash);
    suite_add_tcase(s, tc);
    return s;
}
