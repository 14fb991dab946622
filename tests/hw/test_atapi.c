/* ATAPI CD-ROM on the secondary channel (where -cdrom puts it), driven with
 * the PACKET protocol as SeaBIOS and Linux do: byte count limit, interrupt
 * reason, sense data, media change, READ(10/12) by PIO and DMA, and the
 * MMC inquiry commands. */
#include "test_ide_util.h"

#define B 0x170

static struct ide_rig rig;
static struct ide_rig *r = &rig;
static uint8_t data[65536];
static unsigned data_len;

static void setup(void)
{
    rig_init(r);
    rig_make_image(r, 2, 1u << 20, 2048); /* 512 sectors */
    rig_attach(r, 2, IDE_CDROM, true);
}

static void teardown(void)
{
    rig_free(r);
}

static uint8_t pat(uint32_t lba, uint32_t i)
{
    return (uint8_t)(lba * 7 + i);
}

/* Issues a packet; collects the data-in blocks into data[]. Returns the
 * final status; *blocks counts the DRQ blocks. */
static uint8_t packet(const uint8_t *cdb, uint16_t limit, bool dma, int *blocks)
{
    rig_outb(r, B + 6, 0xA0);
    rig_outb(r, B + 1, dma ? 1 : 0);
    rig_outb(r, B + 4, (uint8_t)limit);
    rig_outb(r, B + 5, (uint8_t)(limit >> 8));
    rig_outb(r, B + 7, 0xA0);
    ck_assert_uint_eq(rig_inb(r, 0x376) & 0x88, 0x08);
    ck_assert_uint_eq(rig_inb(r, B + 2), 0x01); /* CoD: send the command */
    uint8_t c[12] = {0};
    memcpy(c, cdb, 12);
    rig_write_data(r, B, c, 12);
    data_len = 0;
    int n = 0;
    for (;;) {
        uint8_t st = rig_inb(r, B + 7);
        if (!(st & 0x08) || dma)
            break;
        ck_assert_uint_eq(rig_inb(r, B + 2), 0x02); /* IO: data to the host */
        unsigned len = rig_inb(r, B + 4) | rig_inb(r, B + 5) << 8;
        ck_assert_uint_le(len, limit);
        ck_assert_uint_le(data_len + len, sizeof(data));
        rig_read_data(r, B, data + data_len, len);
        data_len += len;
        n++;
    }
    if (blocks)
        *blocks = n;
    if (!dma)
        ck_assert_uint_eq(rig_inb(r, B + 2), 0x03); /* status phase */
    return rig_inb(r, 0x376);
}

static uint8_t simple(uint8_t op, uint8_t b4)
{
    uint8_t c[12] = {op, 0, 0, 0, b4};
    return packet(c, 0xFFFE, false, NULL);
}

static void expect_sense(uint8_t key, uint8_t asc)
{
    ck_assert_uint_eq(simple(0x03, 18), 0x50);
    ck_assert_uint_eq(data_len, 18);
    ck_assert_uint_eq(data[0], 0x70);
    ck_assert_uint_eq(data[2], key);
    ck_assert_uint_eq(data[12], asc);
}

START_TEST(identify_packet_device_and_ata_identify_abort)
{
    rig_outb(r, B + 6, 0xA0);
    rig_outb(r, B + 7, 0xEC);
    ck_assert_uint_eq(rig_inb(r, B + 7), 0x41);
    ck_assert_uint_eq(rig_inb(r, B + 4), 0x14);
    ck_assert_uint_eq(rig_inb(r, B + 5), 0xEB);
    rig_outb(r, B + 7, 0xA1);
    ck_assert_uint_eq(rig_inb(r, B + 7), 0x58);
    uint8_t id[512];
    rig_read_data(r, B, id, 512);
    ck_assert_uint_eq(id[0] | id[1] << 8, 0x85C0);
    ck_assert_mem_eq(id + 54, "IJ8T 6VD-DOR", 12); /* "JIT86 DVD-ROM" swapped */
}
END_TEST

START_TEST(inquiry_reports_a_removable_cdrom)
{
    uint8_t c[12] = {0x12, 0, 0, 0, 96};
    ck_assert_uint_eq(packet(c, 0xFFFE, false, NULL), 0x50);
    ck_assert_uint_eq(data_len, 36);
    ck_assert_uint_eq(data[0], 0x05);
    ck_assert_uint_eq(data[1], 0x80);
    ck_assert_mem_eq(data + 8, "JIT86   ", 8);
    c[4] = 5; /* allocation length cuts the reply */
    packet(c, 0xFFFE, false, NULL);
    ck_assert_uint_eq(data_len, 5);
}
END_TEST

START_TEST(media_change_reports_unit_attention_once)
{
    ck_assert_uint_eq(simple(0x00, 0), 0x50);
    ide_cd_change(&r->ide->bus[1], 0, r->blk[2]);
    uint8_t st = simple(0x00, 0);
    ck_assert_uint_eq(st, 0x41);
    ck_assert_uint_eq(rig_inb(r, B + 1), 0x64); /* UNIT ATTENTION, ABRT */
    expect_sense(0x06, 0x28);
    ck_assert_uint_eq(simple(0x00, 0), 0x50);
    expect_sense(0x00, 0x00);
}
END_TEST

START_TEST(empty_drive_is_not_ready)
{
    ide_cd_change(&r->ide->bus[1], 0, NULL);
    expect_sense(0x06, 0x28); /* the removal first */
    ck_assert_uint_eq(simple(0x00, 0), 0x41);
    ck_assert_uint_eq(rig_inb(r, B + 1), 0x24);
    expect_sense(0x02, 0x3A);
    uint8_t c[12] = {0x25};
    ck_assert_uint_eq(packet(c, 0xFFFE, false, NULL), 0x41);
    uint8_t rd[12] = {0x28, 0, 0, 0, 0, 0, 0, 0, 1};
    ck_assert_uint_eq(packet(rd, 0xFFFE, false, NULL), 0x41);
    ck_assert_uint_eq(data_len, 0);
}
END_TEST

START_TEST(read_capacity_reports_last_block_and_size)
{
    uint8_t c[12] = {0x25};
    ck_assert_uint_eq(packet(c, 0xFFFE, false, NULL), 0x50);
    const uint8_t want[8] = {0, 0, 0x01, 0xFF, 0, 0, 0x08, 0};
    ck_assert_uint_eq(data_len, 8);
    ck_assert_mem_eq(data, want, 8);
}
END_TEST

START_TEST(read10_pio_splits_at_byte_count_limit)
{
    uint8_t c[12] = {0x28, 0, 0, 0, 0, 10, 0, 0, 3};
    int blocks;
    ck_assert_uint_eq(packet(c, 4096, false, &blocks), 0x50);
    ck_assert_int_eq(blocks, 2);
    ck_assert_uint_eq(data_len, 3 * 2048);
    ck_assert_uint_eq(data[0], pat(10, 0));
    ck_assert_uint_eq(data[2048 + 5], pat(11, 5));
    ck_assert_uint_eq(data[3 * 2048 - 1], pat(12, 2047));
}
END_TEST

START_TEST(read12_with_small_limit_moves_partial_sectors)
{
    uint8_t c[12] = {0xA8, 0, 0, 0, 0x01, 0xFF, 0, 0, 0, 1};
    int blocks;
    ck_assert_uint_eq(packet(c, 512, false, &blocks), 0x50);
    ck_assert_int_eq(blocks, 4);
    ck_assert_uint_eq(data_len, 2048);
    ck_assert_uint_eq(data[1500], pat(511, 1500));
}
END_TEST

START_TEST(read_past_end_is_illegal_request_lba_out_of_range)
{
    uint8_t c[12] = {0x28, 0, 0, 0, 0x01, 0xFF, 0, 0, 2};
    ck_assert_uint_eq(packet(c, 0xFFFE, false, NULL), 0x41);
    ck_assert_uint_eq(rig_inb(r, B + 1), 0x54);
    ck_assert_uint_eq(data_len, 0);
    expect_sense(0x05, 0x21);
    uint8_t far[12] = {0xA8, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    ck_assert_uint_eq(packet(far, 0xFFFE, false, NULL), 0x41);
    expect_sense(0x05, 0x21);
}
END_TEST

START_TEST(read10_by_dma_through_prd)
{
    rig_prd(r, 0x3000, 0, 0x50000, 4096, true);
    rig_bm_setup(r, 1, 0x3000, true);
    rig_bm_start(r, 1, true);
    uint8_t c[12] = {0x28, 0, 0, 0, 0, 100, 0, 0, 2};
    ck_assert_uint_eq(packet(c, 0xFFFE, true, NULL), 0x50);
    ck_assert_uint_eq(rig_inb(r, B + 2), 0x03);
    ck_assert_uint_eq(rig_bm_status(r, 1) & 7, 0x04);
    uint8_t buf[4096];
    mmu_phys_read(r->mem, 0x50000, buf, 4096);
    ck_assert_uint_eq(buf[0], pat(100, 0));
    ck_assert_uint_eq(buf[4095], pat(101, 2047));
    /* A descriptor beyond RAM: error bit, CHECK CONDITION. */
    rig_prd(r, 0x3000, 0, 0x7FFF0000u, 4096, true);
    rig_bm_setup(r, 1, 0x3000, true);
    rig_bm_start(r, 1, true);
    ck_assert_uint_eq(packet(c, 0xFFFE, true, NULL) & 0x01, 0x01);
    ck_assert_uint_eq(rig_bm_status(r, 1) & 2, 2);
}
END_TEST

START_TEST(mode_sense_capabilities_page)
{
    uint8_t c[12] = {0x5A, 0, 0x2A, 0, 0, 0, 0, 0x01, 0x00};
    ck_assert_uint_eq(packet(c, 0xFFFE, false, NULL), 0x50);
    ck_assert_uint_eq(data_len, 8 + 28);
    ck_assert_uint_eq(data[0] << 8 | data[1], 34);
    ck_assert_uint_eq(data[8], 0x2A);
    ck_assert_uint_eq(data[9], 26);
    ck_assert_uint_eq(data[14] & 0x01, 0x01); /* lock supported */
    c[2] = 0x3F;
    packet(c, 0xFFFE, false, NULL);
    ck_assert_uint_eq(data_len, 8 + 8 + 28);
    c[2] = 0x0E;
    ck_assert_uint_eq(packet(c, 0xFFFE, false, NULL), 0x41);
    expect_sense(0x05, 0x24);
}
END_TEST

START_TEST(read_toc_formats_zero_and_one)
{
    uint8_t c[12] = {0x43, 0, 0, 0, 0, 0, 0, 0x03, 0x24};
    ck_assert_uint_eq(packet(c, 0xFFFE, false, NULL), 0x50);
    ck_assert_uint_eq(data_len, 20);
    ck_assert_uint_eq(data[1], 18);
    ck_assert_uint_eq(data[2], 1);
    ck_assert_uint_eq(data[6], 1);    /* track 1 */
    ck_assert_uint_eq(data[14], 0xAA); /* lead-out */
    ck_assert_uint_eq(data[18] << 8 | data[19], 512);
    c[1] = 2; /* MSF: lead-out at 512 + 150 frames = 00:08:62 */
    packet(c, 0xFFFE, false, NULL);
    ck_assert_uint_eq(data[17], 0);
    ck_assert_uint_eq(data[18], 8);
    ck_assert_uint_eq(data[19], 62);
    ck_assert_uint_eq(data[9], 0); /* track 1 at 00:02:00 */
    ck_assert_uint_eq(data[10], 2);
    uint8_t s[12] = {0x43, 0, 1, 0, 0, 0, 0, 0, 12};
    ck_assert_uint_eq(packet(s, 0xFFFE, false, NULL), 0x50);
    ck_assert_uint_eq(data_len, 12);
    ck_assert_uint_eq(data[1], 10);
    ck_assert_uint_eq(data[6], 1);
}
END_TEST

START_TEST(get_configuration_reports_cdrom_profile)
{
    uint8_t c[12] = {0x46, 0, 0, 0, 0, 0, 0, 0, 64};
    ck_assert_uint_eq(packet(c, 0xFFFE, false, NULL), 0x50);
    ck_assert_uint_eq(data[6] << 8 | data[7], 0x0008);
    uint32_t len = (uint32_t)data[0] << 24 | data[1] << 16 | data[2] << 8 | data[3];
    ck_assert_uint_eq(len + 4, data_len);
    ck_assert_uint_eq(data[8 + 4] << 8 | data[8 + 5], 0x0010); /* DVD-ROM listed */
    ck_assert_uint_eq(data[8 + 10], 1);                        /* CD-ROM current */
}
END_TEST

START_TEST(event_status_reports_new_media_once)
{
    uint8_t c[12] = {0x4A, 0, 0, 0, 0x10, 0, 0, 0, 8};
    ck_assert_uint_eq(packet(c, 0xFFFE, false, NULL), 0x41); /* not polled */
    c[1] = 1;
    ck_assert_uint_eq(packet(c, 0xFFFE, false, NULL), 0x50);
    ck_assert_uint_eq(data_len, 8);
    ck_assert_uint_eq(data[2], 0x04);
    ck_assert_uint_eq(data[4], 0x02); /* new media */
    ck_assert_uint_eq(data[5], 0x02); /* present */
    packet(c, 0xFFFE, false, NULL);
    ck_assert_uint_eq(data[4], 0x00);
}
END_TEST

START_TEST(locked_tray_refuses_eject)
{
    ck_assert_uint_eq(simple(0x1E, 1), 0x50);
    ck_assert_uint_eq(simple(0x1B, 2), 0x41);
    expect_sense(0x05, 0x53);
    ck_assert_uint_eq(simple(0x1E, 0), 0x50);
    ck_assert_uint_eq(simple(0x1B, 2), 0x50);
}
END_TEST

START_TEST(unknown_opcode_is_invalid_command)
{
    ck_assert_uint_eq(simple(0xFF, 0), 0x41);
    expect_sense(0x05, 0x20);
    /* ATA commands a packet device refuses. */
    rig_outb(r, B + 7, 0xC8);
    ck_assert_uint_eq(rig_inb(r, B + 7), 0x41);
    rig_outb(r, B + 7, 0x08); /* DEVICE RESET: signature, no interrupt */
    ck_assert_uint_eq(rig_inb(r, B + 4), 0x14);
    ck_assert_uint_eq(rig_inb(r, B + 7), 0x00);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("atapi");
    TCase *tc = tcase_create("atapi");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, identify_packet_device_and_ata_identify_abort);
    tcase_add_test(tc, inquiry_reports_a_removable_cdrom);
    tcase_add_test(tc, media_change_reports_unit_attention_once);
    tcase_add_test(tc, empty_drive_is_not_ready);
    tcase_add_test(tc, read_capacity_reports_last_block_and_size);
    tcase_add_test(tc, read10_pio_splits_at_byte_count_limit);
    tcase_add_test(tc, read12_with_small_limit_moves_partial_sectors);
    tcase_add_test(tc, read_past_end_is_illegal_request_lba_out_of_range);
    tcase_add_test(tc, read10_by_dma_through_prd);
    tcase_add_test(tc, mode_sense_capabilities_page);
    tcase_add_test(tc, read_toc_formats_zero_and_one);
    tcase_add_test(tc, get_configuration_reports_cdrom_profile);
    tcase_add_test(tc, event_status_reports_new_media_once);
    tcase_add_test(tc, locked_tray_refuses_eject);
    tcase_add_test(tc, unknown_opcode_is_invalid_command);
    suite_add_tcase(s, tc);
    return s;
}
