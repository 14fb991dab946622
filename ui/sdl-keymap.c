/* SDL2 scancodes (USB HID usage IDs) to PS/2 scancode set 1 make codes, with
 * the E0 prefix flag for extended keys, and Print Screen and Pause, which send
 * sequences (IBM PC AT Technical Reference, keyboard scan codes; USB HID Usage
 * Tables §10). */
#include "sdl.h"
#include "sendkey.h"

#define EXT UI_KEY_EXT

/* Indexed by HID usage ID: SDL_SCANCODE_A is 4, ..., SDL_SCANCODE_RGUI 231. */
static const uint16_t hid_to_key[232] = {
    [4] = 0x1e,          [5] = 0x30,        [6] = 0x2e,         [7] = 0x20,
    [8] = 0x12,          [9] = 0x21,        [10] = 0x22,        [11] = 0x23,
    [12] = 0x17,         [13] = 0x24,       [14] = 0x25,        [15] = 0x26,
    [16] = 0x32,         [17] = 0x31,       [18] = 0x18,        [19] = 0x19,
    [20] = 0x10,         [21] = 0x13,       [22] = 0x1f,        [23] = 0x14,
    [24] = 0x16,         [25] = 0x2f,       [26] = 0x11,        [27] = 0x2d,
    [28] = 0x15,         [29] = 0x2c,       [30] = 0x02,        [31] = 0x03,
    [32] = 0x04,         [33] = 0x05,       [34] = 0x06,        [35] = 0x07,
    [36] = 0x08,         [37] = 0x09,       [38] = 0x0a,        [39] = 0x0b,
    [40] = 0x1c,         [41] = 0x01,       [42] = 0x0e,        [43] = 0x0f,
    [44] = 0x39,         [45] = 0x0c,       [46] = 0x0d,        [47] = 0x1a,
    [48] = 0x1b,         [49] = 0x2b,       [50] = 0x2b,        [51] = 0x27,
    [52] = 0x28,         [53] = 0x29,       [54] = 0x33,        [55] = 0x34,
    [56] = 0x35,         [57] = 0x3a,       [58] = 0x3b,        [59] = 0x3c,
    [60] = 0x3d,         [61] = 0x3e,       [62] = 0x3f,        [63] = 0x40,
    [64] = 0x41,         [65] = 0x42,       [66] = 0x43,        [67] = 0x44,
    [68] = 0x57,         [69] = 0x58,       [71] = 0x46,       /* Scroll Lock */
    [70] = UI_KEY_PRINT,                                       /* Print Screen */
    [72] = UI_KEY_PAUSE,                                       /* Pause */
    [73] = 0x52 | EXT,   [74] = 0x47 | EXT, [75] = 0x49 | EXT, /* Ins Home PgUp */
    [76] = 0x53 | EXT,   [77] = 0x4f | EXT, [78] = 0x51 | EXT, /* Del End PgDn */
    [79] = 0x4d | EXT,   [80] = 0x4b | EXT, [81] = 0x50 | EXT,  [82] = 0x48 | EXT,
    [83] = 0x45, /* Num Lock */
    [84] = 0x35 | EXT,   [85] = 0x37,       [86] = 0x4a,        [87] = 0x4e,
    [88] = 0x1c | EXT,   [89] = 0x4f,       [90] = 0x50,        [91] = 0x51,
    [92] = 0x4b,         [93] = 0x4c,       [94] = 0x4d,        [95] = 0x47,
    [96] = 0x48,         [97] = 0x49,       [98] = 0x52,        [99] = 0x53,
    [100] = 0x56,       /* ISO key next to left shift */
    [101] = 0x5d | EXT, /* Menu */
    [224] = 0x1d,        [225] = 0x2a,      [226] = 0x38,       [227] = 0x5b | EXT,
    [228] = 0x1d | EXT,  [229] = 0x36,      [230] = 0x38 | EXT, [231] = 0x5c | EXT,
};

uint16_t ui_sdl_key(int sc)
{
    if (sc < 0 || sc >= (int)(sizeof(hid_to_key) / sizeof(hid_to_key[0])))
        return 0;
    return hid_to_key[sc];
}
