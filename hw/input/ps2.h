/* PS/2 keyboard and mouse devices behind the 8042: command sets of the IBM
 * PS/2 Technical Reference (keyboard: reset, ID, LEDs, typematic, scancode
 * sets 1 and 2; mouse: stream/remote modes, sample rate, resolution, status,
 * IntelliMouse wheel ID). Bytes queue toward the controller. */
#ifndef JIT86_HW_INPUT_PS2_H
#define JIT86_HW_INPUT_PS2_H

#include "hw/core/vmstate.h"

#include <stdbool.h>
#include <stdint.h>

#define PS2_QUEUE_SIZE 64

struct ps2_queue {
    uint8_t data[PS2_QUEUE_SIZE];
    uint8_t head, count;
};

/* Common part: the queue toward the controller and the pending command that
 * waits for its parameter byte. */
struct ps2_port {
    struct ps2_queue q;
    uint8_t pending_cmd;          /* 0: none */
    void (*notify)(void *opaque); /* data became available */
    void *opaque;
};

struct ps2_kbd {
    struct ps2_port port;
    bool scanning;
    uint8_t scancode_set; /* 1 or 2 (what the keyboard emits before 8042 translation) */
    uint8_t leds;
    uint8_t typematic;
    /* Shift, Ctrl and Alt keys the host holds down (PS2_MOD_* bits), which
     * pick the Print Screen and Pause variants as a real keyboard's
     * controller does. Not saved: after a restore the host holds no keys. */
    uint8_t mods;
};

struct ps2_mouse {
    struct ps2_port port;
    bool streaming, remote, wrap;
    uint8_t sample_rate, resolution, scaling;
    uint8_t id;       /* 0 standard, 3 IntelliMouse (wheel) */
    uint8_t knock[3]; /* last three sample rates, for the 200-100-80 knock */
    uint8_t buttons;
    int32_t dx, dy, dz; /* accumulated motion not yet sent */
};

void ps2_kbd_reset(struct ps2_kbd *k);
void ps2_mouse_reset(struct ps2_mouse *m);
/* A byte from the controller to the device. */
void ps2_kbd_write(struct ps2_kbd *k, uint8_t b);
void ps2_mouse_write(struct ps2_mouse *m, uint8_t b);
bool ps2_has_data(const struct ps2_port *p);
uint8_t ps2_read(struct ps2_port *p);

/* Host input. A key is named by its scancode-set-1 make code, with 0x80 set
 * for E0-prefixed (extended) keys; the keyboard sends it in its current set. */
void ps2_kbd_key(struct ps2_kbd *k, uint8_t set1_code, bool extended, bool pressed);
/* Keys that send a sequence instead of one code (IBM keyboard scan code
 * tables; set 1 shown, set 2 likewise):
 * Print Screen: E0 2A E0 37 / E0 B7 E0 AA alone, E0 37 / E0 B7 with Shift or
 * Ctrl down, 54 / D4 (SysRq) with Alt down.
 * Pause: E1 1D 45 E1 9D C5 on press and nothing on release; with Ctrl down
 * (Break) E0 46 E0 C6 on press. */
enum ps2_special_key { PS2_KEY_PRINT, PS2_KEY_PAUSE };
void ps2_kbd_key_special(struct ps2_kbd *k, enum ps2_special_key key, bool pressed);
/* Relative motion (dy positive = up, PS/2 convention), wheel, buttons bits
 * 0 left, 1 right, 2 middle. */
void ps2_mouse_event(struct ps2_mouse *m, int dx, int dy, int dz, uint8_t buttons);

/* Set-2 code to set-1 code, as the 8042 translates (0 when none). */
uint8_t ps2_set2_to_set1(uint8_t code);

extern const struct vms_desc ps2_kbd_vmstate;
extern const struct vms_desc ps2_mouse_vmstate;

#endif
