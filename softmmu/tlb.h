/* The software TLB: per CPU, per MMU index, direct-mapped; its exact entry layout,
 * the fast path every backend emits inline (and its C version for the
 * interpreter), flushes with the SDM's rules (Vol. 3A §4.10.4) and the slow path.
 *
 * Entry layout (struct mmu_tlb_entry, 32 bytes on every host):
 *
 *   offset  0  tag[MMU_ACCESS_READ]   63 ........................ 12 11 ...... 0
 *   offset  8  tag[MMU_ACCESS_WRITE]  |   guest virtual page number  |  flags  |
 *   offset 16  tag[MMU_ACCESS_EXEC]   +------------------------------+---------+
 *   offset 24  addend = host address of the page - guest virtual page address
 *
 *   flags: MMU_TLB_INVALID (no translation), MMU_TLB_MMIO (not plain memory for
 *   this access: MMIO, ROM write, unassigned, page shared by several regions),
 *   MMU_TLB_NOTDIRTY (write to a page holding translated code). An empty tag is
 *   all ones. Any flag makes the compare below fail, so flagged pages always take
 *   the slow path without a separate test.
 *
 * The table for MMU index i is tlb->table[i]: MMU_TLB_SIZE entries in a row, at
 * byte offset MMU_TLB_TABLE_OFFSET(i) from the struct mmu_tlb (which the CPU
 * state embeds). The inline fast path for an access of `size` bytes at guest
 * virtual address `va` (32 bits, zero-extended to 64) with the tag of kind k:
 *
 *   t0 = (va >> (MMU_PAGE_BITS - MMU_TLB_ENTRY_BITS))       shift
 *        & ((MMU_TLB_SIZE - 1) << MMU_TLB_ENTRY_BITS)        mask: entry byte offset
 *   t0 = env + tlb_offset + MMU_TLB_TABLE_OFFSET(i) + t0     entry address
 *   t1 = (va + size - 1) & MMU_TLB_PAGE_MASK                 page of the last byte
 *   if (t1 != *(u64 *)(t0 + MMU_TLB_TAG_OFFSET(k)))          load tag, compare
 *       goto slow_path           (miss, flagged page, or access crossing a page)
 *   host = va + *(u64 *)(t0 + MMU_TLB_ADDEND_OFFSET)         add addend
 *   load/store little-endian `size` bytes at host
 *
 * x86-64 host, va in esi (zero-extended), env in rbp, load of 4 bytes, 1024
 * entries (mask 0x3ff << 5 = 0x7fe0):
 *     mov  eax, esi ; shr eax, 7 ; and eax, 0x7fe0
 *     lea  rax, [rbp + rax + OFS]          ; OFS = tlb offset + table offset
 *     lea  rdx, [rsi + 3] ; and rdx, -4096
 *     cmp  rdx, [rax + 0]  ; jne slow      ; + 8 for a store, + 16 for a fetch
 *     add  rsi, [rax + 24] ; mov ecx, [rsi]
 * AArch64 (OFS in a register or added first: it exceeds the immediate range):
 *     ubfx x0, xva, #12, #10 ; add x0, xtlb, x0, lsl #5 ; ldr x1, [x0]
 *     add x2, xva, #3 ; and x2, x2, #~0xfff ; cmp x1, x2 ; b.ne slow
 *     ldr x1, [x0, #24] ; ldr w3, [xva, x1]
 * (a 1-byte access skips the "+ size - 1"). The CPU state should keep the TLB
 * after its hot fields: the table is 96 KiB.
 *
 * The slow path (mmu_load_slow/mmu_store_slow) walks the page tables on a miss,
 * refills the entry, dispatches MMIO, calls the SMC hook for code pages and
 * handles page-crossing accesses (both pages translated before any byte moves).
 * On a fault it returns MMU_FAULT with the fault description; the CPU raises it. */
#ifndef JIT86_SOFTMMU_TLB_H
#define JIT86_SOFTMMU_TLB_H

#include "softmmu/paging.h"
#include "softmmu/softmmu.h"

#include <stddef.h>
#include <string.h>

/* 1024 entries per MMU index, measured by benchmarks/softmmu/run.sh: a hit
 * costs the same (~1.1 ns) at 64 to 4096 entries; random loads over a
 * 1024-page (4 MiB) working set cost 4.6 ns against 30 ns with 256 entries;
 * the price is 144 KiB per CPU and larger flushes (4% slower than 256 entries
 * with a CR3 write every 1000 accesses). 4096 entries only pay off beyond
 * 4 MiB working sets and make every full flush (A20 toggles under DOS) 4x
 * dearer. Only the benchmark overrides it, and then for every softmmu source it
 * compiles (the layout of struct mmu_tlb depends on it). */
#ifndef MMU_TLB_BITS
#define MMU_TLB_BITS 10
#endif
#define MMU_TLB_SIZE       (1u << MMU_TLB_BITS)
#define MMU_TLB_ENTRY_BITS 5 /* log2(sizeof(struct mmu_tlb_entry)) */
#define MMU_TLB_PAGE_MASK  (~(uint64_t)MMU_PAGE_OFFSET)

#define MMU_TLB_INVALID  0x1u
#define MMU_TLB_MMIO     0x2u
#define MMU_TLB_NOTDIRTY 0x4u
#define MMU_TLB_EMPTY    (~(uint64_t)0)

/* MMU indexes: which permissions an access is checked against. The CPU picks
 * KERNEL for CPL 0-2 and implicit supervisor accesses, USER for CPL 3, NOPAGING
 * when CR0.PG is clear (identity map, survives CR3 writes and INVLPG). */
enum mmu_idx { MMU_IDX_KERNEL, MMU_IDX_USER, MMU_IDX_NOPAGING, MMU_IDX_COUNT };

struct mmu_tlb_entry {
    uint64_t tag[MMU_ACCESS_COUNT];
    uint64_t addend;
};

_Static_assert(sizeof(struct mmu_tlb_entry) == 1u << MMU_TLB_ENTRY_BITS, "entry size");
_Static_assert(offsetof(struct mmu_tlb_entry, addend) == 24, "addend offset");

#define MMU_TLB_TAG_OFFSET(kind)  ((kind)*8)
#define MMU_TLB_ADDEND_OFFSET     24
#define MMU_TLB_TABLE_OFFSET(idx) ((idx) * (MMU_TLB_SIZE << MMU_TLB_ENTRY_BITS))

_Static_assert(MMU_TLB_BITS >= 8, "DESIGN.md: at least 256 entries");

/* Slow-path side data of an entry (same index), never read by the fast path. */
struct mmu_tlb_info {
    uint64_t paddr;     /* physical page */
    uint32_t page_mask; /* ~(size - 1) of the guest page: 4 KiB, 2 MiB or 4 MiB */
    bool global;
};

struct mmu_tlb_stats {
    uint64_t hits[MMU_ACCESS_COUNT];   /* C fast path hits */
    uint64_t slow[MMU_ACCESS_COUNT];   /* slow-path calls: misses, MMIO, code pages, crossings */
    uint64_t misses[MMU_ACCESS_COUNT]; /* refills (page walk or identity map) */
    uint64_t walks;
    uint64_t faults;
    uint64_t flush_full;
    uint64_t flush_nonglobal;
    uint64_t flush_page;
};

/* Plain data: the CPU state embeds it; no pointer to CPU state. The table stays
 * the first member so MMU_TLB_TABLE_OFFSET is also its offset in the struct. */
struct mmu_tlb {
    struct mmu_tlb_entry table[MMU_IDX_COUNT][MMU_TLB_SIZE];
    struct mmu_tlb_info info[MMU_IDX_COUNT][MMU_TLB_SIZE];
    struct mmu_paging paging;
    struct mmu_phys_space *space;
    struct mmu_tlb *space_next;
    uint32_t large_pages[MMU_IDX_COUNT];  /* large-page fills since the last flush */
    uint32_t global_pages[MMU_IDX_COUNT]; /* global fills since the last flush */
    struct mmu_tlb_stats stats;
};

enum mmu_result {
    MMU_OK,
    MMU_FAULT,         /* *fault describes the exception to raise */
    MMU_CODE_MODIFIED, /* store done; it modified the executing block: end it */
};

/* Attaches a TLB to a space (map, A20 and code-page changes reach it) and empties
 * it, paging off. Detach before freeing the memory holding it. Single-threaded:
 * the space and its TLBs belong to one execution thread. */
void mmu_tlb_init(struct mmu_tlb *tlb, struct mmu_phys_space *space);
void mmu_tlb_destroy(struct mmu_tlb *tlb);

/* Mode changes (MOV CR0/CR4, EFER): a change of PG, WP, PSE, PGE, PAE, NXE or
 * the physical width flushes everything including global pages; a CR3 change
 * alone flushes the non-global entries. */
void mmu_tlb_set_paging(struct mmu_tlb *tlb, const struct mmu_paging *mode);
/* MOV to CR3: non-global entries are dropped even when the value is unchanged. */
void mmu_tlb_write_cr3(struct mmu_tlb *tlb, uint64_t cr3);
/* INVLPG: the page containing vaddr, whatever its size (a 4 MiB page is cached
 * as 4 KiB entries; all of them go). */
void mmu_tlb_invlpg(struct mmu_tlb *tlb, uint32_t vaddr);
void mmu_tlb_flush(struct mmu_tlb *tlb);

/* Translates vaddr for an access through the TLB (refilling it on a miss).
 * Returns false with *fault on a page fault. */
bool mmu_tlb_translate(struct mmu_tlb *tlb, unsigned mmu_idx, uint32_t vaddr,
                       enum mmu_access access, uint64_t *paddr, struct mmu_fault *fault);

/* Statistics as text for the monitor ("info tlb") and -d mmu: one line per
 * counter group, NUL-terminated, truncated to len. Returns the length wanted. */
int mmu_tlb_format_stats(const struct mmu_tlb *tlb, char *buf, size_t len);

/* The valid entries as text for "info tlb", one line each ("kernel 0x00801000 ->
 * 0x000020000 rwx 4K global"), flags as letters (M = MMIO, C = code page).
 * snprintf-like: truncates to len, returns the length wanted. */
int mmu_tlb_format_entries(const struct mmu_tlb *tlb, char *buf, size_t len);

/* Slow path: any size 1-8, any alignment. Loads zero-extend into *value. */
enum mmu_result mmu_load_slow(struct mmu_tlb *tlb, unsigned mmu_idx, uint32_t vaddr, unsigned size,
                              enum mmu_access access, uint64_t *value, struct mmu_fault *fault);
enum mmu_result mmu_store_slow(struct mmu_tlb *tlb, unsigned mmu_idx, uint32_t vaddr, unsigned size,
                               uint64_t value, struct mmu_fault *fault);

/* ---- the C fast path (interpreter backend) ---- */

static inline struct mmu_tlb_entry *mmu_tlb_entry(struct mmu_tlb *tlb, unsigned mmu_idx,
                                                  uint32_t vaddr)
{
    return &tlb->table[mmu_idx][(vaddr >> MMU_PAGE_BITS) & (MMU_TLB_SIZE - 1)];
}

/* Guest memory is little-endian; these are byte swaps only on big-endian hosts. */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define MMU_LE16(x) __builtin_bswap16(x)
#define MMU_LE32(x) __builtin_bswap32(x)
#define MMU_LE64(x) __builtin_bswap64(x)
#else
#define MMU_LE16(x) (x)
#define MMU_LE32(x) (x)
#define MMU_LE64(x) (x)
#endif

static inline uint64_t mmu_host_load(const void *p, unsigned size)
{
    uint8_t v1;
    uint16_t v2;
    uint32_t v4;
    uint64_t v8;
    switch (size) {
    case 1: memcpy(&v1, p, 1); return v1;
    case 2: memcpy(&v2, p, 2); return MMU_LE16(v2);
    case 4: memcpy(&v4, p, 4); return MMU_LE32(v4);
    default: memcpy(&v8, p, 8); return MMU_LE64(v8);
    }
}

static inline void mmu_host_store(void *p, uint64_t value, unsigned size)
{
    uint8_t v1 = (uint8_t)value;
    uint16_t v2 = MMU_LE16((uint16_t)value);
    uint32_t v4 = MMU_LE32((uint32_t)value);
    uint64_t v8 = MMU_LE64(value);
    switch (size) {
    case 1: memcpy(p, &v1, 1); break;
    case 2: memcpy(p, &v2, 2); break;
    case 4: memcpy(p, &v4, 4); break;
    default: memcpy(p, &v8, 8); break;
    }
}

static inline void *mmu_tlb_host(const struct mmu_tlb_entry *e, uint32_t vaddr)
{
    return (void *)(uintptr_t)(vaddr + e->addend);
}

/* size is 1, 2, 4 or 8; access is MMU_ACCESS_READ or MMU_ACCESS_EXEC. */
static inline enum mmu_result mmu_load(struct mmu_tlb *tlb, unsigned mmu_idx,
                                       enum mmu_access access, uint32_t vaddr, unsigned size,
                                       uint64_t *value, struct mmu_fault *fault)
{
    const struct mmu_tlb_entry *e = mmu_tlb_entry(tlb, mmu_idx, vaddr);
    uint64_t last = (uint64_t)vaddr + size - 1;
    if (__builtin_expect((last & MMU_TLB_PAGE_MASK) == e->tag[access], 1)) {
        tlb->stats.hits[access]++;
        *value = mmu_host_load(mmu_tlb_host(e, vaddr), size);
        return MMU_OK;
    }
    return mmu_load_slow(tlb, mmu_idx, vaddr, size, access, value, fault);
}

static inline enum mmu_result mmu_store(struct mmu_tlb *tlb, unsigned mmu_idx, uint32_t vaddr,
                                        unsigned size, uint64_t value, struct mmu_fault *fault)
{
    const struct mmu_tlb_entry *e = mmu_tlb_entry(tlb, mmu_idx, vaddr);
    uint64_t last = (uint64_t)vaddr + size - 1;
    if (__builtin_expect((last & MMU_TLB_PAGE_MASK) == e->tag[MMU_ACCESS_WRITE], 1)) {
        tlb->stats.hits[MMU_ACCESS_WRITE]++;
        mmu_host_store(mmu_tlb_host(e, vaddr), value, size);
        return MMU_OK;
    }
    return mmu_store_slow(tlb, mmu_idx, vaddr, size, value, fault);
}

/* Typed accessors: every size and sign. Signed loads sign-extend to 32 bits. */
static inline enum mmu_result mmu_ldub(struct mmu_tlb *tlb, unsigned idx, uint32_t va,
                                       uint32_t *out, struct mmu_fault *f)
{
    uint64_t v = 0;
    enum mmu_result r = mmu_load(tlb, idx, MMU_ACCESS_READ, va, 1, &v, f);
    *out = (uint8_t)v;
    return r;
}

static inline enum mmu_result mmu_ldsb(struct mmu_tlb *tlb, unsigned idx, uint32_t va,
                                       uint32_t *out, struct mmu_fault *f)
{
    uint64_t v = 0;
    enum mmu_result r = mmu_load(tlb, idx, MMU_ACCESS_READ, va, 1, &v, f);
    *out = (uint32_t)(int32_t)(int8_t)v;
    return r;
}

static inline enum mmu_result mmu_lduw(struct mmu_tlb *tlb, unsigned idx, uint32_t va,
                                       uint32_t *out, struct mmu_fault *f)
{
    uint64_t v = 0;
    enum mmu_result r = mmu_load(tlb, idx, MMU_ACCESS_READ, va, 2, &v, f);
    *out = (uint16_t)v;
    return r;
}

static inline enum mmu_result mmu_ldsw(struct mmu_tlb *tlb, unsigned idx, uint32_t va,
                                       uint32_t *out, struct mmu_fault *f)
{
    uint64_t v = 0;
    enum mmu_result r = mmu_load(tlb, idx, MMU_ACCESS_READ, va, 2, &v, f);
    *out = (uint32_t)(int32_t)(int16_t)v;
    return r;
}

static inline enum mmu_result mmu_ldl(struct mmu_tlb *tlb, unsigned idx, uint32_t va, uint32_t *out,
                                      struct mmu_fault *f)
{
    uint64_t v = 0;
    enum mmu_result r = mmu_load(tlb, idx, MMU_ACCESS_READ, va, 4, &v, f);
    *out = (uint32_t)v;
    return r;
}

static inline enum mmu_result mmu_ldq(struct mmu_tlb *tlb, unsigned idx, uint32_t va, uint64_t *out,
                                      struct mmu_fault *f)
{
    return mmu_load(tlb, idx, MMU_ACCESS_READ, va, 8, out, f);
}

static inline enum mmu_result mmu_ldub_code(struct mmu_tlb *tlb, unsigned idx, uint32_t va,
                                            uint32_t *out, struct mmu_fault *f)
{
    uint64_t v = 0;
    enum mmu_result r = mmu_load(tlb, idx, MMU_ACCESS_EXEC, va, 1, &v, f);
    *out = (uint8_t)v;
    return r;
}

static inline enum mmu_result mmu_lduw_code(struct mmu_tlb *tlb, unsigned idx, uint32_t va,
                                            uint32_t *out, struct mmu_fault *f)
{
    uint64_t v = 0;
    enum mmu_result r = mmu_load(tlb, idx, MMU_ACCESS_EXEC, va, 2, &v, f);
    *out = (uint16_t)v;
    return r;
}

static inline enum mmu_result mmu_ldl_code(struct mmu_tlb *tlb, unsigned idx, uint32_t va,
                                           uint32_t *out, struct mmu_fault *f)
{
    uint64_t v = 0;
    enum mmu_result r = mmu_load(tlb, idx, MMU_ACCESS_EXEC, va, 4, &v, f);
    *out = (uint32_t)v;
    return r;
}

static inline enum mmu_result mmu_stb(struct mmu_tlb *tlb, unsigned idx, uint32_t va, uint32_t v,
                                      struct mmu_fault *f)
{
    return mmu_store(tlb, idx, va, 1, v, f);
}

static inline enum mmu_result mmu_stw(struct mmu_tlb *tlb, unsigned idx, uint32_t va, uint32_t v,
                                      struct mmu_fault *f)
{
    return mmu_store(tlb, idx, va, 2, v, f);
}

static inline enum mmu_result mmu_stl(struct mmu_tlb *tlb, unsigned idx, uint32_t va, uint32_t v,
                                      struct mmu_fault *f)
{
    return mmu_store(tlb, idx, va, 4, v, f);
}

static inline enum mmu_result mmu_stq(struct mmu_tlb *tlb, unsigned idx, uint32_t va, uint64_t v,
                                      struct mmu_fault *f)
{
    return mmu_store(tlb, idx, va, 8, v, f);
}

#endif
