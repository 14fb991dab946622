/* Intel 82441FX PCI and memory controller (i440FX host bridge, 00.0) with the
 * PAM registers that switch the 0xC0000-0xFFFFF shadow areas between ROM and
 * RAM, and the SMRAM control register. Intel 290549 (82441FX datasheet)
 * §3.2.18-3.2.19. */
#ifndef JIT86_HW_PCI_I440FX_H
#define JIT86_HW_PCI_I440FX_H

#include "hw/pci/pci.h"

#define I440FX_PAM0    0x59
#define I440FX_SMRAM   0x72
#define I440FX_NUM_PAM 13

struct i440fx {
    struct pci_device dev;
    struct mmu_region *pam[I440FX_NUM_PAM];
};

/* Creates the shadow RAM regions (RAM bytes at the same addresses) at
 * pam_priority, which must be above the BIOS ROM alias so an enabled segment
 * hides it. Returns false when a region cannot be mapped. */
bool i440fx_init(struct i440fx *h, struct mmu_phys_space *mem, int pam_priority);
/* Applies the PAM registers of the configuration space (also after a load). */
void i440fx_update_pam(struct i440fx *h);

#endif
