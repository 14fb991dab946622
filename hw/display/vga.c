/* Standard VGA device: power-on state, port and window registration, the PCI
 * function 1234:1111 with its framebuffer BAR, the option ROM, the refresh
 * that turns video memory into the display surface, and the state
 * description. Registers are in vga-regs.c, memory access in vga-mem.c. */
#include "vga-internal.h"
#include "translator/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define VGA_WINDOW_BASE 0xA0000
#define VGA_WINDOW_SIZE 0x20000
#define VGA_PRIORITY    1
#define LFB_PRIORITY    2 /* over the BAR's MMIO fallback */
#define PCI_ROM_BAR     0x30

static uint64_t port_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)size;
    return vga_ioport_read(opaque, (uint16_t)(0x3b0 + offset));
}

static void port_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    (void)size;
    vga_ioport_write(opaque, (uint16_t)(0x3b0 + offset), (uint8_t)value);
}

static const struct mmu_io_ops vga_port_ops = {port_read, port_write, MMU_WIDTH_1};

static uint64_t dispi_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)size;
    return vbe_ioport_read(opaque, (uint16_t)(0x1ce + offset));
}

static void dispi_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    (void)size;
    vbe_ioport_write(opaque, (uint16_t)(0x1ce + offset), (uint16_t)value);
}

/* DISPI registers are 16 bits wide: index port 0x1CE, data port 0x1CF (an odd
 * address); 0x1D0 is registered so a word access at 0x1CF stays whole. */
static const struct mmu_io_ops dispi_ops = {dispi_read, dispi_write,
                                            MMU_WIDTH_1 | MMU_WIDTH_2 | MMU_WIDTH_UNALIGNED};

static uint64_t window_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)size;
    return vga_mem_read(opaque, (uint32_t)offset);
}

static void window_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    (void)size;
    vga_mem_write(opaque, (uint32_t)offset, (uint8_t)value);
}

static const struct mmu_io_ops window_ops = {window_read, window_write, MMU_WIDTH_1};

/* BAR0's MMIO fallback: only reached when the device-RAM mapping failed. */
static uint64_t lfb_read(void *opaque, uint64_t offset, unsigned size)
{
    struct vga *s = opaque;
    (void)size;
    return offset < VGA_VRAM_SIZE ? s->vram[offset] : 0xff;
}

static void lfb_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    struct vga *s = opaque;
    (void)size;
    if (offset < VGA_VRAM_SIZE) {
        s->vram[offset] = (uint8_t)value;
        vga_mark_dirty(s, (uint32_t)offset, 1);
    }
}

static const struct mmu_io_ops lfb_ops = {lfb_read, lfb_write, MMU_WIDTH_1};

static void display_hook(void *opaque, struct display *d, int64_t now_ns)
{
    (void)d;
    vga_refresh(opaque, now_ns);
}

bool vga_init(struct vga *s, struct mmu_phys_space *mem, struct mmu_io_space *io,
              struct hw_clock *clock)
{
    memset(s, 0, sizeof(*s));
    /* Anonymous mapping: untouched video memory costs nothing. */
    void *p = mmap(NULL, VGA_VRAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return false;
    s->vram = p;
    s->clock = clock;
    s->mem = mem;
    display_init(&s->display, display_hook, s);
    if (io && (!mmu_io_register(io, 0x3b0, 0x30, &vga_port_ops, s) ||
               !mmu_io_register(io, 0x1ce, 3, &dispi_ops, s)))
        return false;
    if (mem) {
        s->legacy =
            mmu_phys_map_mmio(mem, VGA_WINDOW_BASE, VGA_WINDOW_SIZE, &window_ops, s, VGA_PRIORITY);
        if (!s->legacy)
            return false;
    }
    vga_reset(s);
    return true;
}

void vga_free(struct vga *s)
{
    if (s->fast_win)
        mmu_region_unmap(s->fast_win);
    s->fast_win = NULL;
    if (s->rom_region)
        mmu_region_unmap(s->rom_region);
    s->rom_region = NULL;
    if (s->lfb)
        mmu_region_unmap(s->lfb);
    s->lfb = NULL;
    display_free(&s->display);
    if (s->vram)
        munmap(s->vram, VGA_VRAM_SIZE);
    s->vram = NULL;
    free(s->rom);
    s->rom = NULL;
}

void vga_invalidate(struct vga *s)
{
    s->full_redraw = true;
    s->font_dirty = true;
    s->mode.kind = -1;
}

void vga_reset(struct vga *s)
{
    memset(&s->r, 0, sizeof(s->r));
    s->r.misc = 0x01; /* colour I/O addresses (0x3Dx) */
    s->r.seq[SR_MAP_MASK] = 0x0f;
    s->r.seq[SR_MEMMODE] = 0x06;
    s->r.gc[GR_BIT_MASK] = 0xff;
    s->r.dac_mask = 0xff;
    s->r.ac_index = AR_INDEX_PAS;
    s->r.vbe[VBE_INDEX_ID] = VBE_ID5;
    s->r.vbe[VBE_INDEX_BPP] = 8;
    for (int i = 0; i < 256; i++)
        vga_update_palette(s, i);
    s->cursor_drawn = -1;
    vga_invalidate(s);
    vga_update_window(s);
}

/* BAR0 moved: put the device-RAM view of video memory where the BAR is. */
static void lfb_follow_bar(struct vga *s)
{
    uint32_t at = s->pci.bars[0].mapped;
    if (at == s->lfb_base && (s->lfb != NULL) == (at != 0))
        return;
    if (s->lfb)
        mmu_region_unmap(s->lfb);
    s->lfb = NULL;
    s->lfb_base = at;
    if (at) {
        s->lfb = mmu_phys_map_device_ram(s->mem, at, VGA_VRAM_SIZE, s->vram, LFB_PRIORITY);
        if (!s->lfb)
            log_mask_printf(LOG_GUEST_ERRORS, "vga: framebuffer at %#x not mapped\n", at);
    }
}

/* The expansion ROM BAR (PCI 2.3 §6.2.5.2): SeaBIOS copies the VGA BIOS from
 * it and runs it with the device's bus/device/function, which the VGA BIOS
 * needs to find the framebuffer BAR. */
static void rom_follow_bar(struct vga *s)
{
    uint32_t v = pci_get_long(s->pci.config + PCI_ROM_BAR);
    bool on = (v & 1) && (pci_get_word(s->pci.config + PCI_COMMAND) & PCI_COMMAND_MEMORY);
    uint32_t at = on ? v & ~(uint32_t)(s->rom_bar_size - 1) : 0;
    if (at == s->rom_base)
        return;
    if (s->rom_region)
        mmu_region_unmap(s->rom_region);
    s->rom_region = NULL;
    s->rom_base = at;
    if (at) {
        s->rom_region = mmu_phys_map_rom(s->mem, at, s->rom_bar_size, s->rom, LFB_PRIORITY);
        if (!s->rom_region)
            log_mask_printf(LOG_GUEST_ERRORS, "vga: ROM BAR at %#x not mapped\n", at);
    }
}

static void pci_config_written(struct pci_device *d, uint32_t addr, uint32_t val, unsigned size)
{
    (void)addr;
    (void)val;
    (void)size;
    struct vga *s = (struct vga *)((char *)d - offsetof(struct vga, pci));
    lfb_follow_bar(s);
    if (s->rom_bar_size)
        rom_follow_bar(s);
}

/* Pads the loaded ROM to the power-of-two size of its BAR. */
static bool declare_rom_bar(struct vga *s)
{
    uint32_t size = 2048;
    while (size < s->rom_size)
        size <<= 1;
    uint8_t *p = realloc(s->rom, size);
    if (!p)
        return false;
    memset(p + s->rom_size, 0, size - s->rom_size);
    s->rom = p;
    s->rom_bar_size = size;
    pci_set_long(s->pci.wmask + PCI_ROM_BAR, ~(size - 1) | 1);
    return true;
}

bool vga_register_pci(struct vga *s, struct pci_bus *bus, uint8_t devfn)
{
    /* Display controller, VGA compatible (class 03 00 00), as QEMU's stdvga. */
    pci_device_init(&s->pci, "VGA", 0x1234, 0x1111, 0x030000, 0x02, 0);
    pci_declare_bar(&s->pci, 0, VBE_LFB_SIZE, false, &lfb_ops, s);
    s->pci.config[PCI_BAR0] |= 0x08; /* prefetchable */
    s->pci.config_written = pci_config_written;
    if (s->rom && !declare_rom_bar(s))
        return false;
    return pci_register(bus, &s->pci, devfn);
}

bool vga_load_rom(struct vga *s, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open VGA BIOS '%s': %s", path, strerror(errno));
        return false;
    }
    uint8_t *buf = malloc(256 << 10);
    size_t n = buf ? fread(buf, 1, 256 << 10, f) : 0;
    fclose(f);
    if (n < 512 || n == (256 << 10) || buf[0] != 0x55 || buf[1] != 0xaa) {
        free(buf);
        snprintf(err, errlen, "'%s' is not a VGA option ROM", path);
        return false;
    }
    free(s->rom);
    s->rom = buf;
    s->rom_size = n;
    return true;
}

bool vga_pages_dirty(const struct vga *s, uint32_t start, uint32_t len)
{
    if (!len)
        return false;
    uint32_t last = start + len - 1;
    if (start >= VGA_VRAM_SIZE)
        return false;
    if (last >= VGA_VRAM_SIZE)
        last = VGA_VRAM_SIZE - 1;
    for (uint32_t pg = start >> 12; pg <= last >> 12; pg++) {
        if ((s->dirty[pg / 64] >> (pg % 64)) & 1)
            return true;
    }
    return false;
}

static void fill_black(struct vga *s)
{
    struct display_surface *sf = &s->display.surface;
    for (int y = 0; y < sf->height; y++)
        memset(sf->pixels + (size_t)y * sf->stride, 0, (size_t)sf->width * 4);
    display_mark_dirty(&s->display, 0, 0, sf->width, sf->height);
}

void vga_refresh(struct vga *s, int64_t now_ns)
{
    struct vga_geom g;
    vga_geometry(s, &g);
    if ((int)g.kind != s->mode.kind || g.width != s->mode.width || g.height != s->mode.height) {
        if (!display_resize(&s->display, g.width, g.height))
            return;
        s->mode = (struct vga_mode){.kind = g.kind, .width = g.width, .height = g.height};
        s->full_redraw = true;
        s->font_dirty = true;
    }
    vga_collect_dirty(s);
    s->display.text.cols = 0;
    switch (g.kind) {
    case VGA_MODE_BLANK:
        if (s->full_redraw)
            fill_black(s);
        break;
    case VGA_MODE_TEXT: vga_draw_text(s, &g, now_ns); break;
    default: vga_draw_graphics(s, &g); break;
    }
    memset(s->dirty, 0, sizeof(s->dirty));
    s->full_redraw = false;
    s->font_dirty = false;
}

static int clamp_dim(int v, int max)
{
    return v < 1 ? 1 : v > max ? max : v;
}

static void text_geometry(const struct vga *s, struct vga_geom *g)
{
    const uint8_t *cr = s->r.crtc;
    g->kind = VGA_MODE_TEXT;
    /* 40-column modes halve the dot clock: every dot is shown twice. */
    g->pixel_w = (s->r.seq[SR_CLOCK] & 0x08) ? 2 : 1;
    g->char_w = ((s->r.seq[SR_CLOCK] & 1) ? 8 : 9) * g->pixel_w;
    g->char_h = (cr[CR_MAX_SCAN] & 0x1f) + 1;
    /* At most 132 columns, and no wider than the surface can be. */
    int max_cols = DISPLAY_MAX_WIDTH / g->char_w < 132 ? DISPLAY_MAX_WIDTH / g->char_w : 132;
    g->cols = clamp_dim(cr[CR_HDISP_END] + 1, max_cols);
    g->rows = clamp_dim(vga_vdisp_lines(s) / g->char_h, 60);
    g->width = g->cols * g->char_w;
    g->height = g->rows * g->char_h;
    g->line_offset = cr[CR_OFFSET] * 2u;
}

void vga_geometry(const struct vga *s, struct vga_geom *g)
{
    const uint8_t *cr = s->r.crtc;
    memset(g, 0, sizeof(*g));
    g->start = (uint32_t)cr[CR_START_HI] << 8 | cr[CR_START_LO];
    g->row_repeat = 1;
    g->line_compare = 0x3ff;
    if (vga_vbe_enabled(s)) {
        g->kind = VGA_MODE_VBE;
        g->width = s->r.vbe[VBE_INDEX_XRES];
        g->height = s->r.vbe[VBE_INDEX_YRES];
        g->bpp = s->r.vbe[VBE_INDEX_BPP];
        g->line_offset = vbe_line_bytes(s);
        g->start = vbe_start_offset(s);
        g->pixel_w = 1;
        return;
    }
    if (!(s->r.ac_index & AR_INDEX_PAS) || (s->r.seq[SR_CLOCK] & 0x20)) {
        g->kind = VGA_MODE_BLANK;
        g->width = s->mode.width > 0 ? s->mode.width : 640;
        g->height = s->mode.height > 0 ? s->mode.height : 480;
        return;
    }
    if (!(s->r.ac[AR_MODE] & 1)) {
        text_geometry(s, g);
        return;
    }
    unsigned shift = (s->r.gc[GR_MODE] >> 5) & 3;
    g->kind = shift >= 2 ? VGA_MODE_256 : shift == 1 ? VGA_MODE_CGA2 : VGA_MODE_PLANAR;
    /* The surface is the raster as the monitor shows it (as QEMU's
     * screendump): dots across, scan lines down. A pixel lasts two dots with
     * the halved dot clock (SR1 bit 3) and in 256-colour mode; a memory row
     * lasts max-scan-line + 1 lines, doubled by CR9 bit 7. */
    bool half_clock = s->r.seq[SR_CLOCK] & 0x08;
    g->pixel_w = (half_clock || g->kind == VGA_MODE_256) ? 2 : 1;
    int dots = (cr[CR_HDISP_END] + 1) * 8 * (half_clock ? 2 : 1);
    int dbl = (cr[CR_MAX_SCAN] & 0x80) ? 2 : 1;
    /* CRTC mode bit 0 clear (CGA compatibility): row scan bit 0 picks the
     * memory bank instead of repeating the row. */
    g->row_repeat = (cr[CR_MODE] & 1) ? ((cr[CR_MAX_SCAN] & 0x1f) + 1) * dbl : dbl;
    g->width = clamp_dim(dots, DISPLAY_MAX_WIDTH);
    g->height = clamp_dim(vga_vdisp_lines(s), DISPLAY_MAX_HEIGHT);
    g->line_offset = cr[CR_OFFSET] * 2u;
    g->line_compare =
        cr[CR_LINE_COMPARE] | (cr[CR_OVERFLOW] & 0x10) << 4 | (cr[CR_MAX_SCAN] & 0x40) << 3;
    g->pan = s->r.ac[AR_PAN] & 0x0f;
}

static bool post_load(void *opaque)
{
    vga_post_load(opaque);
    return true;
}

void vga_post_load(struct vga *s)
{
    for (int i = 0; i < 256; i++)
        vga_update_palette(s, i);
    if (s->pci.bus) {
        lfb_follow_bar(s);
        if (s->rom_bar_size)
            rom_follow_bar(s);
    }
    vga_update_window(s);
    vga_invalidate(s);
}

static const struct vms_field vga_regs_fields[] = {
    VMS_FIELD(struct vga_regs, misc, VMS_U8),
    VMS_FIELD(struct vga_regs, feature, VMS_U8),
    VMS_FIELD(struct vga_regs, seq_index, VMS_U8),
    VMS_ARRAY(struct vga_regs, seq, VMS_U8),
    VMS_FIELD(struct vga_regs, crtc_index, VMS_U8),
    VMS_ARRAY(struct vga_regs, crtc, VMS_U8),
    VMS_FIELD(struct vga_regs, gc_index, VMS_U8),
    VMS_ARRAY(struct vga_regs, gc, VMS_U8),
    VMS_FIELD(struct vga_regs, ac_index, VMS_U8),
    VMS_ARRAY(struct vga_regs, ac, VMS_U8),
    VMS_FIELD(struct vga_regs, ac_flip, VMS_BOOL),
    VMS_FIELD(struct vga_regs, dac_mask, VMS_U8),
    VMS_FIELD(struct vga_regs, dac_read_index, VMS_U8),
    VMS_FIELD(struct vga_regs, dac_write_index, VMS_U8),
    VMS_FIELD(struct vga_regs, dac_sub, VMS_U8),
    VMS_FIELD(struct vga_regs, dac_state, VMS_U8),
    VMS_ARRAY(struct vga_regs, dac_latch, VMS_U8),
    VMS_ARRAY(struct vga_regs, palette, VMS_U8),
    VMS_FIELD(struct vga_regs, latch, VMS_U32),
    VMS_FIELD(struct vga_regs, vbe_index, VMS_U16),
    VMS_ARRAY(struct vga_regs, vbe, VMS_U16),
    VMS_END,
};

static const struct vms_desc vga_regs_desc = {
    .name = "vga-regs", .version = 1, .min_version = 1, .fields = vga_regs_fields};

static const struct vms_field vga_fields[] = {
    VMS_SUB(struct vga, r, &vga_regs_desc),
    VMS_END,
};

const struct vms_desc vga_vmstate = {
    .name = "vga", .version = 1, .min_version = 1, .fields = vga_fields, .post_load = post_load};
