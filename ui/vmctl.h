/* Run control of a running machine, for the monitor and the control socket:
 * stop/cont at a block boundary, reset, power-down, quit, and the QMP event
 * stream (STOP, RESUME, RESET, SHUTDOWN, POWERDOWN). Every function here is
 * called from the main loop thread with the machine lock held. */
#ifndef JIT86_UI_VMCTL_H
#define JIT86_UI_VMCTL_H

#include "display-ui.h"

#include "cpu/cpu.h"
#include "hw/pc/pc.h"

#include <jansson.h>
#include <stdbool.h>

struct vm;
struct vm_stats;

/* QEMU's RunState names for query-status and `info status`. */
enum vm_state { VM_PRELAUNCH, VM_RUNNING, VM_PAUSED, VM_SHUTDOWN };
const char *vm_state_name(enum vm_state s);

/* Why the machine stops, resets or ends; the QMP event reasons. */
enum vm_cause {
    VM_CAUSE_HOST_QMP, /* a control socket command */
    VM_CAUSE_HOST_HMP, /* a monitor command */
    VM_CAUSE_HOST_UI,  /* the window closed, Ctrl-A x */
    VM_CAUSE_GUEST,    /* the guest asked (reset port, triple fault, exit port) */
};

enum vm_state vm_state(const struct vm *vm);
/* Pauses the CPU at its next block boundary (STOP); no-op when not running. */
void vm_stop(struct vm *vm);
/* Resumes a paused machine (RESUME); no-op when running. */
void vm_cont(struct vm *vm);
/* Resets board and CPU now (RESET); a paused machine stays paused. */
void vm_system_reset(struct vm *vm, enum vm_cause cause);
/* ACPI power button (POWERDOWN); the board has no ACPI yet, so the guest is
 * not told and keeps running, as QEMU does for a guest without ACPI. */
void vm_system_powerdown(struct vm *vm);
/* Ends the run with exit status 0 (SHUTDOWN). */
void vm_quit(struct vm *vm, enum vm_cause cause);

struct pc_machine *vm_pc(struct vm *vm);
struct x86_cpu *vm_cpu(struct vm *vm);
struct ui_display *vm_display(struct vm *vm);
struct vm_net *vm_net(struct vm *vm);
/* The host thread id of the CPU thread (info cpus). */
int vm_cpu_thread_id(const struct vm *vm);
const struct ui_options *vm_options(const struct vm *vm);
const struct vm_stats *vm_stats(struct vm *vm);

/* Events: name, optional data object (the listener must not keep it) and
 * the host time it happened (QMP's timestamp). */
struct vm_event_time {
    int64_t seconds, microseconds;
};
typedef void vm_event_fn(void *opaque, const char *name, json_t *data, struct vm_event_time t);
void vm_set_event_listener(struct vm *vm, vm_event_fn *fn, void *opaque);
/* Queues an event; the main loop hands it to the listener (thread-safe). */
void vm_emit_event(struct vm *vm, const char *name, json_t *data);

#endif
