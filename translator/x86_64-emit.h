/* x86-64 instruction encoder for the x86-64 backend: REX, ModRM, SIB and the
 * opcodes the backend uses (Intel SDM Vol. 2A chapter 2 "Instruction format",
 * opcode tables in Vol. 2D appendix A). Writes into a growable byte buffer. */
#ifndef JIT86_TRANSLATOR_X86_64_EMIT_H
#define JIT86_TRANSLATOR_X86_64_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum x64_reg {
    X64_RAX,
    X64_RCX,
    X64_RDX,
    X64_RBX,
    X64_RSP,
    X64_RBP,
    X64_RSI,
    X64_RDI,
    X64_R8,
    X64_R9,
    X64_R10,
    X64_R11,
    X64_R12,
    X64_R13,
    X64_R14,
    X64_R15,
    X64_NOREG = 16,
};

/* Opcode flags combined with the opcode byte(s). */
enum {
    X64_P_0F = 0x100,    /* two-byte opcode 0F xx */
    X64_P_W = 0x1000,    /* REX.W: 64-bit operand size */
    X64_P_66 = 0x2000,   /* operand-size prefix: 16-bit */
    X64_P_BYTE = 0x4000, /* byte registers: REX so that 4-7 are SPL..DIL, not AH..BH */
};

/* Opcodes (SDM Vol. 2D table ). */
enum {
    X64_ALU_ADD = 0,
    X64_ALU_OR = 1,
    X64_ALU_AND = 4,
    X64_ALU_SUB = 5,
    X64_ALU_XOR = 6,
    X64_ALU_CMP = 7,
    X64_OPC_ALU_EvGv = 0x01, /* + 8 * alu op */
    X64_OPC_ALU_GvEv = 0x03,
    X64_OPC_ALU_EvIz = 0x81,
    X64_OPC_ALU_EvIb = 0x83,
    X64_OPC_MOVSLQ = 0x63,
    X64_OPC_IMUL_GvEvIz = 0x69,
    X64_OPC_IMUL_GvEvIb = 0x6b,
    X64_OPC_TEST_EvGv = 0x85,
    X64_OPC_MOV_EbGb = 0x88,
    X64_OPC_MOV_EvGv = 0x89,
    X64_OPC_MOV_GvEv = 0x8b,
    X64_OPC_LEA = 0x8d,
    X64_OPC_MOV_Iv = 0xb8, /* + register */
    X64_OPC_SHIFT_Ib = 0xc1,
    X64_OPC_MOV_EbIb = 0xc6,
    X64_OPC_MOV_EvIz = 0xc7,
    X64_OPC_SHIFT_CL = 0xd3,
    X64_OPC_GRP3 = 0xf7, /* /0 test imm, /2 not, /3 neg, /4 mul, /5 imul */
    X64_OPC_GRP5 = 0xff, /* /2 call, /4 jmp */
    X64_OPC_CMOVCC = 0x40 | X64_P_0F,
    X64_OPC_JCC = 0x80 | X64_P_0F,
    X64_OPC_SETCC = 0x90 | X64_P_0F,
    X64_OPC_IMUL_GvEv = 0xaf | X64_P_0F,
    X64_OPC_MOVZBL = 0xb6 | X64_P_0F,
    X64_OPC_MOVZWL = 0xb7 | X64_P_0F,
    X64_OPC_MOVSBL = 0xbe | X64_P_0F,
    X64_OPC_MOVSWL = 0xbf | X64_P_0F,
    X64_OPC_BSWAP = 0xc8 | X64_P_0F,
};

/* /n of the shift group. */
enum { X64_ROL = 0, X64_ROR = 1, X64_SHL = 4, X64_SHR = 5, X64_SAR = 7 };

/* Condition codes (SDM Vol. 1 appendix B). */
enum {
    X64_CC_B = 2,
    X64_CC_AE = 3,
    X64_CC_E = 4,
    X64_CC_NE = 5,
    X64_CC_BE = 6,
    X64_CC_A = 7,
    X64_CC_L = 0xc,
    X64_CC_GE = 0xd,
    X64_CC_LE = 0xe,
    X64_CC_G = 0xf,
};

struct x64_buf {
    uint8_t *p;
    size_t len, cap;
    bool oom;
};

static inline void x64_byte(struct x64_buf *b, unsigned v)
{
    if (b->len == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        uint8_t *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            b->len = 0;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    b->p[b->len++] = (uint8_t)v;
}

static inline void x64_u32(struct x64_buf *b, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        x64_byte(b, (v >> (8 * i)) & 0xff);
}

static inline void x64_u64(struct x64_buf *b, uint64_t v)
{
    x64_u32(b, (uint32_t)v);
    x64_u32(b, (uint32_t)(v >> 32));
}

static inline bool x64_fits_s8(int64_t v)
{
    return v == (int8_t)v;
}
static inline bool x64_fits_s32(int64_t v)
{
    return v == (int32_t)v;
}

/* Prefixes, REX and opcode; r is the ModRM reg field, x the SIB index, rm the
 * ModRM r/m or SIB base. */
static inline void x64_opc(struct x64_buf *b, unsigned opc, unsigned r, unsigned x, unsigned rm)
{
    if (opc & X64_P_66)
        x64_byte(b, 0x66);
    unsigned rex = ((opc & X64_P_W) ? 8 : 0) | ((r & 8) >> 1) | ((x & 8) >> 2) | ((rm & 8) >> 3);
    if (rex || (opc & X64_P_BYTE))
        x64_byte(b, 0x40 | rex);
    if (opc & X64_P_0F)
        x64_byte(b, 0x0f);
    x64_byte(b, opc & 0xff);
}

/* op r, rm (both registers). */
static inline void x64_rr(struct x64_buf *b, unsigned opc, unsigned r, unsigned rm)
{
    x64_opc(b, opc, r, 0, rm);
    x64_byte(b, 0xc0 | ((r & 7) << 3) | (rm & 7));
}

/* op r, [base + index << shift + disp]; index X64_NOREG for none. */
static inline void x64_rm_sib(struct x64_buf *b, unsigned opc, unsigned r, unsigned base,
                              unsigned index, unsigned shift, int32_t disp)
{
    bool need_sib = index != X64_NOREG || (base & 7) == X64_RSP;
    unsigned mod = (disp == 0 && (base & 7) != X64_RBP) ? 0 : x64_fits_s8(disp) ? 1 : 2;
    x64_opc(b, opc, r, index == X64_NOREG ? 0 : index, base);
    if (need_sib) {
        x64_byte(b, (mod << 6) | ((r & 7) << 3) | 4);
        x64_byte(b, (shift << 6) | ((index == X64_NOREG ? 4 : index) & 7) << 3 | (base & 7));
    } else {
        x64_byte(b, (mod << 6) | ((r & 7) << 3) | (base & 7));
    }
    if (mod == 1)
        x64_byte(b, (uint8_t)disp);
    else if (mod == 2)
        x64_u32(b, (uint32_t)disp);
}

static inline void x64_rm(struct x64_buf *b, unsigned opc, unsigned r, unsigned base, int32_t disp)
{
    x64_rm_sib(b, opc, r, base, X64_NOREG, 0, disp);
}

static inline unsigned x64_w(bool is64)
{
    return is64 ? X64_P_W : 0;
}

static inline void x64_mov_rr(struct x64_buf *b, bool is64, unsigned dst, unsigned src)
{
    x64_rr(b, X64_OPC_MOV_EvGv | x64_w(is64), src, dst);
}

/* dst = imm, the shortest form; a 32-bit destination takes the low half. */
static inline void x64_mov_ri(struct x64_buf *b, bool is64, unsigned dst, uint64_t imm)
{
    if (!is64 || imm == (uint32_t)imm) {
        x64_opc(b, X64_OPC_MOV_Iv + (dst & 7), 0, 0, dst);
        x64_u32(b, (uint32_t)imm);
    } else if (x64_fits_s32((int64_t)imm)) {
        x64_rr(b, X64_OPC_MOV_EvIz | X64_P_W, 0, dst);
        x64_u32(b, (uint32_t)imm);
    } else {
        x64_opc(b, (X64_OPC_MOV_Iv + (dst & 7)) | X64_P_W, 0, 0, dst);
        x64_u64(b, imm);
    }
}

/* alu dst, imm (imm must fit in a sign-extended 32-bit field for 64-bit ops). */
static inline void x64_alu_ri(struct x64_buf *b, bool is64, unsigned alu, unsigned dst, int64_t imm)
{
    if (x64_fits_s8(imm)) {
        x64_rr(b, X64_OPC_ALU_EvIb | x64_w(is64), alu, dst);
        x64_byte(b, (uint8_t)imm);
    } else {
        x64_rr(b, X64_OPC_ALU_EvIz | x64_w(is64), alu, dst);
        x64_u32(b, (uint32_t)imm);
    }
}

static inline void x64_alu_rr(struct x64_buf *b, bool is64, unsigned alu, unsigned dst,
                              unsigned src)
{
    x64_rr(b, (X64_OPC_ALU_EvGv + 8 * alu) | x64_w(is64), src, dst);
}

static inline void x64_shift_ri(struct x64_buf *b, bool is64, unsigned kind, unsigned dst,
                                unsigned n)
{
    x64_rr(b, X64_OPC_SHIFT_Ib | x64_w(is64), kind, dst);
    x64_byte(b, n);
}

static inline void x64_push(struct x64_buf *b, unsigned r)
{
    x64_opc(b, 0x50 + (r & 7), 0, 0, r);
}

static inline void x64_pop(struct x64_buf *b, unsigned r)
{
    x64_opc(b, 0x58 + (r & 7), 0, 0, r);
}

/* Multi-byte NOPs (SDM Vol. 2B, NOP: recommended sequences) to pad n < 4 bytes. */
static inline void x64_nops(struct x64_buf *b, unsigned n)
{
    static const uint8_t seq[4][3] = {{0}, {0x90}, {0x66, 0x90}, {0x0f, 0x1f, 0x00}};
    for (unsigned i = 0; i < n; i++)
        x64_byte(b, seq[n][i]);
}

#endif
