/* Logging and user-facing error reports shared by every module.
 * -d categories select what is logged, -D FILE where (default stderr); lives in
 * translator/ because that is the root of the dependency graph (docs/design-notes.md). */
#ifndef JIT86_TRANSLATOR_LOG_H
#define JIT86_TRANSLATOR_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One bit per -d category. The names are QEMU's where QEMU has the category. */
#define LOG_CATEGORIES(X)                                                                          \
    X(LOG_IN_ASM, "in_asm", "show guest code as it is translated")                                 \
    X(LOG_OP, "op", "show IR before optimization")                                                 \
    X(LOG_OP_OPT, "op_opt", "show IR after optimization")                                          \
    X(LOG_OUT_ASM, "out_asm", "show generated host code")                                          \
    X(LOG_EXEC, "exec", "show each executed block")                                                \
    X(LOG_INT, "int", "show interrupts and exceptions")                                            \
    X(LOG_CPU, "cpu", "show CPU registers before each block")                                      \
    X(LOG_MMU, "mmu", "show TLB fills and page walks")                                             \
    X(LOG_GUEST_ERRORS, "guest_errors", "show invalid guest programming")                          \
    X(LOG_UNIMP, "unimp", "show use of unimplemented functionality")                               \
    X(LOG_IOPORT, "ioport", "show port I/O accesses")                                              \
    X(LOG_NET, "net", "show network frames in and out of each NIC (length, ethertype)")            \
    X(LOG_CHAIN, "chain", "show each goto_tb slot as it is chained to its successor")              \
    X(LOG_TB_FLUSH, "tb_flush", "show translation cache flushes and SMC invalidations")            \
    X(LOG_HOTBLOCKS, "hotblocks", "at exit, show the 20 most executed blocks (disables chaining)") \
    X(LOG_ICOUNT, "icount",                                                                        \
      "show the executed-block count (the -icount clock) at each interrupt, exception, port I/O")

enum log_category {
#define X(id, name, help) id##_BIT,
    LOG_CATEGORIES(X)
#undef X
        LOG_CATEGORY_COUNT
};

enum log_mask {
#define X(id, name, help) id = 1u << id##_BIT,
    LOG_CATEGORIES(X)
#undef X
};

/* The log state: a mask and a stream. One per process; a machine copies what
 * it needs at creation. */
extern uint32_t log_mask;

static inline bool log_enabled(uint32_t mask)
{
    return (log_mask & mask) != 0;
}

/* Parses "in_asm,op,int" into a mask. Returns false and fills err (one line)
 * on an unknown category. "help" is reported through *want_help. */
bool log_parse_categories(const char *spec, uint32_t *mask, bool *want_help, char *err,
                          size_t errlen);
/* Lists the categories, one per line, for `-d help`. */
void log_print_help(void *stream);
/* Sends the log to path (NULL: stderr). Returns false with errno set. */
bool log_set_file(const char *path);
void log_close(void);

/* -perfmap: each translated block is announced to Linux perf as a symbol
 * "guest_PC" in /tmp/perf-PID.map, so `perf report` attributes samples in
 * generated code to guest blocks. Returns false with errno set. */
bool log_perfmap_open(void);
bool log_perfmap_enabled(void);
void log_perfmap_add(const void *code, size_t size, uint64_t guest_pc);

void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_vprintf(const char *fmt, va_list ap);
/* Logs only when any bit of mask is enabled. */
#define log_mask_printf(mask, ...)                                                                 \
    do {                                                                                           \
        if (log_enabled(mask))                                                                     \
            log_printf(__VA_ARGS__);                                                               \
    } while (0)

/* One line to stderr for the user: "jit86: <message>". */
void error_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
