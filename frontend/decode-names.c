/* Mnemonic and feature names for logs and tests (mnemonics.def): the spelling
 * of the Intel SDM, with the 16-bit variant chosen by operand or address size. */
#include "decode.h"

#include <stddef.h>

enum name_select { SEL_N, SEL_O, SEL_A };

struct mnemonic_name {
    const char *name;
    const char *name16; /* NULL when the size does not change the name */
    uint8_t select;     /* enum name_select */
};

static const struct mnemonic_name mnemonic_names[X86_MN_COUNT] = {
#define X(id, name, name16, sel) [X86_MN_##id] = {name, name16, SEL_##sel},
#include "mnemonics.def"
#undef X
};

static const char *const feature_names[X86_FEAT_COUNT] = {
#define X(name, help) [X86_FEAT_##name] = #name,
    X86_FEATURES(X)
#undef X
};

const char *x86_mnemonic_name(enum x86_mnemonic mn)
{
    if ((unsigned)mn >= X86_MN_COUNT) {
        return "(bad)";
    }
    return mnemonic_names[mn].name;
}

const char *x86_instr_name(const struct x86_instr *insn)
{
    if (insn->mnemonic >= X86_MN_COUNT) {
        return "(bad)";
    }
    const struct mnemonic_name *m = &mnemonic_names[insn->mnemonic];
    if (m->name16 &&
        ((m->select == SEL_O && insn->osize == 2) || (m->select == SEL_A && insn->asize == 2))) {
        return m->name16;
    }
    return m->name;
}

const char *x86_feature_name(enum x86_feature f)
{
    return (unsigned)f < X86_FEAT_COUNT ? feature_names[f] : "?";
}
