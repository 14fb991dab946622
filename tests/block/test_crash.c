/* Crash safety of qcow2 metadata ordering: a writer process is killed with
 * SIGKILL at seeded random points; the image must then open, check without
 * corruption (ours, and `qemu-img check` when installed), and hold every write
 * acknowledged by a completed flush. */
#include "block/block.h"
#include "util.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define IMAGE_SIZE (2u << 20)
#define SECTORS    (IMAGE_SIZE / 512)
#define ITERATIONS 210

/* What may be in a sector: its value at the last completed flush, or any
 * value written (or being written) since. */
struct sector_model {
    uint8_t durable, last;
    uint8_t cand[32]; /* bitmap of values */
};

struct variant {
    const char *name;
    struct blk_create_opts opts;
    uint8_t initial;
    struct sector_model m[SECTORS];
};

struct record {
    char op; /* 'W' write (value 0: write_zeroes), 'F' flush done */
    uint8_t value;
    uint32_t sector, count;
};

static char dir[256];

static void send_record(int fd, char op, uint8_t value, uint32_t sector, uint32_t count)
{
    struct record r = {op, value, sector, count};
    if (write(fd, &r, sizeof(r)) != sizeof(r)) {
        _exit(3);
    }
}

/* The writer: random writes, zeroes and flushes until killed. */
static void child(const char *path, unsigned seed, int fd)
{
    struct blk_open_opts oo = {.format = "qcow2"};
    struct blk_error err;
    struct blk *bs = blk_open(path, &oo, &err);
    if (!bs) {
        fprintf(stderr, "crash child: %s\n", err.msg);
        _exit(2);
    }
    static uint8_t buf[16 * 512];
    srand(seed);
    for (unsigned gen = 0;; gen++) {
        int op = rand() % 100;
        uint32_t count = 1 + (uint32_t)(rand() % 16);
        uint32_t sector = (uint32_t)(rand() % (SECTORS - count));
        uint8_t value = (uint8_t)(1 + gen % 255);
        int ret = 0;
        if (op < 75) {
            send_record(fd, 'W', value, sector, count);
            memset(buf, value, count * 512);
            ret = blk_write(bs, (uint64_t)sector * 512, buf, count * 512);
        } else if (op < 85) {
            send_record(fd, 'W', 0, sector, count);
            ret = blk_write_zeroes(bs, (uint64_t)sector * 512, count * 512);
        } else {
            ret = blk_flush(bs);
            send_record(fd, 'F', 0, 0, 0);
        }
        if (ret < 0) {
            fprintf(stderr, "crash child: %s\n", blk_io_error(bs));
            _exit(4);
        }
    }
}

static void apply(struct variant *v, const struct record *r)
{
    if (r->op == 'F') {
        for (unsigned s = 0; s < SECTORS; s++) {
            v->m[s].durable = v->m[s].last;
            memset(v->m[s].cand, 0, sizeof(v->m[s].cand));
        }
        return;
    }
    for (uint32_t s = r->sector; s < r->sector + r->count && s < SECTORS; s++) {
        v->m[s].cand[r->value / 8] |= (uint8_t)(1u << (r->value % 8));
        v->m[s].last = r->value;
    }
}

static bool have_qemu_img(void)
{
    return system("qemu-img --version >/dev/null 2>&1") == 0;
}

static void verify(struct variant *v, const char *path, bool qemu)
{
    if (qemu) {
        char cmd[600];
        snprintf(cmd, sizeof(cmd), "qemu-img check -q '%s' >/dev/null 2>&1", path);
        int st = system(cmd);
        ck_assert_msg(WIFEXITED(st) && (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 3),
                      "%s: qemu-img check exit %d", v->name, WEXITSTATUS(st));
    }
    struct blk_open_opts oo = {.format = "qcow2", .flags = BLK_OPEN_READ_ONLY};
    struct blk_error err;
    struct blk *bs = blk_open(path, &oo, &err);
    ck_assert_msg(bs != NULL, "%s: %s", v->name, err.msg);
    struct blk_check_result res;
    ck_assert_int_eq(blk_check(bs, 0, &res, NULL, NULL), 0);
    ck_assert_msg(res.corruptions == 0, "%s: %llu corruptions", v->name,
                  (unsigned long long)res.corruptions);
    static uint8_t data[IMAGE_SIZE];
    ck_assert_int_eq(blk_read(bs, 0, data, IMAGE_SIZE), 0);
    blk_close(bs);
    for (unsigned s = 0; s < SECTORS; s++) {
        struct sector_model *m = &v->m[s];
        /* Plain comparisons: a Check assertion per byte would cost more than the test. */
        uint8_t got = data[s * 512];
        if (memcmp(data + s * 512, data + s * 512 + 1, 511) != 0) {
            ck_abort_msg("%s: sector %u torn", v->name, s);
        }
        bool ok = got == m->durable || (m->cand[got / 8] & (1u << (got % 8)));
        if (!ok) {
            ck_abort_msg("%s: sector %u holds %#x, flushed value %#x", v->name, s, got, m->durable);
        }
        /* What is there now is the new flushed state. */
        m->durable = m->last = got;
        memset(m->cand, 0, sizeof(m->cand));
    }
}

struct stats {
    unsigned writes, flushes, iterations_with_flush;
};

static void run_iteration(struct variant *v, const char *path, unsigned seed, bool qemu,
                          struct stats *st)
{
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(p[0]);
        child(path, seed, p[1]);
    }
    close(p[1]);
    struct timespec ts = {0, (long)(seed * 7919u % 6000u) * 1000};
    nanosleep(&ts, NULL);
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    ck_assert_msg(WIFSIGNALED(status), "%s: writer exited early (status %d)", v->name,
                  WEXITSTATUS(status));
    struct record r;
    unsigned flushes = 0;
    while (read(p[0], &r, sizeof(r)) == sizeof(r)) {
        apply(v, &r);
        flushes += r.op == 'F';
        st->writes += r.op == 'W';
    }
    st->flushes += flushes;
    st->iterations_with_flush += flushes > 0;
    close(p[0]);
    verify(v, path, qemu);
}

START_TEST(qcow2_survives_sigkill_at_random_points)
{
    static struct variant vs[] = {
        {"v3-4k-backing",
         {.format = "qcow2",
          .size = IMAGE_SIZE,
          .cluster_size = 4096,
          .backing_file = "base.raw",
          .backing_fmt = "raw"},
         0xee,
         {{0}}},
        {"v3-64k-lazy", {.format = "qcow2", .size = IMAGE_SIZE, .lazy_refcounts = true}, 0, {{0}}},
        {"v2-512",
         {.format = "qcow2", .size = IMAGE_SIZE, .cluster_size = 512, .compat = 2},
         0,
         {{0}}},
    };
    scratch_init(dir, sizeof(dir));
    bool qemu = have_qemu_img();
    if (!qemu) {
        fprintf(stderr, "NOTE: qemu-img not found (qemu-utils): only jit86's check is used\n");
    }
    char base[512], paths[3][512];
    snprintf(base, sizeof(base), "%s/base.raw", dir);
    struct blk_create_opts ro = {.format = "raw", .size = IMAGE_SIZE};
    struct blk_error err;
    ck_assert_int_eq(blk_create(base, &ro, &err), 0);
    struct blk *b = blk_open(base, NULL, &err);
    static uint8_t fillbuf[IMAGE_SIZE];
    memset(fillbuf, 0xee, sizeof(fillbuf));
    ck_assert_int_eq(blk_write(b, 0, fillbuf, IMAGE_SIZE), 0);
    blk_close(b);
    for (int i = 0; i < 3; i++) {
        snprintf(paths[i], sizeof(paths[i]), "%s/img%d.qcow2", dir, i);
        ck_assert_msg(blk_create(paths[i], &vs[i].opts, &err) == 0, "%s", err.msg);
        for (unsigned s = 0; s < SECTORS; s++) {
            vs[i].m[s].durable = vs[i].m[s].last = vs[i].initial;
        }
    }
    struct stats st = {0};
    for (unsigned it = 0; it < ITERATIONS; it++) {
        run_iteration(&vs[it % 3], paths[it % 3], 1000 + it, qemu, &st);
    }
    /* The kills must land inside real work, not before the writer started. */
    fprintf(stderr, "crash test: %u iterations, %u writes, %u flushes, %u iterations flushed\n",
            ITERATIONS, st.writes, st.flushes, st.iterations_with_flush);
    ck_assert_uint_gt(st.iterations_with_flush, ITERATIONS / 2);
    scratch_done(dir);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("block_crash");
    TCase *tc = tcase_create("crash");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, qcow2_survives_sigkill_at_random_points);
    suite_add_tcase(s, tc);
    return s;
}
