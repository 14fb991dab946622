/* Dirty log of guest RAM for live migration: one bit per 4 KiB RAM page (by
 * RAM offset), set by CPU stores and by DMA/device writes through the
 * physical-access functions. A clean page's TLB write entries carry
 * MMU_TLB_NOTDIRTY (the code-page and device-RAM mechanism), so the first store
 * to it goes slow once, sets the bit and re-arms the fast path. */
#include "phys-internal.h"

#include <stdlib.h>
#include <string.h>

static uint64_t log_words(const struct mmu_phys_space *s)
{
    return ((s->ram_size >> MMU_PAGE_BITS) + 63) / 64;
}

bool mmu_phys_dirty_log_start(struct mmu_phys_space *s)
{
    if (s->ram_dirty)
        return true;
    s->ram_dirty = calloc((size_t)log_words(s) + 1, sizeof(*s->ram_dirty));
    if (!s->ram_dirty)
        return false;
    tlb_space_watch_writes(s, 0, MMU_PHYS_LIMIT);
    return true;
}

void mmu_phys_dirty_log_stop(struct mmu_phys_space *s)
{
    if (!s->ram_dirty)
        return;
    free(s->ram_dirty);
    s->ram_dirty = NULL;
    /* Entries still flagged would each take the slow path once more: drop
     * them so an untracked machine runs exactly as before the log. */
    tlb_space_flush_all(s);
}

bool mmu_phys_dirty_log_active(const struct mmu_phys_space *s)
{
    return s->ram_dirty != NULL;
}

uint64_t mmu_phys_dirty_log_take(struct mmu_phys_space *s, uint64_t *bitmap)
{
    uint64_t words = log_words(s), count = 0;
    if (!s->ram_dirty) {
        memset(bitmap, 0, (size_t)words * sizeof(*bitmap));
        return 0;
    }
    memcpy(bitmap, s->ram_dirty, (size_t)words * sizeof(*bitmap));
    memset(s->ram_dirty, 0, (size_t)words * sizeof(*bitmap));
    for (uint64_t i = 0; i < words; i++)
        count += (uint64_t)__builtin_popcountll(bitmap[i]);
    if (count)
        tlb_space_watch_writes(s, 0, MMU_PHYS_LIMIT);
    return count;
}

void phys_ram_mark(struct mmu_phys_space *s, const struct mmu_region *r, uint64_t paddr,
                   uint64_t len)
{
    if (!s->ram_dirty || !len)
        return;
    uint64_t off = (uint64_t)(r->host - s->ram) + (paddr - r->base);
    uint64_t first = off >> MMU_PAGE_BITS, last = (off + len - 1) >> MMU_PAGE_BITS;
    for (uint64_t pg = first; pg <= last; pg++)
        s->ram_dirty[pg / 64] |= (uint64_t)1 << (pg % 64);
}

bool phys_ram_page_clean(const struct mmu_phys_space *s, const struct mmu_region *r, uint64_t paddr)
{
    if (!s->ram_dirty)
        return false;
    uint64_t pg = ((uint64_t)(r->host - s->ram) + (paddr - r->base)) >> MMU_PAGE_BITS;
    return !((s->ram_dirty[pg / 64] >> (pg % 64)) & 1);
}
