/* The PC board: i440FX/PIIX3 chipset, legacy ISA devices, firmware and the
 * memory map SeaBIOS expects (shared/DESIGN.md "Machine"). The CPU attaches
 * to cpu_intr and pc_interrupt_ack(); everything else is wired here. */
#ifndef JIT86_HW_PC_PC_H
#define JIT86_HW_PC_PC_H

#include "hw/acpi/piix4-pm.h"
#include "hw/block/fdc.h"
#include "hw/char/uart16550.h"
#include "hw/core/clock.h"
#include "hw/display/vga.h"
#include "hw/dma/i8237.h"
#include "hw/ide/piix-ide.h"
#include "hw/input/i8042.h"
#include "hw/misc/debugport.h"
#include "hw/net/ne2000.h"
#include "hw/pc/fw_cfg.h"
#include "hw/pc/pic8259.h"
#include "hw/pc/pit8254.h"
#include "hw/pc/rtc146818.h"
#include "hw/pci/i440fx.h"
#include "hw/pci/piix3.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PC_MAX_RAM  (3584ull << 20) /* below the PCI hole at 0xE0000000 */
#define PC_BIOS_MAX (16u << 20)
#define PC_MAX_IDE    4 /* primary master, slave, secondary master, slave */
#define PC_MAX_FLOPPY 2
#define PC_MAX_NIC    4

/* Network cards (-nic / -device ne2k_*): PCI cards take slots 3, 4, ...;
 * ISA cards their iobase and IRQ (QEMU's defaults 0x300 and 9). */
enum pc_nic_model { PC_NIC_NONE, PC_NIC_NE2K_ISA, PC_NIC_NE2K_PCI };
struct pc_nic {
    enum pc_nic_model model;
    uint16_t iobase;
    uint8_t irq;
    uint8_t mac[6];
    struct net_backend backend; /* send NULL: no backend (cable unplugged) */
};

/* A drive on the IDE channels: a disk needs an image, a CD-ROM may be empty.
 * The images stay the caller's: it closes them after pc_free(). */
struct pc_ide_drive {
    enum ide_kind kind;
    struct blk *blk;
};

struct pc_config {
    uint64_t ram_size;
    const char *bios_path;
    int icount_shift;       /* -1: real-time clock */
    int64_t rtc_base;       /* Unix seconds shown at virtual time 0 */
    const char *boot_order; /* QEMU letters: "c", "dc", ...; NULL = "cad" */
    bool graphics;          /* false: SeaBIOS console on COM1 (sercon) */
    bool vga;               /* standard VGA at 00:02.0 (-vga std) */
    const char *vga_rom;    /* NULL: vgabios-stdvga.bin from PC_FIRMWARE_DIR */
    struct uart_sink serial[2];
    /* Debug console (-debugcon): when write is set it listens at 0xE9 (the
     * Bochs/QEMU port) and 0x402 (where SeaBIOS built for QEMU logs). */
    struct debugcon debugcon;
    uint16_t exit_port; /* isa-debug-exit; exit_len 0: none */
    uint32_t exit_len;
    debug_exit_fn *exit_fn;
    void *exit_opaque;
    struct pc_ide_drive ide[PC_MAX_IDE]; /* -hda..-hdd, -cdrom (index 2) */
    struct blk *floppy[PC_MAX_FLOPPY];   /* -fda, -fdb; NULL: no drive */
    bool own_drives; /* pc_free closes the images (from pc_open_drives) */
    struct pc_nic nic[PC_MAX_NIC];
};

/* What -drive says of a drive beyond its file; all zero: -hda/-fda's defaults. */
struct pc_drive_opts {
    const char *format; /* "raw", "qcow2", ...; NULL probes the file */
    bool cdrom;         /* IDE: an ATAPI CD-ROM (read-only; no file: empty tray) */
    bool readonly;
    bool snapshot; /* this drive's writes go to a temporary overlay */
};

/* Image files named on the command line. */
struct pc_drive_files {
    const char *hd[PC_MAX_IDE]; /* -hda..-hdd */
    const char *cdrom;          /* -cdrom: secondary master, read-only */
    const char *fd[PC_MAX_FLOPPY];
    bool snapshot; /* -snapshot: writes go to a temporary overlay */
    struct pc_drive_opts hd_opts[PC_MAX_IDE];
    struct pc_drive_opts fd_opts[PC_MAX_FLOPPY];
};

struct pc_machine {
    struct mmu_phys_space *mem;
    struct mmu_io_space *io;
    struct hw_clock clock;
    struct pic8259_pair pic;
    struct pit8254 pit;
    struct rtc146818 rtc;
    struct i8042 kbc;
    struct uart16550 uart[2];
    struct i8237 dma;
    struct debugport dbg;
    struct fw_cfg fwcfg;
    struct pci_bus pci;
    struct i440fx host;
    struct piix3 isa;
    struct vga *vga; /* PCI 00:02.0; NULL with -vga none */
    struct piix_ide ide; /* PCI 00:01.1, IRQ 14/15 */
    struct fdc fdc;      /* 0x3F0, IRQ 6, DMA 2 */
    struct piix4_pm pm;  /* PCI 00:01.3, ACPI; SCI on IRQ 9 */
    struct blk *owned[PC_MAX_IDE + PC_MAX_FLOPPY]; /* closed by pc_free */
    struct ne2000 *nic[PC_MAX_NIC];                /* NULL: no card */
    uint8_t *bios;
    size_t bios_size;
    bool a20_kbc, a20_port92; /* A20 is on when either asks for it */
    bool reset_requested;     /* set by 8042, port 0x92 or 0xCF9; the loop resets */
    bool ferr_latched;        /* x87 error latched on IRQ13 until an OUT to port F0h */
    struct irq_line cpu_intr; /* PIC INT output: the CPU connects here */
};

/* Builds the board. Returns NULL with one line in err on a bad configuration
 * (RAM size, unreadable or badly sized BIOS, out of memory). */
struct pc_machine *pc_new(const struct pc_config *cfg, char *err, size_t errlen);
void pc_free(struct pc_machine *pc);
/* Opens the images of files into cfg->ide and cfg->floppy (format probed;
 * the CD-ROM read-only) and sets cfg->own_drives. On failure nothing stays
 * open and err has one line. */
bool pc_open_drives(struct pc_config *cfg, const struct pc_drive_files *files, char *err,
                    size_t errlen);
/* Closes images pc_open_drives opened, when pc_new failed. */
void pc_close_drives(struct pc_config *cfg);
/* Routes every PCI interrupt pin as SeaBIOS would (PIIX3 PIRQ registers and
 * each function's interrupt line): for boots without firmware (-kernel). */
void pc_route_pci_irqs(struct pc_machine *pc);
/* ACPI (pc-acpi.c): the PIIX4 PM function and the tables as fw_cfg files,
 * at board creation. */
bool pc_acpi_init(struct pc_machine *pc);
/* system_powerdown: the ACPI power button (the guest decides what to do). */
void pc_power_button(struct pc_machine *pc);
/* For boots without firmware (-kernel): what SeaBIOS would do, PM I/O base
 * 0x600, and the RSDP and tables in shadow RAM at 0xE0000 (the loader's
 * e820 map reserves 0xE0000-0xFFFFF). */
void pc_acpi_direct_boot(struct pc_machine *pc);
/* Port I/O and MMIO access counts per device (info stats), merged by name
 * (QEMU-like device names: "serial0", "ide0", "pic", ...; a range no device
 * claims is "ports-XXXX" / "mmio-XXXXXXXX" after its base). Fills at most
 * max entries, ports first, then MMIO, and returns how many. */
#define PC_ACCT_NAME 24
struct pc_io_account {
    char name[PC_ACCT_NAME];
    bool mmio;
    struct mmu_io_counts counts;
};
int pc_io_accounting(const struct pc_machine *pc, struct pc_io_account *out, int max);
/* Machine reset: devices to power-on state, A20 on, PAM to ROM. */
void pc_reset(struct pc_machine *pc);
/* CPU interrupt acknowledge cycle: the vector of the pending interrupt. */
uint8_t pc_interrupt_ack(struct pc_machine *pc);
/* The CPU's FERR# output (a cpu_ferr_fn; opaque is the pc_machine): an x87 error under
 * CR0.NE=0 latches IRQ13 until software writes port F0h, as on the PC/AT. */
void pc_ferr(void *opaque, bool level);

#endif
