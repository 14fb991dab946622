/* The DSDT's definition blocks (private to hw/acpi/). */
#ifndef JIT86_HW_ACPI_DSDT_H
#define JIT86_HW_ACPI_DSDT_H

#include "acpi-tables.h"
#include "aml.h"

/* Appends \_S5 and \_SB.PCI0 to b. */
void acpi_dsdt_aml(struct aml_buf *b, const struct acpi_pm_layout *pm);

#endif
