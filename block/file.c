/* Host file layer under every format: pread/pwrite loops, flush by cache mode,
 * O_DIRECT (cache=none) with aligned bounce buffers for unaligned requests. */
#include "block-int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIRECT_ALIGN 4096u

int blk_file_open(struct blk_file *f, const char *filename, bool read_only, enum blk_cache cache,
                  struct blk_error *err)
{
    int flags = (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC;
    memset(f, 0, sizeof(*f));
    f->fd = -1;
    f->read_only = read_only;
    f->cache = cache;
    f->align = 1;
    int fd = -1;
    if (cache == BLK_CACHE_NONE) {
        /* Not every file system has O_DIRECT (tmpfs): fall back to the page cache. */
        fd = open(filename, flags | O_DIRECT);
        if (fd >= 0) {
            f->direct = true;
            f->align = DIRECT_ALIGN;
        }
    }
    if (fd < 0) {
        fd = open(filename, flags);
    }
    if (fd < 0) {
        blk_error_set(err, "Could not open '%s': %s", filename, strerror(errno));
        return -errno;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        blk_error_set(err, "Could not open '%s': Is a directory", filename);
        return -EISDIR;
    }
    f->fd = fd;
    return 0;
}

void blk_file_close(struct blk_file *f)
{
    if (f->fd >= 0) {
        close(f->fd);
    }
    f->fd = -1;
}

static int raw_pread(int fd, uint64_t off, void *buf, size_t len, bool zero_eof)
{
    uint8_t *p = buf;
    while (len) {
        ssize_t n = pread(fd, p, len, (off_t)off);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        if (n == 0) {
            if (!zero_eof) {
                return -EIO;
            }
            memset(p, 0, len);
            return 0;
        }
        p += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

static int raw_pwrite(int fd, uint64_t off, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = pwrite(fd, p, len, (off_t)off);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        p += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

static bool is_aligned(const struct blk_file *f, uint64_t off, const void *buf, size_t len)
{
    return f->align == 1 || ((off | len | (uintptr_t)buf) & (f->align - 1)) == 0;
}

/* O_DIRECT path for unaligned requests: a bounce buffer covering whole blocks. */
static int bounce_io(struct blk_file *f, uint64_t off, void *buf, size_t len, bool write,
                     bool zero_eof)
{
    uint64_t start = off & ~(uint64_t)(f->align - 1);
    uint64_t end = (off + len + f->align - 1) & ~(uint64_t)(f->align - 1);
    void *tmp;
    if (posix_memalign(&tmp, f->align, end - start)) {
        return -ENOMEM;
    }
    int ret = raw_pread(f->fd, start, tmp, end - start, true);
    if (ret == 0 && !write) {
        memcpy(buf, (uint8_t *)tmp + (off - start), len);
        if (!zero_eof) {
            int64_t sz = blk_file_size(f);
            if (sz < 0 || off + len > (uint64_t)sz) {
                ret = -EIO;
            }
        }
    } else if (ret == 0) {
        int64_t sz = blk_file_size(f);
        memcpy((uint8_t *)tmp + (off - start), buf, len);
        ret = raw_pwrite(f->fd, start, tmp, end - start);
        /* Keep the exact size when the write extended the file. */
        if (ret == 0 && sz >= 0 && end > (uint64_t)sz && off + len > (uint64_t)sz) {
            ret = ftruncate(f->fd, (off_t)(off + len)) ? -errno : 0;
        } else if (ret == 0 && sz >= 0 && end > (uint64_t)sz) {
            ret = ftruncate(f->fd, sz) ? -errno : 0;
        }
    }
    free(tmp);
    return ret;
}

int blk_file_pread(struct blk_file *f, uint64_t off, void *buf, size_t len)
{
    if (!is_aligned(f, off, buf, len)) {
        return bounce_io(f, off, buf, len, false, false);
    }
    return raw_pread(f->fd, off, buf, len, false);
}

int blk_file_pread_zero_eof(struct blk_file *f, uint64_t off, void *buf, size_t len)
{
    if (!is_aligned(f, off, buf, len)) {
        return bounce_io(f, off, buf, len, false, true);
    }
    return raw_pread(f->fd, off, buf, len, true);
}

int blk_file_pwrite(struct blk_file *f, uint64_t off, const void *buf, size_t len)
{
    if (f->read_only) {
        return -EROFS;
    }
    if (!is_aligned(f, off, buf, len)) {
        return bounce_io(f, off, (void *)buf, len, true, false);
    }
    return raw_pwrite(f->fd, off, buf, len);
}

int blk_file_flush(struct blk_file *f)
{
    if (f->read_only || f->cache == BLK_CACHE_UNSAFE) {
        return 0;
    }
    return fdatasync(f->fd) ? -errno : 0;
}

int64_t blk_file_size(struct blk_file *f)
{
    struct stat st;
    if (fstat(f->fd, &st)) {
        return -errno;
    }
    if (S_ISBLK(st.st_mode)) {
        off_t end = lseek(f->fd, 0, SEEK_END);
        return end < 0 ? -errno : (int64_t)end;
    }
    return (int64_t)st.st_size;
}

int blk_file_truncate(struct blk_file *f, uint64_t size)
{
    if (f->read_only) {
        return -EROFS;
    }
    return ftruncate(f->fd, (off_t)size) ? -errno : 0;
}

int blk_file_punch(struct blk_file *f, uint64_t off, uint64_t len)
{
    if (f->read_only) {
        return -EROFS;
    }
    if (fallocate(f->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len)) {
        return -errno;
    }
    return 0;
}

uint64_t blk_file_allocated(struct blk_file *f)
{
    struct stat st;
    if (fstat(f->fd, &st)) {
        return 0;
    }
    return (uint64_t)st.st_blocks * 512;
}
