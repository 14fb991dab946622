/* The MOO reader on the real suite files, and on corrupted copies of them. */
#include "tests/conformance/metadata.h"
#include "tests/conformance/moo.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define SST JIT86_SST286_DIR

static uint8_t *read_gz(const char *path, size_t *len)
{
    gzFile gz = gzopen(path, "rb");
    ck_assert_msg(gz != NULL, "cannot open %s", path);
    size_t cap = 1 << 22;
    uint8_t *buf = malloc(cap);
    int n = gzread(gz, buf, (unsigned)cap);
    gzclose(gz);
    ck_assert_int_gt(n, 0);
    ck_assert_uint_lt((size_t)n, cap);
    *len = (size_t)n;
    return buf;
}

START_TEST(moo_reads_header_meta_and_tests)
{
    struct moo_file f;
    char err[256];
    ck_assert_msg(moo_load(SST "/00.MOO.gz", &f, err, sizeof(err)), "%s", err);
    ck_assert_str_eq(f.cpu, "C286");
    ck_assert_uint_eq(f.opcode, 0x00);
    ck_assert_str_eq(f.mnemonic, "add");
    ck_assert_uint_eq(f.cpu_mode, 0);
    ck_assert_uint_eq(f.ntests, 60);
    struct moo_test *t = &f.tests[0];
    ck_assert_uint_eq(t->index, 0);
    ck_assert_uint_eq(t->init.mask, 0x3FFF);
    ck_assert_uint_eq(t->bytes[0], 0x00);
    ck_assert_uint_eq(t->bytes[t->nbytes - 1], 0xF4);
    ck_assert_ptr_nonnull(strstr(t->name, "add"));
    ck_assert_uint_gt(t->init.nram, t->nbytes - 1);
    ck_assert(!t->has_exception);
    char hex[41];
    moo_hash_hex(t, hex);
    ck_assert_uint_eq(strlen(hex), 40);
    ck_assert_uint_eq(f.tests[59].index, 59);
    moo_free(&f);
}
END_TEST

START_TEST(moo_exception_chunk_is_read)
{
    struct moo_file f;
    char err[256];
    ck_assert_msg(moo_load(SST "/CD.MOO.gz", &f, err, sizeof(err)), "%s", err);
    int with_exc = 0;
    for (uint32_t i = 0; i < f.ntests; i++) {
        if (f.tests[i].has_exception) {
            with_exc++;
            ck_assert_uint_eq(f.tests[i].exc_vector, f.tests[i].bytes[f.tests[i].nbytes - 2]);
        }
    }
    ck_assert_int_eq(with_exc, 60); /* every INT n test takes its interrupt */
    moo_free(&f);
}
END_TEST

START_TEST(moo_every_suite_file_parses)
{
    DIR *d = opendir(SST);
    ck_assert_msg(d != NULL, "missing %s", SST);
    struct dirent *e;
    int files = 0;
    unsigned tests = 0;
    while ((e = readdir(d))) {
        if (!strstr(e->d_name, ".MOO.gz"))
            continue;
        char path[1024], err[256];
        snprintf(path, sizeof(path), "%s/%s", SST, e->d_name);
        struct moo_file f;
        ck_assert_msg(moo_load(path, &f, err, sizeof(err)), "%s", err);
        ck_assert_uint_eq(f.ntests, 60);
        tests += f.ntests;
        files++;
        moo_free(&f);
    }
    closedir(d);
    ck_assert_int_eq(files, 325);
    ck_assert_uint_eq(tests, 19500);
}
END_TEST

START_TEST(moo_truncated_or_corrupted_input_is_refused_not_crashed)
{
    size_t len;
    uint8_t *buf = read_gz(SST "/01.MOO.gz", &len);
    struct moo_file f;
    char err[256];
    for (size_t cut = 0; cut < len; cut += 13) {
        if (moo_parse(buf, cut, &f, err, sizeof(err))) {
            ck_assert_uint_lt(f.ntests, 60); /* a cut on a chunk boundary */
            moo_free(&f);
        } else {
            ck_assert_ptr_nonnull(strstr(err, "malformed MOO data"));
        }
    }
    uint32_t r = 99;
    for (int i = 0; i < 3000; i++) {
        uint8_t *copy = malloc(len);
        memcpy(copy, buf, len);
        for (int k = 0; k < 4; k++) {
            r = r * 1664525u + 1013904223u;
            copy[(r >> 4) % len] ^= (uint8_t)(1u << (r & 7));
        }
        if (moo_parse(copy, len, &f, err, sizeof(err)))
            moo_free(&f);
        free(copy);
    }
    buf[7] = 0x7F; /* header length far beyond the file */
    ck_assert(!moo_parse(buf, len, &f, err, sizeof(err)));
    ck_assert_str_eq(err, "malformed MOO data: no MOO header (test 0)");
    free(buf);
    ck_assert(!moo_load("/nonexistent.MOO.gz", &f, err, sizeof(err)));
}
END_TEST

START_TEST(moo_metadata_masks_and_status)
{
    char err[256];
    struct moo_meta *m = moo_meta_load(SST "/metadata.json", err, sizeof(err));
    ck_assert_msg(m != NULL, "%s", err);
    ck_assert_uint_eq(moo_meta_flags_mask(m, "08", -1), 65519);
    ck_assert_uint_eq(moo_meta_flags_mask(m, "00", -1), 0xFFFF);
    ck_assert_uint_eq(moo_meta_flags_mask(m, "F6", 0), 65519);
    ck_assert_uint_eq(moo_meta_flags_mask(m, "D3", 0), 63487);
    ck_assert_uint_eq(moo_meta_flags_mask(m, "ZZ", -1), 0xFFFF);
    ck_assert_str_eq(moo_meta_status(m, "82", 0), "alias");
    ck_assert_str_eq(moo_meta_status(m, "8F", 1), "undefined");
    ck_assert_str_eq(moo_meta_status(m, "ZZ", 1), "");
    moo_meta_free(m);
    ck_assert_ptr_null(moo_meta_load("/nonexistent.json", err, sizeof(err)));
}
END_TEST

START_TEST(moo_file_names_give_key_and_group)
{
    char key[8];
    int reg;
    ck_assert(moo_file_key("/x/F6.7.MOO.gz", key, &reg));
    ck_assert_str_eq(key, "F6");
    ck_assert_int_eq(reg, 7);
    ck_assert(moo_file_key("0a.MOO.gz", key, &reg));
    ck_assert_str_eq(key, "0A");
    ck_assert_int_eq(reg, -1);
    ck_assert(!moo_file_key("metadata.json", key, &reg));
    ck_assert(!moo_file_key("F.MOO.gz", key, &reg));
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("conformance_moo");
    TCase *tc = tcase_create("moo");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, moo_reads_header_meta_and_tests);
    tcase_add_test(tc, moo_exception_chunk_is_read);
    tcase_add_test(tc, moo_every_suite_file_parses);
    tcase_add_test(tc, moo_truncated_or_corrupted_input_is_refused_not_crashed);
    tcase_add_test(tc, moo_metadata_masks_and_status);
    tcase_add_test(tc, moo_file_names_give_key_and_group);
    suite_add_tcase(s, tc);
    return s;
}
