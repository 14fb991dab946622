/* jit86's counterpart of `qemu-img bench`: the same workload (count requests
 * of bufsize bytes, offsets start + i * step wrapping at the end of the
 * image, depth 1) through the block layer, printing the elapsed time.
 * usage: bench_block [-w] [-c count] [-s bufsize] [-S step] [-f fmt] [-t cache] FILE */
#include "block/block.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t size_arg(const char *s)
{
    char *end;
    uint64_t v = strtoull(s, &end, 0);
    return *end == 'k' || *end == 'K' ? v << 10 : *end == 'M' ? v << 20 : *end == 'G' ? v << 30 : v;
}

int main(int argc, char **argv)
{
    uint64_t count = 75000, bufsize = 4096, step = 0;
    bool write = false;
    struct blk_open_opts oo = {0};
    int c;
    while ((c = getopt(argc, argv, "wc:s:S:f:t:")) != -1) {
        switch (c) {
        case 'w': write = true; break;
        case 'c': count = size_arg(optarg); break;
        case 's': bufsize = size_arg(optarg); break;
        case 'S': step = size_arg(optarg); break;
        case 'f': oo.format = optarg; break;
        case 't':
            oo.cache = !strcmp(optarg, "none")     ? BLK_CACHE_NONE
                       : !strcmp(optarg, "unsafe") ? BLK_CACHE_UNSAFE
                                                   : BLK_CACHE_WRITEBACK;
            break;
        default: return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr,
                "usage: bench_block [-w] [-c count] [-s bufsize] [-S step] [-f fmt] FILE\n");
        return 2;
    }
    step = step ? step : bufsize;
    oo.flags = write ? 0 : BLK_OPEN_READ_ONLY;
    struct blk_error err;
    struct blk *bs = blk_open(argv[optind], &oo, &err);
    if (!bs) {
        fprintf(stderr, "bench_block: %s\n", err.msg);
        return 1;
    }
    uint8_t *buf = aligned_alloc(4096, (bufsize + 4095) & ~4095ull);
    memset(buf, 0xa5, bufsize);
    uint64_t size = blk_length(bs), off = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (uint64_t i = 0; i < count; i++) {
        if (off + bufsize > size) {
            off = 0;
        }
        int ret = write ? blk_write(bs, off, buf, bufsize) : blk_read(bs, off, buf, bufsize);
        if (ret < 0) {
            fprintf(stderr, "bench_block: %s\n", blk_io_error(bs));
            return 1;
        }
        off += step;
    }
    /* Like qemu-img bench without --flush-interval: no flush inside the timing. */
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("Run completed in %.3f seconds.\n",
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    free(buf);
    return blk_close(bs) < 0;
}
