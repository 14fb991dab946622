/* QEMU-style command-line parsing. */
#include "ui/options.h"

#include "translator/log.h"

#include <check.h>
#include <string.h>

static struct ui_options o;
static char err[256];

#define PARSE(...)                                                                                 \
    ui_parse_options(sizeof((char *[]){"jit86", __VA_ARGS__}) / sizeof(char *),                    \
                     (char *[]){"jit86", __VA_ARGS__}, &o, err, sizeof(err))

START_TEST(options_defaults)
{
    char *argv[] = {"jit86"};
    ck_assert(ui_parse_options(1, argv, &o, err, sizeof(err)));
    ck_assert_uint_eq(o.ram_mib, 128);
    ck_assert_int_eq(o.icount_shift, -1);
    ck_assert_int_eq(o.smp, 1);
    ck_assert_ptr_null(o.hd[0]);
    ck_assert(!o.nographic);
}
END_TEST

START_TEST(options_ram_sizes)
{
    ck_assert(PARSE("-m", "256"));
    ck_assert_uint_eq(o.ram_mib, 256);
    ck_assert(PARSE("-m", "1G"));
    ck_assert_uint_eq(o.ram_mib, 1024);
    ck_assert(PARSE("-m", "size=64M"));
    ck_assert_uint_eq(o.ram_mib, 64);
    ck_assert(!PARSE("-m", "0"));
    ck_assert(!PARSE("-m", "4G"));
    ck_assert(!PARSE("-m", "12x"));
    ck_assert_str_eq(err, "-m: invalid RAM size '12x'");
    ck_assert(!PARSE("-m", "-5"));
}
END_TEST

START_TEST(options_unknown_is_one_line_error)
{
    ck_assert(!PARSE("-nographic", "--bogus"));
    ck_assert_str_eq(err, "--bogus: invalid option (try --help)");
}
END_TEST

START_TEST(options_missing_argument)
{
    ck_assert(!PARSE("-kernel"));
    ck_assert_str_eq(err, "-kernel: requires an argument (FILE)");
}
END_TEST

START_TEST(options_qemu_spellings)
{
    ck_assert(PARSE("-hda", "a.img", "--cdrom", "cd.iso", "-fda", "f.img", "-boot", "d", "-kernel",
                    "bz", "-initrd", "rd", "-append", "console=ttyS0", "-nographic", "-snapshot",
                    "-no-reboot", "-icount", "shift=3", "-s", "-cpu", "pentium3,-sse", "-loadvm",
                    "snap1"));
    ck_assert_str_eq(o.hd[0], "a.img");
    ck_assert_str_eq(o.cdrom, "cd.iso");
    ck_assert_str_eq(o.fd[0], "f.img");
    ck_assert_str_eq(o.boot, "d");
    ck_assert_str_eq(o.kernel, "bz");
    ck_assert_str_eq(o.initrd, "rd");
    ck_assert_str_eq(o.append, "console=ttyS0");
    ck_assert(o.nographic && o.snapshot && o.no_reboot);
    ck_assert_int_eq(o.icount_shift, 3);
    ck_assert_str_eq(o.gdb, "tcp::1234");
    ck_assert_str_eq(o.cpu_model, "pentium3,-sse");
    ck_assert_str_eq(o.loadvm, "snap1");
}
END_TEST

START_TEST(options_bare_file_is_first_disk)
{
    ck_assert(PARSE("-m", "64", "disk.qcow2"));
    ck_assert_str_eq(o.hd[0], "disk.qcow2");
}
END_TEST

START_TEST(options_repeatable_lists)
{
    ck_assert(PARSE("-serial", "stdio", "-serial", "file:com2.log", "-device",
                    "isa-debug-exit,iobase=0xf4,iosize=4"));
    ck_assert_int_eq(o.serial.count, 2);
    ck_assert_str_eq(o.serial.item[1], "file:com2.log");
    ck_assert_int_eq(o.device.count, 1);
}
END_TEST

START_TEST(options_log_items)
{
    ck_assert(PARSE("-d", "in_asm,int", "-D", "x.log"));
    ck_assert_uint_eq(o.log_mask, LOG_IN_ASM | LOG_INT);
    ck_assert_str_eq(o.log_file, "x.log");
    ck_assert(!PARSE("-d", "nope"));
    ck_assert_str_eq(err, "-d: unknown log category 'nope' (try -d help)");
}
END_TEST

START_TEST(options_value_ranges)
{
    ck_assert(!PARSE("-icount", "11"));
    ck_assert(!PARSE("-smp", "2"));
    ck_assert(!PARSE("-display", "gtk"));
    ck_assert(PARSE("-display", "none"));
    ck_assert_str_eq(o.display, "none");
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("ui_options");
    TCase *tc = tcase_create("options");
    tcase_add_test(tc, options_defaults);
    tcase_add_test(tc, options_ram_sizes);
    tcase_add_test(tc, options_unknown_is_one_line_error);
    tcase_add_test(tc, options_missing_argument);
    tcase_add_test(tc, options_qemu_spellings);
    tcase_add_test(tc, options_bare_file_is_first_disk);
    tcase_add_test(tc, options_repeatable_lists);
    tcase_add_test(tc, options_log_items);
    tcase_add_test(tc, options_value_ranges);
    suite_add_tcase(s, tc);
    return s;
}
