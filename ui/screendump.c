/* PNG screendumps with libpng (optional at build time: JIT86_HAVE_PNG). */
#include "screendump.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef JIT86_HAVE_PNG
#include <png.h>

bool ui_screendump_png(const struct display_surface *s, const char *path, char *err, size_t errlen)
{
    if (!s->pixels) {
        snprintf(err, errlen, "screendump: no display surface");
        return false;
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "screendump: cannot create '%s': %s", path, strerror(errno));
        return false;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    uint8_t *row = malloc((size_t)s->width * 3);
    if (!png || !info || !row || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(row);
        fclose(f);
        snprintf(err, errlen, "screendump: cannot write '%s'", path);
        return false;
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, (png_uint_32)s->width, (png_uint_32)s->height, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < s->height; y++) {
        const uint32_t *p = s->pixels + (size_t)y * s->stride;
        for (int x = 0; x < s->width; x++) {
            row[3 * x] = (uint8_t)(p[x] >> 16);
            row[3 * x + 1] = (uint8_t)(p[x] >> 8);
            row[3 * x + 2] = (uint8_t)p[x];
        }
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(row);
    if (fclose(f) != 0) {
        snprintf(err, errlen, "screendump: cannot write '%s': %s", path, strerror(errno));
        return false;
    }
    return true;
}

uint32_t *ui_png_load(const char *path, int *width, int *height, char *err, size_t errlen)
{
    png_image img;
    memset(&img, 0, sizeof(img));
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path)) {
        snprintf(err, errlen, "cannot read PNG '%s': %s", path, img.message);
        return NULL;
    }
    img.format = PNG_FORMAT_BGRA; /* little-endian 0xAARRGGBB words */
    uint32_t *buf = malloc(PNG_IMAGE_SIZE(img));
    if (!buf || !png_image_finish_read(&img, NULL, buf, 0, NULL)) {
        free(buf);
        png_image_free(&img);
        snprintf(err, errlen, "cannot decode PNG '%s'", path);
        return NULL;
    }
    *width = (int)img.width;
    *height = (int)img.height;
    for (size_t i = 0; i < (size_t)img.width * img.height; i++) {
        const uint8_t *b = (const uint8_t *)&buf[i];
        buf[i] = (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
    }
    return buf;
}

#else

bool ui_screendump_png(const struct display_surface *s, const char *path, char *err, size_t errlen)
{
    (void)s;
    snprintf(err, errlen, "screendump: cannot write '%s': jit86 was built without libpng", path);
    return false;
}

uint32_t *ui_png_load(const char *path, int *width, int *height, char *err, size_t errlen)
{
    (void)width;
    (void)height;
    snprintf(err, errlen, "cannot read '%s': jit86 was built without libpng", path);
    return NULL;
}

#endif
