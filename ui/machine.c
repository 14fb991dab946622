/* The main loop (shared/DESIGN.md "Interfaces"): run blocks on the CPU, fire
 * device timers on the virtual clock, poll the character backends, and handle
 * reset, shutdown and exit requests between slices. */
#include "machine.h"

#include "chardev.h"
#include "display-ui.h"
#include "gdbstub.h"
#include "machine-net.h"

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

#define SLICE_BLOCKS 4096 /* blocks between timer and input checks */

struct vm {
    const struct ui_options *opts;
    struct pc_machine *pc;
    struct x86_cpu *cpu;
    struct chardev serial[2];
    struct chardev debugcon;
    struct ui_display *display; /* window or headless surface; NULL with -vga none */
    struct chardev_mux mux;
    bool stdio_mux; /* serial0 on stdio with Ctrl-A escapes */
    bool tty_raw;
    struct termios saved_tty;
    bool quit;
    int status;
    struct vm_net net; /* -netdev/-nic backends and their cards */
    struct gdbstub *gdb; /* -s / -gdb: the debugger controls the run */
};

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

static void guest_exit(void *opaque, int status)
{
    struct vm *vm = opaque;
    vm->quit = true;
    vm->status = status;
    cpu_exit_request(vm->cpu);
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
                vm->quit = true;
                vm->status = 0;
                return len;
            }
            if (a == MUX_HELP)
                chardev_write(&vm->serial[0], (const uint8_t *)chardev_mux_help,
                              strlen(chardev_mux_help));
            if (a == MUX_SWITCH) {
                static const char msg[] = "\r\n(the monitor is not built yet)\r\n";
                chardev_write(&vm->serial[0], (const uint8_t *)msg, sizeof(msg) - 1);
            }
            if (a != MUX_PASS)
                continue;
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
    for (int i = 0; i < 2; i++) {
        const char *spec = i < o->serial.count ? o->serial.item[i] : NULL;
        if (!spec)
            spec = (i == 0 && o->nographic) ? "stdio" : "null";
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
        if (vm_net_is_device(d))
            continue; /* machine-net.c */
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

static void poll_chardevs(struct vm *vm)
{
    for (int i = 0; i < 2; i++) {
        if (!chardev_poll(&vm->serial[i]) && vm->serial[i].kind == CHARDEV_STDIO)
            vm->serial[i].in_fd = -1; /* stdin closed: no more input */
    }
    vm_net_poll(&vm->net);
}

/* A halted CPU waits for the next timer or host input. */
static void wait_for_event(struct vm *vm)
{
    struct hw_clock *clk = &vm->pc->clock;
    int64_t deadline = clock_next_deadline(clk);
    if (clk->icount_shift >= 0) {
        /* Deterministic time jumps to the next event: nothing else can happen. */
        if (deadline != CLOCK_NEVER && deadline > clock_now(clk))
            clock_set_now(clk, deadline);
        return;
    }
    int64_t wait_ns = deadline == CLOCK_NEVER ? 100000000 : deadline - clock_now(clk);
    if (wait_ns <= 0)
        return;
    struct pollfd fds[2 + NETDEV_MAX_FDS];
    int n = 0;
    for (int i = 0; i < 2; i++) {
        int fd = chardev_poll_fd(&vm->serial[i]);
        if (fd >= 0)
            fds[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
    }
    n += vm_net_poll_fds(&vm->net, fds + n, NETDEV_MAX_FDS);
    int wait_ms = (int)((wait_ns + 999999) / 1000000);
    int display_ms = vm->display ? ui_display_timeout_ms(vm->display) : -1;
    if (display_ms >= 0 && display_ms < wait_ms)
        wait_ms = display_ms; /* the next screen refresh is due earlier */
    poll(fds, (nfds_t)n, wait_ms);
}

static void machine_reset(struct vm *vm)
{
    pc_reset(vm->pc);
    cpu_reset(vm->cpu);
}

/* -icount N: virtual time follows guest execution, 2^N ns per instruction.
 * The CPU counts executed blocks (chained ones too, in its block budget), not
 * instructions yet, so a block counts as ICOUNT_INSNS_PER_BLOCK instructions:
 * still deterministic, since the same guest runs the same blocks on every
 * host and backend. Slices end at the next timer deadline. */
#define ICOUNT_INSNS_PER_BLOCK 8

static uint64_t icount_slice(struct vm *vm)
{
    struct hw_clock *clk = &vm->pc->clock;
    int64_t deadline = clock_next_deadline(clk);
    int64_t block_ns = (int64_t)ICOUNT_INSNS_PER_BLOCK << clk->icount_shift;
    if (deadline == CLOCK_NEVER)
        return SLICE_BLOCKS;
    int64_t left = deadline - clock_now(clk);
    uint64_t blocks = left <= 0 ? 1 : (uint64_t)((left + block_ns - 1) / block_ns);
    return blocks < SLICE_BLOCKS ? blocks : SLICE_BLOCKS;
}

static enum cpu_exit_reason run_slice(struct vm *vm)
{
    struct hw_clock *clk = &vm->pc->clock;
    if (vm->gdb) {
        enum cpu_exit_reason why = gdbstub_run_slice(vm->gdb, SLICE_BLOCKS);
        if (gdbstub_quit_requested(vm->gdb))
            vm->quit = true;
        return why;
    }
    if (clk->icount_shift < 0)
        return cpu_exec(vm->cpu, SLICE_BLOCKS);
    uint64_t budget = icount_slice(vm);
    enum cpu_exit_reason why = cpu_exec(vm->cpu, budget);
    int32_t left = cpu_env(vm->cpu)->block_budget;
    uint64_t ran = budget - (uint64_t)(left > 0 ? left : 0);
    clock_add_insns(clk, ran * ICOUNT_INSNS_PER_BLOCK);
    return why;
}

static void run(struct vm *vm)
{
    clock_start(&vm->pc->clock);
    while (!vm->quit) {
        enum cpu_exit_reason why = run_slice(vm);
        clock_run_timers(&vm->pc->clock);
        poll_chardevs(vm);
        if (vm->display && !ui_display_tick(vm->display))
            vm->quit = true; /* the window was closed */
        if (vm->quit)
            break;
        if (why == CPU_EXIT_SHUTDOWN || vm->pc->reset_requested) {
            log_mask_printf(LOG_INT, "machine: %s\n",
                            why == CPU_EXIT_SHUTDOWN ? "triple fault" : "reset requested");
            if (vm->opts->no_reboot) {
                vm->status = 0;
                break;
            }
            machine_reset(vm);
        } else if (why == CPU_EXIT_HALTED) {
            wait_for_event(vm);
        }
    }
    if (vm->gdb)
        gdbstub_guest_exited(vm->gdb, vm->status);
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
        .serial = {{chardev_write_cb, &vm->serial[0]}, {chardev_write_cb, &vm->serial[1]}},
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
    if (!pc_open_drives(&cfg, &files, err, errlen))
        return false;
    vm->pc = pc_new(&cfg, err, errlen);
    if (!vm->pc) {
        pc_close_drives(&cfg);
        return false;
    }
    struct cpu_config cc = {.space = vm->pc->mem, .io = vm->pc->io};
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
    vm->display = ui_display_new(vm->pc, o, err, errlen);
    if (!vm->display)
        return false;
    irq_connect(&vm->pc->cpu_intr, cpu_intr_line, vm, 0);
    vm_net_attach(&vm->net, vm->pc);
    vm->serial[0].input = serial0_input;
    vm->serial[0].input_opaque = vm;
    vm->serial[1].input = serial1_input;
    vm->serial[1].input_opaque = vm;
    if (o->gdb) {
        vm->gdb = gdbstub_new(o->gdb, vm->cpu, o->start_stopped, err, errlen);
        if (!vm->gdb)
            return false;
    }
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
    char err[512];
    int status = 1;
    if (build(vm, bios_path, err, sizeof(err))) {
        if (vm->stdio_mux)
            raw_tty(vm);
        run(vm);
        restore_tty(vm);
        status = vm->status;
    } else if (err[0]) {
        error_report("%s", err);
    }
    gdbstub_free(vm->gdb);
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
