/* 82077AA floppy controller: registers, command/execution/result phases, DMA
 * transfers on channel 2 with multi-sector and multi-track continuation,
 * format, seek and the interrupt/sense protocol. Intel 290166 §5, §8, §9. */
#include "fdc.h"

#include "translator/log.h"

#include <stdio.h>
#include <string.h>

#define DOR_NRESET 0x04
#define DOR_DMAEN  0x08
#define MSR_RQM    0x80
#define MSR_DIO    0x40
#define MSR_NDMA   0x20
#define MSR_CB     0x10

#define ST0_IC_ABNORMAL 0x40
#define ST0_IC_INVALID  0x80
#define ST0_SE          0x20
#define ST0_NR          0x08
#define ST1_EN 0x80
#define ST1_DE 0x20
#define ST1_ND 0x04
#define ST1_NW 0x02
#define ST1_MA 0x01

/* Formats by image size (sectors per track, heads, tracks, data rate):
 * rate 0 = 500 kb/s, 1 = 300, 2 = 250, 3 = 1 Mb/s (82077AA table 5-3). */
struct fd_format {
    uint32_t size_kib;
    uint8_t spt, heads, tracks, rate, cmos;
};

static const struct fd_format fd_formats[] = {
    {160, 8, 1, 40, 2, 1},   {180, 9, 1, 40, 2, 1},   {320, 8, 2, 40, 2, 1},
    {360, 9, 2, 40, 2, 1},   {720, 9, 2, 80, 2, 3},   {1200, 15, 2, 80, 0, 2},
    {1440, 18, 2, 80, 0, 4}, {1476, 18, 2, 82, 0, 4}, {1494, 18, 2, 83, 0, 4},
    {1600, 20, 2, 80, 0, 4}, {1680, 21, 2, 80, 0, 4}, {1722, 21, 2, 82, 0, 4},
    {1743, 21, 2, 83, 0, 4}, {2880, 36, 2, 80, 3, 5},
};

bool fdc_attach(struct fdc *f, int unit, struct blk *blk, char *err, size_t errlen)
{
    uint64_t len = blk ? blk_length(blk) : 0;
    if (unit < 0 || unit > 1 || !blk) {
        snprintf(err, errlen, "floppy: bad drive attachment");
        return false;
    }
    for (size_t i = 0; i < sizeof(fd_formats) / sizeof(fd_formats[0]); i++) {
        const struct fd_format *m = &fd_formats[i];
        if ((uint64_t)m->spt * m->heads * m->tracks * FDC_SECTOR_SIZE != len)
            continue;
        struct fdc_drive *d = &f->drive[unit];
        *d = (struct fdc_drive){.blk = blk, .tracks = m->tracks, .heads = m->heads,
                                .spt = m->spt, .rate = m->rate, .cmos = m->cmos,
                                .ro = blk_is_read_only(blk), .changed = true};
        return true;
    }
    snprintf(err, errlen, "floppy: image '%s' has size %llu, which is no floppy format",
             blk_filename(blk), (unsigned long long)len);
    return false;
}

uint8_t fdc_cmos_types(const struct fdc *f)
{
    uint8_t a = f->drive[0].blk ? f->drive[0].cmos : 0;
    uint8_t b = f->drive[1].blk ? f->drive[1].cmos : 0;
    return (uint8_t)(a << 4 | b);
}

static void update_irq(struct fdc *f)
{
    irq_set(&f->irq, f->irq_pending && (f->dor & DOR_DMAEN));
}

static void raise_irq(struct fdc *f)
{
    f->irq_pending = true;
    update_irq(f);
}

static void lower_irq(struct fdc *f)
{
    f->irq_pending = false;
    update_irq(f);
}

static struct fdc_drive *drive_of(struct fdc *f, uint8_t unit)
{
    return (unit & 3) < 2 && f->drive[unit & 3].blk ? &f->drive[unit & 3] : NULL;
}

static void to_idle(struct fdc *f)
{
    f->phase = FDC_CMD;
    f->pos = f->cmd_len = f->res_len = 0;
}

static void result(struct fdc *f, const uint8_t *bytes, uint8_t n, bool irq)
{
    memcpy(f->fifo, bytes, n);
    f->res_len = n;
    f->pos = 0;
    f->phase = FDC_RESULT;
    if (irq)
        raise_irq(f);
}

/* Controller reset (DOR bit 2 low, DSR bit 7): idle, and once released an
 * interrupt with one SENSE INTERRUPT STATUS owed per drive (§5.2 polling). */
static void controller_reset(struct fdc *f)
{
    to_idle(f);
    if (f->dma)
        dma_set_dreq(f->dma, FDC_DMA_CHANNEL, false);
    f->sense_valid = false;
    f->reset_polls = 0;
    lower_irq(f);
    if (!f->lock) { /* LOCK keeps CONFIGURE's settings across resets */
        f->config = 0x20;
        f->pretrk = 0;
    }
}

static void reset_done(struct fdc *f)
{
    f->reset_polls = 4;
    raise_irq(f);
}

void fdc_reset(struct fdc *f)
{
    f->dor = DOR_NRESET | DOR_DMAEN;
    f->tdr = 0;
    f->rate = 0;
    f->lock = false;
    f->perp = 0;
    f->specify[0] = f->specify[1] = 0;
    for (int i = 0; i < 2; i++)
        f->drive[i].track = 0;
    controller_reset(f);
}

/* Sector address → byte offset of the image, or false when outside it. */
static bool chs_offset(const struct fdc_drive *d, uint8_t c, uint8_t h, uint8_t r, uint64_t *off)
{
    if (c >= d->tracks || h >= d->heads || r == 0 || r > d->spt)
        return false;
    *off = (((uint64_t)c * d->heads + h) * d->spt + r - 1u) * FDC_SECTOR_SIZE;
    return true;
}

static void rw_result(struct fdc *f, uint8_t st0, uint8_t st1, uint8_t st2)
{
    dma_set_dreq(f->dma, FDC_DMA_CHANNEL, false);
    uint8_t r[7] = {(uint8_t)(st0 | f->x_h << 2 | f->x_unit), st1, st2, f->x_c, f->x_h, f->x_r,
                    f->x_n};
    result(f, r, 7, true);
}

/* Moves to the next sector after one completed: returns false at the end of
 * the cylinder (the result then names the next cylinder, §8.3 table 8-6). */
static bool next_sector(struct fdc *f)
{
    if (f->x_r < f->x_eot) {
        f->x_r++;
        return true;
    }
    f->x_r = 1;
    if (f->x_mt && f->x_h == 0 && drive_of(f, f->x_unit)->heads > 1) {
        f->x_h = 1;
        return true;
    }
    if (f->x_mt)
        f->x_h ^= 1;
    f->x_c++;
    return false;
}

static bool load_sector(struct fdc *f, struct fdc_drive *d)
{
    uint64_t off;
    if (!chs_offset(d, f->x_c, f->x_h, f->x_r, &off)) {
        rw_result(f, ST0_IC_ABNORMAL, ST1_ND, 0);
        return false;
    }
    if (f->x_cmd == 0x06 && blk_read(d->blk, off, f->sector, FDC_SECTOR_SIZE) < 0) {
        rw_result(f, ST0_IC_ABNORMAL, ST1_DE, 0x20);
        return false;
    }
    return true;
}

static bool store_sector(struct fdc *f, struct fdc_drive *d)
{
    uint64_t off;
    if (!chs_offset(d, f->x_c, f->x_h, f->x_r, &off) ||
        blk_write(d->blk, off, f->sector, FDC_SECTOR_SIZE) < 0) {
        rw_result(f, ST0_IC_ABNORMAL, ST1_DE, 0x20);
        return false;
    }
    return true;
}

/* READ/WRITE DATA execution: called by the DMA controller while DREQ is up;
 * ends at terminal count (normal) or at the end of the cylinder. */
static uint32_t rw_transfer(struct fdc *f, struct fdc_drive *d, int ch, uint32_t pos,
                            uint32_t len)
{
    bool reading = f->x_cmd == 0x06;
    while (pos < len && f->phase == FDC_EXEC) {
        if (f->x_pos == 0 && !load_sector(f, d))
            return pos;
        uint32_t n = FDC_SECTOR_SIZE - f->x_pos;
        if (n > len - pos)
            n = len - pos;
        if (reading)
            dma_channel_write(f->dma, ch, f->sector + f->x_pos, pos, n);
        else
            dma_channel_read(f->dma, ch, f->sector + f->x_pos, pos, n);
        f->x_pos += n;
        pos += n;
        if (f->x_pos < FDC_SECTOR_SIZE && pos >= len && !reading) {
            /* Terminal count inside a sector: the rest is written as zeroes. */
            memset(f->sector + f->x_pos, 0, FDC_SECTOR_SIZE - f->x_pos);
            f->x_pos = FDC_SECTOR_SIZE;
        }
        if (f->x_pos < FDC_SECTOR_SIZE)
            break;
        if (!reading && !store_sector(f, d))
            return pos;
        f->x_pos = 0;
        bool more = next_sector(f);
        if (pos >= len)
            rw_result(f, 0, 0, 0);
        else if (!more)
            rw_result(f, ST0_IC_ABNORMAL, ST1_EN, 0);
    }
    if (pos >= len && f->phase == FDC_EXEC)
        rw_result(f, 0, 0, 0); /* terminal count inside a sector (reads) */
    return pos;
}

/* FORMAT TRACK execution: the host sends C, H, R, N per sector by DMA; each
 * sector named is filled with the filler byte. */
static uint32_t format_transfer(struct fdc *f, struct fdc_drive *d, int ch, uint32_t pos,
                                uint32_t len)
{
    while (pos < len && f->phase == FDC_EXEC) {
        uint32_t n = 4 - f->x_pos;
        if (n > len - pos)
            n = len - pos;
        dma_channel_read(f->dma, ch, f->sector + f->x_pos, pos, n);
        f->x_pos += n;
        pos += n;
        if (f->x_pos < 4)
            break;
        f->x_pos = 0;
        uint64_t off;
        uint8_t id[4];
        memcpy(id, f->sector, 4);
        f->x_c = id[0], f->x_h = id[1], f->x_r = id[2], f->x_n = id[3];
        memset(f->sector, f->x_fill, FDC_SECTOR_SIZE);
        if (!chs_offset(d, id[0], id[1], id[2], &off) || id[3] != 2 ||
            blk_write(d->blk, off, f->sector, FDC_SECTOR_SIZE) < 0) {
            rw_result(f, ST0_IC_ABNORMAL, ST1_ND, 0);
            return pos;
        }
        if (--f->x_sc == 0)
            rw_result(f, 0, 0, 0);
    }
    if (pos >= len && f->phase == FDC_EXEC)
        rw_result(f, 0, 0, 0);
    return pos;
}

static uint32_t dma_cb(void *opaque, int ch, uint32_t pos, uint32_t len)
{
    struct fdc *f = opaque;
    struct fdc_drive *d = drive_of(f, f->x_unit);
    if (f->phase != FDC_EXEC || !d)
        return pos;
    if (f->x_cmd == 0x0D)
        return format_transfer(f, d, ch, pos, len);
    return rw_transfer(f, d, ch, pos, len);
}

static void start_dma(struct fdc *f)
{
    f->phase = FDC_EXEC;
    f->x_pos = 0;
    dma_set_dreq(f->dma, FDC_DMA_CHANNEL, true);
    dma_run(f->dma);
}

/* Common checks of a data command on drive d: present, rate, writable. */
static bool media_ok(struct fdc *f, struct fdc_drive *d, bool write)
{
    if (!d) {
        rw_result(f, ST0_IC_ABNORMAL | ST0_NR, 0, 0);
        return false;
    }
    if (f->rate != d->rate) {
        /* Wrong data rate: the controller finds no address mark. */
        rw_result(f, ST0_IC_ABNORMAL, ST1_MA, 0);
        return false;
    }
    if (write && d->ro) {
        rw_result(f, ST0_IC_ABNORMAL, ST1_NW, 0);
        return false;
    }
    return true;
}

static void cmd_read_write(struct fdc *f)
{
    uint8_t *p = f->fifo;
    f->x_cmd = p[0] & 0x1F;
    f->x_mt = p[0] & 0x80;
    f->x_unit = p[1] & 3;
    f->x_c = p[2], f->x_h = p[3] & 1, f->x_r = p[4], f->x_n = p[5], f->x_eot = p[6];
    struct fdc_drive *d = drive_of(f, f->x_unit);
    if (!media_ok(f, d, f->x_cmd == 0x05))
        return;
    uint64_t off;
    if (f->x_n != 2 || !chs_offset(d, f->x_c, f->x_h, f->x_r, &off)) {
        rw_result(f, ST0_IC_ABNORMAL, ST1_ND, 0);
        return;
    }
    if (f->x_eot > d->spt || f->x_eot == 0)
        f->x_eot = d->spt;
    d->track = f->x_c;
    start_dma(f);
}

static void cmd_format(struct fdc *f)
{
    uint8_t *p = f->fifo;
    f->x_cmd = 0x0D;
    f->x_unit = p[1] & 3;
    f->x_h = (p[1] >> 2) & 1;
    f->x_n = p[2];
    f->x_sc = p[3];
    f->x_fill = p[5];
    struct fdc_drive *d = drive_of(f, f->x_unit);
    f->x_c = d ? d->track : 0;
    f->x_r = 1;
    if (!media_ok(f, d, true))
        return;
    if (f->x_n != 2 || f->x_sc == 0 || f->x_sc > d->spt) {
        rw_result(f, ST0_IC_ABNORMAL, ST1_ND, 0);
        return;
    }
    start_dma(f);
}

static void seek_done(struct fdc *f, uint8_t unit, uint8_t track, uint8_t head)
{
    struct fdc_drive *d = drive_of(f, unit);
    uint8_t st0 = (uint8_t)(ST0_SE | head << 2 | (unit & 3));
    if (d) {
        d->track = track < d->tracks ? track : (uint8_t)(d->tracks - 1);
        d->changed = false; /* a step clears disk change (DIR bit 7) */
    } else
        st0 |= ST0_IC_ABNORMAL | ST0_NR;
    f->sense_st0 = st0;
    f->sense_pcn[unit & 3] = d ? d->track : track;
    f->sense_valid = true;
    to_idle(f);
    raise_irq(f);
}

static void cmd_sense_interrupt(struct fdc *f)
{
    if (f->reset_polls) {
        uint8_t unit = (uint8_t)(4 - f->reset_polls--);
        uint8_t r[2] = {(uint8_t)(0xC0 | unit), f->sense_pcn[unit]};
        result(f, r, 2, false);
    } else if (f->sense_valid) {
        f->sense_valid = false;
        uint8_t r[2] = {f->sense_st0, f->sense_pcn[f->sense_st0 & 3]};
        result(f, r, 2, false);
    } else {
        uint8_t r[1] = {ST0_IC_INVALID};
        result(f, r, 1, false);
    }
    lower_irq(f);
}

static void cmd_sense_drive(struct fdc *f)
{
    uint8_t unit = f->fifo[1] & 3, head = (f->fifo[1] >> 2) & 1;
    struct fdc_drive *d = drive_of(f, unit);
    uint8_t st3 = (uint8_t)(unit | head << 2 | 0x20);
    if (d) {
        st3 |= d->track == 0 ? 0x10 : 0;
        st3 |= d->heads > 1 ? 0x08 : 0;
        st3 |= d->ro ? 0x40 : 0;
    }
    result(f, &st3, 1, false);
}

static void cmd_read_id(struct fdc *f)
{
    f->x_unit = f->fifo[1] & 3;
    f->x_h = (f->fifo[1] >> 2) & 1;
    struct fdc_drive *d = drive_of(f, f->x_unit);
    if (!media_ok(f, d, false))
        return;
    f->x_c = d->track;
    f->x_r = 1;
    f->x_n = 2;
    rw_result(f, 0, 0, 0);
}

static void cmd_dumpreg(struct fdc *f)
{
    uint8_t r[10] = {f->drive[0].track, f->drive[1].track, 0, 0, f->specify[0], f->specify[1],
                     0, (uint8_t)(f->lock ? 0x80 : 0) | (f->perp & 0x7F), f->config, f->pretrk};
    result(f, r, 10, false);
}

static void cmd_simple(struct fdc *f)
{
    uint8_t op = f->fifo[0];
    uint8_t r;
    switch (op & 0x1F) {
    case 0x03: f->specify[0] = f->fifo[1], f->specify[1] = f->fifo[2]; to_idle(f); return;
    case 0x07: seek_done(f, f->fifo[1] & 3, 0, 0); return;
    case 0x0F: seek_done(f, f->fifo[1] & 3, f->fifo[2], (f->fifo[1] >> 2) & 1); return;
    case 0x10: r = 0x90; result(f, &r, 1, false); return; /* VERSION: 82077AA */
    case 0x12: f->perp = f->fifo[1]; to_idle(f); return;
    case 0x13: f->config = f->fifo[2], f->pretrk = f->fifo[3]; to_idle(f); return;
    case 0x14:
        f->lock = op & 0x80;
        r = (uint8_t)(f->lock ? 0x10 : 0);
        result(f, &r, 1, false);
        return;
    }
}

typedef void fdc_cmd_fn(struct fdc *f);

struct fdc_cmd {
    uint8_t mask, value, len; /* opcode & mask == value; len bytes with the opcode */
    fdc_cmd_fn *fn;
};

/* 82077AA command set (§8, table 8-1): mask covers the MT/MFM/SK bits each
 * command accepts. */
static const struct fdc_cmd fdc_cmds[] = {
    {0x1F, 0x06, 9, cmd_read_write},      /* READ DATA */
    {0x3F, 0x05, 9, cmd_read_write},      /* WRITE DATA */
    {0xBF, 0x0D, 6, cmd_format},          /* FORMAT TRACK */
    {0xBF, 0x0A, 2, cmd_read_id},         /* READ ID */
    {0xFF, 0x03, 3, cmd_simple},          /* SPECIFY */
    {0xFF, 0x04, 2, cmd_sense_drive},     /* SENSE DRIVE STATUS */
    {0xFF, 0x07, 2, cmd_simple},          /* RECALIBRATE */
    {0xFF, 0x08, 1, cmd_sense_interrupt}, /* SENSE INTERRUPT STATUS */
    {0xFF, 0x0E, 1, cmd_dumpreg},         /* DUMPREG */
    {0xFF, 0x0F, 3, cmd_simple},          /* SEEK */
    {0xFF, 0x10, 1, cmd_simple},          /* VERSION */
    {0xFF, 0x12, 2, cmd_simple},          /* PERPENDICULAR MODE */
    {0xFF, 0x13, 4, cmd_simple},          /* CONFIGURE */
    {0x7F, 0x14, 1, cmd_simple},          /* LOCK */
};

static const struct fdc_cmd *find_cmd(uint8_t op)
{
    for (size_t i = 0; i < sizeof(fdc_cmds) / sizeof(fdc_cmds[0]); i++)
        if ((op & fdc_cmds[i].mask) == fdc_cmds[i].value)
            return &fdc_cmds[i];
    return NULL;
}

static void fifo_write(struct fdc *f, uint8_t v)
{
    if (f->phase != FDC_CMD || !(f->dor & DOR_NRESET)) {
        log_mask_printf(LOG_GUEST_ERRORS, "fdc: data byte %#x outside the command phase\n", v);
        return;
    }
    if (f->pos == 0) {
        const struct fdc_cmd *c = find_cmd(v);
        if (!c) {
            log_mask_printf(LOG_UNIMP, "fdc: command %#x\n", v);
            uint8_t r = ST0_IC_INVALID;
            result(f, &r, 1, false);
            return;
        }
        if ((v & 0x1F) != 0x08)
            lower_irq(f); /* a new command clears a pending result interrupt */
        f->cmd_len = c->len;
    }
    f->fifo[f->pos++] = v;
    if (f->pos < f->cmd_len)
        return;
    f->pos = 0;
    find_cmd(f->fifo[0])->fn(f);
}

static uint8_t fifo_read(struct fdc *f)
{
    if (f->phase != FDC_RESULT || f->pos >= f->res_len)
        return 0xFF;
    if (f->pos == 0)
        lower_irq(f); /* reading the result acknowledges the interrupt */
    uint8_t v = f->fifo[f->pos++];
    if (f->pos >= f->res_len)
        to_idle(f);
    return v;
}

static uint8_t msr(const struct fdc *f)
{
    if (!(f->dor & DOR_NRESET))
        return 0;
    switch (f->phase) {
    case FDC_EXEC: return MSR_CB;
    case FDC_RESULT: return MSR_RQM | MSR_DIO | MSR_CB;
    default: return (uint8_t)(MSR_RQM | (f->pos ? MSR_CB : 0));
    }
}

static void dor_write(struct fdc *f, uint8_t v)
{
    bool was_reset = !(f->dor & DOR_NRESET);
    f->dor = v;
    if (!(v & DOR_NRESET))
        controller_reset(f);
    else if (was_reset)
        reset_done(f);
    update_irq(f);
}

static uint64_t fdc_read(void *opaque, uint64_t off, unsigned size)
{
    struct fdc *f = opaque;
    (void)size;
    switch (off) {
    case 2: return f->dor;
    case 3: return f->tdr;
    case 4: return msr(f);
    case 5: return fifo_read(f);
    case 7: {
        const struct fdc_drive *d = drive_of(f, f->dor & 3);
        return d && d->changed ? 0x80 : 0x00;
    }
    default: return 0xFF; /* SRA/SRB: PS/2 mode only */
    }
}

static void fdc_write(void *opaque, uint64_t off, uint64_t v, unsigned size)
{
    struct fdc *f = opaque;
    (void)size;
    switch (off) {
    case 2: dor_write(f, (uint8_t)v); break;
    case 3: f->tdr = v & 3; break;
    case 4: /* DSR */
        f->rate = v & 3;
        if (v & 0x80) {
            controller_reset(f);
            reset_done(f);
        }
        break;
    case 5: fifo_write(f, (uint8_t)v); break;
    case 7: f->rate = v & 3; break; /* CCR */
    default: break;
    }
}

static const struct mmu_io_ops fdc_ops = {.read = fdc_read, .write = fdc_write,
                                          .widths = MMU_WIDTH_1};

/* base+7 arrives at offset 0 of its own registration. */
static uint64_t dir_read(void *opaque, uint64_t off, unsigned size)
{
    (void)off;
    return fdc_read(opaque, 7, size);
}

static void ccr_write(void *opaque, uint64_t off, uint64_t v, unsigned size)
{
    (void)off;
    fdc_write(opaque, 7, v, size);
}

static const struct mmu_io_ops dir_ops = {.read = dir_read, .write = ccr_write,
                                          .widths = MMU_WIDTH_1};

bool fdc_register_io(struct fdc *f, struct mmu_io_space *io, uint16_t base)
{
    return mmu_io_register(io, base, 6, &fdc_ops, f) &&
           mmu_io_register(io, (uint16_t)(base + 7), 1, &dir_ops, f);
}

void fdc_init(struct fdc *f, struct i8237 *dma)
{
    memset(f, 0, sizeof(*f));
    f->dma = dma;
    if (dma)
        dma_register_channel(dma, FDC_DMA_CHANNEL, dma_cb, f);
    fdc_reset(f);
}

static const struct vms_field drive_fields[] = {
    VMS_FIELD(struct fdc_drive, track, VMS_U8),
    VMS_FIELD(struct fdc_drive, changed, VMS_BOOL),
    VMS_END,
};

static const struct vms_desc drive_vmstate = {
    .name = "fdc-drive", .version = 1, .min_version = 1, .fields = drive_fields};

static bool fdc_post_load(void *opaque)
{
    struct fdc *f = opaque;
    if (f->phase > FDC_RESULT || f->pos > FDC_FIFO_SIZE || f->cmd_len > FDC_FIFO_SIZE ||
        f->res_len > FDC_FIFO_SIZE || f->reset_polls > 4 || f->x_pos > FDC_SECTOR_SIZE ||
        f->x_unit > 3 || f->rate > 3)
        return false;
    for (int i = 0; i < 2; i++)
        if (f->drive[i].blk && f->drive[i].track >= f->drive[i].tracks)
            return false;
    if (f->phase == FDC_EXEC && !drive_of(f, f->x_unit))
        return false;
    update_irq(f);
    return true;
}

static const struct vms_field fdc_fields[] = {
    {.name = "drive", .type = VMS_STRUCT, .offset = offsetof(struct fdc, drive),
     .size = sizeof(struct fdc_drive), .count = 2, .sub = &drive_vmstate},
    VMS_FIELD(struct fdc, dor, VMS_U8),
    VMS_FIELD(struct fdc, tdr, VMS_U8),
    VMS_FIELD(struct fdc, rate, VMS_U8),
    VMS_FIELD(struct fdc, phase, VMS_U8),
    VMS_ARRAY(struct fdc, fifo, VMS_U8),
    VMS_FIELD(struct fdc, cmd_len, VMS_U8),
    VMS_FIELD(struct fdc, res_len, VMS_U8),
    VMS_FIELD(struct fdc, pos, VMS_U8),
    VMS_FIELD(struct fdc, irq_pending, VMS_BOOL),
    VMS_FIELD(struct fdc, reset_polls, VMS_U8),
    VMS_FIELD(struct fdc, sense_st0, VMS_U8),
    VMS_ARRAY(struct fdc, sense_pcn, VMS_U8),
    VMS_FIELD(struct fdc, sense_valid, VMS_BOOL),
    VMS_ARRAY(struct fdc, specify, VMS_U8),
    VMS_FIELD(struct fdc, config, VMS_U8),
    VMS_FIELD(struct fdc, pretrk, VMS_U8),
    VMS_FIELD(struct fdc, perp, VMS_U8),
    VMS_FIELD(struct fdc, lock, VMS_BOOL),
    VMS_FIELD(struct fdc, x_cmd, VMS_U8),
    VMS_FIELD(struct fdc, x_unit, VMS_U8),
    VMS_FIELD(struct fdc, x_c, VMS_U8),
    VMS_FIELD(struct fdc, x_h, VMS_U8),
    VMS_FIELD(struct fdc, x_r, VMS_U8),
    VMS_FIELD(struct fdc, x_n, VMS_U8),
    VMS_FIELD(struct fdc, x_eot, VMS_U8),
    VMS_FIELD(struct fdc, x_fill, VMS_U8),
    VMS_FIELD(struct fdc, x_sc, VMS_U8),
    VMS_FIELD(struct fdc, x_mt, VMS_BOOL),
    VMS_FIELD(struct fdc, x_pos, VMS_U32),
    VMS_ARRAY(struct fdc, sector, VMS_U8),
    VMS_END,
};

const struct vms_desc fdc_vmstate = {
    .name = "fdc",
    .version = 1,
    .min_version = 1,
    .fields = fdc_fields,
    .post_load = fdc_post_load,
};
