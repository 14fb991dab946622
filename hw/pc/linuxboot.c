/* Linux boot protocol loader (boot.rst): copies the setup header into a zero
 * page, fills the fields a boot loader must write, places the protected-mode
 * kernel at 1 MiB and the initrd as high as the kernel allows. */
#include "linuxboot.h"

#include <stdio.h>
#include <string.h>

/* Offsets in the file and in struct boot_params (boot.rst, zero-page.rst). */
#define HDR_SETUP_SECTS     0x1F1
#define HDR_BOOT_FLAG       0x1FE
#define HDR_JUMP            0x200
#define HDR_MAGIC           0x202
#define HDR_VERSION         0x206
#define HDR_TYPE_OF_LOADER  0x210
#define HDR_LOADFLAGS       0x211
#define HDR_CODE32_START    0x214
#define HDR_RAMDISK_IMAGE   0x218
#define HDR_RAMDISK_SIZE    0x21C
#define HDR_HEAP_END_PTR    0x224
#define HDR_CMD_LINE_PTR    0x228
#define HDR_INITRD_ADDR_MAX 0x22C
#define HDR_CMDLINE_SIZE    0x238
#define HDR_INIT_SIZE       0x260
#define BP_ALT_MEM_K        0x1E0
#define BP_E820_ENTRIES     0x1E8
#define BP_E820_TABLE       0x2D0
#define LOADED_HIGH         0x01
#define CAN_USE_HEAP        0x80
#define E820_RAM            1
#define E820_RESERVED       2

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static void wr32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void wr64(uint8_t *p, uint64_t v)
{
    wr32(p, (uint32_t)v);
    wr32(p + 4, (uint32_t)(v >> 32));
}

bool linux_probe(const uint8_t *d, size_t len)
{
    return len >= 0x264 && rd16(d + HDR_BOOT_FLAG) == 0xAA55 &&
           memcmp(d + HDR_MAGIC, "HdrS", 4) == 0;
}

/* The e820 map: low RAM, the BIOS area reserved (with the ACPI tables the
 * board puts at 0xE0000), RAM from 1 MiB. */
static void fill_e820(uint8_t *zp, uint64_t ram)
{
    static const struct {
        uint64_t addr, size;
        uint32_t type;
    } map[] = {{0, 0x9FC00, E820_RAM},
               {0x9FC00, 0x400, E820_RESERVED},
               {0xE0000, 0x20000, E820_RESERVED},
               {0x100000, 0, E820_RAM}};
    for (unsigned i = 0; i < 4; i++) {
        uint8_t *e = zp + BP_E820_TABLE + 20 * i;
        wr64(e, map[i].addr);
        wr64(e + 8, i == 3 ? ram - 0x100000 : map[i].size);
        wr32(e + 16, map[i].type);
    }
    zp[BP_E820_ENTRIES] = 4;
}

/* Flat 4 GiB descriptors at __BOOT_CS (execute/read) and __BOOT_DS
 * (read/write), after two null entries. */
static void write_gdt(struct mmu_phys_space *mem)
{
    static const uint8_t gdt[32] = {
        0,    0,    0, 0, 0,    0,    0,    0, 0, 0,    0,    0,
        0,    0,    0, 0, 0xFF, 0xFF, 0,    0, 0, 0x9B, 0xCF, 0, /* 0x10: code, accessed */
        0xFF, 0xFF, 0, 0, 0,    0x93, 0xCF, 0,                   /* 0x18: data, accessed */
    };
    mmu_phys_write(mem, LINUX_GDT_ADDR, gdt, sizeof(gdt));
}

static bool place_initrd(uint8_t *zp, uint64_t ram, uint32_t kernel_end, size_t initrd_len,
                         uint32_t *addr, char *err, size_t errlen)
{
    uint64_t max = rd32(zp + HDR_INITRD_ADDR_MAX);
    uint64_t top = ram < max + 1 ? ram : max + 1;
    if (initrd_len > top || ((top - initrd_len) & ~0xFFFull) < kernel_end) {
        snprintf(err, errlen, "initrd of %zu bytes does not fit below %#llx with the kernel",
                 initrd_len, (unsigned long long)top);
        return false;
    }
    *addr = (uint32_t)((top - initrd_len) & ~0xFFFull); /* page-aligned, as high as allowed */
    return true;
}

bool linux_load(struct mmu_phys_space *mem, uint64_t ram, const uint8_t *k, size_t klen,
                const uint8_t *initrd, size_t initrd_len, const char *cmdline,
                struct linux_entry *out, char *err, size_t errlen)
{
    if (!linux_probe(k, klen)) {
        snprintf(err, errlen, "not a Linux bzImage (no boot flag or HdrS header)");
        return false;
    }
    uint16_t version = rd16(k + HDR_VERSION);
    if (version < 0x206 || !(k[HDR_LOADFLAGS] & LOADED_HIGH)) {
        snprintf(err, errlen, "boot protocol %u.%02u %s is not supported (need a bzImage, >= 2.06)",
                 version >> 8, version & 0xFF, (k[HDR_LOADFLAGS] & LOADED_HIGH) ? "" : "zImage");
        return false;
    }
    unsigned setup_sects = k[HDR_SETUP_SECTS] ? k[HDR_SETUP_SECTS] : 4;
    size_t setup_len = (setup_sects + 1) * 512u;
    size_t hdr_end = HDR_JUMP + 2 + k[HDR_JUMP + 1]; /* the jump skips over the header */
    if (setup_len >= klen || hdr_end > setup_len || hdr_end > 0x1000) {
        snprintf(err, errlen, "bzImage setup area is inconsistent with the file size");
        return false;
    }
    size_t pm_len = klen - setup_len;
    if (LINUX_KERNEL_ADDR + (uint64_t)pm_len > ram) {
        snprintf(err, errlen, "kernel of %zu bytes does not fit in %llu MiB of RAM", pm_len,
                 (unsigned long long)(ram >> 20));
        return false;
    }
    size_t cmdlen = strlen(cmdline) + 1;
    if (cmdlen > rd32(k + HDR_CMDLINE_SIZE) + 1u || cmdlen > LINUX_ZERO_PAGE) {
        snprintf(err, errlen, "kernel command line is longer than the kernel accepts (%u)",
                 rd32(k + HDR_CMDLINE_SIZE));
        return false;
    }
    uint8_t zp[4096] = {0};
    memcpy(zp + HDR_SETUP_SECTS, k + HDR_SETUP_SECTS, hdr_end - HDR_SETUP_SECTS);
    /* The kernel decompresses in place up to init_size (protocol 2.10+):
     * the initrd must sit above all of it. */
    uint64_t footprint = pm_len;
    if (version >= 0x20A && rd32(k + HDR_INIT_SIZE) > footprint)
        footprint = rd32(k + HDR_INIT_SIZE);
    uint32_t initrd_addr = 0;
    if (initrd && !place_initrd(zp, ram, LINUX_KERNEL_ADDR + (uint32_t)footprint, initrd_len,
                                &initrd_addr, err, errlen))
        return false;
    zp[HDR_TYPE_OF_LOADER] = 0xFF; /* no registered loader id */
    wr32(zp + HDR_CODE32_START, LINUX_KERNEL_ADDR);
    zp[HDR_LOADFLAGS] |= CAN_USE_HEAP;
    zp[HDR_HEAP_END_PTR] = 0x00; /* heap end 0xFE00 relative to the setup segment */
    zp[HDR_HEAP_END_PTR + 1] = 0xFE;
    wr32(zp + HDR_CMD_LINE_PTR, LINUX_CMDLINE_ADDR);
    wr32(zp + HDR_RAMDISK_IMAGE, initrd_addr);
    wr32(zp + HDR_RAMDISK_SIZE, initrd ? (uint32_t)initrd_len : 0);
    wr32(zp + BP_ALT_MEM_K, (uint32_t)((ram - 0x100000) >> 10));
    fill_e820(zp, ram);

    mmu_phys_write(mem, LINUX_ZERO_PAGE, zp, sizeof(zp));
    mmu_phys_write(mem, LINUX_CMDLINE_ADDR, cmdline, cmdlen);
    mmu_phys_write(mem, LINUX_KERNEL_ADDR, k + setup_len, pm_len);
    if (initrd)
        mmu_phys_write(mem, initrd_addr, initrd, initrd_len);
    write_gdt(mem);
    *out = (struct linux_entry){.eip = LINUX_KERNEL_ADDR,
                                .esi = LINUX_ZERO_PAGE,
                                .gdt_base = LINUX_GDT_ADDR,
                                .gdt_limit = 31};
    return true;
}
