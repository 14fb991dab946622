/* Screendumps of a display surface as PNG (monitor "screendump FILE.png",
 * headless screenshots, tests). */
#ifndef JIT86_UI_SCREENDUMP_H
#define JIT86_UI_SCREENDUMP_H

/* The board header carries the display interface and the PS/2 devices. */
#include "hw/pc/pc.h"

#include <stdbool.h>
#include <stddef.h>

/* Writes the surface as an 8-bit RGB PNG. false with one line in err when the
 * file cannot be written or jit86 was built without libpng. */
bool ui_screendump_png(const struct display_surface *s, const char *path, char *err, size_t errlen);
/* Reads an 8-bit RGB or RGBA PNG into a new 0x00RRGGBB buffer (for tests and
 * image comparisons); free() it. NULL with one line in err. */
uint32_t *ui_png_load(const char *path, int *width, int *height, char *err, size_t errlen);

#endif
