/* -d category parsing and the log stream. */
#include "translator/log.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

START_TEST(log_categories_parse_to_mask)
{
    uint32_t mask = 0;
    bool help = true;
    char err[128] = "";
    ck_assert(log_parse_categories("in_asm,op,int", &mask, &help, err, sizeof(err)));
    ck_assert_uint_eq(mask, LOG_IN_ASM | LOG_OP | LOG_INT);
    ck_assert(!help);
}
END_TEST

START_TEST(log_unknown_category_is_an_error_naming_it)
{
    uint32_t mask = 77;
    bool help;
    char err[128] = "";
    ck_assert(!log_parse_categories("op,bogus_cat", &mask, &help, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "'bogus_cat'"));
    ck_assert_uint_eq(mask, 77);
}
END_TEST

START_TEST(log_help_and_all)
{
    uint32_t mask = 0;
    bool help = false;
    char err[128];
    ck_assert(log_parse_categories("help", &mask, &help, err, sizeof(err)));
    ck_assert(help);
    ck_assert_uint_eq(mask, 0);
    ck_assert(log_parse_categories("all", &mask, &help, err, sizeof(err)));
    ck_assert_uint_eq(mask, (1u << LOG_CATEGORY_COUNT) - 1);
    ck_assert(mask & LOG_MMU);
}
END_TEST

START_TEST(log_writes_only_enabled_categories_to_file)
{
    char path[] = "/tmp/jit86-logtest-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert(log_set_file(path));
    log_mask = LOG_INT;
    log_mask_printf(LOG_INT, "int %d\n", 13);
    log_mask_printf(LOG_EXEC, "exec\n");
    log_close();
    log_mask = 0;

    char buf[64] = "";
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    unlink(path);
    buf[n] = '\0';
    ck_assert_str_eq(buf, "int 13\n");
}
END_TEST

START_TEST(log_set_file_reports_unwritable_path)
{
    ck_assert(!log_set_file("/nonexistent-dir/x.log"));
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("translator_log");
    TCase *tc = tcase_create("log");
    tcase_add_test(tc, log_categories_parse_to_mask);
    tcase_add_test(tc, log_unknown_category_is_an_error_naming_it);
    tcase_add_test(tc, log_help_and_all);
    tcase_add_test(tc, log_writes_only_enabled_categories_to_file);
    tcase_add_test(tc, log_set_file_reports_unwritable_path);
    suite_add_tcase(s, tc);
    return s;
}
