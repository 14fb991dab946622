/* CPU models for `-cpu NAME[,+flag,-flag...]`: the instruction-set features each model
 * gates (frontend/decode.h X86_FEATURES) and its CPUID signature (family/model/stepping,
 * Intel SDM Vol. 2 CPUID leaf 1 EAX; AP-485 for the pre-P6 parts). */
#include "cpu-internal.h"
#include "translator/log.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define F(name) X86_FEATURE_BIT(X86_FEAT_##name)

enum {
    BASE_486 = F(I386) | F(I486),
    BASE_PENTIUM = BASE_486 | F(FPU) | F(CPUID) | F(TSC) | F(MSR) | F(CX8),
    BASE_P6 = BASE_PENTIUM | F(CMOV) | F(P6) | F(SEP),
};

static const struct cpu_model models[] = {
    {"486", "Intel 486DX (x87, no CPUID)", BASE_486 | F(FPU), 0x0433},
    {"486sx", "Intel 486SX (no x87, no CPUID)", BASE_486, 0x0423},
    {"pentium", "Intel Pentium P54C", BASE_PENTIUM, 0x0525},
    {"pentium-mmx", "Intel Pentium MMX P55C", BASE_PENTIUM | F(MMX), 0x0543},
    {"pentium2", "Intel Pentium II Deschutes", BASE_P6 | F(MMX) | F(FXSR), 0x0652},
    {"pentium3", "Intel Pentium III Katmai", BASE_P6 | F(MMX) | F(FXSR) | F(SSE), 0x0672},
    {"max", "every feature jit86 implements", CPU_FEATURES_IMPLEMENTED | F(FXSR), 0x0612},
};

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

const struct cpu_model *cpu_model_find(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++)
        if (strlen(models[i].name) == len && strncasecmp(models[i].name, name, len) == 0)
            return &models[i];
    return NULL;
}

static int flag_find(const char *name, size_t len)
{
    for (int f = 0; f < X86_FEAT_COUNT; f++)
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
    for (int f = 0; f < X86_FEAT_COUNT; f++) {
        char name[16];
        size_t i = 0;
        for (; flag_names[f][i] && i + 1 < sizeof(name); i++)
            name[i] = (char)tolower((unsigned char)flag_names[f][i]);
        name[i] = 0;
        fprintf(out, "  %-12s %s\n", name, flag_help[f]);
    }
}
