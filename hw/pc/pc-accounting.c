/* Port I/O and MMIO access counts per device of the PC board (info stats):
 * softmmu counts per port range and region and knows devices only by their
 * opaque pointer; the board, which wired them, gives them names. */
#include "pc.h"

#include <stdio.h>
#include <string.h>

struct acct_name {
    const void *opaque;
    const char *name;
};

struct acct_ctx {
    const struct acct_name *names;
    int nnames;
    bool mmio;
    struct pc_io_account *out;
    int n, max;
};

/* Every device the board registers ports or MMIO for, by its opaque. */
static int board_names(const struct pc_machine *pc, struct acct_name *t, int max)
{
    static const char *const nic_name[PC_MAX_NIC] = {"ne2k0", "ne2k1", "ne2k2", "ne2k3"};
    const struct acct_name fixed[] = {
        {&pc->pic.chip[0], "pic"}, {&pc->pic.chip[1], "pic"}, {&pc->pic, "pic"},
        {&pc->pit, "pit"},         {&pc->rtc, "rtc"},         {&pc->kbc, "i8042"},
        {&pc->uart[0], "serial0"}, {&pc->uart[1], "serial1"}, {&pc->dma, "dma"},
        {&pc->dbg, "debugport"},   {&pc->fwcfg, "fw_cfg"},    {&pc->pci, "pci-host"},
        {pc, "fpu-port-f0"},       {&pc->ide.bus[0], "ide0"}, {&pc->ide.bus[1], "ide1"},
        {&pc->ide, "ide-bmdma"},   {&pc->fdc, "fdc"},         {&pc->pm, "piix4-pm"},
        {pc->vga, "vga"},
    };
    int n = 0;
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]) && n < max; i++)
        if (fixed[i].opaque)
            t[n++] = fixed[i];
    for (int i = 0; i < PC_MAX_NIC && n < max; i++)
        if (pc->nic[i])
            t[n++] = (struct acct_name){pc->nic[i], nic_name[i]};
    return n;
}

static void add_counts(struct mmu_io_counts *to, const struct mmu_io_counts *c)
{
    to->reads += c->reads;
    to->writes += c->writes;
    to->read_bytes += c->read_bytes;
    to->write_bytes += c->write_bytes;
}

static void account(void *opaque_ctx, const void *opaque, uint64_t base, uint64_t len,
                    const struct mmu_io_counts *c)
{
    struct acct_ctx *x = opaque_ctx;
    (void)len;
    char name[PC_ACCT_NAME];
    snprintf(name, sizeof(name), x->mmio ? "mmio-%08llx" : "ports-%04llx",
             (unsigned long long)base);
    for (int i = 0; i < x->nnames; i++)
        if (x->names[i].opaque == opaque)
            snprintf(name, sizeof(name), "%s", x->names[i].name);
    for (int i = 0; i < x->n; i++) {
        if (x->out[i].mmio == x->mmio && strcmp(x->out[i].name, name) == 0) {
            add_counts(&x->out[i].counts, c);
            return;
        }
    }
    if (x->n >= x->max)
        return;
    struct pc_io_account *a = &x->out[x->n++];
    memset(a, 0, sizeof(*a));
    snprintf(a->name, sizeof(a->name), "%s", name);
    a->mmio = x->mmio;
    add_counts(&a->counts, c);
}

int pc_io_accounting(const struct pc_machine *pc, struct pc_io_account *out, int max)
{
    struct acct_name names[32];
    struct acct_ctx x = {names, board_names(pc, names, 32), false, out, 0, max};
    mmu_io_foreach_counts(pc->io, account, &x);
    x.mmio = true;
    mmu_phys_foreach_mmio_counts(pc->mem, account, &x);
    return x.n;
}
