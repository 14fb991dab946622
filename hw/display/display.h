/* The display interface between display devices (hw/) and front ends (ui/):
 * a host RGB32 surface the device draws into, the rectangles it changed, the
 * text cells of a text mode, and a refresh entry point the front end calls at
 * up to 60 Hz of virtual time (shared/DESIGN.md "Layout and data flow"). */
#ifndef JIT86_HW_DISPLAY_DISPLAY_H
#define JIT86_HW_DISPLAY_DISPLAY_H

#include <stdbool.h>
#include <stdint.h>

#define DISPLAY_MAX_WIDTH  2048
#define DISPLAY_MAX_HEIGHT 2048
#define DISPLAY_MAX_RECTS  32
#define DISPLAY_REFRESH_NS (1000000000LL / 60)
#define DISPLAY_TEXT_MAX   (132 * 60)

/* Pixels are 0x00RRGGBB host-endian uint32_t, rows stride pixels apart. */
struct display_surface {
    uint32_t *pixels;
    int width, height, stride;
};

struct display_rect {
    int x, y, w, h;
};

/* Text mode contents for text front ends: cells are character | attribute << 8
 * in the guest's code page; cols 0 when the mode is graphical. */
struct display_text {
    int cols, rows;
    int cursor_col, cursor_row; /* -1: hidden */
    uint16_t cells[DISPLAY_TEXT_MAX];
};

struct display;
/* Device side: brings the surface up to date for virtual time now_ns. */
typedef void display_refresh_fn(void *opaque, struct display *d, int64_t now_ns);

struct display {
    struct display_surface surface;
    struct display_rect rects[DISPLAY_MAX_RECTS];
    int nrects;
    bool resized; /* the surface changed size since the front end last looked */
    struct display_text text;
    display_refresh_fn *refresh;
    void *opaque;
    int64_t last_refresh_ns;
    uint64_t frames; /* refreshes that ran */
};

void display_init(struct display *d, display_refresh_fn *refresh, void *opaque);
void display_free(struct display *d);
/* Resizes the surface (clamped to 1..DISPLAY_MAX), clears it and marks it all
 * dirty. A no-op when the size is unchanged. Returns false when out of memory
 * (the old surface stays). */
bool display_resize(struct display *d, int width, int height);
/* Records a changed rectangle (clipped to the surface). Past DISPLAY_MAX_RECTS
 * the rectangles merge into their bounding box. */
void display_mark_dirty(struct display *d, int x, int y, int w, int h);
/* Front end: the changed rectangles since the last call (count returned,
 * copied to out), then forgets them. */
int display_take_dirty(struct display *d, struct display_rect *out, int max);
/* Front end: runs the device refresh when at least DISPLAY_REFRESH_NS of
 * virtual time passed since the last one (or force). Returns true when it ran. */
bool display_refresh(struct display *d, int64_t now_ns, bool force);

#endif
