/* ACPI 1.0-style tables for the PIIX4 power-management function (ACPI 6.5
 * §5.2.5 RSDP, §5.2.7 RSDT, §5.2.9 FADT, §5.2.10 FACS, §5.2.11.1 DSDT), the
 * DSDT's AML from hw/acpi/aml.c, and the SeaBIOS table-loader commands that
 * link them when firmware places them. */
#include "acpi-tables.h"
#include "dsdt.h"

#include <string.h>

#define OEM_ID       "JIT86 "   /* 6 bytes */
#define OEM_TABLE_ID "JIT86PC " /* 8 bytes */
#define CREATOR_ID   "JT86"

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

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint8_t acpi_checksum(const uint8_t *p, size_t len)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + p[i]);
    return sum;
}

/* The common description header (§5.2.6); checksum left zero. */
static void header(uint8_t *h, const char sig[4], uint32_t len, uint8_t revision)
{
    memcpy(h, sig, 4);
    put32(h + 4, len);
    h[8] = revision;
    memcpy(h + 10, OEM_ID, 6);
    memcpy(h + 16, OEM_TABLE_ID, 8);
    put32(h + 24, 1); /* OEM revision */
    memcpy(h + 28, CREATOR_ID, 4);
    put32(h + 32, 1); /* creator revision */
}

/* Reserves len bytes at alignment align in the blob; UINT32_MAX when full. */
static uint32_t reserve(struct acpi_tables *t, uint32_t len, uint32_t align)
{
    uint32_t at = (t->len + align - 1) & ~(align - 1);
    if (at + len > sizeof(t->blob))
        return UINT32_MAX;
    t->len = at + len;
    return at;
}

static bool add_facs(struct acpi_tables *t)
{
    if ((t->facs = reserve(t, ACPI_FACS_SIZE, 64)) == UINT32_MAX)
        return false;
    uint8_t *f = t->blob + t->facs;
    memcpy(f, "FACS", 4);
    put32(f + 4, ACPI_FACS_SIZE); /* no checksum; hardware signature, waking vector 0 */
    return true;
}

static bool add_dsdt(struct acpi_tables *t, const struct acpi_pm_layout *pm)
{
    struct aml_buf aml = {0};
    acpi_dsdt_aml(&aml, pm);
    uint32_t len = ACPI_HEADER_SIZE + (uint32_t)aml.len;
    bool ok = !aml.oom && (t->dsdt = reserve(t, len, 4)) != UINT32_MAX;
    if (ok) {
        header(t->blob + t->dsdt, "DSDT", len, 1); /* revision 1: 32-bit integers */
        memcpy(t->blob + t->dsdt + ACPI_HEADER_SIZE, aml.data, aml.len);
    }
    aml_free(&aml);
    return ok;
}

static bool add_fadt(struct acpi_tables *t, const struct acpi_pm_layout *pm)
{
    if ((t->fadt = reserve(t, ACPI_FADT_SIZE, 4)) == UINT32_MAX)
        return false;
    uint8_t *f = t->blob + t->fadt;
    header(f, "FACP", ACPI_FADT_SIZE, 1);
    put32(f + ACPI_FADT_FIRMWARE_CTRL, t->facs);
    put32(f + ACPI_FADT_DSDT, t->dsdt);
    put16(f + ACPI_FADT_SCI_INT, pm->sci_irq);
    /* SMI_CMD 0: no SMM, the machine is always in ACPI mode (SCI_EN set). */
    put32(f + ACPI_FADT_SMI_CMD, 0);
    put32(f + ACPI_FADT_PM1A_EVT_BLK, pm->pm_base);
    put32(f + ACPI_FADT_PM1A_CNT_BLK, pm->pm_base + 0x04u);
    put32(f + ACPI_FADT_PM_TMR_BLK, pm->pm_base + 0x08u);
    put32(f + ACPI_FADT_GPE0_BLK, pm->pm_base + 0x0Cu);
    f[ACPI_FADT_PM1_EVT_LEN] = 4;
    f[ACPI_FADT_PM1_CNT_LEN] = 2;
    f[ACPI_FADT_PM_TMR_LEN] = 4;
    f[ACPI_FADT_GPE0_BLK_LEN] = 4;
    /* C2/C3 latencies above 100/1000 us: those states are not supported. */
    put16(f + 96, 0x0FFF);
    put16(f + 98, 0x0FFF);
    /* PWR_BUTTON clear: the power button is the fixed-feature one
     * (PM1 PWRBTN_STS/EN); no sleep button; the PM timer is 24 bits. */
    put32(f + ACPI_FADT_FLAGS, ACPI_FADT_WBINVD | ACPI_FADT_PROC_C1 | ACPI_FADT_SLP_BUTTON);
    return true;
}

static bool add_rsdt(struct acpi_tables *t)
{
    uint32_t len = ACPI_HEADER_SIZE + 4;
    if ((t->rsdt = reserve(t, len, 4)) == UINT32_MAX)
        return false;
    header(t->blob + t->rsdt, "RSDT", len, 1);
    put32(t->blob + t->rsdt + ACPI_HEADER_SIZE, t->fadt);
    return true;
}

bool acpi_build_tables(const struct acpi_pm_layout *pm, struct acpi_tables *t)
{
    memset(t, 0, sizeof(*t));
    if (!add_facs(t) || !add_dsdt(t, pm) || !add_fadt(t, pm) || !add_rsdt(t))
        return false;
    memcpy(t->rsdp, "RSD PTR ", 8);
    memcpy(t->rsdp + 9, OEM_ID, 6);
    t->rsdp[15] = 0; /* revision 0: ACPI 1.0, RSDT only */
    put32(t->rsdp + ACPI_RSDP_RSDT_ADDRESS, t->rsdt);
    return true;
}

static void add_base(uint8_t *p, uint32_t base)
{
    put32(p, get32(p) + base);
}

static void set_checksum(uint8_t *table, uint32_t len, uint32_t at)
{
    table[at] = 0;
    table[at] = (uint8_t)-acpi_checksum(table, len);
}

void acpi_link_tables(struct acpi_tables *t, uint32_t tables_addr)
{
    add_base(t->blob + t->fadt + ACPI_FADT_FIRMWARE_CTRL, tables_addr);
    add_base(t->blob + t->fadt + ACPI_FADT_DSDT, tables_addr);
    add_base(t->blob + t->rsdt + ACPI_HEADER_SIZE, tables_addr);
    add_base(t->rsdp + ACPI_RSDP_RSDT_ADDRESS, tables_addr);
    const uint32_t tables[] = {t->dsdt, t->fadt, t->rsdt};
    for (unsigned i = 0; i < 3; i++)
        set_checksum(t->blob + tables[i], get32(t->blob + tables[i] + 4), 9);
    set_checksum(t->rsdp, ACPI_RSDP_SIZE, 8);
}

/* Appends one zeroed 128-byte command; NULL when out is full. */
static uint8_t *command(uint8_t *out, size_t cap, size_t *n, uint32_t cmd)
{
    if ((*n + 1) * ACPI_LOADER_ENTRY_SIZE > cap)
        return NULL;
    uint8_t *e = out + *n * ACPI_LOADER_ENTRY_SIZE;
    memset(e, 0, ACPI_LOADER_ENTRY_SIZE);
    put32(e, cmd);
    (*n)++;
    return e;
}

static void name(uint8_t *field, const char *file)
{
    strncpy((char *)field, file, ACPI_LOADER_FILESZ - 1);
}

static void allocate(uint8_t *out, size_t cap, size_t *n, const char *file, uint32_t align,
                     uint8_t zone)
{
    uint8_t *e = command(out, cap, n, ACPI_LOADER_ALLOCATE);
    if (!e)
        return;
    name(e + 4, file);
    put32(e + 4 + ACPI_LOADER_FILESZ, align);
    e[4 + ACPI_LOADER_FILESZ + 4] = zone;
}

/* dest_file[offset], 4 bytes, += the address of src_file. */
static void add_pointer(uint8_t *out, size_t cap, size_t *n, const char *dest, uint32_t offset,
                        const char *src)
{
    uint8_t *e = command(out, cap, n, ACPI_LOADER_ADD_PTR);
    if (!e)
        return;
    name(e + 4, dest);
    name(e + 4 + ACPI_LOADER_FILESZ, src);
    put32(e + 4 + 2 * ACPI_LOADER_FILESZ, offset);
    e[4 + 2 * ACPI_LOADER_FILESZ + 4] = 4;
}

static void add_checksum(uint8_t *out, size_t cap, size_t *n, const char *file, uint32_t start,
                         uint32_t len, uint32_t at)
{
    uint8_t *e = command(out, cap, n, ACPI_LOADER_ADD_CKSUM);
    if (!e)
        return;
    name(e + 4, file);
    put32(e + 4 + ACPI_LOADER_FILESZ, start + at);
    put32(e + 4 + ACPI_LOADER_FILESZ + 4, start);
    put32(e + 4 + ACPI_LOADER_FILESZ + 8, len);
}

size_t acpi_table_loader(const struct acpi_tables *t, uint8_t *out, size_t cap)
{
    size_t n = 0;
    /* The RSDP must be where the OS scans for it (§5.2.5.1): the F segment. */
    allocate(out, cap, &n, ACPI_FILE_RSDP, 16, ACPI_LOADER_ZONE_FSEG);
    allocate(out, cap, &n, ACPI_FILE_TABLES, 64, ACPI_LOADER_ZONE_HIGH);
    add_pointer(out, cap, &n, ACPI_FILE_TABLES, t->fadt + ACPI_FADT_FIRMWARE_CTRL,
                ACPI_FILE_TABLES);
    add_pointer(out, cap, &n, ACPI_FILE_TABLES, t->fadt + ACPI_FADT_DSDT, ACPI_FILE_TABLES);
    add_pointer(out, cap, &n, ACPI_FILE_TABLES, t->rsdt + ACPI_HEADER_SIZE, ACPI_FILE_TABLES);
    add_pointer(out, cap, &n, ACPI_FILE_RSDP, ACPI_RSDP_RSDT_ADDRESS, ACPI_FILE_TABLES);
    const uint32_t tables[] = {t->dsdt, t->fadt, t->rsdt};
    for (unsigned i = 0; i < 3; i++)
        add_checksum(out, cap, &n, ACPI_FILE_TABLES, tables[i], get32(t->blob + tables[i] + 4), 9);
    add_checksum(out, cap, &n, ACPI_FILE_RSDP, 0, ACPI_RSDP_SIZE, 8);
    return n * ACPI_LOADER_ENTRY_SIZE;
}
