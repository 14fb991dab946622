/* qcow2 consistency check and repair: recompute every cluster's reference
 * count from the header, the L1/L2 tables of the image and its snapshots and
 * the refcount structures, compare with the stored refcounts, and check the
 * COPIED flags of the active tables (as qemu-img check classifies them). */
#include "qcow2.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct walk {
    struct blk *bs;
    struct qcow2 *s;
    struct blk_check_result *res;
    void (*report)(void *, const char *);
    void *opaque;
    uint32_t *ref;
    uint64_t nb; /* clusters in the file */
    uint8_t *table;
};

static void say(struct walk *w, const char *fmt, ...)
{
    if (!w->report) {
        return;
    }
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    w->report(w->opaque, line);
}

static void count(struct walk *w, uint64_t off, uint64_t len)
{
    if (!len) {
        return;
    }
    uint64_t first = off >> w->s->cluster_bits, last = (off + len - 1) >> w->s->cluster_bits;
    for (uint64_t ci = first; ci <= last; ci++) {
        if (ci >= w->nb) {
            say(w, "ERROR: cluster %#llx referenced past the end of the image file",
                (unsigned long long)(ci << w->s->cluster_bits));
            w->res->corruptions++;
            return;
        }
        if (w->ref[ci] < UINT32_MAX) {
            w->ref[ci]++;
        }
    }
}

static bool aligned_in_file(struct walk *w, uint64_t off, const char *what)
{
    if (off & (w->s->cluster_size - 1)) {
        say(w, "ERROR: %s offset=%#llx is not cluster aligned", what, (unsigned long long)off);
        w->res->corruptions++;
        return false;
    }
    if ((off >> w->s->cluster_bits) >= w->nb) {
        say(w, "ERROR: %s offset=%#llx is past the end of the image file", what,
            (unsigned long long)off);
        w->res->corruptions++;
        return false;
    }
    return true;
}

static int walk_l2(struct walk *w, uint64_t l2_off, bool active)
{
    struct qcow2 *s = w->s;
    int ret = blk_file_pread(&w->bs->file, l2_off, w->table, s->cluster_size);
    if (ret < 0) {
        say(w, "ERROR: could not read L2 table at %#llx", (unsigned long long)l2_off);
        w->res->check_errors++;
        return 0;
    }
    uint64_t prev_end = 0;
    for (uint64_t i = 0; i < s->l2_entries; i++) {
        uint64_t e = blk_be64(w->table + i * 8);
        if (e & QCOW2_OFLAG_COMPRESSED) {
            uint64_t coff, csize;
            qcow2_compressed_range(s, e, &coff, &csize);
            count(w, coff, csize);
            if (active) {
                w->res->allocated_clusters++;
                w->res->compressed_clusters++;
            }
            continue;
        }
        uint64_t off = e & QCOW2_OFFSET_MASK;
        if ((e & QCOW2_OFLAG_ZERO) && s->version < 3) {
            say(w, "ERROR: zero flag in a version 2 image, L2 entry %#llx", (unsigned long long)e);
            w->res->corruptions++;
        }
        if (!off) {
            continue;
        }
        if (!aligned_in_file(w, off, "data cluster")) {
            continue;
        }
        count(w, off, s->cluster_size);
        if (active) {
            w->res->allocated_clusters++;
            w->res->fragmented_clusters += prev_end && off != prev_end;
            prev_end = off + s->cluster_size;
        }
    }
    return 0;
}

static int walk_l1(struct walk *w, uint64_t l1_off, uint32_t l1_size, bool active)
{
    count(w, l1_off, (uint64_t)l1_size * 8);
    for (uint32_t i = 0; i < l1_size; i++) {
        uint8_t v[8];
        int ret = blk_file_pread(&w->bs->file, l1_off + (uint64_t)i * 8, v, 8);
        if (ret < 0) {
            w->res->check_errors++;
            return 0;
        }
        uint64_t off = blk_be64(v) & QCOW2_OFFSET_MASK;
        if (!off || !aligned_in_file(w, off, "L2 table")) {
            continue;
        }
        count(w, off, w->s->cluster_size);
        walk_l2(w, off, active);
    }
    return 0;
}

static void walk_all(struct walk *w)
{
    struct qcow2 *s = w->s;
    count(w, 0, s->cluster_size);
    walk_l1(w, s->l1_offset, s->l1_size, true);
    uint64_t end = s->snapshots_offset;
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        const struct qcow2_snapshot *sn = &s->snapshots[i];
        walk_l1(w, sn->l1_offset, sn->l1_size, false);
        end += (40 + sn->extra_size + strlen(sn->id) + strlen(sn->name) + 7) & ~7ull;
    }
    if (s->nb_snapshots) {
        count(w, s->snapshots_offset, end - s->snapshots_offset);
    }
    count(w, s->rt_offset, (uint64_t)s->rt_clusters * s->cluster_size);
    for (uint64_t i = 0; i < s->rt_entries; i++) {
        uint64_t off = s->rt[i] & QCOW2_OFFSET_MASK;
        if (off && aligned_in_file(w, off, "refcount block")) {
            count(w, off, s->cluster_size);
        }
    }
}

static int compare(struct walk *w, unsigned fix)
{
    struct qcow2 *s = w->s;
    /* Clusters of the file only (as qemu-img): a corrupt refcount table can
     * claim ranges far past the end, and walking them would not end. */
    for (uint64_t ci = 0; ci < w->nb; ci++) {
        uint64_t disk, want = w->ref[ci];
        int ret = qcow2_get_refcount(w->bs, ci, &disk);
        if (ret < 0) {
            say(w, "ERROR: could not read the refcount of cluster %llu", (unsigned long long)ci);
            w->res->check_errors++;
            continue;
        }
        if (want) {
            w->res->image_end_offset = (ci + 1) << s->cluster_bits;
        }
        if (disk == want) {
            continue;
        }
        bool leak = disk > want;
        bool repair = leak ? (fix & BLK_FIX_LEAKS) : (fix & BLK_FIX_ERRORS);
        say(w, "%s cluster %llu refcount=%llu reference=%llu", leak ? "Leaked" : "ERROR",
            (unsigned long long)ci, (unsigned long long)disk, (unsigned long long)want);
        if (repair && want <= s->refcount_max && qcow2_set_refcount(w->bs, ci, want) == 0) {
            *(leak ? &w->res->leaks_fixed : &w->res->corruptions_fixed) += 1;
        } else {
            *(leak ? &w->res->leaks : &w->res->corruptions) += 1;
        }
    }
    return 0;
}

/* COPIED must be set exactly when the refcount is 1 (active tables only). */
static int check_copied(struct walk *w, unsigned fix)
{
    struct qcow2 *s = w->s;
    for (uint32_t i = 0; i < s->l1_size; i++) {
        uint64_t e = s->l1[i], off = e & QCOW2_OFFSET_MASK, rc;
        if (!off || (off & (s->cluster_size - 1)) || (off >> s->cluster_bits) >= w->nb) {
            continue;
        }
        if (qcow2_get_refcount(w->bs, off >> s->cluster_bits, &rc) < 0) {
            w->res->check_errors++;
            continue;
        }
        if ((rc == 1) != !!(e & QCOW2_OFLAG_COPIED)) {
            say(w, "ERROR OFLAG_COPIED L2 cluster: l1_index=%u l1_entry=%llx refcount=%llu", i,
                (unsigned long long)e, (unsigned long long)rc);
            if (fix & BLK_FIX_ERRORS) {
                s->l1[i] = rc == 1 ? e | QCOW2_OFLAG_COPIED : e & ~QCOW2_OFLAG_COPIED;
                qcow2_write_l1_entry(w->bs, i);
                w->res->corruptions_fixed++;
            } else {
                w->res->corruptions++;
            }
        }
        uint8_t *t;
        if (qcow2_cache_get(w->bs, &s->l2_cache, off, &t) < 0) {
            w->res->check_errors++;
            continue;
        }
        for (uint64_t j = 0; j < s->l2_entries; j++) {
            uint64_t le = blk_be64(t + j * 8), doff = le & QCOW2_OFFSET_MASK;
            if ((le & QCOW2_OFLAG_COMPRESSED) || !doff || (doff >> s->cluster_bits) >= w->nb) {
                continue;
            }
            if (qcow2_get_refcount(w->bs, doff >> s->cluster_bits, &rc) < 0) {
                w->res->check_errors++;
                continue;
            }
            if ((rc == 1) == !!(le & QCOW2_OFLAG_COPIED)) {
                continue;
            }
            say(w, "ERROR OFLAG_COPIED data cluster: l2_entry=%llx refcount=%llu",
                (unsigned long long)le, (unsigned long long)rc);
            if (fix & BLK_FIX_ERRORS) {
                blk_put_be64(t + j * 8,
                             rc == 1 ? le | QCOW2_OFLAG_COPIED : le & ~QCOW2_OFLAG_COPIED);
                qcow2_cache_mark_dirty(&s->l2_cache, t);
                w->res->corruptions_fixed++;
            } else {
                w->res->corruptions++;
            }
        }
    }
    return 0;
}

static int check_pass(struct blk *bs, unsigned fix, struct blk_check_result *res,
                      void (*report)(void *, const char *), void *opaque)
{
    struct qcow2 *s = qcow2_state(bs);
    int ret = bs->read_only ? 0 : qcow2_flush_metadata(bs);
    int64_t fsize = blk_file_size(&bs->file);
    if (ret < 0 || fsize < 0) {
        return ret < 0 ? ret : (int)fsize;
    }
    struct walk w = {bs, s, res, report, opaque, NULL, 0, NULL};
    w.nb = ((uint64_t)fsize + s->cluster_size - 1) >> s->cluster_bits;
    w.ref = calloc(w.nb ? w.nb : 1, sizeof(*w.ref));
    w.table = malloc(s->cluster_size);
    if (!w.ref || !w.table) {
        free(w.ref);
        free(w.table);
        return -ENOMEM;
    }
    walk_all(&w);
    compare(&w, fix);
    check_copied(&w, fix);
    free(w.ref);
    free(w.table);
    res->total_clusters = (bs->size + s->cluster_size - 1) >> s->cluster_bits;
    return bs->read_only ? 0 : qcow2_flush_metadata(bs);
}

int qcow2_check(struct blk *bs, unsigned fix, struct blk_check_result *res,
                void (*report)(void *opaque, const char *line), void *opaque)
{
    memset(res, 0, sizeof(*res));
    int ret = check_pass(bs, fix, res, report, opaque);
    if (ret < 0 || !fix || !(res->leaks_fixed + res->corruptions_fixed)) {
        return ret;
    }
    /* Repairs can allocate refcount blocks: count again, reporting what is left. */
    struct blk_check_result again;
    memset(&again, 0, sizeof(again));
    ret = check_pass(bs, fix, &again, NULL, NULL);
    again.leaks_fixed = res->leaks_fixed + again.leaks_fixed;
    again.corruptions_fixed = res->corruptions_fixed + again.corruptions_fixed;
    *res = again;
    struct qcow2 *s = qcow2_state(bs);
    if (ret == 0 && (fix & BLK_FIX_ERRORS) && !res->corruptions &&
        (s->incompat & QCOW2_INCOMPAT_CORRUPT)) {
        uint8_t v[8];
        s->incompat &= ~QCOW2_INCOMPAT_CORRUPT;
        blk_put_be64(v, s->incompat);
        ret = qcow2_write_header_field(bs, QCOW2_HDR_INCOMPAT, v, sizeof(v));
    }
    return ret;
}
