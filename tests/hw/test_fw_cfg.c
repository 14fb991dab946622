/* fw_cfg: signature and ID through the ports, the file directory, DMA reads
 * with select/skip, zeros past the end, refused writes, hostile descriptors. */
#include "hw/pc/fw_cfg.h"

#include <check.h>
#include <string.h>

static struct mmu_phys_space *mem;
static struct mmu_io_space *io;
static struct fw_cfg fw;

static void setup(void)
{
    mem = mmu_phys_new(1 << 20);
    ck_assert_ptr_nonnull(mmu_phys_map_ram(mem, 0, 1 << 20, 0, 0));
    io = mmu_io_new();
    fw_cfg_init(&fw, mem);
    ck_assert(fw_cfg_register_io(&fw, io));
}

static void teardown(void)
{
    fw_cfg_free(&fw);
    mmu_io_free(io);
    mmu_phys_free(mem);
}

static void sel(uint16_t key)
{
    mmu_io_write(io, 0x510, key, 2);
}

static uint8_t rd8(void)
{
    return (uint8_t)mmu_io_read(io, 0x511, 1);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* Writes a DMA descriptor at desc and starts it. */
static void dma(uint32_t desc, uint32_t control, uint32_t len, uint64_t addr)
{
    uint8_t d[16] = {(uint8_t)(control >> 24), (uint8_t)(control >> 16),
                     (uint8_t)(control >> 8),  (uint8_t)control,
                     (uint8_t)(len >> 24),     (uint8_t)(len >> 16),
                     (uint8_t)(len >> 8),      (uint8_t)len};
    for (int i = 0; i < 8; i++)
        d[8 + i] = (uint8_t)(addr >> (56 - 8 * i));
    mmu_phys_write(mem, desc, d, 16);
    mmu_io_write(io, 0x514, __builtin_bswap32((uint32_t)0), 4);
    mmu_io_write(io, 0x518, __builtin_bswap32(desc), 4);
}

START_TEST(fw_cfg_signature_and_id)
{
    sel(FW_CFG_SIGNATURE);
    char sig[5] = {(char)rd8(), (char)rd8(), (char)rd8(), (char)rd8(), 0};
    ck_assert_str_eq(sig, "QEMU");
    ck_assert_uint_eq(rd8(), 0); /* past the end */
    sel(FW_CFG_ID);
    ck_assert_uint_eq(rd8(), 3); /* traditional + DMA */
}
END_TEST

START_TEST(fw_cfg_numbers_are_little_endian)
{
    ck_assert(fw_cfg_add_i64(&fw, FW_CFG_RAM_SIZE, 0x0102030405060708ull));
    ck_assert(fw_cfg_add_i16(&fw, FW_CFG_NB_CPUS, 1));
    sel(FW_CFG_RAM_SIZE);
    ck_assert_uint_eq(rd8(), 0x08);
    ck_assert_uint_eq(rd8(), 0x07);
    sel(FW_CFG_NB_CPUS);
    ck_assert_uint_eq(mmu_io_read(io, 0x511, 1), 1);
    ck_assert(!fw_cfg_add_i32(&fw, 0x7000, 1)); /* no such key */
    ck_assert(!fw_cfg_add_i32(&fw, FW_CFG_FILE_DIR, 1));
}
END_TEST

START_TEST(fw_cfg_file_directory_sorted_big_endian)
{
    ck_assert(fw_cfg_add_file(&fw, "etc/e820", "0123456789abcdefghij", 20));
    ck_assert(fw_cfg_add_file(&fw, "bootorder", "/pci@i0cf8/ide@1,1/drive@0/disk@0\n", 35));
    ck_assert(!fw_cfg_add_file(&fw, "bootorder", "x", 1));
    sel(FW_CFG_FILE_DIR);
    uint8_t d[4 + 128];
    for (size_t i = 0; i < sizeof(d); i++)
        d[i] = rd8();
    ck_assert_uint_eq(be32(d), 2);
    ck_assert_str_eq((char *)d + 4 + 8, "bootorder");
    ck_assert_uint_eq(be32(d + 4), 35);
    ck_assert_uint_eq(d[4 + 4] << 8 | d[4 + 5], 0x21);
    ck_assert_str_eq((char *)d + 68 + 8, "etc/e820");
    ck_assert_uint_eq(d[68 + 4] << 8 | d[68 + 5], 0x20);
    sel(0x20);
    ck_assert_uint_eq(rd8(), '0');
}
END_TEST

START_TEST(fw_cfg_dma_select_skip_read_and_zero_fill)
{
    ck_assert(fw_cfg_add_file(&fw, "etc/test", "HELLOWORLD", 10));
    uint8_t buf[16];
    memset(buf, 0xAA, sizeof(buf));
    mmu_phys_write(mem, 0x2000, buf, sizeof(buf));
    dma(0x1000, 0x0020u << 16 | 0x08 | 0x04, 5, 0); /* select + skip 5 */
    uint8_t ctl[4];
    mmu_phys_read(mem, 0x1000, ctl, 4);
    ck_assert_uint_eq(be32(ctl), 0);
    dma(0x1000, 0x02, 8, 0x2000); /* read 8: 5 bytes, then zeros */
    mmu_phys_read(mem, 0x2000, buf, sizeof(buf));
    ck_assert_mem_eq(buf, "WORLD\0\0\0\xAA", 9);
    mmu_phys_read(mem, 0x1000, ctl, 4);
    ck_assert_uint_eq(be32(ctl), 0);
    dma(0x1000, 0x10, 4, 0x2000); /* write: refused */
    mmu_phys_read(mem, 0x1000, ctl, 4);
    ck_assert_uint_eq(be32(ctl), 1);
}
END_TEST

START_TEST(fw_cfg_hostile_dma_is_bounded)
{
    ck_assert(fw_cfg_add_file(&fw, "etc/x", "abc", 3));
    dma(0xFFFF8, 0x0020u << 16 | 0x0A, 3, 0xFFFFFFFFFFFFFF00ull); /* descriptor spans the end */
    dma(0x1000, 0x0020u << 16 | 0x0A, 0x100000, 0xFFFFF);         /* runs past RAM */
    uint8_t ctl[4];
    mmu_phys_read(mem, 0x1000, ctl, 4);
    ck_assert_uint_eq(be32(ctl), 0);
    mmu_io_write(io, 0x518, 0x1000, 2); /* not a 32-bit write: ignored */
    sel(0x7777);
    ck_assert_uint_eq(rd8(), 0);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("hw_fw_cfg");
    TCase *tc = tcase_create("fw_cfg");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, fw_cfg_signature_and_id);
    tcase_add_test(tc, fw_cfg_numbers_are_little_endian);
    tcase_add_test(tc, fw_cfg_file_directory_sorted_big_endian);
    tcase_add_test(tc, fw_cfg_dma_select_skip_read_and_zero_fill);
    tcase_add_test(tc, fw_cfg_hostile_dma_is_bounded);
    suite_add_tcase(s, tc);
    return s;
}
