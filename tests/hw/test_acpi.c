/* ACPI tables (checksums, FADT fields, the DSDT's AML, SeaBIOS's table-loader
 * commands applied as SeaBIOS applies them) and the PIIX4 power-management
 * function (PM I/O mapping, SCI, power button, S5, PM timer). */
#include "hw/acpi/acpi-tables.h"
#include "hw/acpi/aml.h"
#include "hw/acpi/piix4-pm.h"

#include <check.h>
#include <string.h>

static const struct acpi_pm_layout layout = {0x600, 9, 0x10000000};

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static bool contains(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return true;
    return false;
}

START_TEST(linked_tables_have_valid_checksums_and_pointers)
{
    static struct acpi_tables t;
    ck_assert(acpi_build_tables(&layout, &t));
    const uint32_t base = 0xE0040;
    acpi_link_tables(&t, base);
    ck_assert_mem_eq(t.rsdp, "RSD PTR ", 8);
    ck_assert_uint_eq(acpi_checksum(t.rsdp, ACPI_RSDP_SIZE), 0);
    ck_assert_uint_eq(get32(t.rsdp + 16), base + t.rsdt);
    const uint8_t *rsdt = t.blob + t.rsdt, *fadt = t.blob + t.fadt, *dsdt = t.blob + t.dsdt;
    ck_assert_mem_eq(rsdt, "RSDT", 4);
    ck_assert_uint_eq(get32(rsdt + 4), 40);
    ck_assert_uint_eq(acpi_checksum(rsdt, 40), 0);
    ck_assert_uint_eq(get32(rsdt + 36), base + t.fadt);
    ck_assert_mem_eq(fadt, "FACP", 4);
    ck_assert_uint_eq(get32(fadt + 4), ACPI_FADT_SIZE);
    ck_assert_uint_eq(acpi_checksum(fadt, ACPI_FADT_SIZE), 0);
    ck_assert_uint_eq(get32(fadt + 36), base + t.facs);
    ck_assert_uint_eq((base + t.facs) % 64, 0);
    ck_assert_mem_eq(t.blob + t.facs, "FACS", 4);
    ck_assert_uint_eq(get32(fadt + 40), base + t.dsdt);
    ck_assert_mem_eq(dsdt, "DSDT", 4);
    ck_assert_uint_eq(acpi_checksum(dsdt, get32(dsdt + 4)), 0);
    ck_assert_uint_le(t.len, 0x4000 - 0x40); /* fits the PAM5 shadow of -kernel boots */
}
END_TEST

START_TEST(fadt_describes_piix4_pm_and_fixed_power_button)
{
    static struct acpi_tables t;
    ck_assert(acpi_build_tables(&layout, &t));
    const uint8_t *f = t.blob + t.fadt;
    ck_assert_uint_eq(get16(f + ACPI_FADT_SCI_INT), 9);
    ck_assert_uint_eq(get32(f + ACPI_FADT_SMI_CMD), 0);
    ck_assert_uint_eq(get32(f + ACPI_FADT_PM1A_EVT_BLK), 0x600);
    ck_assert_uint_eq(get32(f + ACPI_FADT_PM1A_CNT_BLK), 0x604);
    ck_assert_uint_eq(get32(f + ACPI_FADT_PM_TMR_BLK), 0x608);
    ck_assert_uint_eq(get32(f + ACPI_FADT_GPE0_BLK), 0x60C);
    ck_assert_uint_eq(f[ACPI_FADT_PM1_EVT_LEN], 4);
    ck_assert_uint_eq(f[ACPI_FADT_PM1_CNT_LEN], 2);
    ck_assert_uint_eq(f[ACPI_FADT_PM_TMR_LEN], 4);
    ck_assert_uint_eq(f[ACPI_FADT_GPE0_BLK_LEN], 4);
    uint32_t flags = get32(f + ACPI_FADT_FLAGS);
    ck_assert_uint_eq(flags & ACPI_FADT_PWR_BUTTON, 0);
    ck_assert_uint_ne(flags & ACPI_FADT_SLP_BUTTON, 0);
    ck_assert_uint_eq(flags & (1u << 8), 0); /* TMR_VAL_EXT: 24-bit timer */
}
END_TEST

START_TEST(dsdt_names_s5_pci_root_keyboard_and_mouse)
{
    static struct acpi_tables t;
    ck_assert(acpi_build_tables(&layout, &t));
    const uint8_t *aml = t.blob + t.dsdt + ACPI_HEADER_SIZE;
    size_t n = get32(t.blob + t.dsdt + 4) - ACPI_HEADER_SIZE;
    /* Name(\_S5_, Package(4) {Zero, Zero, Zero, Zero}) */
    static const uint8_t s5[] = {0x08, 0x5C, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0};
    ck_assert(contains(aml, n, s5, sizeof(s5)));
    /* Device(\_SB.PCI0) with Name(_HID, EisaId("PNP0A03")) */
    static const uint8_t dev[] = {0x5C, 0x2E, '_', 'S', 'B', '_', 'P', 'C', 'I', '0'};
    static const uint8_t hid[] = {0x08, '_', 'H', 'I', 'D', 0x0C, 0x41, 0xD0, 0x0A, 0x03};
    ck_assert(contains(aml, n, dev, sizeof(dev)));
    ck_assert(contains(aml, n, hid, sizeof(hid)));
    /* The 8042's keyboard (PNP0303) and mouse (PNP0F13), IRQs 1 and 12. */
    static const uint8_t kbd[] = {0x0C, 0x41, 0xD0, 0x03, 0x03};
    static const uint8_t mou[] = {0x0C, 0x41, 0xD0, 0x0F, 0x13};
    static const uint8_t irq1[] = {0x22, 0x02, 0x00, 0x79}, irq12[] = {0x22, 0x00, 0x10, 0x79};
    ck_assert(contains(aml, n, kbd, sizeof(kbd)) && contains(aml, n, irq1, sizeof(irq1)));
    ck_assert(contains(aml, n, mou, sizeof(mou)) && contains(aml, n, irq12, sizeof(irq12)));
    ck_assert_uint_eq(aml[0], 0x08); /* the block starts with the Name of \_S5 */
    /* _PRT: slot 3 pin INTA (PIRQD) reaches IRQ 11. */
    static const uint8_t prt[] = {0x12, 0x0B, 0x04, 0x0C, 0xFF, 0xFF,
                                  0x03, 0x00, 0x00, 0x00, 0x0A, 0x0B};
    ck_assert(contains(aml, n, prt, sizeof(prt)));
}
END_TEST

START_TEST(aml_package_length_counts_its_own_bytes)
{
    struct aml_buf b = {0};
    ck_assert(aml_pkg_length(&b, 10));
    ck_assert(aml_pkg_length(&b, 62));
    ck_assert(aml_pkg_length(&b, 63)); /* 63 + 1 > 63: two bytes, total 65 */
    ck_assert(aml_pkg_length(&b, 0x1000));
    ck_assert(!aml_pkg_length(&b, 1u << 28));
    static const uint8_t want[] = {11, 63, 0x41, 0x04, 0x83, 0x00, 0x01};
    ck_assert_uint_eq(b.len, sizeof(want));
    ck_assert_mem_eq(b.data, want, sizeof(want));
    aml_free(&b);
    ck_assert_uint_eq(aml_eisa_id("PNP0C0C"), 0x0C0CD041u);
}
END_TEST

/* SeaBIOS's romfile loader (src/fw/romfile_loader.c) on two files placed at
 * chosen addresses. */
struct placed {
    const char *name;
    uint8_t *data;
    uint32_t len, addr;
};

static struct placed *find(struct placed *f, const uint8_t *name)
{
    for (int i = 0; i < 2; i++)
        if (strcmp(f[i].name, (const char *)name) == 0)
            return &f[i];
    ck_abort_msg("unknown file %s", name);
    return NULL;
}

static void run_loader(const uint8_t *cmds, size_t len, struct placed *f)
{
    for (size_t off = 0; off < len; off += ACPI_LOADER_ENTRY_SIZE) {
        const uint8_t *e = cmds + off;
        if (get32(e) == ACPI_LOADER_ADD_PTR) {
            struct placed *dst = find(f, e + 4), *src = find(f, e + 60);
            uint32_t at = get32(e + 116);
            ck_assert_uint_eq(e[120], 4);
            ck_assert_uint_le(at + 4, dst->len);
            uint32_t v = get32(dst->data + at) + src->addr;
            for (int i = 0; i < 4; i++)
                dst->data[at + i] = (uint8_t)(v >> (8 * i));
        } else if (get32(e) == ACPI_LOADER_ADD_CKSUM) {
            struct placed *p = find(f, e + 4);
            uint32_t at = get32(e + 60), start = get32(e + 64), n = get32(e + 68);
            ck_assert_uint_le(start + n, p->len);
            p->data[at] = (uint8_t)(p->data[at] - acpi_checksum(p->data + start, n));
        }
    }
}

START_TEST(table_loader_commands_link_like_seabios)
{
    static struct acpi_tables t;
    ck_assert(acpi_build_tables(&layout, &t));
    uint8_t cmds[ACPI_LOADER_MAX * ACPI_LOADER_ENTRY_SIZE];
    size_t len = acpi_table_loader(&t, cmds, sizeof(cmds));
    ck_assert_uint_eq(len, 10 * ACPI_LOADER_ENTRY_SIZE);
    ck_assert_uint_eq(get32(cmds), ACPI_LOADER_ALLOCATE);
    ck_assert_str_eq((const char *)cmds + 4, "etc/acpi/rsdp");
    ck_assert_uint_eq(get32(cmds + 60), 16);
    ck_assert_uint_eq(cmds[64], ACPI_LOADER_ZONE_FSEG);
    ck_assert_str_eq((const char *)cmds + 128 + 4, "etc/acpi/tables");
    ck_assert_uint_eq(get32(cmds + 128 + 60), 64);
    ck_assert_uint_eq(cmds[128 + 64], ACPI_LOADER_ZONE_HIGH);
    struct placed f[2] = {{"etc/acpi/rsdp", t.rsdp, ACPI_RSDP_SIZE, 0xF5A10},
                          {"etc/acpi/tables", t.blob, t.len, 0x07FE0000}};
    run_loader(cmds, len, f);
    ck_assert_uint_eq(acpi_checksum(t.rsdp, ACPI_RSDP_SIZE), 0);
    ck_assert_uint_eq(get32(t.rsdp + 16), 0x07FE0000 + t.rsdt);
    ck_assert_uint_eq(get32(t.blob + t.rsdt + 36), 0x07FE0000 + t.fadt);
    ck_assert_uint_eq(get32(t.blob + t.fadt + 40), 0x07FE0000 + t.dsdt);
    const uint32_t tables[] = {t.rsdt, t.fadt, t.dsdt};
    for (int i = 0; i < 3; i++)
        ck_assert_uint_eq(acpi_checksum(t.blob + tables[i], get32(t.blob + tables[i] + 4)), 0);
}
END_TEST

static struct pci_bus bus;
static struct mmu_io_space *io;
static struct hw_clock clk;
static struct piix4_pm pm;
static int sci, poweroffs;

static void sci_line(void *opaque, int n, int level)
{
    (void)opaque;
    (void)n;
    sci = level;
}

static void count_poweroff(void *opaque)
{
    (void)opaque;
    poweroffs++;
}

static void pm_setup(void)
{
    io = mmu_io_new();
    clock_init(&clk, 0);
    pci_bus_init(&bus, NULL, io);
    piix4_pm_init(&pm, io, &clk);
    irq_connect(&pm.sci, sci_line, NULL, 0);
    pm.poweroff = count_poweroff;
    ck_assert(pci_register(&bus, &pm.dev, PCI_DEVFN(1, 3)));
    sci = poweroffs = 0;
}

static void pm_teardown(void)
{
    mmu_io_free(io);
}

static void enable_at(uint16_t base)
{
    pci_config_write(&bus, PCI_DEVFN(1, 3), PIIX4_PM_PMBA, base | 1u, 4);
    pci_config_write(&bus, PCI_DEVFN(1, 3), PIIX4_PM_REGMISC, 1, 1);
}

START_TEST(pm_io_space_appears_at_pmba_once_enabled)
{
    ck_assert_uint_eq(pci_config_read(&bus, PCI_DEVFN(1, 3), 0, 4), 0x71138086);
    ck_assert_uint_eq(pci_config_read(&bus, PCI_DEVFN(1, 3), PIIX4_PM_DEVACTB, 4) >> 25 & 1, 1);
    pci_config_write(&bus, PCI_DEVFN(1, 3), PIIX4_PM_PMBA, 0xb001, 4);
    ck_assert_uint_eq(mmu_io_read(io, 0xb004, 2), 0xFFFF); /* PMIOSE still clear */
    pci_config_write(&bus, PCI_DEVFN(1, 3), PIIX4_PM_REGMISC, 1, 1);
    ck_assert_uint_eq(mmu_io_read(io, 0xb004, 2), PIIX4_PM1_CNT_SCI_EN);
    enable_at(0x600); /* moved */
    ck_assert_uint_eq(mmu_io_read(io, 0xb004, 2), 0xFFFF);
    ck_assert_uint_eq(mmu_io_read(io, 0x604, 2), PIIX4_PM1_CNT_SCI_EN);
    ck_assert_uint_eq(pci_config_read(&bus, PCI_DEVFN(1, 3), PIIX4_PM_PMBA, 4), 0x601);
}
END_TEST

START_TEST(power_button_raises_sci_only_when_enabled)
{
    enable_at(0x600);
    piix4_pm_power_button(&pm);
    ck_assert_uint_eq(mmu_io_read(io, 0x600 + PIIX4_PM1_STS, 2) & PIIX4_PM1_PWRBTN,
                      PIIX4_PM1_PWRBTN);
    ck_assert_int_eq(sci, 0);
    mmu_io_write(io, 0x600 + PIIX4_PM1_EN, PIIX4_PM1_PWRBTN, 2);
    ck_assert_int_eq(sci, 1);
    mmu_io_write(io, 0x600 + PIIX4_PM1_STS, PIIX4_PM1_PWRBTN, 2); /* write 1 to clear */
    ck_assert_int_eq(sci, 0);
    ck_assert_uint_eq(mmu_io_read(io, 0x600 + PIIX4_PM1_STS, 2), 0);
    /* With SCI_EN clear the event stays in the status register only. */
    mmu_io_write(io, 0x600 + PIIX4_PM1_CNT, 0, 2);
    piix4_pm_power_button(&pm);
    ck_assert_int_eq(sci, 0);
    mmu_io_write(io, 0x600 + PIIX4_PM1_CNT, PIIX4_PM1_CNT_SCI_EN, 2);
    ck_assert_int_eq(sci, 1);
}
END_TEST

START_TEST(slp_en_with_soft_off_type_powers_off)
{
    enable_at(0x600);
    mmu_io_write(io, 0x604, PIIX4_PM1_CNT_SCI_EN | 5u << 10, 2); /* type only: nothing */
    mmu_io_write(io, 0x604, PIIX4_PM1_CNT_SCI_EN | 5u << 10 | PIIX4_PM1_CNT_SLP_EN, 2);
    ck_assert_int_eq(poweroffs, 0);
    ck_assert_uint_eq(mmu_io_read(io, 0x604, 2),
                      PIIX4_PM1_CNT_SCI_EN | 5u << 10);      /* SLP_EN reads 0 */
    mmu_io_write(io, 0x605, (PIIX4_PM1_CNT_SLP_EN) >> 8, 1); /* byte write: SLP_TYP 0 */
    ck_assert_int_eq(poweroffs, 1);
}
END_TEST

START_TEST(pm_timer_counts_3579545_hz_of_virtual_time)
{
    enable_at(0x600);
    clock_start(&clk);
    uint32_t t0 = (uint32_t)mmu_io_read(io, 0x608, 4);
    clock_add_insns(&clk, 1000000000); /* icount shift 0: 1 ns per instruction */
    uint32_t t1 = (uint32_t)mmu_io_read(io, 0x608, 4);
    ck_assert_uint_eq(t1 - t0, 3579545);
    clock_add_insns(&clk, 4000000000u); /* past 2^24 ticks: wraps at 24 bits */
    uint32_t t2 = (uint32_t)mmu_io_read(io, 0x608, 4);
    ck_assert_uint_lt(t2, 1u << 24);
    ck_assert_uint_eq(t2, (uint32_t)(5000000000ull * 3579545 / 1000000000) & 0xFFFFFF);
}
END_TEST

/* A state load (loadvm, migration) brings back the registers, the PM I/O
 * mapping from the loaded configuration space and the SCI level. */
START_TEST(state_load_restores_registers_mapping_and_sci)
{
    enable_at(0xb000);
    mmu_io_write(io, 0xb000 + PIIX4_PM1_EN, PIIX4_PM1_PWRBTN, 2);
    piix4_pm_power_button(&pm);
    ck_assert_int_eq(sci, 1);
    struct vms_buf cfg = {0}, regs = {0};
    ck_assert(vms_save(&pci_device_vmstate, &pm.dev, &cfg));
    ck_assert(vms_save(&piix4_pm_vmstate, &pm, &regs));
    piix4_pm_reset(&pm);
    ck_assert_int_eq(sci, 0);
    ck_assert_uint_eq(mmu_io_read(io, 0xb000, 2), 0xFFFF);
    char err[256];
    size_t pos = 0;
    ck_assert_msg(vms_load(&pci_device_vmstate, &pm.dev, cfg.data, cfg.len, &pos, err, sizeof(err)),
                  "%s", err);
    pos = 0;
    ck_assert_msg(vms_load(&piix4_pm_vmstate, &pm, regs.data, regs.len, &pos, err, sizeof(err)),
                  "%s", err);
    ck_assert_uint_eq(mmu_io_read(io, 0xb000 + PIIX4_PM1_STS, 2), PIIX4_PM1_PWRBTN);
    ck_assert_uint_eq(mmu_io_read(io, 0xb000 + PIIX4_PM1_EN, 2), PIIX4_PM1_PWRBTN);
    ck_assert_int_eq(sci, 1);
    vms_buf_free(&cfg);
    vms_buf_free(&regs);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("hw_acpi");
    TCase *tables = tcase_create("tables");
    tcase_add_test(tables, linked_tables_have_valid_checksums_and_pointers);
    tcase_add_test(tables, fadt_describes_piix4_pm_and_fixed_power_button);
    tcase_add_test(tables, dsdt_names_s5_pci_root_keyboard_and_mouse);
    tcase_add_test(tables, aml_package_length_counts_its_own_bytes);
    tcase_add_test(tables, table_loader_commands_link_like_seabios);
    suite_add_tcase(s, tables);
    TCase *pmc = tcase_create("piix4_pm");
    tcase_add_checked_fixture(pmc, pm_setup, pm_teardown);
    tcase_add_test(pmc, pm_io_space_appears_at_pmba_once_enabled);
    tcase_add_test(pmc, power_button_raises_sci_only_when_enabled);
    tcase_add_test(pmc, slp_en_with_soft_off_type_powers_off);
    tcase_add_test(pmc, pm_timer_counts_3579545_hz_of_virtual_time);
    tcase_add_test(pmc, state_load_restores_registers_mapping_and_sci);
    suite_add_tcase(s, pmc);
    return s;
}
