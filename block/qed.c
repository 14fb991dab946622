/* QED (QEMU Enhanced Disk), read-only for import: little-endian header,
 * two-level tables of table_size clusters each, zero clusters (entry 1),
 * backing file (QEMU docs: qed_spec). */
#include "block-int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define QED_MAGIC         0x00444551u /* "QED\0" */
#define QED_HEADER        64
#define QED_F_BACKING     0x1ull
#define QED_F_NEED_CHECK  0x2ull
#define QED_F_BACKING_RAW 0x4ull
#define QED_F_KNOWN       (QED_F_BACKING | QED_F_NEED_CHECK | QED_F_BACKING_RAW)
#define QED_ZERO          1ull

struct qed {
    uint32_t cluster_size, cluster_bits;
    uint64_t table_entries; /* per L1 or L2 table */
    unsigned table_bits;
    uint64_t *l1;
    uint64_t *l2;
    uint64_t l2_offset;
};

static int qed_probe(const uint8_t *buf, size_t len)
{
    return len >= QED_HEADER && blk_le32(buf) == QED_MAGIC ? 100 : 0;
}

static int load_table(struct blk *bs, uint64_t off, uint64_t *t)
{
    struct qed *s = bs->state;
    int ret = blk_file_pread(&bs->file, off, t, s->table_entries * 8);
    if (ret < 0) {
        return blk_io_fail(bs, ret, "table read at %llu failed", (unsigned long long)off);
    }
    for (uint64_t i = 0; i < s->table_entries; i++) {
        t[i] = blk_le64(&t[i]);
    }
    return 0;
}

static int qed_open(struct blk *bs, struct blk_error *err)
{
    struct qed *s = bs->state;
    uint8_t h[QED_HEADER];
    if (blk_file_pread(&bs->file, 0, h, sizeof(h)) < 0 || blk_le32(h) != QED_MAGIC) {
        blk_error_set(err, "not a QED image");
        return -EINVAL;
    }
    bs->read_only = true;
    s->cluster_size = blk_le32(h + 4);
    uint32_t table_size = blk_le32(h + 8);
    uint64_t features = blk_le64(h + 16);
    bs->size = blk_le64(h + 48);
    if (s->cluster_size < 4096 || s->cluster_size > (64u << 20) ||
        (s->cluster_size & (s->cluster_size - 1)) || table_size < 1 || table_size > 16 ||
        (table_size & (table_size - 1)) || (features & ~QED_F_KNOWN)) {
        blk_error_set(err, "unsupported QED cluster size, table size or features");
        return -ENOTSUP;
    }
    s->cluster_bits = (uint32_t)__builtin_ctz(s->cluster_size);
    s->table_entries = (uint64_t)table_size * s->cluster_size / 8;
    s->table_bits = (unsigned)__builtin_ctzll(s->table_entries);
    if (s->cluster_bits + 2 * s->table_bits < 64 &&
        bs->size > 1ull << (s->cluster_bits + 2 * s->table_bits)) {
        blk_error_set(err, "image size too large for the tables");
        return -EINVAL;
    }
    s->l1 = malloc(s->table_entries * 8);
    s->l2 = malloc(s->table_entries * 8);
    if (!s->l1 || !s->l2 || load_table(bs, blk_le64(h + 40), s->l1) < 0) {
        blk_error_set(err, "could not read the L1 table");
        return -EIO;
    }
    uint32_t boff = blk_le32(h + 56), blen = blk_le32(h + 60);
    if (features & QED_F_BACKING) {
        if (blen >= sizeof(bs->backing_name) ||
            blk_file_pread(&bs->file, boff, bs->backing_name, blen) < 0) {
            blk_error_set(err, "invalid backing file name");
            return -EINVAL;
        }
        bs->backing_name[blen] = 0;
        if (features & QED_F_BACKING_RAW) {
            strcpy(bs->backing_fmt, "raw");
        }
    }
    return 0;
}

static void qed_close(struct blk *bs)
{
    struct qed *s = bs->state;
    free(s->l1);
    free(s->l2);
}

static int entry_at(struct blk *bs, uint64_t off, uint64_t *e)
{
    struct qed *s = bs->state;
    uint64_t l1i = off >> (s->cluster_bits + s->table_bits);
    uint64_t l2i = (off >> s->cluster_bits) & (s->table_entries - 1);
    uint64_t l2 = l1i < s->table_entries ? s->l1[l1i] : 0;
    *e = 0;
    if (!l2) {
        return 0;
    }
    if (l2 != s->l2_offset) {
        s->l2_offset = 0;
        int ret = load_table(bs, l2, s->l2);
        if (ret < 0) {
            return ret;
        }
        s->l2_offset = l2;
    }
    *e = s->l2[l2i];
    return 0;
}

static int qed_read(struct blk *bs, uint64_t off, void *buf, size_t len)
{
    struct qed *s = bs->state;
    uint8_t *p = buf;
    while (len) {
        uint64_t in = off & (s->cluster_size - 1), e;
        size_t n = s->cluster_size - in < len ? (size_t)(s->cluster_size - in) : len;
        int ret = entry_at(bs, off, &e);
        if (ret == 0 && e == 0) {
            ret = blk_read_backing(bs, off, p, n);
        } else if (ret == 0 && e == QED_ZERO) {
            memset(p, 0, n);
        } else if (ret == 0) {
            ret = blk_file_pread_zero_eof(&bs->file, e + in, p, n);
        }
        if (ret < 0) {
            return ret;
        }
        off += n;
        p += n;
        len -= n;
    }
    return 0;
}

static int qed_block_status(struct blk *bs, uint64_t off, uint64_t len, uint64_t *pnum,
                            unsigned *status, uint64_t *host)
{
    struct qed *s = bs->state;
    uint64_t in = off & (s->cluster_size - 1), e;
    int ret = entry_at(bs, off, &e);
    *pnum = s->cluster_size - in < len ? s->cluster_size - in : len;
    *host = e > QED_ZERO ? e + in : 0;
    *status = e == 0          ? 0
              : e == QED_ZERO ? BLK_STATUS_ZERO | BLK_STATUS_ALLOCATED
                              : BLK_STATUS_DATA | BLK_STATUS_ALLOCATED | BLK_STATUS_OFFSET;
    return ret;
}

static int qed_info(struct blk *bs, struct blk_info *info, struct blk_error *err)
{
    (void)err;
    info->cluster_size = ((struct qed *)bs->state)->cluster_size;
    return 0;
}

const struct blk_driver blk_driver_qed = {
    .name = "qed",
    .state_size = sizeof(struct qed),
    .probe = qed_probe,
    .open = qed_open,
    .close = qed_close,
    .read = qed_read,
    .block_status = qed_block_status,
    .info = qed_info,
};
