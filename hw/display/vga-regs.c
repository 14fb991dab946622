/* VGA register file: sequencer, CRTC, graphics controller, attribute
 * controller, DAC, miscellaneous output and input status ports 0x3B0-0x3DF
 * (IBM VGA Technical Reference, "Registers"). The retrace bits of input
 * status 1 follow the virtual clock. */
#include "vga-internal.h"

/* Writable bits of each register; the rest read as zero. */
static const uint8_t seq_mask[8] = {0x03, 0x3d, 0x0f, 0x3f, 0x0e, 0, 0, 0};
static const uint8_t gc_mask[9] = {0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f, 0xff};

/* 25.175 MHz dot clock, 800 dots per line: 31.778 us per scan line. */
#define VGA_LINE_NS 31778

static bool color_io(const struct vga *s)
{
    return s->r.misc & 1;
}

static void set_reg(struct vga *s, uint8_t *reg, uint8_t val)
{
    if (*reg != val)
        s->full_redraw = true;
    *reg = val;
}

int vga_vdisp_lines(const struct vga *s)
{
    const uint8_t *cr = s->r.crtc;
    int v = cr[CR_VDISP_END] | (cr[CR_OVERFLOW] & 0x02) << 7 | (cr[CR_OVERFLOW] & 0x40) << 3;
    return v + 1;
}

static uint8_t input_status1(const struct vga *s)
{
    const uint8_t *cr = s->r.crtc;
    int vtotal =
        (cr[CR_VTOTAL] | (cr[CR_OVERFLOW] & 0x01) << 8 | (cr[CR_OVERFLOW] & 0x20) << 4) + 2;
    int vdisp = vga_vdisp_lines(s);
    int vrs = cr[CR_VRETRACE_START] | (cr[CR_OVERFLOW] & 0x04) << 6 | (cr[CR_OVERFLOW] & 0x80) << 2;
    if (vtotal <= vdisp || vrs < vdisp || vrs >= vtotal) {
        /* Unprogrammed or VBE-only timings: a 60 Hz frame with 45 blank lines. */
        vtotal = vdisp + 45;
        vrs = vdisp + 10;
    }
    int len = ((cr[CR_VRETRACE_END] & 0x0f) - (vrs & 0x0f)) & 0x0f;
    if (!len)
        len = 16;
    int64_t now = s->clock ? clock_now(s->clock) : 0;
    int64_t t = now % ((int64_t)vtotal * VGA_LINE_NS);
    int line = (int)(t / VGA_LINE_NS);
    int dot = (int)(t % VGA_LINE_NS);
    uint8_t v = 0;
    if (line >= vrs && line < vrs + len)
        v |= 0x08;
    if (line >= vdisp || dot >= VGA_LINE_NS * 640 / 800)
        v |= 0x01;
    return v;
}

static uint8_t dac_read(struct vga *s)
{
    uint8_t v = s->r.palette[(s->r.dac_read_index * 3 + s->r.dac_sub) % 768];
    if (++s->r.dac_sub == 3) {
        s->r.dac_sub = 0;
        s->r.dac_read_index++;
    }
    return v;
}

static void dac_write(struct vga *s, uint8_t val)
{
    s->r.dac_latch[s->r.dac_sub] = val;
    if (++s->r.dac_sub < 3)
        return;
    s->r.dac_sub = 0;
    int i = s->r.dac_write_index++;
    for (int c = 0; c < 3; c++)
        s->r.palette[i * 3 + c] = s->r.dac_latch[c];
    vga_update_palette(s, i);
}

uint8_t vga_ioport_read(struct vga *s, uint16_t port)
{
    struct vga_regs *r = &s->r;
    if ((port >= 0x3b0 && port <= 0x3bf && color_io(s)) ||
        (port >= 0x3d0 && port <= 0x3df && !color_io(s)))
        return 0xff;
    switch (port) {
    case 0x3c0: return r->ac_index;
    case 0x3c1: return (r->ac_index & 0x1f) < 0x15 ? r->ac[r->ac_index & 0x1f] : 0;
    case 0x3c2: return 0x10; /* switch sense: a colour monitor is attached */
    case 0x3c4: return r->seq_index;
    case 0x3c5: return r->seq_index < 8 ? r->seq[r->seq_index] : 0;
    case 0x3c6: return r->dac_mask;
    case 0x3c7: return r->dac_state;
    case 0x3c8: return r->dac_write_index;
    case 0x3c9: return dac_read(s);
    case 0x3ca: return r->feature;
    case 0x3cc: return r->misc;
    case 0x3ce: return r->gc_index;
    case 0x3cf: return r->gc_index < 9 ? r->gc[r->gc_index] : 0;
    case 0x3b4:
    case 0x3d4: return r->crtc_index;
    case 0x3b5:
    case 0x3d5: return r->crtc_index < sizeof(r->crtc) ? r->crtc[r->crtc_index] : 0;
    case 0x3ba:
    case 0x3da: r->ac_flip = false; return input_status1(s);
    default: return 0xff;
    }
}

static void ac_write(struct vga *s, uint8_t val)
{
    struct vga_regs *r = &s->r;
    if (!r->ac_flip) {
        if ((r->ac_index ^ val) & AR_INDEX_PAS)
            s->full_redraw = true;
        r->ac_index = val & 0x3f;
    } else {
        unsigned i = r->ac_index & 0x1f;
        if (i < 0x10)
            set_reg(s, &r->ac[i], val & 0x3f);
        else if (i < 0x15)
            set_reg(s, &r->ac[i], i == AR_PLANE_ENABLE ? val & 0x3f : val);
    }
    r->ac_flip = !r->ac_flip;
}

static void crtc_write(struct vga *s, uint8_t val)
{
    struct vga_regs *r = &s->r;
    unsigned i = r->crtc_index;
    if (i >= sizeof(r->crtc))
        return;
    /* CR11 bit 7 write-protects CR00-CR07, except the line-compare bit of CR07. */
    if ((r->crtc[CR_VRETRACE_END] & 0x80) && i <= CR_OVERFLOW) {
        if (i == CR_OVERFLOW)
            set_reg(s, &r->crtc[i], (uint8_t)((r->crtc[i] & ~0x10) | (val & 0x10)));
        return;
    }
    /* The cursor registers only move the cursor, which the text renderer
     * compares every frame: no full redraw. */
    if (i == CR_CURSOR_START || i == CR_CURSOR_END || i == CR_CURSOR_HI || i == CR_CURSOR_LO)
        r->crtc[i] = val;
    else
        set_reg(s, &r->crtc[i], val);
}

void vga_ioport_write(struct vga *s, uint16_t port, uint8_t val)
{
    struct vga_regs *r = &s->r;
    if ((port >= 0x3b0 && port <= 0x3bf && color_io(s)) ||
        (port >= 0x3d0 && port <= 0x3df && !color_io(s)))
        return;
    switch (port) {
    case 0x3c0:
    case 0x3c1: ac_write(s, val); break;
    case 0x3c2: set_reg(s, &r->misc, val); break;
    case 0x3c4: r->seq_index = val & 7; break;
    case 0x3c5:
        if (r->seq_index < 8) {
            if (r->seq_index == SR_CHARMAP)
                s->font_dirty = true;
            set_reg(s, &r->seq[r->seq_index], val & seq_mask[r->seq_index]);
            vga_update_window(s);
        }
        break;
    case 0x3c6: set_reg(s, &r->dac_mask, val); break;
    case 0x3c7:
        r->dac_read_index = val;
        r->dac_sub = 0;
        r->dac_state = 3;
        break;
    case 0x3c8:
        r->dac_write_index = val;
        r->dac_sub = 0;
        r->dac_state = 0;
        break;
    case 0x3c9: dac_write(s, val); break;
    case 0x3ce: r->gc_index = val & 0x0f; break;
    case 0x3cf:
        if (r->gc_index < 9) {
            set_reg(s, &r->gc[r->gc_index], val & gc_mask[r->gc_index]);
            vga_update_window(s);
        }
        break;
    case 0x3b4:
    case 0x3d4: r->crtc_index = val; break;
    case 0x3b5:
    case 0x3d5: crtc_write(s, val); break;
    case 0x3ba:
    case 0x3da: r->feature = val & 3; break;
    default: break;
    }
}

uint8_t vga_ac_to_dac(const struct vga *s, uint8_t c)
{
    const uint8_t *ar = s->r.ac;
    uint8_t v = ar[c & 0x0f];
    if (ar[AR_MODE] & 0x80)
        v = (uint8_t)((v & 0x0f) | (ar[AR_COLOR_SELECT] & 0x03) << 4);
    else
        v &= 0x3f;
    return (uint8_t)(v | (ar[AR_COLOR_SELECT] & 0x0c) << 4);
}

void vga_update_palette(struct vga *s, int i)
{
    const uint8_t *p = &s->r.palette[i * 3];
    uint32_t rgb;
    if (s->r.vbe[VBE_INDEX_ENABLE] & VBE_8BIT_DAC) {
        rgb = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
    } else {
        /* 6-bit DAC values become the top bits of 8 and their lowest bit
         * fills the two new ones (0x2a -> 0xa8, 0x15 -> 0x57, 0x3f -> 0xff),
         * as QEMU converts them: screendumps compare pixel-exactly with QEMU's. */
        uint32_t c[3];
        for (int k = 0; k < 3; k++) {
            uint32_t v = p[k] & 0x3f;
            c[k] = v << 2 | (v & 1) * 3;
        }
        rgb = c[0] << 16 | c[1] << 8 | c[2];
    }
    if (s->palette_rgb[i] != rgb)
        s->full_redraw = true;
    s->palette_rgb[i] = rgb;
}
