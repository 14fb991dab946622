/* translator/: the guest-neutral JIT. IR, optimizer, backends, code buffer,
 * translation-block cache and chaining (shared/DESIGN.md "Translator contract").
 * Everything hangs off a struct translator so several machines can coexist. */
#ifndef JIT86_TRANSLATOR_H
#define JIT86_TRANSLATOR_H

#include "translator/ir.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Name of the backend that runs blocks by default: the native one where there
 * is one (x86_64 on x86-64 hosts, aarch64 on AArch64 hosts), else interp. The
 * JIT86_BACKEND environment variable (interp, x86_64, aarch64) overrides it
 * when it names a compiled-in backend. */
const char *translator_default_backend(void);

#define TB_PAGE_BITS      12
#define TB_PAGE_SIZE      (1ull << TB_PAGE_BITS)
#define TB_NO_PAGE        UINT64_MAX
#define TB_JMP_CACHE_BITS 12
#define TB_JMP_CACHE_SIZE (1u << TB_JMP_CACHE_BITS)

/* What a block is looked up by: the caller packs its mode bits in flags. */
struct tb_key {
    uint64_t phys_pc;
    uint64_t cs_base;
    uint32_t flags;
};

/* A host call site that may raise: its host offset and the data of the
 * insn_start before it (for x86: EIP and cc_op). */
struct tb_restore_rec {
    uint32_t host_off;
    uint64_t data[2];
};

/* One goto_tb slot of a block. */
struct tb_jump {
    struct tb *dest;       /* chained target, NULL when not linked */
    struct tb *in_next;    /* next block jumping into dest (dest's incoming list) */
    uint8_t in_next_slot;  /* and the slot of in_next that does */
    uint32_t patch_offset; /* host offset of the patchable jump (backend's) */
};

struct tb {
    uint64_t pc; /* virtual */
    struct tb_key key;
    uint32_t size;         /* guest bytes */
    uint64_t page_addr[2]; /* physical pages covered; [1] = TB_NO_PAGE if one */
    const void *tc_ptr;    /* host code (executable view) */
    uint32_t tc_size;
    struct tb_jump jmp[2];
    struct tb *in_first; /* first block jumping into this one */
    uint8_t in_first_slot;
    bool invalid;
    struct tb *hash_next;
    struct tb_restore_rec *restore;
    unsigned nrestore;
    uint64_t exec_count; /* runs counted by the caller (-d hotblocks) */
};

enum tb_exit_kind {
    TB_EXIT_RETURN,  /* exit_tb: value is its code */
    TB_EXIT_GOTO_TB, /* goto_tb on an unchained slot: the caller may link it */
    TB_EXIT_LOOKUP,  /* goto_ptr: look the next block up by the guest state */
};

struct tb_exit {
    enum tb_exit_kind kind;
    unsigned slot;
    uint64_t value;
    struct tb *last; /* the block that exited (after chained jumps) */
};

/* Filled by a backend's emit. */
struct tb_emit {
    uint8_t *rw;       /* where to write */
    const uint8_t *rx; /* where the code will run */
    size_t room;
    size_t size;            /* out: bytes used */
    uint32_t *op_site;      /* out: per op, host offset of its call site (restore records) */
    uint32_t jmp_offset[2]; /* out: host offset of goto_tb slot n's jump */
    const struct tb *tb;    /* in: the block being emitted (filled in after emit);
                               native backends embed its address in their exits */
};

struct translator;

/* A host backend. The interpreter implements it; the x86-64 and AArch64
 * backends will. prologue emits the entry code (env into its fixed register,
 * jump to a block) and the shared epilogue (the return path of exit_tb and of
 * unchained goto_tb) at the start of the code buffer after every flush; emit
 * returns false when room is too small, and the translator flushes. */
struct tb_backend {
    const char *name;
    void *(*create)(const struct ir_env *env);
    void (*destroy)(void *state);
    size_t (*prologue)(void *state, uint8_t *rw, const uint8_t *rx, size_t room);
    bool (*emit)(void *state, const struct ir_block *b, struct tb_emit *e);
    /* Makes slot of src jump to dst; src_rw is the writable view of src's code. */
    void (*patch)(void *state, struct tb *src, unsigned slot, const struct tb *dst,
                  uint8_t *src_rw);
    /* Makes slot of src exit to the caller again. */
    void (*unpatch)(void *state, struct tb *src, unsigned slot, uint8_t *src_rw);
    void (*flush_icache)(void *state, const void *rx, size_t len);
    /* Host code of tb for -d out_asm. */
    void (*describe)(void *state, const struct tb *tb, FILE *f);
    struct tb_exit (*exec)(void *state, struct translator *t, struct tb *tb, void *env);
};

extern const struct tb_backend tb_backend_interp;
/* The native backends are built on every host so that jit86-translate can
 * show their code; each runs (exec) only on its own host ISA. */
extern const struct tb_backend tb_backend_x86_64;
extern const struct tb_backend tb_backend_aarch64;
/* The compiled-in backend named name that runs on this host, or NULL. */
const struct tb_backend *translator_backend_by_name(const char *name);
/* Also the backends this host only emits code for, never runs (the other
 * ISA's native backend): for listing their code. NULL if unknown. */
const struct tb_backend *translator_backend_for_listing(const char *name);

struct translator_stats {
    uint64_t blocks_translated;
    uint64_t ir_ops_in;  /* before optimization */
    uint64_t ir_ops_out; /* after */
    uint64_t code_bytes;
    uint64_t jc_hits;   /* lookups served by a jump cache */
    uint64_t hash_hits; /* by the hash table */
    uint64_t lookup_misses;
    uint64_t chained_jumps; /* counted by backends that can (the interpreter) */
    uint64_t flushes;
    uint64_t invalidations;
    uint64_t blocks_live;
};

struct translator_config {
    const struct ir_env *env;
    const struct tb_backend *backend; /* NULL: the default backend */
    size_t code_size;                 /* 0: TRANSLATOR_DEFAULT_CODE_SIZE */
    bool no_optimize;
};
#define TRANSLATOR_DEFAULT_CODE_SIZE (32u << 20)

/* Returns NULL (after error_report) when the code buffer cannot be mapped. */
struct translator *translator_new(const struct translator_config *cfg);
void translator_free(struct translator *t);

/* The block the lifter fills for the next translation (emptied). */
struct ir_block *translator_block(struct translator *t);
/* Optimizes and emits the filled block, registers it in the hash table and
 * the page lists. phys_page2 is the second physical page the guest code spans
 * or TB_NO_PAGE. May flush the whole cache first when the buffer is full:
 * compare translator_stats()->flushes to notice. NULL if the block cannot
 * be translated: too large (the lifter should end blocks earlier) or invalid
 * IR (a lifter bug, reported through error_report). */
struct tb *translator_commit(struct translator *t, uint64_t pc, const struct tb_key *key,
                             uint32_t guest_size, uint64_t phys_page2);
struct tb_exit translator_exec(struct translator *t, struct tb *tb, void *env);
/* Drops every block and empties every jump cache. */
void translator_flush(struct translator *t);
/* The optimizer on its own (the pipeline translator_commit runs). */
void translator_optimize(struct ir_block *b);
/* That pipeline's passes in order (jit86-translate shows what each one did). */
struct translator_pass {
    const char *name;
    void (*run)(struct ir_block *b);
};
const struct translator_pass *translator_passes(unsigned *count);
/* What -d out_asm prints for tb: the backend's host code, with the IR of each
 * guest instruction interleaved when tb was the last block translated while
 * out_asm was on. */
void translator_describe(struct translator *t, const struct tb *tb, FILE *f);

const struct translator_stats *translator_stats(const struct translator *t);
/* Multi-line text for `info jit`; returns the length it needed, like snprintf. */
int translator_stats_format(const struct translator_stats *s, char *buf, size_t len);
/* The backend and code buffer (mode, use) then the statistics, for `info jit`. */
int translator_info_format(const struct translator *t, char *buf, size_t len);
/* The (at most n) valid blocks with the highest exec_count, most executed
 * first, into out; returns how many (-d hotblocks). */
unsigned translator_hot_blocks(const struct translator *t, const struct tb **out, unsigned n);
/* The live block whose guest code covers physical address phys (the last
 * translated when several do), or NULL (`info tb`). */
const struct tb *translator_find_block(struct translator *t, uint64_t phys);

/* Per-CPU cache of recent blocks by virtual PC. Owned by the caller, attached
 * to the translator so that invalidation and flushes clear it. */
struct tb_jmp_cache {
    struct tb *entry[TB_JMP_CACHE_SIZE];
    struct tb_jmp_cache *next;
};
/* Attach before use, detach before freeing the cache. */
void tb_jmp_cache_attach(struct translator *t, struct tb_jmp_cache *jc);
void tb_jmp_cache_detach(struct translator *t, struct tb_jmp_cache *jc);
/* For the CPU when virtual-to-physical mappings change (TLB flush, INVLPG):
 * entries found by virtual PC alone would be stale. */
void tb_jmp_cache_flush(struct tb_jmp_cache *jc);
void tb_jmp_cache_flush_page(struct tb_jmp_cache *jc, uint64_t vaddr);
/* A page's blocks share one run of 2^TB_JMP_PAGE_BITS slots (high index bits
 * from the page number, low ones from the offset), so dropping a page's
 * entries (INVLPG) looks at two runs, not the whole cache. */
#define TB_JMP_PAGE_BITS (TB_JMP_CACHE_BITS / 2)
#define TB_JMP_PAGE_RUN  (1u << TB_JMP_PAGE_BITS)
static inline unsigned tb_jmp_cache_page_run(uint64_t pc)
{
    uint64_t page = pc >> TB_PAGE_BITS;
    unsigned bits = TB_JMP_CACHE_BITS - TB_JMP_PAGE_BITS;
    return (unsigned)((page ^ (page >> bits)) & ((1u << bits) - 1)) << TB_JMP_PAGE_BITS;
}
static inline unsigned tb_jmp_cache_index(uint64_t pc)
{
    return tb_jmp_cache_page_run(pc) |
           (unsigned)((pc ^ (pc >> TB_JMP_PAGE_BITS)) & (TB_JMP_PAGE_RUN - 1));
}

/* The jump cache alone, by virtual PC and mode: no physical address needed,
 * so valid only while the caller flushes the cache on mapping changes. */
struct tb *tb_jmp_cache_probe(struct translator *t, struct tb_jmp_cache *jc, uint64_t pc,
                              uint64_t cs_base, uint32_t flags);
/* The jump cache, then the hash table; NULL on a miss. */
struct tb *tb_lookup(struct translator *t, struct tb_jmp_cache *jc, uint64_t pc,
                     const struct tb_key *key);
/* Chains slot of src to dst (no-op when already chained or either is invalid). */
void tb_link(struct translator *t, struct tb *src, unsigned slot, struct tb *dst);
void tb_unlink(struct translator *t, struct tb *src, unsigned slot);
/* Unpatches every chained jump into another virtual page or into a block
 * spanning two pages: the caller's page mappings changed (a TLB flush), and
 * such a jump would run the old mapping's code. */
void tb_unlink_cross_page(struct translator *t);
/* Removes tb from lookups and unpatches its incoming jumps. Its memory lives
 * until the next flush, so a block may invalidate itself while running. */
void tb_invalidate(struct translator *t, struct tb *tb);
/* Invalidates every block with guest code in physical [start, end); returns
 * how many. */
unsigned tb_invalidate_phys_range(struct translator *t, uint64_t start, uint64_t end);
/* Finds the restore record of the call site at host_pc (for the interpreter:
 * translator_interp_host_pc()). Fills data and returns true when found. */
bool tb_restore_state(const struct translator *t, uintptr_t host_pc, uint64_t data[2]);
/* The interpreter's "return address": the op being executed. */
uintptr_t translator_interp_host_pc(const struct translator *t);
/* The host_pc for tb_restore_state from a helper or memory callback called
 * by a block: its own return address (__builtin_return_address(0)) for native
 * backends, translator_interp_host_pc() for the interpreter. With
 * return_address 0 the backend finds the call site of the innermost helper or
 * callback the running block called, however deep the C code below it is
 * (x86_64: from its fixed frame), so cpu_raise_exception needs no GETPC. */
uintptr_t translator_host_pc(const struct translator *t, uintptr_t return_address);

#endif
