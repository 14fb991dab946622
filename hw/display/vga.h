/* Standard VGA with the Bochs VBE (DISPI) extension, as QEMU's "-vga std" and
 * SeaBIOS's vgabios-stdvga.bin know it. Registers: IBM VGA Technical Reference
 * (sequencer, CRTC, graphics and attribute controllers, DAC); VBE: Bochs
 * vbe_display_api. Video memory: 16 MiB; the four 64 KiB planes interleave in
 * its first 256 KiB (plane p of address a is byte 4a + p), so chain-4 and the
 * VBE linear framebuffer see it linearly. */
#ifndef JIT86_HW_DISPLAY_VGA_H
#define JIT86_HW_DISPLAY_VGA_H

#include "hw/core/clock.h"
#include "hw/core/vmstate.h"
#include "hw/display/display.h"
#include "hw/pci/pci.h"
#include "softmmu/softmmu.h"

#include <stdbool.h>
#include <stdint.h>

#define VGA_VRAM_SIZE  (16u << 20)
#define VGA_PAGE_COUNT (VGA_VRAM_SIZE >> 12)
#define VGA_PLANE_SIZE 0x10000u

/* Bochs DISPI register indexes (port 0x1CE) and values. */
enum vbe_index {
    VBE_INDEX_ID,
    VBE_INDEX_XRES,
    VBE_INDEX_YRES,
    VBE_INDEX_BPP,
    VBE_INDEX_ENABLE,
    VBE_INDEX_BANK,
    VBE_INDEX_VIRT_WIDTH,
    VBE_INDEX_VIRT_HEIGHT,
    VBE_INDEX_X_OFFSET,
    VBE_INDEX_Y_OFFSET,
    VBE_INDEX_VIDEO_MEMORY_64K,
    VBE_INDEX_COUNT,
};

#define VBE_ID0         0xB0C0
#define VBE_ID5         0xB0C5
#define VBE_ENABLED     0x01
#define VBE_GETCAPS     0x02
#define VBE_8BIT_DAC    0x20
#define VBE_LFB_ENABLED 0x40
#define VBE_NOCLEARMEM  0x80
#define VBE_MAX_XRES    1920
#define VBE_MAX_YRES    1200
#define VBE_MAX_BPP     32
#define VBE_LFB_SIZE    VGA_VRAM_SIZE

/* Guest-visible register state (saved by vga_vmstate). */
struct vga_regs {
    uint8_t misc, feature;
    uint8_t seq_index, seq[8];
    uint8_t crtc_index, crtc[0x19];
    uint8_t gc_index, gc[9];
    uint8_t ac_index, ac[0x15];
    bool ac_flip; /* false: next 0x3C0 write is an index */
    uint8_t dac_mask, dac_read_index, dac_write_index, dac_sub, dac_state;
    uint8_t dac_latch[3];
    uint8_t palette[768]; /* 6-bit (8-bit with VBE_8BIT_DAC) R, G, B */
    uint32_t latch;       /* the four plane latches, plane p in byte p */
    uint16_t vbe_index;
    uint16_t vbe[VBE_INDEX_COUNT];
};

/* What the renderer drew last, to detect mode changes. */
struct vga_mode {
    int kind; /* enum vga_mode_kind (vga-internal.h) */
    int width, height;
};

struct vga {
    struct vga_regs r;
    uint8_t *vram;
    struct hw_clock *clock;
    struct mmu_phys_space *mem;
    struct mmu_region *legacy;    /* 0xA0000-0xBFFFF */
    struct mmu_region *lfb;       /* device RAM at BAR0 when mapped */
    struct mmu_region *fast_win;  /* chain-4 window mapped as device RAM, or NULL */
    uint32_t fast_off, fast_size; /* video memory it shows */
    uint32_t lfb_base;
    uint64_t dirty[VGA_PAGE_COUNT / 64]; /* written since the last refresh */
    bool full_redraw;                    /* a register that affects every pixel changed */
    bool font_dirty;                     /* plane 2 was written (text glyphs) */
    struct vga_mode mode;
    uint16_t shadow[DISPLAY_TEXT_MAX]; /* text cells as last drawn */
    int cursor_drawn;                  /* cell index with the cursor drawn, -1 none */
    bool blink_on, cursor_on;
    uint32_t palette_rgb[256]; /* DAC entries as host pixels */
    struct display display;
    struct pci_device pci;
    uint8_t *rom; /* option ROM (vgabios-stdvga.bin), owned */
    size_t rom_size;
    uint32_t rom_bar_size, rom_base; /* expansion ROM BAR: size, where mapped */
    struct mmu_region *rom_region;
};

/* Sets up the device over mem/io (VGA ports 0x3B0-0x3DF, DISPI 0x1CE-0x1CF,
 * the 0xA0000 window). clock times the retrace bit and blinking. Returns false
 * when video memory cannot be allocated or a range is taken. */
bool vga_init(struct vga *s, struct mmu_phys_space *mem, struct mmu_io_space *io,
              struct hw_clock *clock);
void vga_free(struct vga *s);
void vga_reset(struct vga *s);
/* PCI function 1234:1111 with the framebuffer in BAR0 (prefetchable, 16 MiB)
 * and, when a ROM was loaded before, the option ROM in the expansion ROM BAR
 * (where SeaBIOS looks for a PCI VGA BIOS, as with QEMU's romfile). */
bool vga_register_pci(struct vga *s, struct pci_bus *bus, uint8_t devfn);
/* Reads the option ROM file into s->rom. false with one line in err when it
 * is unreadable or not an option ROM (55 AA signature). */
bool vga_load_rom(struct vga *s, const char *path, char *err, size_t errlen);

/* Port and window accessors (also what the registered handlers call). */
uint8_t vga_ioport_read(struct vga *s, uint16_t port);
void vga_ioport_write(struct vga *s, uint16_t port, uint8_t val);
uint16_t vbe_ioport_read(struct vga *s, uint16_t port);
void vbe_ioport_write(struct vga *s, uint16_t port, uint16_t val);
uint8_t vga_mem_read(struct vga *s, uint32_t offset); /* offset from 0xA0000 */
void vga_mem_write(struct vga *s, uint32_t offset, uint8_t val);

/* Brings s->display up to date for virtual time now_ns (the display's refresh
 * hook; front ends call display_refresh(&s->display, ...)). */
void vga_refresh(struct vga *s, int64_t now_ns);
/* Marks video memory dirty (writes the device itself makes). */
void vga_mark_dirty(struct vga *s, uint32_t offset, uint32_t len);

/* Registers only; video memory is not part of the description. */
extern const struct vms_desc vga_vmstate;
/* After vga_vmstate's load: re-derives the palette, the LFB and a full redraw. */
void vga_post_load(struct vga *s);

#endif
