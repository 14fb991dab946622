/* Building text reports (`info pci`, `info irq`) into a caller's buffer. */
#ifndef JIT86_HW_CORE_TEXT_H
#define JIT86_HW_CORE_TEXT_H

#include <stddef.h>

/* Appends formatted text at *pos of buf[len]; output past the end is
 * dropped (always NUL-terminated), and *pos counts what would have been
 * written, as snprintf does. */
void hw_appendf(char *buf, size_t len, size_t *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
