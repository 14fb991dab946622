/* Shared by the IDE and ATAPI tests: a PIIX3 IDE function on a PCI bus with
 * 16 MiB of RAM, raw images in a mkdtemp directory, and guest-driver style
 * port helpers (as Linux ata_piix and SeaBIOS program the device). */
#ifndef TEST_IDE_UTIL_H
#define TEST_IDE_UTIL_H

#include "hw/ide/piix-ide.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T_RAM     (16u << 20)
#define T_BM_BASE 0xC000

struct ide_rig {
    struct mmu_phys_space *mem;
    struct mmu_io_space *io;
    struct pci_bus pci;
    struct piix_ide *ide;
    struct blk *blk[4];
    char dir[64];
    char path[4][128];
    int irq_level[2];
    int irq_edges[2];
};

static void rig_irq(void *opaque, int n, int level)
{
    struct ide_rig *r = opaque;
    if (level && !r->irq_level[n])
        r->irq_edges[n]++;
    r->irq_level[n] = level;
}

static inline void rig_init(struct ide_rig *r)
{
    memset(r, 0, sizeof(*r));
    r->mem = mmu_phys_new(T_RAM);
    ck_assert_ptr_nonnull(mmu_phys_map_ram(r->mem, 0, T_RAM, 0, 0));
    r->io = mmu_io_new();
    pci_bus_init(&r->pci, r->mem, r->io);
    ck_assert(pci_bus_register_io(&r->pci));
    r->ide = calloc(1, sizeof(*r->ide));
    piix_ide_init(r->ide, r->mem);
    ck_assert(pci_register(&r->pci, &r->ide->dev, PCI_DEVFN(1, 1)));
    ck_assert(piix_ide_register_io(r->ide, r->io));
    for (int i = 0; i < 2; i++)
        irq_connect(&r->ide->bus[i].irq, rig_irq, r, i);
    /* BAR4 at T_BM_BASE, I/O decoding and bus mastering on. */
    pci_config_write(&r->pci, PCI_DEVFN(1, 1), PCI_BAR0 + 16, T_BM_BASE | 1, 4);
    pci_config_write(&r->pci, PCI_DEVFN(1, 1), PCI_COMMAND, 0x5, 2);
    strcpy(r->dir, "/tmp/jit86-ide-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(r->dir));
}

/* A raw image whose byte i of sector s is (s * 7 + i) & 0xff, size bytes. */
static inline void rig_make_image(struct ide_rig *r, int n, uint64_t size, unsigned sector_size)
{
    snprintf(r->path[n], sizeof(r->path[n]), "%.60s/img%d", r->dir, n);
    int fd = open(r->path[n], O_CREAT | O_RDWR | O_TRUNC, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, (off_t)size), 0);
    uint64_t fill = size < (4u << 20) ? size : (4u << 20);
    uint8_t *buf = malloc(fill);
    for (uint64_t i = 0; i < fill; i++)
        buf[i] = (uint8_t)((i / sector_size) * 7 + i % sector_size);
    ck_assert_int_eq(pwrite(fd, buf, fill, 0), (ssize_t)fill);
    free(buf);
    close(fd);
}

static inline struct blk *rig_open(struct ide_rig *r, int n, bool ro)
{
    struct blk_open_opts o = {.format = "raw", .flags = ro ? BLK_OPEN_READ_ONLY : 0};
    struct blk_error e;
    r->blk[n] = blk_open(r->path[n], &o, &e);
    ck_assert_msg(r->blk[n] != NULL, "%s", e.msg);
    return r->blk[n];
}

static inline void rig_attach(struct ide_rig *r, int n, enum ide_kind kind, bool ro)
{
    char err[128];
    struct blk *b = rig_open(r, n, ro);
    ck_assert_msg(ide_attach(&r->ide->bus[n / 2], n % 2, kind, b, err, sizeof(err)), "%s", err);
}

static inline void rig_free(struct ide_rig *r)
{
    for (int i = 0; i < 4; i++) {
        if (r->blk[i])
            blk_close(r->blk[i]);
        if (r->path[i][0])
            unlink(r->path[i]);
    }
    rmdir(r->dir);
    free(r->ide);
    mmu_io_free(r->io);
    mmu_phys_free(r->mem);
}

static inline uint8_t rig_inb(struct ide_rig *r, uint16_t port)
{
    return (uint8_t)mmu_io_read(r->io, port, 1);
}

static inline void rig_outb(struct ide_rig *r, uint16_t port, uint8_t v)
{
    mmu_io_write(r->io, port, v, 1);
}

static inline uint16_t rig_inw(struct ide_rig *r, uint16_t port)
{
    return (uint16_t)mmu_io_read(r->io, port, 2);
}

static inline void rig_outw(struct ide_rig *r, uint16_t port, uint16_t v)
{
    mmu_io_write(r->io, port, v, 2);
}

/* Reads n bytes of PIO data from the primary (or secondary) data port. */
static inline void rig_read_data(struct ide_rig *r, uint16_t base, uint8_t *buf, unsigned n)
{
    for (unsigned i = 0; i < n; i += 2) {
        uint16_t w = rig_inw(r, base);
        buf[i] = (uint8_t)w;
        buf[i + 1] = (uint8_t)(w >> 8);
    }
}

static inline void rig_write_data(struct ide_rig *r, uint16_t base, const uint8_t *buf,
                                  unsigned n)
{
    for (unsigned i = 0; i < n; i += 2)
        rig_outw(r, base, (uint16_t)(buf[i] | buf[i + 1] << 8));
}

/* LBA28 task file and command, as ata_piix's tf_load + exec_command. */
static inline void rig_lba28(struct ide_rig *r, uint16_t base, int dev, uint32_t lba,
                             uint8_t count, uint8_t cmd)
{
    rig_outb(r, base + 6, (uint8_t)(0xE0 | dev << 4 | ((lba >> 24) & 0xF)));
    rig_outb(r, base + 2, count);
    rig_outb(r, base + 3, (uint8_t)lba);
    rig_outb(r, base + 4, (uint8_t)(lba >> 8));
    rig_outb(r, base + 5, (uint8_t)(lba >> 16));
    rig_outb(r, base + 7, cmd);
}

static inline void rig_lba48(struct ide_rig *r, uint16_t base, int dev, uint64_t lba,
                             uint16_t count, uint8_t cmd)
{
    rig_outb(r, base + 6, (uint8_t)(0x40 | dev << 4));
    rig_outb(r, base + 2, (uint8_t)(count >> 8));
    rig_outb(r, base + 3, (uint8_t)(lba >> 24));
    rig_outb(r, base + 4, (uint8_t)(lba >> 32));
    rig_outb(r, base + 5, (uint8_t)(lba >> 40));
    rig_outb(r, base + 2, (uint8_t)count);
    rig_outb(r, base + 3, (uint8_t)lba);
    rig_outb(r, base + 4, (uint8_t)(lba >> 8));
    rig_outb(r, base + 5, (uint8_t)(lba >> 16));
    rig_outb(r, base + 7, cmd);
}

/* One PRD entry at table index i. */
static inline void rig_prd(struct ide_rig *r, uint32_t table, int i, uint32_t addr,
                           uint32_t len, bool eot)
{
    uint8_t e[8];
    uint32_t hi = (len & 0xFFFF) | (eot ? 0x80000000u : 0);
    for (int k = 0; k < 4; k++) {
        e[k] = (uint8_t)(addr >> (8 * k));
        e[4 + k] = (uint8_t)(hi >> (8 * k));
    }
    mmu_phys_write(r->mem, table + 8u * (uint32_t)i, e, 8);
}

/* Bus master of channel ch: table address, direction, then (after the
 * command) start, as ata_bmdma_setup/start do. */
static inline void rig_bm_setup(struct ide_rig *r, int ch, uint32_t table, bool to_mem)
{
    uint16_t b = (uint16_t)(T_BM_BASE + 8 * ch);
    mmu_io_write(r->io, b + 4, table, 4);
    rig_outb(r, b + 2, 0x06); /* clear error and interrupt */
    rig_outb(r, b, to_mem ? 0x08 : 0x00);
}

static inline void rig_bm_start(struct ide_rig *r, int ch, bool to_mem)
{
    rig_outb(r, (uint16_t)(T_BM_BASE + 8 * ch), to_mem ? 0x09 : 0x01);
}

static inline uint8_t rig_bm_status(struct ide_rig *r, int ch)
{
    return rig_inb(r, (uint16_t)(T_BM_BASE + 8 * ch + 2));
}

#endif
