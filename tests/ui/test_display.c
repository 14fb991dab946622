/* The display interface and what ui/ does with it without a window: dirty
 * rectangles, the 60 Hz refresh gate, PNG screendumps read back pixel by
 * pixel, and the SDL key table (set-1 codes with the E0 flag). */
#include "ui/options.h"
#include "ui/screendump.h"
#include "ui/sendkey.h"
#include "ui/sdl.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int refreshes;

static void count_refresh(void *opaque, struct display *d, int64_t now)
{
    (void)opaque;
    (void)d;
    (void)now;
    refreshes++;
}

START_TEST(refresh_runs_at_most_every_sixtieth_of_a_second_of_virtual_time)
{
    struct display d;
    display_init(&d, count_refresh, NULL);
    refreshes = 0;
    ck_assert(display_refresh(&d, 0, false));
    ck_assert(!display_refresh(&d, DISPLAY_REFRESH_NS - 1, false));
    ck_assert(display_refresh(&d, DISPLAY_REFRESH_NS, false));
    ck_assert(display_refresh(&d, DISPLAY_REFRESH_NS + 1, true));
    ck_assert_int_eq(refreshes, 3);
    display_free(&d);
}
END_TEST

START_TEST(dirty_rectangles_clip_merge_rows_and_collapse_when_full)
{
    struct display d;
    display_init(&d, NULL, NULL);
    ck_assert(display_resize(&d, 100, 50));
    struct display_rect r[DISPLAY_MAX_RECTS];
    ck_assert_int_eq(display_take_dirty(&d, r, DISPLAY_MAX_RECTS), 1); /* the resize */
    ck_assert_int_eq(r[0].w, 100);
    display_mark_dirty(&d, 90, 10, 20, 1); /* clipped to x < 100 */
    display_mark_dirty(&d, 90, 11, 20, 1); /* extends the previous one */
    ck_assert_int_eq(display_take_dirty(&d, r, DISPLAY_MAX_RECTS), 1);
    ck_assert_int_eq(r[0].x, 90);
    ck_assert_int_eq(r[0].w, 10);
    ck_assert_int_eq(r[0].h, 2);
    for (int i = 0; i < DISPLAY_MAX_RECTS + 5; i++)
        display_mark_dirty(&d, i, i, 1, 1);
    int n = display_take_dirty(&d, r, DISPLAY_MAX_RECTS);
    ck_assert_int_ge(n, 1);
    int maxy = 0;
    for (int i = 0; i < n; i++)
        maxy = r[i].y + r[i].h > maxy ? r[i].y + r[i].h : maxy;
    ck_assert_int_eq(maxy, DISPLAY_MAX_RECTS + 5); /* nothing lost */
    display_free(&d);
}
END_TEST

START_TEST(png_screendump_reads_back_the_same_pixels)
{
#ifdef JIT86_HAVE_PNG
    struct display d;
    display_init(&d, NULL, NULL);
    ck_assert(display_resize(&d, 37, 23));
    for (int y = 0; y < 23; y++)
        for (int x = 0; x < 37; x++)
            d.surface.pixels[y * d.surface.stride + x] =
                (uint32_t)(x * 7) << 16 | (uint32_t)(y * 11) << 8 | (uint32_t)((x ^ y) * 3);
    char path[] = "/tmp/jit86-dumpXXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    char err[256];
    ck_assert_msg(ui_screendump_png(&d.surface, path, err, sizeof(err)), "%s", err);
    int w = 0, h = 0;
    uint32_t *img = ui_png_load(path, &w, &h, err, sizeof(err));
    ck_assert_msg(img != NULL, "%s", err);
    ck_assert_int_eq(w, 37);
    ck_assert_int_eq(h, 23);
    for (int i = 0; i < 37 * 23; i++)
        ck_assert_uint_eq(img[i], d.surface.pixels[i]);
    free(img);
    unlink(path);
    ck_assert(!ui_screendump_png(&d.surface, "/nonexistent/dir/x.png", err, sizeof(err)));
    ck_assert_msg(strstr(err, "/nonexistent/dir/x.png") != NULL, "%s", err);
    display_free(&d);
#else
    fprintf(stderr, "SKIP: built without libpng (package libpng-dev)\n");
#endif
}
END_TEST

START_TEST(sdl_scancodes_map_to_set1_codes_with_the_e0_flag)
{
    static const struct {
        int hid;
        uint16_t key;
    } cases[] = {
        {4, 0x1e},                /* A */
        {41, 0x01},               /* Escape */
        {40, 0x1c},               /* Return */
        {88, 0x1c | UI_KEY_EXT},  /* keypad Enter */
        {79, 0x4d | UI_KEY_EXT},  /* Right */
        {80, 0x4b | UI_KEY_EXT},  /* Left */
        {92, 0x4b},               /* keypad 4 */
        {228, 0x1d | UI_KEY_EXT}, /* right Ctrl */
        {230, 0x38 | UI_KEY_EXT}, /* right Alt (AltGr) */
        {84, 0x35 | UI_KEY_EXT},  /* keypad / */
        {69, 0x58},               /* F12 */
        {70, UI_KEY_PRINT},       /* Print Screen */
        {72, UI_KEY_PAUSE},       /* Pause */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        ck_assert_uint_eq(ui_sdl_key(cases[i].hid), cases[i].key);
    ck_assert_uint_eq(ui_sdl_key(0), 0);
    ck_assert_uint_eq(ui_sdl_key(100000), 0);
}
END_TEST

START_TEST(vga_option_takes_std_or_none)
{
    struct ui_options o;
    char err[256];
    char *ok[] = {"jit86", "-vga", "none", NULL};
    ck_assert_msg(ui_parse_options(3, ok, &o, err, sizeof(err)), "%s", err);
    ck_assert_str_eq(o.vga, "none");
    char *bad[] = {"jit86", "-vga", "cirrus", NULL};
    ck_assert(!ui_parse_options(3, bad, &o, err, sizeof(err)));
    ck_assert_msg(strstr(err, "cirrus") != NULL, "%s", err);
}
END_TEST

static void expect_bytes(struct ps2_kbd *k, const uint8_t *want, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(ps2_has_data(&k->port), "byte %zu missing", i);
        ck_assert_uint_eq(ps2_read(&k->port), want[i]);
    }
    ck_assert(!ps2_has_data(&k->port));
}

START_TEST(sendkey_presses_in_order_and_releases_in_reverse)
{
    struct ps2_kbd k = {0};
    ps2_kbd_reset(&k);
    k.scancode_set = 1;
    char err[128];
    ck_assert_msg(ui_sendkey(&k, "ctrl-alt-delete", err, sizeof(err)), "%s", err);
    static const uint8_t cad[] = {0x1d, 0x38, 0xe0, 0x53, 0xe0, 0xd3, 0xb8, 0x9d};
    expect_bytes(&k, cad, sizeof(cad));
    ck_assert(ui_sendkey(&k, "0x1e", err, sizeof(err)));
    static const uint8_t a[] = {0x1e, 0x9e};
    expect_bytes(&k, a, sizeof(a));
    ck_assert(!ui_sendkey(&k, "ctrl-bogus", err, sizeof(err)));
    ck_assert_msg(strstr(err, "bogus") != NULL, "%s", err);
    ck_assert(!ps2_has_data(&k.port)); /* nothing sent for a bad combination */
    /* Set 2 (no 8042 translation): E0 F0 for an extended break. */
    k.scancode_set = 2;
    ck_assert(ui_sendkey(&k, "left", err, sizeof(err)));
    static const uint8_t left2[] = {0xe0, 0x6b, 0xe0, 0xf0, 0x6b};
    expect_bytes(&k, left2, sizeof(left2));
}
END_TEST

/* Print Screen and Pause send sequences that depend on the modifiers held
 * (IBM keyboard scan code tables), in both scancode sets. */
START_TEST(sendkey_print_and_pause_send_their_sequences_in_set_1)
{
    struct ps2_kbd k = {0};
    ps2_kbd_reset(&k);
    k.scancode_set = 1;
    char err[128];
    ck_assert_msg(ui_sendkey(&k, "print", err, sizeof(err)), "%s", err);
    static const uint8_t print[] = {0xe0, 0x2a, 0xe0, 0x37, 0xe0, 0xb7, 0xe0, 0xaa};
    expect_bytes(&k, print, sizeof(print));
    ck_assert(ui_sendkey(&k, "shift-print", err, sizeof(err)));
    static const uint8_t shift_print[] = {0x2a, 0xe0, 0x37, 0xe0, 0xb7, 0xaa};
    expect_bytes(&k, shift_print, sizeof(shift_print));
    ck_assert(ui_sendkey(&k, "alt-print", err, sizeof(err)));
    static const uint8_t sysrq[] = {0x38, 0x54, 0xd4, 0xb8};
    expect_bytes(&k, sysrq, sizeof(sysrq));
    ck_assert(ui_sendkey(&k, "pause", err, sizeof(err)));
    static const uint8_t pause[] = {0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5};
    expect_bytes(&k, pause, sizeof(pause));
    ck_assert(ui_sendkey(&k, "ctrl-pause", err, sizeof(err)));
    static const uint8_t brk[] = {0x1d, 0xe0, 0x46, 0xe0, 0xc6, 0x9d};
    expect_bytes(&k, brk, sizeof(brk));
    /* The right Ctrl's release leaves the left one held. */
    ui_key_event(&k, 0x1d, true);
    ui_key_event(&k, 0x1d | UI_KEY_EXT, true);
    ui_key_event(&k, 0x1d | UI_KEY_EXT, false);
    ui_key_event(&k, UI_KEY_PAUSE, true);
    ui_key_event(&k, UI_KEY_PAUSE, false);
    static const uint8_t held[] = {0x1d, 0xe0, 0x1d, 0xe0, 0x9d, 0xe0, 0x46, 0xe0, 0xc6};
    expect_bytes(&k, held, sizeof(held));
}
END_TEST

START_TEST(sendkey_print_and_pause_send_their_sequences_in_set_2)
{
    struct ps2_kbd k = {0};
    ps2_kbd_reset(&k);
    char err[128];
    ck_assert_uint_eq(k.scancode_set, 2);
    ck_assert_msg(ui_sendkey(&k, "print", err, sizeof(err)), "%s", err);
    static const uint8_t print[] = {0xe0, 0x12, 0xe0, 0x7c, 0xe0, 0xf0, 0x7c, 0xe0, 0xf0, 0x12};
    expect_bytes(&k, print, sizeof(print));
    ck_assert(ui_sendkey(&k, "pause", err, sizeof(err)));
    static const uint8_t pause[] = {0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77};
    expect_bytes(&k, pause, sizeof(pause));
    ck_assert(ui_sendkey(&k, "ctrl-pause", err, sizeof(err)));
    static const uint8_t brk[] = {0x14, 0xe0, 0x7e, 0xe0, 0xf0, 0x7e, 0xf0, 0x14};
    expect_bytes(&k, brk, sizeof(brk));
    ck_assert(ui_sendkey(&k, "sysrq", err, sizeof(err)));
    static const uint8_t sysrq[] = {0x84, 0xf0, 0x84};
    expect_bytes(&k, sysrq, sizeof(sysrq));
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("ui_display");
    TCase *tc = tcase_create("display");
    tcase_add_test(tc, refresh_runs_at_most_every_sixtieth_of_a_second_of_virtual_time);
    tcase_add_test(tc, dirty_rectangles_clip_merge_rows_and_collapse_when_full);
    tcase_add_test(tc, png_screendump_reads_back_the_same_pixels);
    tcase_add_test(tc, sdl_scancodes_map_to_set1_codes_with_the_e0_flag);
    tcase_add_test(tc, vga_option_takes_std_or_none);
    tcase_add_test(tc, sendkey_presses_in_order_and_releases_in_reverse);
    tcase_add_test(tc, sendkey_print_and_pause_send_their_sequences_in_set_1);
    tcase_add_test(tc, sendkey_print_and_pause_send_their_sequences_in_set_2);
    suite_add_tcase(s, tc);
    return s;
}
