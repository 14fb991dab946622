/* cpu/: the x86 runtime. Execution loop over the translator (DESIGN.md "One
 * instruction's journey"), helper implementations, exception and interrupt
 * delivery (Intel SDM Vol. 3A chapter 6; real mode: Vol. 3A §20.1.4). */
#ifndef JIT86_CPU_CPU_H
#define JIT86_CPU_CPU_H

#include "frontend/cpu-state.h"
#include "softmmu/softmmu.h"
#include "translator/translator.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct x86_cpu;

/* The features the core implements today (through SSE2, the Pentium 4's set):
 * the default model, and what CPUID reports. */
#define CPU_FEATURES_IMPLEMENTED                                                                   \
    (X86_FEATURE_BIT(X86_FEAT_I286) | X86_FEATURE_BIT(X86_FEAT_I386) |                             \
     X86_FEATURE_BIT(X86_FEAT_I486) | X86_FEATURE_BIT(X86_FEAT_CPUID) |                            \
     X86_FEATURE_BIT(X86_FEAT_TSC) | X86_FEATURE_BIT(X86_FEAT_MSR) |                               \
     X86_FEATURE_BIT(X86_FEAT_CX8) | X86_FEATURE_BIT(X86_FEAT_CMOV) |                              \
     X86_FEATURE_BIT(X86_FEAT_P6) | X86_FEATURE_BIT(X86_FEAT_SEP) |                                \
     X86_FEATURE_BIT(X86_FEAT_FPU) | X86_FEATURE_BIT(X86_FEAT_MMX) |                               \
     X86_FEATURE_BIT(X86_FEAT_FXSR) | X86_FEATURE_BIT(X86_FEAT_SSE) |                              \
     X86_FEATURE_BIT(X86_FEAT_SSE2) | X86_FEATURE_BIT(X86_FEAT_CLFLUSH))

/* CPU models (cpu/models.c): name, one-line description, instruction features and what
 * CPUID reports besides them (SDM Vol. 2A, CPUID). */
struct cpu_model {
    const char *name;
    const char *desc;
    uint64_t features;
    uint32_t signature; /* leaf 1 EAX: family/model/stepping; EDX after reset */
    const char *vendor; /* leaf 0: 12 characters */
    uint32_t edx_extra; /* leaf 1 EDX bits of no instruction feature (DE, PSE, PGE) */
    const char *brand;  /* leaves 0x80000002-4 (48 characters at most), NULL: none */
};
/* The model called name[0..len) (case-insensitive), NULL when there is none. */
const struct cpu_model *cpu_model_find(const char *name, size_t len);
/* "NAME[,+flag,-flag...]" (flags as in -cpu help, case-insensitive) into a feature mask
 * and the model; false after error_report() for an unknown model or flag. */
bool cpu_model_parse(const char *spec, uint64_t *features, const struct cpu_model **model);
/* The `-cpu help` text: models, then flags. */
void cpu_model_help(FILE *out);
/* The model of a CPU created without one (features 0: CPU_FEATURES_IMPLEMENTED). */
const struct cpu_model *cpu_model_default(void);

struct cpu_config {
    struct mmu_phys_space *space;     /* guest physical memory (required) */
    struct mmu_io_space *io;          /* port I/O (NULL: ports read all-ones) */
    uint64_t features;                /* X86_FEATURE_BIT() mask; 0: CPU_FEATURES_IMPLEMENTED */
    const struct cpu_model *model;    /* CPUID identity; NULL: cpu_model_default() */
    const struct tb_backend *backend; /* NULL: the interpreter */
    size_t code_size;                 /* 0: the translator's default */
    bool no_chaining;                 /* every block returns to the loop (bounded runs, tests) */
};

/* NULL (after error_report) when the translator cannot be created. */
struct x86_cpu *cpu_new(const struct cpu_config *cfg);
void cpu_free(struct x86_cpu *cpu);
CPUX86State *cpu_env(struct x86_cpu *cpu);
struct translator *cpu_translator(struct x86_cpu *cpu);

/* Power-on state (SDM Vol. 3A §9.1.1): real mode, CS F000 base FFFF0000, EIP FFF0. */
void cpu_reset(struct x86_cpu *cpu);

enum cpu_exit_reason {
    CPU_EXIT_HALTED,   /* HLT with no interrupt to take */
    CPU_EXIT_REQUEST,  /* cpu_exit_request() was called */
    CPU_EXIT_SHUTDOWN, /* triple fault */
    CPU_EXIT_LIMIT,    /* max_blocks blocks ran */
};

/* Runs until one of the exit reasons or max_blocks blocks (chained ones
 * included; exceptions delivered count as one); 0 means 2^30 - 1, the most. */
enum cpu_exit_reason cpu_exec(struct x86_cpu *cpu, uint64_t max_blocks);
/* Blocks of the last cpu_exec's max_blocks it did not run. */
int32_t cpu_budget_left(const struct x86_cpu *cpu);
/* Makes cpu_exec return at the next block boundary. */
void cpu_exit_request(struct x86_cpu *cpu);
/* Debugger stepping (ui/gdbstub.c): while on, every block holds one guest
 * instruction, so cpu_exec(cpu, 1) runs exactly one (plus the delivery of an
 * exception or interrupt it causes). The guest sees nothing: no #DB, DR6 as it was. */
void cpu_set_debug_step(struct x86_cpu *cpu, bool on);
/* While on, hardware interrupts wait: a debugger's single step stays on the
 * instruction stepped instead of entering a timer handler (QEMU's default). */
void cpu_set_debug_irq_mask(struct x86_cpu *cpu, bool on);

/* The INTR pin (the PIC's output): level-triggered. While it is high and IF
 * allows, cpu_exec runs an interrupt-acknowledge cycle through ack (which
 * returns the vector) between blocks; a raised pin also ends HLT. */
typedef uint8_t cpu_intack_fn(void *opaque);
void cpu_set_intack(struct x86_cpu *cpu, cpu_intack_fn *ack, void *opaque);
void cpu_set_irq(struct x86_cpu *cpu, bool level);

/* The x87's FERR# output: raised when an instruction leaves an unmasked exception pending
 * while CR0.NE=0 (MS-DOS-compatible error reporting, SDM Vol. 1 D.2), lowered by
 * FNCLEX/FNINIT/FLDCW/FLDENV/FRSTOR once none is pending. A PC wires it to IRQ13 (and
 * clears it with a write to port F0h); with CR0.NE=1 errors are #MF instead. */
typedef void cpu_ferr_fn(void *opaque, bool level);
void cpu_set_ferr(struct x86_cpu *cpu, cpu_ferr_fn *fn, void *opaque);

/* The machine's virtual clock in nanoseconds (hw/core's clock_now, which cpu/ may not
 * include). With one, the TSC runs at CPU_TSC_HZ of that clock, so a guest can calibrate it
 * against the PIT as on hardware (Linux does); without, it counts executed blocks. */
#define CPU_TSC_HZ 1000000000u
typedef int64_t cpu_clock_fn(void *opaque);
void cpu_set_clock(struct x86_cpu *cpu, cpu_clock_fn *fn, void *opaque);

/* EFLAGS with the lazy arithmetic flags materialized; loading sets the bits
 * of mask from value (no privilege checks: the caller's business). */
uint32_t cpu_compute_eflags(const CPUX86State *env);
void cpu_load_eflags(CPUX86State *env, uint32_t value, uint32_t mask);
/* Real-mode or virtual-8086 segment load: base = selector << 4. */
void cpu_load_seg_real(CPUX86State *env, unsigned seg, uint16_t selector);
/* Recomputes env->hflags from CR0, EFLAGS and the segment caches. */
void cpu_update_hflags(CPUX86State *env);

/* Raises a fault: restores the state of the faulting instruction (restore
 * records) and continues in cpu_exec, which delivers it. */
__attribute__((noreturn)) void cpu_raise_exception(CPUX86State *env, unsigned vector,
                                                   uint32_t error_code);

#endif
