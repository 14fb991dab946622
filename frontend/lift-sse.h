/* The MMX/SSE/SSE2 handler of the lifter (lift-sse.c). */
#ifndef JIT86_FRONTEND_LIFT_SSE_H
#define JIT86_FRONTEND_LIFT_SSE_H

#include "frontend/lift-internal.h"

/* Instructions of the MMX, SSE and SSE2 feature sets without a handler of their own. */
bool lift_is_sse(const struct x86_instr *in);
void lift_sse(struct lift *L);
/* lift-sse-inline.c: the inline form of a frequent instruction, branching to *fallback (the
 * helper call) when a runtime check fails; false when there is none. */
bool lift_sse_inline(struct lift *L, ir_label *fallback);

#endif
