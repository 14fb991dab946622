/* Guest test: 32-bit paging (SDM vol. 3, 4.3 and 4.8-4.10): two virtual pages
 * aliasing one physical page, a 4 MiB PSE page, accessed/dirty bits written by
 * the CPU, INVLPG and CR3 reload after remapping, and PDE/PTE rights combined
 * for user accesses. */
#include "runtime.h"

#define CR4_PSE 0x10u
#define VA_HI 0x40000000u  /* page table pt_hi maps 0x40000000-0x403FFFFF */
#define VA_BIG 0x80000000u /* one 4 MiB page onto physical 0 */
#define VA_BIG2 0x80400000u

static volatile uint32_t pt_hi[1024] __attribute__((aligned(4096)));
static volatile uint32_t page_a[1024] __attribute__((aligned(4096)));
static volatile uint32_t page_b[1024] __attribute__((aligned(4096)));
static uint8_t user_stack[4096] __attribute__((aligned(16)));
static volatile uint32_t *pd; /* the CPU writes A/D bits: always reload */

static volatile uint32_t *va(uint32_t page_index, uint32_t word)
{
    return (volatile uint32_t *)(VA_HI + (page_index << 12) + word * 4);
}

static void map(uint32_t page_index, const volatile void *phys, uint32_t flags)
{
    pt_hi[page_index] = (uint32_t)phys | flags;
    /* The CPU reads page tables behind the compiler's back: store now. */
    __asm__ volatile("" : : : "memory");
}

/* "AD", "A-", "--": the accessed and dirty bits of an entry, as two chars. */
#define BITS(e) ((e) & RT_PTE_A) ? 'A' : '-', ((e) & RT_PTE_D) ? 'D' : '-'

static void aliasing(void)
{
    const uint32_t rw = RT_PTE_P | RT_PTE_RW;
    map(0, page_a, rw);
    map(1, page_a, rw);
    page_a[5] = 0x11111111;
    *va(0, 5) = 0xA11A5ED0;
    rt_printf("alias: write va0 -> va1=%08x phys=%08x\n", *va(1, 5), page_a[5]);
    *va(1, 6) = 0x0DDBA11;
    rt_printf("alias: write va1 -> va0=%08x phys=%08x\n", *va(0, 6), page_a[6]);
}

static void big_page(void)
{
    uint32_t cr4;
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | CR4_PSE));
    pd[VA_BIG >> 22] = 0x00000000 | RT_PDE_PS | RT_PTE_P | RT_PTE_RW;
    pd[VA_BIG2 >> 22] = 0x00400000 | RT_PDE_PS | RT_PTE_P | RT_PTE_RW;
    __asm__ volatile("mov %%cr3, %%eax\n\tmov %%eax, %%cr3" : : : "eax", "memory");

    page_b[7] = 0xB16B16;
    volatile uint32_t *big = (volatile uint32_t *)(VA_BIG + (uint32_t)&page_b[7]);
    uint32_t v = *big; /* read before looking at the A bit */
    __asm__ volatile("" : : : "memory"); /* clang 14 moved the read past the PDE load */
    rt_printf("4M page: read=%08x pde %c%c\n", v, BITS(pd[VA_BIG >> 22]));
    *big = 0xFEEDF00D;
    rt_printf("4M page: wrote, phys=%08x pde %c%c\n", page_b[7], BITS(pd[VA_BIG >> 22]));
    /* Second 4 MiB page onto 4-8 MiB: offset 0 of it is physical 0x400000. */
    volatile uint32_t *p4m = (volatile uint32_t *)0x00400010;
    *p4m = 0x4444;
    v = *(volatile uint32_t *)(VA_BIG2 + 0x10);
    __asm__ volatile("" : : : "memory");
    rt_printf("4M page 2: read=%08x pde %c%c\n", v, BITS(pd[VA_BIG2 >> 22]));
}

static void accessed_dirty(void)
{
    pd[VA_HI >> 22] &= ~(RT_PTE_A | RT_PTE_D);
    map(2, page_b, RT_PTE_P | RT_PTE_RW);
    rt_invlpg(VA_HI + 0x2000);
    rt_printf("A/D: initial pte %c%c pde %c%c\n", BITS(pt_hi[2]), BITS(pd[VA_HI >> 22]));
    (void)*va(2, 0);
    rt_printf("A/D: after read pte %c%c pde %c\n", BITS(pt_hi[2]), (pd[VA_HI >> 22] & RT_PTE_A) ? 'A' : '-');
    *va(2, 1) = 1;
    rt_printf("A/D: after write pte %c%c\n", BITS(pt_hi[2]));
    /* Clearing D in memory without INVLPG: the CPU may keep using its cached
     * dirty entry, so only the flushed case is printed. */
    pt_hi[2] &= ~(RT_PTE_A | RT_PTE_D);
    rt_invlpg(VA_HI + 0x2000);
    *va(2, 1) = 2;
    rt_printf("A/D: write after clear+invlpg pte %c%c\n", BITS(pt_hi[2]));
}

static void remapping(void)
{
    page_a[0] = 0xAAAA0000;
    page_b[0] = 0xBBBB0000;
    map(3, page_a, RT_PTE_P | RT_PTE_RW);
    rt_invlpg(VA_HI + 0x3000);
    rt_printf("remap: before %08x\n", *va(3, 0));
    map(3, page_b, RT_PTE_P | RT_PTE_RW);
    rt_invlpg(VA_HI + 0x3000);
    rt_printf("remap: after invlpg %08x\n", *va(3, 0));
    map(3, page_a, RT_PTE_P | RT_PTE_RW);
    __asm__ volatile("mov %%cr3, %%eax\n\tmov %%eax, %%cr3" : : : "eax", "memory");
    rt_printf("remap: after cr3 reload %08x\n", *va(3, 0));
    uint32_t cr3;
    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    rt_printf("cr3 reads back the directory: %s\n", cr3 == (uint32_t)pd ? "yes" : "no");
}

static volatile uint32_t probe_addr;
static void probe_read(void *p)
{
    (void)p;
    (void)*(volatile uint32_t *)probe_addr;
}
static void user_read(void)
{
    probe_read(0);
}
static void user_write(void)
{
    *(volatile uint32_t *)probe_addr = 7;
}

/* Effective rights are the stricter of PDE and PTE (SDM vol. 3, 4.6.1). */
static void rights(void)
{
    static const struct {
        const char *name;
        uint32_t pde, pte;
        int write;
    } cases[] = {
        {"pde U pte U read", RT_PTE_US | RT_PTE_RW, RT_PTE_US | RT_PTE_RW, 0},
        {"pde S pte U read", RT_PTE_RW, RT_PTE_US | RT_PTE_RW, 0},
        {"pde U pte S read", RT_PTE_US | RT_PTE_RW, RT_PTE_RW, 0},
        {"pde RO pte RW write", RT_PTE_US, RT_PTE_US | RT_PTE_RW, 1},
        {"pde RW pte RO write", RT_PTE_US | RT_PTE_RW, RT_PTE_US, 1},
        {"pde RW pte RW write", RT_PTE_US | RT_PTE_RW, RT_PTE_US | RT_PTE_RW, 1},
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct rt_fault f = {0};
        pd[VA_HI >> 22] = (uint32_t)pt_hi | RT_PTE_P | cases[i].pde;
        map(4, page_a, RT_PTE_P | cases[i].pte);
        __asm__ volatile("mov %%cr3, %%eax\n\tmov %%eax, %%cr3" : : : "eax", "memory");
        probe_addr = VA_HI + 0x4000 + 8 * i;
        int faulted = rt_user_call(cases[i].write ? user_write : user_read,
                                   user_stack + sizeof(user_stack), &f);
        rt_printf("cpl3 %-20s ", cases[i].name);
        if (faulted)
            rt_printf("#PF error=%x cr2=va+%x\n", f.error, f.cr2 - VA_HI);
        else
            rt_printf("ok\n");
    }
    pd[VA_HI >> 22] = (uint32_t)pt_hi | RT_PTE_P | RT_PTE_RW;
}

static void not_present_after_invlpg(void)
{
    struct rt_fault f = {0};
    map(5, page_a, RT_PTE_P | RT_PTE_RW);
    rt_invlpg(VA_HI + 0x5000);
    probe_addr = VA_HI + 0x5000;
    int before = rt_call_catch(probe_read, 0, &f);
    pt_hi[5] = 0;
    rt_invlpg(VA_HI + 0x5000);
    int after = rt_call_catch(probe_read, 0, &f);
    rt_printf("unmap+invlpg: fault before=%d after=%d vector=%u error=%x cr2=va+%x\n", before,
              after, f.vector, f.error, f.cr2 - VA_HI);
}

int main(void)
{
    pd = rt_paging_identity();
    pd[VA_HI >> 22] = (uint32_t)pt_hi | RT_PTE_P | RT_PTE_RW;
    rt_paging_enable((uint32_t *)pd, 1);
    aliasing();
    big_page();
    accessed_dirty();
    remapping();
    rights();
    not_present_after_invlpg();
    rt_paging_disable();
    rt_printf("paging off: page_a[5]=%08x\n", page_a[5]);
    return 0;
}
