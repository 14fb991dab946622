/* floatx80 soft-float throughput: millions of operations per second for each operation on
 * 1024 normal operands near 1, with the host x87 running the same operands alongside
 * (x86-64 hosts). Best of three runs of the given duration. */
#include "cpu/fpu/floatx80.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define N 1024

struct operands {
    struct floatx80 a[N], b[N], r[N];
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef void run_fn(struct operands *o);

#define SOFT2(name, fn)                                                                            \
    static void soft_##name(struct operands *o)                                                    \
    {                                                                                              \
        struct fpx_status st = {.cw = FPX_CW_DEFAULT, .sw = 0};                                    \
        for (int i = 0; i < N; i++)                                                                \
            o->r[i] = fn(&st, o->a[i], o->b[i]);                                                   \
    }
#define SOFT1(name, fn)                                                                            \
    static void soft_##name(struct operands *o)                                                    \
    {                                                                                              \
        struct fpx_status st = {.cw = FPX_CW_DEFAULT, .sw = 0};                                    \
        for (int i = 0; i < N; i++)                                                                \
            o->r[i] = fn(&st, o->a[i]);                                                            \
    }
SOFT2(fadd, fpx_add)
SOFT2(fmul, fpx_mul)
SOFT2(fdiv, fpx_div)
SOFT1(fsqrt, fpx_sqrt)
SOFT2(fprem, fpx_prem)
SOFT1(frndint, fpx_round_to_int)
SOFT1(fsin, fpx_sin)
SOFT1(fptan, fpx_tan)
SOFT2(fpatan, fpx_atan)
SOFT1(f2xm1, fpx_2xm1)
SOFT2(fyl2x, fpx_yl2x)

static void soft_fst64(struct operands *o)
{
    struct fpx_status st = {.cw = FPX_CW_DEFAULT, .sw = 0};
    for (int i = 0; i < N; i++)
        o->r[i].sig = fpx_to_float64(&st, o->a[i]);
}

#if defined(__x86_64__)
#define HOST2(name, insn)                                                                          \
    static void host_##name(struct operands *o)                                                    \
    {                                                                                              \
        for (int i = 0; i < N; i++)                                                                \
            __asm__ volatile("fldt %1\n\tfldt %2\n\t" insn "\n\tfstpt %0"                          \
                             : "=m"(o->r[i])                                                       \
                             : "m"(o->b[i]), "m"(o->a[i]));                                        \
    }
#define HOST1(name, insn)                                                                          \
    static void host_##name(struct operands *o)                                                    \
    {                                                                                              \
        for (int i = 0; i < N; i++)                                                                \
            __asm__ volatile("fldt %1\n\t" insn "\n\tfstpt %0" : "=m"(o->r[i]) : "m"(o->a[i]));    \
    }
HOST2(fadd, "faddp")
HOST2(fmul, "fmulp")
HOST2(fdiv, "fdivrp")
HOST1(fsqrt, "fsqrt")
HOST2(fprem, "fprem\n\tfstp %%st(1)")
HOST1(frndint, "frndint")
HOST1(fsin, "fsin")
HOST1(fptan, "fptan\n\tfstp %%st(0)")
HOST2(fpatan, "fxch\n\tfpatan")
HOST1(f2xm1, "f2xm1")
HOST2(fyl2x, "fxch\n\tfyl2x")

static void host_fst64(struct operands *o)
{
    for (int i = 0; i < N; i++)
        __asm__ volatile("fldt %1\n\tfstpl %0" : "=m"(o->r[i].sig) : "m"(o->a[i]));
}
#define HOST(name) host_##name
#else
#define HOST(name) NULL
#endif

struct bench {
    const char *name;
    run_fn *soft, *host;
};

static const struct bench benches[] = {
    {"fadd", soft_fadd, HOST(fadd)},      {"fmul", soft_fmul, HOST(fmul)},
    {"fdiv", soft_fdiv, HOST(fdiv)},      {"fsqrt", soft_fsqrt, HOST(fsqrt)},
    {"fprem", soft_fprem, HOST(fprem)},   {"frndint", soft_frndint, HOST(frndint)},
    {"fst m64", soft_fst64, HOST(fst64)}, {"fsin", soft_fsin, HOST(fsin)},
    {"fptan", soft_fptan, HOST(fptan)},   {"fpatan", soft_fpatan, HOST(fpatan)},
    {"f2xm1", soft_f2xm1, HOST(f2xm1)},   {"fyl2x", soft_fyl2x, HOST(fyl2x)},
};

/* Millions of operations per second, best of three runs of ms milliseconds each. */
static double rate(run_fn *fn, struct operands *o, int ms)
{
    double best = 0;
    for (int round = 0; round < 3; round++) {
        double t0 = now(), t;
        long ops = 0;
        do {
            fn(o);
            ops += N;
            t = now() - t0;
        } while (t < ms / 1000.0);
        if (ops / t / 1e6 > best)
            best = ops / t / 1e6;
    }
    return best;
}

int main(int argc, char **argv)
{
    int ms = argc > 1 ? atoi(argv[1]) : 300;
    static struct operands o;
    uint64_t s = 88172645463325252ull;
    for (int i = 0; i < N; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        /* a in [0.5, 1) (F2XM1's domain, positive for FYL2X), b in [1, 2) */
        o.a[i] = fpx_make(false, 16382, s | (1ull << 63));
        o.b[i] = fpx_make(false, 16383, (s * 0x9e3779b97f4a7c15ull) | (1ull << 63));
    }
    printf("%-10s %14s %14s %8s\n", "operation", "soft Mops/s", "x87 Mops/s", "x87/soft");
    for (size_t i = 0; i < sizeof(benches) / sizeof(benches[0]); i++) {
        double soft = rate(benches[i].soft, &o, ms);
        if (benches[i].host) {
            double host = rate(benches[i].host, &o, ms);
            printf("%-10s %14.2f %14.2f %8.1f\n", benches[i].name, soft, host, host / soft);
        } else {
            printf("%-10s %14.2f %14s %8s\n", benches[i].name, soft, "-", "-");
        }
    }
    return 0;
}
