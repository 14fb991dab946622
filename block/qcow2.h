/* qcow2 driver state and the functions its files share (QEMU
 * docs/interop/qcow2.txt: header, L1/L2 tables, refcounts, snapshots). */
#ifndef BLOCK_QCOW2_H
#define BLOCK_QCOW2_H

#include "block-int.h"

#define QCOW2_MAGIC 0x514649fbu /* "QFI\xfb" */

#define QCOW2_OFLAG_COPIED     (1ull << 63) /* refcount is exactly 1: write in place */
#define QCOW2_OFLAG_COMPRESSED (1ull << 62)
#define QCOW2_OFLAG_ZERO       1ull                  /* v3: the cluster reads as zeroes */
#define QCOW2_OFFSET_MASK      0x00fffffffffffe00ull /* bits 9-55 */

#define QCOW2_INCOMPAT_DIRTY        (1ull << 0)
#define QCOW2_INCOMPAT_CORRUPT      (1ull << 1)
#define QCOW2_INCOMPAT_DATA_FILE    (1ull << 2)
#define QCOW2_INCOMPAT_COMPRESSION  (1ull << 3)
#define QCOW2_INCOMPAT_EXTL2        (1ull << 4)
#define QCOW2_INCOMPAT_KNOWN        (QCOW2_INCOMPAT_DIRTY | QCOW2_INCOMPAT_CORRUPT)
#define QCOW2_COMPAT_LAZY_REFCOUNTS (1ull << 0)

#define QCOW2_EXT_END          0x00000000u
#define QCOW2_EXT_BACKING_FMT  0xe2792acau
#define QCOW2_EXT_FEATURE_NAME 0x6803f857u

/* Header field offsets (qcow2.txt "Header"). */
#define QCOW2_HDR_L1_SIZE   36 /* l1_size then l1_table_offset: one 12-byte write */
#define QCOW2_HDR_REFTABLE  48 /* offset then clusters: one 12-byte write */
#define QCOW2_HDR_SNAPSHOTS 60 /* nb_snapshots then snapshots_offset */
#define QCOW2_HDR_INCOMPAT  72
#define QCOW2_HDR_V2_LENGTH 72
#define QCOW2_HDR_V3_LENGTH 104

#define QCOW2_MAX_L1_BYTES       (32u << 20)
#define QCOW2_MAX_REFTABLE_BYTES (8u << 20)
#define QCOW2_MAX_SNAPSHOTS      65536
#define QCOW2_MAX_BACKING_NAME   1023

/* A small write-back cache of metadata clusters (L2 tables or refcount
 * blocks), kept in on-disk byte order. */
struct qcow2_cache_entry {
    uint64_t offset; /* 0: free slot */
    uint8_t *data;
    bool dirty;
    uint64_t lru;
};

struct qcow2_cache {
    struct qcow2_cache_entry *entries;
    unsigned count;
    uint64_t tick;
};

struct qcow2_snapshot {
    uint64_t l1_offset;
    uint32_t l1_size;
    char *id;
    char *name;
    uint32_t date_sec, date_nsec;
    uint64_t vm_clock_nsec;
    uint64_t vm_state_size;
    uint64_t disk_size;
    uint64_t icount; /* UINT64_MAX: absent */
    uint32_t extra_size;
};

struct qcow2_ext {
    uint32_t type;
    uint32_t len;
    uint8_t *data;
};

struct qcow2 {
    uint32_t version;
    unsigned cluster_bits;
    uint64_t cluster_size;
    unsigned l2_bits; /* log2 of entries per L2 table */
    uint64_t l2_entries;

    uint64_t l1_offset;
    uint32_t l1_size;
    uint64_t *l1; /* host byte order */

    uint64_t rt_offset;
    uint32_t rt_clusters;
    uint64_t *rt; /* host byte order */
    uint64_t rt_entries;
    unsigned refcount_order;
    uint64_t rb_entries; /* refcounts per refcount block */
    uint64_t refcount_max;

    uint64_t incompat, compat, autoclear;
    uint32_t header_length;
    uint8_t compression_type;

    uint32_t nb_snapshots;
    uint64_t snapshots_offset;
    struct qcow2_snapshot *snapshots;

    struct qcow2_ext *exts; /* unknown header extensions, kept on rewrite */
    unsigned nb_exts;

    struct qcow2_cache l2_cache;
    struct qcow2_cache rb_cache;

    uint64_t free_hint; /* cluster index below which nothing is free */
    /* Clusters whose references were dropped: decremented only once the
     * tables that no longer point to them are on disk (crash ordering). */
    uint64_t *pending_free;
    size_t nb_pending, cap_pending;

    bool marked_dirty;     /* lazy_refcounts: dirty bit set in this session */
    uint8_t *cow_buf;      /* 4 clusters: COW head, COW tail, L2 copy, zeroes */
    uint8_t *zbuf_in;      /* compressed cluster read buffer */
    uint8_t *zbuf_out;     /* last decompressed cluster */
    uint64_t zcache_entry; /* L2 entry of zbuf_out, 0 if none */
};

static inline struct qcow2 *qcow2_state(struct blk *bs)
{
    return bs->state;
}

/* qcow2-cache.c */
int qcow2_cache_init(struct qcow2_cache *c, unsigned count, uint64_t cluster_size);
void qcow2_cache_destroy(struct qcow2_cache *c);
/* Returns the cached cluster at offset, reading it if absent. */
int qcow2_cache_get(struct blk *bs, struct qcow2_cache *c, uint64_t offset, uint8_t **data);
/* Inserts a fresh cluster (contents given by the caller, already on disk or dirty). */
int qcow2_cache_put_new(struct blk *bs, struct qcow2_cache *c, uint64_t offset, uint8_t **data);
void qcow2_cache_mark_dirty(struct qcow2_cache *c, const uint8_t *data);
int qcow2_cache_write_dirty(struct blk *bs, struct qcow2_cache *c);
bool qcow2_cache_has_dirty(const struct qcow2_cache *c);
void qcow2_cache_drop(struct qcow2_cache *c, uint64_t offset);
void qcow2_cache_drop_all(struct qcow2_cache *c);

/* qcow2-refcount.c */
uint64_t qcow2_refcount_get_entry(const uint8_t *block, uint64_t index, unsigned order);
void qcow2_refcount_set_entry(uint8_t *block, uint64_t index, unsigned order, uint64_t value);
int qcow2_get_refcount(struct blk *bs, uint64_t cluster_index, uint64_t *refcount);
int qcow2_update_refcount(struct blk *bs, uint64_t offset, uint64_t length, int64_t addend);
int qcow2_set_refcount(struct blk *bs, uint64_t cluster_index, uint64_t value);
/* Allocates n contiguous clusters with refcount 1; returns the byte offset. */
int64_t qcow2_alloc_clusters(struct blk *bs, uint64_t n);
/* Queues a decrement of the clusters covering [offset, offset+length). */
int qcow2_free_later(struct blk *bs, uint64_t offset, uint64_t length);
/* Writes metadata in crash-safe order and applies queued decrements. */
int qcow2_flush_metadata(struct blk *bs);
/* Refcount blocks on disk, then a barrier: before anything may point to a
 * freshly allocated cluster. */
int qcow2_commit_refcounts(struct blk *bs);
int qcow2_barrier(struct blk *bs);

/* qcow2-cluster.c */
int qcow2_read(struct blk *bs, uint64_t off, void *buf, size_t len);
int qcow2_write(struct blk *bs, uint64_t off, const void *buf, size_t len);
int qcow2_write_zeroes(struct blk *bs, uint64_t off, uint64_t len);
int qcow2_discard(struct blk *bs, uint64_t off, uint64_t len);
int qcow2_block_status(struct blk *bs, uint64_t off, uint64_t len, uint64_t *pnum, unsigned *status,
                       uint64_t *host);
int qcow2_write_compressed(struct blk *bs, uint64_t off, const void *buf, size_t len);
int qcow2_grow_l1(struct blk *bs, uint64_t min_size);
int qcow2_write_l1_entry(struct blk *bs, uint32_t index);
/* Host clusters spanned by a compressed L2 entry. */
void qcow2_compressed_range(const struct qcow2 *s, uint64_t entry, uint64_t *offset,
                            uint64_t *size);
int qcow2_preallocate_metadata(struct blk *bs);
/* Every L2 entry unallocated: reads go to the backing file. */
int qcow2_make_empty(struct blk *bs);

/* qcow2.c */
int qcow2_write_header(struct blk *bs);
int qcow2_write_header_field(struct blk *bs, unsigned offset, const void *data, size_t len);
int qcow2_mark_dirty(struct blk *bs);
int qcow2_corrupt(struct blk *bs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* qcow2-check.c */
int qcow2_check(struct blk *bs, unsigned fix, struct blk_check_result *res,
                void (*report)(void *opaque, const char *line), void *opaque);

/* qcow2-snapshot.c */
int qcow2_read_snapshots(struct blk *bs, struct blk_error *err);
void qcow2_free_snapshots(struct qcow2 *s);
int qcow2_snapshot_create(struct blk *bs, const char *name, const struct blk_snapshot_info *vm,
                          struct blk_error *err);
int qcow2_vmstate_rw(struct blk *bs, uint64_t pos, void *buf, size_t len, bool write);
int qcow2_snapshot_apply(struct blk *bs, const char *name, struct blk_error *err);
int qcow2_snapshot_delete(struct blk *bs, const char *name, struct blk_error *err);

#endif
