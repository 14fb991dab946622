/* jit86-img resize: grow an image, or shrink it with --shrink (qemu-img
 * resize; "+size" and "-size" are relative to the current size). */
#include "img.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

int img_resize(int argc, char **argv)
{
    const char *fmt = NULL;
    bool shrink = false;
    static const struct option longs[] = {
        {"shrink", no_argument, NULL, 'S'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    /* "-1G" is a size, not an option: stop at the first non-option. */
    while ((c = getopt_long(argc, argv, "+f:q", longs, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'S': shrink = true; break;
        case 'q': break;
        default: return 1;
        }
    }
    if (argc - optind != 2) {
        return img_error("Expecting image file name and size");
    }
    const char *text = argv[optind + 1];
    int sign = text[0] == '+' ? 1 : text[0] == '-' ? -1 : 0;
    uint64_t n;
    if (!img_parse_size(text + (sign != 0), &n)) {
        return img_error("Invalid image size specified: '%s'", text);
    }
    struct blk *bs = img_open(argv[optind], fmt, BLK_OPEN_NO_BACKING);
    if (!bs) {
        return 1;
    }
    uint64_t cur = blk_length(bs);
    uint64_t size = sign > 0 ? cur + n : sign < 0 ? (n > cur ? 0 : cur - n) : n;
    struct blk_error err;
    int ret = 0;
    if (blk_resize(bs, size, shrink, &err) < 0) {
        ret = img_error("%s", err.msg);
    }
    if (blk_close(bs) < 0 && !ret) {
        ret = img_error("error while closing the image");
    }
    if (!ret) {
        printf("Image resized.\n");
    }
    return ret;
}
