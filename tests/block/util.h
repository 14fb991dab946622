/* Helpers shared by the block tests: scratch directories and patterns. */
#ifndef TESTS_BLOCK_UTIL_H
#define TESTS_BLOCK_UTIL_H

#include "block/block.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A fresh directory, removed by scratch_done(): on /dev/shm when there is
 * one, because the qcow2 ordering barriers (fdatasync) cost milliseconds each
 * on a disk and the tests make thousands; else under $TMPDIR or /tmp. */
static inline void scratch_init(char *dir, size_t len)
{
    const char *t = getenv("TMPDIR");
    if (access("/dev/shm", W_OK) == 0) {
        t = "/dev/shm";
    }
    snprintf(dir, len, "%s/jit86-blk-XXXXXX", t && *t ? t : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static inline void scratch_done(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static inline void fill_pattern(uint8_t *buf, size_t len, uint64_t off, unsigned seed)
{
    for (size_t i = 0; i < len; i++) {
        uint64_t x = (off + i) * 2654435761u + seed * 40503u;
        buf[i] = (uint8_t)(x >> 13 ^ x);
    }
}

#endif
