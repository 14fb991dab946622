/* The migration dirty log of guest RAM: CPU stores through the TLB, DMA and
 * device writes set a page's bit; taking the bits re-arms the slow path of
 * cached write entries; a space without the log runs stores at full speed. */
#include "softmmu/tlb.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define RAM_SIZE (1u << 20) /* 256 pages: four bitmap words */
#define WORDS    (RAM_SIZE / 4096 / 64)

struct fixture {
    struct mmu_phys_space *s;
    struct mmu_tlb *tlb;
    struct mmu_fault f;
    uint64_t bm[WORDS];
};

static struct fixture *setup(void)
{
    struct fixture *x = calloc(1, sizeof(*x));
    x->s = mmu_phys_new(RAM_SIZE);
    ck_assert_ptr_nonnull(x->s);
    ck_assert_ptr_nonnull(mmu_phys_map_ram(x->s, 0, RAM_SIZE, 0, 0));
    x->tlb = malloc(sizeof(*x->tlb));
    mmu_tlb_init(x->tlb, x->s);
    return x;
}

static void teardown(struct fixture *x)
{
    mmu_tlb_destroy(x->tlb);
    free(x->tlb);
    mmu_phys_free(x->s);
    free(x);
}

static void st32(struct fixture *x, uint32_t va, uint32_t v)
{
    ck_assert_int_eq(mmu_stl(x->tlb, MMU_IDX_NOPAGING, va, v, &x->f), MMU_OK);
}

static uint64_t slow_writes(const struct fixture *x)
{
    return x->tlb->stats.slow[MMU_ACCESS_WRITE];
}

static bool bit(const struct fixture *x, unsigned page)
{
    return (x->bm[page / 64] >> (page % 64)) & 1;
}

START_TEST(store_marks_its_page_and_only_that_page)
{
    struct fixture *x = setup();
    ck_assert(mmu_phys_dirty_log_start(x->s));
    ck_assert(mmu_phys_dirty_log_active(x->s));
    st32(x, 0x3000 + 12, 0xdeadbeef);
    ck_assert_uint_eq(mmu_phys_dirty_log_take(x->s, x->bm), 1);
    ck_assert(bit(x, 3));
    ck_assert_uint_eq(x->bm[0], 1ull << 3);
    ck_assert_uint_eq(x->bm[1] | x->bm[2] | x->bm[3], 0);
    ck_assert_uint_eq(mmu_phys_ram(x->s)[0x3000 + 12], 0xef);
    teardown(x);
}
END_TEST

START_TEST(first_store_to_a_clean_page_goes_slow_once_then_fast)
{
    struct fixture *x = setup();
    st32(x, 0x5000, 1); /* TLB entry cached before the log starts */
    ck_assert(mmu_phys_dirty_log_start(x->s));
    uint64_t slow = slow_writes(x);
    st32(x, 0x5004, 2);
    ck_assert_uint_eq(slow_writes(x), slow + 1);
    uint64_t hits = x->tlb->stats.hits[MMU_ACCESS_WRITE];
    st32(x, 0x5008, 3);
    st32(x, 0x500c, 4);
    ck_assert_uint_eq(slow_writes(x), slow + 1);
    ck_assert_uint_eq(x->tlb->stats.hits[MMU_ACCESS_WRITE], hits + 2);
    ck_assert_uint_eq(mmu_phys_dirty_log_take(x->s, x->bm), 1);
    ck_assert(bit(x, 5));
    teardown(x);
}
END_TEST

START_TEST(dma_write_and_phys_store_mark_pages)
{
    struct fixture *x = setup();
    ck_assert(mmu_phys_dirty_log_start(x->s));
    uint8_t buf[6000];
    memset(buf, 0x5a, sizeof(buf));
    mmu_phys_write(x->s, 0x10000 + 100, buf, sizeof(buf)); /* pages 0x10, 0x11 */
    mmu_phys_store(x->s, 0x80ffe, 0x11223344, 4);          /* pages 0x80, 0x81 */
    ck_assert_uint_eq(mmu_phys_dirty_log_take(x->s, x->bm), 4);
    ck_assert(bit(x, 0x10) && bit(x, 0x11) && bit(x, 0x80) && bit(x, 0x81));
    ck_assert(!bit(x, 0x12) && !bit(x, 0x7f));
    ck_assert_uint_eq(mmu_phys_ram(x->s)[0x11000], 0x5a);
    teardown(x);
}
END_TEST

START_TEST(taking_the_bits_rearms_the_slow_path_of_cached_entries)
{
    struct fixture *x = setup();
    ck_assert(mmu_phys_dirty_log_start(x->s));
    st32(x, 0x7000, 1); /* entry cached, page dirty, fast path re-enabled */
    ck_assert_uint_eq(mmu_phys_dirty_log_take(x->s, x->bm), 1);
    ck_assert_uint_eq(mmu_phys_dirty_log_take(x->s, x->bm), 0);
    uint64_t slow = slow_writes(x);
    st32(x, 0x7004, 2);
    ck_assert_uint_eq(slow_writes(x), slow + 1);
    ck_assert_uint_eq(mmu_phys_dirty_log_take(x->s, x->bm), 1);
    ck_assert(bit(x, 7));
    teardown(x);
}
END_TEST

START_TEST(page_crossing_store_marks_both_pages)
{
    struct fixture *x = setup();
    ck_assert(mmu_phys_dirty_log_start(x->s));
    st32(x, 0x3000 - 2, 0x11223344);
    ck_assert_uint_eq(mmu_phys_dirty_log_take(x->s, x->bm), 2);
    ck_assert(bit(x, 2) && bit(x, 3));
    teardown(x);
}
END_TEST

START_TEST(bits_are_by_ram_offset_for_every_alias)
{
    struct fixture *x = setup();
    /* RAM page 0x20 also appears at 0xC0000000 (an alias, like a PAM shadow). */
    ck_assert_ptr_nonnull(mmu_phys_map_ram(x->s, 0xC0000000ull, 4096, 0x20000, 1));
    ck_assert(mmu_phys_dirty_log_start(x->s));
    st32(x, 0xC0000010u, 0x99);
    ck_assert_uint_eq(mmu_phys_dirty_log_take(x->s, x->bm), 1);
    ck_assert(bit(x, 0x20));
    ck_assert_uint_eq(mmu_phys_ram(x->s)[0x20010], 0x99);
    teardown(x);
}
END_TEST

static int smc_calls;

static bool smc_hook(void *opaque, uint64_t paddr, uint64_t len)
{
    (void)opaque;
    (void)paddr;
    (void)len;
    smc_calls++;
    return false;
}

START_TEST(code_page_stays_watched_after_the_log_marks_it_dirty)
{
    struct fixture *x = setup();
    smc_calls = 0;
    mmu_phys_set_smc_hook(x->s, smc_hook, NULL);
    mmu_phys_set_code_page(x->s, 0x9000, true);
    ck_assert(mmu_phys_dirty_log_start(x->s));
    st32(x, 0x9000, 1);
    st32(x, 0x9004, 2);
    ck_assert_int_eq(smc_calls, 2);
    ck_assert_uint_eq(mmu_phys_dirty_log_take(x->s, x->bm), 1);
    teardown(x);
}
END_TEST

START_TEST(untracked_stores_stay_on_the_fast_path)
{
    struct fixture *x = setup();
    st32(x, 0x4000, 1); /* refill */
    uint64_t slow = slow_writes(x);
    for (uint32_t i = 1; i < 100; i++)
        st32(x, 0x4000 + 4 * i, i);
    ck_assert_uint_eq(slow_writes(x), slow);
    ck_assert(!mmu_phys_dirty_log_active(x->s));
    ck_assert_uint_eq(mmu_phys_dirty_log_take(x->s, x->bm), 0);
    ck_assert_uint_eq(x->bm[0], 0);
    teardown(x);
}
END_TEST

START_TEST(stopping_the_log_drops_every_slow_path_it_armed)
{
    struct fixture *x = setup();
    ck_assert(mmu_phys_dirty_log_start(x->s));
    st32(x, 0x6000, 1);
    mmu_phys_dirty_log_take(x->s, x->bm); /* page 6 armed again */
    mmu_phys_dirty_log_stop(x->s);
    ck_assert(!mmu_phys_dirty_log_active(x->s));
    st32(x, 0x6000, 2); /* refill after the stop's flush */
    uint64_t slow = slow_writes(x);
    st32(x, 0x6004, 3);
    st32(x, 0x6008, 4);
    ck_assert_uint_eq(slow_writes(x), slow);
    ck_assert_uint_eq(mmu_phys_dirty_log_take(x->s, x->bm), 0);
    teardown(x);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("softmmu_dirty_log");
    TCase *tc = tcase_create("dirty_log");
    tcase_add_test(tc, store_marks_its_page_and_only_that_page);
    tcase_add_test(tc, first_store_to_a_clean_page_goes_slow_once_then_fast);
    tcase_add_test(tc, dma_write_and_phys_store_mark_pages);
    tcase_add_test(tc, taking_the_bits_rearms_the_slow_path_of_cached_entries);
    tcase_add_test(tc, page_crossing_store_marks_both_pages);
    tcase_add_test(tc, bits_are_by_ram_offset_for_every_alias);
    tcase_add_test(tc, code_page_stays_watched_after_the_log_marks_it_dirty);
    tcase_add_test(tc, untracked_stores_stay_on_the_fast_path);
    tcase_add_test(tc, stopping_the_log_drops_every_slow_path_it_armed);
    suite_add_tcase(s, tc);
    return s;
}
