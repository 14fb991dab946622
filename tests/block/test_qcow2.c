/* block/ through its public API: raw and qcow2 read/write, cluster sizes and
 * refcount widths, copy-on-write from backing chains, zero and compressed
 * clusters, refcount-table growth, -snapshot, loops and malformed headers. */
#include "block/block.h"
#include "util.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static char dir[256];

static void setup(void)
{
    scratch_init(dir, sizeof(dir));
}

static void teardown(void)
{
    scratch_done(dir);
}

static void path(char *out, const char *name)
{
    snprintf(out, 512, "%s/%s", dir, name);
}

static void create(const char *name, const char *fmt, uint64_t size, uint32_t cs, unsigned rbits,
                   const char *backing, const char *bfmt)
{
    char p[512];
    path(p, name);
    struct blk_create_opts o = {.format = fmt,
                                .size = size,
                                .cluster_size = cs,
                                .refcount_bits = rbits,
                                .backing_file = backing,
                                .backing_fmt = bfmt};
    struct blk_error err = {{0}};
    ck_assert_msg(blk_create(p, &o, &err) == 0, "create %s: %s", name, err.msg);
}

static struct blk *open_img(const char *name, unsigned flags)
{
    char p[512];
    path(p, name);
    struct blk_error err = {{0}};
    struct blk_open_opts oo = {.flags = flags};
    struct blk *bs = blk_open(p, &oo, &err);
    ck_assert_msg(bs != NULL, "open %s: %s", name, err.msg);
    return bs;
}

static void assert_clean(struct blk *bs)
{
    struct blk_check_result r;
    ck_assert_int_eq(blk_check(bs, 0, &r, NULL, NULL), 0);
    ck_assert_uint_eq(r.corruptions, 0);
    ck_assert_uint_eq(r.leaks, 0);
    ck_assert_uint_eq(r.check_errors, 0);
}

static void write_pattern(struct blk *bs, uint64_t off, size_t len, unsigned seed)
{
    uint8_t *buf = malloc(len);
    fill_pattern(buf, len, off, seed);
    ck_assert_int_eq(blk_write(bs, off, buf, len), 0);
    free(buf);
}

static void expect_pattern(struct blk *bs, uint64_t off, size_t len, unsigned seed)
{
    uint8_t *buf = malloc(len), *want = malloc(len);
    fill_pattern(want, len, off, seed);
    ck_assert_int_eq(blk_read(bs, off, buf, len), 0);
    ck_assert_mem_eq(buf, want, len);
    free(buf);
    free(want);
}

static void expect_zero(struct blk *bs, uint64_t off, size_t len)
{
    uint8_t *buf = malloc(len), *zero = calloc(1, len);
    ck_assert_int_eq(blk_read(bs, off, buf, len), 0);
    ck_assert_mem_eq(buf, zero, len);
    free(buf);
    free(zero);
}

START_TEST(raw_roundtrip_and_bounds)
{
    create("a.raw", "raw", 1 << 20, 0, 0, NULL, NULL);
    struct blk *bs = open_img("a.raw", 0);
    ck_assert_str_eq(blk_format_name(bs), "raw");
    ck_assert_uint_eq(blk_length(bs), 1 << 20);
    write_pattern(bs, 1000, 5000, 1);
    expect_pattern(bs, 1000, 5000, 1);
    uint8_t b[16];
    ck_assert_int_eq(blk_read(bs, (1 << 20) - 8, b, 16), -EINVAL);
    ck_assert_ptr_nonnull(strstr(blk_io_error(bs), "past the end"));
    ck_assert_int_eq(blk_close(bs), 0);
}
END_TEST

/* Every cluster size and refcount width: unaligned writes across clusters
 * read back, and the image checks clean after reopening. */
START_TEST(qcow2_roundtrip_every_cluster_size_and_refcount_width)
{
    static const uint32_t sizes[] = {512, 4096, 65536, 2u << 20};
    for (unsigned c = 0; c < 4; c++) {
        for (unsigned order = 0; order <= 6; order++) {
            create("a.qcow2", "qcow2", 8 << 20, sizes[c], 1u << order, NULL, NULL);
            struct blk *bs = open_img("a.qcow2", 0);
            write_pattern(bs, 300, 70000, order);
            write_pattern(bs, (6 << 20) + 17, 1000, order + 9);
            write_pattern(bs, 1000, 10, order + 3); /* in place, inside the first run */
            ck_assert_int_eq(blk_close(bs), 0);
            bs = open_img("a.qcow2", 0);
            assert_clean(bs);
            expect_pattern(bs, 300, 700, order);
            expect_pattern(bs, 1000, 10, order + 3);
            expect_pattern(bs, 1010, 69290, order);
            expect_pattern(bs, (6 << 20) + 17, 1000, order + 9);
            expect_zero(bs, 3 << 20, 4096);
            blk_close(bs);
        }
    }
}
END_TEST

/* 512-byte clusters with 64-bit refcounts: 64 clusters per refcount block,
 * so a few MiB of data grows the refcount table several times. */
START_TEST(qcow2_refcount_table_grows_and_stays_consistent)
{
    create("g.qcow2", "qcow2", 16 << 20, 512, 64, NULL, NULL);
    struct blk *bs = open_img("g.qcow2", 0);
    for (unsigned i = 0; i < 48; i++) {
        write_pattern(bs, (uint64_t)i * 300000, 65536, i);
    }
    assert_clean(bs);
    blk_close(bs);
    bs = open_img("g.qcow2", BLK_OPEN_READ_ONLY);
    for (unsigned i = 0; i < 48; i++) {
        expect_pattern(bs, (uint64_t)i * 300000, 65536, i);
    }
    assert_clean(bs);
    blk_close(bs);
}
END_TEST

/* base.raw <- mid.qcow2 <- top.qcow2, relative names resolved from the
 * overlay's directory; partial writes copy the rest from below. */
START_TEST(qcow2_backing_chain_with_relative_names_and_cow)
{
    char p[512];
    create("base.raw", "raw", 4 << 20, 0, 0, NULL, NULL);
    struct blk *bs = open_img("base.raw", 0);
    write_pattern(bs, 0, 4 << 20, 5);
    blk_close(bs);
    path(p, "sub");
    ck_assert_int_eq(mkdir(p, 0755), 0);
    create("sub/mid.qcow2", "qcow2", 0, 4096, 0, "../base.raw", "raw");
    create("sub/top.qcow2", "qcow2", 0, 65536, 0, "mid.qcow2", "qcow2");
    bs = open_img("sub/mid.qcow2", 0);
    write_pattern(bs, 8192, 4096, 6);
    blk_close(bs);
    bs = open_img("sub/top.qcow2", 0);
    ck_assert_uint_eq(blk_length(bs), 4 << 20);
    ck_assert_ptr_nonnull(blk_backing(blk_backing(bs)));
    write_pattern(bs, 8192 + 100, 50, 7);
    ck_assert_int_eq(blk_close(bs), 0);
    bs = open_img("sub/top.qcow2", BLK_OPEN_READ_ONLY);
    expect_pattern(bs, 0, 8192, 5);
    expect_pattern(bs, 8192, 100, 6);
    expect_pattern(bs, 8192 + 100, 50, 7);
    expect_pattern(bs, 8192 + 150, 4096 - 150, 6);
    expect_pattern(bs, 12288, 65536 - 12288, 5);
    uint64_t pnum, host;
    unsigned st, depth;
    ck_assert_int_eq(blk_block_status_chain(bs, 1 << 20, 4096, &pnum, &st, &host, &depth), 0);
    ck_assert_uint_eq(depth, 2);
    ck_assert_uint_eq(st & BLK_STATUS_DATA, BLK_STATUS_DATA);
    assert_clean(bs);
    blk_close(bs);
}
END_TEST

START_TEST(qcow2_backing_loop_is_refused)
{
    create("x.qcow2", "qcow2", 1 << 20, 0, 0, NULL, NULL);
    create("y.qcow2", "qcow2", 1 << 20, 0, 0, "x.qcow2", "qcow2");
    struct blk *bs = open_img("x.qcow2", BLK_OPEN_NO_BACKING);
    struct blk_error err;
    ck_assert_int_eq(blk_set_backing(bs, "y.qcow2", "qcow2", &err), 0);
    blk_close(bs);
    char p[512];
    path(p, "y.qcow2");
    struct blk_open_opts oo = {0};
    ck_assert_ptr_null(blk_open(p, &oo, &err));
    ck_assert_ptr_nonnull(strstr(err.msg, "loop"));
}
END_TEST

START_TEST(qcow2_zero_clusters_hide_the_backing_file)
{
    create("b.raw", "raw", 1 << 20, 0, 0, NULL, NULL);
    struct blk *bs = open_img("b.raw", 0);
    write_pattern(bs, 0, 1 << 20, 2);
    blk_close(bs);
    create("o.qcow2", "qcow2", 0, 4096, 0, "b.raw", "raw");
    bs = open_img("o.qcow2", 0);
    ck_assert_int_eq(blk_write_zeroes(bs, 4096, 3 * 4096 + 100), 0);
    expect_pattern(bs, 0, 4096, 2);
    expect_zero(bs, 4096, 3 * 4096 + 100);
    expect_pattern(bs, 4 * 4096 + 100, 4096 - 100, 2);
    uint64_t pnum, host;
    unsigned st;
    ck_assert_int_eq(blk_block_status(bs, 4096, 3 * 4096, &pnum, &st, &host), 0);
    ck_assert_uint_eq(pnum, 3 * 4096);
    ck_assert_uint_eq(st, BLK_STATUS_ZERO | BLK_STATUS_ALLOCATED);
    assert_clean(bs);
    blk_close(bs);
}
END_TEST

START_TEST(qcow2_compressed_clusters_read_back_and_are_replaced_on_write)
{
    create("c.qcow2", "qcow2", 1 << 20, 65536, 0, NULL, NULL);
    struct blk *bs = open_img("c.qcow2", 0);
    uint8_t *buf = malloc(65536);
    for (unsigned i = 0; i < 4; i++) {
        memset(buf, 'a' + i, 65536);
        fill_pattern(buf, 100, 0, i); /* some entropy, still compressible */
        ck_assert_int_eq(blk_write_compressed(bs, i * 65536, buf, 65536), 0);
    }
    uint64_t pnum, host;
    unsigned st;
    ck_assert_int_eq(blk_block_status(bs, 65536, 65536, &pnum, &st, &host), 0);
    ck_assert(st & BLK_STATUS_COMPRESSED);
    write_pattern(bs, 65536 + 10, 20, 9);
    blk_close(bs);
    bs = open_img("c.qcow2", 0);
    ck_assert_int_eq(blk_read(bs, 2 * 65536, buf, 65536), 0);
    ck_assert_uint_eq(buf[65535], 'c');
    ck_assert_int_eq(blk_read(bs, 65536, buf, 65536), 0);
    ck_assert_uint_eq(buf[100], 'b');
    ck_assert_uint_eq(buf[65535], 'b');
    expect_pattern(bs, 65536 + 10, 20, 9);
    assert_clean(bs);
    blk_close(bs);
    free(buf);
}
END_TEST

START_TEST(snapshot_mode_discards_writes_at_close)
{
    create("s.qcow2", "qcow2", 1 << 20, 0, 0, NULL, NULL);
    struct blk *bs = open_img("s.qcow2", 0);
    write_pattern(bs, 0, 8192, 1);
    blk_close(bs);
    bs = open_img("s.qcow2", BLK_OPEN_SNAPSHOT);
    ck_assert(!blk_is_read_only(bs));
    write_pattern(bs, 4096, 8192, 2);
    expect_pattern(bs, 4096, 8192, 2);
    expect_pattern(bs, 0, 4096, 1);
    blk_close(bs);
    bs = open_img("s.qcow2", BLK_OPEN_READ_ONLY);
    expect_pattern(bs, 0, 8192, 1);
    expect_zero(bs, 8192, 4096);
    blk_close(bs);
}
END_TEST

START_TEST(qcow2_resize_grow_and_shrink)
{
    create("r.qcow2", "qcow2", 1 << 20, 4096, 0, NULL, NULL);
    struct blk *bs = open_img("r.qcow2", 0);
    struct blk_error err;
    ck_assert_int_eq(blk_resize(bs, 64 << 20, false, &err), 0);
    write_pattern(bs, 60 << 20, 4096, 3);
    ck_assert_int_eq(blk_resize(bs, 2 << 20, false, &err), -EINVAL);
    ck_assert_int_eq(blk_resize(bs, 2 << 20, true, &err), 0);
    blk_close(bs);
    bs = open_img("r.qcow2", 0);
    ck_assert_uint_eq(blk_length(bs), 2 << 20);
    ck_assert_int_eq(blk_resize(bs, 64 << 20, false, &err), 0);
    expect_zero(bs, 60 << 20, 4096);
    assert_clean(bs);
    blk_close(bs);
}
END_TEST

/* Header corruption: each case is refused with a message naming the problem. */
static void corrupt_and_expect(unsigned off, const void *bytes, size_t len, const char *what)
{
    char p[512];
    create("m.qcow2", "qcow2", 1 << 20, 0, 0, NULL, NULL);
    path(p, "m.qcow2");
    int fd = open(p, O_WRONLY);
    ck_assert_int_eq(pwrite(fd, bytes, len, off), (ssize_t)len);
    close(fd);
    struct blk_error err = {{0}};
    struct blk_open_opts oo = {.flags = BLK_OPEN_READ_ONLY};
    ck_assert_ptr_null(blk_open(p, &oo, &err));
    ck_assert_msg(strstr(err.msg, what), "'%s' lacks '%s'", err.msg, what);
}

START_TEST(malformed_headers_are_refused_with_one_line)
{
    const uint8_t order7[4] = {0, 0, 0, 7};
    corrupt_and_expect(96, order7, 4, "refcount order");
    const uint8_t big_l1[4] = {0x7f, 0, 0, 0};
    corrupt_and_expect(36, big_l1, 4, "L1 table too large");
    const uint8_t l1_at_zero[8] = {0};
    corrupt_and_expect(40, l1_at_zero, 8, "overlaps the image header");
    const uint8_t bits[4] = {0, 0, 0, 30};
    corrupt_and_expect(20, bits, 4, "cluster size");
    const uint8_t rt_far[8] = {0, 0, 0, 1, 0, 0, 0, 0};
    corrupt_and_expect(48, rt_far, 8, "past the end");
}
END_TEST

START_TEST(truncated_image_is_refused)
{
    char p[512];
    create("t.qcow2", "qcow2", 1 << 20, 0, 0, NULL, NULL);
    path(p, "t.qcow2");
    ck_assert_int_eq(truncate(p, 70000), 0);
    struct blk_error err = {{0}};
    struct blk_open_opts oo = {.format = "qcow2", .flags = BLK_OPEN_READ_ONLY};
    ck_assert_ptr_null(blk_open(p, &oo, &err));
    ck_assert_ptr_nonnull(strstr(err.msg, "past the end"));
}
END_TEST

/* Snapshots share clusters: writes after a snapshot copy, apply brings the
 * old contents back, delete returns the clusters; the image stays clean. */
START_TEST(qcow2_snapshot_create_apply_delete)
{
    create("n.qcow2", "qcow2", 4 << 20, 4096, 0, NULL, NULL);
    struct blk *bs = open_img("n.qcow2", 0);
    struct blk_error err;
    write_pattern(bs, 0, 100000, 1);
    ck_assert_int_eq(blk_snapshot_create(bs, "a", &err), 0);
    ck_assert_int_eq(blk_snapshot_create(bs, "a", &err), -EEXIST);
    write_pattern(bs, 5000, 3000, 2);
    assert_clean(bs);
    ck_assert_int_eq(blk_snapshot_create(bs, "b", &err), 0);
    write_pattern(bs, 1 << 20, 5000, 3);
    ck_assert_int_eq(blk_snapshot_apply(bs, "a", &err), 0);
    expect_pattern(bs, 0, 100000, 1);
    expect_zero(bs, 1 << 20, 5000);
    assert_clean(bs);
    ck_assert_int_eq(blk_snapshot_apply(bs, "2", &err), 0); /* by id */
    expect_pattern(bs, 5000, 3000, 2);
    ck_assert_int_eq(blk_snapshot_delete(bs, "a", &err), 0);
    ck_assert_int_eq(blk_snapshot_apply(bs, "a", &err), -ENOENT);
    write_pattern(bs, 6000, 10, 4);
    assert_clean(bs);
    blk_close(bs);
    bs = open_img("n.qcow2", 0);
    struct blk_info in;
    ck_assert_int_eq(blk_get_info(bs, &in, &err), 0);
    ck_assert_uint_eq(in.nb_snapshots, 1);
    ck_assert_str_eq(in.snapshots[0].name, "b");
    ck_assert_str_eq(in.snapshots[0].id, "2");
    blk_info_free(&in);
    ck_assert_int_eq(blk_snapshot_delete(bs, "b", &err), 0);
    expect_pattern(bs, 6000, 10, 4);
    assert_clean(bs);
    blk_close(bs);
}
END_TEST

/* cache=none: O_DIRECT on a disk file system (not tmpfs), with requests of
 * any alignment going through the bounce buffers of the file layer. */
START_TEST(cache_none_unaligned_io_reads_back)
{
    char d[] = "/var/tmp/jit86-blk-direct-XXXXXX", p[600];
    ck_assert_ptr_nonnull(mkdtemp(d));
    snprintf(p, sizeof(p), "%s/d.qcow2", d);
    struct blk_create_opts o = {.format = "qcow2", .size = 4 << 20, .cluster_size = 4096};
    struct blk_error err;
    ck_assert_int_eq(blk_create(p, &o, &err), 0);
    struct blk_open_opts oo = {.cache = BLK_CACHE_NONE};
    struct blk *bs = blk_open(p, &oo, &err);
    ck_assert_ptr_nonnull(bs);
    write_pattern(bs, 1001, 70001, 5);
    write_pattern(bs, 3 << 20, 512, 6);
    expect_pattern(bs, 1001, 70001, 5);
    ck_assert_int_eq(blk_close(bs), 0);
    oo.flags = BLK_OPEN_READ_ONLY;
    bs = blk_open(p, &oo, &err);
    expect_pattern(bs, 1001, 70001, 5);
    expect_pattern(bs, 3 << 20, 512, 6);
    expect_zero(bs, 0, 1001);
    assert_clean(bs);
    blk_close(bs);
    unlink(p);
    rmdir(d);
}
END_TEST

/* vdi, vpc (both kinds) and vmdk (sparse and flat): writes across block
 * boundaries read back after reopening, unwritten ranges read as zeroes. */
START_TEST(other_formats_roundtrip)
{
    static const struct {
        const char *fmt, *sub, *name;
    } cases[] = {
        {"vdi", NULL, "a.vdi"},    {"vdi", "static", "s.vdi"}, {"vpc", NULL, "a.vhd"},
        {"vpc", "fixed", "f.vhd"}, {"vmdk", NULL, "a.vmdk"},   {"vmdk", "monolithicFlat", "f.vmdk"},
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char p[512];
        path(p, cases[i].name);
        struct blk_create_opts o = {
            .format = cases[i].fmt, .size = 5 << 20, .subformat = cases[i].sub};
        struct blk_error err = {{0}};
        ck_assert_msg(blk_create(p, &o, &err) == 0, "%s: %s", cases[i].name, err.msg);
        /* A fixed VHD has no header to probe (only a footer): name the format. */
        struct blk_open_opts oo = {.format = cases[i].fmt};
        struct blk *bs = blk_open(p, &oo, &err);
        ck_assert_ptr_nonnull(bs);
        ck_assert_str_eq(blk_format_name(bs), cases[i].fmt);
        write_pattern(bs, (1 << 20) - 1000, (2 << 20) + 3000, i);
        write_pattern(bs, 100, 10, i + 50);
        ck_assert_int_eq(blk_close(bs), 0);
        oo.flags = BLK_OPEN_READ_ONLY;
        bs = blk_open(p, &oo, &err);
        ck_assert_ptr_nonnull(bs);
        ck_assert_uint_ge(blk_length(bs), 5 << 20);
        expect_pattern(bs, (1 << 20) - 1000, (2 << 20) + 3000, i);
        expect_pattern(bs, 100, 10, i + 50);
        expect_zero(bs, 0, 100);
        expect_zero(bs, 4 << 20, 4096);
        blk_close(bs);
    }
}
END_TEST

/* savevm/loadvm storage: the machine state written before a snapshot comes
 * back after applying it, and the snapshot records its size. */
START_TEST(qcow2_snapshot_keeps_the_machine_state)
{
    create("vm.qcow2", "qcow2", 4 << 20, 0, 0, NULL, NULL);
    struct blk *bs = open_img("vm.qcow2", 0);
    struct blk_error err;
    uint8_t state[100000], back[100000];
    fill_pattern(state, sizeof(state), 0, 77);
    ck_assert_int_eq(blk_vmstate_write(bs, 0, state, sizeof(state)), 0);
    ck_assert_int_eq(blk_snapshot_create_vm(bs, "vm", sizeof(state), 2000000000ull, &err), 0);
    ck_assert_int_eq(blk_vmstate_read(bs, 0, back, sizeof(back)), 0);
    ck_assert_uint_eq(back[5], 0); /* released from the active image */
    assert_clean(bs);
    ck_assert_int_eq(blk_snapshot_apply(bs, "vm", &err), 0);
    ck_assert_int_eq(blk_vmstate_read(bs, 0, back, sizeof(back)), 0);
    ck_assert_mem_eq(back, state, sizeof(state));
    struct blk_info in;
    ck_assert_int_eq(blk_get_info(bs, &in, &err), 0);
    ck_assert_uint_eq(in.snapshots[0].vm_state_size, sizeof(state));
    ck_assert_uint_eq(in.snapshots[0].vm_clock_nsec, 2000000000ull);
    blk_info_free(&in);
    assert_clean(bs);
    blk_close(bs);
}
END_TEST

static uint64_t read_be64_at(int fd, uint64_t off)
{
    uint8_t b[8];
    ck_assert_int_eq(pread(fd, b, 8, (off_t)off), 8);
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        v = v << 8 | b[i];
    }
    return v;
}

/* An L2 entry pointing at the refcount table: the write is refused, the
 * image marked corrupt, and `check -r all` (BLK_FIX_ERRORS) repairs it. */
START_TEST(data_cluster_on_metadata_marks_the_image_corrupt)
{
    create("o.qcow2", "qcow2", 1 << 20, 0, 0, NULL, NULL);
    struct blk *bs = open_img("o.qcow2", 0);
    write_pattern(bs, 0, 512, 1);
    blk_close(bs);
    char p[512];
    path(p, "o.qcow2");
    int fd = open(p, O_RDWR);
    uint64_t l1 = read_be64_at(fd, 40);
    uint64_t l2 = read_be64_at(fd, l1) & 0x00fffffffffffe00ull;
    uint64_t rt = read_be64_at(fd, 48);
    uint8_t e[8];
    for (int i = 0; i < 8; i++) {
        e[i] = (uint8_t)((rt | (1ull << 63)) >> (56 - 8 * i));
    }
    ck_assert_int_eq(pwrite(fd, e, 8, (off_t)l2), 8);
    close(fd);
    bs = open_img("o.qcow2", 0);
    uint8_t buf[512] = {0};
    ck_assert_int_eq(blk_write(bs, 0, buf, sizeof(buf)), -EIO);
    ck_assert_ptr_nonnull(strstr(blk_io_error(bs), "overlaps metadata"));
    blk_close(bs);
    struct blk_error err;
    struct blk_open_opts oo = {0};
    ck_assert_ptr_null(blk_open(p, &oo, &err));
    ck_assert_ptr_nonnull(strstr(err.msg, "marked corrupt"));
    bs = open_img("o.qcow2", BLK_OPEN_CHECK);
    struct blk_check_result r;
    ck_assert_int_eq(blk_check(bs, 0, &r, NULL, NULL), 0);
    ck_assert_uint_gt(r.corruptions, 0);
    blk_close(bs);
}
END_TEST

/* A compressed cluster whose stream inflates past one cluster: reading it
 * fails with an error, nothing else happens. */
START_TEST(compressed_cluster_inflating_too_far_is_an_io_error)
{
    create("z.qcow2", "qcow2", 1 << 20, 4096, 0, NULL, NULL);
    struct blk *bs = open_img("z.qcow2", 0);
    uint8_t buf[8192];
    memset(buf, 0x55, sizeof(buf));
    ck_assert_int_eq(blk_write_compressed(bs, 0, buf, 4096), 0);
    blk_close(bs);

    char p[512];
    path(p, "z.qcow2");
    int fd = open(p, O_RDWR);
    uint64_t l1 = read_be64_at(fd, 40);
    uint64_t l2 = read_be64_at(fd, l1) & 0x00fffffffffffe00ull;
    uint64_t e = read_be64_at(fd, l2);
    ck_assert(e & (1ull << 62));
    uint64_t coff = e & ((1ull << 58) - 1); /* x = 62 - (cluster_bits 12 - 8) */
    uint8_t z[512];
    z_stream zs = {0};
    ck_assert_int_eq(deflateInit2(&zs, 9, Z_DEFLATED, -12, 9, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = buf;
    zs.avail_in = sizeof(buf);
    zs.next_out = z;
    zs.avail_out = sizeof(z);
    ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
    size_t zlen = sizeof(z) - zs.avail_out;
    deflateEnd(&zs);
    ck_assert_uint_lt(zlen, 512 - (coff & 511));
    ck_assert_int_eq(pwrite(fd, z, zlen, (off_t)coff), (ssize_t)zlen);
    close(fd);

    bs = open_img("z.qcow2", BLK_OPEN_READ_ONLY);
    ck_assert_int_eq(blk_read(bs, 0, buf, 4096), -EIO);
    ck_assert_ptr_nonnull(strstr(blk_io_error(bs), "does not inflate to one cluster"));
    blk_close(bs);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("block");
    TCase *tc = tcase_create("qcow2");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, raw_roundtrip_and_bounds);
    tcase_add_test(tc, qcow2_roundtrip_every_cluster_size_and_refcount_width);
    tcase_add_test(tc, qcow2_refcount_table_grows_and_stays_consistent);
    tcase_add_test(tc, qcow2_backing_chain_with_relative_names_and_cow);
    tcase_add_test(tc, qcow2_backing_loop_is_refused);
    tcase_add_test(tc, qcow2_zero_clusters_hide_the_backing_file);
    tcase_add_test(tc, qcow2_compressed_clusters_read_back_and_are_replaced_on_write);
    tcase_add_test(tc, snapshot_mode_discards_writes_at_close);
    tcase_add_test(tc, qcow2_snapshot_create_apply_delete);
    tcase_add_test(tc, qcow2_snapshot_keeps_the_machine_state);
    tcase_add_test(tc, cache_none_unaligned_io_reads_back);
    tcase_add_test(tc, other_formats_roundtrip);
    tcase_add_test(tc, qcow2_resize_grow_and_shrink);
    tcase_add_test(tc, malformed_headers_are_refused_with_one_line);
    tcase_add_test(tc, truncated_image_is_refused);
    tcase_add_test(tc, compressed_cluster_inflating_too_far_is_an_io_error);
    tcase_add_test(tc, data_cluster_on_metadata_marks_the_image_corrupt);
    suite_add_tcase(s, tc);
    return s;
}
