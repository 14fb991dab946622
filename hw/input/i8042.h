/* 8042 keyboard controller at 0x60/0x64 with a PS/2 keyboard (IRQ1) and
 * mouse (IRQ12): command byte, self tests, output port (A20, CPU reset),
 * set-2 to set-1 translation. IBM PS/2 Technical Reference, "Keyboard and
 * Auxiliary Device Controller". */
#ifndef JIT86_HW_INPUT_I8042_H
#define JIT86_HW_INPUT_I8042_H

#include "hw/core/irq.h"
#include "hw/core/vmstate.h"
#include "hw/input/ps2.h"
#include "softmmu/softmmu.h"

#include <stdbool.h>
#include <stdint.h>

enum i8042_source { I8042_SRC_NONE, I8042_SRC_CTRL, I8042_SRC_KBD, I8042_SRC_AUX };

struct i8042 {
    struct ps2_kbd kbd;
    struct ps2_mouse mouse;
    uint8_t status;
    uint8_t ram[32];  /* ram[0] is the command byte */
    uint8_t outport;  /* bit0 reset (active low), bit1 A20 */
    uint8_t out_byte; /* output buffer */
    uint8_t out_src;  /* enum i8042_source */
    uint8_t pending;  /* controller command awaiting its data byte */
    uint8_t reply[4]; /* controller replies queued ahead of devices */
    uint8_t nreply;
    bool xlat_break; /* translation saw an F0 prefix */
    struct irq_line irq_kbd, irq_aux;
    struct irq_line a20;   /* level = A20 enabled */
    struct irq_line reset; /* pulsed to reset the machine */
};

void i8042_init(struct i8042 *c);
void i8042_reset(struct i8042 *c);
/* Registers the data port 0x60 and the status/command port 0x64. */
bool i8042_register_io(struct i8042 *c, struct mmu_io_space *io);

extern const struct vms_desc i8042_vmstate;

#endif
