/* The backend half of -netdev: spec parsing, dispatch to a backend kind and
 * the frame path between a backend and its NIC (counters, flow control). */
#include "netdev.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool netdev_opt(const char *spec, const char *key, char *out, size_t outlen)
{
    size_t klen = strlen(key);
    for (const char *p = spec; p && *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n > klen && !strncmp(p, key, klen) && p[klen] == '=') {
            size_t vlen = n - klen - 1;
            if (vlen >= outlen)
                vlen = outlen - 1;
            memcpy(out, p + klen + 1, vlen);
            out[vlen] = 0;
            return true;
        }
        p = end ? end + 1 : NULL;
    }
    return false;
}

struct netdev *netdev_new(const char *spec, char *err, size_t errlen)
{
    size_t n = strcspn(spec, ",");
    struct netdev *nd = NULL;
    if (n == 6 && !strncmp(spec, "socket", 6))
        nd = net_socket_new(spec, err, errlen);
    else if (n == 4 && !strncmp(spec, "user", 4))
        nd = net_user_new(spec, err, errlen);
    else if (n == 3 && !strncmp(spec, "tap", 3))
        nd = net_tap_new(spec, err, errlen);
    else
        snprintf(err, errlen, "-netdev: unknown backend '%.*s' (socket, user, tap)", (int)n, spec);
    if (!nd)
        return NULL;
    if (!netdev_opt(spec, "id", nd->id, sizeof(nd->id)))
        snprintf(nd->id, sizeof(nd->id), "%.*s", (int)n, spec);
    snprintf(nd->kind, sizeof(nd->kind), "%.*s", (int)n, spec);
    return nd;
}

void netdev_free(struct netdev *nd)
{
    if (nd)
        nd->ops->free(nd);
}

void netdev_attach(struct netdev *nd, struct net_client peer)
{
    nd->peer = peer;
}

static void backend_send(void *opaque, const uint8_t *buf, size_t len)
{
    struct netdev *nd = opaque;
    nd->stats.tx_frames++;
    nd->stats.tx_bytes += len;
    nd->ops->send(nd, buf, len);
}

struct net_backend netdev_backend(struct netdev *nd)
{
    return (struct net_backend){backend_send, nd};
}

int netdev_poll_fds(struct netdev *nd, struct pollfd *fds, int max)
{
    return nd->ops->poll_fds(nd, fds, max);
}

void netdev_poll(struct netdev *nd)
{
    nd->ops->poll(nd);
}

bool netdev_peer_ready(const struct netdev *nd)
{
    return !nd->peer.receive || !nd->peer.can_receive || nd->peer.can_receive(nd->peer.opaque);
}

bool netdev_deliver(struct netdev *nd, const uint8_t *buf, size_t len)
{
    if (!nd->peer.receive) {
        nd->stats.rx_dropped++;
        return true;
    }
    if (!netdev_peer_ready(nd))
        return false;
    nd->stats.rx_frames++;
    nd->stats.rx_bytes += len;
    nd->peer.receive(nd->peer.opaque, buf, len);
    return true;
}
