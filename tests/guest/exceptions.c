/* Guest test: exception delivery (SDM vol. 3, 6.15 "Exception and Interrupt
 * Reference"): vector, error code, saved EIP (fault: the instruction; trap:
 * the next one) and CR2 for #DE #BP #OF #BR #UD #NP #GP #PF, at CPL 0 and 3.
 * Not here: #GP for a segment-limit overrun or a write through CS; the oracle
 * (QEMU TCG) does not check data-access limits or rights, so it cannot vouch
 * for the expected output. */
#include "runtime.h"

volatile uint32_t fault_label; /* address of the instruction expected to fault */
static const uint32_t bounds[2] = {0, 10};
static uint8_t user_stack[4096] __attribute__((aligned(16)));
static uint8_t np_page[4096] __attribute__((aligned(4096)));
static uint8_t ro_page[4096] __attribute__((aligned(4096)));
static uint8_t sup_page[4096] __attribute__((aligned(4096)));

#define MARK "movl $1f, fault_label\n1:\t"
#define SEL_NP (RT_SEL_FREE + 0x00)

static void de(void *p)
{
    (void)p;
    __asm__ volatile("xorl %%ecx, %%ecx\n\t" MARK "divl %%ecx" : : : "eax", "ecx", "edx", "cc");
}
static void ud(void *p)
{
    (void)p;
    __asm__ volatile(MARK "ud2");
}
static void bp(void *p)
{
    (void)p;
    __asm__ volatile(MARK "int3");
}
static void of(void *p)
{
    (void)p;
    __asm__ volatile("movl $0x7fffffff, %%eax\n\taddl $1, %%eax\n\t" MARK "into" : : : "eax", "cc");
}
static void of_clear(void *p)
{
    (void)p;
    __asm__ volatile("xorl %%eax, %%eax\n\t" MARK "into" : : : "eax", "cc");
}
static void br(void *p)
{
    (void)p;
    __asm__ volatile("movl $11, %%eax\n\t" MARK "bound %%eax, %0" : : "m"(bounds) : "eax");
}
static void br_inside(void *p)
{
    (void)p;
    __asm__ volatile("movl $10, %%eax\n\t" MARK "bound %%eax, %0" : : "m"(bounds) : "eax");
}
static void gp_beyond_gdt(void *p)
{
    (void)p;
    __asm__ volatile("movl $0x7ff8, %%eax\n\t" MARK "movl %%eax, %%ds" : : : "eax");
}
static void gp_tss_as_data(void *p)
{
    (void)p;
    __asm__ volatile("movl %0, %%eax\n\t" MARK "movl %%eax, %%es" : : "i"(RT_SEL_TSS) : "eax");
}
static void np_segment(void *p)
{
    (void)p;
    __asm__ volatile("movl %0, %%eax\n\t" MARK "movl %%eax, %%es" : : "i"(SEL_NP) : "eax");
}
static void gp_null_ss(void *p)
{
    (void)p;
    __asm__ volatile("xorl %%eax, %%eax\n\t" MARK "movl %%eax, %%ss" : : : "eax");
}
static void gp_jmp_data(void *p)
{
    (void)p;
    __asm__ volatile(MARK "ljmp %0, $0" : : "i"(RT_SEL_KDATA));
}
static void np_gate(void *p)
{
    (void)p;
    __asm__ volatile(MARK "int $0x41");
}

/* CPL 3 bodies (rt_user_call): privileged or gate-protected operations. */
static void user_hlt(void)
{
    __asm__ volatile(MARK "hlt");
}
static void user_in(void)
{
    __asm__ volatile(MARK "inb $0x80, %%al" : : : "eax");
}
static void user_cli(void)
{
    __asm__ volatile(MARK "cli");
}
static void user_int_dpl0(void)
{
    __asm__ volatile(MARK "int $0x40");
}
static void user_int3_dpl0(void)
{
    __asm__ volatile(MARK "int3");
}
static void user_mov_cr0(void)
{
    __asm__ volatile(MARK "movl %%cr0, %%eax" : : : "eax");
}

struct xcase {
    const char *name;
    void (*fn)(void *);
    void (*user)(void);
};

static const struct xcase cases[] = {
    {"#DE div 0", de, 0},
    {"#UD ud2", ud, 0},
    {"#BP int3 (trap)", bp, 0},
    {"#OF into OF=1 (trap)", of, 0},
    {"into OF=0", of_clear, 0},
    {"#BR bound 11 in 0..10", br, 0},
    {"bound 10 in 0..10", br_inside, 0},
    {"#GP ds beyond GDT", gp_beyond_gdt, 0},
    {"#GP es = TSS", gp_tss_as_data, 0},
    {"#NP es not present", np_segment, 0},
    {"#GP ss = null", gp_null_ss, 0},
    {"#GP ljmp to data", gp_jmp_data, 0},
    {"#NP int to np gate", np_gate, 0},
    {"cpl3 hlt", 0, user_hlt},
    {"cpl3 in", 0, user_in},
    {"cpl3 cli", 0, user_cli},
    {"cpl3 int dpl0 gate", 0, user_int_dpl0},
    {"cpl3 int3 dpl0 gate", 0, user_int3_dpl0},
    {"cpl3 mov cr0", 0, user_mov_cr0},
};

static void report(const char *name, int faulted, const struct rt_fault *f)
{
    if (!faulted) {
        rt_printf("%-24s no exception\n", name);
        return;
    }
    rt_printf("%-24s vector=%2u error=0x%04x eip=label%+d cs=%02x", name, f->vector, f->error,
              (int)(f->eip - fault_label), f->cs);
}

static void run_case(const struct xcase *c)
{
    struct rt_fault f = {0};
    int faulted;

    fault_label = 0;
    if (c->fn)
        faulted = rt_call_catch(c->fn, 0, &f);
    else
        faulted = rt_user_call(c->user, user_stack + sizeof(user_stack), &f);
    report(c->name, faulted, &f);
    if (faulted)
        rt_printf("\n");
}

/* Page faults: error code bits P (protection), W/R, U/S (SDM vol. 3, 4.7). */
static volatile uint32_t pf_addr, pf_value;
static void pf_read(void *p)
{
    (void)p;
    __asm__ volatile(MARK "movl (%1), %0" : "=r"(pf_value) : "r"(pf_addr));
}
static void pf_write(void *p)
{
    (void)p;
    __asm__ volatile(MARK "movl $0x5a5a5a5a, (%0)" : : "r"(pf_addr) : "memory");
}
static void pf_fetch(void *p)
{
    (void)p;
    __asm__ volatile("movl $1f, fault_label\n\tcall *%0\n1:" : : "r"(pf_addr) : "memory");
}
static void user_pf_read(void)
{
    pf_read(0);
}
static void user_pf_write(void)
{
    pf_write(0);
}

struct pf_case {
    const char *name;
    void (*fn)(void *);
    void (*user)(void);
    const uint8_t *page;
    uint32_t offset;
};

static void page_faults(void)
{
    uint32_t *pd = rt_paging_identity();
    *rt_pte(pd, (uint32_t)np_page) &= ~RT_PTE_P;
    *rt_pte(pd, (uint32_t)ro_page) &= ~RT_PTE_RW;
    *rt_pte(pd, (uint32_t)sup_page) &= ~RT_PTE_US;
    rt_paging_enable(pd, 1);

    static const struct pf_case pcs[] = {
        {"#PF read not present", pf_read, 0, np_page, 0x10},
        {"#PF write not present", pf_write, 0, np_page, 0xFFC},
        {"#PF fetch not present", pf_fetch, 0, np_page, 0},
        {"#PF cpl0 write ro, WP=1", pf_write, 0, ro_page, 0x20},
        {"cpl0 read ro", pf_read, 0, ro_page, 0x20},
        {"#PF cpl3 read supervisor", 0, user_pf_read, sup_page, 0x30},
        {"#PF cpl3 write supervisor", 0, user_pf_write, sup_page, 0x34},
        {"#PF cpl3 write ro", 0, user_pf_write, ro_page, 0x38},
        {"cpl0 write supervisor", pf_write, 0, sup_page, 0x3C},
    };
    for (unsigned i = 0; i < sizeof(pcs) / sizeof(pcs[0]); i++) {
        const struct pf_case *c = &pcs[i];
        struct rt_fault f = {0};
        int faulted;
        pf_addr = (uint32_t)c->page + c->offset;
        fault_label = c->fn == pf_fetch ? pf_addr : 0;
        if (c->fn)
            faulted = rt_call_catch(c->fn, 0, &f);
        else
            faulted = rt_user_call(c->user, user_stack + sizeof(user_stack), &f);
        if (c->fn == pf_fetch)
            fault_label = pf_addr; /* a faulting fetch reports the target */
        report(c->name, faulted, &f);
        if (faulted)
            rt_printf(" cr2=page%+d\n", (int)(f.cr2 - (uint32_t)c->page));
    }

    /* Unmapped directory entry: CR2 is the exact linear address. */
    struct rt_fault f = {0};
    pf_addr = 0x40000123;
    int faulted = rt_call_catch(pf_read, 0, &f);
    report("#PF read unmapped PDE", faulted, &f);
    if (faulted)
        rt_printf(" cr2=%08x\n", f.cr2);

    /* WP=0: a supervisor write to a read-only page succeeds. */
    rt_paging_enable(pd, 0);
    pf_addr = (uint32_t)ro_page + 0x40;
    faulted = rt_call_catch(pf_write, 0, &f);
    rt_printf("cpl0 write ro, WP=0: faulted=%d value=%08x\n", faulted,
              *(volatile uint32_t *)pf_addr);
    rt_paging_disable();
}

int main(void)
{
    rt_gdt_set(SEL_NP >> 3, 0, 0xFFFFF, RT_ACC_DATA, RT_FLAG_G | RT_FLAG_DB);
    rt_idt_set_present(0x41, 0);
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run_case(&cases[i]);
    page_faults();
    return 0;
}
