/* The x86 guest state (DESIGN.md's CPUX86State): registers, lazy flags, segment
 * registers with their hidden descriptor caches (Intel SDM Vol. 3A §3.4.3),
 * control, debug and table registers, and the softmmu TLB after the hot fields. */
#ifndef JIT86_FRONTEND_CPU_STATE_H
#define JIT86_FRONTEND_CPU_STATE_H

#include "frontend/decode.h"
#include "softmmu/tlb.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* GPR numbers follow the ModRM encoding; 8-15 are room for long mode. */
enum x86_gpr { X86_EAX, X86_ECX, X86_EDX, X86_EBX, X86_ESP, X86_EBP, X86_ESI, X86_EDI };
#define X86_NGPRS 16

/* EFLAGS bits, SDM Vol. 1 §3.4.3. */
#define X86_CF   0x0001u
#define X86_PF   0x0004u
#define X86_AF   0x0010u
#define X86_ZF   0x0040u
#define X86_SF   0x0080u
#define X86_TF   0x0100u
#define X86_IF   0x0200u
#define X86_DF   0x0400u
#define X86_OF   0x0800u
#define X86_IOPL 0x3000u
#define X86_NT   0x4000u
#define X86_RF   0x10000u
#define X86_VM   0x20000u
#define X86_AC   0x40000u
#define X86_VIF  0x80000u
#define X86_VIP  0x100000u
#define X86_ID   0x200000u
/* The six arithmetic flags kept lazily in cc_* (never in eflags). */
#define X86_ARITH_FLAGS (X86_CF | X86_PF | X86_AF | X86_ZF | X86_SF | X86_OF)

/* CR0 bits, SDM Vol. 3A §2.5. */
#define X86_CR0_PE 0x00000001u
#define X86_CR0_MP 0x00000002u
#define X86_CR0_EM 0x00000004u
#define X86_CR0_TS 0x00000008u
#define X86_CR0_ET 0x00000010u
#define X86_CR0_NE 0x00000020u
#define X86_CR0_WP 0x00010000u
#define X86_CR0_AM 0x00040000u
#define X86_CR0_PG 0x80000000u

/* CR4 bits, SDM Vol. 3A §2.5. */
#define X86_CR4_OSFXSR 0x00000200u

/* Lazy flags: how cc_dst/cc_src/cc_src2 describe the arithmetic flags of the
 * last flag-setting instruction (DESIGN.md "Lazy flags"). One row per kind;
 * each kind exists for byte, word and dword operands (B, W, L), in that order.
 *   ADD:  dst = result, src = second operand
 *   ADC:  as ADD, src2 = carry in
 *   SUB:  dst = result, src = second operand (CMP, NEG with first operand 0)
 *   SBB:  as SUB, src2 = borrow in
 *   LOGIC: dst = result, src = 0 (CF = OF = AF = 0; reads as SUB's record)
 *   INC/DEC: dst = result, src = the CF before (INC/DEC keep it)
 *   SHL:  dst = result, src = operand shifted left by count - 1 (CF = its top bit)
 *   SHR/SAR: dst = result, src = operand shifted right by count - 1 (CF = bit 0);
 *         SHR's OF is the operand's top bit (count 1), SAR's is 0
 *   MUL:  dst = low half, src = nonzero when the product does not fit (CF = OF)
 *   ROT:  ROL/ROR (any size): the previous record with CF and OF replaced; dst and src are the
 *         previous kind's, src2 = previous kind (bits 0-7, never ROT) | previous src2 (bit 8,
 *         the carry in of ADC/SBB) | the new CF and OF as EFLAGS bits << 16
 * EFLAGS: src holds the six flags as bits; dst and src2 unused.
 * Only ADC, SBB and ROT read src2: the other kinds leave whatever it held. */
#define X86_CC_KINDS(X)                                                                            \
    X(ADD) X(ADC) X(SUB) X(SBB) X(LOGIC) X(INC) X(DEC) X(SHL) X(SHR) X(SAR) X(MUL) X(ROT)

enum x86_cc_op {
    X86_CC_EFLAGS,
#define X(k) X86_CC_##k##B, X86_CC_##k##W, X86_CC_##k##L,
    X86_CC_KINDS(X)
#undef X
        X86_CC_COUNT,
    /* Lifter only: the value is in env, unknown at translation time. */
    X86_CC_DYNAMIC = 0xff,
};

/* The kind's byte variant plus 0, 1, 2 for operand sizes 1, 2, 4. */
static inline enum x86_cc_op x86_cc_sized(enum x86_cc_op byte_variant, unsigned size)
{
    return (enum x86_cc_op)(byte_variant + (size == 1 ? 0 : size == 2 ? 1 : 2));
}

/* A segment register and its hidden part (SDM Vol. 3A §3.4.3, §5.2). flags
 * holds descriptor bytes 5-6 in the positions they have in the descriptor's
 * high dword (type, S, DPL, P, AVL, L, D/B, G). */
struct x86_segment {
    uint64_t base;
    uint32_t limit; /* in bytes, granularity applied */
    uint32_t flags;
    uint16_t selector;
};
#define X86_DESC_TYPE_SHIFT 8
#define X86_DESC_S          (1u << 12)
#define X86_DESC_DPL_SHIFT  13
#define X86_DESC_P          (1u << 15)
#define X86_DESC_B          (1u << 22)
#define X86_DESC_G          (1u << 23)

struct x86_dtable {
    uint64_t base;
    uint32_t limit;
};

/* hflags: mode bits the translation depends on (part of the block key). */
#define X86_HF_CS32      0x0001u /* CS.D: 32-bit code */
#define X86_HF_SS32      0x0002u /* SS.B: 32-bit stack */
#define X86_HF_PE        0x0004u
#define X86_HF_VM        0x0008u
#define X86_HF_CPL_SHIFT 4 /* 2 bits */
#define X86_HF_CPL_MASK  (3u << X86_HF_CPL_SHIFT)
#define X86_HF_PG        0x0040u
#define X86_HF_TF        0x0080u
#define X86_HF_INHIBIT   0x0100u /* interrupt shadow after STI / MOV SS / POP SS */
#define X86_HF_EM        0x0200u /* CR0.EM: x87 instructions raise #NM */
#define X86_HF_TS        0x0400u /* CR0.TS */
#define X86_HF_BP        0x0800u /* an instruction breakpoint is enabled in DR7 */
/* Block key only, never in env->hflags (the loop derives it from the segment
 * caches at each lookup): protected mode with ES, SS and DS all flat, i.e.
 * base 0, limit 4 GiB, present, writable expand-up data. The lifter then
 * drops their per-access type and limit checks. */
#define X86_HF_FLAT32 0x1000u
/* Block key only, like X86_HF_FLAT32: CR4.OSFXSR, so the inline SSE forms
 * need no run-time check of it. */
#define X86_HF_OSFXSR 0x2000u
/* Segment flags of a flat segment: P, S, data (not code), expand-up, W. */
#define X86_FLAT_FLAGS_MASK  0x9e00u
#define X86_FLAT_FLAGS_VALUE 0x9200u

/* Segment cache of the real-mode reset state and of every real-mode load:
 * present, writable data, 64 KiB (the limit survives for big real mode). */
#define X86_SEG_REAL_FLAGS (X86_DESC_P | X86_DESC_S | (3u << X86_DESC_TYPE_SHIFT))

/* x87 FPU (SDM Vol. 1 §8.1): physical registers R0-R7 in floatx80's layout
 * (cpu/fpu/floatx80.h), ST(i) = R((top + i) & 7). sw holds every status bit
 * except TOP (bits 11-13, kept in top); the tag word keeps only "empty" per
 * register, as FSTENV/FSAVE recompute valid/zero/special from the contents. */
struct x86_fpreg {
    uint64_t sig;
    uint16_t se;
    uint16_t pad[3];
};
struct x86_fpu {
    struct x86_fpreg r[8];
    uint16_t cw, sw;
    uint8_t top;
    uint8_t empty; /* bit i: R(i) is empty (tag 11) */
    uint16_t fop;  /* last non-control instruction: opcode bits 10-0 */
    uint32_t fip, fdp;
    uint16_t fcs, fds;
    uint32_t mxcsr; /* SSE control/status (SDM Vol. 1 §10.2.3), cpu/softfloat/sf.h bits */
};
/* MMX register i (SDM Vol. 1 §9.2.1, §9.5.1) is the significand of R(i); an MMX write sets
 * the exponent and sign bits to all ones. */

/* An XMM register (SDM Vol. 1 §10.2.2): byte i of the register is byte i % 8 of q[i / 8]
 * read as a little-endian quadword, so lane access is the same on every host. */
struct x86_xmm {
    uint64_t q[2];
};
#define X86_FPU_SW_ES  0x0080u
#define X86_FPU_SW_SF  0x0040u
#define X86_FPU_SW_B   0x8000u
#define X86_FPU_SW_TOP 0x3800u

struct x86_state {
    /* Hot fields: IR globals and what every block reads. */
    uint64_t regs[X86_NGPRS]; /* 64-bit storage for long mode; IR uses the low 32 bits */
    uint64_t eip;
    uint64_t cc_dst, cc_src, cc_src2;
    uint32_t cc_op;  /* enum x86_cc_op */
    uint32_t eflags; /* every bit except X86_ARITH_FLAGS; bit 1 always set */
    uint32_t hflags;
    /* Blocks left before cpu_exec returns (chained ones too), less
     * X86_EXIT_BIAS while an exit is requested: each block entry decrements
     * it and leaves when it goes negative, one test for both (cpu/exec.c). */
    int32_t block_budget;
    struct x86_segment segs[6]; /* enum x86_seg order: ES CS SS DS FS GS */

    /* System registers. */
    struct x86_segment ldt, tr;
    struct x86_dtable gdt, idt;
    uint64_t cr[5];
    uint64_t dr[8];
    uint64_t tsc;
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t apic_base;

    /* Execution bookkeeping. */
    bool halted;
    bool irq_pending; /* INTR pin level */
    bool a20_enabled;
    bool shutdown;      /* triple fault: the machine stops (or resets) */
    int32_t exc_vector; /* exception being delivered, -1 when none */
    uint32_t exc_error;
    bool exc_has_error;
    int32_t exc_first;     /* contributory/page-fault class being delivered (#DF rules) */
    uint32_t exc_next_eip; /* software interrupts: EIP pushed */
    bool exc_soft;
    bool exc_external; /* hardware interrupt: no gate DPL check */

    struct x86_fpu fpu;
    struct x86_xmm xmm[8];

    /* The TLB last: the fast path indexes it from env (DESIGN.md, softmmu/tlb.h). */
    struct mmu_tlb tlb;
};
typedef struct x86_state CPUX86State;

/* An exit request (an interrupt to look at, cpu_exit_request) subtracts
 * X86_EXIT_BIAS from block_budget, so the next block entry sees it below
 * zero, and the loop adds it back: every decrement made meanwhile is kept,
 * so the block count stays exact. Budgets stay below the bias. */
#define X86_EXIT_BIAS  (1 << 30)
#define X86_BUDGET_MAX (X86_EXIT_BIAS - 1)

static inline bool x86_exit_requested(const CPUX86State *env)
{
    /* A budget at most a few blocks below zero is not a request. */
    return env->block_budget < -(X86_EXIT_BIAS / 2);
}

/* Byte offset of the low 32 bits of a 64-bit field (the IR global). */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define X86_LOW32(off) ((off) + 4)
#else
#define X86_LOW32(off) (off)
#endif

/* IR globals of the lifter, in this order (frontend/lift.c builds the table). */
enum x86_global {
    X86_G_EAX,
    X86_G_ECX,
    X86_G_EDX,
    X86_G_EBX,
    X86_G_ESP,
    X86_G_EBP,
    X86_G_ESI,
    X86_G_EDI,
    X86_G_EIP,
    X86_G_CC_DST,
    X86_G_CC_SRC,
    X86_G_CC_SRC2,
    X86_G_CC_OP,
    X86_G_COUNT
};

#endif
