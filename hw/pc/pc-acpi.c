/* ACPI on the PC board: the PIIX4 power-management function at 00:01.3 with
 * its SCI on IRQ 9, and the tables that describe it (hw/acpi/) handed to the
 * guest: as fw_cfg files linked by SeaBIOS's table loader (as QEMU does), or
 * for -kernel boots placed by the board in shadow RAM at 0xE0000, where the
 * OS scans for the RSDP (ACPI 6.5 §5.2.5.1). */
#include "pc.h"

#include "hw/acpi/acpi-tables.h"

#include <stdlib.h>

/* -kernel boots: RSDP and tables in the first 16 KiB of the E segment, made
 * RAM by PAM5 (i440FX datasheet §3.2.18: 11b = read/write DRAM). */
#define DIRECT_RSDP_ADDR   0xE0000u
#define DIRECT_TABLES_ADDR 0xE0040u
#define PAM5               (I440FX_PAM0 + 5)
#define PAM_RW_LOW         0x03

/* The PCI memory window starts at the first 256 MiB boundary above RAM
 * (RAM ends by 0xE0000000: PC_MAX_RAM). */
static struct acpi_pm_layout layout(const struct pc_machine *pc)
{
    uint64_t top = (mmu_phys_ram_size(pc->mem) + 0x0FFFFFFFull) & ~0x0FFFFFFFull;
    return (struct acpi_pm_layout){PIIX4_PM_BASE, PIIX4_PM_SCI_IRQ, (uint32_t)top};
}

/* S5 from the guest: the machine powers off the way isa-debug-exit ends a
 * run (the user interface reports a guest shutdown and exits with 0). */
static void poweroff(void *opaque)
{
    struct pc_machine *pc = opaque;
    if (pc->dbg.exit_fn)
        pc->dbg.exit_fn(pc->dbg.exit_opaque, 0);
}

static bool add_acpi_files(struct pc_machine *pc)
{
    struct acpi_tables *t = malloc(sizeof(*t));
    uint8_t *loader = malloc(ACPI_LOADER_MAX * ACPI_LOADER_ENTRY_SIZE);
    struct acpi_pm_layout l = layout(pc);
    bool ok = t && loader && acpi_build_tables(&l, t);
    if (ok) {
        size_t n = acpi_table_loader(t, loader, ACPI_LOADER_MAX * ACPI_LOADER_ENTRY_SIZE);
        ok = fw_cfg_add_file(&pc->fwcfg, ACPI_FILE_TABLES, t->blob, t->len) &&
             fw_cfg_add_file(&pc->fwcfg, ACPI_FILE_RSDP, t->rsdp, ACPI_RSDP_SIZE) &&
             fw_cfg_add_file(&pc->fwcfg, ACPI_FILE_LOADER, loader, (uint32_t)n);
    }
    free(loader);
    free(t);
    return ok;
}

bool pc_acpi_init(struct pc_machine *pc)
{
    piix4_pm_init(&pc->pm, pc->io, &pc->clock);
    irq_connect(&pc->pm.sci, pic_set_irq, &pc->pic, PIIX4_PM_SCI_IRQ);
    pc->pm.poweroff = poweroff;
    pc->pm.poweroff_opaque = pc;
    return pci_register(&pc->pci, &pc->pm.dev, PCI_DEVFN(1, 3)) && add_acpi_files(pc);
}

void pc_power_button(struct pc_machine *pc)
{
    piix4_pm_power_button(&pc->pm);
}

void pc_acpi_direct_boot(struct pc_machine *pc)
{
    piix4_pm_set_base(&pc->pm, PIIX4_PM_BASE);
    /* SeaBIOS sets the SCI's interrupt line; ACPI takes it from the FADT. */
    pci_config_write(&pc->pci, pc->pm.dev.devfn, PCI_INTERRUPT_LINE, PIIX4_PM_SCI_IRQ, 1);
    uint32_t pam = pci_config_read(&pc->pci, PCI_DEVFN(0, 0), PAM5, 1);
    pci_config_write(&pc->pci, PCI_DEVFN(0, 0), PAM5, (pam & 0xF0) | PAM_RW_LOW, 1);
    struct acpi_tables *t = malloc(sizeof(*t));
    struct acpi_pm_layout l = layout(pc);
    if (!t || !acpi_build_tables(&l, t)) {
        free(t);
        return;
    }
    acpi_link_tables(t, DIRECT_TABLES_ADDR);
    mmu_phys_write(pc->mem, DIRECT_TABLES_ADDR, t->blob, t->len);
    mmu_phys_write(pc->mem, DIRECT_RSDP_ADDR, t->rsdp, ACPI_RSDP_SIZE);
    free(t);
}
