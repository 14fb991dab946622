/* jit86-img commit and rebase: move data between an overlay and its backing
 * file (qemu-img commit; rebase -b, with -u only rewriting the header). */
#include "img.h"

#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (1u << 20)

/* Copies the ranges the top layer decides into base. */
static int commit_data(struct blk *top, struct blk *base, uint8_t *buf)
{
    uint64_t size = blk_length(top);
    if (blk_length(base) < size) {
        struct blk_error err;
        if (blk_resize(base, size, false, &err) < 0) {
            return img_error("%s", err.msg);
        }
    }
    for (uint64_t off = 0; off < size;) {
        uint64_t pnum, host;
        unsigned st;
        if (blk_block_status(top, off, size - off < CHUNK ? size - off : CHUNK, &pnum, &st, &host) <
                0 ||
            !pnum) {
            return img_error("block status failed: %s", blk_io_error(top));
        }
        if (st & BLK_STATUS_ALLOCATED) {
            int ret = (st & BLK_STATUS_ZERO) && !(st & BLK_STATUS_DATA)
                          ? blk_write_zeroes(base, off, pnum)
                      : blk_read(top, off, buf, pnum) < 0 ? -1
                                                          : blk_write(base, off, buf, pnum);
            if (ret < 0) {
                return img_error("error while committing at offset %" PRIu64, off);
            }
        }
        off += pnum;
    }
    return blk_flush(base) < 0 ? img_error("error while flushing the backing file") : 0;
}

int img_commit(int argc, char **argv)
{
    const char *fmt = NULL;
    bool keep = false;
    int c;
    optind = 1;
    while ((c = getopt(argc, argv, "f:pqdt:b:")) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'd': keep = true; break;
        case 'p':
        case 'q':
        case 't':
        case 'b': break;
        default: return 1;
        }
    }
    if (optind >= argc) {
        return img_error("Expecting one image file name");
    }
    /* Without -d the top image is emptied afterwards, as qemu-img does. */
    struct blk *top =
        img_open(argv[optind], fmt, BLK_OPEN_NO_BACKING | (keep ? BLK_OPEN_READ_ONLY : 0));
    if (!top) {
        return 1;
    }
    struct blk_info in;
    struct blk_error err;
    int ret = blk_get_info(top, &in, &err) < 0 ? img_error("%s", err.msg) : 0;
    if (!ret && !in.backing_file[0]) {
        ret = img_error("Image does not have a backing file");
    }
    struct blk *base =
        ret ? NULL : img_open(in.full_backing_file, in.backing_fmt[0] ? in.backing_fmt : NULL, 0);
    uint8_t *buf = malloc(CHUNK);
    if (!ret && base && buf) {
        ret = commit_data(top, base, buf);
    } else if (!ret) {
        ret = 1;
    }
    if (!ret && !keep && blk_make_empty(top, &err) < 0) {
        ret = img_error("Image committed, but emptying it failed: %s", err.msg);
    }
    free(buf);
    blk_info_free(&in);
    if (base && blk_close(base) < 0 && !ret) {
        ret = img_error("error while closing the backing file");
    }
    blk_close(top);
    if (!ret) {
        printf("Image committed.\n");
    }
    return ret;
}

/* Safe rebase: where the overlay does not decide, copy in what the old chain
 * shows whenever it differs from the new backing file. */
static int rebase_copy(struct blk *top, struct blk *nb, uint8_t *a, uint8_t *b)
{
    uint64_t size = blk_length(top), nsize = nb ? blk_length(nb) : 0;
    for (uint64_t off = 0; off < size;) {
        uint64_t pnum, host;
        unsigned st;
        uint64_t want = size - off < CHUNK ? size - off : CHUNK;
        if (blk_block_status(top, off, want, &pnum, &st, &host) < 0 || !pnum) {
            return img_error("block status failed: %s", blk_io_error(top));
        }
        if (!(st & BLK_STATUS_ALLOCATED)) {
            memset(b, 0, pnum);
            uint64_t n = off < nsize ? (nsize - off < pnum ? nsize - off : pnum) : 0;
            if (blk_read(top, off, a, pnum) < 0 || (n && blk_read(nb, off, b, n) < 0)) {
                return img_error("error while reading at offset %" PRIu64, off);
            }
            if (memcmp(a, b, pnum) && blk_write(top, off, a, pnum) < 0) {
                return img_error("error while writing: %s", blk_io_error(top));
            }
        }
        off += pnum;
    }
    return 0;
}

int img_rebase(int argc, char **argv)
{
    const char *fmt = NULL, *backing = NULL, *bfmt = NULL;
    bool unsafe = false;
    int c;
    optind = 1;
    while ((c = getopt(argc, argv, "f:b:F:upqt:T:U")) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'b': backing = optarg; break;
        case 'F': bfmt = optarg; break;
        case 'u': unsafe = true; break;
        case 'p':
        case 'q':
        case 't':
        case 'T':
        case 'U': break;
        default: return 1;
        }
    }
    if (optind >= argc || !backing) {
        return img_error("Expecting one image file name and -b backing_file");
    }
    const char *name = argv[optind];
    struct blk *top = img_open(name, fmt, unsafe ? BLK_OPEN_NO_BACKING : 0);
    if (!top) {
        return 1;
    }
    int ret = 0;
    if (!unsafe) {
        struct blk *nb = NULL;
        char path[PATH_MAX];
        blk_path_combine(path, sizeof(path), name, backing);
        if (backing[0] && !(nb = img_open(path, bfmt, BLK_OPEN_READ_ONLY))) {
            ret = 1;
        }
        uint8_t *a = malloc(CHUNK), *b = malloc(CHUNK);
        if (!ret) {
            ret = a && b ? rebase_copy(top, nb, a, b) : 1;
        }
        free(a);
        free(b);
        if (nb) {
            blk_close(nb);
        }
    }
    struct blk_error err;
    if (!ret && blk_set_backing(top, backing[0] ? backing : NULL, bfmt, &err) < 0) {
        ret = img_error("%s", err.msg);
    }
    if (blk_close(top) < 0 && !ret) {
        ret = img_error("error while closing the image");
    }
    return ret;
}
