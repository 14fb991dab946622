/* Guest test: virtual-8086 mode (SDM vol. 3, chapter 20): entry by IRET with
 * EFLAGS.VM, real-mode addressing under a protected-mode monitor, INT n
 * through the IDT with IOPL 3 (the frame holds the 8086 segment registers,
 * IRET goes back to virtual-8086 mode), and the IOPL-sensitive instructions,
 * INT n and port I/O faulting with #GP(0) under IOPL 0. */
#include "runtime.h"

#define BLOB 0x7000u   /* linear address of the 8086 code: CS 0x0700 */
#define DATA_SEG 0x0800 /* DS: linear 0x8000 */
#define STACK_SEG 0x0900

/* The 8086 code, assembled here and copied below 1 MiB. Results go to DS:0x10
 * onwards, i.e. linear 0x8010. */
__asm__(".text\n.code16\n"
        "vm_start:\n"
        "\tmovw $0xBEEF, 0x10\n"       /* DS-relative store */
        "\tmovw %cs, %ax\n\tmovw %ax, 0x12\n"
        "\tmovw %sp, 0x14\n"
        "\tmovl $0x11223344, %eax\n\taddl %eax, %eax\n\tmovl %eax, 0x16\n"
        "\tpushfw\n\tpopw %ax\n\tmovw %ax, 0x1A\n"  /* IOPL 3: PUSHF is allowed */
        "\tmovw $0x1234, %bx\n"
        "\tint $0x31\n"                /* monitor edits AX, returns with IRET */
        "vm_after_int:\n"
        "\tmovw %ax, 0x1C\n\tmovw %ds, %ax\n\tmovw %ax, 0x1E\n"
        "\tint $0xFF\n"                /* back to rt_vm86_call */
        "vm_cli:\n\tcli\n"
        "vm_int:\n\tint $0x31\n"
        "vm_in:\n\tinb $0x80, %al\n"
        "vm_pushf:\n\tpushfw\n"
        "vm_ud:\n\tud2\n"
        "vm_end:\n"
        ".code32\n");
extern char vm_start[], vm_after_int[], vm_cli[], vm_int[], vm_in[], vm_pushf[], vm_ud[], vm_end[];

static volatile uint32_t seen_eflags, seen_cs, seen_eip, seen_ss, seen_esp, seen_segs[4],
    seen_bx, seen_ds_in_handler;

static void monitor_int(struct rt_frame *f)
{
    seen_eflags = f->eflags;
    seen_cs = f->cs;
    seen_eip = f->eip;
    seen_ss = f->user_ss;
    seen_esp = f->user_esp;
    seen_segs[0] = f->vm86_es;
    seen_segs[1] = f->vm86_ds;
    seen_segs[2] = f->vm86_fs;
    seen_segs[3] = f->vm86_gs;
    seen_bx = f->ebx;
    seen_ds_in_handler = f->ds; /* the CPU nulled DS on entry; the stub saved that */
    f->eax = (f->eax & 0xFFFF0000) | 0x5A5A;
}

static uint32_t offset_of(const char *label)
{
    return (uint32_t)(label - vm_start);
}

static int run_at(const char *label, uint32_t eflags, struct rt_fault *f)
{
    struct rt_vm86_regs r = {
        .eip = offset_of(label),
        .cs = BLOB >> 4,
        .eflags = eflags,
        .esp = 0x1000,
        .ss = STACK_SEG,
        .es = 0x1111,
        .ds = DATA_SEG,
        .fs = 0x2222,
        .gs = 0x3333,
    };
    return rt_vm86_call(&r, f);
}

int main(void)
{
    volatile uint8_t *res = (volatile uint8_t *)((DATA_SEG << 4) + 0x10);
    struct rt_fault f = {0};

    for (uint32_t i = 0; i < (uint32_t)(vm_end - vm_start); i++)
        ((volatile uint8_t *)BLOB)[i] = (uint8_t)vm_start[i];
    for (int i = 0; i < 16; i++)
        res[i] = 0;
    rt_set_handler(0x31, monitor_int);
    rt_set_gate(0x31, RT_GATE_INT32, 3);

    int faulted = run_at(vm_start, RT_IOPL3, &f);
    rt_printf("iopl3 run: faulted=%d\n", faulted);
    rt_printf("  ds:0x10 -> linear 0x8010: %04x\n", *(volatile uint16_t *)(res + 0));
    rt_printf("  cs=%04x sp=%04x 32-bit add=%08x\n", *(volatile uint16_t *)(res + 2),
              *(volatile uint16_t *)(res + 4), *(volatile uint32_t *)(res + 6));
    rt_printf("  pushf: iopl=%u\n", (*(volatile uint16_t *)(res + 10) >> 12) & 3);
    rt_printf("  int 0x31 frame: vm=%u iopl=%u cs=%04x eip=label%+d ss=%04x sp=%04x\n",
              !!(seen_eflags & RT_VM), (seen_eflags >> 12) & 3, seen_cs & 0xFFFF,
              (int)(seen_eip - offset_of(vm_after_int)), seen_ss & 0xFFFF, seen_esp);
    rt_printf("  saved es=%04x ds=%04x fs=%04x gs=%04x bx=%04x; ds at entry=%04x\n",
              seen_segs[0] & 0xFFFF, seen_segs[1] & 0xFFFF, seen_segs[2] & 0xFFFF,
              seen_segs[3] & 0xFFFF, seen_bx & 0xFFFF, seen_ds_in_handler & 0xFFFF);
    rt_printf("  after iret to vm86: ax=%04x ds=%04x\n", *(volatile uint16_t *)(res + 12),
              *(volatile uint16_t *)(res + 14));

    static const struct {
        const char *name;
        const char *label;
        uint32_t eflags;
    } traps[] = {
        {"iopl0 cli", vm_cli, 0},       {"iopl3 cli, int 0x31, in", vm_cli, RT_IOPL3},
        {"iopl0 int 0x31", vm_int, 0},  {"iopl0 in (no io bitmap)", vm_in, 0},
        {"iopl3 in (no io bitmap)", vm_in, RT_IOPL3}, {"iopl0 pushf", vm_pushf, 0},
        {"ud2", vm_ud, RT_IOPL3},
    };
    for (unsigned i = 0; i < sizeof(traps) / sizeof(traps[0]); i++) {
        faulted = run_at(traps[i].label, traps[i].eflags, &f);
        rt_printf("%-25s faulted=%d vector=%u error=%x at %04x:label%+d\n", traps[i].name,
                  faulted, f.vector, f.error, f.cs, (int)(f.eip - offset_of(traps[i].label)));
    }
    return 0;
}
