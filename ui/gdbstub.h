/* GDB remote serial protocol stub (GDB manual, appendix "Remote Protocol"):
 * -s / -gdb tcp:HOST:PORT, -S. The stub owns the run control while a
 * debugger is attached: stop, continue, single-step, breakpoints, watchpoints. */
#ifndef JIT86_UI_GDBSTUB_H
#define JIT86_UI_GDBSTUB_H

#include "cpu/cpu.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct gdbstub;

/* A monitor command from `monitor CMD` (qRcmd): writes its text reply to out.
 * Without one the stub answers `info jit` and `info tb ADDR` itself. */
typedef void gdbstub_monitor_fn(void *opaque, const char *cmd, FILE *out);

/* Listens on spec ("tcp::PORT" is 127.0.0.1:PORT, "tcp:HOST:PORT"). With
 * wait_attach (-S) the first gdbstub_run_slice() waits for the debugger and
 * the guest starts stopped. NULL with a one-line reason in err. */
struct gdbstub *gdbstub_new(const char *spec, struct x86_cpu *cpu, bool wait_attach, char *err,
                            size_t errlen);
void gdbstub_free(struct gdbstub *g);
void gdbstub_set_monitor(struct gdbstub *g, gdbstub_monitor_fn *fn, void *opaque);

/* Replaces cpu_exec(cpu, max_blocks) in the main loop: serves the debugger
 * (blocking while the guest is stopped), then runs guest code under its
 * breakpoints and watchpoints. Returns the CPU's exit reason. */
enum cpu_exit_reason gdbstub_run_slice(struct gdbstub *g, uint64_t max_blocks);
/* The debugger sent `kill`: the machine should quit. */
bool gdbstub_quit_requested(const struct gdbstub *g);
/* The guest ended (isa-debug-exit, shutdown): tells the debugger "exited
 * with status". */
void gdbstub_guest_exited(struct gdbstub *g, int status);

/* gdbstub-regs.c: the target description and the register file. */
#define GDB_REG_COUNT 42
const char *gdbstub_target_xml(void);
/* Register n in target byte order into buf; returns its size (0: no such register). */
size_t gdbstub_read_reg(struct x86_cpu *cpu, unsigned n, uint8_t *buf);
/* Writes register n from buf (its full size); false when it cannot be written. */
bool gdbstub_write_reg(struct x86_cpu *cpu, unsigned n, const uint8_t *buf);

#endif
