/* Guest test runtime: an identity-mapped 32-bit paging set-up tests can edit
 * (SDM vol. 3, 4.3 "32-bit paging": PDE/PTE formats, CR0.PG, CR0.WP, CR3). */
#include "runtime.h"

#define CR0_PG 0x80000000u
#define CR0_WP 0x00010000u
#define TABLES (RT_PAGING_MAPPED >> 22)

static uint32_t page_dir[1024] __attribute__((aligned(4096)));
static uint32_t page_tables[TABLES][1024] __attribute__((aligned(4096)));

uint32_t *rt_paging_identity(void)
{
    const uint32_t flags = RT_PTE_P | RT_PTE_RW | RT_PTE_US;

    memset(page_dir, 0, sizeof(page_dir));
    for (uint32_t t = 0; t < TABLES; t++) {
        for (uint32_t i = 0; i < 1024; i++)
            page_tables[t][i] = ((t << 22) | (i << 12)) | flags;
        page_dir[t] = (uint32_t)page_tables[t] | flags;
    }
    return page_dir;
}

uint32_t *rt_pte(uint32_t *pd, uint32_t va)
{
    uint32_t pde = pd[va >> 22];
    uint32_t *pt = (uint32_t *)(pde & ~0xFFFu);
    return &pt[(va >> 12) & 0x3FF];
}

void rt_paging_enable(uint32_t *pd, int wp)
{
    uint32_t cr0;
    __asm__ volatile("mov %0, %%cr3" : : "r"(pd) : "memory");
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 |= CR0_PG;
    cr0 = wp ? cr0 | CR0_WP : cr0 & ~CR0_WP;
    __asm__ volatile("mov %0, %%cr0\n\tjmp 1f\n1:" : : "r"(cr0) : "memory");
}

void rt_paging_disable(void)
{
    uint32_t cr0;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 &= ~(CR0_PG | CR0_WP);
    __asm__ volatile("mov %0, %%cr0\n\tjmp 1f\n1:" : : "r"(cr0) : "memory");
}
