/* jit86-img map: where each guest range of an image comes from (which layer
 * of the chain, zero or data, host offset), human or JSON as qemu-img map. */
#include "img.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct extent {
    uint64_t start, length, offset;
    unsigned depth;
    bool present, zero, data, has_offset;
    const char *file;
};

static bool mergeable(const struct extent *a, const struct extent *b)
{
    return a->depth == b->depth && a->present == b->present && a->zero == b->zero &&
           a->data == b->data && a->has_offset == b->has_offset &&
           (!a->has_offset || a->offset + a->length == b->offset);
}

static void print_extent(const struct extent *e, bool json, bool first)
{
    if (json) {
        printf("%s{ \"start\": %" PRIu64 ", \"length\": %" PRIu64 ", \"depth\": %u, "
               "\"present\": %s, \"zero\": %s, \"data\": %s",
               first ? "[" : ",\n", e->start, e->length, e->depth, e->present ? "true" : "false",
               e->zero ? "true" : "false", e->data ? "true" : "false");
        if (e->has_offset) {
            printf(", \"offset\": %" PRIu64, e->offset);
        }
        printf("}");
        return;
    }
    if (e->data && e->has_offset) {
        printf("%#-16" PRIx64 "%#-16" PRIx64 "%#-16" PRIx64 "%s\n", e->start, e->length, e->offset,
               e->file);
    }
}

int img_map(int argc, char **argv)
{
    const char *fmt = NULL, *output = "human";
    static const struct option longs[] = {
        {"output", required_argument, NULL, 'O'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:U", longs, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'O': output = optarg; break;
        case 'U': break;
        default: return 1;
        }
    }
    bool json = !strcmp(output, "json");
    if (optind >= argc) {
        return img_error("Expecting one image file name");
    }
    struct blk *bs = img_open(argv[optind], fmt, BLK_OPEN_READ_ONLY);
    if (!bs) {
        return 1;
    }
    if (!json) {
        printf("%-16s%-16s%-16s%s\n", "Offset", "Length", "Mapped to", "File");
    }
    struct extent cur = {0};
    bool have = false, first = true;
    uint64_t size = blk_length(bs);
    for (uint64_t off = 0; off < size;) {
        uint64_t pnum, host;
        unsigned st, depth;
        if (blk_block_status_chain(bs, off, size - off, &pnum, &st, &host, &depth) < 0 || !pnum) {
            blk_close(bs);
            return img_error("block status failed at %" PRIu64, off);
        }
        struct blk *layer = bs;
        for (unsigned d = 0; d < depth && blk_backing(layer); d++) {
            layer = blk_backing(layer);
        }
        struct extent e = {
            .start = off,
            .length = pnum,
            .offset = host,
            .depth = depth,
            .present = (st & BLK_STATUS_ALLOCATED) != 0,
            .zero = (st & BLK_STATUS_ZERO) != 0,
            .data = (st & BLK_STATUS_DATA) != 0,
            .has_offset = (st & BLK_STATUS_OFFSET) != 0,
            .file = blk_filename(layer),
        };
        if (have && mergeable(&cur, &e)) {
            cur.length += e.length;
        } else {
            if (have) {
                print_extent(&cur, json, first);
                first = false;
            }
            cur = e;
            have = true;
        }
        off += pnum;
    }
    if (have) {
        print_extent(&cur, json, first);
    }
    if (json) {
        printf(have ? "]\n" : "[]\n");
    }
    blk_close(bs);
    return 0;
}
