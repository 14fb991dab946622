/* Guest test: how an unmasked x87 exception is reported (SDM Vol. 1 §8.7 and appendix D).
 * With CR0.NE=0 it goes out on FERR#, which a PC latches on IRQ13 (slave PIC input 5)
 * until an OUT to port F0h; with CR0.NE=1 it is #MF (vector 16) at the next waiting
 * instruction and IRQ13 stays quiet. Each error is a zero divide with ZM clear.
 * The reference oracle, qemu-system-i386 7.2, validates the NE=1 line only: it aborts
 * raising IRQ13 from its FPU helper (a missing-lock assertion, fixed in later QEMU), so
 * the NE=0 lines follow the PC/AT behaviour described above (tests/guest/README.md). */
#include "runtime.h"

#define CR0_MP    0x2u
#define CR0_EM    0x4u
#define CR0_TS    0x8u
#define CR0_NE    0x20u
#define PIC_BASE  0x20 /* master IRQs at vectors 0x20-0x27, slave at 0x28-0x2F */
#define VEC_IRQ13 (PIC_BASE + 8 + 5)
#define CW_ZM_CLEAR 0x037B /* FNINIT's control word with the zero-divide mask cleared */

volatile uint32_t fault_label;
static volatile unsigned irq13_count;
static volatile uint16_t irq13_sw;

/* Both 8259s in the PC/AT layout, every input masked but IRQ2 (cascade) and IRQ13. */
static void pic_init(void)
{
    rt_outb(0x20, 0x11); /* ICW1: edge triggered, cascade, ICW4 follows */
    rt_outb(0xA0, 0x11);
    rt_outb(0x21, PIC_BASE); /* ICW2: vector base */
    rt_outb(0xA1, PIC_BASE + 8);
    rt_outb(0x21, 0x04); /* ICW3: slave on IRQ2 */
    rt_outb(0xA1, 0x02);
    rt_outb(0x21, 0x01); /* ICW4: 8086 mode */
    rt_outb(0xA1, 0x01);
    rt_outb(0x21, 0xFB);
    rt_outb(0xA1, 0xDF);
}

/* The DOS-style handler: clear the latch (port F0h), then the exception, then EOI. */
static void irq13(struct rt_frame *frame)
{
    uint16_t sw;
    (void)frame;
    __asm__ volatile("fnstsw %0" : "=m"(sw));
    irq13_sw = sw;
    irq13_count++;
    rt_outb(0xF0, 0);
    __asm__ volatile("fnclex");
    rt_outb(0xA0, 0x20);
    rt_outb(0x20, 0x20);
}

static void set_ne(int ne)
{
    uint32_t cr0;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 = (cr0 | CR0_MP) & ~(CR0_EM | CR0_TS | CR0_NE);
    if (ne)
        cr0 |= CR0_NE;
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
}

/* 1/0 with ZM clear, then FWAIT: the waiting instruction where the error shows at the
 * latest. */
static void zero_divide(void *p)
{
    int32_t one = 1, zero = 0;
    (void)p;
    __asm__ volatile("fninit\n\tfldcw %0\n\tfildl %1\n\tfidivl %2\n\t"
                     "movl $1f, fault_label\n1:\tfwait"
                     :
                     : "m"((uint16_t){CW_ZM_CLEAR}), "m"(one), "m"(zero)
                     : "memory");
}

/* Interrupts on around one error; waits a while for IRQ13 to arrive. */
static void error_with_ne0(const char *what)
{
    unsigned before = irq13_count;
    __asm__ volatile("sti");
    zero_divide(0);
    for (unsigned i = 0; i < 100000 && irq13_count == before; i++)
        __asm__ volatile("pause");
    __asm__ volatile("cli");
    uint16_t sw;
    __asm__ volatile("fnstsw %0\n\tfninit" : "=m"(sw));
    rt_printf("%s: irq13 taken %u time(s); sw in the handler exc=%02x es=%u; after it es=%u\n",
              what, irq13_count - before, irq13_sw & 0x7F, !!(irq13_sw & 0x80), !!(sw & 0x80));
}

static void error_with_ne1(void)
{
    struct rt_fault f = {0};
    unsigned before = irq13_count;
    __asm__ volatile("sti");
    int faulted = rt_call_catch(zero_divide, 0, &f);
    __asm__ volatile("sti"); /* the unwind returned with IF clear */
    for (unsigned i = 0; i < 10000; i++)
        __asm__ volatile("pause");
    __asm__ volatile("cli");
    uint16_t sw;
    __asm__ volatile("fnstsw %0\n\tfninit" : "=m"(sw));
    rt_printf("ne=1: faulted=%d vector=%u eip=label%+d irq13 taken %u time(s); sw exc=%02x\n",
              faulted, f.vector, (int)(f.eip - fault_label), irq13_count - before,
              sw & 0x7F);
}

int main(void)
{
    pic_init();
    rt_set_handler(VEC_IRQ13, irq13);
    set_ne(1);
    error_with_ne1();
    set_ne(0);
    error_with_ne0("ne=0 first");
    /* The OUT to F0h re-armed the latch: a second error interrupts again. */
    error_with_ne0("ne=0 second");
    return 0;
}
