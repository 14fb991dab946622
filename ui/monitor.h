/* The human monitor (QEMU's HMP spelling, shared/DESIGN.md "Interfaces"):
 * one command line in, text out. The same entry point serves -monitor,
 * Ctrl-A c in -nographic, QMP's human-monitor-command and gdb's `monitor`. */
#ifndef JIT86_UI_MONITOR_H
#define JIT86_UI_MONITOR_H

#include "vmctl.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Growing text output of one command. */
struct mon_out {
    char *buf; /* NUL-terminated; NULL until the first byte */
    size_t len, cap;
};
void mon_printf(struct mon_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mon_out_free(struct mon_out *o);

/* Runs one command line with the machine lock held. Returns false when the
 * command is unknown or failed (the reason is in out). cause says who asked
 * (the reasons of the events the command causes). */
bool monitor_execute(struct vm *vm, const char *line, enum vm_cause cause, struct mon_out *out);

/* monitor-info.c: `info WHAT`. */
bool monitor_info(struct vm *vm, const char *what, struct mon_out *out);
void monitor_info_help(struct mon_out *out);

/* monitor-mem.c: `x /FMT ADDR` (virtual, through the guest's paging) and
 * `xp /FMT ADDR` (physical). */
bool monitor_memory_dump(struct vm *vm, const char *args, bool physical, struct mon_out *out);

/* monitor-block.c: QEMU's drive names (ide0-hd0, ide1-cd0, floppy0). */
bool monitor_block_info(struct vm *vm, struct mon_out *out);
bool monitor_block_change(struct vm *vm, const char *device, const char *file, const char *format,
                          char *err, size_t errlen);
bool monitor_block_eject(struct vm *vm, const char *device, bool force, char *err, size_t errlen);
/* Drive i (0-3 IDE, 4-5 floppy): its name in name and its image in *blk
 * (NULL: empty tray); NULL when there is no such drive. */
struct blk;
const char *monitor_block_drive(struct vm *vm, int i, char *name, size_t len, struct blk **blk);

/* A monitor on a character device (monitor-term.c): assembles lines from
 * input bytes, prints the "(jit86) " prompt, uses libedit on a terminal. */
struct monitor_term;
typedef void monitor_write_fn(void *opaque, const char *buf, size_t len);
struct monitor_term *monitor_term_new(struct vm *vm, monitor_write_fn *write, void *opaque,
                                      int tty_fd);
void monitor_term_free(struct monitor_term *t);
/* Feeds input bytes (no-op in libedit mode, which reads the tty itself). */
void monitor_term_input(struct monitor_term *t, const char *buf, size_t len);
/* libedit mode: the tty is readable. */
void monitor_term_read_tty(struct monitor_term *t);
/* Greeting and first prompt (when a client connects or the focus switches). */
void monitor_term_banner(struct monitor_term *t);
/* The tty descriptor libedit reads, or -1. */
int monitor_term_tty_fd(const struct monitor_term *t);

#endif
