/* Scripted key input with QEMU's sendkey spelling ("ctrl-alt-delete", "a",
 * "ret", "0x1e"): for the monitor, the control socket and tests. */
#ifndef JIT86_UI_SENDKEY_H
#define JIT86_UI_SENDKEY_H

#include "hw/pc/pc.h"

#include <stdbool.h>
#include <stddef.h>

#define UI_SENDKEY_MAX 8 /* keys in one combination */

/* A host key as the UI hands it to the keyboard: the set-1 make code, with
 * UI_KEY_EXT for keys sent after an E0 prefix, or one of the keys that send a
 * sequence (hw/input/ps2.h); 0 is no key. */
#define UI_KEY_EXT   0x80
#define UI_KEY_PRINT 0x100
#define UI_KEY_PAUSE 0x101

/* Presses the keys of combo in order, then releases them in reverse order.
 * false with one line in err (nothing sent) on an unknown key name. */
bool ui_sendkey(struct ps2_kbd *kbd, const char *combo, char *err, size_t errlen);
/* The key of one QEMU key name (0 when unknown). */
uint16_t ui_key_by_name(const char *name, size_t len);
/* Presses or releases one key on the PS/2 keyboard. */
void ui_key_event(struct ps2_kbd *kbd, uint16_t key, bool pressed);

#endif
