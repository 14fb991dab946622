/* Character backends: file descriptors behind QEMU-style specs, polled
 * non-blocking from the main loop. */
#include "chardev.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define CTRL_A                0x01
#define CHARDEV_WRITE_WAIT_MS 200 /* per write that finds the socket full */

const char chardev_mux_help[] = "\r\nC-a h    print this help\r\n"
                                "C-a x    exit emulator\r\n"
                                "C-a c    switch between console and monitor\r\n"
                                "C-a C-a  sends C-a\r\n";

static void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static bool open_unix(struct chardev *c, const char *path, bool server, char *err, size_t n,
                      const char *opt)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path)) {
        snprintf(err, n, "%s: socket path too long: %s", opt, path);
        return false;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, n, "%s: socket: %s", opt, strerror(errno));
        return false;
    }
    if (server) {
        unlink(path);
        /* Owner-only from the start: a monitor or channel socket is a way into the VM. */
        mode_t old_mask = umask(0177);
        int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
        umask(old_mask);
        if (rc < 0 || listen(fd, 1) < 0) {
            snprintf(err, n, "%s: cannot listen on %s: %s", opt, path, strerror(errno));
            close(fd);
            return false;
        }
        set_nonblock(fd);
        c->listen_fd = fd;
    } else if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        snprintf(err, n, "%s: cannot connect to %s: %s", opt, path, strerror(errno));
        close(fd);
        return false;
    } else {
        set_nonblock(fd);
        c->in_fd = c->out_fd = fd;
    }
    return true;
}

static bool open_tcp(struct chardev *c, const char *hostport, bool server, char *err, size_t n,
                     const char *opt)
{
    char host[256];
    const char *colon = strrchr(hostport, ':');
    if (!colon || (size_t)(colon - hostport) >= sizeof(host) || !colon[1]) {
        snprintf(err, n, "%s: expected tcp:[HOST]:PORT, not 'tcp:%s'", opt, hostport);
        return false;
    }
    memcpy(host, hostport, (size_t)(colon - hostport));
    host[colon - hostport] = '\0';
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = server ? AI_PASSIVE : 0};
    struct addrinfo *ai;
    /* A listener without a host is loopback-only: the monitor must not face the network. */
    int rc =
        getaddrinfo(host[0] ? host : (server ? "127.0.0.1" : "localhost"), colon + 1, &hints, &ai);
    if (rc) {
        snprintf(err, n, "%s: %s: %s", opt, hostport, gai_strerror(rc));
        return false;
    }
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    int one = 1;
    bool ok = fd >= 0;
    if (ok && server) {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        ok = bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1) == 0;
    } else if (ok) {
        ok = connect(fd, ai->ai_addr, ai->ai_addrlen) == 0;
    }
    freeaddrinfo(ai);
    if (!ok) {
        snprintf(err, n, "%s: tcp:%s: %s", opt, hostport, strerror(errno));
        if (fd >= 0)
            close(fd);
        return false;
    }
    set_nonblock(fd);
    if (server)
        c->listen_fd = fd;
    else
        c->in_fd = c->out_fd = fd;
    return true;
}

bool chardev_open(struct chardev *c, const char *opt, const char *spec, char *err, size_t n)
{
    *c = (struct chardev){.kind = CHARDEV_NULL, .in_fd = -1, .out_fd = -1, .listen_fd = -1};
    if (strcmp(spec, "null") == 0 || strcmp(spec, "none") == 0)
        return true;
    if (strcmp(spec, "stdio") == 0) {
        c->kind = CHARDEV_STDIO;
        c->in_fd = STDIN_FILENO;
        c->out_fd = STDOUT_FILENO;
        return true;
    }
    if (strncmp(spec, "file:", 5) == 0) {
        int fd = open(spec + 5, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
            snprintf(err, n, "%s: cannot open '%s': %s", opt, spec + 5, strerror(errno));
            return false;
        }
        c->kind = CHARDEV_FILE;
        c->out_fd = fd;
        return true;
    }
    bool is_unix = strncmp(spec, "unix:", 5) == 0, is_tcp = strncmp(spec, "tcp:", 4) == 0;
    if (is_unix || is_tcp) {
        char addr[512];
        snprintf(addr, sizeof(addr), "%s", spec + (is_unix ? 5 : 4));
        bool server = false;
        for (char *opt_s = strchr(addr, ','); opt_s; opt_s = strchr(opt_s + 1, ',')) {
            *opt_s = '\0';
            server |= strncmp(opt_s + 1, "server", 6) == 0;
        }
        c->kind = CHARDEV_SOCKET;
        return is_unix ? open_unix(c, addr, server, err, n, opt)
                       : open_tcp(c, addr, server, err, n, opt);
    }
    snprintf(err, n, "%s: unknown character device '%s' (stdio, null, file:, unix:, tcp:)", opt,
             spec);
    return false;
}

void chardev_close(struct chardev *c)
{
    if (c->kind == CHARDEV_STDIO)
        return;
    if (c->out_fd >= 0)
        close(c->out_fd);
    if (c->in_fd >= 0 && c->in_fd != c->out_fd)
        close(c->in_fd);
    if (c->listen_fd >= 0)
        close(c->listen_fd);
    c->in_fd = c->out_fd = c->listen_fd = -1;
}

void chardev_write(struct chardev *c, const uint8_t *buf, size_t len)
{
    while (c->out_fd >= 0 && len > 0) {
        ssize_t w = write(c->out_fd, buf, len);
        if (w < 0 && errno == EINTR)
            continue;
        /* A reader slower than the guest: wait a little rather than lose bytes
         * (the channel's frames); a peer that stops reading loses them. */
        struct pollfd p = {.fd = c->out_fd, .events = POLLOUT};
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
            poll(&p, 1, CHARDEV_WRITE_WAIT_MS) > 0)
            continue;
        if (w <= 0)
            return; /* a full socket or a closed peer: the bytes are lost */
        buf += w;
        len -= (size_t)w;
    }
}

void chardev_write_cb(void *opaque, const uint8_t *buf, size_t len)
{
    chardev_write(opaque, buf, len);
}

int chardev_poll_fd(const struct chardev *c)
{
    return c->in_fd >= 0 ? c->in_fd : c->listen_fd;
}

static void deliver(struct chardev *c)
{
    if (!c->input || !c->npending)
        return;
    size_t took = c->input(c->input_opaque, c->pending, c->npending);
    memmove(c->pending, c->pending + took, c->npending - took);
    c->npending -= took;
}

/* stdin stays blocking (O_NONBLOCK would be shared with the shell that
 * started us), so ask before reading: a terminal with no key pressed must not
 * stall the machine. */
static bool input_ready(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, 0) > 0;
}

bool chardev_poll(struct chardev *c)
{
    if (c->listen_fd >= 0 && c->in_fd < 0) {
        int fd = accept(c->listen_fd, NULL, NULL);
        if (fd >= 0) {
            set_nonblock(fd);
            c->in_fd = c->out_fd = fd;
        }
    }
    deliver(c);
    if (c->in_fd < 0 || c->npending == sizeof(c->pending))
        return true;
    if (c->kind == CHARDEV_STDIO && !input_ready(c->in_fd))
        return true;
    ssize_t r = read(c->in_fd, c->pending + c->npending, sizeof(c->pending) - c->npending);
    if (r == 0) {
        if (c->kind == CHARDEV_SOCKET && c->listen_fd >= 0) {
            close(c->in_fd); /* a server waits for the next client */
            c->in_fd = c->out_fd = -1;
            return true;
        }
        return false;
    }
    if (r > 0) {
        c->npending += (size_t)r;
        deliver(c);
    }
    return true;
}

enum mux_action chardev_mux_input(struct chardev_mux *m, uint8_t in, uint8_t *out)
{
    if (!m->escape) {
        if (in == CTRL_A) {
            m->escape = true;
            return MUX_SWALLOW;
        }
        *out = in;
        return MUX_PASS;
    }
    m->escape = false;
    switch (in) {
    case 'x':
    case 'X': return MUX_QUIT;
    case 'c':
    case 'C': return MUX_SWITCH;
    case 'h':
    case 'H':
    case '?': return MUX_HELP;
    case CTRL_A: *out = CTRL_A; return MUX_PASS;
    default: return MUX_SWALLOW;
    }
}
