/* The benchmarks' file loader: a whole file into a malloc'd buffer. */
#ifndef JIT86_BENCHMARKS_BENCH_FILE_H
#define JIT86_BENCHMARKS_BENCH_FILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* NULL when the file cannot be opened or read; *size is its length. */
static inline uint8_t *bench_read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = n > 0 ? malloc((size_t)n) : NULL;
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *size = n > 0 ? (size_t)n : 0;
    return buf;
}

#endif
