/* Reader fuzz: seeded mutations of real VM definition files (byte flips,
 * inserted syntax characters, cut, duplicated and swapped lines, truncation,
 * long lines). The reader must refuse with one line or accept, never crash
 * (run under ASan to see memory errors); an accepted file must write back
 * to a text that reads into the same text again. JIT86_FUZZ_CASES overrides
 * the 10,000 cases, JIT86_FUZZ_SEED the seed. */
#include "config-fixture.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

#define MAX_TEXT 16384

static const char *const seeds[] = {
    "# jit86 VM definition (QEMU -readconfig form)\n\n[machine]\n  type = \"pc\"\n"
    "  kernel = \"/boot/bzImage\"\n  append = \"console=ttyS0 a,b\"\n  cpu = \"pentium3\"\n"
    "\n[accel]\n  type = \"tcg\"\n  backend = \"interp\"\n\n[memory]\n  size = \"64M\"\n"
    "\n[icount]\n  shift = \"2\"\n\n[boot-opts]\n  order = \"c\"\n\n[rtc]\n"
    "  base = \"2000-01-01\"\n\n[drive]\n  if = \"ide\"\n  index = \"0\"\n  media = \"disk\"\n"
    "  file = \"/tmp/x.img\"\n\n[drive \"d1\"]\n  file = \"/tmp/a,b.qcow2\"\n  format = \"qcow2\"\n"
    "\n[netdev \"n0\"]\n  type = \"user\"\n  hostfwd = \"tcp::5555-:22\"\n\n[device \"nic0\"]\n"
    "  driver = \"ne2k_pci\"\n  netdev = \"n0\"\n",
    "[chardev \"c0\"]\n  backend = \"socket\"\n  path = \"/tmp/s\"\n[nic]\n  type = \"user\"\n"
    "[name]\n  guest = \"vm\"\n[smp-opts]\n  cpus = \"1\"\n[machine]\n  vga = \"none\"\n",
};

static uint64_t rng_state;

static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

/* The start of the line that holds at (or len). */
static size_t line_start(const char *t, size_t at)
{
    while (at && t[at - 1] != '\n')
        at--;
    return at;
}

static size_t line_end(const char *t, size_t len, size_t at)
{
    while (at < len && t[at] != '\n')
        at++;
    return at < len ? at + 1 : at;
}

static size_t insert(char *t, size_t len, size_t at, const char *s, size_t n)
{
    if (len + n > MAX_TEXT)
        return len;
    memmove(t + at + n, t + at, len - at);
    memcpy(t + at, s, n);
    return len + n;
}

static size_t mutate_once(char *t, size_t len)
{
    static const char syntax[] = "[]\"= \t\n#,\r\0x";
    size_t at = len ? rnd() % len : 0;
    switch (rnd() % 7) {
    case 0:
        if (len)
            t[at] ^= (char)(1u << (rnd() % 8));
        return len;
    case 1: return insert(t, len, at, &syntax[rnd() % (sizeof(syntax) - 1)], 1);
    case 2: { /* cut a line */
        size_t s = line_start(t, at), e = line_end(t, len, at);
        memmove(t + s, t + e, len - e);
        return len - (e - s);
    }
    case 3: { /* duplicate a line elsewhere */
        size_t s = line_start(t, at), e = line_end(t, len, at);
        char line[MAX_TEXT];
        memcpy(line, t + s, e - s);
        return insert(t, len, line_start(t, len ? rnd() % len : 0), line, e - s);
    }
    case 4: return at; /* truncate */
    case 5: {          /* a long run */
        char run[5000];
        size_t n = 1 + rnd() % sizeof(run);
        memset(run, "a,\"["[rnd() % 4], n);
        return insert(t, len, at, run, n);
    }
    default: { /* a random section header or key line */
        static const char *const lines[] = {
            "[device]\n",     "[drive \"z\"]\n",
            "[memory]\n",     "  size = \"1\"\n",
            "  id = \"q\"\n", "[netdev]\n",
            "  x = \"\"\n",   "[machine]\n  type = \"\"\n",
            "[boot-opts]\n",  "  driver = \"a,,b\"\n",
        };
        const char *l = lines[rnd() % (sizeof(lines) / sizeof(lines[0]))];
        return insert(t, len, line_start(t, at), l, strlen(l));
    }
    }
}

static void check_case(const char *text, size_t len, unsigned *accepted)
{
    static struct ui_options a, b, c;
    char err[512];
    if (!options_from_text(&a, text, len, err, sizeof(err))) {
        ck_assert_msg(err[0] && !strchr(err, '\n'), "one line: '%s'", err);
        return;
    }
    (*accepted)++;
    char *t1 = ui_config_format(&a, err, sizeof(err));
    if (!t1)
        return; /* read fine, but holds nothing writable (cannot happen from a file) */
    ck_assert_msg(options_from_text(&b, t1, strlen(t1), err, sizeof(err)), "%s in\n%s", err, t1);
    char *t2 = ui_config_format(&b, err, sizeof(err));
    ck_assert_ptr_nonnull(t2);
    ck_assert_msg(options_from_text(&c, t2, strlen(t2), err, sizeof(err)), "%s", err);
    char *t3 = ui_config_format(&c, err, sizeof(err));
    ck_assert_ptr_nonnull(t3);
    ck_assert_str_eq(t2, t3);
    free(t1);
    free(t2);
    free(t3);
}

START_TEST(mutated_config_files_are_refused_or_read_never_crash)
{
    const char *cases_env = getenv("JIT86_FUZZ_CASES"), *seed_env = getenv("JIT86_FUZZ_SEED");
    unsigned cases = cases_env ? (unsigned)strtoul(cases_env, NULL, 0) : 10000;
    rng_state = seed_env ? strtoull(seed_env, NULL, 0) : 0x6a69743836636667ull;
    if (!rng_state)
        rng_state = 1;
    static char text[MAX_TEXT + 1];
    unsigned accepted = 0;
    for (unsigned i = 0; i < cases; i++) {
        const char *seed = seeds[rnd() % (sizeof(seeds) / sizeof(seeds[0]))];
        size_t len = strlen(seed);
        memcpy(text, seed, len);
        int n = 1 + (int)(rnd() % 4);
        for (int k = 0; k < n; k++)
            len = mutate_once(text, len);
        check_case(text, len, &accepted);
    }
    printf("config fuzz: %u cases, %u accepted\n", cases, accepted);
    ck_assert_uint_gt(accepted, 0);
    ck_assert_uint_lt(accepted, cases);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("config_fuzz");
    TCase *tc = tcase_create("config_fuzz");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, mutated_config_files_are_refused_or_read_never_crash);
    suite_add_tcase(s, tc);
    return s;
}
