/* x86 instruction decoder: guest code bytes -> struct x86_instr.
 * Intel SDM Vol. 2, chapter 2 (instruction format) and appendix A (opcode maps);
 * IA-32 through the Pentium 4 era, with room for REX/long mode in the data. */
#ifndef JIT86_FRONTEND_DECODE_H
#define JIT86_FRONTEND_DECODE_H

#include <stdbool.h>
#include <stdint.h>

/* Longest legal instruction (SDM Vol. 2, 2.3.11): anything longer is #GP(0). The 80286
 * allows 10 bytes (80286 Programmer's Reference Manual, instruction format). */
#define X86_MAX_INSN_LEN     15
#define X86_MAX_INSN_LEN_286 10

enum x86_decode_status {
    X86_DECODE_OK = 0,
    X86_DECODE_UD,          /* #UD: undefined encoding, bad LOCK, missing feature */
    X86_DECODE_GP,          /* #GP(0): instruction longer than 15 bytes */
    X86_DECODE_FETCH_FAULT, /* the fetch callback failed; fault_addr says where */
};

/* Why an encoding was refused with #UD: lets tests and logs tell the cases apart. */
enum x86_ud_reason {
    X86_UD_NONE = 0,
    X86_UD_OPCODE,   /* no instruction at this opcode / group slot / prefix */
    X86_UD_LOCK,     /* LOCK on a non-lockable instruction or register destination */
    X86_UD_REG_FORM, /* instruction needs a memory operand, ModRM.mod is 11 */
    X86_UD_MEM_FORM, /* instruction needs a register operand, ModRM.mod is not 11 */
    X86_UD_FEATURE,  /* the instruction exists, but not on the selected CPU model */
    X86_UD_MODE,     /* not encodable in the current code size (e.g. 64-bit only) */
};

/* CPU features that gate instructions; `-cpu` builds the mask. */
#define X86_FEATURES(X)                                                                            \
    X(I286, "8086/186/286 instruction set (every model has it)")                                   \
    X(I386, "386: 32-bit operand/address size, FS/GS, 386 0F opcodes, LOCK and length rules")      \
    X(I486, "486: BSWAP, CMPXCHG, XADD, INVD, WBINVD, INVLPG")                                     \
    X(CPUID, "CPUID (Pentium, late 486s)")                                                         \
    X(SMM, "RSM (system management mode)")                                                         \
    X(FPU, "x87 FPU")                                                                              \
    X(TSC, "RDTSC")                                                                                \
    X(MSR, "RDMSR/WRMSR")                                                                          \
    X(CX8, "CMPXCHG8B")                                                                            \
    X(CMOV, "CMOVcc, and FCMOVcc/FCOMI with an FPU")                                               \
    X(P6, "P6: UD2, RDPMC, multi-byte NOP 0F 1F and hint NOPs")                                    \
    X(SEP, "SYSENTER/SYSEXIT")                                                                     \
    X(MMX, "MMX")                                                                                  \
    X(FXSR, "FXSAVE/FXRSTOR")                                                                      \
    X(SSE, "SSE")                                                                                  \
    X(SSE2, "SSE2")                                                                                \
    X(CLFLUSH, "CLFLUSH")                                                                          \
    X(SSE3, "SSE3 (Prescott): FISTTP, MONITOR/MWAIT, horizontal ops")                              \
    X(PREFETCHW, "PREFETCHW (0F 0D /1)")                                                           \
    X(SSSE3, "SSSE3")                                                                              \
    X(SSE41, "SSE4.1")                                                                             \
    X(SSE42, "SSE4.2 (with CRC32)")                                                                \
    X(POPCNT, "POPCNT")                                                                            \
    X(MOVBE, "MOVBE")                                                                              \
    X(AES, "AES-NI")                                                                               \
    X(PCLMUL, "PCLMULQDQ")

enum x86_feature {
#define X(name, help) X86_FEAT_##name,
    X86_FEATURES(X)
#undef X
        X86_FEAT_COUNT
};

#define X86_FEATURE_BIT(f) (UINT64_C(1) << (f))
#define X86_FEATURES_ALL   ((UINT64_C(1) << X86_FEAT_COUNT) - 1)

/* Mnemonic ids; x86_mnemonic_name() gives the text. */
enum x86_mnemonic {
#define X(id, name32, name16, sel) X86_MN_##id,
#include "mnemonics.def"
#undef X
    X86_MN_COUNT
};

/* Intel operand codes (SDM Vol. 2, A.2): what each table operand slot means. */
enum x86_opnd {
#define X(code, cls, size, reg) X86_OPND_##code,
#include "operands.def"
#undef X
    X86_OPND_COUNT
};

enum x86_map { X86_MAP_ONEBYTE, X86_MAP_0F, X86_MAP_0F38, X86_MAP_0F3A, X86_MAP_COUNT };

/* Mandatory-prefix slot used to select an SSE variant (SDM Vol. 2, 2.1.2). */
enum x86_mandatory { X86_PFX_NONE, X86_PFX_66, X86_PFX_F3, X86_PFX_F2 };

/* Prefix bits in struct x86_instr.prefixes. */
#define X86_PREF_LOCK  0x01u
#define X86_PREF_REP   0x02u /* F3 (REP/REPE), last of F2/F3 wins */
#define X86_PREF_REPNE 0x04u /* F2 */
#define X86_PREF_OPSZ  0x08u /* 66 seen */
#define X86_PREF_ADSZ  0x10u /* 67 seen */
#define X86_PREF_SEG   0x20u /* a segment override was seen */

enum x86_seg { X86_SEG_ES, X86_SEG_CS, X86_SEG_SS, X86_SEG_DS, X86_SEG_FS, X86_SEG_GS };

/* Register numbers follow the ModRM encoding (EAX=0 ... EDI=7). */
enum x86_reg_class {
    X86_RC_NONE,
    X86_RC_GPR, /* sized by the operand's size; size 1: AL..BH (4-7 = AH..BH) */
    X86_RC_SEG,
    X86_RC_CR,
    X86_RC_DR,
    X86_RC_MMX,
    X86_RC_XMM,
    X86_RC_ST, /* x87 stack register ST(i) */
};

enum x86_operand_kind {
    X86_OPK_NONE,
    X86_OPK_REG,    /* rclass/reg */
    X86_OPK_MEM,    /* struct x86_instr.mem */
    X86_OPK_STRING, /* implicit DS:rSI (reg 6) or ES:rDI (reg 7) string operand */
    X86_OPK_IMM,    /* struct x86_instr.imm (or imm2 for the second immediate) */
    X86_OPK_REL,    /* branch displacement in imm, relative to the next instruction */
    X86_OPK_FAR,    /* far pointer: offset in imm, selector in imm2 */
    X86_OPK_CONST1, /* the constant 1 of the D0-D3 shifts */
};

struct x86_operand {
    uint8_t code;   /* enum x86_opnd, as written in the table */
    uint8_t kind;   /* enum x86_operand_kind */
    uint8_t rclass; /* enum x86_reg_class, for X86_OPK_REG */
    uint8_t reg;
    uint16_t size; /* bytes accessed (0: no access, e.g. LEA's M; 512 for FXSAVE) */
};

/* Effective-address description, 16- or 32-bit forms (SDM Vol. 2, tables 2-1..2-3). */
struct x86_mem {
    int8_t base;   /* GPR number, -1 for none */
    int8_t index;  /* GPR number, -1 for none */
    uint8_t scale; /* log2 of the index factor */
    uint8_t seg;   /* enum x86_seg in effect: override or the default (SS for rBP/rSP) */
    uint8_t disp_size;
    int32_t disp;
};

struct x86_instr {
    uint64_t addr;       /* linear address of the first byte */
    uint64_t fault_addr; /* X86_DECODE_FETCH_FAULT: address the fetch failed at */
    int64_t imm, imm2;   /* immediates in order: ENTER Iw,Ib; far pointer offset,selector */
    struct x86_mem mem;  /* valid when an operand is X86_OPK_MEM */
    struct x86_operand op[4];
    uint16_t mnemonic; /* enum x86_mnemonic */
    uint8_t len;
    uint8_t map;    /* enum x86_map */
    uint8_t opcode; /* last opcode byte */
    uint8_t modrm, sib;
    bool has_modrm, has_sib;
    uint8_t prefixes;     /* X86_PREF_* */
    uint8_t seg_override; /* enum x86_seg, valid with X86_PREF_SEG */
    uint8_t mandatory;    /* enum x86_mandatory consumed as an opcode extension */
    uint8_t rex;          /* long mode: REX byte (always 0 for now) */
    uint8_t osize;        /* operand size in effect, bytes: 2, 4 (8 in long mode) */
    uint8_t asize;        /* address size in effect, bytes */
    uint8_t imm_size, imm2_size;
    uint8_t nops;      /* operands used in op[] */
    uint8_t feature;   /* enum x86_feature the instruction requires */
    uint16_t flags;    /* X86_IF_* of the table entry */
    uint8_t ud_reason; /* enum x86_ud_reason when the status is X86_DECODE_UD */
    uint8_t bytes[X86_MAX_INSN_LEN];
};

/* Table-entry flags, copied to struct x86_instr.flags. */
#define X86_IF_MODRM     0x0001u /* has a ModRM byte */
#define X86_IF_LOCK      0x0002u /* LOCK allowed (memory destination only) */
#define X86_IF_MEM_ONLY  0x0004u /* ModRM.mod == 11 is #UD */
#define X86_IF_REG_ONLY  0x0008u /* ModRM.mod != 11 is #UD */
#define X86_IF_MOD_IGN   0x0010u /* MOV CR/DR: ModRM.mod is ignored, rm is a register */
#define X86_IF_I64       0x0020u /* invalid in 64-bit mode (long-mode room) */
#define X86_IF_D64       0x0040u /* defaults to 64-bit operand size in long mode */
#define X86_IF_MANDATORY 0x0080u /* selected by a mandatory prefix */
#define X86_IF_REP       0x0100u /* string instruction: F3/F2 mean REP/REPE/REPNE */
#define X86_IF_BRANCH    0x0200u /* transfers control (ends a translation block) */

/* Fetch callback: copy up to max code bytes starting at addr into buf and
 * return how many were copied (at least 1, fewer at a page end), or a negative
 * value when the byte at addr cannot be fetched (the caller records its #PF/#GP
 * and delivers it). The decoder only asks for bytes it needs, so a fault on the
 * second page is reported only when the instruction really crosses into it.
 * Addresses are the start address plus an offset: the caller applies CS limit
 * checks (#GP) and the 64 KiB IP wrap of 16-bit code. */
typedef int (*x86_fetch_fn)(void *opaque, uint64_t addr, uint8_t *buf, unsigned max);

struct x86_decode_ctx {
    x86_fetch_fn fetch;
    void *opaque;
    uint8_t code_size; /* 2 (16-bit code) or 4 (32-bit code); 8 reserved for long mode */
    uint64_t features; /* X86_FEATURE_BIT() mask of the CPU model */
};

/* Decodes one instruction at addr. On X86_DECODE_UD the fields decoded so far
 * (prefixes, map, opcode, ModRM, length read so far) stay filled in. */
enum x86_decode_status x86_decode(struct x86_instr *insn, const struct x86_decode_ctx *ctx,
                                  uint64_t addr);

/* Convenience wrapper over a byte buffer (tests, tools): bytes past len fault. */
enum x86_decode_status x86_decode_buf(struct x86_instr *insn, const uint8_t *buf, unsigned len,
                                      uint8_t code_size, uint64_t features, uint64_t addr);

/* Mnemonic as Intel/Capstone spell it, with the operand- or address-size
 * variant (cbw/cwde, movsw/movsd, jcxz/jecxz) the instruction uses. */
const char *x86_instr_name(const struct x86_instr *insn);
const char *x86_mnemonic_name(enum x86_mnemonic mn);
const char *x86_feature_name(enum x86_feature f);

#endif
