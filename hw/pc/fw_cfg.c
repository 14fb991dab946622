/* fw_cfg: items selected by a 16-bit key and streamed byte by byte, or
 * copied into guest memory by the DMA interface. Numbers are little-endian;
 * the file directory and the DMA descriptor are big-endian. */
#include "fw_cfg.h"

#include "translator/log.h"

#include <stdlib.h>
#include <string.h>

#define FW_CFG_ID_TRADITIONAL 0x01
#define FW_CFG_ID_DMA         0x02
#define DMA_ERROR             0x01
#define DMA_READ              0x02
#define DMA_SKIP              0x04
#define DMA_SELECT            0x08
#define DMA_WRITE             0x10

static struct fw_cfg_entry *entry(struct fw_cfg *f, uint16_t key)
{
    if (key < FW_CFG_FILE_FIRST)
        return &f->std[key];
    if (key < FW_CFG_FILE_FIRST + f->nfiles)
        return &f->files[key - FW_CFG_FILE_FIRST];
    if (key >= FW_CFG_ARCH_LOCAL && key < FW_CFG_ARCH_LOCAL + 8)
        return &f->arch[key - FW_CFG_ARCH_LOCAL];
    return NULL;
}

static bool set_entry(struct fw_cfg_entry *e, const void *data, uint32_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return false;
    memcpy(copy, data, len);
    free(e->data);
    e->data = copy;
    e->len = len;
    return true;
}

bool fw_cfg_add_bytes(struct fw_cfg *f, uint16_t key, const void *data, uint32_t len)
{
    struct fw_cfg_entry *e =
        key == FW_CFG_FILE_DIR || (key >= FW_CFG_FILE_FIRST && key < FW_CFG_ARCH_LOCAL)
            ? NULL
            : entry(f, key);
    return e && set_entry(e, data, len);
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static uint64_t get_be(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

bool fw_cfg_add_i16(struct fw_cfg *f, uint16_t key, uint16_t v)
{
    uint8_t b[2];
    put_le(b, v, 2);
    return fw_cfg_add_bytes(f, key, b, 2);
}

bool fw_cfg_add_i32(struct fw_cfg *f, uint16_t key, uint32_t v)
{
    uint8_t b[4];
    put_le(b, v, 4);
    return fw_cfg_add_bytes(f, key, b, 4);
}

bool fw_cfg_add_i64(struct fw_cfg *f, uint16_t key, uint64_t v)
{
    uint8_t b[8];
    put_le(b, v, 8);
    return fw_cfg_add_bytes(f, key, b, 8);
}

bool fw_cfg_add_string(struct fw_cfg *f, uint16_t key, const char *s)
{
    return fw_cfg_add_bytes(f, key, s, (uint32_t)strlen(s) + 1);
}

/* The directory item: u32 count, then per file u32 size, u16 select,
 * u16 reserved, char name[56], all big-endian. */
static bool rebuild_dir(struct fw_cfg *f)
{
    uint32_t len = 4 + 64 * f->nfiles;
    uint8_t *d = calloc(1, len);
    if (!d)
        return false;
    put_be(d, f->nfiles, 4);
    for (uint32_t i = 0; i < f->nfiles; i++) {
        uint8_t *e = d + 4 + 64 * i;
        put_be(e, f->files[f->dir[i].select - FW_CFG_FILE_FIRST].len, 4);
        put_be(e + 4, f->dir[i].select, 2);
        memcpy(e + 8, f->dir[i].name, FW_CFG_FILE_NAME);
    }
    free(f->std[FW_CFG_FILE_DIR].data);
    f->std[FW_CFG_FILE_DIR].data = d;
    f->std[FW_CFG_FILE_DIR].len = len;
    return true;
}

bool fw_cfg_add_file(struct fw_cfg *f, const char *name, const void *data, uint32_t len)
{
    size_t n = strlen(name);
    if (n == 0 || n >= FW_CFG_FILE_NAME || f->nfiles == FW_CFG_MAX_FILES)
        return false;
    uint32_t pos = 0;
    while (pos < f->nfiles && strcmp(f->dir[pos].name, name) < 0)
        pos++;
    if (pos < f->nfiles && strcmp(f->dir[pos].name, name) == 0)
        return false;
    uint16_t select = (uint16_t)(FW_CFG_FILE_FIRST + f->nfiles);
    if (!set_entry(&f->files[select - FW_CFG_FILE_FIRST], data, len))
        return false;
    memmove(&f->dir[pos + 1], &f->dir[pos], (f->nfiles - pos) * sizeof(f->dir[0]));
    memset(&f->dir[pos], 0, sizeof(f->dir[pos]));
    memcpy(f->dir[pos].name, name, n);
    f->dir[pos].select = select;
    f->nfiles++;
    return rebuild_dir(f);
}

static void select_key(struct fw_cfg *f, uint16_t key)
{
    f->cur = key;
    f->offset = 0;
}

static uint8_t read_byte(struct fw_cfg *f)
{
    struct fw_cfg_entry *e = entry(f, f->cur);
    if (!e || f->offset >= e->len)
        return 0; /* past the end, or no such item: zeros */
    return e->data[f->offset++];
}

/* The DMA descriptor at addr: u32 control, u32 length, u64 address (BE). */
static void dma_transfer(struct fw_cfg *f, uint64_t addr)
{
    uint8_t desc[16];
    mmu_phys_read(f->mem, addr, desc, sizeof(desc));
    uint32_t control = (uint32_t)get_be(desc, 4);
    uint32_t len = (uint32_t)get_be(desc + 4, 4);
    uint64_t dst = get_be(desc + 8, 8);
    if (control & DMA_SELECT)
        select_key(f, (uint16_t)(control >> 16));
    uint32_t result = 0;
    if (control & DMA_WRITE) {
        /* No item is writable here. */
        log_mask_printf(LOG_GUEST_ERRORS, "fw_cfg: DMA write to key %#x refused\n", f->cur);
        result = DMA_ERROR;
    } else if (control & (DMA_READ | DMA_SKIP)) {
        struct fw_cfg_entry *e = entry(f, f->cur);
        uint32_t avail = e && f->offset < e->len ? e->len - f->offset : 0;
        uint32_t n = len < avail ? len : avail;
        if (control & DMA_READ) {
            if (n)
                mmu_phys_write(f->mem, dst, e->data + f->offset, n);
            /* Beyond the item the guest buffer is filled with zeros, in
             * chunks so no length needs a large host buffer; no more than
             * the RAM size, since a longer span cannot all be RAM. */
            static const uint8_t zeros[256];
            uint64_t fill_end = len;
            if (fill_end - n > mmu_phys_ram_size(f->mem))
                fill_end = n + mmu_phys_ram_size(f->mem);
            for (uint64_t done = n; done < fill_end;) {
                uint64_t chunk = fill_end - done < sizeof(zeros) ? fill_end - done : sizeof(zeros);
                mmu_phys_write(f->mem, dst + done, zeros, (size_t)chunk);
                done += chunk;
            }
        }
        f->offset += n;
    }
    uint8_t ctl[4];
    put_be(ctl, result, 4);
    mmu_phys_write(f->mem, addr, ctl, 4);
}

static uint64_t ctl_read(void *opaque, uint64_t offset, unsigned size)
{
    struct fw_cfg *f = opaque;
    if (offset == 1) {
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++)
            v |= (uint64_t)read_byte(f) << (8 * i);
        return v;
    }
    return 0; /* the selector is write-only */
}

static void ctl_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    struct fw_cfg *f = opaque;
    (void)size;
    if (offset == 0)
        select_key(f, (uint16_t)val);
    else
        log_mask_printf(LOG_GUEST_ERRORS, "fw_cfg: data write ignored\n");
}

static uint64_t dma_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)opaque, (void)offset, (void)size;
    return 0;
}

/* The address is big-endian: the high half at 0x514, the low half at 0x518,
 * whose write starts the transfer. */
static void dma_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    struct fw_cfg *f = opaque;
    if (size != 4) {
        log_mask_printf(LOG_GUEST_ERRORS, "fw_cfg: DMA register needs 32-bit writes\n");
        return;
    }
    uint32_t v = __builtin_bswap32((uint32_t)val);
    if (offset == 0) {
        f->dma_hi = v;
    } else if (offset == 4) {
        dma_transfer(f, (uint64_t)f->dma_hi << 32 | v);
        f->dma_hi = 0;
    }
}

static const struct mmu_io_ops ctl_ops = {ctl_read, ctl_write, MMU_WIDTH_1 | MMU_WIDTH_2};
static const struct mmu_io_ops dma_ops = {dma_read, dma_write, MMU_WIDTH_4};

bool fw_cfg_register_io(struct fw_cfg *f, struct mmu_io_space *io)
{
    return mmu_io_register(io, FW_CFG_PORT_BASE, 2, &ctl_ops, f) &&
           mmu_io_register(io, FW_CFG_PORT_BASE + 4, 8, &dma_ops, f);
}

void fw_cfg_init(struct fw_cfg *f, struct mmu_phys_space *mem)
{
    *f = (struct fw_cfg){.mem = mem};
    fw_cfg_add_bytes(f, FW_CFG_SIGNATURE, "QEMU", 4);
    fw_cfg_add_i32(f, FW_CFG_ID, FW_CFG_ID_TRADITIONAL | FW_CFG_ID_DMA);
    rebuild_dir(f);
}

void fw_cfg_free(struct fw_cfg *f)
{
    for (int i = 0; i < FW_CFG_FILE_FIRST; i++)
        free(f->std[i].data);
    for (int i = 0; i < FW_CFG_MAX_FILES; i++)
        free(f->files[i].data);
    for (int i = 0; i < 8; i++)
        free(f->arch[i].data);
    *f = (struct fw_cfg){0};
}

/* The guest's position in the interface; the items are rebuilt from the
 * command line, so a resumed machine needs the same one. */
static const struct vms_field fw_cfg_fields[] = {
    VMS_FIELD(struct fw_cfg, cur, VMS_U16),
    VMS_FIELD(struct fw_cfg, offset, VMS_U32),
    VMS_FIELD(struct fw_cfg, dma_hi, VMS_U32),
    VMS_END,
};

const struct vms_desc fw_cfg_vmstate = {
    .name = "fw_cfg", .version = 1, .min_version = 1, .fields = fw_cfg_fields};
