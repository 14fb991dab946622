/* jit86-translate's host-code view: the backend's listing (translator_describe)
 * split per guest instruction and annotated: softmmu TLB fast path, jumps to
 * the out-of-line slow paths, restore records, goto_tb slots. x86-64 and
 * AArch64 listings have one format; the annotations read each ISA's forms. */
#include "translate.h"

#include "frontend/cpu-state.h"
#include "translator/translator.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct xl_host {
    const struct tb *tb;
    const struct ir_block *opt; /* the optimized block */
    bool aarch64;
    uint32_t *starts; /* host instruction offsets, sorted */
    unsigned nstarts;
    uint32_t main_end; /* where the out-of-line slow paths begin */
    bool slot_used[2];
    int tlb_entry_reg; /* AArch64: register pointing at the TLB entry, -1 none */
    bool tlb_addend;   /* AArch64: x16 holds the addend just loaded */
};

static const char *cc_op_name(uint64_t v)
{
    static const char *const names[] = {"EFLAGS",
#define X(k) #k "B", #k "W", #k "L",
                                        X86_CC_KINDS(X)
#undef X
    };
    return v < sizeof(names) / sizeof(names[0]) ? names[v] : "DYNAMIC";
}

/* Absolute host addresses are not stable from run to run: code buffer
 * addresses become tb-relative, others (helpers, the tb struct) a name. */
static const char *addr_name(const struct xl_host *h, unsigned long long v, char *tmp, size_t len)
{
    uintptr_t tc = (uintptr_t)h->tb->tc_ptr;
    if (v >= (uintptr_t)h->tb && v < (uintptr_t)h->tb + 8)
        snprintf(tmp, len, "<tb>|%llu", v - (uintptr_t)h->tb);
    else if (v >= tc && v < tc + h->tb->tc_size)
        snprintf(tmp, len, "tb+0x%llx", v - tc);
    else if (v < tc && tc - v < XL_CODE_SIZE)
        snprintf(tmp, len, "tb-0x%llx", tc - v);
    else if (v > 0xffffffffull && v < 0xffff800000000000ull)
        return "<host function>";
    else
        return NULL;
    return tmp;
}

static void normalize_ops(const struct xl_host *h, const char *in, char *out, size_t len)
{
    size_t o = 0;
    while (*in && o + 1 < len) {
        char *end;
        if (in[0] == '0' && in[1] == 'x') {
            unsigned long long v = strtoull(in, &end, 16);
            char tmp[48];
            const char *name = addr_name(h, v, tmp, sizeof(tmp));
            if (name) {
                o += (size_t)snprintf(out + o, len - o, "%s", name);
                in = end;
                continue;
            }
            size_t n = (size_t)(end - in);
            if (o + n >= len)
                break;
            memcpy(out + o, in, n);
            o += n;
            in = end;
            continue;
        }
        out[o++] = *in++;
    }
    out[o < len ? o : len - 1] = '\0';
}

/* The TLB array inside env (softmmu/tlb.h's entry layout). */
static const char *tlb_field(const char *ops)
{
    const size_t lo = offsetof(CPUX86State, tlb) + offsetof(struct mmu_tlb, table);
    const size_t hi = lo + sizeof(((struct mmu_tlb *)0)->table);
    const char *br = strchr(ops, '[');
    const char *hex = br ? strstr(br, "0x") : NULL;
    if (!hex || (strchr(br, ']') && hex > strchr(br, ']')))
        return NULL;
    unsigned long long d = strtoull(hex, NULL, 16);
    if (d < lo || d >= hi)
        return NULL;
    static const char *const field[] = {"read tag", "write tag", "code tag", "addend"};
    return field[((d - lo) % sizeof(struct mmu_tlb_entry)) / 8 % 4];
}

static uint32_t next_start(const struct xl_host *h, uint32_t off)
{
    for (unsigned i = 0; i < h->nstarts; i++)
        if (h->starts[i] > off)
            return h->starts[i];
    return h->tb->tc_size;
}

/* A branch in the hot section whose target (the hex in ops) is a slow path. */
static void annotate_slow_jump(const struct xl_host *h, uint32_t off, const char *ops,
                               struct xl_text *t)
{
    uintptr_t tc = (uintptr_t)h->tb->tc_ptr;
    const char *hex = strstr(ops, "0x");
    if (!hex || off >= h->main_end)
        return;
    unsigned long long v = strtoull(hex, NULL, 16);
    if (v >= tc + h->main_end && v < tc + h->tb->tc_size)
        xl_printf(t, "   ; to the out-of-line slow path");
}

static void annotate_x86(struct xl_host *h, uint32_t off, const char *mnem, const char *ops,
                         struct xl_text *t)
{
    const char *f = tlb_field(ops);
    if (f)
        xl_printf(t, "   ; softmmu fast path: TLB entry %s", f);
    if (mnem[0] == 'j')
        annotate_slow_jump(h, off, ops, t);
}

static bool is_a64_branch(const char *mnem)
{
    return strcmp(mnem, "b") == 0 || strncmp(mnem, "b.", 2) == 0 || strcmp(mnem, "cbz") == 0 ||
           strcmp(mnem, "cbnz") == 0 || strcmp(mnem, "tbz") == 0 || strcmp(mnem, "tbnz") == 0;
}

/* Whole-operand matches of the forms gen_guest_tlb writes. */
static bool a64_entry_addr(const char *ops, int *reg)
{
    int n = 0, src;
    return sscanf(ops, "x%d, x19, x%d, lsl #%*d%n", reg, &src, &n) == 2 && n && *reg == src;
}
static bool a64_add_imm_to(const char *ops, int reg)
{
    int d, s, n = 0;
    return sscanf(ops, "x%d, x%d, #%*i%n", &d, &s, &n) == 2 && n && d == reg && s == reg;
}
static bool a64_load_from(const char *ops, int reg, unsigned long long *disp)
{
    int base, n = 0;
    *disp = 0;
    if (sscanf(ops, "x%*d, [x%d%n", &base, &n) != 1 || !n || base != reg)
        return false;
    if (ops[n] == ',' && sscanf(ops + n, ", #%lli", disp) != 1)
        return false;
    return true;
}

/* The fast path (aarch64-ops.c gen_guest_tlb): UBFX takes the index out of
 * the address, ADD xT, x19, xT, LSL #5 and ADDs of the table's env offset
 * make the entry address, LDRs from xT read a tag and the addend at their
 * offsets in the entry, and the access itself is at [x16 = addend, addr]. */
static void annotate_a64_tlb(struct xl_host *h, const char *mnem, const char *ops,
                             struct xl_text *t)
{
    static const char *const field[] = {"read tag", "write tag", "code tag", "addend"};
    const size_t esize = sizeof(struct mmu_tlb_entry);
    unsigned long long d;
    int reg;
    if (strcmp(mnem, "ubfx") == 0) {
        xl_printf(t, "   ; softmmu fast path: TLB index = page number bits of the address");
    } else if (strcmp(mnem, "add") == 0 && a64_entry_addr(ops, &reg)) {
        h->tlb_entry_reg = reg;
        xl_printf(t, "   ; softmmu fast path: env + index * %zu", esize);
    } else if (strcmp(mnem, "add") == 0 && a64_add_imm_to(ops, h->tlb_entry_reg)) {
        xl_printf(t, "   ; softmmu fast path: + the TLB's offset in env = entry address");
    } else if (strcmp(mnem, "ldr") == 0 && a64_load_from(ops, h->tlb_entry_reg, &d)) {
        xl_printf(t, "   ; softmmu fast path: TLB entry %s", field[(d % esize) / 8 % 4]);
        h->tlb_addend = field[(d % esize) / 8 % 4] == field[3];
    } else if (h->tlb_addend && strstr(ops, "[x16, x")) {
        xl_printf(t, "   ; softmmu fast path: the access at addend + address");
        h->tlb_addend = false;
    }
}

static void annotate_a64(struct xl_host *h, uint32_t off, const char *mnem, const char *ops,
                         struct xl_text *t)
{
    annotate_a64_tlb(h, mnem, ops, t);
    if (is_a64_branch(mnem))
        annotate_slow_jump(h, off, ops, t);
}

/* What both ISAs' listings get: goto_tb slots and restore records (the
 * host offset of a call's return address, which ends the call). */
static void annotate(struct xl_host *h, uint32_t off, const char *mnem, const char *ops,
                     struct xl_text *t)
{
    uint32_t next = next_start(h, off);
    if (h->aarch64)
        annotate_a64(h, off, mnem, ops, t);
    else
        annotate_x86(h, off, mnem, ops, t);
    for (unsigned s = 0; s < 2; s++)
        if (h->slot_used[s] && h->tb->jmp[s].patch_offset == off)
            xl_printf(t, "   ; goto_tb slot %u: patched to the next block when chained", s);
    for (unsigned k = 0; k < h->tb->nrestore; k++) {
        const struct tb_restore_rec *rr = &h->tb->restore[k];
        if (rr->host_off > off && rr->host_off <= next)
            xl_printf(t, "   ; restore record: eip=0x%" PRIx64 " cc_op=%s", rr->data[0],
                      cc_op_name(rr->data[1]));
    }
}

/* One host instruction line of a native listing: "  0xOFF:  mnem ops". */
static bool parse_host_line(const char *line, uint32_t *off, char *mnem, char *ops)
{
    unsigned o;
    int pos = 0;
    if (sscanf(line, "  0x%x:  %31s%n", &o, mnem, &pos) < 2)
        return false;
    const char *rest = line + pos;
    while (*rest == ' ')
        rest++;
    size_t n = strcspn(rest, "\n"); /* the line may be one of a whole text */
    snprintf(ops, 160, "%.*s", (int)n, rest);
    *off = o;
    return true;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* AArch64 builds 64-bit host addresses 16 bits at a time (MOVZ, then MOVK
 * ..., LSL #16/32/48): the pieces of such an address are printed as the
 * bits of its name, since the address itself changes from run to run. */
struct a64_piece {
    uint32_t off;
    char reg[8];
    unsigned shift;
};
struct a64_imms {
    struct a64_piece seq[4]; /* the sequence being read */
    unsigned nseq;
    unsigned long long value;
    struct {
        uint32_t off;
        char text[72];
    } * named;
    unsigned nnamed, cap;
};

static void a64_seq_end(const struct xl_host *h, struct a64_imms *m)
{
    char tmp[48];
    const char *name = m->nseq > 1 ? addr_name(h, m->value, tmp, sizeof(tmp)) : NULL;
    for (unsigned i = 0; name && i < m->nseq; i++) {
        if (m->nnamed == m->cap) {
            unsigned cap = m->cap ? 2 * m->cap : 16;
            void *p = realloc(m->named, cap * sizeof(*m->named));
            if (!p)
                break;
            m->named = p;
            m->cap = cap;
        }
        const struct a64_piece *pc = &m->seq[i];
        m->named[m->nnamed].off = pc->off;
        snprintf(m->named[m->nnamed++].text, sizeof(m->named->text), "%s, #%s[%u:%u]", pc->reg,
                 name, pc->shift + 15, pc->shift);
    }
    m->nseq = 0;
}

static void a64_seq_add(const struct xl_host *h, struct a64_imms *m, uint32_t off, const char *mnem,
                        const char *ops)
{
    char reg[8];
    unsigned long long imm;
    bool movk = strcmp(mnem, "movk") == 0;
    bool start = strcmp(mnem, "movz") == 0 || strcmp(mnem, "mov") == 0;
    if (sscanf(ops, "%7[^,], #%lli", reg, &imm) != 2 || (!movk && !start)) {
        a64_seq_end(h, m);
        return;
    }
    const char *lsl = strstr(ops, "lsl #");
    unsigned shift = lsl ? (unsigned)atoi(lsl + 5) : 0;
    if (movk && (!m->nseq || strcmp(m->seq[0].reg, reg) != 0 || m->nseq == 4)) {
        a64_seq_end(h, m);
        return;
    }
    if (start) {
        a64_seq_end(h, m);
        m->value = 0;
    }
    /* Capstone shows a MOVZ's immediate already shifted, a MOVK's not. */
    m->value |= start ? imm : (imm & 0xffff) << shift;
    struct a64_piece *pc = &m->seq[m->nseq++];
    pc->off = off;
    pc->shift = start ? (lsl ? shift : 0) : shift;
    snprintf(pc->reg, sizeof(pc->reg), "%s", reg);
}

static const char *a64_named(const struct a64_imms *m, uint32_t off)
{
    for (unsigned i = 0; i < m->nnamed; i++)
        if (m->named[i].off == off)
            return m->named[i].text;
    return NULL;
}

/* The native backends' interleaved listing (translator_describe): IR op
 * lines, then the host instructions they became, "  0xOFF:  mnem ops"; a
 * first pass finds where instructions and the slow paths start. */
static void scan_native(struct xl_host *h, const char *text, struct a64_imms *m)
{
    char mnem[32], ops[160];
    uint32_t off;
    bool slow = false;
    h->main_end = h->tb->tc_size;
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (strncmp(l, " -- slow paths\n", 15) == 0)
            slow = true;
        if (!h->starts || !parse_host_line(l, &off, mnem, ops))
            continue;
        if (slow && off < h->main_end)
            h->main_end = off;
        h->starts[h->nstarts++] = off;
        if (h->aarch64)
            a64_seq_add(h, m, off, mnem, ops);
    }
    a64_seq_end(h, m);
    if (h->starts)
        qsort(h->starts, h->nstarts, sizeof(*h->starts), cmp_u32);
}

static void host_native(struct xl_result *r, struct xl_host *h, char *text)
{
    struct a64_imms m = {.nseq = 0};
    h->starts = calloc(h->tb->tc_size + 1, sizeof(*h->starts));
    h->tlb_entry_reg = -1;
    scan_native(h, text, &m);
    char mnem[32], ops[160], norm[200];
    uint32_t off;
    struct xl_text *cur = &r->entry_host;
    char *save = NULL;
    for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        uint64_t eip;
        if (strncmp(l, " insn_start ", 12) == 0 && sscanf(l + 12, "$0x%" SCNx64, &eip) == 1) {
            int k = xl_insn_index(r, eip);
            if (k >= 0)
                cur = &r->insn[k].host;
        } else if (strcmp(l, " -- slow paths") == 0) {
            cur = &r->slow_host;
        } else if (parse_host_line(l, &off, mnem, ops)) {
            const char *named = a64_named(&m, off);
            if (named)
                snprintf(norm, sizeof(norm), "%s", named);
            else
                normalize_ops(h, ops, norm, sizeof(norm));
            xl_printf(cur, "  %04x  %-7s %s", off, mnem, norm);
            annotate(h, off, mnem, ops, cur);
            xl_printf(cur, "\n");
        }
    }
    free(m.named);
    free(h->starts);
}

/* The interpreter runs the optimized ops themselves: its listing is
 * "NNNN: op"; the annotations come from the ops' own properties. */
static void host_interp(struct xl_result *r, const struct xl_host *h, char *text)
{
    struct xl_text *cur = &r->entry_host;
    uint64_t eip = 0, cc = 0;
    char *save = NULL;
    for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        unsigned idx;
        int pos = 0;
        if (sscanf(l, "%u:%n", &idx, &pos) < 1 || idx >= h->opt->nops)
            continue;
        const struct ir_op *op = &h->opt->ops[idx];
        if (op->opc == IR_OP_insn_start) {
            int k = xl_insn_index(r, op->cargs[0]);
            if (k >= 0)
                cur = &r->insn[k].host;
            eip = op->cargs[0];
            cc = op->cargs[1];
        }
        xl_printf(cur, "  %04u %s", idx, l + pos);
        if (ir_op_may_raise(h->opt, op))
            xl_printf(cur, "   ; restore record: eip=0x%" PRIx64 " cc_op=%s", eip, cc_op_name(cc));
        if (op->opc == IR_OP_goto_tb)
            xl_printf(cur, "   ; goto_tb slot %u: follows tb->jmp[%u] when chained",
                      (unsigned)op->cargs[0], (unsigned)op->cargs[0]);
        if (op->opc == IR_OP_guest_ld || op->opc == IR_OP_guest_st)
            xl_printf(cur, "   ; softmmu: TLB fast path inline in the handler, helper on a miss");
        xl_printf(cur, "\n");
    }
}

void xl_host_code(struct xl_result *r, struct translator *tr, const struct tb *tb,
                  const struct ir_block *opt)
{
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    if (!f)
        return;
    translator_describe(tr, tb, f);
    fclose(f);
    struct xl_host h = {.tb = tb, .opt = opt, .aarch64 = strcmp(r->opt.backend, "aarch64") == 0};
    for (unsigned i = 0; i < opt->nops; i++)
        if (opt->ops[i].opc == IR_OP_goto_tb && opt->ops[i].cargs[0] < 2)
            h.slot_used[opt->ops[i].cargs[0]] = true;
    r->host_bytes = tb->tc_size;
    r->nrestore = tb->nrestore;
    if (strcmp(r->opt.backend, "interp") == 0)
        host_interp(r, &h, text);
    else
        host_native(r, &h, text);
    free(text);
}
