/* Translator micro-benchmark: IR ops per second built, optimized, and run on
 * the interpreter and the x86-64 backend (with their ratio), for blocks shaped
 * like lifted x86 code (ALU with lazy flags and partial registers, guest
 * memory through callbacks or an inline TLB, helper calls, an in-block loop).
 * Run by benchmarks/translator/run.sh; figures only, never a pass/fail test. */
#include "translator/translator.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A TLB entry laid out like softmmu/tlb.h's. */
struct bench_tlb_entry {
    uint64_t tag[3];
    uint64_t addend;
};
#define BENCH_TLB_BITS 8

struct bench_state {
    uint32_t reg[8];
    uint32_t cc_dst, cc_src, cc_op, eip;
    struct bench_tlb_entry tlb[1u << BENCH_TLB_BITS];
};

enum { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI, CC_DST, CC_SRC, CC_OP, EIP, NG };
#define REG(i, n)                                                                                  \
    {                                                                                              \
        n, offsetof(struct bench_state, reg) + 4 * (i), IR_I32                                     \
    }
static const struct ir_global globals[NG] = {
    REG(0, "eax"),
    REG(1, "ecx"),
    REG(2, "edx"),
    REG(3, "ebx"),
    REG(4, "esp"),
    REG(5, "ebp"),
    REG(6, "esi"),
    REG(7, "edi"),
    {"cc_dst", offsetof(struct bench_state, cc_dst), IR_I32},
    {"cc_src", offsetof(struct bench_state, cc_src), IR_I32},
    {"cc_op", offsetof(struct bench_state, cc_op), IR_I32},
    {"eip", offsetof(struct bench_state, eip), IR_I32},
};

static uint32_t helper_flags(uint32_t dst, uint32_t src, uint32_t op)
{
    return (dst == 0) << 6 | (dst >> 31) << 7 | ((dst < src) & (op == 1));
}
static void helper_out(void *env, uint32_t port, uint32_t val)
{
    ((struct bench_state *)env)->eip ^= port + val;
}
static const struct ir_helper helpers[] = {
    {"compute_eflags",
     (void (*)(void))helper_flags,
     IR_HT_I32,
     3,
     {IR_HT_I32, IR_HT_I32, IR_HT_I32},
     IR_CALL_PURE | IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS},
    {"outl", (void (*)(void))helper_out, IR_HT_VOID, 3, {IR_HT_PTR, IR_HT_I32, IR_HT_I32}, 0},
};

static uint8_t guest_ram[1 << 16];
static uint64_t mem_load(void *opaque, void *env, uint64_t addr, unsigned memop)
{
    (void)opaque, (void)env;
    uint32_t v;
    memcpy(&v, &guest_ram[addr & 0xfffc], 4);
    unsigned bits = 8u << ir_memop_size(memop);
    return bits >= 32 ? v : v & ((1u << bits) - 1);
}
static void mem_store(void *opaque, void *env, uint64_t addr, uint64_t val, unsigned memop)
{
    (void)opaque, (void)env, (void)memop;
    uint32_t v = (uint32_t)val;
    memcpy(&guest_ram[addr & 0xfffc], &v, 4);
}

/* add r, r2 / mov r8l, imm / lea-like address math / mov [mem], r / in-block loop bound check */
static void lift_alu(struct ir_block *b, unsigned i)
{
    ir_tmp d = ir_global(b, i % 8), s = ir_global(b, (i + 3) % 8);
    ir_insn_start(b, 0x1000 + 3 * i, 1);
    ir_tmp r = ir_new_i32(b);
    ir_add(b, r, d, s);
    ir_mov(b, ir_global(b, CC_SRC), s);
    ir_mov(b, ir_global(b, CC_DST), r);
    ir_mov(b, d, r);
    ir_tmp op = ir_const_i32(b, 1);
    ir_mov(b, ir_global(b, CC_OP), op);
    ir_insn_start(b, 0x1002 + 3 * i, 1);
    ir_deposit(b, s, s, ir_const_i32(b, 0x40 + i), 0, 8);
    ir_tmp z = ir_new_i32(b);
    ir_setcond(b, IR_COND_EQ, z, d, ir_const_i32(b, 0));
    ir_movcond(b, IR_COND_NE, d, z, ir_const_i32(b, 0), s, d);
}

static void lift_mem(struct ir_block *b, unsigned i)
{
    ir_tmp base = ir_global(b, R_EBP), v = ir_global(b, (i + 1) % 4);
    ir_insn_start(b, 0x2000 + 4 * i, 1);
    ir_tmp a = ir_new_i32(b);
    ir_addi(b, a, base, 4 * i);
    ir_andi(b, a, a, 0xfffc);
    ir_guest_ld(b, v, a, IR_MEMOP(IR_MO_32, 0, 0));
    ir_insn_start(b, 0x2002 + 4 * i, 1);
    ir_tmp t = ir_new_i32(b);
    ir_shli(b, t, v, 1);
    ir_xor(b, t, t, ir_global(b, R_ESI));
    ir_guest_st(b, t, a, IR_MEMOP(IR_MO_32, 0, 0));
}

static void lift_helper(struct ir_block *b, unsigned i)
{
    ir_insn_start(b, 0x3000 + i, 1);
    ir_tmp f = ir_new_i32(b);
    ir_call(b, 0, f, 3,
            (ir_tmp[]){ir_global(b, CC_DST), ir_global(b, CC_SRC), ir_global(b, CC_OP)});
    ir_or(b, ir_global(b, R_EDX), ir_global(b, R_EDX), f);
    if (i % 4 == 3)
        ir_call(b, 1, f, 3, (ir_tmp[]){ir_env_ptr(b), ir_const_i32(b, 0x80), f});
}

/* loop: a counted loop of ALU work over registers, 64 iterations per run. */
static void lift_loop(struct ir_block *b, unsigned i)
{
    if (i)
        return;
    ir_tmp n = ir_new_i32(b);
    ir_label top = ir_new_label(b);
    ir_movi(b, n, 64);
    ir_set_label(b, top);
    for (unsigned k = 0; k < 4; k++) {
        ir_tmp d = ir_global(b, k), s = ir_global(b, k + 4);
        ir_add(b, d, d, s);
        ir_xori(b, s, s, 0x55 + k);
        ir_rotl(b, d, d, ir_const_i32(b, k + 1));
    }
    ir_subi(b, n, n, 1);
    ir_brcondi(b, IR_COND_NE, n, 0, top);
}

struct shape {
    const char *name;
    void (*lift)(struct ir_block *b, unsigned i);
    unsigned insns;
    bool tlb;            /* guest memory through the inline TLB fast path */
    unsigned loop_iters; /* the ops from its label to its branch run this often */
};
static const struct shape shapes[] = {
    {"alu", lift_alu, 12, false, 0},    {"mem", lift_mem, 12, false, 0},
    {"mem-tlb", lift_mem, 12, true, 0}, {"helper", lift_helper, 12, false, 0},
    {"loop", lift_loop, 1, false, 64},
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void build(struct ir_block *b, const struct shape *s)
{
    ir_block_reset(b);
    for (unsigned i = 0; i < s->insns; i++)
        s->lift(b, i);
    ir_movi(b, ir_global(b, EIP), 0x1000 + s->insns * 3);
    ir_exit_tb(b, 0);
}

#define MIN_TIME 0.15
#define ROUNDS   3 /* best of: the machine is shared */

struct rates {
    double build, opt, run[2], commit[2];
    unsigned ops_in, ops_out;
};

static const struct tb_backend *bench_backend(unsigned i)
{
    return translator_backend_by_name(i ? "x86_64" : "interp");
}

/* Executed IR ops per second, and blocks translated per second, on one backend. */
static void measure_backend(const struct ir_env *env, const struct ir_block *b, unsigned ops_run,
                            const struct tb_backend *be, double *run, double *commit)
{
    struct translator_config cfg = {.env = env, .backend = be};
    struct translator *t = translator_new(&cfg);
    struct ir_block *tb_b = translator_block(t);
    ir_block_copy(tb_b, b);
    struct tb_key key = {0x1000, 0, 0};
    struct tb *tb = translator_commit(t, 0x1000, &key, 64, TB_NO_PAGE);
    static struct bench_state st;
    st = (struct bench_state){{1, 2, 3, 4, 0x100, 0x200, 5, 6}, 0, 0, 0, 0, {{{0}, 0}}};
    for (unsigned i = 0; i < (1u << BENCH_TLB_BITS); i++) {
        uint64_t page = (uint64_t)i << 12;
        st.tlb[i].tag[0] = st.tlb[i].tag[1] = i < 16 ? page : ~0ull;
        st.tlb[i].tag[2] = ~0ull;
        st.tlb[i].addend = (uintptr_t)guest_ram;
    }
    unsigned long long ops = 0;
    double t0 = now(), dt;
    do {
        for (int k = 0; k < 1000; k++) {
            translator_exec(t, tb, &st);
            ops += ops_run;
        }
    } while ((dt = now() - t0) < MIN_TIME);
    *run = ops / dt;

    unsigned long long blocks = 0;
    t0 = now();
    do {
        for (int k = 0; k < 200; k++, blocks++) {
            struct ir_block *nb = translator_block(t);
            ir_block_copy(nb, b);
            key.phys_pc = 0x1000 + 64 * (blocks % 100000);
            translator_commit(t, key.phys_pc, &key, 64, TB_NO_PAGE);
        }
    } while ((dt = now() - t0) < MIN_TIME);
    *commit = blocks / dt;
    translator_free(t);
}

static void measure(const struct ir_env *env, const struct shape *s, struct rates *r)
{
    struct ir_block b, work;
    ir_block_init(&b, env);
    ir_block_init(&work, env);

    unsigned long long ops = 0, iters = 0;
    double t0 = now(), dt;
    do {
        for (int k = 0; k < 1000; k++, iters++) {
            build(&b, s);
            ops += b.nops;
        }
    } while ((dt = now() - t0) < MIN_TIME);
    r->build = ops / dt;
    r->ops_in = b.nops;

    ops = 0;
    t0 = now();
    do {
        for (int k = 0; k < 200; k++) {
            ir_block_copy(&work, &b);
            ops += work.nops;
            translator_optimize(&work);
        }
    } while ((dt = now() - t0) < MIN_TIME);
    r->opt = ops / dt;
    r->ops_out = work.nops;
    unsigned ops_run = work.nops, label = 0;
    for (unsigned i = 0; i < work.nops && s->loop_iters; i++) {
        if (work.ops[i].opc == IR_OP_set_label)
            label = i;
        if (work.ops[i].opc == IR_OP_brcond)
            ops_run += (i - label) * (s->loop_iters - 1);
    }

    for (unsigned i = 0; i < 2; i++) {
        r->run[i] = r->commit[i] = 0;
        if (bench_backend(i))
            measure_backend(env, &b, ops_run, bench_backend(i), &r->run[i], &r->commit[i]);
    }
    ir_block_destroy(&b);
    ir_block_destroy(&work);
}

static double max(double a, double b)
{
    return a > b ? a : b;
}

static void bench_shape(const struct ir_env *env, const struct shape *s)
{
    struct rates best = {0}, r;
    for (int i = 0; i < ROUNDS; i++) {
        measure(env, s, &r);
        best.build = max(best.build, r.build);
        best.opt = max(best.opt, r.opt);
        for (unsigned k = 0; k < 2; k++) {
            best.run[k] = max(best.run[k], r.run[k]);
            best.commit[k] = max(best.commit[k], r.commit[k]);
        }
        best.ops_in = r.ops_in;
        best.ops_out = r.ops_out;
    }
    printf("%-7s %4u -> %3u  %7.1f %7.1f  %7.1f %8.1f %6.1fx  %7.0f %7.0f\n", s->name, best.ops_in,
           best.ops_out, best.build / 1e6, best.opt / 1e6, best.run[0] / 1e6, best.run[1] / 1e6,
           best.run[0] > 0 ? best.run[1] / best.run[0] : 0, best.commit[0], best.commit[1]);
}

int main(void)
{
    struct ir_env env = {.globals = globals,
                         .nglobals = NG,
                         .helpers = helpers,
                         .nhelpers = 2,
                         .mem = {mem_load, mem_store, NULL}};
    struct ir_env env_tlb = env;
    env_tlb.tlb = (struct ir_tlb){
        .offset = offsetof(struct bench_state, tlb),
        .table_stride = sizeof(((struct bench_state *)0)->tlb),
        .nmmu = 1,
        .index_bits = BENCH_TLB_BITS,
        .entry_bits = 5,
        .page_bits = 12,
        .read_tag = 0,
        .write_tag = 8,
        .addend = 24,
    };
    printf("translator benchmark: M IR ops/s (executed ops, after optimization) and blocks/s\n");
    printf("%-7s %11s  %7s %7s  %7s %8s %7s  %7s %7s\n", "shape", "ops in->out", "built", "optim.",
           "interp", "x86_64", "ratio", "tr/s int", "tr/s x86");
    for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
        bench_shape(shapes[i].tlb ? &env_tlb : &env, &shapes[i]);
    return 0;
}
