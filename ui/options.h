/* Command line: QEMU's option spelling (shared/DESIGN.md "Who uses it"). */
#ifndef JIT86_UI_OPTIONS_H
#define JIT86_UI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UI_MAX_LIST 8 /* repeatable options: -serial, -device, -netdev, -nic */
#define UI_CONFIG_STORE (64u << 10) /* option values read from -readconfig files */

struct ui_list {
    int count;
    const char *item[UI_MAX_LIST];
};

struct ui_options {
    uint64_t ram_mib;
    const char *hd[4]; /* -hda .. -hdd */
    const char *cdrom;
    const char *fd[2]; /* -fda, -fdb */
    const char *boot;  /* boot order, e.g. "c", "order=dc" */
    const char *kernel, *initrd, *append;
    const char *bios, *firmware_dir;
    const char *cpu_model;
    const char *machine;
    const char *accel;
    bool nographic;
    const char *display;
    const char *vga;           /* "std", "none"; NULL: std */
    const char *screenshot_at; /* "SECONDS:FILE.png" */
    struct ui_list serial, device, netdev, nic, drive;
    const char *monitor, *qmp, *debugcon;
    const char *stats_file; /* -stats-file: accounting JSON at exit */
    struct ui_list chardev; /* -chardev socket,id=...: for -device isa-serial, -mon */
    struct ui_list mon;     /* -mon chardev=ID,mode=readline|control */
    bool snapshot;
    bool perfmap; /* -perfmap */
    uint32_t log_mask;
    bool log_help;
    const char *log_file;
    const char *gdb;  /* -s is "-gdb tcp::1234" */
    int icount_shift; /* -1: real-time clock */
    const char *loadvm;
    const char *incoming; /* -incoming file:PATH */
    const char *rtc;
    const char *name;
    bool no_reboot, no_shutdown, start_stopped;
    int smp;
    bool help, version;
    const char *writeconfig; /* -writeconfig FILE: written once all options are read */
    /* Values of options read from -readconfig files live here, as argv's do. */
    char config_store[UI_CONFIG_STORE];
    size_t config_used;
};

/* Fills opts from argv; -readconfig FILE applies the file's options at its
 * place, -writeconfig FILE writes the VM definition of all options (config-
 * file.h). On a usage error returns false with one line in err; the caller
 * prints it and exits with status 2. */
bool ui_parse_options(int argc, char **argv, struct ui_options *opts, char *err, size_t errlen);
void ui_print_help(void *stream);
/* Applies one option by name without '-' ("drive") and value (NULL for a
 * flag), copying the value into opts->config_store: -readconfig's way in. */
bool ui_apply_option(struct ui_options *opts, const char *name, const char *value, char *err,
                     size_t errlen);

#endif
