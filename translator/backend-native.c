/* What the native code generators share around their encoders
 * (backend-native.h): exit decoding, per-op bookkeeping and the -d out_asm
 * listing. */
#include "backend-native.h"

#include "log.h"

#include <stdlib.h>

/* The prologue's return value: two integers in rax:rdx (x86-64 psABI
 * §3.2.3, a 16-byte INTEGER struct) or x0:x1 (AAPCS64 §6.9). */
struct native_ret {
    uint64_t value;
    uintptr_t info; /* struct tb * | NATIVE_EXIT_* tag */
};
typedef struct native_ret (*native_entry_fn)(void *env, const void *code);

static struct tb_exit decode_exit(uint64_t value, uintptr_t info)
{
    unsigned tag = (unsigned)(info & NATIVE_EXIT_TAG_MASK);
    struct tb_exit e = {.value = value, .last = (struct tb *)(info & ~(uintptr_t)7)};
    e.kind = (tag & 3) == NATIVE_EXIT_GOTO_TB  ? TB_EXIT_GOTO_TB
             : (tag & 3) == NATIVE_EXIT_LOOKUP ? TB_EXIT_LOOKUP
                                               : TB_EXIT_RETURN;
    e.slot = (tag & NATIVE_EXIT_SLOT1) ? 1 : 0;
    if (e.kind != TB_EXIT_RETURN && e.kind != TB_EXIT_LOOKUP)
        e.value = 0;
    return e;
}

struct tb_exit native_run(uintptr_t entry, void *env, const void *code, uintptr_t *jit_sp)
{
    uintptr_t outer = *jit_sp;
    struct native_ret r = ((native_entry_fn)entry)(env, code);
    *jit_sp = outer;
    return decode_exit(r.value, r.info);
}

void *native_grow(void *p, unsigned *cap, unsigned need, size_t elem)
{
    if (need <= *cap)
        return p;
    unsigned n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(p, (size_t)n * elem);
    if (!q)
        return NULL;
    *cap = n;
    return q;
}

bool native_block_prepare(struct native_block *nb, struct ra_state *ra, const struct ir_block *b,
                          bool inline_tlb)
{
    size_t no = b->nops ? b->nops : 1;
    nb->site_sec = realloc(nb->site_sec, no * sizeof(*nb->site_sec));
    nb->site_off = realloc(nb->site_off, no * sizeof(*nb->site_off));
    nb->op_off = realloc(nb->op_off, no * sizeof(*nb->op_off));
    if (!ra_prepare(ra, b) || !nb->site_sec || !nb->site_off || !nb->op_off)
        return false;
    nb->nlabels = 0;
    nb->oom = false;
    for (unsigned i = 0; i < b->nlabels; i++)
        native_new_label(nb);
    if (nb->oom)
        return false;
    ra->prefer_callee_saved = false;
    for (unsigned i = 0; i < b->nops; i++) {
        unsigned opc = b->ops[i].opc;
        nb->site_sec[i] = -1;
        nb->site_off[i] = 0;
        if (opc == IR_OP_call || ((opc == IR_OP_guest_ld || opc == IR_OP_guest_st) && !inline_tlb))
            ra->prefer_callee_saved = true;
    }
    nb->jmp_off[0] = nb->jmp_off[1] = 0;
    return true;
}

void native_block_destroy(struct native_block *nb)
{
    free(nb->site_sec);
    free(nb->site_off);
    free(nb->op_off);
    free(nb->labels);
}

unsigned native_new_label(struct native_block *nb)
{
    struct native_label *l = native_grow(nb->labels, &nb->labels_cap, nb->nlabels + 1, sizeof(*l));
    if (!l) {
        nb->oom = true;
        return 0;
    }
    nb->labels = l;
    l[nb->nlabels] = (struct native_label){-1, 0};
    return nb->nlabels++;
}

bool native_emit_ops(void *g, native_gen_op_fn *gen_op, const size_t *hot_len,
                     struct native_block *nb, const struct ir_block *b)
{
    static const struct ir_op exit_op = {.opc = IR_OP_exit_tb};
    nb->reachable = true;
    for (unsigned i = 0; i < b->nops; i++) {
        const struct ir_op *op = &b->ops[i];
        nb->op_off[i] = (uint32_t)*hot_len;
        if (!nb->reachable && op->opc != IR_OP_set_label)
            continue;
        if (!gen_op(g, op))
            return false;
        nb->reachable = op->opc == IR_OP_set_label || !(ir_op_flags(op) & IR_OPF_END);
    }
    return (!nb->reachable || gen_op(g, &exit_op)) && !nb->oom;
}

void native_block_place(const struct native_block *nb, const struct ir_block *b,
                        const size_t base[2], unsigned unit, struct tb_emit *e)
{
    for (unsigned i = 0; i < b->nops; i++)
        e->op_site[i] =
            nb->site_sec[i] < 0 ? 0 : (uint32_t)(base[nb->site_sec[i]] + unit * nb->site_off[i]);
    e->jmp_offset[0] = unit * nb->jmp_off[0];
    e->jmp_offset[1] = unit * nb->jmp_off[1];
}

void native_listing_init(struct native_listing *l, const struct ir_env *env)
{
    ir_block_init(&l->ops, env);
}

void native_listing_destroy(struct native_listing *l)
{
    free(l->off);
    ir_block_destroy(&l->ops);
}

void native_listing_record(struct native_listing *l, const struct tb *tb, const struct ir_block *b,
                           const struct native_block *nb, unsigned unit, uint32_t main)
{
    l->tb = NULL;
    if (!log_enabled(LOG_OUT_ASM))
        return;
    uint32_t *off = realloc(l->off, (b->nops ? b->nops : 1) * sizeof(*off));
    if (!off)
        return;
    l->off = off;
    for (unsigned i = 0; i < b->nops; i++)
        off[i] = unit * nb->op_off[i];
    ir_block_copy(&l->ops, b);
    l->tb = tb;
    l->main = main;
}

/* The ops of each guest instruction, then the host code they became. */
static void describe_interleaved(const struct native_listing *l, const struct tb *tb,
                                 native_disasm_fn *disasm, void *be, FILE *f)
{
    const struct ir_block *b = &l->ops;
    unsigned start = 0;
    for (unsigned i = 0; i <= b->nops; i++) {
        if (i < b->nops && (b->ops[i].opc != IR_OP_insn_start || i == start))
            continue;
        for (unsigned k = start; k < i; k++)
            ir_print_op(b, &b->ops[k], f);
        uint32_t end = i < b->nops ? l->off[i] : l->main;
        disasm(be, tb, l->off[start], end, f);
        start = i;
    }
    if (l->main < tb->tc_size) {
        fprintf(f, " -- slow paths\n");
        disasm(be, tb, l->main, tb->tc_size, f);
    }
}

void native_listing_describe(const struct native_listing *l, const char *name, const struct tb *tb,
                             native_disasm_fn *disasm, void *be, FILE *f)
{
    fprintf(f, "%s code at %p, %u bytes\n", name, tb->tc_ptr, tb->tc_size);
    if (tb == l->tb && l->ops.nops)
        describe_interleaved(l, tb, disasm, be, f);
    else
        disasm(be, tb, 0, tb->tc_size, f);
}
