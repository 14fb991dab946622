/* png_compare A B: exit 0 when both images have the same size and pixels;
 * otherwise prints the size or the first differing pixel and the count of
 * differing pixels, exit 1 (2 when a file cannot be read). A file whose name
 * ends in .xwd is an X window dump (xwd -id WINDOW: X Window Dump format,
 * version 7, TrueColor, 24 or 32 bits per pixel), for screenshots of the SDL
 * window; anything else is read as PNG. */
#include "ui/screendump.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* XWDFileHeader: 25 big-endian 32-bit fields; these are the ones used. */
enum {
    XWD_HEADER_SIZE = 0,
    XWD_VERSION = 1,
    XWD_WIDTH = 4,
    XWD_HEIGHT = 5,
    XWD_BYTE_ORDER = 7,
    XWD_BITS_PER_PIXEL = 11,
    XWD_BYTES_PER_LINE = 12,
    XWD_VISUAL_CLASS = 13,
    XWD_RED_MASK = 14,
    XWD_GREEN_MASK = 15,
    XWD_BLUE_MASK = 16,
    XWD_NCOLORS = 19,
    XWD_FIELDS = 25,
};

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The 8 bits of v under mask, scaled to 0-255. */
static uint32_t channel(uint32_t v, uint32_t mask)
{
    if (!mask)
        return 0;
    int shift = 0;
    while (!(mask >> shift & 1))
        shift++;
    uint32_t max = mask >> shift;
    return ((v & mask) >> shift) * 255 / max;
}

static uint32_t xwd_pixel(const uint8_t *p, const uint32_t *h)
{
    int bytes = (int)h[XWD_BITS_PER_PIXEL] / 8;
    uint32_t v = 0;
    for (int i = 0; i < bytes; i++) {
        int shift = h[XWD_BYTE_ORDER] ? 8 * (bytes - 1 - i) : 8 * i;
        v |= (uint32_t)p[i] << shift;
    }
    return channel(v, h[XWD_RED_MASK]) << 16 | channel(v, h[XWD_GREEN_MASK]) << 8 |
           channel(v, h[XWD_BLUE_MASK]);
}

static uint32_t *xwd_decode(const uint8_t *buf, size_t len, int *w, int *h, char *err,
                            size_t errlen)
{
    uint32_t hd[XWD_FIELDS];
    if (len < 4 * XWD_FIELDS) {
        snprintf(err, errlen, "not an X window dump (too short)");
        return NULL;
    }
    for (int i = 0; i < XWD_FIELDS; i++)
        hd[i] = be32(buf + 4 * i);
    uint32_t bpp = hd[XWD_BITS_PER_PIXEL];
    if (hd[XWD_VERSION] != 7 || (bpp != 24 && bpp != 32) || hd[XWD_VISUAL_CLASS] < 4) {
        snprintf(err, errlen, "X window dump: want version 7, TrueColor, 24/32 bpp");
        return NULL;
    }
    size_t off = (size_t)hd[XWD_HEADER_SIZE] + 12 * (size_t)hd[XWD_NCOLORS];
    size_t need = (size_t)hd[XWD_BYTES_PER_LINE] * hd[XWD_HEIGHT];
    if (hd[XWD_WIDTH] == 0 || hd[XWD_WIDTH] > 16384 || hd[XWD_HEIGHT] > 16384 ||
        hd[XWD_BYTES_PER_LINE] < hd[XWD_WIDTH] * (bpp / 8) || off > len || len - off < need) {
        snprintf(err, errlen, "X window dump: truncated or inconsistent header");
        return NULL;
    }
    *w = (int)hd[XWD_WIDTH];
    *h = (int)hd[XWD_HEIGHT];
    uint32_t *px = malloc((size_t)*w * (size_t)*h * 4);
    if (!px) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    for (int y = 0; y < *h; y++) {
        const uint8_t *row = buf + off + (size_t)y * hd[XWD_BYTES_PER_LINE];
        for (int x = 0; x < *w; x++)
            px[(size_t)y * (size_t)*w + (size_t)x] = xwd_pixel(row + (size_t)x * (bpp / 8), hd);
    }
    return px;
}

static uint32_t *xwd_load(const char *path, int *w, int *h, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot read '%s'", path);
        return NULL;
    }
    size_t cap = 1 << 20, len = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            uint8_t *more = realloc(buf, cap * 2);
            if (!more) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = more;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    uint32_t *px = xwd_decode(buf, len, w, h, err, errlen);
    free(buf);
    return px;
}

static uint32_t *load(const char *path, int *w, int *h, char *err, size_t errlen)
{
    size_t n = strlen(path);
    if (n > 4 && strcmp(path + n - 4, ".xwd") == 0)
        return xwd_load(path, w, h, err, errlen);
    return ui_png_load(path, w, h, err, errlen);
}

/* png_compare --convert IN OUT.png: writes IN (an X window dump or a PNG)
 * as PNG, for keeping a screenshot of the window. */
static int convert(const char *in, const char *out)
{
    char err[512];
    int w, h;
    uint32_t *px = load(in, &w, &h, err, sizeof(err));
    if (!px) {
        fprintf(stderr, "png_compare: %s\n", err);
        return 2;
    }
    struct display_surface s = {px, w, h, w};
    bool ok = ui_screendump_png(&s, out, err, sizeof(err));
    if (!ok)
        fprintf(stderr, "png_compare: %s\n", err);
    free(px);
    return ok ? 0 : 2;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--convert") == 0)
        return convert(argv[2], argv[3]);
    if (argc != 3) {
        fprintf(stderr, "usage: png_compare A.png|A.xwd B.png|B.xwd\n"
                        "       png_compare --convert IN.xwd|IN.png OUT.png\n");
        return 2;
    }
    char err[512];
    int aw, ah, bw, bh;
    uint32_t *a = load(argv[1], &aw, &ah, err, sizeof(err));
    uint32_t *b = a ? load(argv[2], &bw, &bh, err, sizeof(err)) : NULL;
    if (!a || !b) {
        fprintf(stderr, "png_compare: %s\n", err);
        free(a);
        return 2;
    }
    int status = 0;
    if (aw != bw || ah != bh) {
        printf("size differs: %dx%d against %dx%d\n", aw, ah, bw, bh);
        status = 1;
    } else {
        long diff = 0;
        for (long i = 0; i < (long)aw * ah; i++) {
            if (a[i] == b[i])
                continue;
            if (!diff++)
                printf("first difference at (%ld, %ld): %06x against %06x\n", i % aw, i / aw, a[i],
                       b[i]);
        }
        if (diff) {
            printf("%ld of %ld pixels differ\n", diff, (long)aw * ah);
            status = 1;
        }
    }
    free(a);
    free(b);
    return status;
}
