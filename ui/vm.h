/* The running machine's private state, shared by machine.c (building it
 * from the command line) and mainloop.c (the CPU thread and the main loop). */
#ifndef JIT86_UI_VM_H
#define JIT86_UI_VM_H

#include "chardev.h"
#include "display-ui.h"
#include "machine-net.h"
#include "migration.h"
#include "stats.h"
#include "vmctl.h"

#include "cpu/cpu.h"
#include "hw/pc/pc.h"

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <termios.h>

struct gdbstub;
struct monitor_term;
struct qmp_server;

#define VM_EVENT_QUEUE 32

struct vm_event {
    char name[16];
    json_t *data; /* owned; NULL: no data */
    struct vm_event_time time;
};

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
    struct vm_net net;   /* -netdev/-nic backends and their cards */
    struct gdbstub *gdb; /* -s / -gdb: the debugger controls the run */

    /* The monitor: its own character device, or serial 0's stdio after Ctrl-A c. */
    struct chardev mon_dev;
    struct monitor_term *mon;
    bool mon_focus;  /* -nographic: stdio input goes to the monitor */
    bool mon_on_mux; /* the monitor shares the multiplexed stdio */
    struct qmp_server *qmp;

    /* Run control (mainloop.c). The machine lock guards the board, the CPU
     * and everything above; the CPU thread holds it while it runs a slice. */
    pthread_mutex_t lock;
    pthread_cond_t cpu_cond; /* the CPU thread waits here: paused, halted, lock handover */
    atomic_int lock_waiters; /* main-loop threads waiting for the lock */
    pthread_t cpu_thread;
    int cpu_tid;
    int wake_pipe[2]; /* the CPU thread wakes the main loop (events, quit) */
    enum vm_state state;
    bool reset_pending; /* a reset the CPU thread carries out at its next boundary */
    struct vm_event events[VM_EVENT_QUEUE];
    int nevents;
    vm_event_fn *event_fn;
    void *event_opaque;
    struct vm_stats stats;
    struct migration_info migration; /* parameters and progress (migration-info.c) */
};

/* mainloop.c: runs the machine until it ends; returns the exit status. */
int vm_loop_run(struct vm *vm);
/* Board and CPU back to power-on state (machine.c). */
void vm_machine_reset(struct vm *vm);

#endif
