/* jit86-translate's host-code view: the backend's listing (translator_describe)
 * split per guest instruction and annotated: softmmu TLB fast path, jumps to
 * the out-of-line slow paths, restore records, goto_tb slots. */
#include "translate.h"

#include "frontend/cpu-state.h"
#include "translator/translator.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct xl_host {
    const struct tb *tb;
    const struct ir_block *opt; /* the optimized block */
    uint32_t *starts;           /* host instruction offsets, sorted */
    unsigned nstarts;
    uint32_t main_end; /* where the out-of-line slow paths begin */
    bool slot_used[2];
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
static void normalize_ops(const struct xl_host *h, const char *in, char *out, size_t len)
{
    uintptr_t tc = (uintptr_t)h->tb->tc_ptr;
    size_t o = 0;
    while (*in && o + 1 < len) {
        char *end;
        if (in[0] == '0' && in[1] == 'x') {
            unsigned long long v = strtoull(in, &end, 16);
            const char *name = NULL;
            char tmp[48];
            if (v >= (uintptr_t)h->tb && v < (uintptr_t)h->tb + 8)
                snprintf(tmp, sizeof(tmp), "<tb>|%llu", v - (uintptr_t)h->tb), name = tmp;
            else if (v >= tc && v < tc + h->tb->tc_size)
                snprintf(tmp, sizeof(tmp), "tb+0x%llx", v - tc), name = tmp;
            else if (v < tc && tc - v < (64u << 20))
                snprintf(tmp, sizeof(tmp), "tb-0x%llx", tc - v), name = tmp;
            else if (v > 0xffffffffull && v < 0xffff800000000000ull)
                name = "<host function>";
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

static void annotate_x86(const struct xl_host *h, uint32_t off, const char *mnem, const char *ops,
                         struct xl_text *t)
{
    uint32_t next = h->tb->tc_size;
    for (unsigned i = 0; i < h->nstarts; i++)
        if (h->starts[i] > off) {
            next = h->starts[i];
            break;
        }
    const char *f = tlb_field(ops);
    if (f)
        xl_printf(t, "   ; softmmu fast path: TLB entry %s", f);
    for (unsigned s = 0; s < 2; s++)
        if (h->slot_used[s] && h->tb->jmp[s].patch_offset == off)
            xl_printf(t, "   ; goto_tb slot %u: patched to the next block when chained", s);
    for (unsigned k = 0; k < h->tb->nrestore; k++) {
        const struct tb_restore_rec *rr = &h->tb->restore[k];
        if (rr->host_off > off && rr->host_off <= next)
            xl_printf(t, "   ; restore record: eip=0x%" PRIx64 " cc_op=%s", rr->data[0],
                      cc_op_name(rr->data[1]));
    }
    uintptr_t tc = (uintptr_t)h->tb->tc_ptr;
    const char *hex = mnem[0] == 'j' ? strstr(ops, "0x") : NULL;
    if (hex && off < h->main_end) {
        unsigned long long v = strtoull(hex, NULL, 16);
        if (v >= tc + h->main_end && v < tc + h->tb->tc_size)
            xl_printf(t, "   ; to the out-of-line slow path");
    }
}

/* The x86-64 backend's interleaved listing (translator_describe): IR op
 * lines, then the host instructions they became, "  0xOFF:  mnem ops". */
static bool parse_host_line(const char *line, uint32_t *off, char *mnem, char *ops)
{
    unsigned o;
    int pos = 0;
    if (sscanf(line, "  0x%x:  %31s%n", &o, mnem, &pos) < 2)
        return false;
    const char *rest = line + pos;
    while (*rest == ' ')
        rest++;
    snprintf(ops, 160, "%s", rest);
    *off = o;
    return true;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void host_x86_64(struct xl_result *r, struct xl_host *h, char *text)
{
    h->starts = calloc(h->tb->tc_size + 1, sizeof(*h->starts));
    char mnem[32], ops[160], norm[200];
    uint32_t off;
    bool slow = false;
    h->main_end = h->tb->tc_size;
    for (char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (strncmp(l, " -- slow paths\n", 15) == 0)
            slow = true;
        if (!h->starts || !parse_host_line(l, &off, mnem, ops))
            continue;
        if (slow && off < h->main_end)
            h->main_end = off;
        h->starts[h->nstarts++] = off;
    }
    if (h->starts)
        qsort(h->starts, h->nstarts, sizeof(*h->starts), cmp_u32);
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
            normalize_ops(h, ops, norm, sizeof(norm));
            xl_printf(cur, "  %04x  %-7s %s", off, mnem, norm);
            annotate_x86(h, off, mnem, ops, cur);
            xl_printf(cur, "\n");
        }
    }
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
            xl_printf(cur, "   ; softmmu: memory callback (no inline TLB fast path)");
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
    struct xl_host h = {.tb = tb, .opt = opt};
    for (unsigned i = 0; i < opt->nops; i++)
        if (opt->ops[i].opc == IR_OP_goto_tb && opt->ops[i].cargs[0] < 2)
            h.slot_used[opt->ops[i].cargs[0]] = true;
    r->host_bytes = tb->tc_size;
    r->nrestore = tb->nrestore;
    if (strcmp(r->opt.backend, "interp") == 0)
        host_interp(r, &h, text);
    else
        host_x86_64(r, &h, text);
    free(text);
}
