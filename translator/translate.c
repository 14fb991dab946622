/* The translation context: turns a lifted IR block into a registered
 * translation block (optimize, emit, hash, page lists, restore records) and
 * runs blocks (shared/DESIGN.md, journey steps 3 and 4). */
#include "log.h"
#include "opt.h"
#include "tb-internal.h"

#include <stdlib.h>
#include <string.h>

void *tb_xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q) {
        error_report("out of memory in the translator");
        exit(1);
    }
    return q;
}

struct translator *translator_new(const struct translator_config *cfg)
{
    struct translator *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->env = *cfg->env;
    t->backend =
        cfg->backend ? cfg->backend : translator_backend_by_name(translator_default_backend());
    t->optimize = !cfg->no_optimize;
    size_t size = cfg->code_size ? cfg->code_size : TRANSLATOR_DEFAULT_CODE_SIZE;
    if (!codebuf_init(&t->cb, size, CODEBUF_DUAL)) {
        error_report("cannot map a %zu-byte code buffer", size);
        free(t);
        return NULL;
    }
    if (t->cb.mode == CODEBUF_RW && t->backend != &tb_backend_interp) {
        error_report("translator: the host refuses executable memory; %s falls back to interp",
                     t->backend->name);
        t->backend = &tb_backend_interp;
    }
    t->bstate = t->backend->create(&t->env);
    if (!t->bstate) {
        codebuf_destroy(&t->cb);
        free(t);
        return NULL;
    }
    ir_block_init(&t->block, &t->env);
    tb_hash_init(t);
    translator_flush(t);
    t->stats.flushes = 0;
    return t;
}

static void free_blocks(struct translator *t)
{
    tb_alloc_reset(t);
    t->nall = 0;
}

void translator_free(struct translator *t)
{
    if (!t)
        return;
    free_blocks(t);
    tb_alloc_destroy(t);
    free(t->all);
    free(t->xlinks);
    free(t->op_site);
    tb_pages_clear(t);
    tb_hash_destroy(t);
    ir_block_destroy(&t->block);
    t->backend->destroy(t->bstate);
    codebuf_destroy(&t->cb);
    free(t);
}

void translator_flush(struct translator *t)
{
    if (t->nall) /* not the empty buffer's first setup */
        log_mask_printf(LOG_TB_FLUSH, "tb_flush: flush %llu drops %u blocks, %zu KiB of code\n",
                        (unsigned long long)t->stats.flushes + 1, t->nall, t->cb.used / 1024);
    free_blocks(t);
    t->nxlinks = 0;
    tb_hash_clear(t);
    tb_pages_clear(t);
    tb_jmp_cache_clear_all(t);
    codebuf_reset(&t->cb);
    size_t n = t->backend->prologue(t->bstate, t->cb.rw, t->cb.rx, codebuf_room(&t->cb));
    if (n) {
        t->backend->flush_icache(t->bstate, t->cb.rx, n);
        codebuf_commit(&t->cb, n);
    }
    t->stats.flushes++;
    t->stats.blocks_live = 0;
}

struct ir_block *translator_block(struct translator *t)
{
    ir_block_reset(&t->block);
    return &t->block;
}

static bool emit(struct translator *t, const struct tb *tb, struct tb_emit *e)
{
    const struct ir_block *b = &t->block;
    if (t->op_site_cap < b->nops) {
        t->op_site_cap = b->nops;
        t->op_site = tb_xrealloc(t->op_site, b->nops * sizeof(*t->op_site));
    }
    *e = (struct tb_emit){
        .rw = t->cb.rw + t->cb.used,
        .rx = t->cb.rx + t->cb.used,
        .room = codebuf_room(&t->cb),
        .op_site = t->op_site,
        .tb = tb,
    };
    return t->backend->emit(t->bstate, b, e);
}

static void new_tb(struct translator *t, struct tb *tb, uint64_t pc, const struct tb_key *key,
                   uint32_t guest_size, uint64_t phys_page2, const struct tb_emit *e)
{
    *tb = (struct tb){
        .pc = pc,
        .key = *key,
        .size = guest_size,
        .page_addr = {key->phys_pc & ~(TB_PAGE_SIZE - 1),
                      phys_page2 == TB_NO_PAGE ? TB_NO_PAGE : phys_page2 & ~(TB_PAGE_SIZE - 1)},
        .tc_ptr = e->rx,
        .tc_size = (uint32_t)e->size,
    };
    for (unsigned i = 0; i < 2; i++)
        tb->jmp[i].patch_offset = e->jmp_offset[i];
    if (t->nall == t->all_cap) {
        t->all_cap = t->all_cap ? t->all_cap * 2 : 1024;
        t->all = tb_xrealloc(t->all, t->all_cap * sizeof(*t->all));
    }
    t->all[t->nall++] = tb;
}

static void log_block(struct translator *t, uint32_t mask, const char *what, uint64_t pc)
{
    if (!log_enabled(mask))
        return;
    char *text = ir_print_str(&t->block);
    log_printf("%s 0x%llx:\n%s\n", what, (unsigned long long)pc, text ? text : "");
    free(text);
}

void translator_describe(struct translator *t, const struct tb *tb, FILE *f)
{
    t->backend->describe(t->bstate, tb, f);
}

static void log_out_asm(struct translator *t, const struct tb *tb)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return;
    t->backend->describe(t->bstate, tb, f);
    fclose(f);
    log_printf("OUT 0x%llx:\n%s\n", (unsigned long long)tb->pc, text);
    free(text);
}

#ifndef JIT86_IR_VALIDATE
#define JIT86_IR_VALIDATE 0 /* translator/CMakeLists.txt turns it on */
#endif

struct tb *translator_commit(struct translator *t, uint64_t pc, const struct tb_key *key,
                             uint32_t guest_size, uint64_t phys_page2)
{
    struct ir_block *b = &t->block;
    char err[160];
    if (b->overflow) {
        log_mask_printf(LOG_UNIMP, "block at 0x%llx: too many temps or labels\n",
                        (unsigned long long)pc);
        return NULL;
    }
    if (JIT86_IR_VALIDATE && !ir_validate(b, err, sizeof(err))) {
        error_report("translator: invalid IR for 0x%llx: %s", (unsigned long long)pc, err);
        return NULL;
    }
    t->stats.ir_ops_in += b->nops;
    log_block(t, LOG_OP, "OP", pc);
    if (t->optimize) {
        translator_optimize(b);
        log_block(t, LOG_OP_OPT, "OP after optimization", pc);
    } else {
        opt_liveness(b);
    }
    t->stats.ir_ops_out += b->nops;

    /* Allocated first: native code embeds the block's address in its exits. */
    struct tb *tb = tb_alloc(t, sizeof(*tb));
    struct tb_emit e;
    if (!emit(t, tb, &e)) {
        translator_flush(t); /* gives tb's memory back too */
        tb = tb_alloc(t, sizeof(*tb));
        if (!emit(t, tb, &e))
            return NULL;
    }
    t->backend->flush_icache(t->bstate, e.rx, e.size);
    codebuf_commit(&t->cb, e.size);

    new_tb(t, tb, pc, key, guest_size, phys_page2, &e);
    tb_restore_build(t, tb, b, e.op_site);
    tb_hash_insert(t, tb);
    tb_pages_insert(t, tb);
    t->stats.blocks_translated++;
    t->stats.blocks_live++;
    t->stats.code_bytes += e.size;
    if (log_perfmap_enabled())
        log_perfmap_add(e.rx, e.size, pc);
    if (log_enabled(LOG_OUT_ASM))
        log_out_asm(t, tb);
    return tb;
}

struct tb_exit translator_exec(struct translator *t, struct tb *tb, void *env)
{
    return t->backend->exec(t->bstate, t, tb, env);
}

const struct translator_stats *translator_stats(const struct translator *t)
{
    return &t->stats;
}
