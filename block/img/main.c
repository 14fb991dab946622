/* jit86-img: disk image tool with qemu-img's verbs and option spelling
 * (create, info, check, convert, snapshot, resize, commit, rebase, map,
 * compare). */
#include "img.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
} verbs[] = {
    {"create", img_create,
     "create [-f fmt] [-b backing_file [-F backing_fmt]] [-o options] filename [size]"},
    {"info", img_info, "info [-f fmt] [--output=human|json] [--backing-chain] filename"},
    {"check", img_check, "check [-f fmt] [--output=human|json] [-r leaks|all] filename"},
    {"convert", img_convert,
     "convert [-f fmt] [-O output_fmt] [-c] [-p] [-B backing_file] [-o options] filename "
     "[filename2 [...]] output_filename"},
    {"snapshot", img_snapshot, "snapshot [-l | -a snapshot | -c snapshot | -d snapshot] filename"},
    {"resize", img_resize, "resize [--shrink] [-f fmt] filename [+ | -]size"},
    {"commit", img_commit, "commit [-f fmt] filename"},
    {"rebase", img_rebase, "rebase [-f fmt] [-u] -b backing_file [-F backing_fmt] filename"},
    {"map", img_map, "map [-f fmt] [--output=human|json] filename"},
    {"compare", img_compare, "compare [-f fmt] [-F fmt] [-s] filename1 filename2"},
};

int img_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("jit86-img: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

bool img_parse_size(const char *text, uint64_t *out)
{
    char *end;
    if (!text || !isdigit((unsigned char)text[0])) {
        return false;
    }
    double v = strtod(text, &end);
    static const char units[] = "bkmgtpe";
    double mul = 1;
    if (*end) {
        const char *u = strchr(units, tolower((unsigned char)*end));
        if (!u || end[1]) {
            return false;
        }
        mul = (double)(1ull << (10 * (u - units)));
    }
    double bytes = v * mul;
    if (bytes < 0 || bytes > 9.2e18) {
        return false;
    }
    *out = (uint64_t)bytes;
    return true;
}

static bool parse_bool(const char *v, bool *out)
{
    if (!strcmp(v, "on") || !strcmp(v, "true")) {
        *out = true;
    } else if (!strcmp(v, "off") || !strcmp(v, "false")) {
        *out = false;
    } else {
        return false;
    }
    return true;
}

static bool apply_option(struct blk_create_opts *o, const char *key, const char *val)
{
    uint64_t n;
    if (!strcmp(key, "cluster_size") && img_parse_size(val, &n) && n <= UINT32_MAX) {
        o->cluster_size = (uint32_t)n;
    } else if (!strcmp(key, "size") && img_parse_size(val, &n)) {
        o->size = n;
    } else if (!strcmp(key, "backing_file")) {
        o->backing_file = val;
    } else if (!strcmp(key, "backing_fmt")) {
        o->backing_fmt = val;
    } else if (!strcmp(key, "compat")) {
        if (!strcmp(val, "0.10") || !strcmp(val, "v2")) {
            o->compat = 2;
        } else if (!strcmp(val, "1.1") || !strcmp(val, "v3")) {
            o->compat = 3;
        } else {
            return false;
        }
    } else if (!strcmp(key, "lazy_refcounts")) {
        return parse_bool(val, &o->lazy_refcounts);
    } else if (!strcmp(key, "refcount_bits") && img_parse_size(val, &n) && n <= 64) {
        o->refcount_bits = (unsigned)n;
    } else if (!strcmp(key, "preallocation")) {
        if (!strcmp(val, "off")) {
            o->prealloc = BLK_PREALLOC_OFF;
        } else if (!strcmp(val, "metadata")) {
            o->prealloc = BLK_PREALLOC_METADATA;
        } else if (!strcmp(val, "full") || !strcmp(val, "falloc")) {
            o->prealloc = BLK_PREALLOC_FULL;
        } else {
            return false;
        }
    } else if (!strcmp(key, "subformat")) {
        o->subformat = val;
    } else if (!strcmp(key, "static")) {
        bool on;
        if (!parse_bool(val, &on)) {
            return false;
        }
        o->subformat = on ? "static" : NULL;
    } else {
        return false;
    }
    return true;
}

char *img_parse_create_options(const char *text, struct blk_create_opts *o)
{
    char *copy = strdup(text);
    if (!copy) {
        img_error("out of memory");
        return NULL;
    }
    for (char *save = NULL, *kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq) {
            img_error("Invalid option '%s': expected key=value", kv);
            free(copy);
            return NULL;
        }
        *eq = 0;
        if (!apply_option(o, kv, eq + 1)) {
            img_error("Invalid option or value: %s=%s", kv, eq + 1);
            free(copy);
            return NULL;
        }
    }
    return copy;
}

struct blk *img_open(const char *filename, const char *fmt, unsigned flags)
{
    struct blk_error err;
    struct blk_open_opts oo = {.format = fmt, .flags = flags};
    struct blk *bs = blk_open(filename, &oo, &err);
    if (!bs) {
        img_error("%s", err.msg);
    }
    return bs;
}

void img_format_size(uint64_t bytes, char *out, size_t len)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    unsigned u = 0;
    double v = (double)bytes;
    while (v >= 1024 && u < 6) {
        v /= 1024;
        u++;
    }
    if (u == 0) {
        snprintf(out, len, "%llu B", (unsigned long long)bytes);
    } else {
        /* Three significant digits, trailing zeros dropped, as qemu-img does. */
        snprintf(out, len, "%.3g %s", v, units[u]);
    }
}

void img_progress(bool enabled, uint64_t done, uint64_t total)
{
    if (!enabled) {
        return;
    }
    printf("    (%.2f/100%%)\r", total ? 100.0 * (double)done / (double)total : 100.0);
    if (done == total) {
        printf("\n");
    }
    fflush(stdout);
}

static int usage(FILE *f)
{
    fprintf(f, "usage: jit86-img COMMAND [options]\n\nCommands:\n");
    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
        fprintf(f, "  %s\n", verbs[i].usage);
    }
    return f == stdout ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        return usage(stderr);
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        return usage(stdout);
    }
    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
        if (!strcmp(argv[1], verbs[i].name)) {
            return verbs[i].run(argc - 1, argv + 1);
        }
    }
    img_error("Command not found: %s", argv[1]);
    return 1;
}
