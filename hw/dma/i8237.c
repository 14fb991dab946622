/* 8237A DMA: register file, flip-flop, masks, modes, terminal count with
 * autoinitialize; transfers are driven by the device (dma_run calls the
 * device routine, which copies through dma_channel_read/write). */
#include "i8237.h"

#include "translator/log.h"

#include <string.h>

#define MODE_TYPE(m)    (((m) >> 2) & 3) /* 0 verify, 1 write memory, 2 read memory */
#define MODE_AUTOINIT   0x10
#define MODE_DECREMENT  0x20
#define MODE_CASCADE(m) (((m) >> 6) == 3)

/* Page register port offset (from 0x80) of each channel. */
static const uint8_t page_port[8] = {0x7, 0x3, 0x1, 0x2, 0xF, 0xB, 0x9, 0xA};

static int word_shift(int ch)
{
    return ch >= 4 ? 1 : 0;
}

/* Bytes in the programmed block: (count + 1) transfers of 1 or 2 bytes. */
static uint32_t block_len(const struct dma_channel *c, int ch)
{
    return ((uint32_t)c->cur_count + 1) << word_shift(ch);
}

/* Physical address of byte pos of the block. 16-bit channels address words
 * and take A23:A17 from the page register (bit 0 unused). */
static uint64_t byte_address(const struct dma_channel *c, int ch, uint32_t pos)
{
    if (ch >= 4) {
        uint32_t word =
            (uint32_t)c->cur_addr + ((c->mode & MODE_DECREMENT) ? -(pos >> 1) : pos >> 1);
        return ((uint64_t)(c->page & 0xFE) << 16) | ((word & 0xFFFF) << 1) | (pos & 1);
    }
    uint32_t a = (uint32_t)c->cur_addr + ((c->mode & MODE_DECREMENT) ? -pos : pos);
    return ((uint64_t)c->page << 16) | (a & 0xFFFF);
}

bool dma_channel_masked(const struct i8237 *d, int ch)
{
    const struct i8237_ctrl *k = &d->ctrl[ch >> 2];
    return (k->mask >> (ch & 3)) & 1 || (k->command & 0x04); /* bit 2: controller disable */
}

static uint32_t copy(struct i8237 *d, int ch, uint8_t *buf, uint32_t pos, uint32_t len,
                     bool to_memory)
{
    struct dma_channel *c = &d->ch[ch];
    uint32_t total = block_len(c, ch);
    if (pos >= total)
        return 0;
    if (len > total - pos)
        len = total - pos;
    for (uint32_t i = 0; i < len; i++) {
        uint64_t a = byte_address(c, ch, pos + i);
        if (to_memory)
            mmu_phys_write(d->mem, a, &buf[i], 1);
        else
            mmu_phys_read(d->mem, a, &buf[i], 1);
    }
    return len;
}

uint32_t dma_channel_read(struct i8237 *d, int ch, void *buf, uint32_t pos, uint32_t len)
{
    if (MODE_TYPE(d->ch[ch].mode) != 2) {
        log_mask_printf(LOG_GUEST_ERRORS, "dma: channel %d read but not in read mode\n", ch);
        if (MODE_TYPE(d->ch[ch].mode) == 0)
            return len; /* verify: nothing moves, the count runs */
    }
    return copy(d, ch, buf, pos, len, false);
}

uint32_t dma_channel_write(struct i8237 *d, int ch, const void *buf, uint32_t pos, uint32_t len)
{
    if (MODE_TYPE(d->ch[ch].mode) == 0)
        return len;
    return copy(d, ch, (uint8_t *)buf, pos, len, true);
}

static void terminal_count(struct i8237 *d, int ch)
{
    struct dma_channel *c = &d->ch[ch];
    struct i8237_ctrl *k = &d->ctrl[ch >> 2];
    k->status |= (uint8_t)(1u << (ch & 3));
    if (c->mode & MODE_AUTOINIT) {
        c->cur_addr = c->base_addr;
        c->cur_count = c->base_count;
    } else {
        k->mask |= (uint8_t)(1u << (ch & 3));
    }
}

bool dma_run(struct i8237 *d)
{
    bool progress = false;
    for (int ch = 0; ch < 8; ch++) {
        struct dma_channel *c = &d->ch[ch];
        if (!c->dreq || !c->fn || dma_channel_masked(d, ch) || MODE_CASCADE(c->mode))
            continue;
        uint32_t len = block_len(c, ch);
        uint32_t pos = c->fn(c->opaque, ch, 0, len);
        if (pos == 0)
            continue;
        progress = true;
        if (pos >= len) {
            terminal_count(d, ch);
            continue;
        }
        /* A partial transfer advances the channel. */
        uint32_t units = pos >> word_shift(ch);
        c->cur_addr =
            (uint16_t)((c->mode & MODE_DECREMENT) ? c->cur_addr - units : c->cur_addr + units);
        c->cur_count = (uint16_t)(c->cur_count - units);
    }
    return progress;
}

void dma_register_channel(struct i8237 *d, int ch, dma_transfer_fn *fn, void *opaque)
{
    d->ch[ch].fn = fn;
    d->ch[ch].opaque = opaque;
}

void dma_set_dreq(struct i8237 *d, int ch, bool level)
{
    d->ch[ch].dreq = level;
    struct i8237_ctrl *k = &d->ctrl[ch >> 2];
    if (level)
        k->status |= (uint8_t)(0x10u << (ch & 3));
    else
        k->status &= (uint8_t) ~(0x10u << (ch & 3));
}

/* Register r (0..15) of controller n. */
static uint8_t ctrl_read(struct i8237 *d, int n, int r)
{
    struct i8237_ctrl *k = &d->ctrl[n];
    if (r < 8) {
        struct dma_channel *c = &d->ch[n * 4 + r / 2];
        uint16_t v = (r & 1) ? c->cur_count : c->cur_addr;
        bool high = k->flipflop;
        k->flipflop = !k->flipflop;
        return high ? (uint8_t)(v >> 8) : (uint8_t)v;
    }
    switch (r) {
    case 8: {
        uint8_t s = k->status;
        k->status &= 0xF0; /* TC bits clear on read */
        return s;
    }
    case 0xD: return k->temp;
    case 0xF: return (uint8_t)(0xF0 | k->mask);
    default: return 0xFF;
    }
}

static void ctrl_write(struct i8237 *d, int n, int r, uint8_t v)
{
    struct i8237_ctrl *k = &d->ctrl[n];
    if (r < 8) {
        struct dma_channel *c = &d->ch[n * 4 + r / 2];
        uint16_t *base = (r & 1) ? &c->base_count : &c->base_addr;
        uint16_t *cur = (r & 1) ? &c->cur_count : &c->cur_addr;
        *base =
            k->flipflop ? (uint16_t)((*base & 0x00FF) | v << 8) : (uint16_t)((*base & 0xFF00) | v);
        *cur = *base; /* writing the base also loads the current register */
        k->flipflop = !k->flipflop;
        return;
    }
    switch (r) {
    case 8: k->command = v; break;
    case 9: /* software request */ dma_set_dreq(d, n * 4 + (v & 3), v & 4); break;
    case 0xA:
        if (v & 4)
            k->mask |= (uint8_t)(1u << (v & 3));
        else
            k->mask &= (uint8_t) ~(1u << (v & 3));
        break;
    case 0xB: d->ch[n * 4 + (v & 3)].mode = v; break;
    case 0xC: k->flipflop = false; break;
    case 0xD: /* master clear */
        k->command = k->status = k->temp = 0;
        k->flipflop = false;
        k->mask = 0x0F;
        break;
    case 0xE: k->mask = 0; break;
    case 0xF: k->mask = v & 0x0F; break;
    }
}

static uint64_t dma1_read(void *opaque, uint64_t off, unsigned size)
{
    (void)size;
    return ctrl_read(opaque, 0, (int)off);
}

static void dma1_write(void *opaque, uint64_t off, uint64_t v, unsigned size)
{
    (void)size;
    ctrl_write(opaque, 0, (int)off, (uint8_t)v);
}

/* The second controller's registers sit on even ports 0xC0, 0xC2, ... */
static uint64_t dma2_read(void *opaque, uint64_t off, unsigned size)
{
    (void)size;
    return (off & 1) ? 0xFF : ctrl_read(opaque, 1, (int)(off >> 1));
}

static void dma2_write(void *opaque, uint64_t off, uint64_t v, unsigned size)
{
    (void)size;
    if (!(off & 1))
        ctrl_write(opaque, 1, (int)(off >> 1), (uint8_t)v);
}

static int page_channel(uint64_t port_off)
{
    for (int ch = 0; ch < 8; ch++) {
        if (page_port[ch] == port_off)
            return ch;
    }
    return -1;
}

/* Ports 0x81-0x8F (0x80 is the POST port). */
static uint64_t page_read(void *opaque, uint64_t off, unsigned size)
{
    struct i8237 *d = opaque;
    (void)size;
    int ch = page_channel(off + 1);
    return ch >= 0 ? d->ch[ch].page : d->extra_page[off + 1];
}

static void page_write(void *opaque, uint64_t off, uint64_t v, unsigned size)
{
    struct i8237 *d = opaque;
    (void)size;
    int ch = page_channel(off + 1);
    if (ch >= 0)
        d->ch[ch].page = (uint8_t)v;
    else
        d->extra_page[off + 1] = (uint8_t)v;
}

static const struct mmu_io_ops dma1_ops = {dma1_read, dma1_write, MMU_WIDTH_1};
static const struct mmu_io_ops dma2_ops = {dma2_read, dma2_write, MMU_WIDTH_1};
static const struct mmu_io_ops page_ops = {page_read, page_write, MMU_WIDTH_1};

bool dma_register_io(struct i8237 *d, struct mmu_io_space *io)
{
    return mmu_io_register(io, 0x00, 16, &dma1_ops, d) &&
           mmu_io_register(io, 0xC0, 32, &dma2_ops, d) &&
           mmu_io_register(io, 0x81, 15, &page_ops, d);
}

void dma_reset(struct i8237 *d)
{
    for (int n = 0; n < 2; n++)
        d->ctrl[n] = (struct i8237_ctrl){.mask = 0x0F};
    for (int ch = 0; ch < 8; ch++) {
        struct dma_channel *c = &d->ch[ch];
        dma_transfer_fn *fn = c->fn;
        void *opaque = c->opaque;
        *c = (struct dma_channel){.fn = fn, .opaque = opaque};
    }
    /* Channel 4 cascades the first controller: cascade mode, unmasked. */
    d->ch[4].mode = 0xC0;
    d->ctrl[1].mask = 0x0E;
    memset(d->extra_page, 0, sizeof(d->extra_page));
}

void dma_init(struct i8237 *d, struct mmu_phys_space *mem)
{
    *d = (struct i8237){.mem = mem};
    dma_reset(d);
}

static const struct vms_field dma_channel_fields[] = {
    VMS_FIELD(struct dma_channel, base_addr, VMS_U16),
    VMS_FIELD(struct dma_channel, base_count, VMS_U16),
    VMS_FIELD(struct dma_channel, cur_addr, VMS_U16),
    VMS_FIELD(struct dma_channel, cur_count, VMS_U16),
    VMS_FIELD(struct dma_channel, mode, VMS_U8),
    VMS_FIELD(struct dma_channel, page, VMS_U8),
    VMS_FIELD(struct dma_channel, dreq, VMS_BOOL),
    VMS_END,
};
static const struct vms_desc dma_channel_vmstate = {"dma-channel", 1, 1, dma_channel_fields, 0};

static const struct vms_field dma_ctrl_fields[] = {
    VMS_FIELD(struct i8237_ctrl, command, VMS_U8),    VMS_FIELD(struct i8237_ctrl, status, VMS_U8),
    VMS_FIELD(struct i8237_ctrl, mask, VMS_U8),       VMS_FIELD(struct i8237_ctrl, temp, VMS_U8),
    VMS_FIELD(struct i8237_ctrl, flipflop, VMS_BOOL), VMS_END,
};
static const struct vms_desc dma_ctrl_vmstate = {"dma-ctrl", 1, 1, dma_ctrl_fields, 0};

const struct vms_desc dma_vmstate = {
    .name = "i8237",
    .version = 1,
    .min_version = 1,
    .fields =
        (const struct vms_field[]){
            {.name = "ctrl",
             .type = VMS_STRUCT,
             .offset = offsetof(struct i8237, ctrl),
             .size = sizeof(struct i8237_ctrl),
             .count = 2,
             .sub = &dma_ctrl_vmstate},
            {.name = "ch",
             .type = VMS_STRUCT,
             .offset = offsetof(struct i8237, ch),
             .size = sizeof(struct dma_channel),
             .count = 8,
             .sub = &dma_channel_vmstate},
            VMS_ARRAY(struct i8237, extra_page, VMS_U8),
            VMS_END,
        },
};
