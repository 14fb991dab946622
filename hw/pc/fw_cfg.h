/* QEMU firmware configuration device (fw_cfg) at ports 0x510 (selector),
 * 0x511 (data) and 0x514 (DMA address, big-endian), as SeaBIOS reads it:
 * signature, RAM size, CPU count, e820 table, boot order, named files.
 * Interface as documented in QEMU's docs/specs/fw_cfg.rst (facts only). */
#ifndef JIT86_HW_PC_FW_CFG_H
#define JIT86_HW_PC_FW_CFG_H

#include "hw/core/vmstate.h"
#include "softmmu/softmmu.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fw_cfg_key {
    FW_CFG_SIGNATURE = 0x00,
    FW_CFG_ID = 0x01,
    FW_CFG_UUID = 0x02,
    FW_CFG_RAM_SIZE = 0x03,
    FW_CFG_NOGRAPHIC = 0x04,
    FW_CFG_NB_CPUS = 0x05,
    FW_CFG_MACHINE_ID = 0x06,
    FW_CFG_KERNEL_ADDR = 0x07,
    FW_CFG_KERNEL_SIZE = 0x08,
    FW_CFG_KERNEL_CMDLINE = 0x09,
    FW_CFG_INITRD_ADDR = 0x0A,
    FW_CFG_INITRD_SIZE = 0x0B,
    FW_CFG_BOOT_DEVICE = 0x0C,
    FW_CFG_NUMA = 0x0D,
    FW_CFG_BOOT_MENU = 0x0E,
    FW_CFG_MAX_CPUS = 0x0F,
    FW_CFG_KERNEL_ENTRY = 0x10,
    FW_CFG_KERNEL_DATA = 0x11,
    FW_CFG_INITRD_DATA = 0x12,
    FW_CFG_CMDLINE_ADDR = 0x13,
    FW_CFG_CMDLINE_SIZE = 0x14,
    FW_CFG_CMDLINE_DATA = 0x15,
    FW_CFG_SETUP_ADDR = 0x16,
    FW_CFG_SETUP_SIZE = 0x17,
    FW_CFG_SETUP_DATA = 0x18,
    FW_CFG_FILE_DIR = 0x19,
    FW_CFG_FILE_FIRST = 0x20,
    FW_CFG_ARCH_LOCAL = 0x8000,
    FW_CFG_E820_TABLE = 0x8003,
};

#define FW_CFG_MAX_FILES 64
#define FW_CFG_FILE_NAME 56
#define FW_CFG_PORT_BASE 0x510

struct fw_cfg_entry {
    uint8_t *data;
    uint32_t len;
};

struct fw_cfg_file {
    char name[FW_CFG_FILE_NAME];
    uint16_t select;
};

struct fw_cfg {
    struct mmu_phys_space *mem; /* for the DMA interface */
    struct fw_cfg_entry std[FW_CFG_FILE_FIRST];
    struct fw_cfg_entry files[FW_CFG_MAX_FILES];
    struct fw_cfg_entry arch[8];
    struct fw_cfg_file dir[FW_CFG_MAX_FILES];
    uint32_t nfiles;
    uint16_t cur;    /* selected key */
    uint32_t offset; /* read position in the selected item */
    uint32_t dma_hi; /* high half of the DMA address, written first */
};

void fw_cfg_init(struct fw_cfg *f, struct mmu_phys_space *mem);
void fw_cfg_free(struct fw_cfg *f);
extern const struct vms_desc fw_cfg_vmstate;
/* Registers 0x510-0x511 and 0x514-0x51B. */
bool fw_cfg_register_io(struct fw_cfg *f, struct mmu_io_space *io);

/* Items are copied. Returns false for an unknown key or when memory runs out. */
bool fw_cfg_add_bytes(struct fw_cfg *f, uint16_t key, const void *data, uint32_t len);
bool fw_cfg_add_i16(struct fw_cfg *f, uint16_t key, uint16_t v);
bool fw_cfg_add_i32(struct fw_cfg *f, uint16_t key, uint32_t v);
bool fw_cfg_add_i64(struct fw_cfg *f, uint16_t key, uint64_t v);
bool fw_cfg_add_string(struct fw_cfg *f, uint16_t key, const char *s);
/* A named file ("etc/e820", "bootorder"); the directory stays sorted by name.
 * Returns false on a duplicate or too-long name, or a full directory. */
bool fw_cfg_add_file(struct fw_cfg *f, const char *name, const void *data, uint32_t len);

#endif
