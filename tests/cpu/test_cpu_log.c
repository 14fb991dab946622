/* -d in_asm,op,op_opt,exec,int,cpu on a real-mode run: each category writes
 * what it promises (guest code through Capstone, IR, blocks, exceptions,
 * registers). */
#include "tests/cpu/machine.h"
#include "translator/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

START_TEST(debug_log_categories_show_code_ir_blocks_interrupts_registers)
{
    char path[] = "/tmp/jit86-cpu-log-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert(log_set_file(path));
    uint32_t mask = 0;
    bool help = false;
    char err[64];
    ck_assert(
        log_parse_categories("in_asm,op,op_opt,exec,int,cpu", &mask, &help, err, sizeof(err)));
    log_mask = mask;
    struct tmachine m;
    tm_init(&m);
    /* mov ax,0x1234; int 0x21 (handler: hlt) */
    static const uint8_t code[] = {0xb8, 0x34, 0x12, 0xcd, 0x21};
    tm_code(&m, code, sizeof(code));
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    tm_free(&m);
    log_mask = 0;
    log_close();
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    static char text[1 << 16];
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    text[n] = 0;
    fclose(f);
    unlink(path);
    ck_assert_msg(strstr(text, "mov      ax, 0x1234"), "in_asm: %s", text);
    ck_assert_ptr_nonnull(strstr(text, "OP 0x1000"));
    ck_assert_ptr_nonnull(strstr(text, "OP after optimization"));
    ck_assert_ptr_nonnull(strstr(text, "exec: 0000:00001000"));
    ck_assert_ptr_nonnull(strstr(text, "int: INT 0x21"));
    ck_assert_ptr_nonnull(strstr(text, "EAX=00001234"));
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("cpu_log");
    TCase *tc = tcase_create("log");
    tcase_add_test(tc, debug_log_categories_show_code_ir_blocks_interrupts_registers);
    suite_add_tcase(s, tc);
    return s;
}
