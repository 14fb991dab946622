/* Guest test runtime: the C side of interrupt delivery. Routes each vector to
 * a test's handler, to an active rt_call_catch/rt_user_call, or reports an
 * unexpected exception and exits (SDM vol. 3, 6.12 stack frames). */
#include "runtime.h"

#define VEC_USER_RETURN 0xFF

static rt_handler handlers[256];
extern uint32_t rt_catch_esp;
extern struct rt_fault *rt_catch_fault;
extern char rt_catch_unwind[];

void rt_set_handler(int vector, rt_handler handler)
{
    handlers[vector] = handler;
}

static void unwind(struct rt_frame *f, uint32_t result)
{
    f->eax = result;
    f->eip = (uint32_t)rt_catch_unwind;
    f->cs = RT_SEL_KCODE;
    /* Clearing VM makes the IRET a same-privilege return to 32-bit code. */
    f->eflags &= ~(RT_TF | RT_IF | RT_VM);
}

void rt_trap_init(void)
{
    rt_set_gate(VEC_USER_RETURN, RT_GATE_INT32, 3);
}

void rt_dispatch(struct rt_frame *f);
void rt_dispatch(struct rt_frame *f)
{
    /* The stubs push the vector with a sign-extending push imm8. */
    uint32_t v = f->vector & 0xFF;

    f->vector = v;
    if (handlers[v]) {
        handlers[v](f);
        return;
    }
    if (rt_catch_esp && v == VEC_USER_RETURN) {
        unwind(f, 0);
        return;
    }
    if (rt_catch_esp && v < 32) {
        rt_catch_fault->vector = v;
        rt_catch_fault->error = f->error;
        rt_catch_fault->eip = f->eip;
        rt_catch_fault->cs = f->cs & 0xFFFF;
        rt_catch_fault->cr2 = rt_read_cr2();
        unwind(f, 1);
        return;
    }
    rt_printf("@@ unexpected exception: vector %u error 0x%x at %04x:%08x eflags %08x\n", v,
              f->error, f->cs & 0xFFFF, f->eip, f->eflags);
    if (v == 14)
        rt_printf("@@ cr2 %08x\n", rt_read_cr2());
    rt_exit(RT_EXIT_EXCEPTION);
}
