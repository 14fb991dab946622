/* Private to the x87 helpers (helper-fpu*.c): the per-instruction context that
 * works on a copy of the FPU state (committed after the last access that can
 * fault), stack and exception primitives (Intel SDM Vol. 1 §8.1-8.5). */
#ifndef JIT86_CPU_HELPER_FPU_H
#define JIT86_CPU_HELPER_FPU_H

#include "cpu-internal.h"
#include "cpu/fpu/floatx80.h"

/* The helper's instruction descriptor, built by frontend/lift-x87.c. */
#define X87_DESC_MODRM(d) ((d)&0xffu)
#define X87_DESC_OP(d)    (((d) >> 8) & 7u) /* opcode D8-DF minus D8 */
#define X87_DESC_SEG(d)   (((d) >> 11) & 7u)
#define X87_DESC_O32      (1u << 14)
#define X87_DESC_A32      (1u << 15)

struct x87 {
    CPUX86State *env;
    struct x86_fpu f;     /* working copy */
    struct fpx_status st; /* cw in; this instruction's flags and condition codes out */
    uint32_t desc, off;
    unsigned reg, rm;
    bool mem;
};

/* Memory operand bytes at off + disp (address-size wrap, segment checks). */
uint32_t x87_ld(struct x87 *x, uint32_t disp, unsigned size);
void x87_st(struct x87 *x, uint32_t disp, uint32_t v, unsigned size);
struct floatx80 x87_ld80(struct x87 *x, uint32_t disp);
void x87_st80(struct x87 *x, uint32_t disp, struct floatx80 v);

struct floatx80 x87_get(const struct x87 *x, unsigned i); /* ST(i) */
void x87_set(struct x87 *x, unsigned i, struct floatx80 v);
bool x87_empty(const struct x87 *x, unsigned i);
unsigned x87_tag(const struct x86_fpreg *r, bool empty); /* 0 valid, 1 zero, 2 special, 3 empty */
/* Makes f the FPU state, ES and B recomputed from the flags and masks; FERR follows ES
 * when CR0.NE=0 (and drops whenever ES clears). */
void x87_commit(CPUX86State *env, struct x86_fpu f);
void x87_finit(struct x86_fpu *f);

/* helper-fpu-env.c: FLDENV, FNSTENV, FRSTOR, FNSAVE (desc reg field). */
void x87_env_insn(struct x87 *x);

#endif
