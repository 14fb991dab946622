/* The `pc` machine as one state stream: which sections it has, in which
 * order, the board's own latches, and what is re-derived after a load (PCI
 * BAR mappings, PAM, A20, the display, the CPU's TLB and translated code). */
#include "vmstate.h"

#include "cpu/cpu.h"
#include "hw/pc/pc.h"

#include <stdio.h>
#include <string.h>

static const struct vms_field board_fields[] = {
    VMS_FIELD(struct pc_machine, a20_kbc, VMS_BOOL),
    VMS_FIELD(struct pc_machine, a20_port92, VMS_BOOL),
    VMS_FIELD(struct pc_machine, reset_requested, VMS_BOOL),
    VMS_FIELD(struct pc_machine, ferr_latched, VMS_BOOL),
    VMS_FIELD(struct pc_machine, pci.config_addr, VMS_U32),
    VMS_END,
};

const struct vms_desc vms_pc_board = {
    .name = "pc-board", .version = 1, .min_version = 1, .fields = board_fields};

static void add(struct vms_pc *v, const char *id, int n, const struct vms_desc *d, void *opaque)
{
    if (v->m.nsections >= VMS_PC_MAX_SECTIONS)
        return;
    struct vms_section *s = &v->sec[v->m.nsections++];
    if (n < 0)
        snprintf(s->id, sizeof(s->id), "%s", id);
    else
        snprintf(s->id, sizeof(s->id), "%s.%d", id, n);
    s->desc = d;
    s->opaque = opaque;
}

/* PCI configuration spaces first: the devices' own post_load hooks (VGA's
 * linear framebuffer) read their BARs. */
static void add_pci(struct vms_pc *v, struct pc_machine *pc)
{
    add(v, "pci.host", -1, &pci_device_vmstate, &pc->host.dev);
    add(v, "pci.isa", -1, &pci_device_vmstate, &pc->isa.dev);
    add(v, "pci.ide", -1, &pci_device_vmstate, &pc->ide.dev);
    add(v, "pci.pm", -1, &pci_device_vmstate, &pc->pm.dev);
    if (pc->vga)
        add(v, "pci.vga", -1, &pci_device_vmstate, &pc->vga->pci);
    for (int i = 0; i < PC_MAX_NIC; i++)
        if (pc->nic[i] && pc->nic[i]->is_pci)
            add(v, "pci.nic", i, &pci_device_vmstate, &pc->nic[i]->pci);
}

static void add_devices(struct vms_pc *v, struct pc_machine *pc)
{
    add(v, "board", -1, &vms_pc_board, pc);
    add(v, "piix3", -1, &piix3_vmstate, &pc->isa);
    add(v, "pic", -1, &pic_vmstate, &pc->pic);
    add(v, "pit", -1, &pit_vmstate, &pc->pit);
    add(v, "rtc", -1, &rtc_vmstate, &pc->rtc);
    add(v, "i8042", -1, &i8042_vmstate, &pc->kbc);
    for (int i = 0; i < 2; i++)
        add(v, "uart", i, &uart_vmstate, &pc->uart[i]);
    add(v, "dma", -1, &dma_vmstate, &pc->dma);
    add(v, "debugport", -1, &debugport_vmstate, &pc->dbg);
    add(v, "fw_cfg", -1, &fw_cfg_vmstate, &pc->fwcfg);
    for (int i = 0; i < 2; i++)
        add(v, "ide", i, &ide_bus_vmstate, &pc->ide.bus[i]);
    add(v, "fdc", -1, &fdc_vmstate, &pc->fdc);
    add(v, "piix4-pm", -1, &piix4_pm_vmstate, &pc->pm);
    if (pc->vga)
        add(v, "vga", -1, &vga_vmstate, pc->vga);
    for (int i = 0; i < PC_MAX_NIC; i++)
        if (pc->nic[i])
            add(v, "ne2000", i, &ne2000_vmstate, pc->nic[i]);
}

void vms_pc_describe(struct vms_pc *v, struct pc_machine *pc, struct x86_cpu *cpu,
                     const char *cpu_model, uint64_t cpu_features)
{
    memset(v, 0, sizeof(*v));
    v->m.sections = v->sec;
    v->m.ram = v->ram;
    v->m.cpu_model = cpu_model;
    v->m.cpu_features = cpu_features;
    v->m.clock = &pc->clock;
    add_pci(v, pc);
    add_devices(v, pc);
    add(v, "cpu", 0, &vms_cpu_x86, cpu_env(cpu));
    v->ram[0] = (struct vms_ram){"ram", mmu_phys_ram(pc->mem), mmu_phys_ram_size(pc->mem)};
    v->m.nram = 1;
    if (pc->vga)
        v->ram[v->m.nram++] = (struct vms_ram){"vram", pc->vga->vram, VGA_VRAM_SIZE};
}

static bool save(struct pc_machine *pc, struct x86_cpu *cpu, const char *cpu_model,
                 uint64_t cpu_features, bool with_ram, struct vms_buf *out)
{
    struct vms_pc v;
    vms_pc_describe(&v, pc, cpu, cpu_model, cpu_features);
    if (!with_ram)
        v.m.nram = 0;
    return vms_stream_save(&v.m, out);
}

bool vms_pc_save(struct pc_machine *pc, struct x86_cpu *cpu, const char *cpu_model,
                 uint64_t cpu_features, struct vms_buf *out)
{
    return save(pc, cpu, cpu_model, cpu_features, true, out);
}

bool vms_pc_save_devices(struct pc_machine *pc, struct x86_cpu *cpu, const char *cpu_model,
                         uint64_t cpu_features, struct vms_buf *out)
{
    return save(pc, cpu, cpu_model, cpu_features, false, out);
}

/* State that follows from what was loaded. */
static void pc_loaded(struct pc_machine *pc, struct x86_cpu *cpu)
{
    pci_bus_restore(&pc->pci);
    i440fx_update_pam(&pc->host);
    mmu_phys_set_a20(pc->mem, pc->a20_kbc || pc->a20_port92);
    if (pc->vga)
        vga_post_load(pc->vga);
    vms_cpu_loaded(cpu);
}

static bool load(struct pc_machine *pc, struct x86_cpu *cpu, const char *cpu_model,
                 uint64_t cpu_features, bool with_ram, const uint8_t *data, size_t len, char *err,
                 size_t errlen)
{
    struct vms_pc v;
    vms_pc_describe(&v, pc, cpu, cpu_model, cpu_features);
    if (!with_ram)
        v.m.nram = 0;
    if (!vms_stream_check(&v.m, data, len, err, errlen))
        return false;
    if (!vms_stream_apply(&v.m, data, len, err, errlen)) {
        size_t n = strlen(err);
        snprintf(err + n, errlen - n, "; machine reset");
        pc_reset(pc);
        cpu_reset(cpu);
        vms_cpu_loaded(cpu);
        return false;
    }
    pc_loaded(pc, cpu);
    return true;
}

bool vms_pc_load(struct pc_machine *pc, struct x86_cpu *cpu, const char *cpu_model,
                 uint64_t cpu_features, const uint8_t *data, size_t len, char *err, size_t errlen)
{
    return load(pc, cpu, cpu_model, cpu_features, true, data, len, err, errlen);
}

bool vms_pc_load_devices(struct pc_machine *pc, struct x86_cpu *cpu, const char *cpu_model,
                         uint64_t cpu_features, const uint8_t *data, size_t len, char *err,
                         size_t errlen)
{
    return load(pc, cpu, cpu_model, cpu_features, false, data, len, err, errlen);
}
