/* REP MOVS/STOS page-at-a-time fast path (cpu/helper-string.c) against an
 * element-by-element model: page boundaries at every alignment, DF=1,
 * overlapping copies (which replicate), 16-bit offset wrap, and a segment
 * limit fault in the middle of a run, which must leave the registers at the
 * faulting element so the instruction restarts. */
#include "machine.h"

#include <check.h>
#include <stdlib.h>

#define SEG      0x1000u /* DS = ES: base 0x10000 */
#define SEG_BASE 0x10000u
#define SEG_SIZE 0x10000u

static uint8_t before[SEG_SIZE], model[SEG_SIZE], got[SEG_SIZE];

struct rep_case {
    bool stos;
    unsigned size; /* 1, 2, 4 */
    bool down;     /* DF = 1 */
    uint16_t si, di;
    uint16_t count;
};

/* What the SDM's per-element loop does, 16-bit addressing. False when an
 * element would straddle offset 0xFFFF (a real-mode #GP: not modelled). */
static bool run_model(const struct rep_case *c, uint32_t eax, uint16_t *si, uint16_t *di)
{
    uint16_t s = c->si, d = c->di;
    int step = c->down ? -(int)c->size : (int)c->size;
    for (unsigned n = 0; n < c->count; n++) {
        if ((uint32_t)s + c->size > SEG_SIZE || (uint32_t)d + c->size > SEG_SIZE)
            return false;
        uint8_t e[4]; /* the whole element is read before it is written */
        for (unsigned k = 0; k < c->size; k++)
            e[k] = c->stos ? (uint8_t)(eax >> (8 * k)) : model[(uint16_t)(s + k)];
        for (unsigned k = 0; k < c->size; k++)
            model[(uint16_t)(d + k)] = e[k];
        d = (uint16_t)(d + step);
        s = (uint16_t)(s + step);
    }
    *si = s;
    *di = d;
    return true;
}

static void fill_pattern(struct tmachine *m, unsigned seed)
{
    srand(seed);
    for (unsigned i = 0; i < SEG_SIZE; i++)
        before[i] = (uint8_t)rand();
    tm_poke(m, SEG_BASE, before, SEG_SIZE);
    memcpy(model, before, SEG_SIZE);
}

static void run_case(struct tmachine *mp, const struct rep_case *c, unsigned seed)
{
    struct tmachine m = *mp;
    fill_pattern(&m, seed);
    uint16_t si, di;
    if (!run_model(c, 0xa1b2c3d4u, &si, &di))
        return;
    uint8_t code[8];
    unsigned n = 0;
    code[n++] = c->down ? 0xfd : 0xfc; /* std / cld */
    code[n++] = 0xf3;                  /* rep */
    if (c->size == 4)
        code[n++] = 0x66;
    code[n++] = (uint8_t)((c->stos ? 0xaa : 0xa4) + (c->size > 1));
    code[n++] = 0xf4;
    tm_code(&m, code, n);
    cpu_load_seg_real(m.env, X86_SEG_DS, SEG);
    cpu_load_seg_real(m.env, X86_SEG_ES, SEG);
    m.env->regs[0] = 0xa1b2c3d4u;
    m.env->regs[1] = c->count;
    m.env->regs[6] = c->si;
    m.env->regs[7] = c->di;
    m.env->regs[4] = TM_STACK;
    m.env->eip = TM_CODE;
    m.env->halted = false;
    ck_assert_int_eq(cpu_exec(m.cpu, 100000), CPU_EXIT_HALTED);
    mmu_phys_read(m.space, SEG_BASE, got, SEG_SIZE);
    ck_assert_msg(m.env->eip == TM_CODE + n, "%s size %u df %u si %04x di %04x: stopped at %x",
                  c->stos ? "stos" : "movs", c->size, c->down, c->si, c->di, (unsigned)m.env->eip);
    ck_assert_uint_eq(m.env->regs[1], 0);
    ck_assert_uint_eq(m.env->regs[7], di);
    if (!c->stos)
        ck_assert_uint_eq(m.env->regs[6], si);
    for (unsigned i = 0; i < SEG_SIZE && memcmp(got, model, SEG_SIZE); i++)
        ck_assert_msg(got[i] == model[i],
                      "%s size %u df %u si %04x di %04x count %u: byte %04x is %02x, not %02x",
                      c->stos ? "stos" : "movs", c->size, c->down, c->si, c->di, c->count, i,
                      got[i], model[i]);
}

START_TEST(string_fast_rep_movs_stos_match_the_element_model)
{
    /* Offsets around the page boundary at 0x3000 (linear 0x13000), overlaps
     * of one byte and one element each way, and the wrap at 0xFFFF. */
    static const struct {
        uint16_t si, di, count;
    } places[] = {
        {0x2ff0, 0x5000, 100},  {0x5000, 0x2ff1, 100},  {0x2ff3, 0x2ff4, 300},
        {0x2ff4, 0x2ff3, 300},  {0x2f00, 0x2f04, 2000}, {0x2f04, 0x2f00, 2000},
        {0x3010, 0x2ff0, 50},   {0xfff0, 0x8000, 64},   {0x8000, 0xfffc, 64},
        {0x0100, 0x0101, 9000}, {0x4000, 0x2000, 1},
    };
    unsigned seed = 1;
    struct tmachine m;
    tm_init(&m);
    for (unsigned p = 0; p < sizeof(places) / sizeof(places[0]); p++)
        for (unsigned stos = 0; stos < 2; stos++)
            for (unsigned size = 1; size <= 4; size *= 2)
                for (unsigned down = 0; down < 2; down++) {
                    struct rep_case c = {stos,         size,         down,
                                         places[p].si, places[p].di, places[p].count};
                    run_case(&m, &c, seed++);
                }
    tm_free(&m);
}
END_TEST

/* a32 REP MOVSB from DS:0000FF90, DS base 0x10080 (so the limit falls inside
 * a page), for 0x200 bytes: the element at offset 0x10000 is past the 64 KiB
 * real-mode limit, #GP; the 0x70 before it are copied and ESI/EDI/ECX point
 * at it. */
START_TEST(string_fast_rep_movs_stops_at_the_faulting_element)
{
    struct tmachine m;
    tm_init(&m);
    fill_pattern(&m, 77);
    uint8_t src[0x100];
    for (unsigned i = 0; i < sizeof(src); i++)
        src[i] = (uint8_t)(i * 13 + 5);
    tm_poke(&m, 0x20000, src, sizeof(src));
    static const uint8_t code[] = {0x67, 0xf3, 0xa4, 0xf4}; /* a32 rep movsb; hlt */
    tm_code(&m, code, sizeof(code));
    cpu_load_seg_real(m.env, X86_SEG_DS, SEG + 8);
    cpu_load_seg_real(m.env, X86_SEG_ES, SEG);
    m.env->regs[1] = 0x200;
    m.env->regs[6] = 0xff90;
    m.env->regs[7] = 0x4000;
    ck_assert_int_eq(cpu_exec(m.cpu, 100000), CPU_EXIT_HALTED);
    ck_assert_uint_eq(m.env->eip, TM_HANDLER + 1); /* #GP went to the handler */
    ck_assert_uint_eq(m.env->regs[1], 0x190);
    ck_assert_uint_eq(m.env->regs[6], 0x10000);
    ck_assert_uint_eq(m.env->regs[7], 0x4070);
    ck_assert_uint_eq(tm_peek16(&m, TM_STACK - 6), TM_CODE); /* the REP restarts */
    mmu_phys_read(m.space, SEG_BASE, got, SEG_SIZE);
    ck_assert_int_eq(memcmp(got + 0x4000, src + 0x10, 0x70), 0);
    ck_assert_int_eq(memcmp(got + 0x4070, before + 0x4070, 0x100), 0);
    tm_free(&m);
}
END_TEST

/* ---- with paging (machine.h tm_paged_setup): linear 0x20000 -> physical
 * 0x30000, 0x21000 not present, 0x22000 -> 0x40000; #PF -> HLT ---- */

/* DF as asked, REP MOVSB, HLT with ESI/EDI/ECX as given, on a machine from
 * tm_init. Returns at the HLT (of the code or of the #PF handler). */
static void run_paged(struct tmachine *m, bool down, uint32_t esi, uint32_t edi, uint32_t ecx)
{
    const uint8_t tail[] = {down ? 0xfd : 0xfc, 0xf3, 0xa4, 0xf4};
    tm_paged_setup(m, tail, sizeof(tail));
    m->env->regs[1] = ecx;
    m->env->regs[6] = esi;
    m->env->regs[7] = edi;
    ck_assert_int_eq(cpu_exec(m->cpu, 100000), CPU_EXIT_HALTED);
}

static void phys_pattern(struct tmachine *m)
{
    for (unsigned i = 0; i < 0x100; i++)
        before[i] = (uint8_t)(i * 7 + 1);
    tm_poke(m, 0x5000, before, 0x100);
}

/* Forward into the not-present page: 16 bytes land in physical 0x30ff0, then
 * #PF at 0x21000 with the registers on the faulting element. */
START_TEST(string_fast_rep_movs_page_fault_forward)
{
    struct tmachine m;
    tm_init(&m);
    phys_pattern(&m);
    run_paged(&m, false, 0x5000, 0x20ff0, 0x40);
    ck_assert_uint_eq(m.env->eip, 0x5201);
    ck_assert_uint_eq(m.env->cr[2], 0x21000);
    ck_assert_uint_eq(m.env->regs[1], 0x30);
    ck_assert_uint_eq(m.env->regs[6], 0x5010);
    ck_assert_uint_eq(m.env->regs[7], 0x21000);
    ck_assert_uint_eq(tm_peek8(&m, 0x30ff0), before[0]);
    ck_assert_uint_eq(tm_peek8(&m, 0x30fff), before[0xf]);
    ck_assert_uint_eq(tm_peek8(&m, 0x31000), 0);
    tm_free(&m);
}
END_TEST

/* DF=1 from 0x22008 down: 9 bytes into physical 0x40000..8, then #PF at
 * 0x21fff; nothing written below physical 0x40000. */
START_TEST(string_fast_rep_movs_page_fault_backward)
{
    struct tmachine m;
    tm_init(&m);
    phys_pattern(&m);
    run_paged(&m, true, 0x5080, 0x22008, 0x20);
    ck_assert_uint_eq(m.env->eip, 0x5201);
    ck_assert_uint_eq(m.env->cr[2], 0x21fff);
    ck_assert_uint_eq(m.env->regs[1], 0x17);
    ck_assert_uint_eq(m.env->regs[7], 0x21fff);
    ck_assert_uint_eq(m.env->regs[6], 0x5077);
    ck_assert_uint_eq(tm_peek8(&m, 0x3ffff), 0);
    tm_free(&m);
}
END_TEST

/* Forward from an identity page into the one mapped at physical 0x30000: the
 * bytes after the boundary go there, not to physical 0x20000. */
START_TEST(string_fast_rep_movs_follows_the_mapping_across_pages)
{
    struct tmachine m;
    tm_init(&m);
    phys_pattern(&m);
    run_paged(&m, false, 0x5000, 0x1fff0, 0x20);
    ck_assert_uint_eq(m.env->eip, 0x1100 + 45); /* past the HLT */
    ck_assert_uint_eq(m.env->regs[1], 0);
    ck_assert_uint_eq(tm_peek8(&m, 0x30000), tm_peek8(&m, 0x5010));
    ck_assert_uint_eq(tm_peek8(&m, 0x3000f), tm_peek8(&m, 0x501f));
    ck_assert_uint_eq(tm_peek8(&m, 0x20000), 0);
    tm_free(&m);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("cpu_string_fast");
    TCase *tc = tcase_create("string");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, string_fast_rep_movs_stos_match_the_element_model);
    tcase_add_test(tc, string_fast_rep_movs_stops_at_the_faulting_element);
    tcase_add_test(tc, string_fast_rep_movs_page_fault_forward);
    tcase_add_test(tc, string_fast_rep_movs_page_fault_backward);
    tcase_add_test(tc, string_fast_rep_movs_follows_the_mapping_across_pages);
    suite_add_tcase(s, tc);
    return s;
}
