/* The translation context shared by the files of translator/: code buffer,
 * block hash table, page lists, attached jump caches and statistics. */
#ifndef JIT86_TRANSLATOR_TB_INTERNAL_H
#define JIT86_TRANSLATOR_TB_INTERNAL_H

#include "codebuf.h"
#include "translator.h"

/* Blocks whose guest code lies in one physical page. */
struct tb_page {
    uint64_t page;
    struct tb **tbs;
    unsigned n, cap;
    struct tb_page *next;
};
#define TB_PAGE_HASH_BITS 10

struct tb_xlink {
    struct tb *src;
    unsigned slot;
};

struct translator {
    struct ir_env env;
    const struct tb_backend *backend;
    void *bstate;
    struct codebuf cb;
    bool optimize;
    struct ir_block block;

    struct tb **hash; /* chained by tb->hash_next */
    unsigned hash_bits, hash_count;
    struct tb_page *pages[1u << TB_PAGE_HASH_BITS];
    struct tb **all; /* every block since the last flush, by code address */
    unsigned nall, all_cap;
    struct tb_jmp_cache *jcs;
    struct tb_xlink *xlinks; /* chained jumps into another page (tb_unlink_cross_page) */
    unsigned nxlinks, xlinks_cap;

    struct tb_chunk *chunks, *chunk; /* block memory (tb-alloc.c): all, the one in use */

    uint32_t *op_site;
    unsigned op_site_cap;
    uintptr_t interp_pc;
    struct translator_stats stats;
};

void *tb_xrealloc(void *p, size_t size);

/* tb-alloc.c: memory that lives until the next flush (tb, restore records). */
void *tb_alloc(struct translator *t, size_t size);
void tb_alloc_reset(struct translator *t);
void tb_alloc_destroy(struct translator *t);

/* tb-hash.c */
void tb_hash_init(struct translator *t);
void tb_hash_destroy(struct translator *t);
void tb_hash_insert(struct translator *t, struct tb *tb);
void tb_hash_remove(struct translator *t, struct tb *tb);
struct tb *tb_hash_lookup(struct translator *t, uint64_t pc, const struct tb_key *key);
void tb_hash_clear(struct translator *t);
void tb_jmp_cache_clear_all(struct translator *t);
void tb_jmp_cache_remove(struct translator *t, struct tb *tb);

/* tb-pages.c */
void tb_pages_insert(struct translator *t, struct tb *tb);
void tb_pages_remove(struct translator *t, struct tb *tb);
void tb_pages_clear(struct translator *t);

/* tb-chain.c */
void tb_unlink_all(struct translator *t, struct tb *tb);

/* backend-x86_64.c: return address of the innermost call made by a running
 * block (translator_host_pc with no return address). */
#if defined(__x86_64__)
uintptr_t tb_x86_64_call_site(void *state);
#endif
/* backend-aarch64.c: the same, from the frame's call-site word. */
#if defined(__aarch64__)
uintptr_t tb_aarch64_call_site(void *state);
#endif

/* tb-restore.c */
void tb_restore_build(struct translator *t, struct tb *tb, const struct ir_block *b,
                      const uint32_t *op_site);

#endif
