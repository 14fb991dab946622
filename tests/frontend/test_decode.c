/* Decoder unit tests: operand and addressing forms, prefixes, the 15-byte
 * limit, fetch faults across pages, LOCK rules and CPU-feature gating. */
#include "frontend/decode.h"

#include <check.h>
#include <string.h>

static enum x86_decode_status dec(struct x86_instr *in, int code_size, const uint8_t *b, unsigned n)
{
    return x86_decode_buf(in, b, n, (uint8_t)code_size, X86_FEATURES_ALL, 0x1000);
}

#define DEC(in, size, ...)                                                                         \
    dec(in, size, (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

START_TEST(add_eax_imm32_has_register_and_immediate_operands)
{
    struct x86_instr in;
    ck_assert_int_eq(DEC(&in, 4, 0x05, 0x78, 0x56, 0x34, 0x12), X86_DECODE_OK);
    ck_assert_uint_eq(in.mnemonic, X86_MN_ADD);
    ck_assert_uint_eq(in.len, 5);
    ck_assert_uint_eq(in.nops, 2);
    ck_assert_uint_eq(in.op[0].kind, X86_OPK_REG);
    ck_assert_uint_eq(in.op[0].rclass, X86_RC_GPR);
    ck_assert_uint_eq(in.op[0].reg, 0);
    ck_assert_uint_eq(in.op[0].size, 4);
    ck_assert_uint_eq(in.op[1].kind, X86_OPK_IMM);
    ck_assert_int_eq(in.imm, 0x12345678);
    ck_assert_uint_eq(in.imm_size, 4);
    ck_assert_str_eq(x86_instr_name(&in), "add");
}
END_TEST

START_TEST(sib_with_index_scale_and_disp32)
{
    struct x86_instr in; /* mov eax, [ebx + ecx*4 + 0x12345678] */
    ck_assert_int_eq(DEC(&in, 4, 0x8b, 0x84, 0x8b, 0x78, 0x56, 0x34, 0x12), X86_DECODE_OK);
    ck_assert_uint_eq(in.len, 7);
    ck_assert(in.has_sib);
    ck_assert_uint_eq(in.op[1].kind, X86_OPK_MEM);
    ck_assert_int_eq(in.mem.base, 3);
    ck_assert_int_eq(in.mem.index, 1);
    ck_assert_uint_eq(in.mem.scale, 2);
    ck_assert_int_eq(in.mem.disp, 0x12345678);
    ck_assert_uint_eq(in.mem.disp_size, 4);
    ck_assert_uint_eq(in.mem.seg, X86_SEG_DS);
}
END_TEST

START_TEST(sib_base5_mod0_means_disp32_without_base)
{
    struct x86_instr in; /* mov eax, [esi*2 + 0x100] */
    ck_assert_int_eq(DEC(&in, 4, 0x8b, 0x04, 0x75, 0x00, 0x01, 0x00, 0x00), X86_DECODE_OK);
    ck_assert_uint_eq(in.len, 7);
    ck_assert_int_eq(in.mem.base, -1);
    ck_assert_int_eq(in.mem.index, 6);
    ck_assert_uint_eq(in.mem.scale, 1);
    ck_assert_int_eq(in.mem.disp, 0x100);
}
END_TEST

START_TEST(ebp_and_esp_bases_default_to_ss)
{
    struct x86_instr in;
    ck_assert_int_eq(DEC(&in, 4, 0x8b, 0x45, 0xfc), X86_DECODE_OK); /* [ebp-4] */
    ck_assert_uint_eq(in.mem.seg, X86_SEG_SS);
    ck_assert_int_eq(in.mem.disp, -4);
    ck_assert_int_eq(DEC(&in, 4, 0x8b, 0x04, 0x24), X86_DECODE_OK); /* [esp] */
    ck_assert_uint_eq(in.mem.seg, X86_SEG_SS);
    ck_assert_int_eq(DEC(&in, 4, 0x26, 0x8b, 0x45, 0xfc), X86_DECODE_OK); /* es:[ebp-4] */
    ck_assert_uint_eq(in.mem.seg, X86_SEG_ES);
    ck_assert(in.prefixes & X86_PREF_SEG);
}
END_TEST

START_TEST(sixteen_bit_forms_bp_si_and_direct_address)
{
    struct x86_instr in;
    ck_assert_int_eq(DEC(&in, 2, 0x8b, 0x42, 0x10), X86_DECODE_OK); /* mov ax, [bp+si+0x10] */
    ck_assert_uint_eq(in.asize, 2);
    ck_assert_uint_eq(in.osize, 2);
    ck_assert_int_eq(in.mem.base, 5);
    ck_assert_int_eq(in.mem.index, 6);
    ck_assert_uint_eq(in.mem.seg, X86_SEG_SS);
    ck_assert_int_eq(in.mem.disp, 0x10);
    ck_assert_int_eq(DEC(&in, 2, 0x8b, 0x06, 0x34, 0x12), X86_DECODE_OK); /* mov ax, [0x1234] */
    ck_assert_uint_eq(in.len, 4);
    ck_assert_int_eq(in.mem.base, -1);
    ck_assert_int_eq(in.mem.index, -1);
    ck_assert_int_eq(in.mem.disp, 0x1234);
    ck_assert_uint_eq(in.mem.seg, X86_SEG_DS);
    /* 67 in 16-bit code selects the 32-bit forms */
    ck_assert_int_eq(DEC(&in, 2, 0x67, 0x8b, 0x04, 0x24), X86_DECODE_OK);
    ck_assert_uint_eq(in.asize, 4);
    ck_assert_int_eq(in.mem.base, 4);
}
END_TEST

START_TEST(operand_size_prefix_changes_immediate_length)
{
    struct x86_instr in;
    ck_assert_int_eq(DEC(&in, 4, 0x66, 0x05, 0x34, 0x12), X86_DECODE_OK);
    ck_assert_uint_eq(in.len, 4);
    ck_assert_uint_eq(in.osize, 2);
    ck_assert_int_eq(in.imm, 0x1234);
    ck_assert_int_eq(DEC(&in, 2, 0x66, 0x05, 0x78, 0x56, 0x34, 0x12), X86_DECODE_OK);
    ck_assert_uint_eq(in.len, 6);
    ck_assert_uint_eq(in.osize, 4);
}
END_TEST

START_TEST(enter_carries_two_immediates_and_far_jump_a_pointer)
{
    struct x86_instr in;
    ck_assert_int_eq(DEC(&in, 4, 0xc8, 0x10, 0x00, 0x02), X86_DECODE_OK);
    ck_assert_int_eq(in.imm, 0x10);
    ck_assert_uint_eq(in.imm_size, 2);
    ck_assert_int_eq(in.imm2, 2);
    ck_assert_uint_eq(in.imm2_size, 1);
    ck_assert_int_eq(DEC(&in, 4, 0xea, 0x78, 0x56, 0x34, 0x12, 0x08, 0x00), X86_DECODE_OK);
    ck_assert_uint_eq(in.op[0].kind, X86_OPK_FAR);
    ck_assert_int_eq(in.imm, 0x12345678);
    ck_assert_int_eq(in.imm2, 8);
    ck_assert_int_eq(DEC(&in, 2, 0xea, 0x5b, 0xe0, 0x00, 0xf0), X86_DECODE_OK);
    ck_assert_uint_eq(in.len, 5);
    ck_assert_int_eq(in.imm, 0xe05b);
    ck_assert_int_eq(in.imm2, 0xf000);
    ck_assert_str_eq(x86_instr_name(&in), "ljmp");
}
END_TEST

START_TEST(relative_branches_are_sign_extended)
{
    struct x86_instr in;
    ck_assert_int_eq(DEC(&in, 4, 0xeb, 0xfe), X86_DECODE_OK);
    ck_assert_uint_eq(in.op[0].kind, X86_OPK_REL);
    ck_assert_int_eq(in.imm, -2);
    ck_assert(in.flags & X86_IF_BRANCH);
    ck_assert_int_eq(DEC(&in, 4, 0x0f, 0x84, 0x00, 0xff, 0xff, 0xff), X86_DECODE_OK);
    ck_assert_uint_eq(in.mnemonic, X86_MN_JE);
    ck_assert_int_eq(in.imm, -256);
    ck_assert_int_eq(DEC(&in, 4, 0x83, 0xc0, 0xff), X86_DECODE_OK); /* add eax, -1 */
    ck_assert_int_eq(in.imm, -1);
}
END_TEST

START_TEST(fifteen_bytes_decode_sixteen_raise_gp)
{
    uint8_t b[20];
    memset(b, 0x66, sizeof(b));
    struct x86_instr in;
    b[14] = 0x90;
    ck_assert_int_eq(dec(&in, 4, b, sizeof(b)), X86_DECODE_OK);
    ck_assert_uint_eq(in.len, 15);
    b[14] = 0x66;
    b[15] = 0x90;
    ck_assert_int_eq(dec(&in, 4, b, sizeof(b)), X86_DECODE_GP);
    /* also when the length comes from an immediate: 11 prefixes + add eax, imm32 */
    memset(b, 0x2e, sizeof(b));
    b[11] = 0x05;
    ck_assert_int_eq(dec(&in, 4, b, sizeof(b)), X86_DECODE_GP);
}
END_TEST

/* Code memory with a page boundary at 0x2000 and an unmapped page after it. */
struct paged_code {
    uint8_t page[0x1000];
    bool second_page_mapped;
    uint8_t second[16];
    unsigned fetch_calls;
};

static int paged_fetch(void *opaque, uint64_t addr, uint8_t *buf, unsigned max)
{
    struct paged_code *pc = opaque;
    pc->fetch_calls++;
    if (addr >= 0x1000 && addr < 0x2000) {
        unsigned n = (unsigned)(0x2000 - addr);
        n = n < max ? n : max;
        memcpy(buf, pc->page + (addr - 0x1000), n);
        return (int)n;
    }
    if (addr >= 0x2000 && addr < 0x2010 && pc->second_page_mapped) {
        unsigned n = (unsigned)(0x2010 - addr);
        n = n < max ? n : max;
        memcpy(buf, pc->second + (addr - 0x2000), n);
        return (int)n;
    }
    return -1;
}

static enum x86_decode_status dec_paged(struct paged_code *pc, struct x86_instr *in, uint64_t addr)
{
    struct x86_decode_ctx ctx = {paged_fetch, pc, 4, X86_FEATURES_ALL};
    return x86_decode(in, &ctx, addr);
}

START_TEST(instruction_crossing_into_unmapped_page_is_a_fetch_fault)
{
    static struct paged_code pc;
    memset(&pc, 0, sizeof(pc));
    struct x86_instr in;
    pc.page[0xffd] = 0x05; /* add eax, imm32 needs 2 bytes of the next page */
    pc.page[0xffe] = 0x11;
    pc.page[0xfff] = 0x22;
    ck_assert_int_eq(dec_paged(&pc, &in, 0x1ffd), X86_DECODE_FETCH_FAULT);
    ck_assert_uint_eq(in.fault_addr, 0x2000);

    pc.second_page_mapped = true;
    pc.second[0] = 0x33;
    pc.second[1] = 0x44;
    pc.fetch_calls = 0;
    ck_assert_int_eq(dec_paged(&pc, &in, 0x1ffd), X86_DECODE_OK);
    ck_assert_uint_eq(in.len, 5);
    ck_assert_int_eq(in.imm, 0x44332211);
    ck_assert_uint_eq(pc.fetch_calls, 2);
}
END_TEST

START_TEST(instruction_ending_on_the_page_never_touches_the_next)
{
    static struct paged_code pc;
    memset(&pc, 0, sizeof(pc));
    struct x86_instr in;
    pc.page[0xffe] = 0x89; /* mov eax, ecx */
    pc.page[0xfff] = 0xc8;
    ck_assert_int_eq(dec_paged(&pc, &in, 0x1ffe), X86_DECODE_OK);
    ck_assert_uint_eq(in.len, 2);
    ck_assert_uint_eq(pc.fetch_calls, 1);
    /* an undefined opcode at the page end is #UD, not a fault on the next page */
    pc.page[0xffe] = 0x0f;
    pc.page[0xfff] = 0x04;
    ck_assert_int_eq(dec_paged(&pc, &in, 0x1ffe), X86_DECODE_UD);
    ck_assert_uint_eq(in.ud_reason, X86_UD_OPCODE);
}
END_TEST

START_TEST(lock_needs_a_lockable_instruction_with_memory_destination)
{
    struct x86_instr in;
    ck_assert_int_eq(DEC(&in, 4, 0xf0, 0x01, 0x00), X86_DECODE_OK); /* lock add [eax], eax */
    ck_assert(in.prefixes & X86_PREF_LOCK);
    ck_assert_int_eq(DEC(&in, 4, 0xf0, 0x01, 0xc0), X86_DECODE_UD); /* lock add eax, eax */
    ck_assert_uint_eq(in.ud_reason, X86_UD_LOCK);
    ck_assert_int_eq(DEC(&in, 4, 0xf0, 0x8b, 0x00), X86_DECODE_UD); /* lock mov */
    ck_assert_uint_eq(in.ud_reason, X86_UD_LOCK);
    ck_assert_int_eq(DEC(&in, 4, 0xf0, 0x0f, 0xc7, 0x08), X86_DECODE_OK); /* lock cmpxchg8b */
}
END_TEST

static bool sdm_lockable(unsigned mn)
{
    /* SDM Vol. 3, 9.1.2.2 / Vol. 2 LOCK: the instructions LOCK may prefix. */
    static const unsigned list[] = {
        X86_MN_ADD,     X86_MN_ADC,       X86_MN_AND, X86_MN_BTC, X86_MN_BTR,  X86_MN_BTS,
        X86_MN_CMPXCHG, X86_MN_CMPXCHG8B, X86_MN_DEC, X86_MN_INC, X86_MN_NEG,  X86_MN_NOT,
        X86_MN_OR,      X86_MN_SBB,       X86_MN_SUB, X86_MN_XOR, X86_MN_XADD, X86_MN_XCHG,
    };
    for (unsigned i = 0; i < sizeof(list) / sizeof(list[0]); i++) {
        if (list[i] == mn) {
            return true;
        }
    }
    return false;
}

/* Every memory-form encoding of the one-byte and 0F maps: LOCK is accepted
 * exactly on the SDM's list, except where the destination is not memory
 * (CMP, TEST, BT and the r, r/m directions). */
START_TEST(lock_acceptance_matches_the_sdm_list_for_every_opcode)
{
    unsigned accepted = 0;
    for (unsigned map = 0; map < 2; map++) {
        for (unsigned op = 0; op < 256; op++) {
            for (unsigned reg = 0; reg < 8; reg++) {
                uint8_t b[16] = {0xf0};
                unsigned n = 1;
                if (map) {
                    b[n++] = 0x0f;
                }
                b[n++] = (uint8_t)op;
                b[n++] = (uint8_t)(reg << 3); /* [eax] */
                struct x86_instr in, plain;
                enum x86_decode_status st = dec(&in, 4, b, sizeof(b));
                if (dec(&plain, 4, b + 1, sizeof(b) - 1) != X86_DECODE_OK ||
                    !(plain.flags & X86_IF_MODRM) || plain.prefixes) {
                    continue;
                }
                bool mem_dest = plain.op[0].kind == X86_OPK_MEM;
                bool want = sdm_lockable(plain.mnemonic) && mem_dest;
                ck_assert_msg((st == X86_DECODE_OK) == want, "map %u op %02x /%u: %s", map, op, reg,
                              x86_instr_name(&plain));
                accepted += st == X86_DECODE_OK;
            }
        }
    }
    /* 14 ALU r/m,r opcodes x 8 regs + 80-83 /0-/6 + 86/87 x 8 + F6/F7 /2-/3 + FE/FF /0-/1
     * + 0F AB/B3/BB x 8 + 0F BA /5-/7 + 0F B0/B1/C0/C1 x 8 + 0F C7 /1 */
    ck_assert_uint_eq(accepted, 112 + 28 + 16 + 4 + 4 + 24 + 3 + 32 + 1);
}
END_TEST

START_TEST(cpu_model_features_gate_instructions)
{
    struct x86_instr in;
    static const uint8_t cmove[] = {0x0f, 0x44, 0xc1};
    uint64_t p5 = X86_FEATURE_BIT(X86_FEAT_I286) | X86_FEATURE_BIT(X86_FEAT_I386) |
                  X86_FEATURE_BIT(X86_FEAT_I486) | X86_FEATURE_BIT(X86_FEAT_CPUID) |
                  X86_FEATURE_BIT(X86_FEAT_FPU) | X86_FEATURE_BIT(X86_FEAT_TSC) |
                  X86_FEATURE_BIT(X86_FEAT_CX8);
    ck_assert_int_eq(x86_decode_buf(&in, cmove, 3, 4, p5, 0), X86_DECODE_UD);
    ck_assert_uint_eq(in.ud_reason, X86_UD_FEATURE);
    ck_assert_uint_eq(in.feature, X86_FEAT_CMOV);
    ck_assert_int_eq(x86_decode_buf(&in, cmove, 3, 4, p5 | X86_FEATURE_BIT(X86_FEAT_CMOV), 0),
                     X86_DECODE_OK);
    static const uint8_t cx8[] = {0x0f, 0xc7, 0x0e};
    ck_assert_int_eq(x86_decode_buf(&in, cx8, 3, 4, p5, 0), X86_DECODE_OK);
    ck_assert_int_eq(x86_decode_buf(&in, cx8, 3, 4, p5 & ~X86_FEATURE_BIT(X86_FEAT_CX8), 0),
                     X86_DECODE_UD);
    static const uint8_t addps[] = {0x0f, 0x58, 0xc1};
    ck_assert_int_eq(x86_decode_buf(&in, addps, 3, 4, p5, 0), X86_DECODE_UD);
    ck_assert_str_eq(x86_feature_name(in.feature), "SSE");
}
END_TEST

START_TEST(only_16_and_32_bit_code_is_decoded_for_now)
{
    struct x86_instr in;
    static const uint8_t nop[] = {0x90};
    ck_assert_int_eq(x86_decode_buf(&in, nop, 1, 8, X86_FEATURES_ALL, 0), X86_DECODE_UD);
    ck_assert_uint_eq(in.ud_reason, X86_UD_MODE);
    ck_assert_int_eq(x86_decode_buf(&in, nop, 1, 2, X86_FEATURES_ALL, 0), X86_DECODE_OK);
}
END_TEST

START_TEST(mandatory_prefixes_select_sse_variants)
{
    struct x86_instr in;
    ck_assert_int_eq(DEC(&in, 4, 0x0f, 0x58, 0xc1), X86_DECODE_OK);
    ck_assert_uint_eq(in.mnemonic, X86_MN_ADDPS);
    ck_assert_int_eq(DEC(&in, 4, 0x66, 0x0f, 0x58, 0xc1), X86_DECODE_OK);
    ck_assert_uint_eq(in.mnemonic, X86_MN_ADDPD);
    ck_assert_uint_eq(in.mandatory, X86_PFX_66);
    ck_assert_uint_eq(in.osize, 4); /* 66 consumed as an opcode extension */
    ck_assert_int_eq(DEC(&in, 4, 0xf3, 0x0f, 0x58, 0xc1), X86_DECODE_OK);
    ck_assert_uint_eq(in.mnemonic, X86_MN_ADDSS);
    /* F2 outranks an earlier or later 66 */
    ck_assert_int_eq(DEC(&in, 4, 0xf2, 0x66, 0x0f, 0x58, 0xc1), X86_DECODE_OK);
    ck_assert_uint_eq(in.mnemonic, X86_MN_ADDSD);
    ck_assert_int_eq(DEC(&in, 4, 0x66, 0x0f, 0x6f, 0xc1), X86_DECODE_OK);
    ck_assert_uint_eq(in.mnemonic, X86_MN_MOVDQA);
    ck_assert_uint_eq(in.op[0].rclass, X86_RC_XMM);
    ck_assert_int_eq(DEC(&in, 4, 0x0f, 0x6f, 0xc1), X86_DECODE_OK);
    ck_assert_uint_eq(in.op[0].rclass, X86_RC_MMX);
    ck_assert_int_eq(DEC(&in, 4, 0xf2, 0x0f, 0x6f, 0xc1), X86_DECODE_UD);
    ck_assert_int_eq(DEC(&in, 4, 0xf3, 0x90), X86_DECODE_OK);
    ck_assert_uint_eq(in.mnemonic, X86_MN_PAUSE);
}
END_TEST

START_TEST(undefined_encodings_raise_ud_with_a_reason)
{
    struct x86_instr in;
    ck_assert_int_eq(DEC(&in, 4, 0x0f, 0x04), X86_DECODE_UD);
    ck_assert_uint_eq(in.ud_reason, X86_UD_OPCODE);
    ck_assert_int_eq(DEC(&in, 4, 0x8d, 0xc0), X86_DECODE_UD); /* lea eax, eax */
    ck_assert_uint_eq(in.ud_reason, X86_UD_REG_FORM);
    ck_assert_int_eq(DEC(&in, 4, 0x0f, 0x20, 0xc8), X86_DECODE_UD); /* mov eax, cr1 */
    ck_assert_int_eq(DEC(&in, 4, 0x8e, 0xc8), X86_DECODE_UD);       /* mov cs, eax */
    ck_assert_int_eq(DEC(&in, 4, 0xff, 0xf8), X86_DECODE_UD);       /* FF /7 */
    ck_assert_int_eq(DEC(&in, 4, 0xde, 0xd8), X86_DECODE_UD);       /* DE D8: not FCOMPP */
    ck_assert_int_eq(DEC(&in, 4, 0xde, 0xd9), X86_DECODE_OK);
    ck_assert_uint_eq(in.mnemonic, X86_MN_FCOMPP);
    /* UD2 decodes: the lifter turns it into #UD when executed */
    ck_assert_int_eq(DEC(&in, 4, 0x0f, 0x0b), X86_DECODE_OK);
    ck_assert_uint_eq(in.mnemonic, X86_MN_UD2);
}
END_TEST

START_TEST(mov_cr_ignores_mod_and_reads_no_displacement)
{
    struct x86_instr in;
    ck_assert_int_eq(DEC(&in, 4, 0x0f, 0x20, 0x05, 0x11, 0x22, 0x33, 0x44), X86_DECODE_OK);
    ck_assert_uint_eq(in.len, 3);
    ck_assert_uint_eq(in.op[0].kind, X86_OPK_REG);
    ck_assert_uint_eq(in.op[0].reg, 5);
    ck_assert_uint_eq(in.op[1].rclass, X86_RC_CR);
    ck_assert_uint_eq(in.op[1].reg, 0);
}
END_TEST

START_TEST(x87_register_and_memory_forms)
{
    struct x86_instr in;
    ck_assert_int_eq(DEC(&in, 4, 0xd9, 0xe8), X86_DECODE_OK);
    ck_assert_str_eq(x86_instr_name(&in), "fld1");
    ck_assert_int_eq(DEC(&in, 4, 0xdc, 0xc3), X86_DECODE_OK); /* fadd st(3), st(0) */
    ck_assert_uint_eq(in.op[0].rclass, X86_RC_ST);
    ck_assert_uint_eq(in.op[0].reg, 3);
    ck_assert_int_eq(DEC(&in, 4, 0xdd, 0x38), X86_DECODE_OK);
    ck_assert_str_eq(x86_instr_name(&in), "fnstsw");
    ck_assert_uint_eq(in.op[0].size, 2);
    ck_assert_int_eq(DEC(&in, 4, 0xdb, 0x28), X86_DECODE_OK); /* fld tbyte [eax] */
    ck_assert_uint_eq(in.op[0].size, 10);
    ck_assert_int_eq(DEC(&in, 2, 0xd9, 0x30), X86_DECODE_OK); /* fnstenv, 16-bit: 14 bytes */
    ck_assert_uint_eq(in.op[0].size, 14);
}
END_TEST

START_TEST(names_follow_operand_and_address_size)
{
    struct x86_instr in;
    ck_assert_int_eq(DEC(&in, 4, 0x98), X86_DECODE_OK);
    ck_assert_str_eq(x86_instr_name(&in), "cwde");
    ck_assert_int_eq(DEC(&in, 2, 0x98), X86_DECODE_OK);
    ck_assert_str_eq(x86_instr_name(&in), "cbw");
    ck_assert_int_eq(DEC(&in, 4, 0x67, 0xe3, 0x00), X86_DECODE_OK);
    ck_assert_str_eq(x86_instr_name(&in), "jcxz");
    ck_assert_int_eq(DEC(&in, 2, 0x66, 0xa5), X86_DECODE_OK);
    ck_assert_str_eq(x86_instr_name(&in), "movsd");
    ck_assert_str_eq(x86_mnemonic_name(X86_MN_CMPXCHG8B), "cmpxchg8b");
    ck_assert_str_eq(x86_mnemonic_name((enum x86_mnemonic)9999), "(bad)");
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("frontend_decode");
    TCase *tc = tcase_create("decode");
    tcase_add_test(tc, add_eax_imm32_has_register_and_immediate_operands);
    tcase_add_test(tc, sib_with_index_scale_and_disp32);
    tcase_add_test(tc, sib_base5_mod0_means_disp32_without_base);
    tcase_add_test(tc, ebp_and_esp_bases_default_to_ss);
    tcase_add_test(tc, sixteen_bit_forms_bp_si_and_direct_address);
    tcase_add_test(tc, operand_size_prefix_changes_immediate_length);
    tcase_add_test(tc, enter_carries_two_immediates_and_far_jump_a_pointer);
    tcase_add_test(tc, relative_branches_are_sign_extended);
    tcase_add_test(tc, fifteen_bytes_decode_sixteen_raise_gp);
    tcase_add_test(tc, instruction_crossing_into_unmapped_page_is_a_fetch_fault);
    tcase_add_test(tc, instruction_ending_on_the_page_never_touches_the_next);
    tcase_add_test(tc, lock_needs_a_lockable_instruction_with_memory_destination);
    tcase_add_test(tc, lock_acceptance_matches_the_sdm_list_for_every_opcode);
    tcase_add_test(tc, cpu_model_features_gate_instructions);
    tcase_add_test(tc, only_16_and_32_bit_code_is_decoded_for_now);
    tcase_add_test(tc, mandatory_prefixes_select_sse_variants);
    tcase_add_test(tc, undefined_encodings_raise_ud_with_a_reason);
    tcase_add_test(tc, mov_cr_ignores_mod_and_reads_no_displacement);
    tcase_add_test(tc, x87_register_and_memory_forms);
    tcase_add_test(tc, names_follow_operand_and_address_size);
    suite_add_tcase(s, tc);
    return s;
}
