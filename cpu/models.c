/* CPU models for `-cpu NAME[,+flag,-flag...]`: the instruction-set features each model
 * gates (frontend/decode.h X86_FEATURES), its CPUID identity (signature, Intel SDM Vol. 2
 * CPUID leaf 1 EAX; AP-485 for the pre-P6 parts) and the EFLAGS bits it implements. */
#include "cpu-internal.h"
#include "translator/log.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define F(name) X86_FEATURE_BIT(X86_FEAT_##name)

enum {
    BASE_286 = F(I286),
    BASE_486 = BASE_286 | F(I386) | F(I486),
    BASE_PENTIUM = BASE_486 | F(FPU) | F(CPUID) | F(TSC) | F(MSR) | F(CX8),
    BASE_P6 = BASE_PENTIUM | F(CMOV) | F(P6) | F(SEP),
};

/* CPUID leaf 1 EDX bits that are not instructions (SDM Vol. 2A table 3-11): debugging
 * extensions (CR4.DE) and 4 MiB pages (CR4.PSE) from the Pentium, global pages (CR4.PGE)
 * from the P6. The core implements all three. */
enum { EDX_DE = 1u << 2, EDX_PSE = 1u << 3, EDX_PGE = 1u << 13 };
enum { EDX_PENTIUM = EDX_DE | EDX_PSE, EDX_P6 = EDX_PENTIUM | EDX_PGE };

static const char intel[] = "GenuineIntel";

/* The 286 and the 486s have no CPUID: their signature is only the EDX of reset. */
static const struct cpu_model models[] = {
    {"286", "Intel 80286 (real and 16-bit protected mode, no x87)", BASE_286, 0, intel, 0, NULL},
    {"486", "Intel 486DX (x87, no CPUID)", BASE_486 | F(FPU), 0x0433, intel, 0, NULL},
    {"486sx", "Intel 486SX (no x87, no CPUID)", BASE_486, 0x0423, intel, 0, NULL},
    {"pentium", "Intel Pentium P54C", BASE_PENTIUM, 0x0525, intel, EDX_PENTIUM, NULL},
    {"pentium-mmx", "Intel Pentium MMX P55C", BASE_PENTIUM | F(MMX), 0x0543, intel, EDX_PENTIUM,
     NULL},
    {"pentium2", "Intel Pentium II Deschutes", BASE_P6 | F(MMX) | F(FXSR), 0x0652, intel, EDX_P6,
     NULL},
    {"pentium3", "Intel Pentium III Katmai", BASE_P6 | F(MMX) | F(FXSR) | F(SSE), 0x0672, intel,
     EDX_P6, NULL},
    {"pentium4", "Intel Pentium 4 Willamette (SSE2, CLFLUSH)",
     BASE_P6 | F(MMX) | F(FXSR) | F(SSE) | F(SSE2) | F(CLFLUSH), 0x0f12, intel, EDX_P6, NULL},
    {"max", "every feature jit86 implements", CPU_FEATURES_IMPLEMENTED | F(FXSR), 0x0612, intel,
     EDX_P6, "jit86 max CPU (every feature it implements)"},
};

#define MODEL_MAX (&models[sizeof(models) / sizeof(models[0]) - 1])

static const char *const flag_names[X86_FEAT_COUNT] = {
#define X(name, help) #name,
    X86_FEATURES(X)
#undef X
};

static const char *const flag_help[X86_FEAT_COUNT] = {
#define X(name, help) help,
    X86_FEATURES(X)
#undef X
};

const struct cpu_model *cpu_model_default(void)
{
    return MODEL_MAX;
}

/* EFLAGS bits 12-21 by the generation that brought them (SDM Vol. 1 §3.4.3; 80286 PRM
 * §3.3: in real mode IOPL and NT are always 0; AC came with the 486, ID with CPUID). */
uint32_t cpu_eflags_writable(const CPUX86State *env)
{
    uint64_t f = cpu_of((CPUX86State *)env)->features;
    uint32_t m = ~0u;
    if (!(f & F(CPUID)))
        m &= ~X86_ID;
    if (!(f & F(I486)))
        m &= ~X86_AC;
    if (f & F(I386))
        return m;
    m &= 0xffffu & ~0x8000u; /* no bits 16-31; bit 15 reads 0 from the 286 on */
    if (!(env->cr[0] & X86_CR0_PE))
        m &= ~(X86_IOPL | X86_NT);
    return m;
}

const struct cpu_model *cpu_model_find(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++)
        if (strlen(models[i].name) == len && strncasecmp(models[i].name, name, len) == 0)
            return &models[i];
    return NULL;
}

/* Flags -cpu can toggle: all but I286, the instruction set every model has. */
static int flag_find(const char *name, size_t len)
{
    for (int f = X86_FEAT_I286 + 1; f < X86_FEAT_COUNT; f++)
        if (strlen(flag_names[f]) == len && strncasecmp(flag_names[f], name, len) == 0)
            return f;
    return -1;
}

bool cpu_model_parse(const char *spec, uint64_t *features, const struct cpu_model **model)
{
    size_t len = strcspn(spec, ",");
    const struct cpu_model *m = cpu_model_find(spec, len);
    if (!m) {
        error_report("-cpu: unknown model '%.*s' (-cpu help lists them)", (int)len, spec);
        return false;
    }
    uint64_t f = m->features;
    for (const char *p = spec + len; *p == ',';) {
        p++;
        size_t n = strcspn(p, ",");
        int bit = n > 1 ? flag_find(p + 1, n - 1) : -1;
        if ((p[0] != '+' && p[0] != '-') || bit < 0) {
            error_report("-cpu: bad flag '%.*s' (want +flag or -flag; -cpu help)", (int)n, p);
            return false;
        }
        if (p[0] == '+')
            f |= X86_FEATURE_BIT(bit);
        else
            f &= ~X86_FEATURE_BIT(bit);
        p += n;
    }
    *features = f;
    if (model)
        *model = m;
    return true;
}

void cpu_model_help(FILE *out)
{
    fprintf(out, "Models (-cpu NAME[,+flag,-flag...]):\n");
    for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++)
        fprintf(out, "  %-12s %s\n", models[i].name, models[i].desc);
    fprintf(out, "Flags:\n");
    for (int f = X86_FEAT_I286 + 1; f < X86_FEAT_COUNT; f++) {
        char name[16];
        size_t i = 0;
        for (; flag_names[f][i] && i + 1 < sizeof(name); i++)
            name[i] = (char)tolower((unsigned char)flag_names[f][i]);
        name[i] = 0;
        fprintf(out, "  %-12s %s\n", name, flag_help[f]);
    }
}
