/* The physical address space: RAM, ROM, MMIO dispatch by width, priorities,
 * PAM shadowing, aliases, unassigned accesses, bulk DMA accesses. */
#include "softmmu/softmmu.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

/* A device that records every access it receives. */
struct recorder {
    unsigned calls;
    uint64_t offset[16];
    unsigned size[16];
    uint64_t written[16];
    bool wrote[16];
};

static uint64_t rec_read(void *opaque, uint64_t offset, unsigned size)
{
    struct recorder *r = opaque;
    if (r->calls < 16) {
        r->offset[r->calls] = offset;
        r->size[r->calls] = size;
        r->wrote[r->calls] = false;
    }
    r->calls++;
    /* Register contents: byte at offset k reads as 0x10 + k. */
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)(0x10 + offset + i) << (8 * i);
    return v;
}

static void rec_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    struct recorder *r = opaque;
    if (r->calls < 16) {
        r->offset[r->calls] = offset;
        r->size[r->calls] = size;
        r->written[r->calls] = value;
        r->wrote[r->calls] = true;
    }
    r->calls++;
}

static struct mmu_phys_space *space_with_ram(uint64_t size)
{
    struct mmu_phys_space *s = mmu_phys_new(size);
    ck_assert_ptr_nonnull(s);
    ck_assert_ptr_nonnull(mmu_phys_map_ram(s, 0, size, 0, 0));
    return s;
}

START_TEST(ram_is_little_endian_and_reads_back)
{
    struct mmu_phys_space *s = space_with_ram(1 << 20);
    mmu_phys_store(s, 0x1000, 0x1122334455667788ull, 8);
    ck_assert_uint_eq(mmu_phys_ram(s)[0x1000], 0x88);
    ck_assert_uint_eq(mmu_phys_ram(s)[0x1007], 0x11);
    ck_assert_uint_eq(mmu_phys_load(s, 0x1002, 2), 0x5566);
    ck_assert_uint_eq(mmu_phys_load(s, 0x1001, 4), 0x44556677);
    mmu_phys_free(s);
}
END_TEST

static char last_log[256];
static unsigned log_lines;

static void capture_log(void *opaque, const char *fmt, va_list ap)
{
    (void)opaque;
    vsnprintf(last_log, sizeof(last_log), fmt, ap);
    log_lines++;
}

START_TEST(unassigned_reads_all_ones_ignores_writes_and_logs_unimp)
{
    struct mmu_phys_space *s = space_with_ram(1 << 20);
    mmu_phys_set_log(s, capture_log, NULL);
    log_lines = 0;
    ck_assert_uint_eq(mmu_phys_load(s, 0x200000, 4), 0xffffffffu);
    ck_assert_uint_eq(log_lines, 1);
    ck_assert_ptr_nonnull(strstr(last_log, "unassigned physical read at 0x200000"));
    ck_assert(!mmu_phys_store(s, 0x200000, 0x12345678, 4));
    ck_assert_uint_eq(log_lines, 2);
    ck_assert_ptr_nonnull(strstr(last_log, "unassigned physical write"));
    ck_assert_uint_eq(mmu_phys_load(s, 0x200000, 4), 0xffffffffu);
    ck_assert_uint_eq(mmu_phys_load(s, MMU_PHYS_LIMIT + 5, 8), ~0ull);
    /* No wraparound at the top of the 64-bit space into RAM at 0. */
    ck_assert_uint_eq(mmu_phys_load(s, ~0ull, 2), 0xffff);
    ck_assert_uint_eq(mmu_phys_stats(s)->unassigned_reads, 4);
    ck_assert_uint_eq(mmu_phys_stats(s)->unassigned_writes, 1);
    mmu_phys_free(s);
}
END_TEST

START_TEST(access_straddling_ram_end_reads_ones_for_missing_bytes)
{
    struct mmu_phys_space *s = space_with_ram(0x10000);
    mmu_phys_store(s, 0xfffe, 0xbbaa, 2);
    ck_assert_uint_eq(mmu_phys_load(s, 0xfffe, 4), 0xffffbbaau);
    mmu_phys_store(s, 0xffff, 0x11223344, 4);
    ck_assert_uint_eq(mmu_phys_ram(s)[0xffff], 0x44);
    mmu_phys_free(s);
}
END_TEST

START_TEST(rom_reads_its_bytes_and_ignores_writes)
{
    static const uint8_t rom[8192] = {[0] = 0xea, [1] = 0x5b, [8191] = 0x77};
    struct mmu_phys_space *s = space_with_ram(1 << 20);
    ck_assert_ptr_nonnull(mmu_phys_map_rom(s, 0xfe000, sizeof(rom), rom, 1));
    ck_assert_uint_eq(mmu_phys_load(s, 0xfe000, 2), 0x5bea);
    mmu_phys_store(s, 0xfe000, 0, 2);
    ck_assert_uint_eq(mmu_phys_load(s, 0xfe000, 2), 0x5bea);
    ck_assert_uint_eq(rom[0], 0xea);
    ck_assert_uint_eq(mmu_phys_load(s, 0xfffff, 1), 0x77);
    mmu_phys_free(s);
}
END_TEST

START_TEST(bios_rom_alias_at_top_of_4g_shows_the_same_bytes)
{
    static uint8_t bios[0x20000];
    bios[0x1fff0] = 0xea;
    struct mmu_phys_space *s = space_with_ram(1 << 20);
    ck_assert_ptr_nonnull(mmu_phys_map_rom(s, 0xe0000, sizeof(bios), bios, 1));
    ck_assert_ptr_nonnull(mmu_phys_map_rom(s, 0xfffe0000, sizeof(bios), bios, 1));
    ck_assert_uint_eq(mmu_phys_load(s, 0xffff0, 1), 0xea);
    ck_assert_uint_eq(mmu_phys_load(s, 0xfffffff0, 1), 0xea);
    bios[0x1fff1] = 0x42;
    ck_assert_uint_eq(mmu_phys_load(s, 0xfffffff1, 1), 0x42);
    mmu_phys_free(s);
}
END_TEST

static const struct mmu_io_ops ops_12 = {rec_read, rec_write, MMU_WIDTH_1 | MMU_WIDTH_2};
static const struct mmu_io_ops ops_4 = {rec_read, rec_write, MMU_WIDTH_4};
static const struct mmu_io_ops ops_all = {rec_read, rec_write, 0};

START_TEST(mmio_access_of_a_supported_width_is_one_call)
{
    struct recorder rec = {0};
    struct mmu_phys_space *s = space_with_ram(1 << 20);
    ck_assert_ptr_nonnull(mmu_phys_map_mmio(s, 0xfebf0000, 0x100, &ops_all, &rec, 1));
    ck_assert_uint_eq(mmu_phys_load(s, 0xfebf0008, 8), 0x1f1e1d1c1b1a1918ull);
    ck_assert_uint_eq(rec.calls, 1);
    ck_assert_uint_eq(rec.offset[0], 8);
    ck_assert_uint_eq(rec.size[0], 8);
    mmu_phys_store(s, 0xfebf0004, 0xdeadbeef, 4);
    ck_assert_uint_eq(rec.calls, 2);
    ck_assert(rec.wrote[1]);
    ck_assert_uint_eq(rec.written[1], 0xdeadbeef);
    ck_assert_uint_eq(rec.size[1], 4);
    mmu_phys_free(s);
}
END_TEST

START_TEST(mmio_wide_access_splits_into_declared_widths)
{
    struct recorder rec = {0};
    struct mmu_phys_space *s = space_with_ram(1 << 20);
    ck_assert_ptr_nonnull(mmu_phys_map_mmio(s, 0xa0000, 0x20000, &ops_12, &rec, 1));
    ck_assert_uint_eq(mmu_phys_load(s, 0xa0010, 4), 0x23222120u);
    ck_assert_uint_eq(rec.calls, 2);
    ck_assert_uint_eq(rec.offset[0], 0x10);
    ck_assert_uint_eq(rec.size[0], 2);
    ck_assert_uint_eq(rec.offset[1], 0x12);
    ck_assert_uint_eq(rec.size[1], 2);
    rec.calls = 0;
    mmu_phys_store(s, 0xa0020, 0x8877665544332211ull, 8);
    ck_assert_uint_eq(rec.calls, 4);
    ck_assert_uint_eq(rec.written[0], 0x2211);
    ck_assert_uint_eq(rec.offset[3], 0x26);
    ck_assert_uint_eq(rec.written[3], 0x8877);
    mmu_phys_free(s);
}
END_TEST

START_TEST(mmio_unaligned_access_splits_into_aligned_pieces)
{
    struct recorder rec = {0};
    struct mmu_phys_space *s = space_with_ram(1 << 20);
    ck_assert_ptr_nonnull(mmu_phys_map_mmio(s, 0xa0000, 0x1000, &ops_12, &rec, 1));
    /* 4 bytes at 1: byte at 1, word at 2, byte at 4. */
    ck_assert_uint_eq(mmu_phys_load(s, 0xa0001, 4), 0x14131211u);
    ck_assert_uint_eq(rec.calls, 3);
    ck_assert_uint_eq(rec.offset[0], 1);
    ck_assert_uint_eq(rec.size[0], 1);
    ck_assert_uint_eq(rec.offset[1], 2);
    ck_assert_uint_eq(rec.size[1], 2);
    ck_assert_uint_eq(rec.offset[2], 4);
    ck_assert_uint_eq(rec.size[2], 1);
    mmu_phys_free(s);
}
END_TEST

START_TEST(mmio_narrow_access_to_dword_device_is_widened)
{
    struct recorder rec = {0};
    struct mmu_phys_space *s = space_with_ram(1 << 20);
    ck_assert_ptr_nonnull(mmu_phys_map_mmio(s, 0xfee00000, 0x1000, &ops_4, &rec, 1));
    ck_assert_uint_eq(mmu_phys_load(s, 0xfee00022, 1), 0x32);
    ck_assert_uint_eq(rec.calls, 1);
    ck_assert_uint_eq(rec.offset[0], 0x20);
    ck_assert_uint_eq(rec.size[0], 4);
    mmu_phys_store(s, 0xfee00021, 0xab, 1);
    ck_assert_uint_eq(rec.calls, 2);
    ck_assert_uint_eq(rec.offset[1], 0x20);
    ck_assert_uint_eq(rec.size[1], 4);
    ck_assert_uint_eq(rec.written[1], 0xab00);
    /* A qword to a dword-only device: two dword cycles. */
    rec.calls = 0;
    ck_assert_uint_eq(mmu_phys_load(s, 0xfee00040, 8), 0x5756555453525150ull);
    ck_assert_uint_eq(rec.calls, 2);
    ck_assert_uint_eq(rec.offset[1], 0x44);
    mmu_phys_free(s);
}
END_TEST

START_TEST(vga_window_overrides_ram_until_unmapped)
{
    struct recorder rec = {0};
    struct mmu_phys_space *s = space_with_ram(1 << 20);
    mmu_phys_ram(s)[0xa0000] = 0x99;
    struct mmu_region *vga = mmu_phys_map_mmio(s, 0xa0000, 0x20000, &ops_all, &rec, 1);
    ck_assert_ptr_nonnull(vga);
    ck_assert_uint_eq(mmu_phys_load(s, 0xa0000, 1), 0x10);
    mmu_phys_store(s, 0xa0000, 0x55, 1);
    ck_assert_uint_eq(mmu_phys_ram(s)[0xa0000], 0x99);
    ck_assert_uint_eq(rec.calls, 2);
    mmu_region_unmap(vga);
    ck_assert_uint_eq(mmu_phys_load(s, 0xa0000, 1), 0x99);
    ck_assert_uint_eq(mmu_phys_load(s, 0x9ffff, 1), 0);
    mmu_phys_free(s);
}
END_TEST

START_TEST(lower_priority_region_mapped_later_stays_hidden)
{
    struct recorder rec = {0};
    struct mmu_phys_space *s = mmu_phys_new(1 << 20);
    ck_assert_ptr_nonnull(mmu_phys_map_mmio(s, 0xa0000, 0x20000, &ops_all, &rec, 5));
    ck_assert_ptr_nonnull(mmu_phys_map_ram(s, 0, 1 << 20, 0, 0));
    ck_assert_uint_eq(mmu_phys_load(s, 0xa0001, 1), 0x11);
    mmu_phys_free(s);
}
END_TEST

START_TEST(sub_page_mmio_region_shares_a_page_with_ram)
{
    struct recorder rec = {0};
    struct mmu_phys_space *s = space_with_ram(1 << 20);
    memset(mmu_phys_ram(s) + 0x5000, 0x66, 0x1000);
    ck_assert_ptr_nonnull(mmu_phys_map_mmio(s, 0x5100, 0x10, &ops_all, &rec, 1));
    ck_assert_uint_eq(mmu_phys_load(s, 0x50ff, 1), 0x66);
    ck_assert_uint_eq(mmu_phys_load(s, 0x5100, 1), 0x10);
    ck_assert_uint_eq(mmu_phys_load(s, 0x510f, 1), 0x1f);
    ck_assert_uint_eq(mmu_phys_load(s, 0x5110, 1), 0x66);
    /* A dword straddling the end of the device: 3 device bytes, 1 RAM byte. */
    ck_assert_uint_eq(mmu_phys_load(s, 0x510d, 4), 0x661f1e1du);
    mmu_phys_free(s);
}
END_TEST

START_TEST(pam_shadow_writes_ram_while_reading_rom_then_reads_ram)
{
    static uint8_t bios[0x10000];
    memset(bios, 0xb1, sizeof(bios));
    struct mmu_phys_space *s = space_with_ram(1 << 20);
    ck_assert_ptr_nonnull(mmu_phys_map_rom(s, 0xf0000, sizeof(bios), bios, 1));
    struct mmu_region *shadow = mmu_phys_map_ram(s, 0xf0000, 0x10000, 0xf0000, 2);
    ck_assert_ptr_nonnull(shadow);

    /* PAM = 0 (reads and writes to the PCI side): ROM, writes ignored. */
    mmu_region_set_access(shadow, false, false);
    ck_assert_uint_eq(mmu_phys_load(s, 0xf1234, 1), 0xb1);
    mmu_phys_store(s, 0xf1234, 0x42, 1);
    ck_assert_uint_eq(mmu_phys_ram(s)[0xf1234], 0);

    /* PAM = WE only: the BIOS copies itself to shadow RAM. */
    mmu_region_set_access(shadow, false, true);
    mmu_phys_store(s, 0xf1234, 0x42, 1);
    ck_assert_uint_eq(mmu_phys_ram(s)[0xf1234], 0x42);
    ck_assert_uint_eq(mmu_phys_load(s, 0xf1234, 1), 0xb1);

    /* PAM = RE only: reads from the shadow copy, writes protected. */
    mmu_region_set_access(shadow, true, false);
    ck_assert_uint_eq(mmu_phys_load(s, 0xf1234, 1), 0x42);
    mmu_phys_store(s, 0xf1234, 0x77, 1);
    ck_assert_uint_eq(mmu_phys_load(s, 0xf1234, 1), 0x42);
    ck_assert_uint_eq(bios[0x1234], 0xb1);

    /* And back to ROM. */
    mmu_region_set_access(shadow, false, false);
    ck_assert_uint_eq(mmu_phys_load(s, 0xf1234, 1), 0xb1);
    mmu_phys_free(s);
}
END_TEST

START_TEST(moved_region_answers_at_its_new_base_only)
{
    struct recorder rec = {0};
    struct mmu_phys_space *s = space_with_ram(1 << 20);
    struct mmu_region *bar = mmu_phys_map_mmio(s, 0xe0000000, 0x1000, &ops_all, &rec, 1);
    ck_assert(mmu_region_move(bar, 0xe1000000));
    ck_assert_uint_eq(mmu_phys_load(s, 0xe0000000, 1), 0xff);
    ck_assert_uint_eq(mmu_phys_load(s, 0xe1000003, 1), 0x13);
    ck_assert(!mmu_region_move(bar, MMU_PHYS_LIMIT - 0x800));
    ck_assert_uint_eq(mmu_phys_load(s, 0xe1000003, 1), 0x13);
    mmu_phys_free(s);
}
END_TEST

START_TEST(bad_mappings_are_refused)
{
    struct mmu_phys_space *s = mmu_phys_new(1 << 20);
    ck_assert_ptr_null(mmu_phys_map_ram(s, 0, 2 << 20, 0, 0));
    ck_assert_ptr_null(mmu_phys_map_ram(s, 0, 0x1000, (1 << 20) - 0x800, 0));
    ck_assert_ptr_null(mmu_phys_map_ram(s, MMU_PHYS_LIMIT - 0x1000, 0x2000, 0, 0));
    ck_assert_ptr_null(mmu_phys_map_ram(s, 0, 0, 0, 0));
    ck_assert_ptr_null(mmu_phys_map_rom(s, 0, 0x1000, NULL, 0));
    ck_assert_ptr_null(mmu_phys_new(MMU_PHYS_LIMIT + 1));
    mmu_phys_free(s);
}
END_TEST

START_TEST(ram_of_three_and_a_half_gib_is_lazily_backed)
{
    uint64_t size = 3584ull << 20;
    struct mmu_phys_space *s = mmu_phys_new(size);
    ck_assert_ptr_nonnull(s);
    ck_assert_ptr_nonnull(mmu_phys_map_ram(s, 0, size, 0, 0));
    mmu_phys_store(s, size - 4, 0xcafef00d, 4);
    ck_assert_uint_eq(mmu_phys_load(s, size - 4, 4), 0xcafef00d);
    ck_assert_uint_eq(mmu_phys_load(s, size, 4), 0xffffffffu);
    mmu_phys_free(s);
}
END_TEST

START_TEST(bulk_dma_crosses_pages_and_regions)
{
    struct recorder rec = {0};
    struct mmu_phys_space *s = space_with_ram(0x10000);
    ck_assert_ptr_nonnull(mmu_phys_map_mmio(s, 0x10000, 0x10, &ops_all, &rec, 1));
    uint8_t buf[0x3000], back[0x3000];
    for (unsigned i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(i * 7);
    ck_assert(!mmu_phys_write(s, 0x0ff0, buf, sizeof(buf)));
    mmu_phys_read(s, 0x0ff0, back, sizeof(back));
    ck_assert_mem_eq(buf, back, sizeof(buf));
    /* Across the end of RAM into the device and beyond it. */
    mmu_phys_read(s, 0xfffe, back, 0x14);
    ck_assert_uint_eq(back[2], 0x10);
    ck_assert_uint_eq(back[0x11], 0x1f);
    ck_assert_uint_eq(back[0x12], 0xff);
    mmu_phys_free(s);
}
END_TEST

START_TEST(port_io_dispatches_and_splits_like_mmio)
{
    struct recorder rec = {0}, rec2 = {0};
    struct mmu_io_space *io = mmu_io_new();
    ck_assert(mmu_io_register(io, 0x3f8, 8, &ops_12, &rec));
    ck_assert(!mmu_io_register(io, 0x3fc, 8, &ops_all, &rec2));
    ck_assert(mmu_io_register(io, 0x400, 4, &ops_all, &rec2));
    ck_assert_uint_eq(mmu_io_read(io, 0x3f9, 1), 0x11);
    ck_assert_uint_eq(mmu_io_read(io, 0x3f8, 4), 0x13121110u);
    ck_assert_uint_eq(rec.calls, 3);
    /* A dword spanning two handlers: each byte to its owner. */
    ck_assert_uint_eq(mmu_io_read(io, 0x3fe, 4), 0x11101716u);
    mmu_io_write(io, 0x3fa, 0xbeef, 2);
    ck_assert_uint_eq(rec.written[rec.calls - 1], 0xbeef);
    mmu_io_unregister(io, 0x3f8);
    ck_assert_uint_eq(mmu_io_read(io, 0x3f8, 1), 0xff);
    mmu_io_free(io);
}
END_TEST

START_TEST(unassigned_ports_read_all_ones_and_wrap_at_64k)
{
    struct recorder rec = {0};
    struct mmu_io_space *io = mmu_io_new();
    mmu_io_set_log(io, capture_log, NULL);
    log_lines = 0;
    ck_assert_uint_eq(mmu_io_read(io, 0x80, 2), 0xffff);
    ck_assert_uint_eq(log_lines, 1);
    ck_assert_ptr_nonnull(strstr(last_log, "unassigned port read 0x0080"));
    ck_assert(mmu_io_register(io, 0, 1, &ops_all, &rec));
    ck_assert_uint_eq(mmu_io_read(io, 0xffff, 2), 0x10ff);
    mmu_io_write(io, 0xffff, 0x1234, 2);
    ck_assert_uint_eq(rec.written[rec.calls - 1], 0x12);
    ck_assert(!mmu_io_register(io, 0xfff0, 0x20, &ops_all, &rec));
    ck_assert(!mmu_io_register(io, 1, 0xffffffffu, &ops_all, &rec));
    mmu_io_free(io);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("softmmu_physmem");
    TCase *tc = tcase_create("physmem");
    tcase_add_test(tc, ram_is_little_endian_and_reads_back);
    tcase_add_test(tc, unassigned_reads_all_ones_ignores_writes_and_logs_unimp);
    tcase_add_test(tc, access_straddling_ram_end_reads_ones_for_missing_bytes);
    tcase_add_test(tc, rom_reads_its_bytes_and_ignores_writes);
    tcase_add_test(tc, bios_rom_alias_at_top_of_4g_shows_the_same_bytes);
    tcase_add_test(tc, mmio_access_of_a_supported_width_is_one_call);
    tcase_add_test(tc, mmio_wide_access_splits_into_declared_widths);
    tcase_add_test(tc, mmio_unaligned_access_splits_into_aligned_pieces);
    tcase_add_test(tc, mmio_narrow_access_to_dword_device_is_widened);
    tcase_add_test(tc, vga_window_overrides_ram_until_unmapped);
    tcase_add_test(tc, lower_priority_region_mapped_later_stays_hidden);
    tcase_add_test(tc, sub_page_mmio_region_shares_a_page_with_ram);
    tcase_add_test(tc, pam_shadow_writes_ram_while_reading_rom_then_reads_ram);
    tcase_add_test(tc, moved_region_answers_at_its_new_base_only);
    tcase_add_test(tc, bad_mappings_are_refused);
    tcase_add_test(tc, ram_of_three_and_a_half_gib_is_lazily_backed);
    tcase_add_test(tc, bulk_dma_crosses_pages_and_regions);
    tcase_add_test(tc, port_io_dispatches_and_splits_like_mmio);
    tcase_add_test(tc, unassigned_ports_read_all_ones_and_wrap_at_64k);
    suite_add_tcase(s, tc);
    return s;
}
