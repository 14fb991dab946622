/* VGA graphics modes: 16-colour planar (0Dh-12h), CGA-compatible 4-colour
 * (04h/05h), 256 colours chained (13h) and unchained (mode X), with start
 * address, line compare (split screen) and pixel panning; and the VBE modes
 * at 8/15/16/24/32 bpp. A row is redrawn only when its video memory pages were
 * written or a register changed (IBM VGA Technical Reference, "Graphics
 * Modes"; Bochs VBE). */
#include "vga-internal.h"

#include <string.h>

/* Draws n pixels of the row at addr into out (one entry per pixel). */
typedef void draw_row_fn(struct vga *s, const struct vga_geom *g, uint32_t addr, uint32_t *out,
                         int n);

static uint32_t pal(const struct vga *s, uint8_t i)
{
    return s->palette_rgb[i & s->r.dac_mask];
}

static uint8_t vram_at(const struct vga *s, uint32_t i)
{
    return i < VGA_VRAM_SIZE ? s->vram[i] : 0;
}

static void row_planar(struct vga *s, const struct vga_geom *g, uint32_t addr, uint32_t *out, int n)
{
    uint8_t enable = s->r.ac[AR_PLANE_ENABLE] & 0x0f;
    int pan = g->pan & 7;
    for (int x = 0; x < n; x++) {
        int px = x + pan;
        uint32_t a = ((addr + (uint32_t)px / 8) & (VGA_PLANE_SIZE - 1)) * 4;
        unsigned bit = 7 - (px & 7);
        uint8_t c = 0;
        for (int p = 0; p < 4; p++)
            c |= (uint8_t)(((s->vram[a + p] >> bit) & 1) << p);
        out[x] = pal(s, vga_ac_to_dac(s, c & enable));
    }
}

static void row_256(struct vga *s, const struct vga_geom *g, uint32_t addr, uint32_t *out, int n)
{
    uint32_t base = addr * 4 + (uint32_t)((g->pan >> 1) & 3);
    for (int x = 0; x < n; x++)
        out[x] = pal(s, vram_at(s, (base + (uint32_t)x) & (4 * VGA_PLANE_SIZE - 1)));
}

/* CGA 2 bpp: four pixels per byte, MSB first, bytes in planes 0/1 by
 * odd/even addressing; addr is the CPU's byte offset in the window. */
static void row_cga2(struct vga *s, const struct vga_geom *g, uint32_t addr, uint32_t *out, int n)
{
    (void)g;
    for (int x = 0; x < n; x++) {
        uint32_t cpu = addr + (uint32_t)x / 4;
        uint32_t a = ((cpu >> 1) & (VGA_PLANE_SIZE - 1)) * 4 + (cpu & 1);
        uint8_t c = (s->vram[a] >> (6 - 2 * (x & 3))) & 3;
        out[x] = pal(s, vga_ac_to_dac(s, c));
    }
}

static uint32_t rgb_from(unsigned r, unsigned rbits, unsigned gch, unsigned gbits, unsigned b,
                         unsigned bbits)
{
    r = (r << (8 - rbits)) | (r >> (2 * rbits - 8));
    gch = (gch << (8 - gbits)) | (gch >> (2 * gbits - 8));
    b = (b << (8 - bbits)) | (b >> (2 * bbits - 8));
    return r << 16 | gch << 8 | b;
}

static void row_vbe(struct vga *s, const struct vga_geom *g, uint32_t addr, uint32_t *out, int n)
{
    unsigned bpp = (unsigned)g->bpp, bytes = (bpp + 7) / 8;
    for (int x = 0; x < n; x++) {
        uint32_t i = addr + (uint32_t)x * bytes;
        if (bpp == 4)
            i = addr + (uint32_t)x / 2;
        if ((uint64_t)i + bytes > VGA_VRAM_SIZE) {
            out[x] = 0;
            continue;
        }
        const uint8_t *p = s->vram + i;
        unsigned v16 = p[0] | (bpp > 8 ? p[1] << 8 : 0);
        switch (bpp) {
        case 4: out[x] = pal(s, (uint8_t)(x & 1 ? p[0] & 15 : p[0] >> 4)); break;
        case 8: out[x] = pal(s, p[0]); break;
        case 15: out[x] = rgb_from(v16 >> 10 & 31, 5, v16 >> 5 & 31, 5, v16 & 31, 5); break;
        case 16: out[x] = rgb_from(v16 >> 11, 5, v16 >> 5 & 63, 6, v16 & 31, 5); break;
        default: out[x] = (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0]; break;
        }
    }
}

/* Bytes of video memory one row of n pixels reads, for the dirty test. */
static uint32_t row_span(const struct vga_geom *g, int n)
{
    switch (g->kind) {
    case VGA_MODE_PLANAR: return ((uint32_t)n / 8 + 2) * 4;
    case VGA_MODE_CGA2: return ((uint32_t)n / 4 + 2) * 4;
    case VGA_MODE_256: return (uint32_t)n + 4;
    default: return (uint32_t)n * (((uint32_t)g->bpp + 7) / 8) + 4;
    }
}

/* The memory address of scan line y: start + y / row_repeat rows, or after
 * the line compare scan line, from address 0 (the split screen's lower part). */
static uint32_t row_address(const struct vga_geom *g, int y, bool *split)
{
    *split = false;
    if (g->kind == VGA_MODE_VBE)
        return g->start + (uint32_t)y * g->line_offset;
    if (g->kind == VGA_MODE_CGA2) {
        /* Row scan bit 0 substitutes address bit 13: odd lines at 0x2000. */
        int line = y / g->row_repeat;
        return g->start * 2 + (uint32_t)(line / 2) * g->line_offset + (line & 1 ? 0x2000 : 0);
    }
    if (y > g->line_compare) {
        *split = true;
        return (uint32_t)((y - g->line_compare - 1) / g->row_repeat) * g->line_offset;
    }
    return g->start + (uint32_t)(y / g->row_repeat) * g->line_offset;
}

/* Where the row's bytes sit in video memory (for the dirty test). */
static uint32_t row_vram(const struct vga_geom *g, uint32_t addr)
{
    switch (g->kind) {
    case VGA_MODE_VBE: return addr;
    case VGA_MODE_CGA2: return ((addr >> 1) & (VGA_PLANE_SIZE - 1)) * 4;
    default: return (addr & (VGA_PLANE_SIZE - 1)) * 4;
    }
}

static bool row_dirty(const struct vga *s, const struct vga_geom *g, uint32_t first, uint32_t span)
{
    if (vga_pages_dirty(s, first, span))
        return true;
    /* Planar rows wrap at the end of the 64 KiB planes. */
    return g->kind != VGA_MODE_VBE && first + span > 4 * VGA_PLANE_SIZE &&
           vga_pages_dirty(s, 0, span);
}

void vga_draw_graphics(struct vga *s, const struct vga_geom *g)
{
    static draw_row_fn *const draw[] = {
        [VGA_MODE_PLANAR] = row_planar,
        [VGA_MODE_CGA2] = row_cga2,
        [VGA_MODE_256] = row_256,
        [VGA_MODE_VBE] = row_vbe,
    };
    uint32_t line[DISPLAY_MAX_WIDTH];
    struct display_surface *sf = &s->display.surface;
    int n = g->width / g->pixel_w;
    uint32_t span = row_span(g, n);
    bool pan_split = s->r.ac[AR_MODE] & 0x20;
    for (int y = 0; y < g->height && y < sf->height; y++) {
        bool split;
        uint32_t addr = row_address(g, y, &split);
        if (!s->full_redraw && !row_dirty(s, g, row_vram(g, addr), span))
            continue;
        struct vga_geom rg = *g;
        if (split && pan_split)
            rg.pan = 0;
        uint32_t *out = sf->pixels + (size_t)y * sf->stride;
        if (g->pixel_w == 1) {
            draw[g->kind](s, &rg, addr, out, n);
        } else {
            draw[g->kind](s, &rg, addr, line, n);
            for (int x = 0; x < n; x++)
                out[2 * x] = out[2 * x + 1] = line[x];
        }
        display_mark_dirty(&s->display, 0, y, g->width, 1);
    }
}
