/* The SDL2 window (see sdl.h): a streaming texture holding the display
 * surface, scaled to the window; keys and mouse go to the PS/2 devices. */
#include "sdl.h"
#include "sendkey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef JIT86_HAVE_SDL2
#include <SDL.h>

struct ui_sdl {
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Texture *tex;
    int tex_w, tex_h;
    struct display *d;
    struct ps2_kbd *kbd;
    struct ps2_mouse *mouse;
    int scale;
    bool grabbed, fullscreen, quit;
    uint8_t buttons;
    char status[128];
};

static void update_title(struct ui_sdl *u)
{
    char title[256];
    snprintf(title, sizeof(title), "jit86%s%s%s", u->status[0] ? " - " : "", u->status,
             u->grabbed ? " (Ctrl+Alt+G releases the mouse)" : "");
    SDL_SetWindowTitle(u->win, title);
}

struct ui_sdl *ui_sdl_new(struct display *d, struct ps2_kbd *kbd, struct ps2_mouse *mouse,
                          int scale, char *err, size_t errlen)
{
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
        snprintf(err, errlen, "SDL: cannot open a window: %s", SDL_GetError());
        return NULL;
    }
    struct ui_sdl *u = calloc(1, sizeof(*u));
    if (!u) {
        snprintf(err, errlen, "SDL: out of memory");
        return NULL;
    }
    u->d = d;
    u->kbd = kbd;
    u->mouse = mouse;
    u->scale = scale < 1 ? 1 : scale;
    int w = d->surface.pixels ? d->surface.width : 640,
        h = d->surface.pixels ? d->surface.height : 480;
    u->win = SDL_CreateWindow("jit86", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w * u->scale,
                              h * u->scale, SDL_WINDOW_RESIZABLE);
    /* Software rendering: works under Xvfb and without GPU drivers. */
    u->ren = u->win ? SDL_CreateRenderer(u->win, -1, SDL_RENDERER_SOFTWARE) : NULL;
    if (!u->ren) {
        snprintf(err, errlen, "SDL: cannot open a window: %s", SDL_GetError());
        ui_sdl_free(u);
        return NULL;
    }
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "nearest");
    update_title(u);
    return u;
}

void ui_sdl_free(struct ui_sdl *u)
{
    if (!u)
        return;
    if (u->tex)
        SDL_DestroyTexture(u->tex);
    if (u->ren)
        SDL_DestroyRenderer(u->ren);
    if (u->win)
        SDL_DestroyWindow(u->win);
    free(u);
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
}

static void set_grab(struct ui_sdl *u, bool on)
{
    u->grabbed = on;
    SDL_SetRelativeMouseMode(on ? SDL_TRUE : SDL_FALSE);
    update_title(u);
}

static bool hotkey(struct ui_sdl *u, const SDL_KeyboardEvent *k)
{
    if ((k->keysym.mod & KMOD_CTRL) == 0 || (k->keysym.mod & KMOD_ALT) == 0)
        return false;
    if (k->keysym.scancode == SDL_SCANCODE_G) {
        if (k->state == SDL_PRESSED)
            set_grab(u, false);
        return true;
    }
    if (k->keysym.scancode == SDL_SCANCODE_F) {
        if (k->state == SDL_PRESSED) {
            u->fullscreen = !u->fullscreen;
            SDL_SetWindowFullscreen(u->win, u->fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
        }
        return true;
    }
    return false;
}

static void key_event(struct ui_sdl *u, const SDL_KeyboardEvent *k)
{
    if (hotkey(u, k) || !u->kbd || k->repeat > 1)
        return;
    uint16_t key = ui_sdl_key(k->keysym.scancode);
    if (k->repeat && key == UI_KEY_PAUSE)
        return; /* the one key a keyboard does not repeat */
    ui_key_event(u->kbd, key, k->state == SDL_PRESSED);
}

static uint8_t button_bit(uint8_t sdl_button)
{
    switch (sdl_button) {
    case SDL_BUTTON_LEFT: return 1;
    case SDL_BUTTON_RIGHT: return 2;
    case SDL_BUTTON_MIDDLE: return 4;
    default: return 0;
    }
}

static void mouse_event(struct ui_sdl *u, const SDL_Event *e)
{
    switch (e->type) {
    case SDL_MOUSEBUTTONDOWN:
        if (!u->grabbed) {
            set_grab(u, true); /* the click that grabs is not passed on */
            return;
        }
        u->buttons |= button_bit(e->button.button);
        break;
    case SDL_MOUSEBUTTONUP: u->buttons &= (uint8_t)~button_bit(e->button.button); break;
    default: break;
    }
    if (!u->grabbed || !u->mouse)
        return;
    int dx = 0, dy = 0, dz = 0;
    if (e->type == SDL_MOUSEMOTION) {
        dx = e->motion.xrel;
        dy = -e->motion.yrel; /* PS/2: positive is up */
    } else if (e->type == SDL_MOUSEWHEEL) {
        dz = -e->wheel.y;
    }
    ps2_mouse_event(u->mouse, dx, dy, dz, u->buttons);
}

bool ui_sdl_poll(struct ui_sdl *u)
{
    SDL_Event e;
    while (SDL_PollEvent(&e)) {
        switch (e.type) {
        case SDL_QUIT: u->quit = true; break;
        case SDL_WINDOWEVENT:
            if (e.window.event == SDL_WINDOWEVENT_CLOSE)
                u->quit = true;
            else if (e.window.event == SDL_WINDOWEVENT_FOCUS_LOST && u->grabbed)
                set_grab(u, false);
            break;
        case SDL_KEYDOWN:
        case SDL_KEYUP: key_event(u, &e.key); break;
        case SDL_MOUSEMOTION:
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP:
        case SDL_MOUSEWHEEL: mouse_event(u, &e); break;
        default: break;
        }
    }
    return !u->quit;
}

/* After the guest changes mode: a window that now reaches past the screen
 * (the first mode is far larger than the placeholder the window opened with)
 * moves back to the centre; one the user placed and that still fits stays. */
static void keep_on_screen(struct ui_sdl *u)
{
    SDL_Rect r;
    int x, y, w, h;
    int disp = SDL_GetWindowDisplayIndex(u->win);
    if (disp < 0 || SDL_GetDisplayUsableBounds(disp, &r) != 0)
        return;
    SDL_GetWindowPosition(u->win, &x, &y);
    SDL_GetWindowSize(u->win, &w, &h);
    if (x < r.x || y < r.y || x + w > r.x + r.w || y + h > r.y + r.h)
        SDL_SetWindowPosition(u->win, SDL_WINDOWPOS_CENTERED_DISPLAY(disp),
                              SDL_WINDOWPOS_CENTERED_DISPLAY(disp));
}

static bool ensure_texture(struct ui_sdl *u)
{
    const struct display_surface *s = &u->d->surface;
    if (u->tex && u->tex_w == s->width && u->tex_h == s->height && !u->d->resized)
        return true;
    if (u->tex)
        SDL_DestroyTexture(u->tex);
    u->tex = SDL_CreateTexture(u->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING,
                               s->width, s->height);
    if (!u->tex)
        return false;
    u->tex_w = s->width;
    u->tex_h = s->height;
    if (u->d->resized && !u->fullscreen) {
        SDL_SetWindowSize(u->win, s->width * u->scale, s->height * u->scale);
        keep_on_screen(u);
    }
    u->d->resized = false;
    SDL_UpdateTexture(u->tex, NULL, s->pixels, s->stride * 4);
    return true;
}

void ui_sdl_update(struct ui_sdl *u)
{
    const struct display_surface *s = &u->d->surface;
    if (!s->pixels)
        return;
    bool fresh = !u->tex || u->d->resized;
    if (!ensure_texture(u))
        return;
    struct display_rect rects[DISPLAY_MAX_RECTS];
    int n = display_take_dirty(u->d, rects, DISPLAY_MAX_RECTS);
    if (!n && !fresh)
        return; /* nothing changed: no upload, no present */
    for (int i = 0; i < n; i++) {
        SDL_Rect r = {rects[i].x, rects[i].y, rects[i].w, rects[i].h};
        SDL_UpdateTexture(u->tex, &r, s->pixels + (size_t)r.y * s->stride + r.x, s->stride * 4);
    }
    SDL_RenderClear(u->ren);
    SDL_RenderCopy(u->ren, u->tex, NULL, NULL);
    SDL_RenderPresent(u->ren);
}

void ui_sdl_set_status(struct ui_sdl *u, const char *status)
{
    snprintf(u->status, sizeof(u->status), "%s", status);
    update_title(u);
}

bool ui_sdl_read_pixels(struct ui_sdl *u, uint32_t *out, int w, int h)
{
    int ww, wh;
    SDL_GetRendererOutputSize(u->ren, &ww, &wh);
    uint32_t *full = malloc((size_t)ww * (size_t)wh * 4);
    if (!full)
        return false;
    SDL_RenderClear(u->ren);
    SDL_RenderCopy(u->ren, u->tex, NULL, NULL);
    bool ok = SDL_RenderReadPixels(u->ren, NULL, SDL_PIXELFORMAT_ARGB8888, full, ww * 4) == 0;
    for (int y = 0; ok && y < h; y++) {
        for (int x = 0; x < w; x++)
            out[(size_t)y * w + x] = full[(size_t)(y * wh / h) * ww + x * ww / w] & 0xffffff;
    }
    SDL_RenderPresent(u->ren);
    free(full);
    return ok;
}

#else

struct ui_sdl *ui_sdl_new(struct display *d, struct ps2_kbd *kbd, struct ps2_mouse *mouse,
                          int scale, char *err, size_t errlen)
{
    (void)d;
    (void)kbd;
    (void)mouse;
    (void)scale;
    snprintf(err, errlen, "-display sdl: jit86 was built without SDL2");
    return NULL;
}

void ui_sdl_free(struct ui_sdl *u)
{
    (void)u;
}

bool ui_sdl_poll(struct ui_sdl *u)
{
    (void)u;
    return false;
}

void ui_sdl_update(struct ui_sdl *u)
{
    (void)u;
}

void ui_sdl_set_status(struct ui_sdl *u, const char *status)
{
    (void)u;
    (void)status;
}

bool ui_sdl_read_pixels(struct ui_sdl *u, uint32_t *out, int w, int h)
{
    (void)u;
    (void)out;
    (void)w;
    (void)h;
    return false;
}

#endif
