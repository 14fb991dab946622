/* NE2000 (ISA at 0x300) driven through its ports the way the Linux ne driver
 * does: reset, PROM through remote DMA, init, transmit to the backend,
 * receive into the ring (headers, wrap-around, overflow), address filters,
 * interrupts, remote DMA outside the buffer, state save/load; and the
 * RTL8029 on a PCI bus. */
#include "hw/pci/piix3.h"
#include "test_ne2000_util.h"

#include <check.h>
#include <stdlib.h>

#define BASE 0x300

static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static struct mmu_io_space *io;
static struct ne2000 *ne;
static int irq_level, irq_edges;
static uint8_t sent[4][2048];
static size_t sent_len[4];
static int nsent;

static void on_irq(void *opaque, int n, int level)
{
    (void)opaque, (void)n;
    if (level && !irq_level)
        irq_edges++;
    irq_level = level;
}

static void on_send(void *opaque, const uint8_t *buf, size_t len)
{
    (void)opaque;
    if (nsent < 4) {
        memcpy(sent[nsent], buf, len);
        sent_len[nsent] = len;
    }
    nsent++;
}

static void setup(void)
{
    io = mmu_io_new();
    ne = calloc(1, sizeof(*ne));
    ne2000_init(ne, mac);
    irq_connect(&ne->irq, on_irq, NULL, 9);
    ne->backend = (struct net_backend){on_send, NULL};
    ck_assert(ne2000_register_isa(ne, io, BASE));
    irq_level = irq_edges = nsent = 0;
}

static void teardown(void)
{
    mmu_io_free(io);
    free(ne);
}

/* A frame to dst of len bytes with a recognisable payload. */
static size_t make_frame(uint8_t *f, const uint8_t dst[6], size_t len, uint8_t seed)
{
    memcpy(f, dst, 6);
    static const uint8_t src[6] = {0x02, 0, 0, 0, 0, 0x99};
    memcpy(f + 6, src, 6);
    f[12] = 0x08;
    f[13] = 0x00;
    for (size_t i = 14; i < len; i++)
        f[i] = (uint8_t)(i * 3 + seed);
    return len;
}

START_TEST(ne2000_reset_port_sets_rst_and_stops)
{
    ne_out(io, BASE, 0x00, 0x22);
    ne_out(io, BASE, 0x07, 0xFF);
    ck_assert_uint_eq(ne_in(io, BASE, 0x07), 0x00);
    uint8_t v = ne_in(io, BASE, 0x1F);
    ne_out(io, BASE, 0x1F, v);
    ck_assert_uint_eq(ne_in(io, BASE, 0x07), 0x80);
    ck_assert_uint_eq(ne_in(io, BASE, 0x00), 0x21);
}
END_TEST

START_TEST(ne2000_prom_read_byte_mode_has_doubled_mac_and_word_mark)
{
    ne_out(io, BASE, 0x00, 0x21);
    ne_out(io, BASE, 0x0E, 0x48);
    ne_out(io, BASE, 0x0A, 32);
    ne_out(io, BASE, 0x0B, 0);
    ne_out(io, BASE, 0x08, 0);
    ne_out(io, BASE, 0x09, 0);
    ne_out(io, BASE, 0x00, 0x0A);
    uint8_t prom[32];
    for (int i = 0; i < 32; i++)
        prom[i] = ne_in(io, BASE, 0x10);
    for (int i = 0; i < 6; i++) {
        ck_assert_uint_eq(prom[2 * i], mac[i]);
        ck_assert_uint_eq(prom[2 * i + 1], mac[i]);
    }
    ck_assert_uint_eq(prom[28], 0x57);
    ck_assert_uint_eq(prom[31], 0x57);
    ck_assert_uint_eq(prom[12], 0);
    ck_assert_uint_eq(ne_in(io, BASE, 0x07) & 0x40, 0x40); /* RDC */
    ck_assert_uint_eq(ne_in(io, BASE, 0x10), 0xFF);        /* count exhausted */
}
END_TEST

START_TEST(ne2000_prom_read_word_mode)
{
    uint8_t prom[32];
    ne_out(io, BASE, 0x0E, 0x49);
    ne_block_read(io, BASE, 0, prom, 32);
    ck_assert_uint_eq(prom[0], 0x52);
    ck_assert_uint_eq(prom[1], 0x52);
    ck_assert_uint_eq(prom[10], 0x56);
    ck_assert_uint_eq(prom[11], 0x56);
    ck_assert_uint_eq(prom[30], 0x57);
}
END_TEST

START_TEST(ne2000_transmit_reaches_backend_and_interrupts)
{
    ne_linux_init(io, BASE, mac);
    ck_assert_int_eq(irq_level, 0);
    uint8_t f[100];
    static const uint8_t dst[6] = {0x02, 1, 2, 3, 4, 5};
    make_frame(f, dst, sizeof(f), 7);
    ne_send(io, BASE, f, sizeof(f));
    ck_assert_int_eq(nsent, 1);
    ck_assert_uint_eq(sent_len[0], 100);
    ck_assert_mem_eq(sent[0], f, 100);
    ck_assert_uint_eq(ne_in(io, BASE, 0x07), 0x02);     /* PTX */
    ck_assert_uint_eq(ne_in(io, BASE, 0x04), 0x01);     /* TSR PTX */
    ck_assert_uint_eq(ne_in(io, BASE, 0x00) & 0x04, 0); /* TXP done */
    ck_assert_int_eq(irq_level, 1);
    ne_out(io, BASE, 0x07, 0x02);
    ck_assert_int_eq(irq_level, 0);
    ck_assert_uint_eq(ne->stats.tx_frames, 1);
    ck_assert_uint_eq(ne->stats.tx_bytes, 100);
}
END_TEST

START_TEST(ne2000_transmit_zero_and_overlong_abort)
{
    ne_linux_init(io, BASE, mac);
    ne_out(io, BASE, 0x05, 0);
    ne_out(io, BASE, 0x06, 0);
    ne_out(io, BASE, 0x00, 0x26);
    ck_assert_uint_eq(ne_in(io, BASE, 0x07), 0x08); /* TXE */
    ne_out(io, BASE, 0x07, 0xFF);
    ne_out(io, BASE, 0x05, 0xFF);
    ne_out(io, BASE, 0x06, 0xFF);
    ne_out(io, BASE, 0x00, 0x26);
    ck_assert_uint_eq(ne_in(io, BASE, 0x07), 0x08);
    ck_assert_int_eq(nsent, 0);
    ck_assert_uint_eq(ne->stats.tx_dropped, 2);
}
END_TEST

START_TEST(ne2000_receive_writes_header_and_frame_into_ring)
{
    ne_linux_init(io, BASE, mac);
    uint8_t f[300], buf[2048], hdr[4];
    make_frame(f, mac, sizeof(f), 1);
    ck_assert(ne2000_can_receive(ne));
    ne2000_receive(ne, f, sizeof(f));
    ck_assert_uint_eq(ne_in(io, BASE, 0x07), 0x01); /* PRX */
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(ne_in(io, BASE, 0x0C), 0x01); /* RSR */
    ck_assert_int_eq(ne_recv(io, BASE, buf, hdr), 300);
    ck_assert_uint_eq(hdr[0], 0x01);
    ck_assert_uint_eq(hdr[1], NE_RX_START + 2); /* 304 bytes: two pages */
    ck_assert_uint_eq(hdr[2], (304) & 0xFF);
    ck_assert_uint_eq(hdr[3], 304 >> 8);
    ck_assert_mem_eq(buf, f, 300);
    ck_assert_int_eq(ne_recv(io, BASE, buf, hdr), -1);
}
END_TEST

START_TEST(ne2000_short_frames_are_padded_to_60)
{
    ne_linux_init(io, BASE, mac);
    uint8_t f[42], buf[2048], hdr[4];
    make_frame(f, mac, sizeof(f), 2);
    ne2000_receive(ne, f, sizeof(f));
    ck_assert_int_eq(ne_recv(io, BASE, buf, hdr), 60);
    ck_assert_mem_eq(buf, f, 42);
    ck_assert_uint_eq(buf[42], 0);
    ck_assert_uint_eq(buf[59], 0);
}
END_TEST

START_TEST(ne2000_ring_wraps_at_pstop)
{
    ne_linux_init(io, BASE, mac);
    /* Move CURR/BNRY to the last page: a 1000-byte frame wraps to PSTART. */
    ne_out(io, BASE, 0x00, 0x62);
    ne_out(io, BASE, 0x07, NE_RX_STOP - 1);
    ne_out(io, BASE, 0x00, 0x22);
    ne_out(io, BASE, 0x03, NE_RX_STOP - 2);
    uint8_t f[1000], buf[2048], hdr[4];
    make_frame(f, mac, sizeof(f), 3);
    ne2000_receive(ne, f, sizeof(f));
    ne_out(io, BASE, 0x00, 0x62);
    ck_assert_uint_eq(ne_in(io, BASE, 0x07), NE_RX_START + 3); /* 4 pages from 0x7F */
    ne_out(io, BASE, 0x00, 0x22);
    ck_assert_int_eq(ne_recv(io, BASE, buf, hdr), 1000);
    ck_assert_uint_eq(hdr[1], NE_RX_START + 3);
    ck_assert_mem_eq(buf, f, 1000); /* the remote read wrapped at PSTOP too */
    ck_assert_uint_eq(ne->mem[(NE_RX_START << 8) - NE2000_RAM_START], f[252]);
}
END_TEST

START_TEST(ne2000_full_ring_overflows_and_counts_missed)
{
    ne_linux_init(io, BASE, mac);
    uint8_t f[1500];
    make_frame(f, mac, sizeof(f), 4);
    int accepted = 0;
    for (int i = 0; i < 20; i++) {
        uint64_t before = ne->stats.rx_frames;
        ne2000_receive(ne, f, sizeof(f));
        accepted += ne->stats.rx_frames > before;
    }
    /* 58 pages, 6 per frame, CURR never reaches BNRY: 9 frames fit. */
    ck_assert_int_eq(accepted, 9);
    ck_assert(!ne2000_can_receive(ne));
    ck_assert_uint_eq(ne_in(io, BASE, 0x07) & 0x10, 0x10); /* OVW */
    ck_assert_uint_eq(ne_in(io, BASE, 0x0C) & 0x10, 0x10); /* RSR MPA */
    ck_assert_uint_eq(ne_in(io, BASE, 0x0F), 11);          /* CNTR2, cleared by the read */
    ck_assert_uint_eq(ne_in(io, BASE, 0x0F), 0);
    uint8_t buf[2048], hdr[4];
    ck_assert_int_eq(ne_recv(io, BASE, buf, hdr), 1500);
    ck_assert_int_eq(ne_recv(io, BASE, buf, hdr), 1500);
    ck_assert(ne2000_can_receive(ne));
}
END_TEST

START_TEST(ne2000_filters_unicast_broadcast_multicast_promiscuous)
{
    ne_linux_init(io, BASE, mac);
    uint8_t f[64];
    static const uint8_t other[6] = {0x02, 9, 9, 9, 9, 9};
    static const uint8_t bcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    static const uint8_t mcast[6] = {0x01, 0x00, 0x5E, 0x00, 0x00, 0x01};
    make_frame(f, other, 64, 0);
    ne2000_receive(ne, f, 64);
    ck_assert_uint_eq(ne->stats.rx_frames, 0);
    make_frame(f, bcast, 64, 0);
    ne2000_receive(ne, f, 64);
    ck_assert_uint_eq(ne->stats.rx_frames, 1);
    ck_assert_uint_eq(ne_in(io, BASE, 0x0C), 0x21); /* PRX + PHY */
    make_frame(f, mcast, 64, 0);
    ne2000_receive(ne, f, 64);
    ck_assert_uint_eq(ne->stats.rx_frames, 1); /* AM off */
    /* The hash bit of 01:00:5e:00:00:01 is 31 (CRC top six bits; zlib's
     * reflected CRC-32 of the address, inverted and bit-reversed, agrees). */
    ck_assert_uint_eq(net_ether_crc(mcast, 6) >> 26, 31);
    ne_out(io, BASE, 0x0C, 0x0C);
    ne2000_receive(ne, f, 64);
    ck_assert_uint_eq(ne->stats.rx_frames, 1); /* hash bit clear */
    ne_out(io, BASE, 0x00, 0x62);
    ne_out(io, BASE, 0x08 + 3, 0x80);
    ne_out(io, BASE, 0x00, 0x22);
    ne2000_receive(ne, f, 64);
    ck_assert_uint_eq(ne->stats.rx_frames, 2);
    ne_out(io, BASE, 0x0C, 0x00);
    make_frame(f, bcast, 64, 0);
    ne2000_receive(ne, f, 64);
    ck_assert_uint_eq(ne->stats.rx_frames, 2); /* AB off */
    ne_out(io, BASE, 0x0C, 0x10);
    make_frame(f, other, 64, 0);
    ne2000_receive(ne, f, 64);
    ck_assert_uint_eq(ne->stats.rx_frames, 3);
}
END_TEST

START_TEST(ne2000_stopped_card_drops_frames)
{
    ne_linux_init(io, BASE, mac);
    ne_out(io, BASE, 0x00, 0x21);
    ck_assert(!ne2000_can_receive(ne));
    uint8_t f[64];
    make_frame(f, mac, 64, 0);
    ne2000_receive(ne, f, 64);
    ck_assert_uint_eq(ne->stats.rx_frames, 0);
    ck_assert_uint_eq(ne->stats.rx_dropped, 1);
    ck_assert_uint_eq(ne_in(io, BASE, 0x07) & 0x80, 0x80);
}
END_TEST

START_TEST(ne2000_interrupt_follows_imr_and_acknowledge)
{
    ne_linux_init(io, BASE, mac);
    ne_out(io, BASE, 0x0F, 0x00);
    uint8_t f[64];
    make_frame(f, mac, 64, 0);
    ne2000_receive(ne, f, 64);
    ck_assert_int_eq(irq_level, 0);
    ne_out(io, BASE, 0x0F, 0x01);
    ck_assert_int_eq(irq_level, 1);
    ne_out(io, BASE, 0x00, 0x62);
    ne_out(io, BASE, 0x07, 0x00); /* page 1: CURR, not ISR */
    ck_assert_int_eq(irq_level, 1);
    ne_out(io, BASE, 0x00, 0x22);
    ne_out(io, BASE, 0x07, 0x01);
    ck_assert_int_eq(irq_level, 0);
    ck_assert_int_eq(irq_edges, 1);
    ne_out(io, BASE, 0x00, 0x22);
    ne_out(io, BASE, 0x00, 0xE2); /* page 3 on an ISA card */
    ck_assert_uint_eq(ne_in(io, BASE, 0x0F), 0);
}
END_TEST

START_TEST(ne2000_remote_dma_outside_buffer_is_harmless)
{
    ne_linux_init(io, BASE, mac);
    uint8_t junk[64], back[64];
    memset(junk, 0xAB, sizeof(junk));
    ne_block_write(io, BASE, 0xFFE0, junk, sizeof(junk)); /* wraps the 16-bit counter */
    ne_block_read(io, BASE, 0xFFE0, back, 32);
    for (int i = 0; i < 32; i++)
        ck_assert_uint_eq(back[i], 0xFF);
    ne_block_read(io, BASE, 0x0000, back, 2);
    ck_assert_uint_eq(back[0], 0x52); /* PROM untouched */
    ne_block_write(io, BASE, 0x7FF0, junk, 32);
    ne_block_read(io, BASE, 0x7FF0, back, 32);
    ck_assert_uint_eq(back[15], 0xAB);
    ck_assert_uint_eq(back[16], 0xAB); /* wrapped at PSTOP to PSTART */
    ck_assert_uint_eq(ne->mem[(NE_RX_START << 8) - NE2000_RAM_START], 0xAB);
}
END_TEST

START_TEST(ne2000_page2_reads_back_configuration)
{
    ne_linux_init(io, BASE, mac);
    ne_out(io, BASE, 0x00, 0xA2);
    ck_assert_uint_eq(ne_in(io, BASE, 0x01), NE_RX_START);
    ck_assert_uint_eq(ne_in(io, BASE, 0x02), NE_RX_STOP);
    ck_assert_uint_eq(ne_in(io, BASE, 0x04), NE_TX_START);
    ck_assert_uint_eq(ne_in(io, BASE, 0x0C) & 0x3F, 0x04);
    ck_assert_uint_eq(ne_in(io, BASE, 0x0E) & 0x7F, 0x49);
    ck_assert_uint_eq(ne_in(io, BASE, 0x0F) & 0x7F, 0x3F);
}
END_TEST

START_TEST(ne2000_state_round_trip_and_bad_prom_rejected)
{
    char err[256];
    ck_assert_msg(vms_check(&ne2000_vmstate, err, sizeof(err)), "%s", err);
    ne_linux_init(io, BASE, mac);
    uint8_t f[200];
    make_frame(f, mac, sizeof(f), 5);
    ne2000_receive(ne, f, sizeof(f));
    struct vms_buf b = {0};
    ck_assert(vms_save(&ne2000_vmstate, ne, &b));
    struct ne2000 *copy = calloc(1, sizeof(*copy));
    ne2000_init(copy, (const uint8_t[6]){0});
    int lvl = 0;
    irq_connect(&copy->irq, on_irq, &lvl, 0);
    irq_level = 0;
    size_t pos = 0;
    ck_assert_msg(vms_load(&ne2000_vmstate, copy, b.data, b.len, &pos, err, sizeof(err)), "%s",
                  err);
    ck_assert_int_eq(irq_level, 1); /* PRX pending re-raises the line */
    ck_assert_uint_eq(copy->curr, ne->curr);
    ck_assert_mem_eq(copy->mem, ne->mem, NE2000_RAM_SIZE);
    ck_assert_uint_eq(copy->prom[0], 0x52);
    ne->prom[3] ^= 1;
    vms_buf_free(&b);
    ck_assert(vms_save(&ne2000_vmstate, ne, &b));
    pos = 0;
    ck_assert(!vms_load(&ne2000_vmstate, copy, b.data, b.len, &pos, err, sizeof(err)));
    vms_buf_free(&b);
    free(copy);
}
END_TEST

/* The RTL8029 on a PCI bus with the PIIX3 routing its INTA#. */
static int pci_irq[16];
static void on_pci_irq(void *opaque, int n, int level)
{
    (void)opaque;
    pci_irq[n] = level;
}

START_TEST(ne2000_pci_rtl8029_ids_bar_and_intx)
{
    struct mmu_phys_space *mem = mmu_phys_new(1 << 20);
    struct pci_bus *bus = calloc(1, sizeof(*bus));
    struct piix3 *isa = calloc(1, sizeof(*isa));
    struct ne2000 *card = calloc(1, sizeof(*card));
    struct mmu_io_space *pio = mmu_io_new();
    pci_bus_init(bus, mem, pio);
    ck_assert(pci_bus_register_io(bus));
    piix3_init(isa, bus);
    ck_assert(pci_register(bus, &isa->dev, PCI_DEVFN(1, 0)));
    for (int i = 0; i < 16; i++)
        irq_connect(&isa->isa_irq[i], on_pci_irq, NULL, i);
    ne2000_init(card, mac);
    ck_assert(ne2000_register_pci(card, bus, PCI_DEVFN(3, 0)));
    ck_assert_uint_eq(pci_config_read(bus, PCI_DEVFN(3, 0), 0, 4), 0x802910EC);
    ck_assert_uint_eq(pci_config_read(bus, PCI_DEVFN(3, 0), 0x0A, 2), 0x0200);
    ck_assert_uint_eq(pci_config_read(bus, PCI_DEVFN(3, 0), PCI_INTERRUPT_PIN, 1), 1);
    pci_config_write(bus, PCI_DEVFN(3, 0), PCI_BAR0, 0xFFFFFFFF, 4);
    ck_assert_uint_eq(pci_config_read(bus, PCI_DEVFN(3, 0), PCI_BAR0, 4), 0xFFFFFFE1);
    pci_config_write(bus, PCI_DEVFN(3, 0), PCI_BAR0, 0xC000, 4);
    pci_config_write(bus, PCI_DEVFN(3, 0), PCI_COMMAND, PCI_COMMAND_IO, 2);
    /* slot 3 INTA# -> PIRQ (3 + 1 - 1) mod 4 = D; route PIRQD to IRQ 11. */
    pci_config_write(bus, PCI_DEVFN(1, 0), PIIX3_PIRQRC + 3, 11, 1);
    ck_assert_uint_eq(mmu_io_read(pio, 0xC000, 1), 0x21);
    ck_assert_uint_eq(mmu_io_read(pio, 0xC00A, 1), 0x50);
    ck_assert_uint_eq(mmu_io_read(pio, 0xC00B, 1), 0x43);
    ne_linux_init(pio, 0xC000, mac);
    uint8_t f[64];
    make_frame(f, mac, 64, 0);
    ne2000_receive(card, f, 64);
    ck_assert_int_eq(pci_irq[11], 1);
    ne_out(pio, 0xC000, 0x07, 0x01);
    ck_assert_int_eq(pci_irq[11], 0);
    /* 32-bit data port reads, as ne2k-pci does. */
    ne_out(pio, 0xC000, 0x0A, 4);
    ne_out(pio, 0xC000, 0x0B, 0);
    ne_out(pio, 0xC000, 0x08, 0);
    ne_out(pio, 0xC000, 0x09, NE_RX_START);
    ne_out(pio, 0xC000, 0x00, 0x0A);
    uint32_t h = (uint32_t)mmu_io_read(pio, 0xC010, 4);
    ck_assert_uint_eq(h, 0x01u | (NE_RX_START + 1u) << 8 | 68u << 16);
    mmu_io_free(pio);
    mmu_phys_free(mem);
    free(card);
    free(isa);
    free(bus);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("ne2000");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, ne2000_reset_port_sets_rst_and_stops);
    tcase_add_test(tc, ne2000_prom_read_byte_mode_has_doubled_mac_and_word_mark);
    tcase_add_test(tc, ne2000_prom_read_word_mode);
    tcase_add_test(tc, ne2000_transmit_reaches_backend_and_interrupts);
    tcase_add_test(tc, ne2000_transmit_zero_and_overlong_abort);
    tcase_add_test(tc, ne2000_receive_writes_header_and_frame_into_ring);
    tcase_add_test(tc, ne2000_short_frames_are_padded_to_60);
    tcase_add_test(tc, ne2000_ring_wraps_at_pstop);
    tcase_add_test(tc, ne2000_full_ring_overflows_and_counts_missed);
    tcase_add_test(tc, ne2000_filters_unicast_broadcast_multicast_promiscuous);
    tcase_add_test(tc, ne2000_stopped_card_drops_frames);
    tcase_add_test(tc, ne2000_interrupt_follows_imr_and_acknowledge);
    tcase_add_test(tc, ne2000_remote_dma_outside_buffer_is_harmless);
    tcase_add_test(tc, ne2000_page2_reads_back_configuration);
    tcase_add_test(tc, ne2000_state_round_trip_and_bad_prom_rejected);
    tcase_add_test(tc, ne2000_pci_rtl8029_ids_bar_and_intx);
    suite_add_tcase(s, tc);
    return s;
}
