/* Chained jumps into another page across TLB flushes (cpu/exec.c,
 * drop_stale_chains): kept when the flush cannot have remapped their
 * destination (a CR3 write while every destination is a global page, an
 * INVLPG in another 4 MiB region), dropped otherwise, so remapped code runs. */
#include "machine.h"

#include "translator/translator.h"

#define ITERATIONS 20

/* After tm_paged_setup's entry: CR4.PGE on, EDI = 20, on to 6000h. */
static const uint8_t tail[] = {
    0x0f, 0x20, 0xe0,                   /* mov eax, cr4 */
    0x0d, 0x80, 0x00, 0x00, 0x00,       /* or eax, 80h (PGE) */
    0x0f, 0x22, 0xe0,                   /* mov cr4, eax */
    0xbf, ITERATIONS, 0x00, 0x00, 0x00, /* mov edi, 20 */
    0xb8, 0x00, 0x60, 0x00, 0x00,       /* mov eax, 6000h */
    0xff, 0xe0,                         /* jmp eax */
};

/* 6000h: the flush (patched in); an indirect jump to 6020h, so the loop
 * sees the flush at once; 6020h: a direct jump to the other page. */
static const uint8_t cr3_reload[] = {0x0f, 0x20, 0xd8, 0x0f, 0x22, 0xd8}; /* mov eax,cr3; mov cr3,eax */
static const uint8_t invlpg_far[] = {0x0f, 0x01, 0x3d, 0x00, 0x00, 0x40, 0x00}; /* invlpg [400000h] */
static const uint8_t via_6020[] = {0xb8, 0x20, 0x60, 0x00, 0x00, 0xff, 0xe0}; /* mov eax,6020h; jmp eax */
static const uint8_t jmp_to_7000[] = {0xe9, 0xdb, 0x0f, 0x00, 0x00};           /* 6020h: jmp 7000h */
/* 7000h: inc ebx; dec edi; jnz 6000h; hlt */
static const uint8_t back[] = {0x43, 0x4f, 0x0f, 0x85, 0xf8, 0xef, 0xff, 0xff, 0xf4};

static void put_loop(struct tmachine *m, const uint8_t *flush, size_t n, bool global)
{
    uint8_t code[32];
    memcpy(code, flush, n);
    memcpy(code + n, via_6020, sizeof(via_6020));
    tm_poke(m, 0x6000, code, n + sizeof(via_6020));
    tm_poke(m, 0x6020, jmp_to_7000, sizeof(jmp_to_7000));
    tm_poke(m, 0x7000, back, sizeof(back));
    uint32_t g = global ? 0x100 : 0;
    tm_poke32(m, TM_PG_PT + 4 * 6, 0x6000 | 3 | g);
    tm_poke32(m, TM_PG_PT + 4 * 7, 0x7000 | 3 | g);
}

/* Runs the loop on the interpreter (the backend that counts the chained
 * jumps it follows); returns how many it followed. */
static uint64_t chained_jumps(const uint8_t *flush, size_t n, bool global)
{
    struct tmachine m;
    tm_init_chained(&m, true);
    cpu_free(m.cpu);
    struct cpu_config cfg = {
        .space = m.space, .io = m.io, .backend = translator_backend_by_name("interp")};
    m.cpu = cpu_new(&cfg);
    ck_assert_ptr_nonnull(m.cpu);
    m.env = cpu_env(m.cpu);
    for (unsigned s = 0; s < 6; s++)
        cpu_load_seg_real(m.env, s, 0);
    m.env->eip = TM_CODE;
    m.env->regs[3] = 0;
    tm_paged_setup(&m, tail, sizeof(tail));
    put_loop(&m, flush, n, global);
    ck_assert_int_eq(cpu_exec(m.cpu, 10000), CPU_EXIT_HALTED);
    ck_assert_uint_eq((uint32_t)m.env->regs[3], ITERATIONS);
    uint64_t chained = translator_stats(cpu_translator(m.cpu))->chained_jumps;
    tm_free(&m);
    return chained;
}

/* Per iteration two jumps across pages: when kept, chained from the second
 * iteration on; dropped at every flush, linked again after their use. (The
 * flush's own block ends with a lookup.) */
#define KEPT    (2 * (ITERATIONS - 2))
#define DROPPED 2

START_TEST(cr3_write_keeps_chains_into_global_pages)
{
    ck_assert_uint_ge(chained_jumps(cr3_reload, sizeof(cr3_reload), true), KEPT);
}
END_TEST

START_TEST(cr3_write_drops_chains_into_non_global_pages)
{
    ck_assert_uint_le(chained_jumps(cr3_reload, sizeof(cr3_reload), false), DROPPED);
}
END_TEST

START_TEST(invlpg_elsewhere_keeps_chains)
{
    ck_assert_uint_ge(chained_jumps(invlpg_far, sizeof(invlpg_far), false), KEPT);
}
END_TEST

/* 6000h: a direct jump into linear 20000h (physical 30000h: inc ebx; jmp
 * 7000h); 7000h: dec edi; write the PTE of 20000h from a table (physical
 * 30000h until EDI reaches 0, then 40000h: add ebx, 100h; hlt); the flush;
 * back to 6000h, directly or through JMP EAX. The loop chains all of it in
 * the first iterations, so the last pass must see the new code through
 * jumps chained under the old mapping. */
static void remap_after_chaining(const uint8_t *flush, size_t n, bool direct)
{
    static const uint8_t old_code[] = {0x43, 0xe9, 0xfa, 0x6f, 0xfe, 0xff}; /* jmp 7000h */
    static const uint8_t new_code[] = {0x81, 0xc3, 0x00, 0x01, 0x00, 0x00, 0xf4};
    uint8_t body[64] = {0x4f,                                     /* dec edi */
                        0x8b, 0x04, 0xbd, 0x00, 0x81, 0x00, 0x00, /* mov eax, [edi*4+8100h] */
                        0xa3, 0x80, 0x10, 0x01, 0x00};            /* mov [11080h], eax */
    size_t k = 13;
    memcpy(body + k, flush, n);
    k += n;
    static const uint8_t via_6000[] = {0xb8, 0x00, 0x60, 0x00, 0x00, 0xff, 0xe0};
    memcpy(body + k, via_6000, sizeof(via_6000));
    if (direct) {
        uint32_t rel = 0x6000u - (0x7000u + (uint32_t)k + 5);
        body[k] = 0xe9;
        memcpy(body + k + 1, &rel, 4);
    }
    k += sizeof(via_6000);
    uint8_t to_page[5] = {0xe9};
    uint32_t rel2 = 0x20000u - 0x6005u;
    memcpy(to_page + 1, &rel2, 4);
    struct tmachine ms[3];
    unsigned nb = tm_init_backends(ms, 3);
    for (unsigned i = 0; i < nb; i++) {
        struct tmachine *m = &ms[i];
        m->env->eip = TM_CODE;
        m->env->regs[3] = 0;
        tm_paged_setup(m, tail, sizeof(tail));
        tm_poke(m, 0x6000, to_page, sizeof(to_page));
        tm_poke(m, 0x7000, body, k);
        tm_poke(m, 0x30000, old_code, sizeof(old_code));
        tm_poke(m, 0x40000, new_code, sizeof(new_code));
        for (unsigned e = 0; e <= ITERATIONS; e++)
            tm_poke32(m, 0x8100 + 4 * e, e ? 0x30003 : 0x40003);
        ck_assert_int_eq(cpu_exec(m->cpu, 10000), CPU_EXIT_HALTED);
        ck_assert_uint_eq((uint32_t)m->env->regs[3], ITERATIONS + 0x100);
        tm_free(m);
    }
}

static const uint8_t invlpg_page[] = {0x0f, 0x01, 0x3d, 0x00, 0x00, 0x02, 0x00}; /* invlpg [20000h] */

START_TEST(cr3_write_after_remap_runs_the_new_code)
{
    remap_after_chaining(cr3_reload, sizeof(cr3_reload), false);
}
END_TEST

START_TEST(invlpg_after_remap_runs_the_new_code)
{
    remap_after_chaining(invlpg_page, sizeof(invlpg_page), false);
}
END_TEST

/* The flush's block must not chain on: the direct jumps after it were
 * linked under the old mapping, and only the loop drops them. */
START_TEST(direct_jumps_right_after_cr3_write_run_the_new_code)
{
    remap_after_chaining(cr3_reload, sizeof(cr3_reload), true);
}
END_TEST

START_TEST(direct_jumps_right_after_invlpg_run_the_new_code)
{
    remap_after_chaining(invlpg_page, sizeof(invlpg_page), true);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("cpu_chain_flush");
    TCase *tc = tcase_create("chain_flush");
    tcase_add_test(tc, cr3_write_keeps_chains_into_global_pages);
    tcase_add_test(tc, cr3_write_drops_chains_into_non_global_pages);
    tcase_add_test(tc, invlpg_elsewhere_keeps_chains);
    tcase_add_test(tc, cr3_write_after_remap_runs_the_new_code);
    tcase_add_test(tc, invlpg_after_remap_runs_the_new_code);
    tcase_add_test(tc, direct_jumps_right_after_cr3_write_run_the_new_code);
    tcase_add_test(tc, direct_jumps_right_after_invlpg_run_the_new_code);
    suite_add_tcase(s, tc);
    return s;
}
