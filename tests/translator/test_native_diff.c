/* The native backend of this host (x86-64 or AArch64) must compute exactly
 * what the interpreter computes:
 * seeded random blocks (every op kind, branches, counted loops, helpers with
 * and without global effects, env accesses over globals, guest memory through
 * the callbacks and through the inline TLB fast path of a fake TLB, register
 * pressure) run on both from the same state must leave identical state,
 * memory and exit, and every callback must see the same synced globals and
 * restore data. x86-64 and AArch64 hosts (qemu-aarch64-static in the cross
 * build); other hosts skip. */
#include "fixture.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#if defined(__x86_64__) || defined(__aarch64__)

/* ---- env with a fake TLB (layout of softmmu/tlb.h, smaller) ---- */

#define DTLB_BITS 6
#define DTLB_SIZE (1u << DTLB_BITS)
#define DTLB_MMU  2 /* MMU indexes with a table; index 2 uses the callbacks */
#define RAM_PAGES 16
#define RAM_SIZE  (RAM_PAGES * 4096u)

struct dtlb_entry {
    uint64_t tag[3]; /* read, write, exec */
    uint64_t addend;
};

struct denv {
    struct test_state st; /* first: the fixture's global offsets hold */
    uint64_t pad;
    struct dtlb_entry tlb[DTLB_MMU][DTLB_SIZE];
};

/* One callback or raising-helper call as seen from inside. */
struct event {
    uint64_t what, addr, val, gsum;
    uint64_t rdata[2];
    bool rfound;
};
#define MAX_EVENTS 2048

struct world {
    struct denv env;
    uint8_t ram[RAM_SIZE];
    struct event ev[MAX_EVENTS];
    unsigned nev;
    struct translator *t;
    bool tlb_on;
};

static struct world *cur; /* the run in progress (helpers reach it) */

static uint64_t gsum(const struct test_state *s)
{
    uint64_t h = s->eax;
    h = h * 31 + s->ecx;
    h = h * 31 + s->edx;
    h = h * 31 + s->ebx;
    h = h * 31 + s->ra;
    h = h * 31 + s->rb;
    h = h * 31 + s->rc;
    return h * 31 + s->rd;
}

static void record(uint64_t what, uint64_t addr, uint64_t val, uintptr_t ret)
{
    if (cur->nev == MAX_EVENTS)
        return;
    struct event *e = &cur->ev[cur->nev++];
    *e = (struct event){what, addr, val, gsum(&cur->env.st), {0, 0}, false};
    e->rfound = tb_restore_state(cur->t, translator_host_pc(cur->t, ret), e->rdata);
}

static uint64_t d_load(void *opaque, void *envp, uint64_t addr, unsigned memop)
{
    struct world *w = opaque;
    (void)envp;
    unsigned n = 1u << ir_memop_size(memop);
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)w->ram[(addr + i) % RAM_SIZE] << (8 * i);
    record(1, addr, memop, (uintptr_t)__builtin_return_address(0));
    return v;
}

static void d_store(void *opaque, void *envp, uint64_t addr, uint64_t val, unsigned memop)
{
    struct world *w = opaque;
    (void)envp;
    unsigned n = 1u << ir_memop_size(memop);
    for (unsigned i = 0; i < n; i++)
        w->ram[(addr + i) % RAM_SIZE] = (uint8_t)(val >> (8 * i));
    record(2 | (uint64_t)memop << 8, addr, val, (uintptr_t)__builtin_return_address(0));
}

/* ---- helpers of every kind ---- */

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
static void h_writes_only(struct test_state *s, uint32_t x)
{
    s->ebx = x ^ 0x5a5a5a5au;
    s->rc = (uint64_t)x << 20;
}
static uint64_t h_raise(struct test_state *s, uint64_t x)
{
    record(3, x, 0, (uintptr_t)__builtin_return_address(0));
    return x * 7 + s->ecx;
}
static uint64_t h_six(uint32_t a, uint64_t b, uint32_t c, uint64_t d, uint32_t e, uint64_t f)
{
    return a ^ (b * 3) ^ ((uint64_t)c << 7) ^ (d >> 3) ^ ((uint64_t)e << 33) ^ (f * 0x9e37);
}
static uint32_t h_ret32(uint64_t a)
{
    return (uint32_t)(a >> 13) * 5u;
}

enum { H_PURE, H_GLOBALS, H_READS, H_WRITES_ONLY, H_RAISE, H_SIX, H_RET32, H_COUNT };
#define FN(f) ((void (*)(void))(f))
static const struct ir_helper helpers[H_COUNT] = {
    {"pure", FN(h_pure), IR_HT_I32, 2, {IR_HT_I32, IR_HT_I64}, IR_CALL_PURE},
    {"globals", FN(h_globals), IR_HT_VOID, 1, {IR_HT_PTR}, 0},
    {"reads",
     FN(h_reads),
     IR_HT_I64,
     2,
     {IR_HT_PTR, IR_HT_I64},
     IR_CALL_NO_SIDE_EFFECTS | IR_CALL_NO_WRITE_GLOBALS},
    {"writes_only",
     FN(h_writes_only),
     IR_HT_VOID,
     2,
     {IR_HT_PTR, IR_HT_I32},
     IR_CALL_NO_READ_GLOBALS},
    {"raise",
     FN(h_raise),
     IR_HT_I64,
     2,
     {IR_HT_PTR, IR_HT_I64},
     IR_CALL_MAY_RAISE | IR_CALL_NO_WRITE_GLOBALS},
    {"six",
     FN(h_six),
     IR_HT_I64,
     6,
     {IR_HT_I32, IR_HT_I64, IR_HT_I32, IR_HT_I64, IR_HT_I32, IR_HT_I64},
     IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS},
    {"ret32", FN(h_ret32), IR_HT_I32, 1, {IR_HT_I64}, IR_CALL_PURE},
};

/* ---- random blocks ---- */

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

#define NLOCAL 12

struct gen {
    struct ir_block *b;
    ir_tmp local[2][NLOCAL];
    unsigned nlocal;
    ir_label pending[8];
    unsigned due[8];
    unsigned npending;
    unsigned insn;
};

static ir_tmp constant(struct gen *g, enum ir_type t)
{
    static const uint64_t interesting[] = {0,
                                           1,
                                           2,
                                           7,
                                           31,
                                           32,
                                           63,
                                           0x80,
                                           0xff,
                                           0x7fffffff,
                                           0x8000,
                                           0xfff,
                                           0x80000000u,
                                           0xffffffffu,
                                           ~0ull,
                                           1ull << 63,
                                           0x100000000ull,
                                           0xffffffff80000000ull};
    uint64_t v = pick(3) ? interesting[pick(18)] : rnd();
    ir_tmp c = ir_new_temp(g->b, t);
    ir_movi(g->b, c, t == IR_I32 ? (uint32_t)v : v);
    return c;
}

static ir_tmp dest(struct gen *g, enum ir_type t)
{
    if (pick(2))
        return g->local[t][pick(g->nlocal)];
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
        ir_mov,   ir_not,    ir_neg,    ir_bswap,  ir_ext8s,
        ir_ext8u, ir_ext16s, ir_ext16u, ir_ext32s, ir_ext32u,
    };
    struct ir_block *b = g->b;
    unsigned w = t == IR_I32 ? 32 : 64;
    switch (pick(10)) {
    case 0:
    case 1:
    case 2: bin[pick(11)](b, dest(g, t), src(g, t), src(g, t)); break;
    case 3: /* ext32s/ext32u (the last two) widen into an i64 only */
        un[pick(t == IR_I64 ? 10 : 8)](b, dest(g, t), src(g, t));
        break;
    case 4: {
        ir_tmp lo = dest(g, t), hi = dest(g, t);
        while (hi.idx == lo.idx)
            hi = dest(g, t);
        (pick(2) ? ir_mulu2 : ir_muls2)(b, lo, hi, src(g, t), src(g, t));
        break;
    }
    case 5: {
        unsigned pos = pick(w), len = 1 + pick(w - pos);
        if (pick(4) == 0) {
            static const unsigned fields[][2] = {{0, 8}, {8, 8}, {0, 16}, {0, 32}, {16, 16}};
            pos = fields[pick(5)][0];
            len = fields[pos == 0 && t == IR_I64 ? pick(5) : pick(3)][1];
            if (pos + len > w)
                pos = 0;
        }
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
    case 8: {
        /* Immediates of every size as second operand (folded into instructions). */
        static void (*const imm[])(struct ir_block *, ir_tmp, ir_tmp, uint64_t) = {
            ir_addi, ir_subi, ir_andi, ir_ori, ir_xori, ir_shli, ir_shri, ir_sari, ir_muli};
        uint64_t v = pick(2) ? pick(300) : rnd();
        imm[pick(9)](b, dest(g, t), src(g, t), t == IR_I32 ? (uint32_t)v : v);
        break;
    }
    default:
        if (t == IR_I64)
            (pick(2) ? ir_exts_i32_i64 : ir_extu_i32_i64)(b, dest(g, t), src(g, IR_I32));
        else
            (pick(2) ? ir_extrl_i64_i32 : ir_extrh_i64_i32)(b, dest(g, t), src(g, IR_I64));
        break;
    }
}

/* A guest address: aligned, unaligned, at a page end (crossing), or past RAM. */
static ir_tmp guest_addr(struct gen *g)
{
    struct ir_block *b = g->b;
    ir_tmp a = ir_new_i32(b);
    switch (pick(5)) {
    case 0: ir_andi(b, a, src(g, IR_I32), RAM_SIZE - 8); break;
    case 1: ir_andi(b, a, src(g, IR_I32), RAM_SIZE - 1); break;
    case 2: /* the last bytes of a page: wider accesses cross into the next */
        ir_andi(b, a, src(g, IR_I32), 7);
        ir_ori(b, a, a, (pick(RAM_PAGES) << 12) | 0xff8);
        break;
    case 3: ir_andi(b, a, src(g, IR_I32), 0x3ffff); break;
    default: ir_movi(b, a, (pick(RAM_PAGES) << 12) | pick(4096)); break;
    }
    if (pick(4) == 0) {
        ir_tmp a64 = ir_new_i64(b);
        ir_extu_i32_i64(b, a64, a);
        return a64;
    }
    return a;
}

static void gen_env_access(struct gen *g)
{
    static const uint32_t offs[] = {
        offsetof(struct test_state, eax),     offsetof(struct test_state, ecx),
        offsetof(struct test_state, eax) + 2, offsetof(struct test_state, ra),
        offsetof(struct test_state, ra) + 4,  offsetof(struct test_state, scratch),
        offsetof(struct test_state, out[1]),
    };
    struct ir_block *b = g->b;
    uint32_t off = offs[pick(7)];
    unsigned size = pick(4);
    enum ir_type t = size == 3 || pick(2) ? IR_I64 : IR_I32;
    if (pick(2))
        ir_st(b, src(g, t), off, size);
    else
        ir_ld(b, dest(g, t), off, IR_MEMOP(size, pick(2), 0));
}

static void gen_call(struct gen *g)
{
    struct ir_block *b = g->b;
    ir_tmp env = ir_env_ptr(b);
    switch (pick(7)) {
    case 0:
        ir_call(b, H_PURE, dest(g, IR_I32), 2, (ir_tmp[]){src(g, IR_I32), src(g, IR_I64)});
        break;
    case 1: ir_call(b, H_GLOBALS, (ir_tmp){0}, 1, (ir_tmp[]){env}); break;
    case 2: ir_call(b, H_READS, dest(g, IR_I64), 2, (ir_tmp[]){env, src(g, IR_I64)}); break;
    case 3: ir_call(b, H_WRITES_ONLY, (ir_tmp){0}, 2, (ir_tmp[]){env, src(g, IR_I32)}); break;
    case 4: ir_call(b, H_RAISE, dest(g, IR_I64), 2, (ir_tmp[]){env, src(g, IR_I64)}); break;
    case 5:
        ir_call(b, H_SIX, dest(g, IR_I64), 6,
                (ir_tmp[]){src(g, IR_I32), src(g, IR_I64), src(g, IR_I32), src(g, IR_I64),
                           src(g, IR_I32), src(g, IR_I64)});
        break;
    default: ir_call(b, H_RET32, dest(g, IR_I32), 1, (ir_tmp[]){src(g, IR_I64)}); break;
    }
}

static void gen_effect(struct gen *g)
{
    struct ir_block *b = g->b;
    enum ir_type t = pick(2) ? IR_I32 : IR_I64;
    unsigned k = pick(6);
    if (k < 2) {
        unsigned size = pick(4) & (t == IR_I32 ? 2 : 3), mmu = pick(5) == 0 ? 2 : pick(2);
        ir_tmp a = guest_addr(g);
        if (k == 0)
            ir_guest_ld(b, dest(g, t), a, IR_MEMOP(size, pick(2), mmu));
        else
            ir_guest_st(b, src(g, t), a, IR_MEMOP(pick(4), 0, mmu));
    } else if (k < 4) {
        gen_call(g);
    } else {
        gen_env_access(g);
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
    else if (pick(3) == 0)
        ir_brcondi(g->b, (enum ir_cond)pick(IR_COND_COUNT), src(g, t), pick(2) ? pick(9) : rnd(),
                   l);
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
    for (unsigned n = 1 + pick(5); n > 0; n--) {
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

static void gen_exit(struct gen *g)
{
    struct ir_block *b = g->b;
    switch (pick(4)) {
    case 0: ir_goto_tb(b, pick(2)); break;
    case 1: ir_goto_ptr(b, src(g, IR_I64)); break;
    default: ir_exit_tb(b, pick(2) ? pick(100) : rnd()); break;
    }
}

static void gen_block(struct ir_block *b, unsigned insns)
{
    struct gen g = {.b = b, .nlocal = 2 + pick(NLOCAL - 1)};
    for (unsigned t = 0; t < 2; t++)
        for (unsigned i = 0; i < g.nlocal; i++) {
            g.local[t][i] = ir_new_temp(b, (enum ir_type)t);
            ir_movi(b, g.local[t][i], t == IR_I32 ? (uint32_t)rnd() : rnd());
        }
    for (unsigned i = 0; i < insns; i++) {
        ir_insn_start(b, 0x1000 + i, i * 3 + 1);
        unsigned k = pick(20);
        if (k < 11)
            gen_arith(&g, pick(3) ? IR_I32 : IR_I64);
        else if (k < 17)
            gen_effect(&g);
        else if (k < 19)
            gen_branch(&g);
        else
            gen_loop(&g);
        place_due_labels(&g, false);
        if (pick(40) == 0 && g.npending) {
            gen_exit(&g); /* an exit in the middle, skipped over by a branch */
            place_due_labels(&g, true);
        }
    }
    place_due_labels(&g, true);
    if (pick(6))
        gen_exit(&g);
}

/* ---- running ---- */

static void fill_tlb(struct world *w)
{
    /* Pages 0-11 readable, 0-7 writable, 12-15 absent; page 5 flagged (MMIO-like)
     * for reads; index 1 maps only the even pages. */
    for (unsigned m = 0; m < DTLB_MMU; m++)
        for (unsigned i = 0; i < DTLB_SIZE; i++) {
            struct dtlb_entry *e = &w->env.tlb[m][i];
            uint64_t page = (uint64_t)i << 12;
            bool mapped = i < RAM_PAGES && (m == 0 || i % 2 == 0);
            e->tag[0] = mapped && i < 12 ? page | (i == 5 ? 2 : 0) : ~0ull;
            e->tag[1] = mapped && i < 8 ? page : ~0ull;
            e->tag[2] = ~0ull;
            e->addend = (uintptr_t)w->ram;
        }
}

static const struct ir_tlb fake_tlb = {
    .offset = offsetof(struct denv, tlb),
    .table_stride = DTLB_SIZE * sizeof(struct dtlb_entry),
    .nmmu = DTLB_MMU,
    .index_bits = DTLB_BITS,
    .entry_bits = 5,
    .page_bits = 12,
    .read_tag = 0,
    .write_tag = 8,
    .addend = 24,
};

/* Whether an access takes the slow path of the fake TLB. */
static bool tlb_misses(const struct world *w, uint64_t what, uint64_t addr, uint64_t val)
{
    bool store = (what & 0xff) == 2;
    unsigned memop = store ? (unsigned)(what >> 8) : (unsigned)val;
    unsigned mmu = ir_memop_mmu(memop), size = 1u << ir_memop_size(memop);
    if (mmu >= DTLB_MMU)
        return true;
    const struct dtlb_entry *e = &w->env.tlb[mmu][(addr >> 12) & (DTLB_SIZE - 1)];
    return ((addr + size - 1) & ~0xfffull) != e->tag[store ? 1 : 0];
}

struct run {
    struct tb_exit exit;
};

static void run_world(struct world *w, uint64_t seed, const struct tb_backend *be, bool tlb,
                      bool optimize, struct tb_exit *ex)
{
    memset(w, 0, sizeof(*w));
    struct ir_env env = test_env(helpers, H_COUNT, NULL);
    env.mem = (struct ir_mem_ops){d_load, d_store, w};
    if (tlb)
        env.tlb = fake_tlb;
    struct translator_config cfg = {
        .env = &env, .backend = be, .code_size = 1 << 20, .no_optimize = !optimize};
    w->t = translator_new(&cfg);
    ck_assert_ptr_nonnull(w->t);
    cur = w;
    rng = seed;
    for (unsigned i = 0; i < RAM_SIZE; i++)
        w->ram[i] = (uint8_t)rnd();
    struct test_state *s = &w->env.st;
    s->eax = (uint32_t)rnd();
    s->ecx = (uint32_t)rnd();
    s->edx = (uint32_t)rnd();
    s->ebx = (uint32_t)rnd();
    s->ra = rnd();
    s->rb = rnd();
    s->rc = rnd();
    s->rd = rnd();
    s->scratch = (uint32_t)rnd();
    fill_tlb(w);
    gen_block(translator_block(w->t), 30 + pick(40));
    struct tb_key k = {0x1000, 0, 0};
    struct tb *tb = translator_commit(w->t, 0x1000, &k, 60, TB_NO_PAGE);
    ck_assert_ptr_nonnull(tb);
    *ex = translator_exec(w->t, tb, &w->env);
    ck_assert_ptr_eq(ex->last, tb);
    ex->last = NULL;
    translator_free(w->t);
    w->t = NULL;
}

static void dump(uint64_t seed, bool optimize, const char *why)
{
    struct world *w = calloc(1, sizeof(*w));
    struct ir_env env = test_env(helpers, H_COUNT, NULL);
    env.mem = (struct ir_mem_ops){d_load, d_store, w};
    struct translator_config cfg = {
        .env = &env, .backend = &tb_backend_interp, .code_size = 1 << 20, .no_optimize = !optimize};
    struct translator *t = translator_new(&cfg);
    rng = seed;
    for (unsigned i = 0; i < RAM_SIZE + 9; i++)
        rnd();
    struct ir_block *b = translator_block(t); /* each call starts a new block */
    gen_block(b, 30 + pick(40));
    FILE *f = fopen("native-diff-failure.txt", "w");
    if (f) {
        fprintf(f, "seed %llu optimize %d: %s\n", (unsigned long long)seed, optimize, why);
        ir_print(b, f);
        fclose(f);
    }
    translator_free(t);
    free(w);
}

static void same_exit(const struct tb_exit *a, const struct tb_exit *b, uint64_t seed)
{
    ck_assert_msg(a->kind == b->kind && a->slot == b->slot && a->value == b->value,
                  "seed %llu: exits differ", (unsigned long long)seed);
}

static bool same_state(const struct world *a, const struct world *b)
{
    return memcmp(&a->env.st, &b->env.st, sizeof(a->env.st)) == 0 &&
           memcmp(a->ram, b->ram, sizeof(a->ram)) == 0;
}

static bool same_event(const struct event *a, const struct event *b)
{
    return a->what == b->what && a->addr == b->addr && a->val == b->val && a->gsum == b->gsum &&
           a->rfound == b->rfound && a->rdata[0] == b->rdata[0] && a->rdata[1] == b->rdata[1];
}

/* The native run's events are the interpreter's minus the TLB hits. */
static bool same_events(const struct world *interp, const struct world *native, bool tlb)
{
    unsigned j = 0;
    for (unsigned i = 0; i < interp->nev; i++) {
        const struct event *e = &interp->ev[i];
        if (tlb && (e->what & 0xff) != 3 && !tlb_misses(native, e->what, e->addr, e->val))
            continue;
        if (j == native->nev || !same_event(e, &native->ev[j++]))
            return false;
    }
    return j == native->nev;
}

static struct world *w_interp, *w_native, *w_tlb;

static void setup(void)
{
    w_interp = malloc(sizeof(*w_interp));
    w_native = malloc(sizeof(*w_native));
    w_tlb = malloc(sizeof(*w_tlb));
}

static void teardown(void)
{
    free(w_interp);
    free(w_native);
    free(w_tlb);
}

START_TEST(native_matches_interpreter_on_random_blocks)
{
    unsigned events = 0, tlb_events = 0, restores = 0;
    /* JIT86_DIFF_BLOCKS=n runs more blocks (a soak by hand). */
    const char *more = getenv("JIT86_DIFF_BLOCKS");
    uint64_t nblocks = more && strtoull(more, NULL, 0) > 2000 ? strtoull(more, NULL, 0) : 2000;
    for (uint64_t i = 1; i <= nblocks; i++) {
        uint64_t seed = i * 0x9e3779b97f4a7c15ull;
        bool optimize = i % 4 != 0;
        struct tb_exit ei, en, et;
        run_world(w_interp, seed, &tb_backend_interp, false, optimize, &ei);
        run_world(w_native, seed, &NATIVE_BACKEND, false, optimize, &en);
        run_world(w_tlb, seed, &NATIVE_BACKEND, true, optimize, &et);
        const char *why = !same_state(w_interp, w_native)           ? "state (callbacks)"
                          : !same_state(w_interp, w_tlb)            ? "state (inline TLB)"
                          : !same_events(w_interp, w_native, false) ? "events (callbacks)"
                          : !same_events(w_interp, w_tlb, true)     ? "events (inline TLB)"
                                                                    : NULL;
        if (why) {
            dump(seed, optimize, why);
            ck_abort_msg("seed %llu (block #%llu): %s differ", (unsigned long long)seed,
                         (unsigned long long)i, why);
        }
        same_exit(&ei, &en, seed);
        same_exit(&ei, &et, seed);
        events += w_interp->nev;
        tlb_events += w_tlb->nev;
        for (unsigned k = 0; k < w_native->nev; k++)
            restores += w_native->ev[k].rfound;
    }
    /* The blocks did exercise callbacks, TLB hits and restore records. */
    ck_assert_uint_gt(events, 10000);
    ck_assert_uint_lt(tlb_events, events * 3 / 4);
    ck_assert_uint_gt(restores, 10000);
}
END_TEST

#endif

Suite *test_suite(void)
{
    Suite *s = suite_create("translator_native_diff");
    TCase *tc = tcase_create("diff");
#if defined(__x86_64__) || defined(__aarch64__)
    tcase_set_timeout(tc, 280);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, native_matches_interpreter_on_random_blocks);
#else
    fprintf(stderr, "translator_native_diff: SKIPPED, no native backend on this host\n");
#endif
    suite_add_tcase(s, tc);
    return s;
}
