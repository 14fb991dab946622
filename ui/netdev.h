/* Network backends for -netdev/-nic, with QEMU's spellings: socket
 * (listen=, connect=, mcast=), user (libslirp, when built with it) and tap. A
 * backend carries whole Ethernet frames between one NIC and the host; the
 * main loop waits on its descriptors and calls netdev_poll. */
#ifndef JIT86_UI_NETDEV_H
#define JIT86_UI_NETDEV_H

#include "hw/pc/pc.h"

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETDEV_MAX_FDS 64

struct netdev;

struct netdev_ops {
    /* A frame the NIC transmitted. */
    void (*send)(struct netdev *nd, const uint8_t *buf, size_t len);
    /* Descriptors to wait on (at most max); returns how many. */
    int (*poll_fds)(struct netdev *nd, struct pollfd *fds, int max);
    /* Non-blocking: takes pending host input to the NIC while it can take it. */
    void (*poll)(struct netdev *nd);
    void (*free)(struct netdev *nd);
};

struct netdev {
    const struct netdev_ops *ops;
    char id[32];
    char kind[16];
    struct net_client peer; /* the NIC; unset: frames are dropped */
    struct net_stats stats; /* tx = towards the host, rx = towards the NIC */
};

/* Opens a -netdev spec ("socket,id=n0,listen=:1234"). Returns NULL with one
 * line in err. */
struct netdev *netdev_new(const char *spec, char *err, size_t errlen);
void netdev_free(struct netdev *nd);
void netdev_attach(struct netdev *nd, struct net_client peer);
/* The NIC side's struct net_backend: transmits go to nd. */
struct net_backend netdev_backend(struct netdev *nd);
int netdev_poll_fds(struct netdev *nd, struct pollfd *fds, int max);
void netdev_poll(struct netdev *nd);
/* A frame from the host: to the NIC, counted; false when the NIC cannot
 * take it now (the caller keeps it or drops it). */
bool netdev_deliver(struct netdev *nd, const uint8_t *buf, size_t len);
bool netdev_peer_ready(const struct netdev *nd);

/* The value of key in a comma-separated spec ("a=1,b=2"); false if absent. */
bool netdev_opt(const char *spec, const char *key, char *out, size_t outlen);
/* TCP port a listen= socket is bound to (listen=HOST:0 picks one); -1. */
int netdev_socket_port(const struct netdev *nd);

/* An internal hub (net-hub.c): its ports are netdevs. */
#define NET_HUB_PORTS 8
struct net_hub {
    int id;
    struct netdev *port[NET_HUB_PORTS];
    int nports;
};
/* A port of hub; with backend set, the backend's frames enter the hub here
 * and the hub's frames leave through it (the backend stays the caller's). */
struct netdev *net_hubport_new(struct net_hub *hub, struct netdev *backend, char *err,
                               size_t errlen);

/* Backend constructors (net-socket.c, net-user.c, net-tap.c). */
struct netdev *net_socket_new(const char *spec, char *err, size_t errlen);
struct netdev *net_user_new(const char *spec, char *err, size_t errlen);
struct netdev *net_tap_new(const char *spec, char *err, size_t errlen);

#endif
