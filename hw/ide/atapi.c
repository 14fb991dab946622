/* ATAPI CD-ROM: the PACKET protocol (byte count limit, interrupt reason) and
 * the MMC commands BIOSes, boot loaders and OS drivers issue.
 * T13 1410D §8.21 and §9.10 (PACKET); INCITS MMC-3/SPC-2 for the commands. */
#include "ide-int.h"

#include "translator/log.h"

#include <string.h>

/* Interrupt reason in the sector count register (§8.21.5). */
#define IR_COD 0x01
#define IR_IO  0x02

#define SENSE_NONE            0x00
#define SENSE_NOT_READY       0x02
#define SENSE_ILLEGAL_REQUEST 0x05
#define SENSE_UNIT_ATTENTION  0x06

#define ASC_INVALID_OPCODE   0x20
#define ASC_LBA_OUT_OF_RANGE 0x21
#define ASC_INVALID_FIELD    0x24
#define ASC_MEDIUM_CHANGED   0x28
#define ASC_NO_MEDIUM        0x3A
#define ASC_REMOVAL_PREVENTED 0x53

#define CD_MAX_SECTORS (80u * 60u * 75u) /* 80-minute CD; larger media are DVDs */

static uint32_t be16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v);
}

void atapi_reset_sense(struct ide_drive *d)
{
    d->sense_key = d->asc = d->ascq = 0;
}

static void set_sense(struct ide_drive *d, uint8_t key, uint8_t asc, uint8_t ascq)
{
    d->sense_key = key;
    d->asc = asc;
    d->ascq = ascq;
}

/* Command completion: status phase with the sense key in the error register. */
static void atapi_done(struct ide_bus *bus, struct ide_drive *d)
{
    d->nsector = IR_IO | IR_COD;
    d->pio_end = PIO_END_NONE;
    d->dma_kind = DMA_NONE;
    if (d->sense_key == SENSE_NONE) {
        d->status = ATA_ST_DRDY | ATA_ST_DSC;
        d->error = 0;
    } else {
        d->status = ATA_ST_DRDY | ATA_ST_ERR;
        d->error = (uint8_t)(d->sense_key << 4 | ATA_ERR_ABRT);
    }
    ide_set_irq(bus);
}

static void atapi_fail(struct ide_bus *bus, struct ide_drive *d, uint8_t key, uint8_t asc)
{
    log_mask_printf(LOG_GUEST_ERRORS, "atapi: command %#x: sense %x/%02x\n", d->cdb[0], key, asc);
    set_sense(d, key, asc, 0);
    atapi_done(bus, d);
}

static bool dma_requested(const struct ide_drive *d)
{
    return d->feature & 1;
}

void atapi_packet(struct ide_bus *bus, struct ide_drive *d)
{
    (void)bus;
    uint32_t limit = (uint32_t)d->hcyl << 8 | d->lcyl;
    /* 0 and odd limits are host errors; use the largest even count. */
    if (limit == 0 || limit == 0xFFFF)
        limit = 0xFFFE;
    d->byte_limit = (uint16_t)(limit & ~1u);
    ide_pio_start(d, 12, PIO_END_PACKET_CDB);
    d->nsector = IR_COD;
}

/* Next data-in block of a transfer: at most byte_limit bytes, announced in
 * the cylinder registers with an interrupt. */
static void data_in_block(struct ide_bus *bus, struct ide_drive *d, bool from_image)
{
    uint32_t n = d->remaining < d->byte_limit ? d->remaining : d->byte_limit;
    if (from_image) {
        if (blk_read(d->blk, d->lba, d->buf, n) < 0) {
            atapi_fail(bus, d, 0x03, 0x11); /* MEDIUM ERROR, unrecovered read */
            return;
        }
        d->lba += n;
    }
    d->remaining -= n;
    ide_pio_start(d, n, from_image ? PIO_END_ATAPI_READ : PIO_END_ATAPI_REPLY);
    d->nsector = IR_IO;
    d->lcyl = (uint8_t)n;
    d->hcyl = (uint8_t)(n >> 8);
    ide_set_irq(bus);
}

void atapi_pio_block_done(struct ide_bus *bus, struct ide_drive *d)
{
    bool from_image = d->pio_end == PIO_END_ATAPI_READ;
    if (d->remaining == 0) {
        atapi_done(bus, d);
        return;
    }
    if (!from_image)
        memmove(d->buf, d->buf + d->end, d->remaining);
    data_in_block(bus, d, from_image);
}

void atapi_dma_done(struct ide_bus *bus, struct ide_drive *d, enum bm_result r)
{
    if (r == BM_OK)
        atapi_done(bus, d);
    else if (r == BM_IO_ERROR)
        atapi_fail(bus, d, 0x03, 0x11);
    else
        atapi_fail(bus, d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
}

/* Sends len bytes of d->buf, cut to the allocation length the host gave. */
static void reply(struct ide_bus *bus, struct ide_drive *d, uint32_t len, uint32_t alloc)
{
    if (len > alloc)
        len = alloc;
    if (len == 0) {
        atapi_done(bus, d);
        return;
    }
    d->remaining = len;
    if (dma_requested(d)) {
        d->dma_kind = DMA_ATAPI_REPLY;
        d->status = ATA_ST_DRDY | ATA_ST_DRQ;
        ide_dma_kick(bus);
        return;
    }
    data_in_block(bus, d, false);
}

static void start_read(struct ide_bus *bus, struct ide_drive *d, uint32_t lba, uint32_t count)
{
    if ((uint64_t)lba + count > d->nb_sectors) {
        atapi_fail(bus, d, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
        return;
    }
    if (count == 0) {
        atapi_done(bus, d);
        return;
    }
    d->lba = (uint64_t)lba * ATAPI_SECTOR_SIZE;
    /* Bound one command to what the 32-bit byte counter holds. */
    uint64_t bytes = (uint64_t)count * ATAPI_SECTOR_SIZE;
    if (bytes > 0xFFFFF800u) {
        atapi_fail(bus, d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
        return;
    }
    d->remaining = (uint32_t)bytes;
    if (dma_requested(d)) {
        d->dma_kind = DMA_ATAPI_READ;
        d->status = ATA_ST_DRDY | ATA_ST_DRQ;
        ide_dma_kick(bus);
        return;
    }
    /* PIO moves whole sectors per block when the limit allows it. */
    if (d->byte_limit >= ATAPI_SECTOR_SIZE)
        d->byte_limit = (uint16_t)(d->byte_limit / ATAPI_SECTOR_SIZE * ATAPI_SECTOR_SIZE);
    data_in_block(bus, d, true);
}

static void cmd_test_unit_ready(struct ide_bus *bus, struct ide_drive *d)
{
    atapi_done(bus, d);
}

static void cmd_request_sense(struct ide_bus *bus, struct ide_drive *d)
{
    uint8_t key = d->sense_key, asc = d->asc, ascq = d->ascq;
    if (d->unit_attention) {
        key = SENSE_UNIT_ATTENTION;
        asc = ASC_MEDIUM_CHANGED;
        ascq = 0;
        d->unit_attention = false;
    }
    atapi_reset_sense(d);
    memset(d->buf, 0, 18);
    d->buf[0] = 0x70; /* current error, fixed format (SPC-2 §7.20.2) */
    d->buf[2] = key;
    d->buf[7] = 10;
    d->buf[12] = asc;
    d->buf[13] = ascq;
    reply(bus, d, 18, d->cdb[4]);
}

static void pad_copy(uint8_t *dst, const char *s, size_t n)
{
    size_t len = strlen(s);
    for (size_t i = 0; i < n; i++)
        dst[i] = (uint8_t)(i < len ? s[i] : ' ');
}

static void cmd_inquiry(struct ide_bus *bus, struct ide_drive *d)
{
    if (d->cdb[1] & 1) { /* vital product data pages: not supported */
        atapi_fail(bus, d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
        return;
    }
    memset(d->buf, 0, 36);
    d->buf[0] = 0x05; /* CD/DVD device */
    d->buf[1] = 0x80; /* removable */
    d->buf[3] = 0x21; /* ATAPI transport version 2, response data format 1 */
    d->buf[4] = 31;
    pad_copy(d->buf + 8, "JIT86", 8);
    pad_copy(d->buf + 16, "JIT86 DVD-ROM", 16);
    pad_copy(d->buf + 32, d->fw, 4);
    reply(bus, d, 36, be16(d->cdb + 3));
}

static void cmd_start_stop(struct ide_bus *bus, struct ide_drive *d)
{
    bool loej = d->cdb[4] & 2, start = d->cdb[4] & 1;
    if (loej && !start && d->locked) {
        atapi_fail(bus, d, SENSE_ILLEGAL_REQUEST, ASC_REMOVAL_PREVENTED);
        return;
    }
    atapi_done(bus, d);
}

static void cmd_prevent_allow(struct ide_bus *bus, struct ide_drive *d)
{
    d->locked = d->cdb[4] & 1;
    atapi_done(bus, d);
}

static void cmd_read_capacity(struct ide_bus *bus, struct ide_drive *d)
{
    put32(d->buf, (uint32_t)(d->nb_sectors ? d->nb_sectors - 1 : 0));
    put32(d->buf + 4, ATAPI_SECTOR_SIZE);
    reply(bus, d, 8, 8);
}

static void cmd_read10(struct ide_bus *bus, struct ide_drive *d)
{
    start_read(bus, d, be32(d->cdb + 2), be16(d->cdb + 7));
}

static void cmd_read12(struct ide_bus *bus, struct ide_drive *d)
{
    start_read(bus, d, be32(d->cdb + 2), be32(d->cdb + 6));
}

static void cmd_seek(struct ide_bus *bus, struct ide_drive *d)
{
    if (be32(d->cdb + 2) >= d->nb_sectors) {
        atapi_fail(bus, d, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
        return;
    }
    atapi_done(bus, d);
}

/* MODE SENSE(10) pages: 01h read error recovery, 2Ah capabilities (MMC-3
 * §6.3.11 table 361). Returns the page length, 0 for an unknown page. */
static uint32_t mode_page(const struct ide_drive *d, uint8_t page, uint8_t *p)
{
    if (page == 0x01) {
        memset(p, 0, 8);
        p[0] = 0x01;
        p[1] = 6;
        p[3] = 5; /* read retry count */
        return 8;
    }
    if (page != 0x2A)
        return 0;
    memset(p, 0, 28);
    p[0] = 0x2A;
    p[1] = 26;
    p[2] = 0x3B; /* reads CD-R, CD-RW, method 2, DVD-ROM, DVD-R, DVD-RAM */
    p[4] = 0x71; /* audio play, composite, digital ports, multi-session */
    p[5] = 0x7F; /* CD-DA, accurate stream, R-W, C2 pointers, ISRC, UPC */
    p[6] = (uint8_t)(0x29 | (d->locked ? 0x02 : 0)); /* tray, eject, lock */
    p[7] = 0x03; /* separate volume and channel mute */
    put16(p + 8, 706 * 8); /* maximum read speed, kB/s */
    put16(p + 10, 256);    /* volume levels */
    put16(p + 12, 2048);   /* buffer, KiB */
    put16(p + 14, 706 * 8);
    return 28;
}

static void cmd_mode_sense10(struct ide_bus *bus, struct ide_drive *d)
{
    uint8_t page = d->cdb[2] & 0x3F, pc = d->cdb[2] >> 6;
    if (pc == 3) { /* saved values */
        atapi_fail(bus, d, SENSE_ILLEGAL_REQUEST, 0x39);
        return;
    }
    uint32_t len = 8;
    memset(d->buf, 0, 8);
    if (page == 0x3F) {
        len += mode_page(d, 0x01, d->buf + len);
        len += mode_page(d, 0x2A, d->buf + len);
    } else {
        uint32_t n = mode_page(d, page, d->buf + len);
        if (!n) {
            atapi_fail(bus, d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
            return;
        }
        len += n;
    }
    put16(d->buf, len - 2);
    d->buf[2] = d->blk ? 0x01 : 0x70; /* medium type: 120 mm data disc / no disc */
    reply(bus, d, len, be16(d->cdb + 7));
}

static void put_address(uint8_t *p, uint32_t lba, bool msf)
{
    if (!msf) {
        put32(p, lba);
        return;
    }
    uint32_t f = lba + 150; /* MSF counts from the 2-second pregap */
    p[0] = 0;
    p[1] = (uint8_t)(f / (75 * 60));
    p[2] = (uint8_t)(f / 75 % 60);
    p[3] = (uint8_t)(f % 75);
}

static void toc_entry(uint8_t *p, uint8_t track, uint32_t lba, bool msf)
{
    p[0] = 0;
    p[1] = 0x14; /* ADR 1, data track */
    p[2] = track;
    p[3] = 0;
    put_address(p + 4, lba, msf);
}

/* READ TOC/PMA/ATIP (MMC-3 §6.1.21): one data track and the lead-out. */
static void cmd_read_toc(struct ide_bus *bus, struct ide_drive *d)
{
    bool msf = d->cdb[1] & 2;
    uint8_t format = d->cdb[2] & 0x0F;
    if (!format)
        format = d->cdb[9] >> 6; /* older drivers put it in the control byte */
    uint8_t start = d->cdb[6];
    uint32_t len = 4;
    if (format == 0) {
        if (start > 1 && start != 0xAA) {
            atapi_fail(bus, d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
            return;
        }
        if (start <= 1) {
            toc_entry(d->buf + len, 1, 0, msf);
            len += 8;
        }
        toc_entry(d->buf + len, 0xAA, (uint32_t)d->nb_sectors, msf);
        len += 8;
    } else if (format == 1) {
        toc_entry(d->buf + len, 1, 0, msf); /* first track of the last session */
        len += 8;
    } else {
        atapi_fail(bus, d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
        return;
    }
    put16(d->buf, len - 2);
    d->buf[2] = 1;
    d->buf[3] = 1;
    reply(bus, d, len, be16(d->cdb + 7));
}

/* GET CONFIGURATION (MMC-3 §6.1.4): profile list and core feature. */
static void cmd_get_configuration(struct ide_bus *bus, struct ide_drive *d)
{
    uint8_t rt = d->cdb[1] & 3;
    uint32_t first = be16(d->cdb + 2);
    bool dvd = d->nb_sectors > CD_MAX_SECTORS;
    uint16_t profile = !d->blk ? 0 : dvd ? 0x0010 : 0x0008;
    uint8_t *b = d->buf;
    memset(b, 0, 32);
    put16(b + 6, profile);
    uint32_t len = 8;
    if (first == 0) {
        uint8_t *f = b + len;
        f[2] = 0x03; /* persistent, current */
        f[3] = 8;
        put16(f + 4, 0x0010);
        f[6] = profile == 0x0010;
        put16(f + 8, 0x0008);
        f[10] = profile == 0x0008;
        len += 12;
    }
    if (first <= 1 && !(rt == 2 && first == 0)) {
        uint8_t *f = b + len;
        put16(f, 0x0001);
        f[2] = 0x0B; /* version 2, persistent, current */
        f[3] = 8;
        put32(f + 4, 2); /* physical interface: ATAPI */
        len += 12;
    }
    put32(b, len - 4);
    reply(bus, d, len, be16(d->cdb + 7));
}

/* GET EVENT STATUS NOTIFICATION (MMC-3 §6.1.5), polled media class only. */
static void cmd_get_event_status(struct ide_bus *bus, struct ide_drive *d)
{
    if (!(d->cdb[1] & 1)) {
        atapi_fail(bus, d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
        return;
    }
    uint8_t *b = d->buf;
    memset(b, 0, 8);
    b[3] = 0x10; /* supported: media class */
    uint32_t len = 4;
    if (d->cdb[4] & 0x10) {
        b[2] = 0x04;
        b[4] = d->media_event ? (d->blk ? 0x02 : 0x03) : 0x00; /* new media / removal */
        b[5] = d->blk ? 0x02 : 0x00;                          /* media present */
        d->media_event = false;
        len = 8;
    } else
        b[2] = 0x80; /* no event available */
    put16(b, len - 2);
    reply(bus, d, len, be16(d->cdb + 7));
}

static void cmd_mechanism_status(struct ide_bus *bus, struct ide_drive *d)
{
    memset(d->buf, 0, 8);
    reply(bus, d, 8, be16(d->cdb + 8));
}

static void cmd_nop(struct ide_bus *bus, struct ide_drive *d)
{
    atapi_done(bus, d);
}

#define A_MEDIA 0x1 /* needs a medium: NOT READY without */
#define A_UA_OK 0x2 /* runs despite a pending UNIT ATTENTION */

struct atapi_cmd {
    void (*fn)(struct ide_bus *, struct ide_drive *);
    uint8_t flags;
};

static const struct atapi_cmd atapi_cmds[256] = {
    [0x00] = {cmd_test_unit_ready, A_MEDIA},
    [0x03] = {cmd_request_sense, A_UA_OK},
    [0x12] = {cmd_inquiry, A_UA_OK},
    [0x1B] = {cmd_start_stop, 0},
    [0x1E] = {cmd_prevent_allow, 0},
    [0x25] = {cmd_read_capacity, A_MEDIA},
    [0x28] = {cmd_read10, A_MEDIA},
    [0x2B] = {cmd_seek, A_MEDIA},
    [0x43] = {cmd_read_toc, A_MEDIA},
    [0x46] = {cmd_get_configuration, A_UA_OK},
    [0x4A] = {cmd_get_event_status, A_UA_OK},
    [0x5A] = {cmd_mode_sense10, 0},
    [0xA8] = {cmd_read12, A_MEDIA},
    [0xBB] = {cmd_nop, 0}, /* SET CD SPEED */
    [0xBD] = {cmd_mechanism_status, 0},
};

void atapi_cdb_arrived(struct ide_bus *bus, struct ide_drive *d)
{
    memcpy(d->cdb, d->buf, sizeof(d->cdb));
    const struct atapi_cmd *c = &atapi_cmds[d->cdb[0]];
    if (!c->fn) {
        log_mask_printf(LOG_UNIMP, "atapi: command %#x\n", d->cdb[0]);
        atapi_fail(bus, d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);
        return;
    }
    if (d->cdb[0] != 0x03)
        atapi_reset_sense(d);
    if (d->unit_attention && !(c->flags & A_UA_OK)) {
        d->unit_attention = false;
        atapi_fail(bus, d, SENSE_UNIT_ATTENTION, ASC_MEDIUM_CHANGED);
        return;
    }
    if ((c->flags & A_MEDIA) && !d->blk) {
        atapi_fail(bus, d, SENSE_NOT_READY, ASC_NO_MEDIUM);
        return;
    }
    c->fn(bus, d);
}
