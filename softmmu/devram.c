/* Device RAM dirty tracking: framebuffer pages written by the CPU (through the
 * TLB), by DMA or by the device itself, so a display redraws only what changed.
 * A clean page's TLB write entries carry MMU_TLB_NOTDIRTY, like code pages. */
#include "phys-internal.h"

#include <string.h>

static bool page_dirty(const struct mmu_region *r, uint64_t page)
{
    return (r->dirty[page / 64] >> (page % 64)) & 1;
}

void phys_devram_mark(const struct mmu_region *r, uint64_t paddr, uint64_t len)
{
    if (!len || paddr < r->base || paddr - r->base >= r->size)
        return;
    uint64_t first = (paddr - r->base) >> MMU_PAGE_BITS;
    uint64_t end = paddr - r->base + len;
    if (end > r->size)
        end = r->size;
    uint64_t last = (end - 1) >> MMU_PAGE_BITS;
    for (uint64_t pg = first; pg <= last; pg++)
        r->dirty[pg / 64] |= (uint64_t)1 << (pg % 64);
}

bool phys_page_write_watched(const struct mmu_phys_space *s, uint64_t paddr)
{
    if (mmu_phys_is_code_page(s, paddr))
        return true;
    const struct mmu_region *r = phys_region_at(s, paddr, PHYS_WRITE);
    if (r && r->kind == PHYS_RAM)
        return phys_ram_page_clean(s, r, paddr);
    return r && r->kind == PHYS_DEVRAM && !page_dirty(r, (paddr - r->base) >> MMU_PAGE_BITS);
}

void mmu_region_set_dirty(struct mmu_region *r, uint64_t offset, uint64_t len)
{
    if (r->kind == PHYS_DEVRAM && offset < r->size)
        phys_devram_mark(r, r->base + offset, len);
}

uint64_t mmu_region_dirty_get_and_clear(struct mmu_region *r, uint64_t offset, uint64_t len,
                                        uint64_t *bitmap)
{
    uint64_t first = offset >> MMU_PAGE_BITS;
    uint64_t pages = len ? ((offset + len - 1) >> MMU_PAGE_BITS) - first + 1 : 0;
    memset(bitmap, 0, (size_t)((pages + 63) / 64) * sizeof(*bitmap));
    if (r->kind != PHYS_DEVRAM || !len || offset >= r->size)
        return 0;
    uint64_t region_pages = r->size >> MMU_PAGE_BITS;
    uint64_t count = 0;
    for (uint64_t i = 0; i < pages && first + i < region_pages; i++) {
        uint64_t pg = first + i;
        if (!page_dirty(r, pg))
            continue;
        r->dirty[pg / 64] &= ~((uint64_t)1 << (pg % 64));
        bitmap[i / 64] |= (uint64_t)1 << (i % 64);
        count++;
    }
    if (count)
        tlb_space_watch_writes(r->space, r->base + (first << MMU_PAGE_BITS),
                               pages << MMU_PAGE_BITS);
    return count;
}
