/* x86-64 host backend (shared/DESIGN.md "Backends"): prologue/epilogue, block
 * emission in two sections (hot code, then out-of-line slow paths), goto_tb
 * chaining by patching an aligned rel32, and -d out_asm through Capstone.
 * Calls follow the System V AMD64 ABI (x86-64 psABI §3.2). Built on every
 * host: elsewhere than on x86-64 it only emits code, for jit86-translate to
 * show, and has no exec. */
#include "log.h"
#include "x86_64-internal.h"

#include <capstone/capstone.h>

struct x64_backend {
    const struct ir_env *env;
    uintptr_t entry;    /* prologue: native_run() calls it */
    uintptr_t epilogue; /* shared return path of every exit */
    struct x64_gen g;   /* buffers reused from block to block */
    csh cs;
    bool cs_ok;
    struct native_listing listing;
    /* rsp of the running blocks' frame, stored by the prologue: a helper
     * called by a block finds its call site's return address just below. */
    uintptr_t jit_rsp;
};

/* ---- labels and fixups ---- */

unsigned x64_new_label(struct x64_gen *g)
{
    return native_new_label(&g->nb);
}

void x64_bind_label(struct x64_gen *g, unsigned label)
{
    native_bind_label(&g->nb, label, g->sec, x64_cur(g)->len);
}

static void add_fixup(struct x64_gen *g, uint32_t label, uintptr_t abs)
{
    struct x64_fixup *f = native_grow(g->fix, &g->fix_cap, g->nfix + 1, sizeof(*f));
    if (!f) {
        g->buf[0].oom = true;
        return;
    }
    g->fix = f;
    f[g->nfix++] = (struct x64_fixup){(uint8_t)g->sec, (uint32_t)x64_cur(g)->len, label, abs};
    x64_u32(x64_cur(g), 0);
}

/* jmp (cc < 0) or jcc to label, rel32. */
void x64_jump(struct x64_gen *g, int cc, unsigned label)
{
    struct x64_buf *b = x64_cur(g);
    if (cc < 0) {
        x64_byte(b, 0xe9);
    } else {
        x64_byte(b, 0x0f);
        x64_byte(b, 0x80 + (unsigned)cc);
    }
    add_fixup(g, label, 0);
}

void x64_jump_abs(struct x64_gen *g, uintptr_t target)
{
    x64_byte(x64_cur(g), 0xe9);
    add_fixup(g, UINT32_MAX, target);
}

/* Helpers live anywhere in the address space: call through r11. */
void x64_call_abs(struct x64_gen *g, const void *fn)
{
    struct x64_buf *b = x64_cur(g);
    x64_mov_ri(b, true, X64_TMP_REG, (uintptr_t)fn);
    x64_rr(b, X64_OPC_GRP5, 2, X64_TMP_REG);
}

/* ---- backend interface ---- */

static void *x64_create(const struct ir_env *env)
{
    struct x64_backend *be = calloc(1, sizeof(*be));
    if (!be)
        return NULL;
    be->env = env;
    be->g.ra.env = env;
    be->g.ra.tgt = &x64_ra_target;
    be->g.tlb = env->tlb.index_bits ? &env->tlb : NULL;
    be->cs_ok = cs_open(CS_ARCH_X86, CS_MODE_64, &be->cs) == CS_ERR_OK;
    native_listing_init(&be->listing, env);
    return be;
}

static void x64_destroy(void *state)
{
    struct x64_backend *be = state;
    struct x64_gen *g = &be->g;
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

static const uint8_t saved_regs[6] = {X64_RBP, X64_RBX, X64_R12, X64_R13, X64_R14, X64_R15};

/* entry(env, code): saves the callee-saved registers, makes the frame, puts
 * env in rbp and jumps to the block. The epilogue undoes it; exits reach it
 * with their result in rax:rdx. */
static size_t x64_prologue(void *state, uint8_t *rw, const uint8_t *rx, size_t room)
{
    struct x64_backend *be = state;
    struct x64_buf b = {0};
    for (unsigned i = 0; i < 6; i++)
        x64_push(&b, saved_regs[i]);
    x64_rr(&b, X64_OPC_ALU_EvIz | X64_P_W, X64_ALU_SUB, X64_RSP);
    x64_u32(&b, X64_FRAME_SIZE);
    x64_mov_ri(&b, true, X64_TMP_REG, (uintptr_t)&be->jit_rsp);
    x64_rm(&b, X64_OPC_MOV_EvGv | X64_P_W, X64_RSP, X64_TMP_REG, 0);
    x64_mov_rr(&b, true, X64_ENV_REG, X64_RDI);
    x64_rr(&b, X64_OPC_GRP5, 4, X64_RSI);
    size_t epilogue = b.len;
    x64_rr(&b, X64_OPC_ALU_EvIz | X64_P_W, X64_ALU_ADD, X64_RSP);
    x64_u32(&b, X64_FRAME_SIZE);
    for (unsigned i = 6; i-- > 0;)
        x64_pop(&b, saved_regs[i]);
    x64_byte(&b, 0xc3);
    size_t n = b.oom || b.len > room ? 0 : b.len;
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
    return x64_gen_op(g, op);
}

static bool gen_block(struct x64_gen *g, const struct ir_block *b)
{
    g->sec = X64_SEC_MAIN;
    g->buf[0].len = g->buf[1].len = 0;
    g->buf[0].oom = g->buf[1].oom = false;
    g->nfix = 0;
    return native_block_prepare(&g->nb, &g->ra, b, g->tlb != NULL) &&
           native_emit_ops(g, gen_op, &g->buf[0].len, &g->nb, b) && !g->buf[0].oom &&
           !g->buf[1].oom;
}

/* Places the cold section after the hot one and resolves every rel32. */
static bool place(struct x64_gen *g, struct tb_emit *e)
{
    size_t main = g->buf[0].len, total = main + g->buf[1].len;
    if (total > e->room || total > UINT32_MAX)
        return false;
    memcpy(e->rw, g->buf[0].p, main);
    if (g->buf[1].len)
        memcpy(e->rw + main, g->buf[1].p, g->buf[1].len);
    size_t base[2] = {0, main};
    for (unsigned i = 0; i < g->nfix; i++) {
        const struct x64_fixup *f = &g->fix[i];
        size_t at = base[f->sec] + f->off;
        intptr_t target =
            f->label == UINT32_MAX
                ? (intptr_t)f->abs
                : (intptr_t)(e->rx + base[g->nb.labels[f->label].sec] + g->nb.labels[f->label].off);
        int64_t rel = (int64_t)(target - (intptr_t)(e->rx + at + 4));
        if (!x64_fits_s32(rel))
            return false;
        uint32_t v = (uint32_t)(int32_t)rel;
        memcpy(e->rw + at, &v, 4);
    }
    native_block_place(&g->nb, g->ra.b, base, 1, e);
    e->size = total;
    return true;
}

static bool x64_emit(void *state, const struct ir_block *b, struct tb_emit *e)
{
    struct x64_backend *be = state;
    struct x64_gen *g = &be->g;
    g->tb = (uintptr_t)e->tb;
    g->epilogue = be->epilogue;
    if (!gen_block(g, b) || !place(g, e))
        return false;
    native_listing_record(&be->listing, e->tb, b, &g->nb, 1, (uint32_t)g->buf[0].len);
    return true;
}

static void set_rel32(const struct tb *src, unsigned slot, uint8_t *src_rw, uintptr_t target)
{
    uint32_t off = src->jmp[slot].patch_offset;
    intptr_t rel = (intptr_t)target - ((intptr_t)src->tc_ptr + off + 5);
    /* The rel32 is 4-byte aligned (gen_goto_tb): one atomic store. */
    __atomic_store_n((uint32_t *)(void *)(src_rw + off + 1), (uint32_t)(int32_t)rel,
                     __ATOMIC_RELEASE);
}

static void x64_patch(void *state, struct tb *src, unsigned slot, const struct tb *dst,
                      uint8_t *src_rw)
{
    (void)state;
    set_rel32(src, slot, src_rw, (uintptr_t)dst->tc_ptr);
}

static void x64_unpatch(void *state, struct tb *src, unsigned slot, uint8_t *src_rw)
{
    (void)state;
    uintptr_t exit = (uintptr_t)src->tc_ptr + src->jmp[slot].patch_offset + 5;
    set_rel32(src, slot, src_rw, exit);
}

/* x86 keeps instruction fetch coherent with stores (SDM Vol. 3A §8.1.3). */
static void x64_flush_icache(void *state, const void *rx, size_t len)
{
    (void)state, (void)rx, (void)len;
}

/* Host code of tb in [start, end) as Capstone reads it. */
static void disasm(void *state, const struct tb *tb, uint32_t start, uint32_t end, FILE *f)
{
    struct x64_backend *be = state;
    const uint8_t *code = tb->tc_ptr;
    cs_insn *insn = NULL;
    size_t n = be->cs_ok && end > start
                   ? cs_disasm(be->cs, code + start, end - start, (uintptr_t)code + start, 0, &insn)
                   : 0;
    uint32_t done = start;
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "  0x%04x:  %-8s %s\n", (unsigned)(insn[i].address - (uintptr_t)code),
                insn[i].mnemonic, insn[i].op_str);
        done = (uint32_t)(insn[i].address + insn[i].size - (uintptr_t)code);
    }
    if (n)
        cs_free(insn, n);
    for (; done < end; done++)
        fprintf(f, "  0x%04x:  .byte 0x%02x\n", done, code[done]);
}

static void x64_describe(void *state, const struct tb *tb, FILE *f)
{
    struct x64_backend *be = state;
    native_listing_describe(&be->listing, "x86_64", tb, disasm, be, f);
}

#if defined(__x86_64__)
static struct tb_exit x64_exec(void *state, struct translator *t, struct tb *tb, void *env)
{
    struct x64_backend *be = state;
    (void)t;
    return native_run(be->entry, env, tb->tc_ptr, &be->jit_rsp);
}

/* Every call a block makes leaves its return address at the bottom of the
 * fixed frame (no pushes in block code), i.e. at jit_rsp - 8. */
uintptr_t tb_x86_64_call_site(void *state)
{
    struct x64_backend *be = state;
    return be->jit_rsp ? *(const uintptr_t *)(be->jit_rsp - 8) : 0;
}
#endif

const struct tb_backend tb_backend_x86_64 = {
    .name = "x86_64",
    .create = x64_create,
    .destroy = x64_destroy,
    .prologue = x64_prologue,
    .emit = x64_emit,
    .patch = x64_patch,
    .unpatch = x64_unpatch,
    .flush_icache = x64_flush_icache,
    .describe = x64_describe,
#if defined(__x86_64__)
    .exec = x64_exec,
#endif
};
