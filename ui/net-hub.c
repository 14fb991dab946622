/* -netdev hubport,id=P,hubid=N[,netdev=B]: an internal Ethernet hub, so
 * several NICs of one VM (and optionally one backend per port) share a
 * segment. A frame entering one port leaves through every other port. */
#include "netdev.h"

#include <stdio.h>
#include <stdlib.h>

struct net_hubport {
    struct netdev nd; /* first: the ops get a struct netdev * */
    struct net_hub *hub;
    struct netdev *backend; /* NULL: a NIC attaches to this port */
};

static void hub_forward(struct net_hub *hub, const struct netdev *from, const uint8_t *buf,
                        size_t len)
{
    for (int i = 0; i < hub->nports; i++) {
        struct net_hubport *p = (struct net_hubport *)hub->port[i];
        if (&p->nd == from)
            continue;
        if (p->backend) {
            struct net_backend b = netdev_backend(p->backend);
            b.send(b.opaque, buf, len);
        } else if (!netdev_deliver(&p->nd, buf, len)) {
            p->nd.stats.rx_dropped++; /* a hub has no buffers */
        }
    }
}

static void port_send(struct netdev *nd, const uint8_t *buf, size_t len)
{
    hub_forward(((struct net_hubport *)nd)->hub, nd, buf, len);
}

static int port_poll_fds(struct netdev *nd, struct pollfd *fds, int max)
{
    (void)nd, (void)fds, (void)max;
    return 0;
}

static void port_poll(struct netdev *nd)
{
    (void)nd;
}

static void port_free(struct netdev *nd)
{
    free(nd);
}

static const struct netdev_ops port_ops = {port_send, port_poll_fds, port_poll, port_free};

/* A backend on a port waits only while no NIC of the hub can take a frame:
 * a stopped card must not hold up the others. */
static bool backend_can_receive(void *opaque)
{
    struct net_hubport *from = opaque;
    for (int i = 0; i < from->hub->nports; i++) {
        struct netdev *p = from->hub->port[i];
        if (p != &from->nd && !((struct net_hubport *)p)->backend && netdev_peer_ready(p))
            return true;
    }
    return false;
}

static void backend_receive(void *opaque, const uint8_t *buf, size_t len)
{
    struct net_hubport *from = opaque;
    hub_forward(from->hub, &from->nd, buf, len);
}

struct netdev *net_hubport_new(struct net_hub *hub, struct netdev *backend, char *err,
                               size_t errlen)
{
    if (hub->nports == NET_HUB_PORTS) {
        snprintf(err, errlen, "-netdev hubport: hub %d has all %d ports in use", hub->id,
                 NET_HUB_PORTS);
        return NULL;
    }
    struct net_hubport *p = calloc(1, sizeof(*p));
    if (!p) {
        snprintf(err, errlen, "-netdev hubport: out of memory");
        return NULL;
    }
    p->nd.ops = &port_ops;
    p->hub = hub;
    p->backend = backend;
    if (backend)
        netdev_attach(backend, (struct net_client){backend_can_receive, backend_receive, p});
    hub->port[hub->nports++] = &p->nd;
    return &p->nd;
}
