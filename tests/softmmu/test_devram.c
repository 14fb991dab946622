/* Device RAM regions (framebuffers): RAM-like accesses through the TLB fast
 * path, per-page dirty bits set by CPU stores, DMA and the device, cleared by
 * the display, and re-armed write tracking in the TLB. */
#include "softmmu/tlb.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define FB_BASE 0xE0000000ull
#define FB_SIZE (64u << 12) /* 64 pages */

struct fixture {
    struct mmu_phys_space *s;
    struct mmu_tlb *tlb;
    struct mmu_region *fb;
    uint8_t *host;
    struct mmu_fault f;
};

static struct fixture setup(void)
{
    struct fixture x = {0};
    x.s = mmu_phys_new(1 << 20);
    ck_assert_ptr_nonnull(x.s);
    ck_assert_ptr_nonnull(mmu_phys_map_ram(x.s, 0, 1 << 20, 0, 0));
    x.host = calloc(1, FB_SIZE);
    x.fb = mmu_phys_map_device_ram(x.s, FB_BASE, FB_SIZE, x.host, 1);
    ck_assert_ptr_nonnull(x.fb);
    x.tlb = malloc(sizeof(*x.tlb));
    mmu_tlb_init(x.tlb, x.s);
    return x;
}

static void teardown(struct fixture *x)
{
    mmu_tlb_destroy(x->tlb);
    free(x->tlb);
    mmu_phys_free(x->s);
    free(x->host);
}

static void st32(struct fixture *x, uint32_t va, uint32_t v)
{
    ck_assert_int_eq(mmu_stl(x->tlb, MMU_IDX_NOPAGING, va, v, &x->f), MMU_OK);
}

/* Clears all dirty bits; returns the bitmap of the 64 pages. */
static uint64_t take_dirty(struct fixture *x)
{
    uint64_t bm = 0;
    mmu_region_dirty_get_and_clear(x->fb, 0, FB_SIZE, &bm);
    return bm;
}

START_TEST(device_ram_rejects_unaligned_ranges_and_null_buffers)
{
    struct fixture x = setup();
    uint8_t buf[8192];
    ck_assert_ptr_null(mmu_phys_map_device_ram(x.s, 0xD0000100, 4096, buf, 1));
    ck_assert_ptr_null(mmu_phys_map_device_ram(x.s, 0xD0000000, 100, buf, 1));
    ck_assert_ptr_null(mmu_phys_map_device_ram(x.s, 0xD0000000, 4096, NULL, 1));
    teardown(&x);
}
END_TEST

START_TEST(pages_start_dirty_and_clear_once_read)
{
    struct fixture x = setup();
    uint64_t bm = 0;
    ck_assert_uint_eq(mmu_region_dirty_get_and_clear(x.fb, 0, FB_SIZE, &bm), 64);
    ck_assert_uint_eq(bm, ~0ull);
    ck_assert_uint_eq(mmu_region_dirty_get_and_clear(x.fb, 0, FB_SIZE, &bm), 0);
    ck_assert_uint_eq(bm, 0);
    teardown(&x);
}
END_TEST

START_TEST(cpu_store_lands_in_the_device_buffer_and_dirties_its_page)
{
    struct fixture x = setup();
    take_dirty(&x);
    st32(&x, (uint32_t)FB_BASE + 5 * 4096 + 8, 0xdeadbeef);
    ck_assert_uint_eq(x.host[5 * 4096 + 8], 0xef);
    ck_assert_uint_eq(x.host[5 * 4096 + 11], 0xde);
    ck_assert_uint_eq(take_dirty(&x), 1ull << 5);
    uint32_t v = 0;
    ck_assert_int_eq(mmu_ldl(x.tlb, MMU_IDX_NOPAGING, (uint32_t)FB_BASE + 5 * 4096 + 8, &v, &x.f),
                     MMU_OK);
    ck_assert_uint_eq(v, 0xdeadbeef);
    teardown(&x);
}
END_TEST

START_TEST(second_store_to_a_dirty_page_takes_the_fast_path)
{
    struct fixture x = setup();
    take_dirty(&x);
    st32(&x, (uint32_t)FB_BASE + 4096, 1);
    uint64_t slow = x.tlb->stats.slow[MMU_ACCESS_WRITE];
    uint64_t hits = x.tlb->stats.hits[MMU_ACCESS_WRITE];
    st32(&x, (uint32_t)FB_BASE + 4100, 2);
    ck_assert_uint_eq(x.tlb->stats.slow[MMU_ACCESS_WRITE], slow);
    ck_assert_uint_eq(x.tlb->stats.hits[MMU_ACCESS_WRITE], hits + 1);
    teardown(&x);
}
END_TEST

START_TEST(clearing_rearms_tracking_of_cached_tlb_entries)
{
    struct fixture x = setup();
    take_dirty(&x);
    st32(&x, (uint32_t)FB_BASE + 7 * 4096, 1); /* fills the entry, page dirty */
    ck_assert_uint_eq(take_dirty(&x), 1ull << 7);
    /* The entry is still cached: the next store must still be seen. */
    st32(&x, (uint32_t)FB_BASE + 7 * 4096 + 4, 2);
    ck_assert_uint_eq(take_dirty(&x), 1ull << 7);
    ck_assert_uint_eq(x.host[7 * 4096 + 4], 2);
    teardown(&x);
}
END_TEST

START_TEST(page_crossing_store_dirties_both_pages)
{
    struct fixture x = setup();
    take_dirty(&x);
    st32(&x, (uint32_t)FB_BASE + 3 * 4096 - 2, 0x11223344);
    ck_assert_uint_eq(take_dirty(&x), (1ull << 2) | (1ull << 3));
    ck_assert_uint_eq(x.host[3 * 4096 - 2], 0x44);
    ck_assert_uint_eq(x.host[3 * 4096 + 1], 0x11);
    teardown(&x);
}
END_TEST

START_TEST(dma_and_device_writes_dirty_pages_and_subranges_are_reported_relative)
{
    struct fixture x = setup();
    take_dirty(&x);
    uint8_t buf[6000];
    memset(buf, 0x5a, sizeof(buf));
    mmu_phys_write(x.s, FB_BASE + 10 * 4096 + 100, buf, sizeof(buf)); /* pages 10, 11 */
    mmu_region_set_dirty(x.fb, 40 * 4096, 1);
    ck_assert_uint_eq(x.host[11 * 4096], 0x5a);
    uint64_t bm = 0;
    ck_assert_uint_eq(mmu_region_dirty_get_and_clear(x.fb, 8 * 4096, 8 * 4096, &bm), 2);
    ck_assert_uint_eq(bm, (1ull << 2) | (1ull << 3));
    ck_assert_uint_eq(take_dirty(&x), 1ull << 40);
    teardown(&x);
}
END_TEST

START_TEST(unmapped_device_ram_is_unassigned_and_the_buffer_survives)
{
    struct fixture x = setup();
    st32(&x, (uint32_t)FB_BASE, 0x12345678);
    mmu_region_unmap(x.fb);
    ck_assert_uint_eq(mmu_phys_load(x.s, FB_BASE, 4), 0xffffffffu);
    ck_assert_uint_eq(x.host[0], 0x78);
    teardown(&x);
}
END_TEST

static unsigned last_size;
static uint64_t last_offset;

static uint64_t word_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)opaque;
    last_offset = offset;
    last_size = size;
    return 0xbeef;
}

static void word_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    (void)opaque;
    (void)value;
    last_offset = offset;
    last_size = size;
}

START_TEST(unaligned_width_flag_keeps_a_word_at_an_odd_port_whole)
{
    static const struct mmu_io_ops ops = {word_read, word_write,
                                          MMU_WIDTH_1 | MMU_WIDTH_2 | MMU_WIDTH_UNALIGNED};
    static const struct mmu_io_ops split = {word_read, word_write, MMU_WIDTH_1 | MMU_WIDTH_2};
    struct mmu_io_space *io = mmu_io_new();
    ck_assert(mmu_io_register(io, 0x1ce, 3, &ops, NULL));
    ck_assert_uint_eq(mmu_io_read(io, 0x1cf, 2), 0xbeef);
    ck_assert_uint_eq(last_offset, 1);
    ck_assert_uint_eq(last_size, 2);
    ck_assert(mmu_io_register(io, 0x2ce, 3, &split, NULL));
    mmu_io_write(io, 0x2cf, 0x1234, 2);
    ck_assert_uint_eq(last_offset, 2); /* split: the last byte went to offset 2 */
    ck_assert_uint_eq(last_size, 1);
    mmu_io_free(io);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("softmmu_devram");
    TCase *tc = tcase_create("devram");
    tcase_add_test(tc, device_ram_rejects_unaligned_ranges_and_null_buffers);
    tcase_add_test(tc, pages_start_dirty_and_clear_once_read);
    tcase_add_test(tc, cpu_store_lands_in_the_device_buffer_and_dirties_its_page);
    tcase_add_test(tc, second_store_to_a_dirty_page_takes_the_fast_path);
    tcase_add_test(tc, clearing_rearms_tracking_of_cached_tlb_entries);
    tcase_add_test(tc, page_crossing_store_dirties_both_pages);
    tcase_add_test(tc, dma_and_device_writes_dirty_pages_and_subranges_are_reported_relative);
    tcase_add_test(tc, unmapped_device_ram_is_unassigned_and_the_buffer_survives);
    tcase_add_test(tc, unaligned_width_flag_keeps_a_word_at_an_odd_port_whole);
    suite_add_tcase(s, tc);
    return s;
}
