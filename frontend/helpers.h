/* Helper ids and signatures the lifter calls (rows of helpers.def); cpu/
 * supplies the implementations in a table indexed by enum x86_helper. */
#ifndef JIT86_FRONTEND_HELPERS_H
#define JIT86_FRONTEND_HELPERS_H

#include "translator/ir.h"

enum x86_helper {
#define X(name, flags, ret, ...) X86_HELPER_##name,
#include "frontend/helpers.def"
#undef X
    X86_HELPER_COUNT
};

/* Signature and flags of helper id (fn left NULL: cpu/ fills it in). */
const struct ir_helper *x86_helper_signature(enum x86_helper id);

/* String instruction kinds (argument of the string helper). */
enum x86_string_op {
    X86_STR_MOVS,
    X86_STR_CMPS,
    X86_STR_STOS,
    X86_STR_LODS,
    X86_STR_SCAS,
    X86_STR_INS,
    X86_STR_OUTS
};
/* The string helper's descriptor: size in bits 0-3, address size in bits 4-7,
 * segment in bits 8-11, REP kind in bits 12-13 (0 none, 1 REP/REPE, 2 REPNE). */
#define X86_STRD(size, asize, seg, rep) ((size) | ((asize) << 4) | ((seg) << 8) | ((rep) << 12))

#endif
