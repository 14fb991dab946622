/* Private to hw/ide: what the ATA core, the ATAPI command set, IDENTIFY data
 * and the bus-master engine share. */
#ifndef JIT86_HW_IDE_IDE_INT_H
#define JIT86_HW_IDE_IDE_INT_H

#include "ide.h"

enum bm_result {
    BM_OK,       /* whole transfer done */
    BM_PRD_BAD,  /* descriptor outside RAM, across 64 KiB, or table overrun */
    BM_PRD_SHORT, /* descriptors ended (EOT) before the transfer did */
    BM_IO_ERROR, /* the image failed */
};

/* Interrupt protocol (§5.2.9): INTRQ pending, visible unless nIEN. */
void ide_set_irq(struct ide_bus *bus);
void ide_update_irq(struct ide_bus *bus);
/* Command ends: ready (irq), aborted, or failed with a given error. */
void ide_cmd_ok(struct ide_bus *bus, struct ide_drive *d);
void ide_cmd_error(struct ide_bus *bus, struct ide_drive *d, uint8_t error);
/* A PIO data block of len bytes is ready in d->buf. */
void ide_pio_start(struct ide_drive *d, uint32_t len, enum ide_pio_end end);

/* IDENTIFY DEVICE / IDENTIFY PACKET DEVICE data (256 words) into d->buf. */
void ide_identify_disk(struct ide_drive *d);
void ide_identify_packet(struct ide_drive *d);
void ide_default_geometry(struct ide_drive *d);

/* ATAPI (atapi.c). */
void atapi_packet(struct ide_bus *bus, struct ide_drive *d);
void atapi_cdb_arrived(struct ide_bus *bus, struct ide_drive *d);
void atapi_pio_block_done(struct ide_bus *bus, struct ide_drive *d);
void atapi_dma_done(struct ide_bus *bus, struct ide_drive *d, enum bm_result r);
void atapi_reset_sense(struct ide_drive *d);

/* Bus master (bmdma.c): moves len bytes between the image (or, when blk is
 * NULL, the buffer buf) at byte offset off and the memory the PRD table
 * describes. *prd_left: descriptors remained. */
enum bm_result ide_bm_transfer(struct ide_bus *bus, struct blk *blk, const uint8_t *buf,
                               uint64_t off, uint64_t len, bool to_mem, bool *prd_left);
/* Starts the pending transfer of the selected device if the engine runs. */
void ide_dma_kick(struct ide_bus *bus);
void ide_disk_dma_done(struct ide_bus *bus, struct ide_drive *d, enum bm_result r);

#endif
