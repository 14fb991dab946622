/* The link between a NIC and a network backend (socket, user, tap, hub):
 * the NIC offers can_receive/receive, the backend offers send. Frames are
 * whole Ethernet frames without the FCS. */
#ifndef JIT86_HW_NET_NET_H
#define JIT86_HW_NET_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NET_ETH_MIN_FRAME 60   /* without FCS; shorter frames are padded */
#define NET_ETH_MAX_FRAME 1518 /* with a VLAN tag, without FCS */

/* Where a NIC sends frames: a backend. send may be NULL (cable unplugged). */
struct net_backend {
    void (*send)(void *opaque, const uint8_t *buf, size_t len);
    void *opaque;
};

/* How a backend delivers frames to a NIC. */
struct net_client {
    bool (*can_receive)(void *opaque);
    void (*receive)(void *opaque, const uint8_t *buf, size_t len);
    void *opaque;
};

/* Per-NIC counters (info network). */
struct net_stats {
    uint64_t tx_frames, tx_bytes, rx_frames, rx_bytes, rx_dropped, tx_dropped;
};

/* Ethernet CRC-32 as the DP8390 computes it for the multicast hash:
 * polynomial 0x04C11DB7, bits fed LSB first, no final inversion. */
uint32_t net_ether_crc(const uint8_t *buf, size_t len);

#endif
