/* Linux boot protocol loader: the Debian i386 installer kernel (when the
 * debian-installer-12-netboot-i386 package is there) and synthetic images:
 * zero page fields, e820, command line, initrd placement, refusals. */
#include "hw/pc/linuxboot.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RAM           (256u << 20)
#define DEBIAN_KERNEL "/usr/lib/debian-installer/images/12/i386/text/debian-installer/i386/linux"

static struct mmu_phys_space *mem;
static uint8_t img[0x4000];

static void setup(void)
{
    mem = mmu_phys_new(RAM);
    ck_assert_ptr_nonnull(mmu_phys_map_ram(mem, 0, RAM, 0, 0));
}

static void teardown(void)
{
    mmu_phys_free(mem);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* A minimal bzImage: 4 setup sectors + 1 boot sector, header version v,
 * 0x3000 - 0xA00 bytes of protected-mode code. */
static size_t make_bzimage(uint16_t version, uint8_t loadflags)
{
    memset(img, 0, sizeof(img));
    img[0x1F1] = 4;
    img[0x1FE] = 0x55;
    img[0x1FF] = 0xAA;
    img[0x200] = 0xEB;
    img[0x201] = 0x66; /* header up to 0x268 */
    memcpy(img + 0x202, "HdrS", 4);
    img[0x206] = (uint8_t)version;
    img[0x207] = (uint8_t)(version >> 8);
    img[0x211] = loadflags;
    put32(img + 0x214, 0x100000);
    put32(img + 0x22C, 0x37FFFFFF);
    put32(img + 0x238, 255);
    put32(img + 0x260, 0x400000); /* init_size: 4 MiB */
    for (int i = 0xA00; i < 0x3000; i++)
        img[i] = (uint8_t)(i * 3);
    return 0x3000;
}

START_TEST(linux_synthetic_image_zero_page_and_memory)
{
    size_t len = make_bzimage(0x20F, 0x01);
    uint8_t initrd[5000];
    memset(initrd, 0x7E, sizeof(initrd));
    struct linux_entry e;
    char err[200];
    ck_assert_msg(linux_load(mem, RAM, img, len, initrd, sizeof(initrd), "console=ttyS0 quiet", &e,
                             err, sizeof(err)),
                  "%s", err);
    ck_assert_uint_eq(e.eip, 0x100000);
    ck_assert_uint_eq(e.esi, LINUX_ZERO_PAGE);
    ck_assert_uint_eq(mmu_phys_load(mem, 0x100000, 1), (uint8_t)(0xA00 * 3));
    ck_assert_uint_eq(mmu_phys_load(mem, 0x100000 + 0x25FF, 1), (uint8_t)(0x2FFF * 3));
    uint32_t zp = LINUX_ZERO_PAGE;
    ck_assert_uint_eq(mmu_phys_load(mem, zp + 0x202, 4), 0x53726448); /* header copied */
    ck_assert_uint_eq(mmu_phys_load(mem, zp + 0x210, 1), 0xFF);
    ck_assert_uint_eq(mmu_phys_load(mem, zp + 0x211, 1), 0x81);
    char cmd[32];
    mmu_phys_read(mem, mmu_phys_load(mem, zp + 0x228, 4), cmd, sizeof(cmd));
    ck_assert_str_eq(cmd, "console=ttyS0 quiet");
    uint32_t rd_addr = (uint32_t)mmu_phys_load(mem, zp + 0x218, 4);
    ck_assert_uint_eq(mmu_phys_load(mem, zp + 0x21C, 4), sizeof(initrd));
    ck_assert_uint_eq(rd_addr & 0xFFF, 0);
    ck_assert_uint_le(rd_addr + sizeof(initrd), RAM);
    ck_assert_uint_ge(rd_addr, 0x100000 + 0x400000); /* above init_size */
    ck_assert_uint_eq(mmu_phys_load(mem, rd_addr + 4999, 1), 0x7E);
    ck_assert_uint_eq(mmu_phys_load(mem, zp + 0x1E8, 1), 4); /* e820 entries */
    ck_assert_uint_eq(mmu_phys_load(mem, zp + 0x2D0 + 60, 8), 0x100000);
    ck_assert_uint_eq(mmu_phys_load(mem, zp + 0x2D0 + 68, 8), RAM - 0x100000);
    ck_assert_uint_eq(mmu_phys_load(mem, zp + 0x2D0 + 76, 4), 1);
    /* Boot GDT: flat code at 0x10, data at 0x18. */
    ck_assert_uint_eq(mmu_phys_load(mem, e.gdt_base + 0x10, 8), 0x00CF9B000000FFFFull);
    ck_assert_uint_eq(mmu_phys_load(mem, e.gdt_base + 0x18, 8), 0x00CF93000000FFFFull);
}
END_TEST

START_TEST(linux_refuses_what_it_cannot_boot)
{
    struct linux_entry e;
    char err[200];
    size_t len = make_bzimage(0x204, 0x01);
    ck_assert(!linux_load(mem, RAM, img, len, NULL, 0, "", &e, err, sizeof(err)));
    ck_assert_str_eq(err, "boot protocol 2.04  is not supported (need a bzImage, >= 2.06)");
    len = make_bzimage(0x20F, 0x00);
    ck_assert(!linux_load(mem, RAM, img, len, NULL, 0, "", &e, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "zImage"));
    len = make_bzimage(0x20F, 0x01);
    char longcmd[300];
    memset(longcmd, 'a', sizeof(longcmd) - 1);
    longcmd[sizeof(longcmd) - 1] = 0;
    ck_assert(!linux_load(mem, RAM, img, len, NULL, 0, longcmd, &e, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "command line"));
    static uint8_t big[8 << 20];
    ck_assert(!linux_load(mem, 12u << 20, img, len, big, sizeof(big), "", &e, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "initrd"));
    img[0x1F1] = 200; /* setup beyond the file */
    ck_assert(!linux_load(mem, RAM, img, len, NULL, 0, "", &e, err, sizeof(err)));
    ck_assert(!linux_load(mem, RAM, img, 0x100, NULL, 0, "", &e, err, sizeof(err)));
    ck_assert_str_eq(err, "not a Linux bzImage (no boot flag or HdrS header)");
}
END_TEST

START_TEST(linux_random_header_corruption_is_safe)
{
    uint32_t r = 5;
    for (int i = 0; i < 20000; i++) {
        size_t len = make_bzimage(0x20F, 0x01);
        for (int k = 0; k < 4; k++) {
            r = r * 1664525u + 1013904223u;
            img[0x1F0 + (r >> 8) % 0x80] ^= (uint8_t)(r >> 24);
        }
        struct linux_entry e;
        char err[200];
        (void)linux_load(mem, RAM, img, len, NULL, 0, "x", &e, err, sizeof(err));
    }
    ck_assert_uint_eq(mmu_phys_ram_size(mem), RAM);
}
END_TEST

START_TEST(linux_debian_installer_kernel_loads)
{
    FILE *f = fopen(DEBIAN_KERNEL, "rb");
    if (!f) {
        fprintf(stderr, "SKIP-NOTE: %s missing (package debian-installer-12-netboot-i386)\n",
                DEBIAN_KERNEL);
        ck_abort_msg("the Debian installer kernel is missing; cmake/setup-deps.sh installs it");
    }
    fseek(f, 0, SEEK_END);
    size_t len = (size_t)ftell(f);
    rewind(f);
    uint8_t *k = malloc(len);
    ck_assert_uint_eq(fread(k, 1, len, f), len);
    fclose(f);
    ck_assert(linux_probe(k, len));
    struct linux_entry e;
    char err[200];
    ck_assert_msg(linux_load(mem, RAM, k, len, NULL, 0, "console=ttyS0", &e, err, sizeof(err)),
                  "%s", err);
    size_t setup = (k[0x1F1] + 1) * 512u;
    ck_assert_uint_eq(mmu_phys_load(mem, 0x100000, 4), (uint32_t)k[setup] | k[setup + 1] << 8 |
                                                           k[setup + 2] << 16 |
                                                           (uint32_t)k[setup + 3] << 24);
    ck_assert_uint_ge(mmu_phys_load(mem, LINUX_ZERO_PAGE + 0x206, 2), 0x206);
    free(k);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("hw_linuxboot");
    TCase *tc = tcase_create("linuxboot");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, linux_synthetic_image_zero_page_and_memory);
    tcase_add_test(tc, linux_refuses_what_it_cannot_boot);
    tcase_add_test(tc, linux_random_header_corruption_is_safe);
    tcase_add_test(tc, linux_debian_installer_kernel_loads);
    suite_add_tcase(s, tc);
    return s;
}
