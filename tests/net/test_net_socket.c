/* -netdev socket: two NE2000 cards, each driven through its ports, exchange
 * frames over a loopback TCP connection (QEMU's 4-byte length framing) and
 * over UDP multicast; the wire format is checked with a raw socket peer;
 * bad specs give one-line errors. */
#include "tests/hw/test_ne2000_util.h"
#include "ui/netdev.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define BASE_A 0x300
#define BASE_B 0x320

static const uint8_t mac_a[6] = {0x52, 0x54, 0, 0, 0, 0x0A};
static const uint8_t mac_b[6] = {0x52, 0x54, 0, 0, 0, 0x0B};
static struct mmu_io_space *io;
static struct ne2000 *a, *b;

static void setup(void)
{
    io = mmu_io_new();
    a = calloc(1, sizeof(*a));
    b = calloc(1, sizeof(*b));
    ne2000_init(a, mac_a);
    ne2000_init(b, mac_b);
    ck_assert(ne2000_register_isa(a, io, BASE_A));
    ck_assert(ne2000_register_isa(b, io, BASE_B));
    ne_linux_init(io, BASE_A, mac_a);
    ne_linux_init(io, BASE_B, mac_b);
}

static void teardown(void)
{
    mmu_io_free(io);
    free(a);
    free(b);
}

static void plug(struct ne2000 *s, struct netdev *nd)
{
    s->backend = netdev_backend(nd);
    netdev_attach(nd, ne2000_client(s));
}

/* Polls both ends until want frames reached card s (or a second passes). */
static void pump(struct netdev *x, struct netdev *y, const struct ne2000 *s, uint64_t want)
{
    for (int i = 0; i < 1000 && s->stats.rx_frames < want; i++) {
        struct pollfd fds[4];
        int n = netdev_poll_fds(x, fds, 2);
        n += netdev_poll_fds(y, fds + n, 2);
        poll(fds, (nfds_t)n, 1);
        netdev_poll(x);
        netdev_poll(y);
    }
}

static size_t frame(uint8_t *f, const uint8_t *dst, const uint8_t *src, size_t len, uint8_t seed)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    f[12] = 0x88;
    f[13] = 0xB5; /* local experimental ethertype */
    for (size_t i = 14; i < len; i++)
        f[i] = (uint8_t)(seed + i);
    return len;
}

static struct netdev *open_nd(const char *spec)
{
    char err[256];
    struct netdev *nd = netdev_new(spec, err, sizeof(err));
    ck_assert_msg(nd != NULL, "%s: %s", spec, err);
    return nd;
}

START_TEST(net_socket_tcp_joins_two_ne2000_back_to_back)
{
    struct netdev *l = open_nd("socket,id=l,listen=127.0.0.1:0");
    int port = netdev_socket_port(l);
    ck_assert_int_gt(port, 0);
    char spec[64];
    snprintf(spec, sizeof(spec), "socket,id=c,connect=127.0.0.1:%d", port);
    struct netdev *c = open_nd(spec);
    ck_assert_str_eq(l->id, "l");
    plug(a, l);
    plug(b, c);
    netdev_poll(l); /* accepts the connection */
    uint8_t f[1514], buf[2048], hdr[4];
    /* b -> a, then a -> b, several sizes including one that wraps a's ring. */
    for (int k = 0; k < 12; k++) {
        size_t len = 60 + (size_t)k * 120;
        frame(f, mac_a, mac_b, len, (uint8_t)k);
        ne_send(io, BASE_B, f, (unsigned)len);
        pump(l, c, a, (uint64_t)k + 1);
        ck_assert_int_eq(ne_recv(io, BASE_A, buf, hdr), (int)len);
        ck_assert_mem_eq(buf, f, len);
    }
    frame(f, mac_b, mac_a, 1514, 99);
    ne_send(io, BASE_A, f, 1514);
    pump(l, c, b, 1);
    ck_assert_int_eq(ne_recv(io, BASE_B, buf, hdr), 1514);
    ck_assert_mem_eq(buf, f, 1514);
    ck_assert_uint_eq(c->stats.tx_frames, 12);
    ck_assert_uint_eq(l->stats.rx_frames, 12);
    netdev_free(l);
    netdev_free(c);
}
END_TEST

START_TEST(net_socket_tcp_uses_4_byte_big_endian_length)
{
    struct netdev *l = open_nd("socket,listen=127.0.0.1:0");
    plug(a, l);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)netdev_socket_port(l)),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    netdev_poll(l);
    uint8_t f[100];
    frame(f, mac_b, mac_a, sizeof(f), 3);
    ne_send(io, BASE_A, f, sizeof(f));
    uint8_t wire[104];
    size_t got = 0;
    while (got < sizeof(wire)) {
        ssize_t n = recv(fd, wire + got, sizeof(wire) - got, 0);
        ck_assert_int_gt(n, 0);
        got += (size_t)n;
    }
    ck_assert_uint_eq(wire[0], 0);
    ck_assert_uint_eq(wire[1], 0);
    ck_assert_uint_eq(wire[2], 0);
    ck_assert_uint_eq(wire[3], 100);
    ck_assert_mem_eq(wire + 4, f, 100);
    /* The other way, split across writes: one frame arrives whole. */
    uint8_t in[4 + 70] = {0, 0, 0, 70};
    frame(in + 4, mac_a, mac_b, 70, 5);
    ck_assert_int_eq(send(fd, in, 10, 0), 10);
    for (int i = 0; i < 20; i++)
        netdev_poll(l);
    ck_assert_uint_eq(a->stats.rx_frames, 0);
    ck_assert_int_eq(send(fd, in + 10, sizeof(in) - 10, 0), (ssize_t)sizeof(in) - 10);
    pump(l, l, a, 1);
    uint8_t buf[2048], hdr[4];
    ck_assert_int_eq(ne_recv(io, BASE_A, buf, hdr), 70);
    ck_assert_mem_eq(buf, in + 4, 70);
    /* A nonsense length ends the connection, a new client is taken. */
    uint8_t bad[4] = {0x7F, 0, 0, 0};
    ck_assert_int_eq(send(fd, bad, 4, 0), 4);
    pump(l, l, a, 2);
    ck_assert_uint_eq(a->stats.rx_frames, 1);
    close(fd);
    netdev_free(l);
}
END_TEST

#ifndef JIT86_TEST_UNDER_QEMU_USER
START_TEST(net_socket_mcast_shares_a_segment)
{
    /* Port from the pid so parallel test runs do not share a group. */
    char spec[128];
    int port = 20000 + getpid() % 20000;
    snprintf(spec, sizeof(spec), "socket,id=m1,mcast=230.0.0.1:%d,localaddr=127.0.0.1", port);
    char err[256];
    struct netdev *m1 = netdev_new(spec, err, sizeof(err));
    ck_assert_msg(m1 != NULL, "%s", err);
    struct netdev *m2 = open_nd(spec);
    plug(a, m1);
    plug(b, m2);
    uint8_t f[200], buf[2048], hdr[4];
    frame(f, mac_b, mac_a, sizeof(f), 7);
    ne_send(io, BASE_A, f, sizeof(f));
    pump(m1, m2, b, 1);
    ck_assert_int_eq(ne_recv(io, BASE_B, buf, hdr), 200);
    ck_assert_mem_eq(buf, f, 200);
    /* a hears its own frame back (multicast loop), and its filter drops it. */
    ck_assert_uint_eq(a->stats.rx_frames, 0);
    netdev_free(m1);
    netdev_free(m2);
}
END_TEST
#endif

START_TEST(net_socket_bad_specs_report_one_line)
{
    char err[256];
    ck_assert_ptr_null(netdev_new("socket,id=x", err, sizeof(err)));
    ck_assert_str_eq(err, "-netdev socket: needs listen=, connect= or mcast=");
    ck_assert_ptr_null(netdev_new("socket,mcast=10.0.0.1:1234", err, sizeof(err)));
    ck_assert_str_eq(err, "-netdev socket: 10.0.0.1:1234 is not a multicast address");
    ck_assert_ptr_null(netdev_new("socket,listen=:99999", err, sizeof(err)));
    ck_assert_str_eq(err, "-netdev socket: bad port in ':99999'");
    ck_assert_ptr_null(netdev_new("bogus,id=x", err, sizeof(err)));
    ck_assert_str_eq(err, "-netdev: unknown backend 'bogus' (socket, user, tap)");
    char v[16];
    ck_assert(netdev_opt("socket,id=n0,listen=:1", "listen", v, sizeof(v)));
    ck_assert_str_eq(v, ":1");
    ck_assert(!netdev_opt("socket,xid=n0", "id", v, sizeof(v)));
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("net_socket");
    TCase *tc = tcase_create("socket");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, net_socket_tcp_joins_two_ne2000_back_to_back);
    tcase_add_test(tc, net_socket_tcp_uses_4_byte_big_endian_length);
#ifndef JIT86_TEST_UNDER_QEMU_USER
    tcase_add_test(tc, net_socket_mcast_shares_a_segment);
#endif
    tcase_add_test(tc, net_socket_bad_specs_report_one_line);
    suite_add_tcase(s, tc);
    return s;
}
