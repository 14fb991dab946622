/* What the guest sees, and how many blocks it runs (the -icount clock), must
 * not depend on what the translation cache holds: the backends differ in code
 * size, so they flush at different times and keep different blocks and
 * chains (docs/linux.md, "Determinism"). Each case runs the same guest with a
 * warm and a cold cache, on the interpreter and on the native backend. */
#include "machine.h"

#include "translator/log.h"
#include "translator/translator.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void tm_init_backend(struct tmachine *m, const char *backend)
{
    tm_init_chained(m, true);
    cpu_free(m->cpu);
    struct cpu_config cfg = {
        .space = m->space, .io = m->io, .backend = translator_backend_by_name(backend)};
    ck_assert_ptr_nonnull(cfg.backend);
    m->cpu = cpu_new(&cfg);
    ck_assert_ptr_nonnull(m->cpu);
    m->env = cpu_env(m->cpu);
}

/* Runs from seg:eip to a HLT; returns the blocks counted against the budget. */
static unsigned run_from(struct tmachine *m, uint16_t cs, uint32_t eip)
{
    for (unsigned s = 0; s < 6; s++)
        cpu_load_seg_real(m->env, s, 0);
    cpu_load_seg_real(m->env, X86_SEG_CS, cs);
    m->env->eip = eip;
    m->env->regs[4] = TM_STACK;
    m->env->halted = false;
    ck_assert_int_eq(cpu_exec(m->cpu, 1000), CPU_EXIT_HALTED);
    return 1000u - (unsigned)m->env->block_budget;
}

/* MOV BYTE [2020h], 90h at 0000:2000 stores into a code page, 32 bytes after
 * itself but outside its own block (JMP SHORT 2030h ends it). Whether a
 * block starting at 2020h is cached (warm) or not (cold, after a flush),
 * the store reruns the MOV alone, so the count is the same: the first try,
 * the MOV alone, the JMP, the HLT. */
static unsigned smc_blocks(const char *backend, bool warm)
{
    static const uint8_t store[] = {0xc6, 0x06, 0x20, 0x20, 0x90, 0xeb, 0x29};
    static const uint8_t target[] = {0x90, 0xf4}; /* nop; hlt */
    static const uint8_t hlt = 0xf4;
    struct tmachine m;
    tm_init_backend(&m, backend);
    tm_poke(&m, 0x2000, store, sizeof(store));
    tm_poke(&m, 0x2020, target, sizeof(target));
    tm_poke(&m, 0x2030, &hlt, 1);
    ck_assert_uint_eq(run_from(&m, 0, 0x2020), 1);
    if (!warm)
        translator_flush(cpu_translator(m.cpu));
    unsigned n = run_from(&m, 0, 0x2000);
    ck_assert_uint_eq(m.env->eip, 0x2031);
    tm_free(&m);
    return n;
}

START_TEST(icount_smc_rerun_does_not_depend_on_cached_blocks)
{
    const char *backends[] = {"interp", translator_default_backend()};
    for (unsigned i = 0; i < 2; i++) {
        ck_assert_uint_eq(smc_blocks(backends[i], true), 4);
        ck_assert_uint_eq(smc_blocks(backends[i], false), 4);
    }
}
END_TEST

/* JMP NEAR from FFFF:0000 (linear FFFF0h, below 1 MiB: A20 does not move
 * it) to FFFF:2010 (linear 102000h, another page), with A20 on (physical
 * 102000h: BX = 1), then off (physical 2000h: BX = 2). A chain patched while
 * A20 was on must not carry the jump to the block of the old mapping: direct
 * jumps to another page come back to the loop, which looks the page up
 * again. */
static void cross_page_jump_after_a20_switch(const char *backend)
{
    static const uint8_t jump[] = {0xe9, 0x0d, 0x20}; /* jmp near 2010h */
    static const uint8_t one[] = {0xbb, 0x01, 0x00, 0xf4};
    static const uint8_t two[] = {0xbb, 0x02, 0x00, 0xf4};
    struct tmachine m;
    tm_init_backend(&m, backend);
    tm_poke(&m, 0xffff0, jump, sizeof(jump));
    tm_poke(&m, 0x102000, one, sizeof(one));
    tm_poke(&m, 0x002000, two, sizeof(two));
    for (unsigned pass = 0; pass < 3; pass++) {
        mmu_phys_set_a20(m.space, pass < 2);
        ck_assert_uint_eq(run_from(&m, 0xffff, 0), 2);
        ck_assert_uint_eq(m.env->regs[3], (pass < 2 ? 1u : 2u));
    }
    tm_free(&m);
}

START_TEST(icount_direct_jump_to_another_page_after_a20_switch_runs_the_new_code)
{
    cross_page_jump_after_a20_switch("interp");
    cross_page_jump_after_a20_switch(translator_default_backend());
}
END_TEST

/* -d icount: the block count (what -icount turns into time) at each port
 * access and exception, so two runs' logs can be diffed to the first event
 * where they part. MOV AL,41h; OUT 80h,AL; JMP $+2 is block 1; OUT 80h,AL;
 * UD2 is block 2; delivering the #UD counts as one more (the loop counts
 * it, so a fault that repeats cannot run for ever); the handler's HLT is
 * block 4. */
START_TEST(icount_log_shows_the_block_count_at_port_io_and_exceptions)
{
    char path[] = "/tmp/jit86-icount-log-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert(log_set_file(path));
    log_mask = LOG_ICOUNT;
    static const uint8_t code[] = {0xb0, 0x41, 0xe6, 0x80, 0xeb, 0x00, 0xe6, 0x80, 0x0f, 0x0b};
    struct tmachine m;
    tm_init(&m);
    tm_code(&m, code, sizeof(code));
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_uint_eq(1000u - (unsigned)m.env->block_budget, 4);
    tm_free(&m);
    log_mask = 0;
    log_close();
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    static char text[4096];
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    text[n] = 0;
    fclose(f);
    unlink(path);
    ck_assert_str_eq(text, "icount: 1 out 0x80/1 = 0x41\n"
                           "icount: 2 out 0x80/1 = 0x41\n"
                           "icount: 2 exception 6 error 0 at 00001008\n");
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("cpu_icount");
    TCase *tc = tcase_create("icount");
    tcase_add_test(tc, icount_smc_rerun_does_not_depend_on_cached_blocks);
    tcase_add_test(tc, icount_direct_jump_to_another_page_after_a20_switch_runs_the_new_code);
    tcase_add_test(tc, icount_log_shows_the_block_count_at_port_io_and_exceptions);
    suite_add_tcase(s, tc);
    return s;
}
