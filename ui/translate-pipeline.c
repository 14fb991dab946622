/* jit86-translate's pipeline: the guest bytes go into a small machine's RAM
 * and through the real stages (frontend decoder and lifter, each optimizer
 * pass, the chosen backend), recorded per guest instruction. */
#include "translate.h"

#include "cpu/cpu.h"
#include "frontend/lift.h"
#include "translator/log.h"
#include "translator/translator.h"

#include <capstone/capstone.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define XL_RAM (4u << 20)

void xl_printf(struct xl_text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (t->len + (size_t)n + 1 > t->cap) {
        size_t cap = (t->cap ? t->cap * 2 : 256) + (size_t)n;
        char *s = realloc(t->s, cap);
        if (!s)
            return;
        t->s = s;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

const char *xl_str(const struct xl_text *t)
{
    return t->s ? t->s : "";
}

void xl_free(struct xl_text *t)
{
    free(t->s);
    *t = (struct xl_text){0};
}

/* ---- the machine ---- */

struct xl_machine {
    struct mmu_phys_space *space;
    struct x86_cpu *cpu;
    uint64_t code_end; /* the snippet's end: fetches past it fault */
};

/* Code fetch as the CPU's: at most up to the end of the page. */
static int xl_fetch(void *opaque, uint64_t addr, uint8_t *buf, unsigned max)
{
    struct xl_machine *m = opaque;
    if (addr >= m->code_end)
        return -1; /* an instruction cut off by the end of the given bytes */
    unsigned room = MMU_PAGE_SIZE - (unsigned)(addr & MMU_PAGE_OFFSET);
    unsigned n = max < room ? max : room;
    if (n > m->code_end - addr)
        n = (unsigned)(m->code_end - addr);
    mmu_phys_read(m->space, addr, buf, n);
    return (int)n;
}

static bool machine_new(struct xl_machine *m, const struct xl_options *opt, char *err,
                        size_t errlen)
{
    /* Only emitted, never run: the AArch64 backend's code on any host. */
    const struct tb_backend *be = translator_backend_for_listing(opt->backend);
    if (!be) {
        snprintf(err, errlen, "backend '%s' is not compiled in (x86_64, aarch64 or interp)",
                 opt->backend);
        return false;
    }
    m->space = mmu_phys_new(XL_RAM);
    if (!m->space) {
        snprintf(err, errlen, "cannot allocate guest memory");
        return false;
    }
    /* The low half of RAM at 0; code placed higher gets the other half mapped
     * at its page (info tb of a kernel at 0xc0100000). */
    mmu_phys_map_ram(m->space, 0, XL_RAM / 2, 0, 0);
    uint64_t page = opt->addr & ~(uint64_t)MMU_PAGE_OFFSET;
    if (opt->addr + opt->len + MMU_PAGE_SIZE > XL_RAM / 2 &&
        !mmu_phys_map_ram(m->space, page, XL_RAM / 2, XL_RAM / 2, 1)) {
        snprintf(err, errlen, "cannot place code at 0x%x", (unsigned)opt->addr);
        return false;
    }
    mmu_phys_set_a20(m->space, true);
    struct cpu_config cfg = {.space = m->space, .backend = be, .code_size = XL_CODE_SIZE};
    m->cpu = cpu_new(&cfg);
    if (!m->cpu) {
        snprintf(err, errlen, "cannot create the CPU");
        return false;
    }
    mmu_phys_write(m->space, opt->addr, opt->code, opt->len);
    m->code_end = (uint64_t)opt->addr + opt->len;
    return true;
}

static void machine_free(struct xl_machine *m)
{
    cpu_free(m->cpu);
    mmu_phys_free(m->space);
}

/* ---- guest instructions: jit86's decoder beside Capstone ---- */

static void describe_decoded(const struct x86_instr *in, char *buf, size_t len)
{
    static const char *const maps[] = {"", "0f ", "0f38 ", "0f3a "};
    int n = snprintf(buf, len, "%s  opcode %s%02x", x86_instr_name(in),
                     in->map < 4 ? maps[in->map] : "? ", in->opcode);
    if (in->has_modrm)
        n += snprintf(buf + n, len - (size_t)n, " modrm %02x", in->modrm);
    n += snprintf(buf + n, len - (size_t)n, "  o%u a%u", in->osize * 8u, in->asize * 8u);
    if (in->imm_size)
        n += snprintf(buf + n, len - (size_t)n, "  imm %#" PRIx64, (uint64_t)in->imm);
    for (unsigned i = 0; i < in->nops && (size_t)n < len; i++) {
        if (in->op[i].kind != X86_OPK_MEM)
            continue;
        static const char seg[6][3] = {"es", "cs", "ss", "ds", "fs", "gs"};
        n += snprintf(buf + n, len - (size_t)n, "  mem %s:[", seg[in->mem.seg % 6]);
        static const char r32[8][4] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
        static const char r16[8][3] = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"};
        int base = in->mem.base, index = in->mem.index;
        if (base >= 0)
            n += snprintf(buf + n, len - (size_t)n, "%s",
                          in->asize == 2 ? r16[base & 7] : r32[base & 7]);
        if (index >= 0)
            n += snprintf(buf + n, len - (size_t)n, "+%s*%u",
                          in->asize == 2 ? r16[index & 7] : r32[index & 7], 1u << in->mem.scale);
        bool reg = in->mem.base >= 0 || in->mem.index >= 0;
        int32_t d = in->mem.disp;
        if (!reg)
            snprintf(buf + n, len - (size_t)n, "0x%x]", (unsigned)d);
        else if (d)
            snprintf(buf + n, len - (size_t)n, "%c0x%x]", d < 0 ? '-' : '+',
                     d < 0 ? 0u - (unsigned)d : (unsigned)d);
        else
            snprintf(buf + n, len - (size_t)n, "]");
        break;
    }
}

static void decode_insns(struct xl_machine *m, struct xl_result *r, uint32_t size, unsigned max)
{
    csh cs;
    bool have_cs =
        cs_open(CS_ARCH_X86, r->opt.mode == 16 ? CS_MODE_16 : CS_MODE_32, &cs) == CS_ERR_OK;
    uint32_t addr = r->opt.addr;
    while (addr < r->opt.addr + size && r->ninsns < max) {
        struct xl_insn *xi = &r->insn[r->ninsns];
        uint8_t bytes[16] = {0};
        int got = xl_fetch(m, addr, bytes, 15);
        if (got > 0 && got < 15) {
            int more = xl_fetch(m, addr + (unsigned)got, bytes + got, 15 - (unsigned)got);
            got += more > 0 ? more : 0;
        }
        struct x86_instr in;
        enum x86_decode_status st = x86_decode_buf(&in, bytes, got > 0 ? (unsigned)got : 0,
                                                   r->opt.mode / 8, CPU_FEATURES_IMPLEMENTED, addr);
        xi->addr = addr;
        if (st == X86_DECODE_FETCH_FAULT) {
            xi->len = got > 0 ? (unsigned)got : 1;
            snprintf(xi->decoded, sizeof(xi->decoded),
                     "(incomplete: the given bytes end inside this instruction)");
        } else {
            xi->len = in.len ? in.len : 1;
            describe_decoded(&in, xi->decoded, sizeof(xi->decoded));
            if (st != X86_DECODE_OK) {
                size_t n = strlen(xi->decoded);
                snprintf(xi->decoded + n, sizeof(xi->decoded) - n, "  -> %s",
                         st == X86_DECODE_UD ? "#UD (undefined here)" : "#GP (over 15 bytes)");
            }
        }
        memcpy(xi->bytes, bytes, xi->len);
        cs_insn *ci;
        if (have_cs && cs_disasm(cs, bytes, xi->len, addr, 1, &ci) == 1) {
            snprintf(xi->capstone, sizeof(xi->capstone), "%s %s", ci->mnemonic, ci->op_str);
            cs_free(ci, 1);
        } else {
            snprintf(xi->capstone, sizeof(xi->capstone), "(not decoded by Capstone)");
        }
        addr += xi->len;
        r->ninsns++;
    }
    if (have_cs)
        cs_close(&cs);
}

/* ---- IR, per guest instruction ---- */

int xl_insn_index(const struct xl_result *r, uint64_t eip)
{
    for (unsigned i = 0; i < r->ninsns; i++)
        if (r->insn[i].addr == (uint32_t)(eip + r->opt.cs_base))
            return (int)i;
    return -1;
}

static void print_op(const struct ir_block *b, const struct ir_op *op, struct xl_text *t)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    if (!f)
        return;
    ir_print_op(b, op, f);
    fclose(f);
    xl_printf(t, "%s", s);
    free(s);
}

/* Splits b's ops at its insn_start markers: ops before the first one are the
 * block entry (the budget check, which also catches exit requests). */
static void split_ir(struct xl_result *r, const struct ir_block *b, bool optimized)
{
    struct xl_text *cur = optimized ? &r->entry_ir_opt : &r->entry_ir;
    for (unsigned i = 0; i < b->nops; i++) {
        const struct ir_op *op = &b->ops[i];
        if (op->opc == IR_OP_insn_start) {
            int k = xl_insn_index(r, op->cargs[0]);
            if (k >= 0)
                cur = optimized ? &r->insn[k].ir_opt : &r->insn[k].ir;
        }
        print_op(b, op, cur);
    }
}

/* ---- optimizer passes: what each one removed or rewrote ---- */

static char **op_lines(const struct ir_block *b)
{
    char **lines = calloc(b->nops + 1, sizeof(*lines));
    for (unsigned i = 0; lines && i < b->nops; i++) {
        struct xl_text t = {0};
        print_op(b, &b->ops[i], &t);
        if (t.len && t.s[t.len - 1] == '\n')
            t.s[--t.len] = '\0';
        lines[i] = t.s ? t.s : strdup("");
    }
    return lines;
}

static void free_lines(char **lines, unsigned n)
{
    for (unsigned i = 0; lines && i < n; i++)
        free(lines[i]);
    free(lines);
}

/* Longest common subsequence of two op listings: the ops a pass kept. */
static void diff_lines(char **a, unsigned na, char **b, unsigned nb, struct xl_text *out)
{
    unsigned *L = calloc((size_t)(na + 1) * (nb + 1), sizeof(*L));
    if (!L)
        return;
#define AT(i, j) L[(size_t)(i) * (nb + 1) + (j)]
    for (unsigned i = na; i-- > 0;)
        for (unsigned j = nb; j-- > 0;)
            AT(i, j) = strcmp(a[i], b[j]) == 0       ? AT(i + 1, j + 1) + 1
                       : AT(i + 1, j) > AT(i, j + 1) ? AT(i + 1, j)
                                                     : AT(i, j + 1);
    unsigned i = 0, j = 0;
    while (i < na || j < nb) {
        if (i < na && j < nb && strcmp(a[i], b[j]) == 0) {
            i++, j++;
        } else if (i < na && (j == nb || AT(i + 1, j) >= AT(i, j + 1))) {
            xl_printf(out, "-%s\n", a[i++]);
        } else {
            xl_printf(out, "+%s\n", b[j++]);
        }
    }
#undef AT
    free(L);
}

static void run_passes(struct xl_result *r, const struct ir_block *b)
{
    struct ir_block work;
    ir_block_init(&work, b->env);
    ir_block_copy(&work, b);
    unsigned n;
    const struct translator_pass *p = translator_passes(&n);
    for (unsigned k = 0; k < n && k < XL_MAX_PASSES; k++) {
        struct xl_pass *xp = &r->pass[r->npasses++];
        xp->name = p[k].name;
        xp->before = work.nops;
        char **before = op_lines(&work);
        p[k].run(&work);
        char **after = op_lines(&work);
        xp->after = work.nops;
        if (before && after)
            diff_lines(before, xp->before, after, xp->after, &xp->diff);
        free_lines(before, xp->before);
        free_lines(after, xp->after);
    }
    r->ops_after = work.nops;
    split_ir(r, &work, true);
    ir_block_destroy(&work);
}

/* ---- the whole pipeline ---- */

static void setup_mode(CPUX86State *env, const struct xl_options *opt)
{
    static const uint32_t code32 =
        X86_DESC_P | X86_DESC_S | (0xBu << X86_DESC_TYPE_SHIFT) | X86_DESC_B | X86_DESC_G;
    static const uint32_t data32 =
        X86_DESC_P | X86_DESC_S | (0x3u << X86_DESC_TYPE_SHIFT) | X86_DESC_B | X86_DESC_G;
    for (unsigned s = 0; s < 6; s++) {
        if (opt->mode == 16) {
            cpu_load_seg_real(env, s, s == X86_SEG_CS ? (uint16_t)(opt->cs_base >> 4) : 0);
            continue;
        }
        env->segs[s] = (struct x86_segment){.base = s == X86_SEG_CS ? opt->cs_base : 0,
                                            .limit = 0xffffffffu,
                                            .flags = s == X86_SEG_CS ? code32 : data32,
                                            .selector = s == X86_SEG_CS ? 0x08 : 0x10};
    }
    if (opt->mode == 32)
        env->cr[0] |= X86_CR0_PE;
    env->eip = opt->addr - opt->cs_base;
    cpu_update_hflags(env);
}

bool xl_translate(const struct xl_options *opt, struct xl_result *r, char *err, size_t errlen)
{
    *r = (struct xl_result){.opt = *opt};
    struct xl_machine m = {0};
    if (!machine_new(&m, opt, err, errlen)) {
        machine_free(&m);
        return false;
    }
    CPUX86State *env = cpu_env(m.cpu);
    setup_mode(env, opt);
    /* As many instructions as the snippet holds: the block must not run on
     * into the zeros after it. */
    decode_insns(&m, r, (uint32_t)opt->len, XL_MAX_INSNS);
    unsigned want = r->ninsns;
    r->ninsns = 0;
    struct translator *tr = cpu_translator(m.cpu);
    struct ir_block *b = translator_block(tr);
    struct x86_lift_config lc = {
        .fetch = xl_fetch,
        .opaque = &m,
        .features = CPU_FEATURES_IMPLEMENTED,
        .cs_base = opt->cs_base,
        .eip = opt->addr - opt->cs_base,
        .hflags = env->hflags,
        .mmu_idx = MMU_IDX_NOPAGING,
        .max_insns = want,
        .fpu = true,
    };
    struct x86_lift_result res;
    x86_lift_block(b, &lc, &res);
    r->guest_bytes = res.size;
    decode_insns(&m, r, res.size, res.ninsns);
    r->ops_before = b->nops;
    split_ir(r, b, false);
    run_passes(r, b);

    uint64_t page2 = TB_NO_PAGE;
    if ((res.last_byte >> MMU_PAGE_BITS) != (opt->addr >> MMU_PAGE_BITS)) {
        r->crosses_page = true;
        page2 = res.last_byte & ~(uint64_t)MMU_PAGE_OFFSET;
    }
    struct tb_key key = {opt->addr, opt->cs_base, env->hflags};
    /* The x86-64 backend keeps each op's host offset only while out_asm is
     * on; the log itself goes nowhere. */
    uint32_t saved_mask = log_mask;
    log_set_file("/dev/null");
    log_mask |= LOG_OUT_ASM;
    struct ir_block opt_block;
    ir_block_init(&opt_block, b->env);
    struct tb *tb = translator_commit(tr, opt->addr, &key, res.size, page2);
    log_mask = saved_mask;
    if (tb) {
        ir_block_copy(&opt_block, b); /* commit optimized the block in place */
        for (unsigned i = 0; i < opt_block.nops; i++)
            if (opt_block.ops[i].opc == IR_OP_goto_tb)
                r->nslots++;
        xl_host_code(r, tr, tb, &opt_block);
    } else {
        snprintf(err, errlen, "the block could not be translated");
    }
    ir_block_destroy(&opt_block);
    machine_free(&m);
    return tb != NULL;
}

void xl_result_free(struct xl_result *r)
{
    for (unsigned i = 0; i < r->ninsns; i++) {
        xl_free(&r->insn[i].ir);
        xl_free(&r->insn[i].ir_opt);
        xl_free(&r->insn[i].host);
    }
    for (unsigned i = 0; i < r->npasses; i++)
        xl_free(&r->pass[i].diff);
    xl_free(&r->entry_ir);
    xl_free(&r->entry_ir_opt);
    xl_free(&r->entry_host);
    xl_free(&r->slow_host);
}
