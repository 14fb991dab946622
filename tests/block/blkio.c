/* blkio: a tiny qemu-io for tests: applies commands to an image through the
 * block layer.  blkio [-f fmt] FILE CMD...  where CMD is one of
 *   write PAT OFF LEN   fill with byte PAT      read PAT OFF LEN  verify (exit 1)
 *   zero OFF LEN        write zeroes            compress PAT OFF  one compressed cluster
 *   discard OFF LEN     flush
 *   snap-create NAME    snap-apply NAME         snap-delete NAME
 *   snap-vm NAME PAT LEN   machine state of LEN bytes PAT, then a snapshot
 *   vm-read PAT LEN        verify the machine state (after snap-apply)
 * Sizes take k/M/G suffixes. */
#include "block/block.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t num(const char *s)
{
    char *end;
    uint64_t v = strtoull(s, &end, 0);
    switch (*end) {
    case 'k':
    case 'K': v <<= 10; break;
    case 'M': v <<= 20; break;
    case 'G': v <<= 30; break;
    default: break;
    }
    return v;
}

static int fill(struct blk *bs, int pat, uint64_t off, uint64_t len, bool verify)
{
    uint8_t *buf = malloc(len ? len : 1), *want = malloc(len ? len : 1);
    memset(want, pat, len);
    int ret;
    if (verify) {
        ret = blk_read(bs, off, buf, len);
        if (ret == 0 && memcmp(buf, want, len)) {
            fprintf(stderr, "blkio: pattern %#x mismatch in %llu+%llu\n", pat,
                    (unsigned long long)off, (unsigned long long)len);
            ret = -EILSEQ;
        }
    } else {
        ret = blk_write(bs, off, want, len);
    }
    free(buf);
    free(want);
    return ret;
}

static int compress(struct blk *bs, int pat, uint64_t off)
{
    uint32_t cs = blk_cluster_size(bs);
    uint8_t *buf = malloc(cs);
    memset(buf, pat, cs);
    int ret = blk_write_compressed(bs, off, buf, cs);
    free(buf);
    return ret;
}

static int vmstate(struct blk *bs, const char *name, int pat, uint64_t len)
{
    uint8_t *buf = malloc(len ? len : 1), *want = malloc(len ? len : 1);
    struct blk_error err = {{0}};
    memset(want, pat, len);
    int ret;
    if (name) {
        ret = blk_vmstate_write(bs, 0, want, len);
        if (ret == 0 && (ret = blk_snapshot_create_vm(bs, name, len, 1500000000ull, &err)) < 0) {
            fprintf(stderr, "blkio: snap-vm %s: %s\n", name, err.msg);
        }
    } else if ((ret = blk_vmstate_read(bs, 0, buf, len)) == 0 && memcmp(buf, want, len)) {
        fprintf(stderr, "blkio: machine state differs\n");
        ret = -EILSEQ;
    }
    free(buf);
    free(want);
    return ret;
}

static int run(struct blk *bs, char **a, int n, int *used)
{
    struct blk_error err = {{0}};
    int ret;
    const char *c = a[0];
    *used = 1;
    if (!strcmp(c, "flush")) {
        return blk_flush(bs);
    }
    if (n >= 4 && !strcmp(c, "snap-vm")) {
        *used = 4;
        return vmstate(bs, a[1], (int)num(a[2]), num(a[3]));
    }
    if (n >= 3 && !strcmp(c, "vm-read")) {
        *used = 3;
        return vmstate(bs, NULL, (int)num(a[1]), num(a[2]));
    }
    if (n >= 2 && !strncmp(c, "snap-", 5)) {
        *used = 2;
        ret = !strcmp(c, "snap-create")   ? blk_snapshot_create(bs, a[1], &err)
              : !strcmp(c, "snap-apply")  ? blk_snapshot_apply(bs, a[1], &err)
              : !strcmp(c, "snap-delete") ? blk_snapshot_delete(bs, a[1], &err)
                                          : -EINVAL;
        if (ret < 0) {
            fprintf(stderr, "blkio: %s %s: %s\n", c, a[1], err.msg);
        }
        return ret;
    }
    if (n >= 3 && !strcmp(c, "zero")) {
        *used = 3;
        return blk_write_zeroes(bs, num(a[1]), num(a[2]));
    }
    if (n >= 3 && !strcmp(c, "discard")) {
        *used = 3;
        return blk_discard(bs, num(a[1]), num(a[2]));
    }
    if (n >= 3 && !strcmp(c, "compress")) {
        *used = 3;
        return compress(bs, (int)num(a[1]), num(a[2]));
    }
    if (n >= 4 && (!strcmp(c, "write") || !strcmp(c, "read"))) {
        *used = 4;
        return fill(bs, (int)num(a[1]), num(a[2]), num(a[3]), c[0] == 'r');
    }
    fprintf(stderr, "blkio: bad command '%s'\n", c);
    return -EINVAL;
}

int main(int argc, char **argv)
{
    const char *fmt = NULL;
    int i = 1;
    if (argc > 2 && !strcmp(argv[1], "-f")) {
        fmt = argv[2];
        i = 3;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: blkio [-f fmt] FILE CMD...\n");
        return 2;
    }
    struct blk_error err;
    struct blk_open_opts oo = {.format = fmt};
    struct blk *bs = blk_open(argv[i], &oo, &err);
    if (!bs) {
        fprintf(stderr, "blkio: %s\n", err.msg);
        return 1;
    }
    int ret = 0;
    for (i++; i < argc && ret == 0;) {
        int used;
        ret = run(bs, argv + i, argc - i, &used);
        if (ret < 0 && ret != -EILSEQ) {
            fprintf(stderr, "blkio: %s failed: %s\n", argv[i], blk_io_error(bs));
        }
        i += used;
    }
    if (blk_close(bs) < 0 && ret == 0) {
        ret = -EIO;
    }
    return ret ? 1 : 0;
}
