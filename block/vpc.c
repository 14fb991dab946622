/* Microsoft VHD ("vpc") images, Virtual Hard Disk Image Format Specification
 * 1.0: fixed (data + footer) and dynamic (footer copy, dynamic header, block
 * allocation table, blocks of a sector bitmap + data, footer), big-endian. */
#include "block-int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FOOTER_SIZE     512
#define DYN_HEADER_SIZE 1024
#define VHD_FIXED       2
#define VHD_DYNAMIC     3
#define BAT_UNUSED      0xffffffffu
#define DEFAULT_BLOCK   (2u << 20)
#define MAX_GEOMETRY    (65535ull * 16 * 255)
#define VHD_EPOCH       946684800 /* 2000-01-01 00:00:00 UTC */

struct vpc {
    uint32_t type;
    uint8_t footer[FOOTER_SIZE];
    uint64_t footer_offset; /* where the trailing footer is now */
    uint32_t block_size;
    uint32_t bitmap_size; /* sector bitmap in front of each block, 512-aligned */
    uint32_t max_entries;
    uint64_t bat_offset;
    uint32_t *bat; /* host order, sector numbers */
};

static uint32_t checksum(const uint8_t *p, size_t len, size_t field)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < len; i++) {
        sum += (i >= field && i < field + 4) ? 0 : p[i];
    }
    return ~sum;
}

static int vpc_probe(const uint8_t *buf, size_t len)
{
    return len >= 8 && !memcmp(buf, "conectix", 8) ? 100 : 0;
}

/* Virtual size: the footer's current size, or the CHS geometry for the
 * creators that size disks by geometry (Virtual PC, old QEMU). */
static uint64_t disk_size(const uint8_t *f)
{
    uint64_t chs = (uint64_t)blk_be16(f + 56) * f[58] * f[59];
    static const char *const by_size[] = {"win ", "qem2", "d2v ", "CTXS", "tap"};
    bool use_chs = true;
    for (size_t i = 0; i < sizeof(by_size) / sizeof(by_size[0]); i++) {
        use_chs &= memcmp(f + 28, by_size[i], 4) != 0;
    }
    return !use_chs || chs == MAX_GEOMETRY ? blk_be64(f + 48) : chs * 512;
}

static int open_dynamic(struct blk *bs, struct blk_error *err)
{
    struct vpc *s = bs->state;
    uint8_t h[DYN_HEADER_SIZE];
    uint64_t off = blk_be64(s->footer + 16);
    int ret = blk_file_pread(&bs->file, off, h, sizeof(h));
    if (ret < 0 || memcmp(h, "cxsparse", 8)) {
        blk_error_set(err, "dynamic VHD header missing");
        return -EINVAL;
    }
    s->bat_offset = blk_be64(h + 16);
    s->max_entries = blk_be32(h + 28);
    s->block_size = blk_be32(h + 32);
    if (s->block_size < 512 || (s->block_size & (s->block_size - 1)) ||
        s->block_size > (256u << 20) || (uint64_t)s->max_entries * s->block_size < bs->size ||
        s->max_entries > (64u << 20)) {
        blk_error_set(err, "invalid dynamic VHD block size or table size");
        return -EINVAL;
    }
    s->bitmap_size = ((s->block_size / 512 / 8) + 511) & ~511u;
    s->bat = malloc((size_t)s->max_entries * 4 + 4);
    if (!s->bat) {
        blk_error_set(err, "out of memory");
        return -ENOMEM;
    }
    if ((ret = blk_file_pread(&bs->file, s->bat_offset, s->bat, (size_t)s->max_entries * 4)) < 0) {
        blk_error_set(err, "could not read the block allocation table");
        return ret;
    }
    for (uint32_t i = 0; i < s->max_entries; i++) {
        s->bat[i] = blk_be32(&s->bat[i]);
    }
    return 0;
}

static int vpc_open(struct blk *bs, struct blk_error *err)
{
    struct vpc *s = bs->state;
    int64_t fsize = blk_file_size(&bs->file);
    if (fsize < FOOTER_SIZE) {
        blk_error_set(err, "file too small for a VHD footer");
        return -EINVAL;
    }
    s->footer_offset = (uint64_t)fsize - FOOTER_SIZE;
    int ret = blk_file_pread(&bs->file, s->footer_offset, s->footer, FOOTER_SIZE);
    if (ret == 0 && memcmp(s->footer, "conectix", 8)) {
        /* Some writers leave a 511-byte trailing footer; the copy at 0 is the same. */
        ret = blk_file_pread(&bs->file, 0, s->footer, FOOTER_SIZE);
    }
    if (ret < 0 || memcmp(s->footer, "conectix", 8)) {
        blk_error_set(err, "no VHD footer");
        return -EINVAL;
    }
    s->type = blk_be32(s->footer + 60);
    bs->size = disk_size(s->footer);
    if (s->type == VHD_FIXED) {
        if (bs->size > s->footer_offset) {
            bs->size = s->footer_offset;
        }
        return 0;
    }
    if (s->type != VHD_DYNAMIC) {
        blk_error_set(err, "unsupported VHD disk type %u (differencing disks are not supported)",
                      s->type);
        return -ENOTSUP;
    }
    return open_dynamic(bs, err);
}

static void vpc_close(struct blk *bs)
{
    struct vpc *s = bs->state;
    free(s->bat);
}

static int vpc_read(struct blk *bs, uint64_t off, void *buf, size_t len)
{
    struct vpc *s = bs->state;
    uint8_t *p = buf;
    while (len) {
        size_t n = len;
        uint64_t host = off;
        bool zero = false;
        if (s->type == VHD_DYNAMIC) {
            uint64_t idx = off / s->block_size, in = off % s->block_size;
            n = s->block_size - in < len ? (size_t)(s->block_size - in) : len;
            zero = s->bat[idx] == BAT_UNUSED;
            host = (uint64_t)s->bat[idx] * 512 + s->bitmap_size + in;
        }
        int ret = zero ? 0 : blk_file_pread_zero_eof(&bs->file, host, p, n);
        if (zero) {
            memset(p, 0, n);
        }
        if (ret < 0) {
            return blk_io_fail(bs, ret, "read failed: %s", strerror(-ret));
        }
        off += n;
        p += n;
        len -= n;
    }
    return 0;
}

/* A new block where the footer is: the footer moves first, then the block
 * (bitmap all present, zeroes around the data), then the table entry. */
static int allocate(struct blk *bs, uint64_t idx, uint64_t in, const uint8_t *p, size_t n)
{
    struct vpc *s = bs->state;
    uint64_t block = s->footer_offset;
    uint64_t size = s->bitmap_size + (uint64_t)s->block_size;
    uint8_t *buf = calloc(1, size);
    if (!buf) {
        return -ENOMEM;
    }
    memset(buf, 0xff, s->bitmap_size);
    memcpy(buf + s->bitmap_size + in, p, n);
    int ret = blk_file_pwrite(&bs->file, block + size, s->footer, FOOTER_SIZE);
    if (ret == 0) {
        ret = blk_file_pwrite(&bs->file, block, buf, size);
    }
    free(buf);
    uint8_t v[4];
    blk_put_be32(v, (uint32_t)(block / 512));
    if (ret == 0) {
        ret = blk_file_pwrite(&bs->file, s->bat_offset + idx * 4, v, 4);
    }
    if (ret < 0) {
        return blk_io_fail(bs, ret, "block allocation failed: %s", strerror(-ret));
    }
    s->bat[idx] = (uint32_t)(block / 512);
    s->footer_offset = block + size;
    return 0;
}

static int vpc_write(struct blk *bs, uint64_t off, const void *buf, size_t len)
{
    struct vpc *s = bs->state;
    const uint8_t *p = buf;
    while (len) {
        size_t n = len;
        int ret;
        if (s->type == VHD_FIXED) {
            ret = blk_file_pwrite(&bs->file, off, p, n);
        } else {
            uint64_t idx = off / s->block_size, in = off % s->block_size;
            n = s->block_size - in < len ? (size_t)(s->block_size - in) : len;
            if (s->bat[idx] == BAT_UNUSED) {
                if ((ret = allocate(bs, idx, in, p, n)) < 0) {
                    return ret;
                }
            } else {
                ret = blk_file_pwrite(&bs->file, (uint64_t)s->bat[idx] * 512 + s->bitmap_size + in,
                                      p, n);
            }
        }
        if (ret < 0) {
            return blk_io_fail(bs, ret, "write failed: %s", strerror(-ret));
        }
        off += n;
        p += n;
        len -= n;
    }
    return 0;
}

static int vpc_block_status(struct blk *bs, uint64_t off, uint64_t len, uint64_t *pnum,
                            unsigned *status, uint64_t *host)
{
    struct vpc *s = bs->state;
    if (s->type == VHD_FIXED) {
        *pnum = len;
        *status = BLK_STATUS_DATA | BLK_STATUS_ALLOCATED | BLK_STATUS_OFFSET;
        *host = off;
        return 0;
    }
    uint64_t idx = off / s->block_size, in = off % s->block_size;
    uint64_t n = s->block_size - in;
    bool unused = s->bat[idx] == BAT_UNUSED;
    for (uint64_t i = idx + 1; unused && n < len && i < s->max_entries && s->bat[i] == BAT_UNUSED;
         i++) {
        n += s->block_size;
    }
    *pnum = n < len ? n : len;
    *status = unused ? BLK_STATUS_ZERO : BLK_STATUS_DATA | BLK_STATUS_ALLOCATED | BLK_STATUS_OFFSET;
    *host = unused ? 0 : (uint64_t)s->bat[idx] * 512 + s->bitmap_size + in;
    return 0;
}

/* CHS geometry of the VHD specification's appendix. */
static void geometry(uint64_t size, uint16_t *cyl, uint8_t *heads, uint8_t *secs)
{
    uint64_t total = size / 512 > MAX_GEOMETRY ? MAX_GEOMETRY : size / 512, cth;
    unsigned spt, h;
    if (total >= 65535ull * 16 * 63) {
        spt = 255;
        h = 16;
        cth = total / spt;
    } else {
        spt = 17;
        cth = total / spt;
        h = (unsigned)((cth + 1023) / 1024);
        h = h < 4 ? 4 : h;
        if (cth >= h * 1024ull || h > 16) {
            spt = 31;
            h = 16;
            cth = total / spt;
        }
        if (cth >= h * 1024ull) {
            spt = 63;
            h = 16;
            cth = total / spt;
        }
    }
    *cyl = (uint16_t)(cth / h > 65535 ? 65535 : cth / h);
    *heads = (uint8_t)h;
    *secs = (uint8_t)spt;
}

static void build_footer(uint8_t *f, uint64_t size, uint32_t type, uint64_t data_offset)
{
    memset(f, 0, FOOTER_SIZE);
    memcpy(f, "conectix", 8);
    blk_put_be32(f + 8, 2);
    blk_put_be32(f + 12, 0x00010000);
    blk_put_be64(f + 16, data_offset);
    blk_put_be32(f + 24, (uint32_t)(time(NULL) - VHD_EPOCH));
    memcpy(f + 28, "qem2", 4); /* sized by current_size, as QEMU's force_size */
    blk_put_be32(f + 32, 0x00050003);
    memcpy(f + 36, "Wi2k", 4);
    blk_put_be64(f + 40, size);
    blk_put_be64(f + 48, size);
    uint16_t c;
    uint8_t h, spt;
    geometry(size, &c, &h, &spt);
    blk_put_be16(f + 56, c);
    f[58] = h;
    f[59] = spt;
    blk_put_be32(f + 60, type);
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        if (read(fd, f + 68, 16) != 16) {
            memset(f + 68, 0x5a, 16);
        }
        close(fd);
    }
    blk_put_be32(f + 64, checksum(f, FOOTER_SIZE, 64));
}

static int write_dynamic(int fd, uint64_t size, const uint8_t *footer)
{
    uint32_t entries = (uint32_t)((size + DEFAULT_BLOCK - 1) / DEFAULT_BLOCK);
    uint64_t bat_bytes = ((uint64_t)entries * 4 + 511) & ~511ull;
    uint64_t total = FOOTER_SIZE + DYN_HEADER_SIZE + bat_bytes;
    uint8_t *buf = calloc(1, total);
    if (!buf) {
        return -ENOMEM;
    }
    memcpy(buf, footer, FOOTER_SIZE);
    uint8_t *h = buf + FOOTER_SIZE;
    memcpy(h, "cxsparse", 8);
    blk_put_be64(h + 8, UINT64_MAX);
    blk_put_be64(h + 16, FOOTER_SIZE + DYN_HEADER_SIZE);
    blk_put_be32(h + 24, 0x00010000);
    blk_put_be32(h + 28, entries);
    blk_put_be32(h + 32, DEFAULT_BLOCK);
    blk_put_be32(h + 36, checksum(h, DYN_HEADER_SIZE, 36));
    memset(buf + FOOTER_SIZE + DYN_HEADER_SIZE, 0xff, bat_bytes);
    int ret = pwrite(fd, buf, total, 0) == (ssize_t)total &&
                      pwrite(fd, footer, FOOTER_SIZE, (off_t)total) == FOOTER_SIZE
                  ? 0
                  : -EIO;
    free(buf);
    return ret;
}

static int vpc_create(const char *filename, const struct blk_create_opts *o, struct blk_error *err)
{
    bool fixed = o->subformat && !strcmp(o->subformat, "fixed");
    if (o->backing_file || (o->subformat && !fixed && strcmp(o->subformat, "dynamic"))) {
        blk_error_set(err, o->backing_file ? "VHD differencing images are not supported"
                                           : "subformat must be 'dynamic' or 'fixed'");
        return -EINVAL;
    }
    uint64_t size = (o->size + 511) & ~511ull;
    if (size > MAX_GEOMETRY * 512 * 16) {
        blk_error_set(err, "image too large for VHD");
        return -EINVAL;
    }
    uint8_t footer[FOOTER_SIZE];
    build_footer(footer, size, fixed ? VHD_FIXED : VHD_DYNAMIC, fixed ? UINT64_MAX : FOOTER_SIZE);
    int fd = open(filename, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int ret = fd < 0 ? -errno : 0;
    if (ret == 0 && fixed) {
        ret = pwrite(fd, footer, FOOTER_SIZE, (off_t)size) == FOOTER_SIZE ? 0 : -EIO;
    } else if (ret == 0) {
        ret = write_dynamic(fd, size, footer);
    }
    if (fd >= 0) {
        close(fd);
    }
    if (ret < 0) {
        blk_error_set(err, "Could not create '%s': %s", filename, strerror(-ret));
    }
    return ret;
}

static int vpc_info(struct blk *bs, struct blk_info *info, struct blk_error *err)
{
    struct vpc *s = bs->state;
    (void)err;
    info->cluster_size = s->type == VHD_DYNAMIC ? s->block_size : 0;
    snprintf(info->subformat, sizeof(info->subformat), "%s",
             s->type == VHD_DYNAMIC ? "dynamic" : "fixed");
    return 0;
}

static uint32_t vpc_cluster_size(struct blk *bs)
{
    struct vpc *s = bs->state;
    return s->type == VHD_DYNAMIC ? s->block_size : 0;
}

const struct blk_driver blk_driver_vpc = {
    .name = "vpc",
    .state_size = sizeof(struct vpc),
    .probe = vpc_probe,
    .open = vpc_open,
    .close = vpc_close,
    .read = vpc_read,
    .write = vpc_write,
    .block_status = vpc_block_status,
    .create = vpc_create,
    .info = vpc_info,
    .cluster_size = vpc_cluster_size,
};
