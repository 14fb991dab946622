/* The program: parse the command line, set up logging, find firmware, run. */
#include "ui.h"

#include "machine.h"
#include "options.h"

#include "cpu/cpu.h"
#include "hw/hw.h"
#include "translator/log.h"
#include "translator/translator.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>

#ifndef JIT86_VERSION
#define JIT86_VERSION "unknown"
#endif

const char *ui_host_arch(void)
{
#if defined(__x86_64__)
    return "x86_64";
#elif defined(__aarch64__)
    return "aarch64";
#elif defined(__i386__)
    return "i386";
#elif defined(__riscv)
    return "riscv";
#else
    return "other";
#endif
}

static void print_version(void)
{
    printf("jit86 version %s\n", JIT86_VERSION);
}

int ui_main(int argc, char **argv)
{
    struct ui_options opts;
    char err[256];
    if (!ui_parse_options(argc, argv, &opts, err, sizeof(err))) {
        error_report("%s", err);
        return 2;
    }
    if (opts.help) {
        ui_print_help(stdout);
        return 0;
    }
    if (opts.cpu_model && strcmp(opts.cpu_model, "help") == 0) {
        cpu_model_help(stdout);
        return 0;
    }
    if (opts.log_help) {
        log_print_help(stdout);
        return 0;
    }
    if (!log_set_file(opts.log_file)) {
        error_report("-D: cannot open '%s': %s", opts.log_file, strerror(errno));
        return 1;
    }
    log_mask = opts.log_mask;
    if (opts.perfmap && !log_perfmap_open()) {
        error_report("-perfmap: cannot open /tmp/perf-%ld.map: %s", (long)getpid(), strerror(errno));
        return 1;
    }

    char bios[PATH_MAX];
    bool have_bios =
        pc_find_bios(opts.bios, opts.firmware_dir, bios, sizeof(bios), err, sizeof(err));
    if (opts.version) {
        /* What a bug report needs: version, host, backend, firmware. */
        print_version();
        printf("host: %s, JIT backend: %s\n", ui_host_arch(), translator_default_backend());
        printf("firmware: %s\n", have_bios ? bios : err);
        log_close();
        return 0;
    }
    if (!have_bios) {
        error_report("%s", err);
        log_close();
        return 1;
    }
    int status = vm_run(&opts, bios);
    log_close();
    return status;
}
