/* PIIX3 ISA bridge: PIRQ routing (each PIRQRC register: bit 7 disables the
 * route, bits 3:0 name the IRQ) and the reset control register (0xCF9: a
 * write with RCPU, bit 2, set resets; SRST, bit 1, selects a hard reset). */
#include "piix3.h"

#include "translator/log.h"

/* IRQs a PIRQ may be routed to (datasheet: 3-7, 9-12, 14, 15). */
static bool routable(uint8_t irq)
{
    return irq >= 3 && irq <= 15 && irq != 8 && irq != 13;
}

void piix3_update_irqs(struct piix3 *p)
{
    uint16_t want = 0;
    for (int i = 0; i < PCI_NUM_PIRQ; i++) {
        uint8_t route = p->dev.config[PIIX3_PIRQRC + i];
        if (p->pirq_level[i] && !(route & 0x80) && routable(route & 0x0F))
            want |= (uint16_t)(1u << (route & 0x0F));
    }
    uint16_t changed = want ^ p->driven;
    p->driven = want;
    for (int irq = 0; irq < 16; irq++) {
        if (changed & (1u << irq))
            irq_set(&p->isa_irq[irq], (want >> irq) & 1);
    }
}

static void pirq_changed(void *opaque, int pirq, int level)
{
    struct piix3 *p = opaque;
    p->pirq_level[pirq] = level != 0;
    piix3_update_irqs(p);
}

static void config_written(struct pci_device *d, uint32_t addr, uint32_t val, unsigned size)
{
    (void)val;
    if (addr < PIIX3_PIRQRC + 4 && addr + size > PIIX3_PIRQRC)
        piix3_update_irqs((struct piix3 *)d);
}

static void rcr_write(void *opaque, uint8_t val)
{
    struct piix3 *p = opaque;
    p->rcr = val & 0x02;
    if (val & 0x04) {
        log_mask_printf(LOG_INT, "piix3: %s reset through 0xCF9\n", (val & 2) ? "hard" : "soft");
        irq_pulse(&p->reset);
    }
}

static uint8_t rcr_read(void *opaque)
{
    struct piix3 *p = opaque;
    return p->rcr;
}

void piix3_init(struct piix3 *p, struct pci_bus *bus)
{
    pci_device_init(&p->dev, "PIIX3", 0x8086, 0x7000, 0x060100, 0x00, 0);
    p->dev.config_written = config_written;
    p->dev.config[PCI_HEADER_TYPE] = 0x80; /* IDE and other functions follow */
    for (int i = 0; i < PCI_NUM_PIRQ; i++) {
        p->dev.config[PIIX3_PIRQRC + i] = 0x80;
        p->dev.wmask[PIIX3_PIRQRC + i] = 0x8F;
    }
    p->dev.config[0x4C] = 0x4D; /* ISA I/O recovery timer */
    p->dev.wmask[0x4C] = 0xFF;
    p->dev.config[0x4E] = 0x03; /* X-bus chip select: BIOS enabled */
    p->dev.wmask[0x4E] = 0xFF;
    p->dev.config[0x69] = 0x02; /* top of memory */
    p->dev.wmask[0x69] = 0xFF;
    bus->pirq_fn = pirq_changed;
    bus->pirq_opaque = p;
    bus->rcr_write = rcr_write;
    bus->rcr_read = rcr_read;
    bus->rcr_opaque = p;
}

/* PIRQ levels and the ISA lines they drive, and the reset control register;
 * the routing itself is in the configuration space (pci_device_vmstate). */
static const struct vms_field piix3_fields[] = {
    VMS_ARRAY(struct piix3, pirq_level, VMS_BOOL),
    VMS_FIELD(struct piix3, driven, VMS_U16),
    VMS_FIELD(struct piix3, rcr, VMS_U8),
    VMS_END,
};

const struct vms_desc piix3_vmstate = {
    .name = "piix3", .version = 1, .min_version = 1, .fields = piix3_fields};
