/* Address fuzzing: seeded random guest physical and virtual addresses, sizes,
 * page-table contents and mode changes against a space with RAM (not a page
 * multiple), ROM, shadow RAM, MMIO and holes. Run under ASan it proves no host
 * access falls outside the RAM, the ROM buffers or the devices' ranges; the
 * test also checks every fast-path host pointer the TLB hands out. */
#include "softmmu/tlb.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define RAM_SIZE ((2u << 20) + 0x800)
#define ROM_SIZE 0x10000u
#define OPS      1000000

struct rng {
    uint64_t s;
};

static uint64_t next(struct rng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return r->s;
}

/* Check records every assertion it passes (a pipe write each), so the hot loop
 * counts violations in plain C and asserts the counts once at the end. */
static unsigned violations;

static void expect(bool ok)
{
    if (!ok)
        violations++;
}

struct device {
    uint64_t size;
    unsigned accesses;
};

static uint64_t dev_read(void *opaque, uint64_t offset, unsigned size)
{
    struct device *d = opaque;
    expect(size == 1 || size == 2 || size == 4 || size == 8);
    expect(offset + size <= d->size);
    expect(offset % size == 0);
    d->accesses++;
    return offset * 0x0101010101010101ull;
}

static void dev_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    (void)value;
    dev_read(opaque, offset, size);
}

static const struct mmu_io_ops ops_any = {dev_read, dev_write, 0};
static const struct mmu_io_ops ops_4 = {dev_read, dev_write, MMU_WIDTH_4};
static const struct mmu_io_ops ops_12 = {dev_read, dev_write, MMU_WIDTH_1 | MMU_WIDTH_2};

struct world {
    struct mmu_phys_space *s;
    struct mmu_io_space *io;
    struct mmu_tlb *tlb;
    uint8_t *rom;
    struct mmu_region *shadow;
    struct device vga, apic, tiny, port, bar;
    unsigned smc_calls;
};

static bool count_smc(void *opaque, uint64_t paddr, uint64_t len)
{
    struct world *w = opaque;
    expect(paddr < MMU_PHYS_LIMIT && len >= 1);
    w->smc_calls++;
    return (paddr & 0xff) == 0;
}

static void build(struct world *w, struct rng *r)
{
    w->s = mmu_phys_new(RAM_SIZE);
    ck_assert_ptr_nonnull(w->s);
    ck_assert_ptr_nonnull(mmu_phys_map_ram(w->s, 0, RAM_SIZE, 0, 0));
    w->rom = malloc(ROM_SIZE); /* exact size: ASan sees any overrun */
    for (unsigned i = 0; i < ROM_SIZE; i++)
        w->rom[i] = (uint8_t)next(r);
    ck_assert_ptr_nonnull(mmu_phys_map_rom(w->s, 0xf0000, ROM_SIZE, w->rom, 1));
    ck_assert_ptr_nonnull(mmu_phys_map_rom(w->s, 0xffff0000, ROM_SIZE, w->rom, 1));
    w->shadow = mmu_phys_map_ram(w->s, 0xf0000, ROM_SIZE, 0xf0000, 2);
    w->vga = (struct device){.size = 0x20000};
    w->apic = (struct device){.size = 0x1000};
    w->tiny = (struct device){.size = 0x10};
    w->port = (struct device){.size = 8};
    w->bar = (struct device){.size = 0x100};
    ck_assert_ptr_nonnull(mmu_phys_map_mmio(w->s, 0x1f0200, 0x100, &ops_any, &w->bar, 3));
    ck_assert_ptr_nonnull(mmu_phys_map_mmio(w->s, 0xa0000, 0x20000, &ops_12, &w->vga, 1));
    ck_assert_ptr_nonnull(mmu_phys_map_mmio(w->s, 0xfee00000, 0x1000, &ops_4, &w->apic, 1));
    ck_assert_ptr_nonnull(mmu_phys_map_mmio(w->s, 0x1f0104, 0x10, &ops_4, &w->tiny, 3));
    mmu_phys_set_smc_hook(w->s, count_smc, w);
    uint8_t *ram = mmu_phys_ram(w->s);
    for (unsigned i = 0; i < RAM_SIZE; i++)
        ram[i] = (uint8_t)next(r);
    w->io = mmu_io_new();
    ck_assert(mmu_io_register(w->io, 0x3f8, 8, &ops_12, &w->port));
    w->tlb = malloc(sizeof(*w->tlb));
    mmu_tlb_init(w->tlb, w->s);
}

static void destroy(struct world *w)
{
    mmu_tlb_destroy(w->tlb);
    free(w->tlb);
    mmu_io_free(w->io);
    mmu_phys_free(w->s);
    free(w->rom);
}

/* Every entry the fast path can use points into the RAM or the ROM buffer. */
static unsigned escaping_entries(struct world *w)
{
    uintptr_t ram = (uintptr_t)mmu_phys_ram(w->s), rom = (uintptr_t)w->rom;
    unsigned bad = 0;
    for (unsigned idx = 0; idx < MMU_IDX_COUNT; idx++) {
        for (unsigned i = 0; i < MMU_TLB_SIZE; i++) {
            const struct mmu_tlb_entry *e = &w->tlb->table[idx][i];
            for (int k = 0; k < MMU_ACCESS_COUNT; k++) {
                if (e->tag[k] & MMU_PAGE_OFFSET)
                    continue;
                uintptr_t host = (uintptr_t)(e->tag[k] + e->addend);
                bool in_ram = host >= ram && host + MMU_PAGE_SIZE <= ram + RAM_SIZE;
                bool in_rom =
                    k != MMU_ACCESS_WRITE && host >= rom && host + MMU_PAGE_SIZE <= rom + ROM_SIZE;
                bad += !(in_ram || in_rom);
            }
        }
    }
    return bad;
}

static uint32_t random_vaddr(struct rng *r)
{
    uint64_t x = next(r);
    switch (x & 3) {
    case 0: return (uint32_t)(x >> 32);
    case 1: return (uint32_t)((x >> 32) | 0xff8);                 /* page ends */
    case 2: return (uint32_t)(0xfffff000u | ((x >> 32) & 0xfff)); /* the 4 GiB wrap */
    default: return (uint32_t)((x >> 32) % (RAM_SIZE + 0x1000));
    }
}

static uint64_t random_paddr(struct rng *r)
{
    uint64_t x = next(r);
    switch (x & 3) {
    case 0: return x >> 8; /* anything, far beyond the limit too */
    case 1: return (x >> 32) % (RAM_SIZE + 0x2000);
    case 2: return MMU_PHYS_LIMIT - 1 - ((x >> 32) & 0xff);
    default: return ((x >> 32) & 1 ? 0xf0000 : 0xfee00000) + ((x >> 40) & 0x1ffff);
    }
}

static void random_mode(struct world *w, struct rng *r)
{
    uint64_t x = next(r);
    static const uint8_t bits[] = {0, 32, 36, 40};
    struct mmu_paging m = {
        .pg = x & 1,
        .wp = x & 2,
        .pse = x & 4,
        .pge = x & 8,
        .pae = x & 16,
        .nxe = x & 32,
        .phys_bits = bits[(x >> 6) & 3],
        .cr3 = (x & 64) ? (x >> 32) : ((x >> 32) % RAM_SIZE),
    };
    mmu_tlb_set_paging(w->tlb, &m);
}

static void cpu_access(struct world *w, struct rng *r)
{
    static const unsigned sizes[] = {1, 2, 4, 8, 3, 5, 6, 7};
    uint64_t x = next(r);
    unsigned idx = x % MMU_IDX_COUNT;
    uint32_t va = random_vaddr(r);
    struct mmu_fault f = {0};
    uint64_t v = 0;
    enum mmu_result res;
    unsigned size = sizes[(x >> 8) & ((x >> 16) & 1 ? 7 : 3)];
    bool fast = size == 1 || size == 2 || size == 4 || size == 8;
    switch ((x >> 4) & 3) {
    case 0:
        res = fast ? mmu_load(w->tlb, idx, MMU_ACCESS_READ, va, size, &v, &f)
                   : mmu_load_slow(w->tlb, idx, va, size, MMU_ACCESS_READ, &v, &f);
        break;
    case 1: res = mmu_load(w->tlb, idx, MMU_ACCESS_EXEC, va, fast ? size : 1, &v, &f); break;
    default:
        res = fast ? mmu_store(w->tlb, idx, va, size, x, &f)
                   : mmu_store_slow(w->tlb, idx, va, size, x, &f);
        break;
    }
    if (res == MMU_FAULT)
        expect(f.vector == 14 && (f.cr2 == va || f.cr2 == (uint32_t)((va | 0xfffu) + 1)));
    else if (size < 8 && ((x >> 4) & 3) < 2)
        expect(v >> (8 * size) == 0);
}

static void phys_access(struct world *w, struct rng *r)
{
    uint64_t x = next(r);
    uint64_t pa = random_paddr(r);
    unsigned size = 1 + (x & 7);
    uint8_t buf[0x2100];
    size_t len = (x >> 8) % sizeof(buf);
    switch ((x >> 3) & 3) {
    case 0: mmu_phys_load(w->s, pa, size); break;
    case 1: mmu_phys_store(w->s, pa, x, size); break;
    case 2: mmu_phys_read(w->s, pa, buf, len); break;
    default:
        memset(buf, (int)x, len);
        mmu_phys_write(w->s, pa, buf, len);
        break;
    }
}

static void control(struct world *w, struct rng *r)
{
    uint64_t x = next(r);
    struct mmu_fault f;
    uint64_t pa;
    switch (x & 7) {
    case 0: random_mode(w, r); break;
    case 1: mmu_tlb_invlpg(w->tlb, random_vaddr(r)); break;
    case 2: mmu_tlb_write_cr3(w->tlb, (x >> 32) % RAM_SIZE); break;
    case 3: mmu_phys_set_a20(w->s, (x >> 8) & 1); break;
    case 4: mmu_region_set_access(w->shadow, (x >> 8) & 1, (x >> 9) & 1); break;
    case 5: mmu_phys_set_code_page(w->s, random_paddr(r), (x >> 8) & 1); break;
    case 6:
        mmu_io_write(w->io, (uint16_t)(0x3f0 + ((x >> 8) & 0x1f)), x, 1u << ((x >> 16) & 3));
        mmu_io_read(w->io, (uint16_t)(x >> 20), 1u << ((x >> 40) & 3));
        break;
    default:
        mmu_tlb_translate(w->tlb, (x >> 8) % MMU_IDX_COUNT, random_vaddr(r), (x >> 16) % 3, &pa,
                          &f);
        break;
    }
}

START_TEST(random_addresses_sizes_and_tables_never_escape_guest_memory)
{
    struct rng r = {0x9e3779b97f4a7c15ull};
    struct world w = {0};
    build(&w, &r);
    unsigned ops = 0, escapes = 0;
    violations = 0;
    for (; ops < OPS; ops++) {
        uint64_t pick = next(&r) % 16;
        if (pick < 10)
            cpu_access(&w, &r);
        else if (pick < 13)
            phys_access(&w, &r);
        else
            control(&w, &r);
        if (ops % 4096 == 0)
            escapes += escaping_entries(&w);
    }
    escapes += escaping_entries(&w);
    ck_assert_uint_eq(escapes, 0);
    ck_assert_uint_eq(violations, 0);
    const struct mmu_tlb_stats *st = &w.tlb->stats;
    ck_assert_uint_eq(ops, OPS);
    ck_assert_uint_gt(st->walks, 1000);
    ck_assert_uint_gt(st->faults, 100);
    ck_assert_uint_gt(st->hits[MMU_ACCESS_READ] + st->hits[MMU_ACCESS_WRITE], 1000);
    ck_assert_uint_gt(w.vga.accesses + w.apic.accesses + w.tiny.accesses, 100);
    ck_assert_uint_gt(w.smc_calls, 10);
    destroy(&w);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("softmmu_fuzz");
    TCase *tc = tcase_create("fuzz");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, random_addresses_sizes_and_tables_never_escape_guest_memory);
    suite_add_tcase(s, tc);
    return s;
}
