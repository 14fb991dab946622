/* Benchmark: memory traffic: block copies (rep movsd and a byte loop), fills
 * (rep stosd) and scans (a word-sum loop and repne scasb), over buffers larger
 * than any softmmu TLB reach per page. */
#include "bench.h"

#define BUF_BYTES (256u * 1024u)

static uint8_t src[BUF_BYTES], dst[BUF_BYTES];

static void copy_rep(void *d, const void *s, uint32_t n)
{
    __asm__ volatile("rep movsl" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
}

static void fill_rep(void *d, uint32_t v, uint32_t n)
{
    __asm__ volatile("rep stosl" : "+D"(d), "+c"(n) : "a"(v) : "memory");
}

static uint32_t scan_rep(const void *p, uint8_t byte, uint32_t n)
{
    uint32_t left = n;
    __asm__ volatile("repne scasb" : "+D"(p), "+c"(left) : "a"(byte) : "memory", "cc");
    return n - left;
}

static void copy_bytes(volatile uint8_t *d, const uint8_t *s, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        d[i] = s[i];
}

static uint32_t sum_words(const uint32_t *p, uint32_t n)
{
    uint32_t s = 0;
    for (uint32_t i = 0; i < n; i++)
        s = (s << 1 | s >> 31) + p[i];
    return s;
}

int main(void)
{
    uint32_t rounds = BENCH_SIZE(400u, 2u);
    uint32_t h = 0x811c9dc5u, seed = 0x2545f491u;
    for (uint32_t i = 0; i < BUF_BYTES; i++)
        src[i] = (uint8_t)bench_rand(&seed);
    for (uint32_t r = 0; r < rounds; r++) {
        src[(r * 7919u) % BUF_BYTES] = 0;
        copy_rep(dst, src, BUF_BYTES / 4);
        h = bench_mix(h, sum_words((const uint32_t *)dst, BUF_BYTES / 4));
        h = bench_mix(h, scan_rep(dst, 0, BUF_BYTES));
        copy_bytes(dst + r, src, BUF_BYTES / 4);
        fill_rep(src + BUF_BYTES / 2, r * 0x01010101u, BUF_BYTES / 16);
        h = bench_mix(h, sum_words((const uint32_t *)dst, BUF_BYTES / 4));
        h = bench_mix(h, sum_words((const uint32_t *)src, BUF_BYTES / 4));
    }
    return bench_report("memcopy", h);
}
