/* Benchmark: SSE2 in a tight loop, packed doubles (a damped oscillator on two lanes: mulpd,
 * addpd, subpd) and packed integers (paddd, pxor, shifts, pmuludq-free mixing), the code
 * -msse2 builds of numeric programs run. Needs CR4.OSFXSR, which it sets. */
#include "bench.h"

typedef double v2df __attribute__((vector_size(16)));
typedef uint32_t v4si __attribute__((vector_size(16)));

__attribute__((target("sse2"), noinline)) static uint32_t kernel(uint32_t iterations)
{
    v2df x = {1.0, 2.0}, v = {0.5, -0.25}, k = {0.999, 0.9995}, dt = {1e-3, 2e-3};
    v4si h = {1, 2, 3, 4}, m = {0x9e3779b9u, 0x7f4a7c15u, 0x85ebca6bu, 0xc2b2ae35u};
    for (uint32_t i = 0; i < iterations; i++) {
        v = v * k - x * dt;
        x = x + v * dt;
        h = (h + m) ^ (h << 5) ^ (h >> 3);
    }
    union {
        v2df d[2];
        v4si s;
        uint32_t w[8];
    } u = {.d = {x, v}};
    uint32_t c = 0x811c9dc5u;
    for (unsigned j = 0; j < 8; j++)
        c = bench_mix(c, u.w[j]);
    u.s = h;
    for (unsigned j = 0; j < 4; j++)
        c = bench_mix(c, u.w[j]);
    return c;
}

int main(void)
{
    uint32_t cr4;
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    cr4 |= 0x600u; /* OSFXSR, OSXMMEXCPT */
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4));
    return bench_report("sse2", kernel(BENCH_SIZE(4000000u, 20000u)));
}
