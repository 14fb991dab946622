/* Delivers an access of 1-8 bytes to a device that handles only some widths, as a
 * bus does: split into naturally aligned pieces the device accepts, little-endian
 * (lowest address = low bits); an access narrower than anything the device takes
 * becomes one aligned access of its smallest width (PCI-style byte enables that
 * the device ignores: on writes the other bytes are zero). Each access bumps the
 * counts of its port range or region (info stats). */
#include "io-dispatch.h"

static uint64_t byte_mask(unsigned n)
{
    return n >= 8 ? ~(uint64_t)0 : (((uint64_t)1 << (8 * n)) - 1);
}

static unsigned effective_widths(const struct mmu_io_ops *ops)
{
    unsigned w = ops->widths & MMU_WIDTH_ALL;
    return w ? w : MMU_WIDTH_ALL;
}

/* Largest accepted width that fits in left bytes and to which offset is aligned. */
static unsigned pick_width(unsigned widths, uint64_t offset, unsigned left, bool unaligned)
{
    for (unsigned w = 8; w; w >>= 1) {
        if ((widths & w) && w <= left && (unaligned || (offset & (w - 1)) == 0))
            return w;
    }
    return 0;
}

static unsigned smallest_width(unsigned widths)
{
    return widths & -widths;
}

uint64_t mmu_io_dispatch_read(const struct mmu_io_ops *ops, void *opaque,
                              struct mmu_io_counts *counts, uint64_t offset, unsigned size)
{
    counts->reads++;
    counts->read_bytes += size;
    unsigned widths = effective_widths(ops);
    uint64_t value = 0;
    unsigned done = 0;
    while (done < size) {
        uint64_t at = offset + done;
        unsigned left = size - done;
        unsigned w = pick_width(widths, at, left, ops->widths & MMU_WIDTH_UNALIGNED);
        if (w) {
            value |= (ops->read(opaque, at, w) & byte_mask(w)) << (8 * done);
            done += w;
            continue;
        }
        w = smallest_width(widths);
        uint64_t base = at & ~(uint64_t)(w - 1);
        unsigned skip = (unsigned)(at - base);
        unsigned n = w - skip < left ? w - skip : left;
        uint64_t piece = ops->read(opaque, base, w) >> (8 * skip);
        value |= (piece & byte_mask(n)) << (8 * done);
        done += n;
    }
    return value;
}

void mmu_io_dispatch_write(const struct mmu_io_ops *ops, void *opaque, struct mmu_io_counts *counts,
                           uint64_t offset, uint64_t value, unsigned size)
{
    counts->writes++;
    counts->write_bytes += size;
    unsigned widths = effective_widths(ops);
    unsigned done = 0;
    while (done < size) {
        uint64_t at = offset + done;
        unsigned left = size - done;
        uint64_t rest = done >= 8 ? 0 : value >> (8 * done);
        unsigned w = pick_width(widths, at, left, ops->widths & MMU_WIDTH_UNALIGNED);
        if (w) {
            ops->write(opaque, at, rest & byte_mask(w), w);
            done += w;
            continue;
        }
        w = smallest_width(widths);
        uint64_t base = at & ~(uint64_t)(w - 1);
        unsigned skip = (unsigned)(at - base);
        unsigned n = w - skip < left ? w - skip : left;
        ops->write(opaque, base, ((rest & byte_mask(n)) << (8 * skip)) & byte_mask(w), w);
        done += n;
    }
}
