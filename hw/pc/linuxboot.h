/* Linux x86 boot protocol (Documentation/arch/x86/boot.rst), 32-bit entry:
 * bzImage with boot protocol >= 2.06, zero page with the setup header, e820
 * map, command line and initrd, started at code32_start in flat protected
 * mode without any BIOS. */
#ifndef JIT86_HW_PC_LINUXBOOT_H
#define JIT86_HW_PC_LINUXBOOT_H

#include "softmmu/softmmu.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Guest memory the loader uses below 1 MiB (boot.rst "memory layout"). */
#define LINUX_GDT_ADDR     0x00500u  /* boot GDT: __BOOT_CS 0x10, __BOOT_DS 0x18 */
#define LINUX_ZERO_PAGE    0x10000u  /* struct boot_params */
#define LINUX_CMDLINE_ADDR 0x20000u  /* command line, up to cmdline_size */
#define LINUX_KERNEL_ADDR  0x100000u /* protected-mode kernel */
#define LINUX_BOOT_CS      0x10
#define LINUX_BOOT_DS      0x18

/* The CPU state the protocol requires at the 32-bit entry point. */
struct linux_entry {
    uint32_t eip;      /* code32_start */
    uint32_t esi;      /* the zero page */
    uint32_t gdt_base; /* GDT holding __BOOT_CS/__BOOT_DS (flat 4 GiB) */
    uint16_t gdt_limit;
};

/* True when data is a bzImage (boot flag 0xAA55 and "HdrS"). */
bool linux_probe(const uint8_t *data, size_t len);

/* Loads kernel, command line and initrd (may be NULL) into RAM of ram_size
 * bytes. Refuses with one line in err: old protocols, zImage, images or
 * initrds that do not fit, overlong command lines. */
bool linux_load(struct mmu_phys_space *mem, uint64_t ram_size, const uint8_t *kernel,
                size_t kernel_len, const uint8_t *initrd, size_t initrd_len, const char *cmdline,
                struct linux_entry *out, char *err, size_t errlen);

#endif
