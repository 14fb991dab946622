/* Backend code-size benchmark: host code bytes per IR op, per op kind and
 * per compiled-in backend (the interpreter's "code" is its copy of the ops,
 * the native backends' real machine code). Each kind is a block of 64 ops of
 * that kind over the eight 32-bit guest registers (plus the 64-bit variants
 * where they differ), emitted without optimization so every op is kept; the
 * figure is (block bytes - empty block bytes) / 64. Run by
 * benchmarks/translator/run.sh; figures only, never a pass/fail test. */
#include "translator/translator.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct cs_state {
    uint32_t reg[8];
    uint64_t q[4];
};

#define REGS   8
#define NQ     4
#define NOPS   64
#define NG     (REGS + NQ)
#define GREG(i) {"r" #i, offsetof(struct cs_state, reg) + 4 * (i), IR_I32}
#define GQ(i)   {"q" #i, offsetof(struct cs_state, q) + 8 * (i), IR_I64}
static const struct ir_global globals[NG] = {GREG(0), GREG(1), GREG(2), GREG(3), GREG(4), GREG(5),
                                             GREG(6), GREG(7), GQ(0),   GQ(1),   GQ(2),   GQ(3)};

static uint32_t h_add(uint32_t a, uint32_t b)
{
    return a + b;
}
static const struct ir_helper helpers[] = {
    {"add", (void (*)(void))h_add, IR_HT_I32, 2, {IR_HT_I32, IR_HT_I32}, IR_CALL_PURE},
};

static uint64_t mem_load(void *opaque, void *env, uint64_t addr, unsigned memop)
{
    (void)opaque, (void)env, (void)addr, (void)memop;
    return 0;
}
static void mem_store(void *opaque, void *env, uint64_t addr, uint64_t val, unsigned memop)
{
    (void)opaque, (void)env, (void)addr, (void)val, (void)memop;
}

/* One op of the kind, i-th of the block: registers rotate so values stay live. */
typedef void (*emit_fn)(struct ir_block *b, unsigned i);
#define R(k) ir_global(b, (i + (k)) % REGS)
#define Q(k) ir_global(b, REGS + (i + (k)) % NQ)

static void e_mov(struct ir_block *b, unsigned i)
{
    ir_mov(b, R(0), R(1));
}
static void e_movi(struct ir_block *b, unsigned i)
{
    ir_movi(b, R(0), 0x12345 * (i + 1));
}
static void e_add(struct ir_block *b, unsigned i)
{
    ir_add(b, R(0), R(1), R(2));
}
static void e_addi(struct ir_block *b, unsigned i)
{
    ir_addi(b, R(0), R(1), 100 + i);
}
static void e_and_imm(struct ir_block *b, unsigned i)
{
    ir_andi(b, R(0), R(1), 0xff00);
}
static void e_xor(struct ir_block *b, unsigned i)
{
    ir_xor(b, R(0), R(1), R(2));
}
static void e_mul(struct ir_block *b, unsigned i)
{
    ir_mul(b, R(0), R(1), R(2));
}
static void e_shl_var(struct ir_block *b, unsigned i)
{
    ir_shl(b, R(0), R(1), R(2));
}
static void e_sar_imm(struct ir_block *b, unsigned i)
{
    ir_sar(b, R(0), R(1), ir_const_i32(b, 3));
}
static void e_rotl(struct ir_block *b, unsigned i)
{
    ir_rotl(b, R(0), R(1), R(2));
}
static void e_mulu2_64(struct ir_block *b, unsigned i)
{
    ir_mulu2(b, Q(0), Q(1), Q(2), Q(3));
}
static void e_muls2_32(struct ir_block *b, unsigned i)
{
    ir_muls2(b, R(0), R(1), R(2), R(3));
}
static void e_ext8s(struct ir_block *b, unsigned i)
{
    ir_ext8s(b, R(0), R(1));
}
static void e_bswap(struct ir_block *b, unsigned i)
{
    ir_bswap(b, R(0), R(1));
}
static void e_deposit(struct ir_block *b, unsigned i)
{
    ir_deposit(b, R(0), R(0), R(1), 8, 8);
}
static void e_extract(struct ir_block *b, unsigned i)
{
    ir_extract(b, R(0), R(1), 8, 8);
}
static void e_setcond(struct ir_block *b, unsigned i)
{
    ir_setcond(b, IR_COND_LTU, R(0), R(1), R(2));
}
static void e_movcond(struct ir_block *b, unsigned i)
{
    ir_movcond(b, IR_COND_LT, R(0), R(1), R(2), R(3), R(4));
}
static void e_ld_st(struct ir_block *b, unsigned i)
{
    ir_tmp t = ir_new_i32(b);
    ir_ld(b, t, offsetof(struct cs_state, reg) + 4 * (i % REGS), IR_MEMOP(IR_MO_16, 1, 0));
    ir_st(b, t, offsetof(struct cs_state, q) + 8 * (i % NQ), IR_MEMOP(IR_MO_16, 0, 0));
}
static void e_guest_ld_tlb(struct ir_block *b, unsigned i)
{
    ir_guest_ld(b, R(0), R(1), IR_MEMOP(IR_MO_32, 0, 0));
}
static void e_guest_st_tlb(struct ir_block *b, unsigned i)
{
    ir_guest_st(b, R(0), R(1), IR_MEMOP(IR_MO_32, 0, 0));
}
static void e_call(struct ir_block *b, unsigned i)
{
    ir_call(b, 0, R(0), 2, (ir_tmp[]){R(1), R(2)});
}

struct kind {
    const char *name;
    emit_fn emit;
    unsigned ir_ops; /* IR ops each emit call adds */
};
static const struct kind kinds[] = {
    {"mov", e_mov, 1},         {"movi", e_movi, 1},       {"add", e_add, 1},
    {"add imm", e_addi, 2},    {"and imm", e_and_imm, 2}, {"xor", e_xor, 1},
    {"mul", e_mul, 1},         {"shl var", e_shl_var, 1}, {"sar imm", e_sar_imm, 2},
    {"rotl var", e_rotl, 1},   {"mulu2 i64", e_mulu2_64, 1}, {"muls2 i32", e_muls2_32, 1},
    {"ext8s", e_ext8s, 1},     {"bswap", e_bswap, 1},     {"deposit", e_deposit, 1},
    {"extract", e_extract, 1}, {"setcond", e_setcond, 1}, {"movcond", e_movcond, 1},
    {"ld+st env", e_ld_st, 2}, {"guest_ld", e_guest_ld_tlb, 1}, {"guest_st", e_guest_st_tlb, 1},
    {"call", e_call, 1},
};

/* Bytes of the block kind (or the empty block when kind is NULL) on be. */
static unsigned block_bytes(const struct ir_env *env, const struct tb_backend *be,
                            const struct kind *k)
{
    struct translator_config cfg = {.env = env, .backend = be, .no_optimize = true};
    struct translator *t = translator_new(&cfg);
    if (!t)
        return 0;
    struct ir_block *b = translator_block(t);
    for (unsigned i = 0; k && i < NOPS; i++)
        k->emit(b, i);
    ir_exit_tb(b, 0);
    struct tb_key key = {0x1000, 0, 0};
    struct tb *tb = translator_commit(t, 0x1000, &key, 1, TB_NO_PAGE);
    unsigned n = tb ? tb->tc_size : 0;
    translator_free(t);
    return n;
}

int main(void)
{
    static const char *const names[] = {"interp", "x86_64", "aarch64"};
    const struct tb_backend *bes[3];
    unsigned nbe = 0;
    for (unsigned i = 0; i < 3; i++)
        if ((bes[nbe] = translator_backend_by_name(names[i])))
            nbe++;
    struct ir_env env = {.globals = globals,
                         .nglobals = NG,
                         .helpers = helpers,
                         .nhelpers = 1,
                         .mem = {mem_load, mem_store, NULL}};
    /* A TLB in env like softmmu/tlb.h's, so guest_ld/st take the inline path. */
    env.tlb = (struct ir_tlb){.offset = sizeof(struct cs_state),
                              .table_stride = 256 * 32,
                              .nmmu = 1,
                              .index_bits = 8,
                              .entry_bits = 5,
                              .page_bits = 12,
                              .read_tag = 0,
                              .write_tag = 8,
                              .addend = 24};
    printf("code bytes per IR op (%u ops per block, unoptimized; guest_ld/st with the inline "
           "TLB, slow path included)\n%-10s",
           NOPS, "op");
    for (unsigned i = 0; i < nbe; i++)
        printf(" %9s", bes[i]->name);
    printf("\n");
    unsigned empty[3];
    for (unsigned i = 0; i < nbe; i++)
        empty[i] = block_bytes(&env, bes[i], NULL);
    double sum[3] = {0};
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        printf("%-10s", kinds[k].name);
        for (unsigned i = 0; i < nbe; i++) {
            double per = (block_bytes(&env, bes[i], &kinds[k]) - (double)empty[i]) /
                         (NOPS * kinds[k].ir_ops);
            sum[i] += per;
            printf(" %9.1f", per);
        }
        printf("\n");
    }
    printf("%-10s", "mean");
    for (unsigned i = 0; i < nbe; i++)
        printf(" %9.1f", sum[i] / (double)(sizeof(kinds) / sizeof(kinds[0])));
    printf("\n");
    return 0;
}
