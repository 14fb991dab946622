/* Exit requests ride on the block budget (X86_EXIT_BIAS, frontend/cpu-state.h):
 * one decrement-and-test at block entry. A block that leaves at its entry
 * because of a request must not count, so the -icount block count of a run
 * is the same whether its blocks are chained or return to the loop. */
#include "machine.h"

#include "translator/translator.h"

#define OUT_PORT 0x80

/* A device on OUT_PORT that raises INTR (IF is clear: only the exit request
 * it makes matters) or asks the CPU to stop, at its trigger-th write. */
struct trigger_dev {
    struct x86_cpu *cpu;
    unsigned writes, trigger;
    bool stop;
};

static uint64_t dev_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)opaque, (void)offset, (void)size;
    return 0;
}

static void dev_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    struct trigger_dev *d = opaque;
    (void)offset, (void)value, (void)size;
    if (++d->writes != d->trigger)
        return;
    if (d->stop)
        cpu_exit_request(d->cpu);
    else
        cpu_set_irq(d->cpu, true);
}

static const struct mmu_io_ops dev_ops = {dev_read, dev_write, 0};

/* mov cx,100; L: out 80h,al; inc ax; loop L; hlt */
static const uint8_t out_loop[] = {0xb9, 0x64, 0x00, 0xe6, OUT_PORT, 0x40, 0xe2, 0xfb, 0xf4};
/* mov cx,100; L: cli; sti; inc ax; loop L; hlt: every STI shadow requests an exit */
static const uint8_t sti_loop[] = {0xb9, 0x64, 0x00, 0xfa, 0xfb, 0x40, 0xe2, 0xfb, 0xf4};

/* Runs code to its HLT (cpu_exec again after a stop request); returns the
 * blocks counted against the budgets. */
static unsigned run_count(struct tmachine *m, const uint8_t *code, size_t n, struct trigger_dev *d)
{
    d->cpu = m->cpu;
    ck_assert(mmu_io_register(m->io, OUT_PORT, 1, &dev_ops, d));
    tm_code(m, code, n);
    m->env->eip = TM_CODE;
    unsigned blocks = 0;
    for (unsigned i = 0; i < 4; i++) {
        enum cpu_exit_reason why = cpu_exec(m->cpu, 1000);
        blocks += 1000u - (unsigned)cpu_budget_left(m->cpu);
        if (why == CPU_EXIT_HALTED)
            break;
        ck_assert_int_eq(why, CPU_EXIT_REQUEST);
        ck_assert_uint_eq(m->env->regs[0] & 0xffff, d->trigger);
    }
    ck_assert_uint_eq(m->env->regs[0] & 0xffff, 100);
    ck_assert_uint_eq(m->env->eip, TM_CODE + n);
    return blocks;
}

/* The reference: every block returns to the loop, which takes requests
 * there, so no block ever leaves at its entry. */
static unsigned unchained_count(const uint8_t *code, size_t n, struct trigger_dev d)
{
    struct tmachine m;
    tm_init_chained(&m, false);
    unsigned blocks = run_count(&m, code, n, &d);
    tm_free(&m);
    return blocks;
}

static void check_chained_count(const uint8_t *code, size_t n, struct trigger_dev d,
                                unsigned expected)
{
    ck_assert_uint_eq(unchained_count(code, n, d), expected);
    struct tmachine ms[3];
    unsigned nb = tm_init_backends(ms, 3);
    ck_assert_uint_ge(nb, 1);
    for (unsigned i = 0; i < nb; i++) {
        ms[i].env->regs[4] = TM_STACK;
        struct trigger_dev di = d;
        ck_assert_uint_eq(run_count(&ms[i], code, n, &di), expected);
        tm_free(&ms[i]);
    }
}

/* Block 1 runs to the first LOOP, 99 runs of the loop body, the HLT. */
#define OUT_LOOP_BLOCKS 101

START_TEST(chained_loop_counts_the_same_blocks_as_unchained)
{
    struct trigger_dev d = {0};
    check_chained_count(out_loop, sizeof(out_loop), d, OUT_LOOP_BLOCKS);
}
END_TEST

START_TEST(irq_raised_in_a_chained_block_costs_no_block)
{
    struct trigger_dev d = {.trigger = 50};
    check_chained_count(out_loop, sizeof(out_loop), d, OUT_LOOP_BLOCKS);
}
END_TEST

START_TEST(stop_request_in_a_chained_block_costs_no_block)
{
    struct trigger_dev d = {.trigger = 50, .stop = true};
    check_chained_count(out_loop, sizeof(out_loop), d, OUT_LOOP_BLOCKS);
}
END_TEST

/* Per iteration four blocks: CLI and STI each end theirs, INC runs alone in
 * the shadow block, then LOOP; the first block also holds MOV CX; the HLT. */
START_TEST(interrupt_shadow_requests_cost_no_block)
{
    struct trigger_dev d = {0};
    check_chained_count(sti_loop, sizeof(sti_loop), d, 4 * 100 + 1);
}
END_TEST

START_TEST(request_between_calls_leaves_the_budget_left_alone)
{
    struct tmachine m;
    tm_init(&m);
    static const uint8_t code[] = {0x40, 0xf4, 0xf4}; /* inc ax; hlt; hlt (IF clear) */
    tm_code(&m, code, sizeof(code));
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    int32_t left = cpu_budget_left(m.cpu);
    ck_assert_int_eq(left, 999);
    cpu_set_irq(m.cpu, true);
    ck_assert(x86_exit_requested(m.env));
    ck_assert_int_eq(cpu_budget_left(m.cpu), left);
    cpu_set_irq(m.cpu, true); /* a second raise is the same request */
    ck_assert_int_eq(cpu_budget_left(m.cpu), left);
    /* The request survives the next call's new budget: the loop takes it. */
    m.env->halted = false;
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert(!x86_exit_requested(m.env));
    tm_free(&m);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("cpu_exit_entry");
    TCase *tc = tcase_create("exit_entry");
    tcase_add_test(tc, chained_loop_counts_the_same_blocks_as_unchained);
    tcase_add_test(tc, irq_raised_in_a_chained_block_costs_no_block);
    tcase_add_test(tc, stop_request_in_a_chained_block_costs_no_block);
    tcase_add_test(tc, interrupt_shadow_requests_cost_no_block);
    tcase_add_test(tc, request_between_calls_leaves_the_budget_left_alone);
    suite_add_tcase(s, tc);
    return s;
}
