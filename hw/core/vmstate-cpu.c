/* State description of the x86 CPU (frontend/cpu-state.h): GPRs, EIP, lazy
 * flags, segments with their descriptor caches (SDM Vol. 3A §3.4.3), control,
 * debug and table registers, MSRs, x87 (Vol. 1 §8.1) and SSE (§10.2) state,
 * the INTR pin, HLT and TSC offset. Not the TLB: the loader flushes it. */
#include "vmstate.h"

#include "cpu/cpu.h"

#define F(T, f, t) VMS_FIELD(T, f, t)
#define A(T, f, t) VMS_ARRAY(T, f, t)

static const struct vms_field seg_fields[] = {
    F(struct x86_segment, base, VMS_U64),
    F(struct x86_segment, limit, VMS_U32),
    F(struct x86_segment, flags, VMS_U32),
    F(struct x86_segment, selector, VMS_U16),
    VMS_END,
};
static const struct vms_desc seg_desc = {"x86-segment", 1, 1, seg_fields, NULL};

static const struct vms_field dtable_fields[] = {
    F(struct x86_dtable, base, VMS_U64),
    F(struct x86_dtable, limit, VMS_U32),
    VMS_END,
};
static const struct vms_desc dtable_desc = {"x86-dtable", 1, 1, dtable_fields, NULL};

static const struct vms_field fpreg_fields[] = {
    F(struct x86_fpreg, sig, VMS_U64),
    F(struct x86_fpreg, se, VMS_U16),
    VMS_END,
};
static const struct vms_desc fpreg_desc = {"x87-reg", 1, 1, fpreg_fields, NULL};

static bool fpu_post_load(void *opaque)
{
    const struct x86_fpu *f = opaque;
    return f->top < 8;
}

static const struct vms_field fpu_fields[] = {
    {.name = "r",
     .type = VMS_STRUCT,
     .offset = offsetof(struct x86_fpu, r),
     .size = sizeof(struct x86_fpreg),
     .count = 8,
     .sub = &fpreg_desc},
    F(struct x86_fpu, cw, VMS_U16),
    F(struct x86_fpu, sw, VMS_U16),
    F(struct x86_fpu, top, VMS_U8),
    F(struct x86_fpu, empty, VMS_U8),
    F(struct x86_fpu, fop, VMS_U16),
    F(struct x86_fpu, fip, VMS_U32),
    F(struct x86_fpu, fdp, VMS_U32),
    F(struct x86_fpu, fcs, VMS_U16),
    F(struct x86_fpu, fds, VMS_U16),
    F(struct x86_fpu, mxcsr, VMS_U32),
    VMS_END,
};
static const struct vms_desc fpu_desc = {"x87", 1, 1, fpu_fields, fpu_post_load};

static const struct vms_field xmm_fields[] = {
    A(struct x86_xmm, q, VMS_U64),
    VMS_END,
};
static const struct vms_desc xmm_desc = {"xmm", 1, 1, xmm_fields, NULL};

/* Values no instruction can produce come from a corrupt or foreign stream. */
static bool cpu_post_load(void *opaque)
{
    const CPUX86State *env = opaque;
    return env->cc_op < X86_CC_COUNT && (env->eflags & 2) && env->exc_vector >= -1 &&
           env->exc_vector < 256;
}

#define S(f, n)                                                                                    \
    {                                                                                              \
        .name = #f, .type = VMS_STRUCT, .offset = offsetof(CPUX86State, f),                        \
        .size = sizeof(struct x86_segment), .count = (n), .sub = &seg_desc                         \
    }
#define D(f)                                                                                       \
    {                                                                                              \
        .name = #f, .type = VMS_STRUCT, .offset = offsetof(CPUX86State, f),                        \
        .size = sizeof(struct x86_dtable), .count = 1, .sub = &dtable_desc                         \
    }
static const struct vms_field cpu_fields[] = {
    A(CPUX86State, regs, VMS_U64),
    F(CPUX86State, eip, VMS_U64),
    F(CPUX86State, cc_dst, VMS_U64),
    F(CPUX86State, cc_src, VMS_U64),
    F(CPUX86State, cc_src2, VMS_U64),
    F(CPUX86State, cc_op, VMS_U32),
    F(CPUX86State, eflags, VMS_U32),
    F(CPUX86State, hflags, VMS_U32),
    S(segs, 6),
    S(ldt, 1),
    S(tr, 1),
    D(gdt),
    D(idt),
    A(CPUX86State, cr, VMS_U64),
    A(CPUX86State, dr, VMS_U64),
    F(CPUX86State, tsc, VMS_U64),
    F(CPUX86State, sysenter_cs, VMS_U64),
    F(CPUX86State, sysenter_esp, VMS_U64),
    F(CPUX86State, sysenter_eip, VMS_U64),
    F(CPUX86State, apic_base, VMS_U64),
    F(CPUX86State, halted, VMS_BOOL),
    F(CPUX86State, irq_pending, VMS_BOOL),
    F(CPUX86State, a20_enabled, VMS_BOOL),
    F(CPUX86State, shutdown, VMS_BOOL),
    F(CPUX86State, exc_vector, VMS_I32),
    F(CPUX86State, exc_error, VMS_U32),
    F(CPUX86State, exc_has_error, VMS_BOOL),
    F(CPUX86State, exc_first, VMS_I32),
    F(CPUX86State, exc_next_eip, VMS_U32),
    F(CPUX86State, exc_soft, VMS_BOOL),
    F(CPUX86State, exc_external, VMS_BOOL),
    VMS_SUB(CPUX86State, fpu, &fpu_desc),
    {.name = "xmm",
     .type = VMS_STRUCT,
     .offset = offsetof(CPUX86State, xmm),
     .size = sizeof(struct x86_xmm),
     .count = 8,
     .sub = &xmm_desc},
    VMS_END,
};

const struct vms_desc vms_cpu_x86 = {.name = "x86-cpu",
                                     .version = 1,
                                     .min_version = 1,
                                     .fields = cpu_fields,
                                     .post_load = cpu_post_load};

/* CR4 bits the paging mode reads (SDM Vol. 3A §2.5). */
#define CR4_PSE 0x10u
#define CR4_PAE 0x20u
#define CR4_PGE 0x80u

void vms_cpu_loaded(struct x86_cpu *cpu)
{
    CPUX86State *env = cpu_env(cpu);
    struct mmu_paging p = {
        .pg = (env->cr[0] & X86_CR0_PG) != 0,
        .wp = (env->cr[0] & X86_CR0_WP) != 0,
        .pse = (env->cr[4] & CR4_PSE) != 0,
        .pge = (env->cr[4] & CR4_PGE) != 0,
        .pae = (env->cr[4] & CR4_PAE) != 0,
        .phys_bits = 36,
        .cr3 = env->cr[3],
    };
    mmu_tlb_set_paging(&env->tlb, &p);
    mmu_tlb_flush(&env->tlb);
    /* RAM changed under the translated code: drop all of it (and the jump caches). */
    translator_flush(cpu_translator(cpu));
}
