/* The socket transport of migration (migration.c): the machine state stream
 * from a stopped source to a destination started with -incoming. */
#ifndef JIT86_UI_MIGRATION_H
#define JIT86_UI_MIGRATION_H

#include "hw/core/vmstate.h"

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
/* RAM sent while the guest runs, rounds of changed pages until few are left,
 * then stop, the rest and the devices; the source stays paused on success. */
bool migration_live_send(struct vm *vm, const char *uri, char *err, size_t errlen);
/* The destination's side after the magic: pages into RAM, then the devices;
 * answers the source and closes fd. */
bool migration_live_receive(struct vm *vm, int fd, char *err, size_t errlen);

#endif
