/* PCI bus 0 with configuration mechanism #1 (ports 0xCF8/0xCFC), type-0
 * configuration headers, BAR sizing and mapping, INTx routing to PIRQs.
 * PCI Local Bus Specification 2.3, chapter 6. */
#ifndef JIT86_HW_PCI_PCI_H
#define JIT86_HW_PCI_PCI_H

#include "hw/core/vmstate.h"
#include "softmmu/softmmu.h"

#include <stdbool.h>
#include <stdint.h>

#define PCI_VENDOR_ID        0x00
#define PCI_DEVICE_ID        0x02
#define PCI_COMMAND          0x04
#define PCI_STATUS           0x06
#define PCI_REVISION         0x08
#define PCI_CLASS_PROG       0x09
#define PCI_HEADER_TYPE      0x0E
#define PCI_BAR0             0x10
#define PCI_SUBSYSTEM_VENDOR 0x2C
#define PCI_INTERRUPT_LINE   0x3C
#define PCI_INTERRUPT_PIN    0x3D

#define PCI_COMMAND_IO           0x0001
#define PCI_COMMAND_MEMORY       0x0002
#define PCI_COMMAND_MASTER       0x0004
#define PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS_INTERRUPT     0x0008

#define PCI_DEVFN(slot, fn) ((uint8_t)(((slot) << 3) | (fn)))
#define PCI_NUM_BARS        6
#define PCI_NUM_PIRQ        4

struct pci_bus;
struct pci_device;

struct pci_bar {
    uint32_t size; /* power of two; 0: unused */
    bool io;       /* I/O space (else 32-bit memory) */
    const struct mmu_io_ops *ops;
    void *opaque;
    uint32_t mapped; /* address it is mapped at, 0 when unmapped */
    struct mmu_region *region;
};

struct pci_device {
    const char *name;
    struct pci_bus *bus;
    uint8_t devfn;
    uint8_t config[256];
    uint8_t wmask[256];   /* bits the guest may write */
    uint8_t w1cmask[256]; /* write-1-to-clear bits (status) */
    struct pci_bar bars[PCI_NUM_BARS];
    bool intx_level;  /* what the device asks for */
    bool intx_driven; /* what reaches its PIRQ (INTx disable applied) */
    /* Called after a guest write to the configuration space. */
    void (*config_written)(struct pci_device *d, uint32_t addr, uint32_t val, unsigned size);
};

/* Where PIRQ lines go (the PIIX3 routes them to ISA IRQs). */
typedef void pci_pirq_fn(void *opaque, int pirq, int level);

struct pci_bus {
    struct mmu_phys_space *mem;
    struct mmu_io_space *io;
    struct pci_device *devs[256];
    uint32_t config_addr; /* port 0xCF8 */
    int pirq_count[PCI_NUM_PIRQ];
    pci_pirq_fn *pirq_fn;
    void *pirq_opaque;
    /* Byte writes to 0xCF9 (the PIIX3 reset control register). */
    void (*rcr_write)(void *opaque, uint8_t val);
    uint8_t (*rcr_read)(void *opaque);
    void *rcr_opaque;
};

void pci_bus_init(struct pci_bus *bus, struct mmu_phys_space *mem, struct mmu_io_space *io);
/* Registers ports 0xCF8-0xCFF. */
bool pci_bus_register_io(struct pci_bus *bus);

/* Sets up a type-0 header: IDs, class (base << 16 | sub << 8 | prog-if),
 * revision, writable command/latency/interrupt line; pin 0 = no INTx. */
void pci_device_init(struct pci_device *d, const char *name, uint16_t vendor, uint16_t device,
                     uint32_t class_code, uint8_t revision, uint8_t pin);
/* Adds the device at devfn; false when the slot is taken. */
bool pci_register(struct pci_bus *bus, struct pci_device *d, uint8_t devfn);
/* Declares BAR n (size a power of two, at least 4 for I/O, 16 for memory)
 * whose accesses go to ops. */
void pci_declare_bar(struct pci_device *d, int n, uint32_t size, bool io,
                     const struct mmu_io_ops *ops, void *opaque);
/* Drives the device's INTx pin (level-triggered, shared). */
void pci_set_irq(struct pci_device *d, int level);
/* PIRQ (0..3) an INTx pin of the device at devfn reaches: the i440FX/PIIX
 * swizzle (slot + pin - 1) mod 4, which SeaBIOS assumes too. */
int pci_pirq_of(uint8_t devfn, uint8_t pin);

/* Configuration access by bus address (also what the ports do). */
uint32_t pci_config_read(struct pci_bus *bus, uint8_t devfn, uint32_t addr, unsigned size);
void pci_config_write(struct pci_bus *bus, uint8_t devfn, uint32_t addr, uint32_t val,
                      unsigned size);

static inline uint16_t pci_get_word(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static inline void pci_set_word(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline uint32_t pci_get_long(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void pci_set_long(uint8_t *p, uint32_t v)
{
    pci_set_word(p, (uint16_t)v);
    pci_set_word(p + 2, (uint16_t)(v >> 16));
}

/* `info pci`: one paragraph per function, as QEMU's monitor prints it. */
int pci_info(const struct pci_bus *bus, char *buf, size_t len);

/* After a state load: re-derives BAR mappings and PIRQ levels of every
 * device from their configuration spaces. */
void pci_bus_restore(struct pci_bus *bus);
extern const struct vms_desc pci_device_vmstate;

#endif
