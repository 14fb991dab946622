/* The VGA on the PC board: PCI 00:02.0 as 1234:1111 with the framebuffer BAR
 * and the VGA BIOS in the expansion ROM BAR, where SeaBIOS finds it. */
#include "hw/pc/pc.h"

#include <check.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SEABIOS "/usr/share/seabios/bios-256k.bin"
#define VGABIOS "/usr/share/seabios/vgabios-stdvga.bin"

static struct pc_machine *board(bool vga, const char *rom)
{
    struct pc_config cfg = {.ram_size = 32 << 20,
                            .bios_path = SEABIOS,
                            .icount_shift = 0,
                            .graphics = true,
                            .vga = vga,
                            .vga_rom = rom};
    char err[256] = "";
    struct pc_machine *pc = pc_new(&cfg, err, sizeof(err));
    ck_assert_msg(pc != NULL, "%s", err);
    return pc;
}

START_TEST(board_has_stdvga_at_00_02_0_with_lfb_and_rom_bars)
{
    if (access(SEABIOS, R_OK) || access(VGABIOS, R_OK)) {
        fprintf(stderr, "SKIP: %s or %s missing (package seabios)\n", SEABIOS, VGABIOS);
        return;
    }
    struct pc_machine *pc = board(true, NULL);
    uint8_t fn = PCI_DEVFN(2, 0);
    ck_assert_uint_eq(pci_config_read(&pc->pci, fn, 0, 4), 0x11111234u);
    ck_assert_uint_eq(pci_config_read(&pc->pci, fn, 0x0a, 2), 0x0300);
    pci_config_write(&pc->pci, fn, 0x30, 0xffffffffu, 4);
    ck_assert_uint_eq(pci_config_read(&pc->pci, fn, 0x30, 4), 0xffff0001u); /* 64 KiB ROM */
    pci_config_write(&pc->pci, fn, 0x30, 0xfebc0001u, 4);
    pci_config_write(&pc->pci, fn, PCI_BAR0, 0xfd000000u, 4);
    pci_config_write(&pc->pci, fn, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    ck_assert_uint_eq(mmu_phys_load(pc->mem, 0xfebc0000u, 2), 0xaa55);
    mmu_phys_store(pc->mem, 0xfd000010u, 0x5a, 1);
    ck_assert_uint_eq(pc->vga->vram[0x10], 0x5a);
    /* Memory decoding off: both BARs disappear. */
    pci_config_write(&pc->pci, fn, PCI_COMMAND, 0, 2);
    ck_assert_uint_eq(mmu_phys_load(pc->mem, 0xfebc0000u, 2), 0xffff);
    ck_assert_uint_eq(mmu_phys_load(pc->mem, 0xfd000010u, 1), 0xff);
    pc_free(pc);
}
END_TEST

START_TEST(board_without_vga_leaves_the_window_unassigned_and_a_bad_rom_is_an_error)
{
    if (access(SEABIOS, R_OK)) {
        fprintf(stderr, "SKIP: %s missing (package seabios)\n", SEABIOS);
        return;
    }
    struct pc_machine *pc = board(false, NULL);
    ck_assert_ptr_null(pc->vga);
    ck_assert_uint_eq(mmu_phys_load(pc->mem, 0xa0000, 1), 0xff);
    pc_free(pc);
    struct pc_config cfg = {.ram_size = 32 << 20,
                            .bios_path = SEABIOS,
                            .icount_shift = 0,
                            .vga = true,
                            .vga_rom = "/nonexistent/vgabios.bin"};
    char err[256] = "";
    ck_assert_ptr_null(pc_new(&cfg, err, sizeof(err)));
    ck_assert_msg(strstr(err, "/nonexistent/vgabios.bin") != NULL, "%s", err);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("vga_pc");
    TCase *tc = tcase_create("vga_pc");
    tcase_add_test(tc, board_has_stdvga_at_00_02_0_with_lfb_and_rom_bars);
    tcase_add_test(tc, board_without_vga_leaves_the_window_unassigned_and_a_bad_rom_is_an_error);
    suite_add_tcase(s, tc);
    return s;
}
