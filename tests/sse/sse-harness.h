/* Shared by the SSE soft-float tests: the operation table (sse-ops.def), operand generation
 * biased to the hard cases (NaNs, infinities, denormals, rounding boundaries) and jit86's
 * result for one case. */
#ifndef TESTS_SSE_HARNESS_H
#define TESTS_SSE_HARNESS_H

#include "cpu/softfloat/sf.h"

#include <stdint.h>

enum sse_kind { BIN, UN, CMP, COMI, UCOMI, TOI, TTOI, FROMI, CVT };

enum sse_op {
#define X(name, fmt, kind, insn) SSE_OP_##name,
#include "sse-ops.def"
#undef X
    SSE_OP_COUNT
};

struct sse_op_info {
    const char *name;
    unsigned bits;
    enum sse_kind kind;
};
extern const struct sse_op_info sse_ops[SSE_OP_COUNT];

struct sse_case {
    uint32_t op, mxcsr, imm;
    uint64_t a, b;
};
struct sse_out {
    uint64_t r;     /* result bits (int32 zero-extended, COMI flags as ZF/PF/CF) */
    uint32_t flags; /* MXCSR bits 0-5 after the operation */
};

uint64_t sse_rand(uint64_t *state);
/* A random operand of the op's source format (or an int32 for FROMI). */
uint64_t sse_operand(uint64_t *state, unsigned bits, enum sse_kind kind);
void sse_jit86(const struct sse_case *c, struct sse_out *o);

#endif
