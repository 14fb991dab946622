/* Guest test runtime: GDT, IDT and TSS set-up (SDM vol. 3, 3.4.5 segment
 * descriptors, 6.11 IDT descriptors, 7.2 TSS) and the rt_init sequence. */
#include "runtime.h"

struct desc_ptr {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

static uint64_t gdt[RT_GDT_ENTRIES] __attribute__((aligned(8)));
static uint64_t idt[256] __attribute__((aligned(8)));
struct rt_tss rt_tss __attribute__((aligned(128)));

extern const uint32_t rt_isr_stubs[256];
extern char rt_kstack_top[];
void rt_trap_init(void);
void rt_serial_init(void);

static uint64_t seg_desc(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    uint64_t d = limit & 0xFFFF;
    d |= (uint64_t)(base & 0xFFFFFF) << 16;
    d |= (uint64_t)access << 40;
    d |= (uint64_t)((limit >> 16) & 0xF) << 48;
    d |= (uint64_t)(flags & 0xF) << 52;
    d |= (uint64_t)(base >> 24) << 56;
    return d;
}

static uint64_t gate_desc(uint16_t sel, uint32_t off, uint8_t type, int dpl, int params)
{
    uint64_t d = off & 0xFFFF;
    d |= (uint64_t)sel << 16;
    d |= (uint64_t)(params & 0x1F) << 32;
    d |= (uint64_t)(RT_ACC_PRESENT | RT_ACC_DPL(dpl) | type) << 40;
    d |= (uint64_t)(off >> 16) << 48;
    return d;
}

void rt_gdt_set(int index, uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    gdt[index] = seg_desc(base, limit, access, flags);
}

void rt_gdt_set_gate(int index, uint16_t selector, uint32_t offset, uint8_t type, int dpl,
                     int param_count)
{
    gdt[index] = gate_desc(selector, offset, type, dpl, param_count);
}

uint64_t rt_gdt_get(int index)
{
    return gdt[index];
}

void rt_idt_set_raw(int vector, uint16_t selector, uint32_t offset, uint8_t type, int dpl)
{
    idt[vector] = gate_desc(selector, offset, type, dpl, 0);
}

void rt_idt_set_present(int vector, int present)
{
    const uint64_t p = (uint64_t)RT_ACC_PRESENT << 40;
    idt[vector] = present ? idt[vector] | p : idt[vector] & ~p;
}

void rt_set_gate(int vector, uint8_t type, int dpl)
{
    rt_idt_set_raw(vector, RT_SEL_KCODE, rt_isr_stubs[vector], type, dpl);
}

static void load_tables(void)
{
    struct desc_ptr g = {sizeof(gdt) - 1, (uint32_t)gdt};
    struct desc_ptr i = {sizeof(idt) - 1, (uint32_t)idt};

    __asm__ volatile("lgdt %0\n\t"
                     "ljmp %1, $1f\n"
                     "1:\n\t"
                     "movl %2, %%eax\n\t"
                     "movl %%eax, %%ds\n\t"
                     "movl %%eax, %%es\n\t"
                     "movl %%eax, %%fs\n\t"
                     "movl %%eax, %%gs\n\t"
                     "movl %%eax, %%ss\n\t"
                     "lidt %3\n\t"
                     "ltr %w4"
                     :
                     : "m"(g), "i"(RT_SEL_KCODE), "i"(RT_SEL_KDATA), "m"(i), "r"(RT_SEL_TSS)
                     : "eax", "memory");
}

/* The firmware leaves the PIT ticking on IRQ 0 (vector 8 in the BIOS layout):
 * mask every line so a test may set IF without taking device interrupts. */
static void mask_pic(void)
{
    rt_outb(0x21, 0xFF);
    rt_outb(0xA1, 0xFF);
}

void rt_init(void)
{
    rt_gdt_set(RT_SEL_KCODE >> 3, 0, 0xFFFFF, RT_ACC_PRESENT | RT_ACC_CODE,
               RT_FLAG_G | RT_FLAG_DB);
    rt_gdt_set(RT_SEL_KDATA >> 3, 0, 0xFFFFF, RT_ACC_PRESENT | RT_ACC_DATA,
               RT_FLAG_G | RT_FLAG_DB);
    rt_gdt_set(RT_SEL_UCODE >> 3, 0, 0xFFFFF, RT_ACC_PRESENT | RT_ACC_DPL(3) | RT_ACC_CODE,
               RT_FLAG_G | RT_FLAG_DB);
    rt_gdt_set(RT_SEL_UDATA >> 3, 0, 0xFFFFF, RT_ACC_PRESENT | RT_ACC_DPL(3) | RT_ACC_DATA,
               RT_FLAG_G | RT_FLAG_DB);
    rt_tss.ss0 = RT_SEL_KDATA;
    rt_tss.esp0 = (uint32_t)rt_kstack_top;
    rt_tss.iomap = sizeof(rt_tss); /* no I/O bitmap: CPL 3 port access faults */
    /* Type 9: available 32-bit TSS. */
    rt_gdt_set(RT_SEL_TSS >> 3, (uint32_t)&rt_tss, sizeof(rt_tss) - 1, RT_ACC_PRESENT | 0x09, 0);
    for (int v = 0; v < 256; v++)
        rt_set_gate(v, RT_GATE_INT32, 0);
    rt_trap_init();
    load_tables();
    mask_pic();
    rt_serial_init();
    rt_puts("@@ guest begin\n");
}
