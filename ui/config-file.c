/* Reader of VM definition files in QEMU's -readconfig form: "[group]" or
 * "[group \"id\"]" headers, "key = \"value\"" lines, '#' comments. A table
 * says what each section stands for: options of their own per key
 * ([machine] kernel = -kernel), or one option built from the whole section
 * ([drive "hd0"] file=... = -drive id=hd0,file=...). */
#include "config-file.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONFIG_MAX_SIZE (1u << 20)
#define LINE_MAX_LEN    4096
#define SPEC_MAX        8192

struct key_map {
    const char *key, *opt;
};

struct section_desc {
    const char *group;
    bool has_id;                /* [group "id"] allowed */
    const char *opt;            /* spec section: the option taking "K=V,..." */
    const char *head;           /* spec section: key whose value leads the spec bare */
    const struct key_map *keys; /* key section: each key is an option */
};

static const struct key_map machine_keys[] = {
    {"type", "machine"},  {"kernel", "kernel"}, {"initrd", "initrd"}, {"append", "append"},
    {"firmware", "bios"}, {"cpu", "cpu"},       {"vga", "vga"},       {NULL, NULL},
};
static const struct key_map memory_keys[] = {{"size", "m"}, {NULL, NULL}};
static const struct key_map smp_keys[] = {{"cpus", "smp"}, {NULL, NULL}};
static const struct key_map name_keys[] = {{"guest", "name"}, {NULL, NULL}};
static const struct key_map icount_keys[] = {{"shift", "icount"}, {NULL, NULL}};

static const struct section_desc sections[] = {
    {"machine", false, NULL, NULL, machine_keys}, {"memory", false, NULL, NULL, memory_keys},
    {"smp-opts", false, NULL, NULL, smp_keys},    {"name", false, NULL, NULL, name_keys},
    {"icount", false, NULL, NULL, icount_keys},   {"accel", false, "accel", "type", NULL},
    {"boot-opts", false, "boot", NULL, NULL},     {"rtc", false, "rtc", NULL, NULL},
    {"drive", true, "drive", NULL, NULL},         {"netdev", true, "netdev", "type", NULL},
    {"nic", true, "nic", "type", NULL},           {"chardev", true, "chardev", "backend", NULL},
    {"device", true, "device", "driver", NULL},
};

struct reader {
    const char *name;
    unsigned line;
    ui_config_option_fn *fn;
    void *opaque;
    char *err;
    size_t errlen;
    /* the section being read */
    const struct section_desc *sec;
    unsigned sec_line;
    char id[256];
    char head[LINE_MAX_LEN];
    bool have_head, have_id;
    char spec[SPEC_MAX];
    size_t spec_len;
};

static bool fail(struct reader *r, unsigned line, const char *fmt, const char *what)
{
    char msg[512];
    snprintf(msg, sizeof(msg), fmt, what);
    snprintf(r->err, r->errlen, "%s:%u: %s", r->name, line, msg);
    return false;
}

static bool pass_option(struct reader *r, unsigned line, const char *opt, const char *value)
{
    char why[512] = "";
    if (r->fn(r->opaque, opt, value, why, sizeof(why)))
        return true;
    return fail(r, line, "%s", why);
}

/* Appends s to the spec, ",," for each ','. */
static bool spec_put(struct reader *r, const char *s, bool escape)
{
    for (; *s; s++) {
        size_t need = escape && *s == ',' ? 2 : 1;
        if (r->spec_len + need >= sizeof(r->spec))
            return fail(r, r->sec_line, "%s: section too long", r->sec->group);
        r->spec[r->spec_len++] = *s;
        if (need == 2)
            r->spec[r->spec_len++] = ',';
    }
    r->spec[r->spec_len] = '\0';
    return true;
}

static bool spec_key(struct reader *r, const char *key, const char *value)
{
    return (r->spec_len == 0 || spec_put(r, ",", false)) && spec_put(r, key, false) &&
           spec_put(r, "=", false) && spec_put(r, value, true);
}

/* A spec section ends: its option, "HEAD,id=ID,K=V,..." */
static bool end_section(struct reader *r)
{
    const struct section_desc *d = r->sec;
    if (!d || !d->opt)
        return true;
    if (d->head && !r->have_head)
        return fail(r, r->sec_line, "[%s] needs a value for its type", d->group);
    char body[SPEC_MAX];
    snprintf(body, sizeof(body), "%s", r->spec);
    r->spec_len = 0;
    r->spec[0] = '\0';
    if (d->head && !spec_put(r, r->head, true))
        return false;
    if (r->have_id && !spec_key(r, "id", r->id))
        return false;
    if (body[0] && !((r->spec_len == 0 || spec_put(r, ",", false)) && spec_put(r, body, false)))
        return false;
    return pass_option(r, r->sec_line, d->opt, r->spec);
}

static bool name_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

static const struct section_desc *find_section(const char *group)
{
    for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
        if (strcmp(sections[i].group, group) == 0)
            return &sections[i];
    }
    return NULL;
}

static bool start_section(struct reader *r, char *p)
{
    if (!end_section(r))
        return false;
    char *g = ++p;
    while (name_char(*p))
        p++;
    char *id = NULL;
    if (*p == ' ' && p[1] == '"') {
        *p = '\0';
        id = p + 2;
        p = strchr(id, '"');
        if (!p || p == id || p[1] != ']')
            return fail(r, r->line, "%s", "expected [group \"id\"]");
        *p++ = '\0';
    } else if (*p != ']' || p == g) {
        return fail(r, r->line, "%s", "expected [group] or [group \"id\"]");
    }
    *p++ = '\0';
    if (*p)
        return fail(r, r->line, "%s", "text after the section header");
    const struct section_desc *d = find_section(g);
    if (!d)
        return fail(r, r->line, "unknown section [%s]", g);
    if (id && !d->has_id)
        return fail(r, r->line, "[%s] takes no id", g);
    if (id && strlen(id) >= sizeof(r->id))
        return fail(r, r->line, "%s", "id too long");
    r->sec = d;
    r->sec_line = r->line;
    r->have_head = false;
    r->have_id = id != NULL;
    snprintf(r->id, sizeof(r->id), "%s", id ? id : "");
    r->spec_len = 0;
    r->spec[0] = '\0';
    return true;
}

static bool key_line(struct reader *r, char *p)
{
    char *key = p;
    while (name_char(*p))
        p++;
    char *key_end = p;
    p += strspn(p, " \t");
    if (key_end == key || *p != '=')
        return fail(r, r->line, "%s", "expected [group], [group \"id\"] or key = \"value\"");
    *key_end = '\0';
    p++;
    p += strspn(p, " \t");
    char *value = p + 1, *close = *p == '"' ? strchr(value, '"') : NULL;
    if (!close)
        return fail(r, r->line, "%s: the value must be in double quotes", key);
    *close = '\0';
    if (close[1])
        return fail(r, r->line, "%s", "text after the closing quote");
    if (!r->sec)
        return fail(r, r->line, "%s: key outside a section", key);
    const struct section_desc *d = r->sec;
    if (d->keys) {
        for (const struct key_map *k = d->keys; k->key; k++) {
            if (strcmp(k->key, key) == 0)
                return pass_option(r, r->line, k->opt, value);
        }
        char what[320];
        snprintf(what, sizeof(what), "%s' in [%s", key, d->group);
        return fail(r, r->line, "unknown key '%s]", what);
    }
    if (d->head && strcmp(key, d->head) == 0) {
        if (!value[0] || strchr(value, '='))
            return fail(r, r->line, "%s: not a type name", key);
        snprintf(r->head, sizeof(r->head), "%s", value);
        r->have_head = true;
        return true;
    }
    if (strcmp(key, "id") == 0)
        return fail(r, r->line, "%s", "the id goes in the header: [group \"id\"]");
    return spec_key(r, key, value);
}

static bool one_line(struct reader *r, char *p)
{
    p += strspn(p, " \t");
    size_t n = strlen(p);
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
        p[--n] = '\0';
    if (!*p || *p == '#')
        return true;
    if (*p == '[')
        return start_section(r, p);
    return key_line(r, p);
}

bool ui_config_parse(const char *text, size_t len, const char *name, ui_config_option_fn *fn,
                     void *opaque, char *err, size_t errlen)
{
    struct reader *r = calloc(1, sizeof(*r));
    if (!r) {
        snprintf(err, errlen, "%s: out of memory", name);
        return false;
    }
    *r = (struct reader){.name = name, .fn = fn, .opaque = opaque, .err = err, .errlen = errlen};
    bool ok = true;
    char line[LINE_MAX_LEN];
    for (size_t at = 0; ok && at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
        r->line++;
        if (n >= sizeof(line))
            ok = fail(r, r->line, "%s", "line too long");
        else if (memchr(text + at, '\0', n))
            ok = fail(r, r->line, "%s", "NUL byte in the line");
        if (ok) {
            memcpy(line, text + at, n);
            line[n] = '\0';
            ok = one_line(r, line);
        }
        at += n + 1;
    }
    ok = ok && end_section(r);
    free(r);
    return ok;
}

bool ui_config_read_file(const char *path, ui_config_option_fn *fn, void *opaque, char *err,
                         size_t errlen)
{
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "-readconfig: cannot open %s: %s", path, strerror(errno));
        return false;
    }
    char *text = malloc(CONFIG_MAX_SIZE + 1);
    size_t len = text ? fread(text, 1, CONFIG_MAX_SIZE + 1, f) : 0;
    bool read_err = ferror(f);
    if (!is_stdin)
        fclose(f);
    bool ok = text && !read_err && len <= CONFIG_MAX_SIZE;
    if (!ok)
        snprintf(err, errlen, "-readconfig: cannot read %s%s", path,
                 len > CONFIG_MAX_SIZE ? " (larger than 1 MiB)" : "");
    ok = ok && ui_config_parse(text, len, path, fn, opaque, err, errlen);
    free(text);
    return ok;
}
