/* COM port backends from -serial and -chardev + -device isa-serial (the
 * host-guest channel's command line, docs/monitor.md). */
#include "ui/options.h"
#include "ui/serial-ports.h"

#include <check.h>
#include <string.h>

static struct ui_options o;
static char err[256];
static char spec[SERIAL_PORTS][SERIAL_SPEC_MAX];

#define PARSE(...)                                                                                 \
    ui_parse_options(sizeof((char *[]){"jit86", __VA_ARGS__}) / sizeof(char *),                    \
                     (char *[]){"jit86", __VA_ARGS__}, &o, err, sizeof(err))

START_TEST(serial_ports_isa_serial_takes_next_port_after_serial)
{
    ck_assert(PARSE("-serial", "stdio", "-chardev",
                    "socket,id=ch,path=/tmp/c.sock,server=on,wait=off", "-device",
                    "isa-serial,chardev=ch"));
    ck_assert(serial_ports_resolve(&o, spec, err, sizeof(err)));
    ck_assert_str_eq(spec[0], "stdio");
    ck_assert_str_eq(spec[1], "unix:/tmp/c.sock,server");
}
END_TEST

START_TEST(serial_ports_tcp_chardev_defaults_to_loopback)
{
    ck_assert(PARSE("-chardev", "socket,id=t,port=4555,server,nowait", "-device",
                    "isa-serial,chardev=t,index=1"));
    ck_assert(serial_ports_resolve(&o, spec, err, sizeof(err)));
    ck_assert_str_eq(spec[0], "");
    ck_assert_str_eq(spec[1], "tcp:127.0.0.1:4555,server");
}
END_TEST

START_TEST(serial_ports_client_socket_and_file)
{
    ck_assert(PARSE("-chardev", "socket,id=a,host=10.0.0.1,port=7", "-chardev",
                    "file,id=b,path=/tmp/out", "-device", "isa-serial,chardev=a", "-device",
                    "isa-serial,chardev=b"));
    ck_assert(serial_ports_resolve(&o, spec, err, sizeof(err)));
    ck_assert_str_eq(spec[0], "tcp:10.0.0.1:7");
    ck_assert_str_eq(spec[1], "file:/tmp/out");
}
END_TEST

START_TEST(serial_ports_errors_are_one_line)
{
    ck_assert(PARSE("-device", "isa-serial,chardev=nope"));
    ck_assert(!serial_ports_resolve(&o, spec, err, sizeof(err)));
    ck_assert_str_eq(err, "-device: isa-serial: no -chardev with id=nope");
    ck_assert(PARSE("-device", "isa-serial"));
    ck_assert(!serial_ports_resolve(&o, spec, err, sizeof(err)));
    ck_assert_str_eq(err, "-device: isa-serial needs chardev=ID in 'isa-serial'");
    ck_assert(PARSE("-serial", "null", "-serial", "null", "-chardev", "null,id=n", "-device",
                    "isa-serial,chardev=n"));
    ck_assert(!serial_ports_resolve(&o, spec, err, sizeof(err)));
    ck_assert_str_eq(err, "-device: isa-serial: no free serial port for 'isa-serial,chardev=n' "
                          "(COM1-COM2)");
    ck_assert(PARSE("-chardev", "pty,id=p", "-device", "isa-serial,chardev=p"));
    ck_assert(!serial_ports_resolve(&o, spec, err, sizeof(err)));
    ck_assert_str_eq(err,
                     "-chardev: unsupported backend in 'pty,id=p' (socket, file, stdio, null)");
    ck_assert(PARSE("-chardev", "socket,id=s", "-device", "isa-serial,chardev=s"));
    ck_assert(!serial_ports_resolve(&o, spec, err, sizeof(err)));
    ck_assert_str_eq(err, "-chardev: socket needs path= or port= in 'socket,id=s'");
}
END_TEST

START_TEST(serial_ports_device_name_match)
{
    ck_assert(serial_ports_is_device("isa-serial,chardev=x"));
    ck_assert(serial_ports_is_device("isa-serial"));
    ck_assert(!serial_ports_is_device("isa-serial2"));
    ck_assert(!serial_ports_is_device("isa-debug-exit"));
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("serial_ports");
    TCase *tc = tcase_create("resolve");
    tcase_add_test(tc, serial_ports_isa_serial_takes_next_port_after_serial);
    tcase_add_test(tc, serial_ports_tcp_chardev_defaults_to_loopback);
    tcase_add_test(tc, serial_ports_client_socket_and_file);
    tcase_add_test(tc, serial_ports_errors_are_one_line);
    tcase_add_test(tc, serial_ports_device_name_match);
    suite_add_tcase(s, tc);
    return s;
}
