/* The display front end (see display-ui.h): window or headless, the 60 Hz
 * refresh on virtual time, and scheduled screendumps for headless tests. */
#include "display-ui.h"
#include "screendump.h"
#include "sdl.h"
#include "translator/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ui_display {
    struct pc_machine *pc;
    struct display *d; /* NULL: no VGA */
    struct ui_sdl *sdl;
    int64_t shot_ns; /* -screenshot-at: virtual time, -1 none */
    const char *shot_file;
};

bool ui_parse_screenshot_at(const char *spec, double *seconds, const char **file)
{
    char *end;
    double s = strtod(spec, &end);
    if (end == spec || *end != ':' || !end[1] || s < 0 || s > 1e6)
        return false;
    *seconds = s;
    *file = end + 1;
    return true;
}

static bool want_window(const struct ui_options *o)
{
    if (o->nographic || (o->display && strcmp(o->display, "none") == 0))
        return false;
    if (o->display)
        return true; /* -display sdl: asked for, failure is an error */
    return getenv("DISPLAY") || getenv("WAYLAND_DISPLAY");
}

struct ui_display *ui_display_new(struct pc_machine *pc, const struct ui_options *o, char *err,
                                  size_t errlen)
{
    struct ui_display *u = calloc(1, sizeof(*u));
    if (!u) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    u->pc = pc;
    u->d = pc->vga ? &pc->vga->display : NULL;
    u->shot_ns = -1;
    if (o->screenshot_at) {
        double s;
        if (!ui_parse_screenshot_at(o->screenshot_at, &s, &u->shot_file)) {
            snprintf(err, errlen, "-screenshot-at: expected SECONDS:FILE.png, got '%s'",
                     o->screenshot_at);
            free(u);
            return NULL;
        }
        u->shot_ns = (int64_t)(s * 1e9);
    }
    if (u->d && want_window(o)) {
        /* The first frame sizes the window. */
        display_refresh(u->d, clock_now(&pc->clock), true);
        u->sdl = ui_sdl_new(u->d, &pc->kbc.kbd, &pc->kbc.mouse, 1, err, errlen);
        if (!u->sdl && o->display) {
            free(u);
            return NULL;
        }
        if (!u->sdl)
            log_mask_printf(LOG_GUEST_ERRORS, "display: no window (%s)\n", err);
        else
            ui_sdl_set_status(u->sdl, o->name ? o->name : "running");
    }
    return u;
}

void ui_display_free(struct ui_display *u)
{
    if (!u)
        return;
    ui_sdl_free(u->sdl);
    free(u);
}

static bool write_screen(struct ui_display *u, int64_t at_ns, const char *path, char *err,
                         size_t errlen)
{
    if (!u->d) {
        snprintf(err, errlen, "screendump: the machine has no display (-vga none)");
        return false;
    }
    display_refresh(u->d, at_ns, true);
    return ui_screendump_png(&u->d->surface, path, err, errlen);
}

/* The main loop notices the shot's time a little late (a CPU slice, a
 * wakeup); drawing it at the scheduled time keeps the blink phase of the
 * cursor and of blinking text, the only things drawn from the clock, the same
 * on every run. */
static void take_scheduled_shot(struct ui_display *u, int64_t now)
{
    char err[512];
    if (u->shot_ns < 0 || now < u->shot_ns)
        return;
    int64_t at = u->shot_ns;
    u->shot_ns = -1;
    if (!write_screen(u, at, u->shot_file, err, sizeof(err)))
        error_report("%s", err);
}

bool ui_display_tick(struct ui_display *u)
{
    if (!u->d)
        return true;
    int64_t now = clock_now(&u->pc->clock);
    take_scheduled_shot(u, now);
    if (!u->sdl)
        return true; /* headless: the surface is only drawn for screendumps */
    if (display_refresh(u->d, now, false))
        ui_sdl_update(u->sdl);
    return ui_sdl_poll(u->sdl);
}

static int ms_until(int64_t deadline, int64_t now)
{
    int64_t left = deadline - now;
    return left <= 0 ? 0 : (int)((left + 999999) / 1000000);
}

int ui_display_timeout_ms(const struct ui_display *u)
{
    if (!u->d)
        return 100;
    int64_t now = clock_now(&u->pc->clock);
    int ms = u->sdl ? ms_until(u->d->last_refresh_ns + DISPLAY_REFRESH_NS, now) : 100;
    if (u->shot_ns >= 0 && ms_until(u->shot_ns, now) < ms)
        ms = ms_until(u->shot_ns, now); /* a halted guest must not delay the shot */
    return ms;
}

bool ui_display_screendump(struct ui_display *u, const char *path, char *err, size_t errlen)
{
    return write_screen(u, u->d ? clock_now(&u->pc->clock) : 0, path, err, errlen);
}

void ui_display_set_status(struct ui_display *u, const char *status)
{
    if (u->sdl)
        ui_sdl_set_status(u->sdl, status);
}
