/* qcow2 cluster mapping (qcow2.txt "Cluster mapping", "Compressed Clusters
 * Descriptor"): guest offset -> L1 -> L2 -> host cluster; reads, allocating
 * writes with copy-on-write, zero clusters, compressed clusters, L1 growth. */
#include "qcow2.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum ctype { CT_UNALLOC, CT_ZERO, CT_NORMAL, CT_COMPRESSED };

struct mapping {
    enum ctype type;
    uint64_t host;  /* byte offset of the data for CT_NORMAL */
    uint64_t entry; /* first L2 entry of the run */
    uint64_t bytes; /* length of the run */
};

static int entry_type(struct blk *bs, uint64_t e, enum ctype *type)
{
    struct qcow2 *s = qcow2_state(bs);
    if (e & QCOW2_OFLAG_COMPRESSED) {
        *type = CT_COMPRESSED;
        return 0;
    }
    if (e & QCOW2_OFLAG_ZERO) {
        if (s->version < 3) {
            return qcow2_corrupt(bs, "zero cluster flag in a version 2 image");
        }
        *type = CT_ZERO;
        return 0;
    }
    uint64_t off = e & QCOW2_OFFSET_MASK;
    if (off & (s->cluster_size - 1)) {
        return qcow2_corrupt(bs, "data cluster offset %#llx is not cluster aligned",
                             (unsigned long long)off);
    }
    *type = off ? CT_NORMAL : CT_UNALLOC;
    return 0;
}

static int l2_table(struct blk *bs, uint64_t l1_index, uint8_t **table)
{
    struct qcow2 *s = qcow2_state(bs);
    uint64_t off = s->l1[l1_index] & QCOW2_OFFSET_MASK;
    *table = NULL;
    if (!off) {
        return 0;
    }
    if (off & (s->cluster_size - 1)) {
        return qcow2_corrupt(bs, "L2 table offset %#llx is not cluster aligned",
                             (unsigned long long)off);
    }
    if (off < s->cluster_size) {
        return qcow2_corrupt(bs, "L2 table overlaps the image header");
    }
    return qcow2_cache_get(bs, &s->l2_cache, off, table);
}

/* The run of clusters from off (at most len bytes, within one L2 table) that
 * share a type and, for data, are contiguous on the host. */
static int get_mapping(struct blk *bs, uint64_t off, uint64_t len, struct mapping *m)
{
    struct qcow2 *s = qcow2_state(bs);
    uint64_t l1i = off >> (s->cluster_bits + s->l2_bits);
    uint64_t l2i = (off >> s->cluster_bits) & (s->l2_entries - 1);
    uint64_t in_cluster = off & (s->cluster_size - 1);
    uint64_t max = (s->l2_entries - l2i) * s->cluster_size - in_cluster;
    if (len > max) {
        len = max;
    }
    uint8_t *t = NULL;
    int ret = l1i < s->l1_size ? l2_table(bs, l1i, &t) : 0;
    if (ret < 0) {
        return ret;
    }
    m->entry = t ? blk_be64(t + l2i * 8) : 0;
    if ((ret = entry_type(bs, m->entry, &m->type)) < 0) {
        return ret;
    }
    uint64_t base = m->entry & QCOW2_OFFSET_MASK;
    m->host = base + in_cluster;
    uint64_t bytes = s->cluster_size - in_cluster;
    if (m->type == CT_COMPRESSED) {
        m->bytes = bytes < len ? bytes : len;
        return 0;
    }
    for (uint64_t i = 1; bytes < len; i++) {
        uint64_t e = t ? blk_be64(t + (l2i + i) * 8) : 0;
        enum ctype ty;
        if (entry_type(bs, e, &ty) < 0 || ty != m->type ||
            (ty == CT_NORMAL && (e & QCOW2_OFFSET_MASK) != base + i * s->cluster_size) ||
            (ty == CT_NORMAL && (e & QCOW2_OFLAG_COPIED) != (m->entry & QCOW2_OFLAG_COPIED))) {
            break;
        }
        bytes += s->cluster_size;
    }
    m->bytes = bytes < len ? bytes : len;
    return 0;
}

void qcow2_compressed_range(const struct qcow2 *s, uint64_t entry, uint64_t *offset, uint64_t *size)
{
    unsigned x = 62 - (s->cluster_bits - 8);
    uint64_t sectors = ((entry >> x) & ((1ull << (s->cluster_bits - 8)) - 1)) + 1;
    *offset = entry & ((1ull << x) - 1);
    *size = sectors * 512 - (*offset & 511);
}

static int inflate_cluster(struct blk *bs, uint64_t entry)
{
    struct qcow2 *s = qcow2_state(bs);
    if (s->zcache_entry == entry) {
        return 0;
    }
    uint64_t coff, csize;
    qcow2_compressed_range(s, entry, &coff, &csize);
    if (csize > 2 * s->cluster_size) {
        return qcow2_corrupt(bs, "compressed cluster larger than two clusters");
    }
    int ret = blk_file_pread_zero_eof(&bs->file, coff, s->zbuf_in, csize);
    if (ret < 0) {
        return blk_io_fail(bs, ret, "compressed cluster read failed: %s", strerror(-ret));
    }
    z_stream z = {0};
    if (inflateInit2(&z, -12) != Z_OK) {
        return blk_io_fail(bs, -ENOMEM, "zlib initialisation failed");
    }
    z.next_in = s->zbuf_in;
    z.avail_in = (uInt)csize;
    z.next_out = s->zbuf_out;
    z.avail_out = (uInt)s->cluster_size;
    int zr = inflate(&z, Z_FINISH);
    bool full = z.avail_out == 0;
    if (zr != Z_STREAM_END && full) {
        /* Output is complete only if the stream has nothing more to give. */
        uint8_t extra;
        z.next_out = &extra;
        z.avail_out = 1;
        zr = inflate(&z, Z_FINISH);
        full = z.avail_out == 1 && (zr == Z_STREAM_END || zr == Z_BUF_ERROR);
        zr = full ? Z_STREAM_END : Z_DATA_ERROR;
    }
    inflateEnd(&z);
    if (zr != Z_STREAM_END || !full) {
        s->zcache_entry = 0;
        return qcow2_corrupt(bs, "compressed cluster at %#llx does not inflate to one cluster",
                             (unsigned long long)coff);
    }
    s->zcache_entry = entry;
    return 0;
}

static int read_run(struct blk *bs, const struct mapping *m, uint64_t off, uint8_t *buf)
{
    struct qcow2 *s = qcow2_state(bs);
    int ret;
    switch (m->type) {
    case CT_UNALLOC: return blk_read_backing(bs, off, buf, m->bytes);
    case CT_ZERO: memset(buf, 0, m->bytes); return 0;
    case CT_COMPRESSED:
        if ((ret = inflate_cluster(bs, m->entry)) < 0) {
            return ret;
        }
        memcpy(buf, s->zbuf_out + (off & (s->cluster_size - 1)), m->bytes);
        return 0;
    case CT_NORMAL:
        ret = blk_file_pread_zero_eof(&bs->file, m->host, buf, m->bytes);
        return ret < 0 ? blk_io_fail(bs, ret, "read failed: %s", strerror(-ret)) : 0;
    }
    return -EINVAL;
}

int qcow2_read(struct blk *bs, uint64_t off, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len) {
        struct mapping m;
        int ret = get_mapping(bs, off, len, &m);
        if (ret < 0 || (ret = read_run(bs, &m, off, p)) < 0) {
            return ret;
        }
        off += m.bytes;
        p += m.bytes;
        len -= m.bytes;
    }
    return 0;
}

int qcow2_write_l1_entry(struct blk *bs, uint32_t index)
{
    struct qcow2 *s = qcow2_state(bs);
    uint8_t v[8];
    blk_put_be64(v, s->l1[index]);
    int ret = blk_file_pwrite(&bs->file, s->l1_offset + (uint64_t)index * 8, v, 8);
    return ret < 0 ? blk_io_fail(bs, ret, "L1 write failed: %s", strerror(-ret)) : 0;
}

/* Returns the L2 table for l1_index ready for in-place update: allocated
 * when missing, copied when shared with a snapshot. */
static int writable_l2(struct blk *bs, uint64_t l1i, uint8_t **table)
{
    struct qcow2 *s = qcow2_state(bs);
    uint64_t e = s->l1[l1i], old = e & QCOW2_OFFSET_MASK;
    uint64_t rc = 0;
    int ret;
    if (old && !(e & QCOW2_OFLAG_COPIED)) {
        if ((ret = qcow2_get_refcount(bs, old >> s->cluster_bits, &rc)) < 0) {
            return ret;
        }
        if (rc == 1) {
            s->l1[l1i] |= QCOW2_OFLAG_COPIED;
            if ((ret = qcow2_write_l1_entry(bs, (uint32_t)l1i)) < 0) {
                return ret;
            }
        }
    }
    if (old && (s->l1[l1i] & QCOW2_OFLAG_COPIED)) {
        return l2_table(bs, l1i, table);
    }
    uint8_t *copy = s->cow_buf + 2 * s->cluster_size; /* old table, COPIED cleared */
    memset(copy, 0, s->cluster_size);
    if (old) {
        uint8_t *t;
        if ((ret = l2_table(bs, l1i, &t)) < 0) {
            return ret;
        }
        for (uint64_t i = 0; i < s->l2_entries; i++) {
            blk_put_be64(copy + i * 8, blk_be64(t + i * 8) & ~QCOW2_OFLAG_COPIED);
        }
    }
    int64_t nt = qcow2_alloc_clusters(bs, 1);
    if (nt < 0) {
        return (int)nt;
    }
    /* Refcount, then the table's contents, then the L1 entry that points to it. */
    if ((ret = qcow2_commit_refcounts(bs)) < 0 ||
        (ret = blk_file_pwrite(&bs->file, (uint64_t)nt, copy, s->cluster_size)) < 0 ||
        (ret = qcow2_barrier(bs)) < 0) {
        return ret < 0 ? blk_io_fail(bs, ret, "L2 allocation failed") : ret;
    }
    s->l1[l1i] = (uint64_t)nt | QCOW2_OFLAG_COPIED;
    if ((ret = qcow2_write_l1_entry(bs, (uint32_t)l1i)) < 0) {
        return ret;
    }
    if (old && (ret = qcow2_free_later(bs, old, s->cluster_size)) < 0) {
        return ret;
    }
    uint8_t *t;
    if ((ret = qcow2_cache_put_new(bs, &s->l2_cache, (uint64_t)nt, &t)) < 0) {
        return ret;
    }
    memcpy(t, copy, s->cluster_size);
    *table = t;
    return 0;
}

/* Drops the reference an L2 entry held (after the new entry is written). */
static int release_entry(struct blk *bs, uint64_t e)
{
    struct qcow2 *s = qcow2_state(bs);
    if (e & QCOW2_OFLAG_COMPRESSED) {
        uint64_t coff, csize;
        qcow2_compressed_range(s, e, &coff, &csize);
        s->zcache_entry = 0;
        return qcow2_free_later(bs, coff, csize);
    }
    uint64_t off = e & QCOW2_OFFSET_MASK;
    return off ? qcow2_free_later(bs, off, s->cluster_size) : 0;
}

static int set_entries(struct blk *bs, uint8_t *t, uint64_t l2i, uint64_t n, uint64_t first,
                       uint64_t step, uint64_t flags)
{
    struct qcow2 *s = qcow2_state(bs);
    /* Dirty before any release: a flush triggered by the pending-free queue
     * must write the entries that replaced the released ones. */
    qcow2_cache_mark_dirty(&s->l2_cache, t);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t old = blk_be64(t + (l2i + i) * 8);
        blk_put_be64(t + (l2i + i) * 8, (first ? first + i * step : 0) | flags);
        int ret = release_entry(bs, old);
        if (ret < 0) {
            return ret;
        }
    }
    return 0;
}

/* Allocating write of [off, off+len), len within one L2 table: new clusters,
 * with the uncovered head and tail copied from the current contents. */
static int write_new(struct blk *bs, uint64_t off, const uint8_t *buf, uint64_t len)
{
    struct qcow2 *s = qcow2_state(bs);
    uint64_t cs = s->cluster_size;
    uint64_t start = off & ~(cs - 1), end = (off + len + cs - 1) & ~(cs - 1);
    uint64_t n = (end - start) >> s->cluster_bits;
    uint64_t head = off - start, tail = end - (off + len);
    uint8_t *hb = s->cow_buf, *tb = s->cow_buf + cs;
    int ret;
    if (head && (ret = qcow2_read(bs, start, hb, head)) < 0) {
        return ret;
    }
    if (tail && (ret = qcow2_read(bs, off + len, tb, tail)) < 0) {
        return ret;
    }
    uint64_t l1i = off >> (s->cluster_bits + s->l2_bits);
    uint8_t *t;
    if ((ret = writable_l2(bs, l1i, &t)) < 0) {
        return ret;
    }
    int64_t host = qcow2_alloc_clusters(bs, n);
    if (host < 0) {
        return (int)host;
    }
    if ((head && (ret = blk_file_pwrite(&bs->file, (uint64_t)host, hb, head)) < 0) ||
        (ret = blk_file_pwrite(&bs->file, (uint64_t)host + head, buf, len)) < 0 ||
        (tail && (ret = blk_file_pwrite(&bs->file, (uint64_t)host + head + len, tb, tail)) < 0)) {
        return blk_io_fail(bs, ret, "write failed: %s", strerror(-ret));
    }
    /* The table can have been evicted while allocating: look it up again. */
    if ((ret = l2_table(bs, l1i, &t)) < 0) {
        return ret;
    }
    uint64_t l2i = (off >> s->cluster_bits) & (s->l2_entries - 1);
    return set_entries(bs, t, l2i, n, (uint64_t)host, cs, QCOW2_OFLAG_COPIED);
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

/* A data cluster taken from an L2 entry must not lie on the header, the
 * L1 or refcount tables or an active L2 table: writing there would destroy
 * metadata (QEMU's overlap check, cheap part). */
static int check_overlap(struct blk *bs, uint64_t host, uint64_t len)
{
    struct qcow2 *s = qcow2_state(bs);
    bool bad = overlaps(host, len, 0, s->cluster_size) ||
               overlaps(host, len, s->l1_offset, (uint64_t)s->l1_size * 8) ||
               overlaps(host, len, s->rt_offset, (uint64_t)s->rt_clusters * s->cluster_size);
    for (uint32_t i = 0; !bad && i < s->l1_size; i++) {
        uint64_t l2 = s->l1[i] & QCOW2_OFFSET_MASK;
        bad = l2 && overlaps(host, len, l2, s->cluster_size);
    }
    return bad ? qcow2_corrupt(bs, "data at %#llx overlaps metadata", (unsigned long long)host) : 0;
}

int qcow2_write(struct blk *bs, uint64_t off, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    int ret = qcow2_mark_dirty(bs);
    while (ret == 0 && len) {
        struct mapping m;
        if ((ret = get_mapping(bs, off, len, &m)) < 0) {
            return ret;
        }
        if (m.type == CT_NORMAL && (m.entry & QCOW2_OFLAG_COPIED)) {
            if ((ret = check_overlap(bs, m.host, m.bytes)) < 0) {
                return ret;
            }
            ret = blk_file_pwrite(&bs->file, m.host, p, m.bytes);
            if (ret < 0) {
                return blk_io_fail(bs, ret, "write failed: %s", strerror(-ret));
            }
        } else {
            /* Extend the run over following clusters that also need allocation. */
            struct qcow2 *s = qcow2_state(bs);
            uint64_t run = m.bytes;
            while (run < len && ((off + run) & ((s->cluster_size << s->l2_bits) - 1))) {
                struct mapping n;
                if ((ret = get_mapping(bs, off + run, len - run, &n)) < 0) {
                    return ret;
                }
                if (n.type == CT_NORMAL && (n.entry & QCOW2_OFLAG_COPIED)) {
                    break;
                }
                run += n.bytes;
            }
            m.bytes = run;
            ret = write_new(bs, off, p, m.bytes);
        }
        off += m.bytes;
        p += m.bytes;
        len -= m.bytes;
    }
    return ret;
}

/* Whole clusters of [off, off+len) become zero (v3, or unallocated without a
 * backing file) or unallocated (discard); partial ones are written. */
static int zero_clusters(struct blk *bs, uint64_t off, uint64_t len, bool discard)
{
    struct qcow2 *s = qcow2_state(bs);
    uint64_t cs = s->cluster_size;
    int ret = qcow2_mark_dirty(bs);
    while (ret == 0 && len) {
        uint64_t in = off & (cs - 1);
        uint64_t n = cs - in < len ? cs - in : len;
        bool whole = n == cs;
        bool can_flag = s->version >= 3 || !bs->backing_name[0];
        if (!whole || (!can_flag && !discard)) {
            if (!discard) {
                uint8_t *zero = s->cow_buf + 3 * cs;
                memset(zero, 0, n);
                ret = qcow2_write(bs, off, zero, n);
            }
        } else if (can_flag) {
            uint64_t l1i = off >> (s->cluster_bits + s->l2_bits);
            uint64_t l2i = (off >> s->cluster_bits) & (s->l2_entries - 1);
            uint8_t *t;
            uint64_t flag =
                bs->backing_name[0] || (s->version >= 3 && !discard) ? QCOW2_OFLAG_ZERO : 0;
            if (l1i < s->l1_size && (s->l1[l1i] || flag) && (ret = writable_l2(bs, l1i, &t)) == 0) {
                ret = set_entries(bs, t, l2i, 1, 0, 0, flag);
            }
        }
        off += n;
        len -= n;
    }
    return ret;
}

int qcow2_write_zeroes(struct blk *bs, uint64_t off, uint64_t len)
{
    return zero_clusters(bs, off, len, false);
}

int qcow2_discard(struct blk *bs, uint64_t off, uint64_t len)
{
    return zero_clusters(bs, off, len, true);
}

int qcow2_block_status(struct blk *bs, uint64_t off, uint64_t len, uint64_t *pnum, unsigned *status,
                       uint64_t *host)
{
    struct mapping m;
    int ret = get_mapping(bs, off, len, &m);
    if (ret < 0) {
        return ret;
    }
    *pnum = m.bytes;
    *host = 0;
    switch (m.type) {
    case CT_UNALLOC: *status = 0; break;
    case CT_ZERO: *status = BLK_STATUS_ZERO | BLK_STATUS_ALLOCATED; break;
    case CT_COMPRESSED:
        *status = BLK_STATUS_DATA | BLK_STATUS_ALLOCATED | BLK_STATUS_COMPRESSED;
        break;
    case CT_NORMAL:
        *status = BLK_STATUS_DATA | BLK_STATUS_ALLOCATED | BLK_STATUS_OFFSET;
        *host = m.host;
        break;
    }
    return 0;
}

int qcow2_write_compressed(struct blk *bs, uint64_t off, const void *buf, size_t len)
{
    struct qcow2 *s = qcow2_state(bs);
    if (len != s->cluster_size || (off & (s->cluster_size - 1))) {
        return blk_io_fail(bs, -EINVAL, "compressed writes must cover one whole cluster");
    }
    z_stream z = {0};
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -12, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
        return blk_io_fail(bs, -ENOMEM, "zlib initialisation failed");
    }
    z.next_in = (uint8_t *)buf;
    z.avail_in = (uInt)len;
    z.next_out = s->zbuf_in;
    z.avail_out = (uInt)(s->cluster_size - 1);
    int zr = deflate(&z, Z_FINISH);
    uint64_t csize = s->cluster_size - 1 - z.avail_out;
    deflateEnd(&z);
    if (zr != Z_STREAM_END) {
        return qcow2_write(bs, off, buf, len); /* does not compress: store it plain */
    }
    int ret = qcow2_mark_dirty(bs);
    uint64_t l1i = off >> (s->cluster_bits + s->l2_bits);
    uint8_t *t;
    if (ret < 0 || (ret = writable_l2(bs, l1i, &t)) < 0) {
        return ret;
    }
    /* Compressed data never crosses a cluster it does not own: one cluster each. */
    int64_t host = qcow2_alloc_clusters(bs, 1);
    if (host < 0) {
        return (int)host;
    }
    if ((ret = blk_file_pwrite(&bs->file, (uint64_t)host, s->zbuf_in, csize)) < 0) {
        return blk_io_fail(bs, ret, "write failed: %s", strerror(-ret));
    }
    if ((ret = l2_table(bs, l1i, &t)) < 0) {
        return ret;
    }
    unsigned x = 62 - (s->cluster_bits - 8);
    uint64_t sectors = (((uint64_t)host & 511) + csize + 511) / 512;
    uint64_t e = (uint64_t)host | ((sectors - 1) << x) | QCOW2_OFLAG_COMPRESSED;
    uint64_t l2i = (off >> s->cluster_bits) & (s->l2_entries - 1);
    uint64_t old = blk_be64(t + l2i * 8);
    blk_put_be64(t + l2i * 8, e);
    qcow2_cache_mark_dirty(&s->l2_cache, t);
    return release_entry(bs, old);
}

int qcow2_grow_l1(struct blk *bs, uint64_t min_size)
{
    struct qcow2 *s = qcow2_state(bs);
    uint64_t span = s->cluster_size << s->l2_bits;
    uint64_t need = (min_size + span - 1) / span;
    if (need <= s->l1_size) {
        return 0;
    }
    if (need * 8 > QCOW2_MAX_L1_BYTES) {
        return blk_io_fail(bs, -EFBIG, "image size too large for the L1 table");
    }
    uint64_t clusters = (need * 8 + s->cluster_size - 1) / s->cluster_size;
    uint8_t *buf = calloc(clusters, s->cluster_size);
    uint64_t *l1 = calloc(need, sizeof(*l1));
    if (!buf || !l1) {
        free(buf);
        free(l1);
        return -ENOMEM;
    }
    memcpy(l1, s->l1, (size_t)s->l1_size * 8);
    for (uint64_t i = 0; i < need; i++) {
        blk_put_be64(buf + i * 8, l1[i]);
    }
    int64_t off = qcow2_alloc_clusters(bs, clusters);
    int ret = off < 0 ? (int)off : qcow2_commit_refcounts(bs);
    if (ret == 0) {
        ret = blk_file_pwrite(&bs->file, (uint64_t)off, buf, clusters * s->cluster_size);
    }
    free(buf);
    if (ret == 0) {
        ret = qcow2_barrier(bs);
    }
    uint8_t hdr[12];
    blk_put_be32(hdr, (uint32_t)need);
    blk_put_be64(hdr + 4, (uint64_t)off);
    if (ret == 0) {
        ret = qcow2_write_header_field(bs, QCOW2_HDR_L1_SIZE, hdr, sizeof(hdr));
    }
    if (ret == 0) {
        ret = qcow2_barrier(bs);
    }
    if (ret < 0) {
        free(l1);
        return ret;
    }
    uint64_t old = s->l1_offset, old_bytes = (uint64_t)s->l1_size * 8;
    free(s->l1);
    s->l1 = l1;
    s->l1_size = (uint32_t)need;
    s->l1_offset = (uint64_t)off;
    return old_bytes ? qcow2_free_later(bs, old, old_bytes) : 0;
}

int qcow2_make_empty(struct blk *bs)
{
    struct qcow2 *s = qcow2_state(bs);
    int ret = qcow2_mark_dirty(bs);
    for (uint32_t i = 0; i < s->l1_size && ret == 0; i++) {
        uint8_t *t;
        if (!(s->l1[i] & QCOW2_OFFSET_MASK) || (ret = writable_l2(bs, i, &t)) < 0) {
            continue;
        }
        ret = set_entries(bs, t, 0, s->l2_entries, 0, 0, 0);
    }
    return ret;
}

int qcow2_preallocate_metadata(struct blk *bs)
{
    struct qcow2 *s = qcow2_state(bs);
    uint64_t span = s->cluster_size << s->l2_bits;
    for (uint64_t off = 0; off < bs->size; off += span) {
        uint64_t l1i = off / span;
        uint8_t *t;
        int ret = writable_l2(bs, l1i, &t);
        uint64_t n = (bs->size - off + s->cluster_size - 1) >> s->cluster_bits;
        n = n < s->l2_entries ? n : s->l2_entries;
        int64_t host = ret < 0 ? ret : qcow2_alloc_clusters(bs, n);
        if (host < 0) {
            return (int)host;
        }
        if ((ret = l2_table(bs, l1i, &t)) < 0 ||
            (ret = set_entries(bs, t, 0, n, (uint64_t)host, s->cluster_size, QCOW2_OFLAG_COPIED)) <
                0) {
            return ret;
        }
        /* The data clusters read as zeroes from the sparse file, as QEMU's
         * preallocation=metadata; the file must reach their end. */
        uint64_t end = (uint64_t)host + n * s->cluster_size;
        int64_t fsize = blk_file_size(&bs->file);
        ret = fsize >= 0 && (uint64_t)fsize < end ? blk_file_truncate(&bs->file, end) : 0;
        if (ret < 0) {
            return blk_io_fail(bs, ret, "preallocation failed: %s", strerror(-ret));
        }
    }
    return qcow2_flush_metadata(bs);
}
