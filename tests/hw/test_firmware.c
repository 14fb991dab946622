/* Firmware lookup: default directory order, -bios and -L overrides. */
#include "hw/hw.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

static void touch(const char *name)
{
    char p[256];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fputs("rom", f);
    fclose(f);
}

static void setup(void)
{
    strcpy(dir, "/tmp/jit86-fw-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

START_TEST(firmware_prefers_256k_image)
{
    char path[256], err[256], want[256];
    touch("bios.bin");
    touch("bios-256k.bin");
    ck_assert(pc_find_bios(NULL, dir, path, sizeof(path), err, sizeof(err)));
    snprintf(want, sizeof(want), "%s/bios-256k.bin", dir);
    ck_assert_str_eq(path, want);
}
END_TEST

START_TEST(firmware_falls_back_to_128k_image)
{
    char path[256], err[256], want[256];
    touch("bios.bin");
    ck_assert(pc_find_bios(NULL, dir, path, sizeof(path), err, sizeof(err)));
    snprintf(want, sizeof(want), "%s/bios.bin", dir);
    ck_assert_str_eq(path, want);
}
END_TEST

START_TEST(firmware_missing_is_one_clear_error)
{
    char path[256], err[256];
    ck_assert(!pc_find_bios(NULL, dir, path, sizeof(path), err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "no BIOS found in"));
    ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

START_TEST(firmware_bios_name_is_looked_up_in_dir)
{
    char path[256], err[256], want[256];
    touch("custom.rom");
    ck_assert(pc_find_bios("custom.rom", dir, path, sizeof(path), err, sizeof(err)));
    snprintf(want, sizeof(want), "%s/custom.rom", dir);
    ck_assert_str_eq(path, want);
    ck_assert(pc_find_bios(want, NULL, path, sizeof(path), err, sizeof(err)));
    ck_assert_str_eq(path, want);
}
END_TEST

START_TEST(firmware_missing_bios_file_names_it)
{
    char path[256], err[256];
    ck_assert(!pc_find_bios("/nonexistent/x.rom", dir, path, sizeof(path), err, sizeof(err)));
    ck_assert_str_eq(err, "could not load BIOS '/nonexistent/x.rom': no such file");
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("hw_firmware");
    TCase *tc = tcase_create("firmware");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, firmware_prefers_256k_image);
    tcase_add_test(tc, firmware_falls_back_to_128k_image);
    tcase_add_test(tc, firmware_missing_is_one_clear_error);
    tcase_add_test(tc, firmware_bios_name_is_looked_up_in_dir);
    tcase_add_test(tc, firmware_missing_bios_file_names_it);
    suite_add_tcase(s, tc);
    return s;
}
