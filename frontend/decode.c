/* x86 decoder: prefixes, opcode maps, ModRM/SIB, displacement and immediates
 * (Intel SDM Vol. 2, chapter 2 and appendix A), walking the tables of
 * decode-tables.c. Reads code through the caller's fetch callback. */
#include "decode-tables.h"

#include <stddef.h>
#include <string.h>

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* What a legacy prefix byte is (SDM Vol. 2, 2.1.1). */
enum prefix_kind { PK_NONE, PK_SEG, PK_OPSZ, PK_ADSZ, PK_LOCK, PK_REPNE, PK_REP };

static const uint8_t prefix_kind[256] = {
    [0x26] = PK_SEG,  [0x2e] = PK_SEG,   [0x36] = PK_SEG,  [0x3e] = PK_SEG,
    [0x64] = PK_SEG,  [0x65] = PK_SEG,   [0x66] = PK_OPSZ, [0x67] = PK_ADSZ,
    [0xf0] = PK_LOCK, [0xf2] = PK_REPNE, [0xf3] = PK_REP,
};

struct decoder {
    struct x86_instr *insn;
    const struct x86_decode_ctx *ctx;
    unsigned pos;     /* bytes consumed */
    unsigned avail;   /* bytes fetched into insn->bytes */
    unsigned max_len; /* longest legal instruction of the CPU model */
    bool i386;        /* the model has the 386 extensions (X86_FEAT_I386) */
    enum x86_decode_status status;
};

/* Fetches more bytes; fails with #GP past the model's length limit or with the fetch fault. */
static bool refill(struct decoder *d)
{
    struct x86_instr *insn = d->insn;
    if (d->avail >= d->max_len) {
        d->status = X86_DECODE_GP;
        return false;
    }
    uint64_t at = insn->addr + d->avail;
    int n = d->ctx->fetch(d->ctx->opaque, at, insn->bytes + d->avail, d->max_len - d->avail);
    if (n <= 0) {
        insn->fault_addr = at;
        d->status = X86_DECODE_FETCH_FAULT;
        return false;
    }
    if ((unsigned)n > d->max_len - d->avail) {
        n = (int)(d->max_len - d->avail);
    }
    d->avail += (unsigned)n;
    return true;
}

static inline bool next_byte(struct decoder *d, uint8_t *b)
{
    if (unlikely(d->pos >= d->avail) && !refill(d)) {
        return false;
    }
    *b = d->insn->bytes[d->pos++];
    return true;
}

/* Little-endian value of n (1, 2 or 4) bytes. */
static bool next_le(struct decoder *d, unsigned n, uint32_t *v)
{
    while (d->pos + n > d->avail) {
        if (!refill(d)) {
            return false;
        }
    }
    const uint8_t *p = d->insn->bytes + d->pos;
    d->pos += n;
    switch (n) {
    case 1: *v = p[0]; break;
    case 2: *v = (uint32_t)p[0] | (uint32_t)p[1] << 8; break;
    default:
        *v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        break;
    }
    return true;
}

static enum x86_decode_status undefined(struct decoder *d, enum x86_ud_reason why)
{
    d->insn->ud_reason = (uint8_t)why;
    d->insn->len = (uint8_t)d->pos;
    return X86_DECODE_UD;
}

static enum x86_decode_status failed(struct decoder *d)
{
    d->insn->len = (uint8_t)d->pos;
    return d->status;
}

/* 64-67 are opcodes the 286 does not have (#UD), prefixes from the 386 on. */
static bool prefix_needs_i386(uint8_t b)
{
    return b >= 0x64 && b <= 0x67;
}

/* Consumes legacy prefixes; returns the first opcode byte in *b. */
static bool read_prefixes(struct decoder *d, uint8_t *b)
{
    struct x86_instr *insn = d->insn;
    for (;;) {
        if (!next_byte(d, b)) {
            return false;
        }
        if (!d->i386 && prefix_needs_i386(*b)) {
            insn->feature = X86_FEAT_I386;
            insn->ud_reason = X86_UD_FEATURE;
            d->status = X86_DECODE_UD;
            return false;
        }
        switch (prefix_kind[*b]) {
        case PK_NONE: return true;
        case PK_SEG:
            insn->prefixes |= X86_PREF_SEG;
            /* 26/2E/36/3E: ES/CS/SS/DS in bits 4:3; 64/65: FS/GS */
            insn->seg_override = *b >= 0x64 ? X86_SEG_FS + (*b - 0x64) : (*b >> 3) & 3;
            break;
        case PK_OPSZ: insn->prefixes |= X86_PREF_OPSZ; break;
        case PK_ADSZ: insn->prefixes |= X86_PREF_ADSZ; break;
        case PK_LOCK: insn->prefixes |= X86_PREF_LOCK; break;
        /* The last of F2/F3 is the one in effect (SDM Vol. 2, 2.1.1). */
        case PK_REPNE: insn->prefixes = (insn->prefixes & ~X86_PREF_REP) | X86_PREF_REPNE; break;
        case PK_REP: insn->prefixes = (insn->prefixes & ~X86_PREF_REPNE) | X86_PREF_REP; break;
        }
    }
}

/* 16-bit ModRM memory forms (SDM Vol. 2, table 2-1). */
static const int8_t base16[8] = {3, 3, 5, 5, 6, 7, 5, 3};
static const int8_t index16[8] = {6, 7, 6, 7, -1, -1, -1, -1};

static bool decode_mem16(struct decoder *d, unsigned mod, unsigned rm)
{
    struct x86_mem *m = &d->insn->mem;
    m->base = base16[rm];
    m->index = index16[rm];
    m->seg = (rm == 2 || rm == 3 || (rm == 6 && mod != 0)) ? X86_SEG_SS : X86_SEG_DS;
    unsigned dsize = mod == 1 ? 1 : mod == 2 ? 2 : 0;
    if (mod == 0 && rm == 6) {
        m->base = -1;
        dsize = 2;
    }
    if (dsize) {
        uint32_t v;
        if (!next_le(d, dsize, &v)) {
            return false;
        }
        m->disp = dsize == 1 ? (int8_t)v : (int16_t)v;
        m->disp_size = (uint8_t)dsize;
    }
    return true;
}

/* 32-bit ModRM/SIB memory forms (SDM Vol. 2, tables 2-2 and 2-3). */
static bool decode_mem32(struct decoder *d, unsigned mod, unsigned rm)
{
    struct x86_instr *insn = d->insn;
    struct x86_mem *m = &insn->mem;
    m->base = (int8_t)rm;
    unsigned dsize = mod == 1 ? 1 : mod == 2 ? 4 : 0;
    if (rm == 4) {
        if (!next_byte(d, &insn->sib)) {
            return false;
        }
        insn->has_sib = true;
        unsigned base = insn->sib & 7, index = (insn->sib >> 3) & 7;
        m->base = (int8_t)base;
        m->index = index == 4 ? -1 : (int8_t)index;
        m->scale = insn->sib >> 6;
        if (base == 5 && mod == 0) {
            m->base = -1;
            dsize = 4;
        }
    } else if (rm == 5 && mod == 0) {
        m->base = -1;
        dsize = 4;
    }
    m->seg = (m->base == 4 || m->base == 5) ? X86_SEG_SS : X86_SEG_DS;
    if (dsize) {
        uint32_t v;
        if (!next_le(d, dsize, &v)) {
            return false;
        }
        m->disp = dsize == 1 ? (int8_t)v : (int32_t)v;
        m->disp_size = (uint8_t)dsize;
    }
    return true;
}

/* Follows group and ModRM.rm sub-tables down to an instruction (or a hole). */
static const struct x86_opcode *resolve(const struct x86_opcode *e, uint8_t modrm)
{
    unsigned mod = modrm >> 6, reg = (modrm >> 3) & 7, rm = modrm & 7;
    if (e->kind == X86_K_GROUP) {
        e = &x86_groups[e->mn][mod == 3][reg];
    }
    if (e->kind == X86_K_RM) {
        e = &x86_rm_tables[e->mn][rm];
    }
    return e;
}

static unsigned operand_bytes(const struct x86_instr *insn, unsigned size)
{
    unsigned os = insn->osize;
    switch (size) {
    case SZ_0: return 0;
    case SZ_B: return 1;
    case SZ_W: return 2;
    case SZ_D: return 4;
    case SZ_Q: return 8;
    case SZ_DQ: return 16;
    case SZ_V:
    case SZ_WV: return os; /* decode_operands narrows the memory forms of these three */
    case SZ_BD:
    case SZ_WD: return 4;
    case SZ_Z: return os == 8 ? 4 : os;
    case SZ_Y: return os == 8 ? 8 : 4;
    case SZ_P: return (os == 8 ? 8 : os) + 2;
    case SZ_A: return 2 * os;
    case SZ_S: return insn->asize == 8 ? 10 : 6;
    case SZ_T: return 10;
    case SZ_ENV: return os == 2 ? 14 : 28;
    case SZ_STATE: return os == 2 ? 94 : 108;
    default: return 512;
    }
}

static void set_reg(struct x86_operand *op, unsigned rclass, unsigned reg)
{
    op->kind = X86_OPK_REG;
    op->rclass = (uint8_t)rclass;
    op->reg = (uint8_t)reg;
}

/* Reads an immediate-like operand: the first fills imm, the second imm2. */
static bool read_imm(struct decoder *d, unsigned n, bool sign)
{
    struct x86_instr *insn = d->insn;
    uint32_t v;
    if (!next_le(d, n, &v)) {
        return false;
    }
    int64_t x = v;
    if (sign) {
        x = n == 1 ? (int8_t)v : n == 2 ? (int16_t)v : (int32_t)v;
    }
    if (insn->imm_size == 0) {
        insn->imm = x;
        insn->imm_size = (uint8_t)n;
    } else {
        insn->imm2 = x;
        insn->imm2_size = (uint8_t)n;
    }
    return true;
}

/* Register class of the operand classes that name ModRM.rm (a memory form
 * when mod != 11) and of those that name ModRM.reg. */
static const uint8_t rm_class[] = {
    [OC_E] = X86_RC_GPR,    [OC_M] = X86_RC_GPR, [OC_R] = X86_RC_GPR,
    [OC_RMOD] = X86_RC_GPR, [OC_N] = X86_RC_MMX, [OC_U] = X86_RC_XMM,
    [OC_STI] = X86_RC_ST,   [OC_Q] = X86_RC_MMX, [OC_W] = X86_RC_XMM,
};
static const uint8_t reg_class[] = {
    [OC_G] = X86_RC_GPR, [OC_S] = X86_RC_SEG, [OC_C] = X86_RC_CR,
    [OC_D] = X86_RC_DR,  [OC_P] = X86_RC_MMX, [OC_V] = X86_RC_XMM,
};

static void modrm_operand(struct x86_instr *insn, struct x86_operand *op,
                          const struct x86_opnd_info *info, bool is_mem)
{
    if (info->cls < sizeof(reg_class) && reg_class[info->cls]) {
        set_reg(op, reg_class[info->cls], (insn->modrm >> 3) & 7);
    } else if (!is_mem) {
        set_reg(op, rm_class[info->cls], insn->modrm & 7);
    } else {
        op->kind = X86_OPK_MEM;
        /* Mw/Rv, Mb/Rd, Mw/Rd: the memory form is narrower than the register */
        if (info->size == SZ_WV || info->size == SZ_WD) {
            op->size = 2;
        } else if (info->size == SZ_BD) {
            op->size = 1;
        }
    }
}

/* Immediates, branch displacements, far pointers and moffs addresses. */
static bool immediate_operand(struct decoder *d, struct x86_operand *op,
                              const struct x86_opnd_info *info)
{
    struct x86_instr *insn = d->insn;
    switch (info->cls) {
    case OC_I: op->kind = X86_OPK_IMM; return read_imm(d, op->size, false);
    case OC_IS:
        op->kind = X86_OPK_IMM;
        op->size = insn->osize;
        return read_imm(d, 1, true);
    case OC_J: op->kind = X86_OPK_REL; return read_imm(d, op->size, true);
    case OC_A:
        op->kind = X86_OPK_FAR;
        return read_imm(d, op->size - 2u, false) && read_imm(d, 2, false);
    default: { /* OC_O */
        uint32_t v;
        op->kind = X86_OPK_MEM;
        if (!next_le(d, insn->asize, &v)) {
            return false;
        }
        insn->mem.base = insn->mem.index = -1;
        insn->mem.disp = (int32_t)v;
        insn->mem.disp_size = insn->asize;
        insn->mem.seg = X86_SEG_DS;
        return true;
    }
    }
}

/* Operands implied by the opcode: fixed registers, the low opcode bits,
 * the shift count 1, the string operands. */
static void implicit_operand(struct x86_instr *insn, struct x86_operand *op,
                             const struct x86_opnd_info *info)
{
    switch (info->cls) {
    case OC_Z: set_reg(op, X86_RC_GPR, insn->opcode & 7); break;
    case OC_GPR: set_reg(op, X86_RC_GPR, info->reg); break;
    case OC_SEG: set_reg(op, X86_RC_SEG, info->reg); break;
    case OC_ST0: set_reg(op, X86_RC_ST, 0); break;
    case OC_ONE: op->kind = X86_OPK_CONST1; break;
    default: /* OC_X */
        op->kind = X86_OPK_STRING;
        op->reg = info->reg;
        break;
    }
}

/* Fills op[] from the entry's operand codes; reads immediates. */
static bool decode_operands(struct decoder *d, const struct x86_opcode *e)
{
    struct x86_instr *insn = d->insn;
    bool is_mem = (insn->modrm >> 6) != 3 && !(e->flags & X86_IF_MOD_IGN);
    unsigned n = 0;
    for (; n < 3 && e->opnd[n] != X86_OPND_NONE; n++) {
        const struct x86_opnd_info *info = &x86_opnd_info[e->opnd[n]];
        struct x86_operand *op = &insn->op[n];
        op->code = e->opnd[n];
        op->size = (uint16_t)operand_bytes(insn, info->size);
        if (info->cls <= OC_V) {
            modrm_operand(insn, op, info, is_mem);
        } else if (info->cls <= OC_O) {
            if (!immediate_operand(d, op, info)) {
                return false;
            }
        } else {
            implicit_operand(insn, op, info);
        }
    }
    insn->nops = (uint8_t)n;
    return true;
}

/* Encodings the tables cannot express: reserved control and segment registers. FS and GS
 * (Sreg 4, 5) came with the 386: on a 286 those encodings are #UD. */
static bool register_operands_valid(const struct x86_instr *insn, bool i386)
{
    for (unsigned i = 0; i < insn->nops; i++) {
        const struct x86_operand *op = &insn->op[i];
        if (op->kind != X86_OPK_REG) {
            continue;
        }
        /* CR1 and CR5-CR7 are reserved: MOV to/from them is #UD. */
        if (op->rclass == X86_RC_CR && (op->reg == 1 || op->reg > 4)) {
            return false;
        }
        /* Sreg 6 and 7 do not exist; MOV CS,r/m is #UD (SDM Vol. 2, MOV). */
        if (op->code == X86_OPND_Sw && (op->reg > 5 || (i == 0 && op->reg == X86_SEG_CS))) {
            return false;
        }
        if (op->code == X86_OPND_Sw && op->reg >= X86_SEG_FS && !i386) {
            return false;
        }
    }
    return true;
}

/* Prefix slot that selects the SSE variant: F2/F3 outrank 66. */
static unsigned prefix_slot(uint8_t prefixes)
{
    if (prefixes & X86_PREF_REP) {
        return X86_PFX_F3;
    }
    if (prefixes & X86_PREF_REPNE) {
        return X86_PFX_F2;
    }
    return (prefixes & X86_PREF_OPSZ) ? X86_PFX_66 : X86_PFX_NONE;
}

static void set_sizes(struct x86_instr *insn, unsigned code_size, const struct x86_opcode *top)
{
    bool opsz = insn->prefixes & X86_PREF_OPSZ;
    if ((top->flags & X86_IF_MANDATORY) && insn->mandatory == X86_PFX_66) {
        opsz = false; /* 66 selected the instruction: not an operand-size prefix */
    }
    insn->osize = (uint8_t)(opsz ? 6 - code_size : code_size);
    insn->asize = (uint8_t)((insn->prefixes & X86_PREF_ADSZ) ? 6 - code_size : code_size);
}

static enum x86_decode_status check_insn(struct decoder *d, const struct x86_opcode *e)
{
    struct x86_instr *insn = d->insn;
    unsigned mod = insn->modrm >> 6;
    if (!register_operands_valid(insn, d->i386)) {
        return undefined(d, X86_UD_OPCODE);
    }
    /* LOCK needs a lockable instruction with a memory destination (SDM Vol. 2, LOCK) from
     * the 386 on; the 286 asserts LOCK# for any instruction and runs it normally. */
    if ((insn->prefixes & X86_PREF_LOCK) && (!(e->flags & X86_IF_LOCK) || mod == 3) && d->i386) {
        return undefined(d, X86_UD_LOCK);
    }
    if (!(d->ctx->features & X86_FEATURE_BIT(e->feature))) {
        return undefined(d, X86_UD_FEATURE);
    }
    return X86_DECODE_OK;
}

/* Prefixes and opcode bytes up to the table slot of the opcode; NULL when
 * fetching failed (d->status says how). */
static const struct x86_opcode *read_opcode(struct decoder *d)
{
    struct x86_instr *insn = d->insn;
    uint8_t b;
    if (!read_prefixes(d, &b)) {
        return NULL;
    }
    unsigned slot = prefix_slot(insn->prefixes);
    insn->mandatory = (uint8_t)slot; /* kept on #UD: the slot that was empty */
    const struct x86_opcode *e = &x86_opcode_maps[X86_MAP_ONEBYTE][b][slot];
    while (e->kind == X86_K_ESC) {
        insn->map = (uint8_t)e->mn;
        if (!next_byte(d, &b)) {
            return NULL;
        }
        e = &x86_opcode_maps[e->mn][b][slot];
    }
    insn->opcode = b;
    return e;
}

/* ModRM-form checks and the SIB/displacement bytes of a memory operand. */
static enum x86_decode_status read_modrm_operand(struct decoder *d, const struct x86_opcode *e)
{
    struct x86_instr *insn = d->insn;
    unsigned mod = insn->modrm >> 6;
    if (!insn->has_modrm || (e->flags & X86_IF_MOD_IGN)) {
        return X86_DECODE_OK;
    }
    if ((e->flags & X86_IF_MEM_ONLY) && mod == 3) {
        return undefined(d, X86_UD_REG_FORM);
    }
    if ((e->flags & X86_IF_REG_ONLY) && mod != 3) {
        return undefined(d, X86_UD_MEM_FORM);
    }
    if (mod == 3) {
        return X86_DECODE_OK;
    }
    bool ok = insn->asize == 2 ? decode_mem16(d, mod, insn->modrm & 7)
                               : decode_mem32(d, mod, insn->modrm & 7);
    return ok ? X86_DECODE_OK : failed(d);
}

enum x86_decode_status x86_decode(struct x86_instr *insn, const struct x86_decode_ctx *ctx,
                                  uint64_t addr)
{
    /* copying a zero template compiles to a few vector stores, cheaper than rep stos */
    static const struct x86_instr blank;
    memcpy(insn, &blank, offsetof(struct x86_instr, bytes));
    insn->addr = addr;
    insn->mem.base = insn->mem.index = -1;
    bool i386 = (ctx->features & X86_FEATURE_BIT(X86_FEAT_I386)) != 0;
    struct decoder d = {.insn = insn,
                        .ctx = ctx,
                        .max_len = i386 ? X86_MAX_INSN_LEN : X86_MAX_INSN_LEN_286,
                        .i386 = i386};
    if (ctx->code_size != 2 && ctx->code_size != 4) {
        return undefined(&d, X86_UD_MODE); /* long mode is not decoded yet */
    }
    const struct x86_opcode *top = read_opcode(&d);
    if (!top) {
        return failed(&d);
    }
    if (top->kind == X86_K_INVALID) {
        return undefined(&d, X86_UD_OPCODE);
    }
    if (!(top->flags & X86_IF_MANDATORY)) {
        insn->mandatory = X86_PFX_NONE;
    }
    const struct x86_opcode *e = top;
    if (e->flags & X86_IF_MODRM) {
        if (!next_byte(&d, &insn->modrm)) {
            return failed(&d);
        }
        insn->has_modrm = true;
        e = resolve(e, insn->modrm);
        if (e->kind != X86_K_INSN) {
            return undefined(&d, X86_UD_OPCODE);
        }
    }
    insn->mnemonic = e->mn;
    insn->feature = e->feature;
    insn->flags = e->flags;
    set_sizes(insn, ctx->code_size, top);
    enum x86_decode_status st = read_modrm_operand(&d, e);
    if (st != X86_DECODE_OK) {
        return st;
    }
    if (!decode_operands(&d, e)) {
        return failed(&d);
    }
    if (insn->prefixes & X86_PREF_SEG) {
        insn->mem.seg = insn->seg_override;
    }
    insn->len = (uint8_t)d.pos;
    return check_insn(&d, e);
}

struct buf_fetch {
    const uint8_t *buf;
    unsigned len;
    uint64_t base;
};

static int fetch_from_buf(void *opaque, uint64_t addr, uint8_t *out, unsigned max)
{
    const struct buf_fetch *f = opaque;
    uint64_t off = addr - f->base;
    if (off >= f->len) {
        return -1;
    }
    unsigned n = f->len - (unsigned)off;
    n = n < max ? n : max;
    memcpy(out, f->buf + off, n);
    return (int)n;
}

enum x86_decode_status x86_decode_buf(struct x86_instr *insn, const uint8_t *buf, unsigned len,
                                      uint8_t code_size, uint64_t features, uint64_t addr)
{
    struct buf_fetch f = {buf, len, addr};
    struct x86_decode_ctx ctx = {fetch_from_buf, &f, code_size, features};
    return x86_decode(insn, &ctx, addr);
}
