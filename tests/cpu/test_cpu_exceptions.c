/* Real-mode exceptions and interrupts on cpu_exec (SDM Vol. 3A §20.1.4 IVT
 * delivery, §6.15 double fault, triple-fault shutdown): the pushed image,
 * fault vs trap return addresses, precise state of a faulting instruction. */
#include "tests/cpu/machine.h"

#define RUN(m, ...)                                                                                \
    do {                                                                                           \
        static const uint8_t code_[] = {__VA_ARGS__};                                              \
        tm_code(m, code_, sizeof(code_));                                                          \
        ck_assert_int_eq(tm_run(m), CPU_EXIT_HALTED);                                              \
    } while (0)

START_TEST(divide_by_zero_pushes_the_address_of_the_div)
{
    struct tmachine m;
    tm_init(&m);
    /* mov bl,0; div bl; hlt */
    RUN(&m, 0xb3, 0x00, 0xf6, 0xf3, 0xf4);
    ck_assert_uint_eq(m.env->eip, TM_HANDLER + 1);
    ck_assert_uint_eq(m.env->regs[4] & 0xffff, TM_STACK - 6);
    ck_assert_uint_eq(tm_peek16(&m, TM_STACK - 6), TM_CODE + 2); /* IP of the DIV */
    ck_assert_uint_eq(tm_peek16(&m, TM_STACK - 4), 0);           /* CS */
    tm_free(&m);
}
END_TEST

START_TEST(int_n_pushes_the_next_ip_and_clears_if)
{
    struct tmachine m;
    tm_init(&m);
    /* sti; int 0x21; hlt */
    RUN(&m, 0xfb, 0xcd, 0x21, 0xf4);
    ck_assert_uint_eq(tm_peek16(&m, TM_STACK - 6), TM_CODE + 3);
    ck_assert_uint_ne(tm_peek16(&m, TM_STACK - 2) & X86_IF, 0);
    ck_assert_uint_eq(cpu_compute_eflags(m.env) & X86_IF, 0);
    tm_free(&m);
}
END_TEST

START_TEST(iret_returns_to_the_interrupted_code)
{
    struct tmachine m;
    tm_init(&m);
    uint8_t iret = 0xcf;
    tm_poke(&m, 0x1900, &iret, 1);
    tm_poke16(&m, 0x21 * 4, 0x1900);
    /* stc; int 0x21; mov ax,0x55; hlt */
    RUN(&m, 0xf9, 0xcd, 0x21, 0xb8, 0x55, 0x00, 0xf4);
    ck_assert_uint_eq(m.env->regs[0] & 0xffff, 0x55);
    ck_assert_uint_eq(m.env->regs[4] & 0xffff, TM_STACK);
    ck_assert_uint_ne(cpu_compute_eflags(m.env) & X86_CF, 0);
    tm_free(&m);
}
END_TEST

START_TEST(into_traps_only_when_of_is_set)
{
    struct tmachine m;
    tm_init(&m);
    /* mov al,0x7f; add al,1; into; hlt */
    RUN(&m, 0xb0, 0x7f, 0x04, 0x01, 0xce, 0xf4);
    ck_assert_uint_eq(m.env->eip, TM_HANDLER + 1);
    ck_assert_uint_eq(tm_peek16(&m, TM_STACK - 6), TM_CODE + 5); /* trap: the next IP */
    tm_free(&m);
}
END_TEST

START_TEST(word_access_at_offset_ffff_raises_gp_with_state_intact)
{
    struct tmachine m;
    tm_init(&m);
    /* mov bx,0xffff; mov ax,0x1234; mov ax,[bx]; hlt */
    RUN(&m, 0xbb, 0xff, 0xff, 0xb8, 0x34, 0x12, 0x8b, 0x07, 0xf4);
    ck_assert_uint_eq(tm_peek16(&m, TM_STACK - 6), TM_CODE + 6);
    ck_assert_uint_eq(m.env->regs[0] & 0xffff, 0x1234);
    tm_free(&m);
}
END_TEST

START_TEST(fault_inside_a_block_keeps_earlier_results_and_flags)
{
    struct tmachine m;
    tm_init(&m);
    /* mov cx,7; cmp cx,7; push cx; mov bx,0xffff; inc word [bx]; hlt
     * The INC faults: CX, the pushed word and ZF of the CMP survive. */
    RUN(&m, 0xb9, 0x07, 0x00, 0x83, 0xf9, 0x07, 0x51, 0xbb, 0xff, 0xff, 0xff, 0x07, 0xf4);
    ck_assert_uint_eq(tm_peek16(&m, TM_STACK - 2), 7);
    ck_assert_uint_eq(tm_peek16(&m, TM_STACK - 8), TM_CODE + 10);
    ck_assert_uint_ne(tm_peek16(&m, TM_STACK - 4) & X86_ZF, 0); /* FLAGS image */
    tm_free(&m);
}
END_TEST

START_TEST(bound_out_of_range_raises_vector_5)
{
    struct tmachine m;
    tm_init(&m);
    tm_poke16(&m, 0x2000, 10);
    tm_poke16(&m, 0x2002, 20);
    /* mov ax,21; bound ax,[0x2000]; hlt */
    RUN(&m, 0xb8, 0x15, 0x00, 0x62, 0x06, 0x00, 0x20, 0xf4);
    ck_assert_uint_eq(m.env->eip, TM_HANDLER + 1);
    ck_assert_uint_eq(tm_peek16(&m, TM_STACK - 6), TM_CODE + 3);
    tm_free(&m);
}
END_TEST

START_TEST(undefined_opcode_raises_vector_6)
{
    struct tmachine m;
    tm_init(&m);
    tm_poke16(&m, 6 * 4, 0x1900);
    uint8_t hlt = 0xf4;
    tm_poke(&m, 0x1900, &hlt, 1);
    /* nop; ud2 */
    RUN(&m, 0x90, 0x0f, 0x0b);
    ck_assert_uint_eq(m.env->eip, 0x1901);
    ck_assert_uint_eq(tm_peek16(&m, TM_STACK - 6), TM_CODE + 1);
    tm_free(&m);
}
END_TEST

START_TEST(fault_delivering_a_fault_is_a_double_fault)
{
    struct tmachine m;
    tm_init(&m);
    /* The IVT limit holds vector 8 but not vector 13's entry: #GP while
     * delivering #GP is contributory on contributory, so #DF (vector 8). */
    m.env->idt.limit = 8 * 4 + 3;
    tm_poke16(&m, 13 * 4, 0x1900);
    /* mov bx,0xffff; mov ax,[bx] -> #GP(0); its delivery needs IVT[13] beyond the limit */
    m.env->idt.limit = 12 * 4 - 1;
    RUN(&m, 0xbb, 0xff, 0xff, 0x8b, 0x07, 0xf4);
    ck_assert_uint_eq(m.env->eip, TM_HANDLER + 1); /* reached through IVT[8] */
    tm_free(&m);
}
END_TEST

START_TEST(fault_delivering_a_double_fault_shuts_down)
{
    struct tmachine m;
    tm_init(&m);
    m.env->idt.limit = 0;
    static const uint8_t code[] = {0xb3, 0x00, 0xf6, 0xf3, 0xf4}; /* mov bl,0; div bl */
    tm_code(&m, code, sizeof(code));
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_SHUTDOWN);
    tm_free(&m);
}
END_TEST

START_TEST(runaway_loop_ends_at_the_block_limit)
{
    struct tmachine m;
    tm_init(&m);
    static const uint8_t code[] = {0xeb, 0xfe}; /* jmp $ */
    tm_code(&m, code, sizeof(code));
    ck_assert_int_eq(cpu_exec(m.cpu, 50), CPU_EXIT_LIMIT);
    ck_assert_uint_eq(m.env->eip, TM_CODE);
    tm_free(&m);
}
END_TEST

START_TEST(chained_loop_still_ends_at_the_block_limit)
{
    struct tmachine m;
    tm_init_chained(&m, true);
    /* l: inc ax; jmp l */
    static const uint8_t code[] = {0x40, 0xeb, 0xfd};
    tm_code(&m, code, sizeof(code));
    ck_assert_int_eq(cpu_exec(m.cpu, 1000), CPU_EXIT_LIMIT);
    ck_assert_uint_ge(m.env->regs[0] & 0xffff, 990);
    ck_assert_uint_le(m.env->regs[0] & 0xffff, 1000);
    /* Only the interpreter counts the chained jumps it follows (native code
     * jumps without a counter): there the loop must really have been chained. */
    if (strcmp(translator_default_backend(), "interp") == 0)
        ck_assert_uint_gt(translator_stats(cpu_translator(m.cpu))->chained_jumps, 900);
    tm_free(&m);
}
END_TEST

START_TEST(exit_request_stops_before_the_next_block)
{
    struct tmachine m;
    tm_init(&m);
    static const uint8_t code[] = {0x40, 0xf4}; /* inc ax; hlt */
    tm_code(&m, code, sizeof(code));
    cpu_exit_request(m.cpu);
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_REQUEST);
    ck_assert_uint_eq(m.env->regs[0] & 0xffff, 0);
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_uint_eq(m.env->regs[0] & 0xffff, 1);
    tm_free(&m);
}
END_TEST

struct pic_model {
    struct x86_cpu *cpu;
    int acks;
};

/* Like an 8259 with one request: the acknowledge drops INTR. */
static uint8_t ack_0x30(void *opaque)
{
    struct pic_model *p = opaque;
    p->acks++;
    cpu_set_irq(p->cpu, false);
    return 0x30;
}

START_TEST(hardware_interrupt_wakes_hlt_and_runs_the_handler)
{
    struct tmachine m;
    tm_init(&m);
    struct pic_model pic = {m.cpu, 0};
    cpu_set_intack(m.cpu, ack_0x30, &pic);
    /* IVT[0x30] -> 0x1900: mov bx,0x77; iret */
    static const uint8_t isr[] = {0xbb, 0x77, 0x00, 0xcf};
    tm_poke(&m, 0x1900, isr, sizeof(isr));
    tm_poke16(&m, 0x30 * 4, 0x1900);
    /* sti; hlt; mov ax,1; hlt */
    static const uint8_t code[] = {0xfb, 0xf4, 0xb8, 0x01, 0x00, 0xf4};
    tm_code(&m, code, sizeof(code));
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_uint_eq(m.env->eip, TM_CODE + 2);
    cpu_set_irq(m.cpu, true);
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_int_eq(pic.acks, 1);
    ck_assert_uint_eq(m.env->regs[3] & 0xffff, 0x77);
    ck_assert_uint_eq(m.env->regs[0] & 0xffff, 1);
    tm_free(&m);
}
END_TEST

START_TEST(interrupts_wait_while_if_is_clear)
{
    struct tmachine m;
    tm_init(&m);
    struct pic_model pic = {m.cpu, 0};
    cpu_set_intack(m.cpu, ack_0x30, &pic);
    cpu_set_irq(m.cpu, true);
    /* cli; mov ax,2; hlt */
    static const uint8_t code[] = {0xfa, 0xb8, 0x02, 0x00, 0xf4};
    tm_code(&m, code, sizeof(code));
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_int_eq(pic.acks, 0);
    ck_assert_uint_eq(m.env->regs[0] & 0xffff, 2);
    tm_free(&m);
}
END_TEST

START_TEST(sti_and_mov_ss_hold_a_pending_interrupt_for_one_instruction)
{
    struct tmachine m;
    tm_init(&m);
    struct pic_model pic = {m.cpu, 0};
    cpu_set_intack(m.cpu, ack_0x30, &pic);
    cpu_set_irq(m.cpu, true);
    /* mov ax,0; sti; mov ss,ax; mov sp,0x7000; hlt: STI's shadow covers
     * MOV SS and MOV SS's covers MOV SP (SDM Vol. 3A §6.8.3), so the frame
     * lands on the new stack and returns to the HLT. */
    static const uint8_t code[] = {0xb8, 0x00, 0x00, 0xfb, 0x8e, 0xd0, 0xbc, 0x00, 0x70, 0xf4};
    tm_code(&m, code, sizeof(code));
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_int_eq(pic.acks, 1);
    ck_assert_uint_eq(m.env->regs[4] & 0xffff, 0x7000 - 6);
    ck_assert_uint_eq(tm_peek16(&m, 0x7000 - 6), TM_CODE + 9);
    tm_free(&m);
}
END_TEST

START_TEST(sti_shadow_covers_one_instruction_not_a_block)
{
    struct tmachine m;
    tm_init_chained(&m, true);
    struct pic_model pic = {m.cpu, 0};
    cpu_set_intack(m.cpu, ack_0x30, &pic);
    /* IVT[0x30] -> 0x1900: mov [0x1800],bx; iret */
    static const uint8_t isr[] = {0x89, 0x1e, 0x00, 0x18, 0xcf};
    tm_poke(&m, 0x1900, isr, sizeof(isr));
    tm_poke16(&m, 0x30 * 4, 0x1900);
    tm_poke16(&m, 0x1800, 0xffff);
    cpu_set_irq(m.cpu, true);
    /* sti; inc bx; inc bx; inc bx; cli; hlt (SeaBIOS's check_irqs does
     * sti; nop; cli): the pending interrupt comes after the first INC only. */
    static const uint8_t code[] = {0xfb, 0x43, 0x43, 0x43, 0xfa, 0xf4};
    for (int pass = 0; pass < 2; pass++) { /* the second run uses cached blocks */
        m.env->regs[3] = 0;
        m.env->eip = TM_CODE;
        m.env->halted = false;
        tm_code(&m, code, sizeof(code));
        cpu_set_irq(m.cpu, true);
        ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
        ck_assert_int_eq(pic.acks, pass + 1);
        ck_assert_uint_eq(tm_peek16(&m, 0x1800), 1);
        ck_assert_uint_eq(m.env->regs[3] & 0xffff, 3);
    }
    tm_free(&m);
}
END_TEST

START_TEST(trap_flag_raises_debug_after_each_instruction)
{
    struct tmachine m;
    tm_init(&m);
    tm_poke16(&m, 1 * 4, 0x1900);
    static const uint8_t isr[] = {0x43, 0xcf}; /* inc bx; iret */
    tm_poke(&m, 0x1900, isr, sizeof(isr));
    /* pushf; pop ax; or ah,1; push ax; popf; nop; nop; hlt: TF set by POPF,
     * traps after each NOP and after the HLT's predecessor */
    static const uint8_t code[] = {0x9c, 0x58, 0x80, 0xcc, 0x01, 0x50, 0x9d, 0x90, 0x90, 0xf4};
    tm_code(&m, code, sizeof(code));
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_uint_eq(m.env->regs[3] & 0xffff, 2);
    tm_free(&m);
}
END_TEST

START_TEST(instruction_breakpoint_faults_before_the_instruction)
{
    struct tmachine m;
    tm_init(&m);
    tm_poke16(&m, 1 * 4, 0x1900);
    /* #DB handler: inc bx; xor eax,eax; mov dr7,eax; iret */
    static const uint8_t isr[] = {0x43, 0x66, 0x31, 0xc0, 0x0f, 0x23, 0xf8, 0xcf};
    tm_poke(&m, 0x1900, isr, sizeof(isr));
    /* mov eax,0x1013; mov dr0,eax; mov eax,1; mov dr7,eax; nop; mov cx,5 (at 0x1013); hlt */
    static const uint8_t code[] = {0x66, 0xb8, 0x13, 0x10, 0x00, 0x00, 0x0f, 0x23,
                                   0xc0, 0x66, 0xb8, 0x01, 0x00, 0x00, 0x00, 0x0f,
                                   0x23, 0xf8, 0x90, 0xb9, 0x05, 0x00, 0xf4};
    tm_code(&m, code, sizeof(code));
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_uint_eq(m.env->regs[3] & 0xffff, 1);
    ck_assert_uint_eq(m.env->regs[1] & 0xffff, 5);
    ck_assert_uint_ne(m.env->dr[6] & 1, 0);
    ck_assert_uint_eq(m.env->eip, 0x1017);
    tm_free(&m);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("cpu_exceptions");
    TCase *tc = tcase_create("real_mode");
    tcase_add_test(tc, divide_by_zero_pushes_the_address_of_the_div);
    tcase_add_test(tc, int_n_pushes_the_next_ip_and_clears_if);
    tcase_add_test(tc, iret_returns_to_the_interrupted_code);
    tcase_add_test(tc, into_traps_only_when_of_is_set);
    tcase_add_test(tc, word_access_at_offset_ffff_raises_gp_with_state_intact);
    tcase_add_test(tc, fault_inside_a_block_keeps_earlier_results_and_flags);
    tcase_add_test(tc, bound_out_of_range_raises_vector_5);
    tcase_add_test(tc, undefined_opcode_raises_vector_6);
    tcase_add_test(tc, fault_delivering_a_fault_is_a_double_fault);
    tcase_add_test(tc, fault_delivering_a_double_fault_shuts_down);
    tcase_add_test(tc, runaway_loop_ends_at_the_block_limit);
    tcase_add_test(tc, exit_request_stops_before_the_next_block);
    tcase_add_test(tc, chained_loop_still_ends_at_the_block_limit);
    tcase_add_test(tc, hardware_interrupt_wakes_hlt_and_runs_the_handler);
    tcase_add_test(tc, interrupts_wait_while_if_is_clear);
    tcase_add_test(tc, sti_and_mov_ss_hold_a_pending_interrupt_for_one_instruction);
    tcase_add_test(tc, sti_shadow_covers_one_instruction_not_a_block);
    tcase_add_test(tc, trap_flag_raises_debug_after_each_instruction);
    tcase_add_test(tc, instruction_breakpoint_faults_before_the_instruction);
    suite_add_tcase(s, tc);
    return s;
}
