/* Interpreter backend: runs a block's optimized IR directly, on any host.
 * The reference backend (shared/DESIGN.md "Backends"): its "host code" is a
 * copy of the ops with labels resolved to op indices; globals are read and
 * written in env at every access, so env is always in sync. */
#include "helper-ffi.h"
#include "ir-eval.h"
#include "tb-internal.h"

#include <stdlib.h>
#include <string.h>

struct interp_code {
    uint32_t nops;
    uint32_t pad;
    struct ir_op ops[];
};

struct interp {
    const struct ir_env *env;
    struct helper_ffi *ffi;
    uint32_t *gloc; /* per global: env offset << 1 | is 64-bit */
};

/* Locals live in temps[]; temps[nglobals] holds env; globals are read and
 * written in env at gloc[]. */
struct frame {
    unsigned nglobals;
    const uint32_t *gloc;
    uint8_t *envp;
    uint64_t *temps;
};

static void *interp_create(const struct ir_env *env)
{
    struct interp *in = calloc(1, sizeof(*in));
    if (!in)
        return NULL;
    in->env = env;
    in->ffi = helper_ffi_new(env);
    in->gloc = malloc((env->nglobals ? env->nglobals : 1) * sizeof(*in->gloc));
    if (!in->ffi || !in->gloc) {
        helper_ffi_free(in->ffi);
        free(in->gloc);
        free(in);
        return NULL;
    }
    for (unsigned g = 0; g < env->nglobals; g++)
        in->gloc[g] = env->globals[g].offset << 1 | (env->globals[g].type == IR_I64);
    return in;
}

static void interp_destroy(void *state)
{
    struct interp *in = state;
    helper_ffi_free(in->ffi);
    free(in->gloc);
    free(in);
}

static size_t interp_prologue(void *state, uint8_t *rw, const uint8_t *rx, size_t room)
{
    (void)state, (void)rw, (void)rx, (void)room;
    return 0;
}

static bool interp_emit(void *state, const struct ir_block *b, struct tb_emit *e)
{
    (void)state;
    size_t size = sizeof(struct interp_code) + b->nops * sizeof(struct ir_op);
    if (size > e->room)
        return false;
    struct interp_code *code = (struct interp_code *)e->rw;
    code->nops = b->nops;
    code->pad = 0;
    memcpy(code->ops, b->ops, b->nops * sizeof(struct ir_op));
    uint32_t *label_at = calloc(b->nlabels ? b->nlabels : 1, sizeof(*label_at));
    if (!label_at)
        return false;
    for (unsigned i = 0; i < b->nops; i++)
        if (b->ops[i].opc == IR_OP_set_label)
            label_at[b->ops[i].cargs[0]] = i;
    for (unsigned i = 0; i < b->nops; i++) {
        struct ir_op *op = &code->ops[i];
        if (op->opc == IR_OP_br)
            op->cargs[0] = label_at[op->cargs[0]];
        else if (op->opc == IR_OP_brcond)
            op->cargs[1] = label_at[op->cargs[1]];
        e->op_site[i] = (uint32_t)((const uint8_t *)&code->ops[i] - e->rw);
    }
    free(label_at);
    e->size = size;
    e->jmp_offset[0] = e->jmp_offset[1] = 0;
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

/* The ops as the interpreter runs them: branch targets are op indices. */
static void interp_describe(void *state, const struct tb *tb, FILE *f)
{
    struct interp *in = state;
    const struct interp_code *code = tb->tc_ptr;
    struct ir_block view = {.env = in->env, .ops = (struct ir_op *)code->ops, .nops = code->nops};
    fprintf(f, "interpreter code at %p, %u ops\n", tb->tc_ptr, code->nops);
    for (uint32_t i = 0; i < code->nops; i++) {
        fprintf(f, "%04u:", i);
        ir_print_op(&view, &code->ops[i], f);
    }
}

static uint64_t rd(const struct frame *fr, unsigned t)
{
    if (t < fr->nglobals) {
        const uint8_t *p = fr->envp + (fr->gloc[t] >> 1);
        if (fr->gloc[t] & 1) {
            uint64_t v;
            memcpy(&v, p, 8);
            return v;
        }
        uint32_t v;
        memcpy(&v, p, 4);
        return v;
    }
    return fr->temps[t];
}

static void wr(const struct frame *fr, unsigned t, uint64_t v)
{
    if (t < fr->nglobals) {
        uint8_t *p = fr->envp + (fr->gloc[t] >> 1);
        if (fr->gloc[t] & 1) {
            memcpy(p, &v, 8);
        } else {
            uint32_t v32 = (uint32_t)v;
            memcpy(p, &v32, 4);
        }
        return;
    }
    fr->temps[t] = v;
}

static uint64_t env_load(const struct frame *fr, const struct ir_op *op)
{
    const uint8_t *p = fr->envp + op->cargs[0];
    unsigned mo = (unsigned)op->cargs[1];
    uint64_t v = 0;
    switch (ir_memop_size(mo)) {
    case IR_MO_8: v = *p; break;
    case IR_MO_16: {
        uint16_t x;
        memcpy(&x, p, 2);
        v = x;
        break;
    }
    case IR_MO_32: {
        uint32_t x;
        memcpy(&x, p, 4);
        v = x;
        break;
    }
    default: memcpy(&v, p, 8); break;
    }
    return ir_eval_load_ext((enum ir_type)op->type, mo, v);
}

static void env_store(const struct frame *fr, const struct ir_op *op, uint64_t v)
{
    uint8_t *p = fr->envp + op->cargs[0];
    switch (ir_memop_size((unsigned)op->cargs[1])) {
    case IR_MO_8: *p = (uint8_t)v; break;
    case IR_MO_16: {
        uint16_t x = (uint16_t)v;
        memcpy(p, &x, 2);
        break;
    }
    case IR_MO_32: {
        uint32_t x = (uint32_t)v;
        memcpy(p, &x, 4);
        break;
    }
    default: memcpy(p, &v, 8); break;
    }
}

static void do_call(struct interp *in, const struct frame *fr, const struct ir_op *op)
{
    uint64_t args[IR_HELPER_MAX_ARGS];
    for (unsigned i = 0; i < op->nin; i++)
        args[i] = rd(fr, ir_op_in(op, i));
    uint64_t r = helper_ffi_call(in->ffi, (unsigned)op->cargs[0], args);
    if (op->nout)
        wr(fr, op->args[0], ir_canon((enum ir_type)op->type, r));
}

static void do_pure(const struct frame *fr, const struct ir_op *op)
{
    uint64_t in[4], out[2];
    for (unsigned i = 0; i < op->nin; i++)
        in[i] = rd(fr, ir_op_in(op, i));
    ir_eval_pure(op, in, out);
    for (unsigned i = 0; i < op->nout; i++)
        wr(fr, op->args[i], out[i]);
}

static bool do_brcond(const struct frame *fr, const struct ir_op *op)
{
    return ir_eval_cond((enum ir_cond)op->cargs[0], (enum ir_type)op->type, rd(fr, op->args[0]),
                        rd(fr, op->args[1]));
}

/* Runs one block until it exits. */
static struct tb_exit run_block(struct interp *in, struct translator *t, const struct frame *fr,
                                const struct interp_code *code)
{
    const struct ir_mem_ops *mem = &in->env->mem;
    for (uint32_t pc = 0; pc < code->nops; pc++) {
        const struct ir_op *op = &code->ops[pc];
        switch (op->opc) {
        case IR_OP_set_label:
        case IR_OP_insn_start: break;
        case IR_OP_br: pc = (uint32_t)op->cargs[0]; break;
        case IR_OP_brcond:
            if (do_brcond(fr, op))
                pc = (uint32_t)op->cargs[1];
            break;
        case IR_OP_ld: wr(fr, op->args[0], env_load(fr, op)); break;
        case IR_OP_st: env_store(fr, op, rd(fr, op->args[0])); break;
        case IR_OP_guest_ld:
            t->interp_pc = (uintptr_t)op;
            wr(fr, op->args[0],
               ir_eval_load_ext(
                   (enum ir_type)op->type, (unsigned)op->cargs[0],
                   mem->load(mem->opaque, fr->envp, rd(fr, op->args[1]), (unsigned)op->cargs[0])));
            break;
        case IR_OP_guest_st:
            t->interp_pc = (uintptr_t)op;
            mem->store(mem->opaque, fr->envp, rd(fr, op->args[1]), rd(fr, op->args[0]),
                       (unsigned)op->cargs[0]);
            break;
        case IR_OP_call:
            t->interp_pc = (uintptr_t)op;
            do_call(in, fr, op);
            break;
        case IR_OP_goto_tb:
            return (struct tb_exit){TB_EXIT_GOTO_TB, (unsigned)op->cargs[0], 0, NULL};
        case IR_OP_goto_ptr: return (struct tb_exit){TB_EXIT_LOOKUP, 0, rd(fr, op->args[0]), NULL};
        case IR_OP_exit_tb: return (struct tb_exit){TB_EXIT_RETURN, 0, op->cargs[0], NULL};
        default: do_pure(fr, op); break;
        }
    }
    /* Falling off the end: the lifter always ends a block with an exit, so
     * treat it as exit_tb 0. */
    return (struct tb_exit){TB_EXIT_RETURN, 0, 0, NULL};
}

static struct tb_exit interp_exec(void *state, struct translator *t, struct tb *tb, void *env)
{
    struct interp *in = state;
    uint64_t temps[IR_MAX_TEMPS];
    struct frame fr = {in->env->nglobals, in->gloc, env, temps};
    temps[in->env->nglobals] = (uintptr_t)env;
    for (;;) {
        struct tb_exit e = run_block(in, t, &fr, tb->tc_ptr);
        e.last = tb;
        if (e.kind != TB_EXIT_GOTO_TB || !tb->jmp[e.slot].dest)
            return e;
        tb = tb->jmp[e.slot].dest;
        t->stats.chained_jumps++;
    }
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
