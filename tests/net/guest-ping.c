/* Guest test: a polled NE2000 driver (ISA card at 0x300) resolves slirp's
 * gateway 10.0.2.2 with ARP, pings it and prints what came back; the same
 * output is expected from qemu-system-i386's ne2k_isa. Register use follows
 * the DP8390D datasheet initialisation sequence. */
#include "runtime.h"

#define NE       0x300
#define RX_START 0x46
#define RX_STOP  0x80
#define TX_START 0x40

static const uint8_t my_ip[4] = {10, 0, 2, 15};
static const uint8_t gw_ip[4] = {10, 0, 2, 2};
static uint8_t my_mac[6], gw_mac[6];
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

static void dma_setup(uint16_t addr, uint16_t len, uint8_t cmd)
{
    rt_outb(NE + 0x00, 0x22);
    rt_outb(NE + 0x0A, (uint8_t)len);
    rt_outb(NE + 0x0B, (uint8_t)(len >> 8));
    rt_outb(NE + 0x08, (uint8_t)addr);
    rt_outb(NE + 0x09, (uint8_t)(addr >> 8));
    rt_outb(NE + 0x00, cmd);
}

static void dma_read(uint16_t addr, uint8_t *buf, uint16_t len)
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

static void dma_write(uint16_t addr, const uint8_t *buf, uint16_t len)
{
    len = (uint16_t)((len + 1) & ~1u);
    dma_setup(addr, len, 0x12);
    for (uint16_t i = 0; i < len; i += 2)
        outw(NE + 0x10, (uint16_t)(buf[i] | buf[i + 1] << 8));
    while (!(rt_inb(NE + 0x07) & 0x40))
        ;
    rt_outb(NE + 0x07, 0x40);
}

static int nic_init(void)
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

static int nic_send(const uint8_t *buf, uint16_t len)
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

/* The next frame in the ring, polling up to a bound; its length or -1. */
static int nic_recv(uint8_t *buf)
{
    for (uint32_t spin = 0; spin < 200000000; spin++) {
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

static uint16_t csum(const uint8_t *p, int len)
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

static void eth_header(uint8_t *f, const uint8_t *dst, uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, my_mac, 6);
    f[12] = (uint8_t)(type >> 8);
    f[13] = (uint8_t)type;
}

static int arp_gateway(void)
{
    static const uint8_t bcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    static const uint8_t arp[8] = {0, 1, 0x08, 0, 6, 4, 0, 1};
    memset(frame, 0, 60);
    eth_header(frame, bcast, 0x0806);
    memcpy(frame + 14, arp, 8);
    memcpy(frame + 22, my_mac, 6);
    memcpy(frame + 28, my_ip, 4);
    memcpy(frame + 38, gw_ip, 4);
    if (!nic_send(frame, 60))
        return 0;
    for (int tries = 0; tries < 8; tries++) {
        int n = nic_recv(frame);
        if (n < 0)
            return 0;
        if (n >= 42 && frame[12] == 0x08 && frame[13] == 0x06 && frame[21] == 2 &&
            !memcmp(frame + 28, gw_ip, 4)) {
            memcpy(gw_mac, frame + 22, 6);
            return 1;
        }
    }
    return 0;
}

static int ping_gateway(uint16_t seq)
{
    uint8_t *ip = frame + 14, *icmp = frame + 34;
    memset(frame, 0, 14 + 20 + 8 + 56);
    eth_header(frame, gw_mac, 0x0800);
    ip[0] = 0x45;
    ip[3] = 20 + 8 + 56;
    ip[5] = (uint8_t)seq;
    ip[8] = 64;
    ip[9] = 1;
    memcpy(ip + 12, my_ip, 4);
    memcpy(ip + 16, gw_ip, 4);
    uint16_t c = csum(ip, 20);
    ip[10] = (uint8_t)(c >> 8);
    ip[11] = (uint8_t)c;
    icmp[0] = 8;
    icmp[4] = 0x4A;
    icmp[5] = 0x38;
    icmp[6] = (uint8_t)(seq >> 8);
    icmp[7] = (uint8_t)seq;
    for (int i = 0; i < 56; i++)
        icmp[8 + i] = (uint8_t)(i + seq);
    c = csum(icmp, 64);
    icmp[2] = (uint8_t)(c >> 8);
    icmp[3] = (uint8_t)c;
    if (!nic_send(frame, 14 + 20 + 64))
        return -1;
    for (int tries = 0; tries < 8; tries++) {
        int n = nic_recv(frame);
        if (n < 0)
            return -1;
        if (n >= 98 && frame[12] == 0x08 && frame[13] == 0 && frame[23] == 1 && icmp[0] == 0 &&
            icmp[7] == (uint8_t)seq) {
            int ok = csum(icmp, 64) == 0 && !memcmp(ip + 12, gw_ip, 4);
            for (int i = 0; i < 56; i++)
                ok = ok && icmp[8 + i] == (uint8_t)(i + seq);
            return ok;
        }
    }
    return -1;
}

int main(void)
{
    if (!nic_init()) {
        rt_printf("ne2000: no card at 0x%x\n", NE);
        return 1;
    }
    rt_printf("ne2000: mac %02x:%02x:%02x:%02x:%02x:%02x\n", my_mac[0], my_mac[1], my_mac[2],
              my_mac[3], my_mac[4], my_mac[5]);
    if (!arp_gateway()) {
        rt_printf("arp: no reply from 10.0.2.2\n");
        return 1;
    }
    rt_printf("arp: 10.0.2.2 is at %02x:%02x:%02x:%02x:%02x:%02x\n", gw_mac[0], gw_mac[1],
              gw_mac[2], gw_mac[3], gw_mac[4], gw_mac[5]);
    for (uint16_t seq = 1; seq <= 3; seq++) {
        int r = ping_gateway(seq);
        rt_printf("ping: seq %u %s\n", seq, r > 0 ? "reply ok" : r == 0 ? "bad reply" : "lost");
    }
    return 0;
}
