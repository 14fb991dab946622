/* Intel 82371SB PIIX3 IDE function (01.1, 8086:7010): two channels in
 * compatibility mode (0x1F0/0x3F6 IRQ 14, 0x170/0x376 IRQ 15) and the
 * bus-master registers in BAR4. Intel 290550 §2.3 (IDE configuration). */
#ifndef JIT86_HW_IDE_PIIX_IDE_H
#define JIT86_HW_IDE_PIIX_IDE_H

#include "hw/ide/ide.h"
#include "hw/pci/pci.h"

#define PIIX_IDE_IDETIM 0x40 /* primary 0x40-0x41, secondary 0x42-0x43 */
#define PIIX_IDE_IDETIM_DECODE 0x80 /* bit 15 of each IDETIM word: IDE decode enable */

struct piix_ide {
    struct pci_device dev;
    struct ide_bus bus[2]; /* irq lines: connect to ISA IRQ 14 and 15 */
};

/* Sets up the function and both channels; drives are attached afterwards
 * with ide_attach(&p->bus[n], unit, ...). */
void piix_ide_init(struct piix_ide *p, struct mmu_phys_space *mem);
/* Registers the legacy command and control ports of both channels. */
bool piix_ide_register_io(struct piix_ide *p, struct mmu_io_space *io);
void piix_ide_reset(struct piix_ide *p);

#endif
