/* Guest test: protected-mode segmentation that the oracle checks (SDM vol. 3,
 * 3.4 and 5.5-5.8; vol. 2 LAR/LSL/VERR/VERW/ARPL): segment bases (including
 * 32-bit linear wrap-around), selector and privilege checks on segment loads,
 * a conforming code segment called from CPL 3, and descriptor inspection. */
#include "runtime.h"

#define SEL_BASE64K (RT_SEL_FREE + 0x00)   /* data, base 0x10000 */
#define SEL_BASEBUF (RT_SEL_FREE + 0x08)   /* data, base = &buf */
#define SEL_WRAP (RT_SEL_FREE + 0x10)      /* data, base 0xFFFFF000 */
#define SEL_XONLY (RT_SEL_FREE + 0x18)     /* code, execute-only (accessed preset) */
#define SEL_CONFORM (RT_SEL_FREE + 0x20)   /* code, conforming, readable, DPL 0 */
#define SEL_NP (RT_SEL_FREE + 0x28)        /* data, not present */
#define SEL_DATA_DPL3 (RT_SEL_FREE + 0x30) /* data, DPL 3, base 0 */
#define SEL_GATE (RT_SEL_FREE + 0x38)      /* call gate */
#define SEL_SMALL (RT_SEL_FREE + 0x40)     /* data, byte-granular limit 0x123 */

static uint32_t buf[16];
static uint8_t user_stack[4096] __attribute__((aligned(16)));
volatile uint32_t conform_cs, conform_ss;

static void bases(void)
{
    volatile uint32_t *low = (volatile uint32_t *)0x10020;
    volatile uint32_t *wrapped = (volatile uint32_t *)0x1000;
    uint32_t v;

    *low = 0;
    __asm__ volatile("movl %1, %%eax\n\tmovl %%eax, %%fs\n\tmovl $0xF5F5F5F5, %%fs:0x20\n\t"
                     "movl %%fs, %0"
                     : "=r"(v)
                     : "i"(SEL_BASE64K)
                     : "eax", "memory");
    rt_printf("fs base 0x10000: fs=%04x fs:0x20 -> linear 0x10020 = %08x\n", v & 0xFFFF, *low);

    buf[3] = 0x3333;
    __asm__ volatile("movl %1, %%eax\n\tmovl %%eax, %%gs\n\tmovl %%gs:12, %0"
                     : "=r"(v)
                     : "i"(SEL_BASEBUF)
                     : "eax");
    rt_printf("gs base &buf: gs:12 = %x\n", v);
    __asm__ volatile("movl $4, %%ecx\n\tmovl $0x4444, %%gs:(,%%ecx,4)" : : : "ecx", "memory");
    rt_printf("gs:(,ecx=4,4) store: buf[4] = %x\n", buf[4]);

    *wrapped = 0;
    __asm__ volatile("movl %0, %%eax\n\tmovl %%eax, %%es\n\tmovl $0x2000, %%edi\n\t"
                     "movl $0x77777777, %%eax\n\tstosl"
                     :
                     : "i"(SEL_WRAP)
                     : "eax", "edi", "memory");
    __asm__ volatile("movl %0, %%eax\n\tmovl %%eax, %%es" : : "i"(RT_SEL_KDATA) : "eax");
    rt_printf("es base 0xfffff000 + 0x2000 wraps to linear 0x1000: %08x\n", *wrapped);
}

struct load_case {
    const char *name;
    uint16_t sel;
    int seg; /* 0: DS, 1: SS */
};

static volatile uint16_t load_sel;
static void load_ds(void *p)
{
    (void)p;
    __asm__ volatile("movw load_sel, %%ax\n\tmovw %%ax, %%ds\n\tmovl %0, %%eax\n\tmovw %%ax, %%ds"
                     :
                     : "i"(RT_SEL_KDATA)
                     : "eax");
}
static void load_ss(void *p)
{
    (void)p;
    __asm__ volatile("movw load_sel, %%ax\n\tmovw %%ax, %%ss\n\tmovl %0, %%eax\n\tmovw %%ax, %%ss"
                     :
                     : "i"(RT_SEL_KDATA)
                     : "eax");
}

static void loads(void)
{
    static const struct load_case cases[] = {
        {"ds = null", 0x0000, 0},
        {"ds = kdata rpl3", RT_SEL_KDATA | 3, 0},
        {"ds = udata (dpl3)", RT_SEL_UDATA, 0},
        {"ds = kcode (readable)", RT_SEL_KCODE, 0},
        {"ds = execute-only code", SEL_XONLY, 0},
        {"ds = not present", SEL_NP, 0},
        {"ds = call gate", SEL_GATE, 0},
        {"ds = ldt selector, null ldtr", 0x0014, 0},
        {"ss = kdata", RT_SEL_KDATA, 1},
        {"ss = udata (dpl3)", RT_SEL_UDATA, 1},
        {"ss = dpl3 data rpl0", SEL_DATA_DPL3, 1},
        {"ss = kcode", RT_SEL_KCODE, 1},
        {"ss = not present", SEL_NP, 1},
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct rt_fault f = {0};
        load_sel = cases[i].sel;
        int faulted = rt_call_catch(cases[i].seg ? load_ss : load_ds, 0, &f);
        rt_printf("load %-32s ", cases[i].name);
        if (faulted)
            rt_printf("vector=%u error=%04x\n", f.vector, f.error);
        else
            rt_printf("ok\n");
    }
}

/* A conforming segment runs at the caller's CPL: CS.RPL stays 3 and there is
 * no stack switch (SDM vol. 3, 5.8.1.2). */
__asm__(".text\nconform_target:\n\tmovl %cs, %eax\n\tmovl %eax, conform_cs\n\t"
        "movl %ss, %eax\n\tmovl %eax, conform_ss\n\tlret\n"
        /* 0x53: SEL_CONFORM with RPL 3 */
        "user_conform:\n\tlcall $0x53, $conform_target\n\tret\n");
void user_conform(void);

static void conforming(void)
{
    struct rt_fault f = {0};
    int faulted = rt_user_call(user_conform, user_stack + sizeof(user_stack), &f);
    rt_printf("cpl3 lcall conforming dpl0: faulted=%d cs=%04x ss=%04x\n", faulted,
              conform_cs & 0xFFFF, conform_ss & 0xFFFF);
}

static void inspect(void)
{
    static const uint16_t sels[] = {0x0000,        RT_SEL_KCODE, RT_SEL_KDATA, RT_SEL_UCODE,
                                    RT_SEL_UDATA,  RT_SEL_TSS,   SEL_XONLY,    SEL_CONFORM,
                                    SEL_NP,        SEL_GATE,     SEL_SMALL,    0x7FF8};
    for (unsigned i = 0; i < sizeof(sels) / sizeof(sels[0]); i++) {
        uint32_t ar = 0xDEAD, lim = 0xDEAD, f1, f2, f3, f4;
        __asm__("larl %2, %0\n\tpushfl\n\tpopl %1" : "+r"(ar), "=r"(f1) : "r"((uint32_t)sels[i]) : "cc");
        __asm__("lsll %2, %0\n\tpushfl\n\tpopl %1" : "+r"(lim), "=r"(f2) : "r"((uint32_t)sels[i]) : "cc");
        __asm__("verr %w1\n\tpushfl\n\tpopl %0" : "=r"(f3) : "r"((uint32_t)sels[i]) : "cc");
        __asm__("verw %w1\n\tpushfl\n\tpopl %0" : "=r"(f4) : "r"((uint32_t)sels[i]) : "cc");
        rt_printf("sel %04x: lar zf=%u", sels[i], !!(f1 & RT_ZF));
        if (f1 & RT_ZF)
            rt_printf(" ar=%08x", ar & 0x00F0FF00); /* bits 16-19 undefined */
        rt_printf(" lsl zf=%u", !!(f2 & RT_ZF));
        if (f2 & RT_ZF)
            rt_printf(" limit=%08x", lim);
        rt_printf(" verr=%u verw=%u\n", !!(f3 & RT_ZF), !!(f4 & RT_ZF));
    }
    /* The same checks from CPL 3 would fail on DPL 0 descriptors; RPL alone
     * does it here: a DPL 0 descriptor through an RPL 3 selector. */
    uint32_t f;
    __asm__("verr %w1\n\tpushfl\n\tpopl %0" : "=r"(f) : "r"((uint32_t)(RT_SEL_KDATA | 3)) : "cc");
    rt_printf("verr kdata rpl3: %u\n", !!(f & RT_ZF));

    uint16_t dst = 0x0010, src = 0x0023;
    __asm__("arpl %w2, %w0\n\tpushfl\n\tpopl %1" : "+r"(dst), "=r"(f) : "r"(src) : "cc");
    rt_printf("arpl 0010,0023: %04x zf=%u\n", dst, !!(f & RT_ZF));
    dst = 0x0013;
    __asm__("arpl %w2, %w0\n\tpushfl\n\tpopl %1" : "+r"(dst), "=r"(f) : "r"(src) : "cc");
    rt_printf("arpl 0013,0023: %04x zf=%u\n", dst, !!(f & RT_ZF));
}

int main(void)
{
    const uint8_t data = RT_ACC_PRESENT | RT_ACC_DATA;
    rt_gdt_set(SEL_BASE64K >> 3, 0x10000, 0xFFFFF, data, RT_FLAG_G | RT_FLAG_DB);
    rt_gdt_set(SEL_BASEBUF >> 3, (uint32_t)buf, 0xFFFFF, data, RT_FLAG_G | RT_FLAG_DB);
    rt_gdt_set(SEL_WRAP >> 3, 0xFFFFF000, 0xFFFFF, data, RT_FLAG_G | RT_FLAG_DB);
    rt_gdt_set(SEL_XONLY >> 3, 0, 0xFFFFF, RT_ACC_PRESENT | 0x19, RT_FLAG_G | RT_FLAG_DB);
    rt_gdt_set(SEL_CONFORM >> 3, 0, 0xFFFFF, RT_ACC_PRESENT | 0x1F, RT_FLAG_G | RT_FLAG_DB);
    rt_gdt_set(SEL_NP >> 3, 0, 0xFFFFF, RT_ACC_DATA, RT_FLAG_G | RT_FLAG_DB);
    rt_gdt_set(SEL_DATA_DPL3 >> 3, 0, 0xFFFFF, data | RT_ACC_DPL(3), RT_FLAG_G | RT_FLAG_DB);
    rt_gdt_set_gate(SEL_GATE >> 3, RT_SEL_KCODE, 0, RT_GATE_CALL32, 0, 0);
    rt_gdt_set(SEL_SMALL >> 3, 0x2000, 0x123, data, RT_FLAG_DB);
    /* A null LDTR: the firmware's LDTR (limit 0xFFFF at reset) is no part of
     * the test, and TI=1 selectors must then fault. */
    __asm__ volatile("lldt %w0" : : "r"(0));
    bases();
    loads();
    conforming();
    inspect();
    return 0;
}
