/* The MMX/SSE/SSE2 handler of the lifter (lift-sse.c). */
#ifndef JIT86_FRONTEND_LIFT_SSE_H
#define JIT86_FRONTEND_LIFT_SSE_H

#include "frontend/lift-internal.h"

/* Instructions of the MMX, SSE and SSE2 feature sets without a handler of their own. */
bool lift_is_sse(const struct x86_instr *in);
void lift_sse(struct lift *L);
/* lift-sse-inline.c: the inline form of a frequent instruction. */
enum lift_sse_inline {
    LIFT_SSE_HELPER,   /* none: call the helper */
    LIFT_SSE_INLINE,   /* inline, nothing to check at run time */
    LIFT_SSE_FALLBACK, /* inline, branching to *fallback (the helper call) when misaligned */
};
enum lift_sse_inline lift_sse_inline(struct lift *L, ir_label *fallback);

#endif
