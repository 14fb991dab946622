/* Block layer internals: the host file layer, the format driver interface and
 * the open image node. Private to block/. */
#ifndef BLOCK_BLOCK_INT_H
#define BLOCK_BLOCK_INT_H

#include "block/block.h"

#include <stdarg.h>
#include <stdint.h>
#include <sys/types.h>

/* Host file: positional I/O with O_DIRECT alignment handled inside. */
struct blk_file {
    int fd;
    bool read_only;
    bool direct;
    enum blk_cache cache;
    uint32_t align; /* 1, or the O_DIRECT alignment */
};

int blk_file_open(struct blk_file *f, const char *filename, bool read_only, enum blk_cache cache,
                  struct blk_error *err);
void blk_file_close(struct blk_file *f);
int blk_file_pread(struct blk_file *f, uint64_t off, void *buf, size_t len);
int blk_file_pwrite(struct blk_file *f, uint64_t off, const void *buf, size_t len);
/* Zero bytes past the end of file are returned as zeroes (sparse growth). */
int blk_file_pread_zero_eof(struct blk_file *f, uint64_t off, void *buf, size_t len);
int blk_file_flush(struct blk_file *f);
int64_t blk_file_size(struct blk_file *f);
int blk_file_truncate(struct blk_file *f, uint64_t size);
int blk_file_punch(struct blk_file *f, uint64_t off, uint64_t len);
uint64_t blk_file_allocated(struct blk_file *f);

struct blk_driver {
    const char *name;
    size_t state_size;
    /* Score 0..100 for the first bytes of a file (len may be short). */
    int (*probe)(const uint8_t *buf, size_t len);
    int (*open)(struct blk *bs, struct blk_error *err);
    void (*close)(struct blk *bs);
    int (*read)(struct blk *bs, uint64_t off, void *buf, size_t len);
    int (*write)(struct blk *bs, uint64_t off, const void *buf, size_t len);
    int (*write_zeroes)(struct blk *bs, uint64_t off, uint64_t len);
    int (*discard)(struct blk *bs, uint64_t off, uint64_t len);
    int (*flush)(struct blk *bs);
    int (*block_status)(struct blk *bs, uint64_t off, uint64_t len, uint64_t *pnum,
                        unsigned *status, uint64_t *host);
    int (*truncate)(struct blk *bs, uint64_t size, bool shrink, struct blk_error *err);
    int (*create)(const char *filename, const struct blk_create_opts *o, struct blk_error *err);
    int (*info)(struct blk *bs, struct blk_info *info, struct blk_error *err);
    int (*check)(struct blk *bs, unsigned fix, struct blk_check_result *res,
                 void (*report)(void *opaque, const char *line), void *opaque);
    /* vm: the machine state recorded with the snapshot, or NULL. */
    int (*snapshot_create)(struct blk *bs, const char *name, const struct blk_snapshot_info *vm,
                           struct blk_error *err);
    int (*vmstate_rw)(struct blk *bs, uint64_t pos, void *buf, size_t len, bool write);
    int (*snapshot_apply)(struct blk *bs, const char *name, struct blk_error *err);
    int (*snapshot_delete)(struct blk *bs, const char *name, struct blk_error *err);
    int (*set_backing)(struct blk *bs, const char *file, const char *fmt, struct blk_error *err);
    int (*make_empty)(struct blk *bs);
    /* Compressed cluster write (convert -c); len == cluster size, aligned. */
    int (*write_compressed)(struct blk *bs, uint64_t off, const void *buf, size_t len);
    uint32_t (*cluster_size)(struct blk *bs);
};

struct blk {
    const struct blk_driver *drv;
    void *state; /* driver's, drv->state_size bytes */
    struct blk_file file;
    char *filename;
    uint64_t size; /* virtual size, kept by the driver */
    bool read_only;
    unsigned flags;
    enum blk_cache cache;
    struct blk *backing;
    /* Backing name as stored in the image, and the format the image names;
     * drivers fill them in open() so the generic layer can open the chain. */
    char backing_name[1024];
    char backing_fmt[32];
    char *temp_path; /* -snapshot overlay file, removed at close */
    char io_error[256];
    struct blk_stats stats; /* requests through blk_read/blk_write/blk_flush */
    /* (dev, ino) of this file and its chain, for loop detection */
    dev_t dev;
    ino_t ino;
    unsigned depth;
};

extern const struct blk_driver blk_driver_raw;
extern const struct blk_driver blk_driver_qcow2;
extern const struct blk_driver blk_driver_vdi;
extern const struct blk_driver blk_driver_vpc;
extern const struct blk_driver blk_driver_vmdk;
extern const struct blk_driver blk_driver_vhdx;
extern const struct blk_driver blk_driver_qcow;
extern const struct blk_driver blk_driver_qed;

const struct blk_driver *blk_find_driver(const char *name);

void blk_error_set(struct blk_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Records the text of an I/O failure on bs and returns ret (a negative errno). */
int blk_io_fail(struct blk *bs, int ret, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reads through the backing chain with zeroes past the backing's end; used by
 * formats for unallocated ranges. */
int blk_read_backing(struct blk *bs, uint64_t off, void *buf, size_t len);

static inline uint16_t blk_be16(const void *p)
{
    const uint8_t *b = p;
    return (uint16_t)(b[0] << 8 | b[1]);
}

static inline uint32_t blk_be32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static inline uint64_t blk_be64(const void *p)
{
    const uint8_t *b = p;
    return (uint64_t)blk_be32(b) << 32 | blk_be32(b + 4);
}

static inline void blk_put_be16(void *p, uint16_t v)
{
    uint8_t *b = p;
    b[0] = (uint8_t)(v >> 8);
    b[1] = (uint8_t)v;
}

static inline void blk_put_be32(void *p, uint32_t v)
{
    uint8_t *b = p;
    b[0] = (uint8_t)(v >> 24);
    b[1] = (uint8_t)(v >> 16);
    b[2] = (uint8_t)(v >> 8);
    b[3] = (uint8_t)v;
}

static inline void blk_put_be64(void *p, uint64_t v)
{
    blk_put_be32(p, (uint32_t)(v >> 32));
    blk_put_be32((uint8_t *)p + 4, (uint32_t)v);
}

static inline uint32_t blk_le32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

static inline uint64_t blk_le64(const void *p)
{
    const uint8_t *b = p;
    return (uint64_t)blk_le32(b + 4) << 32 | blk_le32(b);
}

#endif
