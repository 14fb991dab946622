/* qcow2 format driver: header and header extensions, validation on open,
 * creation, dirty bit / lazy_refcounts, resize, info (QEMU
 * docs/interop/qcow2.txt "Header", "Header extensions"). */
#include "qcow2.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Names of the feature bits, written into the feature name table. */
static const struct {
    uint8_t type, bit;
    const char *name;
} feature_names[] = {
    {0, 0, "dirty bit"},        {0, 1, "corrupt bit"},         {0, 2, "external data file"},
    {0, 3, "compression type"}, {0, 4, "extended L2 entries"}, {1, 0, "lazy refcounts"},
    {2, 0, "bitmaps"},          {2, 1, "raw external data"},
};

int qcow2_corrupt(struct blk *bs, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* As QEMU: a writable image with inconsistent metadata is marked corrupt,
     * so that nothing writes to it again before `check -r all`. */
    struct qcow2 *s = qcow2_state(bs);
    if (!bs->read_only && !(bs->flags & BLK_OPEN_CHECK) &&
        !(s->incompat & QCOW2_INCOMPAT_CORRUPT) && s->version >= 3) {
        uint8_t v[8];
        s->incompat |= QCOW2_INCOMPAT_CORRUPT;
        blk_put_be64(v, s->incompat);
        qcow2_write_header_field(bs, QCOW2_HDR_INCOMPAT, v, sizeof(v));
    }
    return blk_io_fail(bs, -EIO, "qcow2 image is corrupt: %s", msg);
}

static int qcow2_probe(const uint8_t *buf, size_t len)
{
    if (len >= 8 && blk_be32(buf) == QCOW2_MAGIC && blk_be32(buf + 4) >= 2) {
        return 100;
    }
    return 0;
}

int qcow2_write_header_field(struct blk *bs, unsigned offset, const void *data, size_t len)
{
    int ret = blk_file_pwrite(&bs->file, offset, data, len);
    return ret < 0 ? blk_io_fail(bs, ret, "header write failed: %s", strerror(-ret)) : 0;
}

static size_t put_ext(uint8_t *p, uint32_t type, const void *data, uint32_t len)
{
    blk_put_be32(p, type);
    blk_put_be32(p + 4, len);
    memcpy(p + 8, data, len);
    size_t padded = (len + 7u) & ~7u;
    memset(p + 8 + len, 0, padded - len);
    return 8 + padded;
}

/* Builds the whole first cluster's header area into buf (cluster size). */
static int build_header(struct blk *bs, uint8_t *buf, size_t cs)
{
    struct qcow2 *s = qcow2_state(bs);
    memset(buf, 0, cs);
    size_t hlen = s->version >= 3 ? (s->header_length > 104 ? 112 : 104) : 72;
    blk_put_be32(buf, QCOW2_MAGIC);
    blk_put_be32(buf + 4, s->version);
    blk_put_be32(buf + 20, s->cluster_bits);
    blk_put_be64(buf + 24, bs->size);
    blk_put_be32(buf + 36, s->l1_size);
    blk_put_be64(buf + 40, s->l1_offset);
    blk_put_be64(buf + 48, s->rt_offset);
    blk_put_be32(buf + 56, s->rt_clusters);
    blk_put_be32(buf + 60, s->nb_snapshots);
    blk_put_be64(buf + 64, s->snapshots_offset);
    if (s->version >= 3) {
        blk_put_be64(buf + 72, s->incompat);
        blk_put_be64(buf + 80, s->compat);
        blk_put_be64(buf + 88, s->autoclear);
        blk_put_be32(buf + 96, s->refcount_order);
        blk_put_be32(buf + 100, (uint32_t)hlen);
        if (hlen > 104) {
            buf[104] = s->compression_type;
        }
    }
    size_t pos = hlen;
    size_t table_bytes = sizeof(feature_names) / sizeof(feature_names[0]) * 48;
    size_t need = pos + 8 + (bs->backing_fmt[0] ? 8 + 40 : 0) + strlen(bs->backing_name);
    for (unsigned i = 0; i < s->nb_exts; i++) {
        need += 8 + ((s->exts[i].len + 7u) & ~7u);
    }
    if (need > cs) {
        return blk_io_fail(bs, -ENOSPC, "header extensions do not fit in the first cluster");
    }
    /* The feature name table is optional: left out when the cluster is too small. */
    bool with_names = s->version >= 3 && need + 8 + table_bytes <= cs;
    if (bs->backing_fmt[0] && bs->backing_name[0]) {
        pos += put_ext(buf + pos, QCOW2_EXT_BACKING_FMT, bs->backing_fmt,
                       (uint32_t)strlen(bs->backing_fmt));
    }
    if (with_names) {
        size_t n = sizeof(feature_names) / sizeof(feature_names[0]);
        uint8_t table[sizeof(feature_names) / sizeof(feature_names[0]) * 48] = {0};
        for (size_t i = 0; i < n; i++) {
            table[i * 48] = feature_names[i].type;
            table[i * 48 + 1] = feature_names[i].bit;
            strncpy((char *)table + i * 48 + 2, feature_names[i].name, 46);
        }
        pos += put_ext(buf + pos, QCOW2_EXT_FEATURE_NAME, table, (uint32_t)sizeof(table));
    }
    for (unsigned i = 0; i < s->nb_exts; i++) {
        pos += put_ext(buf + pos, s->exts[i].type, s->exts[i].data, s->exts[i].len);
    }
    pos += 8; /* end marker: type 0, length 0 */
    size_t blen = strlen(bs->backing_name);
    if (blen) {
        memcpy(buf + pos, bs->backing_name, blen);
        blk_put_be64(buf + 8, pos);
        blk_put_be32(buf + 16, (uint32_t)blen);
    }
    return (int)(pos + blen);
}

int qcow2_write_header(struct blk *bs)
{
    struct qcow2 *s = qcow2_state(bs);
    uint8_t *buf = malloc(s->cluster_size);
    if (!buf) {
        return -ENOMEM;
    }
    int len = build_header(bs, buf, s->cluster_size);
    int ret = len < 0 ? len : qcow2_write_header_field(bs, 0, buf, (size_t)len);
    free(buf);
    return ret;
}

static int write_incompat(struct blk *bs)
{
    struct qcow2 *s = qcow2_state(bs);
    uint8_t v[8];
    blk_put_be64(v, s->incompat);
    int ret = qcow2_write_header_field(bs, QCOW2_HDR_INCOMPAT, v, sizeof(v));
    return ret < 0 ? ret : qcow2_barrier(bs);
}

int qcow2_mark_dirty(struct blk *bs)
{
    struct qcow2 *s = qcow2_state(bs);
    if ((s->incompat & QCOW2_INCOMPAT_CORRUPT) && !(bs->flags & BLK_OPEN_CHECK)) {
        return blk_io_fail(bs, -EIO, "qcow2 image is marked corrupt: no more writes");
    }
    if (s->marked_dirty || s->version < 3 || !(s->compat & QCOW2_COMPAT_LAZY_REFCOUNTS)) {
        return 0;
    }
    s->incompat |= QCOW2_INCOMPAT_DIRTY;
    s->marked_dirty = true;
    return write_incompat(bs);
}

static int parse_extensions(struct blk *bs, const uint8_t *hdr, size_t end, size_t limit,
                            struct blk_error *err)
{
    struct qcow2 *s = qcow2_state(bs);
    size_t pos = s->version >= 3 ? s->header_length : 72;
    while (pos + 8 <= limit) {
        uint32_t type = blk_be32(hdr + pos), len = blk_be32(hdr + pos + 4);
        pos += 8;
        if (type == QCOW2_EXT_END) {
            return 0;
        }
        if (len > limit - pos) {
            blk_error_set(err, "header extension %#x overruns the header", type);
            return -EINVAL;
        }
        if (type == QCOW2_EXT_BACKING_FMT) {
            if (len >= sizeof(bs->backing_fmt)) {
                blk_error_set(err, "backing format name too long");
                return -EINVAL;
            }
            memcpy(bs->backing_fmt, hdr + pos, len);
            bs->backing_fmt[len] = 0;
        } else if (type != QCOW2_EXT_FEATURE_NAME) {
            struct qcow2_ext *e = realloc(s->exts, (s->nb_exts + 1) * sizeof(*e));
            if (!e) {
                return -ENOMEM;
            }
            s->exts = e;
            e[s->nb_exts].type = type;
            e[s->nb_exts].len = len;
            e[s->nb_exts].data = malloc(len ? len : 1);
            if (!e[s->nb_exts].data) {
                return -ENOMEM;
            }
            memcpy(e[s->nb_exts].data, hdr + pos, len);
            s->nb_exts++;
        }
        pos += (len + 7u) & ~7u;
    }
    (void)end;
    return 0;
}

static int check_table(struct blk *bs, uint64_t off, uint64_t bytes, const char *what,
                       struct blk_error *err)
{
    struct qcow2 *s = qcow2_state(bs);
    int64_t fsize = blk_file_size(&bs->file);
    if (off & (s->cluster_size - 1)) {
        blk_error_set(err, "%s offset %#llx is not cluster aligned", what, (unsigned long long)off);
        return -EINVAL;
    }
    if (bytes && off < s->cluster_size) {
        blk_error_set(err, "%s overlaps the image header", what);
        return -EINVAL;
    }
    if (fsize < 0 || off > (uint64_t)fsize || bytes > (uint64_t)fsize - off) {
        blk_error_set(err, "%s lies past the end of the file", what);
        return -EINVAL;
    }
    return 0;
}

static int read_be64_table(struct blk *bs, uint64_t off, uint64_t n, uint64_t **out,
                           struct blk_error *err, const char *what)
{
    uint64_t *t = calloc(n ? n : 1, sizeof(*t));
    if (!t) {
        blk_error_set(err, "out of memory for the %s", what);
        return -ENOMEM;
    }
    int ret = n ? blk_file_pread(&bs->file, off, t, n * 8) : 0;
    if (ret < 0) {
        free(t);
        blk_error_set(err, "could not read the %s: %s", what, strerror(-ret));
        return ret;
    }
    for (uint64_t i = 0; i < n; i++) {
        t[i] = blk_be64(&t[i]);
    }
    *out = t;
    return 0;
}

static int parse_header(struct blk *bs, const uint8_t *h, size_t hlen, struct blk_error *err)
{
    struct qcow2 *s = qcow2_state(bs);
    if (hlen < 72 || blk_be32(h) != QCOW2_MAGIC) {
        blk_error_set(err, "not a qcow2 image");
        return -EINVAL;
    }
    s->version = blk_be32(h + 4);
    if (s->version < 2 || s->version > 3) {
        blk_error_set(err, "unsupported qcow2 version %u", s->version);
        return -ENOTSUP;
    }
    s->cluster_bits = blk_be32(h + 20);
    if (s->cluster_bits < 9 || s->cluster_bits > 21) {
        blk_error_set(err, "unsupported cluster size: 2^%u", s->cluster_bits);
        return -EINVAL;
    }
    s->cluster_size = 1ull << s->cluster_bits;
    s->l2_bits = s->cluster_bits - 3;
    s->l2_entries = 1ull << s->l2_bits;
    bs->size = blk_be64(h + 24);
    if (blk_be32(h + 32)) {
        blk_error_set(err, "encrypted images are not supported");
        return -ENOTSUP;
    }
    s->l1_size = blk_be32(h + 36);
    s->l1_offset = blk_be64(h + 40);
    s->rt_offset = blk_be64(h + 48);
    s->rt_clusters = blk_be32(h + 56);
    s->nb_snapshots = blk_be32(h + 60);
    s->snapshots_offset = blk_be64(h + 64);
    s->refcount_order = 4;
    s->header_length = 72;
    if (s->version >= 3) {
        if (hlen < 104) {
            blk_error_set(err, "truncated header");
            return -EINVAL;
        }
        s->incompat = blk_be64(h + 72);
        s->compat = blk_be64(h + 80);
        s->autoclear = blk_be64(h + 88);
        s->refcount_order = blk_be32(h + 96);
        s->header_length = blk_be32(h + 100);
        if (s->header_length < 104 || s->header_length > s->cluster_size) {
            blk_error_set(err, "invalid header length %u", s->header_length);
            return -EINVAL;
        }
        if (s->header_length > 104 && hlen > 104) {
            s->compression_type = h[104];
        }
    }
    if (s->refcount_order > 6) {
        blk_error_set(err, "invalid refcount order %u (at most 6)", s->refcount_order);
        return -EINVAL;
    }
    uint64_t unknown = s->incompat & ~QCOW2_INCOMPAT_KNOWN;
    if (unknown & QCOW2_INCOMPAT_COMPRESSION && s->compression_type == 0) {
        unknown &= ~QCOW2_INCOMPAT_COMPRESSION;
    }
    if (unknown) {
        blk_error_set(err, "unsupported incompatible features %#llx", (unsigned long long)unknown);
        return -ENOTSUP;
    }
    /* Autoclear bits we do not maintain are cleared on the next header write. */
    s->autoclear = 0;
    return 0;
}

static int read_backing_name(struct blk *bs, const uint8_t *h, size_t limit, struct blk_error *err)
{
    uint64_t off = blk_be64(h + 8);
    uint32_t len = blk_be32(h + 16);
    if (!off) {
        return 0;
    }
    if (len > QCOW2_MAX_BACKING_NAME || off > limit || len > limit - off) {
        blk_error_set(err, "backing file name is too long or outside the first cluster");
        return -EINVAL;
    }
    memcpy(bs->backing_name, h + off, len);
    bs->backing_name[len] = 0;
    if (strlen(bs->backing_name) != len) {
        blk_error_set(err, "backing file name contains a NUL byte");
        return -EINVAL;
    }
    return 0;
}

static int validate_tables(struct blk *bs, struct blk_error *err)
{
    struct qcow2 *s = qcow2_state(bs);
    uint64_t l2_span = s->cluster_size * s->l2_entries;
    uint64_t need = (bs->size + l2_span - 1) / l2_span;
    if ((uint64_t)s->l1_size * 8 > QCOW2_MAX_L1_BYTES) {
        blk_error_set(err, "active L1 table too large (%u entries)", s->l1_size);
        return -EFBIG;
    }
    if (bs->size > (1ull << 62) || s->l1_size < need) {
        blk_error_set(err, "L1 table of %u entries is too small for the image size", s->l1_size);
        return -EINVAL;
    }
    if ((uint64_t)s->rt_clusters * s->cluster_size > QCOW2_MAX_REFTABLE_BYTES ||
        s->rt_clusters == 0) {
        blk_error_set(err, "invalid refcount table size (%u clusters)", s->rt_clusters);
        return -EINVAL;
    }
    int ret = check_table(bs, s->l1_offset, (uint64_t)s->l1_size * 8, "L1 table", err);
    if (ret == 0) {
        ret = check_table(bs, s->rt_offset, (uint64_t)s->rt_clusters * s->cluster_size,
                          "refcount table", err);
    }
    if (ret == 0 && s->nb_snapshots > QCOW2_MAX_SNAPSHOTS) {
        blk_error_set(err, "too many snapshots (%u)", s->nb_snapshots);
        ret = -EINVAL;
    }
    if (ret == 0 && s->nb_snapshots) {
        ret = check_table(bs, s->snapshots_offset, 0, "snapshot table", err);
    }
    return ret;
}

static unsigned cache_count(uint64_t budget, uint64_t cs, unsigned lo, unsigned hi)
{
    uint64_t n = budget / cs;
    return n < lo ? lo : n > hi ? hi : (unsigned)n;
}

static int alloc_buffers(struct blk *bs)
{
    struct qcow2 *s = qcow2_state(bs);
    s->cow_buf = NULL;
    if (posix_memalign((void **)&s->cow_buf, 4096, 4 * s->cluster_size) ||
        !(s->zbuf_in = malloc(2 * s->cluster_size)) || !(s->zbuf_out = malloc(s->cluster_size))) {
        return -ENOMEM;
    }
    if (qcow2_cache_init(&s->l2_cache, cache_count(1u << 20, s->cluster_size, 4, 64),
                         s->cluster_size) < 0 ||
        qcow2_cache_init(&s->rb_cache, cache_count(256u << 10, s->cluster_size, 4, 32),
                         s->cluster_size) < 0) {
        return -ENOMEM;
    }
    return 0;
}

static int repair_dirty(struct blk *bs, struct blk_error *err)
{
    struct qcow2 *s = qcow2_state(bs);
    struct blk_check_result res;
    int ret = qcow2_check(bs, BLK_FIX_LEAKS | BLK_FIX_ERRORS, &res, NULL, NULL);
    if (ret < 0 || res.corruptions) {
        blk_error_set(err, "could not repair the refcounts of a dirty image");
        return ret < 0 ? ret : -EIO;
    }
    s->incompat &= ~QCOW2_INCOMPAT_DIRTY;
    return write_incompat(bs);
}

static int qcow2_open(struct blk *bs, struct blk_error *err)
{
    struct qcow2 *s = qcow2_state(bs);
    uint8_t *h = malloc(1u << 21);
    if (!h) {
        blk_error_set(err, "out of memory");
        return -ENOMEM;
    }
    int ret = blk_file_pread_zero_eof(&bs->file, 0, h, 104);
    if (ret == 0) {
        ret = parse_header(bs, h, 104, err);
    } else {
        blk_error_set(err, "could not read the header: %s", strerror(-ret));
    }
    if (ret == 0 && (ret = blk_file_pread_zero_eof(&bs->file, 0, h, s->cluster_size)) < 0) {
        blk_error_set(err, "could not read the header cluster: %s", strerror(-ret));
    }
    if (ret == 0) {
        ret = parse_header(bs, h, s->cluster_size, err); /* again, with header_length bytes */
    }
    if (ret == 0) {
        ret = parse_extensions(bs, h, 0, s->cluster_size, err);
    }
    if (ret == 0) {
        ret = read_backing_name(bs, h, s->cluster_size, err);
    }
    free(h);
    if (ret < 0) {
        return ret;
    }
    if ((s->incompat & QCOW2_INCOMPAT_CORRUPT) && !bs->read_only && !(bs->flags & BLK_OPEN_CHECK)) {
        blk_error_set(err, "image is marked corrupt; it can be opened read-only or repaired "
                           "with 'jit86-img check -r all'");
        return -EACCES;
    }
    s->rb_entries = (s->cluster_size * 8) >> s->refcount_order;
    s->refcount_max = s->refcount_order == 6 ? UINT64_MAX : (1ull << (1u << s->refcount_order)) - 1;
    if ((ret = validate_tables(bs, err)) < 0) {
        return ret;
    }
    s->rt_entries = (uint64_t)s->rt_clusters * s->cluster_size / 8;
    if ((ret = read_be64_table(bs, s->l1_offset, s->l1_size, &s->l1, err, "L1 table")) < 0 ||
        (ret = read_be64_table(bs, s->rt_offset, s->rt_entries, &s->rt, err, "refcount table")) <
            0) {
        return ret;
    }
    if ((ret = alloc_buffers(bs)) < 0) {
        blk_error_set(err, "out of memory");
        return ret;
    }
    if ((ret = qcow2_read_snapshots(bs, err)) < 0) {
        return ret;
    }
    if ((s->incompat & QCOW2_INCOMPAT_DIRTY) && !bs->read_only && !(bs->flags & BLK_OPEN_CHECK)) {
        return repair_dirty(bs, err);
    }
    return 0;
}

static int qcow2_flush(struct blk *bs)
{
    int ret = qcow2_flush_metadata(bs);
    return ret < 0 ? ret : qcow2_barrier(bs);
}

static void qcow2_close(struct blk *bs)
{
    struct qcow2 *s = qcow2_state(bs);
    if (!bs->read_only && s->l2_cache.entries && qcow2_flush(bs) == 0 && s->marked_dirty) {
        s->incompat &= ~QCOW2_INCOMPAT_DIRTY;
        write_incompat(bs);
    }
    qcow2_cache_destroy(&s->l2_cache);
    qcow2_cache_destroy(&s->rb_cache);
    qcow2_free_snapshots(s);
    for (unsigned i = 0; i < s->nb_exts; i++) {
        free(s->exts[i].data);
    }
    free(s->exts);
    free(s->l1);
    free(s->rt);
    free(s->pending_free);
    free(s->cow_buf);
    free(s->zbuf_in);
    free(s->zbuf_out);
}

static int check_create_opts(const struct blk_create_opts *o, unsigned *cbits, unsigned *rorder,
                             struct blk_error *err)
{
    uint32_t cs = o->cluster_size ? o->cluster_size : 65536;
    if (cs < 512 || cs > (2u << 20) || (cs & (cs - 1))) {
        blk_error_set(err, "Cluster size must be a power of two between 512 and 2M");
        return -EINVAL;
    }
    *cbits = (unsigned)__builtin_ctz(cs);
    unsigned rb = o->refcount_bits ? o->refcount_bits : 16;
    if (rb > 64 || (rb & (rb - 1))) {
        blk_error_set(err, "Refcount width must be a power of two and may not exceed 64 bits");
        return -EINVAL;
    }
    *rorder = (unsigned)__builtin_ctz(rb);
    if (o->compat == 2 && (rb != 16 || o->lazy_refcounts)) {
        blk_error_set(err, "compat=0.10 requires refcount_bits=16 and no lazy_refcounts");
        return -EINVAL;
    }
    if (o->backing_file && strlen(o->backing_file) > QCOW2_MAX_BACKING_NAME) {
        blk_error_set(err, "Backing file name too long");
        return -EINVAL;
    }
    return 0;
}

/* A new image: header, one-cluster refcount table and one refcount block;
 * the L1 table is then allocated through the normal path. */
static int write_skeleton(const char *filename, const struct blk_create_opts *o, unsigned cbits,
                          unsigned rorder, struct blk_error *err)
{
    uint64_t cs = 1ull << cbits;
    uint8_t *buf = calloc(3, cs);
    if (!buf) {
        blk_error_set(err, "out of memory");
        return -ENOMEM;
    }
    bool v3 = o->compat != 2;
    blk_put_be32(buf, QCOW2_MAGIC);
    blk_put_be32(buf + 4, v3 ? 3 : 2);
    blk_put_be32(buf + 20, cbits);
    blk_put_be64(buf + 48, cs);
    blk_put_be32(buf + 56, 1);
    if (v3) {
        blk_put_be64(buf + 80, o->lazy_refcounts ? QCOW2_COMPAT_LAZY_REFCOUNTS : 0);
        blk_put_be32(buf + 96, rorder);
        blk_put_be32(buf + 100, 104);
    }
    blk_put_be64(buf + cs, 2 * cs);
    for (unsigned i = 0; i < 3; i++) {
        qcow2_refcount_set_entry(buf + 2 * cs, i, rorder, 1);
    }
    int fd = open(filename, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int ret = fd < 0 ? -errno : 0;
    if (fd >= 0 && pwrite(fd, buf, 3 * cs, 0) != (ssize_t)(3 * cs)) {
        ret = -EIO;
    }
    if (fd >= 0) {
        close(fd);
    }
    free(buf);
    if (ret < 0) {
        blk_error_set(err, "Could not create '%s': %s", filename, strerror(-ret));
    }
    return ret;
}

static int qcow2_create(const char *filename, const struct blk_create_opts *o,
                        struct blk_error *err)
{
    unsigned cbits, rorder;
    int ret = check_create_opts(o, &cbits, &rorder, err);
    if (ret < 0 || (ret = write_skeleton(filename, o, cbits, rorder, err)) < 0) {
        return ret;
    }
    struct blk_open_opts oo = {.format = "qcow2",
                               .flags = BLK_OPEN_NO_BACKING | BLK_OPEN_CHECK,
                               .cache = BLK_CACHE_WRITEBACK};
    struct blk *bs = blk_open(filename, &oo, err);
    if (!bs) {
        return -EIO;
    }
    bs->size = (o->size + 511) & ~511ull; /* QEMU counts qcow2 sizes in sectors */
    if (o->backing_file) {
        snprintf(bs->backing_name, sizeof(bs->backing_name), "%s", o->backing_file);
        snprintf(bs->backing_fmt, sizeof(bs->backing_fmt), "%s",
                 o->backing_fmt ? o->backing_fmt : "");
    }
    ret = qcow2_grow_l1(bs, bs->size);
    if (ret == 0) {
        ret = qcow2_write_header(bs);
    }
    if (ret == 0 && o->prealloc != BLK_PREALLOC_OFF) {
        ret = qcow2_preallocate_metadata(bs);
    }
    if (ret < 0) {
        blk_error_set(err, "Could not create '%s': %s", filename, blk_io_error(bs));
    }
    int cret = blk_close(bs);
    return ret < 0 ? ret : cret;
}

static int qcow2_truncate(struct blk *bs, uint64_t size, bool shrink, struct blk_error *err)
{
    struct qcow2 *s = qcow2_state(bs);
    int ret = 0;
    if (s->nb_snapshots && size < bs->size) {
        blk_error_set(err, "Cannot shrink an image with internal snapshots");
        return -ENOTSUP;
    }
    if (size < bs->size && shrink) {
        /* Release the clusters past the new end (whole clusters only). */
        uint64_t from = (size + s->cluster_size - 1) & ~(s->cluster_size - 1);
        if (from < bs->size) {
            ret = qcow2_discard(bs, from, bs->size - from);
        }
        if (ret == 0 && size & (s->cluster_size - 1)) {
            uint64_t end = from < bs->size ? from : bs->size;
            ret = qcow2_write_zeroes(bs, size, end - size);
        }
    } else if (size > bs->size) {
        ret = qcow2_grow_l1(bs, size);
    }
    if (ret == 0) {
        ret = qcow2_flush(bs);
    }
    uint8_t v[8];
    blk_put_be64(v, size);
    if (ret == 0) {
        ret = qcow2_write_header_field(bs, 24, v, sizeof(v));
    }
    if (ret < 0) {
        blk_error_set(err, "resize failed: %s", blk_io_error(bs));
        return ret;
    }
    bs->size = size;
    return qcow2_barrier(bs);
}

static int qcow2_info(struct blk *bs, struct blk_info *info, struct blk_error *err)
{
    struct qcow2 *s = qcow2_state(bs);
    (void)err;
    info->cluster_size = (uint32_t)s->cluster_size;
    info->compat = (int)s->version;
    info->lazy_refcounts = s->compat & QCOW2_COMPAT_LAZY_REFCOUNTS;
    info->refcount_bits = 1u << s->refcount_order;
    info->corrupt = s->incompat & QCOW2_INCOMPAT_CORRUPT;
    info->dirty_flag = s->incompat & QCOW2_INCOMPAT_DIRTY;
    info->has_format_specific = true;
    info->nb_snapshots = s->nb_snapshots;
    if (!s->nb_snapshots) {
        return 0;
    }
    info->snapshots = calloc(s->nb_snapshots, sizeof(*info->snapshots));
    if (!info->snapshots) {
        return -ENOMEM;
    }
    for (unsigned i = 0; i < s->nb_snapshots; i++) {
        const struct qcow2_snapshot *sn = &s->snapshots[i];
        struct blk_snapshot_info *o = &info->snapshots[i];
        snprintf(o->id, sizeof(o->id), "%s", sn->id);
        snprintf(o->name, sizeof(o->name), "%s", sn->name);
        o->vm_state_size = sn->vm_state_size;
        o->date_sec = sn->date_sec;
        o->date_nsec = sn->date_nsec;
        o->vm_clock_nsec = sn->vm_clock_nsec;
        o->disk_size = sn->disk_size;
        o->icount = sn->icount;
    }
    return 0;
}

static int qcow2_set_backing(struct blk *bs, const char *file, const char *fmt,
                             struct blk_error *err)
{
    if (file && strlen(file) > QCOW2_MAX_BACKING_NAME) {
        blk_error_set(err, "Backing file name too long");
        return -EINVAL;
    }
    snprintf(bs->backing_name, sizeof(bs->backing_name), "%s", file ? file : "");
    snprintf(bs->backing_fmt, sizeof(bs->backing_fmt), "%s", file && fmt ? fmt : "");
    int ret = qcow2_flush(bs);
    if (ret == 0) {
        ret = qcow2_write_header(bs);
    }
    if (ret < 0) {
        blk_error_set(err, "Could not update the header: %s", blk_io_error(bs));
        return ret;
    }
    return qcow2_barrier(bs);
}

static uint32_t qcow2_cluster_size(struct blk *bs)
{
    return (uint32_t)qcow2_state(bs)->cluster_size;
}

const struct blk_driver blk_driver_qcow2 = {
    .name = "qcow2",
    .state_size = sizeof(struct qcow2),
    .probe = qcow2_probe,
    .open = qcow2_open,
    .close = qcow2_close,
    .read = qcow2_read,
    .write = qcow2_write,
    .write_zeroes = qcow2_write_zeroes,
    .discard = qcow2_discard,
    .flush = qcow2_flush,
    .block_status = qcow2_block_status,
    .truncate = qcow2_truncate,
    .create = qcow2_create,
    .info = qcow2_info,
    .check = qcow2_check,
    .snapshot_create = qcow2_snapshot_create,
    .vmstate_rw = qcow2_vmstate_rw,
    .snapshot_apply = qcow2_snapshot_apply,
    .snapshot_delete = qcow2_snapshot_delete,
    .set_backing = qcow2_set_backing,
    .make_empty = qcow2_make_empty,
    .write_compressed = qcow2_write_compressed,
    .cluster_size = qcow2_cluster_size,
};
