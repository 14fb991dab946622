/* PIIX3 IDE PCI function: configuration header (class 01.01.80, legacy mode,
 * bus master), IDE timing registers, BAR4 bus-master I/O decoding onto the
 * two channels. Intel 290550 (82371FB/SB) §2.3 and §2.7. */
#include "piix-ide.h"

#include "ide-int.h"

static uint64_t bm_read(void *opaque, uint64_t off, unsigned size)
{
    struct piix_ide *p = opaque;
    return ide_bm_read(&p->bus[(off >> 3) & 1], (uint32_t)off & 7, size);
}

static void bm_write(void *opaque, uint64_t off, uint64_t v, unsigned size)
{
    struct piix_ide *p = opaque;
    ide_bm_write(&p->bus[(off >> 3) & 1], (uint32_t)off & 7, (uint32_t)v, size);
}

static const struct mmu_io_ops bm_ops = {
    .read = bm_read, .write = bm_write, .widths = MMU_WIDTH_1 | MMU_WIDTH_2 | MMU_WIDTH_4};

static void config_written(struct pci_device *d, uint32_t addr, uint32_t val, unsigned size)
{
    struct piix_ide *p = (struct piix_ide *)d;
    (void)val;
    if (addr > PCI_COMMAND || addr + size <= PCI_COMMAND)
        return;
    /* A disabled bus master moves nothing; a pending transfer waits. */
    bool master = pci_get_word(d->config + PCI_COMMAND) & PCI_COMMAND_MASTER;
    for (int i = 0; i < 2; i++) {
        p->bus[i].master_enabled = master;
        if (master)
            ide_dma_kick(&p->bus[i]);
    }
}

void piix_ide_init(struct piix_ide *p, struct mmu_phys_space *mem)
{
    /* Mass storage, IDE, programming interface 80h: bus master, both
     * channels fixed in compatibility mode. */
    pci_device_init(&p->dev, "PIIX3 IDE", 0x8086, 0x7010, 0x010180, 0x00, 0);
    pci_declare_bar(&p->dev, 4, 16, true, &bm_ops, p);
    for (int i = 0; i < 4; i++)
        p->dev.wmask[PIIX_IDE_IDETIM + i] = 0xFF;
    p->dev.wmask[0x44] = 0xFF; /* slave IDE timing */
    p->dev.config_written = config_written;
    for (int i = 0; i < 2; i++) {
        ide_bus_init(&p->bus[i], mem);
        p->bus[i].master_enabled = false;
    }
}

bool piix_ide_register_io(struct piix_ide *p, struct mmu_io_space *io)
{
    return ide_register_io(&p->bus[0], io, 0x1F0, 0x3F6) &&
           ide_register_io(&p->bus[1], io, 0x170, 0x376);
}

void piix_ide_reset(struct piix_ide *p)
{
    for (int i = 0; i < 2; i++) {
        ide_bus_reset(&p->bus[i]);
        p->bus[i].master_enabled =
            pci_get_word(p->dev.config + PCI_COMMAND) & PCI_COMMAND_MASTER;
    }
    /* The datasheet's reset value of IDETIM is 0 (decode off) and the BIOS
     * sets bit 15 of each channel's word. This model decodes the legacy
     * ports whatever IDETIM says, so the register reports decode on, as
     * firmware leaves it: a -kernel boot runs no firmware, and Linux's
     * ata_piix skips a channel whose bit is clear (piix_pata_prereset). */
    for (int i = 0; i < 5; i++)
        p->dev.config[PIIX_IDE_IDETIM + i] = 0;
    p->dev.config[PIIX_IDE_IDETIM + 1] = PIIX_IDE_IDETIM_DECODE;
    p->dev.config[PIIX_IDE_IDETIM + 3] = PIIX_IDE_IDETIM_DECODE;
}
