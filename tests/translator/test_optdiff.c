/* The optimizer must not change what a block computes: random blocks (all op
 * kinds, forward branches, helpers with and without global effects, env
 * stores over globals, guest memory, counted loops) run on the interpreter with and without
 * optimization from the same state must leave identical state and memory. */
#include "fixture.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t h_pure(uint32_t a, uint64_t b)
{
    return a * 31u + (uint32_t)(b >> 7);
}
static void h_globals(struct test_state *s)
{
    s->ecx += s->eax * 3;
    s->rd ^= s->ra << 1;
}
static uint64_t h_reads(struct test_state *s, uint64_t x)
{
    return x + s->edx + s->rb;
}

enum { H_PURE, H_GLOBALS, H_READS, H_COUNT };
#define FN(f) ((void (*)(void))(f))
static const struct ir_helper helpers[H_COUNT] = {
    {"pure",
     FN(h_pure),
     IR_HT_I32,
     2,
     {IR_HT_I32, IR_HT_I64},
     IR_CALL_PURE | IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS},
    {"globals", FN(h_globals), IR_HT_VOID, 1, {IR_HT_PTR}, 0},
    {"reads",
     FN(h_reads),
     IR_HT_I64,
     2,
     {IR_HT_PTR, IR_HT_I64},
     IR_CALL_NO_SIDE_EFFECTS | IR_CALL_NO_WRITE_GLOBALS},
};

static uint64_t rng;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static unsigned pick(unsigned n)
{
    return (unsigned)(rnd() % n);
}

struct gen {
    struct ir_block *b;
    ir_tmp local[2][4];
    ir_label pending[8];
    unsigned due[8];
    unsigned npending;
};

static ir_tmp constant(struct gen *g, enum ir_type t)
{
    static const uint64_t interesting[] = {
        0, 1, 2, 7, 31, 32, 63, 0x80, 0xff, 0x8000, 0x80000000u, 0xffffffffu, ~0ull, 1ull << 63};
    uint64_t v = pick(3) ? interesting[pick(14)] : rnd();
    ir_tmp c = ir_new_temp(g->b, t);
    ir_movi(g->b, c, v);
    return c;
}

static ir_tmp dest(struct gen *g, enum ir_type t)
{
    if (pick(2))
        return g->local[t][pick(4)];
    return ir_global(g->b, (t == IR_I32 ? G_EAX : G_RA) + pick(4));
}

static ir_tmp src(struct gen *g, enum ir_type t)
{
    return pick(4) ? dest(g, t) : constant(g, t);
}

static void gen_arith(struct gen *g, enum ir_type t)
{
    static void (*const bin[])(struct ir_block *, ir_tmp, ir_tmp, ir_tmp) = {
        ir_add, ir_sub, ir_mul, ir_and, ir_or, ir_xor, ir_shl, ir_shr, ir_sar, ir_rotl, ir_rotr,
    };
    static void (*const un[])(struct ir_block *, ir_tmp, ir_tmp) = {
        ir_mov, ir_not, ir_neg, ir_bswap, ir_ext8s, ir_ext8u, ir_ext16s, ir_ext16u,
    };
    struct ir_block *b = g->b;
    unsigned w = t == IR_I32 ? 32 : 64;
    switch (pick(9)) {
    case 0:
    case 1:
    case 2: bin[pick(11)](b, dest(g, t), src(g, t), src(g, t)); break;
    case 3: un[pick(8)](b, dest(g, t), src(g, t)); break;
    case 4: {
        ir_tmp lo = g->local[t][0], hi = g->local[t][1];
        (pick(2) ? ir_mulu2 : ir_muls2)(b, lo, hi, src(g, t), src(g, t));
        break;
    }
    case 5: {
        unsigned pos = pick(w), len = 1 + pick(w - pos);
        if (pick(2))
            ir_deposit(b, dest(g, t), src(g, t), src(g, t), pos, len);
        else
            (pick(2) ? ir_extract : ir_sextract)(b, dest(g, t), src(g, t), pos, len);
        break;
    }
    case 6:
        ir_setcond(b, (enum ir_cond)pick(IR_COND_COUNT), dest(g, t), src(g, t), src(g, t));
        break;
    case 7:
        ir_movcond(b, (enum ir_cond)pick(IR_COND_COUNT), dest(g, t), src(g, t), src(g, t),
                   src(g, t), src(g, t));
        break;
    default:
        if (t == IR_I64)
            (pick(2) ? ir_exts_i32_i64 : ir_extu_i32_i64)(b, dest(g, t), src(g, IR_I32));
        else
            (pick(2) ? ir_extrl_i64_i32 : ir_extrh_i64_i32)(b, dest(g, t), src(g, IR_I64));
        break;
    }
}

static void gen_effect(struct gen *g)
{
    struct ir_block *b = g->b;
    enum ir_type t = pick(2) ? IR_I32 : IR_I64;
    ir_tmp addr = ir_new_i32(b);
    switch (pick(6)) {
    case 0:
        ir_andi(b, addr, src(g, IR_I32), 0xff8);
        ir_guest_ld(b, dest(g, t), addr, IR_MEMOP(pick(4) & (t == IR_I32 ? 2 : 3), pick(2), 0));
        break;
    case 1:
        ir_andi(b, addr, src(g, IR_I32), 0xff8);
        ir_guest_st(b, src(g, t), addr, IR_MEMOP(pick(4) & (t == IR_I32 ? 2 : 3), 0, 0));
        break;
    case 2:
        ir_call(b, H_PURE, dest(g, IR_I32), 2, (ir_tmp[]){src(g, IR_I32), src(g, IR_I64)});
        break;
    case 3: ir_call(b, H_GLOBALS, (ir_tmp){0}, 1, (ir_tmp[]){ir_env_ptr(b)}); break;
    case 4:
        ir_call(b, H_READS, dest(g, IR_I64), 2, (ir_tmp[]){ir_env_ptr(b), src(g, IR_I64)});
        break;
    default: {
        /* env access to a global's field (or the scratch word) */
        static const uint32_t offs[] = {offsetof(struct test_state, eax),
                                        offsetof(struct test_state, ecx),
                                        offsetof(struct test_state, scratch)};
        uint32_t off = offs[pick(3)];
        if (pick(2))
            ir_st(b, src(g, IR_I32), off, pick(3));
        else
            ir_ld(b, dest(g, IR_I32), off, IR_MEMOP(pick(3), pick(2), 0));
        break;
    }
    }
}

static void gen_branch(struct gen *g)
{
    if (g->npending == 8)
        return;
    ir_label l = ir_new_label(g->b);
    enum ir_type t = pick(2) ? IR_I32 : IR_I64;
    if (pick(8) == 0)
        ir_br(g->b, l);
    else
        ir_brcond(g->b, (enum ir_cond)pick(IR_COND_COUNT), src(g, t), src(g, t), l);
    g->pending[g->npending] = l;
    g->due[g->npending++] = 1 + pick(6);
}

/* A counted loop whose body has no branches; its counter is private. */
static void gen_loop(struct gen *g)
{
    struct ir_block *b = g->b;
    ir_tmp count = ir_new_i32(b);
    ir_label top = ir_new_label(b);
    ir_movi(b, count, 1 + pick(4));
    ir_set_label(b, top);
    for (unsigned n = 1 + pick(4); n > 0; n--) {
        if (pick(3))
            gen_arith(g, pick(3) ? IR_I32 : IR_I64);
        else
            gen_effect(g);
    }
    ir_subi(b, count, count, 1);
    ir_brcondi(b, IR_COND_NE, count, 0, top);
}

static void place_due_labels(struct gen *g, bool all)
{
    for (unsigned i = 0; i < g->npending;) {
        if (all || --g->due[i] == 0) {
            ir_set_label(g->b, g->pending[i]);
            g->pending[i] = g->pending[--g->npending];
            g->due[i] = g->due[g->npending];
        } else {
            i++;
        }
    }
}

static void gen_block(struct ir_block *b, unsigned insns)
{
    struct gen g = {.b = b};
    for (unsigned t = 0; t < 2; t++)
        for (unsigned i = 0; i < 4; i++) {
            g.local[t][i] = ir_new_temp(b, (enum ir_type)t);
            ir_movi(b, g.local[t][i], rnd());
        }
    for (unsigned i = 0; i < insns; i++) {
        ir_insn_start(b, 0x1000 + i, i);
        unsigned k = pick(20);
        if (k < 12)
            gen_arith(&g, pick(3) ? IR_I32 : IR_I64);
        else if (k < 17)
            gen_effect(&g);
        else if (k < 19)
            gen_branch(&g);
        else
            gen_loop(&g);
        place_due_labels(&g, false);
    }
    place_due_labels(&g, true);
    ir_exit_tb(b, 0);
}

struct outcome {
    struct test_state st;
    struct test_mem mem;
};

/* Printing then parsing gives the same block text, and the block is valid. */
static void check_round_trip(const struct ir_block *gen)
{
    char err[160] = "";
    ck_assert_msg(ir_validate(gen, err, sizeof(err)), "%s", err);
    char *text = ir_print_str(gen);
    struct ir_block back;
    ir_block_init(&back, gen->env);
    ck_assert_msg(ir_parse(&back, text, err, sizeof(err)), "%s", err);
    char *again = ir_print_str(&back);
    ck_assert_str_eq(again, text);
    ck_assert_uint_eq(back.nops, gen->nops);
    for (unsigned i = 0; i < gen->nops; i++)
        for (unsigned a = 0; a < ir_op_ntemps(&gen->ops[i]); a++) {
            unsigned t = gen->ops[i].args[a];
            ck_assert_uint_eq(back.temp_type[t], gen->temp_type[t]);
        }
    free(text);
    free(again);
    ir_block_destroy(&back);
}

static void run_once(uint64_t seed, bool optimize, struct outcome *out, char **text)
{
    struct ir_env env = test_env(helpers, H_COUNT, &out->mem);
    struct translator_config cfg = {
        .env = &env, .backend = &tb_backend_interp, .code_size = 1 << 20, .no_optimize = !optimize};
    struct translator *t = translator_new(&cfg);
    ck_assert_ptr_nonnull(t);
    rng = seed;
    memset(out, 0, sizeof(*out));
    for (unsigned i = 0; i < sizeof(out->mem.bytes); i++)
        out->mem.bytes[i] = (uint8_t)rnd();
    out->st.eax = (uint32_t)rnd();
    out->st.ecx = (uint32_t)rnd();
    out->st.edx = (uint32_t)rnd();
    out->st.ebx = (uint32_t)rnd();
    out->st.ra = rnd();
    out->st.rb = rnd();
    out->st.rc = rnd();
    out->st.rd = rnd();

    struct ir_block gen;
    ir_block_init(&gen, &env);
    gen_block(&gen, 60);
    check_round_trip(&gen);
    ir_block_copy(translator_block(t), &gen);
    struct tb_key k = {0x1000, 0, 0};
    struct tb *tb = translator_commit(t, 0x1000, &k, 60, TB_NO_PAGE);
    ck_assert_ptr_nonnull(tb);
    if (optimize)
        translator_optimize(&gen); /* the same pipeline commit ran, to show it */
    *text = ir_print_str(&gen);
    ir_block_destroy(&gen);

    translator_exec(t, tb, &out->st);
    out->mem.last_addr = 0;
    out->mem.last_memop = 0;
    out->mem.accesses = 0;
    translator_free(t);
}

START_TEST(optimized_blocks_compute_the_same_state_as_unoptimized_and_print_parse_round_trip)
{
    unsigned changed_ops = 0;
    for (uint64_t seed = 1; seed <= 600; seed++) {
        struct outcome plain, opt;
        char *plain_text, *opt_text;
        run_once(seed * 0x9e3779b97f4a7c15ull, false, &plain, &plain_text);
        run_once(seed * 0x9e3779b97f4a7c15ull, true, &opt, &opt_text);
        changed_ops += strcmp(plain_text, opt_text) != 0;
        if (memcmp(&plain.st, &opt.st, sizeof(plain.st)) != 0 ||
            memcmp(plain.mem.bytes, opt.mem.bytes, sizeof(plain.mem.bytes)) != 0) {
            FILE *f = fopen("optdiff-failure.txt", "w");
            if (f) {
                fprintf(f, "seed %llu\n--- plain\n%s--- optimized\n%s", (unsigned long long)seed,
                        plain_text, opt_text);
                fclose(f);
            }
            ck_abort_msg("optimizer changed the result for seed %llu", (unsigned long long)seed);
        }
        free(plain_text);
        free(opt_text);
    }
    ck_assert_uint_gt(changed_ops, 590); /* the optimizer did work on nearly every block */
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("translator_optdiff");
    TCase *tc = tcase_create("optdiff");
    tcase_set_timeout(tc, 120);
    tcase_add_test(
        tc, optimized_blocks_compute_the_same_state_as_unoptimized_and_print_parse_round_trip);
    suite_add_tcase(s, tc);
    return s;
}
