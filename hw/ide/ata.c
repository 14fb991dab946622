/* ATA channel core: task-file registers, device selection, SRST, the PIO and
 * interrupt protocols and the ATA command set of a disk (and the few ATA
 * commands a packet device takes). T13 1410D (ATA/ATAPI-6) §6, §8, §9. */
#include "ide-int.h"

#include "translator/log.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static struct ide_drive *cur(struct ide_bus *bus)
{
    return &bus->drive[bus->unit];
}

static bool bus_empty(const struct ide_bus *bus)
{
    return bus->drive[0].kind == IDE_NONE && bus->drive[1].kind == IDE_NONE;
}

void ide_update_irq(struct ide_bus *bus)
{
    irq_set(&bus->irq, bus->intrq && !(bus->devctl & ATA_CTL_NIEN));
}

void ide_set_irq(struct ide_bus *bus)
{
    bus->intrq = true;
    /* The PIIX latches every INTRQ of the channel in the bus-master status
     * (82371SB §2.7.2), which drivers check to claim a DMA interrupt. */
    bus->bm_status |= BM_ST_INTR;
    ide_update_irq(bus);
}

void ide_cmd_ok(struct ide_bus *bus, struct ide_drive *d)
{
    d->status = ATA_ST_DRDY | ATA_ST_DSC;
    d->pio_end = PIO_END_NONE;
    ide_set_irq(bus);
}

void ide_cmd_error(struct ide_bus *bus, struct ide_drive *d, uint8_t error)
{
    d->status = ATA_ST_DRDY | ATA_ST_ERR;
    d->error = error;
    d->pio_end = PIO_END_NONE;
    d->dma_kind = DMA_NONE;
    ide_set_irq(bus);
}

void ide_pio_start(struct ide_drive *d, uint32_t len, enum ide_pio_end end)
{
    d->pos = 0;
    d->end = len;
    d->pio_end = (uint8_t)end;
    d->status = ATA_ST_DRDY | ATA_ST_DSC | ATA_ST_DRQ;
}

/* Power-on / SRST / DEVICE RESET signature (§9.12): disks report 01h/01h in
 * count/LBA low, packet devices 14h/EBh in the cylinder registers. */
static void set_signature(struct ide_drive *d)
{
    d->nsector = d->sector = 1;
    d->lcyl = d->kind == IDE_CDROM ? 0x14 : 0;
    d->hcyl = d->kind == IDE_CDROM ? 0xEB : 0;
    d->select = 0xA0;
    d->error = 0x01; /* diagnostics passed */
}

static void drive_reset(struct ide_drive *d)
{
    set_signature(d);
    d->status = d->kind == IDE_DISK ? ATA_ST_DRDY | ATA_ST_DSC : 0;
    d->pio_end = PIO_END_NONE;
    d->dma_kind = DMA_NONE;
    d->pos = d->end = 0;
    d->remaining = 0;
}

void ide_bus_reset(struct ide_bus *bus)
{
    for (int i = 0; i < 2; i++) {
        struct ide_drive *d = &bus->drive[i];
        drive_reset(d);
        d->mult_sectors = 0;
        d->wcache = true;
        d->xfer_mode = 0;
        d->cur_heads = d->heads;
        d->cur_secs = d->secs;
        d->locked = false;
        atapi_reset_sense(d);
    }
    bus->unit = 0;
    bus->devctl = 0;
    bus->intrq = false;
    bus->bm_cmd = bus->bm_status = 0;
    bus->bm_prd = 0;
    ide_update_irq(bus);
}

void ide_bus_init(struct ide_bus *bus, struct mmu_phys_space *mem)
{
    memset(bus, 0, sizeof(*bus));
    bus->mem = mem;
    bus->master_enabled = true;
    ide_bus_reset(bus);
}

static void copy_id_string(char *dst, size_t cap, const char *src)
{
    strncpy(dst, src, cap - 1);
    dst[cap - 1] = 0;
}

bool ide_attach(struct ide_bus *bus, int unit, enum ide_kind kind, struct blk *blk, char *err,
                size_t errlen)
{
    if (unit < 0 || unit > 1 || kind == IDE_NONE || (kind == IDE_DISK && !blk)) {
        snprintf(err, errlen, "ide: bad drive attachment");
        return false;
    }
    struct ide_drive *d = &bus->drive[unit];
    uint64_t len = blk ? blk_length(blk) : 0;
    if (kind == IDE_DISK && len < IDE_SECTOR_SIZE) {
        snprintf(err, errlen, "ide: disk image '%s' is smaller than one sector",
                 blk_filename(blk));
        return false;
    }
    d->kind = kind;
    d->blk = blk;
    d->nb_sectors = kind == IDE_DISK ? len / IDE_SECTOR_SIZE : len / ATAPI_SECTOR_SIZE;
    snprintf(d->serial, sizeof(d->serial), "JIT86%02d%013u", unit, (unsigned)(len >> 9));
    copy_id_string(d->model, sizeof(d->model),
                   kind == IDE_DISK ? "JIT86 HARDDISK" : "JIT86 DVD-ROM");
    copy_id_string(d->fw, sizeof(d->fw), "1.0");
    ide_default_geometry(d);
    drive_reset(d);
    d->cur_heads = d->heads;
    d->cur_secs = d->secs;
    d->wcache = true;
    if (kind == IDE_CDROM && blk)
        d->media_event = true;
    return true;
}

void ide_cd_change(struct ide_bus *bus, int unit, struct blk *blk)
{
    struct ide_drive *d = &bus->drive[unit & 1];
    if (d->kind != IDE_CDROM)
        return;
    /* A transfer from the old medium ends with UNIT ATTENTION. */
    if (d->pio_end == PIO_END_ATAPI_READ || d->dma_kind == DMA_ATAPI_READ) {
        d->pio_end = PIO_END_NONE;
        d->dma_kind = DMA_NONE;
        d->status = ATA_ST_DRDY | ATA_ST_ERR;
        d->error = 0x60 | ATA_ERR_ABRT;
        d->nsector = 0x03;
        ide_set_irq(bus);
    }
    d->blk = blk;
    d->nb_sectors = blk ? blk_length(blk) / ATAPI_SECTOR_SIZE : 0;
    d->unit_attention = true;
    d->media_event = true;
}

/* Task-file address of the current command: LBA48, LBA28 or CHS (§6.2.1).
 * Returns false for a CHS address outside the current geometry. */
static bool tf_lba(const struct ide_drive *d, bool lba48, uint64_t *lba)
{
    if (lba48) {
        *lba = (uint64_t)d->hob_hcyl << 40 | (uint64_t)d->hob_lcyl << 32 |
               (uint64_t)d->hob_sector << 24 | (uint64_t)d->hcyl << 16 |
               (uint64_t)d->lcyl << 8 | d->sector;
        return true;
    }
    if (d->select & 0x40) {
        *lba = (uint64_t)(d->select & 0x0F) << 24 | (uint64_t)d->hcyl << 16 |
               (uint64_t)d->lcyl << 8 | d->sector;
        return true;
    }
    uint32_t cyl = (uint32_t)d->hcyl << 8 | d->lcyl;
    uint32_t head = d->select & 0x0F;
    if (d->sector == 0 || d->sector > d->cur_secs || head >= d->cur_heads)
        return false;
    *lba = ((uint64_t)cyl * d->cur_heads + head) * d->cur_secs + d->sector - 1u;
    return true;
}

static uint32_t tf_count(const struct ide_drive *d, bool lba48)
{
    if (lba48) {
        uint32_t n = (uint32_t)d->hob_nsector << 8 | d->nsector;
        return n ? n : 65536;
    }
    return d->nsector ? d->nsector : 256;
}

/* Decodes and bounds-checks the sector range; fails the command with IDNF
 * (§6.2.4: address outside the device) when it does not fit. */
static bool setup_range(struct ide_bus *bus, struct ide_drive *d, bool lba48)
{
    uint64_t lba;
    uint32_t count = tf_count(d, lba48);
    if (!tf_lba(d, lba48, &lba) || lba >= d->nb_sectors || count > d->nb_sectors - lba) {
        log_mask_printf(LOG_GUEST_ERRORS, "ide: sector range past the end of the disk\n");
        ide_cmd_error(bus, d, ATA_ERR_IDNF);
        return false;
    }
    d->lba = lba;
    d->remaining = count;
    return true;
}

static void read_block(struct ide_bus *bus, struct ide_drive *d)
{
    uint32_t n = d->remaining < d->block ? d->remaining : d->block;
    if (blk_read(d->blk, d->lba * IDE_SECTOR_SIZE, d->buf, (size_t)n * IDE_SECTOR_SIZE) < 0) {
        ide_cmd_error(bus, d, ATA_ERR_UNC);
        return;
    }
    ide_pio_start(d, n * IDE_SECTOR_SIZE, PIO_END_READ);
    ide_set_irq(bus);
}

static void write_block_ready(struct ide_drive *d)
{
    uint32_t n = d->remaining < d->block ? d->remaining : d->block;
    ide_pio_start(d, n * IDE_SECTOR_SIZE, PIO_END_WRITE);
}

static bool writable(struct ide_bus *bus, struct ide_drive *d)
{
    if (!blk_is_read_only(d->blk))
        return true;
    log_mask_printf(LOG_GUEST_ERRORS, "ide: write to a read-only image\n");
    ide_cmd_error(bus, d, ATA_ERR_ABRT);
    return false;
}

static void pio_rw(struct ide_bus *bus, struct ide_drive *d, bool write, bool multiple,
                   bool lba48)
{
    if (multiple && !d->mult_sectors) {
        ide_cmd_error(bus, d, ATA_ERR_ABRT);
        return;
    }
    if ((write && !writable(bus, d)) || !setup_range(bus, d, lba48))
        return;
    d->block = multiple ? d->mult_sectors : 1;
    if (write)
        write_block_ready(d);
    else
        read_block(bus, d);
}

static void dma_rw(struct ide_bus *bus, struct ide_drive *d, bool write, bool lba48)
{
    if ((write && !writable(bus, d)) || !setup_range(bus, d, lba48))
        return;
    d->dma_kind = write ? DMA_DISK_WRITE : DMA_DISK_READ;
    d->status = ATA_ST_DRDY | ATA_ST_DSC | ATA_ST_DRQ;
    ide_dma_kick(bus);
}

void ide_disk_dma_done(struct ide_bus *bus, struct ide_drive *d, enum bm_result r)
{
    d->dma_kind = DMA_NONE;
    if (r == BM_OK)
        ide_cmd_ok(bus, d);
    else if (r == BM_IO_ERROR)
        ide_cmd_error(bus, d, d->command == 0xCA || d->command == 0x35 ? ATA_ERR_ABRT
                                                                       : ATA_ERR_UNC);
    else
        ide_cmd_error(bus, d, ATA_ERR_ABRT);
}

/* Commands, one small function each. */
static void cmd_read_pio(struct ide_bus *b, struct ide_drive *d) { pio_rw(b, d, false, false, false); }
static void cmd_read_pio48(struct ide_bus *b, struct ide_drive *d) { pio_rw(b, d, false, false, true); }
static void cmd_write_pio(struct ide_bus *b, struct ide_drive *d) { pio_rw(b, d, true, false, false); }
static void cmd_write_pio48(struct ide_bus *b, struct ide_drive *d) { pio_rw(b, d, true, false, true); }
static void cmd_read_mult(struct ide_bus *b, struct ide_drive *d) { pio_rw(b, d, false, true, false); }
static void cmd_read_mult48(struct ide_bus *b, struct ide_drive *d) { pio_rw(b, d, false, true, true); }
static void cmd_write_mult(struct ide_bus *b, struct ide_drive *d) { pio_rw(b, d, true, true, false); }
static void cmd_write_mult48(struct ide_bus *b, struct ide_drive *d) { pio_rw(b, d, true, true, true); }
static void cmd_read_dma(struct ide_bus *b, struct ide_drive *d) { dma_rw(b, d, false, false); }
static void cmd_read_dma48(struct ide_bus *b, struct ide_drive *d) { dma_rw(b, d, false, true); }
static void cmd_write_dma(struct ide_bus *b, struct ide_drive *d) { dma_rw(b, d, true, false); }
static void cmd_write_dma48(struct ide_bus *b, struct ide_drive *d) { dma_rw(b, d, true, true); }

static void cmd_verify(struct ide_bus *b, struct ide_drive *d)
{
    if (setup_range(b, d, d->command == 0x42))
        ide_cmd_ok(b, d);
}

static void cmd_nop_ok(struct ide_bus *b, struct ide_drive *d)
{
    ide_cmd_ok(b, d);
}

static void cmd_check_power(struct ide_bus *b, struct ide_drive *d)
{
    d->nsector = 0xFF; /* active or idle */
    ide_cmd_ok(b, d);
}

static void cmd_flush(struct ide_bus *b, struct ide_drive *d)
{
    /* Completion is reported only once the data is on stable storage. */
    if (d->blk && !blk_is_read_only(d->blk) && blk_flush(d->blk) < 0) {
        ide_cmd_error(b, d, ATA_ERR_ABRT);
        return;
    }
    ide_cmd_ok(b, d);
}

static void cmd_identify(struct ide_bus *b, struct ide_drive *d)
{
    if (d->kind == IDE_CDROM) {
        /* §8.15.7: a packet device aborts and shows its signature. */
        set_signature(d);
        ide_cmd_error(b, d, ATA_ERR_ABRT);
        return;
    }
    ide_identify_disk(d);
    ide_pio_start(d, 512, PIO_END_IDENTIFY);
    ide_set_irq(b);
}

static void cmd_identify_packet(struct ide_bus *b, struct ide_drive *d)
{
    ide_identify_packet(d);
    ide_pio_start(d, 512, PIO_END_IDENTIFY);
    ide_set_irq(b);
}

static void cmd_set_multiple(struct ide_bus *b, struct ide_drive *d)
{
    uint8_t n = d->nsector;
    /* Powers of two up to the maximum of IDENTIFY word 47; 0 disables. */
    if (n > IDE_MAX_MULTIPLE || (n & (n - 1))) {
        ide_cmd_error(b, d, ATA_ERR_ABRT);
        return;
    }
    d->mult_sectors = n;
    ide_cmd_ok(b, d);
}

static void cmd_init_params(struct ide_bus *b, struct ide_drive *d)
{
    if (d->nsector == 0) {
        ide_cmd_error(b, d, ATA_ERR_ABRT);
        return;
    }
    d->cur_secs = d->nsector;
    d->cur_heads = (uint16_t)((d->select & 0x0F) + 1);
    ide_cmd_ok(b, d);
}

static bool xfer_mode_ok(uint8_t v)
{
    uint8_t mode = v & 7;
    switch (v >> 3) {
    case 0: return mode <= 1;      /* PIO default */
    case 1: return mode <= 4;      /* PIO flow control */
    case 4: return mode <= 2;      /* multiword DMA */
    case 8: return mode <= 5;      /* Ultra DMA */
    default: return false;
    }
}

static void cmd_set_features(struct ide_bus *b, struct ide_drive *d)
{
    switch (d->feature) {
    case 0x02: d->wcache = true; break;
    case 0x82: d->wcache = false; break;
    case 0x03:
        if (!xfer_mode_ok(d->nsector)) {
            ide_cmd_error(b, d, ATA_ERR_ABRT);
            return;
        }
        d->xfer_mode = d->nsector;
        break;
    case 0x55: case 0xAA: /* read look-ahead */
    case 0x66: case 0xCC: /* revert to power-on defaults */
        break;
    default:
        log_mask_printf(LOG_UNIMP, "ide: SET FEATURES %#x\n", d->feature);
        ide_cmd_error(b, d, ATA_ERR_ABRT);
        return;
    }
    ide_cmd_ok(b, d);
}

static void cmd_exec_diag(struct ide_bus *b, struct ide_drive *d)
{
    (void)d;
    for (int i = 0; i < 2; i++)
        if (b->drive[i].kind != IDE_NONE)
            drive_reset(&b->drive[i]);
    b->unit = 0;
    if (b->drive[0].kind == IDE_DISK)
        b->drive[0].status = ATA_ST_DRDY | ATA_ST_DSC;
    ide_set_irq(b);
}

static void cmd_device_reset(struct ide_bus *b, struct ide_drive *d)
{
    (void)b;
    drive_reset(d); /* §8.10: no interrupt */
}

static void cmd_packet(struct ide_bus *b, struct ide_drive *d)
{
    atapi_packet(b, d);
}

#define F_DISK 0x1
#define F_CD   0x2

struct ata_cmd {
    void (*fn)(struct ide_bus *, struct ide_drive *);
    uint8_t flags;
};

/* ATA-6 §8 command codes. */
static const struct ata_cmd ata_cmds[256] = {
    [0x08] = {cmd_device_reset, F_CD},
    [0x10] = {cmd_nop_ok, F_DISK}, /* RECALIBRATE (obsolete) */
    [0x20] = {cmd_read_pio, F_DISK},
    [0x21] = {cmd_read_pio, F_DISK},
    [0x24] = {cmd_read_pio48, F_DISK},
    [0x25] = {cmd_read_dma48, F_DISK},
    [0x29] = {cmd_read_mult48, F_DISK},
    [0x30] = {cmd_write_pio, F_DISK},
    [0x31] = {cmd_write_pio, F_DISK},
    [0x34] = {cmd_write_pio48, F_DISK},
    [0x35] = {cmd_write_dma48, F_DISK},
    [0x39] = {cmd_write_mult48, F_DISK},
    [0x40] = {cmd_verify, F_DISK},
    [0x41] = {cmd_verify, F_DISK},
    [0x42] = {cmd_verify, F_DISK},
    [0x70] = {cmd_nop_ok, F_DISK}, /* SEEK */
    [0x90] = {cmd_exec_diag, F_DISK | F_CD},
    [0x91] = {cmd_init_params, F_DISK},
    [0xA0] = {cmd_packet, F_CD},
    [0xA1] = {cmd_identify_packet, F_CD},
    [0xC4] = {cmd_read_mult, F_DISK},
    [0xC5] = {cmd_write_mult, F_DISK},
    [0xC6] = {cmd_set_multiple, F_DISK},
    [0xC8] = {cmd_read_dma, F_DISK},
    [0xC9] = {cmd_read_dma, F_DISK},
    [0xCA] = {cmd_write_dma, F_DISK},
    [0xCB] = {cmd_write_dma, F_DISK},
    [0xE0] = {cmd_nop_ok, F_DISK | F_CD}, /* STANDBY IMMEDIATE */
    [0xE1] = {cmd_nop_ok, F_DISK | F_CD}, /* IDLE IMMEDIATE */
    [0xE2] = {cmd_nop_ok, F_DISK | F_CD}, /* STANDBY */
    [0xE3] = {cmd_nop_ok, F_DISK | F_CD}, /* IDLE */
    [0xE5] = {cmd_check_power, F_DISK | F_CD},
    [0xE7] = {cmd_flush, F_DISK | F_CD},
    [0xEA] = {cmd_flush, F_DISK},
    [0xEC] = {cmd_identify, F_DISK | F_CD},
    [0xEF] = {cmd_set_features, F_DISK | F_CD},
};

static void exec_command(struct ide_bus *bus, uint8_t op)
{
    struct ide_drive *d = cur(bus);
    if (d->kind == IDE_NONE)
        return;
    /* A device busy with a command ignores new ones, except DEVICE RESET. */
    if ((d->status & ATA_ST_BSY) || ((d->status & ATA_ST_DRQ) && op != 0x08))
        log_mask_printf(LOG_GUEST_ERRORS, "ide: command %#x while busy\n", op);
    if (d->status & ATA_ST_BSY)
        return;
    d->command = op;
    d->error = 0;
    d->pio_end = PIO_END_NONE;
    d->dma_kind = DMA_NONE;
    bus->intrq = false;
    ide_update_irq(bus);
    const struct ata_cmd *c = &ata_cmds[op];
    uint8_t need = d->kind == IDE_DISK ? F_DISK : F_CD;
    if (!c->fn || !(c->flags & need)) {
        log_mask_printf(LOG_UNIMP, "ide: command %#x aborted\n", op);
        ide_cmd_error(bus, d, ATA_ERR_ABRT);
        return;
    }
    c->fn(bus, d);
}

/* The guest moved the last byte of a PIO block. */
static void pio_block_done(struct ide_bus *bus, struct ide_drive *d)
{
    uint32_t n = d->end / IDE_SECTOR_SIZE;
    switch (d->pio_end) {
    case PIO_END_IDENTIFY:
        d->status = ATA_ST_DRDY | ATA_ST_DSC;
        d->pio_end = PIO_END_NONE;
        break;
    case PIO_END_READ:
        d->lba += n;
        d->remaining -= n;
        if (d->remaining)
            read_block(bus, d);
        else {
            d->status = ATA_ST_DRDY | ATA_ST_DSC;
            d->pio_end = PIO_END_NONE;
        }
        break;
    case PIO_END_WRITE:
        if (blk_write(d->blk, d->lba * IDE_SECTOR_SIZE, d->buf, d->end) < 0) {
            ide_cmd_error(bus, d, ATA_ERR_ABRT);
            return;
        }
        d->lba += n;
        d->remaining -= n;
        if (d->remaining) {
            write_block_ready(d);
            ide_set_irq(bus);
        } else
            ide_cmd_ok(bus, d);
        break;
    case PIO_END_PACKET_CDB: atapi_cdb_arrived(bus, d); break;
    case PIO_END_ATAPI_READ:
    case PIO_END_ATAPI_REPLY: atapi_pio_block_done(bus, d); break;
    default: d->status &= (uint8_t)~ATA_ST_DRQ; break;
    }
}

static bool host_writes(const struct ide_drive *d)
{
    return d->pio_end == PIO_END_WRITE || d->pio_end == PIO_END_PACKET_CDB;
}

static uint32_t data_read(struct ide_bus *bus, unsigned size)
{
    struct ide_drive *d = cur(bus);
    if (!(d->status & ATA_ST_DRQ) || host_writes(d) || d->pos >= d->end)
        return 0xFFFFFFFFu >> (32 - 8 * size);
    uint32_t v = 0;
    for (unsigned i = 0; i < size && d->pos < d->end; i++)
        v |= (uint32_t)d->buf[d->pos++] << (8 * i);
    if (d->pos >= d->end)
        pio_block_done(bus, d);
    return v;
}

static void data_write(struct ide_bus *bus, uint32_t v, unsigned size)
{
    struct ide_drive *d = cur(bus);
    if (!(d->status & ATA_ST_DRQ) || !host_writes(d) || d->pos >= d->end)
        return;
    for (unsigned i = 0; i < size && d->pos < d->end; i++)
        d->buf[d->pos++] = (uint8_t)(v >> (8 * i));
    if (d->pos >= d->end)
        pio_block_done(bus, d);
}

static uint8_t reg_read(struct ide_bus *bus, unsigned reg)
{
    struct ide_drive *d = cur(bus);
    bool hob = bus->devctl & ATA_CTL_HOB;
    if (bus_empty(bus))
        return 0xFF;
    if (d->kind == IDE_NONE)
        return reg == 6 ? (uint8_t)(d->select | 0xA0) : 0;
    switch (reg) {
    case 1: return hob ? d->hob_feature : d->error;
    case 2: return hob ? d->hob_nsector : d->nsector;
    case 3: return hob ? d->hob_sector : d->sector;
    case 4: return hob ? d->hob_lcyl : d->lcyl;
    case 5: return hob ? d->hob_hcyl : d->hcyl;
    case 6: return d->select;
    default:
        bus->intrq = false; /* reading Status acknowledges INTRQ (§7.15) */
        ide_update_irq(bus);
        return d->status;
    }
}

static void tf_write(struct ide_drive *d, unsigned reg, uint8_t v)
{
    switch (reg) {
    case 1: d->hob_feature = d->feature; d->feature = v; break;
    case 2: d->hob_nsector = d->nsector; d->nsector = v; break;
    case 3: d->hob_sector = d->sector; d->sector = v; break;
    case 4: d->hob_lcyl = d->lcyl; d->lcyl = v; break;
    case 5: d->hob_hcyl = d->hcyl; d->hcyl = v; break;
    case 6: d->select = (uint8_t)(v | 0xA0); break;
    }
}

static void reg_write(struct ide_bus *bus, unsigned reg, uint8_t v)
{
    if (reg == 7) {
        exec_command(bus, v);
        return;
    }
    /* Both devices latch command block writes; any write clears HOB. */
    for (int i = 0; i < 2; i++)
        tf_write(&bus->drive[i], reg, v);
    bus->devctl &= (uint8_t)~ATA_CTL_HOB;
    if (reg == 6) {
        bus->unit = (v >> 4) & 1;
        ide_update_irq(bus);
    }
}

static uint64_t cmd_read(void *opaque, uint64_t off, unsigned size)
{
    struct ide_bus *bus = opaque;
    if (off == 0)
        return bus_empty(bus) ? 0xFFFFFFFFu >> (32 - 8 * size) : data_read(bus, size);
    uint64_t v = 0;
    for (unsigned i = 0; i < size && off + i < 8; i++)
        v |= (uint64_t)reg_read(bus, (unsigned)off + i) << (8 * i);
    return v;
}

static void cmd_write(void *opaque, uint64_t off, uint64_t v, unsigned size)
{
    struct ide_bus *bus = opaque;
    if (off == 0) {
        data_write(bus, (uint32_t)v, size);
        return;
    }
    for (unsigned i = 0; i < size && off + i < 8; i++)
        reg_write(bus, (unsigned)off + i, (uint8_t)(v >> (8 * i)));
}

/* Device control (§7.9): SRST held high resets both devices; its falling
 * edge ends the reset with signatures in place. */
static void devctl_write(struct ide_bus *bus, uint8_t v)
{
    bool was = bus->devctl & ATA_CTL_SRST;
    bus->devctl = v;
    if (v & ATA_CTL_SRST) {
        for (int i = 0; i < 2; i++)
            if (bus->drive[i].kind != IDE_NONE) {
                drive_reset(&bus->drive[i]);
                bus->drive[i].status = ATA_ST_BSY;
            }
        bus->intrq = false;
    } else if (was) {
        for (int i = 0; i < 2; i++)
            if (bus->drive[i].kind != IDE_NONE)
                drive_reset(&bus->drive[i]);
        bus->unit = 0;
    }
    ide_update_irq(bus);
}

static uint64_t ctl_read(void *opaque, uint64_t off, unsigned size)
{
    struct ide_bus *bus = opaque;
    (void)off;
    (void)size;
    if (bus_empty(bus))
        return 0xFF;
    struct ide_drive *d = cur(bus);
    return d->kind == IDE_NONE ? 0 : d->status; /* Alternate Status: no acknowledge */
}

static void ctl_write(void *opaque, uint64_t off, uint64_t v, unsigned size)
{
    (void)off;
    (void)size;
    devctl_write(opaque, (uint8_t)v);
}

static const struct mmu_io_ops cmd_ops = {
    .read = cmd_read, .write = cmd_write, .widths = MMU_WIDTH_1 | MMU_WIDTH_2 | MMU_WIDTH_4};
static const struct mmu_io_ops ctl_ops = {.read = ctl_read, .write = ctl_write, .widths = MMU_WIDTH_1};

bool ide_register_io(struct ide_bus *bus, struct mmu_io_space *io, uint16_t cmd, uint16_t ctl)
{
    return mmu_io_register(io, cmd, 8, &cmd_ops, bus) && mmu_io_register(io, ctl, 1, &ctl_ops, bus);
}

static const struct vms_field drive_fields[] = {
    VMS_FIELD(struct ide_drive, cur_heads, VMS_U16),
    VMS_FIELD(struct ide_drive, cur_secs, VMS_U16),
    VMS_FIELD(struct ide_drive, feature, VMS_U8),
    VMS_FIELD(struct ide_drive, nsector, VMS_U8),
    VMS_FIELD(struct ide_drive, sector, VMS_U8),
    VMS_FIELD(struct ide_drive, lcyl, VMS_U8),
    VMS_FIELD(struct ide_drive, hcyl, VMS_U8),
    VMS_FIELD(struct ide_drive, select, VMS_U8),
    VMS_FIELD(struct ide_drive, hob_feature, VMS_U8),
    VMS_FIELD(struct ide_drive, hob_nsector, VMS_U8),
    VMS_FIELD(struct ide_drive, hob_sector, VMS_U8),
    VMS_FIELD(struct ide_drive, hob_lcyl, VMS_U8),
    VMS_FIELD(struct ide_drive, hob_hcyl, VMS_U8),
    VMS_FIELD(struct ide_drive, status, VMS_U8),
    VMS_FIELD(struct ide_drive, error, VMS_U8),
    VMS_FIELD(struct ide_drive, command, VMS_U8),
    VMS_FIELD(struct ide_drive, mult_sectors, VMS_U8),
    VMS_FIELD(struct ide_drive, xfer_mode, VMS_U8),
    VMS_FIELD(struct ide_drive, wcache, VMS_BOOL),
    VMS_FIELD(struct ide_drive, lba, VMS_U64),
    VMS_FIELD(struct ide_drive, remaining, VMS_U32),
    VMS_FIELD(struct ide_drive, block, VMS_U32),
    VMS_FIELD(struct ide_drive, pos, VMS_U32),
    VMS_FIELD(struct ide_drive, end, VMS_U32),
    VMS_FIELD(struct ide_drive, pio_end, VMS_U8),
    VMS_FIELD(struct ide_drive, dma_kind, VMS_U8),
    VMS_FIELD(struct ide_drive, byte_limit, VMS_U16),
    VMS_ARRAY(struct ide_drive, cdb, VMS_U8),
    VMS_FIELD(struct ide_drive, sense_key, VMS_U8),
    VMS_FIELD(struct ide_drive, asc, VMS_U8),
    VMS_FIELD(struct ide_drive, ascq, VMS_U8),
    VMS_FIELD(struct ide_drive, unit_attention, VMS_BOOL),
    VMS_FIELD(struct ide_drive, media_event, VMS_BOOL),
    VMS_FIELD(struct ide_drive, locked, VMS_BOOL),
    VMS_ARRAY(struct ide_drive, buf, VMS_U8),
    VMS_END,
};

static const struct vms_desc drive_vmstate = {
    .name = "ide-drive", .version = 1, .min_version = 1, .fields = drive_fields};

/* Transfer states a drive of this kind can be in: a stream naming a disk
 * transfer on a CD-ROM (or an image read without a medium) is refused. */
static bool transfer_fits_kind(const struct ide_drive *d)
{
    bool disk_xfer = d->pio_end == PIO_END_READ || d->pio_end == PIO_END_WRITE ||
                     d->dma_kind == DMA_DISK_READ || d->dma_kind == DMA_DISK_WRITE;
    bool atapi_xfer = d->pio_end >= PIO_END_PACKET_CDB || d->dma_kind >= DMA_ATAPI_READ;
    bool image_read = d->pio_end == PIO_END_ATAPI_READ || d->dma_kind == DMA_ATAPI_READ;
    if (d->kind == IDE_DISK)
        return !atapi_xfer && (!disk_xfer || (d->block >= 1 && d->block <= IDE_MAX_MULTIPLE));
    return !disk_xfer && (!image_read || d->blk);
}

static bool drive_valid(const struct ide_drive *d)
{
    bool reply = d->pio_end == PIO_END_ATAPI_REPLY || d->dma_kind == DMA_ATAPI_REPLY;
    return d->pos <= d->end && d->end <= IDE_BUF_SIZE && d->pio_end < PIO_END_COUNT &&
           d->dma_kind <= DMA_ATAPI_REPLY && d->mult_sectors <= IDE_MAX_MULTIPLE &&
           d->block <= IDE_MAX_MULTIPLE && d->cur_heads >= 1 && d->cur_heads <= 16 &&
           d->cur_secs >= 1 && d->cur_secs <= 255 && d->sense_key <= 0x0F &&
           (!reply || (uint64_t)d->end + d->remaining <= IDE_BUF_SIZE) &&
           transfer_fits_kind(d);
}

static bool bus_post_load(void *opaque)
{
    struct ide_bus *bus = opaque;
    if (bus->unit > 1)
        return false;
    for (int i = 0; i < 2; i++)
        if (bus->drive[i].kind != IDE_NONE && !drive_valid(&bus->drive[i]))
            return false;
    ide_update_irq(bus);
    return true;
}

static const struct vms_field bus_fields[] = {
    {.name = "drive", .type = VMS_STRUCT, .offset = offsetof(struct ide_bus, drive),
     .size = sizeof(struct ide_drive), .count = 2, .sub = &drive_vmstate},
    VMS_FIELD(struct ide_bus, unit, VMS_U8),
    VMS_FIELD(struct ide_bus, devctl, VMS_U8),
    VMS_FIELD(struct ide_bus, intrq, VMS_BOOL),
    VMS_FIELD(struct ide_bus, bm_cmd, VMS_U8),
    VMS_FIELD(struct ide_bus, bm_status, VMS_U8),
    VMS_FIELD(struct ide_bus, bm_prd, VMS_U32),
    VMS_END,
};

const struct vms_desc ide_bus_vmstate = {
    .name = "ide-bus",
    .version = 1,
    .min_version = 1,
    .fields = bus_fields,
    .post_load = bus_post_load,
};
