/* QMP commands with QEMU's names, arguments and reply shapes (QEMU's
 * QAPI schema, qapi/ folder): argument checking, capabilities negotiation and the
 * command table. Errors are {"error": {"class": ..., "desc": ...}}. */
#include "migration.h"
#include "monitor.h"
#include "qmp.h"
#include "screendump.h"
#include "savevm.h"
#include "stats.h"

#include "block/block.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

json_t *qmp_error(const char *cls, const char *fmt, ...)
{
    char desc[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(desc, sizeof(desc), fmt, ap);
    va_end(ap);
    return json_pack("{s:{s:s, s:s}}", "error", "class", cls, "desc", desc);
}

static json_t *qmp_ok(json_t *value)
{
    return json_pack("{s:o}", "return", value ? value : json_object());
}

/* One argument: name, type (s string, b bool, i integer, a array) and
 * whether it may be left out. */
struct qmp_arg {
    const char *name;
    char type;
    bool optional;
};

struct qmp_ctx {
    struct vm *vm;
    json_t *args; /* an object, possibly empty */
};

typedef json_t *qmp_cmd_fn(struct qmp_ctx *c);

struct qmp_cmd {
    const char *name;
    qmp_cmd_fn *fn;
    struct qmp_arg args[8]; /* ends at a NULL name: at most 7 arguments */
};

static bool type_ok(json_t *v, char type)
{
    switch (type) {
    case 's': return json_is_string(v);
    case 'b': return json_is_boolean(v);
    case 'i': return json_is_integer(v);
    case 'a': return json_is_array(v);
    default: return false;
    }
}

static const char *type_name(char type)
{
    switch (type) {
    case 's': return "string";
    case 'b': return "boolean";
    case 'i': return "integer";
    default: return "array";
    }
}

/* QEMU's texts for missing, unexpected and mistyped parameters. */
static json_t *check_args(const struct qmp_cmd *cmd, json_t *args)
{
    const char *key;
    json_t *v;
    json_object_foreach(args, key, v)
    {
        const struct qmp_arg *a = cmd->args;
        while (a->name && strcmp(a->name, key) != 0)
            a++;
        if (!a->name)
            return qmp_error("GenericError", "Parameter '%s' is unexpected", key);
        if (!type_ok(v, a->type))
            return qmp_error("GenericError", "Invalid parameter type for '%s', expected: %s", key,
                             type_name(a->type));
    }
    for (const struct qmp_arg *a = cmd->args; a->name; a++) {
        if (!a->optional && !json_object_get(args, a->name))
            return qmp_error("GenericError", "Parameter '%s' is missing", a->name);
    }
    return NULL;
}

static const char *arg_str(struct qmp_ctx *c, const char *name)
{
    return json_string_value(json_object_get(c->args, name));
}

static bool arg_bool(struct qmp_ctx *c, const char *name)
{
    return json_is_true(json_object_get(c->args, name));
}

static json_t *cmd_query_status(struct qmp_ctx *c)
{
    enum vm_state s = vm_state(c->vm);
    return qmp_ok(json_pack("{s:b, s:b, s:s}", "running", s == VM_RUNNING, "singlestep", 0,
                            "status", vm_state_name(s)));
}

static json_t *cmd_query_version(struct qmp_ctx *c)
{
    (void)c;
    int major = 0, minor = 0, micro = 0;
    sscanf(JIT86_VERSION, "%d.%d.%d", &major, &minor, &micro);
    return qmp_ok(json_pack("{s:{s:i, s:i, s:i}, s:s}", "qemu", "micro", micro, "minor", minor,
                            "major", major, "package", "jit86 " JIT86_VERSION));
}

static json_t *cmd_query_commands(struct qmp_ctx *c);

static json_t *cmd_stop(struct qmp_ctx *c)
{
    vm_stop(c->vm);
    return qmp_ok(NULL);
}

static json_t *cmd_cont(struct qmp_ctx *c)
{
    if (vm_state(c->vm) == VM_SHUTDOWN)
        return qmp_error("GenericError", "Resetting the Virtual Machine is required");
    vm_cont(c->vm);
    return qmp_ok(NULL);
}

static json_t *cmd_system_reset(struct qmp_ctx *c)
{
    vm_system_reset(c->vm, VM_CAUSE_HOST_QMP);
    return qmp_ok(NULL);
}

static json_t *cmd_system_powerdown(struct qmp_ctx *c)
{
    vm_system_powerdown(c->vm);
    return qmp_ok(NULL);
}

static json_t *cmd_quit(struct qmp_ctx *c)
{
    vm_quit(c->vm, VM_CAUSE_HOST_QMP);
    return qmp_ok(NULL);
}

/* QEMU writes PPM unless "format": "png"; the display writes PNG, so a PPM
 * is made from a PNG written next to it. */
static bool png_to_ppm(const char *png, const char *ppm, char *err, size_t errlen)
{
    int w, h;
    uint32_t *px = ui_png_load(png, &w, &h, err, errlen);
    if (!px)
        return false;
    FILE *f = fopen(ppm, "wb");
    bool ok = f != NULL;
    if (f) {
        fprintf(f, "P6\n%d %d\n255\n", w, h);
        for (long i = 0; i < (long)w * h; i++) {
            uint8_t rgb[3] = {(uint8_t)(px[i] >> 16), (uint8_t)(px[i] >> 8), (uint8_t)px[i]};
            ok &= fwrite(rgb, 1, 3, f) == 3;
        }
        ok &= fclose(f) == 0;
    }
    free(px);
    if (!ok)
        snprintf(err, errlen, "failed to write '%s'", ppm);
    return ok;
}

static json_t *cmd_screendump(struct qmp_ctx *c)
{
    const char *file = arg_str(c, "filename"), *fmt = arg_str(c, "format");
    char err[600];
    if (fmt && strcmp(fmt, "png") != 0 && strcmp(fmt, "ppm") != 0)
        return qmp_error("GenericError", "Parameter 'format' does not accept value '%s'", fmt);
    struct ui_display *d = vm_display(c->vm);
    if (!d)
        return qmp_error("GenericError", "There is no console to take a screendump from");
    bool png = fmt && strcmp(fmt, "png") == 0;
    char tmp[4200];
    snprintf(tmp, sizeof(tmp), "%s.jit86-tmp.png", file);
    if (!ui_display_screendump(d, png ? file : tmp, err, sizeof(err)))
        return qmp_error("GenericError", "%s", err);
    if (!png) {
        bool ok = png_to_ppm(tmp, file, err, sizeof(err));
        unlink(tmp);
        if (!ok)
            return qmp_error("GenericError", "%s", err);
    }
    return qmp_ok(NULL);
}

static json_t *cmd_hmp(struct qmp_ctx *c)
{
    struct mon_out out = {0};
    monitor_execute(c->vm, arg_str(c, "command-line"), VM_CAUSE_HOST_QMP, &out);
    json_t *r = qmp_ok(json_string(out.buf ? out.buf : ""));
    mon_out_free(&out);
    return r;
}

static json_t *block_entry(const char *device, struct blk *b, bool removable, bool locked)
{
    json_t *e = json_pack("{s:s, s:b, s:b, s:s}", "device", device, "locked", locked, "removable",
                          removable, "type", "unknown");
    if (removable)
        json_object_set_new(e, "tray_open", json_false());
    if (b)
        json_object_set_new(e, "inserted",
                            json_pack("{s:s, s:b, s:s, s:b, s:s, s:I}", "file", blk_filename(b),
                                      "ro", blk_is_read_only(b), "drv", blk_format_name(b),
                                      "encrypted", 0, "node-name", device, "image-size",
                                      (json_int_t)blk_length(b)));
    return e;
}

static json_t *cmd_query_block(struct qmp_ctx *c)
{
    struct pc_machine *pc = vm_pc(c->vm);
    json_t *list = json_array();
    char name[32];
    for (int i = 0; i < PC_MAX_IDE; i++) {
        const struct ide_drive *d = &pc->ide.bus[i / 2].drive[i % 2];
        if (d->kind == IDE_NONE)
            continue;
        bool cd = d->kind == IDE_CDROM;
        snprintf(name, sizeof(name), "ide%d-%s%d", i / 2, cd ? "cd" : "hd", i % 2);
        json_array_append_new(list, block_entry(name, d->blk, cd, d->locked));
    }
    for (int i = 0; i < PC_MAX_FLOPPY; i++) {
        if (!pc->fdc.drive[i].blk)
            continue;
        snprintf(name, sizeof(name), "floppy%d", i);
        json_array_append_new(list, block_entry(name, pc->fdc.drive[i].blk, false, false));
    }
    return qmp_ok(list);
}

/* "device" is the drive name; QEMU's newer "id" (the qdev id) names the same here. */
static const char *device_arg(struct qmp_ctx *c)
{
    const char *d = arg_str(c, "device");
    return d ? d : arg_str(c, "id");
}

static json_t *block_error(const char *err)
{
    return qmp_error(strncmp(err, "Device '", 8) == 0 && strstr(err, "not found") ? "DeviceNotFound"
                                                                                  : "GenericError",
                     "%s", err);
}

static json_t *cmd_change_medium(struct qmp_ctx *c)
{
    const char *dev = device_arg(c);
    char err[600];
    if (!dev)
        return qmp_error("GenericError", "Parameter 'id' is missing");
    const char *mode = arg_str(c, "read-only-mode");
    if (mode && strcmp(mode, "retain") != 0 && strcmp(mode, "read-only") != 0)
        return qmp_error("GenericError", "CD-ROM media are read-only (read-only-mode '%s')", mode);
    if (arg_bool(c, "force"))
        monitor_block_eject(c->vm, dev, true, err, sizeof(err));
    if (!monitor_block_change(c->vm, dev, arg_str(c, "filename"), arg_str(c, "format"), err,
                              sizeof(err)))
        return block_error(err);
    return qmp_ok(NULL);
}

static json_t *cmd_eject(struct qmp_ctx *c)
{
    const char *dev = device_arg(c);
    char err[300];
    if (!dev)
        return qmp_error("GenericError", "Parameter 'id' is missing");
    if (!monitor_block_eject(c->vm, dev, arg_bool(c, "force"), err, sizeof(err)))
        return block_error(err);
    return qmp_ok(NULL);
}

/* QEMU's StatsResult shape: [{"provider": ..., "stats": [{"name", "value"}]}]. */
static json_t *cmd_query_stats(struct qmp_ctx *c)
{
    const char *target = arg_str(c, "target");
    if (target && strcmp(target, "vm") != 0 && strcmp(target, "vcpu") != 0)
        return qmp_error("GenericError", "Parameter 'target' does not accept value '%s'", target);
    struct vm_stats_snapshot s;
    vm_stats_collect(c->vm, &s);
    json_t *all = vm_stats_json(&s);
    json_t *stats = json_array();
    const char *key;
    json_t *v;
    json_object_foreach(all, key, v)
    {
        json_array_append_new(stats, json_pack("{s:s, s:O}", "name", key, "value", v));
    }
    json_decref(all);
    return qmp_ok(json_pack("[{s:s, s:o}]", "provider", "jit86", "stats", stats));
}

static json_t *cmd_query_blockstats(struct qmp_ctx *c)
{
    struct vm_stats_snapshot s;
    vm_stats_collect(c->vm, &s);
    return qmp_ok(vm_blockstats_json(&s));
}

/* migrate {"uri": "file:PATH"}: the machine is saved and left paused when the
 * reply comes (QEMU's MIGRATION event with status completed precedes it). A
 * running machine migrating to tcp:/unix: goes live: the reply comes once
 * the migration runs; query-migrate and the MIGRATION event follow it. */
static json_t *cmd_migrate(struct qmp_ctx *c)
{
    char err[512];
    if (!vm_migrate(c->vm, arg_str(c, "uri"), err, sizeof(err)))
        return qmp_error("GenericError", "%s", err);
    return qmp_ok(NULL);
}

static json_t *cmd_query_migrate(struct qmp_ctx *c)
{
    return qmp_ok(migration_info_json(vm_migration(c->vm)));
}

static json_t *cmd_migrate_set_parameters(struct qmp_ctx *c)
{
    char err[256];
    if (!migration_set_parameters_json(vm_migration(c->vm), c->args, err, sizeof(err)))
        return qmp_error("GenericError", "%s", err);
    return qmp_ok(NULL);
}

static json_t *cmd_query_migrate_parameters(struct qmp_ctx *c)
{
    return qmp_ok(migration_parameters_json(vm_migration(c->vm)));
}

static json_t *cmd_capabilities(struct qmp_ctx *c)
{
    (void)c;
    return qmp_ok(NULL); /* handled by qmp_dispatch */
}

static const struct qmp_cmd qmp_cmds[] = {
    {"qmp_capabilities", cmd_capabilities, {{"enable", 'a', true}}},
    {"query-status", cmd_query_status, {{0}}},
    {"query-version", cmd_query_version, {{0}}},
    {"query-commands", cmd_query_commands, {{0}}},
    {"stop", cmd_stop, {{0}}},
    {"cont", cmd_cont, {{0}}},
    {"system_reset", cmd_system_reset, {{0}}},
    {"system_powerdown", cmd_system_powerdown, {{0}}},
    {"quit", cmd_quit, {{0}}},
    {"migrate", cmd_migrate, {{"uri", 's', false}, {"detach", 'b', true}}},
    {"query-migrate", cmd_query_migrate, {{0}}},
    {"migrate-set-parameters",
     cmd_migrate_set_parameters,
     {{"downtime-limit", 'i', true}, {"max-bandwidth", 'i', true}}},
    {"query-migrate-parameters", cmd_query_migrate_parameters, {{0}}},
    {"screendump",
     cmd_screendump,
     {{"filename", 's', false}, {"device", 's', true}, {"head", 'i', true}, {"format", 's', true}}},
    {"human-monitor-command", cmd_hmp, {{"command-line", 's', false}, {"cpu-index", 'i', true}}},
    {"query-block", cmd_query_block, {{0}}},
    {"blockdev-change-medium",
     cmd_change_medium,
     {{"device", 's', true},
      {"id", 's', true},
      {"filename", 's', false},
      {"format", 's', true},
      {"force", 'b', true},
      {"read-only-mode", 's', true}}},
    {"eject", cmd_eject, {{"device", 's', true}, {"id", 's', true}, {"force", 'b', true}}},
    {"query-blockstats", cmd_query_blockstats, {{"query-nodes", 'b', true}}},
    {"query-stats",
     cmd_query_stats,
     {{"target", 's', true}, {"providers", 'a', true}, {"vcpus", 'a', true}}},
};
#define QMP_NCMDS (sizeof(qmp_cmds) / sizeof(qmp_cmds[0]))

static json_t *cmd_query_commands(struct qmp_ctx *c)
{
    (void)c;
    json_t *list = json_array();
    for (size_t i = 0; i < QMP_NCMDS; i++)
        json_array_append_new(list, json_pack("{s:s}", "name", qmp_cmds[i].name));
    return qmp_ok(list);
}

static const struct qmp_cmd *find_cmd(const char *name)
{
    for (size_t i = 0; i < QMP_NCMDS; i++) {
        if (strcmp(qmp_cmds[i].name, name) == 0)
            return &qmp_cmds[i];
    }
    return NULL;
}

/* The request's own members: execute, arguments, id (QEMU rejects others). */
static json_t *check_request(json_t *req)
{
    const char *key;
    json_t *v;
    json_object_foreach(req, key, v)
    {
        if (strcmp(key, "execute") != 0 && strcmp(key, "arguments") != 0 && strcmp(key, "id") != 0)
            return qmp_error("GenericError", "QMP input member '%s' is unexpected", key);
    }
    json_t *exec = json_object_get(req, "execute");
    if (!exec)
        return qmp_error("GenericError", "QMP input lacks member 'execute'");
    if (!json_is_string(exec))
        return qmp_error("GenericError", "QMP input member 'execute' must be a string");
    json_t *args = json_object_get(req, "arguments");
    if (args && !json_is_object(args))
        return qmp_error("GenericError", "QMP input member 'arguments' must be an object");
    return NULL;
}

json_t *qmp_dispatch(struct vm *vm, json_t *req, bool *negotiated)
{
    json_t *bad = check_request(req);
    if (bad)
        return bad;
    const char *name = json_string_value(json_object_get(req, "execute"));
    bool caps = strcmp(name, "qmp_capabilities") == 0;
    if (!*negotiated && !caps)
        return qmp_error("CommandNotFound",
                         "Expecting capabilities negotiation with 'qmp_capabilities'");
    if (*negotiated && caps)
        return qmp_error("CommandNotFound",
                         "Capabilities negotiation is already complete, command ignored");
    const struct qmp_cmd *cmd = find_cmd(name);
    if (!cmd)
        return qmp_error("CommandNotFound", "The command %s has not been found", name);
    json_t *args = json_object_get(req, "arguments");
    json_t *owned = args ? NULL : json_object();
    struct qmp_ctx c = {vm, args ? args : owned};
    json_t *reply = check_args(cmd, c.args);
    if (!reply && caps && json_array_size(json_object_get(c.args, "enable")) > 0)
        reply = qmp_error("GenericError", "This capability is not supported");
    if (!reply) {
        reply = cmd->fn(&c);
        if (caps)
            *negotiated = true;
    }
    json_decref(owned);
    return reply;
}
