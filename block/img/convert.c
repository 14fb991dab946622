/* jit86-img convert: copy one or more images (concatenated) into a new image
 * of any format; zero ranges stay sparse, -c compresses whole clusters, -B
 * writes only what differs from the new backing file. */
#include "img.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (1u << 20)

struct convert {
    struct blk **in;
    int nb_in;
    struct blk *out;
    struct blk *base; /* the -B backing file, compared against */
    bool compress;
    bool progress;
    uint32_t unit; /* compressed write unit: the output's cluster size */
    uint8_t *buf, *cmp;
};

static bool all_zero(const uint8_t *p, size_t n)
{
    return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

/* Writes one chunk that lies at out_off in the output. */
static int put_chunk(struct convert *cv, uint64_t out_off, size_t n)
{
    if (cv->base) {
        if (blk_read(cv->base, out_off, cv->cmp, n) < 0) {
            return img_error("error while reading the backing file: %s", blk_io_error(cv->base));
        }
        if (memcmp(cv->buf, cv->cmp, n) == 0) {
            return 0;
        }
    } else if (all_zero(cv->buf, n)) {
        return 0;
    }
    /* Zeroes over a non-zero backing file: zero clusters where the format has them. */
    if (cv->base && all_zero(cv->buf, n)) {
        return blk_write_zeroes(cv->out, out_off, n) < 0
                   ? img_error("error while writing: %s", blk_io_error(cv->out))
                   : 0;
    }
    if (cv->compress && cv->unit) {
        for (size_t done = 0; done < n; done += cv->unit) {
            size_t len = n - done < cv->unit ? n - done : cv->unit;
            int ret = len == cv->unit
                          ? blk_write_compressed(cv->out, out_off + done, cv->buf + done, len)
                          : blk_write(cv->out, out_off + done, cv->buf + done, len);
            if (ret < 0) {
                return img_error("error while writing: %s", blk_io_error(cv->out));
            }
        }
        return 0;
    }
    if (blk_write(cv->out, out_off, cv->buf, n) < 0) {
        return img_error("error while writing: %s", blk_io_error(cv->out));
    }
    return 0;
}

static int copy_all(struct convert *cv, uint64_t total)
{
    uint64_t out_off = 0;
    for (int i = 0; i < cv->nb_in; i++) {
        struct blk *in = cv->in[i];
        uint64_t size = blk_length(in);
        for (uint64_t off = 0; off < size;) {
            uint64_t n = size - off < CHUNK ? size - off : CHUNK, pnum, host;
            unsigned st, depth;
            if (blk_block_status_chain(in, off, n, &pnum, &st, &host, &depth) < 0) {
                return img_error("error while reading block status: %s", blk_io_error(in));
            }
            if (pnum == 0) {
                pnum = n;
            }
            bool zero = (st & BLK_STATUS_ZERO) && !(st & BLK_STATUS_DATA);
            if (zero && !cv->base) {
                off += pnum;
                out_off += pnum;
                continue;
            }
            n = pnum < n ? pnum : n;
            if (zero) {
                memset(cv->buf, 0, n);
            } else if (blk_read(in, off, cv->buf, n) < 0) {
                return img_error("error while reading sector %llu: %s",
                                 (unsigned long long)(off >> 9), blk_io_error(in));
            }
            if (put_chunk(cv, out_off, n)) {
                return 1;
            }
            off += n;
            out_off += n;
            img_progress(cv->progress, out_off, total);
        }
    }
    img_progress(cv->progress, total, total);
    return 0;
}

static int run(struct convert *cv, const char *out_name, struct blk_create_opts *o)
{
    uint64_t total = 0;
    for (int i = 0; i < cv->nb_in; i++) {
        total += blk_length(cv->in[i]);
    }
    o->size = total;
    struct blk_error err;
    if (blk_create(out_name, o, &err) < 0) {
        return img_error("%s", err.msg);
    }
    unsigned flags = BLK_OPEN_NO_BACKING;
    if (!(cv->out = img_open(out_name, o->format, flags))) {
        return 1;
    }
    if (o->backing_file) {
        char path[4096];
        blk_path_combine(path, sizeof(path), out_name, o->backing_file);
        if (!(cv->base = img_open(path, o->backing_fmt, BLK_OPEN_READ_ONLY))) {
            return 1;
        }
    }
    cv->unit = blk_cluster_size(cv->out);
    if (cv->compress && !cv->unit) {
        return img_error("Compression not supported for this file format");
    }
    int ret = copy_all(cv, total);
    if (blk_flush(cv->out) < 0 && !ret) {
        ret = img_error("error while flushing: %s", blk_io_error(cv->out));
    }
    return ret;
}

int img_convert(int argc, char **argv)
{
    struct blk_create_opts o = {.format = "raw"};
    const char *in_fmt = NULL, *options = NULL;
    struct convert cv = {0};
    int c;
    optind = 1;
    while ((c = getopt(argc, argv, "f:O:cpB:o:F:qnUt:T:W")) != -1) {
        switch (c) {
        case 'f': in_fmt = optarg; break;
        case 'O': o.format = optarg; break;
        case 'c': cv.compress = true; break;
        case 'p': cv.progress = true; break;
        case 'B': o.backing_file = optarg; break;
        case 'F': o.backing_fmt = optarg; break;
        case 'o': options = optarg; break;
        case 'q':
        case 'n':
        case 'U':
        case 't':
        case 'T':
        case 'W': break;
        default: return 1;
        }
    }
    char *storage = NULL;
    if (options && !(storage = img_parse_create_options(options, &o))) {
        return 1;
    }
    if (argc - optind < 2 || !blk_format_known(o.format)) {
        free(storage);
        return img_error(argc - optind < 2 ? "Expecting image file name and output file name"
                                           : "Unknown output file format");
    }
    cv.nb_in = argc - optind - 1;
    cv.in = calloc((size_t)cv.nb_in, sizeof(*cv.in));
    cv.buf = malloc(CHUNK);
    cv.cmp = malloc(CHUNK);
    int ret = !cv.in || !cv.buf || !cv.cmp;
    for (int i = 0; i < cv.nb_in && !ret; i++) {
        cv.in[i] = img_open(argv[optind + i], in_fmt, BLK_OPEN_READ_ONLY);
        ret = !cv.in[i];
    }
    if (!ret) {
        ret = run(&cv, argv[argc - 1], &o);
    }
    for (int i = 0; i < cv.nb_in; i++) {
        if (cv.in[i]) {
            blk_close(cv.in[i]);
        }
    }
    if (cv.out && blk_close(cv.out) < 0 && !ret) {
        ret = img_error("error while closing the output");
    }
    if (cv.base) {
        blk_close(cv.base);
    }
    free(cv.in);
    free(cv.buf);
    free(cv.cmp);
    free(storage);
    return ret;
}
