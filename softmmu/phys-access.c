/* Accesses by physical address: RAM and ROM bytes, MMIO dispatch, unassigned
 * addresses (all-ones, writes ignored, "-d unimp"), and the self-modifying-code
 * check shared by CPU stores and device DMA. */
#include "phys-internal.h"
#include "io-dispatch.h"
#include "softmmu/tlb.h"

#include <string.h>

static void log_unimp(struct mmu_phys_space *s, const char *fmt, ...)
{
    if (!s->log)
        return;
    va_list ap;
    va_start(ap, fmt);
    s->log(s->log_opaque, fmt, ap);
    va_end(ap);
}

uint64_t phys_host_load(const uint8_t *p, unsigned size)
{
    if (size == 1 || size == 2 || size == 4 || size == 8)
        return mmu_host_load(p, size);
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

void phys_host_store(uint8_t *p, uint64_t value, unsigned size)
{
    if (size == 1 || size == 2 || size == 4 || size == 8) {
        mmu_host_store(p, value, size);
        return;
    }
    for (unsigned i = 0; i < size; i++)
        p[i] = (uint8_t)(value >> (8 * i));
}

/* Calls the SMC hook for the part of [paddr, paddr+len) on code pages. */
static bool smc_check(struct mmu_phys_space *s, uint64_t paddr, uint64_t len)
{
    bool modified = false;
    uint64_t end = paddr + len;
    for (uint64_t at = paddr; at < end;) {
        uint64_t next = (at | MMU_PAGE_OFFSET) + 1;
        uint64_t stop = next < end ? next : end;
        if (mmu_phys_is_code_page(s, at)) {
            s->stats.smc_invalidations++;
            if (s->smc && s->smc(s->smc_opaque, at, stop - at))
                modified = true;
        }
        at = stop;
    }
    return modified;
}

static bool fits(const struct mmu_region *r, uint64_t paddr, uint64_t len)
{
    return paddr - r->base <= r->size && len <= r->size - (paddr - r->base);
}

static uint64_t region_load(struct mmu_region *r, uint64_t paddr, unsigned size)
{
    uint64_t off = paddr - r->base;
    if (r->kind == PHYS_MMIO)
        return mmu_io_dispatch_read(r->ops, r->opaque, &r->counts, off, size);
    return phys_host_load(r->host + off, size);
}

static bool region_store(struct mmu_phys_space *s, struct mmu_region *r, uint64_t paddr,
                         uint64_t value, unsigned size)
{
    uint64_t off = paddr - r->base;
    switch (r->kind) {
    case PHYS_MMIO:
        mmu_io_dispatch_write(r->ops, r->opaque, &r->counts, off, value, size);
        return false;
    case PHYS_ROM: return false;
    case PHYS_DEVRAM: phys_devram_mark(r, paddr, size); break;
    case PHYS_RAM: phys_ram_mark(s, r, paddr, size); break;
    }
    bool modified = smc_check(s, paddr, size);
    phys_host_store(r->host + off, value, size);
    return modified;
}

/* An access that spans regions or touches unassigned bytes: byte by byte. */
static uint64_t load_bytes(struct mmu_phys_space *s, uint64_t paddr, unsigned size)
{
    uint64_t v = 0;
    bool unassigned = false;
    for (unsigned i = 0; i < size; i++) {
        /* No wrap at 2^64: past the top everything is unassigned. */
        struct mmu_region *r =
            paddr + i < paddr ? NULL : phys_region_at(s, paddr + i, PHYS_READ);
        uint64_t b = 0xff;
        if (r)
            b = region_load(r, paddr + i, 1);
        else
            unassigned = true;
        v |= b << (8 * i);
    }
    if (unassigned) {
        s->stats.unassigned_reads++;
        log_unimp(s, "unassigned physical read at 0x%llx, size %u\n", (unsigned long long)paddr,
                  size);
    }
    return v;
}

static bool store_bytes(struct mmu_phys_space *s, uint64_t paddr, uint64_t value, unsigned size)
{
    bool modified = false, unassigned = false;
    for (unsigned i = 0; i < size; i++) {
        struct mmu_region *r =
            paddr + i < paddr ? NULL : phys_region_at(s, paddr + i, PHYS_WRITE);
        if (r)
            modified |= region_store(s, r, paddr + i, (value >> (8 * i)) & 0xff, 1);
        else
            unassigned = true;
    }
    if (unassigned) {
        s->stats.unassigned_writes++;
        log_unimp(s, "unassigned physical write at 0x%llx, size %u, value 0x%llx\n",
                  (unsigned long long)paddr, size, (unsigned long long)value);
    }
    return modified;
}

uint64_t mmu_phys_load(struct mmu_phys_space *s, uint64_t paddr, unsigned size)
{
    if (size == 0 || size > 8)
        return ~(uint64_t)0;
    struct mmu_region *r = phys_region_at(s, paddr, PHYS_READ);
    if (r && fits(r, paddr, size))
        return region_load(r, paddr, size);
    return load_bytes(s, paddr, size);
}

bool mmu_phys_store(struct mmu_phys_space *s, uint64_t paddr, uint64_t value, unsigned size)
{
    if (size == 0 || size > 8)
        return false;
    struct mmu_region *r = phys_region_at(s, paddr, PHYS_WRITE);
    if (r && fits(r, paddr, size))
        return region_store(s, r, paddr, value, size);
    return store_bytes(s, paddr, value, size);
}

/* Bulk accesses go page by page: whole pages of RAM or ROM are copied, anything
 * else byte by byte through the region dispatch. */
void mmu_phys_read(struct mmu_phys_space *s, uint64_t paddr, void *buf, size_t len)
{
    uint8_t *out = buf;
    while (len) {
        size_t chunk = MMU_PAGE_SIZE - (paddr & MMU_PAGE_OFFSET);
        if (chunk > len)
            chunk = len;
        struct mmu_region *r = phys_region_at(s, paddr, PHYS_READ);
        if (r && r->kind != PHYS_MMIO && fits(r, paddr, chunk)) {
            memcpy(out, r->host + (paddr - r->base), chunk);
        } else {
            for (size_t i = 0; i < chunk; i++)
                out[i] = (uint8_t)mmu_phys_load(s, paddr + i, 1);
        }
        out += chunk;
        paddr += chunk;
        len -= chunk;
    }
}

bool mmu_phys_write(struct mmu_phys_space *s, uint64_t paddr, const void *buf, size_t len)
{
    const uint8_t *in = buf;
    bool modified = false;
    while (len) {
        size_t chunk = MMU_PAGE_SIZE - (paddr & MMU_PAGE_OFFSET);
        if (chunk > len)
            chunk = len;
        struct mmu_region *r = phys_region_at(s, paddr, PHYS_WRITE);
        if (r && (r->kind == PHYS_RAM || r->kind == PHYS_DEVRAM) && fits(r, paddr, chunk)) {
            modified |= smc_check(s, paddr, chunk);
            if (r->kind == PHYS_DEVRAM)
                phys_devram_mark(r, paddr, chunk);
            else
                phys_ram_mark(s, r, paddr, chunk);
            memcpy(r->host + (paddr - r->base), in, chunk);
        } else {
            for (size_t i = 0; i < chunk; i++)
                modified |= mmu_phys_store(s, paddr + i, in[i], 1);
        }
        in += chunk;
        paddr += chunk;
        len -= chunk;
    }
    return modified;
}
