/* Benchmark: call/return-heavy recursion (naive Fibonacci, Ackermann and a
 * recursive tree walk): near calls, returns and stack frames dominate. */
#include "bench.h"

static __attribute__((noinline)) uint32_t fib(uint32_t n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static __attribute__((noinline)) uint32_t ackermann(uint32_t m, uint32_t n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

/* Sum over a perfect binary tree laid out implicitly, visited recursively. */
static __attribute__((noinline)) uint32_t tree(uint32_t node, uint32_t depth)
{
    if (depth == 0)
        return node * 2654435761u;
    return (tree(node * 2, depth - 1) ^ tree(node * 2 + 1, depth - 1)) + node;
}

int main(void)
{
    uint32_t h = 0x811c9dc5u;
    h = bench_mix(h, fib(BENCH_SIZE(33u, 20u)));
    h = bench_mix(h, ackermann(2, BENCH_SIZE(300u, 50u)));
    h = bench_mix(h, tree(1, BENCH_SIZE(22u, 12u)));
    return bench_report("recursion", h);
}
