/* The TLB: fill, hits, flushes with the SDM's rules (Vol. 3A §4.10.4), INVLPG of
 * large pages, page-crossing accesses, MMIO and PAM pages, A20 wraparound, and
 * the self-modifying-code hook. */
#include "softmmu/tlb.h"

#include <check.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PD 0x10000u
#define PT 0x11000u
#define VA 0x00801000u /* PDE 2, PTE 1 */

enum { P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80, G = 0x100 };

struct fixture {
    struct mmu_phys_space *s;
    struct mmu_tlb *tlb;
    struct mmu_fault f;
};

static struct fixture setup(bool paging)
{
    struct fixture x = {0};
    x.s = mmu_phys_new(16 << 20);
    ck_assert_ptr_nonnull(x.s);
    ck_assert_ptr_nonnull(mmu_phys_map_ram(x.s, 0, 16 << 20, 0, 0));
    x.tlb = malloc(sizeof(*x.tlb));
    mmu_tlb_init(x.tlb, x.s);
    struct mmu_paging m = {.pg = paging, .pse = true, .cr3 = PD};
    mmu_tlb_set_paging(x.tlb, &m);
    return x;
}

static void teardown(struct fixture *x)
{
    mmu_tlb_destroy(x->tlb);
    free(x->tlb);
    mmu_phys_free(x->s);
}

static void map4k(struct fixture *x, uint32_t va, uint32_t pte)
{
    uint64_t pde_addr = PD + (va >> 22) * 4;
    if (!(mmu_phys_load(x->s, pde_addr, 4) & P))
        mmu_phys_store(x->s, pde_addr, PT | P | RW | US, 4);
    mmu_phys_store(x->s, PT + ((va >> 12) & 0x3ff) * 4, pte, 4);
}

static uint32_t ld32(struct fixture *x, unsigned idx, uint32_t va)
{
    uint32_t v = 0;
    ck_assert_int_eq(mmu_ldl(x->tlb, idx, va, &v, &x->f), MMU_OK);
    return v;
}

START_TEST(first_access_walks_and_fills_then_hits)
{
    struct fixture x = setup(true);
    map4k(&x, VA, 0x20000 | P | RW);
    mmu_phys_store(x.s, 0x20010, 0x01020304, 4);
    ck_assert_uint_eq(ld32(&x, MMU_IDX_KERNEL, VA + 0x10), 0x01020304);
    ck_assert_uint_eq(x.tlb->stats.walks, 1);
    ck_assert_uint_eq(x.tlb->stats.misses[MMU_ACCESS_READ], 1);
    ck_assert_uint_eq(ld32(&x, MMU_IDX_KERNEL, VA + 0x10), 0x01020304);
    ck_assert_uint_eq(x.tlb->stats.walks, 1);
    ck_assert_uint_eq(x.tlb->stats.hits[MMU_ACCESS_READ], 1);
    const struct mmu_tlb_entry *e = mmu_tlb_entry(x.tlb, MMU_IDX_KERNEL, VA);
    ck_assert_uint_eq(e->tag[MMU_ACCESS_READ], VA);
    ck_assert_ptr_eq(mmu_tlb_host(e, VA), mmu_phys_ram(x.s) + 0x20000);
    teardown(&x);
}
END_TEST

START_TEST(first_write_to_clean_page_walks_again_to_set_dirty)
{
    struct fixture x = setup(true);
    map4k(&x, VA, 0x20000 | P | RW);
    ld32(&x, MMU_IDX_KERNEL, VA);
    ck_assert_uint_eq(mmu_tlb_entry(x.tlb, MMU_IDX_KERNEL, VA)->tag[MMU_ACCESS_WRITE],
                      MMU_TLB_EMPTY);
    ck_assert_int_eq(mmu_stl(x.tlb, MMU_IDX_KERNEL, VA, 7, &x.f), MMU_OK);
    ck_assert_uint_eq(x.tlb->stats.walks, 2);
    ck_assert_uint_eq(mmu_phys_load(x.s, PT + 4, 4), 0x20000u | P | RW | A | D);
    ck_assert_int_eq(mmu_stl(x.tlb, MMU_IDX_KERNEL, VA, 8, &x.f), MMU_OK);
    ck_assert_uint_eq(x.tlb->stats.hits[MMU_ACCESS_WRITE], 1);
    ck_assert_uint_eq(mmu_phys_load(x.s, 0x20000, 4), 8);
    teardown(&x);
}
END_TEST

START_TEST(stale_entry_survives_pte_change_until_invlpg)
{
    struct fixture x = setup(true);
    mmu_phys_store(x.s, 0x20000, 0xaaaa, 4);
    mmu_phys_store(x.s, 0x30000, 0xbbbb, 4);
    map4k(&x, VA, 0x20000 | P | RW);
    ck_assert_uint_eq(ld32(&x, MMU_IDX_KERNEL, VA), 0xaaaa);
    map4k(&x, VA, 0x30000 | P | RW);
    ck_assert_uint_eq(ld32(&x, MMU_IDX_KERNEL, VA), 0xaaaa);
    mmu_tlb_invlpg(x.tlb, VA + 0x123);
    ck_assert_uint_eq(ld32(&x, MMU_IDX_KERNEL, VA), 0xbbbb);
    ck_assert_uint_eq(x.tlb->stats.flush_page, 1);
    teardown(&x);
}
END_TEST

START_TEST(cr3_write_keeps_global_pages_only_with_pge)
{
    struct fixture x = setup(true);
    struct mmu_paging m = {.pg = true, .pge = true, .cr3 = PD};
    mmu_tlb_set_paging(x.tlb, &m);
    mmu_phys_store(x.s, 0x20000, 1, 4);
    mmu_phys_store(x.s, 0x21000, 2, 4);
    mmu_phys_store(x.s, 0x30000, 3, 4);
    mmu_phys_store(x.s, 0x31000, 4, 4);
    map4k(&x, VA, 0x20000 | P | RW | G);
    map4k(&x, VA + 0x1000, 0x21000 | P | RW);
    ck_assert_uint_eq(ld32(&x, MMU_IDX_KERNEL, VA), 1);
    ck_assert_uint_eq(ld32(&x, MMU_IDX_KERNEL, VA + 0x1000), 2);
    map4k(&x, VA, 0x30000 | P | RW | G);
    map4k(&x, VA + 0x1000, 0x31000 | P | RW);
    mmu_tlb_write_cr3(x.tlb, PD);
    ck_assert_uint_eq(ld32(&x, MMU_IDX_KERNEL, VA), 1);
    ck_assert_uint_eq(ld32(&x, MMU_IDX_KERNEL, VA + 0x1000), 4);
    /* Clearing CR4.PGE flushes the global entries too. */
    m.pge = false;
    mmu_tlb_set_paging(x.tlb, &m);
    ck_assert_uint_eq(ld32(&x, MMU_IDX_KERNEL, VA), 3);
    ck_assert_uint_eq(x.tlb->stats.flush_nonglobal, 1);
    teardown(&x);
}
END_TEST

START_TEST(wp_change_flushes_cached_write_permission)
{
    struct fixture x = setup(true);
    map4k(&x, VA, 0x20000 | P | D);
    ck_assert_int_eq(mmu_stl(x.tlb, MMU_IDX_KERNEL, VA, 5, &x.f), MMU_OK);
    struct mmu_paging m = x.tlb->paging;
    m.wp = true;
    mmu_tlb_set_paging(x.tlb, &m);
    ck_assert_int_eq(mmu_stl(x.tlb, MMU_IDX_KERNEL, VA, 6, &x.f), MMU_FAULT);
    ck_assert_uint_eq(x.f.error_code, P | 2);
    ck_assert_uint_eq(x.f.cr2, VA);
    ck_assert_uint_eq(mmu_phys_load(x.s, 0x20000, 4), 5);
    teardown(&x);
}
END_TEST

START_TEST(invlpg_in_a_4m_page_drops_all_its_4k_pieces)
{
    struct fixture x = setup(true);
    mmu_phys_store(x.s, 0xc00000 + 0x5000, 0x11, 4);
    mmu_phys_store(x.s, 0xc00000 + 0x2ff000, 0x22, 4);
    mmu_phys_store(x.s, 0x800000 + 0x5000, 0x33, 4);
    mmu_phys_store(x.s, 0x800000 + 0x2ff000, 0x44, 4);
    uint32_t base = 0x01000000; /* PDE 4 */
    mmu_phys_store(x.s, PD + 4 * 4, 0xc00000 | PS | P | RW, 4);
    ck_assert_uint_eq(ld32(&x, MMU_IDX_KERNEL, base + 0x5000), 0x11);
    ck_assert_uint_eq(ld32(&x, MMU_IDX_KERNEL, base + 0x2ff000), 0x22);
    mmu_phys_store(x.s, PD + 4 * 4, 0x800000 | PS | P | RW, 4);
    mmu_tlb_invlpg(x.tlb, base + 0x123456);
    ck_assert_uint_eq(ld32(&x, MMU_IDX_KERNEL, base + 0x5000), 0x33);
    ck_assert_uint_eq(ld32(&x, MMU_IDX_KERNEL, base + 0x2ff000), 0x44);
    teardown(&x);
}
END_TEST

START_TEST(user_index_checks_user_rights_independently)
{
    struct fixture x = setup(true);
    map4k(&x, VA, 0x20000 | P | RW);
    ld32(&x, MMU_IDX_KERNEL, VA);
    uint32_t v;
    ck_assert_int_eq(mmu_ldl(x.tlb, MMU_IDX_USER, VA, &v, &x.f), MMU_FAULT);
    ck_assert_uint_eq(x.f.error_code, P | 4);
    teardown(&x);
}
END_TEST

START_TEST(page_crossing_load_combines_two_unrelated_frames)
{
    struct fixture x = setup(true);
    map4k(&x, VA, 0x50000 | P | RW);
    map4k(&x, VA + 0x1000, 0x23000 | P | RW);
    mmu_phys_store(x.s, 0x50ffd, 0x332211, 3);
    mmu_phys_store(x.s, 0x23000, 0x776655, 3);
    ck_assert_uint_eq(ld32(&x, MMU_IDX_KERNEL, VA + 0xffe), 0x66553322u);
    uint64_t q;
    ck_assert_int_eq(mmu_ldq(x.tlb, MMU_IDX_KERNEL, VA + 0xffd, &q, &x.f), MMU_OK);
    ck_assert_uint_eq(q, 0x0000007766553322ull << 8 | 0x11);
    ck_assert_uint_eq(x.tlb->stats.hits[MMU_ACCESS_READ], 0);
    teardown(&x);
}
END_TEST

START_TEST(page_crossing_store_faulting_on_second_page_writes_nothing)
{
    struct fixture x = setup(true);
    map4k(&x, VA, 0x50000 | P | RW | US);
    map4k(&x, VA + 0x1000, 0x23000 | P | US); /* read-only second page */
    ck_assert_int_eq(mmu_stl(x.tlb, MMU_IDX_USER, VA + 0xffe, 0xdeadbeef, &x.f), MMU_FAULT);
    ck_assert_uint_eq(x.f.vector, 14);
    ck_assert_uint_eq(x.f.error_code, P | 2 | 4);
    ck_assert_uint_eq(x.f.cr2, VA + 0x1000);
    ck_assert_uint_eq(mmu_phys_load(x.s, 0x50ffe, 2), 0);
    ck_assert_uint_eq(mmu_phys_load(x.s, 0x23000, 2), 0);
    /* Not present second page: same. */
    map4k(&x, VA + 0x1000, 0);
    mmu_tlb_invlpg(x.tlb, VA + 0x1000);
    ck_assert_int_eq(mmu_stw(x.tlb, MMU_IDX_USER, VA + 0xfff, 0xbeef, &x.f), MMU_FAULT);
    ck_assert_uint_eq(x.f.error_code, 2 | 4);
    ck_assert_uint_eq(mmu_phys_load(x.s, 0x50fff, 1), 0);
    /* Mapped and writable: both halves land. */
    map4k(&x, VA + 0x1000, 0x23000 | P | RW | US);
    ck_assert_int_eq(mmu_stl(x.tlb, MMU_IDX_USER, VA + 0xffe, 0xdeadbeef, &x.f), MMU_OK);
    ck_assert_uint_eq(mmu_phys_load(x.s, 0x50ffe, 2), 0xbeef);
    ck_assert_uint_eq(mmu_phys_load(x.s, 0x23000, 2), 0xdead);
    teardown(&x);
}
END_TEST

START_TEST(linear_addresses_wrap_at_4g)
{
    struct fixture x = setup(false);
    mmu_phys_store(x.s, 0, 0x4433, 2);
    ck_assert_uint_eq(ld32(&x, MMU_IDX_NOPAGING, 0xfffffffe), 0x4433ffffu);
    teardown(&x);
}
END_TEST

START_TEST(loads_and_stores_of_every_size_and_sign)
{
    struct fixture x = setup(false);
    struct mmu_tlb *t = x.tlb;
    unsigned k = MMU_IDX_NOPAGING;
    uint32_t v;
    uint64_t q;
    ck_assert_int_eq(mmu_stq(t, k, 0x1000, 0x80fe7fff8281f0f1ull, &x.f), MMU_OK);
    ck_assert_int_eq(mmu_ldub(t, k, 0x1000, &v, &x.f), MMU_OK);
    ck_assert_uint_eq(v, 0xf1);
    ck_assert_int_eq(mmu_ldsb(t, k, 0x1000, &v, &x.f), MMU_OK);
    ck_assert_uint_eq(v, 0xfffffff1u);
    ck_assert_int_eq(mmu_lduw(t, k, 0x1002, &v, &x.f), MMU_OK);
    ck_assert_uint_eq(v, 0x8281);
    ck_assert_int_eq(mmu_ldsw(t, k, 0x1002, &v, &x.f), MMU_OK);
    ck_assert_uint_eq(v, 0xffff8281u);
    ck_assert_int_eq(mmu_ldsw(t, k, 0x1004, &v, &x.f), MMU_OK);
    ck_assert_uint_eq(v, 0x7fff);
    ck_assert_int_eq(mmu_ldl(t, k, 0x1004, &v, &x.f), MMU_OK);
    ck_assert_uint_eq(v, 0x80fe7fffu);
    ck_assert_int_eq(mmu_ldq(t, k, 0x1000, &q, &x.f), MMU_OK);
    ck_assert_uint_eq(q, 0x80fe7fff8281f0f1ull);
    ck_assert_int_eq(mmu_stb(t, k, 0x1000, 0x1ff, &x.f), MMU_OK);
    ck_assert_int_eq(mmu_stw(t, k, 0x1002, 0x12345, &x.f), MMU_OK);
    ck_assert_int_eq(mmu_stl(t, k, 0x1004, 0x01020304, &x.f), MMU_OK);
    ck_assert_uint_eq(mmu_phys_load(x.s, 0x1000, 8), 0x010203042345f0ffull);
    ck_assert_int_eq(mmu_ldub_code(t, k, 0x1001, &v, &x.f), MMU_OK);
    ck_assert_uint_eq(v, 0xf0);
    teardown(&x);
}
END_TEST

struct recorder {
    unsigned reads, writes;
    uint64_t last_offset, last_value;
};

static uint64_t dev_read(void *opaque, uint64_t offset, unsigned size)
{
    struct recorder *r = opaque;
    r->reads++;
    r->last_offset = offset;
    return 0x5a & ((1u << (8 * (size > 1 ? 1 : size))) - 1);
}

static void dev_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    (void)size;
    struct recorder *r = opaque;
    r->writes++;
    r->last_offset = offset;
    r->last_value = value;
}

static const struct mmu_io_ops dev_ops = {dev_read, dev_write, MMU_WIDTH_1};

START_TEST(mmio_page_takes_the_slow_path_on_every_access)
{
    struct fixture x = setup(false);
    struct recorder rec = {0};
    ck_assert_ptr_nonnull(mmu_phys_map_mmio(x.s, 0xa0000, 0x20000, &dev_ops, &rec, 1));
    uint32_t v;
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(mmu_ldub(x.tlb, MMU_IDX_NOPAGING, 0xa0005, &v, &x.f), MMU_OK);
        ck_assert_uint_eq(v, 0x5a);
    }
    ck_assert_int_eq(mmu_stb(x.tlb, MMU_IDX_NOPAGING, 0xa0007, 0x99, &x.f), MMU_OK);
    ck_assert_uint_eq(rec.reads, 3);
    ck_assert_uint_eq(rec.writes, 1);
    ck_assert_uint_eq(rec.last_offset, 7);
    ck_assert_uint_eq(rec.last_value, 0x99);
    ck_assert_uint_eq(x.tlb->stats.hits[MMU_ACCESS_READ], 0);
    ck_assert_uint_eq(x.tlb->stats.misses[MMU_ACCESS_READ], 1);
    teardown(&x);
}
END_TEST

START_TEST(mapping_a_region_over_a_cached_page_flushes_the_tlb)
{
    struct fixture x = setup(false);
    struct recorder rec = {0};
    mmu_phys_store(x.s, 0xb8000, 0x0741, 2);
    uint32_t v;
    ck_assert_int_eq(mmu_lduw(x.tlb, MMU_IDX_NOPAGING, 0xb8000, &v, &x.f), MMU_OK);
    ck_assert_uint_eq(v, 0x0741);
    ck_assert_ptr_nonnull(mmu_phys_map_mmio(x.s, 0xa0000, 0x20000, &dev_ops, &rec, 1));
    ck_assert_int_eq(mmu_ldub(x.tlb, MMU_IDX_NOPAGING, 0xb8000, &v, &x.f), MMU_OK);
    ck_assert_uint_eq(v, 0x5a);
    ck_assert_uint_eq(rec.reads, 1);
    teardown(&x);
}
END_TEST

START_TEST(pam_write_enable_only_reads_rom_and_writes_shadow_ram)
{
    static uint8_t bios[0x10000];
    bios[0x10] = 0xb1;
    struct fixture x = setup(false);
    ck_assert_ptr_nonnull(mmu_phys_map_rom(x.s, 0xf0000, sizeof(bios), bios, 1));
    struct mmu_region *shadow = mmu_phys_map_ram(x.s, 0xf0000, 0x10000, 0xf0000, 2);
    mmu_region_set_access(shadow, false, true);
    uint32_t v;
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(mmu_stb(x.tlb, MMU_IDX_NOPAGING, 0xf0010, 0x42 + i, &x.f), MMU_OK);
        ck_assert_int_eq(mmu_ldub(x.tlb, MMU_IDX_NOPAGING, 0xf0010, &v, &x.f), MMU_OK);
        ck_assert_uint_eq(v, 0xb1);
    }
    ck_assert_uint_eq(mmu_phys_ram(x.s)[0xf0010], 0x43);
    mmu_region_set_access(shadow, true, false);
    ck_assert_int_eq(mmu_ldub(x.tlb, MMU_IDX_NOPAGING, 0xf0010, &v, &x.f), MMU_OK);
    ck_assert_uint_eq(v, 0x43);
    ck_assert_int_eq(mmu_stb(x.tlb, MMU_IDX_NOPAGING, 0xf0010, 0x55, &x.f), MMU_OK);
    ck_assert_uint_eq(mmu_phys_ram(x.s)[0xf0010], 0x43);
    teardown(&x);
}
END_TEST

START_TEST(a20_off_wraps_cpu_accesses_at_1m)
{
    struct fixture x = setup(false);
    ck_assert_int_eq(mmu_stb(x.tlb, MMU_IDX_NOPAGING, 0x100010, 0x11, &x.f), MMU_OK);
    ck_assert_uint_eq(mmu_phys_ram(x.s)[0x100010], 0x11);
    mmu_phys_set_a20(x.s, false);
    ck_assert_int_eq(mmu_stb(x.tlb, MMU_IDX_NOPAGING, 0x100010, 0x22, &x.f), MMU_OK);
    ck_assert_uint_eq(mmu_phys_ram(x.s)[0x10], 0x22);
    ck_assert_uint_eq(mmu_phys_ram(x.s)[0x100010], 0x11);
    uint32_t v;
    ck_assert_int_eq(mmu_ldub(x.tlb, MMU_IDX_NOPAGING, 0xffff0 + 0x20, &v, &x.f), MMU_OK);
    ck_assert_uint_eq(v, 0x22);
    mmu_phys_set_a20(x.s, true);
    ck_assert_int_eq(mmu_ldub(x.tlb, MMU_IDX_NOPAGING, 0x100010, &v, &x.f), MMU_OK);
    ck_assert_uint_eq(v, 0x11);
    teardown(&x);
}
END_TEST

/* A stand-in for the translator: blocks of the "current" block range. */
struct smc_log {
    unsigned calls;
    uint64_t paddr, len;
    uint64_t cur_start, cur_end;
};

static bool smc_hook(void *opaque, uint64_t paddr, uint64_t len)
{
    struct smc_log *l = opaque;
    l->calls++;
    l->paddr = paddr;
    l->len = len;
    return paddr < l->cur_end && paddr + len > l->cur_start;
}

START_TEST(store_to_code_page_calls_the_smc_hook_and_reports_current_block)
{
    struct fixture x = setup(true);
    struct smc_log log = {.cur_start = 0x20100, .cur_end = 0x20120};
    mmu_phys_set_smc_hook(x.s, smc_hook, &log);
    map4k(&x, VA, 0x20000 | P | RW | D);
    /* Fill the write entry before the page becomes a code page. */
    ck_assert_int_eq(mmu_stl(x.tlb, MMU_IDX_KERNEL, VA + 0x800, 1, &x.f), MMU_OK);
    mmu_phys_set_code_page(x.s, 0x20000, true);
    ck_assert_int_eq(mmu_stl(x.tlb, MMU_IDX_KERNEL, VA + 0x800, 2, &x.f), MMU_OK);
    ck_assert_uint_eq(log.calls, 1);
    ck_assert_uint_eq(log.paddr, 0x20800);
    ck_assert_uint_eq(log.len, 4);
    ck_assert_uint_eq(mmu_phys_load(x.s, 0x20800, 4), 2);
    ck_assert_int_eq(mmu_stw(x.tlb, MMU_IDX_KERNEL, VA + 0x11f, 0x9090, &x.f), MMU_CODE_MODIFIED);
    ck_assert_uint_eq(log.calls, 2);
    ck_assert_uint_eq(mmu_phys_load(x.s, 0x2011f, 2), 0x9090);
    ck_assert_uint_eq(mmu_phys_stats(x.s)->smc_invalidations, 2);
    /* The translator dropped the page's blocks: writes go fast again. */
    mmu_phys_set_code_page(x.s, 0x20000, false);
    ck_assert_int_eq(mmu_stl(x.tlb, MMU_IDX_KERNEL, VA + 0x800, 3, &x.f), MMU_OK);
    uint64_t hits = x.tlb->stats.hits[MMU_ACCESS_WRITE];
    ck_assert_int_eq(mmu_stl(x.tlb, MMU_IDX_KERNEL, VA + 0x800, 4, &x.f), MMU_OK);
    ck_assert_uint_eq(x.tlb->stats.hits[MMU_ACCESS_WRITE], hits + 1);
    ck_assert_uint_eq(log.calls, 2);
    teardown(&x);
}
END_TEST

START_TEST(dma_write_to_code_page_calls_the_smc_hook)
{
    struct fixture x = setup(false);
    struct smc_log log = {.cur_start = 0x7c00, .cur_end = 0x7c10};
    mmu_phys_set_smc_hook(x.s, smc_hook, &log);
    mmu_phys_set_code_page(x.s, 0x7000, true);
    uint8_t sector[512] = {0xeb, 0xfe};
    ck_assert(mmu_phys_write(x.s, 0x7c00, sector, sizeof(sector)));
    ck_assert_uint_eq(log.calls, 1);
    ck_assert_uint_eq(log.paddr, 0x7c00);
    ck_assert_uint_eq(log.len, 512);
    ck_assert(!mmu_phys_write(x.s, 0x8000, sector, sizeof(sector)));
    ck_assert_uint_eq(log.calls, 1);
    teardown(&x);
}
END_TEST

START_TEST(code_fetches_use_the_exec_tag_and_stats_are_printable)
{
    struct fixture x = setup(true);
    map4k(&x, VA, 0x20000 | P | RW);
    mmu_phys_store(x.s, 0x20ffe, 0x0000c3905590ull, 6);
    uint32_t v;
    ck_assert_int_eq(mmu_ldub_code(x.tlb, MMU_IDX_KERNEL, VA + 0xffe, &v, &x.f), MMU_OK);
    ck_assert_uint_eq(v, 0x90);
    ck_assert_int_eq(mmu_lduw_code(x.tlb, MMU_IDX_KERNEL, VA + 0xffe, &v, &x.f), MMU_OK);
    ck_assert_uint_eq(v, 0x5590);
    /* The dword crosses into an unmapped page: #PF on the fetch at the boundary. */
    ck_assert_int_eq(mmu_ldl_code(x.tlb, MMU_IDX_KERNEL, VA + 0xffe, &v, &x.f), MMU_FAULT);
    ck_assert_uint_eq(x.f.cr2, VA + 0x1000);
    ck_assert_uint_eq(x.f.error_code, 0);
    char buf[512];
    int n = mmu_tlb_format_stats(x.tlb, buf, sizeof(buf));
    ck_assert_int_gt(n, 0);
    ck_assert_ptr_nonnull(strstr(buf, "hits:   read 0 write 0 exec 1\n"));
    ck_assert_ptr_nonnull(strstr(buf, "misses: read 0 write 0 exec 2\n"));
    ck_assert_ptr_nonnull(strstr(buf, "walks 2 faults 1\n"));
    teardown(&x);
}
END_TEST

static char mmu_lines[512];

static void capture_mmu(void *opaque, const char *fmt, va_list ap)
{
    (void)opaque;
    size_t n = strlen(mmu_lines);
    vsnprintf(mmu_lines + n, sizeof(mmu_lines) - n, fmt, ap);
}

START_TEST(mmu_log_shows_fills_and_faults)
{
    struct fixture x = setup(true);
    mmu_lines[0] = '\0';
    mmu_phys_set_mmu_log(x.s, capture_mmu, NULL);
    map4k(&x, VA, 0x20000 | P | RW | US);
    ck_assert_int_eq(mmu_stb(x.tlb, MMU_IDX_USER, VA + 5, 1, &x.f), MMU_OK);
    uint32_t v;
    ck_assert_int_eq(mmu_ldub(x.tlb, MMU_IDX_USER, VA + 0x1000, &v, &x.f), MMU_FAULT);
    ck_assert_str_eq(mmu_lines, "mmu: fill user va=0x00801005 pa=0x000020005 page=4K rwx dirty\n"
                                "mmu: #PF va=0x00802000 error=0x4\n");
    teardown(&x);
}
END_TEST

/* The instruction sequence documented in softmmu/tlb.h, written out with byte
 * offsets as a backend emits it, agrees with the C fast path. */
static bool documented_fast_path(struct mmu_tlb *tlb, unsigned idx, int kind, uint32_t va,
                                 unsigned size, uintptr_t *host)
{
    uint64_t t0 = ((uint64_t)va >> (MMU_PAGE_BITS - MMU_TLB_ENTRY_BITS)) &
                  ((uint64_t)(MMU_TLB_SIZE - 1) << MMU_TLB_ENTRY_BITS);
    const uint8_t *entry = (const uint8_t *)tlb + MMU_TLB_TABLE_OFFSET(idx) + t0;
    uint64_t t1 = ((uint64_t)va + size - 1) & MMU_TLB_PAGE_MASK;
    uint64_t tag, addend;
    memcpy(&tag, entry + MMU_TLB_TAG_OFFSET(kind), 8);
    if (t1 != tag)
        return false;
    memcpy(&addend, entry + MMU_TLB_ADDEND_OFFSET, 8);
    *host = (uintptr_t)(va + addend);
    return true;
}

START_TEST(documented_fast_path_sequence_matches_the_c_fast_path)
{
    struct fixture x = setup(true);
    ck_assert_uint_eq(offsetof(struct mmu_tlb, table), 0);
    map4k(&x, VA, 0x20000 | P | RW | D);
    map4k(&x, VA + 0x1000, 0x21000 | P);
    uintptr_t host;
    ck_assert(!documented_fast_path(x.tlb, MMU_IDX_KERNEL, MMU_ACCESS_READ, VA + 8, 4, &host));
    ck_assert_int_eq(mmu_stl(x.tlb, MMU_IDX_KERNEL, VA + 8, 0x1234, &x.f), MMU_OK);
    ck_assert(documented_fast_path(x.tlb, MMU_IDX_KERNEL, MMU_ACCESS_READ, VA + 8, 4, &host));
    ck_assert_ptr_eq((void *)host, mmu_phys_ram(x.s) + 0x20008);
    ck_assert(documented_fast_path(x.tlb, MMU_IDX_KERNEL, MMU_ACCESS_WRITE, VA + 0xffc, 4, &host));
    /* Crossing into the next page, another index, or a clean page: slow. */
    ck_assert(!documented_fast_path(x.tlb, MMU_IDX_KERNEL, MMU_ACCESS_READ, VA + 0xffd, 4, &host));
    ck_assert(!documented_fast_path(x.tlb, MMU_IDX_USER, MMU_ACCESS_READ, VA + 8, 4, &host));
    uint32_t v;
    ck_assert_int_eq(mmu_ldl(x.tlb, MMU_IDX_KERNEL, VA + 0x1000, &v, &x.f), MMU_OK);
    ck_assert(documented_fast_path(x.tlb, MMU_IDX_KERNEL, MMU_ACCESS_READ, VA + 0x1000, 4, &host));
    ck_assert(
        !documented_fast_path(x.tlb, MMU_IDX_KERNEL, MMU_ACCESS_WRITE, VA + 0x1000, 4, &host));
    teardown(&x);
}
END_TEST

START_TEST(every_tlb_attached_to_a_space_sees_flushes_and_code_marks)
{
    struct fixture x = setup(false);
    struct mmu_tlb *cpu1 = malloc(sizeof(*cpu1));
    mmu_tlb_init(cpu1, x.s);
    struct smc_log log = {0};
    mmu_phys_set_smc_hook(x.s, smc_hook, &log);
    struct mmu_fault f;
    ck_assert_int_eq(mmu_stb(x.tlb, MMU_IDX_NOPAGING, 0x9000, 1, &x.f), MMU_OK);
    ck_assert_int_eq(mmu_stb(cpu1, MMU_IDX_NOPAGING, 0x9001, 2, &f), MMU_OK);
    mmu_phys_set_code_page(x.s, 0x9000, true);
    ck_assert_int_eq(mmu_stb(x.tlb, MMU_IDX_NOPAGING, 0x9002, 3, &x.f), MMU_OK);
    ck_assert_int_eq(mmu_stb(cpu1, MMU_IDX_NOPAGING, 0x9003, 4, &f), MMU_OK);
    ck_assert_uint_eq(log.calls, 2);
    uint64_t flushes = x.tlb->stats.flush_full;
    mmu_tlb_flush(x.tlb);
    ck_assert_uint_eq(x.tlb->stats.flush_full, flushes + 1);
    ck_assert_uint_eq(mmu_tlb_entry(x.tlb, MMU_IDX_NOPAGING, 0x9000)->tag[MMU_ACCESS_READ],
                      MMU_TLB_EMPTY);
    ck_assert_uint_ne(mmu_tlb_entry(cpu1, MMU_IDX_NOPAGING, 0x9000)->tag[MMU_ACCESS_READ],
                      MMU_TLB_EMPTY);
    mmu_phys_set_a20(x.s, false);
    ck_assert_uint_eq(mmu_tlb_entry(cpu1, MMU_IDX_NOPAGING, 0x9000)->tag[MMU_ACCESS_READ],
                      MMU_TLB_EMPTY);
    mmu_tlb_destroy(cpu1);
    free(cpu1);
    teardown(&x);
}
END_TEST

START_TEST(info_tlb_lists_valid_entries_with_their_flags)
{
    struct fixture x = setup(true);
    struct mmu_paging m = {.pg = true, .pse = true, .pge = true, .cr3 = PD};
    mmu_tlb_set_paging(x.tlb, &m);
    map4k(&x, VA, 0x20000 | P | RW | G);
    mmu_phys_store(x.s, PD + 4 * 4, 0xc00000 | PS | P | RW | US | D, 4);
    uint32_t v;
    ck_assert_int_eq(mmu_ldl(x.tlb, MMU_IDX_KERNEL, VA, &v, &x.f), MMU_OK);
    ck_assert_int_eq(mmu_stl(x.tlb, MMU_IDX_USER, 0x01003000, 1, &x.f), MMU_OK);
    mmu_phys_set_code_page(x.s, 0xc03000, true);
    char buf[256];
    int n = mmu_tlb_format_entries(x.tlb, buf, sizeof(buf));
    ck_assert_str_eq(buf, "kernel   0x00801000 -> 0x000020000 r-x 4K global\n"
                          "user     0x01003000 -> 0x000c03000 rCx 4096K\n");
    ck_assert_int_eq(n, (int)strlen(buf));
    char small[8];
    ck_assert_int_eq(mmu_tlb_format_entries(x.tlb, small, sizeof(small)), n);
    ck_assert_str_eq(small, "kernel ");
    teardown(&x);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("softmmu_tlb");
    TCase *tc = tcase_create("tlb");
    tcase_add_test(tc, first_access_walks_and_fills_then_hits);
    tcase_add_test(tc, first_write_to_clean_page_walks_again_to_set_dirty);
    tcase_add_test(tc, stale_entry_survives_pte_change_until_invlpg);
    tcase_add_test(tc, cr3_write_keeps_global_pages_only_with_pge);
    tcase_add_test(tc, wp_change_flushes_cached_write_permission);
    tcase_add_test(tc, invlpg_in_a_4m_page_drops_all_its_4k_pieces);
    tcase_add_test(tc, user_index_checks_user_rights_independently);
    tcase_add_test(tc, page_crossing_load_combines_two_unrelated_frames);
    tcase_add_test(tc, page_crossing_store_faulting_on_second_page_writes_nothing);
    tcase_add_test(tc, linear_addresses_wrap_at_4g);
    tcase_add_test(tc, loads_and_stores_of_every_size_and_sign);
    tcase_add_test(tc, mmio_page_takes_the_slow_path_on_every_access);
    tcase_add_test(tc, mapping_a_region_over_a_cached_page_flushes_the_tlb);
    tcase_add_test(tc, pam_write_enable_only_reads_rom_and_writes_shadow_ram);
    tcase_add_test(tc, a20_off_wraps_cpu_accesses_at_1m);
    tcase_add_test(tc, store_to_code_page_calls_the_smc_hook_and_reports_current_block);
    tcase_add_test(tc, dma_write_to_code_page_calls_the_smc_hook);
    tcase_add_test(tc, code_fetches_use_the_exec_tag_and_stats_are_printable);
    tcase_add_test(tc, mmu_log_shows_fills_and_faults);
    tcase_add_test(tc, documented_fast_path_sequence_matches_the_c_fast_path);
    tcase_add_test(tc, every_tlb_attached_to_a_space_sees_flushes_and_code_marks);
    tcase_add_test(tc, info_tlb_lists_valid_entries_with_their_flags);
    suite_add_tcase(s, tc);
    return s;
}
