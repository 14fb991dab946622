/* The Bochs VBE extension (DISPI): index port 0x1CE, data port 0x1CF; modes
 * up to 1920x1200 in 8/15/16/24/32 bpp with a virtual screen, panning offsets
 * and 64 KiB banks in the legacy window (Bochs vbe.h, "VBE_DISPI_INDEX_*"). */
#include "vga-internal.h"

#include <string.h>

static unsigned bytes_per_pixel(unsigned bpp)
{
    return (bpp + 7) / 8;
}

uint32_t vbe_line_bytes(const struct vga *s)
{
    unsigned bpp = s->r.vbe[VBE_INDEX_BPP];
    uint32_t w = s->r.vbe[VBE_INDEX_VIRT_WIDTH];
    return bpp == 4 ? w / 2 : w * bytes_per_pixel(bpp);
}

uint32_t vbe_start_offset(const struct vga *s)
{
    const uint16_t *v = s->r.vbe;
    unsigned bpp = v[VBE_INDEX_BPP];
    uint32_t x =
        bpp == 4 ? v[VBE_INDEX_X_OFFSET] / 2 : v[VBE_INDEX_X_OFFSET] * bytes_per_pixel(bpp);
    return (uint32_t)v[VBE_INDEX_Y_OFFSET] * vbe_line_bytes(s) + x;
}

static bool bpp_valid(unsigned bpp)
{
    return bpp == 4 || bpp == 8 || bpp == 15 || bpp == 16 || bpp == 24 || bpp == 32;
}

static void update_virt_height(struct vga *s)
{
    uint32_t line = vbe_line_bytes(s);
    uint32_t h = line ? VGA_VRAM_SIZE / line : 0;
    s->r.vbe[VBE_INDEX_VIRT_HEIGHT] = (uint16_t)(h > 0xffff ? 0xffff : h);
}

static void enable(struct vga *s, uint16_t val)
{
    uint16_t *v = s->r.vbe;
    bool was = v[VBE_INDEX_ENABLE] & VBE_ENABLED;
    if ((val & VBE_ENABLED) && !was) {
        if (!v[VBE_INDEX_XRES] || !v[VBE_INDEX_YRES] || !bpp_valid(v[VBE_INDEX_BPP]))
            val &= (uint16_t)~VBE_ENABLED; /* nothing sensible to show */
    }
    if ((val & VBE_ENABLED) && !was) {
        v[VBE_INDEX_VIRT_WIDTH] = v[VBE_INDEX_XRES];
        v[VBE_INDEX_X_OFFSET] = v[VBE_INDEX_Y_OFFSET] = 0;
        v[VBE_INDEX_BANK] = 0;
        update_virt_height(s);
        if (!(val & VBE_NOCLEARMEM)) {
            uint64_t bytes = (uint64_t)vbe_line_bytes(s) * v[VBE_INDEX_YRES];
            memset(s->vram, 0, bytes < VGA_VRAM_SIZE ? bytes : VGA_VRAM_SIZE);
            vga_mark_dirty(s, 0, (uint32_t)(bytes < VGA_VRAM_SIZE ? bytes : VGA_VRAM_SIZE));
            if (s->lfb)
                mmu_region_set_dirty(s->lfb, 0, bytes < VGA_VRAM_SIZE ? bytes : VGA_VRAM_SIZE);
        }
        /* The banked window is linear memory: graphics, chain-4, 64 KiB at
         * 0xA0000, all planes (what QEMU's stdvga sets up too). */
        s->r.gc[GR_MISC] = (uint8_t)((s->r.gc[GR_MISC] & ~0x0c) | 0x05);
        s->r.seq[SR_MEMMODE] |= 0x08;
        s->r.seq[SR_MAP_MASK] = 0x0f;
    }
    v[VBE_INDEX_ENABLE] = val & (VBE_ENABLED | VBE_8BIT_DAC | VBE_LFB_ENABLED | VBE_NOCLEARMEM);
    for (int i = 0; i < 256; i++)
        vga_update_palette(s, i);
    s->full_redraw = true;
}

static uint16_t caps(const struct vga *s, unsigned index)
{
    (void)s;
    switch (index) {
    case VBE_INDEX_XRES: return VBE_MAX_XRES;
    case VBE_INDEX_YRES: return VBE_MAX_YRES;
    case VBE_INDEX_BPP: return VBE_MAX_BPP;
    default: return 0;
    }
}

uint16_t vbe_ioport_read(struct vga *s, uint16_t port)
{
    unsigned i = s->r.vbe_index;
    if (port == 0x1ce)
        return s->r.vbe_index;
    if (port != 0x1cf)
        return 0xffff;
    if (i >= VBE_INDEX_COUNT)
        return 0;
    if ((s->r.vbe[VBE_INDEX_ENABLE] & VBE_GETCAPS) && caps(s, i))
        return caps(s, i);
    if (i == VBE_INDEX_VIDEO_MEMORY_64K)
        return VGA_VRAM_SIZE >> 16;
    return s->r.vbe[i];
}

void vbe_ioport_write(struct vga *s, uint16_t port, uint16_t val)
{
    uint16_t *v = s->r.vbe;
    if (port == 0x1ce) {
        s->r.vbe_index = val;
        return;
    }
    if (port != 0x1cf)
        return;
    bool on = v[VBE_INDEX_ENABLE] & VBE_ENABLED;
    switch (s->r.vbe_index) {
    case VBE_INDEX_ID:
        if (val >= VBE_ID0 && val <= VBE_ID5)
            v[VBE_INDEX_ID] = val;
        break;
    case VBE_INDEX_XRES:
        if (!on && val <= VBE_MAX_XRES && !(val & 7))
            v[VBE_INDEX_XRES] = val;
        break;
    case VBE_INDEX_YRES:
        if (!on && val <= VBE_MAX_YRES)
            v[VBE_INDEX_YRES] = val;
        break;
    case VBE_INDEX_BPP:
        if (!on && (val == 0 || bpp_valid(val)))
            v[VBE_INDEX_BPP] = val ? val : 8;
        break;
    case VBE_INDEX_ENABLE:
        /* GETCAPS is a read mode for the next reads, not a state change. */
        if ((val & ~VBE_GETCAPS) == (v[VBE_INDEX_ENABLE] & ~VBE_GETCAPS) && on == (val & 1)) {
            v[VBE_INDEX_ENABLE] =
                (uint16_t)((v[VBE_INDEX_ENABLE] & ~VBE_GETCAPS) | (val & VBE_GETCAPS));
            break;
        }
        enable(s, val & (uint16_t)~VBE_GETCAPS);
        v[VBE_INDEX_ENABLE] |= val & VBE_GETCAPS;
        break;
    case VBE_INDEX_BANK:
        if (((uint32_t)val << 16) < VGA_VRAM_SIZE)
            v[VBE_INDEX_BANK] = val;
        break;
    case VBE_INDEX_VIRT_WIDTH:
        if (val && val <= 8192) {
            v[VBE_INDEX_VIRT_WIDTH] = val;
            update_virt_height(s);
            s->full_redraw = true;
        }
        break;
    case VBE_INDEX_X_OFFSET:
    case VBE_INDEX_Y_OFFSET:
        v[s->r.vbe_index] = val;
        s->full_redraw = true;
        break;
    default: break;
    }
    vga_update_window(s);
}
