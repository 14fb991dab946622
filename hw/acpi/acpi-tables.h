/* ACPI tables of the PC board (ACPI 6.5 §5.2, written as ACPI 1.0 tables):
 * RSDP, RSDT, FADT (PIIX4 PM blocks, SCI on IRQ 9, fixed-feature power
 * button), FACS and a DSDT with \_S5 and the PCI root bridge (dsdt.c). Two ways to the guest:
 * linked at fixed addresses by the -kernel loader, or as fw_cfg files with SeaBIOS's table-loader
 * commands (etc/acpi/tables, etc/acpi/rsdp, etc/table-loader). */
#ifndef JIT86_HW_ACPI_ACPI_TABLES_H
#define JIT86_HW_ACPI_ACPI_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_RSDP_SIZE   20 /* revision 0 (ACPI 1.0) */
#define ACPI_TABLES_MAX  4096
#define ACPI_HEADER_SIZE 36
#define ACPI_FADT_SIZE   116 /* revision 1 */
#define ACPI_FACS_SIZE   64

/* FADT fields (offsets in the table, ACPI 6.5 §5.2.9 table 5.9). */
#define ACPI_FADT_FIRMWARE_CTRL 36
#define ACPI_FADT_DSDT          40
#define ACPI_FADT_SCI_INT       46
#define ACPI_FADT_SMI_CMD       48
#define ACPI_FADT_PM1A_EVT_BLK  56
#define ACPI_FADT_PM1A_CNT_BLK  64
#define ACPI_FADT_PM_TMR_BLK    76
#define ACPI_FADT_GPE0_BLK      80
#define ACPI_FADT_PM1_EVT_LEN   88
#define ACPI_FADT_PM1_CNT_LEN   89
#define ACPI_FADT_PM_TMR_LEN    91
#define ACPI_FADT_GPE0_BLK_LEN  92
#define ACPI_FADT_FLAGS         112
#define ACPI_FADT_WBINVD        (1u << 0)
#define ACPI_FADT_PROC_C1       (1u << 2)
#define ACPI_FADT_PWR_BUTTON    (1u << 4) /* set: the power button is a device, not fixed */
#define ACPI_FADT_SLP_BUTTON    (1u << 5) /* set: no fixed-feature sleep button */
#define ACPI_RSDP_RSDT_ADDRESS  16

/* SeaBIOS's romfile loader (src/fw/romfile_loader.h): 128-byte commands. */
#define ACPI_LOADER_ENTRY_SIZE 128
#define ACPI_LOADER_FILESZ     56
#define ACPI_LOADER_ALLOCATE   1
#define ACPI_LOADER_ADD_PTR    2
#define ACPI_LOADER_ADD_CKSUM  3
#define ACPI_LOADER_ZONE_HIGH  1
#define ACPI_LOADER_ZONE_FSEG  2
#define ACPI_LOADER_MAX        16
#define ACPI_FILE_TABLES       "etc/acpi/tables"
#define ACPI_FILE_RSDP         "etc/acpi/rsdp"
#define ACPI_FILE_LOADER       "etc/table-loader"

/* What the tables describe of the board. */
struct acpi_pm_layout {
    uint16_t pm_base; /* PM1a_EVT at +0, PM1a_CNT at +4, PM_TMR at +8, GPE0 at +0x0C */
    uint8_t sci_irq;
    uint32_t pci_mem_start; /* PCI memory window: from here to 0xFEBFFFFF */
};

/* The tables in one blob (FACS first: it must be 64-byte aligned), the RSDP
 * apart. Pointers hold offsets into the blob until linked; checksums are
 * zero until linked. */
struct acpi_tables {
    uint8_t blob[ACPI_TABLES_MAX];
    uint32_t len;
    uint32_t facs, dsdt, fadt, rsdt; /* offsets in blob */
    uint8_t rsdp[ACPI_RSDP_SIZE];
};

/* Builds the tables; false when they do not fit (never, for this board). */
bool acpi_build_tables(const struct acpi_pm_layout *pm, struct acpi_tables *t);
/* Makes the pointers physical addresses for the blob at tables_addr and sets
 * every checksum (direct boots: the loader places both). */
void acpi_link_tables(struct acpi_tables *t, uint32_t tables_addr);
/* SeaBIOS's table-loader commands for the unlinked tables: allocate the RSDP
 * in the F segment and the tables high, add the pointers, set the checksums.
 * Returns the bytes written to out (cap at least ACPI_LOADER_MAX entries). */
size_t acpi_table_loader(const struct acpi_tables *t, uint8_t *out, size_t cap);
/* 8-bit sum of len bytes (a table is valid when its sum is 0). */
uint8_t acpi_checksum(const uint8_t *p, size_t len);

#endif
