/* Private layout of the decoder's opcode tables (built from the opcodes-*.def
 * X-macro files by decode-tables.c) and of the operand-code descriptions. */
#ifndef JIT86_FRONTEND_DECODE_TABLES_H
#define JIT86_FRONTEND_DECODE_TABLES_H

#include "decode.h"

#include <stdint.h>

/* Where an operand comes from (operands.def, second column). decode.c relies
 * on the grouping: ModRM classes up to OC_V, then immediates up to OC_O. */
enum x86_opnd_class {
    OC_NONE,
    OC_E,
    OC_M,
    OC_R,
    OC_RMOD,
    OC_N,
    OC_U,
    OC_STI,
    OC_Q,
    OC_W, /* ModRM.rm */
    OC_G,
    OC_S,
    OC_C,
    OC_D,
    OC_P,
    OC_V, /* ModRM.reg */
    OC_I,
    OC_IS,
    OC_J,
    OC_A,
    OC_O, /* immediates */
    OC_Z,
    OC_GPR,
    OC_SEG,
    OC_ST0,
    OC_ONE,
    OC_X, /* implicit */
};

/* Operand size codes (operands.def, third column; SDM Vol. 2, A.2.2). */
enum x86_opnd_size {
    SZ_0,
    SZ_B,
    SZ_W,
    SZ_D,
    SZ_Q,
    SZ_DQ,
    SZ_V,     /* operand size */
    SZ_WV,    /* 16 bits in memory, operand size in a register */
    SZ_BD,    /* 8 bits in memory, 32 in a register */
    SZ_WD,    /* 16 bits in memory, 32 in a register */
    SZ_Z,     /* operand size, at most 32 bits */
    SZ_Y,     /* 32 bits, or 64 with a 64-bit operand size */
    SZ_P,     /* far pointer: 16-bit selector + operand-size offset */
    SZ_A,     /* BOUND: two operand-size values */
    SZ_S,     /* GDTR/IDTR pseudo-descriptor */
    SZ_T,     /* 80-bit x87 value */
    SZ_ENV,   /* FLDENV/FNSTENV image, 14 or 28 bytes */
    SZ_STATE, /* FNSAVE/FRSTOR image, 94 or 108 bytes */
    SZ_FX,    /* FXSAVE image */
};

struct x86_opnd_info {
    uint8_t cls;  /* enum x86_opnd_class */
    uint8_t size; /* enum x86_opnd_size */
    uint8_t reg;  /* fixed register number */
};

enum x86_entry_kind {
    X86_K_INVALID = 0, /* zero-filled slots of the tables are #UD */
    X86_K_INSN,
    X86_K_GROUP, /* select by ModRM.mod (memory/register) and ModRM.reg */
    X86_K_RM,    /* select by ModRM.rm */
    X86_K_ESC,   /* next opcode byte in another map */
};

/* One table slot: an instruction, or a pointer to the next table to read. */
struct x86_opcode {
    uint16_t mn;     /* enum x86_mnemonic, or the group / rm table / map index */
    uint8_t kind;    /* enum x86_entry_kind */
    uint8_t feature; /* enum x86_feature */
    uint8_t opnd[3]; /* enum x86_opnd */
    uint16_t flags;  /* X86_IF_* */
};

enum x86_group_id {
#define GROUP(name) X86_GRP_##name,
#include "opcodes-groups.def"
#define GROUP(name) X86_GRP_##name,
#include "opcodes-x87.def"
    X86_GROUP_COUNT
};

enum x86_rmtable_id {
#define RMTABLE(name) X86_RMT_##name,
#include "opcodes-groups.def"
#define RMTABLE(name) X86_RMT_##name,
#include "opcodes-x87.def"
    X86_RMTABLE_COUNT
};

/* [map][opcode][mandatory-prefix slot] */
extern const struct x86_opcode x86_opcode_maps[X86_MAP_COUNT][256][4];
/* [group][0 = memory form, 1 = register form][ModRM.reg] */
extern const struct x86_opcode x86_groups[X86_GROUP_COUNT][2][8];
/* [table][ModRM.rm] */
extern const struct x86_opcode x86_rm_tables[X86_RMTABLE_COUNT][8];
extern const struct x86_opnd_info x86_opnd_info[X86_OPND_COUNT];

#endif
