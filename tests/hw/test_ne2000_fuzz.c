/* NE2000 under random programming: 200,000 seeded operations mixing port
 * reads and writes of every width, remote DMA bursts, transmits and incoming
 * frames of any length and destination. Run under ASan (build-net-san) it
 * proves no guest value reaches host memory out of bounds; the IRQ line
 * must always equal ISR & IMR and transmitted frames stay within Ethernet
 * sizes. */
#include "test_ne2000_util.h"

#include <check.h>
#include <stdlib.h>

#define BASE 0x300
#define OPS  200000

static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static int irq_level;
static size_t max_sent, min_sent = SIZE_MAX;
static uint64_t nsent;

static void on_irq(void *opaque, int n, int level)
{
    (void)opaque, (void)n;
    irq_level = level;
}

static void on_send(void *opaque, const uint8_t *buf, size_t len)
{
    (void)opaque, (void)buf;
    nsent++;
    if (len > max_sent)
        max_sent = len;
    if (len < min_sent)
        min_sent = len;
}

static uint64_t rng_state;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

/* Register values biased towards the interesting ones: ring pages near the
 * buffer ends, page-select commands, zero and all-ones. */
static uint8_t pick_value(void)
{
    static const uint8_t fav[] = {0x00, 0xFF, 0x21, 0x22, 0x26, 0x0A, 0x12, 0x1A, 0x62, 0xA2,
                                  0xE2, 0x40, 0x46, 0x7F, 0x80, 0x81, 0x3F, 0x49, 0x48, 0x10};
    return (rnd() & 1) ? fav[rnd() % sizeof(fav)] : (uint8_t)rnd();
}

static void random_frame(struct ne2000 *ne)
{
    static uint8_t f[2100];
    size_t len = rnd() % 4 ? rnd() % 1600 : rnd() % sizeof(f);
    for (size_t i = 0; i < len; i++)
        f[i] = (uint8_t)rnd();
    if (len >= 6 && (rnd() & 1))
        memcpy(f, (rnd() & 1) ? mac : (const uint8_t[6]){0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, 6);
    ne2000_receive(ne, f, len);
}

static void one_op(struct mmu_io_space *io, struct ne2000 *ne)
{
    static const unsigned widths[3] = {1, 2, 4};
    uint32_t k = rnd() % 100;
    uint16_t port = (uint16_t)(BASE + rnd() % NE2000_IO_SIZE);
    unsigned w = widths[rnd() % 3];
    if (k < 45) {
        mmu_io_write(io, port, (uint64_t)pick_value() | (uint64_t)rnd() << 8, w);
    } else if (k < 80) {
        (void)mmu_io_read(io, port, w);
    } else if (k < 90) {
        /* A burst on the data port, as a driver's insw/outsw. */
        unsigned n = rnd() % 64;
        for (unsigned i = 0; i < n; i++) {
            if (rnd() & 1)
                mmu_io_write(io, BASE + 0x10, rnd(), w);
            else
                (void)mmu_io_read(io, BASE + 0x10, w);
        }
    } else if (k < 95) {
        random_frame(ne);
    } else if (k < 98) {
        static uint8_t f[1600];
        unsigned len = rnd() % sizeof(f);
        for (unsigned i = 0; i < len; i++)
            f[i] = (uint8_t)rnd();
        ne_send(io, BASE, f, len);
    } else {
        ne_linux_init(io, BASE, mac);
    }
}

START_TEST(ne2000_random_programming_never_breaks_invariants)
{
    struct mmu_io_space *io = mmu_io_new();
    struct ne2000 *ne = calloc(1, sizeof(*ne));
    ne2000_init(ne, mac);
    irq_connect(&ne->irq, on_irq, NULL, 9);
    ne->backend = (struct net_backend){on_send, NULL};
    ck_assert(ne2000_register_isa(ne, io, BASE));
    rng_state = 0x9E3779B97F4A7C15ull;
    ne_linux_init(io, BASE, mac);
    for (int i = 0; i < OPS; i++) {
        one_op(io, ne);
        ck_assert_int_eq(irq_level, (ne->isr & ne->imr & 0x7F) != 0);
    }
    ck_assert_uint_gt(nsent, 100); /* the mix did transmit */
    ck_assert_uint_le(max_sent, NET_ETH_MAX_FRAME);
    ck_assert_uint_ge(min_sent, 1);
    ck_assert_uint_gt(ne->stats.rx_frames, 100);
    ck_assert_uint_gt(ne->stats.rx_dropped, 100);
    mmu_io_free(io);
    free(ne);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("ne2000_fuzz");
    TCase *tc = tcase_create("fuzz");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, ne2000_random_programming_never_breaks_invariants);
    suite_add_tcase(s, tc);
    return s;
}
