/* jit86-img info: what an image is (format, sizes, backing file, qcow2
 * details, snapshots), as qemu-img prints it in human or JSON form. */
#include "img.h"

#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *snapshot_json(const struct blk_snapshot_info *sn)
{
    json_t *o = json_object();
    if (sn->icount != UINT64_MAX) {
        json_object_set_new(o, "icount", json_integer((json_int_t)sn->icount));
    }
    json_object_set_new(o, "vm-clock-nsec",
                        json_integer((json_int_t)(sn->vm_clock_nsec % 1000000000)));
    json_object_set_new(o, "name", json_string(sn->name));
    json_object_set_new(o, "date-sec", json_integer(sn->date_sec));
    json_object_set_new(o, "date-nsec", json_integer(sn->date_nsec));
    json_object_set_new(o, "vm-clock-sec",
                        json_integer((json_int_t)(sn->vm_clock_nsec / 1000000000)));
    json_object_set_new(o, "id", json_string(sn->id));
    json_object_set_new(o, "vm-state-size", json_integer((json_int_t)sn->vm_state_size));
    return o;
}

static json_t *info_json(const char *filename, const struct blk_info *in)
{
    json_t *o = json_object();
    json_object_set_new(o, "virtual-size", json_integer((json_int_t)in->virtual_size));
    json_object_set_new(o, "filename", json_string(filename));
    if (in->cluster_size) {
        json_object_set_new(o, "cluster-size", json_integer(in->cluster_size));
    }
    json_object_set_new(o, "format", json_string(in->format));
    json_object_set_new(o, "actual-size", json_integer((json_int_t)in->actual_size));
    if (in->nb_snapshots) {
        json_t *a = json_array();
        for (unsigned i = 0; i < in->nb_snapshots; i++) {
            json_array_append_new(a, snapshot_json(&in->snapshots[i]));
        }
        json_object_set_new(o, "snapshots", a);
    }
    if (in->has_format_specific) {
        json_t *d = json_object();
        json_object_set_new(d, "compat", json_string(in->compat == 2 ? "0.10" : "1.1"));
        if (in->compat >= 3) {
            json_object_set_new(d, "compression-type", json_string("zlib"));
            json_object_set_new(d, "lazy-refcounts", json_boolean(in->lazy_refcounts));
        }
        json_object_set_new(d, "refcount-bits", json_integer(in->refcount_bits));
        json_object_set_new(d, "corrupt", json_boolean(in->corrupt));
        json_object_set_new(d, "extended-l2", json_false());
        json_t *fs = json_object();
        json_object_set_new(fs, "type", json_string(in->format));
        json_object_set_new(fs, "data", d);
        json_object_set_new(o, "format-specific", fs);
    }
    if (in->backing_file[0]) {
        json_object_set_new(o, "full-backing-filename", json_string(in->full_backing_file));
        json_object_set_new(o, "backing-filename", json_string(in->backing_file));
        if (in->backing_fmt[0]) {
            json_object_set_new(o, "backing-filename-format", json_string(in->backing_fmt));
        }
    }
    json_object_set_new(o, "dirty-flag", json_boolean(in->dirty_flag));
    return o;
}

static void print_human(const char *filename, const struct blk_info *in)
{
    char vs[32], ds[32];
    img_format_size(in->virtual_size, vs, sizeof(vs));
    img_format_size(in->actual_size, ds, sizeof(ds));
    printf("image: %s\nfile format: %s\n", filename, in->format);
    printf("virtual size: %s (%" PRIu64 " bytes)\ndisk size: %s\n", vs, in->virtual_size, ds);
    if (in->cluster_size) {
        printf("cluster_size: %" PRIu32 "\n", in->cluster_size);
    }
    if (in->backing_file[0]) {
        printf("backing file: %s", in->backing_file);
        if (strcmp(in->backing_file, in->full_backing_file)) {
            printf(" (actual path: %s)", in->full_backing_file);
        }
        printf("\n");
        if (in->backing_fmt[0]) {
            printf("backing file format: %s\n", in->backing_fmt);
        }
    }
    if (in->nb_snapshots) {
        img_print_snapshots(in);
    }
    if (in->has_format_specific) {
        printf("Format specific information:\n    compat: %s\n", in->compat == 2 ? "0.10" : "1.1");
        if (in->compat >= 3) {
            printf("    compression type: zlib\n    lazy refcounts: %s\n",
                   in->lazy_refcounts ? "true" : "false");
        }
        printf("    refcount bits: %u\n    corrupt: %s\n    extended l2: false\n",
               in->refcount_bits, in->corrupt ? "true" : "false");
    }
}

int img_info(int argc, char **argv)
{
    const char *fmt = NULL, *output = "human";
    bool chain = false;
    static const struct option longs[] = {
        {"output", required_argument, NULL, 'O'},
        {"backing-chain", no_argument, NULL, 'B'},
        {"format", required_argument, NULL, 'f'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:U", longs, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'O': output = optarg; break;
        case 'B': chain = true; break;
        case 'U': break;
        default: return 1;
        }
    }
    bool json = !strcmp(output, "json");
    if (!json && strcmp(output, "human")) {
        return img_error("--output must be used with human or json as argument.");
    }
    if (optind >= argc) {
        return img_error("Expecting one image file name");
    }
    struct blk *bs =
        img_open(argv[optind], fmt, BLK_OPEN_READ_ONLY | (chain ? 0 : BLK_OPEN_NO_BACKING));
    if (!bs) {
        return 1;
    }
    json_t *all = json_array();
    int ret = 0;
    for (struct blk *b = bs; b && ret == 0; b = chain ? blk_backing(b) : NULL) {
        struct blk_info in;
        struct blk_error err;
        if (blk_get_info(b, &in, &err) < 0) {
            ret = img_error("%s", err.msg);
            break;
        }
        if (json) {
            json_array_append_new(all, info_json(blk_filename(b), &in));
        } else {
            if (b != bs) {
                printf("\n");
            }
            print_human(blk_filename(b), &in);
        }
        blk_info_free(&in);
    }
    if (json && ret == 0) {
        json_t *out = chain ? json_incref(all) : json_incref(json_array_get(all, 0));
        char *text = json_dumps(out, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
        printf("%s\n", text);
        free(text);
        json_decref(out);
    }
    json_decref(all);
    blk_close(bs);
    return ret;
}
