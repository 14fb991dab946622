/* 8254 programmable interval timer at 0x40-0x43 (counter 0 → IRQ0, counter 2
 * → PC speaker, gated by port 0x61). Intel 82C54 datasheet (order 231244):
 * modes 0-5, LSB/MSB access, counter latch, read-back. */
#ifndef JIT86_HW_PC_PIT8254_H
#define JIT86_HW_PC_PIT8254_H

#include "hw/core/clock.h"
#include "hw/core/irq.h"
#include "hw/core/vmstate.h"
#include "softmmu/softmmu.h"

#include <stdbool.h>
#include <stdint.h>

#define PIT_FREQ_HZ 1193182

struct pit_channel {
    uint32_t count;  /* reload value, 1..65536 */
    int64_t load_ns; /* virtual time counting (re)started */
    uint8_t mode;    /* 0..5 */
    uint8_t rw;      /* 1 LSB, 2 MSB, 3 LSB then MSB */
    bool bcd;
    bool gate;
    bool counting; /* a count has been loaded (and, modes 1/5, triggered) */
    bool write_msb_next, read_msb_next;
    uint8_t write_lsb; /* first byte of an LSB/MSB pair */
    bool count_latched, status_latched, latch_msb_next;
    uint16_t latched_count;
    uint8_t latched_status;
    bool null_count; /* count written but not yet loaded into the counter */
    uint16_t frozen; /* counter value while the gate holds it (modes 0, 4) */
    bool out_level;  /* last level driven on the output line */
    struct hw_timer timer;
};

struct pit8254 {
    struct hw_clock *clock;
    struct pit_channel ch[3];
    struct irq_line irq0; /* counter 0 output */
    bool speaker_enable;  /* port 0x61 bit 1 */
};

void pit_init(struct pit8254 *p, struct hw_clock *clock);
void pit_reset(struct pit8254 *p);
/* Current counter value and output level (for tests and the speaker). */
uint16_t pit_counter_value(struct pit8254 *p, int ch);
bool pit_output(struct pit8254 *p, int ch);
void pit_set_gate(struct pit8254 *p, int ch, bool level);

/* Registers ports 0x40-0x43 and 0x61 (system control port B). */
bool pit_register_io(struct pit8254 *p, struct mmu_io_space *io);

extern const struct vms_desc pit_vmstate;

#endif
