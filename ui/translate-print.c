/* jit86-translate's output formats: text (aligned per guest instruction),
 * JSON (the same fields, for scripts), and one self-contained HTML page where
 * clicking a guest instruction highlights its IR and host code. */
#include "translate.h"

#include <inttypes.h>
#include <string.h>

static void hex_bytes(const struct xl_insn *in, char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < in->len && o + 4 < len; i++)
        o += (size_t)snprintf(buf + o, len - o, i ? " %02x" : "%02x", in->bytes[i]);
}

static void summary(const struct xl_result *r, FILE *f)
{
    fprintf(f, "jit86-translate: %u-bit code at 0x%08" PRIx32, r->opt.mode, r->opt.addr);
    if (r->opt.cs_base)
        fprintf(f, " (CS base 0x%08" PRIx32 ", EIP 0x%08" PRIx32 ")", r->opt.cs_base,
                r->opt.addr - r->opt.cs_base);
    fprintf(f, ", backend %s\n", r->opt.backend);
    fprintf(f,
            "block: %u guest instructions, %" PRIu32 " bytes%s; IR %u ops, %u after optimization; "
            "host code %" PRIu32 " bytes, %u restore records, %u goto_tb slots\n",
            r->ninsns, r->guest_bytes, r->crosses_page ? " (crosses a page boundary)" : "",
            r->ops_before, r->ops_after, r->host_bytes, r->nrestore, r->nslots);
}

/* ---- text ---- */

static void text_section(FILE *f, const char *title, const struct xl_text *t)
{
    fprintf(f, "  %s:\n", title);
    const char *s = xl_str(t);
    if (!*s) {
        fprintf(f, "      (none)\n");
        return;
    }
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        fprintf(f, "    %.*s\n", (int)n, s);
        s += n + (nl ? 1 : 0);
    }
}

void xl_print_text(const struct xl_result *r, FILE *f)
{
    summary(r, f);
    fprintf(f, "\n== block entry ==\n");
    text_section(f, "IR", &r->entry_ir);
    text_section(f, "optimized IR", &r->entry_ir_opt);
    text_section(f, "host code", &r->entry_host);
    for (unsigned i = 0; i < r->ninsns; i++) {
        const struct xl_insn *in = &r->insn[i];
        char bytes[64];
        hex_bytes(in, bytes, sizeof(bytes));
        fprintf(f, "\n== insn %u at 0x%08" PRIx32 ": %s ==\n", i + 1, in->addr, bytes);
        fprintf(f, "  decoded:  %s\n  capstone: %s\n", in->decoded, in->capstone);
        text_section(f, "IR", &in->ir);
        text_section(f, "optimized IR", &in->ir_opt);
        text_section(f, "host code", &in->host);
    }
    if (r->slow_host.len) {
        fprintf(f, "\n== out-of-line slow paths ==\n");
        text_section(f, "host code", &r->slow_host);
    }
    fprintf(f, "\n== optimizer passes ==\n");
    for (unsigned i = 0; i < r->npasses; i++) {
        const struct xl_pass *p = &r->pass[i];
        char title[64];
        snprintf(title, sizeof(title), "%u. %s: %u -> %u ops", i + 1, p->name, p->before, p->after);
        text_section(f, title, &p->diff);
    }
}

/* ---- JSON ---- */

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void json_field(FILE *f, const char *name, const char *value, bool last)
{
    fprintf(f, "\"%s\": ", name);
    json_str(f, value);
    fputs(last ? "" : ", ", f);
}

void xl_print_json(const struct xl_result *r, FILE *f)
{
    fprintf(f,
            "{\"mode\": %u, \"address\": %" PRIu32
            ", \"backend\": \"%s\", \"guest_bytes\": %" PRIu32
            ", \"crosses_page\": %s, \"ir_ops\": %u, \"ir_ops_optimized\": %u, "
            "\"host_bytes\": %" PRIu32 ", \"restore_records\": %u, \"goto_tb_slots\": %u,\n",
            r->opt.mode, r->opt.addr, r->opt.backend, r->guest_bytes,
            r->crosses_page ? "true" : "false", r->ops_before, r->ops_after, r->host_bytes,
            r->nrestore, r->nslots);
    fputs(" \"entry\": {", f);
    json_field(f, "ir", xl_str(&r->entry_ir), false);
    json_field(f, "ir_optimized", xl_str(&r->entry_ir_opt), false);
    json_field(f, "host", xl_str(&r->entry_host), true);
    fputs("},\n \"instructions\": [\n", f);
    for (unsigned i = 0; i < r->ninsns; i++) {
        const struct xl_insn *in = &r->insn[i];
        char bytes[64];
        hex_bytes(in, bytes, sizeof(bytes));
        fprintf(f, "  {\"address\": %" PRIu32 ", ", in->addr);
        json_field(f, "bytes", bytes, false);
        json_field(f, "decoded", in->decoded, false);
        json_field(f, "capstone", in->capstone, false);
        json_field(f, "ir", xl_str(&in->ir), false);
        json_field(f, "ir_optimized", xl_str(&in->ir_opt), false);
        json_field(f, "host", xl_str(&in->host), true);
        fprintf(f, "}%s\n", i + 1 < r->ninsns ? "," : "");
    }
    fputs(" ],\n \"slow_paths\": ", f);
    json_str(f, xl_str(&r->slow_host));
    fputs(",\n \"passes\": [\n", f);
    for (unsigned i = 0; i < r->npasses; i++) {
        const struct xl_pass *p = &r->pass[i];
        fprintf(f, "  {\"name\": \"%s\", \"ops_before\": %u, \"ops_after\": %u, ", p->name,
                p->before, p->after);
        json_field(f, "diff", xl_str(&p->diff), true);
        fprintf(f, "}%s\n", i + 1 < r->npasses ? "," : "");
    }
    fputs(" ]}\n", f);
}

/* ---- HTML ---- */

static void html_esc(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* One column cell per stage: the block entry, then one <pre> per guest
 * instruction tagged with its index, so the script can highlight a row. */
static void html_column(FILE *f, const struct xl_result *r, const char *title, int which)
{
    fprintf(f, "<div class=\"col\"><h2>%s</h2>\n", title);
    const struct xl_text *entry = which == 0   ? &r->entry_ir
                                  : which == 1 ? &r->entry_ir_opt
                                               : &r->entry_host;
    fputs("<pre class=\"g entry\" data-i=\"entry\">", f);
    html_esc(f, xl_str(entry));
    fputs("</pre>\n", f);
    for (unsigned i = 0; i < r->ninsns; i++) {
        const struct xl_insn *in = &r->insn[i];
        const struct xl_text *t = which == 0 ? &in->ir : which == 1 ? &in->ir_opt : &in->host;
        fprintf(f, "<div class=\"lab\">%u. ", i + 1);
        html_esc(f, in->capstone);
        fprintf(f, "</div><pre class=\"g\" data-i=\"%u\">", i);
        html_esc(f, xl_str(t));
        fputs("</pre>\n", f);
    }
    if (which == 2 && r->slow_host.len) {
        fputs("<h3>out-of-line slow paths</h3><pre class=\"g\" data-i=\"slow\">", f);
        html_esc(f, xl_str(&r->slow_host));
        fputs("</pre>\n", f);
    }
    fputs("</div>\n", f);
}

static const char html_style[] =
    "body{font-family:sans-serif;margin:1em}pre{margin:0 0 .4em 0;padding:.2em;"
    "font-size:12px;border-left:3px solid #ddd;white-space:pre}"
    ".cols{display:flex;gap:1em;align-items:flex-start}.col{flex:1;overflow-x:auto}"
    "#insns li{cursor:pointer;font-family:monospace;padding:.15em}"
    "#insns li.hl,pre.hl{background:#ffe88a;border-left-color:#d90}"
    ".entry{color:#666}.lab{font-size:11px;color:#777;font-family:monospace}";

static const char html_script[] =
    "function pick(i){document.querySelectorAll('.hl').forEach(function(e){"
    "e.classList.remove('hl')});document.querySelectorAll('[data-i=\"'+i+'\"]')"
    ".forEach(function(e){e.classList.add('hl')});"
    "var p=document.querySelector('pre.hl');if(p)p.scrollIntoView({block:'center'});}"
    "document.querySelectorAll('#insns li').forEach(function(li){"
    "li.addEventListener('click',function(){pick(li.dataset.i)})});"
    "document.getElementById('status').textContent="
    "document.querySelectorAll('#insns li').length+' guest instructions listed';"
    "if(location.hash.indexOf('#insn-')==0)pick(location.hash.slice(6));";

void xl_print_html(const struct xl_result *r, FILE *f)
{
    fprintf(f,
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            "<title>jit86-translate</title><style>%s</style></head><body>\n",
            html_style);
    fputs("<h1>jit86-translate</h1>\n<p>", f);
    char head[512];
    FILE *m = fmemopen(head, sizeof(head), "w");
    if (m) {
        summary(r, m);
        fputc('\0', m);
        fclose(m);
        html_esc(f, head);
    }
    fputs("</p>\n<p>Click a guest instruction to highlight its IR and host code (or open the "
          "page as <code>page.html#insn-N</code>, N from 0).</p>\n",
          f);
    fputs("<p id=\"status\">(script not run)</p>\n<h2>guest instructions</h2><ol id=\"insns\">\n",
          f);
    for (unsigned i = 0; i < r->ninsns; i++) {
        const struct xl_insn *in = &r->insn[i];
        char bytes[64];
        hex_bytes(in, bytes, sizeof(bytes));
        fprintf(f, "<li data-i=\"%u\">0x%08" PRIx32 "  %-24s ", i, in->addr, bytes);
        html_esc(f, in->capstone);
        fputs("  <small>(", f);
        html_esc(f, in->decoded);
        fputs(")</small></li>\n", f);
    }
    fputs("</ol>\n<div class=\"cols\">\n", f);
    html_column(f, r, "IR", 0);
    html_column(f, r, "optimized IR", 1);
    html_column(f, r, "host code", 2);
    fputs("</div>\n<h2>optimizer passes</h2>\n", f);
    for (unsigned i = 0; i < r->npasses; i++) {
        const struct xl_pass *p = &r->pass[i];
        fprintf(f, "<h3>%u. %s: %u &rarr; %u ops</h3><pre>", i + 1, p->name, p->before, p->after);
        html_esc(f, xl_str(&p->diff));
        fputs("</pre>\n", f);
    }
    fprintf(f, "<script>%s</script>\n</body></html>\n", html_script);
}
