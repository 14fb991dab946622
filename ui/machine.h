/* The running virtual machine: board, CPU, character backends and the main
 * loop that interleaves guest execution, device timers and host input. */
#ifndef JIT86_UI_MACHINE_H
#define JIT86_UI_MACHINE_H

#include "options.h"

/* Builds the machine from the command line and runs it until the guest or
 * the user ends it. Returns the process exit status (isa-debug-exit's
 * (v << 1) | 1, 0 on a normal quit, 1 after a one-line error). */
int vm_run(const struct ui_options *opts, const char *bios_path);

#endif
