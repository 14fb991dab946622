/* jit86-img create: a new image of a format, size and options (qemu-img
 * create: -f, -b, -F, -o key=value,...). */
#include "img.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int create_image(int argc, char **argv, struct blk_create_opts *o)
{
    if (optind >= argc) {
        return img_error("Expecting image file name");
    }
    const char *filename = argv[optind++];
    if (optind < argc && !img_parse_size(argv[optind], &o->size)) {
        return img_error("Invalid image size specified: '%s'", argv[optind]);
    }
    if (optind >= argc && !o->backing_file && !o->size) {
        return img_error("Image creation needs a size parameter");
    }
    if (!blk_format_known(o->format)) {
        return img_error("Unknown file format '%s'", o->format);
    }
    printf("Formatting '%s', fmt=%s", filename, o->format);
    if (!strcmp(o->format, "qcow2")) {
        printf(" cluster_size=%" PRIu32 " compression_type=zlib",
               o->cluster_size ? o->cluster_size : 65536);
    }
    printf(" size=%" PRIu64, o->size);
    if (o->backing_file) {
        printf(" backing_file=%s", o->backing_file);
    }
    if (o->backing_fmt) {
        printf(" backing_fmt=%s", o->backing_fmt);
    }
    printf("\n");
    struct blk_error err;
    if (blk_create(filename, o, &err) < 0) {
        return img_error("%s", err.msg);
    }
    return 0;
}

int img_create(int argc, char **argv)
{
    struct blk_create_opts o = {.format = "raw"};
    const char *options = NULL;
    int c;
    optind = 1;
    while ((c = getopt(argc, argv, "f:b:F:o:uq")) != -1) {
        switch (c) {
        case 'f': o.format = optarg; break;
        case 'b': o.backing_file = optarg; break;
        case 'F': o.backing_fmt = optarg; break;
        case 'o': options = optarg; break;
        case 'u':
        case 'q': break;
        default: return 1;
        }
    }
    char *storage = NULL;
    if (options && !(storage = img_parse_create_options(options, &o))) {
        return 1;
    }
    int ret = create_image(argc, argv, &o);
    free(storage);
    return ret;
}
