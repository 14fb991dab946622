/* The lifter's block loop and dispatch: decode, insn_start, one handler per
 * mnemonic (a table), block end at control transfers, mode changes, page
 * boundaries and the size cap (DESIGN.md "One instruction's journey"). */
#include "frontend/lift-internal.h"
#include "frontend/lift-sse.h"
#include "frontend/lift-x87.h"
#include "translator/log.h"

#define GPR_GLOBAL(i, name)                                                                        \
    {                                                                                              \
        name, X86_LOW32(ENV_OFF(regs[i])), IR_I32                                                  \
    }

static const struct ir_global lift_globals[X86_G_COUNT] = {
    [X86_G_EAX] = GPR_GLOBAL(0, "eax"),
    [X86_G_ECX] = GPR_GLOBAL(1, "ecx"),
    [X86_G_EDX] = GPR_GLOBAL(2, "edx"),
    [X86_G_EBX] = GPR_GLOBAL(3, "ebx"),
    [X86_G_ESP] = GPR_GLOBAL(4, "esp"),
    [X86_G_EBP] = GPR_GLOBAL(5, "ebp"),
    [X86_G_ESI] = GPR_GLOBAL(6, "esi"),
    [X86_G_EDI] = GPR_GLOBAL(7, "edi"),
    [X86_G_EIP] = {"eip", X86_LOW32(ENV_OFF(eip)), IR_I32},
    [X86_G_CC_DST] = {"cc_dst", X86_LOW32(ENV_OFF(cc_dst)), IR_I32},
    [X86_G_CC_SRC] = {"cc_src", X86_LOW32(ENV_OFF(cc_src)), IR_I32},
    [X86_G_CC_SRC2] = {"cc_src2", X86_LOW32(ENV_OFF(cc_src2)), IR_I32},
    [X86_G_CC_OP] = {"cc_op", ENV_OFF(cc_op), IR_I32},
};

const struct ir_global *x86_lift_globals(unsigned *count)
{
    *count = X86_G_COUNT;
    return lift_globals;
}

/* One handler per mnemonic; the Jcc/SETcc/CMOVcc families take the condition
 * from the opcode's low nibble. */
static const lift_fn lift_table[X86_MN_COUNT] = {
    [X86_MN_ADD] = lift_alu,
    [X86_MN_OR] = lift_alu,
    [X86_MN_ADC] = lift_alu,
    [X86_MN_SBB] = lift_alu,
    [X86_MN_AND] = lift_alu,
    [X86_MN_SUB] = lift_alu,
    [X86_MN_XOR] = lift_alu,
    [X86_MN_CMP] = lift_alu,
    [X86_MN_TEST] = lift_alu,
    [X86_MN_INC] = lift_incdec,
    [X86_MN_DEC] = lift_incdec,
    [X86_MN_NEG] = lift_neg,
    [X86_MN_NOT] = lift_not,
    [X86_MN_MUL] = lift_mul1,
    [X86_MN_IMUL] = lift_imul,
    [X86_MN_DIV] = lift_div,
    [X86_MN_IDIV] = lift_div,
    [X86_MN_ROL] = lift_shift,
    [X86_MN_ROR] = lift_shift,
    [X86_MN_RCL] = lift_shift,
    [X86_MN_RCR] = lift_shift,
    [X86_MN_SHL] = lift_shift,
    [X86_MN_SHR] = lift_shift,
    [X86_MN_SAL] = lift_shift,
    [X86_MN_SAR] = lift_shift,
    [X86_MN_SHLD] = lift_shiftd,
    [X86_MN_SHRD] = lift_shiftd,
    [X86_MN_DAA] = lift_bcd,
    [X86_MN_DAS] = lift_bcd,
    [X86_MN_AAA] = lift_bcd,
    [X86_MN_AAS] = lift_bcd,
    [X86_MN_AAM] = lift_aam,
    [X86_MN_AAD] = lift_aad,
    [X86_MN_BT] = lift_bt,
    [X86_MN_BTS] = lift_bt,
    [X86_MN_BTR] = lift_bt,
    [X86_MN_BTC] = lift_bt,
    [X86_MN_BSF] = lift_bitscan,
    [X86_MN_BSR] = lift_bitscan,
    [X86_MN_XADD] = lift_xadd,
    [X86_MN_CMPXCHG] = lift_cmpxchg,

    [X86_MN_JO] = lift_jcc,
    [X86_MN_JNO] = lift_jcc,
    [X86_MN_JB] = lift_jcc,
    [X86_MN_JAE] = lift_jcc,
    [X86_MN_JE] = lift_jcc,
    [X86_MN_JNE] = lift_jcc,
    [X86_MN_JBE] = lift_jcc,
    [X86_MN_JA] = lift_jcc,
    [X86_MN_JS] = lift_jcc,
    [X86_MN_JNS] = lift_jcc,
    [X86_MN_JP] = lift_jcc,
    [X86_MN_JNP] = lift_jcc,
    [X86_MN_JL] = lift_jcc,
    [X86_MN_JGE] = lift_jcc,
    [X86_MN_JLE] = lift_jcc,
    [X86_MN_JG] = lift_jcc,
    [X86_MN_JMP] = lift_jmp,
    [X86_MN_CALL] = lift_call_near,
    [X86_MN_RET] = lift_ret,
    [X86_MN_JMPF] = lift_far,
    [X86_MN_CALLF] = lift_far,
    [X86_MN_RETF] = lift_retf,
    [X86_MN_IRET] = lift_iret,
    [X86_MN_LOOP] = lift_loop,
    [X86_MN_LOOPE] = lift_loop,
    [X86_MN_LOOPNE] = lift_loop,
    [X86_MN_JECXZ] = lift_loop,
    [X86_MN_INT] = lift_int,
    [X86_MN_INT3] = lift_int,
    [X86_MN_INTO] = lift_int,
    [X86_MN_INT1] = lift_int,
    [X86_MN_HLT] = lift_hlt,

    [X86_MN_MOV] = lift_mov,
    [X86_MN_MOVZX] = lift_movx,
    [X86_MN_MOVSX] = lift_movx,
    [X86_MN_LEA] = lift_lea,
    [X86_MN_XCHG] = lift_xchg,
    [X86_MN_PUSH] = lift_push_insn,
    [X86_MN_POP] = lift_pop_insn,
    [X86_MN_PUSHA] = lift_pusha,
    [X86_MN_POPA] = lift_popa,
    [X86_MN_PUSHF] = lift_pushf,
    [X86_MN_POPF] = lift_popf,
    [X86_MN_ENTER] = lift_enter,
    [X86_MN_LEAVE] = lift_leave,
    [X86_MN_LES] = lift_lxs,
    [X86_MN_LDS] = lift_lxs,
    [X86_MN_LSS] = lift_lxs,
    [X86_MN_LFS] = lift_lxs,
    [X86_MN_LGS] = lift_lxs,
    [X86_MN_CWDE] = lift_cbw,
    [X86_MN_CDQ] = lift_cwd,
    [X86_MN_LAHF] = lift_lahf,
    [X86_MN_SAHF] = lift_sahf,
    [X86_MN_CLC] = lift_flagop,
    [X86_MN_STC] = lift_flagop,
    [X86_MN_CMC] = lift_flagop,
    [X86_MN_CLD] = lift_flagop,
    [X86_MN_STD] = lift_flagop,
    [X86_MN_CLI] = lift_flagop,
    [X86_MN_STI] = lift_flagop,
    [X86_MN_XLATB] = lift_xlat,
    [X86_MN_SALC] = lift_salc,
    [X86_MN_NOP] = lift_nop,
    [X86_MN_PAUSE] = lift_nop,
    [X86_MN_WAIT] = lift_fwait,
    [X86_MN_FXSAVE] = lift_fxsave,
    [X86_MN_FXRSTOR] = lift_fxsave,
    [X86_MN_BSWAP] = lift_bswap,
    /* Prefetch hints have no architectural effect (and never fault). */
    [X86_MN_PREFETCHNTA] = lift_nop,
    [X86_MN_PREFETCHT0] = lift_nop,
    [X86_MN_PREFETCHT1] = lift_nop,
    [X86_MN_PREFETCHT2] = lift_nop,
    [X86_MN_PREFETCHW] = lift_nop,
    /* Fences and CLFLUSH order or write back caches jit86 does not model. */
    [X86_MN_LFENCE] = lift_nop,
    [X86_MN_MFENCE] = lift_nop,
    [X86_MN_SFENCE] = lift_nop,
    [X86_MN_CLFLUSH] = lift_nop,
    [X86_MN_IN] = lift_inout,
    [X86_MN_OUT] = lift_inout,
    [X86_MN_MOVSB] = lift_string,
    [X86_MN_MOVS] = lift_string,
    [X86_MN_CMPSB] = lift_string,
    [X86_MN_CMPS] = lift_string,
    [X86_MN_STOSB] = lift_string,
    [X86_MN_STOS] = lift_string,
    [X86_MN_LODSB] = lift_string,
    [X86_MN_LODS] = lift_string,
    [X86_MN_SCASB] = lift_string,
    [X86_MN_SCAS] = lift_string,
    [X86_MN_INSB] = lift_string,
    [X86_MN_INS] = lift_string,
    [X86_MN_OUTSB] = lift_string,
    [X86_MN_OUTS] = lift_string,
    [X86_MN_BOUND] = lift_bound,
    [X86_MN_SETO] = lift_setcc,
    [X86_MN_SETNO] = lift_setcc,
    [X86_MN_SETB] = lift_setcc,
    [X86_MN_SETAE] = lift_setcc,
    [X86_MN_SETE] = lift_setcc,
    [X86_MN_SETNE] = lift_setcc,
    [X86_MN_SETBE] = lift_setcc,
    [X86_MN_SETA] = lift_setcc,
    [X86_MN_SETS] = lift_setcc,
    [X86_MN_SETNS] = lift_setcc,
    [X86_MN_SETP] = lift_setcc,
    [X86_MN_SETNP] = lift_setcc,
    [X86_MN_SETL] = lift_setcc,
    [X86_MN_SETGE] = lift_setcc,
    [X86_MN_SETLE] = lift_setcc,
    [X86_MN_SETG] = lift_setcc,
    [X86_MN_CMOVO] = lift_cmovcc,
    [X86_MN_CMOVNO] = lift_cmovcc,
    [X86_MN_CMOVB] = lift_cmovcc,
    [X86_MN_CMOVAE] = lift_cmovcc,
    [X86_MN_CMOVE] = lift_cmovcc,
    [X86_MN_CMOVNE] = lift_cmovcc,
    [X86_MN_CMOVBE] = lift_cmovcc,
    [X86_MN_CMOVA] = lift_cmovcc,
    [X86_MN_CMOVS] = lift_cmovcc,
    [X86_MN_CMOVNS] = lift_cmovcc,
    [X86_MN_CMOVP] = lift_cmovcc,
    [X86_MN_CMOVNP] = lift_cmovcc,
    [X86_MN_CMOVL] = lift_cmovcc,
    [X86_MN_CMOVGE] = lift_cmovcc,
    [X86_MN_CMOVLE] = lift_cmovcc,
    [X86_MN_CMOVG] = lift_cmovcc,

    [X86_MN_CLTS] = lift_sys_simple,
    [X86_MN_CPUID] = lift_sys_simple,
    [X86_MN_RDTSC] = lift_sys_simple,
    [X86_MN_RDMSR] = lift_sys_simple,
    [X86_MN_WRMSR] = lift_sys_simple,
    [X86_MN_INVD] = lift_sys_simple,
    [X86_MN_WBINVD] = lift_sys_simple,
    [X86_MN_LGDT] = lift_dtable,
    [X86_MN_LIDT] = lift_dtable,
    [X86_MN_SGDT] = lift_dtable,
    [X86_MN_SIDT] = lift_dtable,
    [X86_MN_LLDT] = lift_ldt_tr,
    [X86_MN_LTR] = lift_ldt_tr,
    [X86_MN_SLDT] = lift_store_sysreg,
    [X86_MN_STR] = lift_store_sysreg,
    [X86_MN_SMSW] = lift_store_sysreg,
    [X86_MN_LMSW] = lift_lmsw,
    [X86_MN_INVLPG] = lift_invlpg,
    [X86_MN_ARPL] = lift_arpl,
    [X86_MN_LAR] = lift_desc_query,
    [X86_MN_LSL] = lift_desc_query,
    [X86_MN_VERR] = lift_desc_query,
    [X86_MN_VERW] = lift_desc_query,
    [X86_MN_CMPXCHG8B] = lift_cmpxchg8b,
    [X86_MN_SYSENTER] = lift_sysenter_exit,
    [X86_MN_SYSEXIT] = lift_sysenter_exit,
};

ir_tmp lift_env(struct lift *L)
{
    return ir_env_ptr(L->b);
}

ir_tmp lift_const(struct lift *L, uint32_t v)
{
    return ir_const_i32(L->b, v);
}

ir_tmp lift_gpr_global(struct lift *L, unsigned reg)
{
    return ir_global(L->b, X86_G_EAX + reg);
}

unsigned lift_code_size(const struct lift *L)
{
    return (L->hflags & X86_HF_CS32) ? 4 : 2;
}

unsigned lift_stack_size(const struct lift *L)
{
    return (L->hflags & X86_HF_SS32) ? 4 : 2;
}

unsigned lift_osize(const struct lift *L)
{
    return L->in->osize;
}

/* Register value zero-extended to 32 bits; size 1 registers 4-7 are AH..BH. */
ir_tmp lift_get_reg(struct lift *L, unsigned reg, unsigned size)
{
    ir_tmp v = ir_new_i32(L->b);
    if (size == 1 && reg >= 4)
        ir_extract(L->b, v, lift_gpr_global(L, reg - 4), 8, 8);
    else if (size == 1)
        ir_ext8u(L->b, v, lift_gpr_global(L, reg));
    else if (size == 2)
        ir_ext16u(L->b, v, lift_gpr_global(L, reg));
    else
        ir_mov(L->b, v, lift_gpr_global(L, reg));
    return v;
}

void lift_set_reg(struct lift *L, unsigned reg, unsigned size, ir_tmp v)
{
    if (size == 1 && reg >= 4) {
        ir_tmp g = lift_gpr_global(L, reg - 4);
        ir_deposit(L->b, g, g, v, 8, 8);
    } else if (size < 4) {
        ir_tmp g = lift_gpr_global(L, reg);
        ir_deposit(L->b, g, g, v, 0, size * 8);
    } else {
        ir_mov(L->b, lift_gpr_global(L, reg), v);
    }
}

void lift_call(struct lift *L, enum x86_helper h, ir_tmp ret, unsigned n, const ir_tmp *args)
{
    ir_call(L->b, h, ret, n, args);
}

ir_tmp lift_call_ret(struct lift *L, enum x86_helper h, unsigned n, const ir_tmp *args)
{
    ir_tmp r = ir_new_i32(L->b);
    ir_call(L->b, h, r, n, args);
    return r;
}

/* Raises vector unconditionally: the rest of the block is never reached. */
void lift_raise(struct lift *L, unsigned vector, unsigned error)
{
    ir_tmp a[3] = {lift_env(L), lift_const(L, vector), lift_const(L, error)};
    lift_call(L, X86_HELPER_raise_exception, a[0], 3, a);
    ir_exit_tb(L->b, X86_EXIT_NORMAL);
    L->end = true;
}

/* Every block first counts itself against the budget and leaves when it
 * runs out or an exit is requested (X86_EXIT_BIAS makes a request look like
 * an exhausted budget): one decrement and one test keep chained loops
 * interruptible and cpu_exec's run length exact whether blocks return to
 * the loop or not. The loop gives the block that left its count back. */
static void lift_exit_check(struct lift *L)
{
    ir_tmp n = ir_new_i32(L->b);
    ir_label go = ir_new_label(L->b);
    ir_ld(L->b, n, ENV_OFF(block_budget), IR_MEMOP(IR_MO_32, 0, 0));
    ir_subi(L->b, n, n, 1);
    ir_st(L->b, n, ENV_OFF(block_budget), IR_MEMOP(IR_MO_32, 0, 0));
    ir_brcondi(L->b, IR_COND_GE, n, 0, go);
    ir_exit_tb(L->b, X86_EXIT_BUDGET);
    ir_set_label(L->b, go);
}

/* The instruction after STI / MOV SS / POP SS runs with interrupts held off
 * (SDM Vol. 3A §6.8.3). Such a block holds that one instruction, drops the
 * shadow before it (the instruction may set it anew) and requests an exit so
 * the loop looks at interrupts right after it, even when the next block is
 * chained. The entry check just passed, so no request is pending yet. */
static void lift_interrupt_shadow(struct lift *L)
{
    ir_tmp h = ir_new_i32(L->b), n = ir_new_i32(L->b);
    ir_ld(L->b, h, ENV_OFF(hflags), IR_MEMOP(IR_MO_32, 0, 0));
    ir_andi(L->b, h, h, ~X86_HF_INHIBIT);
    ir_st(L->b, h, ENV_OFF(hflags), IR_MEMOP(IR_MO_32, 0, 0));
    ir_ld(L->b, n, ENV_OFF(block_budget), IR_MEMOP(IR_MO_32, 0, 0));
    ir_subi(L->b, n, n, X86_EXIT_BIAS);
    ir_st(L->b, n, ENV_OFF(block_budget), IR_MEMOP(IR_MO_32, 0, 0));
}

static void lift_decode_error(struct lift *L, enum x86_decode_status st)
{
    if (st == X86_DECODE_GP)
        lift_raise(L, 13, 0);
    else if (st == X86_DECODE_FETCH_FAULT)
        lift_raise(L, 13, 0); /* code beyond CS or unmapped: #GP in real mode */
    else
        lift_raise(L, 6, 0);
}

/* ESC (D8-DF): #NM with CR0.EM (or TS); without a coprocessor and EM clear
 * the instruction does nothing, as on the 8086/286 machines real-mode code
 * probes for one. */
static bool lift_esc(struct lift *L)
{
    if (L->in->map != X86_MAP_ONEBYTE || L->in->opcode < 0xd8 || L->in->opcode > 0xdf)
        return false;
    if (L->hflags & (X86_HF_EM | X86_HF_TS))
        lift_raise(L, 7, 0);
    else if (L->cfg->fpu)
        lift_x87(L);
    return true;
}

static void lift_one(struct lift *L)
{
    if (lift_esc(L))
        return;
    lift_fn fn = L->in->mnemonic < X86_MN_COUNT ? lift_table[L->in->mnemonic] : NULL;
    if (!fn && lift_is_sse(L->in))
        fn = lift_sse;
    if (!fn) {
        log_mask_printf(LOG_UNIMP, "lift: %s at %08x not implemented: #UD\n", x86_instr_name(L->in),
                        L->eip);
        lift_raise(L, 6, 0);
        return;
    }
    fn(L);
}

void x86_lift_block(struct ir_block *b, const struct x86_lift_config *cfg,
                    struct x86_lift_result *res)
{
    struct lift L = {
        .b = b, .cfg = cfg, .eip = cfg->eip, .hflags = cfg->hflags, .cc_op = X86_CC_DYNAMIC};
    bool shadow = (cfg->hflags & X86_HF_INHIBIT) != 0;
    unsigned max = shadow ? 1 : cfg->max_insns ? cfg->max_insns : X86_LIFT_MAX_INSNS;
    uint64_t start = (cfg->cs_base + cfg->eip) & 0xffffffffu;
    /* Decoded with the x87 always present: lift_esc decides what ESC does. */
    struct x86_decode_ctx dc = {cfg->fetch, cfg->opaque, (uint8_t)lift_code_size(&L),
                                cfg->features | X86_FEATURE_BIT(X86_FEAT_FPU)};
    struct x86_instr in;
    *res = (struct x86_lift_result){.last_byte = start};
    lift_exit_check(&L);
    if (shadow)
        lift_interrupt_shadow(&L);
    for (;;) {
        uint64_t lin = (cfg->cs_base + L.eip) & 0xffffffffu;
        enum x86_decode_status st = x86_decode(&in, &dc, lin);
        L.in = &in;
        L.next_eip = L.eip + in.len;
        if (lift_code_size(&L) == 2)
            L.next_eip &= 0xffff;
        L.ea_done = false;
        L.stop = false;
        L.relookup = false;
        if (st == X86_DECODE_FETCH_FAULT) {
            /* An instruction running into a page that cannot be fetched:
             * the instructions before it run as a block of their own, and
             * a block that starts with it reports the fault to the caller,
             * which raises the page's own fault (#PF with its CR2), never
             * a cached one: once the guest maps the page, it runs. */
            if (res->ninsns > 0) {
                lift_exit_jump(&L, 0, L.eip);
                return;
            }
            res->fetch_fault = true;
            res->fault_addr = in.fault_addr;
        }
        ir_insn_start(b, L.eip, L.cc_op);
        if (st != X86_DECODE_OK)
            lift_decode_error(&L, st);
        else
            lift_one(&L);
        res->ninsns++;
        res->size += in.len ? in.len : 1;
        res->last_byte = lin + (in.len ? in.len - 1u : 0u);
        if (L.end)
            return;
        uint64_t next = (cfg->cs_base + L.next_eip) & 0xffffffffu;
        bool new_page = (next >> 12) != (start >> 12) || (res->last_byte >> 12) != (start >> 12);
        if (L.relookup) {
            lift_exit_lookup(&L, L.next_eip);
            return;
        }
        if (L.stop || new_page || res->ninsns >= max || b->nops > 2000 || next != lin + in.len) {
            lift_exit_jump(&L, 0, L.next_eip);
            return;
        }
        L.eip = L.next_eip;
    }
}
