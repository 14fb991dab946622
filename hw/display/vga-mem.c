/* The 0xA0000-0xBFFFF window onto video memory: memory map select, chain-4,
 * odd/even, read modes 0/1, write modes 0-3 with set/reset, rotate, logical
 * function and bit mask, and the latches (IBM VGA Technical Reference,
 * "Graphics Controller Registers"). Plane p of address a is vram[4a + p]. */
#include "vga-internal.h"

void vga_mark_dirty(struct vga *s, uint32_t offset, uint32_t len)
{
    if (!len || offset >= VGA_VRAM_SIZE)
        return;
    uint32_t last = offset + len - 1 < VGA_VRAM_SIZE ? offset + len - 1 : VGA_VRAM_SIZE - 1;
    for (uint32_t pg = offset >> 12; pg <= last >> 12; pg++)
        s->dirty[pg / 64] |= (uint64_t)1 << (pg % 64);
}

/* Maps a window offset to the offset inside the selected memory map, or
 * returns false when the address is outside it (GR6 bits 2-3). */
static bool window_offset(const struct vga *s, uint32_t offset, uint32_t *out)
{
    static const uint32_t base[4] = {0, 0, 0x10000, 0x18000};
    static const uint32_t size[4] = {0x20000, 0x10000, 0x8000, 0x8000};
    unsigned map = (s->r.gc[GR_MISC] >> 2) & 3;
    if (offset < base[map] || offset - base[map] >= size[map])
        return false;
    offset -= base[map];
    /* Bochs VBE banking: the 64 KiB window shows bank * 64 KiB of memory. */
    if (vga_vbe_enabled(s) && map <= 1)
        offset += (uint32_t)s->r.vbe[VBE_INDEX_BANK] << 16;
    *out = offset;
    return true;
}

static uint32_t expand4(uint8_t bits)
{
    uint32_t v = 0;
    for (int p = 0; p < 4; p++)
        if (bits & (1u << p))
            v |= 0xffu << (8 * p);
    return v;
}

uint8_t vga_mem_read(struct vga *s, uint32_t offset)
{
    const uint8_t *gr = s->r.gc;
    uint32_t a;
    if (!window_offset(s, offset, &a))
        return 0xff;
    if (s->r.seq[SR_MEMMODE] & 0x08)
        return a < VGA_VRAM_SIZE ? s->vram[a] : 0xff;
    if (gr[GR_MODE] & 0x10) {
        /* Odd/even: address bit 0 picks plane 0/1 (or 2/3 with read map bit 1). */
        unsigned plane = (gr[GR_READ_MAP] & 2) | (a & 1);
        uint32_t i = ((a >> 1) & (VGA_PLANE_SIZE - 1)) * 4 + plane;
        return s->vram[i];
    }
    a &= VGA_PLANE_SIZE - 1;
    const uint8_t *q = &s->vram[a * 4];
    s->r.latch = (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
    if (!(gr[GR_MODE] & 0x08))
        return (uint8_t)(s->r.latch >> (8 * (gr[GR_READ_MAP] & 3)));
    /* Read mode 1: colour compare over the planes selected by don't-care. */
    uint32_t cmp = (s->r.latch ^ expand4(gr[GR_COLOR_CMP])) & expand4(gr[GR_DONT_CARE]);
    uint8_t diff = (uint8_t)(cmp | cmp >> 8 | cmp >> 16 | cmp >> 24);
    return (uint8_t)~diff;
}

static uint32_t apply_function(const struct vga *s, uint32_t v)
{
    uint32_t latch = s->r.latch;
    switch ((s->r.gc[GR_ROTATE] >> 3) & 3) {
    case 1: return v & latch;
    case 2: return v | latch;
    case 3: return v ^ latch;
    default: return v;
    }
}

static uint8_t rotate(const struct vga *s, uint8_t v)
{
    unsigned n = s->r.gc[GR_ROTATE] & 7;
    return (uint8_t)((v >> n) | (v << ((8 - n) & 7)));
}

/* The four plane bytes a planar write produces (write modes 0-3). */
static uint32_t planar_value(const struct vga *s, uint8_t val)
{
    const uint8_t *gr = s->r.gc;
    uint32_t v, mask = gr[GR_BIT_MASK];
    switch (gr[GR_MODE] & 3) {
    case 1: return s->r.latch;
    case 2: v = expand4(val & 0x0f); break;
    case 3:
        mask &= rotate(s, val);
        v = expand4(gr[GR_SET_RESET]);
        break;
    default: {
        uint8_t rv = rotate(s, val);
        v = rv * 0x01010101u;
        uint32_t sr = expand4(gr[GR_ENABLE_SR]);
        v = (v & ~sr) | (expand4(gr[GR_SET_RESET]) & sr);
        break;
    }
    }
    v = apply_function(s, v);
    mask *= 0x01010101u;
    return (v & mask) | (s->r.latch & ~mask);
}

void vga_mem_write(struct vga *s, uint32_t offset, uint8_t val)
{
    const uint8_t *sr = s->r.seq;
    uint32_t a;
    if (!window_offset(s, offset, &a))
        return;
    uint8_t map_mask = sr[SR_MAP_MASK] & 0x0f;
    if (sr[SR_MEMMODE] & 0x08) {
        if (a < VGA_VRAM_SIZE && (map_mask & (1u << (a & 3)))) {
            s->vram[a] = val;
            vga_mark_dirty(s, a, 1);
            if (s->lfb)
                mmu_region_set_dirty(s->lfb, a, 1);
        }
        return;
    }
    if (!(sr[SR_MEMMODE] & 0x04)) {
        /* Odd/even: even addresses go to planes 0 and 2, odd ones to 1 and 3. */
        unsigned plane = a & 1;
        if (!(map_mask & (1u << plane)) && !(map_mask & (1u << (plane + 2))))
            return;
        uint32_t i = ((a >> 1) & (VGA_PLANE_SIZE - 1)) * 4;
        if (map_mask & (1u << plane))
            s->vram[i + plane] = val;
        if (map_mask & (4u << plane)) {
            s->vram[i + plane + 2] = val;
            s->font_dirty = true;
        }
        vga_mark_dirty(s, i, 4);
        return;
    }
    a &= VGA_PLANE_SIZE - 1;
    uint32_t v = planar_value(s, val);
    for (int p = 0; p < 4; p++) {
        if (map_mask & (1u << p))
            s->vram[a * 4 + p] = (uint8_t)(v >> (8 * p));
    }
    if (map_mask & 4)
        s->font_dirty = true;
    vga_mark_dirty(s, a * 4, 4);
}

#define WINDOW_PRIORITY 2 /* over the MMIO window at priority 1 */

void vga_update_window(struct vga *s)
{
    if (!s->mem || !s->legacy)
        return;
    unsigned map = (s->r.gc[GR_MISC] >> 2) & 3;
    bool plain =
        (s->r.seq[SR_MEMMODE] & 0x08) && (s->r.seq[SR_MAP_MASK] & 0x0f) == 0x0f && map <= 1;
    uint32_t off = vga_vbe_enabled(s) ? (uint32_t)s->r.vbe[VBE_INDEX_BANK] << 16 : 0;
    uint32_t size = map == 0 ? 0x20000 : 0x10000;
    if (plain && (uint64_t)off + size > VGA_VRAM_SIZE)
        plain = false;
    if (s->fast_win && plain && off == s->fast_off && size == s->fast_size)
        return;
    if (!s->fast_win && !plain)
        return;
    if (s->fast_win) {
        vga_collect_dirty(s);
        mmu_region_unmap(s->fast_win);
        s->fast_win = NULL;
    }
    if (!plain)
        return;
    s->fast_win = mmu_phys_map_device_ram(s->mem, 0xa0000, size, s->vram + off, WINDOW_PRIORITY);
    s->fast_off = off;
    s->fast_size = size;
    if (s->fast_win) {
        uint64_t bm[2];
        mmu_region_dirty_get_and_clear(s->fast_win, 0, size, bm); /* starts all dirty */
    }
}

static void merge(struct vga *s, struct mmu_region *r, uint32_t base, uint32_t size)
{
    uint64_t bm[VGA_PAGE_COUNT / 64];
    if (!mmu_region_dirty_get_and_clear(r, 0, size, bm))
        return;
    uint32_t pages = size >> 12, first = base >> 12;
    for (uint32_t i = 0; i < pages; i++) {
        if ((bm[i / 64] >> (i % 64)) & 1)
            s->dirty[(first + i) / 64] |= (uint64_t)1 << ((first + i) % 64);
    }
}

void vga_collect_dirty(struct vga *s)
{
    if (s->lfb)
        merge(s, s->lfb, 0, VGA_VRAM_SIZE);
    if (s->fast_win)
        merge(s, s->fast_win, s->fast_off, s->fast_size);
}
