/* PIIX4 power-management function (Intel 82371AB datasheet §3.4 "Power
 * Management Function", §7 PM registers), PCI 00:01.3 (8086:7113): the ACPI
 * fixed hardware its FADT describes — PM1a event and control blocks, the
 * 24-bit PM timer, a GPE0 block — with the SCI on ISA IRQ 9, the
 * fixed-feature power button and soft-off (S5) through SLP_TYP/SLP_EN. */
#ifndef JIT86_HW_ACPI_PIIX4_PM_H
#define JIT86_HW_ACPI_PIIX4_PM_H

#include "hw/core/clock.h"
#include "hw/core/irq.h"
#include "hw/core/vmstate.h"
#include "hw/pci/pci.h"

#include <stdbool.h>
#include <stdint.h>

#define PIIX4_PM_PMBA     0x40 /* PM I/O base, bits 15:6; bit 0 reads 1 (I/O) */
#define PIIX4_PM_DEVACTB  0x58
#define PIIX4_PM_REGMISC  0x80 /* bit 0 PMIOSE: PM I/O space enable */
#define PIIX4_PM_IO_SIZE  64
#define PIIX4_PM_BASE     0x600 /* where SeaBIOS puts it, and jit86's -kernel loader */
#define PIIX4_PM_SCI_IRQ  9
#define PIIX4_PM_TIMER_HZ 3579545 /* ACPI PM timer (ACPI 6.5 §4.8.3.3) */

/* Register offsets in the PM I/O space and their bits (ACPI 6.5 §4.8.3). */
#define PIIX4_PM1_STS         0x00
#define PIIX4_PM1_EN          0x02
#define PIIX4_PM1_CNT         0x04
#define PIIX4_PM_TMR          0x08
#define PIIX4_GPE0_STS        0x0C
#define PIIX4_GPE0_EN         0x0E
#define PIIX4_PM1_TMR         (1u << 0)
#define PIIX4_PM1_GBL         (1u << 5)
#define PIIX4_PM1_PWRBTN      (1u << 8)
#define PIIX4_PM1_RTC         (1u << 10)
#define PIIX4_PM1_WAK_STS     (1u << 15)
#define PIIX4_PM1_CNT_SCI_EN  (1u << 0)
#define PIIX4_PM1_CNT_SLP_TYP (7u << 10)
#define PIIX4_PM1_CNT_SLP_EN  (1u << 13)

typedef void piix4_pm_sleep_fn(void *opaque);

struct piix4_pm {
    struct pci_device dev; /* first: the PCI core hands back this pointer */
    struct mmu_io_space *io;
    struct hw_clock *clock;
    uint16_t pm1_sts, pm1_en, pm1_cnt;
    uint16_t gpe_sts, gpe_en;
    uint16_t mapped_base; /* 0: the PM I/O space is off */
    bool sci_level;
    struct irq_line sci; /* connect to ISA IRQ 9 */
    /* Soft off (S5) requested by the guest: the board powers the machine off. */
    piix4_pm_sleep_fn *poweroff;
    void *poweroff_opaque;
};

void piix4_pm_init(struct piix4_pm *pm, struct mmu_io_space *io, struct hw_clock *clock);
void piix4_pm_reset(struct piix4_pm *pm);
/* A press of the power button: PWRBTN_STS, an SCI when the OS enabled it. */
void piix4_pm_power_button(struct piix4_pm *pm);
/* Programs the PM I/O base and enables it, as firmware does (-kernel boots). */
void piix4_pm_set_base(struct piix4_pm *pm, uint16_t base);

/* PM registers and the I/O mapping (the configuration space is saved with
 * pci_device_vmstate); post_load maps the PM I/O space again. */
extern const struct vms_desc piix4_pm_vmstate;

#endif
