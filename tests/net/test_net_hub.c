/* Internal hub: three NE2000s and a socket backend on one hub; a frame
 * entering any port leaves through every other one, never back. */
#include "tests/hw/test_ne2000_util.h"
#include "ui/netdev.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

START_TEST(net_hub_floods_frames_to_every_other_port)
{
    struct mmu_io_space *io = mmu_io_new();
    struct ne2000 *card[3];
    struct net_hub hub = {.id = 0};
    struct netdev *port[4];
    char err[256];
    for (int i = 0; i < 3; i++) {
        const uint8_t mac[6] = {0x52, 0x54, 0, 0, 0, (uint8_t)i};
        card[i] = calloc(1, sizeof(*card[i]));
        ne2000_init(card[i], mac);
        ck_assert(ne2000_register_isa(card[i], io, (uint16_t)(0x300 + 0x20 * i)));
        ne_linux_init(io, (uint16_t)(0x300 + 0x20 * i), mac);
        port[i] = net_hubport_new(&hub, NULL, err, sizeof(err));
        ck_assert_ptr_nonnull(port[i]);
        card[i]->backend = netdev_backend(port[i]);
        netdev_attach(port[i], ne2000_client(card[i]));
    }
    struct netdev *sock = netdev_new("socket,listen=127.0.0.1:0", err, sizeof(err));
    ck_assert_msg(sock != NULL, "%s", err);
    port[3] = net_hubport_new(&hub, sock, err, sizeof(err));
    ck_assert_ptr_nonnull(port[3]);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)netdev_socket_port(sock)),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    netdev_poll(sock);

    /* Broadcast from card 0: cards 1 and 2 and the socket get it. */
    uint8_t f[64] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x52, 0x54, 0, 0, 0, 0, 0x88, 0xB5};
    ne_send(io, 0x300, f, sizeof(f));
    ck_assert_uint_eq(card[0]->stats.rx_frames, 0);
    ck_assert_uint_eq(card[1]->stats.rx_frames, 1);
    ck_assert_uint_eq(card[2]->stats.rx_frames, 1);
    uint8_t wire[4 + 64];
    size_t got = 0;
    while (got < sizeof(wire)) {
        ssize_t n = recv(fd, wire + got, sizeof(wire) - got, 0);
        ck_assert_int_gt(n, 0);
        got += (size_t)n;
    }
    ck_assert_uint_eq(wire[3], 64);
    ck_assert_mem_eq(wire + 4, f, 64);

    /* From the socket: all three cards. */
    ck_assert_int_eq(send(fd, wire, sizeof(wire), 0), (ssize_t)sizeof(wire));
    for (int i = 0; i < 1000 && card[0]->stats.rx_frames == 0; i++) {
        usleep(1000);
        netdev_poll(sock);
    }
    ck_assert_uint_eq(card[0]->stats.rx_frames, 1);
    ck_assert_uint_eq(card[1]->stats.rx_frames, 2);
    ck_assert_uint_eq(card[2]->stats.rx_frames, 2);

    char bad[256];
    struct net_hub full = {.id = 1, .nports = NET_HUB_PORTS};
    ck_assert_ptr_null(net_hubport_new(&full, NULL, bad, sizeof(bad)));
    ck_assert_str_eq(bad, "-netdev hubport: hub 1 has all 8 ports in use");
    close(fd);
    for (int i = 0; i < 4; i++)
        netdev_free(port[i]);
    netdev_free(sock);
    for (int i = 0; i < 3; i++)
        free(card[i]);
    mmu_io_free(io);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("net_hub");
    TCase *tc = tcase_create("hub");
    tcase_add_test(tc, net_hub_floods_frames_to_every_other_port);
    suite_add_tcase(s, tc);
    return s;
}
