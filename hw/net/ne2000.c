/* NE2000 / RTL8029: the DP8390 network interface controller with its buffer
 * RAM and address PROM behind 32 I/O ports. National DP8390D datasheet
 * (register map, remote DMA, receive ring, header format, filtering). */
#include "ne2000.h"

#include "translator/log.h"

#include <stdio.h>
#include <string.h>

/* Register offsets within a page. */
#define REG_CR  0x00
#define REG_ISR 0x07

#define RCR_AB  0x04 /* accept broadcast */
#define RCR_AM  0x08 /* accept multicast (hash filtered) */
#define RCR_PRO 0x10 /* promiscuous */
#define TCR_LB  0x06 /* loopback mode */
#define DCR_WTS 0x01 /* word-wide remote DMA */
#define RSR_PRX 0x01
#define RSR_MPA 0x10 /* missed packet */
#define RSR_PHY 0x20 /* multicast or broadcast destination */
#define TSR_PTX 0x01
#define TSR_ABT 0x08

#define CR_RD_MASK  0x38
#define CR_PS_SHIFT 6
#define HDR_LEN     4
#define PAGE        256

static void update_irq(struct ne2000 *s)
{
    bool level = (s->isr & s->imr & 0x7F) != 0;
    if (level == s->irq_level)
        return;
    s->irq_level = level;
    if (s->is_pci)
        pci_set_irq(&s->pci, level);
    else
        irq_set(&s->irq, level);
}

/* The card's 16-bit local address space: the PROM (aliased over the first
 * 16 KiB, as the NE2000 decodes it), buffer RAM, nothing above. */
static uint8_t mem_read(const struct ne2000 *s, uint16_t addr)
{
    if (addr < NE2000_RAM_START)
        return s->prom[addr % NE2000_PROM_SIZE];
    if (addr < NE2000_RAM_START + NE2000_RAM_SIZE)
        return s->mem[addr - NE2000_RAM_START];
    return 0xFF;
}

static void mem_write(struct ne2000 *s, uint16_t addr, uint8_t v)
{
    if (addr >= NE2000_RAM_START && addr < NE2000_RAM_START + NE2000_RAM_SIZE)
        s->mem[addr - NE2000_RAM_START] = v;
}

static bool ring_valid(const struct ne2000 *s)
{
    return s->pstart < s->pstop;
}

/* Next byte address in the receive ring: the DMA wraps from PSTOP back to
 * PSTART (remote DMA too, which is what lets the driver read a wrapped
 * packet in one go). */
static uint16_t ring_next(const struct ne2000 *s, uint16_t addr)
{
    addr++;
    if (ring_valid(s) && addr == (uint16_t)(s->pstop * PAGE))
        addr = (uint16_t)(s->pstart * PAGE);
    return addr;
}

/* Free pages between CURR and BNRY. CURR == BNRY counts as empty: drivers
 * initialise both ways, and the receiver never lets CURR catch up. */
static int ring_free_pages(const struct ne2000 *s)
{
    int n = s->pstop - s->pstart;
    int f = s->bnry - s->curr;
    if (f <= 0)
        f += n;
    return f < 0 ? 0 : f > n ? n : f;
}

static int pages_for(size_t len)
{
    return (int)((len + HDR_LEN + PAGE - 1) / PAGE);
}

bool ne2000_can_receive(const struct ne2000 *s)
{
    if ((s->cr & NE2000_CR_STP) || !ring_valid(s))
        return false;
    return ring_free_pages(s) > pages_for(NET_ETH_MAX_FRAME);
}

uint32_t net_ether_crc(const uint8_t *buf, size_t len)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++) {
        uint8_t b = buf[i];
        for (int k = 0; k < 8; k++, b >>= 1) {
            uint32_t carry = (crc >> 31) ^ (b & 1u);
            crc <<= 1;
            if (carry)
                crc ^= 0x04C11DB7u;
        }
    }
    return crc;
}

/* Address recognition (DP8390 "Address Recognition Logic"): physical match
 * against PAR, broadcast with AB, multicast through the 64-bit hash of the
 * top six CRC bits with AM, everything with PRO. */
static bool accept(const struct ne2000 *s, const uint8_t *dst)
{
    static const uint8_t bcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    if (s->rcr & RCR_PRO)
        return true;
    if (!memcmp(dst, bcast, 6))
        return (s->rcr & RCR_AB) != 0;
    if (dst[0] & 1) {
        if (!(s->rcr & RCR_AM))
            return false;
        unsigned idx = net_ether_crc(dst, 6) >> 26;
        return (s->mar[idx >> 3] >> (idx & 7)) & 1;
    }
    return !memcmp(dst, s->par, 6);
}

/* -d net: one line per frame at the card's boundary. */
static void log_frame(const struct ne2000 *s, const char *dir, const uint8_t *buf, size_t len,
                      const char *verdict)
{
    if (!log_enabled(LOG_NET))
        return;
    unsigned type = len >= 14 ? (unsigned)(buf[12] << 8 | buf[13]) : 0;
    log_printf("net: %s %s %zu bytes type 0x%04x%s\n", s->name, dir, len, type, verdict);
}

static void count_missed(struct ne2000 *s)
{
    s->stats.rx_dropped++;
    s->rsr |= RSR_MPA;
    if (s->cntr[2] < 0xFF && ++s->cntr[2] >= 0xC0)
        s->isr |= NE2000_ISR_CNT; /* tally counters interrupt at half full */
}

static void store_frame(struct ne2000 *s, const uint8_t *buf, size_t len, uint8_t rsr)
{
    int pages = pages_for(len);
    int next = s->curr + pages;
    if (next >= s->pstop && s->curr < s->pstop)
        next -= s->pstop - s->pstart;
    size_t count = len + HDR_LEN;
    const uint8_t hdr[HDR_LEN] = {rsr, (uint8_t)next, (uint8_t)count, (uint8_t)(count >> 8)};
    uint16_t addr = (uint16_t)(s->curr * PAGE);
    for (int i = 0; i < HDR_LEN; i++, addr = ring_next(s, addr))
        mem_write(s, addr, hdr[i]);
    for (size_t i = 0; i < len; i++, addr = ring_next(s, addr))
        mem_write(s, addr, buf[i]);
    s->curr = (uint8_t)next;
    s->rsr = rsr;
    s->isr |= NE2000_ISR_PRX;
}

void ne2000_receive(struct ne2000 *s, const uint8_t *buf, size_t len)
{
    if ((s->cr & NE2000_CR_STP) || !ring_valid(s) || len < 6 || len > NET_ETH_MAX_FRAME) {
        s->stats.rx_dropped++;
        log_frame(s, "rx", buf, len, " dropped (card stopped, bad ring or length)");
        return;
    }
    if (!accept(s, buf)) {
        log_frame(s, "rx", buf, len, " filtered");
        return;
    }
    uint8_t padded[NET_ETH_MIN_FRAME];
    if (len < NET_ETH_MIN_FRAME) {
        /* Backends hand over frames without padding; the wire has 60 bytes. */
        memset(padded, 0, sizeof(padded));
        memcpy(padded, buf, len);
        buf = padded;
        len = NET_ETH_MIN_FRAME;
    }
    if (pages_for(len) >= ring_free_pages(s)) {
        s->isr |= NE2000_ISR_OVW;
        count_missed(s);
        log_frame(s, "rx", buf, len, " dropped (ring full)");
        update_irq(s);
        return;
    }
    uint8_t rsr = RSR_PRX | ((buf[0] & 1) ? RSR_PHY : 0);
    store_frame(s, buf, len, rsr);
    s->stats.rx_frames++;
    s->stats.rx_bytes += len;
    log_frame(s, "rx", buf, len, "");
    update_irq(s);
}

static void transmit(struct ne2000 *s)
{
    uint8_t frame[NET_ETH_MAX_FRAME];
    size_t len = s->tbcr;
    s->cr &= (uint8_t)~NE2000_CR_TXP;
    if (len == 0 || len > NET_ETH_MAX_FRAME) {
        /* Nothing sensible goes on the wire: the transmit aborts. */
        s->stats.tx_dropped++;
        log_mask_printf(LOG_NET, "net: %s tx %zu bytes aborted (length)\n", s->name, len);
        s->tsr = TSR_ABT;
        s->isr |= NE2000_ISR_TXE;
        update_irq(s);
        return;
    }
    uint16_t addr = (uint16_t)(s->tpsr * PAGE);
    for (size_t i = 0; i < len; i++)
        frame[i] = mem_read(s, (uint16_t)(addr + i));
    s->tsr = TSR_PTX;
    s->isr |= NE2000_ISR_PTX;
    s->stats.tx_frames++;
    s->stats.tx_bytes += len;
    log_frame(s, "tx", frame, len, (s->tcr & TCR_LB) ? " (loopback)" : "");
    if (s->tcr & TCR_LB)
        ne2000_receive(s, frame, len);
    else if (s->backend.send)
        s->backend.send(s->backend.opaque, frame, len);
    update_irq(s);
}

static void start_remote_dma(struct ne2000 *s, uint8_t rd)
{
    if (rd == NE2000_CR_SENDP) {
        /* Send Packet: remote read of the packet at BNRY, its length from
         * the header the receiver wrote there. */
        uint16_t a = (uint16_t)(s->bnry * PAGE);
        s->rsar = a;
        s->rbcr = (uint16_t)(mem_read(s, (uint16_t)(a + 2)) | mem_read(s, (uint16_t)(a + 3)) << 8);
    }
    if ((rd == NE2000_CR_RREAD || rd == NE2000_CR_RWRITE || rd == NE2000_CR_SENDP) && s->rbcr == 0)
        s->isr |= NE2000_ISR_RDC;
}

static void write_cr(struct ne2000 *s, uint8_t v)
{
    uint8_t rd = v & CR_RD_MASK;
    if (v & NE2000_CR_STP) {
        s->cr = (uint8_t)((v & ~(NE2000_CR_STA | NE2000_CR_TXP)) | NE2000_CR_STP);
        s->isr |= NE2000_ISR_RST;
    } else {
        s->cr = (uint8_t)(v & ~NE2000_CR_TXP);
        if (v & NE2000_CR_STA)
            s->isr &= (uint8_t)~NE2000_ISR_RST;
    }
    if (rd != 0 && rd < NE2000_CR_NODMA)
        start_remote_dma(s, rd);
    if ((v & NE2000_CR_TXP) && !(s->cr & NE2000_CR_STP))
        transmit(s);
    update_irq(s);
}

static uint8_t read_clear(uint8_t *counter)
{
    uint8_t v = *counter;
    *counter = 0;
    return v;
}

static uint8_t read_page0(struct ne2000 *s, unsigned r)
{
    switch (r) {
    case 0x01: return 0;
    case 0x02: return s->curr;
    case 0x03: return s->bnry;
    case 0x04: return s->tsr;
    case 0x05: return 0; /* no collisions on a virtual wire */
    case 0x06: return 0;
    case 0x07: return s->isr;
    case 0x08: return (uint8_t)s->rsar;
    case 0x09: return (uint8_t)(s->rsar >> 8);
    case 0x0A: return s->is_pci ? 0x50 : 0xFF; /* RTL8029 ID: 'P' 'C' */
    case 0x0B: return s->is_pci ? 0x43 : 0xFF;
    case 0x0C: return s->rsr;
    case 0x0D: return read_clear(&s->cntr[0]);
    case 0x0E: return read_clear(&s->cntr[1]);
    default: return read_clear(&s->cntr[2]);
    }
}

static uint8_t read_page2(const struct ne2000 *s, unsigned r)
{
    switch (r) {
    case 0x01: return s->pstart;
    case 0x02: return s->pstop;
    case 0x04: return s->tpsr;
    case 0x0C: return (uint8_t)(s->rcr | 0xC0);
    case 0x0D: return (uint8_t)(s->tcr | 0xE0);
    case 0x0E: return (uint8_t)(s->dcr | 0x80);
    case 0x0F: return (uint8_t)(s->imr | 0x80);
    default: return 0;
    }
}

static uint8_t read_reg(struct ne2000 *s, unsigned r)
{
    if (r == REG_CR)
        return s->cr;
    switch (s->cr >> CR_PS_SHIFT) {
    case 0: return read_page0(s, r);
    case 1: return r <= 6 ? s->par[r - 1] : r == 7 ? s->curr : s->mar[r - 8];
    case 2: return read_page2(s, r);
    default: return 0; /* RTL8029 page 3: configuration, nothing to report */
    }
}

static void write_page0(struct ne2000 *s, unsigned r, uint8_t v)
{
    switch (r) {
    case 0x01: s->pstart = v; break;
    case 0x02: s->pstop = v; break;
    case 0x03: s->bnry = v; break;
    case 0x04: s->tpsr = v; break;
    case 0x05: s->tbcr = (uint16_t)((s->tbcr & 0xFF00) | v); break;
    case 0x06: s->tbcr = (uint16_t)((s->tbcr & 0x00FF) | v << 8); break;
    case 0x07: s->isr &= (uint8_t)~v; break; /* write 1 to acknowledge */
    case 0x08: s->rsar = (uint16_t)((s->rsar & 0xFF00) | v); break;
    case 0x09: s->rsar = (uint16_t)((s->rsar & 0x00FF) | v << 8); break;
    case 0x0A: s->rbcr = (uint16_t)((s->rbcr & 0xFF00) | v); break;
    case 0x0B: s->rbcr = (uint16_t)((s->rbcr & 0x00FF) | v << 8); break;
    case 0x0C: s->rcr = v & 0x3F; break;
    case 0x0D: s->tcr = v & 0x1F; break;
    case 0x0E: s->dcr = v & 0x7F; break;
    default: s->imr = v & 0x7F; break;
    }
}

static void write_reg(struct ne2000 *s, unsigned r, uint8_t v)
{
    if (r == REG_CR) {
        write_cr(s, v);
        return;
    }
    switch (s->cr >> CR_PS_SHIFT) {
    case 0: write_page0(s, r, v); break;
    case 1:
        if (r <= 6)
            s->par[r - 1] = v;
        else if (r == 7)
            s->curr = v;
        else
            s->mar[r - 8] = v;
        break;
    default:
        /* Page 2 writes reach the DMA address counters for diagnostics,
         * page 3 the RTL8029 configuration: neither changes what we model. */
        log_mask_printf(LOG_UNIMP, "%s: page %d register %u write %02x ignored\n", s->name,
                        s->cr >> CR_PS_SHIFT, r, v);
        break;
    }
    update_irq(s);
}

/* One remote DMA byte: the address steps (wrapping at PSTOP) and the count
 * runs down to zero, which completes the transfer with RDC. */
static void dma_step(struct ne2000 *s)
{
    s->rsar = ring_next(s, s->rsar);
    if (s->rbcr > 0 && --s->rbcr == 0)
        s->isr |= NE2000_ISR_RDC;
}

/* Bytes one data-port access moves: the access width, but at least a word
 * in word-wide mode (DCR.WTS), where every DMA transfer is 16 bits. Linux's
 * ne2k-pci reads the PROM with byte reads in word mode and expects each one
 * to step over a doubled PROM byte. */
static unsigned dma_unit(const struct ne2000 *s, unsigned size)
{
    return (s->dcr & DCR_WTS) && size < 2 ? 2 : size;
}

static uint64_t data_read(struct ne2000 *s, unsigned size)
{
    uint64_t v = 0;
    unsigned n = dma_unit(s, size);
    for (unsigned i = 0; i < n; i++) {
        if (s->rbcr == 0) {
            v |= (uint64_t)0xFF << (8 * i); /* no transfer running */
            continue;
        }
        v |= (uint64_t)mem_read(s, s->rsar) << (8 * i);
        dma_step(s);
    }
    update_irq(s);
    return size < 8 ? v & ((UINT64_C(1) << (8 * size)) - 1) : v;
}

static void data_write(struct ne2000 *s, uint64_t v, unsigned size)
{
    unsigned n = dma_unit(s, size);
    for (unsigned i = 0; i < n && s->rbcr > 0; i++) {
        mem_write(s, s->rsar, i < size ? (uint8_t)(v >> (8 * i)) : 0);
        dma_step(s);
    }
    update_irq(s);
}

uint64_t ne2000_ioport_read(void *opaque, uint64_t offset, unsigned size)
{
    struct ne2000 *s = opaque;
    offset &= NE2000_IO_SIZE - 1;
    if (offset >= NE2000_DATA_PORT && offset < NE2000_RESET_PORT - 7)
        return data_read(s, size);
    uint64_t v = 0;
    for (unsigned i = 0; i < size && offset + i < NE2000_IO_SIZE; i++) {
        unsigned r = (unsigned)offset + i;
        uint8_t b;
        if (r < NE2000_DATA_PORT)
            b = read_reg(s, r);
        else if (r == NE2000_RESET_PORT) {
            ne2000_reset(s); /* reading the reset port pulses RESET */
            b = 0;
        } else
            b = 0xFF;
        v |= (uint64_t)b << (8 * i);
    }
    return v;
}

void ne2000_ioport_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    struct ne2000 *s = opaque;
    offset &= NE2000_IO_SIZE - 1;
    if (offset >= NE2000_DATA_PORT && offset < NE2000_RESET_PORT - 7) {
        data_write(s, value, size);
        return;
    }
    /* Writes to the reset port end the pulse: nothing more to do. */
    for (unsigned i = 0; i < size && offset + i < NE2000_DATA_PORT; i++)
        write_reg(s, (unsigned)offset + i, (uint8_t)(value >> (8 * i)));
}

static const struct mmu_io_ops ne2000_ops = {
    .read = ne2000_ioport_read,
    .write = ne2000_ioport_write,
    .widths = MMU_WIDTH_1 | MMU_WIDTH_2 | MMU_WIDTH_4,
};

void ne2000_init(struct ne2000 *s, const uint8_t mac[6])
{
    memset(s, 0, sizeof(*s));
    s->name = "ne2k_isa";
    /* PROM: the address, zeros, and 0x57 0x57 in bytes 14-15 (the mark
     * NE2000 drivers check for a 16-bit card), each byte doubled because
     * the PROM sits on the low half of the 16-bit bus. */
    uint8_t p[NE2000_PROM_SIZE / 2] = {0};
    memcpy(p, mac, 6);
    p[14] = p[15] = 0x57;
    for (int i = 0; i < NE2000_PROM_SIZE / 2; i++)
        s->prom[2 * i] = s->prom[2 * i + 1] = p[i];
    ne2000_reset(s);
}

void ne2000_reset(struct ne2000 *s)
{
    s->cr = NE2000_CR_STP | NE2000_CR_NODMA;
    s->isr = NE2000_ISR_RST;
    s->imr = 0;
    s->rbcr = 0;
    s->tcr = 0;
    s->dcr = 0;
    update_irq(s);
}

bool ne2000_register_isa(struct ne2000 *s, struct mmu_io_space *io, uint16_t iobase)
{
    s->is_pci = false;
    s->name = "ne2k_isa";
    return mmu_io_register(io, iobase, NE2000_IO_SIZE, &ne2000_ops, s);
}

bool ne2000_register_pci(struct ne2000 *s, struct pci_bus *bus, uint8_t devfn)
{
    s->is_pci = true;
    s->name = "ne2k_pci";
    pci_device_init(&s->pci, "RTL8029", 0x10EC, 0x8029, 0x020000, 0x00, 1);
    pci_declare_bar(&s->pci, 0, NE2000_IO_SIZE, true, &ne2000_ops, s);
    return pci_register(bus, &s->pci, devfn);
}

static bool client_can_receive(void *opaque)
{
    return ne2000_can_receive(opaque);
}

static void client_receive(void *opaque, const uint8_t *buf, size_t len)
{
    ne2000_receive(opaque, buf, len);
}

struct net_client ne2000_client(struct ne2000 *s)
{
    return (struct net_client){client_can_receive, client_receive, s};
}

int ne2000_info(const struct ne2000 *s, char *buf, size_t len)
{
    const struct net_stats *st = &s->stats;
    return snprintf(buf, len,
                    "%s: macaddr=%02x:%02x:%02x:%02x:%02x:%02x rx %llu frames %llu bytes, tx "
                    "%llu frames %llu bytes, dropped rx %llu tx %llu\n",
                    s->name, s->prom[0], s->prom[2], s->prom[4], s->prom[6], s->prom[8],
                    s->prom[10], (unsigned long long)st->rx_frames,
                    (unsigned long long)st->rx_bytes, (unsigned long long)st->tx_frames,
                    (unsigned long long)st->tx_bytes, (unsigned long long)st->rx_dropped,
                    (unsigned long long)st->tx_dropped);
}

/* The PROM is read-only: a stream whose PROM is not in the doubled layout
 * did not come from this card. The IRQ line follows the loaded ISR/IMR. */
static bool ne2000_post_load(void *opaque)
{
    struct ne2000 *s = opaque;
    for (int i = 0; i < NE2000_PROM_SIZE; i += 2)
        if (s->prom[i] != s->prom[i + 1])
            return false;
    s->irq_level = !((s->isr & s->imr & 0x7F) != 0);
    update_irq(s);
    return true;
}

#define F(f, t) VMS_FIELD(struct ne2000, f, t)
#define A(f, t) VMS_ARRAY(struct ne2000, f, t)
static const struct vms_field ne2000_fields[] = {
    F(cr, VMS_U8),    F(isr, VMS_U8),  F(imr, VMS_U8),  F(dcr, VMS_U8),    F(tcr, VMS_U8),
    F(rcr, VMS_U8),   F(tsr, VMS_U8),  F(rsr, VMS_U8),  F(pstart, VMS_U8), F(pstop, VMS_U8),
    F(bnry, VMS_U8),  F(curr, VMS_U8), F(tpsr, VMS_U8), F(tbcr, VMS_U16),  F(rsar, VMS_U16),
    F(rbcr, VMS_U16), A(par, VMS_U8),  A(mar, VMS_U8),  A(cntr, VMS_U8),   A(mem, VMS_U8),
    A(prom, VMS_U8),  VMS_END,
};
#undef F
#undef A

const struct vms_desc ne2000_vmstate = {
    .name = "ne2000",
    .version = 1,
    .min_version = 1,
    .fields = ne2000_fields,
    .post_load = ne2000_post_load,
};
