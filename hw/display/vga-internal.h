/* Shared between the files of the VGA model: register names and bits (IBM VGA
 * Technical Reference), the derived display geometry, and the renderers. */
#ifndef JIT86_HW_DISPLAY_VGA_INTERNAL_H
#define JIT86_HW_DISPLAY_VGA_INTERNAL_H

#include "hw/display/vga.h"

/* Sequencer */
#define SR_CLOCK    1 /* bit 0: 8-dot chars, bit 3: half dot clock, bit 5: screen off */
#define SR_MAP_MASK 2
#define SR_CHARMAP  3
#define SR_MEMMODE  4 /* bit 2: sequential (not odd/even), bit 3: chain-4 */
/* CRTC */
#define CR_HDISP_END      0x01
#define CR_OVERFLOW       0x07
#define CR_PRESET_ROW     0x08
#define CR_MAX_SCAN       0x09
#define CR_CURSOR_START   0x0A
#define CR_CURSOR_END     0x0B
#define CR_START_HI       0x0C
#define CR_START_LO       0x0D
#define CR_CURSOR_HI      0x0E
#define CR_CURSOR_LO      0x0F
#define CR_VRETRACE_START 0x10
#define CR_VRETRACE_END   0x11
#define CR_VDISP_END      0x12
#define CR_OFFSET         0x13
#define CR_UNDERLINE      0x14
#define CR_MODE           0x17
#define CR_LINE_COMPARE   0x18
#define CR_VTOTAL         0x06
/* Graphics controller */
#define GR_SET_RESET 0
#define GR_ENABLE_SR 1
#define GR_COLOR_CMP 2
#define GR_ROTATE    3
#define GR_READ_MAP  4
#define GR_MODE      5 /* bits 0-1 write mode, 3 read mode, 4 odd/even, 5-6 shift */
#define GR_MISC      6 /* bit 0 graphics, bits 2-3 memory map */
#define GR_DONT_CARE 7
#define GR_BIT_MASK  8
/* Attribute controller */
#define AR_MODE         0x10 /* bit 0 graphics, 2 line graphics, 3 blink, 5 pan split, 7 P54S */
#define AR_OVERSCAN     0x11
#define AR_PLANE_ENABLE 0x12
#define AR_PAN          0x13
#define AR_COLOR_SELECT 0x14
#define AR_INDEX_PAS    0x20

enum vga_mode_kind {
    VGA_MODE_BLANK,
    VGA_MODE_TEXT,
    VGA_MODE_PLANAR, /* 16 colours, 4 planes */
    VGA_MODE_CGA2,   /* 4 colours, interleaved shift (modes 04h/05h) */
    VGA_MODE_256,    /* 256 colours: mode 13h and mode X */
    VGA_MODE_VBE,
};

/* Everything the renderers need, derived from the registers once per frame. */
struct vga_geom {
    enum vga_mode_kind kind;
    int width, height;    /* output pixels */
    uint32_t start;       /* start address (plane address) */
    uint32_t line_offset; /* plane addresses per row; VBE: bytes per line */
    int row_repeat;       /* scan lines per memory row (graphics) */
    int pixel_w;          /* dots per pixel: 2 in 256-colour and half-clock modes */
    int line_compare;     /* scan line after which the address restarts (split) */
    int pan;              /* horizontal pixel panning */
    /* text */
    int cols, rows, char_w, char_h;
    /* VBE */
    int bpp;
};

static inline bool vga_vbe_enabled(const struct vga *s)
{
    return s->r.vbe[VBE_INDEX_ENABLE] & VBE_ENABLED;
}

/* Scan lines displayed: vertical display end + 1 (bits 8-9 in the overflow). */
int vga_vdisp_lines(const struct vga *s);
void vga_geometry(const struct vga *s, struct vga_geom *g);
/* The colour of attribute-controller input c (0-15) as a DAC index. */
uint8_t vga_ac_to_dac(const struct vga *s, uint8_t c);
void vga_update_palette(struct vga *s, int index);
bool vga_pages_dirty(const struct vga *s, uint32_t vram_start, uint32_t len);

/* Maps the legacy window straight onto video memory (TLB fast path) while
 * accesses are plain bytes: chain-4, all planes enabled, a 0xA0000 map. Called
 * after every register write that can change that; a no-op when unchanged. */
void vga_update_window(struct vga *s);
/* Moves the dirty bits of the device-RAM views (LFB, fast window) into s->dirty. */
void vga_collect_dirty(struct vga *s);

void vga_draw_text(struct vga *s, const struct vga_geom *g, int64_t now_ns);
void vga_draw_graphics(struct vga *s, const struct vga_geom *g);
void vga_invalidate(struct vga *s);

/* VBE geometry helpers (vga-vbe.c). */
uint32_t vbe_line_bytes(const struct vga *s);
uint32_t vbe_start_offset(const struct vga *s);

#endif
