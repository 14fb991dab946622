/* Loader fuzz: seeded mutations of a real machine state stream (byte flips,
 * random and boundary values, truncation, cut and duplicated spans), mostly
 * with the checksum fixed up so the parser behind it is exercised. The
 * loader must refuse or load, never crash (run under ASan to see memory
 * errors). JIT86_FUZZ_CASES overrides the 10,000 cases, JIT86_FUZZ_SEED the seed. */
#include "machine.h"

#include <zlib.h>

static uint64_t rng_state;

static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static void fix_crc(uint8_t *d, size_t len)
{
    if (len < 4)
        return;
    uint32_t c = (uint32_t)crc32(0, d, (uInt)(len - 4));
    for (int i = 0; i < 4; i++)
        d[len - 4 + i] = (uint8_t)(c >> (8 * i));
}

/* Most streams are the header and sections; RAM is the bulk. Aim half the
 * mutations at the first part so the section parser sees them. */
static size_t pick(size_t len, size_t hot)
{
    return (rnd() & 1) ? rnd() % hot : rnd() % len;
}

static size_t mutate(uint8_t *d, size_t len, size_t cap, size_t hot)
{
    static const uint32_t edges[] = {0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF};
    int n = 1 + (int)(rnd() % 6);
    for (int k = 0; k < n && len > 8; k++) {
        size_t at = pick(len, hot);
        switch (rnd() % 6) {
        case 0: d[at] ^= (uint8_t)(1u << (rnd() % 8)); break;
        case 1: d[at] = (uint8_t)rnd(); break;
        case 2:
            if (at + 4 <= len) {
                uint32_t v = edges[rnd() % 8];
                memcpy(d + at, &v, 4);
            }
            break;
        case 3: len = at + 12 < len ? at + 12 : len; break; /* truncate (keep a trailer's room) */
        case 4: {                                           /* cut a span */
            size_t span = 1 + rnd() % 64;
            if (at + span < len) {
                memmove(d + at, d + at + span, len - at - span);
                len -= span;
            }
            break;
        }
        default: { /* duplicate a span */
            size_t span = 1 + rnd() % 64;
            if (at + span <= len && len + span <= cap) {
                memmove(d + at + span, d + at, len - at);
                len += span;
            }
            break;
        }
        }
    }
    return len;
}

START_TEST(mutated_streams_never_crash_the_loader)
{
    const char *env_cases = getenv("JIT86_FUZZ_CASES");
    const char *env_seed = getenv("JIT86_FUZZ_SEED");
    long cases = env_cases ? atol(env_cases) : 10000;
    rng_state = env_seed ? strtoull(env_seed, NULL, 0) : 0x5EED0016ull;
    struct test_machine src, dst;
    test_bios_create();
    test_machine_new(&src, 2 << 20);
    test_machine_new(&dst, 2 << 20);
    uint8_t *ram = mmu_phys_ram(src.pc->mem);
    for (int i = 0; i < 3 * 4096; i++)
        ram[0x8000 + i] = (uint8_t)(i % 251);
    mmu_io_write(src.pc->io, 0x43, 0x34, 1);
    mmu_io_write(src.pc->io, 0x40, 0x00, 1);
    mmu_io_write(src.pc->io, 0x40, 0x10, 1);
    struct vms_buf good = {0};
    test_machine_save(&src, &good);
    size_t hot = good.len / 8;
    size_t cap = good.len + 4096;
    uint8_t *d = malloc(cap);
    long loaded = 0, refused = 0;
    for (long c = 0; c < cases; c++) {
        memcpy(d, good.data, good.len);
        size_t len = mutate(d, good.len, cap, hot);
        if (rnd() % 10)
            fix_crc(d, len);
        char err[256] = "";
        if (vms_pc_load(dst.pc, dst.cpu, TEST_CPU, dst.features, d, len, err, sizeof(err))) {
            loaded++;
        } else {
            refused++;
            ck_assert_msg(err[0] && !strchr(err, '\n'), "case %ld: error is not one line", c);
        }
    }
    printf("fuzz: %ld cases, %ld loaded, %ld refused\n", cases, loaded, refused);
    ck_assert_int_eq(loaded + refused, cases);
    ck_assert_int_gt(refused, cases / 2);
    /* The untouched stream still loads after all that. */
    char err[256] = "";
    ck_assert_msg(vms_pc_load(dst.pc, dst.cpu, TEST_CPU, dst.features, good.data, good.len, err,
                              sizeof(err)),
                  "%s", err);
    free(d);
    vms_buf_free(&good);
    test_machine_free(&src);
    test_machine_free(&dst);
    test_bios_remove();
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("migration_fuzz");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, mutated_streams_never_crash_the_loader);
    suite_add_tcase(s, tc);
    return s;
}
