/* Helper calls through libffi (libffi manual, "Using libffi"): the cif of each
 * helper is prepared at creation, so a call only marshals its arguments. */
#include "helper-ffi.h"

#include "log.h"

#include <ffi.h>
#include <stdlib.h>

struct helper_sig {
    ffi_cif cif;
    ffi_type *args[IR_HELPER_MAX_ARGS];
};

struct helper_ffi {
    const struct ir_env *env;
    struct helper_sig sig[];
};

static ffi_type *ffi_type_of(enum ir_htype t)
{
    switch (t) {
    case IR_HT_I32: return &ffi_type_uint32;
    case IR_HT_I64: return &ffi_type_uint64;
    case IR_HT_PTR: return &ffi_type_pointer;
    default: return &ffi_type_void;
    }
}

static bool prepare(struct helper_sig *s, const struct ir_helper *h)
{
    if (h->nargs > IR_HELPER_MAX_ARGS)
        return false;
    for (unsigned i = 0; i < h->nargs; i++) {
        if (h->args[i] == IR_HT_VOID)
            return false;
        s->args[i] = ffi_type_of(h->args[i]);
    }
    return ffi_prep_cif(&s->cif, FFI_DEFAULT_ABI, h->nargs, ffi_type_of(h->ret), s->args) == FFI_OK;
}

struct helper_ffi *helper_ffi_new(const struct ir_env *env)
{
    struct helper_ffi *h = calloc(1, sizeof(*h) + env->nhelpers * sizeof(h->sig[0]));
    if (!h)
        return NULL;
    h->env = env;
    for (unsigned i = 0; i < env->nhelpers; i++) {
        if (!prepare(&h->sig[i], &env->helpers[i])) {
            error_report("helper %s: signature not supported by libffi", env->helpers[i].name);
            free(h);
            return NULL;
        }
    }
    return h;
}

void helper_ffi_free(struct helper_ffi *h)
{
    free(h);
}

uint64_t helper_ffi_call(struct helper_ffi *h, unsigned id, const uint64_t *args)
{
    const struct ir_helper *helper = &h->env->helpers[id];
    union {
        uint32_t u32;
        uint64_t u64;
        void *ptr;
    } val[IR_HELPER_MAX_ARGS];
    void *avalue[IR_HELPER_MAX_ARGS];
    for (unsigned i = 0; i < helper->nargs; i++) {
        if (helper->args[i] == IR_HT_I32)
            val[i].u32 = (uint32_t)args[i];
        else if (helper->args[i] == IR_HT_I64)
            val[i].u64 = args[i];
        else
            val[i].ptr = (void *)(uintptr_t)args[i];
        avalue[i] = &val[i];
    }
    /* libffi widens integer results narrower than a register to ffi_arg. */
    union {
        ffi_arg word;
        uint64_t u64;
        void *ptr;
    } ret = {0};
    ffi_call(&h->sig[id].cif, helper->fn, &ret, avalue);
    switch (helper->ret) {
    case IR_HT_I32: return (uint32_t)ret.word;
    case IR_HT_I64: return ret.u64;
    case IR_HT_PTR: return (uintptr_t)ret.ptr;
    default: return 0;
    }
}
