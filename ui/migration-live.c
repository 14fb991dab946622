/* Live migration with pre-copy, in its own thread: guest RAM goes to the
 * destination while the guest runs; each further round sends the pages
 * written since they were sent (softmmu's dirty log: CPU stores and DMA),
 * until what is left fits the downtime limit at the measured bandwidth; then
 * the source stops, sends the last dirty pages and the devices, and the
 * destination resumes. The machine lock is let go between chunks so the
 * guest runs and the monitor answers (info migrate, query-migrate). */
#include "migration.h"
#include "savevm.h"
#include "vm.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PAGE           VMS_PAGE_SIZE
#define CHUNK_PAGES    2048 /* 8 MiB sent or compared per lock hold */
#define MAX_ROUNDS     30
#define MIN_LEFT_PAGES 256 /* always small enough to stop for */
#define RUN_BETWEEN_US 5000
#define OUT_BUF        (1u << 20)
#define RAM_BLOCK      0 /* block 0 is RAM (dirty log); block 1, video RAM, is compared */

#define SYNC_TIMEOUT_MS 60000

enum frame {
    FRAME_HEADER = 'H',
    FRAME_PAGE = 'P',
    FRAME_ZERO = 'Z',
    FRAME_SYNC = 'S', /* answered with SYNC_ACK once the destination read all before it */
    FRAME_DEVICES = 'D',
};
#define SYNC_ACK 'A'

struct live {
    struct vm *vm;
    struct migration_info *m;
    int fd;
    struct vms_pc v;    /* the memory blocks */
    uint64_t *dirty;    /* RAM pages to send: the dirty log's bits */
    uint64_t *more;     /* a further reading, merged into dirty */
    size_t words;       /* of each bitmap */
    uint8_t *vram_copy; /* video RAM as sent: the VGA writes it outside softmmu */
    uint8_t *out;
    size_t out_len;
    bool ok;
    bool stopped; /* this migration stopped the guest */
    char uri[256];
    char err[512];
};

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int64_t ms_since(int64_t t)
{
    return (now_ns() - t) / 1000000;
}

static void lock_vm(struct vm *vm)
{
    atomic_fetch_add(&vm->lock_waiters, 1);
    pthread_mutex_lock(&vm->lock);
    atomic_fetch_sub(&vm->lock_waiters, 1);
}

/* The main loop's locking (mainloop.c): waiters make the CPU thread yield.
 * With max-bandwidth set, the pause lasts until the bytes sent fit it. */
static void relock(struct live *l)
{
    struct vm *vm = l->vm;
    int64_t pause_us = RUN_BETWEEN_US;
    if (l->m->max_bandwidth) {
        int64_t due_us = (int64_t)(l->m->transferred * 1000000.0 / (double)l->m->max_bandwidth);
        int64_t ahead = due_us - (now_ns() - l->m->start_ns) / 1000;
        if (ahead > pause_us)
            pause_us = ahead;
    }
    pthread_cond_broadcast(&vm->cpu_cond);
    pthread_mutex_unlock(&vm->lock);
    usleep((useconds_t)pause_us);
    lock_vm(vm);
    l->m->total_ms = ms_since(l->m->start_ns);
    if (vm->quit && l->ok) {
        snprintf(l->err, sizeof(l->err), "migration cancelled: the machine quits");
        l->ok = false;
    }
}

static void flush_out(struct live *l)
{
    if (l->ok && l->out_len &&
        (migration_peer_spoke(l->fd) || !migration_write(l->fd, l->out, l->out_len)))
        l->ok = false;
    l->m->transferred += l->out_len;
    l->out_len = 0;
}

static void put(struct live *l, const void *p, size_t n)
{
    if (l->out_len + n > OUT_BUF)
        flush_out(l);
    memcpy(l->out + l->out_len, p, n);
    l->out_len += n;
}

static void put_le(struct live *l, uint64_t v, int n)
{
    uint8_t b[8];
    for (int i = 0; i < n; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    put(l, b, (size_t)n);
}

static bool is_zero(const uint8_t *p)
{
    static const uint8_t zero[PAGE];
    return memcmp(p, zero, PAGE) == 0;
}

static void send_page(struct live *l, int blk, uint32_t index, const uint8_t *page)
{
    bool zero = is_zero(page);
    uint8_t h = zero ? FRAME_ZERO : FRAME_PAGE;
    put(l, &h, 1);
    put_le(l, (uint64_t)blk, 1);
    put_le(l, index, 4);
    if (zero) {
        l->m->duplicate++;
    } else {
        put(l, page, PAGE);
        l->m->normal++;
    }
}

/* The RAM pages whose bits are set in l->dirty (every page when all). */
static uint64_t send_ram(struct live *l, bool all, bool final)
{
    const struct vms_ram *r = &l->v.m.ram[RAM_BLOCK];
    uint32_t pages = (uint32_t)(r->size / PAGE);
    uint64_t sent = 0;
    for (uint32_t i = 0; i < pages && l->ok; i++) {
        if (!all && !((l->dirty[i / 64] >> (i % 64)) & 1)) {
            if (!l->dirty[i / 64])
                i |= 63; /* skip the clean word */
            continue;
        }
        send_page(l, RAM_BLOCK, i, r->host + (uint64_t)i * PAGE);
        if (++sent % CHUNK_PAGES == 0 && !final) {
            flush_out(l);
            relock(l);
        }
    }
    return sent;
}

/* Video RAM: pages that differ from the copy sent (all the first time). */
static uint64_t send_vram(struct live *l, bool first, bool final)
{
    if (l->v.m.nram < 2)
        return 0;
    const struct vms_ram *r = &l->v.m.ram[1];
    uint32_t pages = (uint32_t)(r->size / PAGE);
    uint64_t sent = 0;
    for (uint32_t i = 0; i < pages && l->ok; i++) {
        uint8_t *host = r->host + (uint64_t)i * PAGE, *copy = l->vram_copy + (uint64_t)i * PAGE;
        if (first || memcmp(host, copy, PAGE) != 0) {
            memcpy(copy, host, PAGE);
            send_page(l, 1, i, copy);
            sent++;
        }
        if (!final && (i + 1) % CHUNK_PAGES == 0) {
            flush_out(l);
            relock(l);
        }
    }
    return sent;
}

/* Reads the dirty log into l->more and merges it into l->dirty. */
static uint64_t collect_dirty(struct live *l)
{
    mmu_phys_dirty_log_take(l->vm->pc->mem, l->more);
    uint64_t n = 0;
    for (size_t i = 0; i < l->words; i++) {
        l->dirty[i] |= l->more[i];
        n += (uint64_t)__builtin_popcountll(l->dirty[i]);
    }
    l->m->dirty_syncs++;
    return n;
}

static bool send_devices(struct live *l)
{
    struct vms_buf dev = {0};
    if (!vm_save_devices(l->vm, &dev, l->err, sizeof(l->err)))
        return false;
    uint8_t h = FRAME_DEVICES;
    put(l, &h, 1);
    put_le(l, dev.len, 8);
    flush_out(l);
    bool ok = l->ok && migration_write(l->fd, dev.data, dev.len);
    l->m->transferred += dev.len;
    vms_buf_free(&dev);
    return ok;
}

/* The destination's answer to a sync frame: true once SYNC_ACK came;
 * anything else is its refusal, left in the socket for migration_wait_reply. */
static bool read_ack(int fd)
{
    struct pollfd p = {fd, POLLIN, 0};
    uint8_t a = 0;
    if (poll(&p, 1, SYNC_TIMEOUT_MS) != 1 || recv(fd, &a, 1, MSG_PEEK) != 1 || a != SYNC_ACK)
        return false;
    return recv(fd, &a, 1, 0) == 1;
}

/* Waits, the guest running, until the destination has read everything sent
 * so far: what still sits in the socket buffers at the stop (megabytes on
 * loopback, more when the destination is slow) would add to the downtime. */
static void sync_destination(struct live *l)
{
    uint8_t h = FRAME_SYNC;
    put(l, &h, 1);
    flush_out(l);
    struct vm *vm = l->vm;
    pthread_cond_broadcast(&vm->cpu_cond);
    pthread_mutex_unlock(&vm->lock);
    bool acked = l->ok && read_ack(l->fd);
    lock_vm(vm);
    if (!acked)
        l->ok = false;
}

/* Rounds while the guest runs, until the dirty set fits the downtime limit
 * at the bandwidth of the last round and still fits once the destination
 * has caught up; the pages still to send stay in l->dirty. */
static void precopy(struct live *l)
{
    struct migration_info *m = l->m;
    int64_t t = now_ns(), t_log = t;
    uint64_t bytes = m->transferred;
    send_ram(l, true, false);
    send_vram(l, true, false);
    memset(l->dirty, 0, l->words * sizeof(*l->dirty));
    bool synced = false;
    for (int round = 1; l->ok && round <= MAX_ROUNDS; round++) {
        flush_out(l);
        int64_t now = now_ns(), dt = now - t > 0 ? now - t : 1;
        m->bandwidth = (uint64_t)((double)(m->transferred - bytes) * 1e9 / (double)dt);
        uint64_t n = collect_dirty(l);
        m->dirty_rate = (uint64_t)((double)n * 1e9 / (double)(now - t_log > 0 ? now - t_log : 1));
        t_log = now;
        m->remaining = n * PAGE;
        m->expected_downtime_ms = (int64_t)(m->bandwidth ? m->remaining * 1000 / m->bandwidth : 0);
        uint64_t fits = m->bandwidth * migration_downtime_limit(m) / 1000 / PAGE;
        if (n <= fits || n <= MIN_LEFT_PAGES) {
            if (synced)
                return;
            sync_destination(l);
            synced = true;
            continue; /* count again what the guest wrote meanwhile */
        }
        synced = false;
        t = now;
        bytes = m->transferred;
        send_ram(l, false, false);
        memset(l->dirty, 0, l->words * sizeof(*l->dirty));
        send_vram(l, false, false);
    }
}

/* Stop, send what is left and the devices, and wait for the verdict (or,
 * after a failure, for the reason the destination stopped listening). */
static bool complete(struct live *l)
{
    struct migration_info *m = l->m;
    int64_t t_stop = now_ns();
    if (l->ok) {
        vm_stop(l->vm);
        l->stopped = true;
        collect_dirty(l);
        m->last_pages = send_ram(l, false, true) + send_vram(l, false, true);
        m->remaining = 0;
    }
    bool ok = l->ok && send_devices(l);
    if (ok || !l->err[0])
        ok = migration_wait_reply(l->fd, l->uri, l->err, sizeof(l->err)) && ok;
    m->downtime_ms = ms_since(t_stop);
    return ok;
}

static void live_free(struct live *l)
{
    if (l->fd >= 0)
        close(l->fd);
    free(l->dirty);
    free(l->more);
    free(l->vram_copy);
    free(l->out);
    free(l);
}

static void finish(struct live *l, bool ok)
{
    struct vm *vm = l->vm;
    struct migration_info *m = l->m;
    mmu_phys_dirty_log_stop(vm->pc->mem);
    m->total_ms = ms_since(m->start_ns);
    m->status = ok ? MIGRATION_COMPLETED : MIGRATION_FAILED;
    if (ok) {
        vm_emit_event(vm, "MIGRATION",
                      json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "status", "completed",
                                "total-time", (json_int_t)m->total_ms, "downtime",
                                (json_int_t)m->downtime_ms, "ram-pages",
                                (json_int_t)(m->normal + m->duplicate), "last-pages",
                                (json_int_t)m->last_pages, "rounds", (json_int_t)m->dirty_syncs,
                                "bytes", (json_int_t)m->transferred));
    } else {
        if (!l->err[0])
            snprintf(l->err, sizeof(l->err), "%s: the destination went away", l->uri);
        snprintf(m->error, sizeof(m->error), "%s", l->err);
        vm_emit_event(vm, "MIGRATION",
                      json_pack("{s:s, s:s}", "status", "failed", "error-desc", m->error));
        if (l->stopped && !vm->quit)
            vm_cont(vm);
    }
    live_free(l);
}

static void *live_thread(void *opaque)
{
    struct live *l = opaque;
    struct vm *vm = l->vm;
    lock_vm(vm);
    l->m->status = MIGRATION_ACTIVE;
    l->m->setup_ms = ms_since(l->m->start_ns);
    vm_emit_event(vm, "MIGRATION", json_pack("{s:s}", "status", "active"));
    precopy(l);
    bool ok = complete(l);
    finish(l, ok);
    pthread_cond_broadcast(&vm->cpu_cond);
    pthread_mutex_unlock(&vm->lock);
    return NULL;
}

static struct live *live_new(struct vm *vm, const char *uri)
{
    struct live *l = calloc(1, sizeof(*l));
    if (!l)
        return NULL;
    *l = (struct live){.vm = vm, .m = &vm->migration, .fd = -1, .ok = true};
    snprintf(l->uri, sizeof(l->uri), "%s", uri);
    vms_pc_describe(&l->v, vm->pc, vm->cpu, "", 0);
    l->words = (size_t)((l->v.m.ram[RAM_BLOCK].size / PAGE + 63) / 64) + 1;
    l->dirty = calloc(l->words, sizeof(*l->dirty));
    l->more = calloc(l->words, sizeof(*l->more));
    l->out = malloc(OUT_BUF);
    if (l->v.m.nram > 1)
        l->vram_copy = malloc(l->v.m.ram[1].size);
    if (!l->dirty || !l->more || !l->out || (l->v.m.nram > 1 && !l->vram_copy)) {
        live_free(l);
        return NULL;
    }
    return l;
}

static void reset_progress(struct migration_info *m, const struct live *l)
{
    uint64_t limit = m->downtime_limit_ms, bw = m->max_bandwidth;
    pthread_t thread = m->thread;
    bool started = m->thread_started;
    *m = (struct migration_info){.downtime_limit_ms = limit,
                                 .max_bandwidth = bw,
                                 .status = MIGRATION_SETUP,
                                 .start_ns = now_ns(),
                                 .thread = thread,
                                 .thread_started = started};
    for (size_t b = 0; b < l->v.m.nram; b++)
        m->total_bytes += l->v.m.ram[b].size;
}

bool migration_live_start(struct vm *vm, const char *uri, char *err, size_t errlen)
{
    struct migration_info *m = &vm->migration;
    if (m->status == MIGRATION_SETUP || m->status == MIGRATION_ACTIVE) {
        snprintf(err, errlen, "There's a migration process in progress");
        return false;
    }
    migration_live_join(vm); /* the last one's thread has ended: reap it */
    struct live *l = live_new(vm, uri);
    if (!l) {
        snprintf(err, errlen, "out of memory for the migration");
        return false;
    }
    reset_progress(m, l);
    l->fd = migration_connect(uri, err, errlen);
    bool ok = l->fd >= 0;
    if (ok && !mmu_phys_dirty_log_start(vm->pc->mem)) {
        snprintf(err, errlen, "out of memory for the dirty log");
        ok = false;
    }
    if (ok) {
        put(l, MIGRATION_LIVE_MAGIC, 8);
        uint8_t h = FRAME_HEADER;
        put(l, &h, 1);
        put_le(l, l->v.m.nram, 4);
        for (size_t b = 0; b < l->v.m.nram; b++)
            put_le(l, l->v.m.ram[b].size, 8);
        ok = pthread_create(&m->thread, NULL, live_thread, l) == 0;
        if (!ok) {
            mmu_phys_dirty_log_stop(vm->pc->mem);
            snprintf(err, errlen, "cannot start the migration thread");
        }
    }
    if (!ok) {
        snprintf(m->error, sizeof(m->error), "%s", err);
        m->status = MIGRATION_FAILED;
        live_free(l);
        return false;
    }
    m->thread_started = true;
    return true;
}

bool migration_live_wait(struct vm *vm, char *err, size_t errlen)
{
    struct migration_info *m = &vm->migration;
    while (m->status == MIGRATION_SETUP || m->status == MIGRATION_ACTIVE) {
        pthread_cond_broadcast(&vm->cpu_cond);
        pthread_mutex_unlock(&vm->lock);
        usleep(10000);
        lock_vm(vm);
    }
    if (m->status == MIGRATION_FAILED) {
        snprintf(err, errlen, "%s", m->error);
        return false;
    }
    return true;
}

void migration_live_join(struct vm *vm)
{
    struct migration_info *m = &vm->migration;
    if (!m->thread_started)
        return;
    pthread_join(m->thread, NULL);
    m->thread_started = false;
}

/* ---- destination ---- */

/* The source streams pages faster than one read per frame keeps up with; a
 * backlog left in the socket at the stop adds to the downtime. Frames are
 * parsed from a 1 MiB buffer instead. */
#define RX_BUF      (1u << 20)
#define MAX_DEVICES (64u << 20) /* device state is kilobytes; a bigger length is corrupt */

struct rx {
    int fd;
    uint8_t *buf;
    size_t pos, len;
};

static bool rx_read(struct rx *r, void *p, size_t n)
{
    uint8_t *out = p;
    while (n) {
        if (r->pos == r->len) {
            if (n >= RX_BUF)
                return migration_read(r->fd, out, n);
            ssize_t got = recv(r->fd, r->buf, RX_BUF, 0);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                return false;
            r->pos = 0;
            r->len = (size_t)got;
        }
        size_t k = r->len - r->pos < n ? r->len - r->pos : n;
        memcpy(out, r->buf + r->pos, k);
        r->pos += k;
        out += k;
        n -= k;
    }
    return true;
}

static uint64_t le(const uint8_t *b, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)b[i] << (8 * i);
    return v;
}

static bool recv_header(struct vm *vm, struct rx *r, struct vms_pc *v, char *err, size_t errlen)
{
    uint8_t h[5];
    vms_pc_describe(v, vm->pc, vm->cpu, "", 0);
    if (!rx_read(r, h, 5) || h[0] != FRAME_HEADER) {
        snprintf(err, errlen, "live migration: bad header from the source");
        return false;
    }
    uint32_t n = (uint32_t)le(h + 1, 4);
    if (n != v->m.nram) {
        snprintf(err, errlen, "machine state has %u memory blocks, this machine %zu", n, v->m.nram);
        return false;
    }
    for (uint32_t b = 0; b < n; b++) {
        uint8_t s[8];
        if (!rx_read(r, s, 8))
            return false;
        uint64_t size = le(s, 8);
        if (size != v->m.ram[b].size) {
            snprintf(err, errlen,
                     "machine state has %" PRIu64 " MiB of %s, this machine %" PRIu64 " MiB",
                     size >> 20, v->m.ram[b].id, v->m.ram[b].size >> 20);
            return false;
        }
    }
    return true;
}

static bool recv_page(struct rx *r, const struct vms_pc *v, bool zero, char *err, size_t errlen)
{
    uint8_t h[5];
    if (!rx_read(r, h, 5))
        return false;
    uint32_t index = (uint32_t)le(h + 1, 4);
    if (h[0] >= v->m.nram || index >= v->m.ram[h[0]].size / PAGE) {
        snprintf(err, errlen, "live migration: page %u of block %u out of range", index, h[0]);
        return false;
    }
    uint8_t *dst = v->m.ram[h[0]].host + (uint64_t)index * PAGE;
    if (zero) {
        memset(dst, 0, PAGE);
        return true;
    }
    return rx_read(r, dst, PAGE);
}

static bool recv_devices(struct vm *vm, struct rx *r, char *err, size_t errlen)
{
    uint8_t l[8];
    if (!rx_read(r, l, 8))
        return false;
    uint64_t len = le(l, 8);
    if (len > MAX_DEVICES) {
        snprintf(err, errlen, "live migration: device state of %" PRIu64 " bytes", len);
        return false;
    }
    struct vms_buf b = {
        .data = malloc(len ? (size_t)len : 1), .len = (size_t)len, .cap = (size_t)len};
    bool ok = b.data && rx_read(r, b.data, b.len);
    if (b.data && !ok)
        snprintf(err, errlen, "the source went away before the end of the state");
    ok = ok && vm_load_devices(vm, b.data, b.len, err, errlen);
    vms_buf_free(&b);
    return ok;
}

bool migration_live_receive(struct vm *vm, int fd, char *err, size_t errlen)
{
    struct vms_pc v;
    struct rx r = {.fd = fd, .buf = malloc(RX_BUF)};
    bool ok = r.buf != NULL;
    if (!ok)
        snprintf(err, errlen, "out of memory for the migration");
    ok = ok && recv_header(vm, &r, &v, err, errlen);
    uint8_t kind = 0;
    if (ok)
        snprintf(err, errlen, "live migration: the source went away");
    while (ok && (ok = rx_read(&r, &kind, 1)) && kind != FRAME_DEVICES) {
        if (kind == FRAME_SYNC) {
            uint8_t a = SYNC_ACK;
            ok = migration_write(fd, &a, 1);
        } else if (kind != FRAME_PAGE && kind != FRAME_ZERO) {
            snprintf(err, errlen, "live migration: unknown frame %#x", kind);
            ok = false;
        } else {
            ok = recv_page(&r, &v, kind == FRAME_ZERO, err, errlen);
        }
    }
    ok = ok && recv_devices(vm, &r, err, errlen);
    free(r.buf);
    if (ok)
        migration_reply(fd, true, "");
    else
        migration_refuse_and_drain(fd, err);
    return ok;
}
