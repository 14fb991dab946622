/* Block memory: struct tb and its restore records live until the next flush
 * of the code buffer (tb_invalidate keeps them: a block may invalidate itself
 * while running), so they come from chunks handed out in order and all
 * given back at the flush, not from malloc and free per block. */
#include "tb-internal.h"

#include <stdlib.h>

#define TB_ALLOC_CHUNK (256u << 10)

struct tb_chunk {
    struct tb_chunk *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

void *tb_alloc(struct translator *t, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    struct tb_chunk *c = t->chunk, *last = NULL;
    while (c && c->used + size > c->size) {
        /* The chunks after the current one are unused since the last flush. */
        last = c;
        c = c->next;
        if (c)
            c->used = 0;
    }
    if (!c) {
        size_t n = size > TB_ALLOC_CHUNK ? size : TB_ALLOC_CHUNK;
        c = tb_xrealloc(NULL, sizeof(*c) + n);
        *c = (struct tb_chunk){.next = NULL, .size = n, .used = 0};
        if (last)
            last->next = c;
        else
            t->chunks = c;
    }
    t->chunk = c;
    void *p = c->data + c->used;
    c->used += size;
    return p;
}

void tb_alloc_reset(struct translator *t)
{
    t->chunk = t->chunks;
    if (t->chunk)
        t->chunk->used = 0;
}

void tb_alloc_destroy(struct translator *t)
{
    for (struct tb_chunk *c = t->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    t->chunks = t->chunk = NULL;
}
