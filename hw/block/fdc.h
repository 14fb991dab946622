/* Floppy disk controller: the Intel 82077AA subset BIOSes, DOS and Linux
 * use (DOR/MSR/DSR/FIFO/DIR/CCR, DMA channel 2, IRQ 6) with up to two drives
 * whose geometry comes from the raw image size. Intel 82077AA datasheet
 * (290166) §5 (registers) and §8 (command set). */
#ifndef JIT86_HW_BLOCK_FDC_H
#define JIT86_HW_BLOCK_FDC_H

#include "block/block.h"
#include "hw/core/irq.h"
#include "hw/core/vmstate.h"
#include "hw/dma/i8237.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDC_DMA_CHANNEL 2
#define FDC_SECTOR_SIZE 512
#define FDC_FIFO_SIZE   16

struct fdc_drive {
    struct blk *blk; /* NULL: no drive */
    uint8_t tracks, heads, spt;
    uint8_t rate;     /* data rate the medium needs (DSR/CCR encoding) */
    uint8_t cmos;     /* CMOS 0x10 drive type */
    bool ro;
    uint8_t track;    /* head position */
    bool changed;     /* DIR bit 7: medium changed since the last step */
};

enum fdc_phase { FDC_CMD, FDC_EXEC, FDC_RESULT };

struct fdc {
    struct i8237 *dma;
    struct fdc_drive drive[2];
    struct irq_line irq; /* ISA IRQ 6 */
    uint8_t dor, tdr, rate;
    uint8_t phase;
    uint8_t fifo[FDC_FIFO_SIZE];
    uint8_t cmd_len, res_len, pos;
    bool irq_pending;
    uint8_t reset_polls; /* SENSE INTERRUPTs owed after a reset (one per drive) */
    uint8_t sense_st0, sense_pcn[4];
    bool sense_valid;
    uint8_t specify[2], config, pretrk, perp;
    bool lock;
    /* Execution phase of READ/WRITE DATA and FORMAT TRACK. */
    uint8_t x_cmd, x_unit, x_c, x_h, x_r, x_n, x_eot, x_fill, x_sc;
    bool x_mt;
    uint32_t x_pos; /* bytes done in the current sector (or format tuple) */
    uint8_t sector[FDC_SECTOR_SIZE];
};

void fdc_init(struct fdc *f, struct i8237 *dma);
/* Attaches drive unit (0 or 1): geometry from the image size (360K, 720K,
 * 1.2M, 1.44M, 2.88M and common oversized formats). Returns false with a
 * message for a size no format has. */
bool fdc_attach(struct fdc *f, int unit, struct blk *blk, char *err, size_t errlen);
void fdc_reset(struct fdc *f);
/* Ports base..base+5 and base+7 (base+6 belongs to the IDE controller). */
bool fdc_register_io(struct fdc *f, struct mmu_io_space *io, uint16_t base);
/* CMOS register 0x10: drive 0 type in the high nibble, drive 1 low. */
uint8_t fdc_cmos_types(const struct fdc *f);

extern const struct vms_desc fdc_vmstate;

#endif
