/* Dual 8259A programmable interrupt controller (master at 0x20, slave at
 * 0xA0 on IR2) with the PIIX3 edge/level control registers (0x4D0/0x4D1).
 * Intel 8259A datasheet (order 231468); PIIX3 datasheet §2.4.13 (ELCR). */
#ifndef JIT86_HW_PC_PIC8259_H
#define JIT86_HW_PC_PIC8259_H

#include "hw/core/irq.h"
#include "hw/core/vmstate.h"
#include "softmmu/softmmu.h"

#include <stdbool.h>
#include <stdint.h>

struct pic8259_pair;

struct pic8259 {
    struct pic8259_pair *pair;
    uint8_t irr, isr, imr;
    uint8_t last_level;  /* input pin levels, for edge detection */
    uint8_t elcr;        /* 1 = level triggered (PIIX3 ELCR) */
    uint8_t elcr_mask;   /* ELCR bits that may be set */
    uint8_t vector_base; /* ICW2 & 0xF8 */
    uint8_t lowest;      /* IR number with the lowest priority (rotation) */
    uint8_t init_step;   /* 0: operational; 1..3: expecting ICW2..ICW4 */
    bool icw4_needed, single;
    bool auto_eoi, rotate_on_aeoi, special_fully_nested;
    bool special_mask, poll, read_isr;
};

struct pic8259_pair {
    struct pic8259 chip[2];   /* 0 master, 1 slave */
    struct irq_line cpu_intr; /* master INT output */
    bool intr_level;
};

void pic_init(struct pic8259_pair *p);
void pic_reset(struct pic8259_pair *p);
/* irq_handler for inputs 0..15 (8..15 are the slave's IR0..IR7). */
void pic_set_irq(void *opaque, int irq, int level);
/* CPU interrupt acknowledge: returns the vector (spurious IRQ7 when nothing
 * is pending, as the hardware does). */
uint8_t pic_ack(struct pic8259_pair *p);
/* True while the master drives INT. */
bool pic_intr_pending(const struct pic8259_pair *p);

/* Registers ports 0x20-0x21, 0xA0-0xA1 and the ELCR at 0x4D0-0x4D1. */
bool pic_register_io(struct pic8259_pair *p, struct mmu_io_space *io);

/* `info irq`-style dump: IRR/ISR/IMR/ELCR and vector bases of both chips. */
int pic_info(const struct pic8259_pair *p, char *buf, size_t len);

extern const struct vms_desc pic_vmstate;

#endif
