/* Command-line parsing with QEMU's option names, one table row per option. */
#include "options.h"
#include "config-file.h"

#include "translator/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* RAM below the PCI hole (shared/DESIGN.md "Memory"); more needs PAE-era work. */
#define UI_MAX_RAM_MIB 3584

enum opt_id {
    OPT_M,
    OPT_HDA,
    OPT_HDB,
    OPT_HDC,
    OPT_HDD,
    OPT_CDROM,
    OPT_FDA,
    OPT_FDB,
    OPT_BOOT,
    OPT_KERNEL,
    OPT_INITRD,
    OPT_APPEND,
    OPT_BIOS,
    OPT_L,
    OPT_CPU,
    OPT_MACHINE,
    OPT_ACCEL,
    OPT_NOGRAPHIC,
    OPT_DISPLAY,
    OPT_VGA,
    OPT_SCREENSHOT_AT,
    OPT_SERIAL,
    OPT_MONITOR,
    OPT_QMP,
    OPT_STATS_FILE,
    OPT_CHARDEV,
    OPT_MON,
    OPT_DEBUGCON,
    OPT_SNAPSHOT,
    OPT_PERFMAP,
    OPT_D,
    OPT_DFILE,
    OPT_S,
    OPT_GDB,
    OPT_NETDEV,
    OPT_NIC,
    OPT_DEVICE,
    OPT_DRIVE,
    OPT_ICOUNT,
    OPT_LOADVM,
    OPT_INCOMING,
    OPT_RTC,
    OPT_NAME,
    OPT_NO_REBOOT,
    OPT_NO_SHUTDOWN,
    OPT_START_STOPPED,
    OPT_SMP,
    OPT_READCONFIG,
    OPT_WRITECONFIG,
    OPT_HELP,
    OPT_VERSION,
};

static const struct opt_desc {
    const char *name;
    enum opt_id id;
    const char *arg; /* NULL: takes no argument */
    const char *help;
} opt_table[] = {
    {"m", OPT_M, "SIZE", "guest RAM in MiB (suffix M or G)"},
    {"hda", OPT_HDA, "FILE", "IDE primary master disk image"},
    {"hdb", OPT_HDB, "FILE", "IDE primary slave disk image"},
    {"hdc", OPT_HDC, "FILE", "IDE secondary master disk image"},
    {"hdd", OPT_HDD, "FILE", "IDE secondary slave disk image"},
    {"cdrom", OPT_CDROM, "FILE", "CD-ROM image (IDE secondary master)"},
    {"fda", OPT_FDA, "FILE", "floppy image, drive A"},
    {"fdb", OPT_FDB, "FILE", "floppy image, drive B"},
    {"boot", OPT_BOOT, "ORDER", "boot order: a (floppy), c (disk), d (CD-ROM), n (net)"},
    {"kernel", OPT_KERNEL, "FILE", "boot a Linux bzImage or Multiboot ELF directly"},
    {"initrd", OPT_INITRD, "FILE", "initial ram disk for -kernel"},
    {"append", OPT_APPEND, "CMDLINE", "kernel command line for -kernel"},
    {"bios", OPT_BIOS, "FILE", "BIOS image (default: SeaBIOS from /usr/share/seabios)"},
    {"L", OPT_L, "DIR", "directory to look up firmware in"},
    {"cpu", OPT_CPU, "MODEL", "CPU model, e.g. pentium3 or pentium3,-sse,+pse"},
    {"machine", OPT_MACHINE, "TYPE", "machine type (pc)"},
    {"M", OPT_MACHINE, "TYPE", "same as -machine"},
    {"accel", OPT_ACCEL, "tcg[,backend=B]", "accelerator: tcg, with a JIT backend choice"},
    {"nographic", OPT_NOGRAPHIC, NULL, "no window; COM1 and the monitor on stdio"},
    {"display", OPT_DISPLAY, "TYPE", "display: sdl or none"},
    {"vga", OPT_VGA, "TYPE", "video card: std (VGA with Bochs VBE, the default) or none"},
    {"screenshot-at", OPT_SCREENSHOT_AT, "SECONDS:FILE",
     "write the screen as PNG at that virtual time (headless tests)"},
    {"serial", OPT_SERIAL, "DEV", "serial port backend: stdio, file:PATH, null, ..."},
    {"monitor", OPT_MONITOR, "DEV",
     "human monitor: stdio, unix:PATH,server,nowait or tcp:127.0.0.1:PORT,server,nowait"},
    {"qmp", OPT_QMP, "DEV", "QMP control socket: unix:PATH,server,nowait or tcp:HOST:PORT,..."},
    {"stats-file", OPT_STATS_FILE, "PATH", "write the resource accounting as JSON at exit"},
    {"chardev", OPT_CHARDEV, "SPEC",
     "socket,id=ID,path=PATH,server=on,wait=off (for -device isa-serial or -mon chardev=ID)"},
    {"mon", OPT_MON, "chardev=ID[,mode=readline|control]",
     "human monitor (readline) or QMP (control) on a -chardev"},
    {"debugcon", OPT_DEBUGCON, "DEV", "debug console at port 0xE9"},
    {"snapshot", OPT_SNAPSHOT, NULL, "write to temporary overlays, discard on exit"},
    {"d", OPT_D, "ITEM,...", "log items (-d help lists them)"},
    {"D", OPT_DFILE, "FILE", "write the log to FILE instead of stderr"},
    {"perfmap", OPT_PERFMAP, NULL, "write /tmp/perf-PID.map: perf names generated code by guest PC"},
    {"s", OPT_S, NULL, "shorthand for -gdb tcp::1234"},
    {"gdb", OPT_GDB, "DEV", "gdb remote stub, e.g. tcp::1234"},
    {"netdev", OPT_NETDEV, "SPEC", "network backend (user, socket, tap, bridge)"},
    {"nic", OPT_NIC, "SPEC", "network card with its backend"},
    {"device", OPT_DEVICE, "SPEC", "add a device, e.g. isa-debug-exit,iobase=0xf4"},
    {"drive", OPT_DRIVE, "SPEC", "disk drive, e.g. file=disk.qcow2,if=ide"},
    {"icount", OPT_ICOUNT, "N", "deterministic clock: 2^N ns per instruction"},
    {"loadvm", OPT_LOADVM, "NAME", "start from snapshot NAME"},
    {"incoming", OPT_INCOMING, "URI",
     "start from a migrated state: file:PATH, or wait on tcp:HOST:PORT / unix:PATH"},
    {"rtc", OPT_RTC, "SPEC", "real-time clock, e.g. base=utc or base=2000-01-01"},
    {"name", OPT_NAME, "NAME", "guest name (window title)"},
    {"no-reboot", OPT_NO_REBOOT, NULL, "exit instead of rebooting"},
    {"no-shutdown", OPT_NO_SHUTDOWN, NULL, "stop instead of exiting at guest power-off"},
    {"S", OPT_START_STOPPED, NULL, "start with the CPU stopped (cont starts it)"},
    {"smp", OPT_SMP, "N", "number of CPUs (1)"},
    {"readconfig", OPT_READCONFIG, "FILE", "read the VM definition (QEMU's INI form) from FILE"},
    {"writeconfig", OPT_WRITECONFIG, "FILE",
     "write the VM definition of the options to FILE ('-': stdout)"},
    {"h", OPT_HELP, NULL, "show this help"},
    {"help", OPT_HELP, NULL, "show this help"},
    {"version", OPT_VERSION, NULL, "print the version"},
};

#define N_OPTS (sizeof(opt_table) / sizeof(opt_table[0]))

static const struct opt_desc *opt_lookup(const char *arg)
{
    /* QEMU accepts both -name and --name. */
    const char *name = arg + 1;
    if (*name == '-')
        name++;
    for (size_t i = 0; i < N_OPTS; i++) {
        if (strcmp(opt_table[i].name, name) == 0)
            return &opt_table[i];
    }
    return NULL;
}

static bool parse_ram(const char *s, uint64_t *mib, char *err, size_t errlen)
{
    if (strncmp(s, "size=", 5) == 0)
        s += 5;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    uint64_t mult = 1;
    if (*end == 'M' || *end == 'm') {
        end++;
    } else if (*end == 'G' || *end == 'g') {
        mult = 1024;
        end++;
    }
    if (errno || end == s || *end != '\0' || *s == '-') {
        snprintf(err, errlen, "-m: invalid RAM size '%s'", s);
        return false;
    }
    if (v == 0 || v > UI_MAX_RAM_MIB / mult) {
        snprintf(err, errlen, "-m: RAM size must be 1 to %d MiB, not '%s'", UI_MAX_RAM_MIB, s);
        return false;
    }
    *mib = v * mult;
    return true;
}

static bool parse_int(const char *opt, const char *s, int lo, int hi, int *out, char *err,
                      size_t errlen)
{
    errno = 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end != '\0' || v < lo || v > hi) {
        snprintf(err, errlen, "-%s: expected a number from %d to %d, not '%s'", opt, lo, hi, s);
        return false;
    }
    *out = (int)v;
    return true;
}

static bool list_add(struct ui_list *l, const char *opt, const char *v, char *err, size_t errlen)
{
    if (l->count == UI_MAX_LIST) {
        snprintf(err, errlen, "-%s: at most %d may be given", opt, UI_MAX_LIST);
        return false;
    }
    l->item[l->count++] = v;
    return true;
}

static bool read_config(struct ui_options *o, const char *path, char *err, size_t errlen);

static bool apply(struct ui_options *o, const struct opt_desc *d, const char *v, char *err,
                  size_t errlen)
{
    switch (d->id) {
    case OPT_M: return parse_ram(v, &o->ram_mib, err, errlen);
    case OPT_HDA: o->hd[0] = v; break;
    case OPT_HDB: o->hd[1] = v; break;
    case OPT_HDC: o->hd[2] = v; break;
    case OPT_HDD: o->hd[3] = v; break;
    case OPT_CDROM: o->cdrom = v; break;
    case OPT_FDA: o->fd[0] = v; break;
    case OPT_FDB: o->fd[1] = v; break;
    case OPT_BOOT: o->boot = v; break;
    case OPT_KERNEL: o->kernel = v; break;
    case OPT_INITRD: o->initrd = v; break;
    case OPT_APPEND: o->append = v; break;
    case OPT_BIOS: o->bios = v; break;
    case OPT_L: o->firmware_dir = v; break;
    case OPT_CPU: o->cpu_model = v; break;
    case OPT_MACHINE: o->machine = v; break;
    case OPT_ACCEL: o->accel = v; break;
    case OPT_NOGRAPHIC: o->nographic = true; break;
    case OPT_DISPLAY:
        if (strcmp(v, "sdl") != 0 && strcmp(v, "none") != 0 && strncmp(v, "sdl,", 4) != 0) {
            snprintf(err, errlen, "-display: unknown display '%s' (sdl or none)", v);
            return false;
        }
        o->display = v;
        break;
    case OPT_VGA:
        if (strcmp(v, "std") != 0 && strcmp(v, "none") != 0) {
            snprintf(err, errlen, "-vga: unknown video card '%s' (std or none)", v);
            return false;
        }
        o->vga = v;
        break;
    case OPT_SCREENSHOT_AT: o->screenshot_at = v; break;
    case OPT_SERIAL: return list_add(&o->serial, d->name, v, err, errlen);
    case OPT_MONITOR: o->monitor = v; break;
    case OPT_QMP: o->qmp = v; break;
    case OPT_STATS_FILE: o->stats_file = v; break;
    case OPT_CHARDEV: return list_add(&o->chardev, d->name, v, err, errlen);
    case OPT_MON: return list_add(&o->mon, d->name, v, err, errlen);
    case OPT_DEBUGCON: o->debugcon = v; break;
    case OPT_SNAPSHOT: o->snapshot = true; break;
    case OPT_PERFMAP: o->perfmap = true; break;
    case OPT_D: {
        uint32_t mask;
        bool help;
        if (!log_parse_categories(v, &mask, &help, err, errlen))
            return false;
        o->log_mask |= mask;
        o->log_help |= help;
        break;
    }
    case OPT_DFILE: o->log_file = v; break;
    case OPT_S: o->gdb = "tcp::1234"; break;
    case OPT_GDB: o->gdb = v; break;
    case OPT_NETDEV: return list_add(&o->netdev, d->name, v, err, errlen);
    case OPT_NIC: return list_add(&o->nic, d->name, v, err, errlen);
    case OPT_DEVICE: return list_add(&o->device, d->name, v, err, errlen);
    case OPT_DRIVE: return list_add(&o->drive, d->name, v, err, errlen);
    case OPT_ICOUNT:
        if (strncmp(v, "shift=", 6) == 0)
            v += 6;
        return parse_int(d->name, v, 0, 10, &o->icount_shift, err, errlen);
    case OPT_LOADVM: o->loadvm = v; break;
    case OPT_INCOMING: o->incoming = v; break;
    case OPT_RTC: o->rtc = v; break;
    case OPT_NAME: o->name = v; break;
    case OPT_NO_REBOOT: o->no_reboot = true; break;
    case OPT_NO_SHUTDOWN: o->no_shutdown = true; break;
    case OPT_START_STOPPED: o->start_stopped = true; break;
    case OPT_SMP: return parse_int(d->name, v, 1, 1, &o->smp, err, errlen);
    case OPT_READCONFIG: return read_config(o, v, err, errlen);
    case OPT_WRITECONFIG: o->writeconfig = v; break;
    case OPT_HELP: o->help = true; break;
    case OPT_VERSION: o->version = true; break;
    }
    return true;
}

/* What a VM definition may hold: the options config-file.c maps sections to.
 * Anything else from a file (-readconfig inside a file) is refused. */
static bool definition_option(enum opt_id id)
{
    switch (id) {
    case OPT_M: case OPT_BOOT: case OPT_KERNEL: case OPT_INITRD: case OPT_APPEND:
    case OPT_BIOS: case OPT_CPU: case OPT_MACHINE: case OPT_ACCEL: case OPT_VGA:
    case OPT_CHARDEV: case OPT_NETDEV: case OPT_NIC: case OPT_DEVICE: case OPT_DRIVE:
    case OPT_ICOUNT: case OPT_RTC: case OPT_NAME: case OPT_SMP:
        return true;
    default:
        return false;
    }
}

bool ui_apply_option(struct ui_options *o, const char *name, const char *value, char *err,
                     size_t errlen)
{
    const struct opt_desc *d = NULL;
    for (size_t i = 0; i < N_OPTS && !d; i++) {
        if (strcmp(opt_table[i].name, name) == 0)
            d = &opt_table[i];
    }
    if (!d || !definition_option(d->id) || !d->arg) {
        snprintf(err, errlen, "-%s cannot come from a config file", name);
        return false;
    }
    size_t n = strlen(value) + 1;
    if (n > sizeof(o->config_store) - o->config_used) {
        snprintf(err, errlen, "config files hold more than %u KiB of values",
                 UI_CONFIG_STORE >> 10);
        return false;
    }
    char *copy = memcpy(o->config_store + o->config_used, value, n);
    o->config_used += n;
    return apply(o, d, copy, err, errlen);
}

static bool config_option(void *opaque, const char *opt, const char *value, char *err,
                          size_t errlen)
{
    return ui_apply_option(opaque, opt, value, err, errlen);
}

static bool read_config(struct ui_options *o, const char *path, char *err, size_t errlen)
{
    return ui_config_read_file(path, config_option, o, err, errlen);
}

bool ui_parse_options(int argc, char **argv, struct ui_options *o, char *err, size_t errlen)
{
    memset(o, 0, sizeof(*o));
    o->ram_mib = 128;
    o->icount_shift = -1;
    o->smp = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || a[1] == '\0') {
            /* A bare file name is the first hard disk, as in QEMU. */
            o->hd[0] = a;
            continue;
        }
        const struct opt_desc *d = opt_lookup(a);
        if (!d) {
            snprintf(err, errlen, "%s: invalid option (try --help)", a);
            return false;
        }
        const char *v = NULL;
        if (d->arg) {
            if (i + 1 >= argc) {
                snprintf(err, errlen, "%s: requires an argument (%s)", a, d->arg);
                return false;
            }
            v = argv[++i];
        }
        if (!apply(o, d, v, err, errlen))
            return false;
    }
    return !o->writeconfig || ui_config_write_file(o, o->writeconfig, err, errlen);
}

void ui_print_help(void *stream)
{
    FILE *f = stream;
    fprintf(f, "usage: jit86 [options] [disk_image]\n\n");
    for (size_t i = 0; i < N_OPTS; i++) {
        char left[64];
        snprintf(left, sizeof(left), "-%s%s%s", opt_table[i].name, opt_table[i].arg ? " " : "",
                 opt_table[i].arg ? opt_table[i].arg : "");
        fprintf(f, "  %-24s %s\n", left, opt_table[i].help);
    }
}
