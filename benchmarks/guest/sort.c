/* Benchmark: sorting pseudo-random arrays with quicksort, heapsort and
 * insertion sort: data-dependent branches, compares and swaps in memory. */
#include "bench.h"

#define N_ELEMS 20000u

static uint32_t data[N_ELEMS];

static void swap(uint32_t *a, uint32_t *b)
{
    uint32_t t = *a;
    *a = *b;
    *b = t;
}

static void quicksort(uint32_t *a, int lo, int hi)
{
    while (lo < hi) {
        uint32_t pivot = a[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j)
                swap(&a[i++], &a[j--]);
        }
        if (j - lo < hi - i) {
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
}

static void sift_down(uint32_t *a, uint32_t root, uint32_t n)
{
    for (;;) {
        uint32_t child = root * 2 + 1;
        if (child >= n)
            return;
        if (child + 1 < n && a[child + 1] > a[child])
            child++;
        if (a[root] >= a[child])
            return;
        swap(&a[root], &a[child]);
        root = child;
    }
}

static void heapsort(uint32_t *a, uint32_t n)
{
    for (uint32_t i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (uint32_t end = n; end-- > 1;) {
        swap(&a[0], &a[end]);
        sift_down(a, 0, end);
    }
}

static void insertion_sort(uint32_t *a, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        uint32_t v = a[i], j = i;
        while (j > 0 && a[j - 1] > v) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
}

static uint32_t fold(uint32_t h, const uint32_t *a, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++)
        if (a[i - 1] > a[i])
            h = bench_mix(h, 0xbad);
    return bench_mix(h, rt_crc32(0, a, n * 4));
}

int main(void)
{
    uint32_t rounds = BENCH_SIZE(40u, 1u);
    uint32_t n = BENCH_SIZE(N_ELEMS, 2000u);
    uint32_t h = 0x811c9dc5u, seed = 0x9e3779b9u;
    for (uint32_t r = 0; r < rounds; r++) {
        for (uint32_t i = 0; i < n; i++)
            data[i] = bench_rand(&seed) % 100000u;
        quicksort(data, 0, (int)n - 1);
        h = fold(h, data, n);
        for (uint32_t i = 0; i < n; i++)
            data[i] = bench_rand(&seed);
        heapsort(data, n);
        h = fold(h, data, n);
        for (uint32_t i = 0; i < n / 8; i++)
            data[i] = bench_rand(&seed) & 0xffff;
        insertion_sort(data, n / 8);
        h = fold(h, data, n / 8);
    }
    return bench_report("sort", h);
}
