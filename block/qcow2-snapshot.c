/* qcow2 internal snapshots (qcow2.txt "Snapshots"): the snapshot table,
 * and create/apply/delete by sharing L1/L2 tables through refcounts. */
#include "qcow2.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SNAP_FIXED 40

void qcow2_free_snapshots(struct qcow2 *s)
{
    for (uint32_t i = 0; s->snapshots && i < s->nb_snapshots; i++) {
        free(s->snapshots[i].id);
        free(s->snapshots[i].name);
    }
    free(s->snapshots);
    s->snapshots = NULL;
}

static char *read_string(struct blk *bs, uint64_t off, uint16_t len, int *ret)
{
    char *str = malloc((size_t)len + 1);
    if (!str) {
        *ret = -ENOMEM;
        return NULL;
    }
    *ret = len ? blk_file_pread(&bs->file, off, str, len) : 0;
    str[len] = 0;
    return str;
}

static int read_one(struct blk *bs, uint64_t *off, struct qcow2_snapshot *sn)
{
    struct qcow2 *s = qcow2_state(bs);
    uint8_t h[SNAP_FIXED], extra[24] = {0};
    int ret = blk_file_pread(&bs->file, *off, h, sizeof(h));
    if (ret < 0) {
        return ret;
    }
    sn->l1_offset = blk_be64(h);
    sn->l1_size = blk_be32(h + 8);
    uint16_t id_len = blk_be16(h + 12), name_len = blk_be16(h + 14);
    sn->date_sec = blk_be32(h + 16);
    sn->date_nsec = blk_be32(h + 20);
    sn->vm_clock_nsec = blk_be64(h + 24);
    sn->vm_state_size = blk_be32(h + 32);
    sn->extra_size = blk_be32(h + 36);
    sn->icount = UINT64_MAX;
    if (sn->extra_size > 1024) {
        return -EINVAL;
    }
    uint32_t known = sn->extra_size < sizeof(extra) ? sn->extra_size : sizeof(extra);
    if (known && (ret = blk_file_pread(&bs->file, *off + SNAP_FIXED, extra, known)) < 0) {
        return ret;
    }
    if (known >= 8) {
        sn->vm_state_size = blk_be64(extra);
    }
    sn->disk_size = known >= 16 ? blk_be64(extra + 8) : bs->size;
    if (known >= 24) {
        sn->icount = blk_be64(extra + 16);
    }
    uint64_t p = *off + SNAP_FIXED + sn->extra_size;
    sn->id = read_string(bs, p, id_len, &ret);
    if (ret == 0) {
        sn->name = read_string(bs, p + id_len, name_len, &ret);
    }
    if (ret < 0) {
        return ret;
    }
    int64_t fsize = blk_file_size(&bs->file);
    if ((uint64_t)sn->l1_size * 8 > QCOW2_MAX_L1_BYTES || (sn->l1_offset & (s->cluster_size - 1)) ||
        fsize < 0 || sn->l1_offset + (uint64_t)sn->l1_size * 8 > (uint64_t)fsize) {
        return -EINVAL;
    }
    *off = (p + id_len + name_len + 7) & ~7ull;
    return 0;
}

int qcow2_read_snapshots(struct blk *bs, struct blk_error *err)
{
    struct qcow2 *s = qcow2_state(bs);
    if (!s->nb_snapshots) {
        return 0;
    }
    s->snapshots = calloc(s->nb_snapshots, sizeof(*s->snapshots));
    if (!s->snapshots) {
        blk_error_set(err, "out of memory for the snapshot table");
        return -ENOMEM;
    }
    uint64_t off = s->snapshots_offset;
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        int ret = read_one(bs, &off, &s->snapshots[i]);
        if (ret < 0) {
            blk_error_set(err, "snapshot table entry %u is invalid", i);
            return ret;
        }
    }
    return 0;
}

static struct qcow2_snapshot *find(struct qcow2 *s, const char *name)
{
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        if (!strcmp(s->snapshots[i].name, name)) {
            return &s->snapshots[i];
        }
    }
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        if (!strcmp(s->snapshots[i].id, name)) {
            return &s->snapshots[i];
        }
    }
    return NULL;
}

static int read_l1(struct blk *bs, uint64_t off, uint32_t size, uint64_t **out)
{
    uint64_t *t = calloc(size ? size : 1, 8);
    if (!t) {
        return -ENOMEM;
    }
    int ret = size ? blk_file_pread(&bs->file, off, t, (size_t)size * 8) : 0;
    if (ret < 0) {
        free(t);
        return blk_io_fail(bs, ret, "snapshot L1 read failed: %s", strerror(-ret));
    }
    for (uint32_t i = 0; i < size; i++) {
        t[i] = blk_be64(&t[i]);
    }
    *out = t;
    return 0;
}

/* Adds addend to the refcount of every L2 table and data cluster an L1
 * table reaches (qcow2.txt: a snapshot counts as one more reference). */
static int update_tables(struct blk *bs, const uint64_t *l1, uint32_t l1_size, int addend)
{
    struct qcow2 *s = qcow2_state(bs);
    uint8_t *t = malloc(s->cluster_size);
    int ret = t ? 0 : -ENOMEM;
    for (uint32_t i = 0; i < l1_size && ret == 0; i++) {
        uint64_t l2 = l1[i] & QCOW2_OFFSET_MASK;
        if (!l2) {
            continue;
        }
        if ((ret = blk_file_pread(&bs->file, l2, t, s->cluster_size)) < 0) {
            ret = blk_io_fail(bs, ret, "L2 read failed");
            break;
        }
        for (uint64_t j = 0; j < s->l2_entries && ret == 0; j++) {
            uint64_t e = blk_be64(t + j * 8), off, len = s->cluster_size;
            if (e & QCOW2_OFLAG_COMPRESSED) {
                qcow2_compressed_range(s, e, &off, &len);
            } else {
                off = e & QCOW2_OFFSET_MASK;
            }
            if (off) {
                ret = qcow2_update_refcount(bs, off, len, addend);
            }
        }
        if (ret == 0) {
            ret = qcow2_update_refcount(bs, l2, s->cluster_size, addend);
        }
    }
    free(t);
    return ret;
}

/* COPIED in the active tables: set exactly where the refcount is 1. */
static int fix_copied(struct blk *bs)
{
    struct qcow2 *s = qcow2_state(bs);
    for (uint32_t i = 0; i < s->l1_size; i++) {
        uint64_t e = s->l1[i], off = e & QCOW2_OFFSET_MASK, rc;
        if (!off) {
            continue;
        }
        int ret = qcow2_get_refcount(bs, off >> s->cluster_bits, &rc);
        uint64_t want = rc == 1 ? e | QCOW2_OFLAG_COPIED : e & ~QCOW2_OFLAG_COPIED;
        if (ret == 0 && want != e) {
            s->l1[i] = want;
            ret = qcow2_write_l1_entry(bs, i);
        }
        uint8_t *t;
        if (ret < 0 || (ret = qcow2_cache_get(bs, &s->l2_cache, off, &t)) < 0) {
            return ret;
        }
        for (uint64_t j = 0; j < s->l2_entries; j++) {
            uint64_t le = blk_be64(t + j * 8), doff = le & QCOW2_OFFSET_MASK;
            if ((le & QCOW2_OFLAG_COMPRESSED) || !doff) {
                continue;
            }
            if ((ret = qcow2_get_refcount(bs, doff >> s->cluster_bits, &rc)) < 0) {
                return ret;
            }
            uint64_t w = rc == 1 ? le | QCOW2_OFLAG_COPIED : le & ~QCOW2_OFLAG_COPIED;
            if (w != le) {
                blk_put_be64(t + j * 8, w);
                qcow2_cache_mark_dirty(&s->l2_cache, t);
            }
        }
    }
    return qcow2_flush_metadata(bs);
}

static size_t entry_size(const struct qcow2_snapshot *sn)
{
    return (SNAP_FIXED + sn->extra_size + strlen(sn->id) + strlen(sn->name) + 7) & ~(size_t)7;
}

static size_t put_entry(uint8_t *p, const struct qcow2_snapshot *sn)
{
    size_t id_len = strlen(sn->id), name_len = strlen(sn->name);
    memset(p, 0, entry_size(sn));
    blk_put_be64(p, sn->l1_offset);
    blk_put_be32(p + 8, sn->l1_size);
    blk_put_be16(p + 12, (uint16_t)id_len);
    blk_put_be16(p + 14, (uint16_t)name_len);
    blk_put_be32(p + 16, sn->date_sec);
    blk_put_be32(p + 20, sn->date_nsec);
    blk_put_be64(p + 24, sn->vm_clock_nsec);
    blk_put_be32(p + 32, sn->vm_state_size > UINT32_MAX ? 0 : (uint32_t)sn->vm_state_size);
    blk_put_be32(p + 36, sn->extra_size);
    uint8_t *x = p + SNAP_FIXED;
    if (sn->extra_size >= 16) {
        blk_put_be64(x, sn->vm_state_size);
        blk_put_be64(x + 8, sn->disk_size);
    }
    if (sn->extra_size >= 24) {
        blk_put_be64(x + 16, sn->icount);
    }
    memcpy(x + sn->extra_size, sn->id, id_len);
    memcpy(x + sn->extra_size + id_len, sn->name, name_len);
    return entry_size(sn);
}

/* Writes the list as a new snapshot table, switches the header to it, then
 * frees the old one. */
static int write_table(struct blk *bs, struct qcow2_snapshot *list, uint32_t n)
{
    struct qcow2 *s = qcow2_state(bs);
    size_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        total += entry_size(&list[i]);
    }
    uint64_t clusters = (total + s->cluster_size - 1) >> s->cluster_bits;
    uint8_t *buf = calloc(1, clusters ? clusters << s->cluster_bits : 1);
    if (!buf) {
        return -ENOMEM;
    }
    size_t pos = 0;
    for (uint32_t i = 0; i < n; i++) {
        pos += put_entry(buf + pos, &list[i]);
    }
    int64_t off = 0;
    int ret = 0;
    if (n) {
        off = qcow2_alloc_clusters(bs, clusters);
        ret = off < 0 ? (int)off : qcow2_commit_refcounts(bs);
        if (ret == 0 && (ret = blk_file_pwrite(&bs->file, (uint64_t)off, buf, total)) < 0) {
            ret = blk_io_fail(bs, ret, "snapshot table write failed");
        }
    }
    free(buf);
    uint8_t hdr[12];
    blk_put_be32(hdr, n);
    blk_put_be64(hdr + 4, (uint64_t)off);
    if (ret == 0 && (ret = qcow2_barrier(bs)) == 0) {
        ret = qcow2_write_header_field(bs, QCOW2_HDR_SNAPSHOTS, hdr, sizeof(hdr));
    }
    if (ret == 0) {
        ret = qcow2_barrier(bs);
    }
    if (ret < 0) {
        return ret;
    }
    size_t old_total = 0;
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        old_total += entry_size(&s->snapshots[i]);
    }
    uint64_t old_off = s->snapshots_offset;
    s->snapshots_offset = (uint64_t)off;
    return s->nb_snapshots ? qcow2_update_refcount(bs, old_off, old_total, -1) : 0;
}

static char *next_id(const struct qcow2 *s)
{
    unsigned long max = 0;
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        unsigned long v = strtoul(s->snapshots[i].id, NULL, 10);
        max = v > max ? v : max;
    }
    char buf[24];
    snprintf(buf, sizeof(buf), "%lu", max + 1);
    return strdup(buf);
}

/* The machine state lives right after the disk, from the first L1 entry the
 * disk does not use (as QEMU places it). */
static uint64_t vmstate_offset(struct blk *bs)
{
    struct qcow2 *s = qcow2_state(bs);
    uint64_t span = s->cluster_size << s->l2_bits;
    return (bs->size + span - 1) / span * span;
}

int qcow2_vmstate_rw(struct blk *bs, uint64_t pos, void *buf, size_t len, bool write)
{
    uint64_t off = vmstate_offset(bs) + pos;
    if (!write) {
        return qcow2_read(bs, off, buf, len);
    }
    int ret = qcow2_grow_l1(bs, off + len);
    return ret < 0 ? ret : qcow2_write(bs, off, buf, len);
}

/* After a snapshot took it, the active image lets go of the state area:
 * each L1 entry past the disk is cleared, then its references dropped. */
static int release_vmstate(struct blk *bs)
{
    struct qcow2 *s = qcow2_state(bs);
    uint64_t span = s->cluster_size << s->l2_bits;
    int ret = qcow2_flush_metadata(bs);
    for (uint64_t i = vmstate_offset(bs) / span; i < s->l1_size && ret == 0; i++) {
        uint64_t e = s->l1[i];
        if (!(e & QCOW2_OFFSET_MASK)) {
            continue;
        }
        qcow2_cache_drop(&s->l2_cache, e & QCOW2_OFFSET_MASK);
        s->l1[i] = 0;
        if ((ret = qcow2_write_l1_entry(bs, (uint32_t)i)) == 0 && (ret = qcow2_barrier(bs)) == 0) {
            ret = update_tables(bs, &e, 1, -1);
        }
    }
    return ret < 0 ? ret : qcow2_flush_metadata(bs);
}

int qcow2_snapshot_create(struct blk *bs, const char *name, const struct blk_snapshot_info *vm,
                          struct blk_error *err)
{
    struct qcow2 *s = qcow2_state(bs);
    if (find(s, name)) {
        blk_error_set(err, "a snapshot named '%s' already exists", name);
        return -EEXIST;
    }
    if (strlen(name) > 1024 || s->nb_snapshots >= QCOW2_MAX_SNAPSHOTS) {
        blk_error_set(err, "snapshot name too long or too many snapshots");
        return -EINVAL;
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct qcow2_snapshot sn = {
        .l1_size = s->l1_size,
        .id = next_id(s),
        .name = strdup(name),
        .date_sec = (uint32_t)now.tv_sec,
        .date_nsec = (uint32_t)now.tv_nsec,
        .disk_size = bs->size,
        .icount = UINT64_MAX,
        .vm_state_size = vm ? vm->vm_state_size : 0,
        .vm_clock_nsec = vm ? vm->vm_clock_nsec : 0,
        .extra_size = 16,
    };
    struct qcow2_snapshot *list = realloc(NULL, (s->nb_snapshots + 1) * sizeof(*list));
    int ret = sn.id && sn.name && list ? qcow2_flush_metadata(bs) : -ENOMEM;
    /* References first, then the copy of the L1 table, then COPIED flags
     * cleared, then the table that makes the snapshot visible. */
    if (ret == 0) {
        ret = update_tables(bs, s->l1, s->l1_size, 1);
    }
    uint64_t l1_bytes = (uint64_t)s->l1_size * 8;
    int64_t l1_off =
        ret < 0 ? ret
                : qcow2_alloc_clusters(bs, (l1_bytes + s->cluster_size - 1) >> s->cluster_bits);
    uint64_t *copy = calloc(s->l1_size ? s->l1_size : 1, 8);
    ret = l1_off < 0 ? (int)l1_off : copy ? qcow2_commit_refcounts(bs) : -ENOMEM;
    for (uint32_t i = 0; ret == 0 && i < s->l1_size; i++) {
        blk_put_be64(&copy[i], s->l1[i] & ~QCOW2_OFLAG_COPIED);
    }
    if (ret == 0 && l1_bytes &&
        (ret = blk_file_pwrite(&bs->file, (uint64_t)l1_off, copy, l1_bytes)) < 0) {
        ret = blk_io_fail(bs, ret, "snapshot L1 write failed");
    }
    free(copy);
    if (ret == 0) {
        ret = fix_copied(bs);
    }
    if (ret == 0) {
        sn.l1_offset = (uint64_t)l1_off;
        if (s->nb_snapshots) {
            memcpy(list, s->snapshots, s->nb_snapshots * sizeof(*list));
        }
        list[s->nb_snapshots] = sn;
        ret = write_table(bs, list, s->nb_snapshots + 1);
    }
    if (ret < 0) {
        free(sn.id);
        free(sn.name);
        free(list);
        blk_error_set(err, "%s", blk_io_error(bs));
        return ret;
    }
    free(s->snapshots);
    s->snapshots = list;
    s->nb_snapshots++;
    if (vm && (ret = release_vmstate(bs)) < 0) {
        blk_error_set(err, "snapshot taken, but releasing the state area failed: %s",
                      blk_io_error(bs));
    }
    return ret;
}

int qcow2_snapshot_apply(struct blk *bs, const char *name, struct blk_error *err)
{
    struct qcow2 *s = qcow2_state(bs);
    struct qcow2_snapshot *sn = find(s, name);
    if (!sn) {
        blk_error_set(err, "no snapshot named '%s'", name);
        return -ENOENT;
    }
    uint64_t *l1 = NULL;
    int ret = qcow2_flush_metadata(bs);
    if (ret == 0 && sn->disk_size > bs->size) {
        ret = qcow2_grow_l1(bs, sn->disk_size);
    }
    if (ret == 0 && sn->l1_size > s->l1_size) {
        /* The snapshot's table also covers its machine state. */
        ret = qcow2_grow_l1(bs, (uint64_t)sn->l1_size * (s->cluster_size << s->l2_bits));
    }
    if (ret == 0) {
        ret = read_l1(bs, sn->l1_offset, sn->l1_size, &l1);
    }
    /* The snapshot's tables gain the active reference before the old active
     * tables lose theirs: a crash in between only leaks. */
    if (ret == 0 && (ret = update_tables(bs, l1, sn->l1_size, 1)) == 0) {
        ret = qcow2_commit_refcounts(bs);
    }
    uint64_t *old = NULL;
    if (ret == 0 && !(old = malloc((size_t)s->l1_size * 8 + 8))) {
        ret = -ENOMEM;
    }
    if (ret == 0) {
        memcpy(old, s->l1, (size_t)s->l1_size * 8);
        memset(s->l1, 0, (size_t)s->l1_size * 8);
        memcpy(s->l1, l1, (size_t)sn->l1_size * 8);
        for (uint32_t i = 0; i < s->l1_size && ret == 0; i++) {
            ret = qcow2_write_l1_entry(bs, i);
        }
        qcow2_cache_drop_all(&s->l2_cache);
        s->zcache_entry = 0;
    }
    if (ret == 0 && (ret = qcow2_barrier(bs)) == 0) {
        ret = update_tables(bs, old, s->l1_size, -1);
    }
    uint8_t v[8];
    blk_put_be64(v, sn->disk_size);
    if (ret == 0 && (ret = fix_copied(bs)) == 0 &&
        (ret = qcow2_write_header_field(bs, 24, v, sizeof(v))) == 0) {
        bs->size = sn->disk_size;
        ret = qcow2_barrier(bs);
    }
    free(l1);
    free(old);
    if (ret < 0) {
        blk_error_set(err, "%s", blk_io_error(bs));
    }
    return ret;
}

int qcow2_snapshot_delete(struct blk *bs, const char *name, struct blk_error *err)
{
    struct qcow2 *s = qcow2_state(bs);
    struct qcow2_snapshot *sn = find(s, name);
    if (!sn) {
        blk_error_set(err, "no snapshot named '%s'", name);
        return -ENOENT;
    }
    struct qcow2_snapshot gone = *sn;
    uint32_t idx = (uint32_t)(sn - s->snapshots);
    struct qcow2_snapshot *list = calloc(s->nb_snapshots, sizeof(*list));
    uint64_t *l1 = NULL;
    int ret = list ? qcow2_flush_metadata(bs) : -ENOMEM;
    if (ret == 0) {
        ret = read_l1(bs, gone.l1_offset, gone.l1_size, &l1);
    }
    if (ret == 0) {
        memcpy(list, s->snapshots, idx * sizeof(*list));
        memcpy(list + idx, s->snapshots + idx + 1, (s->nb_snapshots - idx - 1) * sizeof(*list));
        ret = write_table(bs, list, s->nb_snapshots - 1);
    }
    /* The snapshot is gone from the header: now its references go. */
    if (ret == 0) {
        free(s->snapshots);
        s->snapshots = list;
        list = NULL;
        s->nb_snapshots--;
        ret = update_tables(bs, l1, gone.l1_size, -1);
        if (ret == 0) {
            ret = qcow2_update_refcount(bs, gone.l1_offset, (uint64_t)gone.l1_size * 8, -1);
        }
        free(gone.id);
        free(gone.name);
    }
    if (ret == 0) {
        ret = fix_copied(bs);
    }
    free(list);
    free(l1);
    if (ret < 0) {
        blk_error_set(err, "%s", blk_io_error(bs));
    }
    return ret;
}
