/* The decoder's opcode tables, expanded from the checked-in opcodes-*.def
 * X-macro files (Intel SDM Vol. 2, appendix A), the operand-code descriptions
 * and the mnemonic names. Data only: the walk over them is in decode.c. */
#include "decode-tables.h"

#include <stddef.h>

/* Short flag names used by the .def rows. */
#define LOCK   X86_IF_LOCK
#define I64    X86_IF_I64
#define D64    X86_IF_D64
#define REP    X86_IF_REP
#define BR     X86_IF_BRANCH
#define MODIGN X86_IF_MOD_IGN

/* ModRM use implied by the operand codes: the ranges follow operands.def. */
#define IN_RANGE(o, lo, hi) (X86_OPND_##o >= X86_OPND_##lo && X86_OPND_##o <= X86_OPND_##hi)
#define OPND_FLAGS(o)                                                                              \
    ((IN_RANGE(o, Eb, Wdq) ? X86_IF_MODRM : 0) | (IN_RANGE(o, M, Mfx) ? X86_IF_MEM_ONLY : 0) |     \
     (IN_RANGE(o, Ry, STi) ? X86_IF_REG_ONLY : 0))

#define INSN(mn_, a, b, c, f, fl, extra)                                                           \
    {                                                                                              \
        .mn = X86_MN_##mn_, .kind = X86_K_INSN, .feature = X86_FEAT_##f,                           \
        .opnd = {X86_OPND_##a, X86_OPND_##b, X86_OPND_##c},                                        \
        .flags = (fl) | (extra) | OPND_FLAGS(a) | OPND_FLAGS(b) | OPND_FLAGS(c),                   \
    }
#define GROUP_REF(g, extra)                                                                        \
    {                                                                                              \
        .mn = X86_GRP_##g, .kind = X86_K_GROUP, .flags = X86_IF_MODRM | (extra)                    \
    }
#define RM_REF(t)                                                                                  \
    {                                                                                              \
        .mn = X86_RMT_##t, .kind = X86_K_RM, .flags = X86_IF_MODRM                                 \
    }
#define ESC_REF(map)                                                                               \
    {                                                                                              \
        .mn = (map), .kind = X86_K_ESC                                                             \
    }

/* Prefix slots [none, 66, F3, F2]. ANY fills all four and leaves the prefixes
 * their usual meaning (e0); NP_66 fills none and 66, 66 staying an operand-size
 * prefix; the others are mandatory-prefix variants (e1). */
#define PUT_ANY(m, o, e0, e1)   [m][o][0] = e0, [m][o][1] = e0, [m][o][2] = e0, [m][o][3] = e0,
#define PUT_NP_66(m, o, e0, e1) [m][o][0] = e0, [m][o][1] = e0,
#define PUT_NP(m, o, e0, e1)    [m][o][0] = e1,
#define PUT_P66(m, o, e0, e1)   [m][o][1] = e1,
#define PUT_PF3(m, o, e0, e1)   [m][o][2] = e1,
#define PUT_PF2(m, o, e0, e1)   [m][o][3] = e1,

#define MAND X86_IF_MANDATORY

const struct x86_opcode x86_opcode_maps[X86_MAP_COUNT][256][4] = {
#define OP(o, slot, mn_, a, b, c, f, fl)                                                           \
    PUT_##slot(MAP, o, INSN(mn_, a, b, c, f, fl, 0), INSN(mn_, a, b, c, f, fl, MAND))
#define GRP(o, slot, g) PUT_##slot(MAP, o, GROUP_REF(g, 0), GROUP_REF(g, MAND))
#define ESC(o, map)     PUT_ANY(MAP, o, ESC_REF(map), ESC_REF(map))
#define MAP             X86_MAP_ONEBYTE
#include "opcodes-onebyte.def"
#undef MAP
#define OP(o, slot, mn_, a, b, c, f, fl)                                                           \
    PUT_##slot(MAP, o, INSN(mn_, a, b, c, f, fl, 0), INSN(mn_, a, b, c, f, fl, MAND))
#define GRP(o, slot, g) PUT_##slot(MAP, o, GROUP_REF(g, 0), GROUP_REF(g, MAND))
#define ESC(o, map)     PUT_ANY(MAP, o, ESC_REF(map), ESC_REF(map))
#define MAP             X86_MAP_0F
#include "opcodes-0f.def"
#undef MAP
#define OP(o, slot, mn_, a, b, c, f, fl)                                                           \
    PUT_##slot(MAP, o, INSN(mn_, a, b, c, f, fl, 0), INSN(mn_, a, b, c, f, fl, MAND))
#define MAP X86_MAP_0F38
#include "opcodes-0f38.def"
#undef MAP
#define OP(o, slot, mn_, a, b, c, f, fl)                                                           \
    PUT_##slot(MAP, o, INSN(mn_, a, b, c, f, fl, 0), INSN(mn_, a, b, c, f, fl, MAND))
#define MAP X86_MAP_0F3A
#include "opcodes-0f3a.def"
#undef MAP
};

#define MEMF 0
#define REGF 1
const struct x86_opcode x86_groups[X86_GROUP_COUNT][2][8] = {
#define GMEM(g, r, mn_, a, b, c, f, fl)                                                            \
    [X86_GRP_##g][MEMF][r] = INSN(mn_, a, b, c, f, fl, X86_IF_MODRM),
#define GREG(g, r, mn_, a, b, c, f, fl)                                                            \
    [X86_GRP_##g][REGF][r] = INSN(mn_, a, b, c, f, fl, X86_IF_MODRM),
#define GALL(g, r, mn_, a, b, c, f, fl)                                                            \
    GMEM(g, r, mn_, a, b, c, f, fl) GREG(g, r, mn_, a, b, c, f, fl)
#define GREG_RM(g, r, t) [X86_GRP_##g][REGF][r] = RM_REF(t),
/* clang-format off */
#define GMEM8(g, mn_, a, b, c, f, fl)                                                              \
    GMEM(g, 0, mn_, a, b, c, f, fl) GMEM(g, 1, mn_, a, b, c, f, fl)                                \
    GMEM(g, 2, mn_, a, b, c, f, fl) GMEM(g, 3, mn_, a, b, c, f, fl)                                \
    GMEM(g, 4, mn_, a, b, c, f, fl) GMEM(g, 5, mn_, a, b, c, f, fl)                                \
    GMEM(g, 6, mn_, a, b, c, f, fl) GMEM(g, 7, mn_, a, b, c, f, fl)
#define GREG8(g, mn_, a, b, c, f, fl)                                                              \
    GREG(g, 0, mn_, a, b, c, f, fl) GREG(g, 1, mn_, a, b, c, f, fl)                                \
    GREG(g, 2, mn_, a, b, c, f, fl) GREG(g, 3, mn_, a, b, c, f, fl)                                \
    GREG(g, 4, mn_, a, b, c, f, fl) GREG(g, 5, mn_, a, b, c, f, fl)                                \
    GREG(g, 6, mn_, a, b, c, f, fl) GREG(g, 7, mn_, a, b, c, f, fl)
/* clang-format on */
#include "opcodes-groups.def"
#define GMEM(g, r, mn_, a, b, c, f, fl)                                                            \
    [X86_GRP_##g][MEMF][r] = INSN(mn_, a, b, c, f, fl, X86_IF_MODRM),
#define GREG(g, r, mn_, a, b, c, f, fl)                                                            \
    [X86_GRP_##g][REGF][r] = INSN(mn_, a, b, c, f, fl, X86_IF_MODRM),
#define GREG_RM(g, r, t) [X86_GRP_##g][REGF][r] = RM_REF(t),
#include "opcodes-x87.def"
};

const struct x86_opcode x86_rm_tables[X86_RMTABLE_COUNT][8] = {
#define RM(t, r, mn_, a, b, c, f, fl) [X86_RMT_##t][r] = INSN(mn_, a, b, c, f, fl, X86_IF_MODRM),
#include "opcodes-groups.def"
#define RM(t, r, mn_, a, b, c, f, fl) [X86_RMT_##t][r] = INSN(mn_, a, b, c, f, fl, X86_IF_MODRM),
#include "opcodes-x87.def"
};

const struct x86_opnd_info x86_opnd_info[X86_OPND_COUNT] = {
#define X(code, cls, size, reg) [X86_OPND_##code] = {cls, size, reg},
#include "operands.def"
#undef X
};
