/* IDE channel: two ATA/ATAPI devices behind one task-file register block,
 * the PIO and interrupt protocol, and the channel's bus-master DMA engine.
 * T13 1410D (ATA/ATAPI-6) §6-9; Intel 82371SB datasheet §2.7 (bus master). */
#ifndef JIT86_HW_IDE_IDE_H
#define JIT86_HW_IDE_IDE_H

#include "block/block.h"
#include "hw/core/irq.h"
#include "hw/core/vmstate.h"
#include "softmmu/softmmu.h"

#include <stdbool.h>
#include <stdint.h>

#define IDE_SECTOR_SIZE   512
#define ATAPI_SECTOR_SIZE 2048
#define IDE_MAX_MULTIPLE  16
#define IDE_BUF_SIZE      65536 /* largest PIO block: 64 KiB ATAPI byte count */

/* Status register (§7.15.6). */
#define ATA_ST_ERR  0x01
#define ATA_ST_DRQ  0x08
#define ATA_ST_DSC  0x10
#define ATA_ST_DF   0x20
#define ATA_ST_DRDY 0x40
#define ATA_ST_BSY  0x80
/* Error register. */
#define ATA_ERR_AMNF 0x01
#define ATA_ERR_ABRT 0x04
#define ATA_ERR_IDNF 0x10
#define ATA_ERR_UNC  0x40
/* Device control register. */
#define ATA_CTL_NIEN 0x02
#define ATA_CTL_SRST 0x04
#define ATA_CTL_HOB  0x80
/* Bus-master registers (82371SB §2.7.1-2.7.3). */
#define BM_CMD_START  0x01
#define BM_CMD_TO_MEM 0x08 /* bus master writes memory: a device read */
#define BM_ST_ACTIVE  0x01
#define BM_ST_ERROR   0x02
#define BM_ST_INTR    0x04

enum ide_kind { IDE_NONE, IDE_DISK, IDE_CDROM };

/* What happens when the guest has moved the current PIO block. */
enum ide_pio_end {
    PIO_END_NONE,
    PIO_END_IDENTIFY,    /* data-in done: command complete */
    PIO_END_READ,        /* disk read: next block or done */
    PIO_END_WRITE,       /* disk write: store block, next or done */
    PIO_END_PACKET_CDB,  /* ATAPI: the 12-byte command packet arrived */
    PIO_END_ATAPI_READ,  /* ATAPI data-in from the image: next block or done */
    PIO_END_ATAPI_REPLY, /* ATAPI data-in from the buffer: next block or done */
    PIO_END_COUNT,
};

/* A DMA transfer waiting for the bus master's start bit. */
enum ide_dma_kind { DMA_NONE, DMA_DISK_READ, DMA_DISK_WRITE, DMA_ATAPI_READ, DMA_ATAPI_REPLY };

struct ide_drive {
    enum ide_kind kind;
    struct blk *blk;     /* NULL: no medium (CD-ROM) */
    uint64_t nb_sectors; /* in the device's sector size */
    uint16_t cyls, heads, secs;         /* default geometry (IDENTIFY words 1/3/6) */
    uint16_t cur_heads, cur_secs;       /* INITIALIZE DEVICE PARAMETERS */
    char serial[21], model[41], fw[9];
    /* Task file: each device latches every write (§6.2); HOB holds the
     * previous contents for 48-bit commands. */
    uint8_t feature, nsector, sector, lcyl, hcyl, select;
    uint8_t hob_feature, hob_nsector, hob_sector, hob_lcyl, hob_hcyl;
    uint8_t status, error, command;
    uint8_t mult_sectors; /* 0: READ/WRITE MULTIPLE disabled */
    uint8_t xfer_mode;    /* SET FEATURES 03h value */
    bool wcache;
    /* Current transfer. */
    uint64_t lba;       /* next sector (disk) or byte offset (ATAPI read) */
    uint32_t remaining; /* sectors (disk) or bytes (ATAPI) still to move */
    uint32_t block;     /* sectors per DRQ block (disk) */
    uint32_t pos, end;  /* PIO buffer window */
    uint8_t pio_end;    /* enum ide_pio_end */
    uint8_t dma_kind;   /* enum ide_dma_kind */
    uint16_t byte_limit; /* ATAPI byte count limit */
    /* ATAPI. */
    uint8_t cdb[12];
    uint8_t sense_key, asc, ascq;
    bool unit_attention; /* medium changed since the host last saw it */
    bool media_event;    /* GET EVENT STATUS: new medium not yet reported */
    bool locked;         /* PREVENT MEDIUM REMOVAL */
    uint8_t buf[IDE_BUF_SIZE];
};

struct ide_bus {
    struct ide_drive drive[2];
    uint8_t unit; /* device selected by DEV (bit 4 of the device register) */
    uint8_t devctl;
    bool intrq; /* INTRQ pending: cleared by reading the status register */
    struct irq_line irq;
    struct mmu_phys_space *mem; /* bus-master DMA target */
    uint8_t bm_cmd, bm_status;
    uint32_t bm_prd;
    bool master_enabled; /* PCI command bus-master bit */
};

void ide_bus_init(struct ide_bus *bus, struct mmu_phys_space *mem);
/* Attaches a disk (blk required) or a CD-ROM (blk may be NULL: empty drive).
 * Returns false with a message when the image does not fit the device. */
bool ide_attach(struct ide_bus *bus, int unit, enum ide_kind kind, struct blk *blk, char *err,
                size_t errlen);
/* CD-ROM medium change (NULL ejects): the guest sees UNIT ATTENTION. */
void ide_cd_change(struct ide_bus *bus, int unit, struct blk *blk);
void ide_bus_reset(struct ide_bus *bus);
/* Command block (8 ports) and control port (one). */
bool ide_register_io(struct ide_bus *bus, struct mmu_io_space *io, uint16_t cmd, uint16_t ctl);
/* Bus-master registers of this channel: offsets 0-7 of the BAR4 half. */
uint32_t ide_bm_read(struct ide_bus *bus, uint32_t off, unsigned size);
void ide_bm_write(struct ide_bus *bus, uint32_t off, uint32_t val, unsigned size);

extern const struct vms_desc ide_bus_vmstate;

#endif
