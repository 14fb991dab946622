/* VMware VMDK (Virtual Disk Format 1.1): a text descriptor listing extents,
 * FLAT extents (raw files) and SPARSE extents (little-endian header, grain
 * directory -> grain tables -> grains); monolithicSparse, monolithicFlat and
 * twoGbMaxExtent* images read-write on allocated tables, streamOptimized
 * (deflated grains with markers, tables at the end) read-only. */
#include "block-int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define VMDK_MAGIC      0x564d444bu /* "KDMV" */
#define GD_AT_END       UINT64_MAX
#define FLAG_RGD        (1u << 1)
#define FLAG_COMPRESSED (1u << 16)
#define MAX_EXTENTS     1024
#define GRAIN_SECTORS   128
#define GT_ENTRIES      512
#define DESC_SECTORS    20

struct extent {
    struct blk_file file;
    bool own_file; /* false: the descriptor's own file (monolithicSparse) */
    bool flat, zero, read_only;
    uint64_t start, sectors; /* guest sectors covered */
    uint64_t flat_offset;    /* FLAT: sector offset in the file */
    /* SPARSE */
    uint64_t grain; /* sectors */
    uint32_t gt_entries;
    uint32_t *gd, *rgd; /* sector offsets of grain tables */
    uint32_t gd_count;
    bool compressed;
    uint32_t *gt; /* one cached grain table */
    uint32_t gt_index;
    uint64_t end; /* bytes: where the next grain goes */
};

struct vmdk {
    struct extent *ext;
    unsigned count;
    uint8_t *zbuf;
    size_t zlen;
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

static int vmdk_probe(const uint8_t *buf, size_t len)
{
    if (len >= 4 && blk_le32(buf) == VMDK_MAGIC) {
        return 100;
    }
    static const char text[] = "# Disk DescriptorFile";
    return len >= sizeof(text) - 1 && !memcmp(buf, text, sizeof(text) - 1) ? 100 : 0;
}

static int read_u32_table(struct blk_file *f, uint64_t sector, uint32_t n, uint32_t **out)
{
    uint32_t *t = malloc((size_t)n * 4 + 4);
    if (!t) {
        return -ENOMEM;
    }
    int ret = blk_file_pread(f, sector * 512, t, (size_t)n * 4);
    if (ret < 0) {
        free(t);
        return ret;
    }
    for (uint32_t i = 0; i < n; i++) {
        t[i] = blk_le32(&t[i]);
    }
    *out = t;
    return 0;
}

/* Sparse extent header (and, for streamOptimized, the footer copy). */
static int open_sparse(struct extent *e, uint64_t *capacity, uint64_t *desc, uint64_t *desc_len,
                       struct blk_error *err)
{
    uint8_t h[512];
    if (blk_file_pread(&e->file, 0, h, sizeof(h)) < 0 || blk_le32(h) != VMDK_MAGIC) {
        blk_error_set(err, "sparse extent without a VMDK header");
        return -EINVAL;
    }
    uint32_t flags = blk_le32(h + 8);
    uint64_t gd = blk_le64(h + 56);
    e->compressed = flags & FLAG_COMPRESSED;
    if (gd == GD_AT_END) {
        /* streamOptimized: the header copy in the footer, 1024 bytes from the end. */
        int64_t size = blk_file_size(&e->file);
        if (size < 1536 || blk_file_pread(&e->file, (uint64_t)size - 1024, h, sizeof(h)) < 0 ||
            blk_le32(h) != VMDK_MAGIC) {
            blk_error_set(err, "streamOptimized extent without a footer");
            return -EINVAL;
        }
        gd = blk_le64(h + 56);
    }
    *capacity = blk_le64(h + 12);
    e->grain = blk_le64(h + 20);
    *desc = blk_le64(h + 28);
    *desc_len = blk_le64(h + 36);
    e->gt_entries = blk_le32(h + 44);
    if (e->grain < 1 || e->grain > 2048 || (e->grain & (e->grain - 1)) || e->gt_entries < 1 ||
        e->gt_entries > 4096 || *capacity > (1ull << 40)) {
        blk_error_set(err, "unsupported grain size, grain table size or capacity");
        return -ENOTSUP;
    }
    uint64_t gd_count = (*capacity + e->grain * e->gt_entries - 1) / (e->grain * e->gt_entries);
    e->gd_count = (uint32_t)gd_count;
    if (read_u32_table(&e->file, gd, e->gd_count, &e->gd) < 0) {
        blk_error_set(err, "could not read the grain directory");
        return -EIO;
    }
    uint64_t rgd = blk_le64(h + 48);
    if ((flags & FLAG_RGD) && rgd && !e->compressed &&
        read_u32_table(&e->file, rgd, e->gd_count, &e->rgd) < 0) {
        blk_error_set(err, "could not read the redundant grain directory");
        return -EIO;
    }
    e->gt = malloc((size_t)e->gt_entries * 4);
    e->gt_index = UINT32_MAX;
    int64_t fsize = blk_file_size(&e->file);
    e->end = fsize < 0 ? 0 : ((uint64_t)fsize + 511) & ~511ull;
    return e->gt ? 0 : -ENOMEM;
}

/* One "RW 2048 SPARSE \"file.vmdk\" [offset]" line of the descriptor. */
static int parse_extent(struct blk *bs, const char *line, struct extent *e, uint64_t start,
                        struct blk_error *err)
{
    char access[16], type[16], name[PATH_MAX];
    unsigned long long sectors, offset = 0;
    int n =
        sscanf(line, "%15s %llu %15s \"%4095[^\"]\" %llu", access, &sectors, type, name, &offset);
    if (n < 3 || (strcmp(access, "RW") && strcmp(access, "RDONLY") && strcmp(access, "NOACCESS"))) {
        blk_error_set(err, "invalid extent line: %.80s", line);
        return -EINVAL;
    }
    e->start = start;
    e->sectors = sectors;
    e->read_only = strcmp(access, "RW") != 0;
    e->zero = !strcmp(type, "ZERO");
    e->flat = !strcmp(type, "FLAT") || !strcmp(type, "VMFS");
    if (e->zero) {
        return 0;
    }
    if (n < 4 || (!e->flat && strcmp(type, "SPARSE") && strcmp(type, "VMFSSPARSE"))) {
        blk_error_set(err, "unsupported extent type '%s'", type);
        return -ENOTSUP;
    }
    char path[PATH_MAX];
    blk_path_combine(path, sizeof(path), bs->filename, name);
    if (blk_file_open(&e->file, path, bs->read_only || e->read_only, bs->cache, err) < 0) {
        return -EIO;
    }
    e->own_file = true;
    e->flat_offset = offset;
    if (e->flat) {
        return 0;
    }
    uint64_t cap, d, dl;
    return open_sparse(e, &cap, &d, &dl, err);
}

static int parse_descriptor(struct blk *bs, char *text, struct blk_error *err)
{
    struct vmdk *s = bs->state;
    uint64_t start = 0;
    for (char *save = NULL, *line = strtok_r(text, "\r\n", &save); line;
         line = strtok_r(NULL, "\r\n", &save)) {
        if (strncmp(line, "RW ", 3) && strncmp(line, "RDONLY ", 7) &&
            strncmp(line, "NOACCESS ", 9)) {
            if (!strncmp(line, "parentFileNameHint", 18)) {
                blk_error_set(err, "VMDK images with a parent are not supported");
                return -ENOTSUP;
            }
            continue;
        }
        if (s->count >= MAX_EXTENTS) {
            blk_error_set(err, "too many extents");
            return -EINVAL;
        }
        struct extent *e = &s->ext[s->count++];
        int ret = parse_extent(bs, line, e, start, err);
        if (ret < 0) {
            return ret;
        }
        start += e->sectors;
    }
    if (!s->count) {
        blk_error_set(err, "descriptor lists no extent");
        return -EINVAL;
    }
    bs->size = start * 512;
    return 0;
}

static int vmdk_open(struct blk *bs, struct blk_error *err)
{
    struct vmdk *s = bs->state;
    s->ext = calloc(MAX_EXTENTS, sizeof(*s->ext));
    if (!s->ext) {
        return -ENOMEM;
    }
    uint8_t magic[4];
    int64_t fsize = blk_file_size(&bs->file);
    if (fsize < 4 || blk_file_pread(&bs->file, 0, magic, 4) < 0) {
        blk_error_set(err, "file too small for a VMDK image");
        return -EINVAL;
    }
    if (blk_le32(magic) == VMDK_MAGIC) {
        /* monolithicSparse / streamOptimized: one extent, the file itself,
         * whose embedded descriptor is not needed to read it. */
        struct extent *e = &s->ext[s->count++];
        e->file = bs->file;
        uint64_t cap, d, dl;
        int ret = open_sparse(e, &cap, &d, &dl, err);
        e->sectors = cap;
        bs->size = cap * 512;
        return ret;
    }
    if (fsize > (1 << 20)) {
        blk_error_set(err, "VMDK descriptor file too large");
        return -EINVAL;
    }
    char *text = calloc(1, (size_t)fsize + 1);
    int ret = text ? blk_file_pread(&bs->file, 0, text, (size_t)fsize) : -ENOMEM;
    if (ret == 0) {
        ret = parse_descriptor(bs, text, err);
    } else {
        blk_error_set(err, "could not read the descriptor");
    }
    free(text);
    return ret;
}

static void vmdk_close(struct blk *bs)
{
    struct vmdk *s = bs->state;
    for (unsigned i = 0; s->ext && i < s->count; i++) {
        struct extent *e = &s->ext[i];
        if (e->own_file) {
            blk_file_close(&e->file);
        }
        free(e->gd);
        free(e->rgd);
        free(e->gt);
    }
    free(s->ext);
    free(s->zbuf);
}

static struct extent *find_extent(struct vmdk *s, uint64_t sector)
{
    for (unsigned i = 0; i < s->count; i++) {
        if (sector >= s->ext[i].start && sector < s->ext[i].start + s->ext[i].sectors) {
            return &s->ext[i];
        }
    }
    return NULL;
}

static int load_gt(struct blk *bs, struct extent *e, uint32_t gdi)
{
    if (e->gt_index == gdi) {
        return 0;
    }
    e->gt_index = UINT32_MAX;
    int ret =
        blk_file_pread(&e->file, (uint64_t)e->gd[gdi] * 512, e->gt, (size_t)e->gt_entries * 4);
    if (ret < 0) {
        return blk_io_fail(bs, ret, "grain table read failed");
    }
    for (uint32_t i = 0; i < e->gt_entries; i++) {
        e->gt[i] = blk_le32(&e->gt[i]);
    }
    e->gt_index = gdi;
    return 0;
}

/* Grain entry of a guest sector of a sparse extent: 0 and 1 read as zeroes. */
static int grain_entry(struct blk *bs, struct extent *e, uint64_t rel, uint32_t *entry)
{
    uint64_t grain = rel / e->grain;
    uint64_t gdi = grain / e->gt_entries;
    *entry = 0;
    if (gdi >= e->gd_count || !e->gd[gdi]) {
        return 0;
    }
    int ret = load_gt(bs, e, (uint32_t)gdi);
    *entry = ret < 0 ? 0 : e->gt[grain % e->gt_entries];
    return ret;
}

static int read_compressed(struct blk *bs, struct extent *e, uint32_t sector, uint64_t in,
                           uint8_t *p, size_t n)
{
    struct vmdk *s = bs->state;
    uint64_t gbytes = e->grain * 512;
    uint8_t marker[12];
    int ret = blk_file_pread(&e->file, (uint64_t)sector * 512, marker, sizeof(marker));
    uint32_t csize = blk_le32(marker + 8);
    if (ret < 0 || csize > 2 * gbytes + 1024) {
        return blk_io_fail(bs, -EIO, "invalid compressed grain at sector %u", sector);
    }
    uint8_t *in_buf = malloc(csize + 1), *out = malloc(gbytes);
    if (!in_buf || !out) {
        free(in_buf);
        free(out);
        return -ENOMEM;
    }
    ret = blk_file_pread_zero_eof(&e->file, (uint64_t)sector * 512 + 12, in_buf, csize);
    uLongf outlen = (uLongf)gbytes;
    /* The last grain of a disk may be shorter; never longer than a grain. */
    if (ret == 0 && uncompress(out, &outlen, in_buf, csize) != Z_OK) {
        ret = blk_io_fail(bs, -EIO, "compressed grain does not inflate to at most one grain");
    } else if (ret == 0) {
        memset(out + outlen, 0, gbytes - outlen);
    }
    if (ret == 0) {
        memcpy(p, out + in, n);
    }
    free(in_buf);
    free(out);
    (void)s;
    return ret;
}

static int read_extent(struct blk *bs, struct extent *e, uint64_t off, uint8_t *p, size_t n)
{
    uint64_t rel = off - e->start * 512;
    if (e->zero) {
        memset(p, 0, n);
        return 0;
    }
    if (e->flat) {
        int ret = blk_file_pread_zero_eof(&e->file, e->flat_offset * 512 + rel, p, n);
        return ret < 0 ? blk_io_fail(bs, ret, "read failed: %s", strerror(-ret)) : 0;
    }
    uint32_t g;
    int ret = grain_entry(bs, e, rel / 512, &g);
    uint64_t in = rel % (e->grain * 512);
    if (ret < 0 || g <= 1) {
        memset(p, 0, n);
        return ret;
    }
    if (e->compressed) {
        return read_compressed(bs, e, g, in, p, n);
    }
    ret = blk_file_pread_zero_eof(&e->file, (uint64_t)g * 512 + in, p, n);
    return ret < 0 ? blk_io_fail(bs, ret, "read failed: %s", strerror(-ret)) : 0;
}

/* Bytes from off to the end of its grain (or extent for flat ones), at most len. */
static size_t piece(const struct extent *e, uint64_t off, size_t len)
{
    uint64_t end = (e->start + e->sectors) * 512;
    uint64_t lim = end - off;
    if (!e->flat && !e->zero) {
        uint64_t g = e->grain * 512;
        uint64_t to_grain = g - ((off - e->start * 512) % g);
        lim = to_grain < lim ? to_grain : lim;
    }
    return lim < len ? (size_t)lim : len;
}

static int vmdk_read(struct blk *bs, uint64_t off, void *buf, size_t len)
{
    struct vmdk *s = bs->state;
    uint8_t *p = buf;
    while (len) {
        struct extent *e = find_extent(s, off / 512);
        if (!e) {
            return blk_io_fail(bs, -EIO, "no extent covers sector %llu",
                               (unsigned long long)(off / 512));
        }
        size_t n = piece(e, off, len);
        int ret = read_extent(bs, e, off, p, n);
        if (ret < 0) {
            return ret;
        }
        off += n;
        p += n;
        len -= n;
    }
    return 0;
}

/* A new grain at the end of the extent file: data first, then the grain
 * table entries (primary and redundant) that point to it. */
static int allocate_grain(struct blk *bs, struct extent *e, uint64_t rel, const uint8_t *p,
                          size_t n)
{
    uint64_t gbytes = e->grain * 512, grain = rel / gbytes, in = rel % gbytes;
    uint64_t gdi = grain / e->gt_entries, gti = grain % e->gt_entries;
    if (gdi >= e->gd_count || !e->gd[gdi]) {
        return blk_io_fail(bs, -ENOTSUP, "grain table not preallocated");
    }
    uint8_t *buf = calloc(1, gbytes);
    if (!buf) {
        return -ENOMEM;
    }
    memcpy(buf + in, p, n);
    uint64_t at = e->end;
    int ret = blk_file_pwrite(&e->file, at, buf, gbytes);
    free(buf);
    uint8_t v[4];
    put_le32(v, (uint32_t)(at / 512));
    if (ret == 0 && e->rgd && e->rgd[gdi]) {
        ret = blk_file_pwrite(&e->file, (uint64_t)e->rgd[gdi] * 512 + gti * 4, v, 4);
    }
    if (ret == 0) {
        ret = blk_file_pwrite(&e->file, (uint64_t)e->gd[gdi] * 512 + gti * 4, v, 4);
    }
    if (ret < 0) {
        return blk_io_fail(bs, ret, "grain allocation failed: %s", strerror(-ret));
    }
    e->end = at + gbytes;
    if (e->gt_index == gdi) {
        e->gt[gti] = (uint32_t)(at / 512);
    }
    return 0;
}

static int write_extent(struct blk *bs, struct extent *e, uint64_t off, const uint8_t *p, size_t n)
{
    uint64_t rel = off - e->start * 512;
    if (e->read_only || e->zero || e->compressed) {
        return blk_io_fail(bs, -EROFS, "extent is read-only (%s)",
                           e->compressed ? "streamOptimized" : "RDONLY or ZERO");
    }
    uint32_t g = 2;
    int ret = e->flat ? 0 : grain_entry(bs, e, rel / 512, &g);
    if (ret < 0) {
        return ret;
    }
    if (g <= 1) {
        return allocate_grain(bs, e, rel, p, n);
    }
    uint64_t at = e->flat ? e->flat_offset * 512 + rel : (uint64_t)g * 512 + rel % (e->grain * 512);
    ret = blk_file_pwrite(&e->file, at, p, n);
    return ret < 0 ? blk_io_fail(bs, ret, "write failed: %s", strerror(-ret)) : 0;
}

static int vmdk_write(struct blk *bs, uint64_t off, const void *buf, size_t len)
{
    struct vmdk *s = bs->state;
    const uint8_t *p = buf;
    while (len) {
        struct extent *e = find_extent(s, off / 512);
        if (!e) {
            return blk_io_fail(bs, -EIO, "no extent covers sector %llu",
                               (unsigned long long)(off / 512));
        }
        size_t n = piece(e, off, len);
        int ret = write_extent(bs, e, off, p, n);
        if (ret < 0) {
            return ret;
        }
        off += n;
        p += n;
        len -= n;
    }
    return 0;
}

static int vmdk_flush(struct blk *bs)
{
    struct vmdk *s = bs->state;
    int ret = blk_file_flush(&bs->file);
    for (unsigned i = 0; i < s->count && ret == 0; i++) {
        if (s->ext[i].own_file) {
            ret = blk_file_flush(&s->ext[i].file);
        }
    }
    return ret < 0 ? blk_io_fail(bs, ret, "flush failed: %s", strerror(-ret)) : 0;
}

static int vmdk_block_status(struct blk *bs, uint64_t off, uint64_t len, uint64_t *pnum,
                             unsigned *status, uint64_t *host)
{
    struct vmdk *s = bs->state;
    struct extent *e = find_extent(s, off / 512);
    *host = 0;
    if (!e) {
        *pnum = len;
        *status = BLK_STATUS_ZERO;
        return 0;
    }
    *pnum = piece(e, off, len);
    if (e->zero) {
        *status = BLK_STATUS_ZERO;
        return 0;
    }
    uint32_t g = 2;
    int ret = e->flat ? 0 : grain_entry(bs, e, (off - e->start * 512) / 512, &g);
    *status = g <= 1 ? BLK_STATUS_ZERO : BLK_STATUS_DATA | BLK_STATUS_ALLOCATED;
    if (g > 1 && !e->compressed && e == &s->ext[0] && !e->own_file) {
        *status |= BLK_STATUS_OFFSET;
        *host = (uint64_t)g * 512 + (off - e->start * 512) % (e->grain * 512);
    }
    return ret;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int descriptor(char *out, size_t len, const char *type, uint64_t sectors, const char *kind,
                      const char *file)
{
    uint32_t cid;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read(fd, &cid, sizeof(cid)) != sizeof(cid)) {
        cid = (uint32_t)getpid();
    }
    if (fd >= 0) {
        close(fd);
    }
    uint64_t cyl = sectors / (16 * 63);
    return snprintf(out, len,
                    "# Disk DescriptorFile\nversion=1\nCID=%08x\nparentCID=ffffffff\n"
                    "createType=\"%s\"\n\n# Extent description\nRW %llu %s \"%s\"%s\n\n"
                    "# The Disk Data Base\n#DDB\n\nddb.virtualHWVersion = \"4\"\n"
                    "ddb.geometry.cylinders = \"%llu\"\nddb.geometry.heads = \"16\"\n"
                    "ddb.geometry.sectors = \"63\"\nddb.adapterType = \"ide\"\n",
                    cid, type, (unsigned long long)sectors, kind, file,
                    !strcmp(kind, "FLAT") ? " 0" : "",
                    (unsigned long long)(cyl > 65535 ? 65535 : cyl));
}

static int write_file(const char *path, const void *buf, size_t len, uint64_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return -errno;
    }
    int ret = pwrite(fd, buf, len, 0) == (ssize_t)len ? 0 : -EIO;
    if (ret == 0 && size > len && ftruncate(fd, (off_t)size)) {
        ret = -errno;
    }
    close(fd);
    return ret;
}

/* monolithicSparse: header, embedded descriptor, redundant and primary grain
 * directories with all their grain tables, grains after the overhead. */
static int create_sparse(const char *filename, uint64_t sectors, struct blk_error *err)
{
    uint64_t ngt = (sectors + GRAIN_SECTORS * GT_ENTRIES - 1) / (GRAIN_SECTORS * GT_ENTRIES);
    uint64_t gd_sectors = (ngt * 4 + 511) / 512, gt_sectors = ngt * GT_ENTRIES * 4 / 512;
    uint64_t rgd = 1 + DESC_SECTORS, gd = rgd + gd_sectors + gt_sectors;
    uint64_t overhead =
        (gd + gd_sectors + gt_sectors + GRAIN_SECTORS - 1) & ~(uint64_t)(GRAIN_SECTORS - 1);
    uint8_t *buf = calloc(overhead, 512);
    (void)err;
    if (!buf) {
        return -ENOMEM;
    }
    put_le32(buf, VMDK_MAGIC);
    put_le32(buf + 4, 1);
    put_le32(buf + 8, 1 | FLAG_RGD); /* newline test valid, redundant grain table */
    put_le64(buf + 12, sectors);
    put_le64(buf + 20, GRAIN_SECTORS);
    put_le64(buf + 28, 1);
    put_le64(buf + 36, DESC_SECTORS);
    put_le32(buf + 44, GT_ENTRIES);
    put_le64(buf + 48, rgd);
    put_le64(buf + 56, gd);
    put_le64(buf + 64, overhead);
    memcpy(buf + 73, "\n \r\n", 4);
    for (uint64_t i = 0; i < ngt; i++) {
        put_le32(buf + rgd * 512 + i * 4, (uint32_t)(rgd + gd_sectors + i * GT_ENTRIES * 4 / 512));
        put_le32(buf + gd * 512 + i * 4, (uint32_t)(gd + gd_sectors + i * GT_ENTRIES * 4 / 512));
    }
    descriptor((char *)buf + 512, DESC_SECTORS * 512, "monolithicSparse", sectors, "SPARSE",
               base_name(filename));
    int ret = write_file(filename, buf, overhead * 512, 0);
    free(buf);
    return ret;
}

static int vmdk_create(const char *filename, const struct blk_create_opts *o, struct blk_error *err)
{
    const char *sub = o->subformat ? o->subformat : "monolithicSparse";
    uint64_t sectors = (o->size + 511) / 512;
    if (o->backing_file) {
        blk_error_set(err, "VMDK images with a parent are not supported");
        return -EINVAL;
    }
    int ret;
    if (!strcmp(sub, "monolithicSparse")) {
        ret = create_sparse(filename, sectors, err);
    } else if (!strcmp(sub, "monolithicFlat")) {
        char flat[PATH_MAX], text[2048];
        size_t base = strlen(filename) > 5 && !strcmp(filename + strlen(filename) - 5, ".vmdk")
                          ? strlen(filename) - 5
                          : strlen(filename);
        snprintf(flat, sizeof(flat), "%.*s-flat.vmdk", (int)base, filename);
        int len =
            descriptor(text, sizeof(text), "monolithicFlat", sectors, "FLAT", base_name(flat));
        ret = write_file(flat, "", 0, sectors * 512);
        if (ret == 0) {
            ret = write_file(filename, text, (size_t)len, 0);
        }
    } else {
        blk_error_set(err, "subformat must be monolithicSparse or monolithicFlat");
        return -ENOTSUP;
    }
    if (ret < 0) {
        blk_error_set(err, "Could not create '%s': %s", filename, strerror(-ret));
    }
    return ret;
}

static int vmdk_info(struct blk *bs, struct blk_info *info, struct blk_error *err)
{
    struct vmdk *s = bs->state;
    (void)err;
    const struct extent *e = &s->ext[0];
    info->cluster_size = e->flat || e->zero ? 0 : (uint32_t)(e->grain * 512);
    snprintf(info->subformat, sizeof(info->subformat), "%s",
             e->compressed ? "streamOptimized"
             : e->flat     ? "flat"
                           : "sparse");
    return 0;
}

const struct blk_driver blk_driver_vmdk = {
    .name = "vmdk",
    .state_size = sizeof(struct vmdk),
    .probe = vmdk_probe,
    .open = vmdk_open,
    .close = vmdk_close,
    .read = vmdk_read,
    .write = vmdk_write,
    .flush = vmdk_flush,
    .block_status = vmdk_block_status,
    .create = vmdk_create,
    .info = vmdk_info,
};
