/* Exceptions and interrupts: raising (fault state restored through the block's
 * restore records), the double-fault rules (SDM Vol. 3A §6.15, table 6-5),
 * and real-mode delivery through the IVT (Vol. 3A §20.1.4). */
#include "cpu-internal.h"
#include "translator/log.h"

#include <stdio.h>

enum exc_class { EXC_BENIGN, EXC_CONTRIBUTORY, EXC_PAGE_FAULT, EXC_DOUBLE };

static enum exc_class exc_class_of(unsigned v)
{
    if (v == 0 || (v >= 10 && v <= 13))
        return EXC_CONTRIBUTORY;
    if (v == 14)
        return EXC_PAGE_FAULT;
    if (v == 8)
        return EXC_DOUBLE;
    return EXC_BENIGN;
}

static bool has_error_code(unsigned v)
{
    return v == 8 || (v >= 10 && v <= 14) || v == 17;
}

/* Table 6-5: a contributory fault or a page fault while delivering a
 * contributory fault or page fault (the page fault only after one) is #DF; a
 * fault while delivering #DF shuts the processor down. */
void cpu_queue_exception(CPUX86State *env, unsigned vector, uint32_t error_code, bool soft,
                         uint32_t next_eip)
{
    struct x86_cpu *cpu = cpu_of(env);
    if (cpu->delivering && !soft) {
        enum exc_class first = exc_class_of((unsigned)env->exc_first);
        enum exc_class second = exc_class_of(vector);
        if (first == EXC_DOUBLE) {
            log_mask_printf(LOG_INT, "int: fault %u while delivering #DF: shutdown\n", vector);
            env->shutdown = true;
            env->exc_vector = -1;
            return;
        }
        if ((first == EXC_CONTRIBUTORY && second == EXC_CONTRIBUTORY) ||
            (first == EXC_PAGE_FAULT && second != EXC_BENIGN)) {
            vector = 8;
            error_code = 0;
        }
    }
    env->exc_vector = (int32_t)vector;
    env->exc_error = error_code;
    env->exc_has_error = !soft && has_error_code(vector);
    env->exc_soft = soft;
    env->exc_external = false;
    env->exc_next_eip = next_eip;
}

/* The state before the instruction that raises: its EIP and cc_op from the
 * block's restore record. For INT n too, so that faults its delivery raises
 * (a not-present gate, a gate DPL below CPL) report the INT itself. */
void cpu_restore_state(struct x86_cpu *cpu)
{
    uint64_t data[2];
    /* The innermost call site of the running block: the interpreter's current
     * op, or the native backend's helper call found from its fixed frame. */
    if (cpu->in_block && tb_restore_state(cpu->tr, translator_host_pc(cpu->tr, 0), data)) {
        cpu->env.eip = (uint32_t)data[0];
        if (data[1] != X86_CC_DYNAMIC)
            cpu->env.cc_op = (uint32_t)data[1];
    }
}

__attribute__((noreturn)) void cpu_raise_exception(CPUX86State *env, unsigned vector,
                                                   uint32_t error_code)
{
    struct x86_cpu *cpu = cpu_of(env);
    cpu_restore_state(cpu);
    log_mask_printf(LOG_ICOUNT, "icount: %llu exception %u error %#x at %08x\n",
                    (unsigned long long)cpu_icount_blocks(cpu), vector, error_code,
                    (uint32_t)env->eip);
    log_mask_printf(LOG_INT, "int: exception %u error %#x at %04x:%08x\n", vector, error_code,
                    env->segs[X86_SEG_CS].selector, (uint32_t)env->eip);
    cpu_queue_exception(env, vector, error_code, false, 0);
    cpu->in_block = false;
    longjmp(cpu->jmp, CPU_JMP_EXCEPTION);
}

__attribute__((noreturn)) void cpu_raise_interrupt(CPUX86State *env, unsigned vector,
                                                   uint32_t next_eip)
{
    struct x86_cpu *cpu = cpu_of(env);
    cpu_restore_state(cpu);
    log_mask_printf(LOG_INT, "int: INT %#x at %04x:%08x\n", vector, env->segs[X86_SEG_CS].selector,
                    next_eip);
    cpu_queue_exception(env, vector, 0, true, next_eip);
    cpu->in_block = false;
    longjmp(cpu->jmp, CPU_JMP_EXCEPTION);
}

void x86_helper_raise_exception(CPUX86State *env, uint32_t vector, uint32_t error)
{
    cpu_raise_exception(env, vector, error);
}

/* INT n in virtual-8086 mode with IOPL < 3 is #GP(0) (SDM Vol. 3A §20.3.3). */
void x86_helper_raise_interrupt(CPUX86State *env, uint32_t vector, uint32_t next_eip)
{
    if ((vector & 0x100) && (env->eflags & X86_VM) && (env->eflags & X86_IOPL) != X86_IOPL)
        cpu_raise_exception(env, 13, 0);
    cpu_raise_interrupt(env, vector & 0xff, next_eip);
}

void x86_helper_into(CPUX86State *env, uint32_t next_eip)
{
    if (cpu_compute_eflags(env) & X86_OF)
        cpu_raise_interrupt(env, 4, next_eip);
}

/* Real mode: IVT entry vector*4 (offset, segment), push FLAGS, CS, IP, clear
 * IF, TF and AC (SDM Vol. 3A §20.1.4). */
static void deliver_real(CPUX86State *env, unsigned vector, uint32_t ret_eip)
{
    if (vector * 4u + 3u > env->idt.limit)
        cpu_raise_exception(env, 13, vector * 8u + 2u);
    uint32_t ent = (uint32_t)env->idt.base + vector * 4u;
    uint32_t off = cpu_ld_lin(env, ent, 2), sel = cpu_ld_lin(env, ent + 2, 2);
    struct cpu_stack s;
    cpu_stack_begin(env, &s);
    cpu_stack_push(env, &s, cpu_compute_eflags(env), 2);
    cpu_stack_push(env, &s, env->segs[X86_SEG_CS].selector, 2);
    cpu_stack_push(env, &s, ret_eip, 2);
    cpu_stack_commit(env, &s);
    env->eflags &= ~(X86_IF | X86_TF | X86_AC | X86_RF);
    cpu_load_seg_real(env, X86_SEG_CS, (uint16_t)sel);
    env->eip = off;
    cpu_update_hflags(env);
}

void cpu_deliver_exception(CPUX86State *env)
{
    struct x86_cpu *cpu = cpu_of(env);
    unsigned vector = (unsigned)env->exc_vector;
    uint32_t ret = env->exc_soft ? env->exc_next_eip : (uint32_t)env->eip;
    cpu->delivering = true;
    env->exc_first = (int32_t)vector;
    env->halted = false;
    if (env->cr[0] & X86_CR0_PE) {
        cpu_deliver_pm(env, vector, env->exc_error, env->exc_has_error, env->exc_soft, ret);
    } else {
        deliver_real(env, vector, ret);
    }
    env->exc_vector = -1;
    env->exc_first = -1;
    cpu->delivering = false;
}
