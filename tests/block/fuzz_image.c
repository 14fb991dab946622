/* libFuzzer target over disk image files: the input is written to a file
 * and opened with format probing; the virtual disk is read, its block status
 * walked and the image checked. Malformed headers and tables must give an
 * error, never a crash, a hang or a sanitizer report. */
#include "block/block.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READ_LIMIT   (4u << 20) /* bytes of the virtual disk read per input */
#define STATUS_LIMIT (1ull << 30)

static char path[64];

static void remove_input(void)
{
    unlink(path);
}

static void exercise(struct blk *bs)
{
    static uint8_t buf[65536];
    uint64_t size = blk_length(bs);
    for (uint64_t off = 0; off < size && off < READ_LIMIT; off += sizeof(buf)) {
        size_t n = size - off < sizeof(buf) ? (size_t)(size - off) : sizeof(buf);
        if (blk_read(bs, off, buf, n) < 0) {
            break;
        }
    }
    uint64_t end = size < STATUS_LIMIT ? size : STATUS_LIMIT;
    for (uint64_t off = 0, pnum, host; off < end; off += pnum) {
        unsigned st, depth;
        if (blk_block_status_chain(bs, off, end - off, &pnum, &st, &host, &depth) < 0 || !pnum) {
            break;
        }
    }
    struct blk_check_result res;
    blk_check(bs, 0, &res, NULL, NULL);
    struct blk_info info;
    struct blk_error err;
    if (blk_get_info(bs, &info, &err) == 0) {
        blk_info_free(&info);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!path[0]) {
        snprintf(path, sizeof(path), "/dev/shm/jit86-fuzz-%d.img", (int)getpid());
        atexit(remove_input); /* libFuzzer ends the run with exit() */
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        return 0;
    }
    fwrite(data, 1, size, f);
    fclose(f);
    /* No backing files: a fuzzed name could point anywhere on the host. */
    struct blk_open_opts oo = {.flags = BLK_OPEN_READ_ONLY | BLK_OPEN_NO_BACKING};
    struct blk_error err;
    struct blk *bs = blk_open(path, &oo, &err);
    if (bs) {
        exercise(bs);
        blk_close(bs);
    }
    unlink(path);
    return 0;
}
