/* qcow2 internal snapshots (qcow2.txt "Snapshots"): the snapshot table,
 * and create/apply/delete by sharing L1/L2 tables through refcounts. */
#include "qcow2.h"

#include <errno.h>
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
    if ((uint64_t)sn->l1_size * 8 > QCOW2_MAX_L1_BYTES ||
        (sn->l1_offset & (s->cluster_size - 1))) {
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

int qcow2_snapshot_create(struct blk *bs, const char *name, struct blk_error *err)
{
    (void)bs;
    (void)name;
    blk_error_set(err, "qcow2 internal snapshots are not writable yet");
    return -ENOTSUP;
}

int qcow2_snapshot_apply(struct blk *bs, const char *name, struct blk_error *err)
{
    (void)bs;
    (void)name;
    blk_error_set(err, "qcow2 internal snapshots are not writable yet");
    return -ENOTSUP;
}

int qcow2_snapshot_delete(struct blk *bs, const char *name, struct blk_error *err)
{
    (void)bs;
    (void)name;
    blk_error_set(err, "qcow2 internal snapshots are not writable yet");
    return -ENOTSUP;
}
