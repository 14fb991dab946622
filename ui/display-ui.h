/* The display front end of a running machine: picks the SDL window or no
 * window from the command line, refreshes the VGA at up to 60 Hz of virtual
 * time, handles window input, takes screendumps (-screenshot-at, monitor). The
 * main loop calls ui_display_tick() between CPU slices. */
#ifndef JIT86_UI_DISPLAY_UI_H
#define JIT86_UI_DISPLAY_UI_H

#include "hw/pc/pc.h"
#include "options.h"

#include <stdbool.h>
#include <stddef.h>

struct ui_display;

/* NULL with one line in err on a bad request (-display sdl without SDL2 or
 * without an X display, bad -screenshot-at). A machine without a VGA gets a
 * front end that does nothing. */
struct ui_display *ui_display_new(struct pc_machine *pc, const struct ui_options *o, char *err,
                                  size_t errlen);
void ui_display_free(struct ui_display *u);
/* Refreshes when due, presents, polls input, takes a pending screenshot.
 * Returns false once the user closed the window (quit). */
bool ui_display_tick(struct ui_display *u);
/* Host milliseconds the main loop may sleep before the next tick is due. */
int ui_display_timeout_ms(const struct ui_display *u);
/* Brings the surface up to date and writes it as PNG (monitor screendump). */
bool ui_display_screendump(struct ui_display *u, const char *path, char *err, size_t errlen);
/* Window title status ("running", "paused"). */
void ui_display_set_status(struct ui_display *u, const char *status);
/* Parses -screenshot-at SECONDS:FILE. */
bool ui_parse_screenshot_at(const char *spec, double *seconds, const char **file);

#endif
