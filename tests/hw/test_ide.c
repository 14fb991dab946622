/* ATA disk on the PIIX3 IDE function, driven through the port space as
 * ata_piix and SeaBIOS do: IDENTIFY, PIO and multiple-mode transfers, LBA28,
 * LBA48 and CHS addressing, bus-master DMA through PRD tables, error
 * registers, SRST, nIEN, flush reaching the file across a SIGKILL. */
#include "test_ide_util.h"

#include <signal.h>
#include <sys/wait.h>

#define P 0x1F0
#define S 0x170

static struct ide_rig rig;
static struct ide_rig *r = &rig;

static void setup(void)
{
    rig_init(r);
}

static void teardown(void)
{
    rig_free(r);
}

static uint8_t pattern(uint64_t sector, unsigned i)
{
    return (uint8_t)(sector * 7 + i);
}

static void disk(int n, uint64_t size, bool ro)
{
    rig_make_image(r, n, size, 512);
    rig_attach(r, n, IDE_DISK, ro);
}

static uint16_t word(const uint8_t *b, int w)
{
    return (uint16_t)(b[2 * w] | b[2 * w + 1] << 8);
}

START_TEST(identify_reports_geometry_capacity_and_strings)
{
    disk(0, 100u << 20, false);
    rig_outb(r, P + 6, 0xA0);
    rig_outb(r, P + 7, 0xEC);
    ck_assert_int_eq(r->irq_edges[0], 1);
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x58); /* DRDY DSC DRQ */
    ck_assert_int_eq(r->irq_level[0], 0);       /* status read acknowledged */
    uint8_t id[512];
    rig_read_data(r, P, id, 512);
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x50);
    ck_assert_uint_eq(word(id, 0), 0x0040);
    ck_assert_uint_eq(word(id, 1), 204800 / (16 * 63)); /* 203 cylinders */
    ck_assert_uint_eq(word(id, 3), 16);
    ck_assert_uint_eq(word(id, 6), 63);
    ck_assert_uint_eq(word(id, 60) | (uint32_t)word(id, 61) << 16, 204800);
    ck_assert_uint_eq(word(id, 100) | (uint32_t)word(id, 101) << 16, 204800);
    ck_assert_uint_eq(word(id, 83) & 0x7400, 0x7400); /* LBA48, FLUSH (EXT) */
    ck_assert_uint_eq(word(id, 47) & 0xFF, 16);
    ck_assert_mem_eq(id + 54, "IJ8T 6AHDRIDKS", 14); /* "JIT86 HARDDISK" swapped */
    uint8_t sum = 0;
    for (int i = 0; i < 512; i++)
        sum = (uint8_t)(sum + id[i]);
    ck_assert_uint_eq(id[510], 0xA5);
    ck_assert_uint_eq(sum, 0);
}
END_TEST

START_TEST(read_sectors_pio_lba28_returns_image_bytes)
{
    disk(0, 1u << 20, false);
    rig_lba28(r, P, 0, 5, 3, 0x20);
    uint8_t buf[512];
    for (int s = 0; s < 3; s++) {
        ck_assert_int_eq(r->irq_edges[0], s + 1); /* one interrupt per sector */
        ck_assert_uint_eq(rig_inb(r, P + 7) & 0x89, 0x08);
        rig_read_data(r, P, buf, 512);
        for (int i = 0; i < 512; i++)
            ck_assert_uint_eq(buf[i], pattern(5 + (uint64_t)s, (unsigned)i));
    }
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x50);
}
END_TEST

START_TEST(write_sectors_pio_reaches_the_image)
{
    disk(0, 1u << 20, false);
    rig_lba28(r, P, 0, 9, 2, 0x30);
    ck_assert_int_eq(r->irq_edges[0], 0); /* first block: DRQ without interrupt */
    ck_assert_uint_eq(rig_inb(r, 0x3F6), 0x58);
    uint8_t buf[1024];
    for (int i = 0; i < 1024; i++)
        buf[i] = (uint8_t)(0xC3 ^ i);
    rig_write_data(r, P, buf, 512);
    ck_assert_int_eq(r->irq_edges[0], 1);
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x58); /* the driver acknowledges */
    rig_write_data(r, P, buf + 512, 512);
    ck_assert_int_eq(r->irq_edges[0], 2);
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x50);
    rig_outb(r, P + 7, 0xE7); /* FLUSH CACHE */
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x50);
    int fd = open(r->path[0], O_RDONLY);
    uint8_t back[1024];
    ck_assert_int_eq(pread(fd, back, 1024, 9 * 512), 1024);
    close(fd);
    ck_assert_mem_eq(back, buf, 1024);
}
END_TEST

START_TEST(chs_address_uses_current_geometry)
{
    disk(0, 4u << 20, false);
    /* INITIALIZE DEVICE PARAMETERS: 4 heads, 17 sectors per track. */
    rig_outb(r, P + 6, 0xA3);
    rig_outb(r, P + 2, 17);
    rig_outb(r, P + 7, 0x91);
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x50);
    /* C/H/S = 2/1/5: LBA (2 * 4 + 1) * 17 + 4 = 157. */
    rig_outb(r, P + 6, 0xA1);
    rig_outb(r, P + 2, 1);
    rig_outb(r, P + 3, 5);
    rig_outb(r, P + 4, 2);
    rig_outb(r, P + 5, 0);
    rig_outb(r, P + 7, 0x20);
    uint8_t buf[512];
    rig_read_data(r, P, buf, 512);
    ck_assert_uint_eq(buf[0], pattern(157, 0));
    ck_assert_uint_eq(buf[100], pattern(157, 100));
    /* Sector 0 does not exist in CHS. */
    rig_outb(r, P + 3, 0);
    rig_outb(r, P + 7, 0x20);
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x41);
    ck_assert_uint_eq(rig_inb(r, P + 1), 0x10);
}
END_TEST

START_TEST(read_multiple_needs_set_multiple_and_interrupts_per_block)
{
    disk(0, 1u << 20, false);
    rig_lba28(r, P, 0, 0, 8, 0xC4);
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x41); /* multiple mode off: ABRT */
    ck_assert_uint_eq(rig_inb(r, P + 1), 0x04);
    rig_outb(r, P + 2, 3);
    rig_outb(r, P + 7, 0xC6);
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x41); /* 3 is not a power of two */
    rig_outb(r, P + 2, 4);
    rig_outb(r, P + 7, 0xC6);
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x50);
    int edges = r->irq_edges[0];
    rig_lba28(r, P, 0, 20, 8, 0xC4);
    ck_assert_int_eq(r->irq_edges[0], edges + 1);
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x58);
    uint8_t buf[2048];
    rig_read_data(r, P, buf, 2048);
    ck_assert_int_eq(r->irq_edges[0], edges + 2); /* second block ready */
    ck_assert_uint_eq(rig_inb(r, P + 7) & 0x08, 0x08);
    ck_assert_uint_eq(buf[3 * 512 + 1], pattern(23, 1));
    rig_read_data(r, P, buf, 2048);
    ck_assert_int_eq(r->irq_edges[0], edges + 2); /* no interrupt after the last block */
    ck_assert_uint_eq(buf[3 * 512 + 1], pattern(27, 1));
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x50);
}
END_TEST

START_TEST(write_multiple_stores_all_blocks)
{
    disk(0, 1u << 20, false);
    rig_outb(r, P + 2, 2);
    rig_outb(r, P + 7, 0xC6);
    rig_lba28(r, P, 0, 40, 4, 0xC5);
    uint8_t buf[2048];
    memset(buf, 0x5A, sizeof(buf));
    rig_write_data(r, P, buf, 2048);
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x50);
    rig_lba28(r, P, 0, 43, 1, 0x20);
    uint8_t back[512];
    rig_read_data(r, P, back, 512);
    ck_assert_uint_eq(back[0], 0x5A);
    ck_assert_uint_eq(back[511], 0x5A);
}
END_TEST

START_TEST(lba48_read_ext_addresses_beyond_28_bits)
{
    /* 200 GiB sparse: LBA 0x12345678 needs the high-order bytes. */
    disk(0, 200ull << 30, false);
    uint64_t lba = 0x12345678;
    int fd = open(r->path[0], O_RDWR);
    uint8_t mark[512];
    memset(mark, 0xEE, 512);
    memcpy(mark, "far sector", 10);
    ck_assert_int_eq(pwrite(fd, mark, 512, (off_t)(lba * 512)), 512);
    close(fd);
    rig_lba48(r, P, 0, lba, 1, 0x24);
    uint8_t buf[512];
    rig_read_data(r, P, buf, 512);
    ck_assert_mem_eq(buf, mark, 512);
    /* IDENTIFY: LBA28 capacity saturates, words 100-103 hold the total. */
    rig_outb(r, P + 7, 0xEC);
    uint8_t id[512];
    rig_read_data(r, P, id, 512);
    ck_assert_uint_eq(word(id, 60) | (uint32_t)word(id, 61) << 16, 0x0FFFFFFF);
    uint64_t n = 0;
    for (int i = 0; i < 4; i++)
        n |= (uint64_t)word(id, 100 + i) << (16 * i);
    ck_assert_uint_eq(n, (200ull << 30) / 512);
}
END_TEST

START_TEST(hob_bit_reads_previous_register_contents)
{
    disk(0, 1u << 20, false);
    rig_outb(r, P + 3, 0x11);
    rig_outb(r, P + 3, 0x22);
    ck_assert_uint_eq(rig_inb(r, P + 3), 0x22);
    rig_outb(r, 0x3F6, 0x80);
    ck_assert_uint_eq(rig_inb(r, P + 3), 0x11);
    rig_outb(r, P + 4, 0); /* any register write clears HOB */
    ck_assert_uint_eq(rig_inb(r, P + 3), 0x22);
}
END_TEST

START_TEST(read_past_end_fails_with_idnf)
{
    disk(0, 1u << 20, false); /* 2048 sectors */
    rig_lba28(r, P, 0, 2047, 2, 0x20);
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x41);
    ck_assert_uint_eq(rig_inb(r, P + 1), 0x10);
    rig_lba48(r, P, 0, 1ull << 40, 1, 0x25);
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x41);
    ck_assert_uint_eq(rig_inb(r, P + 1), 0x10);
    rig_lba28(r, P, 0, 2047, 1, 0x40); /* READ VERIFY of the last sector */
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x50);
}
END_TEST

START_TEST(write_to_read_only_image_aborts)
{
    disk(0, 1u << 20, true);
    rig_lba28(r, P, 0, 1, 1, 0x30);
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x41);
    ck_assert_uint_eq(rig_inb(r, P + 1), 0x04);
    rig_lba28(r, P, 0, 1, 1, 0xCA);
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x41);
}
END_TEST

START_TEST(dma_read_scatters_through_prd_table)
{
    disk(0, 1u << 20, false);
    rig_prd(r, 0x1000, 0, 0x20000, 512, false);
    rig_prd(r, 0x1000, 1, 0x30000, 1024, true);
    rig_bm_setup(r, 0, 0x1000, true);
    rig_lba28(r, P, 0, 100, 3, 0xC8);
    ck_assert_int_eq(r->irq_edges[0], 0);
    rig_bm_start(r, 0, true);
    ck_assert_int_eq(r->irq_edges[0], 1);
    ck_assert_uint_eq(rig_bm_status(r, 0) & 7, 0x04); /* interrupt, not active */
    rig_outb(r, T_BM_BASE, 0x08);                      /* stop */
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x50);
    uint8_t buf[1024];
    mmu_phys_read(r->mem, 0x20000, buf, 512);
    ck_assert_uint_eq(buf[7], pattern(100, 7));
    mmu_phys_read(r->mem, 0x30000, buf, 1024);
    ck_assert_uint_eq(buf[0], pattern(101, 0));
    ck_assert_uint_eq(buf[1023], pattern(102, 511));
}
END_TEST

START_TEST(dma_write_ext_gathers_from_memory)
{
    disk(0, 1u << 20, false);
    uint8_t src[1024];
    for (int i = 0; i < 1024; i++)
        src[i] = (uint8_t)(i * 3);
    mmu_phys_write(r->mem, 0x40000, src, 1024);
    rig_prd(r, 0x2000, 0, 0x40000, 1024, true);
    rig_bm_start(r, 0, false); /* started before the command: runs at issue */
    mmu_io_write(r->io, T_BM_BASE + 4, 0x2000, 4);
    rig_lba48(r, P, 0, 300, 2, 0x35);
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x50);
    ck_assert_uint_eq(rig_bm_status(r, 0) & 4, 4);
    rig_outb(r, P + 7, 0xEA); /* FLUSH CACHE EXT */
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x50);
    int fd = open(r->path[0], O_RDONLY);
    uint8_t back[1024];
    ck_assert_int_eq(pread(fd, back, 1024, 300 * 512), 1024);
    close(fd);
    ck_assert_mem_eq(back, src, 1024);
}
END_TEST

START_TEST(prd_outside_ram_sets_bus_master_error)
{
    disk(0, 1u << 20, false);
    rig_prd(r, 0x1000, 0, 0xF0000000u, 512, true); /* beyond the 16 MiB of RAM */
    rig_bm_setup(r, 0, 0x1000, true);
    rig_lba28(r, P, 0, 0, 1, 0xC8);
    rig_bm_start(r, 0, true);
    ck_assert_uint_eq(rig_bm_status(r, 0) & 7, 0x06); /* error, interrupt */
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x41);
    ck_assert_uint_eq(rig_inb(r, P + 1), 0x04);
    /* The table itself outside RAM. */
    rig_bm_setup(r, 0, 0xFFFFFFF0u, true);
    rig_lba28(r, P, 0, 0, 1, 0xC8);
    rig_bm_start(r, 0, true);
    ck_assert_uint_eq(rig_bm_status(r, 0) & 2, 2);
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x41);
}
END_TEST

START_TEST(prd_region_crossing_64k_is_an_error)
{
    disk(0, 1u << 20, false);
    rig_prd(r, 0x1000, 0, 0x2FF00, 512, true);
    rig_bm_setup(r, 0, 0x1000, true);
    rig_lba28(r, P, 0, 0, 1, 0xC8);
    rig_bm_start(r, 0, true);
    ck_assert_uint_eq(rig_bm_status(r, 0) & 2, 2);
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x41);
}
END_TEST

START_TEST(prd_table_shorter_than_transfer_aborts)
{
    disk(0, 1u << 20, false);
    rig_prd(r, 0x1000, 0, 0x20000, 512, true);
    rig_bm_setup(r, 0, 0x1000, true);
    rig_lba28(r, P, 0, 0, 4, 0xC8);
    rig_bm_start(r, 0, true);
    ck_assert_uint_eq(rig_bm_status(r, 0) & 7, 0x04);
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x41);
    ck_assert_uint_eq(rig_inb(r, P + 1), 0x04);
}
END_TEST

START_TEST(prd_larger_than_transfer_leaves_engine_active)
{
    disk(0, 1u << 20, false);
    rig_prd(r, 0x1000, 0, 0x20000, 4096, true);
    rig_bm_setup(r, 0, 0x1000, true);
    rig_lba28(r, P, 0, 0, 1, 0xC8);
    rig_bm_start(r, 0, true);
    ck_assert_uint_eq(rig_bm_status(r, 0) & 7, 0x05);
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x50);
}
END_TEST

START_TEST(srst_sets_signatures_and_nien_masks_interrupt)
{
    disk(0, 1u << 20, false);
    rig_make_image(r, 1, 1u << 20, 2048);
    rig_attach(r, 1, IDE_CDROM, true);
    rig_outb(r, 0x3F6, 0x06); /* SRST, nIEN */
    ck_assert_uint_eq(rig_inb(r, 0x3F6) & 0x80, 0x80);
    rig_outb(r, 0x3F6, 0x02);
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x50);
    ck_assert_uint_eq(rig_inb(r, P + 1), 0x01);
    ck_assert_uint_eq(rig_inb(r, P + 2), 0x01);
    ck_assert_uint_eq(rig_inb(r, P + 4), 0x00);
    rig_outb(r, P + 6, 0xB0);
    ck_assert_uint_eq(rig_inb(r, P + 4), 0x14); /* packet device signature */
    ck_assert_uint_eq(rig_inb(r, P + 5), 0xEB);
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x00);
    rig_outb(r, P + 6, 0xA0);
    rig_lba28(r, P, 0, 0, 1, 0x20);
    ck_assert_int_eq(r->irq_edges[0], 0); /* masked */
    rig_outb(r, 0x3F6, 0x00);
    ck_assert_int_eq(r->irq_edges[0], 1); /* pending INTRQ shows once unmasked */
}
END_TEST

START_TEST(absent_slave_reads_zero_and_empty_channel_floats)
{
    disk(0, 1u << 20, false);
    rig_outb(r, P + 6, 0xB0);
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x00);
    rig_outb(r, P + 7, 0xEC); /* ignored */
    ck_assert_int_eq(r->irq_edges[0], 0);
    ck_assert_uint_eq(rig_inb(r, S + 7), 0xFF);
    ck_assert_uint_eq(rig_inb(r, 0x376), 0xFF);
}
END_TEST

START_TEST(secondary_channel_master_and_slave_are_independent)
{
    disk(2, 1u << 20, false);
    disk(3, 2u << 20, false);
    rig_outb(r, S + 6, 0xB0);
    rig_outb(r, S + 7, 0xEC);
    ck_assert_int_eq(r->irq_edges[1], 1);
    ck_assert_int_eq(r->irq_edges[0], 0);
    uint8_t id[512];
    rig_read_data(r, S, id, 512);
    ck_assert_uint_eq(word(id, 60), 4096);
    rig_outb(r, S + 6, 0xA0);
    rig_outb(r, S + 7, 0xEC);
    rig_read_data(r, S, id, 512);
    ck_assert_uint_eq(word(id, 60), 2048);
}
END_TEST

START_TEST(set_features_and_power_commands)
{
    disk(0, 1u << 20, false);
    rig_outb(r, P + 1, 0x03);
    rig_outb(r, P + 2, 0x42); /* UDMA 2 */
    rig_outb(r, P + 7, 0xEF);
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x50);
    rig_outb(r, P + 7, 0xEC);
    uint8_t id[512];
    rig_read_data(r, P, id, 512);
    ck_assert_uint_eq(word(id, 88), 0x043F);
    rig_outb(r, P + 1, 0x03);
    rig_outb(r, P + 2, 0x47); /* UDMA 7 does not exist */
    rig_outb(r, P + 7, 0xEF);
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x41);
    rig_outb(r, P + 1, 0x77);
    rig_outb(r, P + 7, 0xEF);
    ck_assert_uint_eq(rig_inb(r, P + 1), 0x04);
    rig_outb(r, P + 2, 0);
    rig_outb(r, P + 7, 0xE5);
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x50);
    ck_assert_uint_eq(rig_inb(r, P + 2), 0xFF);
    const uint8_t noop[] = {0xE0, 0xE1, 0xE2, 0xE3, 0x70, 0x10};
    for (unsigned i = 0; i < sizeof(noop); i++) {
        rig_outb(r, P + 7, noop[i]);
        ck_assert_uint_eq(rig_inb(r, P + 7), 0x50);
    }
    rig_outb(r, P + 7, 0x00); /* NOP aborts */
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x41);
    rig_outb(r, P + 7, 0xA1); /* IDENTIFY PACKET DEVICE: not for disks */
    ck_assert_uint_eq(rig_inb(r, P + 7), 0x41);
}
END_TEST

START_TEST(state_round_trips_through_vmstate)
{
    char err[128];
    ck_assert_msg(vms_check(&ide_bus_vmstate, err, sizeof(err)), "%s", err);
    disk(0, 1u << 20, false);
    rig_lba28(r, P, 0, 3, 2, 0x20);
    uint8_t first[256];
    rig_read_data(r, P, first, 256);
    struct vms_buf b = {0};
    ck_assert(vms_save(&ide_bus_vmstate, &r->ide->bus[0], &b));
    uint8_t rest[256];
    rig_read_data(r, P, rest, 256);
    size_t pos = 0;
    ck_assert_msg(vms_load(&ide_bus_vmstate, &r->ide->bus[0], b.data, b.len, &pos, err,
                           sizeof(err)),
                  "%s", err);
    uint8_t again[256];
    rig_read_data(r, P, again, 256);
    ck_assert_mem_eq(again, rest, 256);
    /* A corrupt window is rejected. */
    r->ide->bus[0].drive[0].pos = 70000;
    struct vms_buf bad = {0};
    ck_assert(vms_save(&ide_bus_vmstate, &r->ide->bus[0], &bad));
    pos = 0;
    ck_assert(!vms_load(&ide_bus_vmstate, &r->ide->bus[0], bad.data, bad.len, &pos, err,
                        sizeof(err)));
    vms_buf_free(&b);
    vms_buf_free(&bad);
}
END_TEST

/* The child writes through the device, flushes, reports, and is killed with
 * SIGKILL: the parent must find the flushed sectors in the file. */
START_TEST(flushed_writes_survive_sigkill)
{
    rig_make_image(r, 0, 1u << 20, 512);
    int pipefd[2];
    ck_assert_int_eq(pipe(pipefd), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        rig_attach(r, 0, IDE_DISK, false);
        uint8_t buf[512];
        memset(buf, 0xA7, sizeof(buf));
        rig_lba28(r, P, 0, 77, 1, 0x30);
        rig_write_data(r, P, buf, 512);
        rig_outb(r, P + 7, 0xE7);
        char ok = rig_inb(r, P + 7) == 0x50 ? 'y' : 'n';
        if (write(pipefd[1], &ok, 1) != 1)
            _exit(2);
        for (;;)
            pause();
    }
    char ok = 0;
    ck_assert_int_eq(read(pipefd[0], &ok, 1), 1);
    ck_assert_int_eq(ok, 'y');
    kill(pid, SIGKILL);
    int st;
    waitpid(pid, &st, 0);
    ck_assert(WIFSIGNALED(st));
    close(pipefd[0]);
    close(pipefd[1]);
    int fd = open(r->path[0], O_RDONLY);
    uint8_t back[512];
    ck_assert_int_eq(pread(fd, back, 512, 77 * 512), 512);
    close(fd);
    ck_assert_uint_eq(back[0], 0xA7);
    ck_assert_uint_eq(back[511], 0xA7);
}
END_TEST

START_TEST(pci_function_identifies_as_piix3_ide)
{
    ck_assert_uint_eq(pci_config_read(&r->pci, PCI_DEVFN(1, 1), 0, 4), 0x70108086);
    ck_assert_uint_eq(pci_config_read(&r->pci, PCI_DEVFN(1, 1), 0x08, 4) >> 8, 0x010180);
    pci_config_write(&r->pci, PCI_DEVFN(1, 1), 0x40, 0x8000, 2);
    ck_assert_uint_eq(pci_config_read(&r->pci, PCI_DEVFN(1, 1), 0x40, 2), 0x8000);
    ck_assert_uint_eq(pci_config_read(&r->pci, PCI_DEVFN(1, 1), PCI_BAR0 + 16, 4), T_BM_BASE | 1);
}
END_TEST

/* No firmware runs before a -kernel boot, and Linux's ata_piix ignores a
 * channel whose IDETIM decode bit is clear: reset leaves both set, as the
 * ports decode regardless. */
START_TEST(idetim_reports_both_channels_decoding_after_reset)
{
    pci_config_write(&r->pci, PCI_DEVFN(1, 1), 0x40, 0x0000, 4);
    piix_ide_reset(r->ide);
    ck_assert_uint_eq(pci_config_read(&r->pci, PCI_DEVFN(1, 1), 0x40, 2), 0x8000);
    ck_assert_uint_eq(pci_config_read(&r->pci, PCI_DEVFN(1, 1), 0x42, 2), 0x8000);
    ck_assert_uint_eq(pci_config_read(&r->pci, PCI_DEVFN(1, 1), 0x44, 1), 0x00);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("ide");
    TCase *tc = tcase_create("ata");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, identify_reports_geometry_capacity_and_strings);
    tcase_add_test(tc, read_sectors_pio_lba28_returns_image_bytes);
    tcase_add_test(tc, write_sectors_pio_reaches_the_image);
    tcase_add_test(tc, chs_address_uses_current_geometry);
    tcase_add_test(tc, read_multiple_needs_set_multiple_and_interrupts_per_block);
    tcase_add_test(tc, write_multiple_stores_all_blocks);
    tcase_add_test(tc, lba48_read_ext_addresses_beyond_28_bits);
    tcase_add_test(tc, hob_bit_reads_previous_register_contents);
    tcase_add_test(tc, read_past_end_fails_with_idnf);
    tcase_add_test(tc, write_to_read_only_image_aborts);
    tcase_add_test(tc, dma_read_scatters_through_prd_table);
    tcase_add_test(tc, dma_write_ext_gathers_from_memory);
    tcase_add_test(tc, prd_outside_ram_sets_bus_master_error);
    tcase_add_test(tc, prd_region_crossing_64k_is_an_error);
    tcase_add_test(tc, prd_table_shorter_than_transfer_aborts);
    tcase_add_test(tc, prd_larger_than_transfer_leaves_engine_active);
    tcase_add_test(tc, srst_sets_signatures_and_nien_masks_interrupt);
    tcase_add_test(tc, absent_slave_reads_zero_and_empty_channel_floats);
    tcase_add_test(tc, secondary_channel_master_and_slave_are_independent);
    tcase_add_test(tc, set_features_and_power_commands);
    tcase_add_test(tc, state_round_trips_through_vmstate);
    tcase_add_test(tc, flushed_writes_survive_sigkill);
    tcase_add_test(tc, idetim_reports_both_channels_decoding_after_reset);
    tcase_add_test(tc, pci_function_identifies_as_piix3_ide);
    suite_add_tcase(s, tc);
    return s;
}
