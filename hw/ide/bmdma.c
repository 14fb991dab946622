/* IDE bus-master DMA of one channel: command, status and descriptor-table
 * registers, and the walk of the Physical Region Descriptor table.
 * Intel 82371SB (PIIX3) datasheet §2.7 and §3.3 ("Bus Master IDE"). */
#include "ide-int.h"

#include "translator/log.h"

#include <stdlib.h>

#define PRD_EOT        0x80000000u
#define PRD_TABLE_SPAN 0x10000u /* the table may not cross a 64 KiB boundary */
#define PRD_CHUNK      0x10000u

/* Only RAM below the top of guest memory may be a DMA target: a descriptor
 * pointing elsewhere is a master abort, reported in the status register. */
static bool in_ram(struct ide_bus *bus, uint64_t addr, uint64_t len)
{
    uint64_t ram = mmu_phys_ram_size(bus->mem);
    return addr < ram && len <= ram - addr;
}

static bool prd_fetch(struct ide_bus *bus, uint32_t table, uint32_t index, uint32_t *addr,
                      uint32_t *len, bool *eot)
{
    uint64_t at = (uint64_t)table + 8u * index;
    /* Each descriptor is 8 bytes inside the 64 KiB-aligned table. */
    if ((at & ~(uint64_t)(PRD_TABLE_SPAN - 1)) != (table & ~(PRD_TABLE_SPAN - 1)) ||
        !in_ram(bus, at, 8))
        return false;
    uint8_t e[8];
    mmu_phys_read(bus->mem, at, e, 8);
    *addr = ((uint32_t)e[0] | (uint32_t)e[1] << 8 | (uint32_t)e[2] << 16 | (uint32_t)e[3] << 24) &
            ~1u;
    uint32_t hi = (uint32_t)e[4] | (uint32_t)e[5] << 8 | (uint32_t)e[6] << 16 |
                  (uint32_t)e[7] << 24;
    *len = hi & 0xFFFE;
    if (*len == 0)
        *len = 0x10000; /* a count of 0 means 64 KiB */
    *eot = hi & PRD_EOT;
    /* A region may not cross a 64 KiB boundary (§2.7.3). */
    return (*addr & 0xFFFF) + *len <= 0x10000 && in_ram(bus, *addr, *len);
}

static bool move(struct ide_bus *bus, struct blk *blk, const uint8_t *buf, uint64_t off,
                 uint32_t addr, uint32_t n, bool to_mem, uint8_t *tmp)
{
    if (to_mem && !blk) {
        mmu_phys_write(bus->mem, addr, buf + off, n);
        return true;
    }
    if (to_mem) {
        if (blk_read(blk, off, tmp, n) < 0)
            return false;
        mmu_phys_write(bus->mem, addr, tmp, n);
        return true;
    }
    mmu_phys_read(bus->mem, addr, tmp, n);
    return blk_write(blk, off, tmp, n) >= 0;
}

enum bm_result ide_bm_transfer(struct ide_bus *bus, struct blk *blk, const uint8_t *buf,
                               uint64_t off, uint64_t len, bool to_mem, bool *prd_left)
{
    uint8_t *tmp = malloc(PRD_CHUNK);
    if (!tmp)
        return BM_IO_ERROR;
    enum bm_result r = BM_PRD_SHORT;
    uint32_t table = bus->bm_prd & ~3u;
    *prd_left = false;
    for (uint32_t i = 0; i < PRD_TABLE_SPAN / 8; i++) {
        uint32_t addr, n;
        bool eot;
        if (!prd_fetch(bus, table, i, &addr, &n, &eot)) {
            log_mask_printf(LOG_GUEST_ERRORS, "ide: bad PRD %u at %#x\n", i, table);
            r = BM_PRD_BAD;
            break;
        }
        uint32_t region = n;
        if (n > len)
            n = (uint32_t)len;
        if (n && !move(bus, blk, buf, off, addr, n, to_mem, tmp)) {
            r = BM_IO_ERROR;
            break;
        }
        off += n;
        len -= n;
        if (len == 0) {
            *prd_left = !eot || n < region; /* more room than data */
            r = BM_OK;
            break;
        }
        if (eot)
            break;
    }
    free(tmp);
    return r;
}

/* Runs the selected device's pending transfer once the engine is started. */
void ide_dma_kick(struct ide_bus *bus)
{
    struct ide_drive *d = &bus->drive[bus->unit];
    if (!(bus->bm_cmd & BM_CMD_START) || !bus->master_enabled || d->dma_kind == DMA_NONE)
        return;
    bool to_mem = d->dma_kind != DMA_DISK_WRITE;
    /* The direction bit must match the command; a mismatch moves nothing. */
    bool left = false;
    enum bm_result r;
    bool atapi = d->dma_kind == DMA_ATAPI_READ || d->dma_kind == DMA_ATAPI_REPLY;
    if (to_mem != !!(bus->bm_cmd & BM_CMD_TO_MEM) || (d->dma_kind != DMA_ATAPI_REPLY && !d->blk))
        r = BM_PRD_BAD;
    else if (d->dma_kind == DMA_ATAPI_REPLY)
        r = ide_bm_transfer(bus, NULL, d->buf, 0, d->remaining, true, &left);
    else if (atapi)
        r = ide_bm_transfer(bus, d->blk, NULL, d->lba, d->remaining, true, &left);
    else
        r = ide_bm_transfer(bus, d->blk, NULL, d->lba * IDE_SECTOR_SIZE,
                            (uint64_t)d->remaining * IDE_SECTOR_SIZE, to_mem, &left);
    if (r == BM_PRD_BAD)
        bus->bm_status |= BM_ST_ERROR;
    if (!(r == BM_OK && left))
        bus->bm_status &= (uint8_t)~BM_ST_ACTIVE;
    if (atapi)
        atapi_dma_done(bus, d, r);
    else
        ide_disk_dma_done(bus, d, r);
}

uint32_t ide_bm_read(struct ide_bus *bus, uint32_t off, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        uint32_t o = (off + i) & 7;
        uint8_t b = 0;
        if (o == 0)
            b = bus->bm_cmd;
        else if (o == 2)
            b = bus->bm_status;
        else if (o >= 4)
            b = (uint8_t)(bus->bm_prd >> (8 * (o - 4)));
        v |= (uint64_t)b << (8 * i);
    }
    return (uint32_t)v;
}

static void bm_cmd_write(struct ide_bus *bus, uint8_t v)
{
    bool was = bus->bm_cmd & BM_CMD_START;
    /* The direction bit only changes while the engine is stopped. */
    if (was && (v & BM_CMD_START))
        v = (uint8_t)((v & ~BM_CMD_TO_MEM) | (bus->bm_cmd & BM_CMD_TO_MEM));
    bus->bm_cmd = v & (BM_CMD_START | BM_CMD_TO_MEM);
    if (!(v & BM_CMD_START)) {
        bus->bm_status &= (uint8_t)~BM_ST_ACTIVE;
        return;
    }
    if (!was) {
        bus->bm_status |= BM_ST_ACTIVE;
        ide_dma_kick(bus);
    }
}

void ide_bm_write(struct ide_bus *bus, uint32_t off, uint32_t val, unsigned size)
{
    for (unsigned i = 0; i < size; i++) {
        uint32_t o = (off + i) & 7;
        uint8_t b = (uint8_t)(val >> (8 * i));
        if (o == 0)
            bm_cmd_write(bus, b);
        else if (o == 2)
            /* Bits 5-6 (drive DMA capable) are plain storage; error and
             * interrupt are write-one-to-clear. */
            bus->bm_status = (uint8_t)((bus->bm_status & BM_ST_ACTIVE) | (b & 0x60) |
                                       (bus->bm_status & ~b & (BM_ST_ERROR | BM_ST_INTR)));
        else if (o >= 4) {
            uint32_t shift = 8 * (o - 4);
            bus->bm_prd = (bus->bm_prd & ~(0xFFu << shift)) | (uint32_t)b << shift;
            bus->bm_prd &= ~3u;
        }
    }
}
