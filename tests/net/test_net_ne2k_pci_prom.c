/* What Linux's ne2k-pci probe does with the card (drivers/net/ethernet/8390/
 * ne2k-pci.c): DCR word-wide (0x49), then 32 *byte* reads of the data port.
 * In word mode each DMA transfer is 16 bits, so every byte read steps over
 * one doubled PROM byte and the first six reads are the MAC. */
#include "tests/hw/test_ne2000_util.h"

#include <check.h>
#include <stdlib.h>

#define BASE 0x300

static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

START_TEST(ne2k_pci_word_mode_byte_reads_step_two_bytes_of_the_prom)
{
    struct mmu_io_space *io = mmu_io_new();
    struct ne2000 *s = calloc(1, sizeof(*s));
    ne2000_init(s, mac);
    ck_assert(ne2000_register_isa(s, io, BASE));
    ne_out(io, BASE, 0x00, 0x21);
    ne_out(io, BASE, 0x0E, 0x49); /* word-wide, as ne2k-pci programs it */
    ne_out(io, BASE, 0x0A, 32);
    ne_out(io, BASE, 0x0B, 0);
    ne_out(io, BASE, 0x08, 0);
    ne_out(io, BASE, 0x09, 0);
    ne_out(io, BASE, 0x00, 0x0A);
    uint8_t prom[16];
    for (int i = 0; i < 15; i++)
        prom[i] = ne_in(io, BASE, 0x10);
    ck_assert_uint_eq(ne_in(io, BASE, 0x07) & 0x40, 0); /* 30 of 32 bytes moved */
    prom[15] = ne_in(io, BASE, 0x10);
    ck_assert_mem_eq(prom, mac, 6);
    ck_assert_uint_eq(prom[14], 0x57);
    ck_assert_uint_eq(prom[15], 0x57);
    ck_assert_uint_eq(ne_in(io, BASE, 0x07) & 0x40, 0x40); /* RDC after 16 reads */
    ck_assert_uint_eq(ne_in(io, BASE, 0x10), 0xFF);        /* count exhausted */
    mmu_io_free(io);
    free(s);
}
END_TEST

START_TEST(ne2k_word_mode_byte_write_moves_a_word)
{
    struct mmu_io_space *io = mmu_io_new();
    struct ne2000 *s = calloc(1, sizeof(*s));
    ne2000_init(s, mac);
    ck_assert(ne2000_register_isa(s, io, BASE));
    ne_out(io, BASE, 0x0E, 0x49);
    ne_out(io, BASE, 0x0A, 4); /* remote write of 4 bytes at 0x4000 */
    ne_out(io, BASE, 0x0B, 0);
    ne_out(io, BASE, 0x08, 0x00);
    ne_out(io, BASE, 0x09, 0x40);
    ne_out(io, BASE, 0x00, 0x12);
    mmu_io_write(io, BASE + 0x10, 0xAB, 1);
    mmu_io_write(io, BASE + 0x10, 0xCD, 1);
    ck_assert_uint_eq(ne_in(io, BASE, 0x07) & 0x40, 0x40); /* two transfers, 4 bytes */
    uint8_t back[4];
    ne_block_read(io, BASE, 0x4000, back, 4);
    const uint8_t want[4] = {0xAB, 0x00, 0xCD, 0x00};
    ck_assert_mem_eq(back, want, 4);
    mmu_io_free(io);
    free(s);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("net_ne2k_pci_prom");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, ne2k_pci_word_mode_byte_reads_step_two_bytes_of_the_prom);
    tcase_add_test(tc, ne2k_word_mode_byte_write_moves_a_word);
    suite_add_tcase(s, tc);
    return s;
}
