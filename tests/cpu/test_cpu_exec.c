/* The execution loop's fast paths (cpu/exec.c): goto_ptr (RET, indirect
 * jumps) continuing in the next block through the jump cache on a native
 * backend must leave the same guest-visible state as returning to the loop,
 * which is what the interpreter always does. */
#include "machine.h"
#include "translator/translator.h"

#include <check.h>

/* Real-mode code at TM_CODE: 50 CALL/RET pairs in a LOOP, then RDTSC, HLT. */
static const uint8_t call_loop[] = {
    0xb9, 0x32, 0x00, /* 1000: mov cx, 50 */
    0xe8, 0x05, 0x00, /* 1003: call 100b */
    0xe2, 0xfb,       /* 1006: loop 1003 */
    0x0f, 0x31,       /* 1008: rdtsc */
    0xf4,             /* 100a: hlt */
    0xc3,             /* 100b: ret */
};

struct run_result {
    uint32_t eax, edx, ecx, eip;
    uint64_t jc_hits;
};

static struct run_result run_on(const char *backend, const uint8_t *code, size_t n)
{
    struct tmachine m;
    tm_init_chained(&m, true);
    /* The same machine again on the backend asked for. */
    cpu_free(m.cpu);
    struct cpu_config cfg = {
        .space = m.space, .io = m.io, .backend = translator_backend_by_name(backend)};
    ck_assert_ptr_nonnull(cfg.backend);
    m.cpu = cpu_new(&cfg);
    ck_assert_ptr_nonnull(m.cpu);
    m.env = cpu_env(m.cpu);
    for (unsigned s = 0; s < 6; s++)
        cpu_load_seg_real(m.env, s, 0);
    m.env->idt.base = 0;
    m.env->idt.limit = 0x3ff;
    m.env->eip = TM_CODE;
    m.env->regs[4] = TM_STACK;
    tm_code(&m, code, n);
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    struct run_result r = {(uint32_t)m.env->regs[0], (uint32_t)m.env->regs[2],
                           (uint32_t)m.env->regs[1], (uint32_t)m.env->eip,
                           translator_stats(cpu_translator(m.cpu))->jc_hits};
    tm_free(&m);
    return r;
}

/* The TSC counts blocks: a RET that goes straight to the next block must
 * count it as the loop would. */
START_TEST(exec_ret_through_jump_cache_counts_blocks_like_the_loop)
{
    if (!translator_backend_by_name("x86_64"))
        return; /* no native backend on this host */
    struct run_result in = run_on("interp", call_loop, sizeof(call_loop));
    struct run_result nat = run_on("x86_64", call_loop, sizeof(call_loop));
    ck_assert_uint_eq(in.ecx, 0);
    ck_assert_uint_eq(nat.ecx, 0);
    ck_assert_uint_eq(nat.eip, 0x100b);
    ck_assert_uint_eq(in.eip, nat.eip);
    ck_assert_uint_eq(in.edx, nat.edx);
    ck_assert_uint_eq(in.eax, nat.eax);
    ck_assert_uint_ge(nat.jc_hits, 40); /* the RETs' successors came from the jump cache */
}
END_TEST

/* JMP AX from FFFF:1010 to FFFF:2010 (linear 0x102000), with A20 on
 * (physical 0x102000: BX = 1), then with it off (physical 0x2000: BX = 2).
 * The jump cache still holds the first block by virtual PC; the goto_ptr hook
 * must see that the TLB now maps the PC elsewhere. */
START_TEST(exec_indirect_jump_after_a20_switch_runs_the_newly_mapped_code)
{
    const struct tb_backend *be = translator_backend_by_name("x86_64");
    if (!be)
        return;
    struct tmachine m;
    tm_init_chained(&m, true);
    cpu_free(m.cpu);
    struct cpu_config cfg = {.space = m.space, .io = m.io, .backend = be};
    m.cpu = cpu_new(&cfg);
    ck_assert_ptr_nonnull(m.cpu);
    m.env = cpu_env(m.cpu);
    static const uint8_t jump[] = {0xb8, 0x10, 0x20, 0xff, 0xe0}; /* mov ax, 2010; jmp ax */
    static const uint8_t one[] = {0xbb, 0x01, 0x00, 0xf4};        /* mov bx, 1; hlt */
    static const uint8_t two[] = {0xbb, 0x02, 0x00, 0xf4};        /* mov bx, 2; hlt */
    tm_poke(&m, 0x101000, jump, sizeof(jump));
    tm_poke(&m, 0x001000, jump, sizeof(jump));
    tm_poke(&m, 0x102000, one, sizeof(one));
    tm_poke(&m, 0x002000, two, sizeof(two));
    /* Twice with A20 on: a block enters the jump cache at its second lookup. */
    for (unsigned pass = 0; pass < 3; pass++) {
        mmu_phys_set_a20(m.space, pass < 2);
        for (unsigned s = 0; s < 6; s++)
            cpu_load_seg_real(m.env, s, 0);
        cpu_load_seg_real(m.env, X86_SEG_CS, 0xffff);
        m.env->eip = 0x1010;
        m.env->regs[4] = TM_STACK;
        m.env->halted = false;
        ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
        ck_assert_uint_eq(m.env->regs[3], (pass < 2 ? 1u : 2u));
    }
    tm_free(&m);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("cpu_exec");
    TCase *tc = tcase_create("exec");
    tcase_add_test(tc, exec_ret_through_jump_cache_counts_blocks_like_the_loop);
    tcase_add_test(tc, exec_indirect_jump_after_a20_switch_runs_the_newly_mapped_code);
    suite_add_tcase(s, tc);
    return s;
}
