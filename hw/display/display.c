/* The display interface: surface allocation, dirty-rectangle bookkeeping and
 * the 60 Hz refresh gate (see display.h). */
#include "hw/display/display.h"

#include <stdlib.h>
#include <string.h>

void display_init(struct display *d, display_refresh_fn *refresh, void *opaque)
{
    memset(d, 0, sizeof(*d));
    d->refresh = refresh;
    d->opaque = opaque;
    d->last_refresh_ns = INT64_MIN;
    d->text.cursor_col = d->text.cursor_row = -1;
}

void display_free(struct display *d)
{
    free(d->surface.pixels);
    d->surface.pixels = NULL;
}

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

bool display_resize(struct display *d, int width, int height)
{
    width = clampi(width, 1, DISPLAY_MAX_WIDTH);
    height = clampi(height, 1, DISPLAY_MAX_HEIGHT);
    if (d->surface.pixels && d->surface.width == width && d->surface.height == height)
        return true;
    uint32_t *p = calloc((size_t)width * (size_t)height, sizeof(*p));
    if (!p)
        return false;
    free(d->surface.pixels);
    d->surface =
        (struct display_surface){.pixels = p, .width = width, .height = height, .stride = width};
    d->resized = true;
    d->nrects = 0;
    display_mark_dirty(d, 0, 0, width, height);
    return true;
}

static struct display_rect bounding(struct display_rect a, struct display_rect b)
{
    int x0 = a.x < b.x ? a.x : b.x, y0 = a.y < b.y ? a.y : b.y;
    int x1 = a.x + a.w > b.x + b.w ? a.x + a.w : b.x + b.w;
    int y1 = a.y + a.h > b.y + b.h ? a.y + a.h : b.y + b.h;
    return (struct display_rect){x0, y0, x1 - x0, y1 - y0};
}

void display_mark_dirty(struct display *d, int x, int y, int w, int h)
{
    int x1 = clampi(x + w, 0, d->surface.width), y1 = clampi(y + h, 0, d->surface.height);
    x = clampi(x, 0, d->surface.width);
    y = clampi(y, 0, d->surface.height);
    if (x1 <= x || y1 <= y)
        return;
    struct display_rect r = {x, y, x1 - x, y1 - y};
    /* Rows drawn one after another extend the previous rectangle. */
    if (d->nrects) {
        struct display_rect *last = &d->rects[d->nrects - 1];
        if (last->x == r.x && last->w == r.w && last->y + last->h == r.y) {
            last->h += r.h;
            return;
        }
    }
    if (d->nrects < DISPLAY_MAX_RECTS) {
        d->rects[d->nrects++] = r;
        return;
    }
    struct display_rect all = r;
    for (int i = 0; i < d->nrects; i++)
        all = bounding(all, d->rects[i]);
    d->rects[0] = all;
    d->nrects = 1;
}

int display_take_dirty(struct display *d, struct display_rect *out, int max)
{
    int n = d->nrects < max ? d->nrects : max;
    memcpy(out, d->rects, (size_t)n * sizeof(*out));
    if (n < d->nrects && n > 0) {
        for (int i = n; i < d->nrects; i++)
            out[n - 1] = bounding(out[n - 1], d->rects[i]);
    }
    d->nrects = 0;
    return n;
}

bool display_refresh(struct display *d, int64_t now_ns, bool force)
{
    if (!force && d->last_refresh_ns != INT64_MIN &&
        now_ns - d->last_refresh_ns < DISPLAY_REFRESH_NS)
        return false;
    d->last_refresh_ns = now_ns;
    if (d->refresh)
        d->refresh(d->opaque, d, now_ns);
    d->frames++;
    return true;
}
