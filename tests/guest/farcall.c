/* Guest test: far control transfers and interrupts in protected mode (SDM
 * vol. 3, 5.8 call gates and privilege changes, 6.12 interrupt and trap gates;
 * vol. 2 CALL/RET/JMP far, INT n, IRET): direct and indirect far call/jmp,
 * RET imm16, call gates at the same and at an inner privilege (TSS stack
 * switch, parameter copy, data segments nulled on the way out), INT n to
 * interrupt and trap gates at CPL 0 and 3, and IRET with an edited frame. */
#include "runtime.h"

#define SEL_GATE0 (RT_SEL_FREE + 0x00)      /* call gate, DPL 0, to ring 0 */
#define SEL_GATE3 (RT_SEL_FREE + 0x08 + 3)  /* call gate, DPL 3, 2 params, to ring 0 */
#define SEL_GATE0_RPL3 (RT_SEL_FREE + 0x00 + 3)

extern char rt_kstack_top[];
static uint8_t user_stack[4096] __attribute__((aligned(16)));

/* Filled by the assembly targets below. */
volatile uint32_t far_seen[8], gate3_stack[6], gate3_esp, gate3_ss, gate3_cs, user_es,
    user_esp_before, user_esp_after, ret_label;

__asm__(".text\n"
        /* Plain far target: records the pushed EIP and CS, returns far. */
        "far_target:\n\t"
        "movl (%esp), %eax\n\tmovl %eax, far_seen\n\t"
        "movl 4(%esp), %eax\n\tmovl %eax, far_seen+4\n\t"
        "lret\n"
        /* RET imm16 at the same privilege: drop two pushed parameters. */
        "far_target_ret8:\n\t"
        "movl 8(%esp), %eax\n\tmovl %eax, far_seen+8\n\t"
        "movl 12(%esp), %eax\n\tmovl %eax, far_seen+12\n\t"
        "lret $8\n"
        /* Inner-privilege gate target: runs at CPL 0 on the TSS stack with
         * the caller's SS:ESP, the copied parameters and CS:EIP on it. */
        "gate3_target:\n\t"
        "movl %esp, gate3_esp\n\t"
        "movl %ss, %eax\n\tmovl %eax, gate3_ss\n\t"
        "movl %cs, %eax\n\tmovl %eax, gate3_cs\n\t"
        "movl $0, %ecx\n"
        "1:\tmovl (%esp,%ecx,4), %eax\n\tmovl %eax, gate3_stack(,%ecx,4)\n\t"
        "incl %ecx\n\tcmpl $6, %ecx\n\tjne 1b\n\t"
        /* ES gets a DPL 0 segment: RET to CPL 3 must load it with null. */
        "movl $0x10, %eax\n\tmovl %eax, %es\n\t"
        "lret $8\n");

extern char far_target[], far_target_ret8[], gate3_target[];

static void direct_far(void)
{
    uint32_t label;
    __asm__ volatile("movl $1f, %0\n\tlcall %1, $far_target\n1:"
                     : "=m"(label)
                     : "i"(RT_SEL_KCODE)
                     : "eax", "memory");
    rt_printf("lcall direct: pushed eip=label%+d cs=%04x\n", (int)(far_seen[0] - label),
              far_seen[1] & 0xFFFF);

    struct {
        uint32_t off;
        uint16_t sel;
    } __attribute__((packed)) ptr = {(uint32_t)far_target, RT_SEL_KCODE};
    __asm__ volatile("movl $1f, %0\n\tlcall *%1\n1:" : "=m"(label) : "m"(ptr) : "eax", "memory");
    rt_printf("lcall m16:32: pushed eip=label%+d cs=%04x\n", (int)(far_seen[0] - label),
              far_seen[1] & 0xFFFF);

    uint32_t esp_before, esp_after;
    __asm__ volatile("movl %%esp, %0\n\tpushl $0xBBBB\n\tpushl $0xAAAA\n\t"
                     "lcall %2, $far_target_ret8\n\tmovl %%esp, %1"
                     : "=r"(esp_before), "=r"(esp_after)
                     : "i"(RT_SEL_KCODE)
                     : "eax", "memory");
    rt_printf("lret $8: params %x %x, esp restored: %s\n", far_seen[2], far_seen[3],
              esp_before == esp_after ? "yes" : "no");

    uint32_t path = 0;
    __asm__ volatile("ljmp %1, $1f\n\tmovl $1, %0\n1:\tmovl $2, %0"
                     : "+r"(path)
                     : "i"(RT_SEL_KCODE));
    rt_printf("ljmp direct: path=%u\n", path);
    ptr.off = 0;
    __asm__ volatile("movl $1f, %1\n\tljmp *%1\n\tmovl $1, %0\n1:\tmovl $3, %0"
                     : "+r"(path), "+m"(ptr.off)
                     :
                     : "memory");
    rt_printf("ljmp m16:32: path=%u\n", path);
}

static void same_privilege_gate(void)
{
    uint32_t label;
    __asm__ volatile("movl $1f, %0\n\tlcall %1, $0x12345\n1:"
                     : "=m"(label)
                     : "i"(SEL_GATE0)
                     : "eax", "memory");
    rt_printf("call gate dpl0: pushed eip=label%+d cs=%04x (offset from gate)\n",
              (int)(far_seen[0] - label), far_seen[1] & 0xFFFF);
}

/* CPL 3 body: two parameters, call through the DPL 3 gate into ring 0. */
static void user_gate_call(void)
{
    __asm__ volatile("movl %%esp, user_esp_before\n\t"
                     "pushl $0x2222\n\tpushl $0x1111\n\t"
                     "movl $1f, ret_label\n\t"
                     "lcall %0, $0\n"
                     "1:\tmovl %%esp, user_esp_after\n\t"
                     "movl %%es, %%eax\n\tmovl %%eax, user_es"
                     :
                     : "i"(SEL_GATE3)
                     : "eax", "ecx", "memory");
}

static void user_gate_dpl0(void)
{
    __asm__ volatile("lcall %0, $0" : : "i"(SEL_GATE0_RPL3) : "memory");
}

static void inner_privilege_gate(void)
{
    struct rt_fault f;
    int faulted = rt_user_call(user_gate_call, user_stack + sizeof(user_stack), &f);

    rt_printf("cpl3 lcall gate dpl3: faulted=%d cs=%04x ss=%04x esp=esp0%+d\n", faulted,
              gate3_cs & 0xFFFF, gate3_ss & 0xFFFF, (int)(gate3_esp - (uint32_t)rt_kstack_top));
    rt_printf("  ring0 stack: eip=label%+d cs=%04x p0=%x p1=%x esp=caller%+d ss=%04x\n",
              (int)(gate3_stack[0] - ret_label), gate3_stack[1] & 0xFFFF, gate3_stack[2],
              gate3_stack[3], (int)(gate3_stack[4] - user_esp_before), gate3_stack[5] & 0xFFFF);
    rt_printf("  back at cpl3: esp restored: %s, es=%04x\n",
              user_esp_before == user_esp_after ? "yes" : "no", user_es & 0xFFFF);

    faulted = rt_user_call(user_gate_dpl0, user_stack + sizeof(user_stack), &f);
    rt_printf("cpl3 lcall gate dpl0: faulted=%d vector=%u error=%04x\n", faulted, f.vector,
              f.error);
}

/* INT n: interrupt gates clear IF, trap gates leave it (SDM vol. 3, 6.12.1.3). */
static volatile uint32_t h_eflags_saved, h_eflags_inside, h_cs, h_user_ss, h_user_esp,
    h_frame_end;
static void int_handler(struct rt_frame *f)
{
    uint32_t fl;
    __asm__ volatile("pushfl\n\tpopl %0" : "=r"(fl));
    h_eflags_saved = f->eflags;
    h_eflags_inside = fl;
    h_cs = f->cs;
    if ((f->cs & 3) == 3) {
        h_user_ss = f->user_ss;
        h_user_esp = f->user_esp;
        h_frame_end = (uint32_t)(&f->user_ss + 1);
    } else {
        h_frame_end = (uint32_t)&f->user_esp;
    }
}

/* Edit the frame: IRET must restore the edited EFLAGS and registers. */
static void edit_handler(struct rt_frame *f)
{
    f->eflags |= RT_CF | RT_ZF;
    f->eax = 0xC0FFEE;
}

/* In assembly so that ESP at the INT is known: top - 4 (return address). */
__asm__(".text\nuser_int:\n\tint $0x52\n\tret\n");
void user_int(void);

static void interrupts(void)
{
    rt_set_handler(0x50, int_handler);
    rt_set_handler(0x51, int_handler);
    rt_set_handler(0x52, int_handler);
    rt_set_handler(0x53, edit_handler);
    rt_set_gate(0x50, RT_GATE_INT32, 0);
    rt_set_gate(0x51, RT_GATE_TRAP32, 0);
    rt_set_gate(0x52, RT_GATE_TRAP32, 3);

    uint32_t after;
    __asm__ volatile("sti\n\tint $0x50\n\tpushfl\n\tpopl %0\n\tcli" : "=r"(after) : : "memory");
    rt_printf("int gate: saved IF=%u inside IF=%u after IF=%u cs=%02x\n",
              !!(h_eflags_saved & RT_IF), !!(h_eflags_inside & RT_IF), !!(after & RT_IF), h_cs);
    __asm__ volatile("sti\n\tint $0x51\n\tpushfl\n\tpopl %0\n\tcli" : "=r"(after) : : "memory");
    rt_printf("trap gate: saved IF=%u inside IF=%u after IF=%u\n", !!(h_eflags_saved & RT_IF),
              !!(h_eflags_inside & RT_IF), !!(after & RT_IF));

    struct rt_fault f;
    int faulted = rt_user_call(user_int, user_stack + sizeof(user_stack), &f);
    rt_printf("cpl3 int dpl3 trap gate: faulted=%d cs=%02x ss=%02x esp=top%+d frame ends at "
              "esp0: %s\n",
              faulted, h_cs & 0xFFFF, h_user_ss & 0xFFFF,
              (int)(h_user_esp - (uint32_t)(user_stack + sizeof(user_stack))),
              h_frame_end == (uint32_t)rt_kstack_top ? "yes" : "no");

    uint32_t eax = 0, fl;
    __asm__ volatile("xorl %0, %0\n\tint $0x53\n\tpushfl\n\tpopl %1" : "+a"(eax), "=r"(fl) : : "cc");
    rt_printf("iret with edited frame: eax=%08x CF=%u ZF=%u\n", eax, !!(fl & RT_CF),
              !!(fl & RT_ZF));
}

int main(void)
{
    rt_gdt_set_gate(SEL_GATE0 >> 3, RT_SEL_KCODE, (uint32_t)far_target, RT_GATE_CALL32, 0, 0);
    rt_gdt_set_gate(SEL_GATE3 >> 3, RT_SEL_KCODE, (uint32_t)gate3_target, RT_GATE_CALL32, 3, 2);
    direct_far();
    same_privilege_gate();
    inner_privilege_gate();
    interrupts();
    return 0;
}
