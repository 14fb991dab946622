/* Guest benchmarks: what every benchmark shares. Each one does a fixed amount
 * of work, folds its results into a checksum and prints one line
 * "bench NAME checksum 0xXXXXXXXX"; BENCH_SMOKE selects the small size the
 * benchmark-smoke test runs. */
#ifndef BENCH_H
#define BENCH_H

#include "runtime.h"

#ifdef BENCH_SMOKE
#define BENCH_SIZE(full, smoke) (smoke)
#else
#define BENCH_SIZE(full, smoke) (full)
#endif

/* Mix v into the running checksum h (a multiplicative hash step: order
 * matters, so a reordered or dropped result changes the value). */
static inline uint32_t bench_mix(uint32_t h, uint32_t v)
{
    h ^= v;
    h *= 0x01000193u;
    return h ^ (h >> 15);
}

/* A small deterministic generator (xorshift32) for data sets. */
static inline uint32_t bench_rand(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

static inline int bench_report(const char *name, uint32_t checksum)
{
    rt_printf("bench %s checksum 0x%08x\n", name, checksum);
    return 0;
}

#endif
