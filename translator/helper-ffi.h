/* Helper calls: the common signatures through a table of typed C calls, any
 * other through libffi (one ffi_cif per helper, prepared once from the
 * helper's declared signature and reused for every call). */
#ifndef JIT86_TRANSLATOR_HELPER_FFI_H
#define JIT86_TRANSLATOR_HELPER_FFI_H

#include "ir.h"

struct helper_ffi;

/* Calls fn, cast to its real type, with canonical argument values; returns
 * the result zero-extended (0 for void). */
typedef uint64_t (*helper_ffi_stub)(void (*fn)(void), const uint64_t *args);

/* NULL when a signature cannot be prepared (error reported). */
struct helper_ffi *helper_ffi_new(const struct ir_env *env);
void helper_ffi_free(struct helper_ffi *h);
/* Calls helper id with canonical argument values; returns the result
 * zero-extended (0 for void). */
uint64_t helper_ffi_call(struct helper_ffi *h, unsigned id, const uint64_t *args);
/* The typed call for h's signature, or NULL when h goes through libffi. */
helper_ffi_stub helper_ffi_direct(const struct ir_helper *h);

#endif
