/* Benchmark: TLB-heavy page touching with 32-bit paging on (SDM vol. 3, 4.3
 * and 4.10): strided walks over 1024 pages (more than a TLB holds), PTE
 * rewrites with INVLPG, and CR3 reloads that flush everything. */
#include "bench.h"

#define PAGE 4096u
#define REGION (4u << 20) /* 4..8 MiB: above the image, identity-mapped */
#define PAGES 1024u

static volatile uint32_t *word_at(uint32_t va, uint32_t off)
{
    return (volatile uint32_t *)(uintptr_t)(va + (off & (PAGE - 4)));
}

int main(void)
{
    uint32_t rounds = BENCH_SIZE(1000u, 4u);
    uint32_t *pd = rt_paging_identity();
    uint32_t h = 0x811c9dc5u;
    rt_paging_enable(pd, 1);
    for (uint32_t p = 0; p < PAGES; p++)
        *word_at(REGION + p * PAGE, 0) = p * 0x9e3779b9u;
    for (uint32_t r = 0; r < rounds; r++) {
        /* Strided visit: consecutive accesses hit different pages. */
        uint32_t stride = 2 * (r % 7) + 1;
        for (uint32_t i = 0, p = r; i < PAGES; i++, p = (p + stride) % PAGES) {
            volatile uint32_t *w = word_at(REGION + p * PAGE, i * 4);
            *w += i ^ r;
            h += *word_at(REGION + p * PAGE, 0);
        }
        /* Rotate the mapping of the upper half over the lower half's frames
         * for a while, then restore it. */
        for (uint32_t p = 0; p < PAGES / 2; p++) {
            uint32_t va = REGION + (PAGES / 2 + p) * PAGE;
            uint32_t frame = REGION + ((p + r) % (PAGES / 2)) * PAGE;
            *rt_pte(pd, va) = frame | RT_PTE_P | RT_PTE_RW | RT_PTE_US;
            rt_invlpg(va);
            h = bench_mix(h, *word_at(va, 0));
        }
        for (uint32_t p = 0; p < PAGES / 2; p++) {
            uint32_t va = REGION + (PAGES / 2 + p) * PAGE;
            *rt_pte(pd, va) = va | RT_PTE_P | RT_PTE_RW | RT_PTE_US;
        }
        __asm__ volatile("mov %0, %%cr3" : : "r"(pd) : "memory");
    }
    rt_paging_disable();
    return bench_report("tlb", h);
}
