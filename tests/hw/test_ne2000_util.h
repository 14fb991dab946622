/* Port-level helpers shared by the NE2000 tests: the register sequences a
 * Linux ne / DOS packet driver issues (DP8390 datasheet "Initialization",
 * "Remote DMA"). */
#ifndef JIT86_TESTS_HW_NE2000_UTIL_H
#define JIT86_TESTS_HW_NE2000_UTIL_H

#include "hw/net/ne2000.h"

#include <stdint.h>
#include <string.h>

#define NE_RX_START 0x46
#define NE_RX_STOP  0x80
#define NE_TX_START 0x40

static inline void ne_out(struct mmu_io_space *io, uint16_t base, unsigned r, uint8_t v)
{
    mmu_io_write(io, (uint16_t)(base + r), v, 1);
}

static inline uint8_t ne_in(struct mmu_io_space *io, uint16_t base, unsigned r)
{
    return (uint8_t)mmu_io_read(io, (uint16_t)(base + r), 1);
}

/* Remote DMA read of len bytes at addr into buf, word-wide like Linux ne. */
static inline void ne_block_read(struct mmu_io_space *io, uint16_t base, uint16_t addr,
                                 uint8_t *buf, unsigned len)
{
    ne_out(io, base, 0x00, 0x22);
    ne_out(io, base, 0x0A, (uint8_t)len);
    ne_out(io, base, 0x0B, (uint8_t)(len >> 8));
    ne_out(io, base, 0x08, (uint8_t)addr);
    ne_out(io, base, 0x09, (uint8_t)(addr >> 8));
    ne_out(io, base, 0x00, 0x0A); /* remote read, start */
    unsigned i = 0;
    for (; i + 1 < len; i += 2) {
        uint16_t w = (uint16_t)mmu_io_read(io, (uint16_t)(base + 0x10), 2);
        buf[i] = (uint8_t)w;
        buf[i + 1] = (uint8_t)(w >> 8);
    }
    if (i < len)
        buf[i] = ne_in(io, base, 0x10);
    ne_out(io, base, 0x07, 0x40); /* acknowledge RDC */
}

static inline void ne_block_write(struct mmu_io_space *io, uint16_t base, uint16_t addr,
                                  const uint8_t *buf, unsigned len)
{
    ne_out(io, base, 0x00, 0x22);
    ne_out(io, base, 0x0A, (uint8_t)len);
    ne_out(io, base, 0x0B, (uint8_t)(len >> 8));
    ne_out(io, base, 0x08, (uint8_t)addr);
    ne_out(io, base, 0x09, (uint8_t)(addr >> 8));
    ne_out(io, base, 0x00, 0x12); /* remote write, start */
    unsigned i = 0;
    for (; i + 1 < len; i += 2)
        mmu_io_write(io, (uint16_t)(base + 0x10), (uint16_t)(buf[i] | buf[i + 1] << 8), 2);
    if (i < len)
        ne_out(io, base, 0x10, buf[i]);
    ne_out(io, base, 0x07, 0x40);
}

/* Linux 8390.c NS8390_init order: stop, word DMA, loopback, ring, station
 * address in page 1, CURR, acknowledge, all interrupts, start, accept
 * broadcast. */
static inline void ne_linux_init(struct mmu_io_space *io, uint16_t base, const uint8_t mac[6])
{
    ne_out(io, base, 0x00, 0x21);
    ne_out(io, base, 0x0E, 0x49);
    ne_out(io, base, 0x0A, 0);
    ne_out(io, base, 0x0B, 0);
    ne_out(io, base, 0x0C, 0x20);
    ne_out(io, base, 0x0D, 0x02);
    ne_out(io, base, 0x04, NE_TX_START);
    ne_out(io, base, 0x01, NE_RX_START);
    ne_out(io, base, 0x03, NE_RX_STOP - 1);
    ne_out(io, base, 0x02, NE_RX_STOP);
    ne_out(io, base, 0x07, 0xFF);
    ne_out(io, base, 0x0F, 0x00);
    ne_out(io, base, 0x00, 0x61);
    for (unsigned i = 0; i < 6; i++)
        ne_out(io, base, 1 + i, mac[i]);
    for (unsigned i = 0; i < 8; i++)
        ne_out(io, base, 8 + i, 0);
    ne_out(io, base, 0x07, NE_RX_START);
    ne_out(io, base, 0x00, 0x21);
    ne_out(io, base, 0x07, 0xFF);
    ne_out(io, base, 0x0F, 0x3F);
    ne_out(io, base, 0x00, 0x22);
    ne_out(io, base, 0x0D, 0x00);
    ne_out(io, base, 0x0C, 0x04);
}

/* Sends len bytes the way ei_start_xmit does: copy to TPSR, set TBCR, TXP. */
static inline void ne_send(struct mmu_io_space *io, uint16_t base, const uint8_t *frame,
                           unsigned len)
{
    ne_block_write(io, base, NE_TX_START << 8, frame, len);
    ne_out(io, base, 0x04, NE_TX_START);
    ne_out(io, base, 0x05, (uint8_t)len);
    ne_out(io, base, 0x06, (uint8_t)(len >> 8));
    ne_out(io, base, 0x00, 0x26);
}

/* Receives the next frame as ei_receive does: CURR from page 1, header at
 * BNRY + 1, the data, BNRY = next - 1. Returns the frame length (header
 * count - 4) or -1 when the ring is empty. hdr gets the 4 header bytes. */
static inline int ne_recv(struct mmu_io_space *io, uint16_t base, uint8_t *buf, uint8_t hdr[4])
{
    ne_out(io, base, 0x00, 0x62);
    uint8_t curr = ne_in(io, base, 0x07);
    ne_out(io, base, 0x00, 0x22);
    uint8_t page = (uint8_t)(ne_in(io, base, 0x03) + 1);
    if (page >= NE_RX_STOP)
        page = NE_RX_START;
    if (page == curr)
        return -1;
    ne_block_read(io, base, (uint16_t)(page << 8), hdr, 4);
    int count = hdr[2] | hdr[3] << 8;
    ne_block_read(io, base, (uint16_t)((page << 8) + 4), buf, (unsigned)(count - 4));
    uint8_t next = hdr[1];
    ne_out(io, base, 0x03, (uint8_t)(next == NE_RX_START ? NE_RX_STOP - 1 : next - 1));
    return count - 4;
}

#endif
