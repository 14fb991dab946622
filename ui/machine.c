/* The machine from the command line: board, CPU, character backends,
 * monitor and control socket; mainloop.c runs it. */
#include "machine.h"

#include "drive.h"
#include "gdbstub.h"
#include "monitor.h"
#include "netdev.h"
#include "qmp.h"
#include "serial-ports.h"
#include "vm.h"

#include "cpu/cpu.h"
#include "hw/pc/linuxboot.h"
#include "hw/pc/multiboot.h"
#include "hw/pc/pc.h"
#include "translator/log.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* The translation cache: a Linux boot with its first userland commands emits
 * some 45 MiB of host code, which the translator's 32 MiB default flushed
 * once or twice per boot (every hot block translated again). The memory is
 * only touched as code is emitted; 127 MiB keeps every block within
 * AArch64's direct branch range (+-128 MiB, less the backend's margin), so
 * chained jumps need no veneers. */
#define VM_CODE_BYTES ((size_t)127 << 20)

/* The PIC's INT output drives the CPU's INTR pin; the CPU's acknowledge cycle
 * reads the vector from the PIC. */
static void cpu_intr_line(void *opaque, int n, int level)
{
    struct vm *vm = opaque;
    (void)n;
    cpu_set_irq(vm->cpu, level != 0);
}

static uint8_t cpu_intack(void *opaque)
{
    struct vm *vm = opaque;
    return pc_interrupt_ack(vm->pc);
}

/* The TSC's time base: the board's virtual clock. */
static int64_t cpu_clock(void *opaque)
{
    struct vm *vm = opaque;
    return clock_now(&vm->pc->clock);
}

static void guest_exit(void *opaque, int status)
{
    struct vm *vm = opaque;
    if (!vm->quit)
        vm_emit_event(vm, "SHUTDOWN",
                      json_pack("{s:b, s:s}", "guest", 1, "reason", "guest-shutdown"));
    vm->quit = true;
    vm->state = VM_SHUTDOWN;
    vm->status = status;
    cpu_exit_request(vm->cpu);
}

/* Guest output through COM1/COM2, counted for the accounting. */
static void serial_out(struct vm *vm, int port, const uint8_t *buf, size_t len)
{
    vm->stats.serial_tx_bytes[port] += len;
    chardev_write(&vm->serial[port], buf, len);
}

static void serial0_out(void *opaque, const uint8_t *buf, size_t len)
{
    serial_out(opaque, 0, buf, len);
}

static void serial1_out(void *opaque, const uint8_t *buf, size_t len)
{
    serial_out(opaque, 1, buf, len);
}

/* The monitor's output on the multiplexed stdio or on its own device. */
static void monitor_out(void *opaque, const char *buf, size_t len)
{
    struct vm *vm = opaque;
    chardev_write(vm->mon_on_mux ? &vm->serial[0] : &vm->mon_dev, (const uint8_t *)buf, len);
}

/* Ctrl-A c: stdio input goes to the monitor, which echoes it (the terminal is raw). */
static void mux_to_monitor(struct vm *vm, uint8_t b)
{
    const char *echo = b == '\r' ? "\r\n" : (const char *)&b;
    size_t n = b == '\r' ? 2 : 1;
    if (b >= 0x20 || b == '\r')
        chardev_write(&vm->serial[0], (const uint8_t *)echo, n);
    char c = (char)b;
    monitor_term_input(vm->mon, &c, 1);
}

/* Serial input goes to the UART; on the multiplexed stdio the Ctrl-A escapes
 * are taken out first. */
static size_t serial0_input(void *opaque, const uint8_t *buf, size_t len)
{
    struct vm *vm = opaque;
    struct uart16550 *u = &vm->pc->uart[0];
    size_t i = 0;
    for (; i < len; i++) {
        uint8_t b = buf[i];
        if (vm->stdio_mux) {
            enum mux_action a = chardev_mux_input(&vm->mux, b, &b);
            if (a == MUX_QUIT) {
                vm_quit(vm, VM_CAUSE_HOST_UI);
                return len;
            }
            if (a == MUX_HELP)
                chardev_write(&vm->serial[0], (const uint8_t *)chardev_mux_help,
                              strlen(chardev_mux_help));
            if (a == MUX_SWITCH && vm->mon_on_mux) {
                vm->mon_focus = !vm->mon_focus;
                chardev_write(&vm->serial[0], (const uint8_t *)"\r\n", 2);
                if (vm->mon_focus)
                    monitor_term_banner(vm->mon);
            }
            if (a != MUX_PASS)
                continue;
            if (vm->mon_focus) {
                mux_to_monitor(vm, b);
                continue;
            }
        }
        if (uart_receive(u, &b, 1) == 0)
            break; /* the FIFO is full: the rest waits in the backend */
    }
    return i;
}

static size_t serial1_input(void *opaque, const uint8_t *buf, size_t len)
{
    struct vm *vm = opaque;
    return uart_receive(&vm->pc->uart[1], buf, len);
}

static void restore_tty(struct vm *vm)
{
    if (vm->tty_raw)
        tcsetattr(STDIN_FILENO, TCSANOW, &vm->saved_tty);
    vm->tty_raw = false;
}

/* On a terminal, -nographic passes every key to the guest (Ctrl-C too), as
 * QEMU does; Ctrl-A x leaves. */
static void raw_tty(struct vm *vm)
{
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &vm->saved_tty) != 0)
        return;
    struct termios t = vm->saved_tty;
    cfmakeraw(&t);
    t.c_oflag |= OPOST; /* keep \n -> \r\n on output */
    if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0)
        vm->tty_raw = true;
}

static bool open_chardevs(struct vm *vm, char *err, size_t errlen)
{
    const struct ui_options *o = vm->opts;
    char specs[SERIAL_PORTS][SERIAL_SPEC_MAX];
    if (!serial_ports_resolve(o, specs, err, errlen))
        return false;
    for (int i = 0; i < 2; i++) {
        const char *spec = specs[i][0] ? specs[i] : (i == 0 && o->nographic) ? "stdio" : "null";
        if (!chardev_open(&vm->serial[i], "-serial", spec, err, errlen))
            return false;
    }
    vm->stdio_mux = vm->serial[0].kind == CHARDEV_STDIO && o->nographic;
    return chardev_open(&vm->debugcon, "-debugcon", o->debugcon ? o->debugcon : "null", err,
                        errlen);
}

/* isa-debug-exit[,iobase=N][,iosize=N], QEMU's defaults 0x501 and 2. */
static bool parse_debug_exit(const char *d, struct pc_config *cfg)
{
    cfg->exit_port = 0x501;
    cfg->exit_len = 2;
    for (const char *p = strchr(d, ','); p; p = strchr(p + 1, ',')) {
        char *end;
        bool base = strncmp(p + 1, "iobase=", 7) == 0, size = strncmp(p + 1, "iosize=", 7) == 0;
        if (!base && !size)
            return false;
        unsigned long v = strtoul(p + 8, &end, 0);
        if (end == p + 8 || (*end && *end != ','))
            return false;
        if (base && v > 0xFFFF)
            return false;
        if (size && v != 1 && v != 2 && v != 4)
            return false;
        if (base)
            cfg->exit_port = (uint16_t)v;
        else
            cfg->exit_len = (uint32_t)v;
    }
    return true;
}

static bool parse_devices(const struct ui_options *o, struct pc_config *cfg, char *err,
                          size_t errlen)
{
    for (int i = 0; i < o->device.count; i++) {
        const char *d = o->device.item[i];
        if (vm_net_is_device(d) || serial_ports_is_device(d))
            continue; /* machine-net.c, serial-ports.c */
        if (strncmp(d, "isa-debug-exit", 14) != 0 || (d[14] && d[14] != ',')) {
            snprintf(err, errlen, "-device: unknown device '%s' (known: isa-debug-exit)", d);
            return false;
        }
        if (!parse_debug_exit(d, cfg)) {
            snprintf(err, errlen, "-device: bad isa-debug-exit properties in '%s'", d);
            return false;
        }
    }
    return true;
}

static bool load_file(const char *opt, const char *path, uint8_t **data, size_t *len, char *err,
                      size_t errlen)
{
    FILE *f = fopen(path, "rb");
    long size = -1;
    if (f && fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (!f || size < 0 || size > (256l << 20)) {
        snprintf(err, errlen, "%s: cannot read '%s': %s", opt, path,
                 f ? "not a regular file of at most 256 MiB" : strerror(errno));
        if (f)
            fclose(f);
        return false;
    }
    *data = malloc(size ? (size_t)size : 1);
    rewind(f);
    bool ok = *data && fread(*data, 1, (size_t)size, f) == (size_t)size;
    fclose(f);
    if (!ok) {
        free(*data);
        snprintf(err, errlen, "%s: cannot read '%s'", opt, path);
        return false;
    }
    *len = (size_t)size;
    return true;
}

/* Direct-boot entry state, as both Multiboot (spec 3.2) and the Linux 32-bit
 * protocol want it: flat 32-bit code and data segments, PE on, paging off,
 * interrupts off. */
static void enter_flat32(struct x86_cpu *cpu, uint16_t cs, uint16_t ds, uint32_t eip)
{
    CPUX86State *env = cpu_env(cpu);
    static const uint32_t code =
        X86_DESC_P | X86_DESC_S | (0xBu << X86_DESC_TYPE_SHIFT) | X86_DESC_B | X86_DESC_G;
    static const uint32_t data =
        X86_DESC_P | X86_DESC_S | (0x3u << X86_DESC_TYPE_SHIFT) | X86_DESC_B | X86_DESC_G;
    for (int s = 0; s < 6; s++) {
        env->segs[s] = (struct x86_segment){.base = 0,
                                            .limit = 0xFFFFFFFF,
                                            .flags = s == 1 ? code : data,
                                            .selector = s == 1 ? cs : ds};
    }
    env->cr[0] |= X86_CR0_PE;
    env->eip = eip;
    cpu_load_eflags(env, 0x2, ~0u);
    cpu_update_hflags(env);
}

static bool boot_linux(struct vm *vm, const uint8_t *k, size_t klen, char *err, size_t errlen)
{
    const struct ui_options *o = vm->opts;
    uint8_t *initrd = NULL;
    size_t initrd_len = 0;
    if (o->initrd && !load_file("-initrd", o->initrd, &initrd, &initrd_len, err, errlen))
        return false;
    struct linux_entry e;
    char inner[200];
    bool ok = linux_load(vm->pc->mem, o->ram_mib << 20, k, klen, initrd, initrd_len,
                         o->append ? o->append : "", &e, inner, sizeof(inner));
    free(initrd);
    if (!ok) {
        snprintf(err, errlen, "-kernel: %s: %s", o->kernel, inner);
        return false;
    }
    enter_flat32(vm->cpu, LINUX_BOOT_CS, LINUX_BOOT_DS, e.eip);
    CPUX86State *env = cpu_env(vm->cpu);
    env->gdt = (struct x86_dtable){.base = e.gdt_base, .limit = e.gdt_limit};
    env->regs[X86_ESI] = e.esi;
    return true;
}

static bool load_kernel(struct vm *vm, char *err, size_t errlen)
{
    const struct ui_options *o = vm->opts;
    uint8_t *data;
    size_t len;
    if (!load_file("-kernel", o->kernel, &data, &len, err, errlen))
        return false;
    bool ok = false;
    if (multiboot_probe(data, len)) {
        struct multiboot_entry e;
        char inner[200];
        ok = multiboot_load(vm->pc->mem, o->ram_mib << 20, data, len, o->append, &e, inner,
                            sizeof(inner));
        if (ok) {
            enter_flat32(vm->cpu, 0x08, 0x10, e.eip);
            cpu_env(vm->cpu)->regs[X86_EAX] = e.eax;
            cpu_env(vm->cpu)->regs[X86_EBX] = e.ebx;
        } else {
            snprintf(err, errlen, "-kernel: %s: %s", o->kernel, inner);
        }
    } else if (linux_probe(data, len)) {
        ok = boot_linux(vm, data, len, err, errlen);
    } else {
        snprintf(err, errlen, "-kernel: %s is neither a Multiboot image nor a Linux bzImage",
                 o->kernel);
    }
    free(data);
    return ok;
}

void vm_machine_reset(struct vm *vm)
{
    pc_reset(vm->pc);
    cpu_reset(vm->cpu);
}

static void monitor_input_bytes(struct vm *vm, const uint8_t *buf, size_t len)
{
    monitor_term_input(vm->mon, (const char *)buf, len);
}

static size_t monitor_dev_input(void *opaque, const uint8_t *buf, size_t len)
{
    monitor_input_bytes(opaque, buf, len);
    return len;
}

/* gdb's `monitor CMD` runs a human monitor command (from the CPU thread,
 * which holds the machine lock while the debugger has the guest). */
static void gdb_monitor(void *opaque, const char *cmd, FILE *out)
{
    struct mon_out text = {0};
    monitor_execute(opaque, cmd, VM_CAUSE_HOST_HMP, &text);
    if (text.len)
        fwrite(text.buf, 1, text.len, out);
    mon_out_free(&text);
}

static void qmp_event(void *opaque, const char *name, json_t *data, struct vm_event_time t)
{
    struct vm *vm = opaque;
    if (vm->qmp)
        qmp_server_event(vm->qmp, name, data, t);
}

/* QEMU's -mon chardev=ID[,mode=readline|control]: the -chardev's spec becomes
 * the human monitor's (readline, the default) or the QMP socket's (control). */
static bool resolve_mon(const struct ui_options *o, const char **monitor, const char **qmp,
                        char specs[2][SERIAL_SPEC_MAX], char *err, size_t errlen)
{
    for (int i = 0; i < o->mon.count; i++) {
        const char *m = o->mon.item[i];
        char id[64], mode[16] = "readline", inner[300];
        if (!netdev_opt(m, "chardev", id, sizeof(id))) {
            snprintf(err, errlen, "-mon: chardev=ID is required in '%s'", m);
            return false;
        }
        netdev_opt(m, "mode", mode, sizeof(mode));
        bool control = strcmp(mode, "control") == 0;
        if (!control && strcmp(mode, "readline") != 0) {
            snprintf(err, errlen, "-mon: mode must be readline or control, not '%s'", mode);
            return false;
        }
        if (!serial_ports_chardev_spec(o, id, specs[control], SERIAL_SPEC_MAX, inner,
                                       sizeof(inner))) {
            snprintf(err, errlen, "-mon: %s", inner);
            return false;
        }
        *(control ? qmp : monitor) = specs[control];
    }
    return true;
}

/* -monitor DEV, or the Ctrl-A c side of -nographic's stdio; -qmp DEV; -mon. */
static bool open_control(struct vm *vm, char *err, size_t errlen)
{
    const struct ui_options *o = vm->opts;
    vm->mon_dev =
        (struct chardev){.kind = CHARDEV_NULL, .in_fd = -1, .out_fd = -1, .listen_fd = -1};
    const char *monitor = o->monitor, *qmp = o->qmp;
    char specs[2][SERIAL_SPEC_MAX];
    if (!resolve_mon(o, &monitor, &qmp, specs, err, errlen))
        return false;
    if (monitor && strcmp(monitor, "none") != 0) {
        if (strcmp(monitor, "stdio") == 0 && vm->serial[0].kind == CHARDEV_STDIO) {
            snprintf(err, errlen,
                     "-monitor stdio: stdio is already serial 0's (use Ctrl-A c "
                     "with -nographic)");
            return false;
        }
        if (!chardev_open(&vm->mon_dev, "-monitor", monitor, err, errlen))
            return false;
        vm->mon_dev.input = monitor_dev_input;
        vm->mon_dev.input_opaque = vm;
        bool tty = vm->mon_dev.kind == CHARDEV_STDIO && isatty(STDIN_FILENO);
        vm->mon = monitor_term_new(vm, monitor_out, vm, tty ? STDIN_FILENO : -1);
    } else if (!monitor && vm->stdio_mux) {
        vm->mon_on_mux = true;
        vm->mon = monitor_term_new(vm, monitor_out, vm, -1);
    }
    vm_set_event_listener(vm, qmp_event, vm);
    if (qmp) {
        vm->qmp = qmp_server_new(vm, qmp, err, errlen);
        if (!vm->qmp)
            return false;
    }
    return true;
}

static bool build(struct vm *vm, const char *bios_path, char *err, size_t errlen)
{
    const struct ui_options *o = vm->opts;
    if (!open_chardevs(vm, err, errlen))
        return false;
    int64_t rtc_base;
    /* Deterministic runs (-icount) see a fixed date unless -rtc says otherwise. */
    int64_t host_now = o->icount_shift >= 0 ? 946684800 : (int64_t)time(NULL);
    if (!rtc_parse_base(o->rtc ? (strncmp(o->rtc, "base=", 5) == 0 ? o->rtc + 5 : o->rtc) : "utc",
                        host_now, &rtc_base)) {
        snprintf(err, errlen, "-rtc: bad base '%s' (utc, localtime or YYYY-MM-DD[THH:MM:SS])",
                 o->rtc);
        return false;
    }
    struct pc_config cfg = {
        .ram_size = o->ram_mib << 20,
        .bios_path = bios_path,
        .icount_shift = o->icount_shift,
        .rtc_base = rtc_base,
        .boot_order = o->boot,
        .graphics = !o->nographic,
        .vga = !o->vga || strcmp(o->vga, "std") == 0,
        .serial = {{serial0_out, vm}, {serial1_out, vm}},
        .exit_fn = guest_exit,
        .exit_opaque = vm,
    };
    if (o->debugcon)
        cfg.debugcon = (struct debugcon){chardev_write_cb, &vm->debugcon};
    if (!parse_devices(o, &cfg, err, errlen) || !vm_net_configure(&vm->net, o, &cfg, err, errlen))
        return false;
    struct pc_drive_files files = {.hd = {o->hd[0], o->hd[1], o->hd[2], o->hd[3]},
                                   .cdrom = o->cdrom,
                                   .fd = {o->fd[0], o->fd[1]},
                                   .snapshot = o->snapshot};
    struct ui_drive_names drive_names; /* the images are open before it goes */
    if (!ui_drives_apply(&o->drive, &files, &drive_names, err, errlen) ||
        !pc_open_drives(&cfg, &files, err, errlen))
        return false;
    vm->pc = pc_new(&cfg, err, errlen);
    if (!vm->pc) {
        pc_close_drives(&cfg);
        return false;
    }
    struct cpu_config cc = {.space = vm->pc->mem, .io = vm->pc->io, .code_size = VM_CODE_BYTES};
    const struct cpu_model *model = NULL;
    if (o->cpu_model && !cpu_model_parse(o->cpu_model, &cc.features, &model)) {
        err[0] = '\0'; /* cpu_model_parse reported it */
        return false;
    }
    cc.model = model;
    vm->cpu = cpu_new(&cc);
    if (!vm->cpu) {
        snprintf(err, errlen, "cannot create the CPU");
        return false;
    }
    cpu_set_intack(vm->cpu, cpu_intack, vm);
    cpu_set_ferr(vm->cpu, pc_ferr, vm->pc);
    cpu_set_clock(vm->cpu, cpu_clock, vm);
    vm->display = ui_display_new(vm->pc, o, err, errlen);
    if (!vm->display)
        return false;
    irq_connect(&vm->pc->cpu_intr, cpu_intr_line, vm, 0);
    vm_net_attach(&vm->net, vm->pc);
    if (o->kernel) { /* no firmware runs to do it */
        pc_route_pci_irqs(vm->pc);
        pc_acpi_direct_boot(vm->pc);
    }
    vm->serial[0].input = serial0_input;
    vm->serial[0].input_opaque = vm;
    vm->serial[1].input = serial1_input;
    vm->serial[1].input_opaque = vm;
    if (o->gdb) {
        vm->gdb = gdbstub_new(o->gdb, vm->cpu, o->start_stopped, err, errlen);
        if (!vm->gdb)
            return false;
        gdbstub_set_monitor(vm->gdb, gdb_monitor, vm);
    }
    if (!open_control(vm, err, errlen))
        return false;
    return !o->kernel || load_kernel(vm, err, errlen);
}

int vm_run(const struct ui_options *opts, const char *bios_path)
{
    struct vm *vm = calloc(1, sizeof(*vm));
    if (!vm) {
        error_report("out of memory");
        return 1;
    }
    vm->opts = opts;
    for (int i = 0; i < 2; i++)
        vm->serial[i] = (struct chardev){.in_fd = -1, .out_fd = -1, .listen_fd = -1};
    vm->debugcon = vm->mon_dev = vm->serial[0];
    char err[512];
    int status = 1;
    if (build(vm, bios_path, err, sizeof(err))) {
        if (vm->stdio_mux)
            raw_tty(vm);
        status = vm_loop_run(vm);
        restore_tty(vm);
        if (opts->stats_file && !vm_stats_write_file(vm, opts->stats_file, err, sizeof(err)))
            error_report("%s", err);
    } else if (err[0]) {
        error_report("%s", err);
    }
    gdbstub_free(vm->gdb);
    qmp_server_free(vm->qmp);
    monitor_term_free(vm->mon);
    chardev_close(&vm->mon_dev);
    ui_display_free(vm->display);
    cpu_free(vm->cpu);
    pc_free(vm->pc);
    vm_net_free(&vm->net);
    for (int i = 0; i < 2; i++)
        chardev_close(&vm->serial[i]);
    chardev_close(&vm->debugcon);
    free(vm);
    return status;
}
