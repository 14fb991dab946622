/* Shared state and building blocks of the lifter files (lift-*.c): operand
 * access, effective addresses with segment checks, lazy flags, block exits. */
#ifndef JIT86_FRONTEND_LIFT_INTERNAL_H
#define JIT86_FRONTEND_LIFT_INTERNAL_H

#include "frontend/lift.h"

#include <stddef.h>

struct lift {
    struct ir_block *b;
    const struct x86_lift_config *cfg;
    const struct x86_instr *in;
    uint32_t eip;      /* offset of the instruction */
    uint32_t next_eip; /* offset after it */
    uint32_t hflags;
    enum x86_cc_op cc_op; /* known statically, or X86_CC_DYNAMIC */
    bool end;             /* the block ends after this instruction (EIP stored, exit emitted) */
    bool stop;            /* end the block after this instruction with a plain fall-through */
    bool relookup;        /* ... through goto_ptr: the block key may have changed */
    /* The memory operand's address, computed once per instruction. */
    bool ea_done;
    ir_tmp ea_off;
};

typedef void (*lift_fn)(struct lift *L);

#define ENV_OFF(field) ((uint32_t)offsetof(struct x86_state, field))

/* lift.c */
ir_tmp lift_env(struct lift *L);
ir_tmp lift_const(struct lift *L, uint32_t v);
ir_tmp lift_gpr_global(struct lift *L, unsigned reg);
ir_tmp lift_get_reg(struct lift *L, unsigned reg, unsigned size);
void lift_set_reg(struct lift *L, unsigned reg, unsigned size, ir_tmp v);
void lift_call(struct lift *L, enum x86_helper h, ir_tmp ret, unsigned n, const ir_tmp *args);
ir_tmp lift_call_ret(struct lift *L, enum x86_helper h, unsigned n, const ir_tmp *args);
void lift_raise(struct lift *L, unsigned vector, unsigned error);
unsigned lift_code_size(const struct lift *L);
unsigned lift_stack_size(const struct lift *L);
unsigned lift_osize(const struct lift *L);

/* lift-operand.c */
ir_tmp lift_seg_base(struct lift *L, unsigned seg);
ir_tmp lift_seg_selector(struct lift *L, unsigned seg);
/* Offset and linear address of the memory operand (segment limit checked for
 * an access of size bytes). */
ir_tmp lift_ea_offset(struct lift *L);
ir_tmp lift_ea(struct lift *L, unsigned size);
ir_tmp lift_ea_w(struct lift *L, unsigned size); /* for a write */
/* Linear address of seg:off for size bytes, limit checked (off already sized). */
ir_tmp lift_linear(struct lift *L, unsigned seg, ir_tmp off, unsigned size);
ir_tmp lift_linear_w(struct lift *L, unsigned seg, ir_tmp off, unsigned size);
ir_tmp lift_load(struct lift *L, ir_tmp lin, unsigned size);
void lift_store(struct lift *L, ir_tmp lin, ir_tmp v, unsigned size);
ir_tmp lift_read_op(struct lift *L, unsigned i);
void lift_write_op(struct lift *L, unsigned i, ir_tmp v);
unsigned lift_op_size(const struct lift *L, unsigned i);
bool lift_op_is_mem(const struct lift *L, unsigned i);
ir_tmp lift_trunc(struct lift *L, ir_tmp v, unsigned size);
ir_tmp lift_sext(struct lift *L, ir_tmp v, unsigned size);
/* Stack: push v (size bytes); pop returns the value, committing ESP with
 * lift_pop_commit once the instruction cannot fault any more. */
void lift_push(struct lift *L, ir_tmp v, unsigned size);
ir_tmp lift_pop_peek(struct lift *L, unsigned size, unsigned offset);
void lift_sp_add(struct lift *L, unsigned bytes);

/* lift-flags.c */
void lift_set_cc(struct lift *L, enum x86_cc_op op, ir_tmp dst, ir_tmp src, ir_tmp src2);
void lift_set_eflags_arith(struct lift *L, ir_tmp flags);
ir_tmp lift_arith_flags(struct lift *L);
ir_tmp lift_cf(struct lift *L);
/* Condition code 0-15 (Jcc order) as 0/1. */
ir_tmp lift_cond(struct lift *L, unsigned cc);

/* lift-ctrl.c: block exits */
void lift_exit_jump(struct lift *L, unsigned slot, uint32_t target);
void lift_exit_indirect(struct lift *L, ir_tmp eip);
void lift_exit_code(struct lift *L, uint32_t eip, unsigned code);
void lift_exit_after_helper(struct lift *L);
void lift_exit_lookup(struct lift *L, uint32_t eip);

/* Handlers, by file. */
void lift_alu(struct lift *L);
void lift_incdec(struct lift *L);
void lift_neg(struct lift *L);
void lift_not(struct lift *L);
void lift_mul1(struct lift *L);
void lift_imul(struct lift *L);
void lift_div(struct lift *L);
void lift_shift(struct lift *L);
void lift_shiftd(struct lift *L);
void lift_bcd(struct lift *L);
void lift_aam(struct lift *L);
void lift_aad(struct lift *L);
void lift_bt(struct lift *L);
void lift_bitscan(struct lift *L);
void lift_xadd(struct lift *L);
void lift_cmpxchg(struct lift *L);

void lift_jcc(struct lift *L);
void lift_jmp(struct lift *L);
void lift_call_near(struct lift *L);
void lift_ret(struct lift *L);
void lift_far(struct lift *L);
void lift_retf(struct lift *L);
void lift_iret(struct lift *L);
void lift_loop(struct lift *L);
void lift_int(struct lift *L);
void lift_hlt(struct lift *L);

void lift_mov(struct lift *L);
void lift_mov_seg(struct lift *L);
void lift_movx(struct lift *L);
void lift_lea(struct lift *L);
void lift_xchg(struct lift *L);
void lift_push_insn(struct lift *L);
void lift_pop_insn(struct lift *L);
void lift_pusha(struct lift *L);
void lift_popa(struct lift *L);
void lift_pushf(struct lift *L);
void lift_popf(struct lift *L);
void lift_enter(struct lift *L);
void lift_leave(struct lift *L);
void lift_lxs(struct lift *L);
void lift_cbw(struct lift *L);
void lift_cwd(struct lift *L);
void lift_lahf(struct lift *L);
void lift_sahf(struct lift *L);
void lift_flagop(struct lift *L);
void lift_xlat(struct lift *L);
void lift_salc(struct lift *L);
void lift_setcc(struct lift *L);
void lift_cmovcc(struct lift *L);
void lift_bswap(struct lift *L);
void lift_nop(struct lift *L);
void lift_inout(struct lift *L);
void lift_string(struct lift *L);
void lift_bound(struct lift *L);

/* lift-sys.c */
bool lift_is_cr_mov(const struct lift *L);
void lift_mov_cr(struct lift *L);
void lift_sys_simple(struct lift *L);
void lift_dtable(struct lift *L);
void lift_ldt_tr(struct lift *L);
void lift_store_sysreg(struct lift *L);
void lift_lmsw(struct lift *L);
void lift_invlpg(struct lift *L);
void lift_arpl(struct lift *L);
void lift_desc_query(struct lift *L);
void lift_cmpxchg8b(struct lift *L);
void lift_sysenter_exit(struct lift *L);

#endif
