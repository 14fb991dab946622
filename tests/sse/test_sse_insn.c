/* MMX/SSE/SSE2 instructions on cpu_exec (Intel SDM Vol. 1 ch. 9-11, Vol. 3A §13): results of
 * integer and floating-point forms, MMX aliasing on the x87 registers (TOP, tags, exponent
 * ones), EMMS, the #UD/#NM/#MF/#XM/#GP rules, FXSAVE's XMM area, the CPU model gating.
 * Real-mode code at 0:1000, data at 0:2000; vector 19 (#XM) halts at 0:1810, #NM at 0:1820. */
#include "tests/cpu/machine.h"

#define DATA     0x2000u
#define XM_HALT  0x1810u
#define NM_HALT  0x1820u
#define M(a)     (uint8_t)(a), (uint8_t)((a) >> 8) /* disp16 of [a] */
#define CR4_SSE  0x600u                            /* OSFXSR | OSXMMEXCPT */
#define F(name)  X86_FEATURE_BIT(X86_FEAT_##name)
#define PENTIUM4 (CPU_FEATURES_IMPLEMENTED | F(FXSR))

#define RUN(m, ...)                                                                                \
    do {                                                                                           \
        static const uint8_t code_[] = {__VA_ARGS__, 0xf4};                                        \
        tm_code(m, code_, sizeof(code_));                                                          \
        ck_assert_int_eq(tm_run(m), CPU_EXIT_HALTED);                                              \
    } while (0)
#define HALTED_AT(m, addr) ck_assert_uint_eq((m)->env->eip, (addr) + 1)

static void poke32(struct tmachine *m, uint32_t a, uint32_t v)
{
    tm_poke16(m, a, (uint16_t)v);
    tm_poke16(m, a + 2, (uint16_t)(v >> 16));
}

static void poke64(struct tmachine *m, uint32_t a, uint64_t v)
{
    poke32(m, a, (uint32_t)v);
    poke32(m, a + 4, (uint32_t)(v >> 32));
}

static uint32_t peek32(struct tmachine *m, uint32_t a)
{
    return tm_peek16(m, a) | (uint32_t)tm_peek16(m, a + 2) << 16;
}

static uint64_t peek64(struct tmachine *m, uint32_t a)
{
    return peek32(m, a) | (uint64_t)peek32(m, a + 4) << 32;
}

/* A machine with the given features and CR4; #XM and #NM get handlers of their own. */
static void init(struct tmachine *m, uint64_t features, uint32_t cr4)
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
    m->env->cr[4] = cr4;
    uint8_t hlt = 0xf4;
    tm_poke16(m, 19 * 4, XM_HALT);
    tm_poke(m, XM_HALT, &hlt, 1);
    tm_poke16(m, 7 * 4, NM_HALT);
    tm_poke(m, NM_HALT, &hlt, 1);
}

START_TEST(mmx_paddb_wraps_paddusb_saturates_and_tags_all_valid_top_0)
{
    struct tmachine m;
    init(&m, PENTIUM4, 0);
    poke64(&m, DATA, 0x80ff7f0102030405ull);
    poke64(&m, DATA + 8, 0x8001810101010101ull);
    /* fninit; fld1 (TOP 7); movq mm0,[D]; movq mm1,[D+8]; movq mm2,mm0; paddb mm0,mm1;
     * paddusb mm2,mm1; movq [D+16],mm0; movq [D+24],mm2 */
    RUN(&m, 0xdb, 0xe3, 0xd9, 0xe8, 0x0f, 0x6f, 0x06, M(DATA), 0x0f, 0x6f, 0x0e, M(DATA + 8), 0x0f,
        0x6f, 0xd0, 0x0f, 0xfc, 0xc1, 0x0f, 0xdc, 0xd1, 0x0f, 0x7f, 0x06, M(DATA + 16), 0x0f, 0x7f,
        0x16, M(DATA + 24));
    ck_assert_uint_eq(peek64(&m, DATA + 16), 0x0000000203040506ull);
    ck_assert_uint_eq(peek64(&m, DATA + 24), 0xffffff0203040506ull);
    ck_assert_uint_eq(m.env->fpu.top, 0);
    ck_assert_uint_eq(m.env->fpu.empty, 0);
    ck_assert_uint_eq(m.env->fpu.r[0].sig, 0x0000000203040506ull);
    ck_assert_uint_eq(m.env->fpu.r[0].se, 0xffff);
    tm_free(&m);
}
END_TEST

START_TEST(emms_empties_every_tag_and_keeps_top)
{
    struct tmachine m;
    init(&m, PENTIUM4, 0);
    /* mov eax,0x12345678; movd mm3,eax; emms */
    RUN(&m, 0x66, 0xb8, 0x78, 0x56, 0x34, 0x12, 0x0f, 0x6e, 0xd8, 0x0f, 0x77);
    ck_assert_uint_eq(m.env->fpu.empty, 0xff);
    ck_assert_uint_eq(m.env->fpu.top, 0);
    ck_assert_uint_eq(m.env->fpu.r[3].sig, 0x12345678u);
    tm_free(&m);
}
END_TEST

START_TEST(mmx_with_pending_x87_exception_raises_mf)
{
    struct tmachine m;
    init(&m, PENTIUM4, 0);
    m.env->cr[0] |= X86_CR0_NE;
    m.env->fpu.sw |= X86_FPU_SW_ES | 1;
    RUN(&m, 0x0f, 0xfc, 0xc1); /* paddb mm0,mm1 -> #MF (vector 16, the common handler) */
    HALTED_AT(&m, TM_HANDLER);
    ck_assert_uint_eq(m.env->fpu.empty, 0x00); /* reset tags were "valid"; no transition */
    tm_free(&m);
}
END_TEST

START_TEST(addps_adds_four_singles)
{
    struct tmachine m;
    init(&m, PENTIUM4, CR4_SSE);
    poke64(&m, DATA, 0x400000003f800000ull);      /* 1.0, 2.0 */
    poke64(&m, DATA + 8, 0xc0800000c0400000ull);  /* 3.0 -> -3.0, -4.0 */
    poke64(&m, DATA + 16, 0x3f8000003f000000ull); /* 0.5, 1.0 */
    poke64(&m, DATA + 24, 0x7f8000003f800000ull); /* 1.0, +inf */
    /* movaps xmm0,[D]; movaps xmm1,[D+16]; addps xmm0,xmm1; movaps [D+32],xmm0 */
    RUN(&m, 0x0f, 0x28, 0x06, M(DATA), 0x0f, 0x28, 0x0e, M(DATA + 16), 0x0f, 0x58, 0xc1, 0x0f, 0x29,
        0x06, M(DATA + 32));
    ck_assert_uint_eq(peek64(&m, DATA + 32), 0x404000003fc00000ull); /* 1.5, 3.0 */
    ck_assert_uint_eq(peek64(&m, DATA + 40), 0x7f800000c0000000ull); /* -2.0, +inf */
    ck_assert_uint_eq(m.env->fpu.mxcsr, 0x1f80);
    tm_free(&m);
}
END_TEST

START_TEST(sse_without_cr4_osfxsr_is_ud_and_with_cr0_ts_is_nm)
{
    struct tmachine m;
    init(&m, PENTIUM4, 0);
    RUN(&m, 0x0f, 0x58, 0xc1); /* addps: #UD */
    HALTED_AT(&m, TM_HANDLER);
    tm_free(&m);
    init(&m, PENTIUM4, CR4_SSE);
    m.env->cr[0] |= X86_CR0_TS;
    cpu_update_hflags(m.env);
    RUN(&m, 0x0f, 0x58, 0xc1); /* #NM */
    HALTED_AT(&m, NM_HALT);
    tm_free(&m);
}
END_TEST

START_TEST(unmasked_divide_by_zero_raises_xm_and_keeps_the_destination)
{
    struct tmachine m;
    init(&m, PENTIUM4, CR4_SSE);
    poke32(&m, DATA, 0x1f80 & ~0x200u); /* ZM clear */
    poke32(&m, DATA + 4, 0x3f800000u);  /* 1.0 */
    poke32(&m, DATA + 8, 0);            /* 0.0 */
    /* ldmxcsr [D]; movss xmm0,[D+4]; movss xmm1,[D+8]; divss xmm0,xmm1 */
    RUN(&m, 0x0f, 0xae, 0x16, M(DATA), 0xf3, 0x0f, 0x10, 0x06, M(DATA + 4), 0xf3, 0x0f, 0x10, 0x0e,
        M(DATA + 8), 0xf3, 0x0f, 0x5e, 0xc1);
    HALTED_AT(&m, XM_HALT);
    ck_assert_uint_eq(m.env->fpu.mxcsr, (0x1f80 & ~0x200u) | 0x4);
    ck_assert_uint_eq(m.env->xmm[0].q[0], 0x3f800000u);
    tm_free(&m);
    /* Without CR4.OSXMMEXCPT the same exception is #UD. */
    init(&m, PENTIUM4, 0x200);
    poke32(&m, DATA, 0); /* every exception unmasked: 0/0 is IE */
    RUN(&m, 0x0f, 0xae, 0x16, M(DATA), 0xf3, 0x0f, 0x5e, 0xc1);
    HALTED_AT(&m, TM_HANDLER);
    tm_free(&m);
}
END_TEST

START_TEST(ldmxcsr_reserved_bit_and_misaligned_movaps_raise_gp)
{
    struct tmachine m;
    init(&m, PENTIUM4, CR4_SSE);
    poke32(&m, DATA, 0x10000u | 0x1f80);
    RUN(&m, 0x0f, 0xae, 0x16, M(DATA)); /* ldmxcsr: #GP(0) */
    HALTED_AT(&m, TM_HANDLER);
    ck_assert_uint_eq(m.env->fpu.mxcsr, 0x1f80);
    tm_free(&m);
    init(&m, PENTIUM4, CR4_SSE);
    RUN(&m, 0x0f, 0x28, 0x06, M(DATA + 8)); /* movaps xmm0,[D+8]: #GP(0) */
    HALTED_AT(&m, TM_HANDLER);
    tm_free(&m);
    init(&m, PENTIUM4, CR4_SSE);
    poke64(&m, DATA + 8, 0x1122334455667788ull);
    RUN(&m, 0x0f, 0x10, 0x06, M(DATA + 8)); /* movups: fine */
    HALTED_AT(&m, TM_CODE + 5);
    ck_assert_uint_eq(m.env->xmm[0].q[0], 0x1122334455667788ull);
    tm_free(&m);
}
END_TEST

START_TEST(cvttss2si_out_of_range_gives_integer_indefinite)
{
    struct tmachine m;
    init(&m, PENTIUM4, CR4_SSE);
    poke32(&m, DATA, 0x4f000000u);     /* 2^31 */
    poke32(&m, DATA + 4, 0xc0200000u); /* -2.5 */
    /* movss xmm0,[D]; cvttss2si eax,xmm0; movss xmm1,[D+4]; cvtss2si ebx,xmm1 (nearest even) */
    RUN(&m, 0xf3, 0x0f, 0x10, 0x06, M(DATA), 0xf3, 0x0f, 0x2c, 0xc0, 0xf3, 0x0f, 0x10, 0x0e,
        M(DATA + 4), 0xf3, 0x0f, 0x2d, 0xd9);
    ck_assert_uint_eq((uint32_t)m.env->regs[X86_EAX], 0x80000000u);
    ck_assert_uint_eq((uint32_t)m.env->regs[X86_EBX], 0xfffffffeu);
    ck_assert_uint_eq(m.env->fpu.mxcsr, 0x1f80 | 0x21); /* IE, PE */
    tm_free(&m);
}
END_TEST

START_TEST(comiss_sets_cf_zf_pf)
{
    struct tmachine m;
    init(&m, PENTIUM4, CR4_SSE);
    poke32(&m, DATA, 0x3f800000u);
    poke32(&m, DATA + 4, 0x40000000u);
    /* movss xmm0,[D]; movss xmm1,[D+4]; comiss xmm0,xmm1; setb al; sete ah; setp bl */
    RUN(&m, 0xf3, 0x0f, 0x10, 0x06, M(DATA), 0xf3, 0x0f, 0x10, 0x0e, M(DATA + 4), 0x0f, 0x2f, 0xc1,
        0x0f, 0x92, 0xc0, 0x0f, 0x94, 0xc4, 0x0f, 0x9a, 0xc3);
    ck_assert_uint_eq(m.env->regs[X86_EAX] & 0xffff, 0x0001);
    ck_assert_uint_eq(m.env->regs[X86_EBX] & 0xff, 0);
    tm_free(&m);
}
END_TEST

START_TEST(sse2_pshufd_pmaddwd_psadbw_pmuludq)
{
    struct tmachine m;
    init(&m, PENTIUM4, CR4_SSE);
    poke64(&m, DATA, 0x0004000300020001ull);
    poke64(&m, DATA + 8, 0x8000800000060005ull);
    poke64(&m, DATA + 16, 0x0001000100010001ull);
    poke64(&m, DATA + 24, 0x8000800000020002ull);
    /* movdqa xmm1,[D]; pshufd xmm0,xmm1,0x1b; movdqa [D+32],xmm0; movdqa xmm2,[D+16];
     * movdqa xmm3,xmm1; pmaddwd xmm3,xmm2; psadbw xmm1,xmm2; movdqa xmm4,[D];
     * pmuludq xmm4,xmm2 */
    RUN(&m, 0x66, 0x0f, 0x6f, 0x0e, M(DATA), 0x66, 0x0f, 0x70, 0xc1, 0x1b, 0x66, 0x0f, 0x7f, 0x06,
        M(DATA + 32), 0x66, 0x0f, 0x6f, 0x16, M(DATA + 16), 0x66, 0x0f, 0x6f, 0xd9, 0x66, 0x0f,
        0xf5, 0xda, 0x66, 0x0f, 0xf6, 0xca, 0x66, 0x0f, 0x6f, 0x26, M(DATA), 0x66, 0x0f, 0xf4,
        0xe2);
    ck_assert_uint_eq(peek64(&m, DATA + 32), 0x0006000580008000ull);
    ck_assert_uint_eq(peek64(&m, DATA + 40), 0x0002000100040003ull);
    ck_assert_uint_eq(m.env->xmm[3].q[0], 0x0000000700000003ull);
    ck_assert_uint_eq(m.env->xmm[3].q[1], 0x8000000000000016ull); /* 2 * 2^30 wraps */
    ck_assert_uint_eq(m.env->xmm[1].q[0], 6);
    ck_assert_uint_eq(m.env->xmm[1].q[1], 7);
    ck_assert_uint_eq(m.env->xmm[4].q[0], 0x0000000200030001ull);
    ck_assert_uint_eq(m.env->xmm[4].q[1], 0x0000000c0016000aull);
    tm_free(&m);
}
END_TEST

START_TEST(fxsave_stores_xmm_registers_at_160_and_fxrstor_loads_them)
{
    struct tmachine m;
    init(&m, PENTIUM4, CR4_SSE);
    m.env->xmm[0] = (struct x86_xmm){{0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull}};
    m.env->xmm[7] = (struct x86_xmm){{0x1111111111111111ull, 0x7777777777777777ull}};
    m.env->fpu.mxcsr = 0x9fc0;
    /* fxsave [D]; pxor xmm0,xmm0; fxrstor [D] */
    RUN(&m, 0x0f, 0xae, 0x06, M(DATA), 0x66, 0x0f, 0xef, 0xc0, 0x0f, 0xae, 0x0e, M(DATA));
    ck_assert_uint_eq(peek32(&m, DATA + 24), 0x9fc0);
    ck_assert_uint_eq(peek32(&m, DATA + 28), 0xffff); /* DAZ supported */
    ck_assert_uint_eq(peek64(&m, DATA + 160), 0x0706050403020100ull);
    ck_assert_uint_eq(peek64(&m, DATA + 168), 0x0f0e0d0c0b0a0908ull);
    ck_assert_uint_eq(peek64(&m, DATA + 160 + 7 * 16 + 8), 0x7777777777777777ull);
    ck_assert_uint_eq(m.env->xmm[0].q[1], 0x0f0e0d0c0b0a0908ull);
    tm_free(&m);
}
END_TEST

START_TEST(pentium3_minus_sse_makes_addps_ud_and_pentium3_lacks_sse2)
{
    struct tmachine m;
    uint64_t p3;
    ck_assert(cpu_model_parse("pentium3,-sse", &p3, NULL));
    init(&m, p3, CR4_SSE);
    RUN(&m, 0x0f, 0x58, 0xc1);
    HALTED_AT(&m, TM_HANDLER);
    tm_free(&m);
    ck_assert(cpu_model_parse("pentium3", &p3, NULL));
    init(&m, p3, CR4_SSE);
    RUN(&m, 0x0f, 0x58, 0xc1, 0x66, 0x0f, 0xfe, 0xc1); /* addps fine; paddd xmm: #UD */
    HALTED_AT(&m, TM_HANDLER);
    tm_free(&m);
    ck_assert(cpu_model_parse("pentium4", &p3, NULL));
    ck_assert(p3 & F(SSE2));
    ck_assert(p3 & F(CLFLUSH));
}
END_TEST

START_TEST(maskmovq_stores_only_bytes_with_the_mask_top_bit)
{
    struct tmachine m;
    init(&m, PENTIUM4, CR4_SSE);
    poke64(&m, DATA, 0xaaaaaaaaaaaaaaaaull);
    m.env->fpu.r[0].sig = 0x8877665544332211ull;
    m.env->fpu.r[1].sig = 0x8000800000800080ull;
    m.env->regs[X86_EDI] = DATA;
    RUN(&m, 0x0f, 0xf7, 0xc1); /* maskmovq mm0,mm1 */
    ck_assert_uint_eq(peek64(&m, DATA), 0x88aa66aaaa33aa11ull);
    tm_free(&m);
}
END_TEST

START_TEST(memory_forms_store_only_their_width)
{
    struct tmachine m;
    init(&m, PENTIUM4, CR4_SSE);
    for (unsigned i = 0; i < 64; i += 8)
        poke64(&m, DATA + i, 0xeeeeeeeeeeeeeeeeull);
    m.env->xmm[1] = (struct x86_xmm){{0x1111111122222222ull, 0x3333333344444444ull}};
    m.env->fpu.r[2].sig = 0x5555555566666666ull;
    m.env->regs[X86_EAX] = 0x77777777u;
    m.env->regs[X86_EDI] = DATA + 48;
    /* movnti [D],eax; movd [D+4],xmm1; movq [D+8],mm2; movss [D+16],xmm1;
     * movhps [D+24],xmm1; stmxcsr [D+32]; movlps xmm3,[D+8]; maskmovdqu xmm1,xmm1 */
    RUN(&m, 0x0f, 0xc3, 0x06, M(DATA), 0x66, 0x0f, 0x7e, 0x0e, M(DATA + 4), 0x0f, 0x7f, 0x16,
        M(DATA + 8), 0xf3, 0x0f, 0x11, 0x0e, M(DATA + 16), 0x0f, 0x17, 0x0e, M(DATA + 24), 0x0f,
        0xae, 0x1e, M(DATA + 32), 0x0f, 0x12, 0x1e, M(DATA + 8), 0x66, 0x0f, 0xf7, 0xc9);
    ck_assert_uint_eq(peek64(&m, DATA), 0x2222222277777777ull);
    ck_assert_uint_eq(peek64(&m, DATA + 8), 0x5555555566666666ull);
    ck_assert_uint_eq(peek64(&m, DATA + 16), 0xeeeeeeee22222222ull);
    ck_assert_uint_eq(peek64(&m, DATA + 24), 0x3333333344444444ull);
    ck_assert_uint_eq(peek64(&m, DATA + 32), 0xeeeeeeee00001f80ull);
    ck_assert_uint_eq(m.env->xmm[3].q[0], 0x5555555566666666ull);
    ck_assert_uint_eq(m.env->fpu.top, 0);
    /* MASKMOVDQU with xmm1 as its own mask: bytes 11h, 22h have bit 7 clear, 33h, 44h too. */
    ck_assert_uint_eq(peek64(&m, DATA + 48), 0xeeeeeeeeeeeeeeeeull);
    m.env->xmm[1] = (struct x86_xmm){{0x80ff00017f800001ull, 0xffull << 56}};
    m.env->eip = TM_CODE + 37; /* the maskmovdqu again */
    m.env->halted = false;
    ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
    ck_assert_uint_eq(peek64(&m, DATA + 48), 0x80ffeeeeee80eeeeull);
    ck_assert_uint_eq(peek64(&m, DATA + 56), 0xffeeeeeeeeeeeeeeull);
    tm_free(&m);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("sse_insn");
    TCase *tc = tcase_create("insn");
    tcase_add_test(tc, mmx_paddb_wraps_paddusb_saturates_and_tags_all_valid_top_0);
    tcase_add_test(tc, emms_empties_every_tag_and_keeps_top);
    tcase_add_test(tc, mmx_with_pending_x87_exception_raises_mf);
    tcase_add_test(tc, addps_adds_four_singles);
    tcase_add_test(tc, sse_without_cr4_osfxsr_is_ud_and_with_cr0_ts_is_nm);
    tcase_add_test(tc, unmasked_divide_by_zero_raises_xm_and_keeps_the_destination);
    tcase_add_test(tc, ldmxcsr_reserved_bit_and_misaligned_movaps_raise_gp);
    tcase_add_test(tc, cvttss2si_out_of_range_gives_integer_indefinite);
    tcase_add_test(tc, comiss_sets_cf_zf_pf);
    tcase_add_test(tc, sse2_pshufd_pmaddwd_psadbw_pmuludq);
    tcase_add_test(tc, fxsave_stores_xmm_registers_at_160_and_fxrstor_loads_them);
    tcase_add_test(tc, pentium3_minus_sse_makes_addps_ud_and_pentium3_lacks_sse2);
    tcase_add_test(tc, maskmovq_stores_only_bytes_with_the_mask_top_bit);
    tcase_add_test(tc, memory_forms_store_only_their_width);
    suite_add_tcase(s, tc);
    return s;
}
