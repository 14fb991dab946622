/* Multiboot v1 loader for -kernel: ELF32 images (or the a.out kludge of
 * header flag 16) loaded at their physical addresses, with the Multiboot
 * information structure (memory sizes, memory map, command line, loader
 * name). Multiboot Specification 0.6.96, sections 3.1-3.3. */
#ifndef JIT86_HW_PC_MULTIBOOT_H
#define JIT86_HW_PC_MULTIBOOT_H

#include "softmmu/softmmu.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MULTIBOOT_HEADER_MAGIC 0x1BADB002u
#define MULTIBOOT_BOOT_MAGIC   0x2BADB002u
#define MULTIBOOT_SEARCH       8192
/* Where the information structure and its strings go: below 640 KiB, above
 * the BIOS data area, where no Multiboot kernel may load (they start at 1 MiB). */
#define MULTIBOOT_INFO_ADDR 0x9000u
#define MULTIBOOT_INFO_END  0x10000u

/* The state a Multiboot kernel starts in (spec 3.2): 32-bit protected mode,
 * flat segments, paging off, IF clear, A20 on; EAX/EBX as below. */
struct multiboot_entry {
    uint32_t eip;
    uint32_t eax; /* MULTIBOOT_BOOT_MAGIC */
    uint32_t ebx; /* physical address of the information structure */
};

/* True when data (a whole file) carries a valid Multiboot header. */
bool multiboot_probe(const uint8_t *data, size_t len);

/* Loads the image into guest memory of ram_size bytes. Returns false with
 * one line in err for anything malformed or out of bounds. */
bool multiboot_load(struct mmu_phys_space *mem, uint64_t ram_size, const uint8_t *data, size_t len,
                    const char *cmdline, struct multiboot_entry *out, char *err, size_t errlen);

#endif
