/* IR text parser: reads back what ir-print.c writes, so tests (and tools) can
 * state IR as plain text. One op per line; "#" starts a comment line. Local
 * temps tN take their type from the first op that names them. */
#include "ir.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct parser {
    struct ir_block *b;
    const char *p; /* current position in the line */
    unsigned line;
    uint8_t *typed; /* per temp: its type is known */
    char *err;
    size_t errlen;
    bool failed;
};

static bool fail(struct parser *ps, const char *fmt, ...)
{
    if (ps->failed)
        return false;
    int n = snprintf(ps->err, ps->errlen, "line %u: ", ps->line);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < ps->errlen)
        vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    ps->failed = true;
    return false;
}

static void skip_spaces(struct parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t')
        ps->p++;
}

/* A word: letters, digits, '_' and '.'; copied into buf. */
static bool word(struct parser *ps, char *buf, size_t len)
{
    skip_spaces(ps);
    size_t n = 0;
    while (isalnum((unsigned char)ps->p[n]) || ps->p[n] == '_' || ps->p[n] == '.')
        n++;
    if (n == 0 || n >= len)
        return fail(ps, "expected a name at '%.20s'", ps->p);
    memcpy(buf, ps->p, n);
    buf[n] = '\0';
    ps->p += n;
    return true;
}

static bool expect(struct parser *ps, const char *s)
{
    skip_spaces(ps);
    size_t n = strlen(s);
    if (strncmp(ps->p, s, n) != 0)
        return fail(ps, "expected '%s' at '%.20s'", s, ps->p);
    ps->p += n;
    return true;
}

static bool number(struct parser *ps, const char *text, uint64_t *v)
{
    char *end;
    *v = strtoull(text, &end, 0);
    if (end == text || *end != '\0')
        return fail(ps, "bad number '%s'", text);
    return true;
}

static bool lookup_temp(struct parser *ps, const char *name, unsigned *t)
{
    const struct ir_env *env = ps->b->env;
    for (unsigned g = 0; g < env->nglobals; g++) {
        if (strcmp(env->globals[g].name, name) == 0) {
            *t = g;
            return true;
        }
    }
    if (strcmp(name, "env") == 0) {
        *t = env->nglobals;
        return true;
    }
    uint64_t n;
    if (name[0] != 't' || !isdigit((unsigned char)name[1]) || !number(ps, name + 1, &n))
        return fail(ps, "unknown temp '%s'", name);
    if (n >= IR_MAX_TEMPS - env->nglobals - 1)
        return fail(ps, "temp '%s' out of range", name);
    *t = env->nglobals + 1 + (unsigned)n;
    while (ps->b->ntemps <= *t)
        ir_new_temp(ps->b, IR_I32); /* typed when first used */
    return true;
}

/* A temp operand expected to be of type want (-1: any, typed as fallback). */
static bool temp_arg(struct parser *ps, int want, enum ir_type fallback, uint16_t *out)
{
    char name[64];
    unsigned t = 0;
    if (!word(ps, name, sizeof(name)) || !lookup_temp(ps, name, &t))
        return false;
    struct ir_block *b = ps->b;
    bool known = t <= b->env->nglobals || ps->typed[t];
    if (!known) {
        b->temp_type[t] = (uint8_t)(want >= 0 ? want : (int)fallback);
        ps->typed[t] = 1;
    } else if (want >= 0 && b->temp_type[t] != want) {
        return fail(ps, "%s is %s where %s is needed", name,
                    b->temp_type[t] == IR_I32 ? "i32" : "i64", want == IR_I32 ? "i32" : "i64");
    }
    *out = (uint16_t)t;
    return true;
}

static bool memop_arg(struct parser *ps, const char *text, uint64_t *v)
{
    unsigned bits;
    if ((text[0] != 'u' && text[0] != 's') || sscanf(text + 1, "%u", &bits) != 1)
        return fail(ps, "bad memop '%s'", text);
    unsigned size = bits == 8 ? 0 : bits == 16 ? 1 : bits == 32 ? 2 : bits == 64 ? 3 : 4;
    if (size > 3)
        return fail(ps, "bad memop '%s'", text);
    *v = size | (text[0] == 's' ? IR_MO_SIGN : 0);
    return true;
}

static bool const_arg(struct parser *ps, enum ir_const_kind k, uint64_t *v)
{
    char text[64];
    skip_spaces(ps);
    if (k == IR_K_IMM) {
        if (!expect(ps, "$"))
            return false;
    } else if (k == IR_K_OFFSET) {
        if (!expect(ps, "env+"))
            return false;
    } else if (k == IR_K_LABEL) {
        if (!expect(ps, "L"))
            return false;
    }
    if (!word(ps, text, sizeof(text)))
        return false;
    switch (k) {
    case IR_K_COND:
        for (unsigned c = 0; c < IR_COND_COUNT; c++) {
            if (strcmp(ir_cond_name((enum ir_cond)c), text) == 0) {
                *v = c;
                return true;
            }
        }
        return fail(ps, "unknown condition '%s'", text);
    case IR_K_MEMOP: return memop_arg(ps, text, v);
    case IR_K_GMEMOP: {
        uint64_t mmu;
        char mmutext[32];
        if (!memop_arg(ps, text, v) || !expect(ps, ":mmu") || !word(ps, mmutext, sizeof(mmutext)) ||
            !number(ps, mmutext, &mmu))
            return false;
        *v |= mmu << IR_MO_MMU_SHIFT;
        return true;
    }
    default: return number(ps, text, v);
    }
}

static bool ensure_label(struct parser *ps, uint64_t l)
{
    if (l >= UINT16_MAX)
        return fail(ps, "label L%llu out of range", (unsigned long long)l);
    while (ps->b->nlabels <= l)
        ir_new_label(ps->b);
    return true;
}

static bool parse_call(struct parser *ps)
{
    struct ir_block *b = ps->b;
    const char *save = ps->p;
    char name[64];
    uint16_t ret = 0;
    bool has_ret = false;
    if (!word(ps, name, sizeof(name)))
        return false;
    skip_spaces(ps);
    if (*ps->p == '=') {
        ps->p = save;
        has_ret = true;
        if (!temp_arg(ps, -1, IR_I32, &ret) || !expect(ps, "=") || !word(ps, name, sizeof(name)))
            return false;
    }
    unsigned h = 0;
    while (h < b->env->nhelpers && strcmp(b->env->helpers[h].name, name) != 0)
        h++;
    if (h == b->env->nhelpers)
        return fail(ps, "unknown helper '%s'", name);
    const struct ir_helper *hp = &b->env->helpers[h];
    if (has_ret != (hp->ret != IR_HT_VOID))
        return fail(ps, "helper %s %s a result", name, has_ret ? "returns no" : "returns");
    enum ir_type rt = hp->ret == IR_HT_I64 ? IR_I64 : hp->ret == IR_HT_I32 ? IR_I32 : IR_PTR;
    if (has_ret && b->temp_type[ret] != rt)
        return fail(ps, "result of %s has the wrong type", name);
    struct ir_op *op = ir_emit(b, IR_OP_call, has_ret ? rt : IR_I32);
    op->nout = has_ret;
    op->nin = hp->nargs;
    op->args[0] = ret;
    op->cargs[0] = h;
    if (!expect(ps, "("))
        return false;
    for (unsigned i = 0; i < hp->nargs; i++) {
        enum ir_htype at = hp->args[i];
        int want = at == IR_HT_I64 ? IR_I64 : at == IR_HT_I32 ? IR_I32 : IR_PTR;
        if ((i && !expect(ps, ",")) || !temp_arg(ps, want, IR_I32, &op->args[op->nout + i]))
            return false;
    }
    return expect(ps, ")");
}

static bool find_op(struct parser *ps, char *name, unsigned *opc, enum ir_type *type)
{
    size_t n = strlen(name);
    *type = IR_I32;
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned i = 0; i < IR_OP_COUNT; i++) {
            if (strcmp(ir_opdefs[i].name, name) == 0) {
                *opc = i;
                return true;
            }
        }
        if (pass == 0 && n > 4 &&
            (strcmp(name + n - 4, "_i32") == 0 || strcmp(name + n - 4, "_i64") == 0)) {
            *type = name[n - 2] == '6' ? IR_I64 : IR_I32;
            name[n - 4] = '\0';
        }
    }
    return fail(ps, "unknown op '%s'", name);
}

/* Which type operand i (outputs first) of an op must have; -1: not fixed. */
static int operand_type(const struct ir_op *op, unsigned i)
{
    unsigned flags = ir_opdefs[op->opc].flags;
    bool input = i >= op->nout;
    if (flags & IR_OPF_WIDEN)
        return input ? IR_I32 : IR_I64;
    if (flags & IR_OPF_NARROW)
        return input ? IR_I64 : IR_I32;
    if ((op->opc == IR_OP_guest_ld && i == 1) || (op->opc == IR_OP_guest_st && i == 1))
        return -1; /* the address has its own width */
    return op->type;
}

static bool parse_op(struct parser *ps)
{
    char name[64];
    unsigned opc = 0;
    enum ir_type type = IR_I32;
    if (!word(ps, name, sizeof(name)))
        return false;
    if (strcmp(name, "call") == 0)
        return parse_call(ps);
    if (!find_op(ps, name, &opc, &type))
        return false;
    const struct ir_opdef *def = &ir_opdefs[opc];
    if (def->flags & IR_OPF_WIDEN)
        type = IR_I64;
    struct ir_op *op = ir_emit(ps->b, (enum ir_opcode)opc, type);
    if (opc == IR_OP_insn_start || opc == IR_OP_exit_tb)
        op->type = IR_I64;
    const char *sep = "";
    for (unsigned i = 0; i < ir_op_ntemps(op); i++, sep = ",") {
        if (!expect(ps, sep) || !temp_arg(ps, operand_type(op, i), type, &op->args[i]))
            return false;
    }
    for (unsigned i = 0; i < def->nconst; i++, sep = ",") {
        if (!expect(ps, sep) || !const_arg(ps, (enum ir_const_kind)def->kind[i], &op->cargs[i]))
            return false;
        if (def->kind[i] == IR_K_LABEL && !ensure_label(ps, op->cargs[i]))
            return false;
    }
    return true;
}

static bool parse_line(struct parser *ps)
{
    skip_spaces(ps);
    if (*ps->p == '\0' || *ps->p == '#')
        return true;
    if (ps->p[0] == 'L' && isdigit((unsigned char)ps->p[1])) { /* op names are lower case */
        char text[32];
        uint64_t l;
        ps->p++;
        if (!word(ps, text, sizeof(text)) || !number(ps, text, &l) || !expect(ps, ":") ||
            !ensure_label(ps, l))
            return false;
        ir_emit(ps->b, IR_OP_set_label, IR_I32)->cargs[0] = l;
    } else if (!parse_op(ps)) {
        return false;
    }
    skip_spaces(ps);
    if (*ps->p != '\0')
        return fail(ps, "unexpected '%.20s'", ps->p);
    return true;
}

bool ir_parse(struct ir_block *b, const char *text, char *err, size_t errlen)
{
    struct parser ps = {.b = b, .err = err, .errlen = errlen};
    ps.typed = calloc(IR_MAX_TEMPS, 1);
    char *copy = strdup(text);
    if (!ps.typed || !copy) {
        free(ps.typed);
        free(copy);
        snprintf(err, errlen, "out of memory");
        return false;
    }
    for (unsigned t = b->env->nglobals + 1; t < b->ntemps; t++)
        ps.typed[t] = 1; /* temps made before parsing keep their types */
    bool ok = true;
    for (char *line = copy, *next; ok && line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        ps.line++;
        ps.p = line;
        ok = parse_line(&ps);
    }
    free(ps.typed);
    free(copy);
    return ok && !b->overflow;
}
