/* Multiboot v1: header search, ELF32 program headers or the a.out kludge,
 * and the information structure. Every offset and size from the file is
 * checked before use; nothing is written outside RAM. */
#include "multiboot.h"

#include <stdio.h>
#include <string.h>

#define MB_FLAG_PAGE_ALIGN 0x1u
#define MB_FLAG_MEMINFO    0x2u
#define MB_FLAG_VIDEO      0x4u
#define MB_FLAG_AOUT       0x10000u
#define MB_INFO_MEM        0x1u
#define MB_INFO_CMDLINE    0x4u
#define MB_INFO_MMAP       0x40u
#define MB_INFO_LOADER     0x200u

struct mb_header {
    size_t offset; /* in the file */
    uint32_t flags;
    uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static bool find_header(const uint8_t *data, size_t len, struct mb_header *h)
{
    size_t limit = len < MULTIBOOT_SEARCH ? len : MULTIBOOT_SEARCH;
    for (size_t off = 0; off + 12 <= limit; off += 4) {
        uint32_t magic = rd32(data + off), flags = rd32(data + off + 4);
        if (magic != MULTIBOOT_HEADER_MAGIC || magic + flags + rd32(data + off + 8) != 0)
            continue;
        *h = (struct mb_header){.offset = off, .flags = flags};
        if (flags & MB_FLAG_AOUT) {
            if (off + 32 > len)
                return false;
            h->header_addr = rd32(data + off + 12);
            h->load_addr = rd32(data + off + 16);
            h->load_end_addr = rd32(data + off + 20);
            h->bss_end_addr = rd32(data + off + 24);
            h->entry_addr = rd32(data + off + 28);
        }
        return true;
    }
    return false;
}

bool multiboot_probe(const uint8_t *data, size_t len)
{
    struct mb_header h;
    return find_header(data, len, &h);
}

static bool in_ram(uint64_t addr, uint64_t size, uint64_t ram)
{
    return addr < ram && size <= ram - addr;
}

/* Copies filesz bytes and zero-fills up to memsz at paddr. */
static bool place(struct mmu_phys_space *mem, uint64_t ram, uint64_t paddr, const uint8_t *src,
                  uint64_t filesz, uint64_t memsz, char *err, size_t errlen)
{
    if (!in_ram(paddr, memsz, ram) || paddr < MULTIBOOT_INFO_END) {
        snprintf(err, errlen, "kernel segment at %#llx (%llu bytes) is outside usable RAM",
                 (unsigned long long)paddr, (unsigned long long)memsz);
        return false;
    }
    mmu_phys_write(mem, paddr, src, (size_t)filesz);
    static const uint8_t zeros[4096];
    for (uint64_t done = filesz; done < memsz;) {
        uint64_t n = memsz - done < sizeof(zeros) ? memsz - done : sizeof(zeros);
        mmu_phys_write(mem, paddr + done, zeros, (size_t)n);
        done += n;
    }
    return true;
}

static bool load_elf(struct mmu_phys_space *mem, uint64_t ram, const uint8_t *d, size_t len,
                     uint32_t *entry, char *err, size_t errlen)
{
    if (len < 52 || memcmp(d, "\177ELF", 4) != 0 || d[4] != 1 || d[5] != 1 || rd16(d + 18) != 3 ||
        rd16(d + 16) != 2) {
        snprintf(err, errlen, "not a 32-bit little-endian i386 ELF executable");
        return false;
    }
    uint32_t phoff = rd32(d + 28);
    uint16_t phentsize = rd16(d + 42), phnum = rd16(d + 44);
    if (phentsize < 32 || phnum == 0 || phoff > len || (uint64_t)phentsize * phnum > len - phoff) {
        snprintf(err, errlen, "ELF program headers are outside the file");
        return false;
    }
    int loaded = 0;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = d + phoff + (size_t)i * phentsize;
        if (rd32(ph) != 1) /* PT_LOAD */
            continue;
        uint32_t off = rd32(ph + 4), paddr = rd32(ph + 12), filesz = rd32(ph + 16),
                 memsz = rd32(ph + 20);
        if (filesz > memsz || off > len || filesz > len - off) {
            snprintf(err, errlen, "ELF segment %u is outside the file", i);
            return false;
        }
        if (!place(mem, ram, paddr, d + off, filesz, memsz, err, errlen))
            return false;
        loaded++;
    }
    if (!loaded) {
        snprintf(err, errlen, "ELF file has no loadable segment");
        return false;
    }
    *entry = rd32(d + 24);
    return true;
}

/* The a.out kludge: the file from header_addr's offset on is loaded at
 * load_addr up to load_end_addr (0: end of file), bss zeroed to bss_end_addr. */
static bool load_aout(struct mmu_phys_space *mem, uint64_t ram, const uint8_t *d, size_t len,
                      const struct mb_header *h, uint32_t *entry, char *err, size_t errlen)
{
    if (h->header_addr < h->load_addr || h->header_addr - h->load_addr > h->offset) {
        snprintf(err, errlen, "Multiboot header addresses are inconsistent");
        return false;
    }
    size_t file_off = h->offset - (h->header_addr - h->load_addr);
    uint64_t filesz = h->load_end_addr ? (uint64_t)h->load_end_addr - h->load_addr : len - file_off;
    if (h->load_end_addr && h->load_end_addr < h->load_addr)
        filesz = UINT64_MAX;
    if (filesz > len - file_off) {
        snprintf(err, errlen, "Multiboot load range is beyond the end of the file");
        return false;
    }
    uint64_t memsz = filesz;
    if (h->bss_end_addr) {
        if (h->bss_end_addr < h->load_addr + filesz) {
            snprintf(err, errlen, "Multiboot bss ends before the loaded image");
            return false;
        }
        memsz = (uint64_t)h->bss_end_addr - h->load_addr;
    }
    if (!place(mem, ram, h->load_addr, d + file_off, filesz, memsz, err, errlen))
        return false;
    *entry = h->entry_addr;
    return true;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Information structure at MULTIBOOT_INFO_ADDR, then the memory map, the
 * command line and the loader name. */
static bool write_info(struct mmu_phys_space *mem, uint64_t ram, const char *cmdline, char *err,
                       size_t errlen)
{
    uint8_t info[88] = {0};
    uint32_t mmap_addr = MULTIBOOT_INFO_ADDR + sizeof(info);
    uint8_t mmap[2][24] = {{0}};
    uint64_t regions[2][2] = {{0, 0x9FC00}, {0x100000, ram - 0x100000}};
    for (int i = 0; i < 2; i++) {
        put32(mmap[i], 20);
        put32(mmap[i] + 4, (uint32_t)regions[i][0]);
        put32(mmap[i] + 8, (uint32_t)(regions[i][0] >> 32));
        put32(mmap[i] + 12, (uint32_t)regions[i][1]);
        put32(mmap[i] + 16, (uint32_t)(regions[i][1] >> 32));
        put32(mmap[i] + 20, 1); /* available RAM */
    }
    static const char loader[] = "jit86";
    uint32_t loader_addr = mmap_addr + sizeof(mmap);
    uint32_t cmd_addr = loader_addr + sizeof(loader);
    size_t cmdlen = strlen(cmdline) + 1;
    if (cmd_addr + cmdlen > MULTIBOOT_INFO_END) {
        snprintf(err, errlen, "kernel command line is too long (%zu bytes)", cmdlen - 1);
        return false;
    }
    put32(info, MB_INFO_MEM | MB_INFO_CMDLINE | MB_INFO_MMAP | MB_INFO_LOADER);
    put32(info + 4, 640);                                /* mem_lower, KiB */
    put32(info + 8, (uint32_t)((ram - 0x100000) >> 10)); /* mem_upper, KiB above 1 MiB */
    put32(info + 16, cmd_addr);
    put32(info + 44, sizeof(mmap));
    put32(info + 48, mmap_addr);
    put32(info + 64, loader_addr);
    mmu_phys_write(mem, MULTIBOOT_INFO_ADDR, info, sizeof(info));
    mmu_phys_write(mem, mmap_addr, mmap, sizeof(mmap));
    mmu_phys_write(mem, loader_addr, loader, sizeof(loader));
    mmu_phys_write(mem, cmd_addr, cmdline, cmdlen);
    return true;
}

bool multiboot_load(struct mmu_phys_space *mem, uint64_t ram_size, const uint8_t *data, size_t len,
                    const char *cmdline, struct multiboot_entry *out, char *err, size_t errlen)
{
    struct mb_header h;
    if (!find_header(data, len, &h)) {
        snprintf(err, errlen, "no Multiboot header in the first 8 KiB");
        return false;
    }
    /* Required features (bits 0-15) beyond page alignment and memory info:
     * video modes are not offered, as QEMU's loader does not either. */
    uint32_t entry;
    bool ok = (h.flags & MB_FLAG_AOUT)
                  ? load_aout(mem, ram_size, data, len, &h, &entry, err, errlen)
                  : load_elf(mem, ram_size, data, len, &entry, err, errlen);
    if (!ok || !write_info(mem, ram_size, cmdline ? cmdline : "", err, errlen))
        return false;
    *out = (struct multiboot_entry){
        .eip = entry, .eax = MULTIBOOT_BOOT_MAGIC, .ebx = MULTIBOOT_INFO_ADDR};
    return true;
}
