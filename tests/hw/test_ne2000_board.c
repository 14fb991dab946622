/* NE2000 cards on the assembled PC: an ISA card at 0x300 whose interrupt
 * reaches IRQ 9 of the slave 8259A, and an RTL8029 at PCI 00:03.0; both
 * transmit to their backend. */
#include "hw/pc/pc.h"
#include "test_ne2000_util.h"

#include <check.h>
#include <stdlib.h>
#include <unistd.h>

static char bios_path[64];
static struct pc_machine *pc;
static int nsent[2];

static void on_send(void *opaque, const uint8_t *buf, size_t len)
{
    (void)buf, (void)len;
    nsent[(intptr_t)opaque]++;
}

static void setup(void)
{
    strcpy(bios_path, "/tmp/jit86-bios-XXXXXX");
    int fd = mkstemp(bios_path);
    ck_assert_int_ge(fd, 0);
    static uint8_t b[256 << 10];
    ck_assert_int_eq(write(fd, b, sizeof(b)), (ssize_t)sizeof(b));
    close(fd);
    struct pc_config cfg = {.ram_size = 32u << 20, .bios_path = bios_path, .icount_shift = 0};
    cfg.nic[0] =
        (struct pc_nic){PC_NIC_NE2K_ISA, 0x300, 9, {0x52, 0x54, 0, 0, 0, 1}, {on_send, (void *)0}};
    cfg.nic[1] =
        (struct pc_nic){PC_NIC_NE2K_PCI, 0, 0, {0x52, 0x54, 0, 0, 0, 2}, {on_send, (void *)1}};
    char err[256];
    pc = pc_new(&cfg, err, sizeof(err));
    ck_assert_msg(pc != NULL, "%s", err);
    nsent[0] = nsent[1] = 0;
}

static void teardown(void)
{
    pc_free(pc);
    unlink(bios_path);
}

/* The slave PIC's interrupt request register (OCW3 read IRR). */
static uint8_t slave_irr(void)
{
    mmu_io_write(pc->io, 0xA0, 0x0A, 1);
    return (uint8_t)mmu_io_read(pc->io, 0xA0, 1);
}

START_TEST(ne2000_isa_card_interrupts_on_irq9)
{
    const uint8_t mac[6] = {0x52, 0x54, 0, 0, 0, 1};
    ck_assert_uint_eq(mmu_io_read(pc->io, 0x300, 1), 0x21);
    ne_linux_init(pc->io, 0x300, mac);
    ck_assert_uint_eq(slave_irr() & 0x02, 0);
    uint8_t f[64] = {0x52, 0x54, 0, 0, 0, 1};
    ne2000_receive(pc->nic[0], f, sizeof(f));
    ck_assert_uint_eq(slave_irr() & 0x02, 0x02);
    ne_send(pc->io, 0x300, f, sizeof(f));
    ck_assert_int_eq(nsent[0], 1);
    ck_assert_int_eq(nsent[1], 0);
}
END_TEST

START_TEST(ne2000_pci_card_at_slot_3)
{
    mmu_io_write(pc->io, 0xCF8, 0x80000000u | 3u << 11, 4);
    ck_assert_uint_eq(mmu_io_read(pc->io, 0xCFC, 4), 0x802910EC);
    mmu_io_write(pc->io, 0xCF8, 0x80000000u | 3u << 11 | PCI_BAR0, 4);
    mmu_io_write(pc->io, 0xCFC, 0xC100, 4);
    mmu_io_write(pc->io, 0xCF8, 0x80000000u | 3u << 11 | PCI_COMMAND, 4);
    mmu_io_write(pc->io, 0xCFC, PCI_COMMAND_IO, 4);
    ck_assert_uint_eq(mmu_io_read(pc->io, 0xC100, 1), 0x21);
    const uint8_t mac[6] = {0x52, 0x54, 0, 0, 0, 2};
    ne_linux_init(pc->io, 0xC100, mac);
    uint8_t f[64] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    ne_send(pc->io, 0xC100, f, sizeof(f));
    ck_assert_int_eq(nsent[1], 1);
    pc_reset(pc);
    ck_assert_uint_eq(pc->nic[1]->isr, 0x80);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("ne2000_board");
    TCase *tc = tcase_create("board");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, ne2000_isa_card_interrupts_on_irq9);
    tcase_add_test(tc, ne2000_pci_card_at_slot_3);
    suite_add_tcase(s, tc);
    return s;
}
