/* TLB maintenance and the memory slow path: refill after a page walk, flushes
 * as Intel SDM Vol. 3A §4.10.4 requires, MMIO and code-page dispatch, and
 * page-crossing accesses (both pages translated before any byte moves). */
#include "softmmu/tlb.h"
#include "phys-internal.h"

#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

static void flush_idx(struct mmu_tlb *tlb, unsigned idx)
{
    memset(tlb->table[idx], 0xff, sizeof(tlb->table[idx]));
    tlb->large_pages[idx] = 0;
    tlb->global_pages[idx] = 0;
}

static void flush_paged(struct mmu_tlb *tlb)
{
    flush_idx(tlb, MMU_IDX_KERNEL);
    flush_idx(tlb, MMU_IDX_USER);
}

static void invalidate(struct mmu_tlb_entry *e)
{
    for (int k = 0; k < MMU_ACCESS_COUNT; k++)
        e->tag[k] = MMU_TLB_EMPTY;
}

void mmu_tlb_init(struct mmu_tlb *tlb, struct mmu_phys_space *space)
{
    memset(tlb, 0, sizeof(*tlb));
    for (unsigned i = 0; i < MMU_IDX_COUNT; i++)
        flush_idx(tlb, i);
    tlb->space = space;
    tlb->space_next = space->tlbs;
    space->tlbs = tlb;
}

void mmu_tlb_destroy(struct mmu_tlb *tlb)
{
    if (!tlb->space)
        return;
    for (struct mmu_tlb **p = &tlb->space->tlbs; *p; p = &(*p)->space_next) {
        if (*p == tlb) {
            *p = tlb->space_next;
            break;
        }
    }
    tlb->space = NULL;
}

void mmu_tlb_flush(struct mmu_tlb *tlb)
{
    for (unsigned i = 0; i < MMU_IDX_COUNT; i++)
        flush_idx(tlb, i);
    tlb->stats.flush_full++;
}

static void flush_nonglobal(struct mmu_tlb *tlb)
{
    for (unsigned idx = MMU_IDX_KERNEL; idx <= MMU_IDX_USER; idx++) {
        if (!tlb->global_pages[idx]) {
            flush_idx(tlb, idx);
            continue;
        }
        for (unsigned i = 0; i < MMU_TLB_SIZE; i++) {
            if (!tlb->info[idx][i].global)
                invalidate(&tlb->table[idx][i]);
        }
    }
    tlb->stats.flush_nonglobal++;
}

void mmu_tlb_set_paging(struct mmu_tlb *tlb, const struct mmu_paging *m)
{
    const struct mmu_paging *o = &tlb->paging;
    bool mode_changed = o->pg != m->pg || o->wp != m->wp || o->pse != m->pse || o->pge != m->pge ||
                        o->pae != m->pae || o->nxe != m->nxe || o->phys_bits != m->phys_bits;
    bool cr3_changed = o->cr3 != m->cr3;
    tlb->paging = *m;
    if (mode_changed) {
        flush_paged(tlb);
        tlb->stats.flush_full++;
    } else if (cr3_changed) {
        flush_nonglobal(tlb);
    }
}

void mmu_tlb_write_cr3(struct mmu_tlb *tlb, uint64_t cr3)
{
    tlb->paging.cr3 = cr3;
    flush_nonglobal(tlb);
}

static bool entry_maps(const struct mmu_tlb_entry *e, uint64_t page)
{
    for (int k = 0; k < MMU_ACCESS_COUNT; k++) {
        if (!(e->tag[k] & MMU_TLB_INVALID) && (e->tag[k] & MMU_TLB_PAGE_MASK) == page)
            return true;
    }
    return false;
}

void mmu_tlb_invlpg(struct mmu_tlb *tlb, uint32_t vaddr)
{
    uint64_t page = vaddr & MMU_TLB_PAGE_MASK;
    for (unsigned idx = MMU_IDX_KERNEL; idx <= MMU_IDX_USER; idx++) {
        struct mmu_tlb_entry *e = mmu_tlb_entry(tlb, idx, vaddr);
        if (entry_maps(e, page))
            invalidate(e);
        if (!tlb->large_pages[idx])
            continue;
        /* 4 KiB pieces of a large page sit at any index: find them by the
         * large page they belong to. */
        for (unsigned i = 0; i < MMU_TLB_SIZE; i++) {
            const struct mmu_tlb_info *in = &tlb->info[idx][i];
            struct mmu_tlb_entry *x = &tlb->table[idx][i];
            uint64_t mask = ~(uint64_t)(uint32_t)~in->page_mask;
            if (in->page_mask != (uint32_t)MMU_TLB_PAGE_MASK &&
                entry_maps(x, (x->tag[MMU_ACCESS_READ] & MMU_TLB_PAGE_MASK)) &&
                ((x->tag[MMU_ACCESS_READ] & mask) == (page & mask)))
                invalidate(x);
        }
    }
    tlb->stats.flush_page++;
}

/* ---- refill ---- */

static void log_mmu(const struct mmu_tlb *tlb, const char *fmt, ...)
{
    const struct mmu_phys_space *s = tlb->space;
    va_list ap;
    va_start(ap, fmt);
    s->mmu_log(s->mmu_log_opaque, fmt, ap);
    va_end(ap);
}

static void log_fill(const struct mmu_tlb *tlb, unsigned idx, uint32_t vaddr,
                     const struct mmu_translation *t)
{
    static const char *const names[MMU_IDX_COUNT] = {"kernel", "user", "nopaging"};
    log_mmu(tlb, "mmu: fill %s va=0x%08x pa=0x%09" PRIx64 " page=%uK %c%c%c%s%s\n", names[idx],
            vaddr, t->paddr, t->page_size >> 10, t->prot & MMU_PROT_READ ? 'r' : '-',
            t->prot & MMU_PROT_WRITE ? 'w' : '-', t->prot & MMU_PROT_EXEC ? 'x' : '-',
            t->dirty ? " dirty" : "", t->global ? " global" : "");
}

static void fill(struct mmu_tlb *tlb, unsigned idx, uint32_t vaddr, const struct mmu_translation *t)
{
    struct mmu_phys_space *s = tlb->space;
    uint64_t page = vaddr & MMU_TLB_PAGE_MASK;
    uint64_t ppage = t->paddr & MMU_TLB_PAGE_MASK;
    uint8_t *rd = phys_page_host(s, ppage, PHYS_READ);
    uint8_t *wr = phys_page_host(s, ppage, PHYS_WRITE);
    uint8_t *base = rd ? rd : wr;
    struct mmu_tlb_entry *e = mmu_tlb_entry(tlb, idx, vaddr);
    struct mmu_tlb_info *in = &tlb->info[idx][(vaddr >> MMU_PAGE_BITS) & (MMU_TLB_SIZE - 1)];

    e->addend = base ? (uint64_t)(uintptr_t)base - page : 0;
    uint64_t rd_tag = page | (rd ? 0 : MMU_TLB_MMIO);
    e->tag[MMU_ACCESS_READ] = (t->prot & MMU_PROT_READ) ? rd_tag : MMU_TLB_EMPTY;
    e->tag[MMU_ACCESS_EXEC] = (t->prot & MMU_PROT_EXEC) ? rd_tag : MMU_TLB_EMPTY;
    e->tag[MMU_ACCESS_WRITE] = MMU_TLB_EMPTY;
    if ((t->prot & MMU_PROT_WRITE) && t->dirty) {
        e->tag[MMU_ACCESS_WRITE] = page | (wr && wr == base ? 0 : MMU_TLB_MMIO) |
                                   (phys_page_write_watched(s, ppage) ? MMU_TLB_NOTDIRTY : 0);
    }
    in->paddr = ppage;
    in->page_mask = ~(t->page_size - 1);
    in->global = t->global;
    if (t->page_size > MMU_PAGE_SIZE)
        tlb->large_pages[idx]++;
    if (t->global)
        tlb->global_pages[idx]++;
}

static bool tag_hit(uint64_t tag, uint32_t vaddr)
{
    return !(tag & MMU_TLB_INVALID) && (tag & MMU_TLB_PAGE_MASK) == (vaddr & MMU_TLB_PAGE_MASK);
}

bool mmu_tlb_translate(struct mmu_tlb *tlb, unsigned idx, uint32_t vaddr, enum mmu_access access,
                       uint64_t *paddr, struct mmu_fault *fault)
{
    assert(idx < MMU_IDX_COUNT && access < MMU_ACCESS_COUNT);
    struct mmu_tlb_entry *e = mmu_tlb_entry(tlb, idx, vaddr);
    unsigned i = (vaddr >> MMU_PAGE_BITS) & (MMU_TLB_SIZE - 1);
    if (!tag_hit(e->tag[access], vaddr)) {
        struct mmu_translation t;
        tlb->stats.misses[access]++;
        if (idx == MMU_IDX_NOPAGING || !tlb->paging.pg) {
            t = (struct mmu_translation){
                .paddr = vaddr & mmu_phys_a20_mask(tlb->space),
                .page_size = MMU_PAGE_SIZE,
                .prot = MMU_PROT_READ | MMU_PROT_WRITE | MMU_PROT_EXEC,
                .dirty = true,
            };
        } else {
            tlb->stats.walks++;
            if (!mmu_translate(tlb->space, &tlb->paging, vaddr, access, idx == MMU_IDX_USER, &t,
                               fault)) {
                tlb->stats.faults++;
                if (tlb->space->mmu_log)
                    log_mmu(tlb, "mmu: #PF va=0x%08x error=0x%x\n", vaddr, fault->error_code);
                return false;
            }
        }
        if (tlb->space->mmu_log)
            log_fill(tlb, idx, vaddr, &t);
        fill(tlb, idx, vaddr, &t);
    }
    *paddr = tlb->info[idx][i].paddr | (vaddr & MMU_PAGE_OFFSET);
    return true;
}

/* ---- slow path ---- */

/* The entry just hit or refilled maps plain memory for this access, and the
 * size is one the host accessors take: use its addend like the fast path. */
static bool plain(uint64_t tag, unsigned size)
{
    return !(tag & MMU_PAGE_OFFSET) && (size == 1 || size == 2 || size == 4 || size == 8);
}

enum mmu_result mmu_load_slow(struct mmu_tlb *tlb, unsigned idx, uint32_t vaddr, unsigned size,
                              enum mmu_access access, uint64_t *value, struct mmu_fault *fault)
{
    assert(size >= 1 && size <= 8);
    tlb->stats.slow[access]++;
    unsigned first = MMU_PAGE_SIZE - (vaddr & MMU_PAGE_OFFSET);
    uint64_t p1, p2;
    if (!mmu_tlb_translate(tlb, idx, vaddr, access, &p1, fault))
        return MMU_FAULT;
    if (size <= first) {
        const struct mmu_tlb_entry *e = mmu_tlb_entry(tlb, idx, vaddr);
        if (plain(e->tag[access], size))
            *value = mmu_host_load(mmu_tlb_host(e, vaddr), size);
        else
            *value = mmu_phys_load(tlb->space, p1, size);
        return MMU_OK;
    }
    uint32_t second = vaddr + first; /* wraps at 4 GiB like the linear address space */
    if (!mmu_tlb_translate(tlb, idx, second, access, &p2, fault))
        return MMU_FAULT;
    uint64_t lo = mmu_phys_load(tlb->space, p1, first);
    uint64_t hi = mmu_phys_load(tlb->space, p2, size - first);
    *value = lo | (hi << (8 * first));
    return MMU_OK;
}

/* After a store to a code page that no longer holds code, let the page's writes
 * use the fast path again. */
static void rearm_write(struct mmu_tlb *tlb, unsigned idx, uint32_t vaddr)
{
    struct mmu_tlb_entry *e = mmu_tlb_entry(tlb, idx, vaddr);
    uint64_t tag = e->tag[MMU_ACCESS_WRITE];
    unsigned i = (vaddr >> MMU_PAGE_BITS) & (MMU_TLB_SIZE - 1);
    if ((tag & MMU_TLB_NOTDIRTY) && tag_hit(tag, vaddr) &&
        !phys_page_write_watched(tlb->space, tlb->info[idx][i].paddr))
        e->tag[MMU_ACCESS_WRITE] = tag & ~(uint64_t)MMU_TLB_NOTDIRTY;
}

enum mmu_result mmu_store_slow(struct mmu_tlb *tlb, unsigned idx, uint32_t vaddr, unsigned size,
                               uint64_t value, struct mmu_fault *fault)
{
    assert(size >= 1 && size <= 8);
    tlb->stats.slow[MMU_ACCESS_WRITE]++;
    unsigned first = MMU_PAGE_SIZE - (vaddr & MMU_PAGE_OFFSET);
    uint32_t second = vaddr + first;
    uint64_t p1, p2 = 0;
    if (!mmu_tlb_translate(tlb, idx, vaddr, MMU_ACCESS_WRITE, &p1, fault))
        return MMU_FAULT;
    if (size > first && !mmu_tlb_translate(tlb, idx, second, MMU_ACCESS_WRITE, &p2, fault))
        return MMU_FAULT;
    bool modified;
    if (size <= first) {
        const struct mmu_tlb_entry *e = mmu_tlb_entry(tlb, idx, vaddr);
        if (plain(e->tag[MMU_ACCESS_WRITE], size)) {
            mmu_host_store(mmu_tlb_host(e, vaddr), value, size);
            return MMU_OK;
        }
        modified = mmu_phys_store(tlb->space, p1, value, size);
    } else {
        modified = mmu_phys_store(tlb->space, p1, value, first);
        modified |= mmu_phys_store(tlb->space, p2, value >> (8 * first), size - first);
        rearm_write(tlb, idx, second);
    }
    rearm_write(tlb, idx, vaddr);
    return modified ? MMU_CODE_MODIFIED : MMU_OK;
}

/* ---- notifications from the physical address space ---- */

void tlb_space_flush_all(struct mmu_phys_space *space)
{
    for (struct mmu_tlb *t = space->tlbs; t; t = t->space_next)
        mmu_tlb_flush(t);
}

void tlb_space_code_page_marked(struct mmu_phys_space *space, uint64_t paddr)
{
    for (struct mmu_tlb *t = space->tlbs; t; t = t->space_next) {
        for (unsigned idx = 0; idx < MMU_IDX_COUNT; idx++) {
            for (unsigned i = 0; i < MMU_TLB_SIZE; i++) {
                uint64_t *tag = &t->table[idx][i].tag[MMU_ACCESS_WRITE];
                if (!(*tag & MMU_TLB_INVALID) && t->info[idx][i].paddr == paddr)
                    *tag |= MMU_TLB_NOTDIRTY;
            }
        }
    }
}

void tlb_space_watch_writes(struct mmu_phys_space *space, uint64_t paddr, uint64_t len)
{
    for (struct mmu_tlb *t = space->tlbs; t; t = t->space_next) {
        for (unsigned idx = 0; idx < MMU_IDX_COUNT; idx++) {
            for (unsigned i = 0; i < MMU_TLB_SIZE; i++) {
                uint64_t *tag = &t->table[idx][i].tag[MMU_ACCESS_WRITE];
                if (!(*tag & MMU_TLB_INVALID) && t->info[idx][i].paddr - paddr < len)
                    *tag |= MMU_TLB_NOTDIRTY;
            }
        }
    }
}

int mmu_tlb_format_stats(const struct mmu_tlb *tlb, char *buf, size_t len)
{
    const struct mmu_tlb_stats *st = &tlb->stats;
    return snprintf(buf, len,
                    "tlb: %u entries x %u mmu indexes\n"
                    "hits:   read %" PRIu64 " write %" PRIu64 " exec %" PRIu64 "\n"
                    "misses: read %" PRIu64 " write %" PRIu64 " exec %" PRIu64 "\n"
                    "slow:   read %" PRIu64 " write %" PRIu64 " exec %" PRIu64 "\n"
                    "walks %" PRIu64 " faults %" PRIu64 "\n"
                    "flushes: full %" PRIu64 " non-global %" PRIu64 " page %" PRIu64 "\n",
                    MMU_TLB_SIZE, MMU_IDX_COUNT, st->hits[0], st->hits[1], st->hits[2],
                    st->misses[0], st->misses[1], st->misses[2], st->slow[0], st->slow[1],
                    st->slow[2], st->walks, st->faults, st->flush_full, st->flush_nonglobal,
                    st->flush_page);
}

static char tag_letter(uint64_t tag, char yes)
{
    if (tag & MMU_TLB_INVALID)
        return '-';
    if (tag & MMU_TLB_MMIO)
        return 'M';
    if (tag & MMU_TLB_NOTDIRTY)
        return 'C';
    return yes;
}

int mmu_tlb_format_entries(const struct mmu_tlb *tlb, char *buf, size_t len)
{
    static const char *const names[MMU_IDX_COUNT] = {"kernel", "user", "nopaging"};
    size_t used = 0;
    for (unsigned idx = 0; idx < MMU_IDX_COUNT; idx++) {
        for (unsigned i = 0; i < MMU_TLB_SIZE; i++) {
            const struct mmu_tlb_entry *e = &tlb->table[idx][i];
            const struct mmu_tlb_info *in = &tlb->info[idx][i];
            if (e->tag[MMU_ACCESS_READ] & e->tag[MMU_ACCESS_WRITE] & e->tag[MMU_ACCESS_EXEC] &
                MMU_TLB_INVALID)
                continue;
            uint64_t page = MMU_TLB_EMPTY;
            for (int k = 0; k < MMU_ACCESS_COUNT; k++) {
                if (!(e->tag[k] & MMU_TLB_INVALID))
                    page = e->tag[k] & MMU_TLB_PAGE_MASK;
            }
            int n = snprintf(
                buf + (used < len ? used : len), used < len ? len - used : 0,
                "%-8s 0x%08" PRIx64 " -> 0x%09" PRIx64 " %c%c%c %uK%s\n", names[idx], page,
                in->paddr, tag_letter(e->tag[MMU_ACCESS_READ], 'r'),
                tag_letter(e->tag[MMU_ACCESS_WRITE], 'w'), tag_letter(e->tag[MMU_ACCESS_EXEC], 'x'),
                (unsigned)((uint32_t)~in->page_mask + 1) >> 10, in->global ? " global" : "");
            used += (size_t)n;
        }
    }
    if (len && used < len)
        buf[used] = '\0';
    return (int)used;
}
