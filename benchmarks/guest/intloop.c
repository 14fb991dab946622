/* Benchmark: integer arithmetic in tight loops (add, sub, mul, div, shifts,
 * rotates, logic and compares), the kind of code a block JIT compiles best. */
#include "bench.h"

static uint32_t gcd(uint32_t a, uint32_t b)
{
    while (b != 0) {
        uint32_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

int main(void)
{
    uint32_t iterations = BENCH_SIZE(50000000u, 100000u);
    uint32_t h = 0x811c9dc5u, a = 1, b = 0x12345678u, c = 7;
    for (uint32_t i = 0; i < iterations; i++) {
        a = a * 1664525u + 1013904223u;
        b ^= (b << 7) | (b >> 25);
        c += (a >> 3) - (b & 0xff);
        if ((int32_t)c < 0)
            c = -c;
        if ((i & 63) == 0)
            h = bench_mix(h, gcd(a | 1, (b | 1) & 0xffff) + c / ((i & 15) + 1));
        h += a ^ (b >> (i & 7));
    }
    h = bench_mix(h, a);
    h = bench_mix(h, b);
    h = bench_mix(h, c);
    return bench_report("intloop", h);
}
