/* Generic block layer: format registry and probing, opening an image with its
 * backing chain (QEMU's relative-path rule, loop detection), the -snapshot
 * overlay, and the checked entry points that forward to the format driver. */
#include "block-int.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_CHAIN_DEPTH 256
#define PROBE_BYTES     4096

static const struct blk_driver *const drivers[] = {
    &blk_driver_qcow2, &blk_driver_vdi,  &blk_driver_vpc, &blk_driver_vmdk,
    &blk_driver_vhdx,  &blk_driver_qcow, &blk_driver_qed, &blk_driver_raw,
};

const struct blk_driver *blk_find_driver(const char *name)
{
    for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
        if (strcmp(drivers[i]->name, name) == 0) {
            return drivers[i];
        }
    }
    return NULL;
}

bool blk_format_known(const char *format)
{
    return blk_find_driver(format) != NULL;
}

void blk_error_set(struct blk_error *err, const char *fmt, ...)
{
    if (!err) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
}

int blk_io_fail(struct blk *bs, int ret, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(bs->io_error, sizeof(bs->io_error), fmt, ap);
    va_end(ap);
    return ret;
}

const char *blk_io_error(const struct blk *bs)
{
    return bs->io_error;
}

void blk_path_combine(char *out, size_t outlen, const char *base, const char *name)
{
    const char *slash = strrchr(base, '/');
    if (name[0] == '/' || !slash) {
        snprintf(out, outlen, "%s", name);
        return;
    }
    snprintf(out, outlen, "%.*s%s", (int)(slash - base + 1), base, name);
}

static const struct blk_driver *probe_format(struct blk_file *f)
{
    uint8_t buf[PROBE_BYTES];
    if (blk_file_pread_zero_eof(f, 0, buf, sizeof(buf)) < 0) {
        return &blk_driver_raw;
    }
    int64_t size = blk_file_size(f);
    size_t len = size < 0 ? 0 : size < PROBE_BYTES ? (size_t)size : PROBE_BYTES;
    const struct blk_driver *best = &blk_driver_raw;
    int best_score = 0;
    for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
        int score = drivers[i]->probe ? drivers[i]->probe(buf, len) : 0;
        if (score > best_score) {
            best_score = score;
            best = drivers[i];
        }
    }
    return best;
}

/* The files already open below us in the chain, to refuse a loop. */
struct chain_link {
    dev_t dev;
    ino_t ino;
    const struct chain_link *up;
};

static void free_node(struct blk *bs)
{
    if (bs->drv && bs->state && bs->drv->close) {
        bs->drv->close(bs);
    }
    blk_file_close(&bs->file);
    free(bs->state);
    free(bs->filename);
    free(bs);
}

static struct blk *open_node(const char *filename, const char *format, unsigned flags,
                             enum blk_cache cache, const struct chain_link *up, unsigned depth,
                             struct blk_error *err);

static int open_backing(struct blk *bs, const struct chain_link *link, struct blk_error *err)
{
    char path[PATH_MAX];
    blk_path_combine(path, sizeof(path), bs->filename, bs->backing_name);
    unsigned flags = BLK_OPEN_READ_ONLY | (bs->flags & BLK_OPEN_CHECK);
    struct blk_error sub;
    bs->backing = open_node(path, bs->backing_fmt[0] ? bs->backing_fmt : NULL, flags, bs->cache,
                            link, bs->depth + 1, &sub);
    if (!bs->backing) {
        blk_error_set(err, "Could not open backing file: %s", sub.msg);
        return -EINVAL;
    }
    return 0;
}

static struct blk *open_node(const char *filename, const char *format, unsigned flags,
                             enum blk_cache cache, const struct chain_link *up, unsigned depth,
                             struct blk_error *err)
{
    if (depth > MAX_CHAIN_DEPTH) {
        blk_error_set(err, "Backing chain of '%s' is longer than %d images", filename,
                      MAX_CHAIN_DEPTH);
        return NULL;
    }
    const struct blk_driver *drv = NULL;
    if (format && !(drv = blk_find_driver(format))) {
        blk_error_set(err, "Unknown image format '%s'", format);
        return NULL;
    }
    struct blk *bs = calloc(1, sizeof(*bs));
    if (!bs) {
        blk_error_set(err, "Out of memory");
        return NULL;
    }
    bs->filename = strdup(filename);
    bs->read_only = flags & BLK_OPEN_READ_ONLY;
    bs->flags = flags;
    bs->cache = cache;
    bs->depth = depth;
    if (!bs->filename || blk_file_open(&bs->file, filename, bs->read_only, cache, err) < 0) {
        free(bs->filename);
        free(bs);
        return NULL;
    }
    struct stat st;
    if (fstat(bs->file.fd, &st) == 0) {
        bs->dev = st.st_dev;
        bs->ino = st.st_ino;
    }
    for (const struct chain_link *l = up; l; l = l->up) {
        if (l->dev == bs->dev && l->ino == bs->ino) {
            blk_error_set(err, "Backing file loop: '%s' is already in the chain", filename);
            free_node(bs);
            return NULL;
        }
    }
    bs->drv = drv ? drv : probe_format(&bs->file);
    bs->state = calloc(1, bs->drv->state_size ? bs->drv->state_size : 1);
    struct blk_error sub;
    if (!bs->state || bs->drv->open(bs, &sub) < 0) {
        blk_error_set(err, "Could not open '%s': %s", filename, bs->state ? sub.msg : "no memory");
        bs->read_only = true; /* close() of a half-open image must not write */
        free_node(bs);
        return NULL;
    }
    struct chain_link link = {bs->dev, bs->ino, up};
    if (bs->backing_name[0] && !(flags & BLK_OPEN_NO_BACKING) && open_backing(bs, &link, err) < 0) {
        free_node(bs);
        return NULL;
    }
    return bs;
}

/* -snapshot: a qcow2 overlay in $TMPDIR whose backing is the image, opened
 * read-only; the overlay file is unlinked at close. */
static struct blk *open_snapshot_overlay(struct blk *base, struct blk_error *err)
{
    const char *dir = getenv("TMPDIR");
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/jit86-snapshot-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        blk_error_set(err, "Could not create the temporary overlay in %s: %s", path,
                      strerror(errno));
        return NULL;
    }
    close(fd);
    char base_path[PATH_MAX];
    if (!realpath(base->filename, base_path)) {
        snprintf(base_path, sizeof(base_path), "%s", base->filename);
    }
    struct blk_create_opts co = {
        .format = "qcow2",
        .size = base->size,
        .backing_file = base_path,
        .backing_fmt = base->drv->name,
    };
    struct blk_open_opts oo = {
        .format = "qcow2", .flags = BLK_OPEN_NO_BACKING, .cache = BLK_CACHE_UNSAFE};
    struct blk *top = NULL;
    if (blk_create(path, &co, err) == 0) {
        top = blk_open(path, &oo, err);
    }
    if (!top) {
        unlink(path);
        return NULL;
    }
    top->backing = base;
    top->temp_path = strdup(path);
    return top;
}

struct blk *blk_open(const char *filename, const struct blk_open_opts *opts, struct blk_error *err)
{
    struct blk_open_opts def = {0};
    if (!opts) {
        opts = &def;
    }
    unsigned flags = opts->flags;
    if (flags & BLK_OPEN_SNAPSHOT) {
        flags = (flags & ~BLK_OPEN_SNAPSHOT) | BLK_OPEN_READ_ONLY;
    }
    struct blk *bs = open_node(filename, opts->format, flags, opts->cache, NULL, 0, err);
    if (bs && (opts->flags & BLK_OPEN_SNAPSHOT)) {
        struct blk *top = open_snapshot_overlay(bs, err);
        if (!top) {
            blk_close(bs);
        }
        return top;
    }
    return bs;
}

static int flush_node(struct blk *bs)
{
    if (bs->read_only) {
        return 0;
    }
    if (bs->drv->flush) {
        return bs->drv->flush(bs);
    }
    int ret = blk_file_flush(&bs->file);
    return ret < 0 ? blk_io_fail(bs, ret, "flush failed: %s", strerror(-ret)) : 0;
}

int blk_close(struct blk *bs)
{
    int ret = 0;
    while (bs) {
        struct blk *next = bs->backing;
        if (!bs->read_only) {
            ret = ret ? ret : flush_node(bs);
        }
        if (bs->temp_path) {
            unlink(bs->temp_path);
            free(bs->temp_path);
        }
        free_node(bs);
        bs = next;
    }
    return ret;
}

static int check_range(struct blk *bs, uint64_t off, uint64_t len)
{
    if (off > bs->size || len > bs->size - off) {
        return blk_io_fail(bs, -EINVAL, "request at %llu+%llu is past the end (%llu)",
                           (unsigned long long)off, (unsigned long long)len,
                           (unsigned long long)bs->size);
    }
    return 0;
}

int blk_read(struct blk *bs, uint64_t offset, void *buf, size_t len)
{
    int ret = check_range(bs, offset, len);
    if (ret < 0 || len == 0) {
        return ret;
    }
    ret = bs->drv->read(bs, offset, buf, len);
    if (ret >= 0) {
        bs->stats.rd_operations++;
        bs->stats.rd_bytes += len;
    }
    return ret;
}

static int check_write(struct blk *bs, uint64_t off, uint64_t len)
{
    if (bs->read_only) {
        return blk_io_fail(bs, -EROFS, "image '%s' is read-only", bs->filename);
    }
    return check_range(bs, off, len);
}

int blk_write(struct blk *bs, uint64_t offset, const void *buf, size_t len)
{
    int ret = check_write(bs, offset, len);
    if (ret < 0 || len == 0) {
        return ret;
    }
    ret = bs->drv->write(bs, offset, buf, len);
    if (ret >= 0) {
        bs->stats.wr_operations++;
        bs->stats.wr_bytes += len;
    }
    return ret;
}

int blk_write_zeroes(struct blk *bs, uint64_t offset, uint64_t len)
{
    int ret = check_write(bs, offset, len);
    if (ret < 0 || len == 0) {
        return ret;
    }
    if (bs->drv->write_zeroes) {
        return bs->drv->write_zeroes(bs, offset, len);
    }
    static const uint8_t zero[65536];
    while (len) {
        size_t n = len < sizeof(zero) ? (size_t)len : sizeof(zero);
        if ((ret = bs->drv->write(bs, offset, zero, n)) < 0) {
            return ret;
        }
        offset += n;
        len -= n;
    }
    return 0;
}

int blk_write_compressed(struct blk *bs, uint64_t offset, const void *buf, size_t len)
{
    int ret = check_write(bs, offset, len);
    if (ret < 0 || len == 0) {
        return ret;
    }
    if (bs->drv->write_compressed) {
        return bs->drv->write_compressed(bs, offset, buf, len);
    }
    return bs->drv->write(bs, offset, buf, len);
}

uint32_t blk_cluster_size(struct blk *bs)
{
    return bs->drv->cluster_size ? bs->drv->cluster_size(bs) : 0;
}

int blk_discard(struct blk *bs, uint64_t offset, uint64_t len)
{
    int ret = check_write(bs, offset, len);
    if (ret < 0 || len == 0 || !bs->drv->discard) {
        return ret;
    }
    return bs->drv->discard(bs, offset, len);
}

int blk_flush(struct blk *bs)
{
    int ret = flush_node(bs);
    if (ret >= 0) {
        bs->stats.flush_operations++;
    }
    return ret;
}

const struct blk_stats *blk_stats(const struct blk *bs)
{
    return &bs->stats;
}

int blk_read_backing(struct blk *bs, uint64_t off, void *buf, size_t len)
{
    struct blk *b = bs->backing;
    size_t n = 0;
    if (b && off < b->size) {
        n = b->size - off < len ? (size_t)(b->size - off) : len;
        int ret = b->drv->read(b, off, buf, n);
        if (ret < 0) {
            return blk_io_fail(bs, ret, "backing file: %s", b->io_error);
        }
    }
    memset((uint8_t *)buf + n, 0, len - n);
    return 0;
}

uint64_t blk_length(const struct blk *bs)
{
    return bs->size;
}

bool blk_is_read_only(const struct blk *bs)
{
    return bs->read_only;
}

const char *blk_format_name(const struct blk *bs)
{
    return bs->drv->name;
}

const char *blk_filename(const struct blk *bs)
{
    return bs->filename;
}

struct blk *blk_backing(const struct blk *bs)
{
    return bs->backing;
}

int blk_resize(struct blk *bs, uint64_t size, bool allow_shrink, struct blk_error *err)
{
    if (bs->read_only) {
        blk_error_set(err, "Image is read-only");
        return -EROFS;
    }
    if (size < bs->size && !allow_shrink) {
        blk_error_set(err, "Use the --shrink option to perform a shrink operation");
        return -EINVAL;
    }
    if (!bs->drv->truncate) {
        blk_error_set(err, "Image format '%s' does not support resizing", bs->drv->name);
        return -ENOTSUP;
    }
    return bs->drv->truncate(bs, size, allow_shrink, err);
}

int blk_block_status(struct blk *bs, uint64_t offset, uint64_t len, uint64_t *pnum,
                     unsigned *status, uint64_t *host)
{
    *host = 0;
    if (offset >= bs->size) {
        *pnum = 0;
        *status = 0;
        return 0;
    }
    if (len > bs->size - offset) {
        len = bs->size - offset;
    }
    if (!bs->drv->block_status) {
        *pnum = len;
        *status = BLK_STATUS_DATA | BLK_STATUS_ALLOCATED;
        return 0;
    }
    return bs->drv->block_status(bs, offset, len, pnum, status, host);
}

int blk_block_status_chain(struct blk *bs, uint64_t offset, uint64_t len, uint64_t *pnum,
                           unsigned *status, uint64_t *host, unsigned *depth)
{
    *depth = 0;
    for (struct blk *b = bs;; b = b->backing, (*depth)++) {
        int ret = blk_block_status(b, offset, len, pnum, status, host);
        if (ret < 0) {
            return ret;
        }
        if (*pnum == 0) {
            /* Past the end of a shorter backing file: zeroes. */
            *pnum = len;
            *status = BLK_STATUS_ZERO;
            return 0;
        }
        if ((*status & BLK_STATUS_ALLOCATED) || !b->backing) {
            if (!(*status & BLK_STATUS_ALLOCATED)) {
                *status |= BLK_STATUS_ZERO;
            }
            return 0;
        }
        len = *pnum;
    }
}

static int backing_size(const char *overlay, const struct blk_create_opts *o, uint64_t *size,
                        struct blk_error *err)
{
    char path[PATH_MAX];
    blk_path_combine(path, sizeof(path), overlay, o->backing_file);
    struct blk_open_opts oo = {.format = o->backing_fmt, .flags = BLK_OPEN_READ_ONLY};
    struct blk_error sub;
    struct blk *b = blk_open(path, &oo, &sub);
    if (!b) {
        blk_error_set(err, "Could not open backing image '%s': %s", path, sub.msg);
        return -EINVAL;
    }
    *size = b->size;
    blk_close(b);
    return 0;
}

int blk_create(const char *filename, const struct blk_create_opts *opts, struct blk_error *err)
{
    const struct blk_driver *drv = blk_find_driver(opts->format);
    if (!drv) {
        blk_error_set(err, "Unknown file format '%s'", opts->format);
        return -EINVAL;
    }
    if (!drv->create) {
        blk_error_set(err, "Format '%s' does not support image creation", opts->format);
        return -ENOTSUP;
    }
    struct blk_create_opts o = *opts;
    if (o.backing_file && !o.size) {
        int ret = backing_size(filename, &o, &o.size, err);
        if (ret < 0) {
            return ret;
        }
    }
    return drv->create(filename, &o, err);
}

int blk_get_info(struct blk *bs, struct blk_info *info, struct blk_error *err)
{
    memset(info, 0, sizeof(*info));
    snprintf(info->format, sizeof(info->format), "%s", bs->drv->name);
    info->virtual_size = bs->size;
    info->actual_size = blk_file_allocated(&bs->file);
    if (bs->backing_name[0]) {
        snprintf(info->backing_file, sizeof(info->backing_file), "%s", bs->backing_name);
        blk_path_combine(info->full_backing_file, sizeof(info->full_backing_file), bs->filename,
                         bs->backing_name);
        snprintf(info->backing_fmt, sizeof(info->backing_fmt), "%s", bs->backing_fmt);
    }
    return bs->drv->info ? bs->drv->info(bs, info, err) : 0;
}

void blk_info_free(struct blk_info *info)
{
    free(info->snapshots);
    info->snapshots = NULL;
}

int blk_check(struct blk *bs, unsigned fix, struct blk_check_result *res,
              void (*report)(void *opaque, const char *line), void *opaque)
{
    memset(res, 0, sizeof(*res));
    if (!bs->drv->check) {
        return -ENOTSUP;
    }
    if (fix && bs->read_only) {
        return -EROFS;
    }
    return bs->drv->check(bs, fix, res, report, opaque);
}

static int snapshot_usable(struct blk *bs, bool supported, struct blk_error *err)
{
    if (!supported) {
        blk_error_set(err, "Format '%s' does not support internal snapshots", bs->drv->name);
        return -ENOTSUP;
    }
    if (bs->read_only) {
        blk_error_set(err, "Image is read-only");
        return -EROFS;
    }
    return 0;
}

int blk_snapshot_create(struct blk *bs, const char *name, struct blk_error *err)
{
    int ret = snapshot_usable(bs, bs->drv->snapshot_create != NULL, err);
    return ret < 0 ? ret : bs->drv->snapshot_create(bs, name, NULL, err);
}

int blk_snapshot_create_vm(struct blk *bs, const char *name, uint64_t vm_state_size,
                           uint64_t vm_clock_nsec, struct blk_error *err)
{
    struct blk_snapshot_info vm = {
        .vm_state_size = vm_state_size, .vm_clock_nsec = vm_clock_nsec, .icount = UINT64_MAX};
    int ret = snapshot_usable(bs, bs->drv->snapshot_create != NULL, err);
    return ret < 0 ? ret : bs->drv->snapshot_create(bs, name, &vm, err);
}

static int vmstate_rw(struct blk *bs, uint64_t pos, void *buf, size_t len, bool write)
{
    if (!bs->drv->vmstate_rw) {
        return blk_io_fail(bs, -ENOTSUP, "format '%s' cannot store a machine state", bs->drv->name);
    }
    if (write && bs->read_only) {
        return blk_io_fail(bs, -EROFS, "image '%s' is read-only", bs->filename);
    }
    if (pos > (1ull << 50) || len > (1ull << 50) - pos) {
        return blk_io_fail(bs, -EINVAL, "machine state offset out of range");
    }
    return bs->drv->vmstate_rw(bs, pos, buf, len, write);
}

int blk_vmstate_write(struct blk *bs, uint64_t pos, const void *buf, size_t len)
{
    return vmstate_rw(bs, pos, (void *)buf, len, true);
}

int blk_vmstate_read(struct blk *bs, uint64_t pos, void *buf, size_t len)
{
    return vmstate_rw(bs, pos, buf, len, false);
}

int blk_snapshot_apply(struct blk *bs, const char *name, struct blk_error *err)
{
    int ret = snapshot_usable(bs, bs->drv->snapshot_apply != NULL, err);
    return ret < 0 ? ret : bs->drv->snapshot_apply(bs, name, err);
}

int blk_snapshot_delete(struct blk *bs, const char *name, struct blk_error *err)
{
    int ret = snapshot_usable(bs, bs->drv->snapshot_delete != NULL, err);
    return ret < 0 ? ret : bs->drv->snapshot_delete(bs, name, err);
}

int blk_make_empty(struct blk *bs, struct blk_error *err)
{
    if (!bs->drv->make_empty || bs->read_only) {
        blk_error_set(err, bs->read_only ? "Image is read-only" : "Format '%s' cannot be emptied",
                      bs->drv->name);
        return bs->read_only ? -EROFS : -ENOTSUP;
    }
    int ret = bs->drv->make_empty(bs);
    if (ret == 0) {
        ret = flush_node(bs);
    }
    if (ret < 0) {
        blk_error_set(err, "%s", bs->io_error);
    }
    return ret;
}

int blk_set_backing(struct blk *bs, const char *backing_file, const char *backing_fmt,
                    struct blk_error *err)
{
    if (!bs->drv->set_backing) {
        blk_error_set(err, "Format '%s' has no backing file", bs->drv->name);
        return -ENOTSUP;
    }
    if (bs->read_only) {
        blk_error_set(err, "Image is read-only");
        return -EROFS;
    }
    return bs->drv->set_backing(bs, backing_file, backing_fmt, err);
}
