/* Stopped-source migration over a socket: `migrate tcp:HOST:PORT` or
 * `migrate unix:PATH` sends the machine state stream to a jit86 started with
 * `-incoming tcp:HOST:PORT` / `-incoming unix:PATH`. Frame: u64 length, the
 * stream; the destination answers one byte after it loaded the state ('Y')
 * or refused it ('N' and a one-line reason), so the source knows whether to
 * stay paused or to resume (docs/savevm.md). */
#include "migration.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_STREAM       (8ull << 30)
#define REPLY_TIMEOUT_MS 60000

bool migration_uri_is_socket(const char *uri)
{
    return strncmp(uri, "tcp:", 4) == 0 || strncmp(uri, "unix:", 5) == 0;
}

/* A socket for uri, connected (listen false) or bound and listening. */
static int open_socket(const char *uri, bool listen_, char *err, size_t errlen)
{
    if (strncmp(uri, "unix:", 5) == 0) {
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        if (strlen(uri + 5) >= sizeof(sa.sun_path)) {
            snprintf(err, errlen, "%s: path too long", uri);
            return -1;
        }
        strcpy(sa.sun_path, uri + 5);
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (listen_)
            unlink(sa.sun_path);
        if (fd < 0 || (listen_ ? bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1)
                               : connect(fd, (struct sockaddr *)&sa, sizeof(sa)))) {
            snprintf(err, errlen, "%s: %s", uri, strerror(errno));
            if (fd >= 0)
                close(fd);
            return -1;
        }
        return fd;
    }
    char host[256];
    const char *hp = uri + 4, *colon = strrchr(hp, ':');
    if (!colon || !colon[1] || (size_t)(colon - hp) >= sizeof(host)) {
        snprintf(err, errlen, "%s: expected tcp:HOST:PORT", uri);
        return -1;
    }
    snprintf(host, sizeof(host), "%.*s", (int)(colon - hp), hp);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai = NULL;
    if (listen_)
        hints.ai_flags = AI_PASSIVE;
    int rc =
        getaddrinfo(host[0] ? host : (listen_ ? "127.0.0.1" : "localhost"), colon + 1, &hints, &ai);
    if (rc != 0) {
        snprintf(err, errlen, "%s: %s", uri, gai_strerror(rc));
        return -1;
    }
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    if (fd >= 0 && listen_)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (fd < 0 || (listen_ ? bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 1)
                           : connect(fd, ai->ai_addr, ai->ai_addrlen))) {
        snprintf(err, errlen, "%s: %s", uri, strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    return fd;
}

static bool write_all(int fd, const void *p, size_t n)
{
    const uint8_t *b = p;
    while (n) {
        ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        b += w;
        n -= (size_t)w;
    }
    return true;
}

static bool read_all(int fd, void *p, size_t n)
{
    uint8_t *b = p;
    while (n) {
        ssize_t r = recv(fd, b, n, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        b += r;
        n -= (size_t)r;
    }
    return true;
}

bool migration_send(const char *uri, const uint8_t *data, size_t len, char *err, size_t errlen)
{
    int fd = open_socket(uri, false, err, errlen);
    if (fd < 0)
        return false;
    uint8_t hdr[8];
    for (int i = 0; i < 8; i++)
        hdr[i] = (uint8_t)((uint64_t)len >> (8 * i));
    bool ok = write_all(fd, hdr, 8) && write_all(fd, data, len);
    if (!ok) {
        snprintf(err, errlen, "%s: the destination went away while sending", uri);
        close(fd);
        return false;
    }
    ok = migration_wait_reply(fd, uri, err, errlen);
    close(fd);
    return ok;
}

int migration_accept(const char *uri, char *err, size_t errlen)
{
    int lfd = open_socket(uri, true, err, errlen);
    if (lfd < 0)
        return -1;
    int fd = accept(lfd, NULL, NULL);
    close(lfd);
    if (fd < 0)
        snprintf(err, errlen, "%s: accept: %s", uri, strerror(errno));
    return fd;
}

int migration_connect(const char *uri, char *err, size_t errlen)
{
    return open_socket(uri, false, err, errlen);
}

bool migration_write(int fd, const void *p, size_t n)
{
    return write_all(fd, p, n);
}

bool migration_read(int fd, void *p, size_t n)
{
    return read_all(fd, p, n);
}

bool migration_read_stream(int fd, uint64_t len, struct vms_buf *out, char *err, size_t errlen)
{
    if (len > MAX_STREAM) {
        snprintf(err, errlen, "announced state of %llu bytes is too large",
                 (unsigned long long)len);
        return false;
    }
    out->data = malloc(len ? (size_t)len : 1);
    out->len = out->cap = (size_t)len;
    if (!out->data || !read_all(fd, out->data, out->len)) {
        snprintf(err, errlen, "the source went away before the end of the state");
        vms_buf_free(out);
        return false;
    }
    return true;
}

bool migration_wait_reply(int fd, const char *uri, char *err, size_t errlen)
{
    shutdown(fd, SHUT_WR);
    struct pollfd p = {fd, POLLIN, 0};
    char reply[512] = "";
    ssize_t r = poll(&p, 1, REPLY_TIMEOUT_MS) == 1 ? recv(fd, reply, sizeof(reply) - 1, 0) : -1;
    if (r >= 1 && reply[0] == 'Y')
        return true;
    if (r > 1)
        snprintf(err, errlen, "destination refused the state: %s", reply + 1);
    else
        snprintf(err, errlen, "%s: no answer from the destination", uri);
    return false;
}

void migration_reply(int fd, bool ok, const char *why)
{
    char msg[600];
    int n = snprintf(msg, sizeof(msg), "%c%s", ok ? 'Y' : 'N', ok ? "" : why);
    write_all(fd, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
    close(fd);
}

void migration_refuse_and_drain(int fd, const char *why)
{
    char msg[600];
    int n = snprintf(msg, sizeof(msg), "N%s", why);
    write_all(fd, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
    shutdown(fd, SHUT_WR);
    /* Read what the source still sends until it notices and closes, so it
     * gets the reason rather than a reset connection. */
    char sink[65536];
    struct pollfd p = {fd, POLLIN, 0};
    while (poll(&p, 1, 10000) == 1 && recv(fd, sink, sizeof(sink), 0) > 0)
        ;
    close(fd);
}

bool migration_peer_spoke(int fd)
{
    struct pollfd p = {fd, POLLIN, 0};
    return poll(&p, 1, 0) == 1;
}
