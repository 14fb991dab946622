/* Live migration with pre-copy: guest RAM goes to the destination while the
 * guest runs; each further round sends the pages that changed since they
 * were sent (found by comparing with a shadow copy of what was sent, so
 * softmmu needs no dirty log), until a round finds few; then the source
 * stops, sends the last changed pages and the devices, and the destination
 * resumes. The machine lock is let go between chunks so the guest runs. */
#include "migration.h"
#include "savevm.h"
#include "vm.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PAGE            VMS_PAGE_SIZE
#define CHUNK_PAGES     2048 /* 8 MiB compared per lock hold */
#define MAX_ROUNDS      30
#define CONVERGED_PAGES 4096 /* 16 MiB left: stop and send the rest */
#define RUN_BETWEEN_US  5000
#define OUT_BUF         (1u << 20)

enum frame { FRAME_HEADER = 'H', FRAME_PAGE = 'P', FRAME_ZERO = 'Z', FRAME_DEVICES = 'D' };

struct live {
    struct vm *vm;
    int fd;
    struct vms_pc v; /* the memory blocks */
    uint8_t *shadow[2];
    uint8_t *out;
    size_t out_len;
    bool ok;
    uint64_t pages, bytes;
};

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The main loop's locking (mainloop.c): waiters make the CPU thread yield. */
static void relock(struct vm *vm)
{
    pthread_cond_broadcast(&vm->cpu_cond);
    pthread_mutex_unlock(&vm->lock);
    usleep(RUN_BETWEEN_US);
    atomic_fetch_add(&vm->lock_waiters, 1);
    pthread_mutex_lock(&vm->lock);
    atomic_fetch_sub(&vm->lock_waiters, 1);
}

static void flush_out(struct live *l)
{
    if (l->ok && l->out_len &&
        (migration_peer_spoke(l->fd) || !migration_write(l->fd, l->out, l->out_len)))
        l->ok = false;
    l->bytes += l->out_len;
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
    if (!zero)
        put(l, page, PAGE);
    l->pages++;
}

/* One pass over RAM: pages that differ from the shadow (all of them when
 * first) are sent and copied there. Returns how many were sent. */
static uint64_t round_pass(struct live *l, bool first, bool final)
{
    uint64_t sent = 0;
    for (size_t b = 0; b < l->v.m.nram && l->ok; b++) {
        const struct vms_ram *r = &l->v.m.ram[b];
        uint32_t pages = (uint32_t)(r->size / PAGE);
        for (uint32_t i = 0; i < pages && l->ok; i++) {
            uint8_t *host = r->host + (uint64_t)i * PAGE, *sh = l->shadow[b] + (uint64_t)i * PAGE;
            if (first || memcmp(host, sh, PAGE) != 0) {
                memcpy(sh, host, PAGE);
                send_page(l, (int)b, i, sh);
                sent++;
            }
            if (!final && (i + 1) % CHUNK_PAGES == 0) {
                flush_out(l);
                relock(l->vm);
            }
        }
    }
    flush_out(l);
    return sent;
}

static bool send_devices(struct live *l, char *err, size_t errlen)
{
    struct vms_buf dev = {0};
    if (!vm_save_devices(l->vm, &dev, err, errlen))
        return false;
    uint8_t h = FRAME_DEVICES;
    put(l, &h, 1);
    put_le(l, dev.len, 8);
    flush_out(l);
    bool ok = l->ok && migration_write(l->fd, dev.data, dev.len);
    vms_buf_free(&dev);
    return ok;
}

static bool live_setup(struct live *l, struct vm *vm, const char *uri, char *err, size_t errlen)
{
    *l = (struct live){.vm = vm, .ok = true};
    vms_pc_describe(&l->v, vm->pc, vm->cpu, "", 0);
    l->out = malloc(OUT_BUF);
    for (size_t b = 0; b < l->v.m.nram; b++)
        l->shadow[b] = malloc(l->v.m.ram[b].size);
    if (!l->out || !l->shadow[0] || (l->v.m.nram > 1 && !l->shadow[1])) {
        snprintf(err, errlen, "out of memory for the migration's shadow copy");
        return false;
    }
    l->fd = migration_connect(uri, err, errlen);
    if (l->fd < 0)
        return false;
    put(l, MIGRATION_LIVE_MAGIC, 8);
    uint8_t h = FRAME_HEADER;
    put(l, &h, 1);
    put_le(l, l->v.m.nram, 4);
    for (size_t b = 0; b < l->v.m.nram; b++)
        put_le(l, l->v.m.ram[b].size, 8);
    return true;
}

static void live_free(struct live *l)
{
    if (l->fd > 0)
        close(l->fd);
    free(l->out);
    free(l->shadow[0]);
    free(l->shadow[1]);
}

bool migration_live_send(struct vm *vm, const char *uri, char *err, size_t errlen)
{
    struct live l;
    int64_t t0 = now_ns();
    bool ok = live_setup(&l, vm, uri, err, errlen);
    int rounds = 0;
    uint64_t dirty = UINT64_MAX;
    while (ok && l.ok && rounds < MAX_ROUNDS && dirty > CONVERGED_PAGES)
        dirty = round_pass(&l, rounds++ == 0, false);
    int64_t t_stop = now_ns();
    vm_stop(vm);
    uint64_t last = ok && l.ok ? round_pass(&l, false, true) : 0;
    ok = ok && l.ok && send_devices(&l, err, errlen);
    if (ok || l.fd > 0) /* the verdict, or why the destination stopped listening */
        ok = migration_wait_reply(l.fd, uri, err, errlen) && ok;
    int64_t t_end = now_ns();
    if (ok) {
        vm_emit_event(vm, "MIGRATION",
                      json_pack("{s:s, s:I, s:I, s:I, s:I, s:i, s:I}", "status", "completed",
                                "total-time", (json_int_t)((t_end - t0) / 1000000), "downtime",
                                (json_int_t)((t_end - t_stop) / 1000000), "ram-pages",
                                (json_int_t)l.pages, "last-pages", (json_int_t)last, "rounds",
                                rounds, "bytes", (json_int_t)l.bytes));
    } else {
        vm_emit_event(vm, "MIGRATION", json_pack("{s:s}", "status", "failed"));
        vm_cont(vm); /* only a running machine migrates live */
    }
    live_free(&l);
    return ok;
}

/* ---- destination ---- */

static bool recv_header(struct vm *vm, int fd, struct vms_pc *v, char *err, size_t errlen)
{
    uint8_t h[5];
    vms_pc_describe(v, vm->pc, vm->cpu, "", 0);
    if (!migration_read(fd, h, 5) || h[0] != FRAME_HEADER) {
        snprintf(err, errlen, "live migration: bad header from the source");
        return false;
    }
    uint32_t n = (uint32_t)h[1] | (uint32_t)h[2] << 8 | (uint32_t)h[3] << 16 | (uint32_t)h[4] << 24;
    if (n != v->m.nram) {
        snprintf(err, errlen, "machine state has %u memory blocks, this machine %zu", n, v->m.nram);
        return false;
    }
    for (uint32_t b = 0; b < n; b++) {
        uint8_t s[8];
        uint64_t size = 0;
        if (!migration_read(fd, s, 8))
            return false;
        for (int i = 0; i < 8; i++)
            size |= (uint64_t)s[i] << (8 * i);
        if (size != v->m.ram[b].size) {
            snprintf(err, errlen,
                     "machine state has %" PRIu64 " MiB of %s, this machine %" PRIu64 " MiB",
                     size >> 20, v->m.ram[b].id, v->m.ram[b].size >> 20);
            return false;
        }
    }
    return true;
}

static bool recv_page(int fd, const struct vms_pc *v, bool zero, char *err, size_t errlen)
{
    uint8_t h[5];
    if (!migration_read(fd, h, 5))
        return false;
    uint32_t index =
        (uint32_t)h[1] | (uint32_t)h[2] << 8 | (uint32_t)h[3] << 16 | (uint32_t)h[4] << 24;
    if (h[0] >= v->m.nram || index >= v->m.ram[h[0]].size / PAGE) {
        snprintf(err, errlen, "live migration: page %u of block %u out of range", index, h[0]);
        return false;
    }
    uint8_t *dst = v->m.ram[h[0]].host + (uint64_t)index * PAGE;
    if (zero) {
        memset(dst, 0, PAGE);
        return true;
    }
    return migration_read(fd, dst, PAGE);
}

bool migration_live_receive(struct vm *vm, int fd, char *err, size_t errlen)
{
    struct vms_pc v;
    bool ok = recv_header(vm, fd, &v, err, errlen);
    uint8_t kind = 0;
    if (ok)
        snprintf(err, errlen, "live migration: the source went away");
    while (ok && (ok = migration_read(fd, &kind, 1)) && kind != FRAME_DEVICES) {
        if (kind != FRAME_PAGE && kind != FRAME_ZERO) {
            snprintf(err, errlen, "live migration: unknown frame %#x", kind);
            ok = false;
        } else {
            ok = recv_page(fd, &v, kind == FRAME_ZERO, err, errlen);
        }
    }
    uint8_t l[8];
    uint64_t len = 0;
    ok = ok && migration_read(fd, l, 8);
    for (int i = 0; ok && i < 8; i++)
        len |= (uint64_t)l[i] << (8 * i);
    struct vms_buf b = {0};
    ok = ok && migration_read_stream(fd, len, &b, err, errlen) &&
         vm_load_devices(vm, b.data, b.len, err, errlen);
    vms_buf_free(&b);
    if (ok)
        migration_reply(fd, true, "");
    else
        migration_refuse_and_drain(fd, err);
    return ok;
}
