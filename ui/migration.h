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
/* Listens on uri, accepts one source and reads its stream into out. Returns
 * the connection (answer with migration_reply) or -1 with one line in err. */
int migration_receive(const char *uri, struct vms_buf *out, char *err, size_t errlen);
/* Tells the source whether the state loaded (why: the reason when not), closes fd. */
void migration_reply(int fd, bool ok, const char *why);

#endif
