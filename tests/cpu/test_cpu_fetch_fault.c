/* An instruction whose bytes run into a not-present page raises #PF with
 * CR2 at the first byte it could not fetch and EIP at the instruction (SDM
 * vol. 3, 4.7 and 6.15 "Interrupt 14"), whether it starts a block or follows
 * others in it; once the handler maps the page, the instruction runs. */
#include "machine.h"

static uint32_t peek32(struct tmachine *m, uint32_t a)
{
    return tm_peek16(m, a) | (uint32_t)tm_peek16(m, a + 2) << 16;
}

/* Linear 0x20ffb (physical 0x30ffb): inc ebx; inc ebx; then at 0x20ffd
 * mov eax,0x12345678, whose last two bytes and the HLT after it are on the
 * not-present page 0x21000 (physical 0x31000 once mapped). The #PF handler
 * counts in ECX, saves error code, return EIP and CR2 at 0x6000, maps the
 * page, INVLPG, drops the error code, IRET. */
static void run_straddle(struct tmachine *m, uint32_t entry)
{
    const uint8_t tail[] = {0xb8, (uint8_t)entry, (uint8_t)(entry >> 8), (uint8_t)(entry >> 16),
                            0x00, 0xff, 0xe0}; /* mov eax,entry; jmp eax */
    tm_paged_setup(m, tail, sizeof(tail));
    static const uint8_t first[] = {0x43, 0x43, 0xb8, 0x78, 0x56};
    static const uint8_t second[] = {0x34, 0x12, 0xf4};
    tm_poke(m, 0x30ffb, first, sizeof(first));
    tm_poke(m, 0x31000, second, sizeof(second));
    static const uint8_t handler[] = {
        0x41,                                                       /* inc ecx */
        0x8b, 0x04, 0x24, 0xa3, 0x00, 0x60, 0x00, 0x00,             /* [0x6000] = error code */
        0x8b, 0x44, 0x24, 0x04, 0xa3, 0x04, 0x60, 0x00, 0x00,       /* [0x6004] = EIP */
        0x0f, 0x20, 0xd0, 0xa3, 0x08, 0x60, 0x00, 0x00,             /* [0x6008] = CR2 */
        0xc7, 0x05, 0x84, 0x10, 0x01, 0x00, 0x03, 0x10, 0x03, 0x00, /* PTE 0x21 = 0x31003 */
        0x0f, 0x01, 0x3d, 0x00, 0x10, 0x02, 0x00,                   /* invlpg [0x21000] */
        0x83, 0xc4, 0x04, 0xcf};                                    /* add esp,4; iret */
    tm_poke(m, 0x5200, handler, sizeof(handler));
    m->env->regs[1] = 0;
    m->env->regs[3] = 0;
    ck_assert_int_eq(cpu_exec(m->cpu, 100000), CPU_EXIT_HALTED);
    ck_assert_uint_eq(m->env->regs[1], 1);       /* one #PF, not a loop of them */
    ck_assert_uint_eq(peek32(m, 0x6000), 0);     /* not present, read, supervisor */
    ck_assert_uint_eq(peek32(m, 0x6004), 0x20ffd);
    ck_assert_uint_eq(peek32(m, 0x6008), 0x21000);
    ck_assert_uint_eq(m->env->regs[0], 0x12345678);
    ck_assert_uint_eq(m->env->eip, 0x21003);
}

START_TEST(fetch_fault_after_other_instructions_is_a_page_fault)
{
    struct tmachine m;
    tm_init(&m);
    run_straddle(&m, 0x20ffb);
    ck_assert_uint_eq(m.env->regs[3], 2); /* the INCs before it ran once */
    tm_free(&m);
}
END_TEST

START_TEST(fetch_fault_at_block_start_is_a_page_fault)
{
    struct tmachine m;
    tm_init(&m);
    run_straddle(&m, 0x20ffd);
    ck_assert_uint_eq(m.env->regs[3], 0);
    tm_free(&m);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("cpu_fetch_fault");
    TCase *tc = tcase_create("straddle");
    tcase_add_test(tc, fetch_fault_after_other_instructions_is_a_page_fault);
    tcase_add_test(tc, fetch_fault_at_block_start_is_a_page_fault);
    suite_add_tcase(s, tc);
    return s;
}
