/* Differential test of frontend/decode against Capstone (CS_MODE_16/32):
 * seeded random and structured byte sequences plus an exhaustive pass over
 * every opcode x ModRM of every map; instruction length, mnemonic and the
 * ModRM/SIB memory operand (base, index, scale, displacement) must agree
 * except where capstone-exceptions.def says why they may not. */
#include "frontend/decode.h"

#include <capstone/capstone.h>
#include <check.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef DECODE_TEST_SAMPLES
#define DECODE_TEST_SAMPLES 1000000
#endif

enum diff_kind { LENGTH, NAME, WE_UD, CS_UD, MEMOP, REGS, IMMS };
enum { M16 = 1, M32 = 2, MALL = 3 };
enum {
    PADSZ = -5,
    POPSZ = -4,
    PORDER = -3,
    P66REP = -2,
    PANY = -1,
    PNONE = X86_PFX_NONE,
    P66 = X86_PFX_66,
    PF3 = X86_PFX_F3,
    PF2 = X86_PFX_F2
};
enum { FANY, FMEM, FREG };
enum { UANY = -1 };
#define ANYMAP  (-1)
#define ONEBYTE X86_MAP_ONEBYTE
#define MAP0F   X86_MAP_0F
#define MAP0F38 X86_MAP_0F38
#define MAP0F3A X86_MAP_0F3A

struct diff_rule {
    int kind, modes, map, op_lo, op_hi, slot, form, reg, ud;
    const char *cs_pattern;
    const char *reason;
};

static const struct diff_rule rules[] = {
#define DIFF(kind, modes, map, lo, hi, slot, form, reg, ud, pat, why)                              \
    {kind, modes, map, lo, hi, slot, form, reg, ud, pat, why},
#include "capstone-exceptions.def"
#undef DIFF
};
#define NRULES (sizeof(rules) / sizeof(rules[0]))

struct run {
    csh cs;
    cs_insn *ci;
    int mode_bit;
    uint8_t code_size;
    unsigned long checked, agreed, excused, failures;
    unsigned long rule_hits[NRULES + 1];
};

/* Capstone's mnemonic without the prefixes it folds into it. */
static const char *cs_base_mnemonic(const char *m)
{
    static const char *const prefixes[] = {"lock ",     "rep ",    "repe ",   "repz ",
                                           "repne ",    "repnz ",  "bnd ",    "xacquire ",
                                           "xrelease ", "data16 ", "addr32 ", NULL};
    for (bool again = true; again;) {
        again = false;
        for (unsigned i = 0; prefixes[i]; i++) {
            size_t n = strlen(prefixes[i]);
            if (strncmp(m, prefixes[i], n) == 0) {
                m += n;
                again = true;
            }
        }
    }
    return m;
}

/* True when a 66, 67, F2 or F3 prefix is followed by another prefix byte. */
static bool size_or_rep_prefix_not_last(const struct x86_instr *insn)
{
    bool pending = false;
    for (unsigned i = 0; i < insn->len; i++) {
        uint8_t b = insn->bytes[i];
        bool sized = b == 0x66 || b == 0x67 || b == 0xf2 || b == 0xf3;
        bool other =
            b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65 || b == 0xf0;
        if (!sized && !other) {
            return false;
        }
        if (pending && (other || sized)) {
            return true;
        }
        pending = sized;
    }
    return false;
}

static bool rule_matches(const struct diff_rule *r, const struct run *run, int kind,
                         const struct x86_instr *insn, enum x86_decode_status st,
                         const char *csname)
{
    if (r->kind != kind || !(r->modes & run->mode_bit) || (r->map >= 0 && r->map != insn->map) ||
        insn->opcode < r->op_lo || insn->opcode > r->op_hi) {
        return false;
    }
    bool both =
        (insn->prefixes & X86_PREF_OPSZ) && (insn->prefixes & (X86_PREF_REP | X86_PREF_REPNE));
    if (r->slot == PORDER) {
        if (!size_or_rep_prefix_not_last(insn)) {
            return false;
        }
    } else if (r->slot == POPSZ || r->slot == PADSZ) {
        if (!(insn->prefixes & (r->slot == POPSZ ? X86_PREF_OPSZ : X86_PREF_ADSZ))) {
            return false;
        }
    } else if (r->slot == P66REP ? !both : r->slot != PANY && r->slot != insn->mandatory) {
        return false;
    }
    unsigned mod = insn->modrm >> 6;
    if (r->form != FANY && (!insn->has_modrm || (r->form == FMEM) != (mod != 3))) {
        return false;
    }
    if (r->reg >= 0 && (!insn->has_modrm || ((insn->modrm >> 3) & 7) != r->reg)) {
        return false;
    }
    if (r->ud != UANY && (st != X86_DECODE_UD || insn->ud_reason != r->ud)) {
        return false;
    }
    return fnmatch(r->cs_pattern, csname ? csname : "", 0) == 0;
}

static void report(struct run *run, const uint8_t *buf, const char *what,
                   const struct x86_instr *insn, enum x86_decode_status st, const char *csname,
                   unsigned cslen)
{
    static long limit = -1;
    if (limit < 0) {
        const char *env = getenv("DECODE_TEST_MAXREPORT");
        limit = env ? atol(env) : 40;
    }
    fflush(stdout);
    if (++run->failures > (unsigned long)limit) {
        return;
    }
    char hex[64] = "";
    for (unsigned i = 0; i < 15; i++) {
        snprintf(hex + 2 * i, 3, "%02x", buf[i]);
    }
    printf("mode%d %s: %s ours=%s/%u/st%d/ud%d map%u op%02x slot%u cs=%s/%u [%s]\n",
           run->code_size * 8, what, hex, st == X86_DECODE_OK ? x86_instr_name(insn) : "-",
           insn->len, st, insn->ud_reason, insn->map, insn->opcode, insn->mandatory,
           csname ? csname : "-", cslen, csname ? run->ci->op_str : "");
}

/* Capstone's register id for GPR n at the given address size. */
static unsigned cs_gpr(int n, unsigned size)
{
    static const unsigned r32[8] = {X86_REG_EAX, X86_REG_ECX, X86_REG_EDX, X86_REG_EBX,
                                    X86_REG_ESP, X86_REG_EBP, X86_REG_ESI, X86_REG_EDI};
    static const unsigned r16[8] = {X86_REG_AX, X86_REG_CX, X86_REG_DX, X86_REG_BX,
                                    X86_REG_SP, X86_REG_BP, X86_REG_SI, X86_REG_DI};
    if (n < 0) {
        return X86_REG_INVALID;
    }
    return size == 2 ? r16[n] : r32[n];
}

/* The ModRM/SIB memory operand must name the same base, index, scale and
 * displacement (modulo the address size) as Capstone's. */
static bool same_memory_operand(const struct x86_instr *insn, const cs_insn *ci)
{
    bool ours = false;
    for (unsigned i = 0; i < insn->nops; i++) {
        ours |= insn->op[i].kind == X86_OPK_MEM;
    }
    if (!ours || !insn->has_modrm || !ci->detail) {
        return true;
    }
    const cs_x86 *x = &ci->detail->x86;
    for (unsigned i = 0; i < x->op_count; i++) {
        if (x->operands[i].type != X86_OP_MEM) {
            continue;
        }
        const x86_op_mem *m = &x->operands[i].mem;
        uint64_t mask = insn->asize == 2 ? 0xffff : 0xffffffff;
        unsigned scale = insn->mem.index >= 0 ? 1u << insn->mem.scale : 1;
        return m->base == cs_gpr(insn->mem.base, insn->asize) &&
               m->index == cs_gpr(insn->mem.index, insn->asize) &&
               (m->index == X86_REG_INVALID || (unsigned)m->scale == scale) &&
               ((uint64_t)m->disp & mask) == ((uint64_t)(int64_t)insn->mem.disp & mask);
    }
    return true; /* Capstone shows no memory operand (e.g. LEA-like forms): nothing to compare */
}

/* Capstone's register id for one of our register operands. */
static unsigned cs_reg(const struct x86_operand *op)
{
    static const unsigned r8[8] = {X86_REG_AL, X86_REG_CL, X86_REG_DL, X86_REG_BL,
                                   X86_REG_AH, X86_REG_CH, X86_REG_DH, X86_REG_BH};
    static const unsigned seg[6] = {X86_REG_ES, X86_REG_CS, X86_REG_SS,
                                    X86_REG_DS, X86_REG_FS, X86_REG_GS};
    switch (op->rclass) {
    case X86_RC_GPR: return op->size == 1 ? r8[op->reg] : cs_gpr(op->reg, op->size);
    case X86_RC_SEG: return seg[op->reg];
    case X86_RC_CR: return X86_REG_CR0 + op->reg;
    case X86_RC_DR: return X86_REG_DR0 + op->reg;
    case X86_RC_MMX: return X86_REG_MM0 + op->reg;
    case X86_RC_XMM: return X86_REG_XMM0 + op->reg;
    case X86_RC_ST: return X86_REG_ST0 + op->reg;
    default: return X86_REG_INVALID;
    }
}

/* The explicit register operands, in order, must be Capstone's. */
static bool same_register_operands(const struct x86_instr *insn, const cs_insn *ci)
{
    unsigned ours[4], theirs[8], n = 0, m = 0;
    for (unsigned i = 0; i < insn->nops; i++) {
        if (insn->op[i].kind == X86_OPK_REG) {
            ours[n++] = cs_reg(&insn->op[i]);
        }
    }
    const cs_x86 *x = &ci->detail->x86;
    for (unsigned i = 0; i < x->op_count && m < 8; i++) {
        if (x->operands[i].type == X86_OP_REG) {
            theirs[m++] = x->operands[i].reg;
        }
    }
    return n == m && memcmp(ours, theirs, n * sizeof(ours[0])) == 0;
}

/* Immediates, branch targets and far pointers must carry Capstone's values
 * (compared at the operand's width: Capstone sign-extends some). */
static bool same_immediates(const struct x86_instr *insn, const cs_insn *ci)
{
    uint64_t ours[4], widths[4], theirs[8];
    unsigned n = 0, m = 0, next = 0;
    const int64_t imms[2] = {insn->imm, insn->imm2};
    for (unsigned i = 0; i < insn->nops && n < 3; i++) {
        const struct x86_operand *op = &insn->op[i];
        if (op->kind == X86_OPK_IMM) {
            widths[n] = op->size;
            ours[n++] = (uint64_t)imms[next++ & 1];
        } else if (op->kind == X86_OPK_CONST1) {
            widths[n] = 1;
            ours[n++] = 1;
        } else if (op->kind == X86_OPK_REL) {
            widths[n] = insn->osize;
            ours[n++] = insn->addr + insn->len + (uint64_t)insn->imm;
        } else if (op->kind == X86_OPK_FAR) {
            widths[n] = 2, ours[n++] = (uint64_t)insn->imm2;
            widths[n] = insn->osize, ours[n++] = (uint64_t)insn->imm;
        }
    }
    const cs_x86 *x = &ci->detail->x86;
    for (unsigned i = 0; i < x->op_count && m < 8; i++) {
        if (x->operands[i].type == X86_OP_IMM) {
            theirs[m++] = (uint64_t)x->operands[i].imm;
        }
    }
    if (n != m) {
        return false;
    }
    for (unsigned i = 0; i < n; i++) {
        uint64_t mask = widths[i] >= 8 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * widths[i])) - 1;
        if ((ours[i] & mask) != (theirs[i] & mask)) {
            return false;
        }
    }
    return true;
}

enum { AGREE = -1 };

/* Decodes buf with both decoders; returns the first disagreement or AGREE. */
static int classify(struct run *run, const uint8_t *buf, struct x86_instr *insn,
                    enum x86_decode_status *st, const char **csname)
{
    *st = x86_decode_buf(insn, buf, X86_MAX_INSN_LEN, run->code_size, X86_FEATURES_ALL, 0x1000);
    const uint8_t *code = buf;
    size_t size = X86_MAX_INSN_LEN;
    uint64_t address = 0x1000;
    bool cs_ok = cs_disasm_iter(run->cs, &code, &size, &address, run->ci);
    *csname = cs_ok ? cs_base_mnemonic(run->ci->mnemonic) : NULL;
    bool ours_ok = *st == X86_DECODE_OK;
    if (!ours_ok && !cs_ok) {
        return AGREE;
    } else if (!ours_ok) {
        return WE_UD;
    } else if (!cs_ok) {
        return CS_UD;
    } else if (insn->len != run->ci->size) {
        return LENGTH;
    } else if (strcmp(x86_instr_name(insn), *csname) != 0) {
        return NAME;
    } else if (!same_memory_operand(insn, run->ci)) {
        return MEMOP;
    } else if (!same_register_operands(insn, run->ci)) {
        return REGS;
    } else if (!same_immediates(insn, run->ci)) {
        return IMMS;
    }
    return AGREE;
}

/* The first rule that excuses this disagreement, or -1. */
static int find_rule(const struct run *run, int kind, const struct x86_instr *insn,
                     enum x86_decode_status st, const char *csname, bool allow_porder)
{
    for (unsigned i = 0; i < NRULES; i++) {
        if ((allow_porder || rules[i].slot != PORDER) &&
            rule_matches(&rules[i], run, kind, insn, st, csname)) {
            return (int)i;
        }
    }
    return -1;
}

/* The PORDER rules claim Capstone only misreads the order of the prefixes,
 * which the CPU ignores (SDM Vol. 2, 2.1.1). Check the claim: for some order
 * of 67, 66 and the F2/F3 in effect after the segment/LOCK prefixes
 * (duplicates dropped, which the CPU also ignores), Capstone must agree. */
static bool prefix_order_claim_holds(struct run *run, const uint8_t *buf)
{
    uint8_t head[16], sized[3];
    unsigned n = 0, nsized = 0, p = 0;
    bool has66 = false, has67 = false;
    uint8_t rep = 0;
    for (; p < X86_MAX_INSN_LEN; p++) {
        uint8_t b = buf[p];
        if (b == 0x66 || b == 0x67) {
            has66 |= b == 0x66;
            has67 |= b == 0x67;
        } else if (b == 0xf2 || b == 0xf3) {
            rep = b;
        } else if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65 ||
                   b == 0xf0) {
            head[n++] = b;
        } else {
            break;
        }
    }
    if (has67) {
        sized[nsized++] = 0x67;
    }
    if (has66) {
        sized[nsized++] = 0x66;
    }
    if (rep) {
        sized[nsized++] = rep;
    }
    static const uint8_t orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                         {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    for (unsigned o = 0; o < 6; o++) {
        uint8_t out[32];
        unsigned m = n, skip = 0;
        memcpy(out, head, n);
        for (unsigned i = 0; i < 3; i++) {
            if (orders[o][i] < nsized) {
                out[m++] = sized[orders[o][i]];
            } else {
                skip++;
            }
        }
        if (skip != 3 - nsized) {
            continue;
        }
        memcpy(out + m, buf + p, 16 - p);
        struct x86_instr insn;
        enum x86_decode_status st;
        const char *csname;
        int kind = classify(run, out, &insn, &st, &csname);
        if (kind == AGREE || find_rule(run, kind, &insn, st, csname, false) >= 0) {
            return true;
        }
    }
    return false;
}

static void compare_one(struct run *run, const uint8_t *buf)
{
    struct x86_instr insn;
    enum x86_decode_status st;
    const char *csname;
    run->checked++;
    int kind = classify(run, buf, &insn, &st, &csname);
    if (kind == AGREE) {
        run->agreed++;
        return;
    }
    unsigned cslen = csname ? run->ci->size : 0;
    int rule = find_rule(run, kind, &insn, st, csname, true);
    if (rule >= 0 && (rules[rule].slot != PORDER || prefix_order_claim_holds(run, buf))) {
        run->rule_hits[rule]++;
        run->excused++;
        return;
    }
    static const char *const kinds[] = {"length",      "name",      "we-ud",     "cs-ud",
                                        "mem-operand", "registers", "immediates"};
    report(run, buf, rule >= 0 ? "prefix-order claim fails" : kinds[kind], &insn, st, csname,
           cslen);
}

static void run_open(struct run *run, int code_size)
{
    memset(run, 0, sizeof(*run));
    run->code_size = (uint8_t)code_size;
    run->mode_bit = code_size == 2 ? M16 : M32;
    ck_assert_int_eq(cs_open(CS_ARCH_X86, code_size == 2 ? CS_MODE_16 : CS_MODE_32, &run->cs),
                     CS_ERR_OK);
    cs_option(run->cs, CS_OPT_DETAIL, CS_OPT_ON);
    run->ci = cs_malloc(run->cs);
}

static void run_close(struct run *run, const char *what)
{
    printf("%s, %d-bit: %lu checked, %lu agree, %lu excused by the table, %lu unexplained\n", what,
           run->code_size * 8, run->checked, run->agreed, run->excused, run->failures);
    for (unsigned i = 0; i < NRULES; i++) {
        if (run->rule_hits[i] && getenv("DECODE_TEST_VERBOSE")) {
            printf("  rule %u (%s): %lu\n", i, rules[i].reason, run->rule_hits[i]);
        }
    }
    cs_free(run->ci, 1);
    cs_close(&run->cs);
}

/* xorshift64*: a fixed seed makes every run check the same sequences. */
static uint64_t next_random(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

static unsigned long sample_count(void)
{
    const char *env = getenv("JIT86_DECODE_SAMPLES");
    return env ? strtoul(env, NULL, 0) : DECODE_TEST_SAMPLES;
}

/* Half plain random bytes, half shaped like instructions: a few legacy
 * prefixes, an opcode in one of the four maps, then random ModRM/SIB/rest. */
static void make_sample(uint64_t *seed, uint8_t *buf)
{
    static const uint8_t prefixes[] = {0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x26, 0x2e,
                                       0x36, 0x3e, 0x64, 0x65, 0x66, 0xf3, 0x66};
    for (unsigned i = 0; i < 16; i += 8) {
        uint64_t r = next_random(seed);
        memcpy(buf + i, &r, 8);
    }
    uint64_t r = next_random(seed);
    if (r & 1) {
        return;
    }
    unsigned n = 0, npfx = (r >> 1) % 4;
    for (unsigned i = 0; i < npfx; i++) {
        buf[n++] = prefixes[(r >> (4 + 4 * i)) % sizeof(prefixes)];
    }
    switch ((r >> 24) % 6) {
    case 0:
    case 1: break;
    case 2:
    case 3: buf[n++] = 0x0f; break;
    case 4: buf[n++] = 0x0f, buf[n++] = 0x38; break;
    default: buf[n++] = 0x0f, buf[n++] = 0x3a; break;
    }
}

/* Adds a run's per-rule hit counts to a total. */
static void add_hits(unsigned long *total, const struct run *run)
{
    for (unsigned i = 0; total && i < NRULES; i++) {
        total[i] += run->rule_hits[i];
    }
}

static void random_pass(int code_size, unsigned long n, unsigned long *hits)
{
    struct run run;
    run_open(&run, code_size);
    uint64_t seed = UINT64_C(0x9e3779b97f4a7c15) + (uint64_t)code_size;
    uint8_t buf[16];
    for (unsigned long i = 0; i < n; i++) {
        make_sample(&seed, buf);
        compare_one(&run, buf);
    }
    add_hits(hits, &run);
    run_close(&run, "random");
    ck_assert_uint_eq(run.checked, n);
    ck_assert_uint_eq(run.failures, 0);
}

/* Every map x opcode x ModRM, under each prefix that changes decoding. */
static void exhaustive_pass(int code_size, unsigned long *hits)
{
    static const uint8_t escapes[X86_MAP_COUNT][2] = {{0}, {0x0f}, {0x0f, 0x38}, {0x0f, 0x3a}};
    static const uint8_t escape_len[X86_MAP_COUNT] = {0, 1, 2, 2};
    static const int prefixes[] = {-1, 0x66, 0xf3, 0xf2, 0x67, 0xf0};
    struct run run;
    run_open(&run, code_size);
    for (unsigned map = 0; map < X86_MAP_COUNT; map++) {
        for (unsigned p = 0; p < sizeof(prefixes) / sizeof(prefixes[0]); p++) {
            for (unsigned op = 0; op < 256; op++) {
                for (unsigned modrm = 0; modrm < 256; modrm++) {
                    uint8_t buf[16];
                    unsigned n = 0;
                    if (prefixes[p] >= 0) {
                        buf[n++] = (uint8_t)prefixes[p];
                    }
                    memcpy(buf + n, escapes[map], escape_len[map]);
                    n += escape_len[map];
                    buf[n++] = (uint8_t)op;
                    buf[n++] = (uint8_t)modrm;
                    /* SIB/displacement/immediate filler that varies with the ModRM */
                    for (uint8_t fill = (uint8_t)(modrm * 37 + op); n < 16; n++, fill += 0x35) {
                        buf[n] = fill;
                    }
                    compare_one(&run, buf);
                }
            }
        }
    }
    add_hits(hits, &run);
    run_close(&run, "exhaustive");
    ck_assert_uint_eq(run.checked, X86_MAP_COUNT * 6 * 256 * 256);
    ck_assert_uint_eq(run.failures, 0);
}

/* ... and a wrong memory operand, register or immediate. */
START_TEST(comparison_detects_operand_mismatches)
{
    struct run run;
    run_open(&run, 4);
    static const uint8_t mov[] = {0x8b, 0x44, 0x8c, 0x08}; /* mov eax, [esp + ecx*4 + 8] */
    struct x86_instr insn;
    ck_assert_int_eq(x86_decode_buf(&insn, mov, 4, 4, X86_FEATURES_ALL, 0), X86_DECODE_OK);
    const uint8_t *code = mov;
    size_t size = sizeof(mov);
    uint64_t address = 0;
    ck_assert(cs_disasm_iter(run.cs, &code, &size, &address, run.ci));
    ck_assert(same_memory_operand(&insn, run.ci));
    insn.mem.disp = 4;
    ck_assert(!same_memory_operand(&insn, run.ci));
    insn.mem.disp = 8;
    insn.mem.base = 5;
    ck_assert(!same_memory_operand(&insn, run.ci));
    insn.mem.base = 4;
    insn.mem.scale = 1;
    ck_assert(!same_memory_operand(&insn, run.ci));
    ck_assert(same_register_operands(&insn, run.ci));
    insn.op[0].reg = 1; /* ecx instead of eax */
    ck_assert(!same_register_operands(&insn, run.ci));

    static const uint8_t add[] = {0x05, 0x78, 0x56, 0x34, 0x12}; /* add eax, 0x12345678 */
    ck_assert_int_eq(x86_decode_buf(&insn, add, 5, 4, X86_FEATURES_ALL, 0), X86_DECODE_OK);
    code = add, size = sizeof(add), address = 0;
    ck_assert(cs_disasm_iter(run.cs, &code, &size, &address, run.ci));
    ck_assert(same_immediates(&insn, run.ci));
    insn.imm = 0x12345679;
    ck_assert(!same_immediates(&insn, run.ci));
    run_close(&run, "self-check");
}
END_TEST

START_TEST(capstone_agrees_on_random_sequences_16bit)
{
    random_pass(2, sample_count(), NULL);
}
END_TEST

START_TEST(capstone_agrees_on_random_sequences_32bit)
{
    random_pass(4, sample_count(), NULL);
}
END_TEST

START_TEST(capstone_agrees_on_every_opcode_and_modrm_16bit)
{
    exhaustive_pass(2, NULL);
}
END_TEST

START_TEST(capstone_agrees_on_every_opcode_and_modrm_32bit)
{
    exhaustive_pass(4, NULL);
}
END_TEST

/* The exception table holds no dead rules: each one excuses at least one
 * sequence of the (smaller) random passes or of the exhaustive passes. */
START_TEST(every_exception_rule_is_exercised)
{
    static unsigned long hits[NRULES];
    unsigned long n = 200000; /* fixed, so the cross build checks the same table */
    for (int size = 2; size <= 4; size += 2) {
        random_pass(size, n, hits);
        exhaustive_pass(size, hits);
    }
    unsigned unused = 0;
    for (unsigned i = 0; i < NRULES; i++) {
        if (hits[i] == 0) {
            printf("exception rule %u is never used: %s\n", i, rules[i].reason);
            unused++;
        }
    }
    fflush(stdout);
    ck_assert_uint_eq(unused, 0);
}
END_TEST

/* The comparison must be able to fail: a wrong length is caught. */
START_TEST(comparison_detects_a_length_mismatch)
{
    struct run run;
    run_open(&run, 4);
    static const uint8_t add[16] = {0x05, 1, 2, 3, 4}; /* add eax, imm32: 5 bytes */
    struct x86_instr insn;
    ck_assert_int_eq(x86_decode_buf(&insn, add, 16, 4, X86_FEATURES_ALL, 0), X86_DECODE_OK);
    ck_assert_uint_eq(insn.len, 5);
    compare_one(&run, add);
    ck_assert_uint_eq(run.failures, 0);
    /* 16-bit code reading the same bytes takes a 2-byte immediate: len 3 */
    run.code_size = 2;
    ck_assert_int_eq(x86_decode_buf(&insn, add, 16, 2, X86_FEATURES_ALL, 0), X86_DECODE_OK);
    ck_assert_uint_eq(insn.len, 3);
    compare_one(&run, add); /* Capstone is still in 32-bit mode: 5 != 3 */
    ck_assert_uint_eq(run.failures, 1);
    run_close(&run, "self-check");
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("frontend_decode_capstone");
    TCase *tc = tcase_create("capstone");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, comparison_detects_a_length_mismatch);
    tcase_add_test(tc, comparison_detects_operand_mismatches);
    tcase_add_test(tc, capstone_agrees_on_random_sequences_16bit);
    tcase_add_test(tc, capstone_agrees_on_random_sequences_32bit);
    tcase_add_test(tc, capstone_agrees_on_every_opcode_and_modrm_16bit);
    tcase_add_test(tc, capstone_agrees_on_every_opcode_and_modrm_32bit);
    tcase_add_test(tc, every_exception_rule_is_exercised);
    suite_add_tcase(s, tc);
    return s;
}
