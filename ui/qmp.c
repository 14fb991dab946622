/* The QMP server: listening socket (unix, owner-only; TCP, loopback unless a
 * host is named), clients, the JSON stream (one object after the other, with
 * or without newlines), replies and events. Commands are in qmp-commands.c. */
#include "qmp.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define QMP_MAX_CLIENTS 8
#define QMP_IN_MAX      (64 * 1024)   /* one request at most this long */
#define QMP_OUT_MAX     (1024 * 1024) /* a client that does not read is dropped */

struct qmp_client {
    int fd; /* -1: free slot */
    bool negotiated;
    char *in;
    size_t in_len;
    char *out;
    size_t out_len;
};

struct qmp_server {
    struct vm *vm;
    int listen_fd;
    char unix_path[108]; /* removed at exit; empty for TCP */
    struct qmp_client client[QMP_MAX_CLIENTS];
};

static void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* The part of spec before the first comma, and whether ",server" is there. */
static bool split_spec(const char *spec, char *addr, size_t len, char *err, size_t errlen)
{
    size_t n = strcspn(spec, ",");
    if (n >= len) {
        snprintf(err, errlen, "-qmp: address too long");
        return false;
    }
    memcpy(addr, spec, n);
    addr[n] = '\0';
    if (!strstr(spec + n, ",server")) {
        snprintf(err, errlen, "-qmp: only server sockets are supported ('%s,server,nowait')", addr);
        return false;
    }
    return true;
}

static int listen_unix(struct qmp_server *s, const char *path, char *err, size_t errlen)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path)) {
        snprintf(err, errlen, "-qmp: socket path too long: %s", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "-qmp: socket: %s", strerror(errno));
        return -1;
    }
    unlink(path);
    /* Owner-only from the start: no window in which others could connect. */
    mode_t old = umask(0177);
    int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    umask(old);
    if (rc < 0 || chmod(path, 0600) < 0 || listen(fd, 4) < 0) {
        snprintf(err, errlen, "-qmp: cannot listen on %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    snprintf(s->unix_path, sizeof(s->unix_path), "%s", path);
    return fd;
}

static int listen_tcp(const char *hostport, char *err, size_t errlen)
{
    char host[256];
    const char *colon = strrchr(hostport, ':');
    if (!colon || (size_t)(colon - hostport) >= sizeof(host) || !colon[1]) {
        snprintf(err, errlen, "-qmp: expected tcp:[HOST]:PORT, not 'tcp:%s'", hostport);
        return -1;
    }
    memcpy(host, hostport, (size_t)(colon - hostport));
    host[colon - hostport] = '\0';
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *ai;
    int rc = getaddrinfo(host[0] ? host : "127.0.0.1", colon + 1, &hints, &ai);
    if (rc) {
        snprintf(err, errlen, "-qmp: tcp:%s: %s", hostport, gai_strerror(rc));
        return -1;
    }
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    int one = 1;
    bool ok = fd >= 0;
    if (ok) {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        ok = bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 4) == 0;
    }
    freeaddrinfo(ai);
    if (!ok) {
        snprintf(err, errlen, "-qmp: tcp:%s: %s", hostport, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

struct qmp_server *qmp_server_new(struct vm *vm, const char *spec, char *err, size_t errlen)
{
    char addr[512];
    if (!split_spec(spec, addr, sizeof(addr), err, errlen))
        return NULL;
    struct qmp_server *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->vm = vm;
    for (int i = 0; i < QMP_MAX_CLIENTS; i++)
        s->client[i].fd = -1;
    if (strncmp(addr, "unix:", 5) == 0) {
        s->listen_fd = listen_unix(s, addr + 5, err, errlen);
    } else if (strncmp(addr, "tcp:", 4) == 0) {
        s->listen_fd = listen_tcp(addr + 4, err, errlen);
    } else {
        snprintf(err, errlen, "-qmp: unknown socket '%s' (unix:PATH or tcp:HOST:PORT)", addr);
        s->listen_fd = -1;
    }
    if (s->listen_fd < 0) {
        free(s);
        return NULL;
    }
    set_nonblock(s->listen_fd);
    return s;
}

static void drop_client(struct qmp_client *c)
{
    if (c->fd >= 0)
        close(c->fd);
    free(c->in);
    free(c->out);
    *c = (struct qmp_client){.fd = -1};
}

void qmp_server_free(struct qmp_server *s)
{
    if (!s)
        return;
    for (int i = 0; i < QMP_MAX_CLIENTS; i++)
        drop_client(&s->client[i]);
    close(s->listen_fd);
    if (s->unix_path[0])
        unlink(s->unix_path);
    free(s);
}

static void flush_client(struct qmp_client *c)
{
    size_t done = 0;
    while (done < c->out_len) {
        ssize_t w = send(c->fd, c->out + done, c->out_len - done, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    if (done < c->out_len && errno != EAGAIN && errno != EWOULDBLOCK) {
        drop_client(c); /* the peer went away */
        return;
    }
    memmove(c->out, c->out + done, c->out_len - done);
    c->out_len -= done;
}

/* Queues one JSON value and a CRLF, as QEMU ends its messages. */
static void send_json(struct qmp_client *c, json_t *v)
{
    char *text = json_dumps(v, JSON_PRESERVE_ORDER); /* ", " and ": " as QEMU writes */
    if (!text)
        return;
    size_t n = strlen(text);
    if (c->out_len + n + 2 > QMP_OUT_MAX) {
        free(text);
        drop_client(c);
        return;
    }
    char *b = realloc(c->out, c->out_len + n + 2);
    if (b) {
        c->out = b;
        memcpy(c->out + c->out_len, text, n);
        memcpy(c->out + c->out_len + n, "\r\n", 2);
        c->out_len += n + 2;
    }
    free(text);
    flush_client(c);
}

static void send_greeting(struct qmp_client *c)
{
    int major = 0, minor = 0, micro = 0;
    sscanf(JIT86_VERSION, "%d.%d.%d", &major, &minor, &micro);
    json_t *g = json_pack("{s:{s:{s:{s:i, s:i, s:i}, s:s}, s:[]}}", "QMP", "version", "qemu",
                          "micro", micro, "minor", minor, "major", major, "package",
                          "jit86 " JIT86_VERSION, "capabilities");
    send_json(c, g);
    json_decref(g);
}

static void accept_clients(struct qmp_server *s)
{
    for (;;) {
        int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0)
            return;
        struct qmp_client *c = NULL;
        for (int i = 0; i < QMP_MAX_CLIENTS && !c; i++)
            c = s->client[i].fd < 0 ? &s->client[i] : NULL;
        if (!c) {
            close(fd); /* full: the client sees the connection closed */
            continue;
        }
        *c = (struct qmp_client){.fd = fd};
        send_greeting(c);
    }
}

/* Runs one parsed value; errors that are not commands' get QEMU's texts. */
static void handle_value(struct qmp_server *s, struct qmp_client *c, json_t *v)
{
    json_t *reply;
    if (!json_is_object(v))
        reply = qmp_error("GenericError", "QMP input must be a JSON object");
    else
        reply = qmp_dispatch(s->vm, v, &c->negotiated);
    json_t *id = json_is_object(v) ? json_object_get(v, "id") : NULL;
    if (id && json_is_object(reply))
        json_object_set(reply, "id", id);
    send_json(c, reply);
    json_decref(reply);
}

/* Parses and runs every complete value in the input buffer. A syntax error
 * discards the input up to the end of its line, so the next line is parsed
 * afresh (the client may then continue). */
static void process_input(struct qmp_server *s, struct qmp_client *c)
{
    size_t pos = 0;
    while (c->fd >= 0) {
        while (pos < c->in_len && strchr(" \t\r\n", c->in[pos]))
            pos++;
        if (pos == c->in_len)
            break;
        json_error_t je;
        json_t *v = json_loadb(c->in + pos, c->in_len - pos,
                               JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
        if (!v && json_error_code(&je) == json_error_premature_end_of_input &&
            c->in_len < QMP_IN_MAX)
            break; /* wait for the rest */
        if (!v) {
            json_t *e = qmp_error("GenericError", "JSON parse error, %s", je.text);
            send_json(c, e);
            json_decref(e);
            if (c->fd < 0)
                return; /* the peer went away: its buffers are gone */
            const char *nl = memchr(c->in + pos, '\n', c->in_len - pos);
            pos = nl ? (size_t)(nl - c->in) + 1 : c->in_len;
            continue;
        }
        pos += je.position;
        handle_value(s, c, v);
        json_decref(v);
    }
    if (c->fd < 0)
        return;
    memmove(c->in, c->in + pos, c->in_len - pos);
    c->in_len -= pos;
}

static void read_client(struct qmp_server *s, struct qmp_client *c)
{
    char buf[4096];
    for (;;) {
        ssize_t r = recv(c->fd, buf, sizeof(buf), 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (r <= 0) {
            drop_client(c); /* EOF or error: a half-sent request is dropped */
            return;
        }
        char *b = realloc(c->in, c->in_len + (size_t)r);
        if (!b) {
            drop_client(c);
            return;
        }
        c->in = b;
        memcpy(c->in + c->in_len, buf, (size_t)r);
        c->in_len += (size_t)r;
        process_input(s, c);
        if (c->fd < 0)
            return;
    }
}

int qmp_server_poll_fds(struct qmp_server *s, struct pollfd *fds, int max)
{
    int n = 0;
    if (n < max)
        fds[n++] = (struct pollfd){.fd = s->listen_fd, .events = POLLIN};
    for (int i = 0; i < QMP_MAX_CLIENTS && n < max; i++) {
        const struct qmp_client *c = &s->client[i];
        if (c->fd >= 0)
            fds[n++] = (struct pollfd){.fd = c->fd,
                                       .events = (short)(POLLIN | (c->out_len ? POLLOUT : 0))};
    }
    return n;
}

void qmp_server_service(struct qmp_server *s)
{
    accept_clients(s);
    for (int i = 0; i < QMP_MAX_CLIENTS; i++) {
        struct qmp_client *c = &s->client[i];
        if (c->fd >= 0 && c->out_len)
            flush_client(c);
        if (c->fd >= 0)
            read_client(s, c);
    }
}

void qmp_server_event(struct qmp_server *s, const char *name, json_t *data, struct vm_event_time t)
{
    json_t *ev = json_pack("{s:s}", "event", name);
    if (data)
        json_object_set(ev, "data", data);
    json_object_set_new(ev, "timestamp",
                        json_pack("{s:I, s:I}", "seconds", (json_int_t)t.seconds, "microseconds",
                                  (json_int_t)t.microseconds));
    for (int i = 0; i < QMP_MAX_CLIENTS; i++) {
        if (s->client[i].fd >= 0 && s->client[i].negotiated)
            send_json(&s->client[i], ev);
    }
    json_decref(ev);
}

void qmp_server_flush(struct qmp_server *s, int timeout_ms)
{
    for (int i = 0; i < QMP_MAX_CLIENTS; i++) {
        struct qmp_client *c = &s->client[i];
        while (c->fd >= 0 && c->out_len) {
            struct pollfd p = {.fd = c->fd, .events = POLLOUT};
            if (poll(&p, 1, timeout_ms) <= 0)
                break;
            flush_client(c);
        }
    }
}
