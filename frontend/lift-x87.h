/* The x87 handlers of the lifter (lift-x87.c): ESC D8-DF, WAIT, FXSAVE/FXRSTOR. */
#ifndef JIT86_FRONTEND_LIFT_X87_H
#define JIT86_FRONTEND_LIFT_X87_H

#include "frontend/lift-internal.h"

void lift_x87(struct lift *L);
void lift_fwait(struct lift *L);
void lift_fxsave(struct lift *L);

#endif
