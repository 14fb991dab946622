/* The standard VGA driven like a VGA BIOS and guests drive it: registers
 * through ports, video memory through the 0xA0000 window and the VBE linear
 * framebuffer; rendered pixels compared with values the test computes itself
 * (glyph bits, palette entries). */
#include "hw/display/vga.h"
#include "softmmu/tlb.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

struct rig {
    struct mmu_phys_space *mem;
    struct mmu_io_space *io;
    struct hw_clock clock;
    struct vga *vga;
};

static struct rig *rig_new(void)
{
    struct rig *r = calloc(1, sizeof(*r));
    r->mem = mmu_phys_new(1 << 20);
    r->io = mmu_io_new();
    clock_init(&r->clock, 0);
    r->vga = calloc(1, sizeof(*r->vga));
    ck_assert(vga_init(r->vga, r->mem, r->io, &r->clock));
    return r;
}

static void rig_free(struct rig *r)
{
    vga_free(r->vga);
    free(r->vga);
    mmu_phys_free(r->mem);
    mmu_io_free(r->io);
    free(r);
}

static void outb(struct rig *r, uint16_t port, uint8_t v)
{
    mmu_io_write(r->io, port, v, 1);
}

static uint8_t inb(struct rig *r, uint16_t port)
{
    return (uint8_t)mmu_io_read(r->io, port, 1);
}

static void idx_out(struct rig *r, uint16_t port, uint8_t i, uint8_t v)
{
    outb(r, port, i);
    outb(r, port + 1, v);
}

/* Standard register sets (IBM VGA Technical Reference, BIOS mode tables). */
struct mode_regs {
    uint8_t misc, seq[5], crtc[25], gc[9], ac[21];
};

static const struct mode_regs mode03 = {
    0x67,
    {0x03, 0x00, 0x03, 0x00, 0x02},
    {0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00,
     0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff},
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0xff},
    {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
     0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x0c, 0x00, 0x0f, 0x08, 0x00},
};

static const struct mode_regs mode13 = {
    0x63,
    {0x03, 0x01, 0x0f, 0x00, 0x0e},
    {0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00, 0x41, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0x9c, 0x0e, 0x8f, 0x28, 0x40, 0x96, 0xb9, 0xa3, 0xff},
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0f, 0xff},
    {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
     0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x41, 0x00, 0x0f, 0x00, 0x00},
};

static const struct mode_regs mode12 = {
    0xe3,
    {0x03, 0x01, 0x0f, 0x00, 0x06},
    {0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0x0b, 0x3e, 0x00, 0x40, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0xea, 0x8c, 0xdf, 0x28, 0x00, 0xe7, 0x04, 0xe3, 0xff},
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0f, 0xff},
    {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
     0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x01, 0x00, 0x0f, 0x00, 0x00},
};

static void set_mode(struct rig *r, const struct mode_regs *m)
{
    outb(r, 0x3c2, m->misc);
    for (int i = 0; i < 5; i++)
        idx_out(r, 0x3c4, (uint8_t)i, m->seq[i]);
    idx_out(r, 0x3d4, 0x11, m->crtc[0x11] & 0x7f); /* unlock CR0-7 */
    for (int i = 0; i < 25; i++)
        idx_out(r, 0x3d4, (uint8_t)i, m->crtc[i]);
    for (int i = 0; i < 9; i++)
        idx_out(r, 0x3ce, (uint8_t)i, m->gc[i]);
    inb(r, 0x3da); /* attribute flip-flop to index */
    for (int i = 0; i < 21; i++) {
        outb(r, 0x3c0, (uint8_t)i);
        outb(r, 0x3c0, m->ac[i]);
    }
    outb(r, 0x3c0, 0x20); /* palette address source: display on */
}

/* DAC entry i = 6-bit r, g, b; returns the 8-bit RGB the display shows. */
static uint32_t set_dac(struct rig *r, uint8_t i, uint8_t cr, uint8_t cg, uint8_t cb)
{
    outb(r, 0x3c8, i);
    outb(r, 0x3c9, cr);
    outb(r, 0x3c9, cg);
    outb(r, 0x3c9, cb);
    /* 6 to 8 bits: the lowest bit fills the two new ones (0x15 -> 0x57). */
    return (uint32_t)(cr << 2 | (cr & 1) * 3) << 16 | (uint32_t)(cg << 2 | (cg & 1) * 3) << 8 |
           (uint32_t)(cb << 2 | (cb & 1) * 3);
}

static void wmem(struct rig *r, uint32_t addr, uint8_t v)
{
    mmu_phys_store(r->mem, addr, v, 1);
}

static uint8_t rmem(struct rig *r, uint32_t addr)
{
    return (uint8_t)mmu_phys_load(r->mem, addr, 1);
}

static uint32_t pixel(struct rig *r, int x, int y)
{
    const struct display_surface *s = &r->vga->display.surface;
    ck_assert_int_lt(x, s->width);
    ck_assert_int_lt(y, s->height);
    return s->pixels[(size_t)y * s->stride + x];
}

static void refresh(struct rig *r)
{
    display_refresh(&r->vga->display, clock_now(&r->clock), true);
}

static const uint8_t glyph_a[16] = {0x00, 0x00, 0x10, 0x38, 0x6c, 0xc6, 0xc6, 0xfe,
                                    0xc6, 0xc6, 0xc6, 0xc6, 0x00, 0x00, 0x00, 0x00};
static const uint8_t glyph_box[16] = {0xff, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81,
                                      0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0xff};

/* Loads glyphs into plane 2 like the VGA BIOS: sequential addressing, map
 * mask plane 2, then back to odd/even text access. */
static void load_glyph(struct rig *r, uint8_t ch, const uint8_t *rows)
{
    idx_out(r, 0x3c4, 2, 0x04);
    idx_out(r, 0x3c4, 4, 0x07);
    idx_out(r, 0x3ce, 5, 0x00);
    idx_out(r, 0x3ce, 6, 0x04);
    for (int i = 0; i < 16; i++)
        wmem(r, 0xa0000 + ch * 32u + (unsigned)i, rows[i]);
    idx_out(r, 0x3c4, 2, 0x03);
    idx_out(r, 0x3c4, 4, 0x02);
    idx_out(r, 0x3ce, 5, 0x10);
    idx_out(r, 0x3ce, 6, 0x0e);
}

START_TEST(text_mode_03h_draws_glyph_bits_from_plane_2_in_attribute_colours)
{
    struct rig *r = rig_new();
    set_mode(r, &mode03);
    uint32_t fg = set_dac(r, 0x0e, 0x3f, 0x3f, 0x15);
    uint32_t bg = set_dac(r, 0x01, 0x00, 0x00, 0x2a);
    load_glyph(r, 'A', glyph_a);
    /* Row 2, column 5: 'A', yellow on blue. */
    uint32_t cell = 0xb8000 + (2 * 80 + 5) * 2;
    wmem(r, cell, 'A');
    wmem(r, cell + 1, 0x1e);
    refresh(r);
    ck_assert_int_eq(r->vga->display.surface.width, 720);
    ck_assert_int_eq(r->vga->display.surface.height, 400);
    for (int y = 0; y < 16; y++) {
        for (int x = 0; x < 9; x++) {
            bool on = x < 8 && ((glyph_a[y] >> (7 - x)) & 1);
            ck_assert_uint_eq(pixel(r, 5 * 9 + x, 2 * 16 + y), on ? fg : bg);
        }
    }
    ck_assert_uint_eq(r->vga->display.text.cells[2 * 80 + 5], 'A' | 0x1e << 8);
    ck_assert_uint_eq(rmem(r, cell), 'A');
    ck_assert_uint_eq(rmem(r, cell + 1), 0x1e);
    rig_free(r);
}
END_TEST

START_TEST(text_9th_column_repeats_line_graphics_characters_only)
{
    struct rig *r = rig_new();
    set_mode(r, &mode03);
    uint32_t fg = set_dac(r, 0x07, 0x2a, 0x2a, 0x2a);
    uint32_t bg = set_dac(r, 0x00, 0, 0, 0);
    load_glyph(r, 0xc4, glyph_box); /* in the line-graphics range */
    load_glyph(r, 0x41, glyph_box);
    wmem(r, 0xb8000, 0xc4);
    wmem(r, 0xb8001, 0x07);
    wmem(r, 0xb8002, 0x41);
    wmem(r, 0xb8003, 0x07);
    refresh(r);
    ck_assert_uint_eq(pixel(r, 8, 0), fg);  /* top row all ones, repeated */
    ck_assert_uint_eq(pixel(r, 8, 5), fg);  /* bit 0 set in every row */
    ck_assert_uint_eq(pixel(r, 17, 0), bg); /* ordinary char: background */
    ck_assert_uint_eq(pixel(r, 16, 5), fg);
    rig_free(r);
}
END_TEST

START_TEST(forty_column_text_doubles_every_dot)
{
    struct rig *r = rig_new();
    set_mode(r, &mode03);
    idx_out(r, 0x3c4, 1, 0x08);    /* half dot clock, 9-dot */
    idx_out(r, 0x3d4, 0x11, 0x0e); /* unprotect CR0-CR7 */
    idx_out(r, 0x3d4, 0x01, 0x27);
    idx_out(r, 0x3d4, 0x13, 0x14);
    idx_out(r, 0x3d4, 0x0a, 0x20);
    uint32_t fg = set_dac(r, 0x07, 0x2a, 0x2a, 0x2a);
    uint32_t bg = set_dac(r, 0x00, 0, 0, 0);
    load_glyph(r, 'A', glyph_a);
    wmem(r, 0xb8002, 'A'); /* column 1 */
    wmem(r, 0xb8003, 0x07);
    refresh(r);
    ck_assert_int_eq(r->vga->display.surface.width, 720);
    for (int y = 0; y < 16; y++) {
        for (int x = 0; x < 18; x++) {
            bool on = x < 16 && ((glyph_a[y] >> (7 - x / 2)) & 1);
            ck_assert_uint_eq(pixel(r, 18 + x, y), on ? fg : bg);
        }
    }
    rig_free(r);
}
END_TEST

START_TEST(text_cursor_and_blink_follow_the_virtual_clock)
{
    struct rig *r = rig_new();
    set_mode(r, &mode03);
    uint32_t fg = set_dac(r, 0x07, 0x2a, 0x2a, 0x2a);
    uint32_t bg = set_dac(r, 0x00, 0, 0, 0);
    load_glyph(r, ' ', (const uint8_t[16]){0});
    load_glyph(r, 'A', glyph_a);
    for (int i = 0; i < 4; i++) {
        wmem(r, 0xb8000 + 2u * i, ' ');
        wmem(r, 0xb8001 + 2u * i, 0x07);
    }
    wmem(r, 0xb8004, 'A');
    wmem(r, 0xb8005, 0x87); /* blinking */
    idx_out(r, 0x3d4, 0x0e, 0);
    idx_out(r, 0x3d4, 0x0f, 1); /* cursor at column 1, lines 13-14 */
    clock_set_now(&r->clock, 0);
    refresh(r);
    ck_assert_uint_eq(pixel(r, 9 + 3, 13), fg);
    ck_assert_uint_eq(pixel(r, 9 + 3, 12), bg);
    ck_assert_uint_eq(pixel(r, 18 + 3, 7), fg); /* 'A' visible: blink phase on */
    clock_set_now(&r->clock, 300000000);        /* cursor off, characters still on */
    refresh(r);
    ck_assert_uint_eq(pixel(r, 9 + 3, 13), bg);
    clock_set_now(&r->clock, 500000000); /* characters blinked off */
    refresh(r);
    ck_assert_uint_eq(pixel(r, 18 + 3, 7), bg);
    rig_free(r);
}
END_TEST

START_TEST(mode_13h_chain4_bytes_are_pixels_through_the_palette)
{
    struct rig *r = rig_new();
    set_mode(r, &mode13);
    uint32_t c1 = set_dac(r, 0x21, 0x3f, 0x00, 0x00);
    uint32_t c2 = set_dac(r, 0xfe, 0x00, 0x3f, 0x10);
    uint32_t c0 = set_dac(r, 0x00, 0, 0, 0);
    wmem(r, 0xa0000 + 10 * 320 + 7, 0x21);
    wmem(r, 0xa0000 + 199 * 320 + 319, 0xfe);
    refresh(r);
    /* The 640x400 raster: each pixel two dots wide and two lines high. */
    ck_assert_int_eq(r->vga->display.surface.width, 640);
    ck_assert_int_eq(r->vga->display.surface.height, 400);
    for (int dy = 0; dy < 2; dy++) {
        for (int dx = 0; dx < 2; dx++) {
            ck_assert_uint_eq(pixel(r, 14 + dx, 20 + dy), c1);
            ck_assert_uint_eq(pixel(r, 638 + dx, 398 + dy), c2);
        }
    }
    ck_assert_uint_eq(pixel(r, 16, 20), c0);
    ck_assert_uint_eq(pixel(r, 14, 22), c0);
    ck_assert_uint_eq(rmem(r, 0xa0000 + 10 * 320 + 7), 0x21);
    rig_free(r);
}
END_TEST

START_TEST(chain4_window_takes_the_tlb_fast_path_until_the_map_mask_changes)
{
    struct rig *r = rig_new();
    set_mode(r, &mode13);
    uint32_t c = set_dac(r, 0x44, 0x3f, 0x3f, 0);
    struct mmu_tlb *tlb = malloc(sizeof(*tlb));
    struct mmu_fault f;
    mmu_tlb_init(tlb, r->mem);
    ck_assert_int_eq(mmu_stb(tlb, MMU_IDX_NOPAGING, 0xa0000 + 320 + 1, 0x44, &f), MMU_OK);
    uint64_t slow = tlb->stats.slow[MMU_ACCESS_WRITE];
    ck_assert_int_eq(mmu_stb(tlb, MMU_IDX_NOPAGING, 0xa0000 + 320 + 2, 0x44, &f), MMU_OK);
    ck_assert_uint_eq(tlb->stats.slow[MMU_ACCESS_WRITE], slow); /* a plain host store */
    ck_assert_uint_eq(r->vga->vram[320 + 2], 0x44);
    refresh(r);
    ck_assert_uint_eq(pixel(r, 2, 2), c);
    ck_assert_uint_eq(pixel(r, 5, 3), c);
    /* Plane 0 only: the window goes back to the device, which masks plane 1. */
    idx_out(r, 0x3c4, 2, 0x01);
    ck_assert_int_eq(mmu_stb(tlb, MMU_IDX_NOPAGING, 0xa0000 + 5, 0x44, &f), MMU_OK);
    ck_assert_int_eq(mmu_stb(tlb, MMU_IDX_NOPAGING, 0xa0000 + 4, 0x44, &f), MMU_OK);
    ck_assert_uint_eq(r->vga->vram[5], 0);
    ck_assert_uint_eq(r->vga->vram[4], 0x44);
    mmu_tlb_destroy(tlb);
    free(tlb);
    rig_free(r);
}
END_TEST

START_TEST(mode_x_unchained_planes_give_consecutive_pixels)
{
    struct rig *r = rig_new();
    set_mode(r, &mode13);
    idx_out(r, 0x3c4, 4, 0x06);    /* chain-4 off */
    idx_out(r, 0x3d4, 0x14, 0);    /* doubleword off */
    idx_out(r, 0x3d4, 0x17, 0xe3); /* byte mode */
    uint32_t c[4];
    for (int p = 0; p < 4; p++)
        c[p] = set_dac(r, (uint8_t)(0x40 + p), (uint8_t)(p * 16), 0x3f, 0);
    for (int p = 0; p < 4; p++) {
        idx_out(r, 0x3c4, 2, (uint8_t)(1 << p));
        wmem(r, 0xa0000 + 80 * 3 + 2, (uint8_t)(0x40 + p)); /* row 3, pixels 8..11 */
    }
    refresh(r);
    for (int p = 0; p < 4; p++)
        ck_assert_uint_eq(pixel(r, 2 * (8 + p), 2 * 3), c[p]);
    rig_free(r);
}
END_TEST

START_TEST(mode_12h_write_modes_0_and_2_set_planes_under_the_bit_mask)
{
    struct rig *r = rig_new();
    set_mode(r, &mode12);
    uint32_t col[16];
    for (int i = 0; i < 16; i++)
        col[i] = set_dac(r, (uint8_t)i, (uint8_t)(i * 4), (uint8_t)(63 - i * 4), (uint8_t)i);
    /* Write mode 2: colour 9 into the left four pixels of byte 0 of row 1. */
    idx_out(r, 0x3ce, 5, 0x02);
    idx_out(r, 0x3ce, 8, 0xf0);
    rmem(r, 0xa0000 + 80); /* load latches */
    wmem(r, 0xa0000 + 80, 9);
    /* Write mode 0 with set/reset on all planes: colour 5 at pixel 7 of row 1. */
    idx_out(r, 0x3ce, 5, 0x00);
    idx_out(r, 0x3ce, 0, 0x05);
    idx_out(r, 0x3ce, 1, 0x0f);
    idx_out(r, 0x3ce, 8, 0x01);
    rmem(r, 0xa0000 + 80);
    wmem(r, 0xa0000 + 80, 0x00);
    refresh(r);
    ck_assert_int_eq(r->vga->display.surface.width, 640);
    ck_assert_int_eq(r->vga->display.surface.height, 480);
    for (int x = 0; x < 4; x++)
        ck_assert_uint_eq(pixel(r, x, 1), col[9]);
    for (int x = 4; x < 7; x++)
        ck_assert_uint_eq(pixel(r, x, 1), col[0]);
    ck_assert_uint_eq(pixel(r, 7, 1), col[5]);
    ck_assert_uint_eq(pixel(r, 0, 0), col[0]);
    /* Read mode 1: which pixels have colour 9. */
    idx_out(r, 0x3ce, 5, 0x08);
    idx_out(r, 0x3ce, 2, 9);
    idx_out(r, 0x3ce, 7, 0x0f);
    ck_assert_uint_eq(rmem(r, 0xa0000 + 80), 0xf0);
    rig_free(r);
}
END_TEST

START_TEST(write_mode_1_copies_latches_and_logical_ops_combine_with_them)
{
    struct rig *r = rig_new();
    set_mode(r, &mode12);
    idx_out(r, 0x3ce, 5, 0x02);
    wmem(r, 0xa0000, 0x0c); /* planes 2,3 = 0xff */
    idx_out(r, 0x3ce, 5, 0x01);
    rmem(r, 0xa0000);
    wmem(r, 0xa0000 + 1, 0); /* copy */
    idx_out(r, 0x3ce, 4, 2);
    idx_out(r, 0x3ce, 5, 0x00);
    ck_assert_uint_eq(rmem(r, 0xa0001), 0xff);
    idx_out(r, 0x3ce, 4, 0);
    ck_assert_uint_eq(rmem(r, 0xa0001), 0x00);
    /* XOR with latches: plane 2 0xff ^ 0x0f. */
    idx_out(r, 0x3ce, 3, 0x18);
    idx_out(r, 0x3ce, 1, 0);
    rmem(r, 0xa0001);
    wmem(r, 0xa0001, 0x0f);
    idx_out(r, 0x3ce, 4, 2);
    ck_assert_uint_eq(rmem(r, 0xa0001), 0xf0);
    rig_free(r);
}
END_TEST

START_TEST(split_screen_restarts_at_address_zero_after_line_compare)
{
    struct rig *r = rig_new();
    set_mode(r, &mode13);
    uint32_t a = set_dac(r, 1, 0x3f, 0, 0);
    uint32_t b = set_dac(r, 2, 0, 0x3f, 0);
    wmem(r, 0xa0000, 1);            /* address 0 */
    wmem(r, 0xa0000 + 320 * 50, 2); /* start address row */
    idx_out(r, 0x3d4, 0x0c, (320 * 50 / 4) >> 8);
    idx_out(r, 0x3d4, 0x0d, (320 * 50 / 4) & 0xff);
    idx_out(r, 0x3d4, 0x18, 199);  /* split after scan line 199 (row 99) */
    idx_out(r, 0x3d4, 0x07, 0x0f); /* line compare bit 8 clear */
    idx_out(r, 0x3d4, 0x09, 0x01); /* line compare bit 9 clear */
    refresh(r);
    ck_assert_uint_eq(pixel(r, 0, 0), b);
    ck_assert_uint_eq(pixel(r, 0, 1), b);
    ck_assert_uint_eq(pixel(r, 0, 2), set_dac(r, 0, 0, 0, 0));
    ck_assert_uint_eq(pixel(r, 0, 200), a);
    ck_assert_uint_eq(pixel(r, 0, 201), a);
    rig_free(r);
}
END_TEST

static void dispi(struct rig *r, uint16_t index, uint16_t v)
{
    mmu_io_write(r->io, 0x1ce, index, 2);
    mmu_io_write(r->io, 0x1cf, v, 2);
}

static uint16_t dispi_rd(struct rig *r, uint16_t index)
{
    mmu_io_write(r->io, 0x1ce, index, 2);
    return (uint16_t)mmu_io_read(r->io, 0x1cf, 2);
}

START_TEST(vbe_32bpp_lfb_writes_show_as_pixels_and_only_dirty_rows_redraw)
{
    struct rig *r = rig_new();
    struct pci_bus bus;
    pci_bus_init(&bus, r->mem, r->io);
    ck_assert(vga_register_pci(r->vga, &bus, PCI_DEVFN(2, 0)));
    ck_assert_uint_eq(pci_config_read(&bus, PCI_DEVFN(2, 0), 0, 4), 0x11111234u);
    pci_config_write(&bus, PCI_DEVFN(2, 0), PCI_BAR0, 0xffffffffu, 4);
    ck_assert_uint_eq(pci_config_read(&bus, PCI_DEVFN(2, 0), PCI_BAR0, 4), 0xff000008u);
    pci_config_write(&bus, PCI_DEVFN(2, 0), PCI_BAR0, 0xfd000000u, 4);
    pci_config_write(&bus, PCI_DEVFN(2, 0), PCI_COMMAND, PCI_COMMAND_MEMORY, 2);

    ck_assert_uint_eq(dispi_rd(r, VBE_INDEX_ID), VBE_ID5);
    dispi(r, VBE_INDEX_ENABLE, VBE_GETCAPS);
    ck_assert_uint_eq(dispi_rd(r, VBE_INDEX_XRES), 1920);
    ck_assert_uint_eq(dispi_rd(r, VBE_INDEX_YRES), 1200);
    dispi(r, VBE_INDEX_ENABLE, 0);
    dispi(r, VBE_INDEX_XRES, 800);
    dispi(r, VBE_INDEX_YRES, 600);
    dispi(r, VBE_INDEX_BPP, 32);
    dispi(r, VBE_INDEX_ENABLE, VBE_ENABLED | VBE_LFB_ENABLED);
    ck_assert_uint_eq(dispi_rd(r, VBE_INDEX_VIRT_WIDTH), 800);
    ck_assert_uint_eq(dispi_rd(r, VBE_INDEX_VIDEO_MEMORY_64K), 256);

    struct mmu_tlb *tlb = malloc(sizeof(*tlb));
    struct mmu_fault f;
    mmu_tlb_init(tlb, r->mem);
    ck_assert_int_eq(
        mmu_stl(tlb, MMU_IDX_NOPAGING, 0xfd000000u + (10 * 800 + 3) * 4, 0x00123456, &f), MMU_OK);
    refresh(r);
    ck_assert_int_eq(r->vga->display.surface.width, 800);
    ck_assert_int_eq(r->vga->display.surface.height, 600);
    ck_assert_uint_eq(pixel(r, 3, 10), 0x123456);
    ck_assert_uint_eq(pixel(r, 4, 10), 0);
    struct display_rect rects[DISPLAY_MAX_RECTS];
    display_take_dirty(&r->vga->display, rects, DISPLAY_MAX_RECTS);

    /* One store through the TLB (its entry already cached): only the rows on
     * that page are redrawn. */
    ck_assert_int_eq(
        mmu_stl(tlb, MMU_IDX_NOPAGING, 0xfd000000u + (300 * 800 + 5) * 4, 0xff00ff, &f), MMU_OK);
    refresh(r);
    ck_assert_uint_eq(pixel(r, 5, 300), 0xff00ff);
    int n = display_take_dirty(&r->vga->display, rects, DISPLAY_MAX_RECTS);
    ck_assert_int_eq(n, 1);
    ck_assert_int_le(rects[0].y, 300);
    ck_assert_int_gt(rects[0].y + rects[0].h, 300);
    ck_assert_int_le(rects[0].h, 3); /* 4 KiB = 1.28 rows of 3200 bytes */
    /* Nothing written: nothing redrawn. */
    refresh(r);
    ck_assert_int_eq(display_take_dirty(&r->vga->display, rects, DISPLAY_MAX_RECTS), 0);
    mmu_tlb_destroy(tlb);
    free(tlb);
    rig_free(r);
}
END_TEST

START_TEST(vbe_16bpp_and_banked_window)
{
    struct rig *r = rig_new();
    dispi(r, VBE_INDEX_XRES, 640);
    dispi(r, VBE_INDEX_YRES, 480);
    dispi(r, VBE_INDEX_BPP, 16);
    dispi(r, VBE_INDEX_ENABLE, VBE_ENABLED);
    /* Pixel (0, 60) is at byte 76800 = bank 1, offset 11264. */
    dispi(r, VBE_INDEX_BANK, 1);
    wmem(r, 0xa0000 + 11264, 0x1f); /* blue 31 */
    wmem(r, 0xa0000 + 11265, 0xf8); /* red 31 */
    refresh(r);
    ck_assert_uint_eq(pixel(r, 0, 60), 0xff00ff);
    rig_free(r);
}
END_TEST

START_TEST(text_cell_write_redraws_only_that_cell)
{
    struct rig *r = rig_new();
    set_mode(r, &mode03);
    load_glyph(r, 'A', glyph_a);
    idx_out(r, 0x3d4, 0x0a, 0x20); /* cursor off */
    refresh(r);
    struct display_rect rects[DISPLAY_MAX_RECTS];
    display_take_dirty(&r->vga->display, rects, DISPLAY_MAX_RECTS);
    wmem(r, 0xb8000 + (24 * 80 + 79) * 2, 'A');
    refresh(r);
    int n = display_take_dirty(&r->vga->display, rects, DISPLAY_MAX_RECTS);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(rects[0].x, 79 * 9);
    ck_assert_int_eq(rects[0].y, 24 * 16);
    ck_assert_int_eq(rects[0].w, 9);
    ck_assert_int_eq(rects[0].h, 16);
    rig_free(r);
}
END_TEST

START_TEST(retrace_bit_toggles_with_the_virtual_clock)
{
    struct rig *r = rig_new();
    set_mode(r, &mode03);
    /* Mode 03h: 449 lines of 31.778 us; retrace from line 0x19c for 2 lines. */
    clock_set_now(&r->clock, 100 * 31778);
    ck_assert_uint_eq(inb(r, 0x3da) & 0x08, 0);
    clock_set_now(&r->clock, 0x19c * 31778 + 100);
    ck_assert_uint_eq(inb(r, 0x3da) & 0x09, 0x09);
    clock_set_now(&r->clock, 449LL * 31778 + 100 * 31778);
    ck_assert_uint_eq(inb(r, 0x3da) & 0x08, 0);
    clock_set_now(&r->clock, 449LL * 31778 + 0x19c * 31778 + 100);
    ck_assert_uint_eq(inb(r, 0x3da) & 0x08, 0x08);
    rig_free(r);
}
END_TEST

START_TEST(vmstate_round_trip_restores_registers_and_palette)
{
    struct rig *r = rig_new();
    char err[128];
    ck_assert_msg(vms_check(&vga_vmstate, err, sizeof(err)), "%s", err);
    set_mode(r, &mode13);
    uint32_t c = set_dac(r, 0x33, 0x10, 0x20, 0x30);
    dispi(r, VBE_INDEX_XRES, 1024);
    struct vms_buf buf = {0};
    ck_assert(vms_save(&vga_vmstate, r->vga, &buf));
    struct rig *q = rig_new();
    size_t pos = 0;
    ck_assert_msg(vms_load(&vga_vmstate, q->vga, buf.data, buf.len, &pos, err, sizeof(err)), "%s",
                  err);
    ck_assert_uint_eq(q->vga->palette_rgb[0x33], c);
    ck_assert_uint_eq(q->vga->r.misc, 0x63);
    ck_assert_uint_eq(q->vga->r.crtc[0x09], 0x41);
    ck_assert_uint_eq(dispi_rd(q, VBE_INDEX_XRES), 1024);
    wmem(q, 0xa0000 + 5, 0x33);
    refresh(q);
    ck_assert_uint_eq(pixel(q, 10, 0), c);
    vms_buf_free(&buf);
    rig_free(q);
    rig_free(r);
}
END_TEST

START_TEST(oversized_text_geometry_is_clamped_to_the_surface)
{
    struct rig *r = rig_new();
    set_mode(r, &mode03);
    idx_out(r, 0x3c4, 1, 0x08);    /* doubled 9-dot cells: 18 pixels */
    idx_out(r, 0x3d4, 0x11, 0x0e); /* unprotect CR0-CR7 */
    idx_out(r, 0x3d4, 0x01, 0xff); /* 256 columns asked for */
    idx_out(r, 0x3d4, 0x09, 0x1f); /* 32-line cells */
    idx_out(r, 0x3d4, 0x12, 0xff);
    idx_out(r, 0x3d4, 0x07, 0x42); /* 1024 scan lines */
    refresh(r);
    const struct display_surface *s = &r->vga->display.surface;
    ck_assert_int_eq(s->width, 113 * 18); /* 2048 / 18 columns */
    ck_assert_int_eq(s->height, 32 * 32);
    ck_assert_int_eq(r->vga->display.text.cols, 113);
    rig_free(r);
}
END_TEST

START_TEST(random_port_and_memory_programming_never_crashes)
{
    struct rig *r = rig_new();
    static const uint16_t ports[] = {0x3c0, 0x3c1, 0x3c2, 0x3c4, 0x3c5, 0x3c6, 0x3c7, 0x3c8,
                                     0x3c9, 0x3ce, 0x3cf, 0x3d4, 0x3d5, 0x3da, 0x3b4, 0x3b5};
    srand(12345);
    for (int round = 0; round < 200; round++) {
        for (int i = 0; i < 200; i++) {
            int k = rand() % 10;
            if (k < 2) {
                outb(r, ports[rand() % 16], (uint8_t)rand());
            } else if (k < 5) {
                /* An index/data pair of the sequencer, graphics controller or CRTC. */
                static const uint16_t pairs[] = {0x3c4, 0x3ce, 0x3d4};
                uint16_t p = pairs[rand() % 3];
                outb(r, p, (uint8_t)(rand() % 0x1a));
                outb(r, p + 1, (uint8_t)rand());
            } else if (k < 6) {
                dispi(r, (uint16_t)(rand() % 12), (uint16_t)rand());
            } else if (k < 8) {
                wmem(r, 0xa0000 + (uint32_t)(rand() % 0x20000), (uint8_t)rand());
            } else {
                rmem(r, 0xa0000 + (uint32_t)(rand() % 0x20000));
                inb(r, ports[rand() % 16]);
            }
        }
        clock_set_now(&r->clock, round * 17000000LL);
        refresh(r);
        const struct display_surface *s = &r->vga->display.surface;
        ck_assert_int_ge(s->width, 1);
        ck_assert_int_le(s->width, DISPLAY_MAX_WIDTH);
    }
    rig_free(r);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("vga");
    TCase *tc = tcase_create("vga");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, text_mode_03h_draws_glyph_bits_from_plane_2_in_attribute_colours);
    tcase_add_test(tc, text_9th_column_repeats_line_graphics_characters_only);
    tcase_add_test(tc, text_cursor_and_blink_follow_the_virtual_clock);
    tcase_add_test(tc, forty_column_text_doubles_every_dot);
    tcase_add_test(tc, mode_13h_chain4_bytes_are_pixels_through_the_palette);
    tcase_add_test(tc, mode_x_unchained_planes_give_consecutive_pixels);
    tcase_add_test(tc, chain4_window_takes_the_tlb_fast_path_until_the_map_mask_changes);
    tcase_add_test(tc, mode_12h_write_modes_0_and_2_set_planes_under_the_bit_mask);
    tcase_add_test(tc, write_mode_1_copies_latches_and_logical_ops_combine_with_them);
    tcase_add_test(tc, split_screen_restarts_at_address_zero_after_line_compare);
    tcase_add_test(tc, vbe_32bpp_lfb_writes_show_as_pixels_and_only_dirty_rows_redraw);
    tcase_add_test(tc, vbe_16bpp_and_banked_window);
    tcase_add_test(tc, text_cell_write_redraws_only_that_cell);
    tcase_add_test(tc, retrace_bit_toggles_with_the_virtual_clock);
    tcase_add_test(tc, vmstate_round_trip_restores_registers_and_palette);
    tcase_add_test(tc, oversized_text_geometry_is_clamped_to_the_surface);
    tcase_add_test(tc, random_port_and_memory_programming_never_crashes);
    suite_add_tcase(s, tc);
    return s;
}
