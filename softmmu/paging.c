/* Page walks: 32-bit paging (SDM Vol. 3A §4.3, PSE-36 per §4.3 table 4-4) and
 * PAE paging (§4.4) with the access-rights rules of §4.6, the error codes of §4.7
 * and accessed/dirty updates of §4.8. Entries are read through the physical
 * address space, so a table anywhere (even MMIO or unassigned) is safe. */
#include "softmmu/paging.h"

#define PTE_P  0x001u
#define PTE_RW 0x002u
#define PTE_US 0x004u
#define PTE_A  0x020u
#define PTE_D  0x040u
#define PTE_PS 0x080u
#define PTE_G  0x100u
#define PTE_XD (1ull << 63)

/* What the walk found before the rights check. */
struct leaf {
    uint64_t base; /* physical base of the page */
    uint32_t page_size;
    bool us, rw, xd; /* combined over all levels */
    bool global;
    uint64_t dir_addr;  /* entry above the leaf (0 with a large page) */
    uint64_t leaf_addr; /* entry mapping the page */
    uint32_t dir_low;   /* low dwords, for the accessed/dirty update */
    uint32_t leaf_low;
};

static unsigned phys_bits(const struct mmu_paging *m)
{
    unsigned bits = m->phys_bits ? m->phys_bits : (m->pae ? 36 : 32);
    return bits < 32 ? 32 : bits > 52 ? 52 : bits;
}

static bool raise_pf(struct mmu_fault *f, uint32_t vaddr, uint32_t code)
{
    f->vector = MMU_VECTOR_PF;
    f->error_code = code;
    f->cr2 = vaddr;
    return false;
}

static uint32_t load32(struct mmu_phys_space *s, uint64_t paddr)
{
    return (uint32_t)mmu_phys_load(s, paddr & mmu_phys_a20_mask(s), 4);
}

static uint64_t load64(struct mmu_phys_space *s, uint64_t paddr)
{
    return mmu_phys_load(s, paddr & mmu_phys_a20_mask(s), 8);
}

/* 32-bit paging. Returns 0 with *leaf filled, or the #PF error code bits
 * (MMU_PF_RSVD or "not present" flagged by the caller's base code). */
static int walk32(struct mmu_phys_space *s, const struct mmu_paging *m, uint32_t vaddr,
                  struct leaf *out)
{
    uint64_t pde_addr = (m->cr3 & 0xfffff000u) | ((vaddr >> 20) & 0xffcu);
    uint32_t pde = load32(s, pde_addr);
    if (!(pde & PTE_P))
        return -1;
    if ((pde & PTE_PS) && m->pse) {
        /* PSE-36: PDE bits 20:13 hold physical bits 39:32 up to MAXPHYADDR; the
         * rest of 21:13 is reserved. */
        unsigned hi = phys_bits(m) - 32;
        if (hi > 8)
            hi = 8;
        uint32_t hi_mask = ((1u << hi) - 1) << 13;
        if (pde & (0x003fe000u & ~hi_mask))
            return MMU_PF_RSVD;
        out->base = (pde & 0xffc00000u) | ((uint64_t)((pde & hi_mask) >> 13) << 32);
        out->page_size = 4u << 20;
        out->us = pde & PTE_US;
        out->rw = pde & PTE_RW;
        out->xd = false;
        out->global = pde & PTE_G;
        out->dir_addr = 0;
        out->leaf_addr = pde_addr;
        out->leaf_low = pde;
        return 0;
    }
    uint64_t pte_addr = (pde & 0xfffff000u) | ((vaddr >> 10) & 0xffcu);
    uint32_t pte = load32(s, pte_addr);
    if (!(pte & PTE_P))
        return -1;
    out->base = pte & 0xfffff000u;
    out->page_size = 4096;
    out->us = pde & pte & PTE_US;
    out->rw = pde & pte & PTE_RW;
    out->xd = false;
    out->global = pte & PTE_G;
    out->dir_addr = pde_addr;
    out->dir_low = pde;
    out->leaf_addr = pte_addr;
    out->leaf_low = pte;
    return 0;
}

/* PAE paging: PDPTE, PDE (2 MiB with PS), PTE; 64-bit entries. Deviation: the
 * PDPTEs are read at each walk, not latched at the CR3 load, and a reserved bit
 * in one gives #PF(RSVD) instead of #GP at MOV CR3. */
static int walk_pae(struct mmu_phys_space *s, const struct mmu_paging *m, uint32_t vaddr,
                    struct leaf *out)
{
    uint64_t addr_mask = ((1ull << phys_bits(m)) - 1) & ~0xfffull;
    uint64_t high_rsvd = ~((1ull << phys_bits(m)) - 1) & ~(m->nxe ? PTE_XD : 0);

    uint64_t pdpte = load64(s, (m->cr3 & 0xffffffe0u) + ((vaddr >> 30) << 3));
    if (!(pdpte & PTE_P))
        return -1;
    if (pdpte & (0x1e6ull | ~((1ull << phys_bits(m)) - 1)))
        return MMU_PF_RSVD;

    uint64_t pde_addr = (pdpte & addr_mask) + (((vaddr >> 21) & 0x1ff) << 3);
    uint64_t pde = load64(s, pde_addr);
    if (!(pde & PTE_P))
        return -1;
    if (pde & high_rsvd)
        return MMU_PF_RSVD;
    if (pde & PTE_PS) {
        if (pde & 0x1fe000ull)
            return MMU_PF_RSVD;
        out->base = pde & addr_mask & ~0x1fffffull;
        out->page_size = 2u << 20;
        out->us = pde & PTE_US;
        out->rw = pde & PTE_RW;
        out->xd = m->nxe && (pde & PTE_XD);
        out->global = pde & PTE_G;
        out->dir_addr = 0;
        out->leaf_addr = pde_addr;
        out->leaf_low = (uint32_t)pde;
        return 0;
    }
    uint64_t pte_addr = (pde & addr_mask) + (((vaddr >> 12) & 0x1ff) << 3);
    uint64_t pte = load64(s, pte_addr);
    if (!(pte & PTE_P))
        return -1;
    if (pte & high_rsvd)
        return MMU_PF_RSVD;
    out->base = pte & addr_mask;
    out->page_size = 4096;
    out->us = pde & pte & PTE_US;
    out->rw = pde & pte & PTE_RW;
    out->xd = m->nxe && ((pde | pte) & PTE_XD);
    out->global = pte & PTE_G;
    out->dir_addr = pde_addr;
    out->dir_low = (uint32_t)pde;
    out->leaf_addr = pte_addr;
    out->leaf_low = (uint32_t)pte;
    return 0;
}

/* SDM Vol. 3A §4.6.1: user accesses need U/S=1 everywhere and, to write, R/W=1
 * everywhere; supervisor accesses read anything and write when R/W=1 everywhere
 * or CR0.WP=0. Instruction fetches follow reads unless XD (no SMEP yet). */
static uint8_t rights(const struct leaf *l, bool user, bool wp)
{
    if (user && !l->us)
        return 0;
    uint8_t prot = MMU_PROT_READ;
    if (l->rw || (!user && !wp))
        prot |= MMU_PROT_WRITE;
    if (!l->xd)
        prot |= MMU_PROT_EXEC;
    return prot;
}

static void set_flags(struct mmu_phys_space *s, uint64_t addr, uint32_t low, uint32_t flags)
{
    if ((low & flags) != flags)
        mmu_phys_store(s, addr & mmu_phys_a20_mask(s), low | flags, 4);
}

bool mmu_translate(struct mmu_phys_space *s, const struct mmu_paging *m, uint32_t vaddr,
                   enum mmu_access access, bool user, struct mmu_translation *out,
                   struct mmu_fault *fault)
{
    static const uint8_t need[MMU_ACCESS_COUNT] = {MMU_PROT_READ, MMU_PROT_WRITE, MMU_PROT_EXEC};
    uint32_t code = (access == MMU_ACCESS_WRITE ? MMU_PF_W : 0) | (user ? MMU_PF_U : 0) |
                    (access == MMU_ACCESS_EXEC && m->pae && m->nxe ? MMU_PF_I : 0);
    struct leaf l;
    int r = m->pae ? walk_pae(s, m, vaddr, &l) : walk32(s, m, vaddr, &l);
    if (r < 0)
        return raise_pf(fault, vaddr, code);
    if (r > 0)
        return raise_pf(fault, vaddr, code | MMU_PF_P | (uint32_t)r);
    uint8_t prot = rights(&l, user, m->wp);
    if (!(prot & need[access]))
        return raise_pf(fault, vaddr, code | MMU_PF_P);

    if (l.dir_addr)
        set_flags(s, l.dir_addr, l.dir_low, PTE_A);
    bool write = access == MMU_ACCESS_WRITE;
    set_flags(s, l.leaf_addr, l.leaf_low, write ? PTE_A | PTE_D : PTE_A);

    out->paddr = (l.base | (vaddr & (l.page_size - 1))) & mmu_phys_a20_mask(s);
    out->page_size = l.page_size;
    out->prot = prot;
    out->global = l.global && m->pge;
    out->dirty = write || (l.leaf_low & PTE_D);
    return true;
}
