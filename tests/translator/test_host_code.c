/* What the native backends emit for small IR blocks, read back through
 * Capstone (translator_describe): the instructions a good allocator leaves
 * out (env reloads, register copies of a mov, saves of dead values, unused
 * halves of a product). Code is only emitted, never run, so both backends are checked
 * on every host. */
#include "fixture.h"

#include <check.h>
#include <stdio.h>

/* Fake TLB layout: offsets only matter to the code, which never runs. */
static const struct ir_tlb fake_tlb = {
    .offset = 0x100,
    .table_stride = 0x2000,
    .nmmu = 1,
    .index_bits = 8,
    .entry_bits = 5,
    .page_bits = 12,
    .read_tag = 0,
    .write_tag = 8,
    .addend = 24,
};

static char text[32768];

/* The host code of the block build() makes, as Capstone text. */
static void emit(const struct tb_backend *be, bool tlb, void (*build)(struct ir_block *b))
{
    struct test_mem mem;
    struct ir_env env = test_env(NULL, 0, &mem);
    if (tlb)
        env.tlb = fake_tlb;
    struct translator_config cfg = {.env = &env, .backend = be, .code_size = 1 << 20};
    struct translator *t = translator_new(&cfg);
    ck_assert_ptr_nonnull(t);
    build(translator_block(t));
    struct tb_key key = {0x1000, 0, 0};
    struct tb *tb = translator_commit(t, 0x1000, &key, 1, TB_NO_PAGE);
    ck_assert_ptr_nonnull(tb);
    FILE *f = fmemopen(text, sizeof(text), "w");
    ck_assert_ptr_nonnull(f);
    translator_describe(t, tb, f);
    fclose(f);
    translator_free(t);
}

/* Instructions with this mnemonic whose operands contain operand ("" for
 * any; "^..." for operands starting so). Capstone lines read
 * "  0x0010:  mnemonic  operands". */
static unsigned count(const char *mnemonic, const char *operand)
{
    unsigned n = 0;
    size_t ml = strlen(mnemonic);
    for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        const char *m = strstr(l, ":  ");
        const char *end = strchr(l, '\n');
        if (strncmp(l, "  0x", 4) != 0 || !m || (end && m > end))
            continue;
        m += 3;
        if (strncmp(m, mnemonic, ml) != 0 || m[ml] != ' ')
            continue;
        size_t len = end ? (size_t)(end - m) : strlen(m);
        char line[160];
        snprintf(line, sizeof(line), "%.*s", (int)len, m + ml);
        const char *ops = line + strspn(line, " ");
        n += operand[0] == '^' ? strncmp(ops, operand + 1, strlen(operand + 1)) == 0
                               : strstr(ops, operand) != NULL;
    }
    return n;
}

/* reg-reg moves: "mov r1, r2" (x86-64) or "mov x1, x2" (AArch64). */
static unsigned reg_moves(void)
{
    unsigned n = 0;
    for (const char *l = strstr(text, ":  mov "); l; l = strstr(l + 1, ":  mov ")) {
        char a[8], b[8], rest;
        if (sscanf(l + 3, "mov %7[a-z0-9], %7[a-z0-9]%c", a, b, &rest) == 3 && rest == '\n' &&
            a[0] != '#' && (b[0] < '0' || b[0] > '9'))
            n++;
    }
    return n;
}

/* ---- blocks ---- */

/* eax = ecx + 1; edx = ecx ^ 3: ecx read by two ops. */
static void build_two_reads(struct ir_block *b)
{
    ir_tmp ecx = ir_global(b, G_ECX);
    ir_addi(b, ir_global(b, G_EAX), ecx, 1);
    ir_xori(b, ir_global(b, G_EDX), ecx, 3);
    ir_exit_tb(b, 0);
}

/* eax = [ebx + 4] + [ebx + 8]: the base register of two guest loads. */
static void build_two_loads(struct ir_block *b)
{
    ir_tmp ebx = ir_global(b, G_EBX), a = ir_new_i32(b), v = ir_new_i32(b), w = ir_new_i32(b);
    ir_addi(b, a, ebx, 4);
    ir_guest_ld(b, v, a, IR_MO_32);
    ir_addi(b, a, ebx, 8);
    ir_guest_ld(b, w, a, IR_MO_32);
    ir_add(b, ir_global(b, G_EAX), v, w);
    ir_exit_tb(b, 0);
}

/* ecx = deposit(ecx, eax ^ edx, 0, 8): a byte register write (mov cl, ...). */
static void build_deposit_byte(struct ir_block *b)
{
    ir_tmp ecx = ir_global(b, G_ECX), v = ir_new_i32(b);
    ir_xor(b, v, ir_global(b, G_EAX), ir_global(b, G_EDX));
    ir_deposit(b, ecx, ecx, v, 0, 8);
    ir_exit_tb(b, 0);
}

/* eax = low half of ecx * edx signed, the high half unused (IMUL r32, r/m32
 * with dead flags). */
static void build_mul_low_half(struct ir_block *b)
{
    ir_tmp hi = ir_new_i32(b);
    ir_muls2(b, ir_global(b, G_EAX), hi, ir_global(b, G_ECX), ir_global(b, G_EDX));
    ir_exit_tb(b, 0);
}

/* eax = [ecx + 8] + edx * 3: the address dies at the load, the product is
 * needed after it. */
static void build_load_between(struct ir_block *b)
{
    ir_tmp a = ir_new_i32(b), k = ir_new_i32(b), v = ir_new_i32(b);
    ir_addi(b, a, ir_global(b, G_ECX), 8);
    ir_muli(b, k, ir_global(b, G_EDX), 3);
    ir_guest_ld(b, v, a, IR_MO_32);
    ir_add(b, ir_global(b, G_EAX), v, k);
    ir_exit_tb(b, 0);
}

/* eax = ext8u(ecx); edx = ecx + 1 */
static void build_ext_of_live(struct ir_block *b)
{
    ir_tmp ecx = ir_global(b, G_ECX);
    ir_ext8u(b, ir_global(b, G_EAX), ecx);
    ir_addi(b, ir_global(b, G_EDX), ecx, 1);
    ir_exit_tb(b, 0);
}

/* t = ecx + 1; eax = t; edx = t; ebx = ext8u(t): a value given to two
 * globals and used after (the lifter's result, cc_dst, a later compare). */
static void build_copies(struct ir_block *b)
{
    ir_tmp t = ir_new_i32(b);
    ir_addi(b, t, ir_global(b, G_ECX), 1);
    ir_mov(b, ir_global(b, G_EAX), t);
    ir_mov(b, ir_global(b, G_EDX), t);
    ir_ext8u(b, ir_global(b, G_EBX), t);
    ir_exit_tb(b, 0);
}

/* a = ecx + 1; b = edx + 2; eax = a & b (b dies there, a lives on);
 * ebx = a ^ 5 */
static void build_commuted(struct ir_block *b)
{
    ir_tmp x = ir_new_i32(b), y = ir_new_i32(b);
    ir_addi(b, x, ir_global(b, G_ECX), 1);
    ir_addi(b, y, ir_global(b, G_EDX), 2);
    ir_and(b, ir_global(b, G_EAX), x, y);
    ir_xori(b, ir_global(b, G_EBX), x, 5);
    ir_exit_tb(b, 0);
}

/* eax = ecx * 3; edx = ecx + 1 */
static void build_mul_imm(struct ir_block *b)
{
    ir_tmp ecx = ir_global(b, G_ECX);
    ir_muli(b, ir_global(b, G_EAX), ecx, 3);
    ir_addi(b, ir_global(b, G_EDX), ecx, 1);
    ir_exit_tb(b, 0);
}

/* t = ecx + 1; eax = t; edx = t + ebx: t's last use reads the register it
 * shares with eax. */
static void build_add_of_shared(struct ir_block *b)
{
    ir_tmp t = ir_new_i32(b);
    ir_addi(b, t, ir_global(b, G_ECX), 1);
    ir_mov(b, ir_global(b, G_EAX), t);
    ir_add(b, ir_global(b, G_EDX), t, ir_global(b, G_EBX));
    ir_exit_tb(b, 0);
}

/* ---- x86-64 ---- */

START_TEST(x86_64_global_read_by_two_ops_is_loaded_from_env_once)
{
    emit(&tb_backend_x86_64, false, build_two_reads);
    ck_assert_msg(count("mov", "[rbp + 4]") == 1, "ecx loads:\n%s", text);
}
END_TEST

START_TEST(x86_64_base_register_stays_across_guest_loads)
{
    emit(&tb_backend_x86_64, true, build_two_loads);
    /* ebx is read from env once, by the hot path; the slow paths neither
     * reload nor store it (it never changes). */
    ck_assert_msg(count("mov", "[rbp + 0xc]") == 1, "ebx loads:\n%s", text);
}
END_TEST

START_TEST(x86_64_deposit_of_a_byte_moves_from_the_value_register)
{
    emit(&tb_backend_x86_64, false, build_deposit_byte);
    ck_assert_msg(count("mov", "r11") == 0, "a detour through r11:\n%s", text);
    /* Three loads, the byte move, the store of ecx, the exit value. */
    ck_assert_msg(count("mov", "") == 6, "%s", text);
}
END_TEST

START_TEST(x86_64_mul2_with_unused_high_half_is_one_32bit_imul)
{
    emit(&tb_backend_x86_64, false, build_mul_low_half);
    ck_assert_msg(count("imul", "e") == 1, "%s", text);
    ck_assert_uint_eq(count("imul", ""), 1);
    ck_assert_uint_eq(count("movsxd", ""), 0);
    ck_assert_uint_eq(count("shr", ""), 0);
}
END_TEST

START_TEST(x86_64_slow_path_saves_only_values_needed_after_the_access)
{
    emit(&tb_backend_x86_64, true, build_load_between);
    ck_assert_msg(count("mov", "^qword ptr [rsp") == 1, "saves:\n%s", text);
    ck_assert_uint_eq(count("mov", ", qword ptr [rsp"), 1);
}
END_TEST

START_TEST(x86_64_tlb_hit_indexes_the_page_with_the_address)
{
    emit(&tb_backend_x86_64, true, build_load_between);
    ck_assert_msg(count("add", "r11, ") == 0, "%s", text);
    ck_assert_uint_eq(count("mov", "dword ptr [r11 + r"), 1);
}
END_TEST

START_TEST(x86_64_extension_of_a_kept_value_reads_its_register)
{
    emit(&tb_backend_x86_64, false, build_ext_of_live);
    ck_assert_msg(count("mov", "[rbp + 4]") == 1, "ecx loads:\n%s", text);
    ck_assert_msg(reg_moves() == 0, "register copies:\n%s", text);
    ck_assert_uint_eq(count("movzx", ""), 1);
}
END_TEST

START_TEST(x86_64_mov_of_a_live_value_shares_its_register)
{
    emit(&tb_backend_x86_64, false, build_copies);
    ck_assert_msg(reg_moves() == 0, "register copies:\n%s", text);
    /* eax, edx and ebx stored from registers at the exit */
    ck_assert_uint_eq(count("mov", "^dword ptr [rbp"), 3);
}
END_TEST

START_TEST(x86_64_commutative_op_writes_over_its_dying_operand)
{
    emit(&tb_backend_x86_64, false, build_commuted);
    ck_assert_msg(reg_moves() == 0, "register copies:\n%s", text);
    ck_assert_uint_eq(count("and", ""), 1);
}
END_TEST

START_TEST(x86_64_multiply_by_immediate_reads_a_kept_value_in_place)
{
    emit(&tb_backend_x86_64, false, build_mul_imm);
    ck_assert_msg(count("mov", "[rbp + 4]") == 1, "ecx loads:\n%s", text);
    ck_assert_msg(reg_moves() == 0, "register copies:\n%s", text);
}
END_TEST

START_TEST(x86_64_add_reading_a_shared_register_is_one_lea)
{
    emit(&tb_backend_x86_64, false, build_add_of_shared);
    ck_assert_msg(reg_moves() == 0, "register copies:\n%s", text);
    ck_assert_msg(count("lea", "") == 1, "%s", text);
}
END_TEST

/* ---- AArch64 ---- */

START_TEST(aarch64_global_read_by_two_ops_is_loaded_from_env_once)
{
    emit(&tb_backend_aarch64, false, build_two_reads);
    ck_assert_msg(count("ldr", "[x19, #4]") == 1, "ecx loads:\n%s", text);
}
END_TEST

START_TEST(aarch64_mul2_with_unused_high_half_is_one_32bit_mul)
{
    emit(&tb_backend_aarch64, false, build_mul_low_half);
    ck_assert_msg(count("mul", "w") == 1, "%s", text);
    ck_assert_uint_eq(count("smull", ""), 0);
    ck_assert_uint_eq(count("lsr", ""), 0);
}
END_TEST

START_TEST(aarch64_slow_path_saves_only_values_needed_after_the_access)
{
    emit(&tb_backend_aarch64, true, build_load_between);
    ck_assert_msg(count("str", "[sp, #") == 1, "saves:\n%s", text);
    ck_assert_uint_eq(count("ldr", "[sp, #"), 1);
}
END_TEST

START_TEST(aarch64_mov_of_a_live_value_shares_its_register)
{
    emit(&tb_backend_aarch64, false, build_copies);
    ck_assert_msg(reg_moves() == 0, "register copies:\n%s", text);
    ck_assert_uint_eq(count("str", "[x19"), 3);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("translator_host_code");
    TCase *tc = tcase_create("host_code");
    tcase_add_test(tc, x86_64_global_read_by_two_ops_is_loaded_from_env_once);
    tcase_add_test(tc, x86_64_base_register_stays_across_guest_loads);
    tcase_add_test(tc, x86_64_deposit_of_a_byte_moves_from_the_value_register);
    tcase_add_test(tc, x86_64_mul2_with_unused_high_half_is_one_32bit_imul);
    tcase_add_test(tc, x86_64_slow_path_saves_only_values_needed_after_the_access);
    tcase_add_test(tc, x86_64_tlb_hit_indexes_the_page_with_the_address);
    tcase_add_test(tc, x86_64_extension_of_a_kept_value_reads_its_register);
    tcase_add_test(tc, x86_64_mov_of_a_live_value_shares_its_register);
    tcase_add_test(tc, x86_64_commutative_op_writes_over_its_dying_operand);
    tcase_add_test(tc, x86_64_multiply_by_immediate_reads_a_kept_value_in_place);
    tcase_add_test(tc, x86_64_add_reading_a_shared_register_is_one_lea);
    tcase_add_test(tc, aarch64_global_read_by_two_ops_is_loaded_from_env_once);
    tcase_add_test(tc, aarch64_mul2_with_unused_high_half_is_one_32bit_mul);
    tcase_add_test(tc, aarch64_slow_path_saves_only_values_needed_after_the_access);
    tcase_add_test(tc, aarch64_mov_of_a_live_value_shares_its_register);
    suite_add_tcase(s, tc);
    return s;
}
