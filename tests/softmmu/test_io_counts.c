/* Accounting of device accesses (info stats): port ranges and MMIO regions
 * count the accesses handed to them and their bytes, as the CPU made them. */
#include "softmmu/softmmu.h"

#include <check.h>

static uint64_t dev_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)opaque;
    (void)offset;
    (void)size;
    return 0;
}

static void dev_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    (void)opaque;
    (void)offset;
    (void)value;
    (void)size;
}

static const struct mmu_io_ops byte_ops = {dev_read, dev_write, MMU_WIDTH_1};

/* What a foreach reported for one opaque, summed over its ranges. */
struct seen {
    const void *want;
    unsigned ranges;
    uint64_t base;
    struct mmu_io_counts sum;
};

static void collect(void *ctx, const void *opaque, uint64_t base, uint64_t len,
                    const struct mmu_io_counts *c)
{
    struct seen *s = ctx;
    (void)len;
    if (opaque != s->want)
        return;
    s->ranges++;
    s->base = base;
    s->sum.reads += c->reads;
    s->sum.writes += c->writes;
    s->sum.read_bytes += c->read_bytes;
    s->sum.write_bytes += c->write_bytes;
}

static struct seen port_counts(struct mmu_io_space *io, const void *dev)
{
    struct seen s = {.want = dev};
    mmu_io_foreach_counts(io, collect, &s);
    return s;
}

START_TEST(port_range_counts_accesses_and_bytes_as_made)
{
    int a, b;
    struct mmu_io_space *io = mmu_io_new();
    ck_assert(mmu_io_register(io, 0x60, 1, &byte_ops, &a));
    ck_assert(mmu_io_register(io, 0x64, 1, &byte_ops, &a));
    ck_assert(mmu_io_register(io, 0x3f8, 8, &byte_ops, &b));
    mmu_io_read(io, 0x60, 1);
    mmu_io_read(io, 0x64, 1);
    mmu_io_write(io, 0x60, 0xf4, 1);
    /* A word to a byte-wide device is one access of two bytes. */
    mmu_io_write(io, 0x3f8, 0x1234, 2);
    mmu_io_read(io, 0x3f8, 4);
    struct seen sa = port_counts(io, &a), sb = port_counts(io, &b);
    ck_assert_uint_eq(sa.ranges, 2);
    ck_assert_uint_eq(sa.sum.reads, 2);
    ck_assert_uint_eq(sa.sum.writes, 1);
    ck_assert_uint_eq(sa.sum.read_bytes, 2);
    ck_assert_uint_eq(sa.sum.write_bytes, 1);
    ck_assert_uint_eq(sb.sum.reads, 1);
    ck_assert_uint_eq(sb.sum.read_bytes, 4);
    ck_assert_uint_eq(sb.sum.writes, 1);
    ck_assert_uint_eq(sb.sum.write_bytes, 2);
    mmu_io_free(io);
}
END_TEST

START_TEST(unassigned_ports_count_nowhere)
{
    int a;
    struct mmu_io_space *io = mmu_io_new();
    ck_assert(mmu_io_register(io, 0x80, 1, &byte_ops, &a));
    mmu_io_read(io, 0x81, 1);
    mmu_io_write(io, 0x82, 0, 4);
    /* A word across 0x80/0x81: only the byte at 0x80 reaches the device. */
    mmu_io_read(io, 0x80, 2);
    struct seen s = port_counts(io, &a);
    ck_assert_uint_eq(s.sum.reads, 1);
    ck_assert_uint_eq(s.sum.read_bytes, 1);
    ck_assert_uint_eq(s.sum.writes, 0);
    mmu_io_free(io);
}
END_TEST

START_TEST(moved_port_range_keeps_counting)
{
    int bar;
    struct mmu_io_space *io = mmu_io_new();
    ck_assert(mmu_io_register(io, 0xc000, 16, &byte_ops, &bar));
    mmu_io_write(io, 0xc000, 1, 1);
    mmu_io_write(io, 0xc001, 1, 1);
    mmu_io_unregister(io, 0xc000);
    ck_assert(mmu_io_register(io, 0xd000, 16, &byte_ops, &bar));
    mmu_io_write(io, 0xd000, 1, 1);
    struct seen s = port_counts(io, &bar);
    ck_assert_uint_eq(s.ranges, 1);
    ck_assert_uint_eq(s.base, 0xd000);
    ck_assert_uint_eq(s.sum.writes, 3);
    mmu_io_free(io);
}
END_TEST

START_TEST(mmio_region_counts_cpu_and_dma_accesses)
{
    int dev;
    struct mmu_phys_space *m = mmu_phys_new(1 << 20);
    ck_assert_ptr_nonnull(mmu_phys_map_ram(m, 0, 1 << 20, 0, 0));
    ck_assert_ptr_nonnull(mmu_phys_map_mmio(m, 0xfebf0000, 0x1000, &byte_ops, &dev, 1));
    mmu_phys_load(m, 0xfebf0010, 4);
    mmu_phys_store(m, 0xfebf0010, 7, 1);
    uint8_t buf[3] = {0};
    mmu_phys_write(m, 0xfebf0020, buf, sizeof(buf)); /* bulk: byte by byte */
    mmu_phys_load(m, 0x1000, 4);                     /* RAM: not counted */
    struct seen s = {.want = &dev};
    mmu_phys_foreach_mmio_counts(m, collect, &s);
    ck_assert_uint_eq(s.ranges, 1);
    ck_assert_uint_eq(s.base, 0xfebf0000);
    ck_assert_uint_eq(s.sum.reads, 1);
    ck_assert_uint_eq(s.sum.read_bytes, 4);
    ck_assert_uint_eq(s.sum.writes, 4);
    ck_assert_uint_eq(s.sum.write_bytes, 4);
    mmu_phys_free(m);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("softmmu_io_counts");
    TCase *tc = tcase_create("io_counts");
    tcase_add_test(tc, port_range_counts_accesses_and_bytes_as_made);
    tcase_add_test(tc, unassigned_ports_count_nowhere);
    tcase_add_test(tc, moved_port_range_keeps_counting);
    tcase_add_test(tc, mmio_region_counts_cpu_and_dma_accesses);
    suite_add_tcase(s, tc);
    return s;
}
