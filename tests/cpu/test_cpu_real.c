/* Real-mode integer instructions on cpu_exec, interpreter backend: the 386
 * and 486 additions the 286 suite cannot cover, string instructions, memory
 * addressing (big real mode, A20) and self-modifying code. */
#include "tests/cpu/machine.h"

#define RUN(m, ...)                                                                                \
    do {                                                                                           \
        static const uint8_t code_[] = {__VA_ARGS__};                                              \
        tm_code(m, code_, sizeof(code_));                                                          \
        ck_assert_int_eq(tm_run(m), CPU_EXIT_HALTED);                                              \
    } while (0)

static int64_t fixed_clock(void *opaque)
{
    return *(const int64_t *)opaque;
}

/* With the board's clock connected the TSC is time (1 GHz), not a block count,
 * so Linux can calibrate it against the PIT; WRMSR offsets it. */
START_TEST(rdtsc_follows_the_machine_clock_at_1ghz)
{
    struct tmachine m;
    tm_init(&m);
    int64_t now = 0x123456789;
    cpu_set_clock(m.cpu, fixed_clock, &now);
    /* rdtsc; mov ebx,eax; mov esi,edx; xor eax,eax; xor edx,edx; mov ecx,0x10; wrmsr;
     * (the clock moves on by 1000 ns in the HLT below) rdtsc; hlt */
    static const uint8_t code[] = {0x0f, 0x31, 0x66, 0x89, 0xc3, 0x66, 0x89, 0xd6, 0x66,
                                   0x31, 0xc0, 0x66, 0x31, 0xd2, 0x66, 0xb9, 0x10, 0x00,
                                   0x00, 0x00, 0x0f, 0x30, 0xf4, 0x0f, 0x31, 0xf4};
    tm_code(&m, code, sizeof(code));
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_uint_eq(m.env->regs[3], 0x23456789u);
    ck_assert_uint_eq(m.env->regs[6], 0x1u);
    now += 1000;
    m.env->halted = false;
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_uint_eq(m.env->regs[0], 1000);
    ck_assert_uint_eq(m.env->regs[2], 0);
    tm_free(&m);
}
END_TEST

/* MSR 8BH (IA32_BIOS_SIGN_ID), which Linux writes and reads at boot on
 * Intel P6+: no #GP on the default (max, family 6) model, reads 0. */
START_TEST(msr_bios_sign_id_reads_zero_on_p6)
{
    struct tmachine m;
    tm_init(&m);
    /* mov ecx,0x8b; xor eax,eax; xor edx,edx; wrmsr; mov eax,0x1234;
     * mov edx,0x5678; rdmsr; hlt (a #GP would halt at TM_HANDLER instead) */
    RUN(&m, 0x66, 0xb9, 0x8b, 0x00, 0x00, 0x00, 0x66, 0x31, 0xc0, 0x66, 0x31, 0xd2, 0x0f, 0x30,
        0x66, 0xb8, 0x34, 0x12, 0x00, 0x00, 0x66, 0xba, 0x78, 0x56, 0x00, 0x00, 0x0f, 0x32, 0xf4);
    ck_assert_uint_eq(m.env->eip, TM_CODE + 29);
    ck_assert_uint_eq(m.env->regs[0], 0);
    ck_assert_uint_eq(m.env->regs[2], 0);
    tm_free(&m);
}
END_TEST

START_TEST(add_carry_and_zero_reach_setcc)
{
    struct tmachine m;
    tm_init(&m);
    /* mov ax,0xffff; add ax,1; setc bl; setz bh; hlt */
    RUN(&m, 0xb8, 0xff, 0xff, 0x05, 0x01, 0x00, 0x0f, 0x92, 0xc3, 0x0f, 0x94, 0xc7, 0xf4);
    ck_assert_uint_eq(m.env->regs[0] & 0xffff, 0);
    ck_assert_uint_eq(m.env->regs[3] & 0xffff, 0x0101);
    tm_free(&m);
}
END_TEST

START_TEST(movzx_movsx_with_operand_size_prefix)
{
    struct tmachine m;
    tm_init(&m);
    /* mov al,0x80; movsx ebx,al; movzx ecx,al; hlt */
    RUN(&m, 0xb0, 0x80, 0x66, 0x0f, 0xbe, 0xd8, 0x66, 0x0f, 0xb6, 0xc8, 0xf4);
    ck_assert_uint_eq(m.env->regs[3], 0xffffff80u);
    ck_assert_uint_eq(m.env->regs[1], 0x80);
    tm_free(&m);
}
END_TEST

START_TEST(imul_three_operand_sets_of_on_overflow)
{
    struct tmachine m;
    tm_init(&m);
    /* mov bx,0x4000; imul ax,bx,4; seto cl; hlt */
    RUN(&m, 0xbb, 0x00, 0x40, 0x6b, 0xc3, 0x04, 0x0f, 0x90, 0xc1, 0xf4);
    ck_assert_uint_eq(m.env->regs[0] & 0xffff, 0);
    ck_assert_uint_eq(m.env->regs[1] & 0xff, 1);
    tm_free(&m);
}
END_TEST

START_TEST(bt_register_offset_addresses_a_bit_string)
{
    struct tmachine m;
    tm_init(&m);
    tm_poke16(&m, 0x2000, 0x0004);
    tm_poke16(&m, 0x2002, 0x0004);
    /* mov ax,18; bt [0x2000],ax; setc dl; mov ax,-14; bt [0x2002],ax; setc dh;
     * mov ax,17; bt [0x2000],ax; setc bl; hlt */
    RUN(&m, 0xb8, 0x12, 0x00, 0x0f, 0xa3, 0x06, 0x00, 0x20, 0x0f, 0x92, 0xc2, 0xb8, 0xf2, 0xff,
        0x0f, 0xa3, 0x06, 0x02, 0x20, 0x0f, 0x92, 0xc6, 0xb8, 0x11, 0x00, 0x0f, 0xa3, 0x06, 0x00,
        0x20, 0x0f, 0x92, 0xc3, 0xf4);
    ck_assert_uint_eq(m.env->regs[2] & 0xffff, 0x0101);
    ck_assert_uint_eq(m.env->regs[3] & 0xff, 0);
    tm_free(&m);
}
END_TEST

START_TEST(shld_shrd_shift_in_from_the_other_register)
{
    struct tmachine m;
    tm_init(&m);
    /* mov eax,0x12345678; mov edx,0x9abcdef0; shld eax,edx,8;
     * mov ebx,0x12345678; shrd ebx,edx,4; setc cl; hlt */
    RUN(&m, 0x66, 0xb8, 0x78, 0x56, 0x34, 0x12, 0x66, 0xba, 0xf0, 0xde, 0xbc, 0x9a, 0x66, 0x0f,
        0xa4, 0xd0, 0x08, 0x66, 0xbb, 0x78, 0x56, 0x34, 0x12, 0x66, 0x0f, 0xac, 0xd3, 0x04, 0x0f,
        0x92, 0xc1, 0xf4);
    ck_assert_uint_eq(m.env->regs[0], 0x3456789au);
    ck_assert_uint_eq(m.env->regs[3], 0x01234567u);
    ck_assert_uint_eq(m.env->regs[1] & 0xff, 1);
    tm_free(&m);
}
END_TEST

START_TEST(rep_movsb_copies_and_advances_the_index_registers)
{
    struct tmachine m;
    tm_init(&m);
    tm_poke(&m, 0x3000, "ABCD", 4);
    /* mov si,0x3000; mov di,0x4000; mov cx,4; cld; rep movsb; hlt */
    RUN(&m, 0xbe, 0x00, 0x30, 0xbf, 0x00, 0x40, 0xb9, 0x04, 0x00, 0xfc, 0xf3, 0xa4, 0xf4);
    ck_assert_uint_eq(tm_peek8(&m, 0x4000), 'A');
    ck_assert_uint_eq(tm_peek8(&m, 0x4003), 'D');
    ck_assert_uint_eq(m.env->regs[6] & 0xffff, 0x3004);
    ck_assert_uint_eq(m.env->regs[7] & 0xffff, 0x4004);
    ck_assert_uint_eq(m.env->regs[1] & 0xffff, 0);
    tm_free(&m);
}
END_TEST

START_TEST(repne_scasb_stops_at_the_match)
{
    struct tmachine m;
    tm_init(&m);
    tm_poke(&m, 0x3000, "ABCDEF", 6);
    /* mov di,0x3000; mov al,'C'; mov cx,10; repne scasb; setz bl; hlt */
    RUN(&m, 0xbf, 0x00, 0x30, 0xb0, 0x43, 0xb9, 0x0a, 0x00, 0xf2, 0xae, 0x0f, 0x94, 0xc3, 0xf4);
    ck_assert_uint_eq(m.env->regs[7] & 0xffff, 0x3003);
    ck_assert_uint_eq(m.env->regs[1] & 0xffff, 7);
    ck_assert_uint_eq(m.env->regs[3] & 0xff, 1);
    tm_free(&m);
}
END_TEST

START_TEST(std_makes_stosw_step_backwards)
{
    struct tmachine m;
    tm_init(&m);
    /* mov di,0x3002; mov ax,0xbeef; mov cx,2; std; rep stosw; hlt */
    RUN(&m, 0xbf, 0x02, 0x30, 0xb8, 0xef, 0xbe, 0xb9, 0x02, 0x00, 0xfd, 0xf3, 0xab, 0xf4);
    ck_assert_uint_eq(tm_peek16(&m, 0x3002), 0xbeef);
    ck_assert_uint_eq(tm_peek16(&m, 0x3000), 0xbeef);
    ck_assert_uint_eq(m.env->regs[7] & 0xffff, 0x2ffe);
    tm_free(&m);
}
END_TEST

START_TEST(big_real_mode_limit_allows_32bit_offsets)
{
    struct tmachine m;
    tm_init(&m);
    uint8_t v = 0x5a;
    tm_poke(&m, 0x150000, &v, 1);
    m.env->segs[X86_SEG_DS].limit = 0xffffffffu;
    /* mov esi,0x150000; mov al,[esi]; hlt */
    RUN(&m, 0x66, 0xbe, 0x00, 0x00, 0x15, 0x00, 0x67, 0x8a, 0x06, 0xf4);
    ck_assert_uint_eq(m.env->regs[0] & 0xff, 0x5a);
    tm_free(&m);
}
END_TEST

START_TEST(a20_disabled_wraps_at_one_megabyte)
{
    struct tmachine m;
    tm_init(&m);
    uint8_t v = 0x77;
    tm_poke(&m, 0x10, &v, 1);
    mmu_phys_set_a20(m.space, false);
    /* mov ax,0xffff; mov ds,ax; mov al,[0x20]; hlt */
    RUN(&m, 0xb8, 0xff, 0xff, 0x8e, 0xd8, 0xa0, 0x20, 0x00, 0xf4);
    ck_assert_uint_eq(m.env->regs[0] & 0xff, 0x77);
    tm_free(&m);
}
END_TEST

START_TEST(self_modifying_code_is_translated_again)
{
    struct tmachine m;
    tm_init(&m);
    /* 0x1100: mov al,0x11; add bl,al; ret */
    static const uint8_t sub[] = {0xb0, 0x11, 0x00, 0xc3, 0xc3};
    tm_poke(&m, 0x1100, sub, sizeof(sub));
    /* call 0x1100; mov byte [0x1101],0x22; call 0x1100; hlt */
    RUN(&m, 0xe8, 0xfd, 0x00, 0xc6, 0x06, 0x01, 0x11, 0x22, 0xe8, 0xf5, 0x00, 0xf4);
    ck_assert_uint_eq(m.env->regs[3] & 0xff, 0x33);
    tm_free(&m);
}
END_TEST

START_TEST(store_into_the_running_block_changes_its_next_instruction)
{
    struct tmachine m;
    tm_init(&m);
    /* mov byte [0x1006],0x42; mov al,0 (its immediate at 0x1006); hlt */
    RUN(&m, 0xc6, 0x06, 0x06, 0x10, 0x42, 0xb0, 0x00, 0xf4);
    ck_assert_uint_eq(m.env->regs[0] & 0xff, 0x42);
    tm_free(&m);
}
END_TEST

START_TEST(rep_stosb_over_its_own_block_runs_the_new_code)
{
    struct tmachine m;
    tm_init(&m);
    /* mov di,0x100d; mov al,0x90; mov cx,2; cld; rep stosb; inc bx; inc bx; hlt:
     * the two INC BX (at 0x100d) become NOPs while the block runs */
    RUN(&m, 0xbf, 0x0d, 0x10, 0xb0, 0x90, 0xb9, 0x02, 0x00, 0xfc, 0xf3, 0xaa, 0x43, 0x43, 0x43,
        0x43, 0xf4);
    ck_assert_uint_eq(m.env->regs[3] & 0xffff, 2);
    ck_assert_uint_eq(m.env->regs[1] & 0xffff, 0);
    tm_free(&m);
}
END_TEST

START_TEST(pop_to_memory_addresses_with_the_incremented_sp)
{
    struct tmachine m;
    tm_init(&m);
    /* push 0x1234; pop word [esp] with 32-bit addressing: stored at the new SP */
    RUN(&m, 0x68, 0x34, 0x12, 0x67, 0x8f, 0x04, 0x24, 0xf4);
    ck_assert_uint_eq(m.env->regs[4] & 0xffff, TM_STACK);
    ck_assert_uint_eq(tm_peek16(&m, TM_STACK), 0x1234);
    tm_free(&m);
}
END_TEST

START_TEST(enter_with_level_copies_the_frame_pointers)
{
    struct tmachine m;
    tm_init(&m);
    tm_poke16(&m, 0x6ffe, 0x1234);
    /* mov bp,0x7000; enter 4,2; hlt */
    RUN(&m, 0xbd, 0x00, 0x70, 0xc8, 0x04, 0x00, 0x02, 0xf4);
    ck_assert_uint_eq(tm_peek16(&m, 0x7ffe), 0x7000);
    ck_assert_uint_eq(tm_peek16(&m, 0x7ffc), 0x1234);
    ck_assert_uint_eq(tm_peek16(&m, 0x7ffa), 0x7ffe);
    ck_assert_uint_eq(m.env->regs[5] & 0xffff, 0x7ffe);
    ck_assert_uint_eq(m.env->regs[4] & 0xffff, 0x7ff6);
    tm_free(&m);
}
END_TEST

START_TEST(pusha_popa_round_trip_keeps_sp)
{
    struct tmachine m;
    tm_init(&m);
    /* mov ax,1; mov bx,2; pusha; mov ax,9; mov bx,9; popa; hlt */
    RUN(&m, 0xb8, 0x01, 0x00, 0xbb, 0x02, 0x00, 0x60, 0xb8, 0x09, 0x00, 0xbb, 0x09, 0x00, 0x61,
        0xf4);
    ck_assert_uint_eq(m.env->regs[0] & 0xffff, 1);
    ck_assert_uint_eq(m.env->regs[3] & 0xffff, 2);
    ck_assert_uint_eq(m.env->regs[4] & 0xffff, TM_STACK);
    ck_assert_uint_eq(tm_peek16(&m, TM_STACK - 10), TM_STACK); /* the SP image */
    tm_free(&m);
}
END_TEST

START_TEST(cmpxchg_xadd_bswap_of_the_486)
{
    struct tmachine m;
    tm_init(&m);
    /* mov eax,5; mov ecx,5; mov edx,9; cmpxchg ecx,edx; setz bl; xadd ecx,edx; bswap eax; hlt */
    RUN(&m, 0x66, 0xb8, 0x05, 0, 0, 0, 0x66, 0xb9, 0x05, 0, 0, 0, 0x66, 0xba, 0x09, 0, 0, 0, 0x66,
        0x0f, 0xb1, 0xd1, 0x0f, 0x94, 0xc3, 0x66, 0x0f, 0xc1, 0xd1, 0x66, 0x0f, 0xc8, 0xf4);
    ck_assert_uint_eq(m.env->regs[3] & 0xff, 1);
    ck_assert_uint_eq(m.env->regs[1], 18);
    ck_assert_uint_eq(m.env->regs[2], 9);
    ck_assert_uint_eq(m.env->regs[0], 0x05000000u);
    tm_free(&m);
}
END_TEST

START_TEST(cmpxchg8b_swaps_when_equal_and_loads_when_not)
{
    struct tmachine m;
    tm_init(&m);
    tm_poke16(&m, 0x2000, 1);
    tm_poke16(&m, 0x2004, 2);
    /* mov eax,1; mov edx,2; mov ebx,7; mov ecx,8; cmpxchg8b [0x2000]; setz [0x2010];
     * cmpxchg8b [0x2000] (now unequal: EDX:EAX = 8:7) */
    RUN(&m, 0x66, 0xb8, 1, 0, 0, 0, 0x66, 0xba, 2, 0, 0, 0, 0x66, 0xbb, 7, 0, 0, 0, 0x66, 0xb9, 8,
        0, 0, 0, 0x0f, 0xc7, 0x0e, 0x00, 0x20, 0x0f, 0x94, 0x06, 0x10, 0x20, 0x0f, 0xc7, 0x0e, 0x00,
        0x20, 0xf4);
    ck_assert_uint_eq(tm_peek8(&m, 0x2010), 1);
    ck_assert_uint_eq(tm_peek16(&m, 0x2000), 7);
    ck_assert_uint_eq(tm_peek16(&m, 0x2004), 8);
    ck_assert_uint_eq(m.env->regs[0], 7);
    ck_assert_uint_eq(m.env->regs[2], 8);
    tm_free(&m);
}
END_TEST

START_TEST(loop_counts_cx_down_to_zero)
{
    struct tmachine m;
    tm_init(&m);
    /* mov cx,5; xor ax,ax; l: add ax,3; loop l; hlt */
    RUN(&m, 0xb9, 0x05, 0x00, 0x31, 0xc0, 0x05, 0x03, 0x00, 0xe2, 0xfb, 0xf4);
    ck_assert_uint_eq(m.env->regs[0] & 0xffff, 15);
    ck_assert_uint_eq(m.env->regs[1] & 0xffff, 0);
    tm_free(&m);
}
END_TEST

START_TEST(far_call_and_retf_switch_cs)
{
    struct tmachine m;
    tm_init(&m);
    /* 0200:0000 (linear 0x2000): mov dx,cs; retf */
    static const uint8_t far[] = {0x8c, 0xca, 0xcb};
    tm_poke(&m, 0x2000, far, sizeof(far));
    /* call 0200:0000; mov bx,cs; hlt */
    RUN(&m, 0x9a, 0x00, 0x00, 0x00, 0x02, 0x8c, 0xcb, 0xf4);
    ck_assert_uint_eq(m.env->regs[2] & 0xffff, 0x0200);
    ck_assert_uint_eq(m.env->regs[3] & 0xffff, 0);
    ck_assert_uint_eq(m.env->regs[4] & 0xffff, TM_STACK);
    tm_free(&m);
}
END_TEST

START_TEST(in_reads_all_ones_from_an_unassigned_port)
{
    struct tmachine m;
    tm_init(&m);
    /* mov dx,0x300; in ax,dx; out dx,al; hlt */
    RUN(&m, 0xba, 0x00, 0x03, 0xed, 0xee, 0xf4);
    ck_assert_uint_eq(m.env->regs[0] & 0xffff, 0xffff);
    tm_free(&m);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("cpu_real");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, add_carry_and_zero_reach_setcc);
    tcase_add_test(tc, msr_bios_sign_id_reads_zero_on_p6);
    tcase_add_test(tc, rdtsc_follows_the_machine_clock_at_1ghz);
    tcase_add_test(tc, movzx_movsx_with_operand_size_prefix);
    tcase_add_test(tc, imul_three_operand_sets_of_on_overflow);
    tcase_add_test(tc, bt_register_offset_addresses_a_bit_string);
    tcase_add_test(tc, shld_shrd_shift_in_from_the_other_register);
    tcase_add_test(tc, rep_movsb_copies_and_advances_the_index_registers);
    tcase_add_test(tc, repne_scasb_stops_at_the_match);
    tcase_add_test(tc, std_makes_stosw_step_backwards);
    tcase_add_test(tc, big_real_mode_limit_allows_32bit_offsets);
    tcase_add_test(tc, a20_disabled_wraps_at_one_megabyte);
    tcase_add_test(tc, self_modifying_code_is_translated_again);
    tcase_add_test(tc, store_into_the_running_block_changes_its_next_instruction);
    tcase_add_test(tc, rep_stosb_over_its_own_block_runs_the_new_code);
    tcase_add_test(tc, pop_to_memory_addresses_with_the_incremented_sp);
    tcase_add_test(tc, enter_with_level_copies_the_frame_pointers);
    tcase_add_test(tc, pusha_popa_round_trip_keeps_sp);
    tcase_add_test(tc, cmpxchg_xadd_bswap_of_the_486);
    tcase_add_test(tc, cmpxchg8b_swaps_when_equal_and_loads_when_not);
    tcase_add_test(tc, loop_counts_cx_down_to_zero);
    tcase_add_test(tc, far_call_and_retf_switch_cs);
    tcase_add_test(tc, in_reads_all_ones_from_an_unassigned_port);
    suite_add_tcase(s, tc);
    return s;
}
