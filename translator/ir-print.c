/* IR printer: the stable one-op-per-line text of -d op / -d op_opt, which the
 * optimizer tests compare exactly. Format: " opname_type outs, ins, consts". */
#include "ir.h"

#include <stdlib.h>

static const char *const cond_names[IR_COND_COUNT] = {
#define X(id, name) [IR_COND_##id] = name,
    IR_CONDS(X)
#undef X
};

const char *ir_cond_name(enum ir_cond c)
{
    return (unsigned)c < IR_COND_COUNT ? cond_names[c] : "?";
}

static void print_temp(const struct ir_block *b, unsigned t, FILE *f)
{
    if (ir_temp_is_global(b, t))
        fputs(b->env->globals[t].name, f);
    else if (t == ir_env_temp(b))
        fputs("env", f);
    else
        fprintf(f, "t%u", t - ir_env_temp(b) - 1);
}

static void print_memop(uint64_t mo, FILE *f)
{
    fprintf(f, "%c%u", ir_memop_signed(mo) ? 's' : 'u', 8u << ir_memop_size(mo));
}

static void print_const(enum ir_const_kind k, uint64_t v, FILE *f)
{
    switch (k) {
    case IR_K_COND: fputs(ir_cond_name((enum ir_cond)v), f); break;
    case IR_K_LABEL: fprintf(f, "L%u", (unsigned)v); break;
    case IR_K_OFFSET: fprintf(f, "env+0x%llx", (unsigned long long)v); break;
    case IR_K_MEMOP: print_memop(v, f); break;
    case IR_K_GMEMOP:
        print_memop(v, f);
        fprintf(f, ":mmu%u", ir_memop_mmu((unsigned)v));
        break;
    case IR_K_SLOT: fprintf(f, "%u", (unsigned)v); break;
    default: fprintf(f, "$0x%llx", (unsigned long long)v); break;
    }
}

static void print_call(const struct ir_block *b, const struct ir_op *op, FILE *f)
{
    fputs(" call ", f);
    if (op->nout) {
        print_temp(b, op->args[0], f);
        fputs(" = ", f);
    }
    fprintf(f, "%s(", b->env->helpers[op->cargs[0]].name);
    for (unsigned i = 0; i < op->nin; i++) {
        if (i)
            fputs(", ", f);
        print_temp(b, ir_op_in(op, i), f);
    }
    fputs(")\n", f);
}

void ir_print_op(const struct ir_block *b, const struct ir_op *op, FILE *f)
{
    const struct ir_opdef *def = &ir_opdefs[op->opc];
    if (op->opc == IR_OP_set_label) {
        fprintf(f, "L%u:\n", (unsigned)op->cargs[0]);
        return;
    }
    if (op->opc == IR_OP_call) {
        print_call(b, op, f);
        return;
    }
    bool typed = ir_op_ntemps(op) > 0 && !(def->flags & (IR_OPF_WIDEN | IR_OPF_NARROW));
    fprintf(f, " %s%s", def->name, typed ? (op->type == IR_I32 ? "_i32" : "_i64") : "");
    const char *sep = " ";
    for (unsigned i = 0; i < ir_op_ntemps(op); i++, sep = ", ") {
        fputs(sep, f);
        print_temp(b, op->args[i], f);
    }
    for (unsigned i = 0; i < def->nconst; i++, sep = ", ") {
        fputs(sep, f);
        print_const((enum ir_const_kind)def->kind[i], op->cargs[i], f);
    }
    fputc('\n', f);
}

void ir_print(const struct ir_block *b, FILE *f)
{
    for (unsigned i = 0; i < b->nops; i++)
        ir_print_op(b, &b->ops[i], f);
}

char *ir_print_str(const struct ir_block *b)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    ir_print(b, f);
    fclose(f);
    return buf;
}
