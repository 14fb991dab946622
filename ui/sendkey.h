/* Scripted key input with QEMU's sendkey spelling ("ctrl-alt-delete", "a",
 * "ret", "0x1e"): for the monitor, the control socket and tests. */
#ifndef JIT86_UI_SENDKEY_H
#define JIT86_UI_SENDKEY_H

#include "hw/pc/pc.h"

#include <stdbool.h>
#include <stddef.h>

#define UI_SENDKEY_MAX 8 /* keys in one combination */

/* Presses the keys of combo in order, then releases them in reverse order.
 * false with one line in err (nothing sent) on an unknown key name. */
bool ui_sendkey(struct ps2_kbd *kbd, const char *combo, char *err, size_t errlen);
/* The set-1 make code of one QEMU key name (0 when unknown); *extended for
 * E0-prefixed keys. */
uint8_t ui_key_by_name(const char *name, size_t len, bool *extended);

#endif
