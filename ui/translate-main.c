/* jit86-translate: shows how jit86 translates one block of guest code, stage
 * by stage (shared/DESIGN.md "Who uses it", teaching). Input: hex bytes, a
 * raw file slice, or a NASM snippet; output: text, JSON or HTML. */
#include "translate.h"

#include "translator/log.h"
#include "translator/translator.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define XL_MAX_CODE 4096

struct xl_cli {
    struct xl_options opt;
    const char *hex, *file, *asm_text, *format;
    unsigned long offset, length;
    bool have_length;
    uint8_t code[XL_MAX_CODE];
};

static void usage(FILE *f)
{
    fprintf(f, "usage: jit86-translate [options] (HEX... | --file F | --asm TEXT|FILE.asm)\n"
               "  HEX...            guest bytes, e.g. \"01 d8 74 02\" or 01d87402\n"
               "  --file F          raw guest code from F (--offset N, --length N)\n"
               "  --asm TEXT        NASM source (';' separates lines) or a .asm file\n"
               "  --mode 16|32      real mode or flat 32-bit protected mode (default 32);\n"
               "                    paging off, CPL 0\n"
               "  --addr ADDR       guest address of the first byte (default 0x1000)\n"
               "  --cs-base BASE    CS base (real mode: segment * 16); EIP = ADDR - BASE\n"
               "  --backend NAME    x86_64, aarch64 or interp (default: the host's JIT);\n"
               "                    code is only emitted, so aarch64 works on any host\n"
               "  --format FMT      text (default), json or html\n");
}

static bool parse_hex(struct xl_cli *c, const char *s, char *err, size_t errlen)
{
    int hi = -1;
    for (; *s; s++) {
        if (*s == ' ' || *s == ',' || *s == '\t' || *s == '\n')
            continue;
        if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && hi < 0) {
            s++;
            continue;
        }
        int v = (*s >= '0' && *s <= '9')   ? *s - '0'
                : (*s >= 'a' && *s <= 'f') ? *s - 'a' + 10
                : (*s >= 'A' && *s <= 'F') ? *s - 'A' + 10
                                           : -1;
        if (v < 0) {
            snprintf(err, errlen, "'%c' is not a hex digit", *s);
            return false;
        }
        if (hi < 0) {
            hi = v;
            continue;
        }
        if (c->opt.len == XL_MAX_CODE) {
            snprintf(err, errlen, "more than %d bytes of code", XL_MAX_CODE);
            return false;
        }
        c->code[c->opt.len++] = (uint8_t)(hi << 4 | v);
        hi = -1;
    }
    if (hi >= 0) {
        snprintf(err, errlen, "odd number of hex digits");
        return false;
    }
    return true;
}

static bool read_file(struct xl_cli *c, const char *path, unsigned long offset, char *err,
                      size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    if (fseek(f, (long)offset, SEEK_SET) != 0) {
        snprintf(err, errlen, "%s: cannot seek to %lu", path, offset);
        fclose(f);
        return false;
    }
    size_t want = c->have_length && c->length < XL_MAX_CODE ? c->length : XL_MAX_CODE;
    c->opt.len = fread(c->code, 1, want, f);
    fclose(f);
    if (c->opt.len == 0) {
        snprintf(err, errlen, "%s: no bytes at offset %lu", path, offset);
        return false;
    }
    return true;
}

/* Assembles with nasm -f bin at the guest address and mode. */
static bool assemble(struct xl_cli *c, char *err, size_t errlen)
{
    char src[] = "/tmp/jit86-translate-XXXXXX";
    int fd = mkstemp(src);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create a temporary file: %s", strerror(errno));
        return false;
    }
    FILE *f = fdopen(fd, "w");
    fprintf(f, "bits %u\norg 0x%x\n", c->opt.mode, (unsigned)c->opt.addr);
    size_t n = strlen(c->asm_text);
    bool is_file = n > 4 && strcmp(c->asm_text + n - 4, ".asm") == 0;
    if (is_file) {
        fprintf(f, "%%include \"%s\"\n", c->asm_text);
    } else {
        for (const char *s = c->asm_text; *s; s++)
            fputc(*s == ';' ? '\n' : *s, f);
        fputc('\n', f);
    }
    fclose(f);
    char bin[sizeof(src) + 4], cmd[3 * sizeof(src) + 64];
    snprintf(bin, sizeof(bin), "%s.bin", src);
    snprintf(cmd, sizeof(cmd), "nasm -f bin -o %s %s", bin, src);
    int status = system(cmd);
    bool ok = status == 0 && read_file(c, bin, 0, err, errlen);
    if (status != 0)
        snprintf(err, errlen, "--asm: nasm failed (is it installed?)");
    unlink(src);
    unlink(bin);
    return ok;
}

static bool number(const char *s, unsigned long *v)
{
    char *end;
    errno = 0;
    *v = strtoul(s, &end, 0);
    return *s && !*end && errno == 0;
}

/* Options with a value; returns false on an unknown option or bad value. */
static bool option(struct xl_cli *c, const char *name, const char *v, char *err, size_t errlen)
{
    unsigned long n = 0;
    if (strcmp(name, "--mode") == 0 && number(v, &n) && (n == 16 || n == 32))
        c->opt.mode = (unsigned)n;
    else if (strcmp(name, "--addr") == 0 && number(v, &n) && n <= 0xffff0000u)
        c->opt.addr = (uint32_t)n;
    else if (strcmp(name, "--cs-base") == 0 && number(v, &n) && n <= 0xffffffffu)
        c->opt.cs_base = (uint32_t)n;
    else if (strcmp(name, "--offset") == 0 && number(v, &n))
        c->offset = n;
    else if (strcmp(name, "--length") == 0 && number(v, &n))
        c->length = n, c->have_length = true;
    else if (strcmp(name, "--backend") == 0)
        c->opt.backend = v;
    else if (strcmp(name, "--format") == 0)
        c->format = v;
    else if (strcmp(name, "--file") == 0)
        c->file = v;
    else if (strcmp(name, "--asm") == 0)
        c->asm_text = v;
    else {
        snprintf(err, errlen, "bad option or value: %s %s", name, v);
        return false;
    }
    return true;
}

static bool parse_args(struct xl_cli *c, int argc, char **argv, char *err, size_t errlen)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            exit(0);
        }
        if (strncmp(a, "--", 2) == 0) {
            if (i + 1 == argc) {
                snprintf(err, errlen, "%s needs a value", a);
                return false;
            }
            if (!option(c, a, argv[++i], err, errlen))
                return false;
        } else if (!parse_hex(c, a, err, errlen)) {
            return false;
        }
    }
    return true;
}

static bool load_code(struct xl_cli *c, char *err, size_t errlen)
{
    if (c->file && !read_file(c, c->file, c->offset, err, errlen))
        return false;
    if (c->asm_text && !assemble(c, err, errlen))
        return false;
    if (c->opt.len == 0) {
        snprintf(err, errlen, "no guest code (give hex bytes, --file or --asm; --help)");
        return false;
    }
    if (c->opt.cs_base > c->opt.addr || (c->opt.mode == 16 && (c->opt.cs_base & 15))) {
        snprintf(err, errlen, "--cs-base must be at most --addr (and a multiple of 16 in mode 16)");
        return false;
    }
    if (c->opt.addr + c->opt.len > 0xffff0000u) {
        snprintf(err, errlen, "the code does not fit below 0xffff0000 at --addr");
        return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    static struct xl_cli c;
    c.opt =
        (struct xl_options){.mode = 32, .addr = 0x1000, .backend = translator_default_backend()};
    c.format = "text";
    char err[256];
    if (!parse_args(&c, argc, argv, err, sizeof(err))) {
        error_report("jit86-translate: %s", err);
        return 2;
    }
    if (strcmp(c.format, "text") && strcmp(c.format, "json") && strcmp(c.format, "html")) {
        error_report("jit86-translate: --format is text, json or html");
        return 2;
    }
    if (!load_code(&c, err, sizeof(err))) {
        error_report("jit86-translate: %s", err);
        return 2;
    }
    c.opt.code = c.code;
    static struct xl_result r;
    if (!xl_translate(&c.opt, &r, err, sizeof(err))) {
        error_report("jit86-translate: %s", err);
        xl_result_free(&r);
        return 1;
    }
    if (strcmp(c.format, "json") == 0)
        xl_print_json(&r, stdout);
    else if (strcmp(c.format, "html") == 0)
        xl_print_html(&r, stdout);
    else
        xl_print_text(&r, stdout);
    xl_result_free(&r);
    return 0;
}
