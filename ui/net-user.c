/* -netdev user: NAT to the host's network through libslirp, QEMU's layout:
 * network 10.0.2.0/24, gateway 10.0.2.2, DNS 10.0.2.3, DHCP from 10.0.2.15;
 * hostfwd=tcp|udp:[HADDR]:HPORT-[GADDR]:GPORT (repeatable), restrict=on.
 * Without libslirp in the build the backend reports that it is missing. */
#include "netdev.h"

#include <stdio.h>

#ifndef JIT86_HAVE_SLIRP

struct netdev *net_user_new(const char *spec, char *err, size_t errlen)
{
    (void)spec;
    snprintf(err, errlen, "-netdev user: this jit86 was built without libslirp");
    return NULL;
}

#else

#include <arpa/inet.h>
#include <slirp/libslirp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define USER_MAX_POLL 256
#define USER_QUEUE    64 /* frames for the NIC while its ring is full */
#define USER_TIMERS   8

struct user_timer {
    SlirpTimerCb cb;
    void *cb_opaque;
    int64_t expire_ms; /* -1: not armed */
    bool used;
};

struct net_user {
    struct netdev nd; /* first: the ops get a struct netdev * */
    Slirp *slirp;
    struct pollfd pfd[USER_MAX_POLL];
    int npfd;
    struct user_timer timers[USER_TIMERS];
    uint8_t queue[USER_QUEUE][NET_ETH_MAX_FRAME];
    uint16_t queue_len[USER_QUEUE];
    int q_head, q_count;
};

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void flush_queue(struct net_user *u)
{
    while (u->q_count && netdev_peer_ready(&u->nd)) {
        netdev_deliver(&u->nd, u->queue[u->q_head], u->queue_len[u->q_head]);
        u->q_head = (u->q_head + 1) % USER_QUEUE;
        u->q_count--;
    }
}

/* Frames from slirp to the guest: straight to the NIC when it has room,
 * else queued; a full queue drops (TCP retransmits). */
static ssize_t cb_send(const void *buf, size_t len, void *opaque)
{
    struct net_user *u = opaque;
    flush_queue(u);
    if (len > NET_ETH_MAX_FRAME) {
        u->nd.stats.rx_dropped++;
        return (ssize_t)len;
    }
    if (!u->q_count && netdev_deliver(&u->nd, buf, len))
        return (ssize_t)len;
    if (u->q_count == USER_QUEUE) {
        u->nd.stats.rx_dropped++;
        return (ssize_t)len;
    }
    int tail = (u->q_head + u->q_count) % USER_QUEUE;
    memcpy(u->queue[tail], buf, len);
    u->queue_len[tail] = (uint16_t)len;
    u->q_count++;
    return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
    (void)opaque;
    fprintf(stderr, "jit86: slirp: %s\n", msg);
}

static int64_t cb_clock(void *opaque)
{
    (void)opaque;
    return now_ns();
}

static void *cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    struct net_user *u = opaque;
    for (int i = 0; i < USER_TIMERS; i++) {
        struct user_timer *t = &u->timers[i];
        if (!t->used) {
            *t = (struct user_timer){cb, cb_opaque, -1, true};
            return t;
        }
    }
    return NULL;
}

static void cb_timer_free(void *timer, void *opaque)
{
    (void)opaque;
    if (timer)
        ((struct user_timer *)timer)->used = false;
}

static void cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    (void)opaque;
    if (timer)
        ((struct user_timer *)timer)->expire_ms = expire_ms;
}

static void cb_fd(int fd, void *opaque)
{
    (void)fd, (void)opaque;
}

static void cb_notify(void *opaque)
{
    (void)opaque;
}

static const SlirpCb user_cb = {
    .send_packet = cb_send,
    .guest_error = cb_guest_error,
    .clock_get_ns = cb_clock,
    .timer_new = cb_timer_new,
    .timer_free = cb_timer_free,
    .timer_mod = cb_timer_mod,
    .register_poll_fd = cb_fd,
    .unregister_poll_fd = cb_fd,
    .notify = cb_notify,
};

static void user_send(struct netdev *nd, const uint8_t *buf, size_t len)
{
    struct net_user *u = (struct net_user *)nd;
    slirp_input(u->slirp, buf, (int)len);
}

static int add_poll(int fd, int events, void *opaque)
{
    struct net_user *u = opaque;
    if (u->npfd == USER_MAX_POLL)
        return -1;
    short ev = (short)(((events & SLIRP_POLL_IN) ? POLLIN : 0) |
                       ((events & SLIRP_POLL_OUT) ? POLLOUT : 0) |
                       ((events & SLIRP_POLL_PRI) ? POLLPRI : 0));
    u->pfd[u->npfd] = (struct pollfd){.fd = fd, .events = ev};
    return u->npfd++;
}

static int get_revents(int idx, void *opaque)
{
    struct net_user *u = opaque;
    if (idx < 0 || idx >= u->npfd)
        return 0;
    short r = u->pfd[idx].revents;
    return ((r & POLLIN) ? SLIRP_POLL_IN : 0) | ((r & POLLOUT) ? SLIRP_POLL_OUT : 0) |
           ((r & POLLPRI) ? SLIRP_POLL_PRI : 0) | ((r & POLLERR) ? SLIRP_POLL_ERR : 0) |
           ((r & POLLHUP) ? SLIRP_POLL_HUP : 0);
}

static void run_timers(struct net_user *u)
{
    int64_t ms = now_ns() / 1000000;
    for (int i = 0; i < USER_TIMERS; i++) {
        struct user_timer *t = &u->timers[i];
        if (t->used && t->expire_ms >= 0 && t->expire_ms <= ms) {
            t->expire_ms = -1;
            t->cb(t->cb_opaque);
        }
    }
}

static void user_poll(struct netdev *nd)
{
    struct net_user *u = (struct net_user *)nd;
    flush_queue(u);
    uint32_t timeout = 0;
    u->npfd = 0;
    slirp_pollfds_fill(u->slirp, &timeout, add_poll, u);
    int rc = poll(u->pfd, (nfds_t)u->npfd, 0);
    slirp_pollfds_poll(u->slirp, rc < 0, get_revents, u);
    run_timers(u);
    flush_queue(u);
}

static int user_poll_fds(struct netdev *nd, struct pollfd *fds, int max)
{
    struct net_user *u = (struct net_user *)nd;
    uint32_t timeout = 0;
    u->npfd = 0;
    slirp_pollfds_fill(u->slirp, &timeout, add_poll, u);
    int n = u->npfd < max ? u->npfd : max;
    memcpy(fds, u->pfd, (size_t)n * sizeof(*fds));
    return n;
}

static void user_free(struct netdev *nd)
{
    struct net_user *u = (struct net_user *)nd;
    if (u->slirp)
        slirp_cleanup(u->slirp);
    free(u);
}

static const struct netdev_ops user_ops = {user_send, user_poll_fds, user_poll, user_free};

/* "tcp:[HADDR]:HPORT-[GADDR]:GPORT"; GADDR defaults to the DHCP address. */
static bool add_hostfwd(struct net_user *u, const char *r, char *err, size_t errlen)
{
    char proto[4], haddr[64] = "", gaddr[64] = "";
    unsigned hport, gport;
    int udp;
    if (sscanf(r, "%3[a-z]:%63[0-9.]:%u-%63[0-9.]:%u", proto, haddr, &hport, gaddr, &gport) != 5 &&
        sscanf(r, "%3[a-z]::%u-%63[0-9.]:%u", proto, &hport, gaddr, &gport) != 4 &&
        sscanf(r, "%3[a-z]::%u-:%u", proto, &hport, &gport) != 3 &&
        sscanf(r, "%3[a-z]:%63[0-9.]:%u-:%u", proto, haddr, &hport, &gport) != 4)
        goto bad;
    if (!strcmp(proto, "tcp"))
        udp = 0;
    else if (!strcmp(proto, "udp"))
        udp = 1;
    else
        goto bad;
    struct in_addr h = {htonl(INADDR_ANY)}, g;
    inet_pton(AF_INET, "10.0.2.15", &g);
    if ((haddr[0] && inet_pton(AF_INET, haddr, &h) != 1) ||
        (gaddr[0] && inet_pton(AF_INET, gaddr, &g) != 1) || hport > 65535 || gport > 65535 ||
        gport == 0)
        goto bad;
    if (slirp_add_hostfwd(u->slirp, udp, h, (int)hport, g, (int)gport) < 0) {
        snprintf(err, errlen, "-netdev user: could not set up hostfwd '%s' (port in use?)", r);
        return false;
    }
    return true;
bad:
    snprintf(err, errlen, "-netdev user: bad hostfwd '%s' (tcp:[HADDR]:HPORT-[GADDR]:GPORT)", r);
    return false;
}

static bool add_all_hostfwd(struct net_user *u, const char *spec, char *err, size_t errlen)
{
    for (const char *p = spec; (p = strstr(p, "hostfwd=")) != NULL; p += 8) {
        if (p != spec && p[-1] != ',')
            continue;
        char rule[128];
        snprintf(rule, sizeof(rule), "%.*s", (int)strcspn(p + 8, ","), p + 8);
        if (!add_hostfwd(u, rule, err, errlen))
            return false;
    }
    return true;
}

struct netdev *net_user_new(const char *spec, char *err, size_t errlen)
{
    struct net_user *u = calloc(1, sizeof(*u));
    if (!u) {
        snprintf(err, errlen, "-netdev user: out of memory");
        return NULL;
    }
    u->nd.ops = &user_ops;
    char v[16] = "";
    netdev_opt(spec, "restrict", v, sizeof(v));
    SlirpConfig cfg = {
        .version = 1,
        .restricted = !strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "y"),
        .in_enabled = true,
        .vhostname = "jit86",
    };
    inet_pton(AF_INET, "10.0.2.0", &cfg.vnetwork);
    inet_pton(AF_INET, "255.255.255.0", &cfg.vnetmask);
    inet_pton(AF_INET, "10.0.2.2", &cfg.vhost);
    inet_pton(AF_INET, "10.0.2.15", &cfg.vdhcp_start);
    inet_pton(AF_INET, "10.0.2.3", &cfg.vnameserver);
    u->slirp = slirp_new(&cfg, &user_cb, u);
    if (!u->slirp) {
        snprintf(err, errlen, "-netdev user: libslirp could not start");
        user_free(&u->nd);
        return NULL;
    }
    if (!add_all_hostfwd(u, spec, err, errlen)) {
        user_free(&u->nd);
        return NULL;
    }
    return &u->nd;
}

#endif
