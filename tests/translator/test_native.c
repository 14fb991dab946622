/* The native backend of this host: the interpreter's scenarios (test_interp.c)
 * run as native code, with helpers called per the host ABI (System V on
 * x86-64, AAPCS64 on AArch64), guest memory through the callbacks, chaining
 * through the real patcher and restore records at the return addresses of
 * raising calls. x86-64 and AArch64 hosts (qemu-aarch64-static in the cross
 * build); other hosts skip. */
#include "fixture.h"
#include "translator/log.h"

#include <check.h>
#if defined(__x86_64__) || defined(__aarch64__)
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static struct translator *cur_t;
static uint64_t restore_seen[2];
static bool restore_found;

static uint32_t h_const42(void)
{
    return 42;
}
static uint64_t h_triple(uint64_t a)
{
    return a * 3;
}
static uint64_t h_add_mixed(uint32_t a, uint64_t b)
{
    return a + b;
}
static void h_store(struct test_state *s, uint32_t a, uint64_t b)
{
    s->out[0] = a;
    s->out[1] = b;
}
static uint32_t h_mix4(uint32_t a, uint64_t b, uint32_t c, uint64_t d)
{
    return (uint32_t)(a ^ (b >> 32) ^ c ^ (d >> 40));
}
static uint64_t h_sum5(uint64_t a, uint32_t b, uint64_t c, uint32_t d, uint64_t e)
{
    return a + 2 * (uint64_t)b + 3 * c + 4 * (uint64_t)d + 5 * e;
}
static uint64_t h_sum6(uint32_t a, uint64_t b, uint32_t c, uint64_t d, uint32_t e, uint64_t f)
{
    return a + 10 * b + 100 * (uint64_t)c + 1000 * d + 10000 * (uint64_t)e + 100000 * f;
}
static void h_raise_probe(void)
{
    restore_found = tb_restore_state(
        cur_t, translator_host_pc(cur_t, (uintptr_t)__builtin_return_address(0)), restore_seen);
}

enum { H0, H1, H2, H3, H4, H5, H6, HPROBE, HCOUNT };
#define FN(f) ((void (*)(void))(f))
static const struct ir_helper helpers[HCOUNT] = {
    {"const42", FN(h_const42), IR_HT_I32, 0, {0}, IR_CALL_PURE},
    {"triple", FN(h_triple), IR_HT_I64, 1, {IR_HT_I64}, IR_CALL_PURE},
    {"add_mixed", FN(h_add_mixed), IR_HT_I64, 2, {IR_HT_I32, IR_HT_I64}, IR_CALL_PURE},
    {"store", FN(h_store), IR_HT_VOID, 3, {IR_HT_PTR, IR_HT_I32, IR_HT_I64}, 0},
    {"mix4", FN(h_mix4), IR_HT_I32, 4, {IR_HT_I32, IR_HT_I64, IR_HT_I32, IR_HT_I64}, 0},
    {"sum5", FN(h_sum5), IR_HT_I64, 5, {IR_HT_I64, IR_HT_I32, IR_HT_I64, IR_HT_I32, IR_HT_I64}, 0},
    {"sum6",
     FN(h_sum6),
     IR_HT_I64,
     6,
     {IR_HT_I32, IR_HT_I64, IR_HT_I32, IR_HT_I64, IR_HT_I32, IR_HT_I64},
     0},
    {"raise_probe", FN(h_raise_probe), IR_HT_VOID, 0, {0}, IR_CALL_MAY_RAISE},
};

static struct test_mem mem;
static struct ir_env env;
static struct translator *t;
static struct test_state st;

static void setup(void)
{
    memset(&mem, 0, sizeof(mem));
    memset(&st, 0, sizeof(st));
    env = test_env(helpers, HCOUNT, &mem);
    struct translator_config cfg = {.env = &env, .backend = &NATIVE_BACKEND, .code_size = 1 << 20};
    t = translator_new(&cfg);
    ck_assert_ptr_nonnull(t);
    cur_t = t;
}

static void teardown(void)
{
    translator_free(t);
}

static struct tb_key key_at(uint64_t pc)
{
    return (struct tb_key){pc, 0, 0};
}

static struct tb_exit run(uint64_t pc)
{
    struct tb_key k = key_at(pc);
    struct tb *tb = translator_commit(t, pc, &k, 1, TB_NO_PAGE);
    ck_assert_ptr_nonnull(tb);
    return translator_exec(t, tb, &st);
}

/* eax = ecx! by a loop: L0: if ecx == 0 goto L1; eax *= ecx; ecx--; goto L0 */
static void build_factorial(struct ir_block *b)
{
    ir_tmp eax = ir_global(b, G_EAX), ecx = ir_global(b, G_ECX);
    ir_label loop = ir_new_label(b), done = ir_new_label(b);
    ir_movi(b, eax, 1);
    ir_set_label(b, loop);
    ir_brcondi(b, IR_COND_EQ, ecx, 0, done);
    ir_mul(b, eax, eax, ecx);
    ir_subi(b, ecx, ecx, 1);
    ir_br(b, loop);
    ir_set_label(b, done);
    ir_exit_tb(b, 7);
}

#define TEST_BACKEND NATIVE_BACKEND
#include "backend-cases.h"
START_TEST(native_exits_report_code_slot_and_lookup)
{
    struct ir_block *b = translator_block(t);
    ir_exit_tb(b, 0x1234);
    ck_assert_uint_eq(run(0x100).value, 0x1234);
    b = translator_block(t);
    ir_goto_tb(b, 1);
    struct tb_exit e = run(0x200);
    ck_assert_int_eq(e.kind, TB_EXIT_GOTO_TB);
    ck_assert_uint_eq(e.slot, 1);
    b = translator_block(t);
    ir_goto_ptr(b, ir_const_i64(b, 99));
    e = run(0x300);
    ck_assert_int_eq(e.kind, TB_EXIT_LOOKUP);
    ck_assert_uint_eq(e.value, 99);
}
END_TEST

/* Where the goto_tb patch site jumps when linked; NULL when it falls through
 * to its own exit. x86-64: a jmp rel32 whose rel32 is 4-byte aligned;
 * AArch64: an aligned B (imm26, in words), B +4 when unlinked. */
static const void *patched_target(const uint8_t *jmp)
{
#if defined(__x86_64__)
    ck_assert_uint_eq(jmp[0], 0xe9);
    ck_assert_uint_eq(((uintptr_t)jmp + 1) & 3, 0);
    int32_t rel;
    memcpy(&rel, jmp + 1, 4);
    return rel == 0 ? NULL : jmp + 5 + rel;
#else
    uint32_t insn;
    memcpy(&insn, jmp, 4);
    ck_assert_uint_eq((uintptr_t)jmp & 3, 0);
    ck_assert_uint_eq(insn >> 26, 0x05);
    int32_t rel = (int32_t)(insn << 6) >> 4;
    return rel == 4 ? NULL : jmp + rel;
#endif
}

START_TEST(native_follows_chained_slots_through_the_patched_jump)
{
    struct ir_block *b = translator_block(t);
    ir_addi(b, ir_global(b, G_EAX), ir_global(b, G_EAX), 1);
    ir_goto_tb(b, 0);
    struct tb_key ka = key_at(0x100), kb = key_at(0x200);
    struct tb *a = translator_commit(t, 0x100, &ka, 4, TB_NO_PAGE);
    b = translator_block(t);
    ir_addi(b, ir_global(b, G_EAX), ir_global(b, G_EAX), 10);
    ir_exit_tb(b, 5);
    struct tb *bb = translator_commit(t, 0x200, &kb, 4, TB_NO_PAGE);
    struct tb_exit e = translator_exec(t, a, &st);
    ck_assert_int_eq(e.kind, TB_EXIT_GOTO_TB);
    ck_assert_uint_eq(e.slot, 0);
    ck_assert_ptr_eq(e.last, a);
    const uint8_t *jmp = (const uint8_t *)a->tc_ptr + a->jmp[0].patch_offset;
    ck_assert_ptr_eq(patched_target(jmp), NULL);
    tb_link(t, a, 0, bb);
    ck_assert_ptr_eq(patched_target(jmp), bb->tc_ptr);
    e = translator_exec(t, a, &st);
    ck_assert_int_eq(e.kind, TB_EXIT_RETURN);
    ck_assert_uint_eq(e.value, 5);
    ck_assert_ptr_eq(e.last, bb);
    ck_assert_uint_eq(st.eax, 12);
    /* Invalidating the target unpatches the jump: a exits through slot 0 again. */
    tb_invalidate(t, bb);
    ck_assert_ptr_eq(patched_target(jmp), NULL);
    e = translator_exec(t, a, &st);
    ck_assert_int_eq(e.kind, TB_EXIT_GOTO_TB);
    ck_assert_ptr_eq(e.last, a);
    ck_assert_uint_eq(st.eax, 13);
}
END_TEST

#if defined(__aarch64__)
/* A code buffer beyond B's +-128 MiB gives every goto_tb a veneer (LDR x16,
 * literal; BR x16); JIT86_AARCH64_VENEER=1 forces it and chains through it. */
START_TEST(native_chains_through_the_veneer_when_b_cannot_reach)
{
    translator_free(t);
    setenv("JIT86_AARCH64_VENEER", "1", 1);
    struct translator_config cfg = {.env = &env, .backend = &NATIVE_BACKEND, .code_size = 1 << 20};
    t = cur_t = translator_new(&cfg);
    unsetenv("JIT86_AARCH64_VENEER");
    struct ir_block *b = translator_block(t);
    ir_addi(b, ir_global(b, G_EAX), ir_global(b, G_EAX), 1);
    ir_goto_tb(b, 0);
    struct tb_key ka = key_at(0x100), kb = key_at(0x200);
    struct tb *a = translator_commit(t, 0x100, &ka, 4, TB_NO_PAGE);
    b = translator_block(t);
    ir_addi(b, ir_global(b, G_EAX), ir_global(b, G_EAX), 10);
    ir_exit_tb(b, 5);
    struct tb *bb = translator_commit(t, 0x200, &kb, 4, TB_NO_PAGE);
    const uint8_t *jmp = (const uint8_t *)a->tc_ptr + a->jmp[0].patch_offset;
    uint32_t insn;
    memcpy(&insn, jmp, 4);
    ck_assert_uint_eq(insn, 0x14000005); /* B over the veneer and literal to the exit */
    ck_assert_uint_eq((uintptr_t)(jmp + 12) & 7, 0);
    struct tb_exit e = translator_exec(t, a, &st);
    ck_assert_int_eq(e.kind, TB_EXIT_GOTO_TB);
    ck_assert_uint_eq(st.eax, 1);
    tb_link(t, a, 0, bb);
    memcpy(&insn, jmp, 4);
    ck_assert_uint_eq(insn, 0x14000001); /* into the veneer */
    uint64_t lit;
    memcpy(&lit, jmp + 12, 8);
    ck_assert_uint_eq(lit, (uintptr_t)bb->tc_ptr);
    e = translator_exec(t, a, &st);
    ck_assert_int_eq(e.kind, TB_EXIT_RETURN);
    ck_assert_uint_eq(e.value, 5);
    ck_assert_ptr_eq(e.last, bb);
    ck_assert_uint_eq(st.eax, 12);
    tb_invalidate(t, bb);
    memcpy(&insn, jmp, 4);
    ck_assert_uint_eq(insn, 0x14000005);
    e = translator_exec(t, a, &st);
    ck_assert_int_eq(e.kind, TB_EXIT_GOTO_TB);
    ck_assert_uint_eq(st.eax, 13);
}
END_TEST
#endif

START_TEST(native_chained_loop_of_two_blocks_runs_until_exit)
{
    /* a: eax++ ; if eax == 1000 exit 9 else goto_tb 0 (-> b) ; b: ecx += 2 ; goto_tb 1 (-> a) */
    struct ir_block *b = translator_block(t);
    ir_label out = ir_new_label(b);
    ir_addi(b, ir_global(b, G_EAX), ir_global(b, G_EAX), 1);
    ir_brcondi(b, IR_COND_EQ, ir_global(b, G_EAX), 1000, out);
    ir_goto_tb(b, 0);
    ir_set_label(b, out);
    ir_exit_tb(b, 9);
    struct tb_key ka = key_at(0x100), kb = key_at(0x200);
    struct tb *a = translator_commit(t, 0x100, &ka, 4, TB_NO_PAGE);
    b = translator_block(t);
    ir_addi(b, ir_global(b, G_ECX), ir_global(b, G_ECX), 2);
    ir_goto_tb(b, 1);
    struct tb *bb = translator_commit(t, 0x200, &kb, 4, TB_NO_PAGE);
    tb_link(t, a, 0, bb);
    tb_link(t, bb, 1, a);
    struct tb_exit e = translator_exec(t, a, &st);
    ck_assert_int_eq(e.kind, TB_EXIT_RETURN);
    ck_assert_uint_eq(e.value, 9);
    ck_assert_ptr_eq(e.last, a);
    ck_assert_uint_eq(st.eax, 1000);
    ck_assert_uint_eq(st.ecx, 1998);
    tb_unlink(t, bb, 1);
    st.eax = 0;
    e = translator_exec(t, a, &st);
    ck_assert_int_eq(e.kind, TB_EXIT_GOTO_TB);
    ck_assert_uint_eq(e.slot, 1);
    ck_assert_ptr_eq(e.last, bb);
    ck_assert_uint_eq(st.eax, 1);
}
END_TEST

static uint64_t restore_seen_ld[2];
static bool restore_found_ld;

static uint64_t probing_load(void *opaque, void *envp, uint64_t addr, unsigned memop)
{
    restore_found_ld = tb_restore_state(
        cur_t, translator_host_pc(cur_t, (uintptr_t)__builtin_return_address(0)), restore_seen_ld);
    return test_mem_load(opaque, envp, addr, memop);
}

START_TEST(native_restore_records_give_insn_data_at_raising_sites)
{
    translator_free(t);
    env.mem.load = probing_load;
    struct translator_config cfg = {.env = &env, .backend = &NATIVE_BACKEND, .code_size = 1 << 20};
    t = cur_t = translator_new(&cfg);
    struct ir_block *b = translator_block(t);
    ir_insn_start(b, 0x1000, 5);
    ir_guest_ld(b, ir_global(b, G_EAX), ir_global(b, G_ECX), IR_MEMOP(IR_MO_32, 0, 0));
    ir_insn_start(b, 0x1003, 7);
    ir_addi(b, ir_global(b, G_EAX), ir_global(b, G_EAX), 1);
    ir_insn_start(b, 0x1006, 9);
    ir_call(b, HPROBE, (ir_tmp){0}, 0, NULL);
    ir_exit_tb(b, 0);
    struct tb_key k = key_at(0x1000);
    struct tb *tb = translator_commit(t, 0x1000, &k, 9, TB_NO_PAGE);
    ck_assert_uint_eq(tb->nrestore, 2);
    restore_found = restore_found_ld = false;
    st.ecx = 0x40;
    translator_exec(t, tb, &st);
    ck_assert(restore_found_ld);
    ck_assert_uint_eq(restore_seen_ld[0], 0x1000);
    ck_assert_uint_eq(restore_seen_ld[1], 5);
    ck_assert(restore_found);
    ck_assert_uint_eq(restore_seen[0], 0x1006);
    ck_assert_uint_eq(restore_seen[1], 9);
    /* Only recorded sites resolve. */
    uint64_t data[2];
    ck_assert(!tb_restore_state(t, (uintptr_t)tb->tc_ptr + tb->restore[0].host_off + 1, data));
    ck_assert(!tb_restore_state(t, (uintptr_t)&data, data));
}
END_TEST

/* An env with a small TLB laid out like softmmu/tlb.h's: 16 entries, one
 * MMU index; pages 0-1 mapped read/write, page 2 read-only, the rest absent. */
struct tlb_state {
    struct test_state st;
    struct {
        uint64_t tag[3];
        uint64_t addend;
    } tlb[16];
};
static uint8_t tlb_ram[4 * 4096];
static unsigned slow_calls;
static uint64_t slow_restore[2];
static bool slow_restore_found;

static uint64_t slow_load(void *opaque, void *envp, uint64_t addr, unsigned memop)
{
    (void)opaque, (void)envp;
    slow_calls++;
    slow_restore_found = tb_restore_state(
        cur_t, translator_host_pc(cur_t, (uintptr_t)__builtin_return_address(0)), slow_restore);
    uint64_t v = 0;
    for (unsigned i = 0; i < (1u << ir_memop_size(memop)); i++)
        v |= (uint64_t)tlb_ram[(addr + i) % sizeof(tlb_ram)] << (8 * i);
    return v;
}

static void slow_store(void *opaque, void *envp, uint64_t addr, uint64_t val, unsigned memop)
{
    (void)opaque, (void)envp;
    slow_calls++;
    for (unsigned i = 0; i < (1u << ir_memop_size(memop)); i++)
        tlb_ram[(addr + i) % sizeof(tlb_ram)] = (uint8_t)(val >> (8 * i));
}

START_TEST(native_inline_tlb_hits_skip_the_callbacks_and_misses_take_them)
{
    translator_free(t);
    static struct tlb_state ts;
    memset(&ts, 0, sizeof(ts));
    memset(tlb_ram, 0, sizeof(tlb_ram));
    for (unsigned i = 0; i < 16; i++) {
        ts.tlb[i].tag[0] = i < 3 ? (uint64_t)i << 12 : ~0ull;
        ts.tlb[i].tag[1] = i < 2 ? (uint64_t)i << 12 : ~0ull;
        ts.tlb[i].tag[2] = ~0ull;
        ts.tlb[i].addend = (uintptr_t)tlb_ram;
    }
    env.mem = (struct ir_mem_ops){slow_load, slow_store, NULL};
    env.tlb = (struct ir_tlb){.offset = offsetof(struct tlb_state, tlb),
                              .table_stride = sizeof(ts.tlb),
                              .nmmu = 1,
                              .index_bits = 4,
                              .entry_bits = 5,
                              .page_bits = 12,
                              .read_tag = 0,
                              .write_tag = 8,
                              .addend = 24};
    struct translator_config cfg = {.env = &env, .backend = &NATIVE_BACKEND, .code_size = 1 << 20};
    t = cur_t = translator_new(&cfg);
    struct ir_block *b = translator_block(t);
    ir_tmp eax = ir_global(b, G_EAX), ecx = ir_global(b, G_ECX), edx = ir_global(b, G_EDX);
    ir_insn_start(b, 0x500, 1);
    ir_guest_st(b, edx, ecx, IR_MEMOP(IR_MO_32, 0, 0)); /* hit */
    ir_insn_start(b, 0x503, 2);
    ir_guest_ld(b, eax, ecx, IR_MEMOP(IR_MO_16, 1, 0)); /* hit, sign-extended */
    ir_insn_start(b, 0x506, 3);
    ir_guest_st(b, edx, ir_const_i32(b, 0x2010), IR_MEMOP(IR_MO_8, 0, 0)); /* read-only: slow */
    ir_insn_start(b, 0x509, 4);
    ir_guest_ld(b, ir_global(b, G_EBX), ir_const_i32(b, 0x1ffe), IR_MEMOP(IR_MO_32, 0, 0));
    ir_insn_start(b, 0x50c, 5);
    ir_guest_ld(b, ir_global(b, G_RA), ir_const_i32(b, 0x1ff0), IR_MEMOP(IR_MO_64, 0, 0));
    ir_exit_tb(b, 0);
    struct tb_key k = key_at(0x500);
    struct tb *tb = translator_commit(t, 0x500, &k, 16, TB_NO_PAGE);
    ck_assert_ptr_nonnull(tb);
    ck_assert_uint_eq(tb->nrestore, 5);
    ts.st.ecx = 0x1ffc;
    ts.st.edx = 0x8badf00d;
    tlb_ram[0x1ff0] = 0x77;
    slow_calls = 0;
    slow_restore_found = false;
    translator_exec(t, tb, &ts);
    ck_assert_uint_eq(tlb_ram[0x1ffc], 0x0d);
    ck_assert_uint_eq(tlb_ram[0x1fff], 0x8b);
    ck_assert_uint_eq(ts.st.eax, 0xfffff00du);
    ck_assert_uint_eq(tlb_ram[0x2010], 0x0d);
    ck_assert_uint_eq(ts.st.ebx, 0x00008badu); /* crosses into page 2: slow path */
    ck_assert_uint_eq(ts.st.ra, 0x77);
    ck_assert_uint_eq(slow_calls, 2); /* the read-only page and the page crossing */
    ck_assert(slow_restore_found);
    ck_assert_uint_eq(slow_restore[0], 0x509);
    ck_assert_uint_eq(slow_restore[1], 4);
}
END_TEST

START_TEST(native_blocks_run_after_the_code_buffer_flushes)
{
    translator_free(t);
    struct translator_config cfg = {.env = &env, .backend = &NATIVE_BACKEND, .code_size = 16384};
    t = cur_t = translator_new(&cfg);
    struct tb *last = NULL;
    unsigned i = 0;
    while (translator_stats(t)->flushes < 2 && i < 10000) {
        struct ir_block *b = translator_block(t);
        ir_addi(b, ir_global(b, G_EAX), ir_global(b, G_EAX), i);
        ir_exit_tb(b, i);
        struct tb_key k = key_at(0x1000 + 16 * i);
        last = translator_commit(t, 0x1000 + 16 * i, &k, 4, TB_NO_PAGE);
        ck_assert_ptr_nonnull(last);
        i++;
    }
    ck_assert_uint_eq(translator_stats(t)->flushes, 2);
    st.eax = 5;
    struct tb_exit e = translator_exec(t, last, &st);
    ck_assert_uint_eq(e.value, i - 1);
    ck_assert_uint_eq(st.eax, 5 + i - 1);
    ck_assert_ptr_eq(e.last, last);
}
END_TEST

START_TEST(native_forty_live_locals_spill_and_come_back)
{
    struct ir_block *b = translator_block(t);
    ir_tmp v[40];
    for (unsigned i = 0; i < 40; i++) {
        v[i] = ir_new_i64(b);
        ir_muli(b, v[i], ir_global(b, G_RA), i + 1); /* not foldable: ra is unknown */
    }
    ir_tmp sum = ir_new_i64(b);
    ir_movi(b, sum, 0);
    for (unsigned i = 0; i < 40; i++) {
        ir_xor(b, sum, sum, v[39 - i]);
        ir_rotl(b, sum, sum, ir_const_i64(b, 3));
    }
    ir_mov(b, ir_global(b, G_RB), sum);
    ir_exit_tb(b, 0);
    st.ra = 0x0123456789abcdefull;
    run(0x100);
    uint64_t want = 0;
    for (unsigned i = 0; i < 40; i++) {
        want ^= st.ra * (40 - i);
        want = want << 3 | want >> 61;
    }
    ck_assert_uint_eq(st.rb, want);
}
END_TEST

/* x86-64 psABI §3.2.2 (rsp + 8 a multiple of 16 at function entry) and
 * AAPCS64 §6.4.5.1 (sp a multiple of 16 at every public interface): the frame
 * address of a callee is 16-byte aligned. */
static unsigned misaligned;
__attribute__((noinline)) static uint64_t h_check_stack(uint64_t x)
{
    misaligned += ((uintptr_t)__builtin_frame_address(0) & 15) != 0;
    return x + 1;
}
__attribute__((noinline)) static uint64_t aligned_load(void *opaque, void *envp, uint64_t addr,
                                                       unsigned memop)
{
    misaligned += ((uintptr_t)__builtin_frame_address(0) & 15) != 0;
    return test_mem_load(opaque, envp, addr, memop);
}

START_TEST(native_helpers_and_callbacks_get_an_aligned_stack)
{
    static const struct ir_helper check = {
        "check_stack", FN(h_check_stack), IR_HT_I64, 1, {IR_HT_I64}, 0};
    translator_free(t);
    env.helpers = &check;
    env.nhelpers = 1;
    env.mem.load = aligned_load;
    struct translator_config cfg = {.env = &env, .backend = &NATIVE_BACKEND, .code_size = 1 << 20};
    t = cur_t = translator_new(&cfg);
    struct ir_block *b = translator_block(t);
    ir_call(b, 0, ir_global(b, G_RA), 1, (ir_tmp[]){ir_global(b, G_RA)});
    ir_guest_ld(b, ir_global(b, G_EAX), ir_global(b, G_ECX), IR_MEMOP(IR_MO_32, 0, 0));
    ir_call(b, 0, ir_global(b, G_RA), 1, (ir_tmp[]){ir_global(b, G_RA)});
    ir_exit_tb(b, 0);
    misaligned = 0;
    st.ra = 40;
    mem.bytes[8] = 0x2a;
    st.ecx = 8;
    run(0x100);
    ck_assert_uint_eq(st.ra, 42);
    ck_assert_uint_eq(st.eax, 0x2a);
    ck_assert_uint_eq(misaligned, 0);
}
END_TEST

static const void *next_code;
static unsigned lookups;
static const void *lookup_next(void *envp)
{
    lookups++;
    ck_assert_uint_eq(((struct test_state *)envp)->ecx, 0x77); /* globals are in env */
    return next_code;
}

START_TEST(native_goto_ptr_continues_where_lookup_code_points)
{
    translator_free(t);
    env.lookup_code = lookup_next;
    struct translator_config cfg = {.env = &env, .backend = &NATIVE_BACKEND, .code_size = 1 << 20};
    t = cur_t = translator_new(&cfg);
    struct ir_block *b = translator_block(t);
    ir_movi(b, ir_global(b, G_ECX), 0x77);
    ir_goto_ptr(b, ir_const_i64(b, 0x1234));
    struct tb_key ka = key_at(0x100), kb = key_at(0x200);
    struct tb *a = translator_commit(t, 0x100, &ka, 4, TB_NO_PAGE);
    b = translator_block(t);
    ir_addi(b, ir_global(b, G_EAX), ir_global(b, G_EAX), 1);
    ir_exit_tb(b, 3);
    struct tb *bb = translator_commit(t, 0x200, &kb, 4, TB_NO_PAGE);
    next_code = NULL; /* a miss: back to the caller with the value */
    lookups = 0;
    struct tb_exit e = translator_exec(t, a, &st);
    ck_assert_int_eq(e.kind, TB_EXIT_LOOKUP);
    ck_assert_uint_eq(e.value, 0x1234);
    ck_assert_ptr_eq(e.last, a);
    ck_assert_uint_eq(st.eax, 0);
    next_code = bb->tc_ptr; /* a hit: b runs without a return to the caller */
    e = translator_exec(t, a, &st);
    ck_assert_int_eq(e.kind, TB_EXIT_RETURN);
    ck_assert_uint_eq(e.value, 3);
    ck_assert_ptr_eq(e.last, bb);
    ck_assert_uint_eq(st.eax, 1);
    ck_assert_uint_eq(lookups, 2);
}
END_TEST

/* Like cpu_raise_exception: deep inside C code called by a helper, with no
 * return address handed down. */
static uint64_t deep_seen[2];
static bool deep_found;
__attribute__((noinline)) static void deep_raise(void)
{
    deep_found = tb_restore_state(cur_t, translator_host_pc(cur_t, 0), deep_seen);
}
__attribute__((noinline)) static void h_deep(void)
{
    deep_raise();
    __asm__ volatile("" ::: "memory"); /* no tail call */
}
__attribute__((noinline)) static uint64_t deep_load(void *opaque, void *envp, uint64_t addr,
                                                    unsigned memop)
{
    deep_raise();
    return test_mem_load(opaque, envp, addr, memop);
}

START_TEST(native_restore_state_found_without_the_return_address)
{
    static const struct ir_helper deep = {"deep", FN(h_deep), IR_HT_VOID,
                                          0,      {0},        IR_CALL_MAY_RAISE};
    translator_free(t);
    env.helpers = &deep;
    env.nhelpers = 1;
    env.mem.load = deep_load;
    struct translator_config cfg = {.env = &env, .backend = &NATIVE_BACKEND, .code_size = 1 << 20};
    t = cur_t = translator_new(&cfg);
    struct ir_block *b = translator_block(t);
    ir_insn_start(b, 0x2000, 11);
    ir_addi(b, ir_global(b, G_EAX), ir_global(b, G_EAX), 1);
    ir_insn_start(b, 0x2002, 12);
    ir_call(b, 0, (ir_tmp){0}, 0, NULL);
    ir_exit_tb(b, 0);
    deep_found = false;
    run(0x2000);
    ck_assert(deep_found);
    ck_assert_uint_eq(deep_seen[0], 0x2002);
    ck_assert_uint_eq(deep_seen[1], 12);
    b = translator_block(t);
    ir_insn_start(b, 0x3000, 21);
    ir_guest_ld(b, ir_global(b, G_EAX), ir_global(b, G_ECX), IR_MEMOP(IR_MO_32, 0, 0));
    ir_exit_tb(b, 0);
    deep_found = false;
    run(0x3000);
    ck_assert(deep_found);
    ck_assert_uint_eq(deep_seen[0], 0x3000);
    ck_assert_uint_eq(deep_seen[1], 21);
}
END_TEST

/* A local live at a label that only a branch reaches, while the path falling
 * towards it (ending in an exit) lets it die first. */
START_TEST(native_local_live_at_a_branch_target_survives_its_death_on_the_other_path)
{
    for (unsigned taken = 0; taken < 2; taken++) {
        struct ir_block *b = translator_block(t);
        ir_tmp u = ir_new_i64(b), v = ir_new_i64(b);
        ir_label l = ir_new_label(b);
        /* u takes the first register and dies at the branch: at the label a
         * stale register must not stand in for v. */
        ir_addi(b, u, ir_global(b, G_RA), 100);
        ir_muli(b, v, ir_global(b, G_RA), 3);
        ir_brcondi(b, IR_COND_EQ, u, 107, l);
        ir_addi(b, ir_global(b, G_RC), v, 1);
        ir_exit_tb(b, 1);
        ir_set_label(b, l);
        ir_xori(b, ir_global(b, G_RD), v, 5);
        ir_exit_tb(b, 2);
        st.ra = taken ? 7 : 8;
        st.rc = st.rd = 0;
        struct tb_exit e = run(0x100 + 0x10 * taken);
        ck_assert_uint_eq(e.value, taken ? 2 : 1);
        ck_assert_uint_eq(st.rc, taken ? 0 : 25);
        ck_assert_uint_eq(st.rd, taken ? (21 ^ 5) : 0);
    }
}
END_TEST

START_TEST(commit_logs_op_op_opt_and_out_asm)
{
    char path[] = "/tmp/jit86-trlog-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert(log_set_file(path));
    log_mask = LOG_OP | LOG_OP_OPT | LOG_OUT_ASM;
    struct ir_block *b = translator_block(t);
    ir_addi(b, ir_global(b, G_EAX), ir_global(b, G_EAX), 0);
    ir_exit_tb(b, 3);
    run(0x4000);
    log_mask = 0;
    log_close();
    char buf[1024] = "";
    FILE *f = fopen(path, "r");
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    unlink(path);
    buf[n] = 0;
    ck_assert_ptr_nonnull(strstr(buf, "OP 0x4000:\n movi_i32 t0, $0x0\n add_i32 eax, eax, t0\n"
                                      " exit_tb $0x3\n"));
    ck_assert_ptr_nonnull(strstr(buf, "OP after optimization 0x4000:\n exit_tb $0x3\n"));
    ck_assert_ptr_nonnull(strstr(buf, "OUT 0x4000:\n" NATIVE_NAME " code at "));
#if defined(__x86_64__)
    /* The op first, then the host code it became: exit_tb 3 is rax = 3,
     * rdx = the block, jump to the epilogue (Capstone's text). */
    ck_assert_ptr_nonnull(strstr(buf, " bytes\n exit_tb $0x3\n  0x0000:  mov      eax, 3\n"));
    ck_assert_ptr_nonnull(strstr(buf, "movabs   rdx, 0x"));
    ck_assert_ptr_nonnull(strstr(buf, "jmp      0x"));
#else
    /* The op first, then the host code it became: exit_tb 3 is x0 = 3,
     * x1 = the block (MOVZ/MOVK), B to the epilogue (Capstone's text). */
    ck_assert_ptr_nonnull(strstr(buf, " bytes\n exit_tb $0x3\n  0x0000:  movz     x0, #0x3\n"));
    ck_assert_ptr_nonnull(strstr(buf, "  0x0004:  movz     x1, #0x"));
    ck_assert_ptr_nonnull(strstr(buf, "movk     x1, #0x"));
    ck_assert_ptr_nonnull(strstr(buf, ":  b        #0x"));
#endif
}
END_TEST

START_TEST(native_is_default_backend_and_interp_stays_selectable)
{
    if (!getenv("JIT86_BACKEND"))
        ck_assert_str_eq(translator_default_backend(), NATIVE_NAME);
    ck_assert_ptr_eq(translator_backend_by_name(NATIVE_NAME), &NATIVE_BACKEND);
    ck_assert_ptr_eq(translator_backend_by_name("interp"), &tb_backend_interp);
    setenv("JIT86_BACKEND", "interp", 1);
    ck_assert_str_eq(translator_default_backend(), "interp");
    setenv("JIT86_BACKEND", "nonesuch", 1);
    ck_assert_str_eq(translator_default_backend(), NATIVE_NAME);
    unsetenv("JIT86_BACKEND");
}
END_TEST

#endif

Suite *test_suite(void)
{
    Suite *s = suite_create("translator_native");
    TCase *tc = tcase_create("native");
#if defined(__x86_64__) || defined(__aarch64__)
    tcase_add_checked_fixture(tc, setup, teardown);
    BACKEND_CASES_ADD(tc);
    tcase_add_test(tc, native_exits_report_code_slot_and_lookup);
    tcase_add_test(tc, native_follows_chained_slots_through_the_patched_jump);
#if defined(__aarch64__)
    tcase_add_test(tc, native_chains_through_the_veneer_when_b_cannot_reach);
#endif
    tcase_add_test(tc, native_chained_loop_of_two_blocks_runs_until_exit);
    tcase_add_test(tc, native_restore_records_give_insn_data_at_raising_sites);
    tcase_add_test(tc, native_inline_tlb_hits_skip_the_callbacks_and_misses_take_them);
    tcase_add_test(tc, native_blocks_run_after_the_code_buffer_flushes);
    tcase_add_test(tc, native_forty_live_locals_spill_and_come_back);
    tcase_add_test(tc, native_helpers_and_callbacks_get_an_aligned_stack);
    tcase_add_test(tc, native_goto_ptr_continues_where_lookup_code_points);
    tcase_add_test(tc, native_restore_state_found_without_the_return_address);
    tcase_add_test(tc, native_local_live_at_a_branch_target_survives_its_death_on_the_other_path);
    tcase_add_test(tc, commit_logs_op_op_opt_and_out_asm);
    tcase_add_test(tc, native_is_default_backend_and_interp_stays_selectable);
#else
    fprintf(stderr, "translator_native: SKIPPED, no native backend on this host\n");
#endif
    suite_add_tcase(s, tc);
    return s;
}
