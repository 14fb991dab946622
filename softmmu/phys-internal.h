/* Internals of the physical address space shared by the files of softmmu/:
 * region records, the two-level page map and the hooks between the space and
 * the TLBs attached to it. Private to softmmu/ (tests may include it). */
#ifndef JIT86_SOFTMMU_PHYS_INTERNAL_H
#define JIT86_SOFTMMU_PHYS_INTERNAL_H

#include "softmmu/softmmu.h"

struct mmu_tlb;

/* Page map: top level indexed by paddr >> 22, leaves of 1024 pages allocated on
 * first use. Each page holds, per direction, the id of the winning region that
 * covers the whole page, PHYS_NONE (unassigned) or PHYS_MIXED (several regions
 * share the page: resolved by a priority search, never for plain RAM). */
#define PHYS_LEAF_BITS   10
#define PHYS_LEAF_PAGES  (1u << PHYS_LEAF_BITS)
#define PHYS_TOP_SHIFT   (MMU_PAGE_BITS + PHYS_LEAF_BITS)
#define PHYS_TOP_ENTRIES (MMU_PHYS_LIMIT >> PHYS_TOP_SHIFT)
#define PHYS_NONE        0
#define PHYS_MIXED       0xffff
#define PHYS_MAX_REGIONS 0xfffe

enum phys_dir { PHYS_READ, PHYS_WRITE, PHYS_DIRS };

/* PHYS_DEVRAM: device memory (a framebuffer) backed by the device's host
 * buffer, accessed like RAM through the TLB, with per-page dirty bits. */
enum phys_kind { PHYS_RAM, PHYS_ROM, PHYS_MMIO, PHYS_DEVRAM };

struct mmu_region {
    struct mmu_phys_space *space;
    enum phys_kind kind;
    uint64_t base;
    uint64_t size;
    int priority;
    uint32_t seq; /* mapping order: breaks priority ties, later wins */
    uint16_t id;
    bool enabled[PHYS_DIRS];
    uint8_t *host; /* RAM or ROM bytes of base; ROM is never written through it */
    const struct mmu_io_ops *ops;
    void *opaque;
    uint64_t *dirty; /* PHYS_DEVRAM: one bit per page, set by writes */
    struct mmu_io_counts counts; /* PHYS_MMIO: accesses delivered */
};

struct phys_leaf {
    uint16_t region[PHYS_DIRS][PHYS_LEAF_PAGES];
    uint64_t code[PHYS_LEAF_PAGES / 64];
};

struct mmu_phys_space {
    uint8_t *ram;
    uint64_t ram_size;
    struct phys_leaf **top;
    struct mmu_region **regions; /* by id; [0] unused */
    uint32_t region_cap;
    uint32_t next_seq;
    uint64_t a20_mask;
    mmu_log_fn log;
    void *log_opaque;
    mmu_log_fn mmu_log;
    void *mmu_log_opaque;
    mmu_smc_fn smc;
    void *smc_opaque;
    struct mmu_tlb *tlbs; /* attached TLBs, linked through mmu_tlb.space_next */
    uint64_t *ram_dirty;  /* migration dirty log: a bit per RAM page, NULL when off */
    struct mmu_phys_stats stats;
};

/* The region that serves direction dir at paddr, or NULL (unassigned). */
struct mmu_region *phys_region_at(const struct mmu_phys_space *space, uint64_t paddr,
                                  enum phys_dir dir);

/* Host bytes of the whole page at paddr (page-aligned) for direction dir, or
 * NULL when the page is not plain memory for it (MMIO, unassigned, shared by
 * several regions, or ROM for writes). */
uint8_t *phys_page_host(const struct mmu_phys_space *space, uint64_t paddr, enum phys_dir dir);

/* Writes to the page need the slow path: it holds translated code, or it is
 * a device-RAM page whose dirty bit is clear, or a RAM page still clean in the
 * migration dirty log (the first write sets the bit). */
bool phys_page_write_watched(const struct mmu_phys_space *space, uint64_t paddr);
/* Sets the dirty bits of the device-RAM pages of [paddr, paddr+len) of r. */
void phys_devram_mark(const struct mmu_region *r, uint64_t paddr, uint64_t len);

/* Dirty log (dirty-log.c): sets the bits of the RAM pages of [paddr,
 * paddr+len) of the RAM region r while the log is on; whether the page of r at
 * paddr is clean in an active log (its writes must take the slow path). */
void phys_ram_mark(struct mmu_phys_space *space, const struct mmu_region *r, uint64_t paddr,
                   uint64_t len);
bool phys_ram_page_clean(const struct mmu_phys_space *space, const struct mmu_region *r,
                         uint64_t paddr);

/* Little-endian host memory accesses of 1, 2, 4 or 8 bytes at any alignment. */
uint64_t phys_host_load(const uint8_t *p, unsigned size);
void phys_host_store(uint8_t *p, uint64_t value, unsigned size);

/* Implemented by tlb.c: every TLB attached to the space drops all entries (map or
 * A20 change), or makes writes to one physical page take the slow path. */
void tlb_space_flush_all(struct mmu_phys_space *space);
void tlb_space_code_page_marked(struct mmu_phys_space *space, uint64_t paddr);
/* Every TLB write entry for a physical page in [paddr, paddr+len) takes the
 * slow path again (device-RAM pages whose dirty bits were cleared). */
void tlb_space_watch_writes(struct mmu_phys_space *space, uint64_t paddr, uint64_t len);

#endif
