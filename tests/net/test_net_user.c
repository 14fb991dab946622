/* -netdev user (libslirp): an NE2000 driven through its ports resolves the
 * gateway 10.0.2.2 with ARP and gets its ICMP echo answered; a hostfwd
 * connection from the host reaches the guest's side; bad rules are refused
 * with one line. */
#include "tests/hw/test_ne2000_util.h"
#include "ui/netdev.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define BASE 0x300

static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t guest_ip[4] = {10, 0, 2, 15};
static const uint8_t gw_ip[4] = {10, 0, 2, 2};
static struct mmu_io_space *io;
static struct ne2000 *ne;
static struct netdev *nd;

static void open_user(const char *spec)
{
    io = mmu_io_new();
    ne = calloc(1, sizeof(*ne));
    ne2000_init(ne, mac);
    ck_assert(ne2000_register_isa(ne, io, BASE));
    ne_linux_init(io, BASE, mac);
    char err[256];
    nd = netdev_new(spec, err, sizeof(err));
    ck_assert_msg(nd != NULL, "%s", err);
    ne->backend = netdev_backend(nd);
    netdev_attach(nd, ne2000_client(ne));
}

static void teardown(void)
{
    netdev_free(nd);
    nd = NULL;
    mmu_io_free(io);
    free(ne);
}

/* Waits up to two seconds for a frame at the card; returns its length. */
static int wait_frame(uint8_t *buf)
{
    uint8_t hdr[4];
    for (int i = 0; i < 2000; i++) {
        int n = ne_recv(io, BASE, buf, hdr);
        if (n >= 0)
            return n;
        struct pollfd fds[NETDEV_MAX_FDS];
        int k = netdev_poll_fds(nd, fds, NETDEV_MAX_FDS);
        poll(fds, (nfds_t)k, 1);
        netdev_poll(nd);
    }
    return -1;
}

static uint16_t csum(const uint8_t *p, size_t len)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1)
        s += (uint32_t)p[len - 1] << 8;
    while (s >> 16)
        s = (s & 0xFFFF) + (s >> 16);
    return (uint16_t)~s;
}

static void send_arp_request(void)
{
    uint8_t f[42] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    memcpy(f + 6, mac, 6);
    const uint8_t arp[10] = {0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1};
    memcpy(f + 12, arp, 10);
    memcpy(f + 22, mac, 6);
    memcpy(f + 28, guest_ip, 4);
    memcpy(f + 38, gw_ip, 4);
    ne_send(io, BASE, f, sizeof(f));
}

static void teardown_check(void)
{
    teardown();
}

START_TEST(net_user_gateway_answers_arp_and_ping)
{
    open_user("user,id=n0");
    send_arp_request();
    uint8_t buf[2048];
    int n = wait_frame(buf);
    ck_assert_int_ge(n, 42);
    ck_assert_mem_eq(buf, mac, 6);
    ck_assert_uint_eq(buf[12], 0x08);
    ck_assert_uint_eq(buf[13], 0x06);
    ck_assert_uint_eq(buf[21], 2); /* ARP reply */
    ck_assert_mem_eq(buf + 28, gw_ip, 4);
    uint8_t gw_mac[6];
    memcpy(gw_mac, buf + 22, 6);
    ck_assert_uint_eq(gw_mac[0], 0x52);
    ck_assert_uint_eq(gw_mac[1], 0x55);

    /* ICMP echo request, id 0x1234 seq 1, 32 bytes of payload. */
    uint8_t f[14 + 20 + 8 + 32] = {0};
    memcpy(f, gw_mac, 6);
    memcpy(f + 6, mac, 6);
    f[12] = 0x08;
    uint8_t *ip = f + 14;
    ip[0] = 0x45;
    ip[3] = 20 + 8 + 32;
    ip[8] = 64;
    ip[9] = 1;
    memcpy(ip + 12, guest_ip, 4);
    memcpy(ip + 16, gw_ip, 4);
    uint16_t c = csum(ip, 20);
    ip[10] = (uint8_t)(c >> 8);
    ip[11] = (uint8_t)c;
    uint8_t *icmp = ip + 20;
    icmp[0] = 8;
    icmp[4] = 0x12;
    icmp[5] = 0x34;
    icmp[7] = 1;
    for (int i = 0; i < 32; i++)
        icmp[8 + i] = (uint8_t)('a' + i % 26);
    c = csum(icmp, 40);
    icmp[2] = (uint8_t)(c >> 8);
    icmp[3] = (uint8_t)c;
    ne_send(io, BASE, f, sizeof(f));
    n = wait_frame(buf);
    ck_assert_int_ge(n, (int)sizeof(f));
    ck_assert_uint_eq(buf[23], 1);           /* ICMP */
    ck_assert_mem_eq(buf + 26, gw_ip, 4);    /* from the gateway */
    ck_assert_mem_eq(buf + 30, guest_ip, 4); /* to us */
    ck_assert_uint_eq(buf[34], 0);           /* echo reply */
    ck_assert_uint_eq(buf[38], 0x12);
    ck_assert_uint_eq(buf[41], 1);
    ck_assert_mem_eq(buf + 42, icmp + 8, 32);
    ck_assert_uint_eq(csum(buf + 34, 40), 0);
    ck_assert_uint_eq(nd->stats.rx_frames, 2);
    ck_assert_uint_eq(nd->stats.tx_frames, 2);
}
END_TEST

START_TEST(net_user_hostfwd_reaches_the_guest)
{
    /* A free port: bind 0, read it back, release it for slirp. */
    int probe = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof(sa);
    ck_assert_int_eq(bind(probe, (struct sockaddr *)&sa, sizeof(sa)), 0);
    ck_assert_int_eq(getsockname(probe, (struct sockaddr *)&sa, &sl), 0);
    close(probe);
    char spec[128];
    snprintf(spec, sizeof(spec), "user,id=n0,hostfwd=tcp:127.0.0.1:%d-:22", ntohs(sa.sin_port));
    open_user(spec);
    send_arp_request(); /* slirp learns our MAC */
    uint8_t buf[2048];
    ck_assert_int_ge(wait_frame(buf), 42);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    /* The connection becomes a TCP SYN towards 10.0.2.15:22. */
    int n = wait_frame(buf);
    ck_assert_int_ge(n, 54);
    ck_assert_uint_eq(buf[23], 6);
    ck_assert_mem_eq(buf + 30, guest_ip, 4);
    ck_assert_uint_eq(buf[36], 0);
    ck_assert_uint_eq(buf[37], 22);
    ck_assert_uint_eq(buf[47] & 0x12, 0x02); /* SYN */
    close(fd);
}
END_TEST

START_TEST(net_user_bad_hostfwd_is_refused)
{
    char err[256];
    ck_assert_ptr_null(netdev_new("user,hostfwd=sctp::1-:2", err, sizeof(err)));
    ck_assert_str_eq(err,
                     "-netdev user: bad hostfwd 'sctp::1-:2' (tcp:[HADDR]:HPORT-[GADDR]:GPORT)");
    ck_assert_ptr_null(netdev_new("user,hostfwd=tcp::1-:0", err, sizeof(err)));
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("net_user");
    TCase *tc = tcase_create("user");
    tcase_add_checked_fixture(tc, NULL, teardown_check);
    tcase_add_test(tc, net_user_gateway_answers_arp_and_ping);
    tcase_add_test(tc, net_user_hostfwd_reaches_the_guest);
    tcase_add_test(tc, net_user_bad_hostfwd_is_refused);
    suite_add_tcase(s, tc);
    return s;
}
