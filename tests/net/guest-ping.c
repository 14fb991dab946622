/* Guest test: a polled NE2000 driver (ISA card at 0x300) resolves slirp's
 * gateway 10.0.2.2 with ARP, pings it and prints what came back; the same
 * output is expected from qemu-system-i386's ne2k_isa. */
#include "guest-ne2000.h"

static const uint8_t my_ip[4] = {10, 0, 2, 15};
static const uint8_t gw_ip[4] = {10, 0, 2, 2};
static uint8_t gw_mac[6];

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
