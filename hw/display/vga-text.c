/* VGA text modes: character and attribute from planes 0/1, glyphs from plane 2
 * (character maps A/B selected by SR3 and attribute bit 3), 8- or 9-dot cells
 * with line-graphics extension, blink, and the CRTC cursor (IBM VGA Technical
 * Reference, "Alphanumeric Modes"). Only cells that changed are redrawn. */
#include "vga-internal.h"

/* Blink rates: the cursor toggles every 16 vertical retraces, blinking
 * characters every 32 (at 70 Hz). */
#define FRAME_NS (1000000000LL / 70)

static uint32_t font_base(const struct vga *s, bool map_a)
{
    static const uint32_t base[8] = {0x0000, 0x4000, 0x8000, 0xc000,
                                     0x2000, 0x6000, 0xa000, 0xe000};
    uint8_t sr3 = s->r.seq[SR_CHARMAP];
    unsigned a = ((sr3 >> 3) & 4) | ((sr3 >> 2) & 3);
    unsigned b = ((sr3 >> 2) & 4) | (sr3 & 3);
    return base[map_a ? a : b];
}

struct cell_colors {
    uint32_t fg, bg;
};

static struct cell_colors colors(const struct vga *s, uint8_t attr)
{
    uint8_t mask = s->r.dac_mask;
    uint8_t fg = attr & 0x0f, bg = attr >> 4;
    if (s->r.ac[AR_MODE] & 0x08) {
        bg &= 7;
        if ((attr & 0x80) && !s->blink_on)
            fg = bg;
    }
    return (struct cell_colors){s->palette_rgb[vga_ac_to_dac(s, fg) & mask],
                                s->palette_rgb[vga_ac_to_dac(s, bg) & mask]};
}

static void draw_cell(struct vga *s, const struct vga_geom *g, int col, int row, uint8_t ch,
                      uint8_t attr, bool cursor)
{
    struct display_surface *sf = &s->display.surface;
    struct cell_colors c = colors(s, attr);
    uint32_t glyph = font_base(s, attr & 0x08) + ch * 32u;
    bool line_gfx = (s->r.ac[AR_MODE] & 0x04) && ch >= 0xc0 && ch <= 0xdf;
    int cs = s->r.crtc[CR_CURSOR_START] & 0x1f, ce = s->r.crtc[CR_CURSOR_END] & 0x1f;
    int dots = g->char_w / g->pixel_w;
    for (int y = 0; y < g->char_h; y++) {
        uint8_t bits = s->vram[((glyph + (uint32_t)y) & (VGA_PLANE_SIZE - 1)) * 4 + 2];
        bool cursor_line = cursor && y >= cs && y <= ce;
        if (cursor_line)
            bits = 0xff;
        uint32_t *p = sf->pixels + (size_t)(row * g->char_h + y) * sf->stride + col * g->char_w;
        for (int x = 0; x < dots; x++) {
            bool on = x < 8 ? (bits >> (7 - x)) & 1 : (bits & 1) && (line_gfx || cursor_line);
            for (int k = 0; k < g->pixel_w; k++)
                p[x * g->pixel_w + k] = on ? c.fg : c.bg;
        }
    }
    display_mark_dirty(&s->display, col * g->char_w, row * g->char_h, g->char_w, g->char_h);
}

/* The cell holding the cursor, or -1 when it is off, blinked out or away. */
static int cursor_cell(const struct vga *s, const struct vga_geom *g)
{
    const uint8_t *cr = s->r.crtc;
    if ((cr[CR_CURSOR_START] & 0x20) || !s->cursor_on ||
        (cr[CR_CURSOR_START] & 0x1f) > (cr[CR_CURSOR_END] & 0x1f))
        return -1;
    uint32_t pos = (uint32_t)cr[CR_CURSOR_HI] << 8 | cr[CR_CURSOR_LO];
    if (pos < g->start || !g->line_offset)
        return -1;
    uint32_t rel = pos - g->start;
    uint32_t row = rel / g->line_offset, col = rel % g->line_offset;
    if (row >= (uint32_t)g->rows || col >= (uint32_t)g->cols)
        return -1;
    return (int)(row * (uint32_t)g->cols + col);
}

void vga_draw_text(struct vga *s, const struct vga_geom *g, int64_t now_ns)
{
    bool blink_on = (now_ns / (32 * FRAME_NS)) % 2 == 0;
    s->cursor_on = (now_ns / (16 * FRAME_NS)) % 2 == 0;
    bool blink_changed = blink_on != s->blink_on && (s->r.ac[AR_MODE] & 0x08);
    s->blink_on = blink_on;
    bool all = s->full_redraw || s->font_dirty;
    int cursor = cursor_cell(s, g);
    struct display_text *t = &s->display.text;
    t->cols = g->cols;
    t->rows = g->rows;
    uint32_t cpos = (uint32_t)s->r.crtc[CR_CURSOR_HI] << 8 | s->r.crtc[CR_CURSOR_LO];
    t->cursor_col = t->cursor_row = -1;
    if (cpos >= g->start && g->line_offset && !(s->r.crtc[CR_CURSOR_START] & 0x20)) {
        t->cursor_row = (int)((cpos - g->start) / g->line_offset);
        t->cursor_col = (int)((cpos - g->start) % g->line_offset);
    }
    if (!all && !blink_changed && cursor == s->cursor_drawn &&
        !vga_pages_dirty(s, 0, 4 * VGA_PLANE_SIZE))
        return;
    for (int row = 0; row < g->rows; row++) {
        uint32_t addr = g->start + (uint32_t)row * g->line_offset;
        for (int col = 0; col < g->cols; col++) {
            uint32_t a = ((addr + (uint32_t)col) & (VGA_PLANE_SIZE - 1)) * 4;
            uint8_t ch = s->vram[a], attr = s->vram[a + 1];
            int i = row * g->cols + col;
            uint16_t cell = (uint16_t)(ch | attr << 8);
            t->cells[i] = cell;
            bool redraw = all || s->shadow[i] != cell || i == cursor || i == s->cursor_drawn ||
                          (blink_changed && (attr & 0x80));
            if (!redraw)
                continue;
            s->shadow[i] = cell;
            draw_cell(s, g, col, row, ch, attr, i == cursor);
        }
    }
    s->cursor_drawn = cursor;
}
