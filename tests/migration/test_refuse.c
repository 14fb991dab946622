/* The loader refuses what does not fit, with one line, before it changes
 * anything: other RAM size, other CPU, truncation, corruption, a stream
 * from another format version or with a field this build describes otherwise. */
#include "machine.h"

#include <zlib.h>

static struct test_machine src, dst;
static struct vms_buf stream;

static void setup(void)
{
    test_bios_create();
    test_machine_new(&src, 16 << 20);
    mmu_phys_ram(src.pc->mem)[0x5000] = 0x11;
    cpu_env(src.cpu)->regs[X86_EBX] = 0xB0B0;
    stream = (struct vms_buf){0};
    test_machine_save(&src, &stream);
}

static void teardown(void)
{
    vms_buf_free(&stream);
    test_machine_free(&src);
    test_bios_remove();
}

/* dst gets a marker in RAM, a CPU register and a device register that a
 * refused load must leave alone. */
static void mark(struct test_machine *m)
{
    mmu_phys_ram(m->pc->mem)[0x5000] = 0x99;
    cpu_env(m->cpu)->regs[X86_EBX] = 0x5555;
    mmu_io_write(m->pc->io, 0x3FF, 0x66, 1);
}

static void assert_untouched(struct test_machine *m)
{
    ck_assert_uint_eq(mmu_phys_ram(m->pc->mem)[0x5000], 0x99);
    ck_assert_uint_eq(cpu_env(m->cpu)->regs[X86_EBX], 0x5555);
    ck_assert_uint_eq(mmu_io_read(m->pc->io, 0x3FF, 1), 0x66);
}

static void fix_crc(struct vms_buf *b)
{
    uint32_t c = (uint32_t)crc32(0, b->data, (uInt)(b->len - 4));
    for (int i = 0; i < 4; i++)
        b->data[b->len - 4 + i] = (uint8_t)(c >> (8 * i));
}

static void expect_refused(struct vms_buf *b, const char *want)
{
    char err[256] = "";
    test_machine_new(&dst, 16 << 20);
    mark(&dst);
    ck_assert(!test_machine_load(&dst, b, err, sizeof(err)));
    ck_assert_ptr_null(strchr(err, '\n'));
    if (want)
        ck_assert_str_eq(err, want);
    else
        ck_assert_uint_gt(strlen(err), 10);
    assert_untouched(&dst);
    test_machine_free(&dst);
}

START_TEST(a_good_stream_loads)
{
    char err[256] = "";
    test_machine_new(&dst, 16 << 20);
    mark(&dst);
    ck_assert_msg(test_machine_load(&dst, &stream, err, sizeof(err)), "%s", err);
    ck_assert_uint_eq(mmu_phys_ram(dst.pc->mem)[0x5000], 0x11);
    ck_assert_uint_eq(cpu_env(dst.cpu)->regs[X86_EBX], 0xB0B0);
    test_machine_free(&dst);
}
END_TEST

START_TEST(different_ram_size_is_refused)
{
    char err[256] = "";
    test_machine_new(&dst, 32 << 20);
    mark(&dst);
    ck_assert(!test_machine_load(&dst, &stream, err, sizeof(err)));
    ck_assert_str_eq(err, "machine state has 16 MiB of ram, this machine 32 MiB");
    assert_untouched(&dst);
    test_machine_free(&dst);
}
END_TEST

START_TEST(different_cpu_model_is_refused)
{
    char err[256] = "";
    test_machine_new(&dst, 16 << 20);
    mark(&dst);
    ck_assert(!vms_pc_load(dst.pc, dst.cpu, "pentium2", dst.features, stream.data, stream.len, err,
                           sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "machine state is for CPU 'pentium3'"));
    assert_untouched(&dst);
    test_machine_free(&dst);
}
END_TEST

START_TEST(truncated_streams_are_refused)
{
    size_t full = stream.len;
    for (size_t cut = 0; cut < full; cut += full / 97 + 1) {
        stream.len = cut;
        expect_refused(&stream, NULL);
    }
    stream.len = full - 1;
    expect_refused(&stream, "machine state is truncated (no trailer)");
    stream.len = full;
}
END_TEST

START_TEST(corrupted_byte_fails_the_checksum)
{
    stream.data[stream.len / 2] ^= 0x40;
    expect_refused(&stream, "machine state is corrupt (checksum mismatch)");
}
END_TEST

START_TEST(other_stream_version_is_refused)
{
    stream.data[8] = 9;
    fix_crc(&stream);
    expect_refused(&stream, "machine state stream version 9 not supported (this build: 1)");
}
END_TEST

START_TEST(field_described_differently_is_named)
{
    /* The first section's schema starts after the header: find pci-device's
     * first field name "config" and rename it. */
    uint8_t *p = memmem(stream.data, stream.len, "config", 6);
    ck_assert_ptr_nonnull(p);
    p[0] = 'C';
    fix_crc(&stream);
    expect_refused(&stream, "pci-device.config: field differs in the stream (type, count or name)");
}
END_TEST

START_TEST(not_a_state_file_is_refused)
{
    memcpy(stream.data, "QEVM\0\0\0\3", 8);
    expect_refused(&stream, "not a jit86 machine state stream");
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("migration_refuse");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, a_good_stream_loads);
    tcase_add_test(tc, different_ram_size_is_refused);
    tcase_add_test(tc, different_cpu_model_is_refused);
    tcase_add_test(tc, truncated_streams_are_refused);
    tcase_add_test(tc, corrupted_byte_fails_the_checksum);
    tcase_add_test(tc, other_stream_version_is_refused);
    tcase_add_test(tc, field_described_differently_is_named);
    tcase_add_test(tc, not_a_state_file_is_refused);
    suite_add_tcase(s, tc);
    return s;
}
