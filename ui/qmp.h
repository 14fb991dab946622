/* The JSON control socket, QEMU's QMP (docs/interop/qmp-spec): greeting,
 * capabilities negotiation, commands with QEMU's names, arguments and reply
 * shapes, asynchronous events. -qmp unix:PATH,server,nowait|tcp:HOST:PORT,... */
#ifndef JIT86_UI_QMP_H
#define JIT86_UI_QMP_H

#include "vmctl.h"

#include <jansson.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

struct qmp_server;

/* Listens on spec (unix sockets owner-only, TCP on loopback unless a host is
 * given). NULL with one line in err. */
struct qmp_server *qmp_server_new(struct vm *vm, const char *spec, char *err, size_t errlen);
void qmp_server_free(struct qmp_server *s);
/* Descriptors to wait on; returns how many (at most max). */
int qmp_server_poll_fds(struct qmp_server *s, struct pollfd *fds, int max);
/* Non-blocking: accepts clients, reads and runs complete commands, writes
 * replies. Runs with the machine lock held. */
void qmp_server_service(struct qmp_server *s);
/* Sends an event to every client past capabilities negotiation. */
void qmp_server_event(struct qmp_server *s, const char *name, json_t *data, struct vm_event_time t);
/* Writes out what is queued (before exit), waiting at most timeout_ms. */
void qmp_server_flush(struct qmp_server *s, int timeout_ms);

/* qmp-commands.c: runs one parsed request (an object with "execute"), the
 * reply is a new object ({"return": ...} or {"error": ...}); *negotiated is
 * the client's capabilities state. */
json_t *qmp_dispatch(struct vm *vm, json_t *request, bool *negotiated);
/* QEMU's error reply: {"error": {"class": cls, "desc": desc}}. */
json_t *qmp_error(const char *cls, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
