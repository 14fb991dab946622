/* jit86-img check: consistency check and repair, with qemu-img's messages
 * and exit codes (0 clean, 1 check failed, 2 corrupt, 3 leaks only, 63 the
 * format has no check). */
#include "img.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void report_line(void *opaque, const char *line)
{
    (void)opaque;
    fprintf(stderr, "%s\n", line);
}

static void print_human(const struct blk_check_result *r)
{
    if (r->leaks_fixed || r->corruptions_fixed) {
        printf("The following inconsistencies were found and repaired:\n\n"
               "    %" PRIu64 " leaked clusters\n    %" PRIu64 " corruptions\n\n"
               "Double checking the fixed image now...\n",
               r->leaks_fixed, r->corruptions_fixed);
    }
    if (!r->corruptions && !r->leaks && !r->check_errors) {
        printf("No errors were found on the image.\n");
    }
    if (r->corruptions) {
        printf("\n%" PRIu64 " errors were found on the image.\n"
               "Data may be corrupted, or further writes to the image may corrupt it.\n",
               r->corruptions);
    }
    if (r->leaks) {
        printf("\n%" PRIu64 " leaked clusters were found on the image.\n"
               "This means waste of disk space, but no harm to data.\n",
               r->leaks);
    }
    if (r->check_errors) {
        printf("\n%" PRIu64 " internal errors have occurred during the check.\n", r->check_errors);
    }
    if (r->total_clusters) {
        printf("%" PRIu64 "/%" PRIu64 " = %.2f%% allocated, %.2f%% fragmented, %.2f%% compressed "
               "clusters\n",
               r->allocated_clusters, r->total_clusters,
               100.0 * (double)r->allocated_clusters / (double)r->total_clusters,
               r->allocated_clusters
                   ? 100.0 * (double)r->fragmented_clusters / (double)r->allocated_clusters
                   : 0.0,
               r->allocated_clusters
                   ? 100.0 * (double)r->compressed_clusters / (double)r->allocated_clusters
                   : 0.0);
    }
    if (r->image_end_offset) {
        printf("Image end offset: %" PRIu64 "\n", r->image_end_offset);
    }
}

static void print_json(const char *filename, const char *format, const struct blk_check_result *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "image-end-offset", json_integer((json_int_t)r->image_end_offset));
    json_object_set_new(o, "total-clusters", json_integer((json_int_t)r->total_clusters));
    json_object_set_new(o, "filename", json_string(filename));
    json_object_set_new(o, "format", json_string(format));
    json_object_set_new(o, "check-errors", json_integer((json_int_t)r->check_errors));
    json_object_set_new(o, "allocated-clusters", json_integer((json_int_t)r->allocated_clusters));
    json_object_set_new(o, "compressed-clusters", json_integer((json_int_t)r->compressed_clusters));
    json_object_set_new(o, "fragmented-clusters", json_integer((json_int_t)r->fragmented_clusters));
    json_object_set_new(o, "corruptions", json_integer((json_int_t)r->corruptions));
    json_object_set_new(o, "leaks", json_integer((json_int_t)r->leaks));
    json_object_set_new(o, "corruptions-fixed", json_integer((json_int_t)r->corruptions_fixed));
    json_object_set_new(o, "leaks-fixed", json_integer((json_int_t)r->leaks_fixed));
    char *text = json_dumps(o, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
    printf("%s\n", text);
    free(text);
    json_decref(o);
}

int img_check(int argc, char **argv)
{
    const char *fmt = NULL, *output = "human";
    unsigned fix = 0;
    static const struct option longs[] = {
        {"output", required_argument, NULL, 'O'},
        {"repair", required_argument, NULL, 'r'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:r:qU", longs, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'O': output = optarg; break;
        case 'r':
            if (!strcmp(optarg, "leaks")) {
                fix = BLK_FIX_LEAKS;
            } else if (!strcmp(optarg, "all")) {
                fix = BLK_FIX_LEAKS | BLK_FIX_ERRORS;
            } else {
                return img_error("Unknown option value for -r (expecting 'leaks' or 'all'): %s",
                                 optarg);
            }
            break;
        case 'q':
        case 'U': break;
        default: return 1;
        }
    }
    if (optind >= argc) {
        return img_error("Expecting one image file name");
    }
    unsigned flags = BLK_OPEN_NO_BACKING | BLK_OPEN_CHECK | (fix ? 0 : BLK_OPEN_READ_ONLY);
    struct blk *bs = img_open(argv[optind], fmt, flags);
    if (!bs) {
        return 1;
    }
    struct blk_check_result r;
    int ret = blk_check(bs, fix, &r, report_line, NULL);
    if (ret == -ENOTSUP) {
        img_error("This image format does not support checks");
        blk_close(bs);
        return 63;
    }
    if (ret < 0) {
        img_error("Check failed: %s", blk_io_error(bs));
        blk_close(bs);
        return 1;
    }
    if (!strcmp(output, "json")) {
        print_json(argv[optind], blk_format_name(bs), &r);
    } else {
        print_human(&r);
    }
    blk_close(bs);
    if (r.check_errors) {
        return 1;
    }
    return r.corruptions ? 2 : r.leaks ? 3 : 0;
}
