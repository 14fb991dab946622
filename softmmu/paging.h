/* Linear-to-physical translation: 32-bit paging with 4 KiB and 4 MiB (PSE,
 * PSE-36) pages and PAE paging, Intel SDM Vol. 3A §4.3, §4.4, access rights
 * §4.6, page-fault error codes §4.7, accessed/dirty flags §4.8. Knows no CPU
 * layout: the CPU passes its paging mode and raises the fault it gets back. */
#ifndef JIT86_SOFTMMU_PAGING_H
#define JIT86_SOFTMMU_PAGING_H

#include "softmmu/softmmu.h"

enum mmu_access { MMU_ACCESS_READ, MMU_ACCESS_WRITE, MMU_ACCESS_EXEC, MMU_ACCESS_COUNT };

/* The paging mode: what CR0, CR3, CR4 (and later EFER) say. */
struct mmu_paging {
    bool pg;           /* CR0.PG */
    bool wp;           /* CR0.WP: supervisor writes honour R/W */
    bool pse;          /* CR4.PSE: 4 MiB pages in 32-bit paging */
    bool pge;          /* CR4.PGE: global pages survive CR3 writes */
    bool pae;          /* CR4.PAE */
    bool nxe;          /* EFER.NXE: XD bit in PAE entries */
    uint8_t phys_bits; /* MAXPHYADDR: 32, or 36 with PSE-36/PAE; 0 means 32 */
    uint64_t cr3;
};

/* Permissions of a translation for the mode that walked it. */
#define MMU_PROT_READ  1u
#define MMU_PROT_WRITE 2u
#define MMU_PROT_EXEC  4u

struct mmu_translation {
    uint64_t paddr;     /* physical address of the byte (A20 applied) */
    uint32_t page_size; /* 4 KiB, 2 MiB (PAE) or 4 MiB (PSE) */
    uint8_t prot;       /* MMU_PROT_* for this user/supervisor mode */
    bool global;        /* G set in the leaf entry and CR4.PGE */
    bool dirty;         /* D set in the leaf entry (after this walk) */
};

/* #PF error code bits, SDM Vol. 3A §4.7. */
#define MMU_PF_P    0x01u /* protection violation (0: not present) */
#define MMU_PF_W    0x02u /* write access */
#define MMU_PF_U    0x04u /* user-mode access */
#define MMU_PF_RSVD 0x08u /* reserved bit set in a paging entry */
#define MMU_PF_I    0x10u /* instruction fetch (only with NXE) */

#define MMU_VECTOR_PF 14

struct mmu_fault {
    uint8_t vector;
    uint32_t error_code;
    uint32_t cr2; /* faulting linear address */
};

/* Walks the page tables in the space for vaddr. On success fills *out, sets the
 * accessed flags and, for writes, the dirty flag, and returns true. On a fault
 * returns false with *fault filled (no flag changed). Never touches host memory
 * outside the space, whatever the tables hold. */
bool mmu_translate(struct mmu_phys_space *space, const struct mmu_paging *mode, uint32_t vaddr,
                   enum mmu_access access, bool user, struct mmu_translation *out,
                   struct mmu_fault *fault);

#endif
