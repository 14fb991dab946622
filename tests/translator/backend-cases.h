/* The IR scenarios every backend must run alike (factorial loops, double-width
 * products, rotates, extract/deposit, extensions, setcond/movcond, helper
 * calls, guest memory, env loads): included by test_interp.c and
 * test_native.c after their fixture, with TEST_BACKEND naming the backend.
 * BACKEND_CASES_ADD(tc) registers them. */
#ifndef JIT86_TESTS_TRANSLATOR_BACKEND_CASES_H
#define JIT86_TESTS_TRANSLATOR_BACKEND_CASES_H

START_TEST(backend_factorial_loop_with_brcond)
{
    build_factorial(translator_block(t));
    st.ecx = 10;
    struct tb_exit e = run(0x100);
    ck_assert_int_eq(e.kind, TB_EXIT_RETURN);
    ck_assert_uint_eq(e.value, 7);
    ck_assert_uint_eq(st.eax, 3628800);
    ck_assert_uint_eq(st.ecx, 0);
}
END_TEST

START_TEST(backend_factorial_unoptimized_gives_same_result)
{
    translator_free(t);
    struct translator_config cfg = {
        .env = &env, .backend = &TEST_BACKEND, .code_size = 1 << 20, .no_optimize = true};
    t = translator_new(&cfg);
    build_factorial(translator_block(t));
    st.ecx = 12;
    run(0x100);
    ck_assert_uint_eq(st.eax, 479001600);
}
END_TEST

START_TEST(backend_factorial_i64_wraps_modulo_2_64)
{
    struct ir_block *b = translator_block(t);
    ir_tmp ra = ir_global(b, G_RA), rb = ir_global(b, G_RB);
    ir_label loop = ir_new_label(b), done = ir_new_label(b);
    ir_movi(b, ra, 1);
    ir_set_label(b, loop);
    ir_brcondi(b, IR_COND_LEU, rb, 1, done);
    ir_mul(b, ra, ra, rb);
    ir_subi(b, rb, rb, 1);
    ir_br(b, loop);
    ir_set_label(b, done);
    ir_exit_tb(b, 0);
    st.rb = 25;
    run(0x100);
    ck_assert_uint_eq(st.ra, 0x619fb0907bc00000ull); /* 25! mod 2^64 */
}
END_TEST

START_TEST(backend_mulu2_and_muls2_give_double_width_products)
{
    struct ir_block *b = translator_block(t);
    ir_tmp ra = ir_global(b, G_RA), rb = ir_global(b, G_RB);
    ir_tmp rc = ir_global(b, G_RC), rd = ir_global(b, G_RD);
    ir_tmp eax = ir_global(b, G_EAX), edx = ir_global(b, G_EDX), ecx = ir_global(b, G_ECX);
    ir_mulu2(b, rc, rd, ra, rb);
    ir_tmp lo = ir_new_i64(b), hi = ir_new_i64(b);
    ir_muls2(b, lo, hi, ra, ir_const_i64(b, 2));
    ir_st(b, lo, offsetof(struct test_state, out[0]), IR_MO_64);
    ir_st(b, hi, offsetof(struct test_state, out[1]), IR_MO_64);
    ir_mulu2(b, eax, edx, eax, ecx);
    ir_exit_tb(b, 0);
    st.ra = ~0ull;
    st.rb = ~0ull;
    st.eax = 0x80000000u;
    st.ecx = 6;
    run(0x100);
    ck_assert_uint_eq(st.rc, 1);
    ck_assert_uint_eq(st.rd, 0xfffffffffffffffeull);
    ck_assert_uint_eq(st.out[0], 0xfffffffffffffffeull); /* -1 * 2 = -2 */
    ck_assert_uint_eq(st.out[1], 0xffffffffffffffffull);
    ck_assert_uint_eq(st.eax, 0);
    ck_assert_uint_eq(st.edx, 3);
}
END_TEST

START_TEST(backend_mulu2_mixed_halves)
{
    struct ir_block *b = translator_block(t);
    ir_mulu2(b, ir_global(b, G_RC), ir_global(b, G_RD), ir_global(b, G_RA), ir_global(b, G_RB));
    ir_exit_tb(b, 0);
    st.ra = 0x123456789abcdef0ull;
    st.rb = 0x0fedcba987654321ull;
    run(0x100);
    /* Computed independently with 128-bit arithmetic. */
    ck_assert_uint_eq(st.rd, 0x0121fa00ad77d742ull);
    ck_assert_uint_eq(st.rc, 0x2236d88fe5618cf0ull);
}
END_TEST

START_TEST(backend_rotates_wrap_count_modulo_width)
{
    struct ir_block *b = translator_block(t);
    ir_tmp eax = ir_global(b, G_EAX), ecx = ir_global(b, G_ECX);
    ir_tmp edx = ir_global(b, G_EDX), ebx = ir_global(b, G_EBX);
    ir_tmp v = ir_const_i32(b, 0x80000001u);
    ir_rotl(b, eax, v, ir_const_i32(b, 1));
    ir_rotr(b, ecx, v, ir_const_i32(b, 1));
    ir_rotl(b, edx, v, ir_const_i32(b, 33));
    ir_rotr(b, ebx, v, ir_const_i32(b, 0));
    ir_rotr(b, ir_global(b, G_RA), ir_global(b, G_RB), ir_const_i64(b, 4));
    ir_exit_tb(b, 0);
    st.rb = 0x123456789abcdef1ull;
    run(0x100);
    ck_assert_uint_eq(st.eax, 0x00000003u);
    ck_assert_uint_eq(st.ecx, 0xc0000000u);
    ck_assert_uint_eq(st.edx, 0x00000003u);
    ck_assert_uint_eq(st.ebx, 0x80000001u);
    ck_assert_uint_eq(st.ra, 0x1123456789abcdefull);
}
END_TEST

START_TEST(backend_rotate_by_register_count)
{
    /* Counts from registers, so nothing is folded at translation time. */
    struct ir_block *b = translator_block(t);
    ir_tmp eax = ir_global(b, G_EAX), ecx = ir_global(b, G_ECX);
    ir_rotl(b, ir_global(b, G_EDX), eax, ecx);
    ir_rotr(b, ir_global(b, G_EBX), eax, ecx);
    ir_exit_tb(b, 0);
    st.eax = 0x12345678;
    st.ecx = 8;
    run(0x100);
    ck_assert_uint_eq(st.edx, 0x34567812u);
    ck_assert_uint_eq(st.ebx, 0x78123456u);
}
END_TEST

START_TEST(backend_extract_and_deposit_partial_registers)
{
    struct ir_block *b = translator_block(t);
    ir_tmp eax = ir_global(b, G_EAX), ecx = ir_global(b, G_ECX);
    ir_tmp edx = ir_global(b, G_EDX), ebx = ir_global(b, G_EBX);
    ir_extract(b, edx, eax, 8, 8);                           /* mov dl, ah  (edx = ah) */
    ir_deposit(b, eax, eax, ecx, 8, 8);                      /* mov ah, cl */
    ir_sextract(b, ebx, ecx, 0, 8);                          /* movsx ebx, cl */
    ir_deposit(b, ecx, ecx, ir_const_i32(b, 0xbeef), 0, 16); /* mov cx, 0xbeef */
    ir_exit_tb(b, 0);
    st.eax = 0x12345678;
    st.ecx = 0xcafe0080;
    run(0x100);
    ck_assert_uint_eq(st.edx, 0x56);
    ck_assert_uint_eq(st.eax, 0x12348078);
    ck_assert_uint_eq(st.ebx, 0xffffff80u);
    ck_assert_uint_eq(st.ecx, 0xcafebeef);
}
END_TEST

START_TEST(backend_extensions_and_width_conversions)
{
    struct ir_block *b = translator_block(t);
    ir_tmp eax = ir_global(b, G_EAX);
    ir_tmp t1 = ir_new_i32(b), t2 = ir_new_i32(b);
    ir_ext8s(b, t1, eax);
    ir_ext16u(b, t2, eax);
    ir_exts_i32_i64(b, ir_global(b, G_RA), t1);
    ir_extu_i32_i64(b, ir_global(b, G_RB), t1);
    ir_extrh_i64_i32(b, ir_global(b, G_ECX), ir_global(b, G_RC));
    ir_mov(b, ir_global(b, G_EDX), t2);
    ir_exit_tb(b, 0);
    st.eax = 0x1234a5f0;
    st.rc = 0x1122334455667788ull;
    run(0x100);
    ck_assert_uint_eq(st.ra, 0xfffffffffffffff0ull);
    ck_assert_uint_eq(st.rb, 0x00000000fffffff0ull);
    ck_assert_uint_eq(st.ecx, 0x11223344u);
    ck_assert_uint_eq(st.edx, 0xa5f0u);
}
END_TEST

START_TEST(backend_setcond_movcond_signed_and_unsigned)
{
    struct ir_block *b = translator_block(t);
    ir_tmp eax = ir_global(b, G_EAX), ecx = ir_global(b, G_ECX);
    ir_setcond(b, IR_COND_LT, ir_global(b, G_EDX), eax, ecx);
    ir_setcond(b, IR_COND_LTU, ir_global(b, G_EBX), eax, ecx);
    ir_movcond(b, IR_COND_GT, eax, eax, ecx, eax, ecx); /* signed max */
    ir_exit_tb(b, 0);
    st.eax = 0xffffffffu; /* -1 */
    st.ecx = 1;
    run(0x100);
    ck_assert_uint_eq(st.edx, 1);
    ck_assert_uint_eq(st.ebx, 0);
    ck_assert_uint_eq(st.eax, 1);
}
END_TEST

START_TEST(backend_helpers_with_0_to_6_mixed_width_args)
{
    struct ir_block *b = translator_block(t);
    ir_tmp a32 = ir_const_i32(b, 0x89abcdefu);
    ir_tmp a64 = ir_const_i64(b, 0x0123456789abcdefull);
    ir_tmp r32 = ir_new_i32(b), r64 = ir_new_i64(b);
    ir_call(b, H0, ir_global(b, G_EAX), 0, NULL);
    ir_call(b, H1, ir_global(b, G_RA), 1, (ir_tmp[]){a64});
    ir_call(b, H2, ir_global(b, G_RB), 2, (ir_tmp[]){a32, a64});
    ir_call(b, H3, r32, 3, (ir_tmp[]){ir_env_ptr(b), a32, a64});
    ir_call(b, H4, r32, 4, (ir_tmp[]){a32, a64, a32, a64});
    ir_mov(b, ir_global(b, G_ECX), r32);
    ir_call(b, H5, r64, 5, (ir_tmp[]){a64, a32, a64, a32, a64});
    ir_mov(b, ir_global(b, G_RC), r64);
    ir_call(b, H6, ir_global(b, G_RD), 6, (ir_tmp[]){a32, a64, a32, a64, a32, a64});
    ir_exit_tb(b, 0);
    run(0x100);
    uint64_t x = 0x89abcdefu, y = 0x0123456789abcdefull;
    ck_assert_uint_eq(st.eax, 42);
    ck_assert_uint_eq(st.ra, y * 3);
    ck_assert_uint_eq(st.rb, x + y);
    ck_assert_uint_eq(st.out[0], x);
    ck_assert_uint_eq(st.out[1], y);
    ck_assert_uint_eq(st.ecx, (uint32_t)(x ^ (y >> 32) ^ x ^ (y >> 40)));
    ck_assert_uint_eq(st.rc, y + 2 * x + 3 * y + 4 * x + 5 * y);
    ck_assert_uint_eq(st.rd, x + 10 * y + 100 * x + 1000 * y + 10000 * x + 100000 * y);
}
END_TEST

START_TEST(backend_guest_memory_ops_use_memop_and_mmu_index)
{
    struct ir_block *b = translator_block(t);
    ir_tmp eax = ir_global(b, G_EAX), ecx = ir_global(b, G_ECX);
    ir_guest_st(b, ecx, eax, IR_MEMOP(IR_MO_32, 0, 0));
    ir_tmp addr = ir_new_i32(b);
    ir_addi(b, addr, eax, 3);
    ir_guest_ld(b, ir_global(b, G_EDX), addr, IR_MEMOP(IR_MO_8, 1, 0)); /* movsx edx, byte */
    ir_guest_ld(b, ir_global(b, G_EBX), eax, IR_MEMOP(IR_MO_16, 0, 2));
    ir_tmp a64 = ir_new_i64(b);
    ir_extu_i32_i64(b, a64, eax);
    ir_guest_ld(b, ir_global(b, G_RA), a64, IR_MEMOP(IR_MO_64, 0, 1));
    ir_exit_tb(b, 0);
    st.eax = 0x100;
    st.ecx = 0x80c0ffee;
    mem.bytes[0x104] = 0x11;
    run(0x100);
    ck_assert_uint_eq(mem.bytes[0x100], 0xee);
    ck_assert_uint_eq(mem.bytes[0x103], 0x80);
    ck_assert_uint_eq(st.edx, 0xffffff80u);
    ck_assert_uint_eq(st.ebx, 0xffee);
    ck_assert_uint_eq(st.ra, 0x1180c0ffeeull);
    ck_assert_uint_eq(mem.last_addr, 0x100);
    ck_assert_uint_eq(ir_memop_mmu(mem.last_memop), 1);
    ck_assert_uint_eq(ir_memop_size(mem.last_memop), IR_MO_64);
    ck_assert_uint_eq(mem.accesses, 4);
}
END_TEST

START_TEST(backend_env_ld_st_with_sign)
{
    struct ir_block *b = translator_block(t);
    ir_ld(b, ir_global(b, G_EAX), offsetof(struct test_state, scratch), IR_MEMOP(IR_MO_8, 1, 0));
    ir_ld(b, ir_global(b, G_RA), offsetof(struct test_state, scratch), IR_MEMOP(IR_MO_32, 1, 0));
    ir_st(b, ir_global(b, G_ECX), offsetof(struct test_state, out[2]), IR_MO_16);
    ir_exit_tb(b, 0);
    st.scratch = 0x800000f0u;
    st.ecx = 0x12345678;
    st.out[2] = 0xaaaaaaaaaaaaaaaaull;
    run(0x100);
    ck_assert_uint_eq(st.eax, 0xfffffff0u);
    ck_assert_uint_eq(st.ra, 0xffffffff800000f0ull);
    ck_assert_uint_eq(st.out[2], 0xaaaaaaaaaaaa5678ull);
}
END_TEST

#define BACKEND_CASES_ADD(tc)                                                                      \
    do {                                                                                           \
        tcase_add_test(tc, backend_factorial_loop_with_brcond);                                    \
        tcase_add_test(tc, backend_factorial_unoptimized_gives_same_result);                       \
        tcase_add_test(tc, backend_factorial_i64_wraps_modulo_2_64);                               \
        tcase_add_test(tc, backend_mulu2_and_muls2_give_double_width_products);                    \
        tcase_add_test(tc, backend_mulu2_mixed_halves);                                            \
        tcase_add_test(tc, backend_rotates_wrap_count_modulo_width);                               \
        tcase_add_test(tc, backend_rotate_by_register_count);                                      \
        tcase_add_test(tc, backend_extract_and_deposit_partial_registers);                         \
        tcase_add_test(tc, backend_extensions_and_width_conversions);                              \
        tcase_add_test(tc, backend_setcond_movcond_signed_and_unsigned);                           \
        tcase_add_test(tc, backend_helpers_with_0_to_6_mixed_width_args);                          \
        tcase_add_test(tc, backend_guest_memory_ops_use_memop_and_mmu_index);                      \
        tcase_add_test(tc, backend_env_ld_st_with_sign);                                           \
    } while (0)

#endif
