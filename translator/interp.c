/* Interpreter backend: runs blocks on any host (shared/DESIGN.md
 * "Backends"). Its "host code" is the block's IR translated once into
 * pre-decoded instructions (interp-code.h, interp-compile.c) that
 * interp-run.c dispatches; globals live in env at every step, so env is always
 * in sync and the interpreter is the reference the native backends match. */
#include "interp-code.h"
#include "tb-internal.h"

#include <inttypes.h>
#include <stdlib.h>

static void *interp_create(const struct ir_env *env)
{
    struct interp *in = calloc(1, sizeof(*in));
    if (!in)
        return NULL;
    in->env = env;
    in->ffi = helper_ffi_new(env);
    in->labels = interp_run_labels();
    if (!in->ffi || (INTERP_THREADED && !in->labels)) {
        helper_ffi_free(in->ffi);
        free(in);
        return NULL;
    }
    return in;
}

static void interp_destroy(void *state)
{
    struct interp *in = state;
    helper_ffi_free(in->ffi);
    free(in->last.ops);
    free(in->last.first);
    free(in);
}

static size_t interp_prologue(void *state, uint8_t *rw, const uint8_t *rx, size_t room)
{
    (void)state, (void)rw, (void)rx, (void)room;
    return 0;
}

/* Keeps b for describe, as the ops were printed before this backend
 * pre-decoded them: branch targets as op indexes. */
static void keep_listing(struct interp_listing *l, const struct ir_block *b,
                         const struct tb_emit *e)
{
    l->tb = NULL;
    if (l->cap < b->nops + 1) {
        struct ir_op *ops = realloc(l->ops, (b->nops + 1) * sizeof(*ops));
        uint32_t *first = realloc(l->first, (b->nops + 1) * sizeof(*first));
        l->ops = ops ? ops : l->ops;
        l->first = first ? first : l->first;
        if (!ops || !first)
            return;
        l->cap = b->nops + 1;
    }
    uint32_t *label_at = calloc(b->nlabels ? b->nlabels : 1, sizeof(*label_at));
    if (!label_at)
        return;
    for (unsigned i = 0; i < b->nops; i++)
        if (b->ops[i].opc == IR_OP_set_label)
            label_at[b->ops[i].cargs[0]] = i;
    const struct interp_code *code = (const struct interp_code *)e->rw;
    for (unsigned i = 0; i < b->nops; i++) {
        l->ops[i] = b->ops[i];
        if (b->ops[i].opc == IR_OP_br)
            l->ops[i].cargs[0] = label_at[b->ops[i].cargs[0]];
        else if (b->ops[i].opc == IR_OP_brcond)
            l->ops[i].cargs[1] = label_at[b->ops[i].cargs[1]];
        l->first[i] = (uint32_t)((e->op_site[i] - offsetof(struct interp_code, insn)) /
                                 sizeof(struct interp_insn));
    }
    l->first[b->nops] = code->ninsn;
    free(label_at);
    l->nops = b->nops;
    l->tb = e->tb;
}

static bool interp_emit(void *state, const struct ir_block *b, struct tb_emit *e)
{
    struct interp *in = state;
    if (!interp_compile(in, b, e))
        return false;
    keep_listing(&in->last, b, e);
    return true;
}

/* Chaining is read from tb->jmp at goto_tb, so there is nothing to patch. */
static void interp_patch(void *state, struct tb *src, unsigned slot, const struct tb *dst,
                         uint8_t *rw)
{
    (void)state, (void)src, (void)slot, (void)dst, (void)rw;
}

static void interp_unpatch(void *state, struct tb *src, unsigned slot, uint8_t *rw)
{
    (void)state, (void)src, (void)slot, (void)rw;
}

static void interp_flush_icache(void *state, const void *rx, size_t len)
{
    (void)state, (void)rx, (void)len;
}

static const char *const handler_names[INTERP_H_COUNT] = {
#define N_BIN(op) #op "_i32", #op "_i32", #op "_i64", #op "_i64",
#define N_UN(op)  #op "_i32", #op "_i64",
#define N_COND(c, name)                                                                            \
    "setcond_i32 " name, "setcond_i32 " name, "setcond_i64 " name, "setcond_i64 " name,            \
        "brcond_i32 " name, "brcond_i32 " name, "brcond_i64 " name, "brcond_i64 " name,
#define N_ONE(name) #name,
    INTERP_BINOPS(N_BIN) INTERP_UNOPS(N_UN) IR_CONDS(N_COND) INTERP_SINGLE(N_ONE)
#undef N_BIN
#undef N_UN
#undef N_COND
#undef N_ONE
};

const char *interp_handler_name(unsigned h)
{
    return h < INTERP_H_COUNT ? handler_names[h] : "?";
}

static unsigned handler_of(const struct interp *in, const struct interp_insn *ip)
{
    if (!INTERP_THREADED)
        return (unsigned)ip->h.index;
    for (unsigned h = 0; h < INTERP_H_COUNT; h++)
        if (in->labels[h] == ip->h.label)
            return h;
    return INTERP_H_COUNT;
}

/* A global's name, a local as tN, or env+offset for other env fields. */
static void print_opnd(const struct interp *in, FILE *f, uint32_t w)
{
    uint32_t off = w >> INTERP_OPND_SHIFT;
    unsigned ng = in->env->nglobals;
    if (!(w & INTERP_OPND_ENV)) {
        unsigned t = off / 8;
        if (t == ng)
            fputs("env", f);
        else
            fprintf(f, "t%u", t - ng - 1);
        return;
    }
    for (unsigned g = 0; g < ng; g++)
        if (in->env->globals[g].offset == off) {
            fputs(in->env->globals[g].name, f);
            return;
        }
    fprintf(f, "env+%#x", off);
}

static void print_list(const struct interp *in, FILE *f, const uint32_t *w, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        fputs(i ? ", " : "", f);
        print_opnd(in, f, w[i]);
    }
}

/* The second input: a temp, or the constant it was folded to. */
static void print_second(const struct interp *in, FILE *f, unsigned h, const struct interp_insn *ip)
{
    fputs(", ", f);
    if (h & INTERP_FORM_IMM)
        fprintf(f, "$%#" PRIx64, ip->imm);
    else
        print_opnd(in, f, ip->b);
}

static bool is_cond(unsigned h)
{
    return h >= INTERP_H_setcond_NEVER_32rr && h < INTERP_H_movi_i32;
}

static void print_operands(const struct interp *in, FILE *f, unsigned h,
                           const struct interp_insn *ip)
{
    if (h < INTERP_H_mov_32 || (is_cond(h) && !(h & INTERP_FORM_BRCOND))) {
        print_opnd(in, f, ip->d); /* binary op or setcond */
        fputs(", ", f);
        print_opnd(in, f, ip->a);
        print_second(in, f, h, ip);
    } else if (is_cond(h)) {
        print_opnd(in, f, ip->a);
        print_second(in, f, h, ip);
        fprintf(f, ", %+d", (int32_t)ip->x);
    } else if (h < INTERP_H_setcond_NEVER_32rr ||
               (h >= INTERP_H_extu_i32_i64 && h <= INTERP_H_extrh_i64_i32)) {
        print_opnd(in, f, ip->d); /* moves */
        fputs(", ", f);
        print_opnd(in, f, ip->a);
    } else if (h == INTERP_H_movi_i32 || h == INTERP_H_movi_i64) {
        print_opnd(in, f, ip->d);
        fprintf(f, ", $%#" PRIx64, ip->imm);
    } else if (h == INTERP_H_ld || h == INTERP_H_st) {
        print_opnd(in, f, h == INTERP_H_ld ? ip->d : ip->a);
        fprintf(f, ", env+%#" PRIx64 ", memop %#x", ip->imm, ip->x);
    } else if (h >= INTERP_H_guest_ld && h <= INTERP_H_guest_st_tlb) {
        bool st = h == INTERP_H_guest_st || h == INTERP_H_guest_st_tlb;
        print_opnd(in, f, st ? ip->b : ip->d);
        fputs(", ", f);
        print_opnd(in, f, ip->a);
        fprintf(f, ", memop %#x", ip->x);
    } else if (h == INTERP_H_br) {
        fprintf(f, "%+d", (int32_t)ip->x);
    } else if (h == INTERP_H_goto_tb) {
        fprintf(f, "%u", ip->x);
    } else if (h == INTERP_H_exit_tb) {
        fprintf(f, "$%#" PRIx64, ip->imm);
    } else if (h == INTERP_H_goto_ptr) {
        print_opnd(in, f, ip->a);
    } else if (h >= INTERP_H_mulu2_i32 && h <= INTERP_H_muls2_i64) {
        print_list(in, f, (uint32_t[]){ip->d, ip->x, ip->a, ip->b}, 4); /* lo, hi = a * b */
    } else if (h == INTERP_H_deposit_i32 || h == INTERP_H_deposit_i64) {
        print_list(in, f, (uint32_t[]){ip->d, ip->a, ip->b}, 3);
        fprintf(f, ", pos %u, len %u", ip->x & 0xff, ip->x >> 8);
    } else if (h >= INTERP_H_extract_i32 && h <= INTERP_H_sextract_i64) {
        print_list(in, f, (uint32_t[]){ip->d, ip->a}, 2);
        fprintf(f, ", pos %u, len %u", ip->x & 0xff, ip->x >> 8);
    } else if (h == INTERP_H_movcond_i32 || h == INTERP_H_movcond_i64) {
        print_list(in, f, (uint32_t[]){ip->d, ip->a, ip->b}, 3);
        fprintf(f, " %s ? ", ir_cond_name((enum ir_cond)ip->x));
        print_list(in, f, (uint32_t[]){(uint32_t)ip->imm, (uint32_t)(ip->imm >> 32)}, 2);
    } else if (h == INTERP_H_movi2_i32 || h == INTERP_H_movi3_i32) {
        print_opnd(in, f, ip->d);
        fprintf(f, ", $%#x; ", (uint32_t)ip->imm);
        print_opnd(in, f, ip->a);
        fprintf(f, ", $%#x", (uint32_t)(ip->imm >> 32));
        if (h == INTERP_H_movi3_i32) {
            fputs("; ", f);
            print_opnd(in, f, ip->b);
            fprintf(f, ", $%#x", ip->x);
        }
    } else if (h == INTERP_H_mov2_i32 || h == INTERP_H_mov3_i32) {
        print_list(in, f, (uint32_t[]){ip->d, ip->a}, 2);
        fputs("; ", f);
        print_list(in, f, (uint32_t[]){ip->b, ip->x}, 2);
        if (h == INTERP_H_mov3_i32) {
            fputs("; ", f);
            print_list(in, f, (uint32_t[]){(uint32_t)ip->imm, (uint32_t)(ip->imm >> 32)}, 2);
        }
    } else if (h == INTERP_H_mov_movi_i32 || h == INTERP_H_mov_movi2_i32) {
        print_list(in, f, (uint32_t[]){ip->d, ip->a}, 2);
        fputs("; ", f);
        print_opnd(in, f, ip->b);
        fprintf(f, ", $%#x", (uint32_t)ip->imm);
        if (h == INTERP_H_mov_movi2_i32) {
            fputs("; ", f);
            print_opnd(in, f, ip->x);
            fprintf(f, ", $%#x", (uint32_t)(ip->imm >> 32));
        }
    } else if (h >= INTERP_H_setcond_and_eq_i32 && h <= INTERP_H_brcond_and_ne_i32) {
        bool br = h >= INTERP_H_brcond_and_eq_i32;
        if (!br) {
            print_opnd(in, f, ip->d);
            fputs(", ", f);
        }
        print_opnd(in, f, ip->a);
        fprintf(f, " & $%#x, $%#x", (uint32_t)ip->imm, (uint32_t)(ip->imm >> 32));
        if (br)
            fprintf(f, ", %+d", (int32_t)ip->x);
    } else if (h == INTERP_H_pure) {
        const struct ir_op *op = (const struct ir_op *)(ip + 1);
        fprintf(f, "%s_%s", ir_opdefs[op->opc].name, op->type == IR_I64 ? "i64" : "i32");
    } else {
        fprintf(f, "d=%#x a=%#x b=%#x x=%#x imm=%#" PRIx64, ip->d, ip->a, ip->b, ip->x, ip->imm);
    }
}

static void print_call(const struct interp *in, FILE *f, const struct interp_insn *ip)
{
    const struct interp_insn *aw = ip + 1;
    uint32_t w[IR_HELPER_MAX_ARGS] = {
        aw->d, aw->a, aw->b, aw->x, (uint32_t)aw->imm, (uint32_t)(aw->imm >> 32)};
    const struct ir_helper *helper = &in->env->helpers[ip->a];
    if (ip->x) {
        print_opnd(in, f, ip->d);
        fputs(" = ", f);
    }
    fprintf(f, "%s(", helper->name);
    for (unsigned k = 0; k < ip->b; k++) {
        fputs(k ? ", " : "", f);
        print_opnd(in, f, w[k]);
    }
    fputs(helper_ffi_direct(helper) ? ")" : ") via libffi", f);
}

/* Instruction i of code as one line; returns how many instructions it takes. */
static unsigned print_insn(const struct interp *in, const struct interp_code *code, unsigned i,
                           FILE *f)
{
    const struct interp_insn *ip = &code->insn[i];
    unsigned h = handler_of(in, ip);
    fprintf(f, "      | %04u %s ", i, interp_handler_name(h));
    if (h == INTERP_H_call)
        print_call(in, f, ip);
    else
        print_operands(in, f, h, ip);
    fputc('\n', f);
    return h == INTERP_H_call ? 2 : h == INTERP_H_pure ? 1 + INTERP_OP_SLOTS : 1;
}

/* Each IR op of the block ("NNNN: op" with branch targets as op indexes:
 * the listing jit86-translate reads) followed by the instructions it became;
 * for a block other than the last one emitted, the instructions alone. */
static void interp_describe(void *state, const struct tb *tb, FILE *f)
{
    const struct interp *in = state;
    const struct interp_code *code = tb->tc_ptr;
    const struct interp_listing *l = &in->last;
    fprintf(f, "interpreter code at %p, %u instructions, %u ops\n", tb->tc_ptr, code->ninsn,
            code->nops);
    bool ops = l->tb == tb && l->nops == code->nops;
    struct ir_block view = {.env = in->env, .ops = l->ops, .nops = l->nops};
    unsigned i = 0;
    for (unsigned k = 0; ops && k < l->nops; k++) {
        fprintf(f, "%04u:", k);
        ir_print_op(&view, &l->ops[k], f);
        while (i < l->first[k + 1] && i < code->ninsn)
            i += print_insn(in, code, i, f);
    }
    while (i < code->ninsn)
        i += print_insn(in, code, i, f);
}

static struct tb_exit interp_exec(void *state, struct translator *t, struct tb *tb, void *env)
{
    return interp_run(state, t, tb, env);
}

const struct tb_backend tb_backend_interp = {
    .name = "interp",
    .create = interp_create,
    .destroy = interp_destroy,
    .prologue = interp_prologue,
    .emit = interp_emit,
    .patch = interp_patch,
    .unpatch = interp_unpatch,
    .flush_icache = interp_flush_icache,
    .describe = interp_describe,
    .exec = interp_exec,
};
