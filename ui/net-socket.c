/* -netdev socket: frames over TCP (listen=/connect=) with QEMU's framing, a
 * 4-byte big-endian length before each frame, or over UDP multicast
 * (mcast=GROUP:PORT), one frame per datagram, so several VMs (jit86 or
 * QEMU) share one host-only segment. */
#include "netdev.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_WIRE_FRAME  65536 /* what a length prefix may announce */
#define FRAMES_PER_POLL 64    /* bounds the time one poll spends */

enum sock_mode { SOCK_LISTEN, SOCK_CONNECT, SOCK_MCAST };

struct net_socket {
    struct netdev nd; /* first: the ops get a struct netdev * */
    enum sock_mode mode;
    int listen_fd, fd;
    struct sockaddr_in group;
    size_t rlen; /* bytes of rbuf holding stream data not yet delivered */
    uint8_t rbuf[4 + MAX_WIRE_FRAME];
};

/* "HOST:PORT" or ":PORT" (HOST empty: any address for listen, loopback to
 * connect) into an IPv4 address. */
static bool parse_addr(const char *s, bool passive, struct sockaddr_in *sa, char *err,
                       size_t errlen)
{
    const char *colon = strrchr(s, ':');
    if (!colon || !colon[1]) {
        snprintf(err, errlen, "-netdev socket: '%s' is not HOST:PORT", s);
        return false;
    }
    char host[256];
    snprintf(host, sizeof(host), "%.*s", (int)(colon - s), s);
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535) {
        snprintf(err, errlen, "-netdev socket: bad port in '%s'", s);
        return false;
    }
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    if (!host[0]) {
        sa->sin_addr.s_addr = htonl(passive ? INADDR_ANY : INADDR_LOOPBACK);
        return true;
    }
    struct addrinfo hints = {.ai_family = AF_INET}, *res;
    int rc = getaddrinfo(host, NULL, &hints, &res);
    if (rc) {
        snprintf(err, errlen, "-netdev socket: host '%s': %s", host, gai_strerror(rc));
        return false;
    }
    sa->sin_addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
    freeaddrinfo(res);
    return true;
}

static void close_conn(struct net_socket *s)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    s->rlen = 0;
}

static void sock_send(struct netdev *nd, const uint8_t *buf, size_t len)
{
    struct net_socket *s = (struct net_socket *)nd;
    if (s->fd < 0) {
        nd->stats.tx_dropped++;
        return;
    }
    if (s->mode == SOCK_MCAST) {
        if (sendto(s->fd, buf, len, 0, (struct sockaddr *)&s->group, sizeof(s->group)) < 0)
            nd->stats.tx_dropped++;
        return;
    }
    uint8_t hdr[4] = {(uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
                      (uint8_t)len};
    struct iovec iov[2] = {{hdr, 4}, {(void *)buf, len}};
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
    size_t want = 4 + len;
    ssize_t n = sendmsg(s->fd, &msg, MSG_NOSIGNAL);
    /* The descriptor blocks for writes, so a short count means an error. */
    if (n != (ssize_t)want) {
        nd->stats.tx_dropped++;
        close_conn(s);
    }
}

static void accept_client(struct net_socket *s)
{
    int fd = accept(s->listen_fd, NULL, NULL);
    if (fd >= 0)
        s->fd = fd;
}

/* Delivers whole frames from rbuf; false when the NIC is full or the
 * stream announced a nonsense length (the connection is dropped). */
static bool drain_stream(struct net_socket *s)
{
    size_t off = 0;
    bool more = true;
    for (int k = 0; k < FRAMES_PER_POLL && s->rlen - off >= 4; k++) {
        const uint8_t *p = s->rbuf + off;
        size_t len = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
        if (len == 0 || len > MAX_WIRE_FRAME) {
            close_conn(s);
            return false;
        }
        if (s->rlen - off < 4 + len)
            break;
        if (!netdev_deliver(&s->nd, p + 4, len)) {
            more = false;
            break;
        }
        off += 4 + len;
    }
    memmove(s->rbuf, s->rbuf + off, s->rlen - off);
    s->rlen -= off;
    return more;
}

static void poll_stream(struct net_socket *s)
{
    for (int k = 0; k < FRAMES_PER_POLL; k++) {
        if (!drain_stream(s) || s->fd < 0)
            return;
        ssize_t n = recv(s->fd, s->rbuf + s->rlen, sizeof(s->rbuf) - s->rlen, MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            close_conn(s); /* the peer left; a listener takes the next one */
            return;
        }
        if (n <= 0)
            return;
        s->rlen += (size_t)n;
    }
}

static void poll_mcast(struct net_socket *s)
{
    static uint8_t buf[MAX_WIRE_FRAME];
    for (int k = 0; k < FRAMES_PER_POLL && netdev_peer_ready(&s->nd); k++) {
        ssize_t n = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (n <= 0)
            return;
        netdev_deliver(&s->nd, buf, (size_t)n);
    }
}

static void sock_poll(struct netdev *nd)
{
    struct net_socket *s = (struct net_socket *)nd;
    if (s->fd < 0 && s->listen_fd >= 0)
        accept_client(s);
    if (s->fd < 0)
        return;
    if (s->mode == SOCK_MCAST)
        poll_mcast(s);
    else
        poll_stream(s);
}

static int sock_poll_fds(struct netdev *nd, struct pollfd *fds, int max)
{
    struct net_socket *s = (struct net_socket *)nd;
    int fd = s->fd >= 0 ? s->fd : s->listen_fd;
    /* A full NIC must not make the loop spin on readable data. */
    if (max < 1 || fd < 0 || (s->fd >= 0 && !netdev_peer_ready(nd)))
        return 0;
    fds[0] = (struct pollfd){.fd = fd, .events = POLLIN};
    return 1;
}

static void sock_free(struct netdev *nd)
{
    struct net_socket *s = (struct net_socket *)nd;
    close_conn(s);
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    free(s);
}

static const struct netdev_ops sock_ops = {sock_send, sock_poll_fds, sock_poll, sock_free};

static bool open_listen(struct net_socket *s, const char *addr, char *err, size_t errlen)
{
    struct sockaddr_in sa;
    if (!parse_addr(addr, true, &sa, err, errlen))
        return false;
    int one = 1;
    s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (s->listen_fd < 0 ||
        setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
        bind(s->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s->listen_fd, 1) < 0) {
        snprintf(err, errlen, "-netdev socket: cannot listen on %s: %s", addr, strerror(errno));
        return false;
    }
    return true;
}

static bool open_connect(struct net_socket *s, const char *addr, char *err, size_t errlen)
{
    struct sockaddr_in sa;
    if (!parse_addr(addr, false, &sa, err, errlen))
        return false;
    s->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s->fd < 0 || connect(s->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        snprintf(err, errlen, "-netdev socket: cannot connect to %s: %s", addr, strerror(errno));
        return false;
    }
    return true;
}

static bool open_mcast(struct net_socket *s, const char *addr, const char *local, char *err,
                       size_t errlen)
{
    if (!parse_addr(addr, false, &s->group, err, errlen))
        return false;
    if (!IN_MULTICAST(ntohl(s->group.sin_addr.s_addr))) {
        snprintf(err, errlen, "-netdev socket: %s is not a multicast address", addr);
        return false;
    }
    struct ip_mreq mreq = {.imr_multiaddr = s->group.sin_addr};
    mreq.imr_interface.s_addr = htonl(INADDR_ANY);
    if (local && inet_pton(AF_INET, local, &mreq.imr_interface) != 1) {
        snprintf(err, errlen, "-netdev socket: bad localaddr '%s'", local);
        return false;
    }
    int one = 1;
    unsigned char loop = 1;
    s->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    /* Every VM of the segment binds the same group and port. */
    bool ok = s->fd >= 0 && !setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) &&
              !bind(s->fd, (struct sockaddr *)&s->group, sizeof(s->group)) &&
              !setsockopt(s->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq)) &&
              !setsockopt(s->fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop)) &&
              (!local || !setsockopt(s->fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq.imr_interface,
                                     sizeof(mreq.imr_interface)));
    if (!ok) {
        snprintf(err, errlen, "-netdev socket: cannot join %s: %s", addr, strerror(errno));
        return false;
    }
    return true;
}

struct netdev *net_socket_new(const char *spec, char *err, size_t errlen)
{
    struct net_socket *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "-netdev socket: out of memory");
        return NULL;
    }
    s->nd.ops = &sock_ops;
    s->fd = s->listen_fd = -1;
    char addr[300], local[64];
    bool has_local = netdev_opt(spec, "localaddr", local, sizeof(local));
    bool ok;
    if (netdev_opt(spec, "listen", addr, sizeof(addr))) {
        s->mode = SOCK_LISTEN;
        ok = open_listen(s, addr, err, errlen);
    } else if (netdev_opt(spec, "connect", addr, sizeof(addr))) {
        s->mode = SOCK_CONNECT;
        ok = open_connect(s, addr, err, errlen);
    } else if (netdev_opt(spec, "mcast", addr, sizeof(addr))) {
        s->mode = SOCK_MCAST;
        ok = open_mcast(s, addr, has_local ? local : NULL, err, errlen);
    } else {
        snprintf(err, errlen, "-netdev socket: needs listen=, connect= or mcast=");
        ok = false;
    }
    if (!ok) {
        sock_free(&s->nd);
        return NULL;
    }
    return &s->nd;
}

int netdev_socket_port(const struct netdev *nd)
{
    const struct net_socket *s = (const struct net_socket *)nd;
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    if (nd->ops != &sock_ops || s->listen_fd < 0 ||
        getsockname(s->listen_fd, (struct sockaddr *)&sa, &len) < 0)
        return -1;
    return ntohs(sa.sin_port);
}
