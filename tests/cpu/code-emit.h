/* A guest code buffer the CPU tests fill byte by byte (put) and with
 * little-endian dwords (put32), and its run on a test machine up to its HLT. */
#ifndef JIT86_TESTS_CPU_CODE_EMIT_H
#define JIT86_TESTS_CPU_CODE_EMIT_H

#include "machine.h"

#include <check.h>
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

/* Writes c at at, runs it from there with ESP at TM_STACK, and checks that
 * it stopped on its closing HLT. */
static inline void tm_run_code_at(struct tmachine *m, const struct code *c, uint32_t at)
{
    tm_poke(m, at, c->b, c->n);
    m->env->eip = at;
    m->env->regs[4] = TM_STACK;
    m->env->halted = false;
    ck_assert_int_eq(cpu_exec(m->cpu, 1000), CPU_EXIT_HALTED);
    ck_assert_uint_eq(m->env->eip, at + c->n);
}

#endif
