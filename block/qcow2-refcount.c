/* qcow2 refcounts (qcow2.txt "Cluster mapping" / refcount table and blocks):
 * entries of 1 to 64 bits, cluster allocation, refcount-table growth, and the
 * crash-safe order of metadata writes:
 *   refcount increments -> barrier -> L2/L1 tables -> barrier -> decrements. */
#include "qcow2.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

uint64_t qcow2_refcount_get_entry(const uint8_t *block, uint64_t index, unsigned order)
{
    switch (order) {
    case 3: return block[index];
    case 4: return blk_be16(block + index * 2);
    case 5: return blk_be32(block + index * 4);
    case 6: return blk_be64(block + index * 8);
    default: {
        /* Sub-byte widths: entry 0 in the least significant bits of byte 0. */
        unsigned bits = 1u << order;
        uint64_t bit = index * bits;
        return (block[bit / 8] >> (bit % 8)) & ((1u << bits) - 1);
    }
    }
}

void qcow2_refcount_set_entry(uint8_t *block, uint64_t index, unsigned order, uint64_t value)
{
    switch (order) {
    case 3: block[index] = (uint8_t)value; return;
    case 4: blk_put_be16(block + index * 2, (uint16_t)value); return;
    case 5: blk_put_be32(block + index * 4, (uint32_t)value); return;
    case 6: blk_put_be64(block + index * 8, value); return;
    default: {
        unsigned bits = 1u << order;
        uint64_t bit = index * bits;
        uint8_t mask = (uint8_t)(((1u << bits) - 1) << (bit % 8));
        block[bit / 8] = (uint8_t)((block[bit / 8] & ~mask) | ((value << (bit % 8)) & mask));
        return;
    }
    }
}

int qcow2_barrier(struct blk *bs)
{
    int ret = blk_file_flush(&bs->file);
    return ret < 0 ? blk_io_fail(bs, ret, "flush failed: %s", strerror(-ret)) : 0;
}

int qcow2_commit_refcounts(struct blk *bs)
{
    struct qcow2 *s = qcow2_state(bs);
    if (!qcow2_cache_has_dirty(&s->rb_cache)) {
        return 0;
    }
    int ret = qcow2_cache_write_dirty(bs, &s->rb_cache);
    return ret < 0 ? ret : qcow2_barrier(bs);
}

static int load_block(struct blk *bs, uint64_t rt_index, uint8_t **block)
{
    struct qcow2 *s = qcow2_state(bs);
    uint64_t off = s->rt[rt_index] & QCOW2_OFFSET_MASK;
    if (off & (s->cluster_size - 1)) {
        return qcow2_corrupt(bs, "refcount block %llu at unaligned offset %#llx",
                             (unsigned long long)rt_index, (unsigned long long)off);
    }
    return qcow2_cache_get(bs, &s->rb_cache, off, block);
}

int qcow2_get_refcount(struct blk *bs, uint64_t cluster_index, uint64_t *refcount)
{
    struct qcow2 *s = qcow2_state(bs);
    uint64_t rti = cluster_index / s->rb_entries;
    *refcount = 0;
    if (rti >= s->rt_entries || !(s->rt[rti] & QCOW2_OFFSET_MASK)) {
        return 0;
    }
    uint8_t *block;
    int ret = load_block(bs, rti, &block);
    if (ret < 0) {
        return ret;
    }
    *refcount = qcow2_refcount_get_entry(block, cluster_index % s->rb_entries, s->refcount_order);
    return 0;
}

static int write_rt_entries(struct blk *bs, uint64_t first, uint64_t count)
{
    struct qcow2 *s = qcow2_state(bs);
    uint8_t buf[512];
    while (count) {
        uint64_t n = count < 64 ? count : 64;
        for (uint64_t i = 0; i < n; i++) {
            blk_put_be64(buf + i * 8, s->rt[first + i]);
        }
        int ret = blk_file_pwrite(&bs->file, s->rt_offset + first * 8, buf, n * 8);
        if (ret < 0) {
            return blk_io_fail(bs, ret, "refcount table write failed: %s", strerror(-ret));
        }
        first += n;
        count -= n;
    }
    return 0;
}

/* Grows the refcount table so that index `need` exists. The new table and
 * the refcount blocks describing it go to the first cluster no existing
 * block covers; they describe themselves. */
static int grow_table(struct blk *bs, uint64_t need)
{
    struct qcow2 *s = qcow2_state(bs);
    uint64_t cs = s->cluster_size;
    uint64_t old_entries = s->rt_entries;
    uint64_t start = old_entries * s->rb_entries; /* cluster index, range-aligned */
    uint64_t want = need + 1 > old_entries ? need + 1 : old_entries;
    want += want / 4 + 1; /* headroom, so growth stays rare */
    uint64_t entries, table_clusters, blocks = 0;
    for (;;) {
        uint64_t e = want > old_entries + blocks ? want : old_entries + blocks;
        table_clusters = (e * 8 + cs - 1) / cs;
        entries = table_clusters * cs / 8;
        uint64_t b = (table_clusters + blocks + s->rb_entries - 1) / s->rb_entries;
        if (b <= blocks) {
            break;
        }
        blocks = b;
    }
    if (table_clusters * cs > QCOW2_MAX_REFTABLE_BYTES) {
        return blk_io_fail(bs, -EFBIG, "refcount table would exceed %u bytes",
                           QCOW2_MAX_REFTABLE_BYTES);
    }
    uint8_t *buf = calloc(1, (table_clusters > 1 ? table_clusters : 1) * cs);
    if (!buf) {
        return -ENOMEM;
    }
    /* Refcount blocks for the new metadata, each covering one range. */
    uint64_t meta = table_clusters + blocks;
    int ret = 0;
    for (uint64_t b = 0; b < blocks && ret == 0; b++) {
        memset(buf, 0, cs);
        for (uint64_t c = b * s->rb_entries; c < meta && c < (b + 1) * s->rb_entries; c++) {
            qcow2_refcount_set_entry(buf, c % s->rb_entries, s->refcount_order, 1);
        }
        ret = blk_file_pwrite(&bs->file, (start + table_clusters + b) * cs, buf, cs);
    }
    uint64_t *rt = calloc(entries, sizeof(*rt));
    if (ret < 0 || !rt) {
        free(buf);
        free(rt);
        return ret < 0 ? blk_io_fail(bs, ret, "refcount block write failed") : -ENOMEM;
    }
    memcpy(rt, s->rt, old_entries * sizeof(*rt));
    for (uint64_t b = 0; b < blocks; b++) {
        rt[old_entries + b] = (start + table_clusters + b) * cs;
    }
    memset(buf, 0, table_clusters * cs);
    for (uint64_t i = 0; i < entries; i++) {
        blk_put_be64(buf + i * 8, rt[i]);
    }
    ret = blk_file_pwrite(&bs->file, start * cs, buf, table_clusters * cs);
    free(buf);
    if (ret == 0) {
        ret = qcow2_barrier(bs);
    }
    uint8_t hdr[12];
    blk_put_be64(hdr, start * cs);
    blk_put_be32(hdr + 8, (uint32_t)table_clusters);
    if (ret == 0) {
        ret = qcow2_write_header_field(bs, QCOW2_HDR_REFTABLE, hdr, sizeof(hdr));
    }
    if (ret == 0) {
        ret = qcow2_barrier(bs);
    }
    if (ret < 0) {
        free(rt);
        return ret;
    }
    uint64_t old_off = s->rt_offset, old_clusters = s->rt_clusters;
    free(s->rt);
    s->rt = rt;
    s->rt_entries = entries;
    s->rt_offset = start * cs;
    s->rt_clusters = (uint32_t)table_clusters;
    /* The header no longer points to the old table: free it now. */
    return qcow2_update_refcount(bs, old_off, old_clusters * cs, -1);
}

static int find_free(struct blk *bs, uint64_t n, uint64_t *found);

/* Writes a new, empty refcount block for range rti at cluster ci, counting
 * itself when ci lies in its own range, and points the table at it. */
static int place_block(struct blk *bs, uint64_t rti, uint64_t ci)
{
    struct qcow2 *s = qcow2_state(bs);
    uint64_t off = ci << s->cluster_bits;
    uint8_t *block;
    int ret = qcow2_cache_put_new(bs, &s->rb_cache, off, &block);
    if (ret < 0) {
        return ret;
    }
    memset(block, 0, s->cluster_size);
    if (ci / s->rb_entries == rti) {
        qcow2_refcount_set_entry(block, ci % s->rb_entries, s->refcount_order, 1);
    }
    qcow2_cache_mark_dirty(&s->rb_cache, block);
    /* The block must be on disk before the table points to it. */
    ret = qcow2_commit_refcounts(bs);
    if (ret < 0) {
        return ret;
    }
    s->rt[rti] = off;
    ret = write_rt_entries(bs, rti, 1);
    return ret < 0 ? ret : qcow2_barrier(bs);
}

/* Creates the refcount block for range rti in the first free cluster. When
 * that cluster's own range has no block yet, that range's block is made
 * first (it describes itself), and the search runs again. */
static int new_block(struct blk *bs, uint64_t rti)
{
    struct qcow2 *s = qcow2_state(bs);
    for (;;) {
        int ret;
        if (rti >= s->rt_entries) {
            if ((ret = grow_table(bs, rti)) < 0) {
                return ret;
            }
            continue;
        }
        if (s->rt[rti]) {
            return 0;
        }
        uint64_t ci;
        if ((ret = find_free(bs, 1, &ci)) < 0) {
            return ret;
        }
        uint64_t own = ci / s->rb_entries;
        if (own >= s->rt_entries) {
            if ((ret = grow_table(bs, own)) < 0) {
                return ret;
            }
            continue;
        }
        if (!s->rt[own]) {
            ret = place_block(bs, own, ci);
        } else if ((ret = qcow2_set_refcount(bs, ci, 1)) == 0) {
            ret = place_block(bs, rti, ci);
        }
        if (ret < 0) {
            return ret;
        }
    }
}

int qcow2_set_refcount(struct blk *bs, uint64_t ci, uint64_t value)
{
    struct qcow2 *s = qcow2_state(bs);
    uint64_t rti = ci / s->rb_entries;
    int ret;
    if (rti >= s->rt_entries || !s->rt[rti]) {
        if (value == 0) {
            return 0;
        }
        if ((ret = new_block(bs, rti)) < 0) {
            return ret;
        }
    }
    uint8_t *block;
    if ((ret = load_block(bs, rti, &block)) < 0) {
        return ret;
    }
    qcow2_refcount_set_entry(block, ci % s->rb_entries, s->refcount_order, value);
    qcow2_cache_mark_dirty(&s->rb_cache, block);
    if (value == 0) {
        qcow2_cache_drop(&s->l2_cache, ci * s->cluster_size);
        if (ci < s->free_hint) {
            s->free_hint = ci;
        }
    }
    return 0;
}

int qcow2_update_refcount(struct blk *bs, uint64_t offset, uint64_t length, int64_t addend)
{
    struct qcow2 *s = qcow2_state(bs);
    if (!length) {
        return 0;
    }
    uint64_t first = offset >> s->cluster_bits;
    uint64_t last = (offset + length - 1) >> s->cluster_bits;
    for (uint64_t ci = first; ci <= last; ci++) {
        uint64_t rc;
        int ret = qcow2_get_refcount(bs, ci, &rc);
        if (ret < 0) {
            return ret;
        }
        if (addend > 0 && rc + (uint64_t)addend > s->refcount_max) {
            return blk_io_fail(bs, -ERANGE, "refcount overflow at cluster %#llx (refcount_bits=%u)",
                               (unsigned long long)(ci << s->cluster_bits),
                               1u << s->refcount_order);
        }
        if (addend < 0 && rc < (uint64_t)-addend) {
            return qcow2_corrupt(bs, "refcount of cluster %#llx would go from %llu by %lld",
                                 (unsigned long long)(ci << s->cluster_bits),
                                 (unsigned long long)rc, (long long)addend);
        }
        if ((ret = qcow2_set_refcount(bs, ci, rc + (uint64_t)addend)) < 0) {
            return ret;
        }
    }
    return 0;
}

/* The first run of n free clusters at or after the hint; blocks that do not
 * exist yet count as free. */
static int find_free(struct blk *bs, uint64_t n, uint64_t *found)
{
    struct qcow2 *s = qcow2_state(bs);
    uint64_t start = s->free_hint, run = 0;
    for (uint64_t ci = start;; ci++) {
        uint64_t rc;
        int ret = qcow2_get_refcount(bs, ci, &rc);
        if (ret < 0) {
            return ret;
        }
        if (rc) {
            run = 0;
            start = ci + 1;
            continue;
        }
        if (++run == n) {
            *found = start;
            return 0;
        }
    }
}

int64_t qcow2_alloc_clusters(struct blk *bs, uint64_t n)
{
    struct qcow2 *s = qcow2_state(bs);
    for (;;) {
        uint64_t start;
        int ret = find_free(bs, n, &start);
        if (ret < 0) {
            return ret;
        }
        /* Missing refcount blocks are created first (they take the first
         * cluster of their range), then the search runs again. */
        uint64_t missing = UINT64_MAX;
        for (uint64_t r = start / s->rb_entries; r <= (start + n - 1) / s->rb_entries; r++) {
            if (r >= s->rt_entries || !s->rt[r]) {
                missing = r;
                break;
            }
        }
        if (missing != UINT64_MAX) {
            if ((ret = new_block(bs, missing)) < 0) {
                return ret;
            }
            continue;
        }
        if ((ret = qcow2_update_refcount(bs, start << s->cluster_bits, n << s->cluster_bits, 1)) <
            0) {
            return ret;
        }
        if (start == s->free_hint) {
            s->free_hint = start + n;
        }
        return (int64_t)(start << s->cluster_bits);
    }
}

int qcow2_free_later(struct blk *bs, uint64_t offset, uint64_t length)
{
    struct qcow2 *s = qcow2_state(bs);
    if (s->nb_pending + 2 > s->cap_pending) {
        size_t cap = s->cap_pending ? s->cap_pending * 2 : 64;
        uint64_t *p = realloc(s->pending_free, cap * sizeof(*p));
        if (!p) {
            return -ENOMEM;
        }
        s->pending_free = p;
        s->cap_pending = cap;
    }
    s->pending_free[s->nb_pending++] = offset;
    s->pending_free[s->nb_pending++] = length;
    if (s->nb_pending >= 8192) {
        return qcow2_flush_metadata(bs);
    }
    return 0;
}

int qcow2_flush_metadata(struct blk *bs)
{
    struct qcow2 *s = qcow2_state(bs);
    int ret = qcow2_commit_refcounts(bs);
    if (ret == 0 && qcow2_cache_has_dirty(&s->l2_cache)) {
        ret = qcow2_cache_write_dirty(bs, &s->l2_cache);
        if (ret == 0) {
            ret = qcow2_barrier(bs);
        }
    }
    if (ret < 0 || !s->nb_pending) {
        return ret;
    }
    /* Nothing on disk points to these clusters any more. */
    size_t n = s->nb_pending;
    s->nb_pending = 0;
    for (size_t i = 0; i < n && ret == 0; i += 2) {
        ret = qcow2_update_refcount(bs, s->pending_free[i], s->pending_free[i + 1], -1);
    }
    return ret < 0 ? ret : qcow2_commit_refcounts(bs);
}
