/* The SDL2 window: shows a display surface (scaled), feeds keyboard and mouse
 * to the PS/2 devices, grabs the mouse on click (Ctrl+Alt+G releases),
 * Ctrl+Alt+F toggles full screen, closing the window requests quit. Built
 * only with SDL2 (JIT86_HAVE_SDL2); otherwise ui_sdl_new reports why not. */
#ifndef JIT86_UI_SDL_H
#define JIT86_UI_SDL_H

/* The board header carries the display interface and the PS/2 devices. */
#include "hw/pc/pc.h"

#include <stdbool.h>
#include <stddef.h>

struct ui_sdl;

/* kbd/mouse may be NULL (input ignored). scale: initial window scale (1+). */
struct ui_sdl *ui_sdl_new(struct display *d, struct ps2_kbd *kbd, struct ps2_mouse *mouse,
                          int scale, char *err, size_t errlen);
void ui_sdl_free(struct ui_sdl *u);
/* Handles pending window and input events. Returns false once the user closed
 * the window (quit request). */
bool ui_sdl_poll(struct ui_sdl *u);
/* Uploads the display's dirty rectangles and presents the frame. */
void ui_sdl_update(struct ui_sdl *u);
/* Window title: "jit86 - STATUS" plus the grab hint. */
void ui_sdl_set_status(struct ui_sdl *u, const char *status);
/* Reads back what the window shows, scaled back to w x h (tests). */
bool ui_sdl_read_pixels(struct ui_sdl *u, uint32_t *out, int w, int h);

/* Key translation, usable without a window: SDL scancode to the key as
 * ui_key_event() takes it (sendkey.h; 0: unmapped). */
uint16_t ui_sdl_key(int sdl_scancode);

#endif
