/* A64 instruction encoder for the AArch64 backend, written from the Arm
 * Architecture Reference Manual for A-profile (DDI 0487), chapter C4 "A64
 * Instruction Set Encoding" and C6 "A64 Base Instruction Descriptions".
 * Every instruction is one little-endian 32-bit word in a growable buffer. */
#ifndef JIT86_TRANSLATOR_AARCH64_EMIT_H
#define JIT86_TRANSLATOR_AARCH64_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* x0..x30; 31 is XZR or SP depending on the instruction (C1.2.5). */
enum { A64_LR = 30, A64_ZR = 31, A64_SP = 31 };

/* Condition codes (C1.2.4). */
enum a64_cond {
    A64_EQ,
    A64_NE,
    A64_HS,
    A64_LO,
    A64_MI,
    A64_PL,
    A64_VS,
    A64_VC,
    A64_HI,
    A64_LS,
    A64_GE,
    A64_LT,
    A64_GT,
    A64_LE,
    A64_AL,
};

/* Base opcodes; sf (bit 31) selects 64-bit operation. */
enum {
    A64_SF = 1u << 31,
    /* Add/subtract (shifted register) and (immediate), C4.1.95 / C4.1.92 */
    A64_ADD_R = 0x0b000000,
    A64_ADDS_R = 0x2b000000,
    A64_SUB_R = 0x4b000000,
    A64_SUBS_R = 0x6b000000,
    A64_ADD_I = 0x11000000,
    A64_ADDS_I = 0x31000000,
    A64_SUB_I = 0x51000000,
    A64_SUBS_I = 0x71000000,
    /* Logical (shifted register): N (bit 21) inverts Rm */
    A64_AND_R = 0x0a000000,
    A64_ORR_R = 0x2a000000,
    A64_EOR_R = 0x4a000000,
    A64_ANDS_R = 0x6a000000,
    A64_ORN_R = 0x2a200000,
    /* Logical (immediate) */
    A64_AND_I = 0x12000000,
    A64_ORR_I = 0x32000000,
    A64_EOR_I = 0x52000000,
    A64_ANDS_I = 0x72000000,
    /* Move wide */
    A64_MOVN = 0x12800000,
    A64_MOVZ = 0x52800000,
    A64_MOVK = 0x72800000,
    /* Bitfield */
    A64_SBFM = 0x13000000,
    A64_BFM = 0x33000000,
    A64_UBFM = 0x53000000,
    A64_EXTR = 0x13800000,
    /* Data-processing (2 source) */
    A64_LSLV = 0x1ac02000,
    A64_LSRV = 0x1ac02400,
    A64_ASRV = 0x1ac02800,
    A64_RORV = 0x1ac02c00,
    /* Data-processing (1 source) */
    A64_REV16 = 0x5ac00400,
    A64_REV32 = 0x5ac00800, /* with sf = 0 this is REV Wd */
    A64_REV64 = 0xdac00c00,
    /* Data-processing (3 source) */
    A64_MADD = 0x1b000000,
    A64_SMULH = 0x9b407c00,
    A64_UMULH = 0x9bc07c00,
    A64_SMADDL = 0x9b200000,
    A64_UMADDL = 0x9ba00000,
    /* Conditional select */
    A64_CSEL = 0x1a800000,
    A64_CSINC = 0x1a800400,
    /* Branches */
    A64_B = 0x14000000,
    A64_BL = 0x94000000,
    A64_BCOND = 0x54000000,
    A64_CBZ = 0x34000000,
    A64_CBNZ = 0x35000000,
    A64_BR = 0xd61f0000,
    A64_BLR = 0xd63f0000,
    A64_RET = 0xd65f0000,
    A64_NOP = 0xd503201f,
    A64_ADR = 0x10000000,
    A64_LDR_LIT64 = 0x58000000,
    /* Load/store register pairs (64-bit): signed offset, pre-, post-index */
    A64_STP = 0xa9000000,
    A64_LDP = 0xa9400000,
    A64_STP_PRE = 0xa9800000,
    A64_LDP_POST = 0xa8c00000,
    /* Load/store register, unsigned offset / register offset */
    A64_LDST_UIMM = 0x39000000,
    A64_LDST_REG = 0x38206800, /* option = 011 (LSL/UXTX), S = 0 */
};

/* Load/store opc (bits 23:22) of the register forms. */
enum { A64_LDST_STR = 0, A64_LDST_LDR = 1, A64_LDST_LDRS64 = 2, A64_LDST_LDRS32 = 3 };

struct a64_buf {
    uint32_t *p;
    size_t len, cap; /* in instructions */
    bool oom;
};

static inline void a64_put(struct a64_buf *b, uint32_t insn)
{
    if (b->len == b->cap) {
        size_t n = b->cap ? b->cap * 2 : 256;
        uint32_t *q = realloc(b->p, n * sizeof(*q));
        if (!q) {
            b->oom = true;
            return;
        }
        b->p = q;
        b->cap = n;
    }
    b->p[b->len++] = insn;
}

static inline uint32_t a64_sf(bool w)
{
    return w ? A64_SF : 0;
}

/* Three-register forms: add/sub/logical (shift amount 0), shifts by
 * register, data-processing 2 source. */
static inline void a64_rrr(struct a64_buf *b, uint32_t opc, bool w, unsigned d, unsigned n,
                           unsigned m)
{
    a64_put(b, opc | a64_sf(w) | (m & 31) << 16 | (n & 31) << 5 | (d & 31));
}

/* Add/subtract shifted register with LSL #sh. */
static inline void a64_rrr_lsl(struct a64_buf *b, uint32_t opc, bool w, unsigned d, unsigned n,
                               unsigned m, unsigned sh)
{
    a64_put(b, opc | a64_sf(w) | (m & 31) << 16 | (sh & 63) << 10 | (n & 31) << 5 | (d & 31));
}

static inline void a64_rr(struct a64_buf *b, uint32_t opc, bool w, unsigned d, unsigned n)
{
    a64_put(b, opc | a64_sf(w) | (n & 31) << 5 | (d & 31));
}

/* MADD family: d = a + n * m (a = ZR: MUL). */
static inline void a64_rrrr(struct a64_buf *b, uint32_t opc, bool w, unsigned d, unsigned n,
                            unsigned m, unsigned a)
{
    a64_put(b, opc | a64_sf(w) | (m & 31) << 16 | (a & 31) << 10 | (n & 31) << 5 | (d & 31));
}

/* Add/subtract immediate: imm12, optionally shifted left by 12. */
static inline bool a64_fits_addimm(uint64_t v)
{
    return v < 4096 || ((v & 0xfff) == 0 && v < (1u << 24));
}
static inline void a64_addsub_i(struct a64_buf *b, uint32_t opc, bool w, unsigned d, unsigned n,
                                uint64_t imm)
{
    uint32_t sh = imm >= 4096 ? 1u << 22 : 0;
    uint32_t v = (uint32_t)(imm >= 4096 ? imm >> 12 : imm) & 0xfff;
    a64_put(b, opc | a64_sf(w) | sh | v << 10 | (n & 31) << 5 | (d & 31));
}

/* Bitfield move: immr, imms as in SBFM/BFM/UBFM (N = sf). */
static inline void a64_bfm(struct a64_buf *b, uint32_t opc, bool w, unsigned d, unsigned n,
                           unsigned immr, unsigned imms)
{
    a64_put(b, opc | a64_sf(w) | (w ? 1u << 22 : 0) | (immr & 63) << 16 | (imms & 63) << 10 |
                   (n & 31) << 5 | (d & 31));
}

/* EXTR d, n, m, #lsb: (n:m) >> lsb. ROR by immediate is EXTR with n = m. */
static inline void a64_extr(struct a64_buf *b, bool w, unsigned d, unsigned n, unsigned m,
                            unsigned lsb)
{
    a64_put(b, A64_EXTR | a64_sf(w) | (w ? 1u << 22 : 0) | (m & 31) << 16 | (lsb & 63) << 10 |
                   (n & 31) << 5 | (d & 31));
}

static inline void a64_mov(struct a64_buf *b, bool w, unsigned d, unsigned m)
{
    a64_rrr(b, A64_ORR_R, w, d, A64_ZR, m);
}

/* Encodes v as a logical immediate of a w-bit operation (C4.1.4, "bitmask
 * immediate"): a rotated run of ones replicated over 2, 4, ..., 64 bits.
 * Returns the N:immr:imms fields in place, or false. */
static inline bool a64_logic_imm(uint64_t v, bool w, uint32_t *fields)
{
    if (!w)
        v = (uint32_t)v | (uint64_t)(uint32_t)v << 32;
    if (v == 0 || v == ~0ull)
        return false;
    unsigned e = 64;
    for (unsigned size = 2; size < 64; size *= 2) {
        uint64_t m = (1ull << size) - 1, elem = v & m, rep = 0;
        for (unsigned i = 0; i < 64; i += size)
            rep |= elem << i;
        if (rep == v) {
            e = size;
            break;
        }
    }
    uint64_t emask = e == 64 ? ~0ull : (1ull << e) - 1, elem = v & emask;
    unsigned ones = (unsigned)__builtin_popcountll(elem);
    uint64_t run = ones == 64 ? ~0ull : (1ull << ones) - 1;
    for (unsigned r = 0; r < e; r++) {
        uint64_t rot = r ? ((elem >> r) | (elem << (e - r))) & emask : elem;
        if (rot != run)
            continue;
        unsigned immr = (e - r) % e;
        unsigned imms = (0x3fu & ~((e << 1) - 1)) | (ones - 1);
        *fields = (e == 64 ? 1u << 22 : 0) | immr << 16 | imms << 10;
        return true;
    }
    return false;
}

static inline void a64_logic_i(struct a64_buf *b, uint32_t opc, bool w, unsigned d, unsigned n,
                               uint32_t fields)
{
    a64_put(b, opc | a64_sf(w) | fields | (n & 31) << 5 | (d & 31));
}

/* d = v with the fewest instructions of MOVZ/MOVN + MOVK, or ORR with a
 * logical immediate; except 64-bit values in [2^32, 2^48), host addresses
 * (helpers, blocks, env data): always MOVZ + two MOVK, so that the size of
 * the code does not depend on where the host mapped them (ASLR, sanitizer
 * heaps), as x86-64's MOVABS does not. */
static inline void a64_movi(struct a64_buf *b, bool w, unsigned d, uint64_t v)
{
    if (w && v >> 32 && !(v >> 48)) {
        for (unsigned i = 0; i < 3; i++)
            a64_put(b, (i ? A64_MOVK : A64_MOVZ) | A64_SF | i << 21 |
                           (uint32_t)((v >> 16 * i) & 0xffff) << 5 | (d & 31));
        return;
    }
    unsigned halves = w ? 4 : 2;
    if (!w)
        v = (uint32_t)v;
    uint64_t inv = w ? ~v : (uint32_t)~v;
    unsigned zeros = 0, ffff = 0;
    for (unsigned i = 0; i < halves; i++) {
        zeros += ((v >> 16 * i) & 0xffff) == 0;
        ffff += ((v >> 16 * i) & 0xffff) == 0xffff;
    }
    uint32_t fields;
    if (zeros < halves - 1 && ffff < halves - 1 && a64_logic_imm(v, w, &fields)) {
        a64_logic_i(b, A64_ORR_I, w, d, A64_ZR, fields);
        return;
    }
    bool neg = ffff > zeros;
    uint64_t base = neg ? inv : v;
    unsigned skip = neg ? 0xffff : 0;
    bool first = true;
    for (unsigned i = 0; i < halves; i++) {
        uint32_t h = (uint32_t)(v >> 16 * i) & 0xffff;
        if (first) {
            uint32_t hb = (uint32_t)(base >> 16 * i) & 0xffff;
            if (hb == 0 && i + 1 < halves && (base >> 16 * (i + 1)) != 0)
                continue;
            a64_put(b, (neg ? A64_MOVN : A64_MOVZ) | a64_sf(w) | i << 21 | hb << 5 | (d & 31));
            first = false;
        } else if (h != skip) {
            a64_put(b, A64_MOVK | a64_sf(w) | i << 21 | h << 5 | (d & 31));
        }
    }
}

/* d = v in exactly four MOVZ/MOVK (patchable, fixed size). */
static inline void a64_movi64_fixed(struct a64_buf *b, unsigned d, uint64_t v)
{
    for (unsigned i = 0; i < 4; i++)
        a64_put(b, (i ? A64_MOVK : A64_MOVZ) | A64_SF | i << 21 |
                       (uint32_t)((v >> 16 * i) & 0xffff) << 5 | (d & 31));
}

/* Load/store of 1 << size bytes at n + off when the scaled unsigned offset
 * fits; false otherwise (the caller uses the register-offset form). */
static inline bool a64_ldst_uimm(struct a64_buf *b, unsigned size, unsigned opc, unsigned t,
                                 unsigned n, uint64_t off)
{
    if (off & ((1u << size) - 1) || (off >> size) > 0xfff)
        return false;
    a64_put(b, A64_LDST_UIMM | size << 30 | opc << 22 | (uint32_t)(off >> size) << 10 |
                   (n & 31) << 5 | (t & 31));
    return true;
}

static inline void a64_ldst_reg(struct a64_buf *b, unsigned size, unsigned opc, unsigned t,
                                unsigned n, unsigned m)
{
    a64_put(b, A64_LDST_REG | size << 30 | opc << 22 | (m & 31) << 16 | (n & 31) << 5 | (t & 31));
}

/* STP/LDP of 64-bit registers, offset a multiple of 8 in [-512, 504]. */
static inline void a64_pair(struct a64_buf *b, uint32_t opc, unsigned t1, unsigned t2, unsigned n,
                            int off)
{
    a64_put(b,
            opc | ((uint32_t)(off / 8) & 0x7f) << 15 | (t2 & 31) << 10 | (n & 31) << 5 | (t1 & 31));
}

static inline bool a64_fits_branch26(int64_t rel)
{
    return (rel & 3) == 0 && rel >= -(1ll << 27) && rel < (1ll << 27);
}

static inline uint32_t a64_b_insn(int64_t rel)
{
    return A64_B | ((uint32_t)(rel >> 2) & 0x3ffffff);
}

#endif
