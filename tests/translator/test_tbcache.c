/* Translation-block cache: lookup by key and jump cache, invalidation by
 * physical range, chaining observed through a recording test backend, code
 * buffer flushes, restore records and statistics. */
#include "fixture.h"
#include "translator/codebuf.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- A test backend that records patch/unpatch calls ---- */

#define LOG_MAX 64
struct call_log {
    char line[LOG_MAX][64];
    unsigned n;
    unsigned block_bytes; /* how much code each block takes */
    bool sites_backward;  /* op i's site at size - 4*i - 4, as if every op were a slow path */
};
static struct call_log calls;

static char *next_line(void)
{
    ck_assert_uint_lt(calls.n, LOG_MAX);
    return calls.line[calls.n++];
}

static void *tb_create(const struct ir_env *env)
{
    return (void *)env;
}
static void tb_destroy(void *s)
{
    (void)s;
}

static size_t tb_prologue(void *s, uint8_t *rw, const uint8_t *rx, size_t room)
{
    (void)s, (void)rx;
    if (room < 32)
        return 0;
    memset(rw, 0xee, 32);
    return 32;
}

/* Each op takes 4 bytes, padded to block_bytes; site of op i is 4*i+4. */
static bool tb_emit(void *s, const struct ir_block *b, struct tb_emit *e)
{
    (void)s;
    size_t size = calls.block_bytes > 4 * b->nops + 8 ? calls.block_bytes : 4 * b->nops + 8;
    if (size > e->room)
        return false;
    memset(e->rw, 0xcc, size);
    for (unsigned i = 0; i < b->nops; i++)
        e->op_site[i] = calls.sites_backward ? (uint32_t)(size - 4 * i - 4) : 4 * i + 4;
    e->jmp_offset[0] = 100;
    e->jmp_offset[1] = 200;
    e->size = size;
    return true;
}

static void tb_patch(void *s, struct tb *src, unsigned slot, const struct tb *dst, uint8_t *rw)
{
    (void)s;
    ck_assert_uint_eq(rw[0], 0xcc); /* the writable view of src's code */
    snprintf(next_line(), 64, "patch %llx.%u -> %llx", (unsigned long long)src->pc, slot,
             (unsigned long long)dst->pc);
}

static void tb_unpatch(void *s, struct tb *src, unsigned slot, uint8_t *rw)
{
    (void)s;
    ck_assert_uint_eq(rw[0], 0xcc);
    snprintf(next_line(), 64, "unpatch %llx.%u", (unsigned long long)src->pc, slot);
}

static void tb_flush(void *s, const void *rx, size_t len)
{
    (void)s, (void)rx, (void)len;
}
static void tb_describe(void *s, const struct tb *tb, FILE *f)
{
    (void)s;
    fprintf(f, "test code %u bytes\n", tb->tc_size);
}
static struct tb_exit tb_exec(void *s, struct translator *t, struct tb *tb, void *env)
{
    (void)s, (void)t, (void)env;
    return (struct tb_exit){TB_EXIT_RETURN, 0, 0, tb};
}

static const struct tb_backend test_backend = {
    "test",   tb_create,  tb_destroy, tb_prologue, tb_emit,
    tb_patch, tb_unpatch, tb_flush,   tb_describe, tb_exec,
};

/* ---- Fixture ---- */

static void h_may_raise(void)
{
}
static const struct ir_helper helpers[] = {
    {"may_raise", h_may_raise, IR_HT_VOID, 0, {0}, IR_CALL_MAY_RAISE},
};

static struct test_mem mem;
static struct ir_env env;
static struct translator *t;
static struct tb_jmp_cache jc;

static void make(size_t code_size)
{
    struct translator_config cfg = {.env = &env, .backend = &test_backend, .code_size = code_size};
    t = translator_new(&cfg);
    ck_assert_ptr_nonnull(t);
    tb_jmp_cache_attach(t, &jc);
}

static void setup(void)
{
    memset(&calls, 0, sizeof(calls));
    env = test_env(helpers, 1, &mem);
    make(1 << 20);
}

static void teardown(void)
{
    translator_free(t);
}

static struct tb *add_block(uint64_t pc, uint64_t phys, uint32_t size, uint32_t flags,
                            uint64_t page2)
{
    struct ir_block *b = translator_block(t);
    ir_insn_start(b, pc, 1);
    ir_addi(b, ir_global(b, G_EAX), ir_global(b, G_EAX), 1);
    ir_goto_tb(b, 0);
    struct tb_key k = {phys, 0, flags};
    struct tb *tb = translator_commit(t, pc, &k, size, page2);
    ck_assert_ptr_nonnull(tb);
    return tb;
}

static struct tb *find(uint64_t pc, uint64_t phys, uint32_t flags)
{
    struct tb_key k = {phys, 0, flags};
    return tb_lookup(t, &jc, pc, &k);
}

START_TEST(tbcache_insert_then_lookup_by_key)
{
    struct tb *a = add_block(0x401000, 0x1000, 16, 0, TB_NO_PAGE);
    struct tb *b = add_block(0x401000, 0x1000, 16, 1, TB_NO_PAGE); /* other mode */
    struct tb *c = add_block(0x402000, 0x7000, 16, 0, TB_NO_PAGE);
    ck_assert_ptr_ne(a, b);
    ck_assert_ptr_eq(find(0x401000, 0x1000, 0), a);
    ck_assert_ptr_eq(find(0x401000, 0x1000, 1), b);
    ck_assert_ptr_eq(find(0x402000, 0x7000, 0), c);
    ck_assert_ptr_null(find(0x402000, 0x7000, 2));
    ck_assert_ptr_null(find(0x403000, 0x7000, 0)); /* same physical code, other virtual pc */
    const struct translator_stats *s = translator_stats(t);
    ck_assert_uint_eq(s->blocks_translated, 3);
    ck_assert_uint_eq(s->hash_hits, 3);
    ck_assert_uint_eq(s->lookup_misses, 2);
    ck_assert_uint_eq(s->jc_hits, 0);
}
END_TEST

START_TEST(tbcache_second_lookup_hits_jump_cache)
{
    struct tb *a = add_block(0x401000, 0x1000, 16, 0, TB_NO_PAGE);
    ck_assert_ptr_eq(find(0x401000, 0x1000, 0), a);
    ck_assert_ptr_eq(jc.entry[tb_jmp_cache_index(0x401000)], a);
    ck_assert_ptr_eq(find(0x401000, 0x1000, 0), a);
    ck_assert_uint_eq(translator_stats(t)->jc_hits, 1);
    ck_assert_uint_eq(translator_stats(t)->hash_hits, 1);
}
END_TEST

START_TEST(tbcache_many_blocks_survive_hash_growth)
{
    for (unsigned i = 0; i < 3000; i++)
        add_block(0x10000 + 16 * i, 0x10000 + 16 * i, 16, 0, TB_NO_PAGE);
    for (unsigned i = 0; i < 3000; i++) {
        struct tb *tb = find(0x10000 + 16 * i, 0x10000 + 16 * i, 0);
        ck_assert_ptr_nonnull(tb);
        ck_assert_uint_eq(tb->pc, 0x10000 + 16 * i);
    }
}
END_TEST

START_TEST(tbcache_invalidate_phys_range_hits_only_overlapping_blocks)
{
    struct tb *a = add_block(0x1000, 0x1000, 0x10, 0, TB_NO_PAGE);
    struct tb *b = add_block(0x1800, 0x1800, 0x10, 0, TB_NO_PAGE);
    struct tb *c = add_block(0x2000, 0x2000, 0x10, 0, TB_NO_PAGE);
    ck_assert_uint_eq(tb_invalidate_phys_range(t, 0x1810, 0x1900), 0); /* just after b */
    ck_assert_uint_eq(tb_invalidate_phys_range(t, 0x1808, 0x1809), 1);
    ck_assert(b->invalid);
    ck_assert(!a->invalid && !c->invalid);
    ck_assert_ptr_null(find(0x1800, 0x1800, 0));
    ck_assert_ptr_eq(find(0x1000, 0x1000, 0), a);
    ck_assert_uint_eq(tb_invalidate_phys_range(t, 0x0, 0x3000), 2);
    ck_assert_ptr_null(find(0x2000, 0x2000, 0));
    ck_assert_uint_eq(translator_stats(t)->invalidations, 3);
    ck_assert_uint_eq(translator_stats(t)->blocks_live, 0);
}
END_TEST

START_TEST(tbcache_block_spanning_two_pages_is_found_from_second_page)
{
    /* 16 bytes from 0x2ff8: 8 in page 0x2000, 8 at the start of page 0x9000. */
    struct tb *a = add_block(0x40ff8, 0x2ff8, 0x10, 0, 0x9000);
    ck_assert_uint_eq(tb_invalidate_phys_range(t, 0x9008, 0x9100), 0);
    ck_assert_uint_eq(tb_invalidate_phys_range(t, 0x3000, 0x4000), 0);
    ck_assert(!a->invalid);
    ck_assert_uint_eq(tb_invalidate_phys_range(t, 0x9007, 0x9008), 1);
    ck_assert(a->invalid);
}
END_TEST

START_TEST(tbcache_chaining_then_invalidation_unpatches_incoming_jumps)
{
    struct tb *a = add_block(0xa000, 0xa000, 8, 0, TB_NO_PAGE);
    struct tb *b = add_block(0xb000, 0xb000, 8, 0, TB_NO_PAGE);
    struct tb *c = add_block(0xc000, 0xc000, 8, 0, TB_NO_PAGE);
    struct tb *d = add_block(0xd000, 0xd000, 8, 0, TB_NO_PAGE);
    tb_link(t, a, 0, b);
    tb_link(t, c, 1, b);
    tb_link(t, b, 0, d);
    tb_link(t, a, 0, d); /* already chained: ignored */
    ck_assert_uint_eq(calls.n, 3);
    ck_assert_str_eq(calls.line[0], "patch a000.0 -> b000");
    ck_assert_str_eq(calls.line[1], "patch c000.1 -> b000");
    ck_assert_str_eq(calls.line[2], "patch b000.0 -> d000");
    ck_assert_ptr_eq(a->jmp[0].dest, b);

    tb_invalidate_phys_range(t, 0xb000, 0xb001);
    ck_assert_uint_eq(calls.n, 5);
    ck_assert_str_eq(calls.line[3], "unpatch c000.1");
    ck_assert_str_eq(calls.line[4], "unpatch a000.0");
    ck_assert_ptr_null(a->jmp[0].dest);
    ck_assert_ptr_null(c->jmp[1].dest);
    ck_assert_ptr_null(b->jmp[0].dest);
    ck_assert_ptr_null(d->in_first); /* b's outgoing jump is forgotten by d */
    tb_link(t, a, 0, b);             /* invalid target: not chained */
    ck_assert_ptr_null(a->jmp[0].dest);
    ck_assert_uint_eq(calls.n, 5);
}
END_TEST

START_TEST(tbcache_unlink_removes_one_incoming_jump)
{
    struct tb *a = add_block(0xa000, 0xa000, 8, 0, TB_NO_PAGE);
    struct tb *b = add_block(0xb000, 0xb000, 8, 0, TB_NO_PAGE);
    struct tb *c = add_block(0xc000, 0xc000, 8, 0, TB_NO_PAGE);
    tb_link(t, a, 0, c);
    tb_link(t, b, 1, c);
    tb_unlink(t, a, 0);
    ck_assert_ptr_null(a->jmp[0].dest);
    ck_assert_ptr_eq(c->in_first, b);
    ck_assert_uint_eq(c->in_first_slot, 1);
    ck_assert_ptr_null(b->jmp[1].in_next);
    ck_assert_str_eq(calls.line[2], "unpatch a000.0");
}
END_TEST

START_TEST(tbcache_jump_cache_cleared_on_invalidation)
{
    struct tb_jmp_cache other;
    tb_jmp_cache_attach(t, &other);
    struct tb *a = add_block(0x5000, 0x5000, 8, 0, TB_NO_PAGE);
    struct tb_key k = {0x5000, 0, 0};
    ck_assert_ptr_eq(tb_lookup(t, &jc, 0x5000, &k), a);
    ck_assert_ptr_eq(tb_lookup(t, &other, 0x5000, &k), a);
    unsigned i = tb_jmp_cache_index(0x5000);
    ck_assert_ptr_eq(jc.entry[i], a);
    tb_invalidate(t, a);
    ck_assert_ptr_null(jc.entry[i]);
    ck_assert_ptr_null(other.entry[i]);
    ck_assert_ptr_null(tb_lookup(t, &jc, 0x5000, &k));
    tb_jmp_cache_detach(t, &other);
}
END_TEST

START_TEST(tbcache_jump_cache_probe_by_virtual_pc_and_page_flush)
{
    struct tb *a = add_block(0x7000, 0x3000, 8, 5, TB_NO_PAGE);
    struct tb *c = add_block(0x8ffc, 0x4ffc, 8, 5, 0x9123);       /* second page: 0x9000 */
    ck_assert_ptr_null(tb_jmp_cache_probe(t, &jc, 0x7000, 0, 5)); /* not cached yet */
    ck_assert_ptr_eq(find(0x7000, 0x3000, 5), a);
    ck_assert_ptr_eq(find(0x8ffc, 0x4ffc, 5), c);
    ck_assert_ptr_eq(tb_jmp_cache_probe(t, &jc, 0x7000, 0, 5), a);
    ck_assert_ptr_null(tb_jmp_cache_probe(t, &jc, 0x7000, 0, 4)); /* other mode */
    ck_assert_uint_eq(translator_stats(t)->jc_hits, 1);
    ck_assert_uint_eq(c->page_addr[1], 0x9000);
    tb_jmp_cache_flush_page(&jc, 0x9123); /* the page c runs into */
    ck_assert_ptr_null(tb_jmp_cache_probe(t, &jc, 0x8ffc, 0, 5));
    ck_assert_ptr_eq(tb_jmp_cache_probe(t, &jc, 0x7000, 0, 5), a);
    tb_jmp_cache_flush(&jc);
    ck_assert_ptr_null(tb_jmp_cache_probe(t, &jc, 0x7000, 0, 5));
}
END_TEST

/* 16 pages with blocks at the start, inside, at the end (crossing into the
 * next page): a page flush drops exactly the blocks with a byte in that page,
 * wherever the cache keeps the others. */
START_TEST(tbcache_page_flush_drops_only_blocks_touching_the_page)
{
    static const uint32_t offs[4] = {0x000, 0x100, 0x7c0, 0xffc};
    struct tb *blocks[16][4];
    for (unsigned p = 0; p < 16; p++) {
        for (unsigned i = 0; i < 4; i++) {
            uint64_t pc = 0x10000 + 0x1000 * p + offs[i];
            uint64_t page2 = offs[i] == 0xffc ? pc + 4 : TB_NO_PAGE;
            blocks[p][i] = add_block(pc, pc, 8, 0, page2);
            ck_assert_ptr_eq(find(pc, pc, 0), blocks[p][i]);
        }
    }
    for (unsigned p = 0; p < 16; p++)
        for (unsigned i = 0; i < 4; i++)
            ck_assert_ptr_eq(tb_jmp_cache_probe(t, &jc, blocks[p][i]->pc, 0, 0), blocks[p][i]);
    tb_jmp_cache_flush_page(&jc, 0x14abc);
    for (unsigned p = 0; p < 16; p++) {
        for (unsigned i = 0; i < 4; i++) {
            bool touches = p == 4 || (p == 3 && offs[i] == 0xffc);
            struct tb *got = tb_jmp_cache_probe(t, &jc, blocks[p][i]->pc, 0, 0);
            if (touches)
                ck_assert_ptr_null(got);
            else
                ck_assert_ptr_eq(got, blocks[p][i]);
        }
    }
}
END_TEST

START_TEST(tbcache_full_code_buffer_flushes_everything)
{
    translator_free(t);
    make(64 * 1024);
    calls.block_bytes = 4000;
    struct tb *first = add_block(0x1000, 0x1000, 8, 0, TB_NO_PAGE);
    ck_assert_ptr_eq(find(0x1000, 0x1000, 0), first);
    unsigned i = 1;
    while (translator_stats(t)->flushes == 0 && i < 100) {
        add_block(0x1000 + 16 * i, 0x1000 + 16 * i, 8, 0, TB_NO_PAGE);
        i++;
    }
    ck_assert_uint_eq(translator_stats(t)->flushes, 1);
    ck_assert_uint_eq(i, 17); /* 16 blocks of 4000 bytes after the prologue fit */
    ck_assert_ptr_null(jc.entry[tb_jmp_cache_index(0x1000)]);
    ck_assert_ptr_null(find(0x1000, 0x1000, 0));
    ck_assert_uint_eq(translator_stats(t)->blocks_live, 1);
    ck_assert_ptr_nonnull(find(0x1000 + 16 * 16, 0x1000 + 16 * 16, 0));
}
END_TEST

START_TEST(tbcache_restore_records_map_sites_to_insn_data)
{
    struct ir_block *b = translator_block(t);
    ir_insn_start(b, 0x7c00, 1);
    ir_guest_ld(b, ir_global(b, G_EAX), ir_global(b, G_ECX), IR_MEMOP(IR_MO_32, 0, 0)); /* op 1 */
    ir_insn_start(b, 0x7c02, 2);
    ir_insn_start(b, 0x7c05, 3);
    ir_call(b, 0, (ir_tmp){0}, 0, NULL);                                                /* op 4 */
    ir_guest_st(b, ir_global(b, G_EAX), ir_global(b, G_ECX), IR_MEMOP(IR_MO_16, 0, 0)); /* op 5 */
    ir_exit_tb(b, 0);
    struct tb_key k = {0x7c00, 0, 0};
    struct tb *tb = translator_commit(t, 0x7c00, &k, 8, TB_NO_PAGE);
    ck_assert_uint_eq(tb->nrestore, 3);
    uint64_t d[2];
    uintptr_t base = (uintptr_t)tb->tc_ptr;
    ck_assert(tb_restore_state(t, base + 4 * 1 + 4, d));
    ck_assert_uint_eq(d[0], 0x7c00);
    ck_assert_uint_eq(d[1], 1);
    ck_assert(tb_restore_state(t, base + 4 * 4 + 4, d));
    ck_assert_uint_eq(d[0], 0x7c05);
    ck_assert_uint_eq(d[1], 3);
    ck_assert(tb_restore_state(t, base + 4 * 5 + 4, d));
    ck_assert_uint_eq(d[0], 0x7c05);
    ck_assert(!tb_restore_state(t, base + 4 * 2 + 4, d)); /* not a raising site */
    ck_assert(!tb_restore_state(t, base - 1, d));
}
END_TEST

/* n raising calls, each after an insn_start with data (pc + k, k). */
static struct tb *add_raising_block(uint64_t pc, unsigned n)
{
    struct ir_block *b = translator_block(t);
    for (unsigned k = 0; k < n; k++) {
        ir_insn_start(b, pc + k, k);
        ir_call(b, 0, (ir_tmp){0}, 0, NULL);
    }
    ir_exit_tb(b, 0);
    struct tb_key key = {pc, 0, 0};
    struct tb *tb = translator_commit(t, pc, &key, 8, TB_NO_PAGE);
    ck_assert_ptr_nonnull(tb);
    return tb;
}

static void check_raising_block(const struct tb *tb, unsigned n)
{
    ck_assert_uint_eq(tb->nrestore, n);
    for (unsigned i = 1; i < n; i++)
        ck_assert_uint_lt(tb->restore[i - 1].host_off, tb->restore[i].host_off);
    for (unsigned k = 0; k < n; k += n / 7) {
        uint64_t d[2];
        /* The call of insn k is op 2k + 1. */
        uintptr_t site = (uintptr_t)tb->tc_ptr + tb->tc_size - 4 * (2 * k + 1) - 4;
        ck_assert(tb_restore_state(t, site, d));
        ck_assert_uint_eq(d[0], tb->pc + k);
        ck_assert_uint_eq(d[1], k);
    }
}

/* Records in host order whatever the op order; blocks with more records than
 * fit in one piece of block memory, live side by side, then across flushes. */
START_TEST(tbcache_restore_records_sorted_and_kept_across_flushes)
{
    translator_free(t);
    make(160 * 1024);
    calls.sites_backward = true;
    enum { N = 12000 }; /* 288,000 bytes of records; 96 and 48 KB of code: a round fits */
    for (unsigned round = 0; round < 3; round++) {
        struct tb *a = add_raising_block(0x10000 * (round + 1), N);
        struct tb *b2 = add_raising_block(0x10000 * (round + 1) + 0x8000, N / 2);
        check_raising_block(a, N);
        check_raising_block(b2, N / 2);
        ck_assert_uint_eq(translator_stats(t)->flushes, round);
    }
}
END_TEST

START_TEST(tbcache_stats_format_names_every_counter)
{
    add_block(0x1000, 0x1000, 8, 0, TB_NO_PAGE);
    find(0x1000, 0x1000, 0);
    find(0x1000, 0x1000, 0);
    find(0x2000, 0x2000, 0);
    char buf[1024];
    int n = translator_stats_format(translator_stats(t), buf, sizeof(buf));
    ck_assert_int_gt(n, 0);
    ck_assert_ptr_nonnull(strstr(buf, "blocks translated     1\n"));
    ck_assert_ptr_nonnull(strstr(buf, "lookups               3: jump cache 1, hash 1, miss 1\n"));
    ck_assert_ptr_nonnull(strstr(buf, "IR ops in / out       4 / 4 (100.0%)\n"));
    ck_assert_ptr_nonnull(strstr(buf, "flushes               0\n"));
    ck_assert_ptr_nonnull(strstr(buf, "chained jumps taken   0\n"));
}
END_TEST

START_TEST(codebuf_dual_mapping_views_share_bytes)
{
    struct codebuf cb;
    ck_assert(codebuf_init(&cb, 10000, CODEBUF_DUAL));
    ck_assert_uint_eq(cb.size % 4096, 0);
    ck_assert_uint_ge(cb.size, 10000);
    if (cb.mode == CODEBUF_DUAL) {
        ck_assert_ptr_ne(cb.rw, cb.rx);
        cb.rw[123] = 0x5a;
        ck_assert_uint_eq(cb.rx[123], 0x5a);
    }
    codebuf_commit(&cb, 5);
    ck_assert_uint_eq(cb.used, 16);
    ck_assert(codebuf_contains(&cb, (uintptr_t)cb.rx + 15));
    ck_assert(!codebuf_contains(&cb, (uintptr_t)cb.rx + 16));
    ck_assert_ptr_eq(codebuf_rw_of(&cb, cb.rx + 7), cb.rw + 7);
    codebuf_flush_icache(cb.rx, 16);
    codebuf_destroy(&cb);
}
END_TEST

START_TEST(codebuf_falls_back_to_single_mappings)
{
    struct codebuf cb;
    ck_assert(codebuf_init(&cb, 4096, CODEBUF_RW));
    ck_assert_int_eq(cb.mode, CODEBUF_RW);
    ck_assert_ptr_eq(cb.rw, cb.rx);
    cb.rw[0] = 1;
    codebuf_destroy(&cb);
    ck_assert(codebuf_init(&cb, 4096, CODEBUF_RWX));
    ck_assert_int_ne(cb.mode, CODEBUF_DUAL);
    ck_assert_ptr_eq(cb.rw, cb.rx);
    codebuf_destroy(&cb);
}
END_TEST

START_TEST(tbcache_info_names_backend_and_code_buffer)
{
    char buf[1024];
    int n = translator_info_format(t, buf, sizeof(buf));
    ck_assert_int_eq(n, (int)strlen(buf));
    ck_assert_ptr_nonnull(strstr(buf, "backend               test\n"));
    ck_assert_ptr_nonnull(strstr(buf, "0 of 1024 KiB used, "));
    ck_assert_ptr_nonnull(strstr(buf, "blocks translated     0\n"));
    char small[8];
    ck_assert_int_eq(translator_info_format(t, small, sizeof(small)), n); /* like snprintf */
}
END_TEST

START_TEST(tbcache_two_translators_are_independent)
{
    struct translator *t2;
    struct tb_jmp_cache jc2;
    struct translator_config cfg = {.env = &env, .backend = &test_backend, .code_size = 1 << 16};
    t2 = translator_new(&cfg);
    tb_jmp_cache_attach(t2, &jc2);
    struct tb *a = add_block(0x1000, 0x1000, 8, 0, TB_NO_PAGE);
    struct translator *save = t;
    t = t2;
    struct tb *a2 = add_block(0x1000, 0x1000, 8, 0, TB_NO_PAGE);
    t = save;
    ck_assert_ptr_ne(a, a2);
    struct tb_key k = {0x1000, 0, 0};
    ck_assert_ptr_eq(tb_lookup(t2, &jc2, 0x1000, &k), a2);
    ck_assert_uint_eq(tb_invalidate_phys_range(t, 0x1000, 0x1001), 1);
    ck_assert(!a2->invalid);
    ck_assert_ptr_eq(tb_lookup(t2, &jc2, 0x1000, &k), a2);
    ck_assert_ptr_null(tb_lookup(t, &jc, 0x1000, &k));
    ck_assert_uint_eq(translator_stats(t2)->invalidations, 0);
    tb_jmp_cache_detach(t2, &jc2);
    translator_free(t2);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("translator_tbcache");
    TCase *tc = tcase_create("tbcache");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, tbcache_insert_then_lookup_by_key);
    tcase_add_test(tc, tbcache_second_lookup_hits_jump_cache);
    tcase_add_test(tc, tbcache_many_blocks_survive_hash_growth);
    tcase_add_test(tc, tbcache_invalidate_phys_range_hits_only_overlapping_blocks);
    tcase_add_test(tc, tbcache_block_spanning_two_pages_is_found_from_second_page);
    tcase_add_test(tc, tbcache_chaining_then_invalidation_unpatches_incoming_jumps);
    tcase_add_test(tc, tbcache_unlink_removes_one_incoming_jump);
    tcase_add_test(tc, tbcache_jump_cache_cleared_on_invalidation);
    tcase_add_test(tc, tbcache_jump_cache_probe_by_virtual_pc_and_page_flush);
    tcase_add_test(tc, tbcache_page_flush_drops_only_blocks_touching_the_page);
    tcase_add_test(tc, tbcache_full_code_buffer_flushes_everything);
    tcase_add_test(tc, tbcache_restore_records_map_sites_to_insn_data);
    tcase_add_test(tc, tbcache_restore_records_sorted_and_kept_across_flushes);
    tcase_add_test(tc, tbcache_stats_format_names_every_counter);
    tcase_add_test(tc, tbcache_info_names_backend_and_code_buffer);
    tcase_add_test(tc, tbcache_two_translators_are_independent);
    suite_add_tcase(s, tc);
    TCase *cbt = tcase_create("codebuf");
    tcase_add_test(cbt, codebuf_dual_mapping_views_share_bytes);
    tcase_add_test(cbt, codebuf_falls_back_to_single_mappings);
    suite_add_tcase(s, cbt);
    return s;
}
