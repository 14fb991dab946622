/* qcow2 metadata cache: L2 tables and refcount blocks, LRU, write-back.
 * Evicting a dirty L2 table first commits the refcount blocks, so a table on
 * disk never points to a cluster whose refcount is not on disk yet. */
#include "qcow2.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int qcow2_cache_init(struct qcow2_cache *c, unsigned count, uint64_t cluster_size)
{
    c->count = count;
    c->tick = 0;
    c->entries = calloc(count, sizeof(*c->entries));
    if (!c->entries) {
        return -ENOMEM;
    }
    for (unsigned i = 0; i < count; i++) {
        if (posix_memalign((void **)&c->entries[i].data, 4096, cluster_size)) {
            c->entries[i].data = NULL;
            return -ENOMEM;
        }
    }
    return 0;
}

void qcow2_cache_destroy(struct qcow2_cache *c)
{
    for (unsigned i = 0; c->entries && i < c->count; i++) {
        free(c->entries[i].data);
    }
    free(c->entries);
    c->entries = NULL;
    c->count = 0;
}

static int write_entry(struct blk *bs, struct qcow2_cache *c, struct qcow2_cache_entry *e)
{
    struct qcow2 *s = qcow2_state(bs);
    if (!e->dirty) {
        return 0;
    }
    if (c == &s->l2_cache) {
        int ret = qcow2_commit_refcounts(bs);
        if (ret < 0) {
            return ret;
        }
    }
    int ret = blk_file_pwrite(&bs->file, e->offset, e->data, s->cluster_size);
    if (ret < 0) {
        return blk_io_fail(bs, ret, "metadata write at %llu failed: %s",
                           (unsigned long long)e->offset, strerror(-ret));
    }
    e->dirty = false;
    return 0;
}

static struct qcow2_cache_entry *lookup(struct qcow2_cache *c, uint64_t offset)
{
    for (unsigned i = 0; i < c->count; i++) {
        if (c->entries[i].offset == offset) {
            c->entries[i].lru = ++c->tick;
            return &c->entries[i];
        }
    }
    return NULL;
}

static int take_slot(struct blk *bs, struct qcow2_cache *c, struct qcow2_cache_entry **out)
{
    struct qcow2_cache_entry *victim = &c->entries[0];
    for (unsigned i = 0; i < c->count; i++) {
        struct qcow2_cache_entry *e = &c->entries[i];
        if (e->offset == 0) {
            victim = e;
            break;
        }
        if (e->lru < victim->lru) {
            victim = e;
        }
    }
    int ret = write_entry(bs, c, victim);
    if (ret < 0) {
        return ret;
    }
    victim->offset = 0;
    *out = victim;
    return 0;
}

int qcow2_cache_get(struct blk *bs, struct qcow2_cache *c, uint64_t offset, uint8_t **data)
{
    struct qcow2 *s = qcow2_state(bs);
    struct qcow2_cache_entry *e = lookup(c, offset);
    if (e) {
        *data = e->data;
        return 0;
    }
    int ret = take_slot(bs, c, &e);
    if (ret < 0) {
        return ret;
    }
    ret = blk_file_pread(&bs->file, offset, e->data, s->cluster_size);
    if (ret < 0) {
        return blk_io_fail(bs, ret, "metadata read at %llu failed: %s", (unsigned long long)offset,
                           strerror(-ret));
    }
    e->offset = offset;
    e->dirty = false;
    e->lru = ++c->tick;
    *data = e->data;
    return 0;
}

int qcow2_cache_put_new(struct blk *bs, struct qcow2_cache *c, uint64_t offset, uint8_t **data)
{
    struct qcow2_cache_entry *e = lookup(c, offset);
    if (!e) {
        int ret = take_slot(bs, c, &e);
        if (ret < 0) {
            return ret;
        }
    }
    e->offset = offset;
    e->dirty = false;
    e->lru = ++c->tick;
    *data = e->data;
    return 0;
}

void qcow2_cache_mark_dirty(struct qcow2_cache *c, const uint8_t *data)
{
    for (unsigned i = 0; i < c->count; i++) {
        if (c->entries[i].data == data) {
            c->entries[i].dirty = true;
            return;
        }
    }
}

bool qcow2_cache_has_dirty(const struct qcow2_cache *c)
{
    for (unsigned i = 0; i < c->count; i++) {
        if (c->entries[i].dirty) {
            return true;
        }
    }
    return false;
}

int qcow2_cache_write_dirty(struct blk *bs, struct qcow2_cache *c)
{
    for (unsigned i = 0; i < c->count; i++) {
        int ret = write_entry(bs, c, &c->entries[i]);
        if (ret < 0) {
            return ret;
        }
    }
    return 0;
}

void qcow2_cache_drop(struct qcow2_cache *c, uint64_t offset)
{
    for (unsigned i = 0; i < c->count; i++) {
        if (c->entries[i].offset == offset) {
            c->entries[i].offset = 0;
            c->entries[i].dirty = false;
        }
    }
}

void qcow2_cache_drop_all(struct qcow2_cache *c)
{
    for (unsigned i = 0; i < c->count; i++) {
        c->entries[i].offset = 0;
        c->entries[i].dirty = false;
    }
}
