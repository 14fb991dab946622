/* A polled NE2000 driver for the network guest tests (header-only: each
 * guest is one C file plus this). Register use follows the DP8390D
 * datasheet initialisation sequence; remote DMA is word-wide. */
#ifndef JIT86_TESTS_NET_GUEST_NE2000_H
#define JIT86_TESTS_NET_GUEST_NE2000_H

#include "runtime.h"

#define NE       0x300
#define RX_START 0x46
#define RX_STOP  0x80
#define TX_START 0x40

static uint8_t my_mac[6];
static uint8_t frame[1536];

static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void dma_setup(uint16_t addr, uint16_t len, uint8_t cmd)
{
    rt_outb(NE + 0x00, 0x22);
    rt_outb(NE + 0x0A, (uint8_t)len);
    rt_outb(NE + 0x0B, (uint8_t)(len >> 8));
    rt_outb(NE + 0x08, (uint8_t)addr);
    rt_outb(NE + 0x09, (uint8_t)(addr >> 8));
    rt_outb(NE + 0x00, cmd);
}

static inline void dma_read(uint16_t addr, uint8_t *buf, uint16_t len)
{
    len = (uint16_t)((len + 1) & ~1u);
    dma_setup(addr, len, 0x0A);
    for (uint16_t i = 0; i < len; i += 2) {
        uint16_t w = inw(NE + 0x10);
        buf[i] = (uint8_t)w;
        buf[i + 1] = (uint8_t)(w >> 8);
    }
    rt_outb(NE + 0x07, 0x40);
}

static inline void dma_write(uint16_t addr, const uint8_t *buf, uint16_t len)
{
    len = (uint16_t)((len + 1) & ~1u);
    dma_setup(addr, len, 0x12);
    for (uint16_t i = 0; i < len; i += 2)
        outw(NE + 0x10, (uint16_t)(buf[i] | buf[i + 1] << 8));
    while (!(rt_inb(NE + 0x07) & 0x40))
        ;
    rt_outb(NE + 0x07, 0x40);
}

static inline int nic_init(void)
{
    rt_outb(NE + 0x1F, rt_inb(NE + 0x1F));
    if (!(rt_inb(NE + 0x07) & 0x80))
        return 0;
    rt_outb(NE + 0x07, 0xFF);
    rt_outb(NE + 0x00, 0x21);
    rt_outb(NE + 0x0E, 0x49);
    uint8_t prom[32];
    dma_read(0, prom, 32);
    for (int i = 0; i < 6; i++)
        my_mac[i] = prom[2 * i];
    rt_outb(NE + 0x00, 0x21);
    rt_outb(NE + 0x0C, 0x20);
    rt_outb(NE + 0x0D, 0x02);
    rt_outb(NE + 0x04, TX_START);
    rt_outb(NE + 0x01, RX_START);
    rt_outb(NE + 0x03, RX_STOP - 1);
    rt_outb(NE + 0x02, RX_STOP);
    rt_outb(NE + 0x07, 0xFF);
    rt_outb(NE + 0x0F, 0x00);
    rt_outb(NE + 0x00, 0x61);
    for (int i = 0; i < 6; i++)
        rt_outb((uint16_t)(NE + 1 + i), my_mac[i]);
    rt_outb(NE + 0x07, RX_START);
    rt_outb(NE + 0x00, 0x22);
    rt_outb(NE + 0x0D, 0x00);
    rt_outb(NE + 0x0C, 0x04);
    return 1;
}

static inline int nic_send(const uint8_t *buf, uint16_t len)
{
    dma_write(TX_START << 8, buf, len);
    rt_outb(NE + 0x04, TX_START);
    rt_outb(NE + 0x05, (uint8_t)len);
    rt_outb(NE + 0x06, (uint8_t)(len >> 8));
    rt_outb(NE + 0x00, 0x26);
    for (uint32_t spin = 0; spin < 10000000; spin++) {
        uint8_t isr = rt_inb(NE + 0x07);
        if (isr & 0x0A) {
            rt_outb(NE + 0x07, 0x0A);
            return (isr & 0x02) != 0;
        }
    }
    return 0;
}

/* The next frame in the ring, polling up to spins times; its length or -1. */
static inline int nic_recv_spin(uint8_t *buf, uint32_t spins)
{
    for (uint32_t spin = 0; spin < spins; spin++) {
        rt_outb(NE + 0x00, 0x62);
        uint8_t curr = rt_inb(NE + 0x07);
        rt_outb(NE + 0x00, 0x22);
        uint8_t page = (uint8_t)(rt_inb(NE + 0x03) + 1);
        if (page >= RX_STOP)
            page = RX_START;
        if (page == curr)
            continue;
        uint8_t hdr[4];
        dma_read((uint16_t)(page << 8), hdr, 4);
        int len = (hdr[2] | hdr[3] << 8) - 4;
        if (len > 1514 || len < 0)
            len = 0;
        dma_read((uint16_t)((page << 8) + 4), buf, (uint16_t)len);
        rt_outb(NE + 0x03, (uint8_t)(hdr[1] == RX_START ? RX_STOP - 1 : hdr[1] - 1));
        rt_outb(NE + 0x07, 0x01);
        return len;
    }
    return -1;
}

static inline uint16_t csum(const uint8_t *p, int len)
{
    uint32_t s = 0;
    for (int i = 0; i + 1 < len; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1)
        s += (uint32_t)p[len - 1] << 8;
    while (s >> 16)
        s = (s & 0xFFFF) + (s >> 16);
    return (uint16_t)~s;
}

static inline void eth_header(uint8_t *f, const uint8_t *dst, uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, my_mac, 6);
    f[12] = (uint8_t)(type >> 8);
    f[13] = (uint8_t)type;
}

static inline int nic_recv(uint8_t *buf)
{
    return nic_recv_spin(buf, 200000000);
}

#endif
