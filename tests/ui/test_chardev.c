/* Character backends: spec parsing, file output, sockets with input
 * delivery and back-pressure, and the Ctrl-A multiplexer. */
#include "ui/chardev.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static char tmpdir[64];

static void setup(void)
{
    strcpy(tmpdir, "/tmp/jit86-chr-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

START_TEST(chardev_file_receives_bytes)
{
    char spec[160], path[128], err[256];
    snprintf(path, sizeof(path), "%s/com1.log", tmpdir);
    snprintf(spec, sizeof(spec), "file:%s", path);
    struct chardev c;
    ck_assert_msg(chardev_open(&c, "-serial", spec, err, sizeof(err)), "%s", err);
    chardev_write_cb(&c, (const uint8_t *)"boot ok\n", 8);
    chardev_close(&c);
    FILE *f = fopen(path, "r");
    char buf[16] = "";
    ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
    fclose(f);
    ck_assert_str_eq(buf, "boot ok\n");
}
END_TEST

START_TEST(chardev_bad_specs_are_one_line_errors)
{
    struct chardev c;
    char err[256];
    ck_assert(!chardev_open(&c, "-serial", "vc", err, sizeof(err)));
    ck_assert_str_eq(err,
                     "-serial: unknown character device 'vc' (stdio, null, file:, unix:, tcp:)");
    ck_assert(!chardev_open(&c, "-debugcon", "file:/nonexistent/dir/x", err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "-debugcon: cannot open '/nonexistent/dir/x'"));
    ck_assert(!chardev_open(&c, "-serial", "tcp:nohostport", err, sizeof(err)));
    ck_assert(chardev_open(&c, "-serial", "null", err, sizeof(err)));
    chardev_write(&c, (const uint8_t *)"x", 1); /* goes nowhere */
    ck_assert_int_eq(chardev_poll_fd(&c), -1);
}
END_TEST

static uint8_t got[64];
static size_t ngot, accept_max;

static size_t take(void *opaque, const uint8_t *buf, size_t len)
{
    (void)opaque;
    size_t n = len < accept_max ? len : accept_max;
    memcpy(got + ngot, buf, n);
    ngot += n;
    return n;
}

START_TEST(chardev_unix_server_delivers_input_with_backpressure)
{
    char spec[160], path[128], err[256];
    snprintf(path, sizeof(path), "%s/serial.sock", tmpdir);
    snprintf(spec, sizeof(spec), "unix:%s,server,nowait", path);
    struct chardev c;
    ck_assert_msg(chardev_open(&c, "-serial", spec, err, sizeof(err)), "%s", err);
    c.input = take;
    ngot = 0;
    accept_max = 2;
    int cl = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    strcpy(sa.sun_path, path);
    ck_assert_int_eq(connect(cl, (struct sockaddr *)&sa, sizeof(sa)), 0);
    ck_assert_int_eq(write(cl, "hello", 5), 5);
    for (int i = 0; i < 50 && ngot < 2; i++) {
        chardev_poll(&c);
        usleep(1000);
    }
    ck_assert_uint_eq(ngot, 2); /* the device took two, three wait */
    ck_assert_uint_eq(c.npending, 3);
    accept_max = 64;
    chardev_poll(&c);
    ck_assert_uint_eq(ngot, 5);
    ck_assert_mem_eq(got, "hello", 5);
    chardev_write(&c, (const uint8_t *)"ok", 2);
    char back[4] = "";
    ck_assert_int_eq(read(cl, back, 2), 2);
    ck_assert_str_eq(back, "ok");
    close(cl);
    for (int i = 0; i < 50 && c.in_fd >= 0; i++) {
        ck_assert(chardev_poll(&c)); /* a server outlives its client */
        usleep(1000);
    }
    ck_assert_int_eq(c.in_fd, -1);
    chardev_close(&c);
}
END_TEST

static size_t take_all(void *opaque, const uint8_t *buf, size_t len)
{
    memcpy(opaque, buf, len);
    return len;
}

/* A terminal with no key pressed (here a pipe with nothing written) must not
 * block the poll: -nographic on a tty printed nothing while read() waited. */
START_TEST(chardev_stdio_poll_does_not_block_without_input)
{
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    int saved = dup(STDIN_FILENO);
    ck_assert_int_eq(dup2(p[0], STDIN_FILENO), STDIN_FILENO);
    char err[256];
    struct chardev c;
    ck_assert(chardev_open(&c, "-serial", "stdio", err, sizeof(err)));
    char got[8] = {0};
    c.input = take_all;
    c.input_opaque = got;
    alarm(5); /* a blocking read ends the test with SIGALRM */
    ck_assert(chardev_poll(&c));
    ck_assert_int_eq(write(p[1], "k", 1), 1);
    ck_assert(chardev_poll(&c));
    alarm(0);
    ck_assert_str_eq(got, "k");
    close(p[1]);
    ck_assert(!chardev_poll(&c)); /* end of input */
    dup2(saved, STDIN_FILENO);
    close(saved);
    close(p[0]);
}
END_TEST

START_TEST(chardev_mux_escapes)
{
    struct chardev_mux m = {0};
    uint8_t out = 0;
    ck_assert_int_eq(chardev_mux_input(&m, 'a', &out), MUX_PASS);
    ck_assert_uint_eq(out, 'a');
    ck_assert_int_eq(chardev_mux_input(&m, 0x01, &out), MUX_SWALLOW);
    ck_assert_int_eq(chardev_mux_input(&m, 'x', &out), MUX_QUIT);
    ck_assert_int_eq(chardev_mux_input(&m, 0x01, &out), MUX_SWALLOW);
    ck_assert_int_eq(chardev_mux_input(&m, 'c', &out), MUX_SWITCH);
    ck_assert_int_eq(chardev_mux_input(&m, 0x01, &out), MUX_SWALLOW);
    ck_assert_int_eq(chardev_mux_input(&m, 0x01, &out), MUX_PASS);
    ck_assert_uint_eq(out, 0x01);
    ck_assert_int_eq(chardev_mux_input(&m, 0x01, &out), MUX_SWALLOW);
    ck_assert_int_eq(chardev_mux_input(&m, 'h', &out), MUX_HELP);
    ck_assert_int_eq(chardev_mux_input(&m, 'x', &out), MUX_PASS); /* plain x */
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("ui_chardev");
    TCase *tc = tcase_create("chardev");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, chardev_file_receives_bytes);
    tcase_add_test(tc, chardev_bad_specs_are_one_line_errors);
    tcase_add_test(tc, chardev_unix_server_delivers_input_with_backpressure);
    tcase_add_test(tc, chardev_mux_escapes);
    tcase_add_test(tc, chardev_stdio_poll_does_not_block_without_input);
    suite_add_tcase(s, tc);
    return s;
}
