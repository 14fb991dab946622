/* Intel 82371SB PIIX3 PCI-to-ISA bridge (01.0): PIRQ[A-D] routing to ISA
 * IRQs (registers 0x60-0x63) and the reset control register at 0xCF9.
 * Intel 290550 (82371FB/SB datasheet) §2.2.14 and §2.4.10. */
#ifndef JIT86_HW_PCI_PIIX3_H
#define JIT86_HW_PCI_PIIX3_H

#include "hw/core/irq.h"
#include "hw/pci/pci.h"

#define PIIX3_PIRQRC 0x60

struct piix3 {
    struct pci_device dev;
    struct irq_line isa_irq[16]; /* to the PIC inputs */
    bool pirq_level[PCI_NUM_PIRQ];
    uint16_t driven;       /* ISA IRQs currently asserted by PCI */
    uint8_t rcr;           /* reset control (0xCF9) */
    struct irq_line reset; /* pulsed on a reset request */
};

/* Sets up the bridge and hooks it to the bus (PIRQs and 0xCF9). */
void piix3_init(struct piix3 *p, struct pci_bus *bus);
/* Re-drives the ISA IRQ lines from PIRQ levels and routes (after a load). */
void piix3_update_irqs(struct piix3 *p);
/* The PIIX3's own state besides its configuration space. */
extern const struct vms_desc piix3_vmstate;

#endif
