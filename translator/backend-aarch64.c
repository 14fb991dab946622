/* AArch64 host backend (shared/DESIGN.md "Backends"): prologue/epilogue,
 * block emission in two sections (hot code, then out-of-line slow paths),
 * goto_tb chaining by patching one aligned B (with a literal veneer when the
 * code buffer exceeds B's +-128 MiB), icache maintenance, -d out_asm through
 * Capstone's ARM64 mode. Calls follow the AAPCS64 (Arm IHI 0055). Built on
 * every host: elsewhere than on AArch64 it only emits code, for
 * jit86-translate to show, and has no exec. */
#include "aarch64-internal.h"
#include "log.h"
#include "tb-internal.h"

#include <capstone/capstone.h>
#include <stdlib.h>

struct a64_backend {
    const struct ir_env *env;
    uintptr_t entry;    /* prologue: native_run() calls it */
    uintptr_t epilogue; /* shared return path of every exit */
    bool far;           /* goto_tb slots carry a veneer */
    bool force_veneer;  /* JIT86_AARCH64_VENEER=1: chain through it always (tests) */
    struct a64_gen g;
    csh cs;
    bool cs_ok;
    struct native_listing listing;
    /* sp of the running blocks' frame: the call-site word is at its bottom. */
    uintptr_t jit_sp;
};

/* ---- labels and fixups ---- */

unsigned a64_new_label(struct a64_gen *g)
{
    return native_new_label(&g->nb);
}

void a64_bind_label(struct a64_gen *g, unsigned label)
{
    native_bind_label(&g->nb, label, g->sec, a64_cur(g)->len);
}

static void add_fixup(struct a64_gen *g, uint32_t insn, unsigned kind, uint32_t label,
                      uintptr_t abs)
{
    struct a64_fixup *f = native_grow(g->fix, &g->fix_cap, g->nfix + 1, sizeof(*f));
    if (!f) {
        g->buf[0].oom = true;
        return;
    }
    g->fix = f;
    f[g->nfix++] =
        (struct a64_fixup){(uint8_t)g->sec, (uint8_t)kind, (uint32_t)a64_cur(g)->len, label, abs};
    a64_put(a64_cur(g), insn);
}

void a64_branch(struct a64_gen *g, int cond, unsigned label)
{
    if (cond < 0)
        add_fixup(g, A64_B, A64_FIX_B26, label, 0);
    else
        add_fixup(g, A64_BCOND | (unsigned)cond, A64_FIX_B19, label, 0);
}

void a64_branch_insn(struct a64_gen *g, uint32_t insn, unsigned label)
{
    add_fixup(g, insn, A64_FIX_B19, label, 0);
}

/* The epilogue from any block: a B when the buffer is within its reach. */
void a64_jump_abs(struct a64_gen *g, uintptr_t target)
{
    if (!g->far) {
        add_fixup(g, A64_B, A64_FIX_B26, UINT32_MAX, target);
        return;
    }
    a64_movi(a64_cur(g), true, A64_TMP_REG, target);
    a64_put(a64_cur(g), A64_BR | A64_TMP_REG << 5);
}

/* Helpers live anywhere: BLR x17. A call that may raise first leaves its
 * return address in the frame's call-site word (translator_host_pc). */
void a64_call_abs(struct a64_gen *g, const void *fn, bool site)
{
    struct a64_buf *b = a64_cur(g);
    a64_movi(b, true, A64_AUX_REG, (uintptr_t)fn);
    if (site) {
        a64_put(b, A64_ADR | (12 >> 2) << 5 | A64_TMP_REG); /* ADR x16, . + 12 */
        a64_ldst_uimm(b, 3, A64_LDST_STR, A64_TMP_REG, A64_SP, A64_SITE_OFF);
    }
    a64_put(b, A64_BLR | A64_AUX_REG << 5);
}

/* ---- backend interface ---- */

static void *a64_create(const struct ir_env *env)
{
    struct a64_backend *be = calloc(1, sizeof(*be));
    if (!be)
        return NULL;
    be->env = env;
    be->g.ra.env = env;
    be->g.ra.tgt = &a64_ra_target;
    be->g.tlb = env->tlb.index_bits ? &env->tlb : NULL;
    const char *v = getenv("JIT86_AARCH64_VENEER");
    be->force_veneer = v && *v == '1';
    be->cs_ok = cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &be->cs) == CS_ERR_OK;
    native_listing_init(&be->listing, env);
    return be;
}

static void a64_destroy(void *state)
{
    struct a64_backend *be = state;
    struct a64_gen *g = &be->g;
    for (unsigned s = 0; s < 2; s++)
        free(g->buf[s].p);
    free(g->fix);
    ra_destroy(&g->ra);
    native_block_destroy(&g->nb);
    native_listing_destroy(&be->listing);
    if (be->cs_ok)
        cs_close(&be->cs);
    free(be);
}

/* entry(env, code): saves x19..x30, makes the frame (x29 = frame record),
 * publishes sp, puts env in x19 and branches to the block. The epilogue
 * undoes it; exits reach it with their result in x0:x1. */
static size_t a64_prologue(void *state, uint8_t *rw, const uint8_t *rx, size_t room)
{
    struct a64_backend *be = state;
    struct a64_buf b = {0};
    be->far = room > (1u << 27) - 64 || be->force_veneer;
    a64_pair(&b, A64_STP_PRE, 29, 30, A64_SP, -A64_SAVED_SIZE);
    for (unsigned r = 19; r < 29; r += 2)
        a64_pair(&b, A64_STP, r, r + 1, A64_SP, (int)(r - 17) * 8);
    a64_addsub_i(&b, A64_ADD_I, true, 29, A64_SP, 0);
    a64_addsub_i(&b, A64_SUB_I, true, A64_SP, A64_SP, A64_LOCAL_SIZE & ~0xfffu);
    a64_addsub_i(&b, A64_SUB_I, true, A64_SP, A64_SP, A64_LOCAL_SIZE & 0xfffu);
    a64_movi(&b, true, A64_TMP_REG, (uintptr_t)&be->jit_sp);
    a64_addsub_i(&b, A64_ADD_I, true, A64_AUX_REG, A64_SP, 0);
    a64_ldst_uimm(&b, 3, A64_LDST_STR, A64_AUX_REG, A64_TMP_REG, 0);
    a64_mov(&b, true, A64_ENV_REG, 0);
    a64_put(&b, A64_BR | 1u << 5);
    size_t epilogue = b.len * 4;
    a64_addsub_i(&b, A64_ADD_I, true, A64_SP, 29, 0);
    for (unsigned r = 19; r < 29; r += 2)
        a64_pair(&b, A64_LDP, r, r + 1, A64_SP, (int)(r - 17) * 8);
    a64_pair(&b, A64_LDP_POST, 29, 30, A64_SP, A64_SAVED_SIZE);
    a64_put(&b, A64_RET | A64_LR << 5);
    size_t n = b.oom || b.len * 4 > room ? 0 : b.len * 4;
    if (n) {
        memcpy(rw, b.p, n);
        be->entry = (uintptr_t)rx;
        be->epilogue = (uintptr_t)rx + epilogue;
    }
    free(b.p);
    return n;
}

static bool gen_op(void *g, const struct ir_op *op)
{
    return a64_gen_op(g, op);
}

static bool gen_block(struct a64_gen *g, const struct ir_block *b)
{
    g->sec = A64_SEC_MAIN;
    g->buf[0].len = g->buf[1].len = 0;
    g->buf[0].oom = g->buf[1].oom = false;
    g->nfix = 0;
    return native_block_prepare(&g->nb, &g->ra, b, g->tlb != NULL) &&
           native_emit_ops(g, gen_op, &g->buf[0].len, &g->nb, b) && !g->buf[0].oom &&
           !g->buf[1].oom;
}

/* Resolves one branch: false when out of its range. */
static bool resolve(uint32_t *insn, unsigned kind, int64_t rel)
{
    if (kind == A64_FIX_B26) {
        if (!a64_fits_branch26(rel))
            return false;
        *insn |= (uint32_t)(rel >> 2) & 0x3ffffff;
        return true;
    }
    if (rel < -(1ll << 20) || rel >= (1ll << 20))
        return false;
    *insn |= ((uint32_t)(rel >> 2) & 0x7ffff) << 5;
    return true;
}

/* Places the cold section after the hot one and resolves every branch. */
static bool place(struct a64_gen *g, struct tb_emit *e)
{
    size_t main = g->buf[0].len * 4, total = main + g->buf[1].len * 4;
    if (total > e->room || total > UINT32_MAX)
        return false;
    memcpy(e->rw, g->buf[0].p, main);
    if (g->buf[1].len)
        memcpy(e->rw + main, g->buf[1].p, g->buf[1].len * 4);
    size_t base[2] = {0, main};
    for (unsigned i = 0; i < g->nfix; i++) {
        const struct a64_fixup *f = &g->fix[i];
        size_t at = base[f->sec] + 4 * (size_t)f->off;
        intptr_t target = f->label == UINT32_MAX
                              ? (intptr_t)f->abs
                              : (intptr_t)(e->rx + base[g->nb.labels[f->label].sec] +
                                           4 * (size_t)g->nb.labels[f->label].off);
        uint32_t insn;
        memcpy(&insn, e->rw + at, 4);
        if (!resolve(&insn, f->kind, (int64_t)(target - (intptr_t)(e->rx + at))))
            return false;
        memcpy(e->rw + at, &insn, 4);
    }
    native_block_place(&g->nb, g->ra.b, base, 4, e);
    e->size = total;
    return true;
}

static bool a64_emit(void *state, const struct ir_block *b, struct tb_emit *e)
{
    struct a64_backend *be = state;
    struct a64_gen *g = &be->g;
    g->tb = (uintptr_t)e->tb;
    g->epilogue = be->epilogue;
    g->far = be->far;
    if (!gen_block(g, b) || !place(g, e))
        return false;
    native_listing_record(&be->listing, e->tb, b, &g->nb, 4, (uint32_t)(4 * g->buf[0].len));
    return true;
}

/* One aligned 32-bit store: a concurrent fetch sees the old or the new B
 * (Arm ARM "Concurrent modification and execution of instructions": B is one
 * of the instructions that may be modified while other cores execute it). */
static void set_branch(uint8_t *rw, uint32_t off, const uint8_t *rx, uintptr_t target)
{
    int64_t rel = (int64_t)((intptr_t)target - (intptr_t)(rx + off));
    __atomic_store_n((uint32_t *)(void *)(rw + off), a64_b_insn(rel), __ATOMIC_RELEASE);
}

static void a64_patch(void *state, struct tb *src, unsigned slot, const struct tb *dst,
                      uint8_t *src_rw)
{
    struct a64_backend *be = state;
    uint32_t off = src->jmp[slot].patch_offset;
    const uint8_t *rx = src->tc_ptr;
    int64_t rel = (int64_t)((intptr_t)dst->tc_ptr - (intptr_t)(rx + off));
    if (a64_fits_branch26(rel) && !be->force_veneer) {
        set_branch(src_rw, off, rx, (uintptr_t)dst->tc_ptr);
        return;
    }
    /* Out of reach (only with a veneer, be->far): the literal first, then
     * the B into the veneer that loads it. */
    __atomic_store_n((uint64_t *)(void *)(src_rw + off + A64_VENEER_LIT), (uint64_t)dst->tc_ptr,
                     __ATOMIC_RELEASE);
    set_branch(src_rw, off, rx, (uintptr_t)(rx + off + 4));
}

static void a64_unpatch(void *state, struct tb *src, unsigned slot, uint8_t *src_rw)
{
    struct a64_backend *be = state;
    uint32_t off = src->jmp[slot].patch_offset;
    const uint8_t *rx = src->tc_ptr;
    set_branch(src_rw, off, rx,
               (uintptr_t)(rx + off + (be->far ? A64_EXIT_VENEER : A64_EXIT_NEAR)));
}

/* Stores through the RW view reach instruction fetch of the RX view only
 * after cleaning the data cache and invalidating the instruction cache for
 * the RX addresses (Arm ARM, "Instruction cache maintenance"); the compiler
 * builtin does both. */
static void a64_flush_icache(void *state, const void *rx, size_t len)
{
    (void)state;
    codebuf_flush_icache(rx, len);
}

static void disasm(void *state, const struct tb *tb, uint32_t start, uint32_t end, FILE *f)
{
    struct a64_backend *be = state;
    const uint8_t *code = tb->tc_ptr;
    for (uint32_t at = start; at < end; at += 4) {
        cs_insn *insn = NULL;
        size_t n = be->cs_ok ? cs_disasm(be->cs, code + at, 4, (uintptr_t)code + at, 1, &insn) : 0;
        if (n) {
            fprintf(f, "  0x%04x:  %-8s %s\n", at, insn[0].mnemonic, insn[0].op_str);
            cs_free(insn, n);
        } else {
            uint32_t w;
            memcpy(&w, code + at, 4);
            fprintf(f, "  0x%04x:  .word 0x%08x\n", at, w);
        }
    }
}

static void a64_describe(void *state, const struct tb *tb, FILE *f)
{
    struct a64_backend *be = state;
    native_listing_describe(&be->listing, "aarch64", tb, disasm, be, f);
}

#if defined(__aarch64__)
static struct tb_exit a64_exec(void *state, struct translator *t, struct tb *tb, void *env)
{
    struct a64_backend *be = state;
    (void)t;
    return native_run(be->entry, env, tb->tc_ptr, &be->jit_sp);
}

/* Calls that may raise store their return address in the frame's call-site
 * word first, so C code of any depth below finds it. */
uintptr_t tb_aarch64_call_site(void *state)
{
    struct a64_backend *be = state;
    return be->jit_sp ? *(const uintptr_t *)(be->jit_sp + A64_SITE_OFF) : 0;
}
#endif

const struct tb_backend tb_backend_aarch64 = {
    .name = "aarch64",
    .create = a64_create,
    .destroy = a64_destroy,
    .prologue = a64_prologue,
    .emit = a64_emit,
    .patch = a64_patch,
    .unpatch = a64_unpatch,
    .flush_icache = a64_flush_icache,
    .describe = a64_describe,
#if defined(__aarch64__)
    .exec = a64_exec,
#endif
};
