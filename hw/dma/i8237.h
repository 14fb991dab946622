/* Two cascaded 8237A DMA controllers of the PC/AT: channels 0-3 (8-bit,
 * ports 0x00-0x0F), 4-7 (16-bit, ports 0xC0-0xDF, channel 4 is the cascade)
 * and the page registers at 0x81-0x8F. Intel 8237A datasheet; IBM PC/AT
 * Technical Reference (page register map, word channels). */
#ifndef JIT86_HW_DMA_I8237_H
#define JIT86_HW_DMA_I8237_H

#include "hw/core/vmstate.h"
#include "softmmu/softmmu.h"

#include <stdbool.h>
#include <stdint.h>

/* A device's transfer routine: called while its DREQ is set and the channel
 * is unmasked; moves data with dma_channel_read/write starting at byte pos of
 * the block of len bytes, and returns the new position. */
typedef uint32_t dma_transfer_fn(void *opaque, int channel, uint32_t pos, uint32_t len);

struct dma_channel {
    uint16_t base_addr, base_count; /* programmed values (for autoinit) */
    uint16_t cur_addr, cur_count;
    uint8_t mode;
    uint8_t page;
    bool dreq;
    dma_transfer_fn *fn;
    void *opaque;
};

struct i8237_ctrl {
    uint8_t command, status, mask, temp;
    bool flipflop;
};

struct i8237 {
    struct mmu_phys_space *mem;
    struct i8237_ctrl ctrl[2];
    struct dma_channel ch[8];
    uint8_t extra_page[16]; /* the unused page-register ports, which BIOSes scribble on */
};

void dma_init(struct i8237 *d, struct mmu_phys_space *mem);
void dma_reset(struct i8237 *d);
bool dma_register_io(struct i8237 *d, struct mmu_io_space *io);

void dma_register_channel(struct i8237 *d, int ch, dma_transfer_fn *fn, void *opaque);
void dma_set_dreq(struct i8237 *d, int ch, bool level);
/* Runs pending transfers; returns true when any made progress. */
bool dma_run(struct i8237 *d);
/* Copy between the channel's block (from byte pos) and a device buffer, as the
 * transfer routine does. Verify transfers move nothing. Return bytes moved. */
uint32_t dma_channel_read(struct i8237 *d, int ch, void *buf, uint32_t pos, uint32_t len);
uint32_t dma_channel_write(struct i8237 *d, int ch, const void *buf, uint32_t pos, uint32_t len);
bool dma_channel_masked(const struct i8237 *d, int ch);

extern const struct vms_desc dma_vmstate;

#endif
