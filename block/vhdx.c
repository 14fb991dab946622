/* Microsoft VHDX, read-only for import (VHDX Format Specification v1.0):
 * file identifier, two headers (CRC-32C, highest sequence wins), region
 * table (BAT, metadata), metadata items (block size, disk size, logical
 * sector size) and the BAT with sector-bitmap entries interleaved every
 * chunk_ratio payload blocks. Images with a pending log or a parent are
 * refused. */
#include "block-int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define KiB 1024ull
#define MiB (1024ull * 1024)

#define HEADER1     (64 * KiB)
#define HEADER2     (128 * KiB)
#define REGION1     (192 * KiB)
#define REGION_SIZE (64 * KiB)
#define BAT_PRESENT 6
#define BAT_PARTIAL 7
#define MAX_BAT     (256 * MiB)

/* GUIDs in on-disk order (first three fields little-endian). */
static const uint8_t guid_bat[16] = {0x66, 0x77, 0xc2, 0x2d, 0x23, 0xf6, 0x00, 0x42,
                                     0x9d, 0x64, 0x11, 0x5e, 0x9b, 0xfd, 0x4a, 0x08};
static const uint8_t guid_metadata[16] = {0x06, 0xa2, 0x7c, 0x8b, 0x90, 0x47, 0x9a, 0x4b,
                                          0xb8, 0xfe, 0x57, 0x5f, 0x05, 0x0f, 0x88, 0x6e};
static const uint8_t guid_file_params[16] = {0x37, 0x67, 0xa1, 0xca, 0x36, 0xfa, 0x43, 0x4d,
                                             0xb3, 0xb6, 0x33, 0xf0, 0xaa, 0x44, 0xe7, 0x6b};
static const uint8_t guid_disk_size[16] = {0x24, 0x42, 0xa5, 0x2f, 0x1b, 0xcd, 0x76, 0x48,
                                           0xb2, 0x11, 0x5d, 0xbe, 0xd8, 0x3b, 0xf4, 0xb8};
static const uint8_t guid_sector_size[16] = {0x1d, 0xbf, 0x41, 0x81, 0x6f, 0xa9, 0x09, 0x47,
                                             0xba, 0x47, 0xf2, 0x33, 0xa8, 0xfa, 0xab, 0x5f};

struct vhdx {
    uint32_t block_size;
    uint32_t sector_size;
    uint64_t chunk_ratio;
    uint64_t *bat;
    uint64_t bat_entries;
};

/* CRC-32C (Castagnoli, reflected 0x82f63b78), bitwise: only headers use it. */
static uint32_t crc32c(const uint8_t *p, size_t len, size_t skip)
{
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < len; i++) {
        crc ^= (i >= skip && i < skip + 4) ? 0 : p[i];
        for (int b = 0; b < 8; b++) {
            crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1)));
        }
    }
    return ~crc;
}

static int vhdx_probe(const uint8_t *buf, size_t len)
{
    return len >= 8 && !memcmp(buf, "vhdxfile", 8) ? 100 : 0;
}

/* The current header: valid signature and checksum, highest sequence number. */
static int read_header(struct blk *bs, uint8_t *hdr, struct blk_error *err)
{
    uint8_t h[4096];
    uint64_t best = 0;
    bool found = false;
    for (int i = 0; i < 2; i++) {
        if (blk_file_pread(&bs->file, i ? HEADER2 : HEADER1, h, sizeof(h)) < 0 ||
            memcmp(h, "head", 4) || blk_le32(h + 4) != crc32c(h, sizeof(h), 4)) {
            continue;
        }
        uint64_t seq = blk_le64(h + 8);
        if (!found || seq > best) {
            memcpy(hdr, h, sizeof(h));
            best = seq;
            found = true;
        }
    }
    if (!found) {
        blk_error_set(err, "no valid VHDX header");
        return -EINVAL;
    }
    static const uint8_t zero[16];
    if (memcmp(hdr + 48, zero, 16)) {
        blk_error_set(err, "VHDX log is not empty (replay it with its creator first)");
        return -ENOTSUP;
    }
    return 0;
}

static int find_region(const uint8_t *r, const uint8_t *guid, uint64_t *off, uint32_t *len)
{
    uint32_t n = blk_le32(r + 8);
    for (uint32_t i = 0; i < n && i < (REGION_SIZE - 16) / 32; i++) {
        const uint8_t *e = r + 16 + i * 32;
        if (!memcmp(e, guid, 16)) {
            *off = blk_le64(e + 16);
            *len = blk_le32(e + 24);
            return 0;
        }
    }
    return -ENOENT;
}

static int metadata_item(struct blk *bs, uint64_t region, const uint8_t *table, const uint8_t *guid,
                         void *out, size_t len)
{
    uint16_t n = (uint16_t)(table[10] | table[11] << 8);
    for (uint16_t i = 0; i < n && i < 2047; i++) {
        const uint8_t *e = table + 32 + i * 32;
        if (!memcmp(e, guid, 16) && blk_le32(e + 20) >= len) {
            return blk_file_pread(&bs->file, region + blk_le32(e + 16), out, len);
        }
    }
    return -ENOENT;
}

static int read_metadata(struct blk *bs, uint64_t off, struct blk_error *err)
{
    struct vhdx *s = bs->state;
    uint8_t *table = malloc(64 * KiB), params[8], size[8], sector[4];
    bool ok = table && blk_file_pread(&bs->file, off, table, 64 * KiB) == 0 &&
              !memcmp(table, "metadata", 8) &&
              metadata_item(bs, off, table, guid_file_params, params, 8) == 0 &&
              metadata_item(bs, off, table, guid_disk_size, size, 8) == 0 &&
              metadata_item(bs, off, table, guid_sector_size, sector, 4) == 0;
    free(table);
    if (!ok) {
        blk_error_set(err, "VHDX metadata region is missing required items");
        return -EINVAL;
    }
    s->block_size = blk_le32(params);
    s->sector_size = blk_le32(sector);
    bs->size = blk_le64(size);
    if (blk_le32(params + 4) & 2) {
        blk_error_set(err, "differencing VHDX images (with a parent) are not supported");
        return -ENOTSUP;
    }
    if (s->block_size < MiB || s->block_size > 256 * MiB || (s->block_size & (s->block_size - 1)) ||
        (s->sector_size != 512 && s->sector_size != 4096) || bs->size > (64ull << 40)) {
        blk_error_set(err, "invalid VHDX block size, sector size or disk size");
        return -EINVAL;
    }
    s->chunk_ratio = (8 * MiB * s->sector_size) / s->block_size;
    return 0;
}

static int vhdx_open(struct blk *bs, struct blk_error *err)
{
    struct vhdx *s = bs->state;
    bs->read_only = true;
    uint8_t hdr[4096];
    int ret = read_header(bs, hdr, err);
    if (ret < 0) {
        return ret;
    }
    uint8_t *region = malloc(REGION_SIZE);
    if (!region || blk_file_pread(&bs->file, REGION1, region, REGION_SIZE) < 0 ||
        memcmp(region, "regi", 4) || blk_le32(region + 4) != crc32c(region, REGION_SIZE, 4)) {
        free(region);
        blk_error_set(err, "invalid VHDX region table");
        return -EINVAL;
    }
    uint64_t bat_off, meta_off;
    uint32_t bat_len, meta_len;
    bool found = find_region(region, guid_bat, &bat_off, &bat_len) == 0 &&
                 find_region(region, guid_metadata, &meta_off, &meta_len) == 0;
    free(region);
    if (!found) {
        blk_error_set(err, "VHDX region table lacks the BAT or the metadata region");
        return -EINVAL;
    }
    if ((ret = read_metadata(bs, meta_off, err)) < 0) {
        return ret;
    }
    uint64_t blocks = (bs->size + s->block_size - 1) / s->block_size;
    s->bat_entries = blocks + blocks / s->chunk_ratio + 1;
    if (s->bat_entries * 8 > bat_len || s->bat_entries * 8 > MAX_BAT) {
        blk_error_set(err, "VHDX BAT region too small for the disk size");
        return -EINVAL;
    }
    s->bat = malloc(s->bat_entries * 8);
    if (!s->bat || blk_file_pread(&bs->file, bat_off, s->bat, s->bat_entries * 8) < 0) {
        blk_error_set(err, "could not read the VHDX BAT");
        return -EIO;
    }
    for (uint64_t i = 0; i < s->bat_entries; i++) {
        s->bat[i] = blk_le64(&s->bat[i]);
    }
    return 0;
}

static void vhdx_close(struct blk *bs)
{
    free(((struct vhdx *)bs->state)->bat);
}

/* BAT entry of payload block i: sector bitmap entries sit after every
 * chunk_ratio payload entries. */
static uint64_t payload_entry(const struct vhdx *s, uint64_t block)
{
    uint64_t idx = block + block / s->chunk_ratio;
    return idx < s->bat_entries ? s->bat[idx] : 0;
}

static int vhdx_read(struct blk *bs, uint64_t off, void *buf, size_t len)
{
    struct vhdx *s = bs->state;
    uint8_t *p = buf;
    while (len) {
        uint64_t block = off / s->block_size, in = off % s->block_size;
        size_t n = s->block_size - in < len ? (size_t)(s->block_size - in) : len;
        uint64_t e = payload_entry(s, block);
        unsigned state = e & 7;
        int ret = 0;
        if (state == BAT_PRESENT) {
            ret = blk_file_pread_zero_eof(&bs->file, (e >> 20) * MiB + in, p, n);
        } else if (state == BAT_PARTIAL) {
            ret = blk_io_fail(bs, -ENOTSUP, "partially present block without a parent");
        } else {
            memset(p, 0, n);
        }
        if (ret < 0) {
            return ret == -ENOTSUP ? ret : blk_io_fail(bs, ret, "read failed");
        }
        off += n;
        p += n;
        len -= n;
    }
    return 0;
}

static int vhdx_block_status(struct blk *bs, uint64_t off, uint64_t len, uint64_t *pnum,
                             unsigned *status, uint64_t *host)
{
    struct vhdx *s = bs->state;
    uint64_t block = off / s->block_size, in = off % s->block_size;
    uint64_t e = payload_entry(s, block);
    *pnum = s->block_size - in < len ? s->block_size - in : len;
    bool present = (e & 7) == BAT_PRESENT;
    *status =
        present ? BLK_STATUS_DATA | BLK_STATUS_ALLOCATED | BLK_STATUS_OFFSET : BLK_STATUS_ZERO;
    *host = present ? (e >> 20) * MiB + in : 0;
    return 0;
}

static int vhdx_info(struct blk *bs, struct blk_info *info, struct blk_error *err)
{
    (void)err;
    info->cluster_size = ((struct vhdx *)bs->state)->block_size;
    return 0;
}

const struct blk_driver blk_driver_vhdx = {
    .name = "vhdx",
    .state_size = sizeof(struct vhdx),
    .probe = vhdx_probe,
    .open = vhdx_open,
    .close = vhdx_close,
    .read = vhdx_read,
    .block_status = vhdx_block_status,
    .info = vhdx_info,
};
