/* x87 instructions on cpu_exec (Intel SDM Vol. 1 ch. 8): results, status and tag words,
 * TOP, stack faults, #NM by CR0.EM/TS/MP, #MF with CR0.NE and FERR without, FNSAVE/FRSTOR
 * and FNSTENV images in the 16/32-bit real and protected layouts, FXSAVE's image, precise
 * state after a faulting store. Real-mode code at 0:1000, data at 0:2000. */
#include "tests/cpu/machine.h"

#define RUN(m, ...)                                                                                \
    do {                                                                                           \
        static const uint8_t code_[] = {__VA_ARGS__, 0xf4};                                        \
        tm_code(m, code_, sizeof(code_));                                                          \
        ck_assert_int_eq(tm_run(m), CPU_EXIT_HALTED);                                              \
    } while (0)

#define DATA               0x2000u
#define FNINIT             0xdb, 0xe3
#define FLD1               0xd9, 0xe8
#define FLDZ               0xd9, 0xee
#define FLDPI              0xd9, 0xeb
#define M(a)               (uint8_t)(a), (uint8_t)((a) >> 8) /* disp16 of [a] */
#define SW(m)              ((m)->env->fpu.sw | (m)->env->fpu.top << 11)
#define HALT_AT_HANDLER(m) ck_assert_uint_eq((m)->env->eip, TM_HANDLER + 1)

static void poke32(struct tmachine *m, uint32_t a, uint32_t v)
{
    tm_poke16(m, a, (uint16_t)v);
    tm_poke16(m, a + 2, (uint16_t)(v >> 16));
}

static uint32_t peek32(struct tmachine *m, uint32_t a)
{
    return tm_peek16(m, a) | (uint32_t)tm_peek16(m, a + 2) << 16;
}

static uint64_t peek64(struct tmachine *m, uint32_t a)
{
    return peek32(m, a) | (uint64_t)peek32(m, a + 4) << 32;
}

static struct x86_fpreg st(struct tmachine *m, unsigned i)
{
    return m->env->fpu.r[(m->env->fpu.top + i) & 7];
}

static void set_cr0(struct tmachine *m, uint32_t set, uint32_t clear)
{
    m->env->cr[0] = (m->env->cr[0] | set) & ~(uint64_t)clear;
    cpu_update_hflags(m->env);
}

START_TEST(fninit_sets_control_word_037f_and_empties_the_stack)
{
    struct tmachine m;
    tm_init(&m);
    ck_assert_uint_eq(m.env->fpu.cw, 0x0040); /* RESET value */
    /* fninit; fnstsw [2000]; fnstcw [2002]; fnstenv [2010] (14-byte real-mode image) */
    RUN(&m, FNINIT, 0xdd, 0x3e, M(DATA), 0xd9, 0x3e, M(DATA + 2), 0xd9, 0x36, M(DATA + 0x10));
    ck_assert_uint_eq(tm_peek16(&m, DATA), 0x0000);
    ck_assert_uint_eq(tm_peek16(&m, DATA + 2), 0x037f);
    ck_assert_uint_eq(tm_peek16(&m, DATA + 0x10), 0x037f);
    ck_assert_uint_eq(tm_peek16(&m, DATA + 0x14), 0xffff); /* tag word: all empty */
    ck_assert_uint_eq(m.env->fpu.empty, 0xff);
    tm_free(&m);
}
END_TEST

START_TEST(fadd_m32_and_fstp_m64_give_the_exact_sum_and_pop)
{
    struct tmachine m;
    tm_init(&m);
    poke32(&m, DATA, 0x3fc00000);     /* 1.5f */
    poke32(&m, DATA + 4, 0x40100000); /* 2.25f */
    /* fninit; fld dword [2000]; fadd dword [2004]; fstp qword [2010] */
    RUN(&m, FNINIT, 0xd9, 0x06, M(DATA), 0xd8, 0x06, M(DATA + 4), 0xdd, 0x1e, M(DATA + 0x10));
    ck_assert_uint_eq(peek64(&m, DATA + 0x10), 0x400e000000000000ull); /* 3.75 */
    ck_assert_uint_eq(m.env->fpu.top, 0);
    ck_assert_uint_eq(m.env->fpu.empty, 0xff);
    ck_assert_uint_eq(SW(&m) & 0x3f, 0);
    tm_free(&m);
}
END_TEST

START_TEST(masked_divide_by_zero_gives_infinity_and_sets_ze)
{
    struct tmachine m;
    tm_init(&m);
    /* fninit; fld1; fldz; fdivp st(1), st (DE F9: st1 = st1 / st0) */
    RUN(&m, FNINIT, FLD1, FLDZ, 0xde, 0xf9);
    ck_assert_uint_eq(m.env->fpu.top, 7);
    ck_assert_uint_eq(st(&m, 0).se, 0x7fff);
    ck_assert_uint_eq(st(&m, 0).sig, 1ull << 63);
    ck_assert_uint_eq(SW(&m) & 0xff, 0x04);
    tm_free(&m);
}
END_TEST

START_TEST(reverse_register_forms_of_dc_swap_the_operands)
{
    struct tmachine m;
    tm_init(&m);
    /* fninit; fld1; fld1; fadd st, st -> [2, 1]; fsub st(1), st (DC E9): 1 - 2 = -1;
     * fdiv st(1), st (DC F9): -1 / 2; fdivr st(1), st (DC F1): 2 / -0.5 = -4;
     * fsubr st(1), st (DC E1): 2 - -4 = 6 */
    RUN(&m, FNINIT, FLD1, FLD1, 0xd8, 0xc0, 0xdc, 0xe9, 0xdc, 0xf9, 0xdc, 0xf1, 0xdc, 0xe1);
    ck_assert_uint_eq(st(&m, 0).se, 0x4000);
    ck_assert_uint_eq(st(&m, 1).se, 0x4001);
    ck_assert_uint_eq(st(&m, 1).sig, 0xc000000000000000ull);
    ck_assert_uint_eq(m.env->fpu.top, 6);
    tm_free(&m);
}
END_TEST

START_TEST(stack_underflow_masked_sets_ie_sf_with_c1_clear_and_stores_indefinite)
{
    struct tmachine m;
    tm_init(&m);
    /* fninit; fadd st, st(1) on an empty stack */
    RUN(&m, FNINIT, 0xd8, 0xc1);
    ck_assert_uint_eq(SW(&m) & 0x3ff, 0x041);
    ck_assert_uint_eq(st(&m, 0).se, 0xffff);
    ck_assert_uint_eq(st(&m, 0).sig, 3ull << 62);
    ck_assert_uint_eq(m.env->fpu.empty, 0xfe); /* TOP 0: ST(0) is R0 */
    tm_free(&m);
}
END_TEST

START_TEST(ninth_push_overflows_with_c1_set_and_loads_indefinite)
{
    struct tmachine m;
    tm_init(&m);
    RUN(&m, FNINIT, FLD1, FLD1, FLD1, FLD1, FLD1, FLD1, FLD1, FLD1, FLDZ);
    ck_assert_uint_eq(SW(&m) & 0x3ff, 0x241);
    ck_assert_uint_eq(m.env->fpu.top, 7);
    ck_assert_uint_eq(st(&m, 0).se, 0xffff);
    ck_assert_uint_eq(m.env->fpu.empty, 0);
    tm_free(&m);
}
END_TEST

START_TEST(unmasked_stack_overflow_leaves_the_stack_and_sets_es)
{
    struct tmachine m;
    tm_init(&m);
    tm_poke16(&m, DATA, 0x037e);
    /* fninit; fldcw [2000]; 9 x fld1 */
    RUN(&m, FNINIT, 0xd9, 0x2e, M(DATA), FLD1, FLD1, FLD1, FLD1, FLD1, FLD1, FLD1, FLD1, FLDZ);
    ck_assert_uint_eq(SW(&m), 0x82c1); /* B, TOP 0, C1, ES, SF, IE */
    ck_assert_uint_eq(st(&m, 0).se, 0x3fff);
    tm_free(&m);
}
END_TEST

START_TEST(fcomi_sets_cf_when_st0_is_below_and_fnstsw_ax_reads_top)
{
    struct tmachine m;
    tm_init(&m);
    /* fninit; fld1; fldz; fcomi st, st(1); fnstsw ax */
    RUN(&m, FNINIT, FLD1, FLDZ, 0xdb, 0xf1, 0xdf, 0xe0);
    uint32_t fl = cpu_compute_eflags(m.env);
    ck_assert_uint_eq(fl & (X86_ZF | X86_PF | X86_CF), X86_CF);
    ck_assert_uint_eq(m.env->regs[0] & 0xffff, 0x3000); /* TOP = 6 */
    tm_free(&m);
}
END_TEST

START_TEST(ftst_and_fxam_report_sign_and_class)
{
    struct tmachine m;
    tm_init(&m);
    /* fninit; fld1; fchs; ftst; fnstsw [2000]; fxam; fnstsw [2002]; ffree st(7)... */
    RUN(&m, FNINIT, FLD1, 0xd9, 0xe0, 0xd9, 0xe4, 0xdd, 0x3e, M(DATA), 0xd9, 0xe5, 0xdd, 0x3e,
        M(DATA + 2), 0xdd, 0xc0, 0xd9, 0xe5, 0xdd, 0x3e, M(DATA + 4));
    ck_assert_uint_eq(tm_peek16(&m, DATA) & 0x4700, 0x0100);     /* -1 < 0 */
    ck_assert_uint_eq(tm_peek16(&m, DATA + 2) & 0x4700, 0x0600); /* normal, negative */
    ck_assert_uint_eq(tm_peek16(&m, DATA + 4) & 0x4500, 0x4100); /* empty */
    tm_free(&m);
}
END_TEST

START_TEST(esc_with_cr0_ts_raises_nm_before_touching_the_fpu)
{
    struct tmachine m;
    tm_init(&m);
    set_cr0(&m, X86_CR0_TS, 0);
    RUN(&m, 0x90, FLD1);
    HALT_AT_HANDLER(&m);
    ck_assert_uint_eq(tm_peek16(&m, TM_STACK - 6), TM_CODE + 1);
    ck_assert_uint_eq(m.env->fpu.empty, 0); /* RESET tags: all +0 */
    ck_assert_uint_eq(m.env->fpu.top, 0);
    tm_free(&m);
}
END_TEST

START_TEST(esc_with_cr0_em_raises_nm)
{
    struct tmachine m;
    tm_init(&m);
    set_cr0(&m, X86_CR0_EM, 0);
    RUN(&m, FNINIT);
    HALT_AT_HANDLER(&m);
    ck_assert_uint_eq(tm_peek16(&m, TM_STACK - 6), TM_CODE);
    ck_assert_uint_eq(m.env->fpu.cw, 0x0040);
    tm_free(&m);
}
END_TEST

START_TEST(wait_raises_nm_only_with_both_mp_and_ts)
{
    struct tmachine m;
    tm_init(&m);
    set_cr0(&m, X86_CR0_TS, 0);
    RUN(&m, 0x9b, 0x40); /* wait; inc ax */
    ck_assert_uint_eq(m.env->regs[0] & 0xffff, 1);
    ck_assert_uint_eq(m.env->eip, TM_CODE + 3);
    set_cr0(&m, X86_CR0_MP, 0);
    m.env->eip = TM_CODE;
    m.env->halted = false;
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    HALT_AT_HANDLER(&m);
    ck_assert_uint_eq(tm_peek16(&m, TM_STACK - 6), TM_CODE);
    ck_assert_uint_eq(m.env->regs[0] & 0xffff, 1);
    tm_free(&m);
}
END_TEST

START_TEST(unmasked_zero_divide_raises_mf_at_the_next_wait_with_ne)
{
    struct tmachine m;
    tm_init(&m);
    set_cr0(&m, X86_CR0_NE, 0);
    tm_poke16(&m, DATA, 0x037b);
    /* fninit; fldcw [2000]; fld1; fldz; fdivp; inc ax; fwait */
    RUN(&m, FNINIT, 0xd9, 0x2e, M(DATA), FLD1, FLDZ, 0xde, 0xf9, 0x40, 0x9b);
    HALT_AT_HANDLER(&m);
    ck_assert_uint_eq(m.env->regs[0] & 0xffff, 1);
    ck_assert_uint_eq(tm_peek16(&m, TM_STACK - 6), TM_CODE + 13); /* the FWAIT */
    ck_assert_uint_eq(SW(&m) & 0x80ff, 0x8084);
    /* The destination keeps its operands: ZE is a pre-computation exception. */
    ck_assert_uint_eq(m.env->fpu.top, 6);
    ck_assert_uint_eq(st(&m, 0).se, 0);
    tm_free(&m);
}
END_TEST

struct ferr_log {
    int raised, lowered;
};

static void ferr_cb(void *opaque, bool level)
{
    struct ferr_log *l = opaque;
    if (level)
        l->raised++;
    else
        l->lowered++;
}

START_TEST(unmasked_exception_without_ne_asserts_ferr_until_fnclex)
{
    struct tmachine m;
    struct ferr_log log = {0};
    tm_init(&m);
    cpu_set_ferr(m.cpu, ferr_cb, &log);
    tm_poke16(&m, DATA, 0x037b);
    /* fninit; fldcw [2000]; fld1; fldz; fdivp; fwait; inc ax */
    RUN(&m, FNINIT, 0xd9, 0x2e, M(DATA), FLD1, FLDZ, 0xde, 0xf9, 0x9b, 0x40);
    ck_assert_uint_eq(m.env->regs[0] & 0xffff, 1); /* no #MF */
    ck_assert_int_eq(log.raised, 1);
    ck_assert_int_eq(log.lowered, 0);
    ck_assert_uint_ne(SW(&m) & 0x80, 0);
    m.env->eip = TM_CODE + 0x40;
    m.env->halted = false;
    static const uint8_t fnclex[] = {0xdb, 0xe2, 0xf4};
    tm_poke(&m, TM_CODE + 0x40, fnclex, sizeof(fnclex));
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_int_eq(log.lowered, 1);
    ck_assert_uint_eq(SW(&m) & 0x80ff, 0);
    tm_free(&m);
}
END_TEST

START_TEST(fnsave_16bit_real_image_and_frstor_round_trip)
{
    struct tmachine m;
    tm_init(&m);
    /* fninit; fldpi; fld1; fnsave [2000]; fld1 ... frstor [2000]; fstp qword [2100] */
    RUN(&m, FNINIT, FLDPI, FLD1, 0xdd, 0x36, M(DATA), 0xd9, 0xee, 0xdd, 0x26, M(DATA), 0xdd, 0x1e,
        M(DATA + 0x100));
    ck_assert_uint_eq(tm_peek16(&m, DATA), 0x037f);
    ck_assert_uint_eq(tm_peek16(&m, DATA + 2), 0x3000);      /* TOP 6 */
    ck_assert_uint_eq(tm_peek16(&m, DATA + 4), 0x0fff);      /* R6, R7 valid */
    ck_assert_uint_eq(tm_peek16(&m, DATA + 6), TM_CODE + 4); /* FIP: the FLD1 */
    ck_assert_uint_eq(tm_peek16(&m, DATA + 8), 0x01e8);      /* FOP D9 E8 */
    ck_assert_uint_eq(peek64(&m, DATA + 14), 1ull << 63);    /* ST(0) = 1 */
    ck_assert_uint_eq(tm_peek16(&m, DATA + 22), 0x3fff);
    ck_assert_uint_eq(peek64(&m, DATA + 24), 0xc90fdaa22168c235ull);    /* ST(1) = pi */
    ck_assert_uint_eq(peek64(&m, DATA + 0x100), 0x3ff0000000000000ull); /* 1.0 back */
    ck_assert_uint_eq(m.env->fpu.top, 7);
    ck_assert_uint_eq(m.env->fpu.empty, 0x7f);
    tm_free(&m);
}
END_TEST

START_TEST(fnsave_32bit_real_image_packs_fip_and_fop)
{
    struct tmachine m;
    tm_init(&m);
    /* fninit; fld1; o32 fnsave [2000]; o32 frstor [2000] */
    RUN(&m, FNINIT, FLD1, 0x66, 0xdd, 0x36, M(DATA), 0x66, 0xdd, 0x26, M(DATA));
    ck_assert_uint_eq(peek32(&m, DATA), 0xffff037f);
    ck_assert_uint_eq(peek32(&m, DATA + 4) & 0xffff, 0x3800);
    ck_assert_uint_eq(peek32(&m, DATA + 8) & 0xffff, 0x3fff);
    ck_assert_uint_eq(peek32(&m, DATA + 12) & 0xffff, TM_CODE + 2);
    ck_assert_uint_eq(peek32(&m, DATA + 16), 0x01e8);
    ck_assert_uint_eq(peek64(&m, DATA + 28), 1ull << 63);
    ck_assert_uint_eq(m.env->fpu.top, 7);
    ck_assert_uint_eq(m.env->fpu.empty, 0x7f);
    ck_assert_uint_eq(m.env->fpu.fip, TM_CODE + 2);
    tm_free(&m);
}
END_TEST

/* Flat 32-bit protected mode without an IDT (the code must not fault). */
static void flat_pm(struct tmachine *m)
{
    uint32_t code =
        X86_DESC_P | X86_DESC_S | (0xbu << X86_DESC_TYPE_SHIFT) | X86_DESC_B | X86_DESC_G;
    uint32_t data =
        X86_DESC_P | X86_DESC_S | (0x3u << X86_DESC_TYPE_SHIFT) | X86_DESC_B | X86_DESC_G;
    for (unsigned s = 0; s < 6; s++)
        m->env->segs[s] = (struct x86_segment){0, 0xffffffffu, s == X86_SEG_CS ? code : data,
                                               (uint16_t)(s == X86_SEG_CS ? 8 : 16)};
    set_cr0(m, X86_CR0_PE, 0);
}

START_TEST(fnstenv_32bit_protected_image_has_selectors_and_masks_exceptions)
{
    struct tmachine m;
    tm_init(&m);
    flat_pm(&m);
    /* fninit; fld dword [2000]; fnstenv [2100]; fldenv [2100]; hlt */
    poke32(&m, DATA, 0x3f800000);
    RUN(&m, FNINIT, 0xd9, 0x05, M(DATA), 0, 0, 0xd9, 0x35, M(DATA + 0x100), 0, 0, 0xd9, 0x25,
        M(DATA + 0x100), 0, 0);
    ck_assert_uint_eq(peek32(&m, DATA + 0x100), 0xffff037f);
    ck_assert_uint_eq(peek32(&m, DATA + 0x108), 0xffff3fff);
    ck_assert_uint_eq(peek32(&m, DATA + 0x10c), TM_CODE + 2); /* FIP offset */
    ck_assert_uint_eq(peek32(&m, DATA + 0x110), 0x01050008);  /* FOP D9 05, CS 8 */
    ck_assert_uint_eq(peek32(&m, DATA + 0x114), DATA);        /* FDP */
    ck_assert_uint_eq(peek32(&m, DATA + 0x118), 0xffff0010);  /* FDS */
    ck_assert_uint_eq(m.env->fpu.cw, 0x037f);
    ck_assert_uint_eq(st(&m, 0).se, 0x3fff);
    tm_free(&m);
}
END_TEST

START_TEST(fnsave_16bit_protected_image_has_selectors)
{
    struct tmachine m;
    tm_init(&m);
    flat_pm(&m);
    /* fninit; fld1; o16 fnsave [2000] */
    RUN(&m, FNINIT, FLD1, 0x66, 0xdd, 0x35, M(DATA), 0, 0);
    ck_assert_uint_eq(tm_peek16(&m, DATA), 0x037f);
    ck_assert_uint_eq(tm_peek16(&m, DATA + 4), 0x3fff);
    ck_assert_uint_eq(tm_peek16(&m, DATA + 6), TM_CODE + 2);
    ck_assert_uint_eq(tm_peek16(&m, DATA + 8), 8);
    ck_assert_uint_eq(peek64(&m, DATA + 14), 1ull << 63);
    ck_assert_uint_eq(m.env->fpu.empty, 0xff);
    tm_free(&m);
}
END_TEST

static void init_features(struct tmachine *m, uint64_t features)
{
    tm_init(m);
    cpu_free(m->cpu);
    struct cpu_config cfg = {
        .space = m->space, .io = m->io, .no_chaining = true, .features = features};
    m->cpu = cpu_new(&cfg);
    m->env = cpu_env(m->cpu);
    for (unsigned s = 0; s < 6; s++)
        cpu_load_seg_real(m->env, s, 0);
    m->env->idt.limit = 0x3ff;
    m->env->eip = TM_CODE;
    m->env->regs[4] = TM_STACK;
}

static void init_fxsr(struct tmachine *m)
{
    init_features(m, CPU_FEATURES_IMPLEMENTED | X86_FEATURE_BIT(X86_FEAT_FXSR));
}

START_TEST(fxsave_image_layout_and_fxrstor_round_trip)
{
    struct tmachine m;
    init_fxsr(&m);
    /* fninit; fldpi; fld1; fxsave [2000]; fninit; fxrstor [2000] */
    RUN(&m, FNINIT, FLDPI, FLD1, 0x0f, 0xae, 0x06, M(DATA), FNINIT, 0x0f, 0xae, 0x0e, M(DATA));
    ck_assert_uint_eq(tm_peek16(&m, DATA), 0x037f);
    ck_assert_uint_eq(tm_peek16(&m, DATA + 2), 0x3000);
    ck_assert_uint_eq(tm_peek8(&m, DATA + 4), 0xc0); /* abridged tags: R6, R7 */
    ck_assert_uint_eq(tm_peek16(&m, DATA + 6), 0x01e8);
    ck_assert_uint_eq(peek32(&m, DATA + 8), TM_CODE + 4);
    ck_assert_uint_eq(peek32(&m, DATA + 24), 0x1f80);
    ck_assert_uint_eq(peek64(&m, DATA + 32), 1ull << 63);
    ck_assert_uint_eq(tm_peek16(&m, DATA + 40), 0x3fff);
    ck_assert_uint_eq(peek64(&m, DATA + 48), 0xc90fdaa22168c235ull);
    ck_assert_uint_eq(m.env->fpu.top, 6);
    ck_assert_uint_eq(m.env->fpu.empty, 0x3f);
    ck_assert_uint_eq(st(&m, 1).sig, 0xc90fdaa22168c235ull);
    tm_free(&m);
}
END_TEST

START_TEST(fxsave_needs_the_fxsr_feature_and_16_byte_alignment)
{
    struct tmachine m;
    init_features(&m, CPU_FEATURES_IMPLEMENTED & ~X86_FEATURE_BIT(X86_FEAT_FXSR));
    RUN(&m, 0x0f, 0xae, 0x06, M(DATA)); /* #UD without FXSR */
    HALT_AT_HANDLER(&m);
    tm_free(&m);
    init_fxsr(&m);
    RUN(&m, 0x0f, 0xae, 0x06, M(DATA + 8)); /* #GP: misaligned */
    HALT_AT_HANDLER(&m);
    ck_assert_uint_eq(tm_peek16(&m, DATA + 8), 0);
    tm_free(&m);
}
END_TEST

START_TEST(faulting_fstp_leaves_the_stack_unchanged)
{
    struct tmachine m;
    tm_init(&m);
    /* fninit; fld1; fstp dword [fffe] (beyond the 64 KiB limit: #GP) */
    RUN(&m, FNINIT, FLD1, 0xd9, 0x1e, M(0xfffe));
    HALT_AT_HANDLER(&m);
    ck_assert_uint_eq(tm_peek16(&m, TM_STACK - 6), TM_CODE + 4);
    ck_assert_uint_eq(m.env->fpu.top, 7);
    ck_assert_uint_eq(m.env->fpu.empty, 0x7f);
    ck_assert_uint_eq(m.env->fpu.fip, TM_CODE + 2); /* the FLD1, not the FSTP */
    tm_free(&m);
}
END_TEST

START_TEST(fist_rounds_by_rc_and_fbstp_fbld_round_trip)
{
    struct tmachine m;
    tm_init(&m);
    tm_poke16(&m, DATA, 5);
    tm_poke16(&m, DATA + 2, 2);
    tm_poke16(&m, DATA + 4, 0x077f); /* RC = down */
    /* fninit; fild word [2000]; fidiv word [2002]; fist word [2010];
     * fldcw [2004]; fistp word [2012]; fild word [2000]; fbstp [2020]; fbld [2020] */
    RUN(&m, FNINIT, 0xdf, 0x06, M(DATA), 0xde, 0x36, M(DATA + 2), 0xdf, 0x16, M(DATA + 0x10), 0xd9,
        0x2e, M(DATA + 4), 0xdf, 0x1e, M(DATA + 0x12), 0xdf, 0x06, M(DATA), 0xdf, 0x36,
        M(DATA + 0x20), 0xdf, 0x26, M(DATA + 0x20));
    ck_assert_uint_eq(tm_peek16(&m, DATA + 0x10), 2); /* 2.5 to nearest even */
    ck_assert_uint_eq(tm_peek16(&m, DATA + 0x12), 2); /* 2.5 down */
    ck_assert_uint_eq(tm_peek8(&m, DATA + 0x20), 0x05);
    ck_assert_uint_eq(st(&m, 0).se, 0x4001); /* 5.0 */
    ck_assert_uint_eq(st(&m, 0).sig, 0xa000000000000000ull);
    ck_assert_uint_eq(SW(&m) & 0x3f, 0x20); /* PE from 5/2 rounding */
    tm_free(&m);
}
END_TEST

START_TEST(fsincos_fptan_and_fpatan_push_and_pop_in_the_documented_order)
{
    struct tmachine m;
    tm_init(&m);
    /* fninit; fldz; fsincos -> cos in ST(0), sin in ST(1); fld1; fptan -> 1.0 over tan(1) */
    RUN(&m, FNINIT, FLDZ, 0xd9, 0xfb, FLD1, 0xd9, 0xf2);
    ck_assert_uint_eq(m.env->fpu.top, 4);
    ck_assert_uint_eq(st(&m, 0).se, 0x3fff);
    ck_assert_uint_eq(st(&m, 0).sig, 1ull << 63);
    ck_assert_uint_eq(st(&m, 1).se, 0x3fff);
    ck_assert_uint_eq(st(&m, 1).sig >> 32, 0xc75922e5u); /* tan(1) = 1.5574... */
    ck_assert_uint_eq(st(&m, 2).se, 0x3fff);             /* cos(0) */
    ck_assert_uint_eq(st(&m, 3).se, 0x0000);             /* sin(0) */
    /* fninit; fld1; fld1; fpatan -> atan(1/1) = pi/4, one register left */
    m.env->eip = TM_CODE + 0x40;
    m.env->halted = false;
    static const uint8_t atan[] = {FNINIT, FLD1, FLD1, 0xd9, 0xf3, 0xf4};
    tm_poke(&m, TM_CODE + 0x40, atan, sizeof(atan));
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_uint_eq(m.env->fpu.top, 7);
    ck_assert_uint_eq(m.env->fpu.empty, 0x7f);
    ck_assert_uint_eq(st(&m, 0).se, 0x3ffe);
    ck_assert_uint_eq(st(&m, 0).sig, 0xc90fdaa22168c235ull);
    tm_free(&m);
}
END_TEST

START_TEST(cpu_models_parse_with_flags_and_reject_unknown_names)
{
    uint64_t f = 0;
    const struct cpu_model *m = NULL;
    ck_assert(cpu_model_parse("pentium3,-sse,+sse2", &f, &m));
    ck_assert_str_eq(m->name, "pentium3");
    ck_assert_uint_eq(m->signature >> 8 & 0xf, 6);
    ck_assert_uint_eq(f & X86_FEATURE_BIT(X86_FEAT_SSE), 0);
    ck_assert_uint_ne(f & X86_FEATURE_BIT(X86_FEAT_SSE2), 0);
    ck_assert_uint_ne(f & X86_FEATURE_BIT(X86_FEAT_FXSR), 0);
    ck_assert(cpu_model_parse("486sx", &f, &m));
    ck_assert_uint_eq(f & X86_FEATURE_BIT(X86_FEAT_FPU), 0);
    ck_assert(cpu_model_parse("486", &f, NULL));
    ck_assert_uint_ne(f & X86_FEATURE_BIT(X86_FEAT_FPU), 0);
    ck_assert_uint_eq(f & X86_FEATURE_BIT(X86_FEAT_CPUID), 0);
    ck_assert(!cpu_model_parse("pentium5", &f, NULL));
    ck_assert(!cpu_model_parse("pentium,+nosuchflag", &f, NULL));
    ck_assert(!cpu_model_parse("pentium,sse", &f, NULL));
}
END_TEST

START_TEST(fcmov_is_ud_on_a_pentium_model)
{
    struct tmachine m;
    tm_init(&m);
    cpu_free(m.cpu);
    uint64_t f;
    ck_assert(cpu_model_parse("pentium", &f, NULL));
    struct cpu_config cfg = {.space = m.space, .io = m.io, .no_chaining = true, .features = f};
    m.cpu = cpu_new(&cfg);
    m.env = cpu_env(m.cpu);
    for (unsigned s = 0; s < 6; s++)
        cpu_load_seg_real(m.env, s, 0);
    m.env->idt.limit = 0x3ff;
    m.env->eip = TM_CODE;
    m.env->regs[4] = TM_STACK;
    RUN(&m, FNINIT, FLD1, FLD1, 0xda, 0xc1); /* fcmovb st, st(1) */
    HALT_AT_HANDLER(&m);
    ck_assert_uint_eq(tm_peek16(&m, TM_STACK - 6), TM_CODE + 6);
    tm_free(&m);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("cpu_x87");
    TCase *tc = tcase_create("x87");
    tcase_add_test(tc, fninit_sets_control_word_037f_and_empties_the_stack);
    tcase_add_test(tc, fadd_m32_and_fstp_m64_give_the_exact_sum_and_pop);
    tcase_add_test(tc, masked_divide_by_zero_gives_infinity_and_sets_ze);
    tcase_add_test(tc, reverse_register_forms_of_dc_swap_the_operands);
    tcase_add_test(tc, stack_underflow_masked_sets_ie_sf_with_c1_clear_and_stores_indefinite);
    tcase_add_test(tc, ninth_push_overflows_with_c1_set_and_loads_indefinite);
    tcase_add_test(tc, unmasked_stack_overflow_leaves_the_stack_and_sets_es);
    tcase_add_test(tc, fcomi_sets_cf_when_st0_is_below_and_fnstsw_ax_reads_top);
    tcase_add_test(tc, ftst_and_fxam_report_sign_and_class);
    tcase_add_test(tc, esc_with_cr0_ts_raises_nm_before_touching_the_fpu);
    tcase_add_test(tc, esc_with_cr0_em_raises_nm);
    tcase_add_test(tc, wait_raises_nm_only_with_both_mp_and_ts);
    tcase_add_test(tc, unmasked_zero_divide_raises_mf_at_the_next_wait_with_ne);
    tcase_add_test(tc, unmasked_exception_without_ne_asserts_ferr_until_fnclex);
    tcase_add_test(tc, fnsave_16bit_real_image_and_frstor_round_trip);
    tcase_add_test(tc, fnsave_32bit_real_image_packs_fip_and_fop);
    tcase_add_test(tc, fnstenv_32bit_protected_image_has_selectors_and_masks_exceptions);
    tcase_add_test(tc, fnsave_16bit_protected_image_has_selectors);
    tcase_add_test(tc, fxsave_image_layout_and_fxrstor_round_trip);
    tcase_add_test(tc, fxsave_needs_the_fxsr_feature_and_16_byte_alignment);
    tcase_add_test(tc, faulting_fstp_leaves_the_stack_unchanged);
    tcase_add_test(tc, fist_rounds_by_rc_and_fbstp_fbld_round_trip);
    tcase_add_test(tc, fsincos_fptan_and_fpatan_push_and_pop_in_the_documented_order);
    suite_add_tcase(s, tc);
    TCase *models = tcase_create("models");
    tcase_add_test(models, cpu_models_parse_with_flags_and_reject_unknown_names);
    tcase_add_test(models, fcmov_is_ud_on_a_pentium_model);
    suite_add_tcase(s, models);
    return s;
}
