/* Helper calls through libffi: one ffi_cif per helper, prepared once from the
 * helper's declared signature and reused for every call. */
#ifndef JIT86_TRANSLATOR_HELPER_FFI_H
#define JIT86_TRANSLATOR_HELPER_FFI_H

#include "ir.h"

struct helper_ffi;

/* NULL when a signature cannot be prepared (error reported). */
struct helper_ffi *helper_ffi_new(const struct ir_env *env);
void helper_ffi_free(struct helper_ffi *h);
/* Calls helper id with canonical argument values; returns the result
 * zero-extended (0 for void). */
uint64_t helper_ffi_call(struct helper_ffi *h, unsigned id, const uint64_t *args);

#endif
