/* CPU models (cpu/models.c): the 286 model's decoder and EFLAGS/MSW rules against the 486's,
 * EFLAGS.ID only with CPUID, and CPUID leaves from the selected model (SDM Vol. 2A CPUID). */
#include "tests/cpu/machine.h"

/* Every IVT vector v points at its own HLT at TM_HANDLER + v. */
static void model_machine(struct tmachine *m, const char *spec)
{
    tm_init(m);
    cpu_free(m->cpu);
    uint64_t f;
    const struct cpu_model *model;
    ck_assert(cpu_model_parse(spec, &f, &model));
    struct cpu_config cfg = {
        .space = m->space, .io = m->io, .no_chaining = true, .features = f, .model = model};
    m->cpu = cpu_new(&cfg);
    ck_assert_ptr_nonnull(m->cpu);
    m->env = cpu_env(m->cpu);
    cpu_reset(m->cpu);
    for (unsigned v = 0; v < 32; v++) {
        uint8_t hlt = 0xf4;
        tm_poke16(m, v * 4, (uint16_t)(TM_HANDLER + v));
        tm_poke16(m, v * 4 + 2, 0);
        tm_poke(m, TM_HANDLER + v, &hlt, 1);
    }
    for (unsigned s = 0; s < 6; s++)
        cpu_load_seg_real(m->env, s, 0);
    m->env->idt.limit = 0x3ff;
    m->env->eip = TM_CODE;
    m->env->regs[X86_ESP] = TM_STACK;
}

/* Runs code (a HLT is appended) on a fresh machine of the model: the exception vector
 * taken, or -1 when the code ran to its HLT. */
static int run_on(const char *spec, const uint8_t *code, size_t n, struct tmachine *m)
{
    model_machine(m, spec);
    uint8_t buf[64];
    ck_assert_uint_lt(n, sizeof(buf));
    memcpy(buf, code, n);
    buf[n] = 0xf4;
    tm_code(m, buf, n + 1);
    ck_assert_int_eq(tm_run(m), CPU_EXIT_HALTED);
    uint32_t eip = (uint32_t)m->env->eip;
    if (eip == TM_CODE + n + 1)
        return -1;
    ck_assert_uint_ge(eip, TM_HANDLER + 1);
    ck_assert_uint_le(eip, TM_HANDLER + 32);
    /* a fault pushes the address of the faulting instruction */
    ck_assert_uint_eq(tm_peek16(m, TM_STACK - 6), TM_CODE);
    return (int)(eip - 1 - TM_HANDLER);
}

static int vector_on(const char *spec, const uint8_t *code, size_t n)
{
    struct tmachine m;
    int v = run_on(spec, code, n, &m);
    tm_free(&m);
    return v;
}

#define VECTOR_ON(spec, ...)                                                                       \
    vector_on(spec, (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

START_TEST(model_286_refuses_the_386_prefixes_and_opcodes)
{
    ck_assert_int_eq(VECTOR_ON("286", 0x66, 0x90), 6);             /* operand size */
    ck_assert_int_eq(VECTOR_ON("286", 0x67, 0x90), 6);             /* address size */
    ck_assert_int_eq(VECTOR_ON("286", 0x26, 0x64, 0x90), 6);       /* FS override */
    ck_assert_int_eq(VECTOR_ON("286", 0x65, 0x90), 6);             /* GS override */
    ck_assert_int_eq(VECTOR_ON("286", 0x0f, 0xb6, 0xc0), 6);       /* MOVZX */
    ck_assert_int_eq(VECTOR_ON("286", 0x0f, 0x84, 0x00, 0x00), 6); /* JZ rel16 */
    ck_assert_int_eq(VECTOR_ON("286", 0x8e, 0xe0), 6);             /* MOV FS,AX */
    ck_assert_int_eq(VECTOR_ON("286", 0x8c, 0xe8), 6);             /* MOV AX,GS */
    ck_assert_int_eq(VECTOR_ON("286", 0x0f, 0xa2), 6);             /* CPUID */
    ck_assert_int_eq(VECTOR_ON("286", 0x0f, 0x20, 0xc0), 6);       /* MOV EAX,CR0 */
    ck_assert_int_eq(VECTOR_ON("286", 0x0f, 0x06), -1);            /* CLTS is a 286 one */
    ck_assert_int_eq(VECTOR_ON("286", 0x0f, 0x01, 0xe0), -1);      /* SMSW AX */
    /* the same encodings on a 486 */
    ck_assert_int_eq(VECTOR_ON("486", 0x66, 0x90), -1);
    ck_assert_int_eq(VECTOR_ON("486", 0x26, 0x64, 0x90), -1);
    ck_assert_int_eq(VECTOR_ON("486", 0x0f, 0xb6, 0xc0), -1);
    ck_assert_int_eq(VECTOR_ON("486", 0x8e, 0xe0), -1);
    ck_assert_int_eq(VECTOR_ON("486", 0x0f, 0xa2), 6);
}
END_TEST

START_TEST(model_286_accepts_lock_on_any_instruction)
{
    ck_assert_int_eq(VECTOR_ON("286", 0xf0, 0x90), -1);
    ck_assert_int_eq(VECTOR_ON("286", 0xf0, 0x89, 0xc3), -1); /* MOV BX,AX */
    ck_assert_int_eq(VECTOR_ON("486", 0xf0, 0x90), 6);
    ck_assert_int_eq(VECTOR_ON("486", 0xf0, 0x89, 0xc3), 6);
    ck_assert_int_eq(VECTOR_ON("486", 0xf0, 0x01, 0x07), -1); /* LOCK ADD [BX],AX */
}
END_TEST

START_TEST(model_286_limits_instructions_to_10_bytes)
{
    /* ES: prefixes before a NOP: 10 bytes run, 11 bytes are #GP (the 486 allows 15) */
    uint8_t code[16];
    memset(code, 0x26, sizeof(code));
    code[9] = 0x90;
    ck_assert_int_eq(vector_on("286", code, 10), -1);
    code[9] = 0x26;
    code[10] = 0x90;
    ck_assert_int_eq(vector_on("286", code, 11), 13);
    ck_assert_int_eq(vector_on("486", code, 11), -1);
    code[10] = 0x26;
    code[15] = 0x90;
    ck_assert_int_eq(vector_on("486", code, 16), 13);
}
END_TEST

/* push imm16; popf; pushf; pop ax: the FLAGS bits that stuck. */
static uint16_t flags_after_popf(const char *spec, uint16_t value)
{
    struct tmachine m;
    const uint8_t code[] = {0x68, (uint8_t)value, (uint8_t)(value >> 8), 0x9d, 0x9c, 0x58};
    ck_assert_int_eq(run_on(spec, code, sizeof(code), &m), -1);
    uint16_t ax = (uint16_t)m.env->regs[X86_EAX];
    tm_free(&m);
    return ax;
}

START_TEST(model_286_keeps_iopl_and_nt_zero_in_real_mode)
{
    ck_assert_uint_eq(flags_after_popf("286", 0xf0d5) & 0xf000, 0);
    ck_assert_uint_eq(flags_after_popf("486", 0xf0d5) & 0xf000, 0x7000);
}
END_TEST

START_TEST(model_286_smsw_reads_reserved_bits_as_ones)
{
    struct tmachine m;
    const uint8_t smsw_ax[] = {0x0f, 0x01, 0xe0};
    ck_assert_int_eq(run_on("286", smsw_ax, sizeof(smsw_ax), &m), -1);
    ck_assert_uint_eq((uint16_t)m.env->regs[X86_EAX], 0xfff0);
    tm_free(&m);
    ck_assert_int_eq(run_on("486", smsw_ax, sizeof(smsw_ax), &m), -1);
    ck_assert_uint_eq((uint16_t)m.env->regs[X86_EAX], 0x0010); /* ET */
    tm_free(&m);
}
END_TEST

/* The CPUID detection sequence: can software flip EFLAGS.ID (bit 21)? */
static uint32_t id_flip(const char *spec)
{
    struct tmachine m;
    static const uint8_t code[] = {
        0x66, 0x9c,                         /* pushfd */
        0x66, 0x58,                         /* pop eax */
        0x66, 0x89, 0xc1,                   /* mov ecx,eax */
        0x66, 0x35, 0x00, 0x00, 0x20, 0x00, /* xor eax,0x200000 */
        0x66, 0x50,                         /* push eax */
        0x66, 0x9d,                         /* popfd */
        0x66, 0x9c,                         /* pushfd */
        0x66, 0x58,                         /* pop eax */
        0x66, 0x31, 0xc8,                   /* xor eax,ecx */
    };
    ck_assert_int_eq(run_on(spec, code, sizeof(code), &m), -1);
    uint32_t v = (uint32_t)m.env->regs[X86_EAX];
    tm_free(&m);
    return v;
}

START_TEST(eflags_id_toggles_only_on_models_with_cpuid)
{
    ck_assert_uint_eq(id_flip("486"), 0);
    ck_assert_uint_eq(id_flip("pentium"), 0x200000);
    ck_assert_uint_eq(id_flip("pentium,-cpuid"), 0);
}
END_TEST

struct cpuid_out {
    uint32_t a, b, c, d;
};

static struct cpuid_out cpuid_on(const char *spec, uint32_t leaf)
{
    struct tmachine m;
    const uint8_t code[] = {0x66,
                            0xb8,
                            (uint8_t)leaf,
                            (uint8_t)(leaf >> 8),
                            (uint8_t)(leaf >> 16),
                            (uint8_t)(leaf >> 24),
                            0x0f,
                            0xa2};
    ck_assert_int_eq(run_on(spec, code, sizeof(code), &m), -1);
    struct cpuid_out r = {(uint32_t)m.env->regs[X86_EAX], (uint32_t)m.env->regs[X86_EBX],
                          (uint32_t)m.env->regs[X86_ECX], (uint32_t)m.env->regs[X86_EDX]};
    tm_free(&m);
    return r;
}

START_TEST(cpuid_signature_and_feature_bits_come_from_the_model)
{
    struct cpuid_out r = cpuid_on("pentium", 0);
    ck_assert_uint_eq(r.a, 1);
    char vendor[13] = {0};
    memcpy(vendor, &r.b, 4);
    memcpy(vendor + 4, &r.d, 4);
    memcpy(vendor + 8, &r.c, 4);
    ck_assert_str_eq(vendor, "GenuineIntel");
    r = cpuid_on("pentium", 1);
    ck_assert_uint_eq(r.a, 0x0525);
    /* FPU, DE, PSE, TSC, MSR, CX8 */
    ck_assert_uint_eq(r.d, 0x0000013du);
    ck_assert_uint_eq(r.c, 0);
    r = cpuid_on("pentium-mmx", 1);
    ck_assert_uint_eq(r.a, 0x0543);
    ck_assert_uint_eq(r.d, 0x0080013du);
    r = cpuid_on("pentium2", 1);
    ck_assert_uint_eq(r.a, 0x0652);
    /* + SEP, PGE, CMOV, MMX, FXSR */
    ck_assert_uint_eq(r.d, 0x0180a93du);
    r = cpuid_on("pentium3", 1);
    ck_assert_uint_eq(r.a, 0x0672);
    ck_assert_uint_eq(r.d, 0x0380a93du);
    r = cpuid_on("pentium3,-sse,-mmx", 1);
    ck_assert_uint_eq(r.d, 0x0100a93du);
}
END_TEST

START_TEST(cpuid_leaves_beyond_the_highest_return_the_highest_basic_leaf)
{
    /* No extended leaves before the Pentium 4: 0x80000000 is out of range (SDM Vol. 2A). */
    struct cpuid_out r = cpuid_on("pentium2", 0x80000000u);
    ck_assert_uint_eq(r.a, 0x0652);
    r = cpuid_on("pentium2", 5);
    ck_assert_uint_eq(r.a, 0x0652);
}
END_TEST

START_TEST(cpuid_brand_string_of_the_max_model)
{
    ck_assert_uint_eq(cpuid_on("max", 0x80000000u).a, 0x80000004u);
    ck_assert_uint_eq(cpuid_on("max", 0x80000001u).d, 0);
    char brand[49] = {0};
    for (uint32_t i = 0; i < 3; i++) {
        struct cpuid_out r = cpuid_on("max", 0x80000002u + i);
        memcpy(brand + 16 * i, &r.a, 4);
        memcpy(brand + 16 * i + 4, &r.b, 4);
        memcpy(brand + 16 * i + 8, &r.c, 4);
        memcpy(brand + 16 * i + 12, &r.d, 4);
    }
    ck_assert_str_eq(brand, "jit86 max CPU (every feature it implements)");
}
END_TEST

START_TEST(the_base_instruction_set_cannot_be_toggled)
{
    uint64_t f;
    ck_assert(!cpu_model_parse("486,-i286", &f, NULL));
    ck_assert(cpu_model_parse("486,-i386", &f, NULL));
    ck_assert_uint_eq(f & X86_FEATURE_BIT(X86_FEAT_I386), 0);
    ck_assert_uint_ne(f & X86_FEATURE_BIT(X86_FEAT_I286), 0);
}
END_TEST

START_TEST(reset_leaves_the_model_signature_in_edx)
{
    struct tmachine m;
    model_machine(&m, "pentium2");
    ck_assert_uint_eq((uint32_t)m.env->regs[X86_EDX], 0x0652);
    tm_free(&m);
    model_machine(&m, "486sx");
    ck_assert_uint_eq((uint32_t)m.env->regs[X86_EDX], 0x0423);
    tm_free(&m);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("cpu_models");
    TCase *m286 = tcase_create("286");
    tcase_add_test(m286, model_286_refuses_the_386_prefixes_and_opcodes);
    tcase_add_test(m286, model_286_accepts_lock_on_any_instruction);
    tcase_add_test(m286, model_286_limits_instructions_to_10_bytes);
    tcase_add_test(m286, model_286_keeps_iopl_and_nt_zero_in_real_mode);
    tcase_add_test(m286, model_286_smsw_reads_reserved_bits_as_ones);
    tcase_add_test(m286, the_base_instruction_set_cannot_be_toggled);
    suite_add_tcase(s, m286);
    TCase *cpuid = tcase_create("cpuid");
    tcase_add_test(cpuid, eflags_id_toggles_only_on_models_with_cpuid);
    tcase_add_test(cpuid, cpuid_signature_and_feature_bits_come_from_the_model);
    tcase_add_test(cpuid, cpuid_leaves_beyond_the_highest_return_the_highest_basic_leaf);
    tcase_add_test(cpuid, cpuid_brand_string_of_the_max_model);
    tcase_add_test(cpuid, reset_leaves_the_model_signature_in_edx);
    suite_add_tcase(s, cpuid);
    return s;
}
