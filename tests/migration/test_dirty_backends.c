/* The migration dirty log seen from translated code: guest stores on every
 * backend this host has (the interpreter's C fast path, the x86-64 or
 * AArch64 inline fast path) set the bits of their pages, the first store to
 * a page after the bits were taken goes slow once even through a cached
 * TLB entry and a cached block, and without the log no store goes slow. */
#include "cpu/cpu.h"
#include "softmmu/tlb.h"
#include "translator/translator.h"

#include <check.h>
#include <string.h>

#define RAM_SIZE (1u << 20)
#define CODE     0x1000u

/* Real mode: two stores on pages 5 and 9, one on page 0x42 through DS, HLT. */
static const uint8_t stores[] = {
    0xb8, 0x34, 0x12, /* mov ax, 0x1234 */
    0xa3, 0x00, 0x50, /* mov [0x5000], ax */
    0xa3, 0x10, 0x90, /* mov [0x9010], ax */
    0xbb, 0x00, 0x40, /* mov bx, 0x4000 */
    0x8e, 0xdb,       /* mov ds, bx */
    0xa3, 0x08, 0x20, /* mov [0x2008], ax: linear 0x42008 */
    0x31, 0xdb,       /* xor bx, bx */
    0x8e, 0xdb,       /* mov ds, bx */
    0xf4,             /* hlt */
};

struct machine {
    struct mmu_phys_space *space;
    struct x86_cpu *cpu;
    uint64_t bm[RAM_SIZE / 4096 / 64];
};

static void machine_new(struct machine *m, const struct tb_backend *backend)
{
    memset(m, 0, sizeof(*m));
    m->space = mmu_phys_new(RAM_SIZE);
    ck_assert_ptr_nonnull(m->space);
    mmu_phys_map_ram(m->space, 0, RAM_SIZE, 0, 0);
    mmu_phys_set_a20(m->space, true);
    struct cpu_config cfg = {.space = m->space, .backend = backend};
    m->cpu = cpu_new(&cfg);
    ck_assert_ptr_nonnull(m->cpu);
    memcpy(mmu_phys_ram(m->space) + CODE, stores, sizeof(stores));
}

/* Runs the stores from the top; returns the slow-path stores they took. */
static uint64_t run(struct machine *m)
{
    CPUX86State *env = cpu_env(m->cpu);
    for (unsigned s = 0; s < 6; s++)
        cpu_load_seg_real(env, s, 0);
    env->eip = CODE;
    env->halted = false;
    uint64_t slow = env->tlb.stats.slow[MMU_ACCESS_WRITE];
    ck_assert_int_eq(cpu_exec(m->cpu, 100), CPU_EXIT_HALTED);
    ck_assert_uint_eq(mmu_phys_ram(m->space)[0x9010], 0x34);
    return env->tlb.stats.slow[MMU_ACCESS_WRITE] - slow;
}

static bool bit(const struct machine *m, unsigned page)
{
    return (m->bm[page / 64] >> (page % 64)) & 1;
}

static void check_backend(const struct tb_backend *backend)
{
    struct machine m;
    machine_new(&m, backend);
    run(&m);                       /* translates the block, fills the TLB */
    ck_assert_uint_eq(run(&m), 0); /* untracked: every store hits the fast path */
    ck_assert(mmu_phys_dirty_log_start(m.space));
    ck_assert_uint_eq(run(&m), 3); /* each page once, through cached entries */
    ck_assert_uint_eq(mmu_phys_dirty_log_take(m.space, m.bm), 3);
    ck_assert(bit(&m, 5) && bit(&m, 9) && bit(&m, 0x42));
    ck_assert_uint_eq(run(&m), 3); /* taking the bits re-armed them */
    ck_assert_uint_eq(run(&m), 0); /* still dirty: fast again */
    ck_assert_uint_eq(mmu_phys_dirty_log_take(m.space, m.bm), 3);
    ck_assert_uint_eq(mmu_phys_dirty_log_take(m.space, m.bm), 0);
    mmu_phys_dirty_log_stop(m.space);
    run(&m); /* the stop flushed the TLB: refills */
    ck_assert_uint_eq(run(&m), 0);
    cpu_free(m.cpu);
    mmu_phys_free(m.space);
}

START_TEST(interpreter_stores_fill_the_dirty_log)
{
    check_backend(&tb_backend_interp);
}
END_TEST

START_TEST(native_inline_stores_fill_the_dirty_log)
{
#if defined(__x86_64__)
    check_backend(&tb_backend_x86_64);
#elif defined(__aarch64__)
    check_backend(&tb_backend_aarch64);
#endif
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("migration_dirty_backends");
    TCase *tc = tcase_create("dirty_backends");
    tcase_add_test(tc, interpreter_stores_fill_the_dirty_log);
    tcase_add_test(tc, native_inline_stores_fill_the_dirty_log);
    suite_add_tcase(s, tc);
    return s;
}
