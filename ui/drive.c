/* -drive file=...,if=ide|floppy,index=N,media=disk|cdrom,format=...,readonly=on,
 * snapshot=on (QEMU's spelling; ",," in a value is a literal comma): each spec
 * becomes one slot of the board's drive table, beside -hda..-hdd, -cdrom, -fda. */
#include "drive.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DRIVE_VALUE_MAX 1024

/* One spec's settings as written. */
struct drive_spec {
    char file[DRIVE_VALUE_MAX];
    char format[32];
    bool has_file, floppy, cdrom, readonly, snapshot;
    int index; /* -1: the first free slot of the interface */
};

/* Copies the value that starts at p into out, turning ",," into ","; returns
 * the position after it (at a single ',' or the end). */
static const char *take_value(const char *p, char *out, size_t outlen, bool *too_long)
{
    size_t n = 0;
    *too_long = false;
    for (; *p && !(p[0] == ',' && p[1] != ','); p++) {
        if (p[0] == ',')
            p++; /* ",," */
        if (n + 1 < outlen)
            out[n++] = *p;
        else
            *too_long = true;
    }
    out[n] = '\0';
    return p;
}

static bool parse_bool(const char *key, const char *v, bool *out, char *err, size_t errlen)
{
    if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true")) {
        *out = true;
        return true;
    }
    if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false")) {
        *out = false;
        return true;
    }
    snprintf(err, errlen, "-drive: %s=%s: expected on or off", key, v);
    return false;
}

static bool set_key(struct drive_spec *d, const char *key, const char *v, char *err, size_t errlen)
{
    if (!strcmp(key, "file")) {
        d->has_file = v[0] != '\0';
    } else if (!strcmp(key, "format")) {
        snprintf(d->format, sizeof(d->format), "%s", v);
    } else if (!strcmp(key, "if")) {
        if (strcmp(v, "ide") && strcmp(v, "floppy")) {
            snprintf(err, errlen, "-drive: if=%s: this machine has ide and floppy", v);
            return false;
        }
        d->floppy = !strcmp(v, "floppy");
    } else if (!strcmp(key, "media")) {
        if (strcmp(v, "disk") && strcmp(v, "cdrom")) {
            snprintf(err, errlen, "-drive: media=%s: expected disk or cdrom", v);
            return false;
        }
        d->cdrom = !strcmp(v, "cdrom");
    } else if (!strcmp(key, "index")) {
        char *end;
        long i = strtol(v, &end, 10);
        if (!*v || *end || i < 0 || i >= PC_MAX_IDE) {
            snprintf(err, errlen, "-drive: index=%s: expected 0 to %d", v, PC_MAX_IDE - 1);
            return false;
        }
        d->index = (int)i;
    } else if (!strcmp(key, "readonly")) {
        return parse_bool(key, v, &d->readonly, err, errlen);
    } else if (!strcmp(key, "snapshot")) {
        return parse_bool(key, v, &d->snapshot, err, errlen);
    } else if (strcmp(key, "id") && strcmp(key, "cache") && strcmp(key, "aio")) {
        /* id, cache and aio are accepted as scripts pass them; they change nothing here. */
        snprintf(err, errlen, "-drive: unknown parameter '%s'", key);
        return false;
    }
    return true;
}

static bool parse_spec(const char *spec, struct drive_spec *d, char *err, size_t errlen)
{
    *d = (struct drive_spec){.index = -1};
    for (const char *p = spec; *p;) {
        const char *eq = strchr(p, '=');
        const char *comma = strchr(p, ',');
        if (!eq || (comma && comma < eq)) {
            snprintf(err, errlen, "-drive: '%s': expected KEY=VALUE", spec);
            return false;
        }
        char key[32];
        snprintf(key, sizeof(key), "%.*s", (int)(eq - p), p);
        char scratch[DRIVE_VALUE_MAX];
        char *value = !strcmp(key, "file") ? d->file : scratch;
        bool too_long;
        p = take_value(eq + 1, value, DRIVE_VALUE_MAX, &too_long);
        if (too_long) {
            snprintf(err, errlen, "-drive: %s=: value too long", key);
            return false;
        }
        if (!set_key(d, key, value, err, errlen))
            return false;
        if (*p == ',')
            p++;
    }
    if (d->floppy && d->cdrom) {
        snprintf(err, errlen, "-drive: a floppy drive cannot be a CD-ROM");
        return false;
    }
    if (!d->has_file && !d->cdrom) {
        snprintf(err, errlen, "-drive: '%s': file= is required (only a CD-ROM may be empty)", spec);
        return false;
    }
    return true;
}

static bool ide_used(const struct pc_drive_files *f, int i)
{
    return f->hd[i] || f->hd_opts[i].cdrom || (i == 2 && f->cdrom);
}

/* The slot the spec asks for, or the first free one; -1 after an error. */
static int pick_slot(const struct pc_drive_files *f, const struct drive_spec *d, char *err,
                     size_t errlen)
{
    int slots = d->floppy ? PC_MAX_FLOPPY : PC_MAX_IDE;
    const char *name = d->floppy ? "floppy" : "ide";
    if (d->index >= slots) {
        snprintf(err, errlen, "-drive: if=%s has indexes 0 to %d", name, slots - 1);
        return -1;
    }
    for (int i = d->index < 0 ? 0 : d->index; i < slots; i++) {
        bool used = d->floppy ? f->fd[i] != NULL : ide_used(f, i);
        if (!used)
            return i;
        if (d->index >= 0) {
            snprintf(err, errlen, "-drive: if=%s,index=%d is already in use", name, i);
            return -1;
        }
    }
    snprintf(err, errlen, "-drive: no free if=%s slot", name);
    return -1;
}

bool ui_drives_apply(const struct ui_list *drives, struct pc_drive_files *files,
                     struct ui_drive_names *names, char *err, size_t errlen)
{
    for (int n = 0; n < drives->count && n < UI_MAX_LIST; n++) {
        struct drive_spec d;
        if (!parse_spec(drives->item[n], &d, err, errlen))
            return false;
        int i = pick_slot(files, &d, err, errlen);
        if (i < 0)
            return false;
        snprintf(names->file[n], sizeof(names->file[n]), "%s", d.file);
        snprintf(names->format[n], sizeof(names->format[n]), "%s", d.format);
        struct pc_drive_opts o = {.format = d.format[0] ? names->format[n] : NULL,
                                  .cdrom = d.cdrom,
                                  .readonly = d.readonly || d.cdrom,
                                  .snapshot = d.snapshot};
        const char *path = d.has_file ? names->file[n] : NULL;
        if (d.floppy) {
            files->fd[i] = path;
            files->fd_opts[i] = o;
        } else {
            files->hd[i] = path;
            files->hd_opts[i] = o;
        }
    }
    return true;
}
