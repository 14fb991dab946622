/* `info WHAT` of the human monitor: machine state as text (QEMU HMP's
 * layout for registers, status and cpus, so scripts that parse it work). */
#include "machine-net.h"
#include "migration.h"
#include "monitor.h"
#include "savevm.h"
#include "stats.h"
#include "translate.h"

#include "cpu/cpu.h"
#include "softmmu/softmmu.h"
#include "softmmu/tlb.h"
#include "translator/translator.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int text_fn(const void *obj, char *buf, size_t len);

/* The hw/softmmu/translator "format into a buffer" functions, sized twice. */
static void print_formatted(struct mon_out *out, text_fn *fn, const void *obj)
{
    int n = fn(obj, NULL, 0);
    if (n <= 0)
        return;
    char *buf = malloc((size_t)n + 1);
    if (!buf)
        return;
    fn(obj, buf, (size_t)n + 1);
    mon_printf(out, "%s", buf);
    free(buf);
}

static void print_seg(struct mon_out *out, const char *name, const struct x86_segment *s)
{
    mon_printf(out, "%-3s=%04x %08" PRIx32 " %08" PRIx32 " %08" PRIx32 "\n", name, s->selector,
               (uint32_t)s->base, s->limit, s->flags);
}

static bool info_registers(struct vm *vm, struct mon_out *out)
{
    CPUX86State *env = cpu_env(vm_cpu(vm));
    static const char seg_names[6][3] = {"ES", "CS", "SS", "DS", "FS", "GS"};
    uint32_t efl = cpu_compute_eflags(env);
    /* QEMU's order: DF OF SF ZF AF PF CF (SDM Vol. 1 §3.4.3 bit positions). */
    static const struct {
        uint8_t bit;
        char letter;
    } shown[] = {{10, 'D'}, {11, 'O'}, {7, 'S'}, {6, 'Z'}, {4, 'A'}, {2, 'P'}, {0, 'C'}};
    char flags[8];
    int k = 0;
    for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
        flags[k++] = (efl >> shown[i].bit) & 1 ? shown[i].letter : '-';
    flags[k] = '\0';
    mon_printf(out,
               "EAX=%08" PRIx32 " EBX=%08" PRIx32 " ECX=%08" PRIx32 " EDX=%08" PRIx32 "\n"
               "ESI=%08" PRIx32 " EDI=%08" PRIx32 " EBP=%08" PRIx32 " ESP=%08" PRIx32 "\n",
               (uint32_t)env->regs[X86_EAX], (uint32_t)env->regs[X86_EBX],
               (uint32_t)env->regs[X86_ECX], (uint32_t)env->regs[X86_EDX],
               (uint32_t)env->regs[X86_ESI], (uint32_t)env->regs[X86_EDI],
               (uint32_t)env->regs[X86_EBP], (uint32_t)env->regs[X86_ESP]);
    mon_printf(out, "EIP=%08" PRIx32 " EFL=%08" PRIx32 " [%s] CPL=%u II=%d A20=%d SMM=0 HLT=%d\n",
               (uint32_t)env->eip, efl, flags, (env->hflags & X86_HF_CPL_MASK) >> X86_HF_CPL_SHIFT,
               (env->hflags & X86_HF_INHIBIT) != 0, env->a20_enabled, env->halted);
    for (int s = 0; s < 6; s++)
        print_seg(out, seg_names[s], &env->segs[s]);
    print_seg(out, "LDT", &env->ldt);
    print_seg(out, "TR", &env->tr);
    mon_printf(out, "GDT=     %08" PRIx32 " %08" PRIx32 "\n", (uint32_t)env->gdt.base,
               env->gdt.limit);
    mon_printf(out, "IDT=     %08" PRIx32 " %08" PRIx32 "\n", (uint32_t)env->idt.base,
               env->idt.limit);
    mon_printf(out, "CR0=%08" PRIx32 " CR2=%08" PRIx32 " CR3=%08" PRIx32 " CR4=%08" PRIx32 "\n",
               (uint32_t)env->cr[0], (uint32_t)env->cr[2], (uint32_t)env->cr[3],
               (uint32_t)env->cr[4]);
    mon_printf(out, "DR0=%08" PRIx32 " DR1=%08" PRIx32 " DR2=%08" PRIx32 " DR3=%08" PRIx32 "\n",
               (uint32_t)env->dr[0], (uint32_t)env->dr[1], (uint32_t)env->dr[2],
               (uint32_t)env->dr[3]);
    mon_printf(out, "DR6=%08" PRIx32 " DR7=%08" PRIx32 "\n", (uint32_t)env->dr[6],
               (uint32_t)env->dr[7]);
    mon_printf(out, "FCW=%04x FSW=%04x TOP=%u MXCSR=%08" PRIx32 "\n", env->fpu.cw, env->fpu.sw,
               env->fpu.top, env->fpu.mxcsr);
    return true;
}

static bool info_status(struct vm *vm, struct mon_out *out)
{
    mon_printf(out, "VM status: %s\n", vm_state_name(vm_state(vm)));
    return true;
}

static bool info_cpus(struct vm *vm, struct mon_out *out)
{
    CPUX86State *env = cpu_env(vm_cpu(vm));
    mon_printf(out, "* CPU #0: pc=0x%08" PRIx32 "%s thread_id=%d\n",
               (uint32_t)(env->segs[X86_SEG_CS].base + env->eip), env->halted ? " (halted)" : "",
               vm_cpu_thread_id(vm));
    return true;
}

static int fmt_regions(const void *o, char *b, size_t n)
{
    return mmu_phys_format_regions(o, b, n);
}
static int fmt_tlb_stats(const void *o, char *b, size_t n)
{
    return mmu_tlb_format_stats(o, b, n);
}
static int fmt_tlb_entries(const void *o, char *b, size_t n)
{
    return mmu_tlb_format_entries(o, b, n);
}
static int fmt_jit(const void *o, char *b, size_t n)
{
    return translator_info_format(o, b, n);
}
static int fmt_pci(const void *o, char *b, size_t n)
{
    return pci_info(o, b, n);
}
static int fmt_pic(const void *o, char *b, size_t n)
{
    return pic_info(o, b, n);
}

/* `info mtree`: the physical address space (RAM, ROM, MMIO regions). */
static bool info_mtree(struct vm *vm, struct mon_out *out)
{
    print_formatted(out, fmt_regions, vm_pc(vm)->mem);
    return true;
}

/* One run of linear pages with the same user/write permissions (QEMU's
 * `info mem` line: start-end size and u r w letters). */
struct mem_run {
    uint64_t start, end;
    unsigned prot; /* bit 0 user, bit 1 write; ~0u: no run open */
};

static void mem_run_add(struct mon_out *out, struct mem_run *r, uint64_t va, uint64_t size,
                        unsigned prot)
{
    if (r->prot == prot && r->end == va) {
        r->end = va + size;
        return;
    }
    if (r->prot != ~0u)
        mon_printf(out, "%08" PRIx64 "-%08" PRIx64 " %08" PRIx64 " %cr%c\n", r->start, r->end,
                   r->end - r->start, r->prot & 1 ? 'u' : '-', r->prot & 2 ? 'w' : '-');
    *r = (struct mem_run){va, va + size, prot};
}

/* `info mem`: the guest's 32-bit page tables (SDM Vol. 3A §4.3), present
 * mappings only; PAE tables are not walked yet. */
static bool info_mem(struct vm *vm, struct mon_out *out)
{
    const CPUX86State *env = cpu_env(vm_cpu(vm));
    struct mmu_phys_space *space = vm_pc(vm)->mem;
    if (!(env->cr[0] & (1u << 31))) {
        mon_printf(out, "PG disabled\n");
        return true;
    }
    if (env->cr[4] & (1u << 5)) {
        mon_printf(out, "PAE paging: not shown yet\n");
        return true;
    }
    bool pse = env->cr[4] & (1u << 4);
    uint32_t pd[1024];
    mmu_phys_read(space, env->cr[3] & ~0xFFFull, pd, sizeof(pd));
    struct mem_run r = {0, 0, ~0u};
    for (uint32_t i = 0; i < 1024; i++) {
        uint32_t pde = pd[i];
        if (!(pde & 1))
            continue;
        if (pse && (pde & 0x80)) {
            mem_run_add(out, &r, (uint64_t)i << 22, 1u << 22, ((pde >> 2) & 1) | (pde & 2));
            continue;
        }
        uint32_t pt[1024];
        mmu_phys_read(space, pde & ~0xFFFu, pt, sizeof(pt));
        for (uint32_t j = 0; j < 1024; j++) {
            uint32_t pte = pt[j];
            if (pte & 1)
                mem_run_add(out, &r, ((uint64_t)i << 22) | ((uint64_t)j << 12), 4096,
                            ((pde & pte) >> 2 & 1) | (pde & pte & 2));
        }
    }
    mem_run_add(out, &r, ~0ull, 0, ~0u - 1); /* flush the last run */
    return true;
}

static bool info_tlb(struct vm *vm, struct mon_out *out)
{
    const struct mmu_tlb *tlb = &cpu_env(vm_cpu(vm))->tlb;
    print_formatted(out, fmt_tlb_stats, tlb);
    print_formatted(out, fmt_tlb_entries, tlb);
    return true;
}

static bool info_jit(struct vm *vm, struct mon_out *out)
{
    print_formatted(out, fmt_jit, cpu_translator(vm_cpu(vm)));
    return true;
}

static bool info_pci(struct vm *vm, struct mon_out *out)
{
    print_formatted(out, fmt_pci, &vm_pc(vm)->pci);
    return true;
}

static bool info_pic(struct vm *vm, struct mon_out *out)
{
    print_formatted(out, fmt_pic, &vm_pc(vm)->pic);
    return true;
}

/* `info irq`: which lines are asserted and what the CPU sees. */
static bool info_irq(struct vm *vm, struct mon_out *out)
{
    CPUX86State *env = cpu_env(vm_cpu(vm));
    mon_printf(out, "CPU INTR pin: %s, IF=%d\n", env->irq_pending ? "high" : "low",
               (cpu_compute_eflags(env) >> 9) & 1);
    return info_pic(vm, out);
}

static bool info_network(struct vm *vm, struct mon_out *out)
{
    struct vm_net *n = vm_net(vm);
    if (n->count == 0)
        mon_printf(out, "no network backends\n");
    for (int i = 0; i < n->count; i++) {
        const struct netdev *nd = n->nd[i];
        const struct net_stats *s = &nd->stats;
        mon_printf(out,
                   "%s: type=%s tx %" PRIu64 " frames %" PRIu64 " bytes, rx %" PRIu64
                   " frames %" PRIu64 " bytes, dropped rx %" PRIu64 " tx %" PRIu64 "\n",
                   nd->id, nd->kind, s->tx_frames, s->tx_bytes, s->rx_frames, s->rx_bytes,
                   s->rx_dropped, s->tx_dropped);
    }
    char line[256];
    for (int i = 0; vm_net_nic_info(vm_pc(vm), i, line, sizeof(line)); i++)
        mon_printf(out, "%s", line);
    return true;
}

static bool info_block(struct vm *vm, struct mon_out *out)
{
    return monitor_block_info(vm, out);
}

static bool info_blockstats(struct vm *vm, struct mon_out *out)
{
    struct vm_stats_snapshot s;
    vm_stats_collect(vm, &s);
    vm_blockstats_print(&s, out);
    return true;
}

static bool info_snapshots(struct vm *vm, struct mon_out *out)
{
    return vm_info_snapshots(vm, out);
}

static bool info_migrate(struct vm *vm, struct mon_out *out)
{
    migration_info_print(vm_migration(vm), out);
    return true;
}

static bool info_stats(struct vm *vm, struct mon_out *out)
{
    struct vm_stats_snapshot s;
    vm_stats_collect(vm, &s);
    vm_stats_print(&s, out);
    return true;
}

static bool info_version(struct vm *vm, struct mon_out *out)
{
    (void)vm;
    mon_printf(out, "%s\n", JIT86_VERSION);
    return true;
}

/* `info tb ADDR`: the block at a linear address through every stage (guest
 * code, IR, optimized IR, host code), from jit86-translate's printers. */
static bool info_tb(struct vm *vm, const char *args, struct mon_out *out)
{
    char *end;
    unsigned long addr = strtoul(args, &end, 0);
    if (end == args || *(end + strspn(end, " \t"))) {
        mon_printf(out, "info tb: usage: info tb ADDR\n");
        return false;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return false;
    bool ok = xl_info_tb(vm_cpu(vm), (uint32_t)addr, f);
    fclose(f);
    mon_printf(out, "%s", text ? text : "");
    free(text);
    return ok;
}

struct info_cmd {
    const char *name, *help;
    bool (*fn)(struct vm *vm, struct mon_out *out);
};

static const struct info_cmd info_cmds[] = {
    {"status", "show the current VM status (running|paused)", info_status},
    {"registers", "show the cpu registers", info_registers},
    {"cpus", "show infos for each CPU", info_cpus},
    {"mem", "show the active virtual memory mappings", info_mem},
    {"mtree", "show the physical memory map", info_mtree},
    {"tlb", "show the TLB statistics and entries", info_tlb},
    {"jit", "show the JIT backend, code buffer and statistics", info_jit},
    {"pci", "show PCI info", info_pci},
    {"irq", "show the interrupt lines", info_irq},
    {"pic", "show PIC state", info_pic},
    {"network", "show the network state", info_network},
    {"block", "show the block devices", info_block},
    {"blockstats", "show block device statistics", info_blockstats},
    {"snapshots", "show the currently saved VM snapshots", info_snapshots},
    {"migrate", "show migration status", info_migrate},
    {"stats", "show resource accounting", info_stats},
    {"version", "show the version", info_version},
    {"tb", "ADDR: show the translated block at ADDR stage by stage", NULL},
};

void monitor_info_help(struct mon_out *out)
{
    for (size_t i = 0; i < sizeof(info_cmds) / sizeof(info_cmds[0]); i++)
        mon_printf(out, "info %-24s -- %s\n", info_cmds[i].name, info_cmds[i].help);
}

bool monitor_info(struct vm *vm, const char *what, struct mon_out *out)
{
    size_t n = strcspn(what, " \t");
    for (size_t i = 0; i < sizeof(info_cmds) / sizeof(info_cmds[0]); i++) {
        if (strlen(info_cmds[i].name) != n || strncmp(info_cmds[i].name, what, n) != 0)
            continue;
        if (!info_cmds[i].fn) /* info tb takes an argument */
            return info_tb(vm, what + n + strspn(what + n, " \t"), out);
        return info_cmds[i].fn(vm, out);
    }
    mon_printf(out, "unknown info subcommand: '%.*s'\n", (int)n, what);
    return false;
}
