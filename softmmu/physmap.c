/* The guest physical address space map: RAM allocation, ROM/RAM/MMIO regions
 * with priorities and per-direction enables (i440FX PAM, datasheet 290549 §3.2.18),
 * and the two-level page map giving O(1) lookup for whole-page regions. */
#include "phys-internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct mmu_phys_space *mmu_phys_new(uint64_t ram_size)
{
    if (ram_size > MMU_PHYS_LIMIT || ram_size > SIZE_MAX / 2)
        return NULL;
    struct mmu_phys_space *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->top = calloc(PHYS_TOP_ENTRIES, sizeof(*s->top));
    if (!s->top) {
        free(s);
        return NULL;
    }
    if (ram_size) {
        /* Anonymous and unreserved: the kernel backs pages on first touch. */
        void *p = mmap(NULL, (size_t)ram_size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) {
            free(s->top);
            free(s);
            return NULL;
        }
        s->ram = p;
    }
    s->ram_size = ram_size;
    s->a20_mask = ~(uint64_t)0;
    return s;
}

void mmu_phys_free(struct mmu_phys_space *s)
{
    if (!s)
        return;
    for (uint64_t i = 0; i < PHYS_TOP_ENTRIES; i++)
        free(s->top[i]);
    free(s->top);
    for (uint32_t i = 0; i < s->region_cap; i++) {
        if (s->regions[i])
            free(s->regions[i]->dirty);
        free(s->regions[i]);
    }
    free(s->regions);
    free(s->ram_dirty);
    if (s->ram)
        munmap(s->ram, (size_t)s->ram_size);
    free(s);
}

void mmu_phys_set_log(struct mmu_phys_space *s, mmu_log_fn fn, void *opaque)
{
    s->log = fn;
    s->log_opaque = opaque;
}

void mmu_phys_set_mmu_log(struct mmu_phys_space *s, mmu_log_fn fn, void *opaque)
{
    s->mmu_log = fn;
    s->mmu_log_opaque = opaque;
}

void mmu_phys_set_smc_hook(struct mmu_phys_space *s, mmu_smc_fn fn, void *opaque)
{
    s->smc = fn;
    s->smc_opaque = opaque;
}

uint8_t *mmu_phys_ram(struct mmu_phys_space *s)
{
    return s->ram;
}

uint64_t mmu_phys_ram_size(const struct mmu_phys_space *s)
{
    return s->ram_size;
}

const struct mmu_phys_stats *mmu_phys_stats(const struct mmu_phys_space *s)
{
    return &s->stats;
}

void mmu_phys_set_a20(struct mmu_phys_space *s, bool enabled)
{
    uint64_t mask = enabled ? ~(uint64_t)0 : ~((uint64_t)1 << 20);
    if (mask == s->a20_mask)
        return;
    s->a20_mask = mask;
    tlb_space_flush_all(s);
}

uint64_t mmu_phys_a20_mask(const struct mmu_phys_space *s)
{
    return s->a20_mask;
}

/* ---- page map ---- */

static bool range_ok(uint64_t base, uint64_t size)
{
    return size != 0 && base < MMU_PHYS_LIMIT && size <= MMU_PHYS_LIMIT - base;
}

static struct phys_leaf *leaf_get(struct mmu_phys_space *s, uint64_t paddr, bool create)
{
    uint64_t t = paddr >> PHYS_TOP_SHIFT;
    if (!s->top[t] && create)
        s->top[t] = calloc(1, sizeof(struct phys_leaf));
    return s->top[t];
}

static int region_order(const void *a, const void *b)
{
    const struct mmu_region *x = *(struct mmu_region *const *)a;
    const struct mmu_region *y = *(struct mmu_region *const *)b;
    if (x->priority != y->priority)
        return x->priority < y->priority ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Paints one region over pages [first, last] of one direction: whole pages get
 * its id, partly covered pages become PHYS_MIXED. Painting in ascending
 * priority order leaves the winner of every page. */
static void paint(struct mmu_phys_space *s, const struct mmu_region *r, enum phys_dir dir,
                  uint64_t first, uint64_t last)
{
    uint64_t rfirst = r->base >> MMU_PAGE_BITS;
    uint64_t rlast = (r->base + r->size - 1) >> MMU_PAGE_BITS;
    uint64_t lo = first > rfirst ? first : rfirst;
    uint64_t hi = last < rlast ? last : rlast;
    for (uint64_t pg = lo; pg <= hi; pg++) {
        uint64_t start = pg << MMU_PAGE_BITS;
        bool whole = r->base <= start && start + MMU_PAGE_SIZE <= r->base + r->size;
        struct phys_leaf *leaf = leaf_get(s, start, true);
        if (leaf)
            leaf->region[dir][pg & (PHYS_LEAF_PAGES - 1)] = whole ? r->id : PHYS_MIXED;
    }
}

static void clear_pages(struct mmu_phys_space *s, uint64_t first, uint64_t last)
{
    for (uint64_t pg = first; pg <= last; pg++) {
        struct phys_leaf *leaf = leaf_get(s, pg << MMU_PAGE_BITS, false);
        if (!leaf) {
            pg |= PHYS_LEAF_PAGES - 1; /* skip the absent leaf */
            continue;
        }
        for (int d = 0; d < PHYS_DIRS; d++)
            leaf->region[d][pg & (PHYS_LEAF_PAGES - 1)] = PHYS_NONE;
    }
}

/* Code in a page whose contents change source (ROM <-> RAM, unmapped) is stale. */
static void invalidate_code_in(struct mmu_phys_space *s, uint64_t first, uint64_t last)
{
    if (!s->smc)
        return;
    for (uint64_t pg = first; pg <= last; pg++) {
        if (mmu_phys_is_code_page(s, pg << MMU_PAGE_BITS)) {
            s->stats.smc_invalidations++;
            s->smc(s->smc_opaque, pg << MMU_PAGE_BITS, MMU_PAGE_SIZE);
        }
    }
}

/* Recomputes the winners of every page of [base, base+size) from all regions. */
static void remap(struct mmu_phys_space *s, uint64_t base, uint64_t size)
{
    uint64_t first = base >> MMU_PAGE_BITS;
    uint64_t last = (base + size - 1) >> MMU_PAGE_BITS;
    uint64_t lo = first << MMU_PAGE_BITS, hi = (last + 1) << MMU_PAGE_BITS;
    clear_pages(s, first, last);

    struct mmu_region **list = malloc(sizeof(*list) * (s->region_cap + 1));
    unsigned n = 0;
    for (uint32_t i = 1; list && i < s->region_cap; i++) {
        struct mmu_region *r = s->regions[i];
        if (r && r->base < hi && r->base + r->size > lo)
            list[n++] = r;
    }
    if (n)
        qsort(list, n, sizeof(*list), region_order);
    for (unsigned i = 0; i < n; i++) {
        for (int d = 0; d < PHYS_DIRS; d++) {
            if (list[i]->enabled[d])
                paint(s, list[i], d, first, last);
        }
    }
    free(list);
    s->stats.map_changes++;
    invalidate_code_in(s, first, last);
    tlb_space_flush_all(s);
}

static struct mmu_region *region_new(struct mmu_phys_space *s, uint64_t base, uint64_t size,
                                     int priority)
{
    if (!range_ok(base, size))
        return NULL;
    uint32_t id = 1;
    while (id < s->region_cap && s->regions[id])
        id++;
    if (id > PHYS_MAX_REGIONS)
        return NULL;
    if (id >= s->region_cap) {
        uint32_t cap = s->region_cap ? s->region_cap * 2 : 16;
        struct mmu_region **grown = realloc(s->regions, cap * sizeof(*grown));
        if (!grown)
            return NULL;
        memset(grown + s->region_cap, 0, (cap - s->region_cap) * sizeof(*grown));
        s->regions = grown;
        s->region_cap = cap;
    }
    struct mmu_region *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->space = s;
    r->base = base;
    r->size = size;
    r->priority = priority;
    r->seq = s->next_seq++;
    r->id = (uint16_t)id;
    r->enabled[PHYS_READ] = r->enabled[PHYS_WRITE] = true;
    s->regions[id] = r;
    return r;
}

struct mmu_region *mmu_phys_map_ram(struct mmu_phys_space *s, uint64_t base, uint64_t size,
                                    uint64_t ram_offset, int priority)
{
    if (ram_offset > s->ram_size || size > s->ram_size - ram_offset)
        return NULL;
    struct mmu_region *r = region_new(s, base, size, priority);
    if (!r)
        return NULL;
    r->kind = PHYS_RAM;
    r->host = s->ram + ram_offset;
    remap(s, base, size);
    return r;
}

struct mmu_region *mmu_phys_map_rom(struct mmu_phys_space *s, uint64_t base, uint64_t size,
                                    const uint8_t *data, int priority)
{
    if (!data)
        return NULL;
    struct mmu_region *r = region_new(s, base, size, priority);
    if (!r)
        return NULL;
    r->kind = PHYS_ROM;
    r->host = (uint8_t *)data; /* read only: writes to ROM never use it */
    remap(s, base, size);
    return r;
}

struct mmu_region *mmu_phys_map_mmio(struct mmu_phys_space *s, uint64_t base, uint64_t size,
                                     const struct mmu_io_ops *ops, void *opaque, int priority)
{
    if (!ops || !ops->read || !ops->write)
        return NULL;
    struct mmu_region *r = region_new(s, base, size, priority);
    if (!r)
        return NULL;
    r->kind = PHYS_MMIO;
    r->ops = ops;
    r->opaque = opaque;
    remap(s, base, size);
    return r;
}

struct mmu_region *mmu_phys_map_device_ram(struct mmu_phys_space *s, uint64_t base, uint64_t size,
                                           uint8_t *host, int priority)
{
    if (!host || (base | size) & MMU_PAGE_OFFSET)
        return NULL;
    uint64_t words = ((size >> MMU_PAGE_BITS) + 63) / 64;
    uint64_t *dirty = malloc(words * sizeof(*dirty));
    if (!dirty)
        return NULL;
    memset(dirty, 0xff, words * sizeof(*dirty));
    struct mmu_region *r = region_new(s, base, size, priority);
    if (!r) {
        free(dirty);
        return NULL;
    }
    r->kind = PHYS_DEVRAM;
    r->host = host;
    r->dirty = dirty;
    remap(s, base, size);
    return r;
}

void mmu_region_set_access(struct mmu_region *r, bool read, bool write)
{
    if (r->enabled[PHYS_READ] == read && r->enabled[PHYS_WRITE] == write)
        return;
    r->enabled[PHYS_READ] = read;
    r->enabled[PHYS_WRITE] = write;
    remap(r->space, r->base, r->size);
}

bool mmu_region_move(struct mmu_region *r, uint64_t base)
{
    if (!range_ok(base, r->size))
        return false;
    uint64_t old = r->base;
    r->base = base;
    remap(r->space, old, r->size);
    remap(r->space, base, r->size);
    return true;
}

void mmu_region_unmap(struct mmu_region *r)
{
    struct mmu_phys_space *s = r->space;
    s->regions[r->id] = NULL;
    remap(s, r->base, r->size);
    free(r->dirty);
    free(r);
}

/* ---- lookup ---- */

static uint16_t page_id(const struct mmu_phys_space *s, uint64_t paddr, enum phys_dir dir)
{
    if (paddr >= MMU_PHYS_LIMIT)
        return PHYS_NONE;
    const struct phys_leaf *leaf = s->top[paddr >> PHYS_TOP_SHIFT];
    if (!leaf)
        return PHYS_NONE;
    return leaf->region[dir][(paddr >> MMU_PAGE_BITS) & (PHYS_LEAF_PAGES - 1)];
}

/* The priority search for pages shared by several regions (cold: MMIO only). */
static struct mmu_region *search(const struct mmu_phys_space *s, uint64_t paddr, enum phys_dir dir)
{
    struct mmu_region *best = NULL;
    for (uint32_t i = 1; i < s->region_cap; i++) {
        struct mmu_region *r = s->regions[i];
        if (!r || !r->enabled[dir] || paddr < r->base || paddr - r->base >= r->size)
            continue;
        if (!best || region_order(&r, &best) > 0)
            best = r;
    }
    return best;
}

struct mmu_region *phys_region_at(const struct mmu_phys_space *s, uint64_t paddr, enum phys_dir dir)
{
    uint16_t id = page_id(s, paddr, dir);
    if (id == PHYS_MIXED)
        return search(s, paddr, dir);
    return id == PHYS_NONE ? NULL : s->regions[id];
}

uint8_t *phys_page_host(const struct mmu_phys_space *s, uint64_t paddr, enum phys_dir dir)
{
    uint16_t id = page_id(s, paddr, dir);
    if (id == PHYS_NONE || id == PHYS_MIXED)
        return NULL;
    const struct mmu_region *r = s->regions[id];
    if (r->kind == PHYS_MMIO || (r->kind == PHYS_ROM && dir == PHYS_WRITE))
        return NULL;
    return r->host + (paddr - r->base);
}

/* ---- code pages ---- */

void mmu_phys_set_code_page(struct mmu_phys_space *s, uint64_t paddr, bool holds_code)
{
    if (paddr >= MMU_PHYS_LIMIT)
        return;
    /* A page without a leaf has never had a region: nothing can be written
     * there, so it needs no mark (and marks cannot make the map grow). */
    struct phys_leaf *leaf = leaf_get(s, paddr, false);
    if (!leaf)
        return;
    uint64_t pg = (paddr >> MMU_PAGE_BITS) & (PHYS_LEAF_PAGES - 1);
    uint64_t bit = (uint64_t)1 << (pg & 63);
    bool was = leaf->code[pg / 64] & bit;
    if (holds_code)
        leaf->code[pg / 64] |= bit;
    else
        leaf->code[pg / 64] &= ~bit;
    if (holds_code && !was)
        tlb_space_code_page_marked(s, paddr & ~(uint64_t)MMU_PAGE_OFFSET);
}

bool mmu_phys_is_code_page(const struct mmu_phys_space *s, uint64_t paddr)
{
    if (paddr >= MMU_PHYS_LIMIT)
        return false;
    const struct phys_leaf *leaf = s->top[paddr >> PHYS_TOP_SHIFT];
    if (!leaf)
        return false;
    uint64_t pg = (paddr >> MMU_PAGE_BITS) & (PHYS_LEAF_PAGES - 1);
    return (leaf->code[pg / 64] >> (pg & 63)) & 1;
}
