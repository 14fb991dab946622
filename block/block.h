/* Block layer: disk images (raw, qcow2, ...) behind one interface, used by the
 * disk devices and by jit86-img. Every error is returned as a value (a negative
 * errno, plus a one-line text in struct blk_error or blk_io_error()). */
#ifndef BLOCK_BLOCK_H
#define BLOCK_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One line of text describing why an operation failed. */
struct blk_error {
    char msg[512];
};

/* An open image: the format layer over its file, plus its backing chain. */
struct blk;

enum blk_cache {
    BLK_CACHE_WRITEBACK, /* host page cache, flush on request (default) */
    BLK_CACHE_NONE,      /* O_DIRECT where the host file system allows it */
    BLK_CACHE_UNSAFE,    /* flush requests are ignored */
};

#define BLK_OPEN_READ_ONLY  0x1u /* refuse writes; the file is opened O_RDONLY */
#define BLK_OPEN_SNAPSHOT   0x2u /* writes go to a temporary overlay, lost at close */
#define BLK_OPEN_NO_BACKING 0x4u /* do not open the backing file (info, rebase -u) */
#define BLK_OPEN_CHECK      0x8u /* open an image marked corrupt, for check/repair */

struct blk_open_opts {
    const char *format; /* "raw", "qcow2", ...; NULL probes the file */
    unsigned flags;     /* BLK_OPEN_* */
    enum blk_cache cache;
};

struct blk *blk_open(const char *filename, const struct blk_open_opts *opts, struct blk_error *err);
/* Flushes and closes the whole chain; returns 0 or the first error. */
int blk_close(struct blk *bs);

/* Byte-granular I/O at guest offsets. Return 0 or a negative errno; the text
 * of the last failure is blk_io_error(). Ranges past the end fail (-EINVAL). */
int blk_read(struct blk *bs, uint64_t offset, void *buf, size_t len);
int blk_write(struct blk *bs, uint64_t offset, const void *buf, size_t len);
int blk_write_zeroes(struct blk *bs, uint64_t offset, uint64_t len);
int blk_discard(struct blk *bs, uint64_t offset, uint64_t len);
int blk_flush(struct blk *bs);
const char *blk_io_error(const struct blk *bs);

/* Accounting (QEMU's query-blockstats fields): successful blk_read, blk_write
 * and blk_flush calls on this image and the bytes they moved. A device's
 * request is one call, so operations count what the device asked for (an IDE
 * PIO block, a bus-master PRD region, a floppy sector). */
struct blk_stats {
    uint64_t rd_bytes, wr_bytes;
    uint64_t rd_operations, wr_operations, flush_operations;
};
const struct blk_stats *blk_stats(const struct blk *bs);

uint64_t blk_length(const struct blk *bs);
bool blk_is_read_only(const struct blk *bs);
const char *blk_format_name(const struct blk *bs);
const char *blk_filename(const struct blk *bs);
/* The backing image, or NULL at the end of the chain. */
struct blk *blk_backing(const struct blk *bs);
int blk_resize(struct blk *bs, uint64_t size, bool allow_shrink, struct blk_error *err);

/* One whole cluster, compressed where the format can (qcow2: convert -c);
 * other formats write it plainly. */
int blk_write_compressed(struct blk *bs, uint64_t offset, const void *buf, size_t len);
/* Allocation unit of the format (0 when it has none, e.g. raw). */
uint32_t blk_cluster_size(struct blk *bs);

/* block_status: what reads of [offset, offset+*pnum) return, *pnum <= len. */
#define BLK_STATUS_DATA       0x1u /* data stored in this layer, at *host if OFFSET_VALID */
#define BLK_STATUS_ZERO       0x2u /* reads as zeroes */
#define BLK_STATUS_ALLOCATED  0x4u /* decided by this layer (not passed to the backing) */
#define BLK_STATUS_OFFSET     0x8u /* *host is the byte offset in this layer's file */
#define BLK_STATUS_COMPRESSED 0x10u
int blk_block_status(struct blk *bs, uint64_t offset, uint64_t len, uint64_t *pnum,
                     unsigned *status, uint64_t *host);
/* The same through the chain: *depth is the layer (0 = bs) that decided. */
int blk_block_status_chain(struct blk *bs, uint64_t offset, uint64_t len, uint64_t *pnum,
                           unsigned *status, uint64_t *host, unsigned *depth);

/* Image creation (jit86-img create, convert, -snapshot overlays). */
enum blk_prealloc { BLK_PREALLOC_OFF, BLK_PREALLOC_METADATA, BLK_PREALLOC_FULL };

struct blk_create_opts {
    const char *format;    /* required */
    uint64_t size;         /* 0 with a backing file: the backing file's size */
    uint32_t cluster_size; /* 0: format default */
    const char *backing_file;
    const char *backing_fmt;
    int compat; /* qcow2: 2 ("0.10") or 3 ("1.1"); 0 = 3 */
    bool lazy_refcounts;
    unsigned refcount_bits; /* qcow2: 1..64, power of two; 0 = 16 */
    enum blk_prealloc prealloc;
    const char *subformat; /* vdi/vpc/vmdk variants */
};

int blk_create(const char *filename, const struct blk_create_opts *opts, struct blk_error *err);
bool blk_format_known(const char *format);

/* info: fields a format does not have are left zero / empty. */
struct blk_snapshot_info {
    char id[128];
    char name[256];
    uint64_t vm_state_size;
    uint32_t date_sec, date_nsec;
    uint64_t vm_clock_nsec;
    uint64_t disk_size;
    uint64_t icount; /* UINT64_MAX when absent */
};

struct blk_info {
    char format[16];
    uint64_t virtual_size;
    uint64_t actual_size; /* bytes the host file system allocated */
    uint32_t cluster_size;
    char backing_file[1024];      /* as stored in the image */
    char full_backing_file[4096]; /* resolved against the image's directory */
    char backing_fmt[32];
    bool dirty_flag;
    bool corrupt;
    bool lazy_refcounts;
    int compat; /* qcow2: 2 or 3 */
    unsigned refcount_bits;
    bool has_format_specific; /* the qcow2 block above is meaningful */
    char subformat[32];       /* vdi/vmdk/vpc variant text */
    unsigned nb_snapshots;
    struct blk_snapshot_info *snapshots; /* freed by blk_info_free */
};

int blk_get_info(struct blk *bs, struct blk_info *info, struct blk_error *err);
void blk_info_free(struct blk_info *info);

/* check: counts as qemu-img reports them. */
struct blk_check_result {
    uint64_t corruptions, leaks, check_errors;
    uint64_t corruptions_fixed, leaks_fixed;
    uint64_t allocated_clusters, total_clusters, compressed_clusters, fragmented_clusters;
    uint64_t image_end_offset;
};

#define BLK_FIX_LEAKS  0x1u
#define BLK_FIX_ERRORS 0x2u

/* report() receives one line per problem found (no newline). Returns 0 when
 * the check ran (see the counts), -ENOTSUP for formats without one. */
int blk_check(struct blk *bs, unsigned fix, struct blk_check_result *res,
              void (*report)(void *opaque, const char *line), void *opaque);

/* Internal snapshots (qcow2). */
int blk_snapshot_create(struct blk *bs, const char *name, struct blk_error *err);
/* A snapshot that also records a machine state of vm_state_size bytes,
 * written beforehand with blk_vmstate_write (savevm); after the snapshot
 * the state area of the active image is released. */
int blk_snapshot_create_vm(struct blk *bs, const char *name, uint64_t vm_state_size,
                           uint64_t vm_clock_nsec, struct blk_error *err);
/* The machine-state area (qcow2: past the end of the disk): written before
 * blk_snapshot_create_vm, read after blk_snapshot_apply (loadvm). */
int blk_vmstate_write(struct blk *bs, uint64_t pos, const void *buf, size_t len);
int blk_vmstate_read(struct blk *bs, uint64_t pos, void *buf, size_t len);
int blk_snapshot_apply(struct blk *bs, const char *name, struct blk_error *err);
int blk_snapshot_delete(struct blk *bs, const char *name, struct blk_error *err);

/* Drops everything this layer stores, so that reads fall through to the
 * backing file again (jit86-img commit). qcow2 only. */
int blk_make_empty(struct blk *bs, struct blk_error *err);

/* Backing file change (rebase -u): only the header is rewritten. */
int blk_set_backing(struct blk *bs, const char *backing_file, const char *backing_fmt,
                    struct blk_error *err);

/* QEMU's rule for a relative backing name: relative to the directory of the
 * overlay's file name as given. Writes the result into out (size outlen). */
void blk_path_combine(char *out, size_t outlen, const char *base, const char *name);

#endif
