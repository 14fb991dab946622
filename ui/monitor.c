/* The human monitor's command table and the simple commands (QEMU HMP
 * spelling: stop, cont, system_reset, quit, sendkey, screendump, log ...). */
#include "migration.h"
#include "monitor.h"

#include "savevm.h"
#include "sendkey.h"

#include "translator/log.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mon_printf(struct mon_out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n > 0 && o->len + (size_t)n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 256;
        while (cap < o->len + (size_t)n + 1)
            cap *= 2;
        char *b = realloc(o->buf, cap);
        if (!b) {
            va_end(ap2);
            return; /* out of memory: the text is lost, the command still ran */
        }
        o->buf = b;
        o->cap = cap;
    }
    if (n > 0) {
        vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap2);
        o->len += (size_t)n;
    }
    va_end(ap2);
}

void mon_out_free(struct mon_out *o)
{
    free(o->buf);
    *o = (struct mon_out){0};
}

struct mon_cmd_ctx {
    struct vm *vm;
    enum vm_cause cause;
    const char *args; /* after the command name, leading blanks skipped */
    struct mon_out *out;
};

typedef bool mon_cmd_fn(struct mon_cmd_ctx *c);

struct mon_cmd {
    const char *name, *alias, *params, *help;
    mon_cmd_fn *fn;
};

static const struct mon_cmd *find_cmd(const char *name, size_t len);

static bool cmd_help(struct mon_cmd_ctx *c);

static bool cmd_info(struct mon_cmd_ctx *c)
{
    if (!*c->args) {
        monitor_info_help(c->out);
        return true;
    }
    return monitor_info(c->vm, c->args, c->out);
}

static bool cmd_stop(struct mon_cmd_ctx *c)
{
    vm_stop(c->vm);
    return true;
}

static bool cmd_cont(struct mon_cmd_ctx *c)
{
    if (vm_state(c->vm) == VM_SHUTDOWN) {
        mon_printf(c->out, "Resetting the Virtual Machine is required\n");
        return false;
    }
    vm_cont(c->vm);
    return true;
}

static bool cmd_reset(struct mon_cmd_ctx *c)
{
    vm_system_reset(c->vm, c->cause);
    return true;
}

static bool cmd_powerdown(struct mon_cmd_ctx *c)
{
    vm_system_powerdown(c->vm);
    return true;
}

static bool cmd_quit(struct mon_cmd_ctx *c)
{
    vm_quit(c->vm, c->cause);
    return true;
}

static bool cmd_sendkey(struct mon_cmd_ctx *c)
{
    char err[200];
    char keys[128];
    size_t n = strcspn(c->args, " \t");
    if (n == 0 || n >= sizeof(keys)) {
        mon_printf(c->out, "sendkey: usage: sendkey keys (e.g. ctrl-alt-delete)\n");
        return false;
    }
    memcpy(keys, c->args, n);
    keys[n] = '\0';
    if (!ui_sendkey(&vm_pc(c->vm)->kbc.kbd, keys, err, sizeof(err))) {
        mon_printf(c->out, "%s\n", err);
        return false;
    }
    return true;
}

static bool cmd_screendump(struct mon_cmd_ctx *c)
{
    char err[300];
    if (!*c->args) {
        mon_printf(c->out, "screendump: usage: screendump FILE.png\n");
        return false;
    }
    struct ui_display *d = vm_display(c->vm);
    if (!d || !ui_display_screendump(d, c->args, err, sizeof(err))) {
        mon_printf(c->out, "%s\n", d ? err : "screendump: the machine has no display");
        return false;
    }
    return true;
}

/* Splits the first word off *p into word (NUL-terminated). */
static bool next_word(const char **p, char *word, size_t len)
{
    const char *s = *p + strspn(*p, " \t");
    size_t n = strcspn(s, " \t");
    if (n == 0 || n >= len)
        return false;
    memcpy(word, s, n);
    word[n] = '\0';
    *p = s + n;
    return true;
}

static bool cmd_change(struct mon_cmd_ctx *c)
{
    char dev[64], file[1024], fmt[32], err[600];
    const char *p = c->args;
    if (!next_word(&p, dev, sizeof(dev)) || !next_word(&p, file, sizeof(file))) {
        mon_printf(c->out, "change: usage: change DEVICE FILENAME [FORMAT]\n");
        return false;
    }
    bool have_fmt = next_word(&p, fmt, sizeof(fmt));
    if (!monitor_block_change(c->vm, dev, file, have_fmt ? fmt : NULL, err, sizeof(err))) {
        mon_printf(c->out, "%s\n", err);
        return false;
    }
    return true;
}

static bool cmd_eject(struct mon_cmd_ctx *c)
{
    char dev[64], err[300];
    const char *p = c->args;
    bool force = false;
    if (strncmp(p, "-f", 2) == 0 && (p[2] == ' ' || p[2] == '\t')) {
        force = true;
        p += 2;
    }
    if (!next_word(&p, dev, sizeof(dev))) {
        mon_printf(c->out, "eject: usage: eject [-f] DEVICE\n");
        return false;
    }
    if (!monitor_block_eject(c->vm, dev, force, err, sizeof(err))) {
        mon_printf(c->out, "%s\n", err);
        return false;
    }
    return true;
}

/* `log in_asm,int` / `log none`: the -d categories at run time. */
static bool cmd_log(struct mon_cmd_ctx *c)
{
    uint32_t mask = 0;
    bool help = false;
    char err[200];
    if (!*c->args) {
        mon_printf(c->out, "Log items (comma separated):\n");
#define LOG_ITEM(id, name, help) mon_printf(c->out, "%-17s %s\n", name, help);
        LOG_CATEGORIES(LOG_ITEM)
#undef LOG_ITEM
        mon_printf(c->out, "none              remove all logs\n");
        return true;
    }
    if (strcmp(c->args, "none") != 0 &&
        !log_parse_categories(c->args, &mask, &help, err, sizeof(err))) {
        mon_printf(c->out, "%s\n", err);
        return false;
    }
    log_mask = mask;
    return true;
}

static bool cmd_x(struct mon_cmd_ctx *c)
{
    return monitor_memory_dump(c->vm, c->args, false, c->out);
}

static bool cmd_xp(struct mon_cmd_ctx *c)
{
    return monitor_memory_dump(c->vm, c->args, true, c->out);
}

typedef bool savevm_fn(struct vm *vm, const char *arg, char *err, size_t errlen);

/* One argument, optionally in double quotes (migrate "file:vm.state"). */
static bool run_savevm(struct mon_cmd_ctx *c, savevm_fn *fn)
{
    char arg[1024], err[512];
    snprintf(arg, sizeof(arg), "%s", c->args);
    size_t n = strlen(arg);
    const char *a = arg;
    if (n >= 2 && arg[0] == '"' && arg[n - 1] == '"') {
        arg[n - 1] = '\0';
        a = arg + 1;
    }
    if (!fn(c->vm, a, err, sizeof(err))) {
        mon_printf(c->out, "%s\n", err);
        return false;
    }
    return true;
}

static bool cmd_savevm(struct mon_cmd_ctx *c)
{
    return run_savevm(c, vm_savevm);
}

static bool cmd_loadvm(struct mon_cmd_ctx *c)
{
    return run_savevm(c, vm_loadvm);
}

static bool cmd_delvm(struct mon_cmd_ctx *c)
{
    return run_savevm(c, vm_delvm);
}

/* QEMU's `migrate [-d] URI`: without -d the command returns when a live
 * migration has ended, with -d once it runs (follow it with info migrate). */
static bool cmd_migrate(struct mon_cmd_ctx *c)
{
    if (strncmp(c->args, "-d", 2) == 0 && (c->args[2] == ' ' || c->args[2] == '\t')) {
        c->args += 2 + strspn(c->args + 2, " \t");
        return run_savevm(c, vm_migrate);
    }
    return run_savevm(c, vm_migrate_wait);
}

/* migrate_set_parameter NAME VALUE (docs/savevm.md). */
static bool cmd_migrate_set_parameter(struct mon_cmd_ctx *c)
{
    char name[64], value[64], err[256];
    if (sscanf(c->args, "%63s %63s", name, value) != 2) {
        mon_printf(c->out, "migrate_set_parameter: usage: migrate_set_parameter name value\n");
        return false;
    }
    if (!migration_set_parameter(vm_migration(c->vm), name, value, err, sizeof(err))) {
        mon_printf(c->out, "%s\n", err);
        return false;
    }
    return true;
}

static const struct mon_cmd mon_cmds[] = {
    {"help", "?", "[cmd]", "show the help", cmd_help},
    {"info", NULL, "[subcommand]", "show various information about the system state", cmd_info},
    {"stop", "s", "", "stop emulation", cmd_stop},
    {"cont", "c", "", "resume emulation", cmd_cont},
    {"system_reset", NULL, "", "reset the system", cmd_reset},
    {"system_powerdown", NULL, "", "send system power down event", cmd_powerdown},
    {"quit", "q", "", "quit the emulator", cmd_quit},
    {"sendkey", NULL, "keys", "send keys to the VM (e.g. 'sendkey ctrl-alt-f1')", cmd_sendkey},
    {"screendump", NULL, "filename", "save screen as a PNG image", cmd_screendump},
    {"change", NULL, "device filename [format]", "change a removable medium", cmd_change},
    {"eject", NULL, "[-f] device", "eject a removable medium (use -f to force it)", cmd_eject},
    {"log", NULL, "item1[,...]", "activate logging of the specified items", cmd_log},
    {"x", NULL, "/fmt addr", "virtual memory dump starting at 'addr'", cmd_x},
    {"xp", NULL, "/fmt addr", "physical memory dump starting at 'addr'", cmd_xp},
    {"savevm", NULL, "[tag]", "save a VM snapshot (qcow2 disks)", cmd_savevm},
    {"loadvm", NULL, "tag", "restore a VM snapshot", cmd_loadvm},
    {"delvm", NULL, "tag", "delete a VM snapshot", cmd_delvm},
    {"migrate", NULL, "[-d] uri", "migrate to uri (file:, exec:, tcp:, unix:) and stop",
     cmd_migrate},
    {"migrate_set_parameter", NULL, "parameter value",
     "set a migration parameter (downtime-limit ms, max-bandwidth bytes/s)",
     cmd_migrate_set_parameter},
};

static const struct mon_cmd *find_cmd(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(mon_cmds) / sizeof(mon_cmds[0]); i++) {
        const struct mon_cmd *m = &mon_cmds[i];
        if ((strlen(m->name) == len && strncmp(m->name, name, len) == 0) ||
            (m->alias && strlen(m->alias) == len && strncmp(m->alias, name, len) == 0))
            return m;
    }
    return NULL;
}

static void print_cmd_help(struct mon_out *out, const struct mon_cmd *m)
{
    char head[64];
    snprintf(head, sizeof(head), "%s%s%s %s", m->name, m->alias ? "|" : "",
             m->alias ? m->alias : "", m->params);
    mon_printf(out, "%-32s -- %s\n", head, m->help);
}

static bool cmd_help(struct mon_cmd_ctx *c)
{
    size_t n = strcspn(c->args, " \t");
    if (n) {
        const struct mon_cmd *m = find_cmd(c->args, n);
        if (!m) {
            mon_printf(c->out, "unknown command: '%.*s'\n", (int)n, c->args);
            return false;
        }
        print_cmd_help(c->out, m);
        if (m->fn == cmd_info)
            monitor_info_help(c->out);
        return true;
    }
    for (size_t i = 0; i < sizeof(mon_cmds) / sizeof(mon_cmds[0]); i++)
        print_cmd_help(c->out, &mon_cmds[i]);
    return true;
}

bool monitor_execute(struct vm *vm, const char *line, enum vm_cause cause, struct mon_out *out)
{
    char buf[2048];
    snprintf(buf, sizeof(buf), "%s", line + strspn(line, " \t"));
    size_t end = strlen(buf);
    while (end && isspace((unsigned char)buf[end - 1]))
        buf[--end] = '\0';
    if (!buf[0])
        return true;
    /* "x/4xw 0x1000" is written without a blank after the command too. */
    size_t n = strcspn(buf, " \t/");
    const struct mon_cmd *m = find_cmd(buf, n);
    if (!m) {
        mon_printf(out, "unknown command: '%.*s'\n", (int)n, buf);
        return false;
    }
    struct mon_cmd_ctx c = {vm, cause, buf + n + strspn(buf + n, " \t"), out};
    return m->fn(&c);
}
