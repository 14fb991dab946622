/* Block chaining: each goto_tb slot records its target and each block lists
 * the slots that jump into it, so invalidation unpatches incoming jumps
 * (shared/DESIGN.md "Chaining"). */
#include "log.h"
#include "tb-internal.h"

static void patch_done(struct translator *t, struct tb *src)
{
    t->backend->flush_icache(t->bstate, src->tc_ptr, src->tc_size);
}

static void xlink_add(struct translator *t, struct tb *src, unsigned slot)
{
    if (t->nxlinks == t->xlinks_cap) {
        t->xlinks_cap = t->xlinks_cap ? 2 * t->xlinks_cap : 256;
        t->xlinks = tb_xrealloc(t->xlinks, t->xlinks_cap * sizeof(*t->xlinks));
    }
    t->xlinks[t->nxlinks++] = (struct tb_xlink){src, slot};
}

void tb_link(struct translator *t, struct tb *src, unsigned slot, struct tb *dst)
{
    if (slot > 1 || src->invalid || dst->invalid || src->jmp[slot].dest)
        return;
    struct tb_jump *j = &src->jmp[slot];
    j->dest = dst;
    j->in_next = dst->in_first;
    j->in_next_slot = dst->in_first_slot;
    dst->in_first = src;
    dst->in_first_slot = (uint8_t)slot;
    t->backend->patch(t->bstate, src, slot, dst, codebuf_rw_of(&t->cb, src->tc_ptr));
    patch_done(t, src);
    if (((src->pc ^ dst->pc) & ~(uint64_t)(TB_PAGE_SIZE - 1)) || dst->page_addr[1] != TB_NO_PAGE)
        xlink_add(t, src, slot);
    log_mask_printf(LOG_CHAIN, "chain: block 0x%llx slot %u -> block 0x%llx\n",
                    (unsigned long long)src->pc, slot, (unsigned long long)dst->pc);
}

/* Removes (src, slot) from the incoming list of its destination. */
static void incoming_remove(struct tb *src, unsigned slot)
{
    struct tb *dst = src->jmp[slot].dest;
    struct tb **pt = &dst->in_first;
    uint8_t *ps = &dst->in_first_slot;
    while (*pt) {
        struct tb *cur = *pt;
        unsigned cs = *ps;
        if (cur == src && cs == slot) {
            *pt = cur->jmp[cs].in_next;
            *ps = cur->jmp[cs].in_next_slot;
            return;
        }
        pt = &cur->jmp[cs].in_next;
        ps = &cur->jmp[cs].in_next_slot;
    }
}

void tb_unlink(struct translator *t, struct tb *src, unsigned slot)
{
    if (slot > 1 || !src->jmp[slot].dest)
        return;
    incoming_remove(src, slot);
    src->jmp[slot].dest = NULL;
    src->jmp[slot].in_next = NULL;
    t->backend->unpatch(t->bstate, src, slot, codebuf_rw_of(&t->cb, src->tc_ptr));
    patch_done(t, src);
}

void tb_unlink_all(struct translator *t, struct tb *tb)
{
    while (tb->in_first)
        tb_unlink(t, tb->in_first, tb->in_first_slot);
    /* A dead block's own jumps stay patched (a block may still be running
     * when it invalidates itself); only the bookkeeping goes. */
    for (unsigned slot = 0; slot < 2; slot++) {
        if (tb->jmp[slot].dest) {
            incoming_remove(tb, slot);
            tb->jmp[slot].dest = NULL;
        }
    }
}

void tb_invalidate(struct translator *t, struct tb *tb)
{
    if (tb->invalid)
        return;
    tb->invalid = true;
    tb_hash_remove(t, tb);
    tb_pages_remove(t, tb);
    tb_jmp_cache_remove(t, tb);
    tb_unlink_all(t, tb);
    t->stats.invalidations++;
    t->stats.blocks_live--;
}

/* Entries whose jump was unlinked since (invalidation) find no destination. */
void tb_unlink_cross_page(struct translator *t)
{
    for (unsigned i = 0; i < t->nxlinks; i++)
        tb_unlink(t, t->xlinks[i].src, t->xlinks[i].slot);
    t->nxlinks = 0;
}
