/* sendkey: QEMU key names (its "qcode" list) to PS/2 set-1 make codes, with
 * E0 for extended keys, and Print Screen and Pause, which send sequences;
 * combinations joined by '-'. */
#include "sendkey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXT UI_KEY_EXT

static const struct {
    const char *name;
    uint16_t code;
} keys[] = {
    {"esc", 0x01},
    {"1", 0x02},
    {"2", 0x03},
    {"3", 0x04},
    {"4", 0x05},
    {"5", 0x06},
    {"6", 0x07},
    {"7", 0x08},
    {"8", 0x09},
    {"9", 0x0a},
    {"0", 0x0b},
    {"minus", 0x0c},
    {"equal", 0x0d},
    {"backspace", 0x0e},
    {"tab", 0x0f},
    {"q", 0x10},
    {"w", 0x11},
    {"e", 0x12},
    {"r", 0x13},
    {"t", 0x14},
    {"y", 0x15},
    {"u", 0x16},
    {"i", 0x17},
    {"o", 0x18},
    {"p", 0x19},
    {"bracket_left", 0x1a},
    {"bracket_right", 0x1b},
    {"ret", 0x1c},
    {"ctrl", 0x1d},
    {"a", 0x1e},
    {"s", 0x1f},
    {"d", 0x20},
    {"f", 0x21},
    {"g", 0x22},
    {"h", 0x23},
    {"j", 0x24},
    {"k", 0x25},
    {"l", 0x26},
    {"semicolon", 0x27},
    {"apostrophe", 0x28},
    {"grave_accent", 0x29},
    {"shift", 0x2a},
    {"backslash", 0x2b},
    {"z", 0x2c},
    {"x", 0x2d},
    {"c", 0x2e},
    {"v", 0x2f},
    {"b", 0x30},
    {"n", 0x31},
    {"m", 0x32},
    {"comma", 0x33},
    {"dot", 0x34},
    {"slash", 0x35},
    {"shift_r", 0x36},
    {"asterisk", 0x37},
    {"kp_multiply", 0x37},
    {"alt", 0x38},
    {"spc", 0x39},
    {"caps_lock", 0x3a},
    {"f1", 0x3b},
    {"f2", 0x3c},
    {"f3", 0x3d},
    {"f4", 0x3e},
    {"f5", 0x3f},
    {"f6", 0x40},
    {"f7", 0x41},
    {"f8", 0x42},
    {"f9", 0x43},
    {"f10", 0x44},
    {"num_lock", 0x45},
    {"scroll_lock", 0x46},
    {"kp_7", 0x47},
    {"kp_8", 0x48},
    {"kp_9", 0x49},
    {"kp_subtract", 0x4a},
    {"kp_4", 0x4b},
    {"kp_5", 0x4c},
    {"kp_6", 0x4d},
    {"kp_add", 0x4e},
    {"kp_1", 0x4f},
    {"kp_2", 0x50},
    {"kp_3", 0x51},
    {"kp_0", 0x52},
    {"kp_decimal", 0x53},
    {"less", 0x56},
    {"f11", 0x57},
    {"f12", 0x58},
    {"kp_enter", 0x1c | EXT},
    {"ctrl_r", 0x1d | EXT},
    {"kp_divide", 0x35 | EXT},
    {"print", UI_KEY_PRINT},
    {"sysrq", 0x54}, /* Alt+Print Screen's own code */
    {"pause", UI_KEY_PAUSE},
    {"alt_r", 0x38 | EXT},
    {"home", 0x47 | EXT},
    {"up", 0x48 | EXT},
    {"pgup", 0x49 | EXT},
    {"left", 0x4b | EXT},
    {"right", 0x4d | EXT},
    {"end", 0x4f | EXT},
    {"down", 0x50 | EXT},
    {"pgdn", 0x51 | EXT},
    {"insert", 0x52 | EXT},
    {"delete", 0x53 | EXT},
    {"meta_l", 0x5b | EXT},
    {"meta_r", 0x5c | EXT},
    {"menu", 0x5d | EXT},
};

uint16_t ui_key_by_name(const char *name, size_t len)
{
    if (len > 2 && name[0] == '0' && name[1] == 'x') {
        char buf[8] = {0};
        if (len - 2 >= sizeof(buf))
            return 0;
        memcpy(buf, name + 2, len - 2);
        char *end;
        unsigned long v = strtoul(buf, &end, 16);
        if (*end || (v & 0x7f) == 0 || v > 0xff)
            return 0;
        return (uint16_t)v;
    }
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (strlen(keys[i].name) == len && memcmp(keys[i].name, name, len) == 0)
            return keys[i].code;
    }
    return 0;
}

void ui_key_event(struct ps2_kbd *kbd, uint16_t key, bool pressed)
{
    if (key == UI_KEY_PRINT)
        ps2_kbd_key_special(kbd, PS2_KEY_PRINT, pressed);
    else if (key == UI_KEY_PAUSE)
        ps2_kbd_key_special(kbd, PS2_KEY_PAUSE, pressed);
    else if (key && key < 0x100)
        ps2_kbd_key(kbd, key & 0x7f, key & UI_KEY_EXT, pressed);
}

bool ui_sendkey(struct ps2_kbd *kbd, const char *combo, char *err, size_t errlen)
{
    uint16_t key[UI_SENDKEY_MAX];
    int n = 0;
    for (const char *p = combo; *p;) {
        const char *end = strchr(p, '-');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (n == UI_SENDKEY_MAX) {
            snprintf(err, errlen, "sendkey: more than %d keys in '%s'", UI_SENDKEY_MAX, combo);
            return false;
        }
        key[n] = ui_key_by_name(p, len);
        if (!key[n]) {
            snprintf(err, errlen, "sendkey: unknown key '%.*s'", (int)len, p);
            return false;
        }
        n++;
        p = end ? end + 1 : p + len;
    }
    if (!n) {
        snprintf(err, errlen, "sendkey: no key given");
        return false;
    }
    for (int i = 0; i < n; i++)
        ui_key_event(kbd, key[i], true);
    for (int i = n - 1; i >= 0; i--)
        ui_key_event(kbd, key[i], false);
    return true;
}
