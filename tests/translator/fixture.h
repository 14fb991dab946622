/* Shared by the translator tests: a small guest state with globals, and a
 * byte-array guest memory behind the memory interface. */
#ifndef JIT86_TESTS_TRANSLATOR_FIXTURE_H
#define JIT86_TESTS_TRANSLATOR_FIXTURE_H

#include "translator/translator.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct test_state {
    uint32_t eax, ecx, edx, ebx;
    uint64_t ra, rb, rc, rd;
    uint32_t scratch;
    uint64_t out[4];
};

enum { G_EAX, G_ECX, G_EDX, G_EBX, G_RA, G_RB, G_RC, G_RD, G_COUNT };

/* This host's native backend, for the tests that run on either (test_native*.c). */
#if defined(__x86_64__)
#define NATIVE_BACKEND tb_backend_x86_64
#define NATIVE_NAME    "x86_64"
#elif defined(__aarch64__)
#define NATIVE_BACKEND tb_backend_aarch64
#define NATIVE_NAME    "aarch64"
#endif

static const struct ir_global test_globals[G_COUNT] = {
    {"eax", offsetof(struct test_state, eax), IR_I32},
    {"ecx", offsetof(struct test_state, ecx), IR_I32},
    {"edx", offsetof(struct test_state, edx), IR_I32},
    {"ebx", offsetof(struct test_state, ebx), IR_I32},
    {"ra", offsetof(struct test_state, ra), IR_I64},
    {"rb", offsetof(struct test_state, rb), IR_I64},
    {"rc", offsetof(struct test_state, rc), IR_I64},
    {"rd", offsetof(struct test_state, rd), IR_I64},
};

/* Guest memory: 4 KiB, little-endian, with the last access recorded. */
struct test_mem {
    uint8_t bytes[4096];
    uint64_t last_addr;
    unsigned last_memop;
    unsigned accesses;
};

static inline uint64_t test_mem_load(void *opaque, void *env, uint64_t addr, unsigned memop)
{
    struct test_mem *m = opaque;
    (void)env;
    unsigned n = 1u << ir_memop_size(memop);
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)m->bytes[(addr + i) & 4095] << (8 * i);
    m->last_addr = addr;
    m->last_memop = memop;
    m->accesses++;
    return v;
}

static inline void test_mem_store(void *opaque, void *env, uint64_t addr, uint64_t val,
                                  unsigned memop)
{
    struct test_mem *m = opaque;
    (void)env;
    unsigned n = 1u << ir_memop_size(memop);
    for (unsigned i = 0; i < n; i++)
        m->bytes[(addr + i) & 4095] = (uint8_t)(val >> (8 * i));
    m->last_addr = addr;
    m->last_memop = memop;
    m->accesses++;
}

static inline struct ir_env test_env(const struct ir_helper *helpers, unsigned nhelpers,
                                     struct test_mem *mem)
{
    return (struct ir_env){
        .globals = test_globals,
        .nglobals = G_COUNT,
        .helpers = helpers,
        .nhelpers = nhelpers,
        .mem = {test_mem_load, test_mem_store, mem},
    };
}

#endif
