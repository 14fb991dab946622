/* Run control (shared/DESIGN.md "Interfaces", "Interrupts and exits"): the
 * CPU runs in its own thread, a slice of blocks at a time, holding the
 * machine lock; the main thread waits in poll() on the character devices,
 * the monitor, the control sockets and the network backends, and takes the
 * lock between two slices, so every command acts at a block boundary. The
 * CPU is never kicked out of a slice, which keeps -icount runs identical. */
#include "vm.h"

#include "gdbstub.h"
#include "monitor.h"
#include "qmp.h"
#include "savevm.h"

#include "translator/log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define SLICE_BLOCKS 4096 /* blocks between timer checks */
/* -icount N: virtual time follows guest execution, 2^N ns per instruction.
 * The CPU counts executed blocks (chained ones too, in its block budget), not
 * instructions yet, so a block counts as ICOUNT_INSNS_PER_BLOCK instructions:
 * still deterministic, since the same guest runs the same blocks on every
 * host and backend. Slices end at the next timer deadline. */
#define ICOUNT_INSNS_PER_BLOCK 8
#define MAIN_POLL_MAX          (8 + 2 * NETDEV_MAX_FDS)

/* ---- the machine lock ---- */

static void vm_lock(struct vm *vm)
{
    atomic_fetch_add(&vm->lock_waiters, 1);
    pthread_mutex_lock(&vm->lock);
    atomic_fetch_sub(&vm->lock_waiters, 1);
}

static void vm_unlock(struct vm *vm)
{
    pthread_cond_broadcast(&vm->cpu_cond);
    pthread_mutex_unlock(&vm->lock);
}

static void wake_main(struct vm *vm)
{
    char b = 1;
    if (write(vm->wake_pipe[1], &b, 1) < 0 && errno != EAGAIN)
        log_mask_printf(LOG_GUEST_ERRORS, "mainloop: wake pipe: %s\n", strerror(errno));
}

/* ---- events ---- */

void vm_set_event_listener(struct vm *vm, vm_event_fn *fn, void *opaque)
{
    vm->event_fn = fn;
    vm->event_opaque = opaque;
}

void vm_emit_event(struct vm *vm, const char *name, json_t *data)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    if (vm->nevents == VM_EVENT_QUEUE) { /* nobody drains: the oldest goes */
        json_decref(vm->events[0].data);
        memmove(vm->events, vm->events + 1, sizeof(vm->events[0]) * (VM_EVENT_QUEUE - 1));
        vm->nevents--;
    }
    struct vm_event *e = &vm->events[vm->nevents++];
    snprintf(e->name, sizeof(e->name), "%s", name);
    e->data = data;
    e->time = (struct vm_event_time){tv.tv_sec, tv.tv_usec};
    wake_main(vm);
}

static void deliver_events(struct vm *vm)
{
    for (int i = 0; i < vm->nevents; i++) {
        struct vm_event *e = &vm->events[i];
        if (vm->event_fn)
            vm->event_fn(vm->event_opaque, e->name, e->data, e->time);
        json_decref(e->data);
    }
    vm->nevents = 0;
}

static json_t *reason(bool guest, const char *why)
{
    return json_pack("{s:b, s:s}", "guest", guest, "reason", why);
}

/* ---- run control (vmctl.h) ---- */

const char *vm_state_name(enum vm_state s)
{
    static const char *const names[] = {"prelaunch", "running", "paused", "shutdown"};
    return names[s];
}

enum vm_state vm_state(const struct vm *vm)
{
    return vm->state;
}

void vm_stop(struct vm *vm)
{
    if (vm->state != VM_RUNNING && vm->state != VM_PRELAUNCH)
        return;
    bool was_running = vm->state == VM_RUNNING;
    vm->state = VM_PAUSED;
    if (!was_running)
        return;
    clock_stop(&vm->pc->clock);
    if (vm->display)
        ui_display_set_status(vm->display, "paused");
    vm_emit_event(vm, "STOP", NULL);
}

void vm_cont(struct vm *vm)
{
    if (vm->state != VM_PAUSED && vm->state != VM_PRELAUNCH)
        return;
    vm->state = VM_RUNNING;
    clock_start(&vm->pc->clock);
    if (vm->display)
        ui_display_set_status(vm->display, "running");
    vm_emit_event(vm, "RESUME", NULL);
}

static const char *host_reason(enum vm_cause cause, const char *qmp_reason)
{
    switch (cause) {
    case VM_CAUSE_HOST_UI: return "host-ui";
    case VM_CAUSE_GUEST: return "guest-reset";
    default: return qmp_reason; /* HMP commands are QMP commands in QEMU too */
    }
}

void vm_system_reset(struct vm *vm, enum vm_cause cause)
{
    vm_machine_reset(vm);
    vm->stats.resets++;
    vm_emit_event(vm, "RESET",
                  reason(cause == VM_CAUSE_GUEST, host_reason(cause, "host-qmp-system-reset")));
}

void vm_system_powerdown(struct vm *vm)
{
    pc_power_button(vm->pc); /* ACPI: the guest decides (and may power off) */
    vm_emit_event(vm, "POWERDOWN", NULL);
}

void vm_quit(struct vm *vm, enum vm_cause cause)
{
    if (vm->quit)
        return;
    vm->quit = true;
    vm->status = 0;
    vm->state = VM_SHUTDOWN;
    vm_emit_event(vm, "SHUTDOWN",
                  reason(cause == VM_CAUSE_GUEST, host_reason(cause, "host-qmp-quit")));
}

struct pc_machine *vm_pc(struct vm *vm)
{
    return vm->pc;
}
struct x86_cpu *vm_cpu(struct vm *vm)
{
    return vm->cpu;
}
struct ui_display *vm_display(struct vm *vm)
{
    return vm->display;
}
struct vm_net *vm_net(struct vm *vm)
{
    return &vm->net;
}
const struct ui_options *vm_options(const struct vm *vm)
{
    return vm->opts;
}
const struct vm_stats *vm_stats(struct vm *vm)
{
    return &vm->stats;
}
int vm_cpu_thread_id(const struct vm *vm)
{
    return vm->cpu_tid;
}

/* ---- the CPU thread ---- */

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
        /* The stub blocks while the debugger holds the guest, with the lock:
         * the main loop waits meanwhile, as the whole emulator did before. */
        enum cpu_exit_reason why = gdbstub_run_slice(vm->gdb, SLICE_BLOCKS);
        if (gdbstub_quit_requested(vm->gdb)) {
            vm->quit = true;
            wake_main(vm);
        }
        return why;
    }
    uint64_t budget = clk->icount_shift < 0 ? SLICE_BLOCKS : icount_slice(vm);
    enum cpu_exit_reason why = cpu_exec(vm->cpu, budget);
    uint64_t ran = budget - (uint64_t)cpu_budget_left(vm->cpu);
    vm->stats.blocks_executed += ran;
    if (clk->icount_shift >= 0)
        clock_add_insns(clk, ran * ICOUNT_INSNS_PER_BLOCK);
    return why;
}

static void cond_wait_ns(struct vm *vm, int64_t ns)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t t = (int64_t)ts.tv_nsec + ns;
    ts.tv_sec += t / 1000000000;
    ts.tv_nsec = t % 1000000000;
    pthread_cond_timedwait(&vm->cpu_cond, &vm->lock, &ts);
}

/* A halted CPU waits for the next timer, or for the main loop (input,
 * commands), which signals cpu_cond when it lets go of the lock. */
static void halt_wait(struct vm *vm)
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
    if (wait_ns > 0)
        cond_wait_ns(vm, wait_ns);
}

static void guest_reset(struct vm *vm, enum cpu_exit_reason why)
{
    log_mask_printf(LOG_INT, "machine: %s\n",
                    why == CPU_EXIT_SHUTDOWN ? "triple fault" : "reset requested");
    if (vm->opts->no_reboot) {
        vm_quit(vm, VM_CAUSE_GUEST);
        return;
    }
    vm_system_reset(vm, VM_CAUSE_GUEST);
}

static void poll_serial(struct vm *vm, int i)
{
    if (!chardev_poll(&vm->serial[i]) && vm->serial[i].kind == CHARDEV_STDIO)
        vm->serial[i].in_fd = -1; /* stdin closed: no more input */
}

static void cpu_step(struct vm *vm)
{
    enum cpu_exit_reason why = run_slice(vm);
    /* A timer that ran may have raised an interrupt that wakes a halted CPU:
     * the next slice takes it, instead of a wait until the deadline after it
     * (a one-shot PIT has none: the wait lasted until the main loop's next
     * wake-up, up to 100 ms per guest timer event). */
    bool woke = clock_run_timers(&vm->pc->clock) > 0;
    /* Input waiting for room in a UART goes in as soon as the guest has read
     * some: without a FIFO the UART takes one byte at a time. */
    for (int i = 0; i < 2; i++) {
        if (vm->serial[i].npending)
            poll_serial(vm, i);
    }
    if (vm->quit)
        return;
    if (why == CPU_EXIT_SHUTDOWN || vm->pc->reset_requested)
        guest_reset(vm, why);
    else if (why == CPU_EXIT_HALTED && !woke)
        halt_wait(vm);
}

static void *cpu_thread_main(void *opaque)
{
    struct vm *vm = opaque;
    pthread_mutex_lock(&vm->lock);
    vm->cpu_tid = (int)gettid();
    while (!vm->quit) {
        if (atomic_load(&vm->lock_waiters) > 0 || vm->state != VM_RUNNING) {
            pthread_cond_wait(&vm->cpu_cond, &vm->lock); /* hand the lock over */
            continue;
        }
        cpu_step(vm);
    }
    pthread_mutex_unlock(&vm->lock);
    wake_main(vm);
    return NULL;
}

/* ---- the main loop ---- */

static void serve_monitor_dev(struct vm *vm)
{
    if (!vm->mon)
        return;
    int tty = monitor_term_tty_fd(vm->mon);
    if (tty >= 0) {
        struct pollfd p = {.fd = tty, .events = POLLIN};
        if (poll(&p, 1, 0) > 0)
            monitor_term_read_tty(vm->mon);
        return;
    }
    if (vm->mon_on_mux)
        return; /* fed by serial 0's input after Ctrl-A c */
    bool had_client = vm->mon_dev.in_fd >= 0;
    if (!chardev_poll(&vm->mon_dev) && vm->mon_dev.kind == CHARDEV_STDIO)
        vm->mon_dev.in_fd = -1; /* stdin closed: the monitor has no more input */
    if (!had_client && vm->mon_dev.in_fd >= 0 && vm->mon_dev.kind == CHARDEV_SOCKET)
        monitor_term_banner(vm->mon);
}

static void service(struct vm *vm)
{
    for (int i = 0; i < 2; i++)
        poll_serial(vm, i);
    serve_monitor_dev(vm);
    if (vm->qmp)
        qmp_server_service(vm->qmp);
    vm_net_poll(&vm->net);
    if (vm->display && !ui_display_tick(vm->display))
        vm_quit(vm, VM_CAUSE_HOST_UI); /* the window was closed */
    deliver_events(vm);
}

static void add_fd(struct pollfd *fds, int *n, int fd)
{
    if (fd >= 0 && *n < MAIN_POLL_MAX)
        fds[(*n)++] = (struct pollfd){.fd = fd, .events = POLLIN};
}

static int collect_fds(struct vm *vm, struct pollfd *fds, int *timeout_ms)
{
    int n = 0;
    add_fd(fds, &n, vm->wake_pipe[0]);
    *timeout_ms = 100;
    for (int i = 0; i < 2; i++) {
        add_fd(fds, &n, chardev_poll_fd(&vm->serial[i]));
        if (vm->serial[i].npending)
            *timeout_ms = 10; /* the UART FIFO was full: retry soon */
    }
    if (vm->mon && monitor_term_tty_fd(vm->mon) >= 0)
        add_fd(fds, &n, monitor_term_tty_fd(vm->mon));
    else if (vm->mon && !vm->mon_on_mux)
        add_fd(fds, &n, chardev_poll_fd(&vm->mon_dev));
    if (vm->qmp)
        n += qmp_server_poll_fds(vm->qmp, fds + n, MAIN_POLL_MAX - n);
    n += vm_net_poll_fds(&vm->net, fds + n, MAIN_POLL_MAX - n);
    if (vm->net.count)
        *timeout_ms = 10; /* backend timers (slirp) */
    int display_ms = vm->display ? ui_display_timeout_ms(vm->display) : -1;
    if (display_ms >= 0 && display_ms < *timeout_ms)
        *timeout_ms = display_ms;
    return n;
}

static void drain_wake_pipe(struct vm *vm)
{
    char buf[64];
    while (read(vm->wake_pipe[0], buf, sizeof(buf)) > 0)
        ;
}

static void main_loop(struct vm *vm)
{
    struct pollfd fds[MAIN_POLL_MAX];
    for (;;) {
        int timeout_ms;
        vm_lock(vm);
        int n = collect_fds(vm, fds, &timeout_ms);
        bool done = vm->quit;
        vm_unlock(vm);
        if (done)
            return;
        poll(fds, (nfds_t)n, timeout_ms);
        drain_wake_pipe(vm);
        vm_lock(vm);
        service(vm);
        vm_unlock(vm);
    }
}

static bool start(struct vm *vm)
{
    if (pipe2(vm->wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        error_report("cannot create the main loop's pipe: %s", strerror(errno));
        return false;
    }
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&vm->cpu_cond, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&vm->lock, NULL);
    char err[512];
    if (!vm_savevm_start(vm, err, sizeof(err))) { /* -incoming, -loadvm */
        error_report("%s", err);
        return false;
    }
    vm->stats.start_host_ns = clock_host_ns();
    bool stopped = vm->opts->start_stopped && !vm->gdb; /* -S without gdb: QEMU's prelaunch */
    vm->state = stopped ? VM_PRELAUNCH : VM_RUNNING;
    if (!stopped)
        clock_start(&vm->pc->clock);
    if (pthread_create(&vm->cpu_thread, NULL, cpu_thread_main, vm) != 0) {
        error_report("cannot start the CPU thread");
        return false;
    }
    return true;
}

int vm_loop_run(struct vm *vm)
{
    if (!start(vm))
        return 1;
    if (vm->mon && !vm->mon_on_mux && vm->mon_dev.kind == CHARDEV_STDIO)
        monitor_term_banner(vm->mon);
    main_loop(vm);
    pthread_cond_broadcast(&vm->cpu_cond);
    pthread_join(vm->cpu_thread, NULL);
    vm_migration_end(vm);
    if (vm->gdb)
        gdbstub_guest_exited(vm->gdb, vm->status);
    deliver_events(vm); /* SHUTDOWN reaches the control socket before it closes */
    if (vm->qmp)
        qmp_server_flush(vm->qmp, 500);
    close(vm->wake_pipe[0]);
    close(vm->wake_pipe[1]);
    pthread_mutex_destroy(&vm->lock);
    pthread_cond_destroy(&vm->cpu_cond);
    return vm->status;
}
