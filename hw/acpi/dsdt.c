/* The DSDT's AML (ACPI 6.5 §5.2.11.1): \_S5 for soft off and the PCI root
 * bridge \_SB.PCI0 (PNP0A03, §6.1.5) with the resources it decodes (_CRS,
 * §6.4 resource descriptors) and its interrupt routing (_PRT, §6.2.13) — the
 * OS finds PCI devices through it once ACPI is on — and the 8042's keyboard
 * and mouse. */
#include "dsdt.h"

#include <string.h>

/* PIIX4 PM1_CNT SLP_TYP 0 is soft off (82371AB datasheet §7.2.3). */
#define PIIX4_SLP_TYP_SOFT_OFF 0

/* Where the i440FX/PIIX PCI interrupt pins end up: PIRQA-D on the IRQs
 * SeaBIOS routes them to (and pc_route_pci_irqs for -kernel boots), pin
 * INTx of slot s on PIRQ (s + x) mod 4. The OS sees fixed GSIs. */
static const uint8_t pirq_irq[4] = {10, 10, 11, 11};

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

/* Word Address Space Descriptor (§6.4.3.5.3): type 1 I/O, 2 bus number. */
static size_t word_space(uint8_t *d, uint8_t type, uint8_t specific, uint16_t min, uint16_t max)
{
    memset(d, 0, 16);
    d[0] = 0x88;
    put16(d + 1, 13);
    d[3] = type;
    d[4] = 0x0C; /* MinFixed, MaxFixed, producer */
    d[5] = specific;
    put16(d + 8, min);
    put16(d + 10, max);
    put16(d + 14, (uint16_t)(max - min + 1));
    return 16;
}

/* DWord Address Space Descriptor (§6.4.3.5.2), memory, read/write. */
static size_t dword_memory(uint8_t *d, uint8_t cacheable, uint32_t min, uint32_t max)
{
    memset(d, 0, 26);
    d[0] = 0x87;
    put16(d + 1, 23);
    d[3] = 0; /* memory */
    d[4] = 0x0C;
    d[5] = (uint8_t)(0x01 | cacheable << 1);
    put32(d + 10, min);
    put32(d + 14, max);
    put32(d + 22, max - min + 1);
    return 26;
}

/* The host bridge decodes bus 0, the config ports, all other I/O, the VGA
 * window and the PCI hole between the top of RAM and the I/O APIC area. */
static size_t crs(uint8_t *d, const struct acpi_pm_layout *pm)
{
    size_t n = word_space(d, 2, 0, 0x00, 0xFF);
    static const uint8_t cf8[8] = {0x47, 0x01, 0xF8, 0x0C, 0xF8, 0x0C, 0x01, 0x08};
    memcpy(d + n, cf8, sizeof(cf8)); /* I/O port descriptor (§6.4.2.5) */
    n += sizeof(cf8);
    n += word_space(d + n, 1, 0x03, 0x0000, 0x0CF7);
    n += word_space(d + n, 1, 0x03, 0x0D00, 0xFFFF);
    n += dword_memory(d + n, 1, 0x000A0000, 0x000BFFFF);
    n += dword_memory(d + n, 0, pm->pci_mem_start, 0xFEBFFFFF);
    d[n++] = 0x79; /* End Tag (§6.4.2.9), checksum 0: none */
    d[n++] = 0;
    return n;
}

/* _PRT: Package {address 0xSSSSFFFF, pin, source Zero, GSI} per slot and pin. */
static void prt(struct aml_buf *b)
{
    struct aml_buf entries = {0};
    for (unsigned slot = 0; slot < 32; slot++) {
        for (unsigned pin = 0; pin < 4; pin++) {
            struct aml_buf e = {0};
            aml_integer(&e, (uint64_t)slot << 16 | 0xFFFF);
            aml_integer(&e, pin);
            aml_integer(&e, 0);
            aml_integer(&e, pirq_irq[(slot + pin) & 3]);
            aml_package(&entries, 4, &e);
            aml_free(&e);
        }
    }
    struct aml_buf pkg = {0};
    aml_package(&pkg, 128, &entries);
    aml_name(b, "_PRT", &pkg);
    aml_free(&entries);
    aml_free(&pkg);
}

static void name_int(struct aml_buf *b, const char *name, uint64_t v)
{
    struct aml_buf value = {0};
    aml_integer(&value, v);
    aml_name(b, name, &value);
    aml_free(&value);
}

static void pci_root(struct aml_buf *b, const struct acpi_pm_layout *pm)
{
    struct aml_buf body = {0}, res = {0};
    name_int(&body, "_HID", aml_eisa_id("PNP0A03"));
    name_int(&body, "_UID", 0);
    uint8_t d[128];
    aml_buffer(&res, d, crs(d, pm));
    aml_name(&body, "_CRS", &res);
    prt(&body);
    aml_device(b, "\\_SB.PCI0", &body);
    aml_free(&body);
    aml_free(&res);
}

/* An ISA device with fixed ports and one IRQ: IO descriptors (§6.4.2.5,
 * 16-bit decode, one port each) and an IRQ descriptor (§6.4.2.1). */
static void isa_device(struct aml_buf *b, const char *path, const char *eisa, const uint16_t *ports,
                       unsigned nports, unsigned irq)
{
    uint8_t d[64];
    size_t n = 0;
    for (unsigned i = 0; i < nports; i++) {
        const uint8_t io[8] = {0x47,
                               0x01,
                               (uint8_t)ports[i],
                               (uint8_t)(ports[i] >> 8),
                               (uint8_t)ports[i],
                               (uint8_t)(ports[i] >> 8),
                               0x01,
                               0x01};
        memcpy(d + n, io, sizeof(io));
        n += sizeof(io);
    }
    d[n++] = 0x22; /* IRQ descriptor, 2 bytes: the mask */
    put16(d + n, (uint16_t)(1u << irq));
    n += 2;
    d[n++] = 0x79;
    d[n++] = 0;
    struct aml_buf body = {0}, res = {0};
    name_int(&body, "_HID", aml_eisa_id(eisa));
    aml_buffer(&res, d, n);
    aml_name(&body, "_CRS", &res);
    aml_device(b, path, &body);
    aml_free(&body);
    aml_free(&res);
}

void acpi_dsdt_aml(struct aml_buf *b, const struct acpi_pm_layout *pm)
{
    const uint64_t s5[4] = {PIIX4_SLP_TYP_SOFT_OFF, PIIX4_SLP_TYP_SOFT_OFF, 0, 0};
    aml_name_package(b, "\\_S5", s5, 4);
    pci_root(b, pm);
    /* The 8042's keyboard and mouse: once a DSDT exists, SeaBIOS sets up its
     * PS/2 keyboard only if the DSDT has a PNP0303, and Linux's i8042 takes
     * the ports, IRQs and the AUX port's presence from these two devices. */
    static const uint16_t kbc[2] = {0x60, 0x64};
    isa_device(b, "\\_SB.KBD", "PNP0303", kbc, 2, 1);
    isa_device(b, "\\_SB.MOU", "PNP0F13", NULL, 0, 12);
}
