/* VirtualBox VDI images (version 1.1 header, little-endian): a block map of
 * 32-bit entries maps 1 MiB guest blocks to data blocks; dynamic images
 * allocate blocks on first write, static ones have all of them. */
#include "block-int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VDI_SIGNATURE   0xbeda107fu
#define VDI_VERSION_1_1 0x00010001u
#define VDI_DYNAMIC     1
#define VDI_STATIC      2
#define VDI_UNALLOCATED 0xffffffffu
#define VDI_ZERO        0xfffffffeu
#define VDI_HEADER_SIZE 512
#define VDI_BLOCK_SIZE  (1u << 20)
#define VDI_MAX_BLOCKS  (64u << 20) /* 64 TiB at 1 MiB blocks */

/* Header offsets (after the 64-byte text). */
#define H_SIGNATURE 0x40
#define H_VERSION   0x44
#define H_SIZE      0x48
#define H_TYPE      0x4c
#define H_BMAP      0x154
#define H_DATA      0x158
#define H_SECTOR    0x168
#define H_DISKSIZE  0x170
#define H_BLOCKSIZE 0x178
#define H_EXTRA     0x17c
#define H_BLOCKS    0x180
#define H_ALLOCATED 0x184
#define H_UUID      0x188

struct vdi {
    uint32_t type;
    uint32_t block_size;
    uint32_t blocks;
    uint32_t allocated;
    uint64_t bmap_offset, data_offset;
    uint32_t *bmap; /* host order */
};

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static void put_le64(uint8_t *p, uint64_t v)
{
    put_le32(p, (uint32_t)v);
    put_le32(p + 4, (uint32_t)(v >> 32));
}

static int vdi_probe(const uint8_t *buf, size_t len)
{
    return len >= VDI_HEADER_SIZE && blk_le32(buf + H_SIGNATURE) == VDI_SIGNATURE ? 100 : 0;
}

static int vdi_open(struct blk *bs, struct blk_error *err)
{
    struct vdi *s = bs->state;
    uint8_t h[VDI_HEADER_SIZE];
    int ret = blk_file_pread(&bs->file, 0, h, sizeof(h));
    if (ret < 0 || blk_le32(h + H_SIGNATURE) != VDI_SIGNATURE) {
        blk_error_set(err, "not a VDI image");
        return -EINVAL;
    }
    if (blk_le32(h + H_VERSION) != VDI_VERSION_1_1) {
        blk_error_set(err, "unsupported VDI version %#x", blk_le32(h + H_VERSION));
        return -ENOTSUP;
    }
    s->type = blk_le32(h + H_TYPE);
    s->block_size = blk_le32(h + H_BLOCKSIZE);
    s->blocks = blk_le32(h + H_BLOCKS);
    s->allocated = blk_le32(h + H_ALLOCATED);
    s->bmap_offset = blk_le32(h + H_BMAP);
    s->data_offset = blk_le32(h + H_DATA);
    bs->size = blk_le64(h + H_DISKSIZE);
    if ((s->type != VDI_DYNAMIC && s->type != VDI_STATIC) || s->block_size != VDI_BLOCK_SIZE ||
        blk_le32(h + H_SECTOR) != 512 || blk_le32(h + H_EXTRA) != 0) {
        blk_error_set(err, "unsupported VDI image type, block size or sector size");
        return -ENOTSUP;
    }
    if (s->blocks > VDI_MAX_BLOCKS || (uint64_t)s->blocks * s->block_size < bs->size ||
        s->allocated > s->blocks || s->bmap_offset < VDI_HEADER_SIZE ||
        s->data_offset < s->bmap_offset + (uint64_t)s->blocks * 4) {
        blk_error_set(err, "invalid VDI header (block count, map or data offset)");
        return -EINVAL;
    }
    s->bmap = malloc((size_t)s->blocks * 4 + 4);
    if (!s->bmap) {
        blk_error_set(err, "out of memory for the block map");
        return -ENOMEM;
    }
    if ((ret = blk_file_pread(&bs->file, s->bmap_offset, s->bmap, (size_t)s->blocks * 4)) < 0) {
        blk_error_set(err, "could not read the block map: %s", strerror(-ret));
        return ret;
    }
    for (uint32_t i = 0; i < s->blocks; i++) {
        s->bmap[i] = blk_le32(&s->bmap[i]);
        if (s->bmap[i] < VDI_ZERO && s->bmap[i] >= s->blocks) {
            blk_error_set(err, "block map entry %u points past the last block", i);
            return -EINVAL;
        }
    }
    return 0;
}

static void vdi_close(struct blk *bs)
{
    struct vdi *s = bs->state;
    free(s->bmap);
}

static int vdi_read(struct blk *bs, uint64_t off, void *buf, size_t len)
{
    struct vdi *s = bs->state;
    uint8_t *p = buf;
    while (len) {
        uint64_t idx = off / s->block_size, in = off % s->block_size;
        size_t n = s->block_size - in < len ? (size_t)(s->block_size - in) : len;
        uint32_t e = s->bmap[idx];
        if (e >= VDI_ZERO) {
            memset(p, 0, n);
        } else {
            int ret = blk_file_pread_zero_eof(
                &bs->file, s->data_offset + (uint64_t)e * s->block_size + in, p, n);
            if (ret < 0) {
                return blk_io_fail(bs, ret, "read failed: %s", strerror(-ret));
            }
        }
        off += n;
        p += n;
        len -= n;
    }
    return 0;
}

/* A new block: zero-filled around the data, then the map entry, then the
 * header count, so a crash leaves at most an unused block at the end. */
static int allocate(struct blk *bs, uint64_t idx, uint64_t in, const uint8_t *p, size_t n)
{
    struct vdi *s = bs->state;
    uint64_t base = s->data_offset + (uint64_t)s->allocated * s->block_size;
    uint8_t *zero = calloc(1, s->block_size);
    if (!zero) {
        return -ENOMEM;
    }
    int ret = in ? blk_file_pwrite(&bs->file, base, zero, in) : 0;
    if (ret == 0) {
        ret = blk_file_pwrite(&bs->file, base + in, p, n);
    }
    if (ret == 0 && in + n < s->block_size) {
        ret = blk_file_pwrite(&bs->file, base + in + n, zero, s->block_size - in - n);
    }
    free(zero);
    uint8_t v[4];
    put_le32(v, s->allocated);
    if (ret == 0) {
        ret = blk_file_pwrite(&bs->file, s->bmap_offset + idx * 4, v, 4);
    }
    put_le32(v, s->allocated + 1);
    if (ret == 0) {
        ret = blk_file_pwrite(&bs->file, H_ALLOCATED, v, 4);
    }
    if (ret < 0) {
        return blk_io_fail(bs, ret, "block allocation failed: %s", strerror(-ret));
    }
    s->bmap[idx] = s->allocated++;
    return 0;
}

static int vdi_write(struct blk *bs, uint64_t off, const void *buf, size_t len)
{
    struct vdi *s = bs->state;
    const uint8_t *p = buf;
    while (len) {
        uint64_t idx = off / s->block_size, in = off % s->block_size;
        size_t n = s->block_size - in < len ? (size_t)(s->block_size - in) : len;
        uint32_t e = s->bmap[idx];
        int ret;
        if (e >= VDI_ZERO) {
            ret = allocate(bs, idx, in, p, n);
        } else {
            ret =
                blk_file_pwrite(&bs->file, s->data_offset + (uint64_t)e * s->block_size + in, p, n);
            if (ret < 0) {
                ret = blk_io_fail(bs, ret, "write failed: %s", strerror(-ret));
            }
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

static int vdi_block_status(struct blk *bs, uint64_t off, uint64_t len, uint64_t *pnum,
                            unsigned *status, uint64_t *host)
{
    struct vdi *s = bs->state;
    uint64_t idx = off / s->block_size, in = off % s->block_size;
    uint32_t e = s->bmap[idx];
    uint64_t n = s->block_size - in;
    /* Extend over following blocks of the same kind (contiguous for data). */
    for (uint64_t i = idx + 1; n < len && i < s->blocks; i++) {
        uint32_t f = s->bmap[i];
        if ((e >= VDI_ZERO) != (f >= VDI_ZERO) || (e < VDI_ZERO && f != e + (i - idx))) {
            break;
        }
        n += s->block_size;
    }
    *pnum = n < len ? n : len;
    if (e >= VDI_ZERO) {
        *status = BLK_STATUS_ZERO;
        *host = 0;
    } else {
        *status = BLK_STATUS_DATA | BLK_STATUS_ALLOCATED | BLK_STATUS_OFFSET;
        *host = s->data_offset + (uint64_t)e * s->block_size + in;
    }
    return 0;
}

static void random_uuid(uint8_t *u)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read(fd, u, 16) != 16) {
        for (int i = 0; i < 16; i++) {
            u[i] = (uint8_t)rand();
        }
    }
    if (fd >= 0) {
        close(fd);
    }
    u[6] = (uint8_t)((u[6] & 0x0f) | 0x40); /* version 4 */
    u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
}

static int vdi_create(const char *filename, const struct blk_create_opts *o, struct blk_error *err)
{
    bool fixed =
        o->prealloc != BLK_PREALLOC_OFF || (o->subformat && !strcmp(o->subformat, "static"));
    uint64_t blocks = (o->size + VDI_BLOCK_SIZE - 1) / VDI_BLOCK_SIZE;
    if (o->backing_file || blocks > VDI_MAX_BLOCKS) {
        blk_error_set(err, o->backing_file ? "VDI images have no backing file" : "image too large");
        return -EINVAL;
    }
    uint64_t bmap_bytes = (blocks * 4 + 511) & ~511ull;
    uint64_t data = VDI_HEADER_SIZE + bmap_bytes;
    uint8_t *buf = calloc(1, data);
    if (!buf) {
        blk_error_set(err, "out of memory");
        return -ENOMEM;
    }
    snprintf((char *)buf, 0x40, "<<< QEMU VM Virtual Disk Image >>>\n");
    put_le32(buf + H_SIGNATURE, VDI_SIGNATURE);
    put_le32(buf + H_VERSION, VDI_VERSION_1_1);
    put_le32(buf + H_SIZE, 0x190);
    put_le32(buf + H_TYPE, fixed ? VDI_STATIC : VDI_DYNAMIC);
    put_le32(buf + H_BMAP, VDI_HEADER_SIZE);
    put_le32(buf + H_DATA, (uint32_t)data);
    put_le32(buf + H_SECTOR, 512);
    put_le64(buf + H_DISKSIZE, o->size);
    put_le32(buf + H_BLOCKSIZE, VDI_BLOCK_SIZE);
    put_le32(buf + H_BLOCKS, (uint32_t)blocks);
    put_le32(buf + H_ALLOCATED, fixed ? (uint32_t)blocks : 0);
    random_uuid(buf + H_UUID);
    random_uuid(buf + H_UUID + 0x10);
    for (uint64_t i = 0; i < blocks; i++) {
        put_le32(buf + VDI_HEADER_SIZE + i * 4, fixed ? (uint32_t)i : VDI_UNALLOCATED);
    }
    int fd = open(filename, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int ret = fd < 0 ? -errno : 0;
    if (ret == 0 && pwrite(fd, buf, data, 0) != (ssize_t)data) {
        ret = -EIO;
    }
    if (ret == 0 && fixed && ftruncate(fd, (off_t)(data + blocks * VDI_BLOCK_SIZE))) {
        ret = -errno;
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

static int vdi_info(struct blk *bs, struct blk_info *info, struct blk_error *err)
{
    struct vdi *s = bs->state;
    (void)err;
    info->cluster_size = s->block_size;
    snprintf(info->subformat, sizeof(info->subformat), "%s",
             s->type == VDI_STATIC ? "static" : "dynamic");
    return 0;
}

static uint32_t vdi_cluster_size(struct blk *bs)
{
    return ((struct vdi *)bs->state)->block_size;
}

const struct blk_driver blk_driver_vdi = {
    .name = "vdi",
    .state_size = sizeof(struct vdi),
    .probe = vdi_probe,
    .open = vdi_open,
    .close = vdi_close,
    .read = vdi_read,
    .write = vdi_write,
    .block_status = vdi_block_status,
    .create = vdi_create,
    .info = vdi_info,
    .cluster_size = vdi_cluster_size,
};
