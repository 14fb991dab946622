/* NE2000-compatible Ethernet card: a National DP8390 core (page 0/1/2
 * registers, remote DMA, receive ring) with 16 KiB of buffer RAM and the
 * address PROM, as an ISA card (32 ports) or the PCI Realtek RTL8029.
 * National Semiconductor DP8390D datasheet; Realtek RTL8029AS datasheet. */
#ifndef JIT86_HW_NET_NE2000_H
#define JIT86_HW_NET_NE2000_H

#include "hw/core/irq.h"
#include "hw/core/vmstate.h"
#include "hw/net/net.h"
#include "hw/pci/pci.h"
#include "softmmu/softmmu.h"

#include <stdbool.h>
#include <stdint.h>

#define NE2000_IO_SIZE    32     /* 16 registers, data port 0x10, reset 0x1F */
#define NE2000_PROM_SIZE  32     /* 16 PROM bytes, each stored twice */
#define NE2000_RAM_START  0x4000 /* buffer RAM: pages 0x40-0x7F */
#define NE2000_RAM_SIZE   0x4000
#define NE2000_DATA_PORT  0x10
#define NE2000_RESET_PORT 0x1F

/* Interrupt status bits (ISR/IMR). */
#define NE2000_ISR_PRX 0x01
#define NE2000_ISR_PTX 0x02
#define NE2000_ISR_RXE 0x04
#define NE2000_ISR_TXE 0x08
#define NE2000_ISR_OVW 0x10
#define NE2000_ISR_CNT 0x20
#define NE2000_ISR_RDC 0x40
#define NE2000_ISR_RST 0x80

/* Command register bits. */
#define NE2000_CR_STP    0x01
#define NE2000_CR_STA    0x02
#define NE2000_CR_TXP    0x04
#define NE2000_CR_RREAD  0x08
#define NE2000_CR_RWRITE 0x10
#define NE2000_CR_SENDP  0x18
#define NE2000_CR_NODMA  0x20

struct ne2000 {
    /* DP8390 registers */
    uint8_t cr, isr, imr, dcr, tcr, rcr, tsr, rsr;
    uint8_t pstart, pstop, bnry, curr, tpsr;
    uint16_t tbcr, rsar, rbcr;
    uint8_t par[6], mar[8];
    uint8_t cntr[3]; /* frame alignment, CRC, missed packet tallies */
    uint8_t mem[NE2000_RAM_SIZE];
    uint8_t prom[NE2000_PROM_SIZE];
    bool irq_level;
    /* wiring, not state */
    struct irq_line irq;   /* ISA: the IRQ line */
    struct pci_device pci; /* PCI: RTL8029 function */
    bool is_pci;
    struct net_backend backend; /* where transmitted frames go */
    struct net_stats stats;
    const char *name;
};

/* mac: the address in the PROM and what the driver copies into PAR. */
void ne2000_init(struct ne2000 *s, const uint8_t mac[6]);
/* Hardware reset (power-on or the reset port). */
void ne2000_reset(struct ne2000 *s);
/* ISA: registers the 32 ports at iobase; the IRQ goes to s->irq. */
bool ne2000_register_isa(struct ne2000 *s, struct mmu_io_space *io, uint16_t iobase);
/* PCI: an RTL8029 (10EC:8029) with a 32-byte I/O BAR 0 and INTA#. */
bool ne2000_register_pci(struct ne2000 *s, struct pci_bus *bus, uint8_t devfn);

/* A frame from the backend; dropped (and counted) when the card cannot take
 * it. can_receive says whether the ring has room for a full-size frame. */
void ne2000_receive(struct ne2000 *s, const uint8_t *buf, size_t len);
bool ne2000_can_receive(const struct ne2000 *s);
/* The NIC side for backends (opaque = s). */
struct net_client ne2000_client(struct ne2000 *s);

/* Port access as the bus sees it (offset within the 32 ports). */
uint64_t ne2000_ioport_read(void *opaque, uint64_t offset, unsigned size);
void ne2000_ioport_write(void *opaque, uint64_t offset, uint64_t value, unsigned size);

/* "name: mac, frames and bytes in/out, drops" for info network. */
int ne2000_info(const struct ne2000 *s, char *buf, size_t len);

extern const struct vms_desc ne2000_vmstate;

#endif
