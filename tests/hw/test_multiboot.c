/* Multiboot loader: ELF and a.out-kludge images land at their addresses with
 * bss zeroed, the information structure is what the spec says, and malformed
 * images are refused with one line. */
#include "hw/pc/multiboot.h"

#include <check.h>
#include <string.h>

#define RAM (16u << 20)

static struct mmu_phys_space *mem;
static uint8_t img[0x3000];

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

/* An ELF with one PT_LOAD: file bytes 0x1000..0x1FFF at 0x100000, 0x800
 * bytes of bss after them; the Multiboot header at file offset 0x1000. */
static size_t make_elf(void)
{
    memset(img, 0, sizeof(img));
    memcpy(img, "\177ELF\1\1\1", 7);
    put16(img + 16, 2); /* ET_EXEC */
    put16(img + 18, 3); /* EM_386 */
    put32(img + 20, 1);
    put32(img + 24, 0x100010); /* entry */
    put32(img + 28, 52);       /* phoff */
    put16(img + 40, 52);
    put16(img + 42, 32);
    put16(img + 44, 1);
    uint8_t *ph = img + 52;
    put32(ph, 1);
    put32(ph + 4, 0x1000);
    put32(ph + 8, 0x100000);
    put32(ph + 12, 0x100000);
    put32(ph + 16, 0x1000);
    put32(ph + 20, 0x1800);
    put32(img + 0x1000, MULTIBOOT_HEADER_MAGIC);
    put32(img + 0x1004, 0x3);
    put32(img + 0x1008, (uint32_t) - (MULTIBOOT_HEADER_MAGIC + 3));
    for (int i = 0x100C; i < 0x2000; i++)
        img[i] = (uint8_t)i;
    return 0x2000;
}

static void setup(void)
{
    mem = mmu_phys_new(RAM);
    ck_assert_ptr_nonnull(mmu_phys_map_ram(mem, 0, RAM, 0, 0));
    uint8_t junk[0x2000];
    memset(junk, 0xEE, sizeof(junk));
    mmu_phys_write(mem, 0x100000, junk, sizeof(junk));
}

static void teardown(void)
{
    mmu_phys_free(mem);
}

START_TEST(multiboot_elf_loads_segments_and_info)
{
    size_t len = make_elf();
    struct multiboot_entry e;
    char err[128];
    ck_assert(multiboot_probe(img, len));
    ck_assert_msg(multiboot_load(mem, RAM, img, len, "console=ttyS0", &e, err, sizeof(err)), "%s",
                  err);
    ck_assert_uint_eq(e.eip, 0x100010);
    ck_assert_uint_eq(e.eax, 0x2BADB002);
    ck_assert_uint_eq(e.ebx, MULTIBOOT_INFO_ADDR);
    ck_assert_uint_eq(mmu_phys_load(mem, 0x100000, 4), MULTIBOOT_HEADER_MAGIC);
    ck_assert_uint_eq(mmu_phys_load(mem, 0x100FFF, 1), 0xFF);
    ck_assert_uint_eq(mmu_phys_load(mem, 0x101000, 4), 0); /* bss zeroed */
    ck_assert_uint_eq(mmu_phys_load(mem, 0x1017FC, 4), 0);
    ck_assert_uint_eq(mmu_phys_load(mem, 0x101800, 1), 0xEE); /* beyond memsz untouched */
    uint32_t info = e.ebx;
    ck_assert_uint_eq(mmu_phys_load(mem, info, 4), 0x245); /* mem, cmdline, mmap, name */
    ck_assert_uint_eq(mmu_phys_load(mem, info + 4, 4), 640);
    ck_assert_uint_eq(mmu_phys_load(mem, info + 8, 4), (RAM - 0x100000) >> 10);
    char cmd[32];
    mmu_phys_read(mem, mmu_phys_load(mem, info + 16, 4), cmd, sizeof(cmd));
    ck_assert_str_eq(cmd, "console=ttyS0");
    uint32_t mmap = (uint32_t)mmu_phys_load(mem, info + 48, 4);
    ck_assert_uint_eq(mmu_phys_load(mem, info + 44, 4), 48);
    ck_assert_uint_eq(mmu_phys_load(mem, mmap, 4), 20);
    ck_assert_uint_eq(mmu_phys_load(mem, mmap + 24 + 4, 4), 0x100000);
    ck_assert_uint_eq(mmu_phys_load(mem, mmap + 24 + 12, 4), RAM - 0x100000);
    char name[8];
    mmu_phys_read(mem, mmu_phys_load(mem, info + 64, 4), name, sizeof(name));
    ck_assert_str_eq(name, "jit86");
}
END_TEST

START_TEST(multiboot_aout_kludge_uses_header_addresses)
{
    memset(img, 0, sizeof(img));
    uint8_t *h = img + 0x40;
    put32(h, MULTIBOOT_HEADER_MAGIC);
    put32(h + 4, 0x10003);
    put32(h + 8, (uint32_t) - (MULTIBOOT_HEADER_MAGIC + 0x10003));
    put32(h + 12, 0x200040); /* header_addr */
    put32(h + 16, 0x200000); /* load_addr: file offset 0 */
    put32(h + 20, 0x200100); /* load_end_addr */
    put32(h + 24, 0x200200); /* bss_end_addr */
    put32(h + 28, 0x200080); /* entry */
    img[0x80] = 0x90;
    img[0x100] = 0x77; /* beyond load_end: not loaded */
    struct multiboot_entry e;
    char err[128];
    ck_assert_msg(multiboot_load(mem, RAM, img, 0x200, NULL, &e, err, sizeof(err)), "%s", err);
    ck_assert_uint_eq(e.eip, 0x200080);
    ck_assert_uint_eq(mmu_phys_load(mem, 0x200080, 1), 0x90);
    ck_assert_uint_eq(mmu_phys_load(mem, 0x200100, 1), 0);
}
END_TEST

START_TEST(multiboot_malformed_images_are_refused)
{
    struct multiboot_entry e;
    char err[128];
    size_t len = make_elf();
    ck_assert(!multiboot_load(mem, RAM, img, 0x800, NULL, &e, err, sizeof(err)));
    ck_assert_str_eq(err, "no Multiboot header in the first 8 KiB");
    put32(img + 52 + 16, 0x100000); /* filesz past the end of the file */
    ck_assert(!multiboot_load(mem, RAM, img, len, NULL, &e, err, sizeof(err)));
    ck_assert_str_eq(err, "ELF segment 0 is outside the file");
    make_elf();
    put32(img + 52 + 12, RAM - 0x100); /* segment past RAM */
    ck_assert(!multiboot_load(mem, RAM, img, len, NULL, &e, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "outside usable RAM"));
    make_elf();
    put32(img + 52 + 12, 0x8000); /* over the information structure */
    ck_assert(!multiboot_load(mem, RAM, img, len, NULL, &e, err, sizeof(err)));
    make_elf();
    put16(img + 44, 0xFFFF); /* program headers beyond the file */
    ck_assert(!multiboot_load(mem, RAM, img, len, NULL, &e, err, sizeof(err)));
    ck_assert_str_eq(err, "ELF program headers are outside the file");
    make_elf();
    img[4] = 2; /* 64-bit ELF */
    ck_assert(!multiboot_load(mem, RAM, img, len, NULL, &e, err, sizeof(err)));
    make_elf();
    put32(img + 0x1008, 0); /* bad checksum */
    ck_assert(!multiboot_probe(img, len));
    char longcmd[40000];
    memset(longcmd, 'x', sizeof(longcmd) - 1);
    longcmd[sizeof(longcmd) - 1] = 0;
    make_elf();
    ck_assert(!multiboot_load(mem, RAM, img, len, longcmd, &e, err, sizeof(err)));
}
END_TEST

START_TEST(multiboot_random_corruption_never_escapes_ram)
{
    uint32_t r = 3;
    for (int i = 0; i < 5000; i++) {
        size_t len = make_elf();
        for (int k = 0; k < 3; k++) {
            r = r * 1664525u + 1013904223u;
            img[(r >> 8) % 0x1010] ^= (uint8_t)(r >> 24);
        }
        struct multiboot_entry e;
        char err[128];
        (void)multiboot_load(mem, RAM, img, len, "x", &e, err, sizeof(err));
    }
    ck_assert_uint_eq(mmu_phys_ram_size(mem), RAM);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("hw_multiboot");
    TCase *tc = tcase_create("multiboot");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, multiboot_elf_loads_segments_and_info);
    tcase_add_test(tc, multiboot_aout_kludge_uses_header_addresses);
    tcase_add_test(tc, multiboot_malformed_images_are_refused);
    tcase_add_test(tc, multiboot_random_corruption_never_escapes_ram);
    suite_add_tcase(s, tc);
    return s;
}
