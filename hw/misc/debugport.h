/* Debug and test ports of the PC: POST codes (0x80), the Bochs/QEMU debug
 * console (0xE9, and 0x402 where SeaBIOS writes its log), isa-debug-exit
 * (a write of v ends the run with status (v << 1) | 1, as QEMU's device) and
 * the fast A20/reset port 0x92 (PS/2 System Control Port A). */
#ifndef JIT86_HW_MISC_DEBUGPORT_H
#define JIT86_HW_MISC_DEBUGPORT_H

#include "hw/core/irq.h"
#include "hw/core/vmstate.h"
#include "softmmu/softmmu.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Byte sink of the debug console (a ui character backend). */
struct debugcon {
    void (*write)(void *opaque, const uint8_t *buf, size_t len);
    void *opaque;
};

/* Called with the exit status when a guest writes isa-debug-exit. */
typedef void debug_exit_fn(void *opaque, int status);

struct debugport {
    uint8_t post_code; /* last value written to port 0x80 */
    uint8_t port92;    /* bit 1 A20, bit 0 reset (write 1 to pulse) */
    struct debugcon con;
    debug_exit_fn *exit_fn;
    void *exit_opaque;
    struct irq_line a20;   /* level = A20 enabled */
    struct irq_line reset; /* pulsed on a 0 -> 1 write of port 0x92 bit 0 */
};

void debugport_init(struct debugport *d);
/* Registers the POST port 0x80 and port 0x92. */
bool debugport_register_io(struct debugport *d, struct mmu_io_space *io);
/* The debug console at port (may be called for several ports). */
bool debugport_register_console(struct debugport *d, struct mmu_io_space *io, uint16_t port);
/* isa-debug-exit at port, len bytes wide. */
bool debugport_register_exit(struct debugport *d, struct mmu_io_space *io, uint16_t port,
                             uint32_t len);

extern const struct vms_desc debugport_vmstate;

#endif
