/* PCI bus, i440FX and PIIX3: configuration mechanism #1, read-only and
 * write-1-to-clear fields, BAR sizing and mapping, INTx through PIRQ routing,
 * PAM shadowing, reset control. */
#include "hw/pci/i440fx.h"
#include "hw/pci/piix3.h"

#include <check.h>
#include <string.h>

static struct mmu_phys_space *mem;
static struct mmu_io_space *io;
static struct pci_bus bus;
static struct i440fx host;
static struct piix3 isa;
static int isa_irq[16], resets;
static uint8_t rom[0x20000];

static void on_isa_irq(void *opaque, int n, int level)
{
    (void)opaque;
    isa_irq[n] = level;
}

static void on_reset(void *opaque, int n, int level)
{
    (void)opaque, (void)n;
    resets += level;
}

static void setup(void)
{
    mem = mmu_phys_new(1 << 20);
    io = mmu_io_new();
    ck_assert_ptr_nonnull(mmu_phys_map_ram(mem, 0, 1 << 20, 0, 0));
    for (size_t i = 0; i < sizeof(rom); i++)
        rom[i] = (uint8_t)(i * 7);
    ck_assert_ptr_nonnull(mmu_phys_map_rom(mem, 0xE0000, sizeof(rom), rom, 1));
    pci_bus_init(&bus, mem, io);
    ck_assert(pci_bus_register_io(&bus));
    ck_assert(i440fx_init(&host, mem, 2));
    ck_assert(pci_register(&bus, &host.dev, PCI_DEVFN(0, 0)));
    piix3_init(&isa, &bus);
    ck_assert(pci_register(&bus, &isa.dev, PCI_DEVFN(1, 0)));
    memset(isa_irq, 0, sizeof(isa_irq));
    resets = 0;
    for (int i = 0; i < 16; i++)
        irq_connect(&isa.isa_irq[i], on_isa_irq, NULL, i);
    irq_connect(&isa.reset, on_reset, NULL, 0);
}

static void teardown(void)
{
    mmu_io_free(io);
    mmu_phys_free(mem);
}

static uint32_t cfg_read(int slot, int fn, int reg, unsigned size)
{
    mmu_io_write(io, 0xCF8, 0x80000000u | slot << 11 | fn << 8 | (reg & 0xFC), 4);
    return (uint32_t)mmu_io_read(io, (uint16_t)(0xCFC + (reg & 3)), size);
}

static void cfg_write(int slot, int fn, int reg, uint32_t v, unsigned size)
{
    mmu_io_write(io, 0xCF8, 0x80000000u | slot << 11 | fn << 8 | (reg & 0xFC), 4);
    mmu_io_write(io, (uint16_t)(0xCFC + (reg & 3)), v, size);
}

START_TEST(pci_config_mechanism_reads_ids)
{
    ck_assert_uint_eq(cfg_read(0, 0, 0, 4), 0x12378086);
    ck_assert_uint_eq(cfg_read(1, 0, 0, 4), 0x70008086);
    ck_assert_uint_eq(cfg_read(1, 0, 2, 2), 0x7000);
    ck_assert_uint_eq(cfg_read(1, 0, 0x0A, 2), 0x0601); /* ISA bridge class */
    ck_assert_uint_eq(cfg_read(0, 0, 0x0A, 2), 0x0600);
    ck_assert_uint_eq(cfg_read(2, 0, 0, 4), 0xFFFFFFFF); /* empty slot */
    ck_assert_uint_eq(cfg_read(1, 0, 0x0E, 1) & 0x80, 0x80);
    mmu_io_write(io, 0xCF8, 0x00000000, 4); /* enable bit clear */
    ck_assert_uint_eq(mmu_io_read(io, 0xCFC, 4), 0xFFFFFFFF);
    mmu_io_write(io, 0xCF8, 0x80010000, 4); /* bus 1 */
    ck_assert_uint_eq(mmu_io_read(io, 0xCFC, 4), 0xFFFFFFFF);
    ck_assert_uint_eq(mmu_io_read(io, 0xCF8, 4), 0x80010000);
}
END_TEST

START_TEST(pci_read_only_and_write_one_to_clear)
{
    cfg_write(0, 0, 0, 0xDEADBEEF, 4);
    ck_assert_uint_eq(cfg_read(0, 0, 0, 4), 0x12378086);
    cfg_write(0, 0, PCI_COMMAND, 0xFFFF, 2);
    ck_assert_uint_eq(cfg_read(0, 0, PCI_COMMAND, 2), 0x0547);
    host.dev.config[PCI_STATUS + 1] = 0xF9; /* error bits set */
    cfg_write(0, 0, PCI_STATUS, 0x0800, 2); /* clear one */
    ck_assert_uint_eq(cfg_read(0, 0, PCI_STATUS, 2), 0xF100);
}
END_TEST

static uint64_t last_off;
static uint64_t dev_read(void *opaque, uint64_t off, unsigned size)
{
    (void)opaque, (void)size;
    last_off = off;
    return 0xA5;
}

static void dev_write(void *opaque, uint64_t off, uint64_t v, unsigned size)
{
    (void)opaque, (void)size, (void)v;
    last_off = off;
}

static const struct mmu_io_ops dev_ops = {dev_read, dev_write, MMU_WIDTH_ALL};

START_TEST(pci_bar_sizing_and_mapping_follow_command)
{
    struct pci_device d;
    pci_device_init(&d, "test", 0x1234, 0x5678, 0x020000, 0, 1);
    pci_declare_bar(&d, 0, 32, true, &dev_ops, NULL);
    pci_declare_bar(&d, 1, 4096, false, &dev_ops, NULL);
    ck_assert(pci_register(&bus, &d, PCI_DEVFN(3, 0)));
    cfg_write(3, 0, 0x10, 0xFFFFFFFF, 4);
    cfg_write(3, 0, 0x14, 0xFFFFFFFF, 4);
    ck_assert_uint_eq(cfg_read(3, 0, 0x10, 4), 0xFFFFFFE1);
    ck_assert_uint_eq(cfg_read(3, 0, 0x14, 4), 0xFFFFF000);
    cfg_write(3, 0, 0x10, 0xC100, 4);
    cfg_write(3, 0, 0x14, 0xFEB00000, 4);
    ck_assert_uint_eq(mmu_io_read(io, 0xC104, 1), 0xFF); /* decoding off */
    cfg_write(3, 0, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY, 2);
    ck_assert_uint_eq(mmu_io_read(io, 0xC104, 1), 0xA5);
    ck_assert_uint_eq(last_off, 4);
    ck_assert_uint_eq(mmu_phys_load(mem, 0xFEB00010, 1), 0xA5);
    ck_assert_uint_eq(last_off, 0x10);
    cfg_write(3, 0, 0x10, 0xC200, 4); /* move */
    ck_assert_uint_eq(mmu_io_read(io, 0xC104, 1), 0xFF);
    ck_assert_uint_eq(mmu_io_read(io, 0xC21F, 1), 0xA5);
    cfg_write(3, 0, PCI_COMMAND, 0, 2);
    ck_assert_uint_eq(mmu_io_read(io, 0xC21F, 1), 0xFF);
    ck_assert_uint_eq(mmu_phys_load(mem, 0xFEB00010, 1), 0xFF);
}
END_TEST

START_TEST(pci_intx_reaches_isa_irq_through_pirq_route)
{
    struct pci_device a, b;
    pci_device_init(&a, "a", 0x1234, 1, 0x020000, 0, 1);
    pci_device_init(&b, "b", 0x1234, 2, 0x020000, 0, 2);
    ck_assert(pci_register(&bus, &a, PCI_DEVFN(3, 0))); /* INTA -> PIRQD */
    ck_assert(pci_register(&bus, &b, PCI_DEVFN(2, 0))); /* INTB -> PIRQD */
    ck_assert_int_eq(pci_pirq_of(PCI_DEVFN(3, 0), 1), 3);
    pci_set_irq(&a, 1);
    ck_assert_int_eq(isa_irq[11], 0); /* not routed yet */
    cfg_write(1, 0, PIIX3_PIRQRC + 3, 11, 1);
    ck_assert_int_eq(isa_irq[11], 1);
    ck_assert_uint_eq(cfg_read(3, 0, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, PCI_STATUS_INTERRUPT);
    pci_set_irq(&b, 1);
    pci_set_irq(&a, 0);
    ck_assert_int_eq(isa_irq[11], 1); /* still held by b */
    cfg_write(2, 0, PCI_COMMAND, PCI_COMMAND_INTX_DISABLE, 2);
    ck_assert_int_eq(isa_irq[11], 0);
    cfg_write(2, 0, PCI_COMMAND, 0, 2);
    ck_assert_int_eq(isa_irq[11], 1);
    cfg_write(1, 0, PIIX3_PIRQRC + 3, 0x8B, 1); /* route disabled */
    ck_assert_int_eq(isa_irq[11], 0);
    cfg_write(1, 0, PIIX3_PIRQRC + 3, 13, 1); /* IRQ13 is not routable */
    ck_assert_int_eq(isa_irq[13], 0);
}
END_TEST

START_TEST(i440fx_pam_switches_shadow_between_rom_and_ram)
{
    uint8_t rom_byte = rom[0x10000 + 0x123];
    ck_assert_uint_eq(mmu_phys_load(mem, 0xF0123, 1), rom_byte);
    mmu_phys_store(mem, 0xF0123, 0x5A, 1);
    ck_assert_uint_eq(mmu_phys_load(mem, 0xF0123, 1), rom_byte); /* ROM ignores it */
    cfg_write(0, 0, I440FX_PAM0, 0x20, 1);                       /* WE: write to RAM */
    mmu_phys_store(mem, 0xF0123, 0x5A, 1);
    ck_assert_uint_eq(mmu_phys_load(mem, 0xF0123, 1), rom_byte); /* reads still ROM */
    cfg_write(0, 0, I440FX_PAM0, 0x30, 1);
    ck_assert_uint_eq(mmu_phys_load(mem, 0xF0123, 1), 0x5A);
    cfg_write(0, 0, I440FX_PAM0, 0x10, 1); /* RE only: RAM read-only */
    mmu_phys_store(mem, 0xF0123, 0x77, 1);
    ck_assert_uint_eq(mmu_phys_load(mem, 0xF0123, 1), 0x5A);
    ck_assert_uint_eq(cfg_read(0, 0, I440FX_PAM0, 1), 0x10);
    /* PAM5 high nibble is 0xE4000-0xE7FFF; its neighbour stays ROM. */
    cfg_write(0, 0, I440FX_PAM0 + 5, 0x30, 1);
    mmu_phys_store(mem, 0xE4000, 0x11, 1);
    ck_assert_uint_eq(mmu_phys_load(mem, 0xE4000, 1), 0x11);
    ck_assert_uint_eq(mmu_phys_load(mem, 0xE0000, 1), rom[0]);
}
END_TEST

START_TEST(piix3_reset_control_register)
{
    mmu_io_write(io, 0xCF9, 0x02, 1);
    ck_assert_int_eq(resets, 0);
    ck_assert_uint_eq(mmu_io_read(io, 0xCF9, 1), 0x02);
    mmu_io_write(io, 0xCF9, 0x06, 1);
    ck_assert_int_eq(resets, 1);
}
END_TEST

START_TEST(pci_bus_restore_rebuilds_mappings_and_irqs)
{
    struct pci_device d;
    pci_device_init(&d, "test", 0x1234, 0x5678, 0x020000, 0, 1);
    pci_declare_bar(&d, 0, 16, true, &dev_ops, NULL);
    ck_assert(pci_register(&bus, &d, PCI_DEVFN(3, 0)));
    cfg_write(1, 0, PIIX3_PIRQRC + 3, 10, 1);
    /* As a state load leaves it: BAR at 0xD000, I/O on, INTx asserted. */
    d.config[0x10] = 0x01;
    d.config[0x11] = 0xD0;
    d.config[PCI_COMMAND] = PCI_COMMAND_IO;
    d.intx_level = true;
    pci_bus_restore(&bus);
    piix3_update_irqs(&isa);
    ck_assert_uint_eq(mmu_io_read(io, 0xD00F, 1), 0xA5);
    ck_assert_int_eq(isa_irq[10], 1);
}
END_TEST

START_TEST(pci_info_lists_functions_and_bars)
{
    struct pci_device d;
    pci_device_init(&d, "nic", 0x10EC, 0x8029, 0x020000, 0, 1);
    pci_declare_bar(&d, 0, 32, true, &dev_ops, NULL);
    ck_assert(pci_register(&bus, &d, PCI_DEVFN(3, 0)));
    cfg_write(3, 0, 0x10, 0xC100, 4);
    cfg_write(3, 0, PCI_COMMAND, PCI_COMMAND_IO, 2);
    cfg_write(3, 0, PCI_INTERRUPT_LINE, 11, 1);
    char buf[1024];
    int n = pci_info(&bus, buf, sizeof(buf));
    ck_assert_int_eq(n, (int)strlen(buf));
    ck_assert_ptr_nonnull(strstr(buf, "  Bus  0, device   0, function 0:\n    i440FX: PCI device "
                                      "8086:1237, class 0600, rev 02\n"));
    ck_assert_ptr_nonnull(strstr(buf,
                                 "    nic: PCI device 10ec:8029, class 0200, rev 00\n"
                                 "      IRQ 11, pin A\n      BAR0: I/O at 0xc100 [0xc11f].\n"));
    char small[16];
    ck_assert_int_eq(pci_info(&bus, small, sizeof(small)), n); /* truncated, counted */
    ck_assert_uint_eq(strlen(small), 15);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("hw_pci");
    TCase *tc = tcase_create("pci");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, pci_config_mechanism_reads_ids);
    tcase_add_test(tc, pci_read_only_and_write_one_to_clear);
    tcase_add_test(tc, pci_bar_sizing_and_mapping_follow_command);
    tcase_add_test(tc, pci_intx_reaches_isa_irq_through_pirq_route);
    tcase_add_test(tc, i440fx_pam_switches_shadow_between_rom_and_ram);
    tcase_add_test(tc, piix3_reset_control_register);
    tcase_add_test(tc, pci_bus_restore_rebuilds_mappings_and_irqs);
    tcase_add_test(tc, pci_info_lists_functions_and_bars);
    suite_add_tcase(s, tc);
    return s;
}
