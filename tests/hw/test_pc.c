/* The assembled PC board: memory map, firmware aliases, CMOS and fw_cfg
 * contents, PCI enumeration, interrupt path to the CPU, A20 and reset lines. */
#include "hw/pc/pc.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char bios_path[64];
static struct pc_machine *pc;
static int cpu_intr;
static char serial[256];
static size_t nserial;
static int exit_status;

static void on_intr(void *opaque, int n, int level)
{
    (void)opaque, (void)n;
    cpu_intr = level;
}

static void on_serial(void *opaque, const uint8_t *buf, size_t len)
{
    (void)opaque;
    for (size_t i = 0; i < len && nserial < sizeof(serial) - 1; i++)
        serial[nserial++] = (char)buf[i];
}

static void on_guest_exit(void *opaque, int status)
{
    (void)opaque;
    exit_status = status;
}

static void write_bios(size_t size)
{
    strcpy(bios_path, "/tmp/jit86-bios-XXXXXX");
    int fd = mkstemp(bios_path);
    ck_assert_int_ge(fd, 0);
    uint8_t *b = malloc(size);
    for (size_t i = 0; i < size; i++)
        b[i] = (uint8_t)(i * 13 + (i >> 16));
    ck_assert_int_eq(write(fd, b, size), (ssize_t)size);
    close(fd);
    free(b);
}

static struct pc_config config(uint64_t ram)
{
    return (struct pc_config){
        .ram_size = ram,
        .bios_path = bios_path,
        .icount_shift = 0,
        .rtc_base = 946684800,
        .serial = {{on_serial, NULL}, {NULL, NULL}},
        .exit_port = 0xF4,
        .exit_len = 4,
        .exit_fn = on_guest_exit,
    };
}

static void setup(void)
{
    write_bios(256 << 10);
    struct pc_config cfg = config(128 << 20);
    char err[256];
    pc = pc_new(&cfg, err, sizeof(err));
    ck_assert_msg(pc != NULL, "%s", err);
    irq_connect(&pc->cpu_intr, on_intr, NULL, 0);
    cpu_intr = 0;
    nserial = 0;
    exit_status = -1;
}

static void teardown(void)
{
    pc_free(pc);
    unlink(bios_path);
}

static uint8_t bios_byte(size_t off)
{
    return (uint8_t)(off * 13 + (off >> 16));
}

START_TEST(pc_bios_at_top_and_aliased_below_1m)
{
    ck_assert_uint_eq(mmu_phys_load(pc->mem, 0xFFFFFFF0, 1), bios_byte(0x3FFF0));
    ck_assert_uint_eq(mmu_phys_load(pc->mem, 0xFFFC0000, 1), bios_byte(0));
    ck_assert_uint_eq(mmu_phys_load(pc->mem, 0xFFFF0, 1), bios_byte(0x3FFF0));
    ck_assert_uint_eq(mmu_phys_load(pc->mem, 0xE0000, 1), bios_byte(0x20000));
    mmu_phys_store(pc->mem, 0xFFFF0, 0x00, 1); /* ROM until PAM says RAM */
    ck_assert_uint_eq(mmu_phys_load(pc->mem, 0xFFFF0, 1), bios_byte(0x3FFF0));
}
END_TEST

START_TEST(pc_ram_and_vga_hole)
{
    mmu_phys_store(pc->mem, 0x9FFFC, 0x11223344, 4);
    ck_assert_uint_eq(mmu_phys_load(pc->mem, 0x9FFFC, 4), 0x11223344);
    mmu_phys_store(pc->mem, 0x7FFFFFC, 0xCAFEBABE, 4);
    ck_assert_uint_eq(mmu_phys_load(pc->mem, 0x7FFFFFC, 4), 0xCAFEBABE);
    ck_assert_uint_eq(mmu_phys_load(pc->mem, 0xA0000, 1), 0xFF);
    ck_assert_uint_eq(mmu_phys_load(pc->mem, 0x8000000, 4), 0xFFFFFFFF); /* above RAM */
}
END_TEST

START_TEST(pc_cmos_memory_fields)
{
    struct mmu_io_space *io = pc->io;
    mmu_io_write(io, 0x70, 0x34, 1);
    uint8_t lo = (uint8_t)mmu_io_read(io, 0x71, 1);
    mmu_io_write(io, 0x70, 0x35, 1);
    uint8_t hi = (uint8_t)mmu_io_read(io, 0x71, 1);
    ck_assert_uint_eq(hi << 8 | lo, (128 - 16) * 16); /* 64 KiB units above 16 MiB */
    mmu_io_write(io, 0x70, 0x15, 1);
    ck_assert_uint_eq(mmu_io_read(io, 0x71, 1), 0x80); /* 640 KiB base memory */
    mmu_io_write(io, 0x70, 0x3D, 1);
    ck_assert_uint_eq(mmu_io_read(io, 0x71, 1), 0x12); /* "cad": disk (2), then floppy (1) */
}
END_TEST

START_TEST(pc_fw_cfg_ram_size_and_e820)
{
    struct mmu_io_space *io = pc->io;
    mmu_io_write(io, 0x510, FW_CFG_RAM_SIZE, 2);
    uint64_t ram = 0;
    for (int i = 0; i < 8; i++)
        ram |= (uint64_t)mmu_io_read(io, 0x511, 1) << (8 * i);
    ck_assert_uint_eq(ram, 128u << 20);
    mmu_io_write(io, 0x510, FW_CFG_FILE_DIR, 2);
    uint8_t d[4 + 6 * 64];
    for (size_t i = 0; i < sizeof(d); i++)
        d[i] = (uint8_t)mmu_io_read(io, 0x511, 1);
    ck_assert_uint_eq(d[3], 6);
    static const char *const names[6] = {"etc/acpi/rsdp", "etc/acpi/tables", "etc/boot-fail-wait",
                                         "etc/e820",      "etc/sercon-port", "etc/table-loader"};
    for (int i = 0; i < 6; i++)
        ck_assert_str_eq((char *)d + 4 + 64 * i + 8, names[i]);
}
END_TEST

START_TEST(pc_pci_enumerates_host_and_isa_bridge)
{
    mmu_io_write(pc->io, 0xCF8, 0x80000000, 4);
    ck_assert_uint_eq(mmu_io_read(pc->io, 0xCFC, 4), 0x12378086);
    mmu_io_write(pc->io, 0xCF8, 0x80000800, 4);
    ck_assert_uint_eq(mmu_io_read(pc->io, 0xCFC, 4), 0x70008086);
}
END_TEST

START_TEST(pc_timer_interrupt_reaches_cpu_as_vector_8)
{
    struct mmu_io_space *io = pc->io;
    static const uint8_t icw[] = {0x11, 0x08, 0x04, 0x01};
    mmu_io_write(io, 0x20, icw[0], 1);
    for (int i = 1; i < 4; i++)
        mmu_io_write(io, 0x21, icw[i], 1);
    mmu_io_write(io, 0x21, 0xFE, 1); /* only IRQ0 */
    mmu_io_write(io, 0x43, 0x34, 1);
    mmu_io_write(io, 0x40, 0x00, 1);
    mmu_io_write(io, 0x40, 0x10, 1); /* 4096 ticks */
    clock_add_insns(&pc->clock, 4000000);
    clock_run_timers(&pc->clock);
    ck_assert_int_eq(cpu_intr, 1);
    ck_assert_uint_eq(pc_interrupt_ack(pc), 0x08);
    ck_assert_int_eq(cpu_intr, 0);
}
END_TEST

START_TEST(pc_serial_and_debug_exit)
{
    mmu_io_write(pc->io, 0x3F8, 'O', 1);
    mmu_io_write(pc->io, 0x3F8, 'K', 1);
    ck_assert_uint_eq(nserial, 2);
    ck_assert_mem_eq(serial, "OK", 2);
    mmu_io_write(pc->io, 0xF4, 3, 4);
    ck_assert_int_eq(exit_status, 7);
}
END_TEST

START_TEST(pc_a20_lines_and_reset_requests)
{
    mmu_phys_store(pc->mem, 0x000010, 0xAB, 1);
    mmu_phys_store(pc->mem, 0x100010, 0xCD, 1);
    ck_assert_uint_eq(mmu_phys_a20_mask(pc->mem) & 0x100000, 0x100000);
    mmu_io_write(pc->io, 0x92, 0x00, 1); /* port 0x92 off, 8042 still on */
    ck_assert_uint_eq(mmu_phys_a20_mask(pc->mem) & 0x100000, 0x100000);
    mmu_io_write(pc->io, 0x64, 0xDD, 1); /* 8042 off too */
    ck_assert_uint_eq(mmu_phys_a20_mask(pc->mem) & 0x100000, 0);
    mmu_io_write(pc->io, 0x92, 0x02, 1);
    ck_assert_uint_eq(mmu_phys_a20_mask(pc->mem) & 0x100000, 0x100000);
    ck_assert(!pc->reset_requested);
    mmu_io_write(pc->io, 0x64, 0xFE, 1);
    ck_assert(pc->reset_requested);
    pc_reset(pc);
    ck_assert(!pc->reset_requested);
    mmu_io_write(pc->io, 0xCF9, 0x06, 1);
    ck_assert(pc->reset_requested);
}
END_TEST

START_TEST(pc_info_mtree_lists_the_memory_map)
{
    char buf[4096];
    int n = mmu_phys_format_regions(pc->mem, buf, sizeof(buf));
    ck_assert_int_eq(n, (int)strlen(buf));
    ck_assert_ptr_nonnull(
        strstr(buf, "  0000000000000000-000000000009ffff (prio 0, ram): rw @ram+0\n"));
    ck_assert_ptr_nonnull(strstr(buf, "  00000000fffc0000-00000000ffffffff (prio 1, rom): rw\n"));
    ck_assert_ptr_nonnull(
        strstr(buf, "  00000000000f0000-00000000000fffff (prio 2, ram): -- @ram+0xf0000\n"));
    /* PAM0 RE+WE: the shadow segment becomes readable and writable. */
    pci_config_write(&pc->pci, PCI_DEVFN(0, 0), I440FX_PAM0, 0x30, 1);
    mmu_phys_format_regions(pc->mem, buf, sizeof(buf));
    ck_assert_ptr_nonnull(
        strstr(buf, "  00000000000f0000-00000000000fffff (prio 2, ram): rw @ram+0xf0000\n"));
}
END_TEST

/* -kernel boots: every PCI pin is routed as SeaBIOS would (PIRQA-D to IRQ
 * 10, 10, 11, 11), in the PIIX3 and in the function's interrupt line; the
 * VGA (no pin) keeps its line. INTA of slots 3 and 4 is PIRQD and PIRQA. */
START_TEST(pc_route_pci_irqs_as_seabios_for_direct_boots)
{
    pc_free(pc);
    struct pc_config cfg = config(128 << 20);
    cfg.vga = true;
    cfg.nic[0].model = PC_NIC_NE2K_PCI;
    cfg.nic[1].model = PC_NIC_NE2K_PCI;
    char err[256];
    pc = pc_new(&cfg, err, sizeof(err));
    ck_assert_msg(pc != NULL, "%s", err);
    pc_route_pci_irqs(pc);
    uint8_t isa = pc->isa.dev.devfn;
    ck_assert_uint_eq(pci_config_read(&pc->pci, isa, PIIX3_PIRQRC + 3, 1), 11);
    ck_assert_uint_eq(pci_config_read(&pc->pci, isa, PIIX3_PIRQRC + 0, 1), 10);
    ck_assert_uint_eq(pci_config_read(&pc->pci, 3 << 3, PCI_INTERRUPT_LINE, 1), 11);
    ck_assert_uint_eq(pci_config_read(&pc->pci, 4 << 3, PCI_INTERRUPT_LINE, 1), 10);
    ck_assert_uint_eq(pci_config_read(&pc->pci, 2 << 3, PCI_INTERRUPT_LINE, 1), 0);
    ck_assert_uint_eq(pci_config_read(&pc->pci, isa, PIIX3_PIRQRC + 2, 1), 0x80);
}
END_TEST

/* -kernel boots: the RSDP at 0xE0000 (shadow RAM), the PM I/O space at
 * 0x600, and S5 ends the run like isa-debug-exit with status 0. */
START_TEST(pc_direct_boot_acpi_rsdp_and_soft_off)
{
    pc_acpi_direct_boot(pc);
    uint8_t rsdp[20];
    mmu_phys_read(pc->mem, 0xE0000, rsdp, sizeof(rsdp));
    ck_assert_mem_eq(rsdp, "RSD PTR ", 8);
    uint8_t sum = 0;
    for (int i = 0; i < 20; i++)
        sum = (uint8_t)(sum + rsdp[i]);
    ck_assert_uint_eq(sum, 0);
    uint32_t rsdt = (uint32_t)mmu_phys_load(pc->mem, 0xE0000 + 16, 4);
    ck_assert_uint_eq(mmu_phys_load(pc->mem, rsdt, 4), 0x54445352); /* "RSDT" */
    ck_assert_uint_eq(mmu_io_read(pc->io, 0x604, 2), PIIX4_PM1_CNT_SCI_EN);
    pc_power_button(pc);
    ck_assert_uint_eq(mmu_io_read(pc->io, 0x600, 2), PIIX4_PM1_PWRBTN);
    ck_assert_int_eq(exit_status, -1);
    mmu_io_write(pc->io, 0x604, PIIX4_PM1_CNT_SCI_EN | PIIX4_PM1_CNT_SLP_EN, 2);
    ck_assert_int_eq(exit_status, 0);
    pc_reset(pc); /* the firmware's ROM is back at 0xE0000 */
    ck_assert_uint_eq(mmu_phys_load(pc->mem, 0xE0000, 1), bios_byte(0x20000));
    ck_assert_uint_eq(mmu_io_read(pc->io, 0x604, 2), 0xFFFF);
}
END_TEST

/* info stats: the board names the port ranges softmmu counts. */
START_TEST(pc_io_accounting_names_devices)
{
    for (int i = 0; i < 3; i++)
        mmu_io_read(pc->io, 0x2FF, 1);
    mmu_io_write(pc->io, 0x1F6, 0xE0, 1);
    mmu_io_read(pc->io, 0x1F0, 2);
    struct pc_io_account a[48];
    int n = pc_io_accounting(pc, a, 48);
    const struct pc_io_account *com2 = NULL, *ide0 = NULL, *pic = NULL;
    for (int i = 0; i < n; i++) {
        if (!a[i].mmio && strcmp(a[i].name, "serial1") == 0)
            com2 = &a[i];
        if (!a[i].mmio && strcmp(a[i].name, "ide0") == 0)
            ide0 = &a[i];
        if (!a[i].mmio && strcmp(a[i].name, "pic") == 0)
            pic = &a[i];
    }
    ck_assert_ptr_nonnull(com2);
    ck_assert_ptr_nonnull(ide0);
    ck_assert_ptr_nonnull(pic); /* master, slave and ELCR ranges merged by name */
    ck_assert_uint_eq(com2->counts.reads, 3);
    ck_assert_uint_eq(com2->counts.read_bytes, 3);
    ck_assert_uint_eq(ide0->counts.writes, 1);
    ck_assert_uint_eq(ide0->counts.reads, 1);
    ck_assert_uint_eq(ide0->counts.read_bytes, 2);
    ck_assert_uint_eq(pic->counts.reads + pic->counts.writes, 0);
}
END_TEST

START_TEST(pc_bad_configurations_are_one_line_errors)
{
    char err[256];
    struct pc_config cfg = config(128 << 20);
    cfg.bios_path = "/nonexistent/bios.bin";
    ck_assert_ptr_null(pc_new(&cfg, err, sizeof(err)));
    ck_assert_str_eq(err, "could not load BIOS '/nonexistent/bios.bin': No such file or directory");
    cfg = config(4096ull << 20);
    ck_assert_ptr_null(pc_new(&cfg, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "RAM size"));
    unlink(bios_path);
    write_bios(100000);
    cfg = config(64 << 20);
    ck_assert_ptr_null(pc_new(&cfg, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "multiple of 64 KiB"));
}
END_TEST

/* Seeded random guest programming of the whole board: port I/O (biased to
 * the devices' ports), physical memory accesses (biased to ROM, MMIO, the
 * shadow area and RAM's end), timer runs, interrupt acknowledges, resets.
 * Run under ASan by the sanitizer build: nothing may crash or hang. */
START_TEST(pc_random_guest_programming_is_safe)
{
    static const uint16_t ports[] = {0x00,  0x08,  0x0B,  0x0D,  0x20,  0x21,  0x40,  0x43,  0x60,
                                     0x61,  0x64,  0x70,  0x71,  0x81,  0x92,  0xA0,  0xA1,  0xC0,
                                     0xD6,  0x2F8, 0x3F8, 0x3F9, 0x3FA, 0x3FC, 0x4D0, 0x510, 0x511,
                                     0x514, 0x518, 0xCF8, 0xCF9, 0xCFC, 0xCFE};
    static const uint64_t addrs[] = {0x0,       0x9FFFC,    0xA0000,    0xC0000,
                                     0xE0000,   0xFFFF0,    0x100000,   0x7FFFFF8,
                                     0x8000000, 0xFEC00000, 0xFFFC0000, 0xFFFFFFFC};
    uint64_t r = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 200000; i++) {
        r ^= r << 13, r ^= r >> 7, r ^= r << 17;
        unsigned size = 1u << ((r >> 8) & 3);
        uint16_t port =
            (r & 0x30000) ? ports[(r >> 20) % (sizeof(ports) / 2)] : (uint16_t)(r >> 24);
        uint64_t addr = addrs[(r >> 40) % (sizeof(addrs) / 8)] + ((r >> 48) & 0xFFF);
        switch ((r >> 4) & 7) {
        case 0:
        case 1: mmu_io_write(pc->io, port, r >> 32, size > 4 ? 4 : size); break;
        case 2: (void)mmu_io_read(pc->io, port, size > 4 ? 4 : size); break;
        case 3: mmu_phys_store(pc->mem, addr, r >> 16, size); break;
        case 4: (void)mmu_phys_load(pc->mem, addr, size); break;
        case 5:
            clock_add_insns(&pc->clock, (r >> 32) & 0xFFFFF);
            clock_run_timers(&pc->clock);
            break;
        case 6: (void)pc_interrupt_ack(pc); break;
        default:
            if (pc->reset_requested)
                pc_reset(pc);
            break;
        }
    }
    /* Still a working machine: the PCI host bridge answers. */
    mmu_io_write(pc->io, 0xCF8, 0x80000000, 4);
    ck_assert_uint_eq(mmu_io_read(pc->io, 0xCFC, 4), 0x12378086);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("hw_pc");
    TCase *tc = tcase_create("pc");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, pc_bios_at_top_and_aliased_below_1m);
    tcase_add_test(tc, pc_ram_and_vga_hole);
    tcase_add_test(tc, pc_cmos_memory_fields);
    tcase_add_test(tc, pc_fw_cfg_ram_size_and_e820);
    tcase_add_test(tc, pc_pci_enumerates_host_and_isa_bridge);
    tcase_add_test(tc, pc_timer_interrupt_reaches_cpu_as_vector_8);
    tcase_add_test(tc, pc_serial_and_debug_exit);
    tcase_add_test(tc, pc_a20_lines_and_reset_requests);
    tcase_add_test(tc, pc_info_mtree_lists_the_memory_map);
    tcase_add_test(tc, pc_route_pci_irqs_as_seabios_for_direct_boots);
    tcase_add_test(tc, pc_direct_boot_acpi_rsdp_and_soft_off);
    tcase_add_test(tc, pc_io_accounting_names_devices);
    tcase_add_test(tc, pc_bad_configurations_are_one_line_errors);
    tcase_add_test(tc, pc_random_guest_programming_is_safe);
    suite_add_tcase(s, tc);
    return s;
}
