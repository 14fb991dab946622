/* The lifter's tests share this: guest bytes at a base address behind a fetch
 * callback, one block lifted with every helper's signature, validated and
 * printed as IR text to check its shape. Header-only: each test file includes
 * it once. */
#ifndef JIT86_TESTS_LIFT_FIXTURE_H
#define JIT86_TESTS_LIFT_FIXTURE_H

#include "frontend/lift.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

struct code {
    const uint8_t *bytes;
    size_t len;
    uint64_t base;
};

static int fetch(void *opaque, uint64_t addr, uint8_t *buf, unsigned max)
{
    const struct code *c = opaque;
    if (addr < c->base || addr >= c->base + c->len)
        return -1;
    unsigned n = (unsigned)(c->base + c->len - addr);
    n = n < max ? n : max;
    memcpy(buf, c->bytes + (addr - c->base), n);
    return (int)n;
}

struct lifted {
    struct ir_env env;
    struct ir_helper helpers[X86_HELPER_COUNT];
    struct ir_block b;
    struct x86_lift_result res;
    char *text;
};

/* Lifts the block at eip (bytes placed there) with the given mode bits and
 * MMU index into l; l->text is its IR. */
static inline void lift_at(struct lifted *l, const uint8_t *bytes, size_t len, uint32_t eip,
                           uint32_t hflags, unsigned mmu_idx)
{
    struct code c = {bytes, len, eip};
    memset(l, 0, sizeof(*l));
    for (unsigned i = 0; i < X86_HELPER_COUNT; i++)
        l->helpers[i] = *x86_helper_signature((enum x86_helper)i);
    l->env.globals = x86_lift_globals(&l->env.nglobals);
    l->env.helpers = l->helpers;
    l->env.nhelpers = X86_HELPER_COUNT;
    ir_block_init(&l->b, &l->env);
    struct x86_lift_config cfg = {.fetch = fetch,
                                  .opaque = &c,
                                  .features = X86_FEATURES_ALL,
                                  .eip = eip,
                                  .hflags = hflags,
                                  .mmu_idx = mmu_idx};
    x86_lift_block(&l->b, &cfg, &l->res);
    char err[128];
    ck_assert_msg(ir_validate(&l->b, err, sizeof(err)), "%s", err);
    l->text = ir_print_str(&l->b);
}

static inline void done(struct lifted *l)
{
    free(l->text);
    ir_block_destroy(&l->b);
}

/* How often what occurs in text. */
static inline unsigned count(const char *text, const char *what)
{
    unsigned n = 0;
    for (const char *p = strstr(text, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

#endif
