/* softmmu rates: C fast-path and slow-path loads/stores, the cost of a TLB miss
 * (page walk + refill) with 4 KiB and 4 MiB pages, and random accesses over
 * working sets of growing size with periodic CR3 writes (the TLB-size choice).
 * Prints one figure per line; run through run.sh. */
#include "softmmu/tlb.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define RAM    (64u << 20)
#define PD     0x03000000u
#define PT0    0x03001000u
#define VBASE  0x40000000u /* 48 MiB of 4 KiB pages mapped here onto phys 0 */
#define VLARGE 0x80000000u /* the same 48 MiB as 4 MiB pages */
#define PAGES  (48u << 8)

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct bench {
    struct mmu_phys_space *s;
    struct mmu_tlb *tlb;
    struct mmu_fault f;
    volatile uint64_t sink;
};

static void build_tables(struct mmu_phys_space *s)
{
    for (uint32_t i = 0; i < PAGES; i++)
        mmu_phys_store(s, PT0 + i * 4, (i << 12) | 0x7, 4);
    for (uint32_t t = 0; t < PAGES / 1024; t++) {
        mmu_phys_store(s, PD + ((VBASE >> 22) + t) * 4, (PT0 + t * 4096) | 0x7, 4);
        mmu_phys_store(s, PD + ((VLARGE >> 22) + t) * 4, (t << 22) | 0x87, 4);
    }
}

static void setup(struct bench *b)
{
    b->s = mmu_phys_new(RAM);
    if (!b->s || !mmu_phys_map_ram(b->s, 0, RAM, 0, 0)) {
        fprintf(stderr, "bench_softmmu: cannot allocate guest RAM\n");
        exit(1);
    }
    build_tables(b->s);
    b->tlb = malloc(sizeof(*b->tlb));
    mmu_tlb_init(b->tlb, b->s);
    struct mmu_paging m = {.pg = true, .pse = true, .cr3 = PD};
    mmu_tlb_set_paging(b->tlb, &m);
}

static void report(const char *what, uint64_t n, double secs)
{
    printf("%-44s %8.1f M/s %8.2f ns\n", what, n / secs / 1e6, secs * 1e9 / n);
}

/* Loads and stores over 16 pages: every access hits. */
static double fast_path(struct bench *b, bool store, uint64_t n)
{
    uint64_t acc = 0;
    double t0 = now();
    for (uint64_t i = 0; i < n; i++) {
        uint32_t va = VBASE + (uint32_t)((i * 68) & 0xfffc);
        if (store) {
            mmu_stl(b->tlb, MMU_IDX_USER, va, (uint32_t)i, &b->f);
        } else {
            uint32_t v = 0;
            mmu_ldl(b->tlb, MMU_IDX_USER, va, &v, &b->f);
            acc += v;
        }
    }
    double t = now() - t0;
    b->sink = acc;
    return t;
}

static double slow_path(struct bench *b, bool store, uint64_t n)
{
    uint64_t acc = 0;
    double t0 = now();
    for (uint64_t i = 0; i < n; i++) {
        uint32_t va = VBASE + (uint32_t)((i * 68) & 0xfffc);
        if (store) {
            mmu_store_slow(b->tlb, MMU_IDX_USER, va, 4, i, &b->f);
        } else {
            uint64_t v = 0;
            mmu_load_slow(b->tlb, MMU_IDX_USER, va, 4, MMU_ACCESS_READ, &v, &b->f);
            acc += v;
        }
    }
    double t = now() - t0;
    b->sink = acc;
    return t;
}

/* Cycles through more pages than the TLB holds: every access misses. */
static double miss_path(struct bench *b, uint32_t vbase, uint64_t n)
{
    uint64_t acc = 0;
    double t0 = now();
    for (uint64_t i = 0; i < n; i++) {
        uint32_t v = 0;
        mmu_ldl(b->tlb, MMU_IDX_USER, vbase + (uint32_t)((i % PAGES) << 12), &v, &b->f);
        acc += v;
    }
    double t = now() - t0;
    b->sink = acc;
    return t;
}

/* Random loads over a working set of `pages` pages, a CR3 write every
 * `switch_every` accesses (a context switch). */
static double working_set(struct bench *b, uint32_t pages, uint64_t switch_every, uint64_t n)
{
    uint64_t acc = 0, x = 0x2545f4914f6cdd1dull;
    double t0 = now();
    for (uint64_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint32_t page = (uint32_t)(x % pages);
        uint32_t v = 0;
        mmu_ldl(b->tlb, MMU_IDX_USER, VBASE + (page << 12) + ((x >> 40) & 0xffc), &v, &b->f);
        acc += v;
        if (i % switch_every == switch_every - 1)
            mmu_tlb_write_cr3(b->tlb, PD);
    }
    double t = now() - t0;
    b->sink = acc;
    return t;
}

enum job_kind { JOB_FAST, JOB_SLOW, JOB_MISS, JOB_SET };

struct job {
    enum job_kind kind;
    bool store;
    uint32_t arg;   /* JOB_MISS: virtual base; JOB_SET: pages */
    uint64_t every; /* JOB_SET: CR3 write period */
    uint64_t n;
};

static double run(struct bench *b, const struct job *j)
{
    switch (j->kind) {
    case JOB_FAST: return fast_path(b, j->store, j->n);
    case JOB_SLOW: return slow_path(b, j->store, j->n);
    case JOB_MISS: return miss_path(b, j->arg, j->n);
    default: return working_set(b, j->arg, j->every, j->n);
    }
}

/* The machine is shared: report the best of three runs. */
static double best_of_3(struct bench *b, const char *what, const struct job *j)
{
    double best = run(b, j);
    for (int i = 1; i < 3; i++) {
        double t = run(b, j);
        if (t < best)
            best = t;
    }
    report(what, j->n, best);
    return best * 1e9 / j->n;
}

int main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 20000000;
    struct bench b = {0};
    setup(&b);
    printf("TLB: %u entries per MMU index, %zu bytes per CPU\n", MMU_TLB_SIZE,
           sizeof(struct mmu_tlb));
    double hit =
        best_of_3(&b, "C fast path load (ldl, TLB hit)", &(struct job){JOB_FAST, false, 0, 0, n});
    best_of_3(&b, "C fast path store (stl, TLB hit)", &(struct job){JOB_FAST, true, 0, 0, n});
    best_of_3(&b, "slow path load (mmu_load_slow, no walk)",
              &(struct job){JOB_SLOW, false, 0, 0, n / 4});
    best_of_3(&b, "slow path store (mmu_store_slow, no walk)",
              &(struct job){JOB_SLOW, true, 0, 0, n / 4});
    double miss = best_of_3(&b, "TLB miss, 4 KiB pages (walk + fill + load)",
                            &(struct job){JOB_MISS, false, VBASE, 0, n / 20});
    best_of_3(&b, "TLB miss, 4 MiB pages (walk + fill + load)",
              &(struct job){JOB_MISS, false, VLARGE, 0, n / 20});
    printf("%-44s %17.2f ns\n", "=> miss cost over a hit, 4 KiB pages", miss - hit);
    static const uint32_t sets[] = {64, 256, 1024, 4096};
    for (unsigned i = 0; i < 4; i++) {
        char label[64];
        snprintf(label, sizeof(label), "random loads, %u-page set, CR3 every 100k", sets[i]);
        best_of_3(&b, label, &(struct job){JOB_SET, false, sets[i], 100000, n / 4});
    }
    best_of_3(&b, "random loads, 256-page set, CR3 every 1k",
              &(struct job){JOB_SET, false, 256, 1000, n / 4});
    printf("walks %llu, flushes: full %llu, non-global %llu\n",
           (unsigned long long)b.tlb->stats.walks, (unsigned long long)b.tlb->stats.flush_full,
           (unsigned long long)b.tlb->stats.flush_nonglobal);
    mmu_tlb_destroy(b.tlb);
    free(b.tlb);
    mmu_phys_free(b.s);
    return 0;
}
