/* The DSDT's definition blocks (private to hw/acpi/). */
#ifndef JIT86_HW_ACPI_DSDT_H
#define JIT86_HW_ACPI_DSDT_H

#include "acpi-tables.h"
#include "aml.h"

/* Appends \_S5, \_SB.PCI0, \_SB.KBD and \_SB.MOU to b. */
void acpi_dsdt_aml(struct aml_buf *b, const struct acpi_pm_layout *pm);

#endif
