/* Block lookup: the global hash table keyed by (phys_pc, cs_base, flags) and
 * the per-CPU jump caches indexed by virtual PC (shared/DESIGN.md, journey
 * step 1). */
#include "tb-internal.h"

#include <stdlib.h>
#include <string.h>

#define TB_HASH_MIN_BITS 10

static unsigned key_hash(const struct tb_key *k, unsigned bits)
{
    uint64_t h = k->phys_pc * 0x9e3779b97f4a7c15ull;
    h ^= (k->cs_base + k->flags) * 0xc2b2ae3d27d4eb4full;
    h ^= h >> 29;
    return (unsigned)(h >> (64 - bits));
}

static bool key_eq(const struct tb_key *a, const struct tb_key *b)
{
    return a->phys_pc == b->phys_pc && a->cs_base == b->cs_base && a->flags == b->flags;
}

void tb_hash_init(struct translator *t)
{
    t->hash_bits = TB_HASH_MIN_BITS;
    size_t size = sizeof(*t->hash) << t->hash_bits;
    t->hash = memset(tb_xrealloc(NULL, size), 0, size);
    t->hash_count = 0;
}

void tb_hash_destroy(struct translator *t)
{
    free(t->hash);
    t->hash = NULL;
}

static void rehash(struct translator *t, unsigned bits)
{
    struct tb **old = t->hash;
    unsigned old_n = 1u << t->hash_bits;
    struct tb **nh = calloc(1u << bits, sizeof(*nh));
    if (!nh)
        return; /* keep the longer chains */
    for (unsigned i = 0; i < old_n; i++) {
        for (struct tb *tb = old[i], *next; tb; tb = next) {
            next = tb->hash_next;
            unsigned h = key_hash(&tb->key, bits);
            tb->hash_next = nh[h];
            nh[h] = tb;
        }
    }
    free(old);
    t->hash = nh;
    t->hash_bits = bits;
}

void tb_hash_insert(struct translator *t, struct tb *tb)
{
    if (t->hash_count >= (1u << t->hash_bits) && t->hash_bits < 24)
        rehash(t, t->hash_bits + 1);
    unsigned h = key_hash(&tb->key, t->hash_bits);
    tb->hash_next = t->hash[h];
    t->hash[h] = tb;
    t->hash_count++;
}

void tb_hash_remove(struct translator *t, struct tb *tb)
{
    for (struct tb **p = &t->hash[key_hash(&tb->key, t->hash_bits)]; *p; p = &(*p)->hash_next) {
        if (*p == tb) {
            *p = tb->hash_next;
            tb->hash_next = NULL;
            t->hash_count--;
            return;
        }
    }
}

struct tb *tb_hash_lookup(struct translator *t, uint64_t pc, const struct tb_key *key)
{
    for (struct tb *tb = t->hash[key_hash(key, t->hash_bits)]; tb; tb = tb->hash_next)
        if (tb->pc == pc && key_eq(&tb->key, key))
            return tb;
    return NULL;
}

void tb_hash_clear(struct translator *t)
{
    memset(t->hash, 0, (sizeof(*t->hash)) << t->hash_bits);
    t->hash_count = 0;
}

void tb_jmp_cache_attach(struct translator *t, struct tb_jmp_cache *jc)
{
    memset(jc->entry, 0, sizeof(jc->entry));
    jc->next = t->jcs;
    t->jcs = jc;
}

void tb_jmp_cache_detach(struct translator *t, struct tb_jmp_cache *jc)
{
    for (struct tb_jmp_cache **p = &t->jcs; *p; p = &(*p)->next) {
        if (*p == jc) {
            *p = jc->next;
            return;
        }
    }
}

void tb_jmp_cache_clear_all(struct translator *t)
{
    for (struct tb_jmp_cache *jc = t->jcs; jc; jc = jc->next)
        tb_jmp_cache_flush(jc);
}

void tb_jmp_cache_remove(struct translator *t, struct tb *tb)
{
    unsigned i = tb_jmp_cache_index(tb->pc);
    for (struct tb_jmp_cache *jc = t->jcs; jc; jc = jc->next)
        if (jc->entry[i] == tb)
            jc->entry[i] = NULL;
}

void tb_jmp_cache_flush(struct tb_jmp_cache *jc)
{
    memset(jc->entry, 0, sizeof(jc->entry));
}

/* Blocks starting in the page, or in the page before and ending in it: the
 * two slot runs those can sit in. */
void tb_jmp_cache_flush_page(struct tb_jmp_cache *jc, uint64_t vaddr)
{
    uint64_t page = vaddr >> TB_PAGE_BITS;
    uint64_t starts[2] = {vaddr, vaddr - TB_PAGE_SIZE};
    for (unsigned p = 0; p < 2; p++) {
        struct tb **run = &jc->entry[tb_jmp_cache_page_run(starts[p])];
        for (unsigned i = 0; i < TB_JMP_PAGE_RUN; i++) {
            struct tb *tb = run[i];
            if (tb && (tb->pc >> TB_PAGE_BITS == page ||
                       (tb->pc + (tb->size ? tb->size - 1 : 0)) >> TB_PAGE_BITS == page))
                run[i] = NULL;
        }
    }
}

struct tb *tb_jmp_cache_probe(struct translator *t, struct tb_jmp_cache *jc, uint64_t pc,
                              uint64_t cs_base, uint32_t flags)
{
    struct tb *tb = jc->entry[tb_jmp_cache_index(pc)];
    if (tb && tb->pc == pc && tb->key.cs_base == cs_base && tb->key.flags == flags) {
        t->stats.jc_hits++;
        return tb;
    }
    return NULL;
}

struct tb *tb_lookup(struct translator *t, struct tb_jmp_cache *jc, uint64_t pc,
                     const struct tb_key *key)
{
    unsigned i = tb_jmp_cache_index(pc);
    struct tb *tb = jc ? jc->entry[i] : NULL;
    if (tb && tb->pc == pc && key_eq(&tb->key, key)) {
        t->stats.jc_hits++;
        return tb;
    }
    tb = tb_hash_lookup(t, pc, key);
    if (!tb) {
        t->stats.lookup_misses++;
        return NULL;
    }
    t->stats.hash_hits++;
    if (jc)
        jc->entry[i] = tb;
    return tb;
}
