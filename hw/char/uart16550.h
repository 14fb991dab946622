/* 16550A UART (COM1 0x3F8/IRQ4, COM2 0x2F8/IRQ3): 16-byte FIFOs, divisor
 * latch, interrupt identification and priorities, loopback, OUT2 IRQ gate.
 * National Semiconductor PC16550D datasheet. */
#ifndef JIT86_HW_CHAR_UART16550_H
#define JIT86_HW_CHAR_UART16550_H

#include "hw/core/clock.h"
#include "hw/core/irq.h"
#include "hw/core/vmstate.h"
#include "softmmu/softmmu.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UART_FIFO_SIZE 16
#define UART_CLOCK_HZ  1843200 /* 16 x 115200 baud */

/* Where transmitted bytes go (a character backend of ui/: stdio, file,
 * socket). write may be NULL: the line is unconnected. */
struct uart_sink {
    void (*write)(void *opaque, const uint8_t *buf, size_t len);
    void *opaque;
};

struct uart_fifo {
    uint8_t data[UART_FIFO_SIZE];
    uint8_t head, count;
};

struct uart16550 {
    struct hw_clock *clock;
    struct uart_sink sink;
    struct irq_line irq;
    uint16_t divisor;
    uint8_t ier, lcr, mcr, lsr, msr, scr, fcr;
    uint8_t rbr;           /* receive holding register (FIFOs disabled) */
    bool thr_ipending;     /* THR-empty interrupt armed (cleared by IIR read/THR write) */
    bool timeout_ipending; /* character timeout (FIFO mode) */
    bool irq_level;
    struct uart_fifo rx;
    struct hw_timer timeout_timer;
};

void uart_init(struct uart16550 *u, struct hw_clock *clock);
void uart_reset(struct uart16550 *u);
/* Bytes arriving from the outside; returns how many fit in the receiver. */
size_t uart_receive(struct uart16550 *u, const uint8_t *buf, size_t len);
/* How many bytes the receiver can take now. */
size_t uart_can_receive(const struct uart16550 *u);

/* Registers the eight registers at base (0x3F8 for COM1, 0x2F8 for COM2). */
bool uart_register_io(struct uart16550 *u, struct mmu_io_space *io, uint16_t base);

extern const struct vms_desc uart_vmstate;

#endif
