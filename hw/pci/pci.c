/* PCI bus 0: configuration mechanism #1, header write masks, BAR mapping on
 * softmmu, INTx to PIRQ. PCI Local Bus Specification 2.3 §3.2.2.3.2 and
 * chapter 6. */
#include "pci.h"

#include "translator/log.h"

#include "hw/core/text.h"

#include <string.h>

void pci_bus_init(struct pci_bus *bus, struct mmu_phys_space *mem, struct mmu_io_space *io)
{
    *bus = (struct pci_bus){.mem = mem, .io = io};
}

int pci_pirq_of(uint8_t devfn, uint8_t pin)
{
    return ((devfn >> 3) + pin - 1) & 3;
}

void pci_device_init(struct pci_device *d, const char *name, uint16_t vendor, uint16_t device,
                     uint32_t class_code, uint8_t revision, uint8_t pin)
{
    *d = (struct pci_device){.name = name};
    pci_set_word(d->config + PCI_VENDOR_ID, vendor);
    pci_set_word(d->config + PCI_DEVICE_ID, device);
    d->config[PCI_REVISION] = revision;
    d->config[PCI_CLASS_PROG] = (uint8_t)class_code;
    d->config[PCI_CLASS_PROG + 1] = (uint8_t)(class_code >> 8);
    d->config[PCI_CLASS_PROG + 2] = (uint8_t)(class_code >> 16);
    d->config[PCI_INTERRUPT_PIN] = pin;
    /* Command: I/O, memory, bus master, parity, SERR, INTx disable. */
    pci_set_word(d->wmask + PCI_COMMAND, 0x0547);
    /* Status: error bits are write-1-to-clear. */
    pci_set_word(d->w1cmask + PCI_STATUS, 0xF900);
    d->wmask[0x0C] = 0xFF; /* cache line size */
    d->wmask[0x0D] = 0xFF; /* latency timer */
    d->wmask[PCI_INTERRUPT_LINE] = 0xFF;
}

bool pci_register(struct pci_bus *bus, struct pci_device *d, uint8_t devfn)
{
    if (bus->devs[devfn])
        return false;
    d->bus = bus;
    d->devfn = devfn;
    bus->devs[devfn] = d;
    /* A function other than 0 makes function 0 multi-function. */
    if (devfn & 7) {
        struct pci_device *f0 = bus->devs[devfn & ~7];
        if (f0)
            f0->config[PCI_HEADER_TYPE] |= 0x80;
    } else {
        for (int fn = 1; fn < 8; fn++)
            if (bus->devs[devfn | fn])
                d->config[PCI_HEADER_TYPE] |= 0x80;
    }
    return true;
}

void pci_declare_bar(struct pci_device *d, int n, uint32_t size, bool io,
                     const struct mmu_io_ops *ops, void *opaque)
{
    struct pci_bar *b = &d->bars[n];
    *b = (struct pci_bar){.size = size, .io = io, .ops = ops, .opaque = opaque};
    uint32_t mask = ~(size - 1) & (io ? 0xFFFFFFFCu : 0xFFFFFFF0u);
    pci_set_long(d->wmask + PCI_BAR0 + 4 * n, mask);
    pci_set_long(d->config + PCI_BAR0 + 4 * n, io ? 0x1 : 0x0);
}

static uint32_t bar_address(const struct pci_device *d, int n)
{
    const struct pci_bar *b = &d->bars[n];
    uint32_t v = pci_get_long(d->config + PCI_BAR0 + 4 * n);
    uint16_t cmd = pci_get_word(d->config + PCI_COMMAND);
    if (b->io) {
        v &= ~3u;
        /* Mapped when I/O decoding is on and the whole BAR is in 64 KiB. */
        if (!(cmd & PCI_COMMAND_IO) || v == 0 || (uint64_t)v + b->size > 0x10000)
            return 0;
        return v;
    }
    v &= ~15u;
    if (!(cmd & PCI_COMMAND_MEMORY) || v == 0 || (uint64_t)v + b->size > 0x100000000ull)
        return 0;
    return v;
}

static void bar_unmap(struct pci_device *d, struct pci_bar *b)
{
    if (!b->mapped)
        return;
    if (b->io)
        mmu_io_unregister(d->bus->io, (uint16_t)b->mapped);
    else if (b->region)
        mmu_region_unmap(b->region);
    b->region = NULL;
    b->mapped = 0;
}

static void update_bars(struct pci_device *d)
{
    for (int n = 0; n < PCI_NUM_BARS; n++) {
        struct pci_bar *b = &d->bars[n];
        if (!b->size)
            continue;
        uint32_t addr = bar_address(d, n);
        if (addr == b->mapped)
            continue;
        bar_unmap(d, b);
        if (!addr)
            continue;
        bool ok;
        if (b->io) {
            ok = mmu_io_register(d->bus->io, (uint16_t)addr, b->size, b->ops, b->opaque);
        } else {
            /* Priority 1: a BAR programmed over RAM (priority 0) wins. */
            b->region = mmu_phys_map_mmio(d->bus->mem, addr, b->size, b->ops, b->opaque, 1);
            ok = b->region != NULL;
        }
        if (ok)
            b->mapped = addr;
        else
            log_mask_printf(LOG_GUEST_ERRORS, "pci: %s BAR%d at %#x conflicts, not mapped\n",
                            d->name, n, addr);
    }
}

static void update_irq(struct pci_device *d);

void pci_bus_restore(struct pci_bus *bus)
{
    for (int i = 0; i < PCI_NUM_PIRQ; i++)
        bus->pirq_count[i] = 0;
    for (int fn = 0; fn < 256; fn++) {
        struct pci_device *d = bus->devs[fn];
        if (!d)
            continue;
        for (int n = 0; n < PCI_NUM_BARS; n++)
            bar_unmap(d, &d->bars[n]);
        update_bars(d);
        d->intx_driven = false;
        update_irq(d);
    }
    for (int i = 0; i < PCI_NUM_PIRQ; i++) {
        if (bus->pirq_fn)
            bus->pirq_fn(bus->pirq_opaque, i, bus->pirq_count[i] > 0);
    }
}

uint32_t pci_config_read(struct pci_bus *bus, uint8_t devfn, uint32_t addr, unsigned size)
{
    struct pci_device *d = bus->devs[devfn];
    if (!d || addr + size > 256)
        return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)d->config[addr + i] << (8 * i);
    return v;
}

void pci_config_write(struct pci_bus *bus, uint8_t devfn, uint32_t addr, uint32_t val,
                      unsigned size)
{
    struct pci_device *d = bus->devs[devfn];
    if (!d || addr + size > 256)
        return;
    for (unsigned i = 0; i < size; i++) {
        uint8_t b = (uint8_t)(val >> (8 * i));
        uint32_t a = addr + i;
        d->config[a] = (uint8_t)((d->config[a] & ~d->wmask[a]) | (b & d->wmask[a]));
        d->config[a] &= (uint8_t) ~(b & d->w1cmask[a]);
    }
    if (addr < PCI_BAR0 + 4 * PCI_NUM_BARS && addr + size > PCI_COMMAND)
        update_bars(d);
    if (addr <= PCI_COMMAND + 1 && addr + size > PCI_COMMAND + 1)
        update_irq(d); /* INTx disable may have changed */
    if (d->config_written)
        d->config_written(d, addr, val, size);
}

static void pirq_change(struct pci_bus *bus, int pirq, int delta)
{
    int before = bus->pirq_count[pirq] > 0;
    bus->pirq_count[pirq] += delta;
    int after = bus->pirq_count[pirq] > 0;
    if (before != after && bus->pirq_fn)
        bus->pirq_fn(bus->pirq_opaque, pirq, after);
}

/* The level the device drives onto its PIRQ: INTx unless disabled. */
static void update_irq(struct pci_device *d)
{
    uint8_t pin = d->config[PCI_INTERRUPT_PIN];
    if (!pin || pin > 4 || !d->bus)
        return;
    bool disabled = pci_get_word(d->config + PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE;
    bool drive = d->intx_level && !disabled;
    if (drive == d->intx_driven)
        return;
    d->intx_driven = drive;
    pirq_change(d->bus, pci_pirq_of(d->devfn, pin), drive ? 1 : -1);
}

void pci_set_irq(struct pci_device *d, int level)
{
    d->intx_level = level != 0;
    if (level)
        d->config[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
    else
        d->config[PCI_STATUS] &= ~PCI_STATUS_INTERRUPT;
    update_irq(d);
}

/* Configuration mechanism #1: 0xCF8 holds enable, bus, device, function and
 * register; 0xCFC-0xCFF move data. Only bus 0 exists. Byte accesses at 0xCF9
 * are the PIIX3 reset control register. */
static bool decode(struct pci_bus *bus, uint64_t offset, uint8_t *devfn, uint32_t *reg)
{
    uint32_t a = bus->config_addr;
    if (!(a & 0x80000000u) || ((a >> 16) & 0xFF) != 0)
        return false;
    *devfn = (uint8_t)(a >> 8);
    *reg = (a & 0xFC) + (uint32_t)(offset - 4);
    return true;
}

static uint64_t host_read(void *opaque, uint64_t offset, unsigned size)
{
    struct pci_bus *bus = opaque;
    if (offset < 4) {
        if (offset == 0 && size == 4)
            return bus->config_addr;
        if (offset == 1 && size == 1 && bus->rcr_read)
            return bus->rcr_read(bus->rcr_opaque);
        return (1ull << (8 * size)) - 1;
    }
    uint8_t devfn;
    uint32_t reg;
    if (!decode(bus, offset, &devfn, &reg))
        return (1ull << (8 * size)) - 1;
    return pci_config_read(bus, devfn, reg, size);
}

static void host_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    struct pci_bus *bus = opaque;
    if (offset < 4) {
        if (offset == 0 && size == 4)
            bus->config_addr = (uint32_t)val & 0x80FFFFFCu;
        else if (offset == 1 && size == 1 && bus->rcr_write)
            bus->rcr_write(bus->rcr_opaque, (uint8_t)val);
        return;
    }
    uint8_t devfn;
    uint32_t reg;
    if (decode(bus, offset, &devfn, &reg))
        pci_config_write(bus, devfn, reg, (uint32_t)val, size);
}

static const struct mmu_io_ops host_ops = {host_read, host_write,
                                           MMU_WIDTH_1 | MMU_WIDTH_2 | MMU_WIDTH_4};

bool pci_bus_register_io(struct pci_bus *bus)
{
    return mmu_io_register(bus->io, 0xCF8, 8, &host_ops, bus);
}

int pci_info(const struct pci_bus *bus, char *buf, size_t len)
{
    size_t pos = 0;
    hw_appendf(buf, len, &pos, "%s", "");
    for (int fn = 0; fn < 256; fn++) {
        const struct pci_device *d = bus->devs[fn];
        if (!d)
            continue;
        const uint8_t *c = d->config;
        hw_appendf(buf, len, &pos, "  Bus  0, device %3d, function %d:\n", fn >> 3, fn & 7);
        hw_appendf(buf, len, &pos, "    %s: PCI device %04x:%04x, class %02x%02x, rev %02x\n",
                   d->name, pci_get_word(c + PCI_VENDOR_ID), pci_get_word(c + PCI_DEVICE_ID),
                   c[PCI_CLASS_PROG + 2], c[PCI_CLASS_PROG + 1], c[PCI_REVISION]);
        if (c[PCI_INTERRUPT_PIN])
            hw_appendf(buf, len, &pos, "      IRQ %u, pin %c\n", c[PCI_INTERRUPT_LINE],
                       'A' + c[PCI_INTERRUPT_PIN] - 1);
        for (int n = 0; n < PCI_NUM_BARS; n++) {
            const struct pci_bar *b = &d->bars[n];
            if (!b->size)
                continue;
            if (b->mapped)
                hw_appendf(buf, len, &pos, "      BAR%d: %s at 0x%04x [0x%04x].\n", n,
                           b->io ? "I/O" : "32 bit memory", b->mapped, b->mapped + b->size - 1);
            else
                hw_appendf(buf, len, &pos, "      BAR%d: %s, %u bytes, not mapped.\n", n,
                           b->io ? "I/O" : "32 bit memory", b->size);
        }
    }
    return (int)pos;
}

const struct vms_desc pci_device_vmstate = {
    .name = "pci-device",
    .version = 1,
    .min_version = 1,
    .fields =
        (const struct vms_field[]){
            VMS_ARRAY(struct pci_device, config, VMS_U8),
            VMS_FIELD(struct pci_device, intx_level, VMS_BOOL),
            VMS_END,
        },
};
