/* System-register helpers: MOV CRn/DRn, LMSW, CLTS (SDM Vol. 3A §2.5, §2.7),
 * descriptor-table registers, LLDT/LTR (Vol. 3A §7.2.4), CPUID, RDTSC,
 * RDMSR/WRMSR (Vol. 4), INVLPG (Vol. 3A §4.10.4). */
#include "cpu-internal.h"
#include "translator/log.h"

#include <string.h>

#define CR4_VME        0x001u
#define CR4_PVI        0x002u
#define CR4_TSD        0x004u
#define CR4_DE         0x008u
#define CR4_PSE        0x010u
#define CR4_PAE        0x020u
#define CR4_MCE        0x040u
#define CR4_PGE        0x080u
#define CR4_PCE        0x100u
#define CR4_OSFXSR     0x200u
#define CR4_OSXMMEXCPT 0x400u
#define CR4_KNOWN                                                                                  \
    (CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_MCE | CR4_PGE | CR4_PCE |      \
     CR4_OSFXSR | CR4_OSXMMEXCPT)

static unsigned cpl(const CPUX86State *env)
{
    return (env->hflags & X86_HF_CPL_MASK) >> X86_HF_CPL_SHIFT;
}

/* Privileged instructions: #GP(0) in virtual-8086 mode and at CPL > 0. */
static void require_cpl0(CPUX86State *env)
{
    if ((env->cr[0] & X86_CR0_PE) && cpl(env) != 0)
        cpu_raise_exception(env, 13, 0);
}

void x86_helper_check_cpl0(CPUX86State *env)
{
    require_cpl0(env);
}

static void require_protected(CPUX86State *env)
{
    if (!(env->cr[0] & X86_CR0_PE) || (env->eflags & X86_VM))
        cpu_raise_exception(env, 6, 0);
}

/* The paging mode softmmu walks with, from CR0/CR3/CR4. */
void cpu_sync_paging(CPUX86State *env)
{
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
}

static void write_cr0(CPUX86State *env, uint32_t v)
{
    if ((v & X86_CR0_PG) && !(v & X86_CR0_PE))
        cpu_raise_exception(env, 13, 0);
    if ((v & 0x60000000u) == 0x40000000u) /* NW without CD */
        cpu_raise_exception(env, 13, 0);
    v |= X86_CR0_ET;
    uint32_t changed = (uint32_t)env->cr[0] ^ v;
    env->cr[0] = v;
    if (changed & (X86_CR0_PG | X86_CR0_WP | X86_CR0_PE))
        cpu_sync_paging(env);
    cpu_update_hflags(env);
}

void x86_helper_write_cr(CPUX86State *env, uint32_t n, uint32_t v)
{
    require_cpl0(env);
    switch (n) {
    case 0: write_cr0(env, v); break;
    case 2: env->cr[2] = v; break;
    case 3:
        env->cr[3] = v;
        mmu_tlb_write_cr3(&env->tlb, v);
        break;
    case 4:
        if (v & ~CR4_KNOWN)
            cpu_raise_exception(env, 13, 0);
        env->cr[4] = v;
        cpu_sync_paging(env);
        break;
    default: cpu_raise_exception(env, 6, 0);
    }
    log_mask_printf(LOG_INT, "cpu: CR%u = %08x\n", n, v);
}

uint32_t x86_helper_read_cr(CPUX86State *env, uint32_t n)
{
    require_cpl0(env);
    if (n == 1 || n > 4)
        cpu_raise_exception(env, 6, 0);
    return (uint32_t)env->cr[n];
}

/* DR4/DR5 alias DR6/DR7 unless CR4.DE (SDM Vol. 3A §17.2.2). */
static unsigned dr_index(CPUX86State *env, unsigned n)
{
    if (n == 4 || n == 5) {
        if (env->cr[4] & CR4_DE)
            cpu_raise_exception(env, 6, 0);
        return n + 2;
    }
    return n;
}

void x86_helper_write_dr(CPUX86State *env, uint32_t n, uint32_t v)
{
    require_cpl0(env);
    n = dr_index(env, n);
    if (n == 6)
        v = (v & 0xe00fu) | 0xffff0ff0u;
    else if (n == 7)
        v = (v & 0xffff2fffu) | 0x400u;
    env->dr[n] = v;
    cpu_update_hflags(env);
}

uint32_t x86_helper_read_dr(CPUX86State *env, uint32_t n)
{
    require_cpl0(env);
    return (uint32_t)env->dr[dr_index(env, n)];
}

/* LMSW loads MP, EM, TS and can set PE but never clear it. */
void x86_helper_lmsw(CPUX86State *env, uint32_t v)
{
    require_cpl0(env);
    uint32_t cr0 = (uint32_t)env->cr[0];
    write_cr0(env, (cr0 & ~0xeu) | (v & 0xfu) | (cr0 & X86_CR0_PE));
}

void x86_helper_clts(CPUX86State *env)
{
    require_cpl0(env);
    env->cr[0] &= ~(uint64_t)X86_CR0_TS;
    cpu_update_hflags(env);
}

void x86_helper_load_dtable(CPUX86State *env, uint32_t which, uint32_t seg, uint32_t off,
                            uint32_t osize)
{
    require_cpl0(env);
    uint32_t limit = cpu_ld_seg(env, seg, off, 2);
    uint32_t base = cpu_ld_seg(env, seg, off + 2, 4);
    if (osize == 2)
        base &= 0xffffff;
    struct x86_dtable *t = which ? &env->idt : &env->gdt;
    t->base = base;
    t->limit = limit;
}

void x86_helper_store_dtable(CPUX86State *env, uint32_t which, uint32_t seg, uint32_t off)
{
    const struct x86_dtable *t = which ? &env->idt : &env->gdt;
    cpu_st_seg(env, seg, off, t->limit, 2);
    cpu_st_seg(env, seg, off + 2, (uint32_t)t->base, 4);
}

void x86_helper_lldt(CPUX86State *env, uint32_t sel)
{
    require_protected(env);
    require_cpl0(env);
    cpu_load_system_seg(env, &env->ldt, (uint16_t)sel, false);
}

void x86_helper_ltr(CPUX86State *env, uint32_t sel)
{
    require_protected(env);
    require_cpl0(env);
    cpu_load_system_seg(env, &env->tr, (uint16_t)sel, true);
}

void x86_helper_invlpg(CPUX86State *env, uint32_t lin)
{
    require_cpl0(env);
    cpu_exec_note_invlpg(env, lin);
    mmu_tlb_invlpg(&env->tlb, lin);
}

/* ---- CPUID (SDM Vol. 2A, CPUID): identity from the model, feature bits from the
 * features the CPU runs with (so -cpu MODEL,-flag hides the bit too) ---- */

/* Leaf 1 feature bits (SDM Vol. 2A tables 3-10 and 3-11): register 'c' or 'd', bit. */
static const struct {
    uint8_t feature, reg, bit;
} cpuid_bits[] = {
    {X86_FEAT_FPU, 'd', 0},      {X86_FEAT_TSC, 'd', 4},    {X86_FEAT_MSR, 'd', 5},
    {X86_FEAT_CX8, 'd', 8},      {X86_FEAT_SEP, 'd', 11},   {X86_FEAT_CMOV, 'd', 15},
    {X86_FEAT_CLFLUSH, 'd', 19}, {X86_FEAT_MMX, 'd', 23},   {X86_FEAT_FXSR, 'd', 24},
    {X86_FEAT_SSE, 'd', 25},     {X86_FEAT_SSE2, 'd', 26},  {X86_FEAT_SSE3, 'c', 0},
    {X86_FEAT_PCLMUL, 'c', 1},   {X86_FEAT_SSSE3, 'c', 9},  {X86_FEAT_SSE41, 'c', 19},
    {X86_FEAT_SSE42, 'c', 20},   {X86_FEAT_MOVBE, 'c', 22}, {X86_FEAT_POPCNT, 'c', 23},
    {X86_FEAT_AES, 'c', 25},
};

/* The highest basic leaf: 1 (leaf 2's cache descriptors are not modelled). */
#define CPUID_MAX_BASIC  1u
#define CPUID_BRAND_LAST 0x80000004u
#define CPUID_EXT_NONE   0u

struct cpuid_regs {
    uint32_t a, b, c, d;
};

static void cpuid_leaf1(const struct x86_cpu *cpu, struct cpuid_regs *r)
{
    r->a = cpu->model->signature;
    r->d = cpu->model->edx_extra;
    /* EBX bits 15-8: the CLFLUSH line size in quadwords (64 bytes, as on the Pentium 4). */
    if (cpu->features & X86_FEATURE_BIT(X86_FEAT_CLFLUSH))
        r->b = 8u << 8;
    for (size_t i = 0; i < sizeof(cpuid_bits) / sizeof(cpuid_bits[0]); i++) {
        if (!(cpu->features & X86_FEATURE_BIT(cpuid_bits[i].feature)))
            continue;
        if (cpuid_bits[i].reg == 'c')
            r->c |= 1u << cpuid_bits[i].bit;
        else
            r->d |= 1u << cpuid_bits[i].bit;
    }
}

/* Leaves 0x80000002-4: 16 characters each, NUL-padded. */
static void cpuid_brand(const char *brand, uint32_t leaf, struct cpuid_regs *r)
{
    char part[16] = {0};
    size_t off = (leaf - 0x80000002u) * 16, len = strlen(brand);
    if (off < len)
        memcpy(part, brand + off, len - off < 16 ? len - off : 16);
    memcpy(&r->a, part, 4);
    memcpy(&r->b, part + 4, 4);
    memcpy(&r->c, part + 8, 4);
    memcpy(&r->d, part + 12, 4);
}

static void cpuid_leaf(const struct x86_cpu *cpu, uint32_t leaf, struct cpuid_regs *r)
{
    const struct cpu_model *m = cpu->model;
    uint32_t ext_max = m->brand ? CPUID_BRAND_LAST : CPUID_EXT_NONE;
    /* A leaf above the highest basic or extended one returns the highest basic leaf. */
    if ((leaf < 0x80000000u && leaf > CPUID_MAX_BASIC) ||
        (leaf >= 0x80000000u && (!ext_max || leaf > ext_max)))
        leaf = CPUID_MAX_BASIC;
    *r = (struct cpuid_regs){0};
    if (leaf == 0) {
        r->a = CPUID_MAX_BASIC;
        memcpy(&r->b, m->vendor, 4);
        memcpy(&r->d, m->vendor + 4, 4);
        memcpy(&r->c, m->vendor + 8, 4);
    } else if (leaf == 1) {
        cpuid_leaf1(cpu, r);
    } else if (leaf == 0x80000000u) {
        r->a = ext_max;
    } else if (leaf >= 0x80000002u) {
        cpuid_brand(m->brand, leaf, r);
    }
}

void x86_helper_cpuid(CPUX86State *env)
{
    struct cpuid_regs r;
    cpuid_leaf(cpu_of(env), (uint32_t)env->regs[X86_EAX], &r);
    env->regs[X86_EAX] = r.a;
    env->regs[X86_EBX] = r.b;
    env->regs[X86_ECX] = r.c;
    env->regs[X86_EDX] = r.d;
}

void x86_helper_rdtsc(CPUX86State *env)
{
    if ((env->cr[4] & CR4_TSD) && (env->cr[0] & X86_CR0_PE) && cpl(env) != 0)
        cpu_raise_exception(env, 13, 0);
    uint64_t t = cpu_tsc(env);
    env->regs[X86_EAX] = (uint32_t)t;
    env->regs[X86_EDX] = (uint32_t)(t >> 32);
}

/* MSRs (SDM Vol. 4 table 2-2 subset): TSC, APIC base, the microcode
 * signature (P6 and later), SYSENTER, MTRR capability (no MTRRs); anything
 * else is #GP(0). */
enum {
    MSR_TSC = 0x10,
    MSR_APIC_BASE = 0x1b,
    MSR_BIOS_SIGN_ID = 0x8b,
    MSR_MTRRCAP = 0xfe,
    MSR_SYSENTER_CS = 0x174,
    MSR_SYSENTER_ESP = 0x175,
    MSR_SYSENTER_EIP = 0x176,
    MSR_MTRR_DEF_TYPE = 0x2ff
};

/* IA32_BIOS_SIGN_ID came with the P6 (family 6); the Pentium has no MSR 8BH.
 * Linux writes 0 and reads it back for the microcode revision at boot: no
 * microcode is loaded, so the revision reads 0 and writes change nothing. */
static void require_bios_sign_id(CPUX86State *env)
{
    if (((cpu_of(env)->model->signature >> 8) & 0xf) < 6)
        cpu_raise_exception(env, 13, 0);
}

void x86_helper_rdmsr(CPUX86State *env)
{
    require_cpl0(env);
    uint64_t v;
    switch ((uint32_t)env->regs[X86_ECX]) {
    case MSR_TSC: v = cpu_tsc(env); break;
    case MSR_BIOS_SIGN_ID: require_bios_sign_id(env); v = 0; break;
    case MSR_APIC_BASE: v = env->apic_base; break;
    case MSR_MTRRCAP: v = 0; break;
    case MSR_MTRR_DEF_TYPE: v = 0; break;
    case MSR_SYSENTER_CS: v = env->sysenter_cs; break;
    case MSR_SYSENTER_ESP: v = env->sysenter_esp; break;
    case MSR_SYSENTER_EIP: v = env->sysenter_eip; break;
    default: cpu_raise_exception(env, 13, 0);
    }
    env->regs[X86_EAX] = (uint32_t)v;
    env->regs[X86_EDX] = (uint32_t)(v >> 32);
}

void x86_helper_wrmsr(CPUX86State *env)
{
    require_cpl0(env);
    uint64_t v = ((uint64_t)(uint32_t)env->regs[X86_EDX] << 32) | (uint32_t)env->regs[X86_EAX];
    switch ((uint32_t)env->regs[X86_ECX]) {
    case MSR_TSC: env->tsc = v - (cpu_tsc(env) - env->tsc); break;
    case MSR_APIC_BASE: env->apic_base = v; break;
    case MSR_BIOS_SIGN_ID: require_bios_sign_id(env); break;
    case MSR_MTRR_DEF_TYPE: break;
    case MSR_SYSENTER_CS: env->sysenter_cs = v & 0xffff; break;
    case MSR_SYSENTER_ESP: env->sysenter_esp = (uint32_t)v; break;
    case MSR_SYSENTER_EIP: env->sysenter_eip = (uint32_t)v; break;
    default: cpu_raise_exception(env, 13, 0);
    }
}
