/* raw format: the guest disk is the file, byte for byte. Holes in a sparse
 * file are reported as zero by block_status (SEEK_DATA/SEEK_HOLE). */
#include "block-int.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static int raw_probe(const uint8_t *buf, size_t len)
{
    (void)buf;
    (void)len;
    return 1; /* anything is a raw image, as a last resort */
}

static int raw_open(struct blk *bs, struct blk_error *err)
{
    int64_t size = blk_file_size(&bs->file);
    if (size < 0) {
        blk_error_set(err, "Could not get the file size: %s", strerror((int)-size));
        return (int)size;
    }
    bs->size = (uint64_t)size;
    return 0;
}

static int raw_read(struct blk *bs, uint64_t off, void *buf, size_t len)
{
    int ret = blk_file_pread_zero_eof(&bs->file, off, buf, len);
    return ret < 0 ? blk_io_fail(bs, ret, "read failed: %s", strerror(-ret)) : 0;
}

static int raw_write(struct blk *bs, uint64_t off, const void *buf, size_t len)
{
    int ret = blk_file_pwrite(&bs->file, off, buf, len);
    return ret < 0 ? blk_io_fail(bs, ret, "write failed: %s", strerror(-ret)) : 0;
}

static int raw_write_zeroes(struct blk *bs, uint64_t off, uint64_t len)
{
    /* Zeroing in place keeps the allocation (fallocate), else write zeroes. */
    if (fallocate(bs->file.fd, FALLOC_FL_ZERO_RANGE, (off_t)off, (off_t)len) == 0) {
        return 0;
    }
    static const uint8_t zero[65536];
    while (len) {
        size_t n = len < sizeof(zero) ? (size_t)len : sizeof(zero);
        int ret = raw_write(bs, off, zero, n);
        if (ret < 0) {
            return ret;
        }
        off += n;
        len -= n;
    }
    return 0;
}

static int raw_discard(struct blk *bs, uint64_t off, uint64_t len)
{
    /* Discard is advisory: a file system without hole punching keeps the data. */
    (void)blk_file_punch(&bs->file, off, len);
    return 0;
}

static int raw_block_status(struct blk *bs, uint64_t off, uint64_t len, uint64_t *pnum,
                            unsigned *status, uint64_t *host)
{
    *host = off;
    *pnum = len;
    *status = BLK_STATUS_DATA | BLK_STATUS_ALLOCATED | BLK_STATUS_OFFSET;
    off_t data = lseek(bs->file.fd, (off_t)off, SEEK_DATA);
    if (data < 0) {
        /* ENXIO: only a hole up to the end of the file. */
        if (errno == ENXIO) {
            *status = BLK_STATUS_ZERO | BLK_STATUS_ALLOCATED;
        }
        return 0;
    }
    if ((uint64_t)data > off) {
        uint64_t n = (uint64_t)data - off;
        *pnum = n < len ? n : len;
        *status = BLK_STATUS_ZERO | BLK_STATUS_ALLOCATED | BLK_STATUS_OFFSET;
        return 0;
    }
    off_t hole = lseek(bs->file.fd, (off_t)off, SEEK_HOLE);
    if (hole > (off_t)off) {
        uint64_t n = (uint64_t)hole - off;
        *pnum = n < len ? n : len;
    }
    return 0;
}

static int raw_truncate(struct blk *bs, uint64_t size, bool shrink, struct blk_error *err)
{
    (void)shrink;
    int ret = blk_file_truncate(&bs->file, size);
    if (ret < 0) {
        blk_error_set(err, "Could not resize the file: %s", strerror(-ret));
        return ret;
    }
    bs->size = size;
    return 0;
}

static int raw_create(const char *filename, const struct blk_create_opts *o, struct blk_error *err)
{
    if (o->backing_file) {
        blk_error_set(err, "Format 'raw' has no backing file");
        return -EINVAL;
    }
    int fd = open(filename, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        blk_error_set(err, "Could not create '%s': %s", filename, strerror(errno));
        return -errno;
    }
    int ret = ftruncate(fd, (off_t)o->size) ? -errno : 0;
    if (ret == 0 && o->prealloc == BLK_PREALLOC_FULL && o->size &&
        fallocate(fd, 0, 0, (off_t)o->size) != 0) {
        ret = -errno;
    }
    close(fd);
    if (ret < 0) {
        blk_error_set(err, "Could not size '%s': %s", filename, strerror(-ret));
    }
    return ret;
}

const struct blk_driver blk_driver_raw = {
    .name = "raw",
    .probe = raw_probe,
    .open = raw_open,
    .read = raw_read,
    .write = raw_write,
    .write_zeroes = raw_write_zeroes,
    .discard = raw_discard,
    .block_status = raw_block_status,
    .truncate = raw_truncate,
    .create = raw_create,
};
