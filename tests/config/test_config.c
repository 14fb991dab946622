/* VM definition files (-readconfig / -writeconfig): writing the options of a
 * command line, reading them back into the same options, writing again gives
 * the same text; bad files are refused with FILE:LINE and one reason. */
#include "config-fixture.h"

#include <check.h>
#include <string.h>
#include <unistd.h>

static char err[512];

#define ARGC(...) (int)(sizeof((char *[]){"jit86", __VA_ARGS__}) / sizeof(char *))
#define ARGV(...) ((char *[]){"jit86", __VA_ARGS__})

/* A command line using every section the writer knows. */
#define FULL_VM                                                                                    \
    "-m", "256", "-M", "pc", "-cpu", "pentium3,-sse", "-kernel", "/boot/bzImage", "-initrd",       \
        "/boot/initrd.gz", "-append", "console=ttyS0 quiet a=b,c", "-bios", "/fw/bios.bin",        \
        "-vga", "none", "-accel", "tcg,backend=interp", "-name", "guest one", "-icount", "3",      \
        "-boot", "order=dc", "-rtc", "base=2000-01-01", "-hda", "/img/disk.qcow2", "-cdrom",       \
        "/img/cd.iso", "-fda", "/img/floppy.img", "-drive",                                        \
        "file=/img/odd,,name.raw,format=raw,if=ide,index=1", "-chardev",                           \
        "socket,id=c0,path=/tmp/c0.sock,server=on,wait=off", "-netdev",                            \
        "user,id=n0,hostfwd=tcp::5555-:22", "-device", "ne2k_pci,netdev=n0,id=nic0", "-device",    \
        "isa-debug-exit,iobase=0xf4"

static char *format(const struct ui_options *o)
{
    char *text = ui_config_format(o, err, sizeof(err));
    ck_assert_msg(text != NULL, "%s", err);
    return text;
}

START_TEST(write_read_write_gives_identical_text)
{
    static struct ui_options a, b, c;
    ck_assert_msg(ui_parse_options(ARGC(FULL_VM), ARGV(FULL_VM), &a, err, sizeof(err)), "%s", err);
    char *t1 = format(&a);
    ck_assert_msg(options_from_text(&b, t1, strlen(t1), err, sizeof(err)), "%s", err);
    char *t2 = format(&b);
    ck_assert_str_eq(t1, t2);
    ck_assert_msg(options_from_text(&c, t2, strlen(t2), err, sizeof(err)), "%s", err);
    char *t3 = format(&c);
    ck_assert_str_eq(t2, t3);
    free(t1);
    free(t2);
    free(t3);
}
END_TEST

START_TEST(read_config_gives_the_command_line_options)
{
    static struct ui_options a, b;
    ck_assert(ui_parse_options(ARGC(FULL_VM), ARGV(FULL_VM), &a, err, sizeof(err)));
    char *t = format(&a);
    ck_assert_msg(options_from_text(&b, t, strlen(t), err, sizeof(err)), "%s", err);
    ck_assert_uint_eq(b.ram_mib, 256);
    ck_assert_str_eq(b.machine, "pc");
    ck_assert_str_eq(b.cpu_model, "pentium3,-sse");
    ck_assert_str_eq(b.kernel, "/boot/bzImage");
    ck_assert_str_eq(b.initrd, "/boot/initrd.gz");
    ck_assert_str_eq(b.append, "console=ttyS0 quiet a=b,c");
    ck_assert_str_eq(b.bios, "/fw/bios.bin");
    ck_assert_str_eq(b.vga, "none");
    ck_assert_str_eq(b.accel, "tcg,backend=interp");
    ck_assert_str_eq(b.name, "guest one");
    ck_assert_int_eq(b.icount_shift, 3);
    ck_assert_str_eq(b.boot, "order=dc");
    ck_assert_str_eq(b.rtc, "base=2000-01-01");
    /* -hda, -cdrom and -fda come back as the -drive QEMU makes of them. */
    ck_assert_int_eq(b.drive.count, 4);
    ck_assert_str_eq(b.drive.item[0], "if=ide,index=0,media=disk,file=/img/disk.qcow2");
    ck_assert_str_eq(b.drive.item[1], "if=ide,index=2,media=cdrom,file=/img/cd.iso");
    ck_assert_str_eq(b.drive.item[2], "if=floppy,index=0,file=/img/floppy.img");
    ck_assert_str_eq(b.drive.item[3], "file=/img/odd,,name.raw,format=raw,if=ide,index=1");
    ck_assert_int_eq(b.chardev.count, 1);
    ck_assert_str_eq(b.chardev.item[0], "socket,id=c0,path=/tmp/c0.sock,server=on,wait=off");
    ck_assert_str_eq(b.netdev.item[0], "user,id=n0,hostfwd=tcp::5555-:22");
    ck_assert_int_eq(b.device.count, 2);
    ck_assert_str_eq(b.device.item[0], "ne2k_pci,id=nic0,netdev=n0");
    ck_assert_str_eq(b.device.item[1], "isa-debug-exit,iobase=0xf4");
    free(t);
}
END_TEST

START_TEST(host_side_options_are_not_part_of_the_definition)
{
    static struct ui_options a;
    ck_assert(ui_parse_options(ARGC("-m", "32", "-serial", "stdio", "-monitor", "stdio", "-S",
                                    "-nographic", "-incoming", "file:x", "-d", "in_asm"),
                               ARGV("-m", "32", "-serial", "stdio", "-monitor", "stdio", "-S",
                                    "-nographic", "-incoming", "file:x", "-d", "in_asm"),
                               &a, err, sizeof(err)));
    char *t = format(&a);
    ck_assert_str_eq(t, "# jit86 VM definition (QEMU -readconfig form)\n"
                        "\n[machine]\n  type = \"pc\"\n"
                        "\n[memory]\n  size = \"32M\"\n");
    free(t);
}
END_TEST

START_TEST(comments_blank_lines_and_indentation_are_accepted)
{
    static struct ui_options o;
    const char *text = "# a VM\n\n[memory]\n\tsize=\"64M\"   \r\n  # note\n[drive \"d0\"]\n"
                       "file = \"a.img\"\n  if = \"ide\"\n";
    ck_assert_msg(options_from_text(&o, text, strlen(text), err, sizeof(err)), "%s", err);
    ck_assert_uint_eq(o.ram_mib, 64);
    ck_assert_int_eq(o.drive.count, 1);
    ck_assert_str_eq(o.drive.item[0], "id=d0,file=a.img,if=ide");
}
END_TEST

/* Each bad file and the one line it gets. */
static const struct {
    const char *text, *error;
} bad_files[] = {
    {"[memory]\nsize = 64M\n", "vm.cfg:2: size: the value must be in double quotes"},
    {"size = \"64M\"\n", "vm.cfg:1: size: key outside a section"},
    {"[memory\n", "vm.cfg:1: expected [group] or [group \"id\"]"},
    {"[bogus]\n", "vm.cfg:1: unknown section [bogus]"},
    {"[memory \"m0\"]\n", "vm.cfg:1: [memory] takes no id"},
    {"[drive \"d0\" ]\n", "vm.cfg:1: expected [group \"id\"]"},
    {"[machine]\n  colour = \"red\"\n", "vm.cfg:2: unknown key 'colour' in [machine]"},
    {"[machine]\n  type = \"pc\" extra\n", "vm.cfg:2: text after the closing quote"},
    {"[machine]\njust words\n", "vm.cfg:2: expected [group], [group \"id\"] or key = \"value\""},
    {"[memory]\n  size = \"0\"\n", "vm.cfg:2: -m: RAM size must be 1 to 3584 MiB, not '0'"},
    {"[device \"x\"]\n  netdev = \"n0\"\n", "vm.cfg:1: [device] needs a value for its type"},
    {"[drive \"d\"]\n  id = \"e\"\n", "vm.cfg:2: the id goes in the header: [group \"id\"]"},
    {"[machine]\n  vga = \"cga\"\n", "vm.cfg:2: -vga: unknown video card 'cga' (std or none)"},
    {"[memory]\n  size = \"6\0\"\n", "vm.cfg:2: NUL byte in the line"},
};

START_TEST(bad_files_are_refused_with_file_line_and_reason)
{
    static struct ui_options o;
    const char *text = bad_files[_i].text;
    size_t len = strlen(text);
    if (strstr(bad_files[_i].error, "NUL"))
        len = 28; /* the text has a NUL inside */
    ck_assert(!options_from_text(&o, text, len, err, sizeof(err)));
    ck_assert_str_eq(err, bad_files[_i].error);
}
END_TEST

START_TEST(readconfig_and_writeconfig_on_the_command_line)
{
    static struct ui_options o;
    char path[] = "/tmp/jit86-config-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_msg(ui_parse_options(ARGC("-m", "48", "-hda", "d.img", "-writeconfig", path),
                                   ARGV("-m", "48", "-hda", "d.img", "-writeconfig", path), &o, err,
                                   sizeof(err)),
                  "%s", err);
    ck_assert_msg(ui_parse_options(ARGC("-readconfig", path, "-m", "96"),
                                   ARGV("-readconfig", path, "-m", "96"), &o, err, sizeof(err)),
                  "%s", err);
    ck_assert_uint_eq(o.ram_mib, 96); /* a later option wins */
    ck_assert_str_eq(o.drive.item[0], "if=ide,index=0,media=disk,file=d.img");
    unlink(path);
    ck_assert(!ui_parse_options(ARGC("-readconfig", "/nonexistent/vm.cfg"),
                                ARGV("-readconfig", "/nonexistent/vm.cfg"), &o, err, sizeof(err)));
    ck_assert_str_eq(err,
                     "-readconfig: cannot open /nonexistent/vm.cfg: No such file or directory");
}
END_TEST

START_TEST(unwritable_values_are_refused)
{
    static struct ui_options o;
    ck_assert(ui_parse_options(ARGC("-append", "say \"hi\""), ARGV("-append", "say \"hi\""), &o,
                               err, sizeof(err)));
    ck_assert_ptr_null(ui_config_format(&o, err, sizeof(err)));
    ck_assert_str_eq(err, "-writeconfig: append = 'say \"hi\"': a value cannot hold a double "
                          "quote or a line break");
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("config_file");
    TCase *tc = tcase_create("config_file");
    tcase_add_test(tc, write_read_write_gives_identical_text);
    tcase_add_test(tc, read_config_gives_the_command_line_options);
    tcase_add_test(tc, host_side_options_are_not_part_of_the_definition);
    tcase_add_test(tc, comments_blank_lines_and_indentation_are_accepted);
    tcase_add_loop_test(tc, bad_files_are_refused_with_file_line_and_reason, 0,
                        (int)(sizeof(bad_files) / sizeof(bad_files[0])));
    tcase_add_test(tc, readconfig_and_writeconfig_on_the_command_line);
    tcase_add_test(tc, unwritable_values_are_refused);
    suite_add_tcase(s, tc);
    return s;
}
