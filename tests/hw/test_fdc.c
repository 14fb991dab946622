/* 82077AA floppy controller through ports 0x3F0-0x3F7 and the 8237 channel
 * 2, as BIOS and Linux floppy drivers program it: reset polling, seeks and
 * sense interrupt, DMA reads and writes across sectors and heads, format,
 * write protection, data rate, geometry from image sizes. */
#include "hw/block/fdc.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct mmu_phys_space *mem;
static struct mmu_io_space *io;
static struct i8237 dma;
static struct fdc fdc;
static char dir[64], path[4][128];
static struct blk *blks[4];
static int irq_level, irq_edges;

static void irq_cb(void *opaque, int n, int level)
{
    (void)opaque;
    (void)n;
    if (level && !irq_level)
        irq_edges++;
    irq_level = level;
}

static void out(uint16_t port, uint8_t v)
{
    mmu_io_write(io, port, v, 1);
}

static uint8_t in(uint16_t port)
{
    return (uint8_t)mmu_io_read(io, port, 1);
}

static void make_image(int n, uint32_t size)
{
    snprintf(path[n], sizeof(path[n]), "%.60s/fd%d", dir, n);
    int fd = open(path[n], O_CREAT | O_RDWR | O_TRUNC, 0644);
    ck_assert_int_ge(fd, 0);
    uint8_t *buf = malloc(size);
    for (uint32_t i = 0; i < size; i++)
        buf[i] = (uint8_t)(i / 512 * 3 + i % 512);
    ck_assert_int_eq(write(fd, buf, size), (ssize_t)size);
    free(buf);
    close(fd);
}

static struct blk *open_image(int n, bool ro)
{
    struct blk_open_opts o = {.format = "raw", .flags = ro ? BLK_OPEN_READ_ONLY : 0};
    struct blk_error e;
    blks[n] = blk_open(path[n], &o, &e);
    ck_assert_msg(blks[n] != NULL, "%s", e.msg);
    return blks[n];
}

static void attach(int unit, uint32_t size, bool ro)
{
    char err[160];
    make_image(unit, size);
    ck_assert_msg(fdc_attach(&fdc, unit, open_image(unit, ro), err, sizeof(err)), "%s", err);
}

static void setup(void)
{
    mem = mmu_phys_new(16u << 20);
    ck_assert_ptr_nonnull(mmu_phys_map_ram(mem, 0, 16u << 20, 0, 0));
    io = mmu_io_new();
    dma_init(&dma, mem);
    ck_assert(dma_register_io(&dma, io));
    fdc_init(&fdc, &dma);
    ck_assert(fdc_register_io(&fdc, io, 0x3F0));
    irq_connect(&fdc.irq, irq_cb, NULL, 0);
    irq_level = irq_edges = 0;
    memset(blks, 0, sizeof(blks));
    memset(path, 0, sizeof(path));
    strcpy(dir, "/tmp/jit86-fdc-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    for (int i = 0; i < 4; i++) {
        if (blks[i])
            blk_close(blks[i]);
        if (path[i][0])
            unlink(path[i]);
    }
    rmdir(dir);
    mmu_io_free(io);
    mmu_phys_free(mem);
}

static void cmd(const uint8_t *bytes, int n)
{
    for (int i = 0; i < n; i++) {
        ck_assert_uint_eq(in(0x3F4) & 0xC0, 0x80); /* RQM, host to controller */
        out(0x3F5, bytes[i]);
    }
}

static void results(uint8_t *r, int n)
{
    for (int i = 0; i < n; i++) {
        ck_assert_uint_eq(in(0x3F4) & 0xC0, 0xC0);
        r[i] = in(0x3F5);
    }
    ck_assert_uint_eq(in(0x3F4), 0x80); /* back to idle */
}

/* Channel 2: mode 0x46 device to memory, 0x4A memory to device. */
static void program_dma(uint8_t mode, uint32_t addr, uint16_t count)
{
    out(0x0A, 0x06);
    out(0x0C, 0x00);
    out(0x0B, mode);
    out(0x04, (uint8_t)addr);
    out(0x04, (uint8_t)(addr >> 8));
    out(0x81, (uint8_t)(addr >> 16));
    out(0x05, (uint8_t)count);
    out(0x05, (uint8_t)(count >> 8));
    out(0x0A, 0x02);
}

static void seek(uint8_t unit, uint8_t head, uint8_t track)
{
    uint8_t c[3] = {0x0F, (uint8_t)(head << 2 | unit), track}, r[2];
    cmd(c, 3);
    ck_assert_int_eq(irq_level, 1);
    uint8_t si = 0x08;
    cmd(&si, 1);
    results(r, 2);
    ck_assert_uint_eq(r[0], 0x20 | head << 2 | unit);
    ck_assert_uint_eq(r[1], track);
    ck_assert_int_eq(irq_level, 0);
}

static uint8_t pat(uint32_t lba, uint32_t i)
{
    return (uint8_t)(lba * 3 + i);
}

START_TEST(reset_raises_interrupt_and_owes_four_sense_interrupts)
{
    out(0x3F2, 0x08);
    ck_assert_uint_eq(in(0x3F4), 0x00);
    out(0x3F2, 0x0C);
    ck_assert_int_eq(irq_edges, 1);
    uint8_t si = 0x08, r[2];
    for (int i = 0; i < 4; i++) {
        cmd(&si, 1);
        results(r, 2);
        ck_assert_uint_eq(r[0], 0xC0 | i);
    }
    cmd(&si, 1);
    results(r, 1);
    ck_assert_uint_eq(r[0], 0x80); /* nothing pending: invalid */
    ck_assert_int_eq(irq_level, 0);
}
END_TEST

START_TEST(version_configure_lock_dumpreg_and_invalid_commands)
{
    uint8_t r[10];
    uint8_t v = 0x10;
    cmd(&v, 1);
    results(r, 1);
    ck_assert_uint_eq(r[0], 0x90);
    uint8_t spec[3] = {0x03, 0xAF, 0x02};
    cmd(spec, 3);
    uint8_t conf[4] = {0x13, 0x00, 0x57, 0x09};
    cmd(conf, 4);
    uint8_t lock = 0x94;
    cmd(&lock, 1);
    results(r, 1);
    ck_assert_uint_eq(r[0], 0x10);
    uint8_t perp[2] = {0x12, 0x00};
    cmd(perp, 2);
    out(0x3F4, 0x80); /* DSR software reset: LOCK keeps the configuration */
    uint8_t dump = 0x0E;
    cmd(&dump, 1);
    results(r, 10);
    ck_assert_uint_eq(r[8], 0x57);
    ck_assert_uint_eq(r[9], 0x09);
    ck_assert_uint_eq(r[7] & 0x80, 0x80);
    uint8_t bad = 0x1F;
    cmd(&bad, 1);
    results(r, 1);
    ck_assert_uint_eq(r[0], 0x80);
}
END_TEST

START_TEST(seek_and_recalibrate_move_the_head_and_clear_disk_change)
{
    attach(0, 1474560, false);
    ck_assert_uint_eq(in(0x3F7) & 0x80, 0x80); /* new medium */
    seek(0, 0, 10);
    ck_assert_uint_eq(in(0x3F7) & 0x80, 0x00);
    uint8_t sd[2] = {0x04, 0x00}, st3;
    cmd(sd, 2);
    results(&st3, 1);
    ck_assert_uint_eq(st3, 0x28); /* ready, two-sided, not track 0 */
    uint8_t rc[2] = {0x07, 0x00}, si = 0x08, r[2];
    cmd(rc, 2);
    cmd(&si, 1);
    results(r, 2);
    ck_assert_uint_eq(r[0], 0x20);
    ck_assert_uint_eq(r[1], 0);
    cmd(sd, 2);
    results(&st3, 1);
    ck_assert_uint_eq(st3, 0x38);
}
END_TEST

START_TEST(read_data_by_dma_returns_sectors_and_next_address)
{
    attach(0, 1474560, false);
    seek(0, 0, 2);
    program_dma(0x46, 0x10000, 1023);
    uint8_t c[9] = {0xE6, 0x00, 2, 0, 5, 2, 18, 0x1B, 0xFF}, r[7];
    cmd(c, 9);
    ck_assert_int_eq(irq_level, 1);
    results(r, 7);
    ck_assert_int_eq(irq_level, 0);
    const uint8_t want[7] = {0x00, 0, 0, 2, 0, 7, 2};
    ck_assert_mem_eq(r, want, 7);
    uint8_t buf[1024];
    mmu_phys_read(mem, 0x10000, buf, 1024);
    uint32_t lba = 2 * 36 + 4;
    ck_assert_uint_eq(buf[0], pat(lba, 0));
    ck_assert_uint_eq(buf[1023], pat(lba + 1, 511));
}
END_TEST

START_TEST(multitrack_read_continues_on_head_one)
{
    attach(0, 1474560, false);
    seek(0, 0, 1);
    program_dma(0x46, 0x20000, 4 * 512 - 1);
    uint8_t c[9] = {0xE6, 0x00, 1, 0, 17, 2, 18, 0x1B, 0xFF}, r[7];
    cmd(c, 9);
    results(r, 7);
    ck_assert_uint_eq(r[0], 0x04); /* ended on head 1 */
    ck_assert_uint_eq(r[3], 1);
    ck_assert_uint_eq(r[4], 1);
    ck_assert_uint_eq(r[5], 3);
    uint8_t buf[2048];
    mmu_phys_read(mem, 0x20000, buf, 2048);
    ck_assert_uint_eq(buf[0], pat(36 + 16, 0));
    ck_assert_uint_eq(buf[2 * 512 + 9], pat(36 + 18, 9)); /* head 1 sector 1 */
    ck_assert_uint_eq(buf[2047], pat(36 + 19, 511));
}
END_TEST

START_TEST(read_past_end_of_cylinder_without_mt_is_abnormal)
{
    attach(0, 1474560, false);
    program_dma(0x46, 0x20000, 4 * 512 - 1);
    uint8_t c[9] = {0x46, 0x00, 0, 0, 17, 2, 18, 0x1B, 0xFF}, r[7];
    cmd(c, 9);
    results(r, 7);
    ck_assert_uint_eq(r[0], 0x40);
    ck_assert_uint_eq(r[1], 0x80); /* end of cylinder */
    ck_assert_uint_eq(r[3], 1);
    ck_assert_uint_eq(r[5], 1);
    /* Sector beyond the track and cylinder beyond the disk: no data. */
    uint8_t c2[9] = {0x46, 0x00, 0, 0, 19, 2, 18, 0x1B, 0xFF};
    cmd(c2, 9);
    results(r, 7);
    ck_assert_uint_eq(r[0], 0x40);
    ck_assert_uint_eq(r[1], 0x04);
    uint8_t c3[9] = {0x46, 0x00, 80, 0, 1, 2, 18, 0x1B, 0xFF};
    cmd(c3, 9);
    results(r, 7);
    ck_assert_uint_eq(r[1], 0x04);
}
END_TEST

START_TEST(write_data_by_dma_reaches_the_image)
{
    attach(1, 737280, false); /* 720K in drive B: 250 kb/s */
    out(0x3F7, 0x02);
    uint8_t src[1024];
    for (int i = 0; i < 1024; i++)
        src[i] = (uint8_t)(0x99 ^ i);
    mmu_phys_write(mem, 0x30000, src, 1024);
    program_dma(0x4A, 0x30000, 1023);
    uint8_t c[9] = {0xC5, 0x05, 3, 1, 8, 2, 9, 0x1B, 0xFF}, r[7];
    cmd(c, 9);
    results(r, 7);
    ck_assert_uint_eq(r[0], 0x01); /* drive 1, normal termination */
    ck_assert_uint_eq(r[1], 0);
    ck_assert_uint_eq(r[3], 4); /* next: cylinder 4, head 0, sector 1 (MT from head 1) */
    ck_assert_uint_eq(r[4], 0);
    ck_assert_uint_eq(r[5], 1);
    blk_flush(blks[1]);
    int fd = open(path[1], O_RDONLY);
    uint8_t back[1024];
    ck_assert_int_eq(pread(fd, back, 1024, (3 * 18 + 9 + 7) * 512), 1024);
    close(fd);
    ck_assert_mem_eq(back, src, 1024);
}
END_TEST

START_TEST(read_only_image_is_write_protected)
{
    attach(0, 1474560, true);
    uint8_t sd[2] = {0x04, 0x00}, st3, r[7];
    cmd(sd, 2);
    results(&st3, 1);
    ck_assert_uint_eq(st3 & 0x40, 0x40);
    program_dma(0x4A, 0x30000, 511);
    uint8_t c[9] = {0x45, 0x00, 0, 0, 1, 2, 18, 0x1B, 0xFF};
    cmd(c, 9);
    results(r, 7);
    ck_assert_uint_eq(r[0], 0x40);
    ck_assert_uint_eq(r[1], 0x02); /* not writable */
    uint8_t f[6] = {0x4D, 0x00, 2, 18, 0x54, 0xF6};
    cmd(f, 6);
    results(r, 7);
    ck_assert_uint_eq(r[1], 0x02);
}
END_TEST

START_TEST(format_track_fills_each_sector)
{
    attach(0, 1474560, false);
    seek(0, 0, 5);
    uint8_t ids[18 * 4];
    for (int i = 0; i < 18; i++) {
        ids[4 * i] = 5;
        ids[4 * i + 1] = 1;
        ids[4 * i + 2] = (uint8_t)(i + 1);
        ids[4 * i + 3] = 2;
    }
    mmu_phys_write(mem, 0x40000, ids, sizeof(ids));
    program_dma(0x4A, 0x40000, sizeof(ids) - 1);
    uint8_t f[6] = {0x4D, 0x04, 2, 18, 0x54, 0xE5}, r[7];
    cmd(f, 6);
    results(r, 7);
    ck_assert_uint_eq(r[0] & 0xC0, 0);
    blk_flush(blks[0]);
    int fd = open(path[0], O_RDONLY);
    uint8_t back[512];
    ck_assert_int_eq(pread(fd, back, 512, (5 * 36 + 18 + 17) * 512), 512);
    ck_assert_uint_eq(back[0], 0xE5);
    ck_assert_uint_eq(back[511], 0xE5);
    ck_assert_int_eq(pread(fd, back, 512, (5 * 36 + 17) * 512), 512); /* head 0 untouched */
    close(fd);
    ck_assert_uint_eq(back[0], pat(5 * 36 + 17, 0));
}
END_TEST

START_TEST(read_id_and_wrong_data_rate)
{
    attach(0, 1474560, false);
    seek(0, 0, 7);
    uint8_t c[2] = {0x4A, 0x00}, r[7];
    cmd(c, 2);
    results(r, 7);
    ck_assert_uint_eq(r[0], 0);
    ck_assert_uint_eq(r[3], 7);
    ck_assert_uint_eq(r[6], 2);
    out(0x3F7, 0x02); /* 250 kb/s: a 1.44M medium has no readable marks */
    cmd(c, 2);
    results(r, 7);
    ck_assert_uint_eq(r[0], 0x40);
    ck_assert_uint_eq(r[1], 0x01);
    uint8_t c2[2] = {0x4A, 0x01}; /* no drive 1 */
    out(0x3F7, 0x00);
    cmd(c2, 2);
    results(r, 7);
    ck_assert_uint_eq(r[0], 0x49);
}
END_TEST

START_TEST(geometry_and_cmos_type_follow_image_size)
{
    static const struct {
        uint32_t size;
        uint8_t cmos;
    } cases[] = {{368640, 1}, {737280, 3}, {1228800, 2}, {1474560, 4}, {1720320, 4}, {2949120, 5}};
    char err[160];
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        make_image(2, cases[i].size);
        struct blk *b = open_image(2, true);
        ck_assert_msg(fdc_attach(&fdc, 0, b, err, sizeof(err)), "%s", err);
        ck_assert_uint_eq(fdc_cmos_types(&fdc), cases[i].cmos << 4);
        blk_close(b);
        blks[2] = NULL;
    }
    make_image(2, 1000000);
    ck_assert(!fdc_attach(&fdc, 1, open_image(2, true), err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "no floppy format"));
}
END_TEST

START_TEST(interrupt_needs_dma_gate_in_dor)
{
    attach(0, 1474560, false);
    out(0x3F2, 0x04); /* enabled, DMA/IRQ gate off */
    uint8_t c[3] = {0x0F, 0x00, 3};
    cmd(c, 3);
    ck_assert_int_eq(irq_level, 0);
    out(0x3F2, 0x0C);
    ck_assert_int_eq(irq_level, 1);
}
END_TEST

START_TEST(state_description_checks_and_round_trips)
{
    char err[128];
    ck_assert_msg(vms_check(&fdc_vmstate, err, sizeof(err)), "%s", err);
    attach(0, 1474560, false);
    seek(0, 0, 12);
    struct vms_buf b = {0};
    ck_assert(vms_save(&fdc_vmstate, &fdc, &b));
    seek(0, 0, 3);
    size_t pos = 0;
    ck_assert_msg(vms_load(&fdc_vmstate, &fdc, b.data, b.len, &pos, err, sizeof(err)), "%s", err);
    ck_assert_uint_eq(fdc.drive[0].track, 12);
    fdc.drive[0].track = 200;
    struct vms_buf bad = {0};
    ck_assert(vms_save(&fdc_vmstate, &fdc, &bad));
    pos = 0;
    ck_assert(!vms_load(&fdc_vmstate, &fdc, bad.data, bad.len, &pos, err, sizeof(err)));
    vms_buf_free(&b);
    vms_buf_free(&bad);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("fdc");
    TCase *tc = tcase_create("fdc");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, reset_raises_interrupt_and_owes_four_sense_interrupts);
    tcase_add_test(tc, version_configure_lock_dumpreg_and_invalid_commands);
    tcase_add_test(tc, seek_and_recalibrate_move_the_head_and_clear_disk_change);
    tcase_add_test(tc, read_data_by_dma_returns_sectors_and_next_address);
    tcase_add_test(tc, multitrack_read_continues_on_head_one);
    tcase_add_test(tc, read_past_end_of_cylinder_without_mt_is_abnormal);
    tcase_add_test(tc, write_data_by_dma_reaches_the_image);
    tcase_add_test(tc, read_only_image_is_write_protected);
    tcase_add_test(tc, format_track_fills_each_sector);
    tcase_add_test(tc, read_id_and_wrong_data_rate);
    tcase_add_test(tc, geometry_and_cmos_type_follow_image_size);
    tcase_add_test(tc, interrupt_needs_dma_gate_in_dor);
    tcase_add_test(tc, state_description_checks_and_round_trips);
    suite_add_tcase(s, tc);
    return s;
}
