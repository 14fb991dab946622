/* Per-physical-page lists of blocks, so that a write to guest code (SMC, DMA)
 * finds the blocks to invalidate (shared/DESIGN.md "Self-modifying code"). */
#include "log.h"
#include "tb-internal.h"

#include <stdlib.h>

static unsigned page_hash(uint64_t page)
{
    return (unsigned)((page * 0x9e3779b97f4a7c15ull) >> (64 - TB_PAGE_HASH_BITS));
}

static struct tb_page *page_find(struct translator *t, uint64_t page, bool create)
{
    struct tb_page **head = &t->pages[page_hash(page)];
    for (struct tb_page *p = *head; p; p = p->next)
        if (p->page == page)
            return p;
    if (!create)
        return NULL;
    struct tb_page *p = tb_xrealloc(NULL, sizeof(*p));
    *p = (struct tb_page){.page = page, .next = *head};
    *head = p;
    return p;
}

static void page_add(struct translator *t, uint64_t page, struct tb *tb)
{
    struct tb_page *p = page_find(t, page, true);
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 4;
        p->tbs = tb_xrealloc(p->tbs, p->cap * sizeof(*p->tbs));
    }
    p->tbs[p->n++] = tb;
}

static void page_del(struct translator *t, uint64_t page, struct tb *tb)
{
    struct tb_page *p = page_find(t, page, false);
    if (!p)
        return;
    for (unsigned i = 0; i < p->n; i++) {
        if (p->tbs[i] == tb) {
            p->tbs[i] = p->tbs[--p->n];
            return;
        }
    }
}

void tb_pages_insert(struct translator *t, struct tb *tb)
{
    for (unsigned i = 0; i < 2; i++)
        if (tb->page_addr[i] != TB_NO_PAGE)
            page_add(t, tb->page_addr[i], tb);
}

void tb_pages_remove(struct translator *t, struct tb *tb)
{
    for (unsigned i = 0; i < 2; i++)
        if (tb->page_addr[i] != TB_NO_PAGE)
            page_del(t, tb->page_addr[i], tb);
}

void tb_pages_clear(struct translator *t)
{
    for (unsigned h = 0; h < (1u << TB_PAGE_HASH_BITS); h++) {
        for (struct tb_page *p = t->pages[h], *next; p; p = next) {
            next = p->next;
            free(p->tbs);
            free(p);
        }
        t->pages[h] = NULL;
    }
}

/* The physical bytes of tb inside page: the first page holds the code from
 * phys_pc to the page end, the second page the rest from its start. */
static bool tb_overlaps(const struct tb *tb, uint64_t page, uint64_t start, uint64_t end)
{
    uint64_t first_end = tb->page_addr[0] + TB_PAGE_SIZE;
    uint64_t lo, hi;
    if (page == tb->page_addr[0]) {
        lo = tb->key.phys_pc;
        hi = tb->key.phys_pc + tb->size;
        if (hi > first_end)
            hi = first_end;
    } else {
        lo = tb->page_addr[1];
        hi = lo + (tb->key.phys_pc + tb->size - first_end);
    }
    if (hi == lo)
        hi = lo + 1; /* an empty block still covers its first byte */
    return lo < end && start < hi;
}

unsigned tb_invalidate_phys_range(struct translator *t, uint64_t start, uint64_t end)
{
    unsigned count = 0;
    if (end <= start)
        return 0;
    for (uint64_t page = start & ~(TB_PAGE_SIZE - 1); page < end; page += TB_PAGE_SIZE) {
        struct tb_page *p = page_find(t, page, false);
        for (unsigned i = 0; p && i < p->n;) {
            struct tb *tb = p->tbs[i];
            if (tb_overlaps(tb, page, start, end)) {
                tb_invalidate(t, tb); /* removes p->tbs[i] */
                count++;
            } else {
                i++;
            }
        }
        if (page + TB_PAGE_SIZE < page)
            break; /* wrapped at the top of the address space */
    }
    if (count)
        log_mask_printf(LOG_TB_FLUSH,
                        "tb_flush: write to code in [0x%llx, 0x%llx): %u blocks invalidated\n",
                        (unsigned long long)start, (unsigned long long)end, count);
    return count;
}

const struct tb *translator_find_block(struct translator *t, uint64_t phys)
{
    uint64_t page = phys & ~(TB_PAGE_SIZE - 1);
    struct tb_page *p = page_find(t, page, false);
    const struct tb *found = NULL;
    for (unsigned i = 0; p && i < p->n; i++)
        if (tb_overlaps(p->tbs[i], page, phys, phys + 1))
            found = p->tbs[i];
    return found;
}
