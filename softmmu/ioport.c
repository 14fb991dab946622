/* The x86 port-I/O space: 65536 byte-addressed ports (Intel SDM Vol. 1 §18.3),
 * a flat table from port to handler for O(1) dispatch, the same width splitting
 * as MMIO, all-ones for unassigned ports. */
#include "io-dispatch.h"

#include <stdlib.h>

#define IO_PORTS        0x10000u
#define IO_MAX_HANDLERS 0xfffe

/* ops NULL: a free slot; its opaque and counts stay until another device
 * takes the slot, so a range moved by its device keeps counting on. */
struct io_handler {
    uint16_t base;
    uint32_t len;
    const struct mmu_io_ops *ops;
    void *opaque;
    struct mmu_io_counts counts;
};

struct mmu_io_space {
    uint16_t owner[IO_PORTS]; /* handler index + 1, 0 = unassigned */
    struct io_handler *handlers;
    uint32_t count;
    mmu_log_fn log;
    void *log_opaque;
};

struct mmu_io_space *mmu_io_new(void)
{
    return calloc(1, sizeof(struct mmu_io_space));
}

void mmu_io_free(struct mmu_io_space *io)
{
    if (!io)
        return;
    free(io->handlers);
    free(io);
}

void mmu_io_set_log(struct mmu_io_space *io, mmu_log_fn fn, void *opaque)
{
    io->log = fn;
    io->log_opaque = opaque;
}

static void log_unimp(struct mmu_io_space *io, const char *fmt, ...)
{
    if (!io->log)
        return;
    va_list ap;
    va_start(ap, fmt);
    io->log(io->log_opaque, fmt, ap);
    va_end(ap);
}

/* A free slot the same device used before (its counts go on), else the first
 * free one, else io->count (append). */
static uint32_t free_slot(const struct mmu_io_space *io, const void *opaque)
{
    uint32_t first = io->count;
    for (uint32_t i = 0; i < io->count; i++) {
        if (io->handlers[i].ops)
            continue;
        if (io->handlers[i].opaque == opaque)
            return i;
        if (first == io->count)
            first = i;
    }
    return first;
}

bool mmu_io_register(struct mmu_io_space *io, uint16_t base, uint32_t len,
                     const struct mmu_io_ops *ops, void *opaque)
{
    if (len == 0 || len > IO_PORTS - base || !ops || !ops->read || !ops->write)
        return false;
    for (uint32_t p = base; p < base + len; p++) {
        if (io->owner[p])
            return false;
    }
    uint32_t slot = free_slot(io, opaque);
    if (slot >= IO_MAX_HANDLERS)
        return false;
    if (slot == io->count) {
        struct io_handler *grown = realloc(io->handlers, (io->count + 1) * sizeof(*grown));
        if (!grown)
            return false;
        io->handlers = grown;
        io->count++;
        grown[slot] = (struct io_handler){0};
    }
    struct io_handler *h = &io->handlers[slot];
    if (h->opaque != opaque)
        h->counts = (struct mmu_io_counts){0};
    *h = (struct io_handler){base, len, ops, opaque, h->counts};
    for (uint32_t p = base; p < base + len; p++)
        io->owner[p] = (uint16_t)(slot + 1);
    return true;
}

void mmu_io_unregister(struct mmu_io_space *io, uint16_t base)
{
    uint16_t id = io->owner[base];
    if (!id || io->handlers[id - 1].base != base)
        return;
    struct io_handler *h = &io->handlers[id - 1];
    for (uint32_t p = h->base; p < h->base + h->len; p++)
        io->owner[p] = 0;
    h->ops = NULL;
}

/* The handler serving all of [port, port+size), or NULL when the access is
 * unassigned, spans handlers or wraps past 0xffff. */
static struct io_handler *whole(struct mmu_io_space *io, uint16_t port, unsigned size)
{
    uint16_t id = io->owner[port];
    if (!id || (uint32_t)port + size > IO_PORTS || io->owner[port + size - 1] != id)
        return NULL;
    return &io->handlers[id - 1];
}

static uint8_t read_byte(struct mmu_io_space *io, uint16_t port, bool *unassigned)
{
    uint16_t id = io->owner[port];
    if (!id) {
        *unassigned = true;
        return 0xff;
    }
    struct io_handler *h = &io->handlers[id - 1];
    return (uint8_t)mmu_io_dispatch_read(h->ops, h->opaque, &h->counts, port - h->base, 1);
}

uint64_t mmu_io_read(struct mmu_io_space *io, uint16_t port, unsigned size)
{
    if (size == 0 || size > 8)
        return ~(uint64_t)0;
    struct io_handler *h = whole(io, port, size);
    if (h)
        return mmu_io_dispatch_read(h->ops, h->opaque, &h->counts, port - h->base, size);
    uint64_t v = 0;
    bool unassigned = false;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)read_byte(io, (uint16_t)(port + i), &unassigned) << (8 * i);
    if (unassigned)
        log_unimp(io, "unassigned port read 0x%04x, size %u\n", port, size);
    return v;
}

void mmu_io_write(struct mmu_io_space *io, uint16_t port, uint64_t value, unsigned size)
{
    if (size == 0 || size > 8)
        return;
    struct io_handler *h = whole(io, port, size);
    if (h) {
        mmu_io_dispatch_write(h->ops, h->opaque, &h->counts, port - h->base, value, size);
        return;
    }
    bool unassigned = false;
    for (unsigned i = 0; i < size; i++) {
        uint16_t p = (uint16_t)(port + i);
        uint16_t id = io->owner[p];
        if (!id) {
            unassigned = true;
            continue;
        }
        struct io_handler *b = &io->handlers[id - 1];
        mmu_io_dispatch_write(b->ops, b->opaque, &b->counts, p - b->base, (value >> (8 * i)) & 0xff,
                              1);
    }
    if (unassigned)
        log_unimp(io, "unassigned port write 0x%04x, size %u, value 0x%llx\n", port, size,
                  (unsigned long long)value);
}

void mmu_io_foreach_counts(const struct mmu_io_space *io, mmu_io_count_fn *fn, void *ctx)
{
    for (uint32_t i = 0; i < io->count; i++) {
        const struct io_handler *h = &io->handlers[i];
        if (h->ops || h->counts.reads || h->counts.writes)
            fn(ctx, h->opaque, h->base, h->len, &h->counts);
    }
}
