/* Width splitting and accounting of device accesses (private to softmmu/). */
#ifndef JIT86_SOFTMMU_IO_DISPATCH_H
#define JIT86_SOFTMMU_IO_DISPATCH_H

#include "softmmu/softmmu.h"

/* counts (of the port range or region) is bumped by the access as made. */
uint64_t mmu_io_dispatch_read(const struct mmu_io_ops *ops, void *opaque,
                              struct mmu_io_counts *counts, uint64_t offset, unsigned size);
void mmu_io_dispatch_write(const struct mmu_io_ops *ops, void *opaque,
                           struct mmu_io_counts *counts, uint64_t offset, uint64_t value,
                           unsigned size);

#endif
