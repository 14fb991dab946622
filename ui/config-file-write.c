/* Writer of VM definition files (-writeconfig): the options that define the
 * machine, in QEMU's -readconfig form, so that -readconfig of the result
 * builds the same machine and writing it again gives the same text. Drives
 * given as -hda ... -fdb become [drive] sections, as QEMU writes them. */
#include "config-file.h"
#include "options.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ITEM_MAX 4096

struct out {
    char *buf;
    size_t len, cap;
    bool ok;
    char *err;
    size_t errlen;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (!o->ok || n < 0)
        return;
    if (o->len + (size_t)n + 1 > o->cap) {
        size_t cap = (o->cap ? o->cap * 2 : 4096) + (size_t)n;
        char *b = realloc(o->buf, cap);
        if (!b) {
            o->ok = false;
            snprintf(o->err, o->errlen, "-writeconfig: out of memory");
            return;
        }
        o->buf = b;
        o->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    o->len += (size_t)n;
}

static void section(struct out *o, const char *group, const char *id)
{
    if (id)
        put(o, "\n[%s \"%s\"]\n", group, id);
    else
        put(o, "\n[%s]\n", group);
}

/* QEMU's form has no escapes: a quote or a line break cannot be written. */
static void key(struct out *o, const char *k, const char *v)
{
    if (strpbrk(v, "\"\r\n")) {
        if (o->ok)
            snprintf(o->err, o->errlen,
                     "-writeconfig: %s = '%s': a value cannot hold a double "
                     "quote or a line break",
                     k, v);
        o->ok = false;
        return;
    }
    put(o, "  %s = \"%s\"\n", k, v);
}

/* The next comma-separated item of a spec (",," is a comma in it); returns
 * the position after it. */
static const char *next_item(const char *p, char *item, size_t len)
{
    size_t n = 0;
    for (; *p && !(p[0] == ',' && p[1] != ','); p++) {
        if (p[0] == ',')
            p++;
        if (n + 1 < len)
            item[n++] = *p;
    }
    item[n] = '\0';
    return *p ? p + 1 : p;
}

/* One section for a -drive/-netdev/-device/... spec: the bare first item is
 * head_key (bare_key for a spec without a head, as -boot c), id= goes in the
 * header, every other K=V is a key in its order. */
static void spec_section(struct out *o, const char *group, const char *spec, const char *head_key,
                         const char *bare_key)
{
    char item[ITEM_MAX], id[ITEM_MAX] = "";
    bool have_id = false;
    for (const char *p = spec; *p;) {
        p = next_item(p, item, sizeof(item));
        if (strncmp(item, "id=", 3) == 0) {
            snprintf(id, sizeof(id), "%s", item + 3);
            have_id = true;
        }
    }
    if (strchr(id, '"')) {
        snprintf(o->err, o->errlen, "-writeconfig: id '%s' cannot hold a double quote", id);
        o->ok = false;
        return;
    }
    section(o, group, have_id ? id : NULL);
    bool first = true;
    for (const char *p = spec; *p; first = false) {
        p = next_item(p, item, sizeof(item));
        char *eq = strchr(item, '=');
        if (!eq && first && (head_key || bare_key)) {
            key(o, head_key ? head_key : bare_key, item);
            continue;
        }
        if (!eq || (first && head_key)) {
            snprintf(o->err, o->errlen, "-writeconfig: -%s '%s': %s", group, spec,
                     eq ? "no type first" : "expected KEY=VALUE items");
            o->ok = false;
            return;
        }
        *eq = '\0';
        if (strcmp(item, "id") != 0)
            key(o, item, eq + 1);
    }
}

static void machine_section(struct out *o, const struct ui_options *opts)
{
    section(o, "machine", NULL);
    key(o, "type", opts->machine ? opts->machine : "pc");
    const struct {
        const char *k, *v;
    } keys[] = {
        {"kernel", opts->kernel}, {"initrd", opts->initrd}, {"append", opts->append},
        {"firmware", opts->bios}, {"cpu", opts->cpu_model}, {"vga", opts->vga},
    };
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (keys[i].v)
            key(o, keys[i].k, keys[i].v);
    }
}

static void one_key_section(struct out *o, const char *group, const char *k, const char *v)
{
    section(o, group, NULL);
    key(o, k, v);
}

/* -hda ... -hdd, -cdrom, -fda, -fdb as QEMU turns them into -drive. */
static void legacy_drive(struct out *o, const char *file, const char *intf, int index,
                         const char *media)
{
    if (!file)
        return;
    section(o, "drive", NULL);
    key(o, "if", intf);
    char idx[16];
    snprintf(idx, sizeof(idx), "%d", index);
    key(o, "index", idx);
    if (media)
        key(o, "media", media);
    key(o, "file", file);
}

static void drives(struct out *o, const struct ui_options *opts)
{
    for (int i = 0; i < 4; i++)
        legacy_drive(o, opts->hd[i], "ide", i, "disk");
    legacy_drive(o, opts->cdrom, "ide", 2, "cdrom");
    for (int i = 0; i < 2; i++)
        legacy_drive(o, opts->fd[i], "floppy", i, NULL);
    for (int i = 0; i < opts->drive.count; i++)
        spec_section(o, "drive", opts->drive.item[i], NULL, NULL);
}

char *ui_config_format(const struct ui_options *opts, char *err, size_t errlen)
{
    struct out o = {.ok = true, .err = err, .errlen = errlen};
    put(&o, "# jit86 VM definition (QEMU -readconfig form)\n");
    machine_section(&o, opts);
    if (opts->accel)
        spec_section(&o, "accel", opts->accel, "type", NULL);
    char size[32];
    snprintf(size, sizeof(size), "%lluM", (unsigned long long)opts->ram_mib);
    one_key_section(&o, "memory", "size", size);
    if (opts->smp != 1) {
        char n[16];
        snprintf(n, sizeof(n), "%d", opts->smp);
        one_key_section(&o, "smp-opts", "cpus", n);
    }
    if (opts->name)
        one_key_section(&o, "name", "guest", opts->name);
    if (opts->icount_shift >= 0) {
        char n[16];
        snprintf(n, sizeof(n), "%d", opts->icount_shift);
        one_key_section(&o, "icount", "shift", n);
    }
    if (opts->boot)
        spec_section(&o, "boot-opts", opts->boot, NULL, "order");
    if (opts->rtc)
        spec_section(&o, "rtc", opts->rtc, NULL, NULL);
    drives(&o, opts);
    for (int i = 0; i < opts->chardev.count; i++)
        spec_section(&o, "chardev", opts->chardev.item[i], "backend", NULL);
    for (int i = 0; i < opts->netdev.count; i++)
        spec_section(&o, "netdev", opts->netdev.item[i], "type", NULL);
    for (int i = 0; i < opts->nic.count; i++)
        spec_section(&o, "nic", opts->nic.item[i], "type", NULL);
    for (int i = 0; i < opts->device.count; i++)
        spec_section(&o, "device", opts->device.item[i], "driver", NULL);
    if (!o.ok) {
        free(o.buf);
        return NULL;
    }
    return o.buf;
}

bool ui_config_write_file(const struct ui_options *opts, const char *path, char *err, size_t errlen)
{
    char *text = ui_config_format(opts, err, errlen);
    if (!text)
        return false;
    bool to_stdout = strcmp(path, "-") == 0;
    FILE *f = to_stdout ? stdout : fopen(path, "w");
    bool ok = f && fputs(text, f) >= 0;
    if (to_stdout)
        ok = ok && fflush(f) == 0;
    else if (f && fclose(f) != 0)
        ok = false;
    if (!ok)
        snprintf(err, errlen, "-writeconfig: cannot write %s: %s", path, strerror(errno));
    free(text);
    return ok;
}
