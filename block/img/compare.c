/* jit86-img compare: whether two images have the same guest-visible content
 * (exit 0 identical, 1 different, 2 error; -s also requires equal sizes). */
#include "img.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (1u << 20)

static int first_diff(const uint8_t *a, const uint8_t *b, size_t n, size_t *at)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            *at = i;
            return 1;
        }
    }
    return 0;
}

/* The tail of the longer image must read as zeroes. */
static int check_tail(struct blk *bs, uint64_t from, uint8_t *buf, const char *name)
{
    uint64_t size = blk_length(bs);
    for (uint64_t off = from; off < size;) {
        size_t n = size - off < CHUNK ? (size_t)(size - off) : CHUNK, at;
        if (blk_read(bs, off, buf, n) < 0) {
            img_error("error while reading %s: %s", name, blk_io_error(bs));
            return 2;
        }
        static const uint8_t zero[4096];
        for (size_t i = 0; i < n; i += sizeof(zero)) {
            size_t m = n - i < sizeof(zero) ? n - i : sizeof(zero);
            if (first_diff(buf + i, zero, m, &at)) {
                printf("Content mismatch at offset %" PRIu64 "!\n", off + i + at);
                return 1;
            }
        }
        off += n;
    }
    return 0;
}

static int compare(struct blk *a, struct blk *b, bool strict, uint8_t *ba, uint8_t *bb)
{
    uint64_t sa = blk_length(a), sb = blk_length(b), common = sa < sb ? sa : sb;
    if (strict && sa != sb) {
        printf("Strict mode: Image size mismatch!\n");
        return 1;
    }
    for (uint64_t off = 0; off < common;) {
        size_t n = common - off < CHUNK ? (size_t)(common - off) : CHUNK, at;
        if (blk_read(a, off, ba, n) < 0 || blk_read(b, off, bb, n) < 0) {
            img_error("error while reading at offset %" PRIu64, off);
            return 2;
        }
        if (first_diff(ba, bb, n, &at)) {
            printf("Content mismatch at offset %" PRIu64 "!\n", off + at);
            return 1;
        }
        off += n;
    }
    int ret = sa > sb ? check_tail(a, common, ba, "first image")
                      : check_tail(b, common, bb, "second image");
    if (ret == 0) {
        printf("Images are identical.\n");
    }
    return ret;
}

int img_compare(int argc, char **argv)
{
    const char *fmt1 = NULL, *fmt2 = NULL;
    bool strict = false;
    int c;
    optind = 1;
    while ((c = getopt(argc, argv, "f:F:spqU")) != -1) {
        switch (c) {
        case 'f': fmt1 = optarg; break;
        case 'F': fmt2 = optarg; break;
        case 's': strict = true; break;
        case 'p':
        case 'q':
        case 'U': break;
        default: return 2;
        }
    }
    if (argc - optind != 2) {
        img_error("Expecting two image file names");
        return 2;
    }
    struct blk *a = img_open(argv[optind], fmt1, BLK_OPEN_READ_ONLY);
    struct blk *b = a ? img_open(argv[optind + 1], fmt2, BLK_OPEN_READ_ONLY) : NULL;
    uint8_t *ba = malloc(CHUNK), *bb = malloc(CHUNK);
    int ret = a && b && ba && bb ? compare(a, b, strict, ba, bb) : 2;
    free(ba);
    free(bb);
    if (b) {
        blk_close(b);
    }
    if (a) {
        blk_close(a);
    }
    return ret;
}
