/* frontend/: x86 knowledge. For now the decoder (guest bytes -> struct x86_instr);
 * the state layout, lifter and helper ids join it later (shared/DESIGN.md). */
#ifndef JIT86_FRONTEND_FRONTEND_H
#define JIT86_FRONTEND_FRONTEND_H

#include "frontend/decode.h"

#endif
