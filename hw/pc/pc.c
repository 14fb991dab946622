/* PC board assembly: memory map (RAM, BIOS at the top of 4 GiB aliased at
 * 0xE0000, PAM shadow), ISA devices on their usual ports and IRQs, the PCI
 * host and ISA bridges, CMOS memory fields and fw_cfg entries for SeaBIOS. */
#include "pc.h"
#include "hw/hw.h"

#include "translator/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIOS_LOW_ALIAS 0xE0000
#define BIOS_LOW_SIZE  0x20000 /* the last 128 KiB appear below 1 MiB */
#define PRIO_RAM       0
#define PRIO_ROM       1
#define PRIO_PAM       2

static void update_a20(struct pc_machine *pc)
{
    mmu_phys_set_a20(pc->mem, pc->a20_kbc || pc->a20_port92);
}

static void a20_line(void *opaque, int n, int level)
{
    struct pc_machine *pc = opaque;
    if (n == 0)
        pc->a20_kbc = level;
    else
        pc->a20_port92 = level;
    update_a20(pc);
}

static void reset_line(void *opaque, int n, int level)
{
    struct pc_machine *pc = opaque;
    (void)n;
    if (level)
        pc->reset_requested = true;
}

static void pic_output(void *opaque, int n, int level)
{
    struct pc_machine *pc = opaque;
    (void)n;
    irq_set(&pc->cpu_intr, level);
}

uint8_t pc_interrupt_ack(struct pc_machine *pc)
{
    return pic_ack(&pc->pic);
}

/* x87 errors on IRQ13 (IBM PC/AT Technical Reference, math coprocessor; SDM Vol. 1 D.2.1):
 * FERR# going active sets a latch that drives IRQ13; the handler's OUT to port F0h clears
 * it (and lets the FPU continue), before FNCLEX drops FERR#. */
void pc_ferr(void *opaque, bool level)
{
    struct pc_machine *pc = opaque;
    if (!level || pc->ferr_latched)
        return;
    pc->ferr_latched = true;
    pic_set_irq(&pc->pic, 13, 1);
}

static uint64_t port_f0_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)opaque;
    (void)offset;
    (void)size;
    return 0xFF;
}

static void port_f0_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    struct pc_machine *pc = opaque;
    (void)offset;
    (void)val;
    (void)size;
    pc->ferr_latched = false;
    pic_set_irq(&pc->pic, 13, 0);
}

static const struct mmu_io_ops port_f0_ops = {port_f0_read, port_f0_write, MMU_WIDTH_1};

static bool load_bios(struct pc_machine *pc, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "could not load BIOS '%s': %s", path, strerror(errno));
        return false;
    }
    long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    /* The image sits below 4 GiB and its top 128 KiB below 1 MiB: it must be
     * whole 64 KiB blocks, at least 128 KiB, at most 16 MiB. */
    if (size < BIOS_LOW_SIZE || size > PC_BIOS_MAX || size % 0x10000) {
        fclose(f);
        snprintf(err, errlen,
                 "BIOS '%s' has size %ld; expected a multiple of 64 KiB from 128 KiB "
                 "to 16 MiB",
                 path, size);
        return false;
    }
    pc->bios = malloc((size_t)size);
    rewind(f);
    bool ok = pc->bios && fread(pc->bios, 1, (size_t)size, f) == (size_t)size;
    fclose(f);
    if (!ok) {
        snprintf(err, errlen, "could not read BIOS '%s'", path);
        return false;
    }
    pc->bios_size = (size_t)size;
    return true;
}

static bool map_memory(struct pc_machine *pc, uint64_t ram)
{
    /* Conventional RAM, then extended RAM from 1 MiB. 0xA0000-0xBFFFF is the
     * VGA window and 0xC0000-0xFFFFF the PAM-controlled shadow (i440fx). */
    uint64_t top = 0x100000000ull;
    return mmu_phys_map_ram(pc->mem, 0, 0xA0000, 0, PRIO_RAM) &&
           (ram <= 0x100000 ||
            mmu_phys_map_ram(pc->mem, 0x100000, ram - 0x100000, 0x100000, PRIO_RAM)) &&
           mmu_phys_map_rom(pc->mem, top - pc->bios_size, pc->bios_size, pc->bios, PRIO_ROM) &&
           mmu_phys_map_rom(pc->mem, BIOS_LOW_ALIAS, BIOS_LOW_SIZE,
                            pc->bios + pc->bios_size - BIOS_LOW_SIZE, PRIO_ROM);
}

/* CMOS fields the BIOS reads (IBM PC/AT CMOS map; SeaBIOS's QEMU extensions
 * 0x34/0x35 and 0x5B-0x5D). */
static void fill_cmos(struct pc_machine *pc, uint64_t ram, const char *boot)
{
    struct rtc146818 *r = &pc->rtc;
    uint64_t ext_kb = ram > 0x100000 ? (ram - 0x100000) >> 10 : 0;
    if (ext_kb > 0xFFFF)
        ext_kb = 0xFFFF;
    rtc_set_cmos(r, 0x15, 640 & 0xFF);
    rtc_set_cmos(r, 0x16, 640 >> 8);
    rtc_set_cmos(r, 0x17, (uint8_t)ext_kb);
    rtc_set_cmos(r, 0x18, (uint8_t)(ext_kb >> 8));
    rtc_set_cmos(r, 0x30, (uint8_t)ext_kb);
    rtc_set_cmos(r, 0x31, (uint8_t)(ext_kb >> 8));
    uint64_t above16 = ram > (16u << 20) ? (ram - (16u << 20)) >> 16 : 0;
    if (above16 > 0xFFFF)
        above16 = 0xFFFF;
    rtc_set_cmos(r, 0x34, (uint8_t)above16);
    rtc_set_cmos(r, 0x35, (uint8_t)(above16 >> 8));
    rtc_set_cmos(r, 0x14, 0x06); /* equipment: FPU, EGA/VGA, no floppy yet */
    /* Boot order for the BIOS: up to three devices, 1 floppy, 2 disk, 3 CD. */
    uint8_t dev[3] = {0};
    for (int i = 0; i < 3 && boot[i]; i++)
        dev[i] = boot[i] == 'a' ? 1 : boot[i] == 'c' ? 2 : boot[i] == 'd' ? 3 : 0;
    rtc_set_cmos(r, 0x3D, (uint8_t)(dev[1] << 4 | dev[0]));
    rtc_set_cmos(r, 0x38, (uint8_t)(dev[2] << 4));
}

/* -boot reboot-timeout=MS (QEMU's spelling, 0..65535): how long SeaBIOS waits
 * after "No bootable device" before rebooting; -1 (the default) never. */
static int32_t boot_fail_wait(const char *boot)
{
    const char *p = boot ? strstr(boot, "reboot-timeout=") : NULL;
    if (!p)
        return -1;
    long ms = strtol(p + strlen("reboot-timeout="), NULL, 10);
    return ms < 0 || ms > 65535 ? -1 : (int32_t)ms;
}

static bool fill_fw_cfg(struct pc_machine *pc, const struct pc_config *cfg)
{
    struct fw_cfg *f = &pc->fwcfg;
    /* etc/e820: {u64 address, u64 length, u32 type}, packed, little-endian. */
    uint8_t e820[20] = {0};
    for (int i = 0; i < 8; i++)
        e820[8 + i] = (uint8_t)(cfg->ram_size >> (8 * i));
    e820[16] = 1; /* RAM */
    bool ok = fw_cfg_add_i64(f, FW_CFG_RAM_SIZE, cfg->ram_size) &&
              fw_cfg_add_i16(f, FW_CFG_NB_CPUS, 1) && fw_cfg_add_i16(f, FW_CFG_MAX_CPUS, 1) &&
              fw_cfg_add_i16(f, FW_CFG_NOGRAPHIC, !cfg->graphics) &&
              fw_cfg_add_i16(f, FW_CFG_BOOT_MENU, 0) &&
              fw_cfg_add_file(f, "etc/e820", e820, sizeof(e820));
    /* SeaBIOS retries the boot after this many ms unless it is -1; as QEMU,
     * -1 unless -boot reboot-timeout=MS is given, so the screen reads "No
     * bootable device." without "Retrying in 60 seconds". */
    uint32_t wait = (uint32_t)boot_fail_wait(cfg->boot_order);
    uint8_t wait_le[4] = {(uint8_t)wait, (uint8_t)(wait >> 8), (uint8_t)(wait >> 16),
                          (uint8_t)(wait >> 24)};
    ok = ok && fw_cfg_add_file(f, "etc/boot-fail-wait", wait_le, sizeof(wait_le));
    if (ok && !cfg->graphics) {
        /* SeaBIOS's serial console: its screen output goes to COM1. */
        uint8_t port[2] = {0xF8, 0x03};
        ok = fw_cfg_add_file(f, "etc/sercon-port", port, 2);
    }
    return ok;
}

static bool wire_devices(struct pc_machine *pc, const struct pc_config *cfg)
{
    struct mmu_io_space *io = pc->io;
    pic_init(&pc->pic);
    irq_connect(&pc->pic.cpu_intr, pic_output, pc, 0);
    pit_init(&pc->pit, &pc->clock);
    irq_connect(&pc->pit.irq0, pic_set_irq, &pc->pic, 0);
    rtc_init(&pc->rtc, &pc->clock, cfg->rtc_base);
    irq_connect(&pc->rtc.irq, pic_set_irq, &pc->pic, 8);
    i8042_init(&pc->kbc);
    irq_connect(&pc->kbc.irq_kbd, pic_set_irq, &pc->pic, 1);
    irq_connect(&pc->kbc.irq_aux, pic_set_irq, &pc->pic, 12);
    irq_connect(&pc->kbc.a20, a20_line, pc, 0);
    irq_connect(&pc->kbc.reset, reset_line, pc, 0);
    static const uint16_t com_base[2] = {0x3F8, 0x2F8};
    static const int com_irq[2] = {4, 3};
    bool ok = true;
    for (int i = 0; i < 2; i++) {
        uart_init(&pc->uart[i], &pc->clock);
        pc->uart[i].sink = cfg->serial[i];
        irq_connect(&pc->uart[i].irq, pic_set_irq, &pc->pic, com_irq[i]);
        ok = ok && uart_register_io(&pc->uart[i], io, com_base[i]);
    }
    dma_init(&pc->dma, pc->mem);
    debugport_init(&pc->dbg);
    pc->dbg.con = cfg->debugcon;
    pc->dbg.exit_fn = cfg->exit_fn;
    pc->dbg.exit_opaque = cfg->exit_opaque;
    irq_connect(&pc->dbg.a20, a20_line, pc, 1);
    irq_connect(&pc->dbg.reset, reset_line, pc, 1);
    fw_cfg_init(&pc->fwcfg, pc->mem);
    return ok && pic_register_io(&pc->pic, io) && pit_register_io(&pc->pit, io) &&
           rtc_register_io(&pc->rtc, io, 0x70) && i8042_register_io(&pc->kbc, io) &&
           dma_register_io(&pc->dma, io) && debugport_register_io(&pc->dbg, io) &&
           (!cfg->debugcon.write || (debugport_register_console(&pc->dbg, io, 0xE9) &&
                                     debugport_register_console(&pc->dbg, io, 0x402))) &&
           (!cfg->exit_len ||
            debugport_register_exit(&pc->dbg, io, cfg->exit_port, cfg->exit_len)) &&
           fw_cfg_register_io(&pc->fwcfg, io) && mmu_io_register(io, 0xF0, 1, &port_f0_ops, pc);
}

static bool wire_pci(struct pc_machine *pc)
{
    pci_bus_init(&pc->pci, pc->mem, pc->io);
    if (!pci_bus_register_io(&pc->pci) || !i440fx_init(&pc->host, pc->mem, PRIO_PAM) ||
        !pci_register(&pc->pci, &pc->host.dev, PCI_DEVFN(0, 0)))
        return false;
    piix3_init(&pc->isa, &pc->pci);
    for (int i = 0; i < 16; i++)
        irq_connect(&pc->isa.isa_irq[i], pic_set_irq, &pc->pic, i);
    irq_connect(&pc->isa.reset, reset_line, pc, 2);
    return pci_register(&pc->pci, &pc->isa.dev, PCI_DEVFN(1, 0));
}

/* Standard VGA at 00:02.0 as QEMU places it, its BIOS in the ROM BAR. A
 * missing default VGA BIOS only costs the video BIOS (warned); a missing
 * -vga-rom file given by the user is an error. */
static bool add_vga(struct pc_machine *pc, const struct pc_config *cfg, char *err, size_t errlen)
{
    pc->vga = calloc(1, sizeof(*pc->vga));
    if (!pc->vga || !vga_init(pc->vga, pc->mem, pc->io, &pc->clock)) {
        snprintf(err, errlen, "cannot create the VGA (out of memory)");
        return false;
    }
    char path[4096], rerr[512];
    const char *rom = cfg->vga_rom;
    if (!rom) {
        snprintf(path, sizeof(path), "%s/vgabios-stdvga.bin", PC_FIRMWARE_DIR);
        rom = path;
    }
    if (!vga_load_rom(pc->vga, rom, rerr, sizeof(rerr))) {
        if (cfg->vga_rom) {
            snprintf(err, errlen, "%s", rerr);
            return false;
        }
        error_report("warning: %s; the VGA runs without a video BIOS", rerr);
    }
    if (!vga_register_pci(pc->vga, &pc->pci, PCI_DEVFN(2, 0))) {
        snprintf(err, errlen, "internal error: VGA PCI slot taken");
        return false;
    }
    return true;
}

/* Disk controllers: the PIIX3 IDE function at 01.1 with its compatibility
 * channels on IRQ 14 and 15, the floppy controller on IRQ 6 and DMA 2. */
static bool wire_drives(struct pc_machine *pc, const struct pc_config *cfg, char *err,
                        size_t errlen)
{
    piix_ide_init(&pc->ide, pc->mem);
    irq_connect(&pc->ide.bus[0].irq, pic_set_irq, &pc->pic, 14);
    irq_connect(&pc->ide.bus[1].irq, pic_set_irq, &pc->pic, 15);
    fdc_init(&pc->fdc, &pc->dma);
    irq_connect(&pc->fdc.irq, pic_set_irq, &pc->pic, 6);
    if (!pci_register(&pc->pci, &pc->ide.dev, PCI_DEVFN(1, 1)) ||
        !piix_ide_register_io(&pc->ide, pc->io) || !fdc_register_io(&pc->fdc, pc->io, 0x3F0)) {
        snprintf(err, errlen, "internal error: disk controller wiring failed");
        return false;
    }
    for (int i = 0; i < PC_MAX_IDE; i++) {
        const struct pc_ide_drive *d = &cfg->ide[i];
        if (d->kind != IDE_NONE &&
            !ide_attach(&pc->ide.bus[i / 2], i % 2, d->kind, d->blk, err, errlen))
            return false;
    }
    for (int i = 0; i < PC_MAX_FLOPPY; i++)
        if (cfg->floppy[i] && !fdc_attach(&pc->fdc, i, cfg->floppy[i], err, errlen))
            return false;
    return true;
}

/* NE2000 cards: RTL8029s on PCI from slot 3 (after the VGA, where QEMU puts
 * its first NIC), ISA cards on their ports and IRQ. */
static bool wire_nics(struct pc_machine *pc, const struct pc_config *cfg, char *err,
                      size_t errlen)
{
    int slot = 3;
    for (int i = 0; i < PC_MAX_NIC; i++) {
        const struct pc_nic *n = &cfg->nic[i];
        if (n->model == PC_NIC_NONE)
            continue;
        struct ne2000 *s = pc->nic[i] = calloc(1, sizeof(*s));
        if (!s) {
            snprintf(err, errlen, "out of memory");
            return false;
        }
        ne2000_init(s, n->mac);
        s->backend = n->backend;
        bool ok;
        if (n->model == PC_NIC_NE2K_PCI) {
            ok = ne2000_register_pci(s, &pc->pci, PCI_DEVFN(slot++, 0));
        } else {
            irq_connect(&s->irq, pic_set_irq, &pc->pic, n->irq & 15);
            ok = ne2000_register_isa(s, pc->io, n->iobase);
        }
        if (!ok) {
            snprintf(err, errlen, "ne2k: %s slot or ports 0x%x taken",
                     n->model == PC_NIC_NE2K_PCI ? "PCI" : "ISA", n->iobase);
            return false;
        }
    }
    return true;
}

/* AT CMOS drive fields: floppy types (0x10) and equipment bits (0x14), hard
 * disk types (0x12, extended 0x19/0x1A = 47 with user parameters at
 * 0x1B-0x23 and 0x24-0x2C), and SeaBIOS's translation hints (0x39, two bits
 * per IDE drive: 0 none, 1 LBA). */
static void fill_cmos_drives(struct pc_machine *pc)
{
    struct rtc146818 *r = &pc->rtc;
    uint8_t fd = fdc_cmos_types(&pc->fdc);
    int nfd = (fd >> 4 ? 1 : 0) + (fd & 0x0F ? 1 : 0);
    rtc_set_cmos(r, 0x10, fd);
    if (nfd)
        rtc_set_cmos(r, 0x14, (uint8_t)(rtc_get_cmos(r, 0x14) | 0x01 | (nfd - 1) << 6));
    uint8_t types = 0, trans = 0;
    for (int i = 0; i < PC_MAX_IDE; i++) {
        const struct ide_drive *d = &pc->ide.bus[i / 2].drive[i % 2];
        if (d->kind != IDE_DISK)
            continue;
        if (d->cyls > 1024)
            trans |= (uint8_t)(1u << (2 * i));
        if (i >= 2)
            continue;
        types |= (uint8_t)(0xF0u >> (4 * i));
        rtc_set_cmos(r, (uint8_t)(0x19 + i), 47);
        uint8_t b = i == 0 ? 0x1B : 0x24;
        const uint8_t p[9] = {(uint8_t)d->cyls, (uint8_t)(d->cyls >> 8), (uint8_t)d->heads,
                              0xFF, 0xFF, (uint8_t)(0xC0 | (d->heads > 8 ? 0x08 : 0)),
                              (uint8_t)d->cyls, (uint8_t)(d->cyls >> 8), (uint8_t)d->secs};
        for (int k = 0; k < 9; k++)
            rtc_set_cmos(r, (uint8_t)(b + k), p[k]);
    }
    rtc_set_cmos(r, 0x12, types);
    rtc_set_cmos(r, 0x39, trans);
}

/* The drive letters of -boot: "dc", "order=dc" or "once=d,menu=on". */
static const char *boot_letters(const char *boot, char *buf, size_t len)
{
    if (!boot)
        return "cad";
    const char *p = strstr(boot, "order=");
    if (!p)
        p = strstr(boot, "once=");
    if (p)
        p = strchr(p, '=') + 1;
    else if (strchr(boot, '='))
        return "cad";
    else
        p = boot;
    size_t n = 0;
    while (p[n] && p[n] != ',' && n + 1 < len) {
        buf[n] = p[n];
        n++;
    }
    buf[n] = 0;
    return buf;
}

static struct blk *open_image(const char *path, const char *format, bool ro, bool snapshot,
                              char *err, size_t errlen)
{
    struct blk_open_opts o = {.format = format,
                              .flags = (ro ? BLK_OPEN_READ_ONLY : 0u) |
                                       (snapshot ? BLK_OPEN_SNAPSHOT : 0u)};
    struct blk_error e;
    struct blk *b = blk_open(path, &o, &e);
    if (!b)
        snprintf(err, errlen, "could not open disk image '%s': %s", path, e.msg);
    return b;
}

/* What SeaBIOS does for each PCI function with an interrupt pin before an OS
 * runs (needed by -kernel boots, where no firmware runs): route its PIRQ on
 * the PIIX3 to the ISA IRQ SeaBIOS picks (PIRQA-D: 10, 10, 11, 11) and write
 * that IRQ to the function's interrupt line register, where Linux without a
 * $PIR table or ACPI takes it from. */
void pc_route_pci_irqs(struct pc_machine *pc)
{
    static const uint8_t seabios_irq[PCI_NUM_PIRQ] = {10, 10, 11, 11};
    for (int devfn = 0; devfn < 256; devfn++) {
        struct pci_device *d = pc->pci.devs[devfn];
        uint8_t pin = d ? d->config[PCI_INTERRUPT_PIN] : 0;
        if (pin < 1 || pin > 4)
            continue;
        int pirq = pci_pirq_of((uint8_t)devfn, pin);
        uint8_t irq = seabios_irq[pirq];
        pci_config_write(&pc->pci, pc->isa.dev.devfn, PIIX3_PIRQRC + (uint32_t)pirq, irq, 1);
        pci_config_write(&pc->pci, (uint8_t)devfn, PCI_INTERRUPT_LINE, irq, 1);
    }
}

bool pc_open_drives(struct pc_config *cfg, const struct pc_drive_files *files, char *err,
                    size_t errlen)
{
    if (files->cdrom && files->hd[2]) {
        snprintf(err, errlen, "-hdc and -cdrom both want the secondary master");
        return false;
    }
    for (int i = 0; i < PC_MAX_IDE; i++) {
        const struct pc_drive_opts *d = &files->hd_opts[i];
        const char *path = i == 2 && files->cdrom ? files->cdrom : files->hd[i];
        bool cd = (i == 2 && files->cdrom) || d->cdrom;
        if (!path && !d->cdrom)
            continue;
        cfg->ide[i].kind = cd ? IDE_CDROM : IDE_DISK;
        if (!path)
            continue; /* a CD-ROM drive with its tray empty */
        cfg->ide[i].blk = open_image(path, d->format, cd || d->readonly,
                                     (files->snapshot || d->snapshot) && !cd, err, errlen);
        if (!cfg->ide[i].blk) {
            pc_close_drives(cfg);
            return false;
        }
    }
    for (int i = 0; i < PC_MAX_FLOPPY; i++) {
        const struct pc_drive_opts *d = &files->fd_opts[i];
        if (!files->fd[i])
            continue;
        cfg->floppy[i] = open_image(files->fd[i], d->format, d->readonly,
                                    files->snapshot || d->snapshot, err, errlen);
        if (!cfg->floppy[i]) {
            pc_close_drives(cfg);
            return false;
        }
    }
    cfg->own_drives = true;
    return true;
}

void pc_close_drives(struct pc_config *cfg)
{
    for (int i = 0; i < PC_MAX_IDE; i++) {
        if (cfg->ide[i].blk)
            blk_close(cfg->ide[i].blk);
        cfg->ide[i] = (struct pc_ide_drive){IDE_NONE, NULL};
    }
    for (int i = 0; i < PC_MAX_FLOPPY; i++) {
        if (cfg->floppy[i])
            blk_close(cfg->floppy[i]);
        cfg->floppy[i] = NULL;
    }
    cfg->own_drives = false;
}

/* fw_cfg "bootorder": the -boot letters as the OpenFirmware device paths
 * SeaBIOS matches (its bootprio_find_fdc_device / bootprio_find_ata_device),
 * one per line, NUL-terminated. */
static bool add_bootorder(struct pc_machine *pc, const char *boot)
{
    char buf[1024];
    size_t n = 0;
    for (const char *b = boot; *b && n + 128 < sizeof(buf); b++) {
        for (int i = 0; *b == 'a' && i < PC_MAX_FLOPPY; i++)
            if (pc->fdc.drive[i].blk)
                n += (size_t)snprintf(buf + n, sizeof(buf) - n,
                                      "/pci@i0cf8/isa@1/fdc@03f0/floppy@%d\n", i);
        enum ide_kind want = *b == 'c' ? IDE_DISK : *b == 'd' ? IDE_CDROM : IDE_NONE;
        for (int i = 0; want != IDE_NONE && i < PC_MAX_IDE; i++)
            if (pc->ide.bus[i / 2].drive[i % 2].kind == want)
                n += (size_t)snprintf(buf + n, sizeof(buf) - n,
                                      "/pci@i0cf8/ide@1,1/drive@%d/disk@%d\n", i / 2, i % 2);
    }
    if (n == 0)
        return true;
    return fw_cfg_add_file(&pc->fwcfg, "bootorder", buf, (uint32_t)n + 1);
}

struct pc_machine *pc_new(const struct pc_config *cfg, char *err, size_t errlen)
{
    if (cfg->ram_size < (1u << 20) || cfg->ram_size > PC_MAX_RAM || cfg->ram_size % 4096) {
        snprintf(err, errlen, "RAM size must be 1 MiB to 3584 MiB in 4 KiB units");
        return NULL;
    }
    struct pc_machine *pc = calloc(1, sizeof(*pc));
    if (!pc) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    clock_init(&pc->clock, cfg->icount_shift);
    pc->mem = mmu_phys_new(cfg->ram_size);
    pc->io = mmu_io_new();
    if (!pc->mem || !pc->io) {
        snprintf(err, errlen, "cannot allocate %llu MiB of guest RAM",
                 (unsigned long long)(cfg->ram_size >> 20));
        pc_free(pc);
        return NULL;
    }
    if (!load_bios(pc, cfg->bios_path, err, errlen)) {
        pc_free(pc);
        return NULL;
    }
    if (!map_memory(pc, cfg->ram_size) || !wire_devices(pc, cfg) || !wire_pci(pc) ||
        !fill_fw_cfg(pc, cfg) || !pc_acpi_init(pc)) {
        snprintf(err, errlen, "internal error: board wiring failed");
        pc_free(pc);
        return NULL;
    }
    if (cfg->vga && !add_vga(pc, cfg, err, errlen)) {
        pc_free(pc);
        return NULL;
    }
    if (!wire_drives(pc, cfg, err, errlen) || !wire_nics(pc, cfg, err, errlen)) {
        pc_free(pc);
        return NULL;
    }
    char letters[16];
    const char *boot = boot_letters(cfg->boot_order, letters, sizeof(letters));
    fill_cmos(pc, cfg->ram_size, boot);
    fill_cmos_drives(pc);
    if (!add_bootorder(pc, boot)) {
        snprintf(err, errlen, "internal error: fw_cfg bootorder");
        pc_free(pc);
        return NULL;
    }
    for (int i = 0; cfg->own_drives && i < PC_MAX_IDE + PC_MAX_FLOPPY; i++)
        pc->owned[i] = i < PC_MAX_IDE ? cfg->ide[i].blk : cfg->floppy[i - PC_MAX_IDE];
    pc_reset(pc);
    return pc;
}

void pc_reset(struct pc_machine *pc)
{
    pic_reset(&pc->pic);
    pit_reset(&pc->pit);
    rtc_reset(&pc->rtc);
    i8042_reset(&pc->kbc);
    uart_reset(&pc->uart[0]);
    uart_reset(&pc->uart[1]);
    dma_reset(&pc->dma);
    fdc_reset(&pc->fdc);
    piix_ide_reset(&pc->ide);
    piix4_pm_reset(&pc->pm);
    if (pc->vga)
        vga_reset(pc->vga);
    for (int i = 0; i < PC_MAX_NIC; i++)
        if (pc->nic[i])
            ne2000_reset(pc->nic[i]);
    for (int i = 0; i < 7; i++)
        pci_config_write(&pc->pci, PCI_DEVFN(0, 0), I440FX_PAM0 + (uint32_t)i, 0, 1);
    for (int i = 0; i < 4; i++)
        pci_config_write(&pc->pci, PCI_DEVFN(1, 0), PIIX3_PIRQRC + (uint32_t)i, 0x80, 1);
    pc->a20_kbc = pc->a20_port92 = true;
    pc->dbg.port92 = 0x02;
    update_a20(pc);
    pc->reset_requested = false;
    pc->ferr_latched = false;
    pic_set_irq(&pc->pic, 13, 0);
}

void pc_free(struct pc_machine *pc)
{
    if (!pc)
        return;
    fw_cfg_free(&pc->fwcfg);
    if (pc->vga)
        vga_free(pc->vga);
    free(pc->vga);
    for (int i = 0; i < PC_MAX_NIC; i++)
        free(pc->nic[i]);
    mmu_io_free(pc->io);
    mmu_phys_free(pc->mem);
    for (int i = 0; i < PC_MAX_IDE + PC_MAX_FLOPPY; i++)
        if (pc->owned[i])
            blk_close(pc->owned[i]);
    free(pc->bios);
    free(pc);
}
