/* Solutions to the exercises of docs/how-jit86-translates.md, checked:
 * 1. a peephole pass (multiplication by a power of two becomes a shift),
 * 2. counting chained jumps of a guest loop,
 * 3. watching a self-modifying store invalidate its block. */
#include "cpu/cpu.h"
#include "translator/log.h"
#include "translator/translator.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- exercise 1: the peephole pass ---- */

struct ex_state {
    uint64_t r0, r1;
};
static const struct ir_global ex_globals[] = {
    {"r0", offsetof(struct ex_state, r0), IR_I32},
    {"r1", offsetof(struct ex_state, r1), IR_I32},
};
static const struct ir_env ex_env = {.globals = ex_globals, .nglobals = 2};

/* The solution: remembers temps set by movi (forgotten at labels and when
 * written again) and rewrites "mul d, x, c" with c = 2^k as "shl d, x, k",
 * the constant k in a fresh temp set just before. */
static void peephole_mul_pow2(struct ir_block *b)
{
    unsigned n = b->nops;
    struct ir_op *old = malloc((n ? n : 1) * sizeof(*old));
    uint64_t *val = calloc(IR_MAX_TEMPS, sizeof(*val));
    bool *known = calloc(IR_MAX_TEMPS, sizeof(*known));
    memcpy(old, b->ops, n * sizeof(*old));
    b->nops = 0;
    for (unsigned i = 0; i < n; i++) {
        struct ir_op op = old[i];
        unsigned c = op.nin == 2 ? ir_op_in(&op, 1) : 0;
        uint64_t v = known[c] ? val[c] : 0;
        if (op.opc == IR_OP_mul && op.nin == 2 && known[c] && v && !(v & (v - 1))) {
            ir_tmp k = ir_new_temp(b, (enum ir_type)op.type);
            ir_movi(b, k, (uint64_t)__builtin_ctzll(v));
            op.opc = IR_OP_shl;
            op.args[op.nout + 1] = k.idx;
        }
        if (op.opc == IR_OP_set_label)
            memset(known, 0, IR_MAX_TEMPS * sizeof(*known));
        for (unsigned o = 0; o < op.nout; o++)
            known[op.args[o]] = false;
        if (op.opc == IR_OP_movi) {
            known[op.args[0]] = true;
            val[op.args[0]] = op.cargs[0];
        }
        *ir_emit(b, (enum ir_opcode)op.opc, (enum ir_type)op.type) = op;
    }
    free(old);
    free(val);
    free(known);
}

static uint32_t run_block(const struct ir_block *src, uint32_t r0)
{
    struct translator_config cfg = {.env = &ex_env, .backend = &tb_backend_interp};
    struct translator *t = translator_new(&cfg);
    ck_assert_ptr_nonnull(t);
    ir_block_copy(translator_block(t), src);
    struct tb_key key = {0x1000, 0, 0};
    struct tb *tb = translator_commit(t, 0x1000, &key, 1, TB_NO_PAGE);
    ck_assert_ptr_nonnull(tb);
    struct ex_state s = {.r0 = r0};
    translator_exec(t, tb, &s);
    translator_free(t);
    return (uint32_t)s.r1;
}

START_TEST(exercise_peephole_turns_mul_by_eight_into_shl_by_three)
{
    struct ir_block b;
    ir_block_init(&b, &ex_env);
    char err[128];
    ck_assert_msg(
        ir_parse(&b, " movi_i32 t0, $0x8\n mul_i32 r1, r0, t0\n exit_tb $0x0\n", err, sizeof(err)),
        "%s", err);
    uint32_t before = run_block(&b, 0x12345);
    peephole_mul_pow2(&b);
    char *text = ir_print_str(&b);
    ck_assert_str_eq(text, " movi_i32 t0, $0x8\n movi_i32 t1, $0x3\n shl_i32 r1, r0, t1\n"
                           " exit_tb $0x0\n");
    free(text);
    ck_assert_uint_eq(before, 0x12345u * 8);
    ck_assert_uint_eq(run_block(&b, 0x12345), 0x12345u * 8);
    ir_block_destroy(&b);
}
END_TEST

START_TEST(exercise_peephole_leaves_mul_by_six_alone)
{
    struct ir_block b;
    ir_block_init(&b, &ex_env);
    char err[128];
    const char *src = " movi_i32 t0, $0x6\n mul_i32 r1, r0, t0\n exit_tb $0x0\n";
    ck_assert(ir_parse(&b, src, err, sizeof(err)));
    peephole_mul_pow2(&b);
    char *text = ir_print_str(&b);
    ck_assert_str_eq(text, src);
    free(text);
    ir_block_destroy(&b);
}
END_TEST

/* ---- exercises 2 and 3: a guest on the CPU ---- */

struct ex_machine {
    struct mmu_phys_space *space;
    struct x86_cpu *cpu;
};

/* Flat 32-bit protected mode, paging off, code at 0x1000, chaining on, the
 * interpreter (the backend that counts chained jumps). */
static void machine_init(struct ex_machine *m, const uint8_t *code, size_t len)
{
    m->space = mmu_phys_new(1u << 20);
    mmu_phys_map_ram(m->space, 0, 1u << 20, 0, 0);
    mmu_phys_set_a20(m->space, true);
    struct cpu_config cfg = {.space = m->space, .backend = &tb_backend_interp};
    m->cpu = cpu_new(&cfg);
    ck_assert_ptr_nonnull(m->cpu);
    CPUX86State *env = cpu_env(m->cpu);
    static const uint32_t code32 =
        X86_DESC_P | X86_DESC_S | (0xBu << X86_DESC_TYPE_SHIFT) | X86_DESC_B | X86_DESC_G;
    static const uint32_t data32 =
        X86_DESC_P | X86_DESC_S | (0x3u << X86_DESC_TYPE_SHIFT) | X86_DESC_B | X86_DESC_G;
    for (unsigned s = 0; s < 6; s++)
        env->segs[s] = (struct x86_segment){
            .limit = 0xffffffffu, .flags = s == X86_SEG_CS ? code32 : data32, .selector = 8};
    env->cr[0] |= X86_CR0_PE;
    env->eip = 0x1000;
    env->regs[X86_ESP] = 0x8000;
    cpu_update_hflags(env);
    mmu_phys_write(m->space, 0x1000, code, len);
}

static void machine_free(struct ex_machine *m)
{
    cpu_free(m->cpu);
    mmu_phys_free(m->space);
}

START_TEST(exercise_count_chained_jumps_of_a_100_iteration_loop)
{
    /* mov ecx, 100; top: add eax, ecx; dec ecx; jnz top; hlt */
    static const uint8_t code[] = {0xb9, 100, 0, 0, 0, 0x01, 0xc8, 0x49, 0x75, 0xfb, 0xf4};
    struct ex_machine m;
    machine_init(&m, code, sizeof(code));
    ck_assert_int_eq(cpu_exec(m.cpu, 0), CPU_EXIT_HALTED);
    const struct translator_stats *s = translator_stats(cpu_translator(m.cpu));
    ck_assert_uint_eq(cpu_env(m.cpu)->regs[X86_EAX], 5050);
    /* Three blocks. The first, from 1000, runs up to the first JNZ and so
     * holds iteration 1; the loop body from 1005 runs iterations 2-100 (99
     * times); then the HLT block. The body's first run comes from the loop
     * (the first block's slot is unchained until then), so does its second
     * (its own back edge was unchained); the other 97 arrive through the
     * chained back edge. The HLT block is reached once, unchained. */
    ck_assert_uint_eq(s->blocks_translated, 3);
    ck_assert_uint_eq(s->chained_jumps, 97);
    machine_free(&m);
}
END_TEST

START_TEST(exercise_self_modifying_store_invalidates_its_block)
{
    /* A subroutine at 1020 ("nop; ret") is called, then overwritten with
     * "inc eax; ret" and called again: the store hits a page holding
     * translated code, the block is invalidated and retranslated. */
    uint8_t image[0x22] = {
        0xe8, 0x1b, 0x00, 0x00, 0x00,             /* 1000: call 1020 */
        0xc6, 0x05, 0x20, 0x10, 0x00, 0x00, 0x40, /* 1005: mov byte [0x1020], 0x40 */
        0xe8, 0x0f, 0x00, 0x00, 0x00,             /* 100c: call 1020 */
        0xf4,                                     /* 1011: hlt */
    };
    image[0x20] = 0x90; /* 1020: nop, then inc eax */
    image[0x21] = 0xc3; /* 1021: ret */
    struct ex_machine m;
    machine_init(&m, image, sizeof(image));
    char path[] = "/tmp/jit86-smc-log-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert(log_set_file(path));
    log_mask = LOG_TB_FLUSH;
    ck_assert_int_eq(cpu_exec(m.cpu, 0), CPU_EXIT_HALTED);
    log_mask = 0;
    log_close();
    const struct translator_stats *s = translator_stats(cpu_translator(m.cpu));
    /* The second call ran the new code: EAX went from 0 to 1. */
    ck_assert_uint_eq(cpu_env(m.cpu)->regs[X86_EAX], 1);
    ck_assert_uint_ge(s->invalidations, 1);
    /* -d tb_flush saw it: the one-byte store at 0x1020 hit translated code. */
    char text[512] = {0};
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    size_t got = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    unlink(path);
    ck_assert_uint_gt(got, 0);
    ck_assert_msg(strstr(text, "tb_flush: write to code in [0x1020, 0x1021): ") != NULL, "%s",
                  text);
    machine_free(&m);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("teaching");
    TCase *tc = tcase_create("exercises");
    tcase_add_test(tc, exercise_peephole_turns_mul_by_eight_into_shl_by_three);
    tcase_add_test(tc, exercise_peephole_leaves_mul_by_six_alone);
    tcase_add_test(tc, exercise_count_chained_jumps_of_a_100_iteration_loop);
    tcase_add_test(tc, exercise_self_modifying_store_invalidates_its_block);
    suite_add_tcase(s, tc);
    return s;
}
