/* Disks on the assembled PC board: the IDE function at 01.1 and the floppy
 * controller on their ports, IRQs 14/15/6 through the PIC, floppy DMA on the
 * board's 8237, CMOS drive fields and the fw_cfg bootorder file SeaBIOS
 * reads for -boot. */
#include "hw/pc/pc.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64], bios[128], hd[128], cd[128], fd[128];
static struct blk *bhd, *bcd, *bfd;
static struct pc_machine *pc;
static int cpu_intr;

static void on_intr(void *opaque, int n, int level)
{
    (void)opaque, (void)n;
    cpu_intr = level;
}

static void make_file(char *path, const char *name, uint64_t size)
{
    snprintf(path, 128, "%.60s/%s", dir, name);
    int f = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
    ck_assert_int_ge(f, 0);
    ck_assert_int_eq(ftruncate(f, (off_t)size), 0);
    uint8_t sector[512];
    for (int i = 0; i < 512; i++)
        sector[i] = (uint8_t)(i ^ 0x3C);
    ck_assert_int_eq(pwrite(f, sector, 512, 512), 512);
    close(f);
}

static struct blk *open_raw(const char *path, bool ro)
{
    struct blk_open_opts o = {.format = "raw", .flags = ro ? BLK_OPEN_READ_ONLY : 0};
    struct blk_error e;
    struct blk *b = blk_open(path, &o, &e);
    ck_assert_msg(b != NULL, "%s", e.msg);
    return b;
}

static struct pc_config config(const char *boot)
{
    struct pc_config cfg = {.ram_size = 32u << 20, .bios_path = bios, .icount_shift = 0,
                            .rtc_base = 946684800, .boot_order = boot};
    cfg.ide[0] = (struct pc_ide_drive){IDE_DISK, bhd};
    cfg.ide[2] = (struct pc_ide_drive){IDE_CDROM, bcd};
    cfg.floppy[0] = bfd;
    return cfg;
}

static void setup(void)
{
    strcpy(dir, "/tmp/jit86-board-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    make_file(bios, "bios.bin", 256 << 10);
    make_file(hd, "hd.img", 100u << 20);
    make_file(cd, "cd.iso", 4u << 20);
    make_file(fd, "fd.img", 1474560);
    bhd = open_raw(hd, false);
    bcd = open_raw(cd, true);
    bfd = open_raw(fd, false);
    struct pc_config cfg = config("dca");
    char err[256];
    pc = pc_new(&cfg, err, sizeof(err));
    ck_assert_msg(pc != NULL, "%s", err);
    irq_connect(&pc->cpu_intr, on_intr, NULL, 0);
    cpu_intr = 0;
}

static void teardown(void)
{
    pc_free(pc);
    blk_close(bhd);
    blk_close(bcd);
    blk_close(bfd);
    unlink(bios);
    unlink(hd);
    unlink(cd);
    unlink(fd);
    rmdir(dir);
}

static uint8_t cmos(uint8_t i)
{
    mmu_io_write(pc->io, 0x70, i, 1);
    return (uint8_t)mmu_io_read(pc->io, 0x71, 1);
}

static void init_pics(void)
{
    static const uint8_t m[] = {0x11, 0x08, 0x04, 0x01}, s[] = {0x11, 0x70, 0x02, 0x01};
    mmu_io_write(pc->io, 0x20, m[0], 1);
    mmu_io_write(pc->io, 0xA0, s[0], 1);
    for (int i = 1; i < 4; i++) {
        mmu_io_write(pc->io, 0x21, m[i], 1);
        mmu_io_write(pc->io, 0xA1, s[i], 1);
    }
    mmu_io_write(pc->io, 0x21, 0x00, 1);
    mmu_io_write(pc->io, 0xA1, 0x00, 1);
}

START_TEST(ide_function_sits_at_01_1_behind_a_multifunction_bridge)
{
    mmu_io_write(pc->io, 0xCF8, 0x80000900, 4);
    ck_assert_uint_eq(mmu_io_read(pc->io, 0xCFC, 4), 0x70108086);
    mmu_io_write(pc->io, 0xCF8, 0x8000080C, 4);
    ck_assert_uint_eq((mmu_io_read(pc->io, 0xCFC, 4) >> 16) & 0x80, 0x80);
}
END_TEST

START_TEST(cmos_reports_drive_types_and_geometry)
{
    ck_assert_uint_eq(cmos(0x10), 0x40); /* 1.44M drive A */
    ck_assert_uint_eq(cmos(0x14) & 0xC1, 0x01);
    ck_assert_uint_eq(cmos(0x12), 0xF0);
    ck_assert_uint_eq(cmos(0x19), 47);
    ck_assert_uint_eq(cmos(0x1A), 0);
    uint16_t cyls = (uint16_t)(cmos(0x1B) | cmos(0x1C) << 8);
    ck_assert_uint_eq(cyls, 204800 / (16 * 63));
    ck_assert_uint_eq(cmos(0x1D), 16);
    ck_assert_uint_eq(cmos(0x23), 63);
    ck_assert_uint_eq(cmos(0x39), 0); /* 203 cylinders: no translation */
    ck_assert_uint_eq(cmos(0x3D), 0x23); /* "dca": CD, then disk */
}
END_TEST

START_TEST(bootorder_file_lists_devices_in_boot_letter_order)
{
    struct mmu_io_space *io = pc->io;
    mmu_io_write(io, 0x510, FW_CFG_FILE_DIR, 2);
    uint8_t cnt[4];
    for (int i = 0; i < 4; i++)
        cnt[i] = (uint8_t)mmu_io_read(io, 0x511, 1);
    uint32_t n = (uint32_t)cnt[0] << 24 | cnt[1] << 16 | cnt[2] << 8 | cnt[3];
    uint16_t key = 0;
    uint32_t size = 0;
    for (uint32_t f = 0; f < n; f++) {
        uint8_t e[64];
        for (int i = 0; i < 64; i++)
            e[i] = (uint8_t)mmu_io_read(io, 0x511, 1);
        if (!strcmp((char *)e + 8, "bootorder")) {
            size = (uint32_t)e[0] << 24 | e[1] << 16 | e[2] << 8 | e[3];
            key = (uint16_t)(e[4] << 8 | e[5]);
        }
    }
    ck_assert_uint_ne(key, 0);
    char text[512] = {0};
    ck_assert_uint_lt(size, sizeof(text));
    mmu_io_write(io, 0x510, key, 2);
    for (uint32_t i = 0; i < size; i++)
        text[i] = (char)mmu_io_read(io, 0x511, 1);
    ck_assert_str_eq(text, "/pci@i0cf8/ide@1,1/drive@1/disk@0\n"
                           "/pci@i0cf8/ide@1,1/drive@0/disk@0\n"
                           "/pci@i0cf8/isa@1/fdc@03f0/floppy@0\n");
}
END_TEST

START_TEST(disk_interrupt_reaches_cpu_as_irq14)
{
    init_pics();
    mmu_io_write(pc->io, 0x1F6, 0xA0, 1);
    mmu_io_write(pc->io, 0x1F7, 0xEC, 1);
    ck_assert_int_eq(cpu_intr, 1);
    ck_assert_uint_eq(pc_interrupt_ack(pc), 0x76);
    mmu_io_write(pc->io, 0x170 + 6, 0xA0, 1); /* CD-ROM, secondary master */
    mmu_io_write(pc->io, 0x170 + 7, 0xA1, 1);
    ck_assert_uint_eq(mmu_io_read(pc->io, 0x376, 1), 0x58);
}
END_TEST

START_TEST(floppy_reads_through_board_dma_and_irq6)
{
    init_pics();
    struct mmu_io_space *io = pc->io;
    mmu_io_write(io, 0x0A, 0x06, 1);
    mmu_io_write(io, 0x0C, 0x00, 1);
    mmu_io_write(io, 0x0B, 0x46, 1);
    mmu_io_write(io, 0x04, 0x00, 1);
    mmu_io_write(io, 0x04, 0x00, 1);
    mmu_io_write(io, 0x81, 0x01, 1); /* 0x10000 */
    mmu_io_write(io, 0x05, 0xFF, 1);
    mmu_io_write(io, 0x05, 0x01, 1); /* 512 bytes */
    mmu_io_write(io, 0x0A, 0x02, 1);
    const uint8_t c[9] = {0xE6, 0, 0, 0, 2, 2, 18, 0x1B, 0xFF};
    for (int i = 0; i < 9; i++)
        mmu_io_write(io, 0x3F5, c[i], 1);
    ck_assert_int_eq(cpu_intr, 1);
    ck_assert_uint_eq(pc_interrupt_ack(pc), 0x0E);
    uint8_t buf[512];
    mmu_phys_read(pc->mem, 0x10000, buf, 512);
    ck_assert_uint_eq(buf[0], 0x3C);
    ck_assert_uint_eq(buf[511], (uint8_t)(511 ^ 0x3C));
}
END_TEST

START_TEST(bad_floppy_image_is_refused_with_one_line)
{
    char path[128];
    make_file(path, "odd.img", 123456);
    struct blk *b = open_raw(path, true);
    struct pc_config cfg = config("a");
    cfg.floppy[1] = b;
    char err[256];
    struct pc_machine *p = pc_new(&cfg, err, sizeof(err));
    ck_assert_ptr_null(p);
    ck_assert_ptr_nonnull(strstr(err, "no floppy format"));
    blk_close(b);
    unlink(path);
}
END_TEST

START_TEST(command_line_images_open_into_the_config_and_board_owns_them)
{
    struct pc_config cfg = {.ram_size = 32u << 20, .bios_path = bios, .icount_shift = 0,
                            .boot_order = "order=dc,menu=on"};
    struct pc_drive_files files = {.hd = {hd}, .cdrom = cd, .fd = {fd}};
    char err[256];
    ck_assert_msg(pc_open_drives(&cfg, &files, err, sizeof(err)), "%s", err);
    ck_assert(cfg.own_drives);
    ck_assert_int_eq(cfg.ide[0].kind, IDE_DISK);
    ck_assert_int_eq(cfg.ide[2].kind, IDE_CDROM);
    ck_assert(blk_is_read_only(cfg.ide[2].blk));
    ck_assert_ptr_nonnull(cfg.floppy[0]);
    struct pc_machine *p = pc_new(&cfg, err, sizeof(err));
    ck_assert_msg(p != NULL, "%s", err);
    mmu_io_write(p->io, 0x70, 0x3D, 1);
    ck_assert_uint_eq(mmu_io_read(p->io, 0x71, 1), 0x23); /* order=dc */
    pc_free(p); /* closes the three images */
}
END_TEST

START_TEST(command_line_image_errors_are_one_line)
{
    struct pc_config cfg = {0};
    char err[256];
    struct pc_drive_files missing = {.hd = {hd, "/nonexistent/disk.img"}};
    ck_assert(!pc_open_drives(&cfg, &missing, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/disk.img"));
    ck_assert_ptr_null(strchr(err, '\n'));
    ck_assert_ptr_null(cfg.ide[0].blk); /* the first one was closed again */
    struct pc_drive_files clash = {.hd = {NULL, NULL, hd}, .cdrom = cd};
    ck_assert(!pc_open_drives(&cfg, &clash, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "-cdrom"));
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("ide_board");
    TCase *tc = tcase_create("board");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, ide_function_sits_at_01_1_behind_a_multifunction_bridge);
    tcase_add_test(tc, cmos_reports_drive_types_and_geometry);
    tcase_add_test(tc, bootorder_file_lists_devices_in_boot_letter_order);
    tcase_add_test(tc, disk_interrupt_reaches_cpu_as_irq14);
    tcase_add_test(tc, floppy_reads_through_board_dma_and_irq6);
    tcase_add_test(tc, bad_floppy_image_is_refused_with_one_line);
    tcase_add_test(tc, command_line_images_open_into_the_config_and_board_owns_them);
    tcase_add_test(tc, command_line_image_errors_are_one_line);
    suite_add_tcase(s, tc);
    return s;
}
