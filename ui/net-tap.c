/* -netdev tap,ifname=NAME,script=no,downscript=no: frames to and from a
 * Linux TAP interface (/dev/net/tun, IFF_TAP without packet information),
 * which the host bridges or routes. Configuration scripts are not run: the
 * interface is set up beforehand (ip tuntap add ...). */
#include "netdev.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __linux__
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#endif

#define TAP_FRAMES_PER_POLL 64

struct net_tap {
    struct netdev nd; /* first: the ops get a struct netdev * */
    int fd;
    uint8_t held[NET_ETH_MAX_FRAME + 4]; /* read, waiting for the NIC */
    size_t held_len;
};

static void tap_send(struct netdev *nd, const uint8_t *buf, size_t len)
{
    struct net_tap *t = (struct net_tap *)nd;
    if (write(t->fd, buf, len) != (ssize_t)len)
        nd->stats.tx_dropped++;
}

static void tap_poll(struct netdev *nd)
{
    struct net_tap *t = (struct net_tap *)nd;
    for (int k = 0; k < TAP_FRAMES_PER_POLL; k++) {
        if (!t->held_len) {
            ssize_t n = read(t->fd, t->held, sizeof(t->held));
            if (n <= 0)
                return;
            t->held_len = (size_t)n;
        }
        if (!netdev_deliver(nd, t->held, t->held_len))
            return; /* the NIC is full: keep the frame */
        t->held_len = 0;
    }
}

static int tap_poll_fds(struct netdev *nd, struct pollfd *fds, int max)
{
    struct net_tap *t = (struct net_tap *)nd;
    if (max < 1 || !netdev_peer_ready(nd))
        return 0;
    fds[0] = (struct pollfd){.fd = t->fd, .events = POLLIN};
    return 1;
}

static void tap_free(struct netdev *nd)
{
    struct net_tap *t = (struct net_tap *)nd;
    if (t->fd >= 0)
        close(t->fd);
    free(t);
}

static const struct netdev_ops tap_ops = {tap_send, tap_poll_fds, tap_poll, tap_free};

static bool check_scripts(const char *spec, char *err, size_t errlen)
{
    static const char *const keys[2] = {"script", "downscript"};
    for (int i = 0; i < 2; i++) {
        char v[256];
        if (!netdev_opt(spec, keys[i], v, sizeof(v)) || strcmp(v, "no") != 0) {
            snprintf(err, errlen,
                     "-netdev tap: %s= scripts are not run; set the interface up beforehand "
                     "and pass %s=no",
                     keys[i], keys[i]);
            return false;
        }
    }
    return true;
}

struct netdev *net_tap_new(const char *spec, char *err, size_t errlen)
{
#ifdef __linux__
    char ifname[IFNAMSIZ];
    if (!netdev_opt(spec, "ifname", ifname, sizeof(ifname))) {
        snprintf(err, errlen, "-netdev tap: needs ifname=NAME");
        return NULL;
    }
    if (!check_scripts(spec, err, errlen))
        return NULL;
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "-netdev tap: cannot open /dev/net/tun: %s%s", strerror(errno),
                 errno == ENOENT ? " (no TUN/TAP support on this host)" : "");
        return NULL;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        snprintf(err, errlen, "-netdev tap: cannot attach to '%s': %s%s", ifname, strerror(errno),
                 errno == EPERM ? " (needs CAP_NET_ADMIN or a tap owned by you)" : "");
        close(fd);
        return NULL;
    }
    struct net_tap *t = calloc(1, sizeof(*t));
    if (!t) {
        close(fd);
        snprintf(err, errlen, "-netdev tap: out of memory");
        return NULL;
    }
    t->nd.ops = &tap_ops;
    t->fd = fd;
    return &t->nd;
#else
    (void)spec;
    snprintf(err, errlen, "-netdev tap: only on Linux hosts");
    return NULL;
#endif
}
