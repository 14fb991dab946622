/* A guest code buffer the CPU tests fill byte by byte (put) and with
 * little-endian dwords (put32) before running it on a test machine. */
#ifndef JIT86_TESTS_CPU_CODE_EMIT_H
#define JIT86_TESTS_CPU_CODE_EMIT_H

#include <stdarg.h>
#include <stdint.h>

struct code {
    uint8_t b[192];
    unsigned n;
};

static inline void put(struct code *c, unsigned n, ...)
{
    va_list ap;
    va_start(ap, n);
    for (unsigned i = 0; i < n; i++)
        c->b[c->n++] = (uint8_t)va_arg(ap, int);
    va_end(ap);
}

static inline void put32(struct code *c, uint32_t v)
{
    put(c, 4, v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24);
}

#endif
