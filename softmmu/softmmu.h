/* softmmu: the guest physical address space (RAM, ROM, MMIO regions with priorities,
 * A20, code-page tracking for self-modifying code) and the 64 KiB port-I/O space.
 * Paging is in softmmu/paging.h, the TLB and its fast path in softmmu/tlb.h. */
#ifndef JIT86_SOFTMMU_SOFTMMU_H
#define JIT86_SOFTMMU_SOFTMMU_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MMU_PAGE_BITS   12
#define MMU_PAGE_SIZE   (1u << MMU_PAGE_BITS)
#define MMU_PAGE_OFFSET (MMU_PAGE_SIZE - 1)
/* Physical addresses are 36 bits wide (PAE, PSE-36): anything at or above this
 * limit is unassigned. */
#define MMU_PHYS_BITS  36
#define MMU_PHYS_LIMIT (1ull << MMU_PHYS_BITS)

/* Access widths a device handles, as a bit mask where each bit is the size. */
#define MMU_WIDTH_1   1u
#define MMU_WIDTH_2   2u
#define MMU_WIDTH_4   4u
#define MMU_WIDTH_8   8u
#define MMU_WIDTH_ALL 15u
/* Flag in widths: deliver a declared width at any offset instead of splitting
 * it (the Bochs DISPI data port 0x1CF takes 16-bit accesses at an odd port). */
#define MMU_WIDTH_UNALIGNED 0x100u

/* Device callbacks, shared by MMIO regions and I/O ports. offset is relative to
 * the start of the region; size is one of the declared widths and offset is a
 * multiple of it: wider, narrower and unaligned accesses are split or widened
 * before they reach the device (softmmu/io-dispatch.c). widths 0 means all. */
struct mmu_io_ops {
    uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
    void (*write)(void *opaque, uint64_t offset, uint64_t value, unsigned size);
    unsigned widths;
};

/* Accounting of device accesses (info stats): counted where the access is
 * handed to the device, on the slow path every port and MMIO access takes
 * anyway. An access the bus splits between devices or widens counts once per
 * piece delivered, with the piece's size. */
struct mmu_io_counts {
    uint64_t reads, writes;
    uint64_t read_bytes, write_bytes;
};
/* Receives each port range or MMIO region: the device's opaque (how the board
 * names it), where it is mapped and its counts. */
typedef void mmu_io_count_fn(void *ctx, const void *opaque, uint64_t base, uint64_t len,
                             const struct mmu_io_counts *counts);

/* Receives "-d unimp" lines (unassigned accesses). The machine wires it to
 * log_mask_printf(LOG_UNIMP, ...); softmmu has no module dependencies. */
typedef void (*mmu_log_fn)(void *opaque, const char *fmt, va_list ap);

/* Self-modifying code: called for every write (CPU or DMA) that touches a page
 * marked as holding translated code, before the bytes are stored. Returns true
 * when the block currently executing was invalidated, so the CPU ends it after
 * the store. The machine wires it to the translator's tb_invalidate_phys_range. */
typedef bool (*mmu_smc_fn)(void *opaque, uint64_t paddr, uint64_t len);

struct mmu_phys_space;
struct mmu_region;

struct mmu_phys_stats {
    uint64_t smc_invalidations; /* calls of the SMC hook */
    uint64_t unassigned_reads;
    uint64_t unassigned_writes;
    uint64_t map_changes; /* map/unmap/move/access changes (each flushes the TLBs) */
};

/* Creates a space with ram_size bytes of RAM (lazily backed: untouched pages cost
 * nothing). The RAM is not mapped anywhere until mmu_phys_map_ram(). Returns NULL
 * when the allocation fails. Several spaces may exist in one process. */
struct mmu_phys_space *mmu_phys_new(uint64_t ram_size);
/* Frees the space and its regions; destroy the TLBs attached to it first. */
void mmu_phys_free(struct mmu_phys_space *space);
void mmu_phys_set_log(struct mmu_phys_space *space, mmu_log_fn fn, void *opaque);
/* Receives "-d mmu" lines (TLB fills, page faults) from the TLBs attached to
 * the space. Install it only while -d mmu is on: it is called on every fill. */
void mmu_phys_set_mmu_log(struct mmu_phys_space *space, mmu_log_fn fn, void *opaque);
void mmu_phys_set_smc_hook(struct mmu_phys_space *space, mmu_smc_fn fn, void *opaque);
uint8_t *mmu_phys_ram(struct mmu_phys_space *space);
uint64_t mmu_phys_ram_size(const struct mmu_phys_space *space);
const struct mmu_phys_stats *mmu_phys_stats(const struct mmu_phys_space *space);

/* Regions. Where regions overlap, the higher priority wins, and among equal
 * priorities the one mapped last. Each region can be switched on or off for
 * reads and writes separately (i440FX PAM: shadow RAM over the BIOS ROM). All
 * return NULL on a bad range (beyond MMU_PHYS_LIMIT, outside the RAM, size 0).
 * RAM: guest [base, base+size) is RAM bytes [ram_offset, ram_offset+size).
 * ROM: reads come from data (owned by the caller, at least size bytes, alive as
 * long as the mapping; map it twice for an alias), writes are ignored. */
struct mmu_region *mmu_phys_map_ram(struct mmu_phys_space *space, uint64_t base, uint64_t size,
                                    uint64_t ram_offset, int priority);
struct mmu_region *mmu_phys_map_rom(struct mmu_phys_space *space, uint64_t base, uint64_t size,
                                    const uint8_t *data, int priority);
struct mmu_region *mmu_phys_map_mmio(struct mmu_phys_space *space, uint64_t base, uint64_t size,
                                     const struct mmu_io_ops *ops, void *opaque, int priority);
/* Device RAM (framebuffers): guest [base, base+size) is host[0, size), owned by
 * the device and alive as long as the mapping. base and size are page-aligned
 * (else NULL). Reads and writes take the TLB fast path like RAM, except the
 * first write to a clean page, which goes slow once to set the page's dirty
 * bit. Every page starts dirty. */
struct mmu_region *mmu_phys_map_device_ram(struct mmu_phys_space *space, uint64_t base,
                                           uint64_t size, uint8_t *host, int priority);
/* Dirty pages of [offset, offset+len) of a device-RAM region (offsets from its
 * base): bit i of bitmap (room for one bit per page of the range, in 64-bit
 * words) is page offset/4096 + i. Clears them and re-arms tracking. Returns the
 * number of dirty pages; 0 (bitmap zeroed) for other regions. */
uint64_t mmu_region_dirty_get_and_clear(struct mmu_region *region, uint64_t offset, uint64_t len,
                                        uint64_t *bitmap);
/* Marks pages dirty, for writes the device makes to its own buffer. */
void mmu_region_set_dirty(struct mmu_region *region, uint64_t offset, uint64_t len);
/* Migration dirty log of guest RAM: while on, a bit per 4 KiB page of RAM (by
 * RAM offset) is set by every write — CPU stores (the first store to a clean
 * page takes the slow path once; the TLB fast path stays inline), DMA and
 * device writes through mmu_phys_store/mmu_phys_write. Off, it costs nothing.
 * start returns false when the bitmap cannot be allocated; all pages start
 * clean. take copies the bits into bitmap (ram_size / 4096 bits in 64-bit
 * words), clears them, makes writes to those pages go slow once again and
 * returns how many were set. Call them where the CPU thread is not running. */
bool mmu_phys_dirty_log_start(struct mmu_phys_space *space);
void mmu_phys_dirty_log_stop(struct mmu_phys_space *space);
bool mmu_phys_dirty_log_active(const struct mmu_phys_space *space);
uint64_t mmu_phys_dirty_log_take(struct mmu_phys_space *space, uint64_t *bitmap);
void mmu_region_set_access(struct mmu_region *region, bool read, bool write);
/* Moves a region (PCI BAR reprogramming). Returns false, leaving it in place, on
 * a bad range. */
bool mmu_region_move(struct mmu_region *region, uint64_t base);
void mmu_region_unmap(struct mmu_region *region);

/* `info mtree`: one line per region (range, priority, kind, enabled
 * directions), sorted by address; returns the length it needed, as snprintf. */
int mmu_phys_format_regions(const struct mmu_phys_space *space, char *buf, size_t len);

/* The counts of every MMIO region mapped now. */
void mmu_phys_foreach_mmio_counts(const struct mmu_phys_space *space, mmu_io_count_fn *fn,
                                  void *ctx);

/* A20 gate (port 0x92, 8042): when disabled, CPU accesses see address bit 20 as
 * zero (1 MiB wraparound). Device DMA is not affected. Changing it flushes the
 * TLBs. */
void mmu_phys_set_a20(struct mmu_phys_space *space, bool enabled);
uint64_t mmu_phys_a20_mask(const struct mmu_phys_space *space);

/* Accesses by physical address, as the CPU or a bus master sees them (no A20).
 * Unassigned bytes read as 0xff and ignore writes. Writes return true when the
 * block currently executing was modified (see mmu_smc_fn). */
uint64_t mmu_phys_load(struct mmu_phys_space *space, uint64_t paddr, unsigned size);
bool mmu_phys_store(struct mmu_phys_space *space, uint64_t paddr, uint64_t value, unsigned size);
void mmu_phys_read(struct mmu_phys_space *space, uint64_t paddr, void *buf, size_t len);
bool mmu_phys_write(struct mmu_phys_space *space, uint64_t paddr, const void *buf, size_t len);

/* Code pages, set and cleared by the translator: writes to a marked page call
 * the SMC hook, and TLB write entries for it take the slow path. */
void mmu_phys_set_code_page(struct mmu_phys_space *space, uint64_t paddr, bool holds_code);
bool mmu_phys_is_code_page(const struct mmu_phys_space *space, uint64_t paddr);

/* The port-I/O space: 65536 byte ports, handlers registered on ranges. Accesses
 * beyond 0xffff wrap to 0. Unassigned ports read all-ones, ignore writes. */
struct mmu_io_space;
struct mmu_io_space *mmu_io_new(void);
void mmu_io_free(struct mmu_io_space *io);
void mmu_io_set_log(struct mmu_io_space *io, mmu_log_fn fn, void *opaque);
/* Returns false when the range is empty, beyond 0xffff or overlaps a handler. */
bool mmu_io_register(struct mmu_io_space *io, uint16_t base, uint32_t len,
                     const struct mmu_io_ops *ops, void *opaque);
void mmu_io_unregister(struct mmu_io_space *io, uint16_t base);
uint64_t mmu_io_read(struct mmu_io_space *io, uint16_t port, unsigned size);
void mmu_io_write(struct mmu_io_space *io, uint16_t port, uint64_t value, unsigned size);
/* The counts of every registered port range; a range unregistered (a PCI BAR
 * moved) hands its counts to the next range registered for the same opaque. */
void mmu_io_foreach_counts(const struct mmu_io_space *io, mmu_io_count_fn *fn, void *ctx);

#endif
