/* jit86-img snapshot: list, create, apply and delete internal snapshots
 * (qemu-img snapshot -l / -c / -a / -d). */
#include "img.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void img_print_snapshots(const struct blk_info *in)
{
    printf("Snapshot list:\n");
    printf("%-9s %-16s %8s %19s %12s %10s\n", "ID", "TAG", "VM SIZE", "DATE", "VM CLOCK", "ICOUNT");
    for (unsigned i = 0; i < in->nb_snapshots; i++) {
        const struct blk_snapshot_info *sn = &in->snapshots[i];
        char date[32], size[32], icount[24] = "";
        time_t t = sn->date_sec;
        struct tm tm;
        strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", localtime_r(&t, &tm));
        img_format_size(sn->vm_state_size, size, sizeof(size));
        if (sn->icount != UINT64_MAX) {
            snprintf(icount, sizeof(icount), "%" PRIu64, sn->icount);
        }
        uint64_t secs = sn->vm_clock_nsec / 1000000000;
        printf("%-9s %-16s %8s %19s %02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 ".%03" PRIu64 " %10s\n",
               sn->id, sn->name, size, date, secs / 3600, secs / 60 % 60, secs % 60,
               sn->vm_clock_nsec / 1000000 % 1000, icount);
    }
}

static int list(struct blk *bs)
{
    struct blk_info in;
    struct blk_error err;
    if (blk_get_info(bs, &in, &err) < 0) {
        return img_error("%s", err.msg);
    }
    img_print_snapshots(&in);
    blk_info_free(&in);
    return 0;
}

int img_snapshot(int argc, char **argv)
{
    const char *fmt = NULL, *name = NULL;
    int action = 0, c;
    optind = 1;
    while ((c = getopt(argc, argv, "la:c:d:f:qU")) != -1) {
        switch (c) {
        case 'l':
        case 'a':
        case 'c':
        case 'd':
            if (action) {
                return img_error("Cannot mix '-l', '-a', '-c', '-d'");
            }
            action = c;
            name = optarg;
            break;
        case 'f': fmt = optarg; break;
        case 'q':
        case 'U': break;
        default: return 1;
        }
    }
    if (optind >= argc) {
        return img_error("Expecting one image file name");
    }
    action = action ? action : 'l';
    unsigned flags = BLK_OPEN_NO_BACKING | (action == 'l' ? BLK_OPEN_READ_ONLY : 0);
    struct blk *bs = img_open(argv[optind], fmt, flags);
    if (!bs) {
        return 1;
    }
    struct blk_error err;
    int ret = 0;
    if (action == 'l') {
        ret = list(bs);
    } else if (action == 'c' && blk_snapshot_create(bs, name, &err) < 0) {
        ret = img_error("Could not create snapshot '%s': %s", name, err.msg);
    } else if (action == 'a' && blk_snapshot_apply(bs, name, &err) < 0) {
        ret = img_error("Could not apply snapshot '%s': %s", name, err.msg);
    } else if (action == 'd' && blk_snapshot_delete(bs, name, &err) < 0) {
        ret = img_error("Could not delete snapshot '%s': %s", name, err.msg);
    }
    if (blk_close(bs) < 0 && !ret) {
        ret = img_error("error while closing the image");
    }
    return ret;
}
