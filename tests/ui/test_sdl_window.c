/* The SDL window under an X server (Xvfb in CI): opens, shows a test pattern
 * pixel-exactly, and turns key and mouse events into PS/2 bytes. Exits 77
 * (skipped) without SDL2 or without a display; sdl-smoke.sh starts Xvfb. */
#include "ui/screendump.h"
#include "ui/sdl.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef JIT86_HAVE_SDL2
#include <SDL.h>

static uint32_t pattern(int x, int y)
{
    return (uint32_t)(x * 3) << 16 | (uint32_t)(y * 5) << 8 | (uint32_t)((x ^ y) & 0xff);
}

START_TEST(window_shows_the_surface_pixel_exactly)
{
    struct display d;
    display_init(&d, NULL, NULL);
    ck_assert(display_resize(&d, 80, 48));
    for (int y = 0; y < 48; y++)
        for (int x = 0; x < 80; x++)
            d.surface.pixels[y * d.surface.stride + x] = pattern(x, y);
    char err[256];
    struct ui_sdl *u = ui_sdl_new(&d, NULL, NULL, 2, err, sizeof(err));
    ck_assert_msg(u != NULL, "%s", err);
    ui_sdl_set_status(u, "test pattern");
    ui_sdl_update(u);
    ck_assert(ui_sdl_poll(u));
    uint32_t *shown = calloc(80 * 48, 4);
    ck_assert(ui_sdl_read_pixels(u, shown, 80, 48));
    for (int y = 0; y < 48; y++)
        for (int x = 0; x < 80; x++)
            ck_assert_uint_eq(shown[y * 80 + x], pattern(x, y));
    /* A later change to one pixel reaches the window through its rectangle. */
    d.surface.pixels[10 * 80 + 20] = 0xffffff;
    display_mark_dirty(&d, 20, 10, 1, 1);
    ui_sdl_update(u);
    ck_assert(ui_sdl_read_pixels(u, shown, 80, 48));
    ck_assert_uint_eq(shown[10 * 80 + 20], 0xffffff);
    ck_assert_uint_eq(shown[10 * 80 + 21], pattern(21, 10));
    const char *out = getenv("JIT86_SDL_SCREENSHOT");
    if (out) {
        struct display_surface win = {shown, 80, 48, 80};
        ck_assert_msg(ui_screendump_png(&win, out, err, sizeof(err)), "%s", err);
    }
    free(shown);
    ui_sdl_free(u);
    display_free(&d);
}
END_TEST

static void push_key(SDL_Scancode sc, bool down)
{
    SDL_Event e = {0};
    e.type = down ? SDL_KEYDOWN : SDL_KEYUP;
    e.key.state = down ? SDL_PRESSED : SDL_RELEASED;
    e.key.keysym.scancode = sc;
    SDL_PushEvent(&e);
}

START_TEST(keys_reach_the_ps2_keyboard_and_close_requests_quit)
{
    struct display d;
    display_init(&d, NULL, NULL);
    ck_assert(display_resize(&d, 64, 64));
    struct ps2_kbd kbd = {0};
    ps2_kbd_reset(&kbd);
    kbd.scancode_set = 1;
    char err[256];
    struct ui_sdl *u = ui_sdl_new(&d, &kbd, NULL, 1, err, sizeof(err));
    ck_assert_msg(u != NULL, "%s", err);
    push_key(SDL_SCANCODE_A, true);
    push_key(SDL_SCANCODE_A, false);
    push_key(SDL_SCANCODE_LEFT, true);
    push_key(SDL_SCANCODE_PRINTSCREEN, true);
    push_key(SDL_SCANCODE_PRINTSCREEN, false);
    push_key(SDL_SCANCODE_PAUSE, true);
    SDL_Event rep = {0};
    rep.type = SDL_KEYDOWN;
    rep.key.state = SDL_PRESSED;
    rep.key.repeat = 1;
    rep.key.keysym.scancode = SDL_SCANCODE_PAUSE;
    SDL_PushEvent(&rep); /* auto-repeat: Pause does not repeat */
    push_key(SDL_SCANCODE_PAUSE, false);
    ck_assert(ui_sdl_poll(u));
    static const uint8_t want[] = {0x1e, 0x9e, 0xe0, 0x4b, 0xe0, 0x2a, 0xe0, 0x37, 0xe0,
                                   0xb7, 0xe0, 0xaa, 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5};
    for (size_t i = 0; i < sizeof(want); i++) {
        ck_assert(ps2_has_data(&kbd.port));
        ck_assert_uint_eq(ps2_read(&kbd.port), want[i]);
    }
    ck_assert(!ps2_has_data(&kbd.port));
    SDL_Event q = {.type = SDL_QUIT};
    SDL_PushEvent(&q);
    ck_assert(!ui_sdl_poll(u));
    ui_sdl_free(u);
    display_free(&d);
}
END_TEST

static void push_mouse(Uint32 type, int xrel, int yrel, Uint8 button)
{
    SDL_Event e = {0};
    e.type = type;
    if (type == SDL_MOUSEMOTION) {
        e.motion.xrel = xrel;
        e.motion.yrel = yrel;
    } else {
        e.button.button = button;
        e.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
    }
    SDL_PushEvent(&e);
}

START_TEST(click_grabs_the_mouse_and_ctrl_alt_g_releases_it)
{
    struct display d;
    display_init(&d, NULL, NULL);
    ck_assert(display_resize(&d, 64, 64));
    struct ps2_kbd kbd = {0};
    struct ps2_mouse mouse = {0};
    ps2_kbd_reset(&kbd);
    ps2_mouse_reset(&mouse);
    mouse.streaming = true;
    char err[256];
    struct ui_sdl *u = ui_sdl_new(&d, &kbd, &mouse, 1, err, sizeof(err));
    ck_assert_msg(u != NULL, "%s", err);
    /* Not grabbed: motion is the host's. */
    push_mouse(SDL_MOUSEMOTION, 5, 5, 0);
    ck_assert(ui_sdl_poll(u));
    ck_assert(!ps2_has_data(&mouse.port));
    /* The grabbing click is not passed on; motion then is, y up. */
    push_mouse(SDL_MOUSEBUTTONDOWN, 0, 0, SDL_BUTTON_LEFT);
    ck_assert(ui_sdl_poll(u)); /* entering relative mode flushes queued motion */
    ck_assert(!ps2_has_data(&mouse.port));
    push_mouse(SDL_MOUSEMOTION, 3, -2, 0);
    ck_assert(ui_sdl_poll(u));
    static const uint8_t packet[] = {0x08, 3, 2}; /* no buttons, dx 3, dy +2 */
    for (size_t i = 0; i < sizeof(packet); i++) {
        ck_assert(ps2_has_data(&mouse.port));
        ck_assert_uint_eq(ps2_read(&mouse.port), packet[i]);
    }
    /* Ctrl+Alt+G releases the mouse and does not reach the keyboard. */
    SDL_Event k = {0};
    k.type = SDL_KEYDOWN;
    k.key.state = SDL_PRESSED;
    k.key.keysym.scancode = SDL_SCANCODE_G;
    k.key.keysym.mod = KMOD_LCTRL | KMOD_LALT;
    SDL_PushEvent(&k);
    ck_assert(ui_sdl_poll(u));
    push_mouse(SDL_MOUSEMOTION, 7, 7, 0);
    ck_assert(ui_sdl_poll(u));
    ck_assert(!ps2_has_data(&mouse.port));
    ck_assert(!ps2_has_data(&kbd.port));
    ui_sdl_free(u);
    display_free(&d);
}
END_TEST

Suite *test_suite(void)
{
    if (!getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY")) {
        fprintf(stderr, "SKIP: no X display (run under xvfb-run; package xvfb)\n");
        exit(77);
    }
    Suite *s = suite_create("ui_sdl_window");
    TCase *tc = tcase_create("window");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, window_shows_the_surface_pixel_exactly);
    tcase_add_test(tc, keys_reach_the_ps2_keyboard_and_close_requests_quit);
    tcase_add_test(tc, click_grabs_the_mouse_and_ctrl_alt_g_releases_it);
    suite_add_tcase(s, tc);
    return s;
}

#else

Suite *test_suite(void)
{
    fprintf(stderr, "SKIP: jit86 built without SDL2 (package libsdl2-dev)\n");
    exit(77);
}

#endif
