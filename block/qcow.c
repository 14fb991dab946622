/* QEMU's original qcow (version 1) format, read-only for import: header,
 * two-level table of 64-bit big-endian entries, zlib-compressed clusters
 * (bit 63, size in the bits above the offset), backing file. */
#include "block-int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define QCOW_MAGIC      0x514649fbu
#define QCOW_HEADER     48
#define QCOW_COMPRESSED (1ull << 63)

struct qcow {
    unsigned cluster_bits, l2_bits;
    uint64_t cluster_size;
    uint32_t l1_size;
    uint64_t *l1;
    uint64_t *l2; /* one cached L2 table */
    uint64_t l2_offset;
    uint8_t *zin, *zout;
    uint64_t zentry;
};

static int qcow_probe(const uint8_t *buf, size_t len)
{
    return len >= QCOW_HEADER && blk_be32(buf) == QCOW_MAGIC && blk_be32(buf + 4) == 1 ? 100 : 0;
}

static int qcow_open(struct blk *bs, struct blk_error *err)
{
    struct qcow *s = bs->state;
    uint8_t h[QCOW_HEADER];
    if (blk_file_pread(&bs->file, 0, h, sizeof(h)) < 0 || blk_be32(h) != QCOW_MAGIC ||
        blk_be32(h + 4) != 1) {
        blk_error_set(err, "not a qcow version 1 image");
        return -EINVAL;
    }
    bs->read_only = true;
    bs->size = blk_be64(h + 24);
    s->cluster_bits = h[32];
    s->l2_bits = h[33];
    if (s->cluster_bits < 9 || s->cluster_bits > 16 || s->l2_bits < 1 || s->l2_bits > 16 ||
        blk_be32(h + 36) != 0 || bs->size > (1ull << 56)) {
        blk_error_set(err, "unsupported qcow cluster size, table size, encryption or image size");
        return -ENOTSUP;
    }
    s->cluster_size = 1ull << s->cluster_bits;
    uint64_t span = 1ull << (s->cluster_bits + s->l2_bits);
    uint64_t l1 = (bs->size + span - 1) / span;
    int64_t fsize = blk_file_size(&bs->file);
    uint64_t l1_off = blk_be64(h + 40);
    if (fsize < 0 || l1 * 8 > (uint64_t)fsize || l1_off > (uint64_t)fsize - l1 * 8) {
        blk_error_set(err, "L1 table lies past the end of the file");
        return -EINVAL;
    }
    s->l1_size = (uint32_t)l1;
    s->l1 = malloc(l1 * 8 + 8);
    s->l2 = malloc(8ull << s->l2_bits);
    s->zin = malloc(s->cluster_size);
    s->zout = malloc(s->cluster_size);
    if (!s->l1 || !s->l2 || !s->zin || !s->zout ||
        blk_file_pread(&bs->file, l1_off, s->l1, l1 * 8) < 0) {
        blk_error_set(err, "could not read the L1 table");
        return -EIO;
    }
    for (uint64_t i = 0; i < l1; i++) {
        s->l1[i] = blk_be64(&s->l1[i]);
    }
    uint64_t boff = blk_be64(h + 8);
    uint32_t blen = blk_be32(h + 16);
    if (boff) {
        if (blen >= sizeof(bs->backing_name) ||
            blk_file_pread(&bs->file, boff, bs->backing_name, blen) < 0) {
            blk_error_set(err, "invalid backing file name");
            return -EINVAL;
        }
        bs->backing_name[blen] = 0;
    }
    return 0;
}

static void qcow_close(struct blk *bs)
{
    struct qcow *s = bs->state;
    free(s->l1);
    free(s->l2);
    free(s->zin);
    free(s->zout);
}

static int entry_at(struct blk *bs, uint64_t off, uint64_t *entry)
{
    struct qcow *s = bs->state;
    uint64_t l1i = off >> (s->cluster_bits + s->l2_bits);
    uint64_t l2i = (off >> s->cluster_bits) & ((1ull << s->l2_bits) - 1);
    uint64_t l2 = l1i < s->l1_size ? s->l1[l1i] : 0;
    *entry = 0;
    if (!l2) {
        return 0;
    }
    if (l2 != s->l2_offset) {
        s->l2_offset = 0;
        int ret = blk_file_pread(&bs->file, l2, s->l2, 8ull << s->l2_bits);
        if (ret < 0) {
            return blk_io_fail(bs, ret, "L2 table read failed: %s", strerror(-ret));
        }
        s->l2_offset = l2;
    }
    *entry = blk_be64(&s->l2[l2i]);
    return 0;
}

static int inflate_cluster(struct blk *bs, uint64_t e)
{
    struct qcow *s = bs->state;
    if (s->zentry == e) {
        return 0;
    }
    uint64_t off = e & ((1ull << (63 - s->cluster_bits)) - 1);
    uint64_t csize = (e >> (63 - s->cluster_bits)) & (s->cluster_size - 1);
    int ret = blk_file_pread_zero_eof(&bs->file, off, s->zin, csize);
    if (ret < 0) {
        return blk_io_fail(bs, ret, "compressed cluster read failed");
    }
    z_stream z = {0};
    if (inflateInit2(&z, -12) != Z_OK) {
        return blk_io_fail(bs, -ENOMEM, "zlib initialisation failed");
    }
    z.next_in = s->zin;
    z.avail_in = (uInt)csize;
    z.next_out = s->zout;
    z.avail_out = (uInt)s->cluster_size;
    int zr = inflate(&z, Z_FINISH);
    bool ok = (zr == Z_STREAM_END || zr == Z_BUF_ERROR) && z.avail_out == 0;
    inflateEnd(&z);
    s->zentry = ok ? e : 0;
    return ok ? 0 : blk_io_fail(bs, -EIO, "compressed cluster does not inflate to one cluster");
}

static int qcow_read(struct blk *bs, uint64_t off, void *buf, size_t len)
{
    struct qcow *s = bs->state;
    uint8_t *p = buf;
    while (len) {
        uint64_t in = off & (s->cluster_size - 1), e;
        size_t n = s->cluster_size - in < len ? (size_t)(s->cluster_size - in) : len;
        int ret = entry_at(bs, off, &e);
        if (ret == 0 && !e) {
            ret = blk_read_backing(bs, off, p, n);
        } else if (ret == 0 && (e & QCOW_COMPRESSED)) {
            if ((ret = inflate_cluster(bs, e)) == 0) {
                memcpy(p, s->zout + in, n);
            }
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

static int qcow_block_status(struct blk *bs, uint64_t off, uint64_t len, uint64_t *pnum,
                             unsigned *status, uint64_t *host)
{
    struct qcow *s = bs->state;
    uint64_t in = off & (s->cluster_size - 1), e;
    int ret = entry_at(bs, off, &e);
    *pnum = s->cluster_size - in < len ? s->cluster_size - in : len;
    *host = 0;
    *status = !e                      ? 0
              : (e & QCOW_COMPRESSED) ? BLK_STATUS_DATA | BLK_STATUS_ALLOCATED
                                      : BLK_STATUS_DATA | BLK_STATUS_ALLOCATED | BLK_STATUS_OFFSET;
    if (e && !(e & QCOW_COMPRESSED)) {
        *host = e + in;
    }
    return ret;
}

static int qcow_info(struct blk *bs, struct blk_info *info, struct blk_error *err)
{
    (void)err;
    info->cluster_size = (uint32_t)((struct qcow *)bs->state)->cluster_size;
    return 0;
}

const struct blk_driver blk_driver_qcow = {
    .name = "qcow",
    .state_size = sizeof(struct qcow),
    .probe = qcow_probe,
    .open = qcow_open,
    .close = qcow_close,
    .read = qcow_read,
    .block_status = qcow_block_status,
    .info = qcow_info,
};
