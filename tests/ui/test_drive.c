/* -drive specs onto the board's drive table (ui/drive.c): slots, media,
 * formats, ",," escapes, and one-line refusals. */
#include "ui/drive.h"

#include <check.h>
#include <string.h>

static struct ui_drive_names names;

static bool apply(struct pc_drive_files *f, const char *a, const char *b, char *err)
{
    struct ui_list l = {0};
    l.item[l.count++] = a;
    if (b)
        l.item[l.count++] = b;
    return ui_drives_apply(&l, f, &names, err, 200);
}

START_TEST(drive_ide_defaults_to_first_free_slot_after_hda)
{
    struct pc_drive_files f = {.hd = {"a.img"}};
    char err[200] = "";
    ck_assert(apply(&f, "file=b.qcow2,format=qcow2", NULL, err));
    ck_assert_str_eq(f.hd[1], "b.qcow2");
    ck_assert_str_eq(f.hd_opts[1].format, "qcow2");
    ck_assert(!f.hd_opts[1].cdrom && !f.hd_opts[1].readonly);
}
END_TEST

START_TEST(drive_cdrom_at_index_is_read_only_and_may_be_empty)
{
    struct pc_drive_files f = {0};
    char err[200] = "";
    ck_assert(apply(&f, "if=ide,index=3,media=cdrom,file=x.iso", "media=cdrom,index=1", err));
    ck_assert_str_eq(f.hd[3], "x.iso");
    ck_assert(f.hd_opts[3].cdrom && f.hd_opts[3].readonly);
    ck_assert_ptr_null(f.hd[1]);
    ck_assert(f.hd_opts[1].cdrom);
}
END_TEST

START_TEST(drive_floppy_readonly_snapshot_and_comma_escape)
{
    struct pc_drive_files f = {0};
    char err[200] = "";
    ck_assert(apply(&f, "file=dos,,1.img,if=floppy,readonly=on,snapshot=on,cache=none", NULL, err));
    ck_assert_str_eq(f.fd[0], "dos,1.img");
    ck_assert(f.fd_opts[0].readonly && f.fd_opts[0].snapshot);
    ck_assert_ptr_null(f.fd_opts[0].format);
}
END_TEST

START_TEST(drive_refuses_taken_slot_unknown_key_and_missing_file)
{
    char err[200];
    struct pc_drive_files f = {.hd = {NULL, NULL, NULL, NULL}, .cdrom = "cd.iso"};
    ck_assert(!apply(&f, "file=d.img,index=2", NULL, err));
    ck_assert_str_eq(err, "-drive: if=ide,index=2 is already in use");
    struct pc_drive_files g = {0};
    ck_assert(!apply(&g, "file=d.img,bogus=1", NULL, err));
    ck_assert_str_eq(err, "-drive: unknown parameter 'bogus'");
    ck_assert(!apply(&g, "if=ide", NULL, err));
    ck_assert_str_eq(err, "-drive: 'if=ide': file= is required (only a CD-ROM may be empty)");
    ck_assert(!apply(&g, "file=f.img,if=floppy,index=2", NULL, err));
    ck_assert_str_eq(err, "-drive: if=floppy has indexes 0 to 1");
    ck_assert(!apply(&g, "file=f.img,if=scsi", NULL, err));
    ck_assert_str_eq(err, "-drive: if=scsi: this machine has ide and floppy");
    ck_assert(!apply(&g, "file=f.img,readonly=maybe", NULL, err));
    ck_assert_str_eq(err, "-drive: readonly=maybe: expected on or off");
    ck_assert(!apply(&g, "f.img", NULL, err));
    ck_assert_str_eq(err, "-drive: 'f.img': expected KEY=VALUE");
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("ui_drive");
    TCase *tc = tcase_create("drive");
    tcase_add_test(tc, drive_ide_defaults_to_first_free_slot_after_hda);
    tcase_add_test(tc, drive_cdrom_at_index_is_read_only_and_may_be_empty);
    tcase_add_test(tc, drive_floppy_readonly_snapshot_and_comma_escape);
    tcase_add_test(tc, drive_refuses_taken_slot_unknown_key_and_missing_file);
    suite_add_tcase(s, tc);
    return s;
}
