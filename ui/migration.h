/* The socket transport of migration (migration.c): the machine state stream
 * from a stopped source to a destination started with -incoming. */
#ifndef JIT86_UI_MIGRATION_H
#define JIT86_UI_MIGRATION_H

#include "hw/core/vmstate.h"

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* tcp:HOST:PORT or unix:PATH. */
bool migration_uri_is_socket(const char *uri);
/* Sends the stream and waits for the destination's verdict: true once it
 * loaded the state; false with one line (refused, unreachable, went away). */
bool migration_send(const char *uri, const uint8_t *data, size_t len, char *err, size_t errlen);
/* Listens on uri and accepts one source (-1 with one line in err). */
int migration_accept(const char *uri, char *err, size_t errlen);
int migration_connect(const char *uri, char *err, size_t errlen);
bool migration_write(int fd, const void *p, size_t n);
bool migration_read(int fd, void *p, size_t n);
/* Reads a stream of len bytes (the stop-and-copy frame after its length). */
bool migration_read_stream(int fd, uint64_t len, struct vms_buf *out, char *err, size_t errlen);
/* Half-closes and waits for the destination's verdict ('Y', or 'N' and why). */
bool migration_wait_reply(int fd, const char *uri, char *err, size_t errlen);
/* Tells the source whether the state loaded (why: the reason when not), closes fd. */
void migration_reply(int fd, bool ok, const char *why);

/* Refuses a live stream mid-way: the reason, then reads until the source
 * closes (so the reason is not lost in a reset), then closes fd. */
void migration_refuse_and_drain(int fd, const char *why);
/* The other side sent something (a destination only speaks to refuse early). */
bool migration_peer_spoke(int fd);

/* Live pre-copy (migration-live.c). The destination tells it from a
 * stop-and-copy frame by its first 8 bytes. */
#define MIGRATION_LIVE_MAGIC "JIT86LIV"
struct vm;
/* Connects to uri and starts the migration thread: RAM sent while the guest
 * runs (dirty pages from softmmu's dirty log), rounds of the pages written
 * since, until what is left fits the downtime limit; then stop, the rest and
 * the devices; the source stays paused on success, runs on after a failure.
 * Returns false with one line when it cannot start. Machine lock held. */
bool migration_live_start(struct vm *vm, const char *uri, char *err, size_t errlen);
/* Waits (letting go of the machine lock) for the migration thread to end;
 * false with its error when the migration failed. */
bool migration_live_wait(struct vm *vm, char *err, size_t errlen);
/* At exit, machine lock not held: a running migration fails and its thread
 * is joined. */
void migration_live_join(struct vm *vm);
/* The destination's side after the magic: pages into RAM, then the devices;
 * answers the source and closes fd. */
bool migration_live_receive(struct vm *vm, int fd, char *err, size_t errlen);

/* ---- parameters and progress (migration-info.c) ---- */

enum migration_status {
    MIGRATION_NONE,
    MIGRATION_SETUP,
    MIGRATION_ACTIVE,
    MIGRATION_COMPLETED,
    MIGRATION_FAILED,
};

#define MIGRATION_DEFAULT_DOWNTIME_MS 300 /* QEMU's default downtime-limit */

/* The machine's migration, guarded by the machine lock: parameters set by
 * migrate_set_parameter / migrate-set-parameters, progress read by info
 * migrate / query-migrate while the migration thread fills it. */
struct migration_info {
    uint64_t downtime_limit_ms; /* 0: MIGRATION_DEFAULT_DOWNTIME_MS */
    uint64_t max_bandwidth;     /* bytes per second; 0: no limit */
    enum migration_status status;
    bool thread_started; /* thread is joinable */
    pthread_t thread;
    int64_t start_ns; /* monotonic */
    int64_t setup_ms, total_ms, downtime_ms, expected_downtime_ms;
    uint64_t total_bytes; /* RAM and video RAM */
    uint64_t transferred; /* bytes on the wire */
    uint64_t remaining;   /* bytes of RAM dirty at the last count */
    uint64_t duplicate;   /* zero pages sent as such */
    uint64_t normal;      /* full pages sent */
    uint64_t dirty_rate;  /* pages dirtied per second in the last round */
    uint64_t dirty_syncs; /* dirty-log readings (rounds) */
    uint64_t bandwidth;   /* bytes per second measured over the last round */
    uint64_t last_pages;  /* pages sent while stopped */
    char error[512];
};

uint64_t migration_downtime_limit(const struct migration_info *m);
const char *migration_status_name(enum migration_status s);
/* HMP migrate_set_parameter NAME VALUE (downtime-limit ms, max-bandwidth
 * bytes/s with an optional k/M/G suffix). */
bool migration_set_parameter(struct migration_info *m, const char *name, const char *value,
                             char *err, size_t errlen);
/* QMP migrate-set-parameters: an object of the same names with integers. */
bool migration_set_parameters_json(struct migration_info *m, json_t *args, char *err,
                                   size_t errlen);
json_t *migration_parameters_json(const struct migration_info *m);
/* query-migrate: QEMU's reply shape ({} before any migration). */
json_t *migration_info_json(const struct migration_info *m);
/* info migrate: QEMU's text. */
struct mon_out;
void migration_info_print(const struct migration_info *m, struct mon_out *out);

#endif
