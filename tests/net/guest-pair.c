/* Guest test for a host-only LAN between two VMs (-netdev socket): the
 * guest with MAC ...:56 (10.0.2.15) pings 10.0.2.16; the guest with MAC
 * ...:57 answers ARP and three echo requests, then exits. Run in pairs by
 * pair.sh (jit86 with jit86, jit86 with qemu-system-i386). */
#include "guest-ne2000.h"

#define PINGS 3

static uint8_t my_ip[4] = {10, 0, 2, 15};
static const uint8_t bcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

static void arp_packet(uint8_t *f, const uint8_t *dst_mac, const uint8_t *dst_ip, uint8_t op)
{
    static const uint8_t arp[7] = {0, 1, 0x08, 0, 6, 4, 0};
    memset(f, 0, 60);
    eth_header(f, op == 1 ? bcast : dst_mac, 0x0806);
    memcpy(f + 14, arp, 7);
    f[21] = op;
    memcpy(f + 22, my_mac, 6);
    memcpy(f + 28, my_ip, 4);
    if (op == 2)
        memcpy(f + 32, dst_mac, 6);
    memcpy(f + 38, dst_ip, 4);
}

/* Responder: ARP replies and echo replies (the request turned around). */
static int respond(void)
{
    int answered = 0;
    while (answered < PINGS) {
        int n = nic_recv(frame);
        if (n < 0)
            return 1;
        if (n >= 42 && frame[12] == 0x08 && frame[13] == 0x06 && frame[21] == 1 &&
            !memcmp(frame + 38, my_ip, 4)) {
            uint8_t mac[6], ip[4];
            memcpy(mac, frame + 22, 6);
            memcpy(ip, frame + 28, 4);
            arp_packet(frame, mac, ip, 2);
            nic_send(frame, 60);
            continue;
        }
        uint8_t *ip = frame + 14, *icmp = frame + 34;
        if (n < 42 || frame[12] != 0x08 || frame[13] != 0 || ip[9] != 1 || icmp[0] != 8 ||
            memcmp(ip + 16, my_ip, 4))
            continue;
        int len = ip[2] << 8 | ip[3];
        uint8_t tmp[6];
        memcpy(tmp, frame, 6);
        memcpy(frame, frame + 6, 6);
        memcpy(frame + 6, tmp, 6);
        memcpy(tmp, ip + 12, 4);
        memcpy(ip + 12, ip + 16, 4);
        memcpy(ip + 16, tmp, 4);
        icmp[0] = 0;
        icmp[2] = icmp[3] = 0;
        uint16_t c = csum(icmp, len - 20);
        icmp[2] = (uint8_t)(c >> 8);
        icmp[3] = (uint8_t)c;
        nic_send(frame, (uint16_t)(14 + len));
        answered++;
        rt_printf("echo: answered seq %u from %u.%u.%u.%u\n", icmp[6] << 8 | icmp[7], tmp[0],
                  tmp[1], tmp[2], tmp[3]);
    }
    return 0;
}

/* Pinger: ARP until the peer is up (it may start later), then echoes. */
static int ping(void)
{
    static const uint8_t peer_ip[4] = {10, 0, 2, 16};
    uint8_t peer_mac[6];
    int found = 0;
    for (int tries = 0; tries < 200 && !found; tries++) {
        arp_packet(frame, bcast, peer_ip, 1);
        nic_send(frame, 60);
        int n;
        while (!found && (n = nic_recv_spin(frame, 2000000)) >= 0)
            if (n >= 42 && frame[12] == 0x08 && frame[13] == 0x06 && frame[21] == 2 &&
                !memcmp(frame + 28, peer_ip, 4)) {
                memcpy(peer_mac, frame + 22, 6);
                found = 1;
            }
    }
    if (!found) {
        rt_printf("arp: no reply from 10.0.2.16\n");
        return 1;
    }
    rt_printf("arp: 10.0.2.16 is at %02x:%02x:%02x:%02x:%02x:%02x\n", peer_mac[0], peer_mac[1],
              peer_mac[2], peer_mac[3], peer_mac[4], peer_mac[5]);
    for (int seq = 1; seq <= PINGS; seq++) {
        uint8_t *ip = frame + 14, *icmp = frame + 34;
        memset(frame, 0, 14 + 20 + 8 + 32);
        eth_header(frame, peer_mac, 0x0800);
        ip[0] = 0x45;
        ip[3] = 20 + 8 + 32;
        ip[8] = 64;
        ip[9] = 1;
        memcpy(ip + 12, my_ip, 4);
        memcpy(ip + 16, peer_ip, 4);
        uint16_t c = csum(ip, 20);
        ip[10] = (uint8_t)(c >> 8);
        ip[11] = (uint8_t)c;
        icmp[0] = 8;
        icmp[7] = (uint8_t)seq;
        for (int i = 0; i < 32; i++)
            icmp[8 + i] = (uint8_t)(i * seq);
        c = csum(icmp, 40);
        icmp[2] = (uint8_t)(c >> 8);
        icmp[3] = (uint8_t)c;
        nic_send(frame, 14 + 20 + 40);
        int ok = -1;
        for (int k = 0; k < 8 && ok < 0; k++) {
            int n = nic_recv(frame);
            if (n < 0)
                break;
            if (n >= 74 && frame[23] == 1 && icmp[0] == 0 && icmp[7] == seq) {
                ok = csum(icmp, 40) == 0;
                for (int i = 0; i < 32; i++)
                    ok = ok && icmp[8 + i] == (uint8_t)(i * seq);
            }
        }
        rt_printf("ping: seq %d %s\n", seq, ok > 0 ? "reply ok" : ok == 0 ? "bad reply" : "lost");
    }
    return 0;
}

int main(void)
{
    if (!nic_init()) {
        rt_printf("ne2000: no card at 0x%x\n", NE);
        return 1;
    }
    my_ip[3] = (uint8_t)(15 + my_mac[5] - 0x56);
    rt_printf("ne2000: %u.%u.%u.%u\n", my_ip[0], my_ip[1], my_ip[2], my_ip[3]);
    return my_mac[5] == 0x56 ? ping() : respond();
}
