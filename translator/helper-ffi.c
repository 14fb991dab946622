/* Helper calls: a table of typed C calls for the signatures helpers have in
 * practice (a pointer, then 32-bit integers), libffi for the rest (libffi
 * manual, "Using libffi": the cif of each helper is prepared at creation, so
 * a call only marshals its arguments). A function is always called through a
 * pointer of its own type (C11 6.3.2.3p8). */
#include "helper-ffi.h"

#include "log.h"

#include <ffi.h>
#include <stdlib.h>

struct helper_sig {
    helper_ffi_stub stub; /* NULL: through the cif */
    ffi_cif cif;
    ffi_type *args[IR_HELPER_MAX_ARGS];
};

struct helper_ffi {
    const struct ir_env *env;
    struct helper_sig sig[];
};

/* ---- typed calls ---- */

/* Letters: V void, I uint32_t, L uint64_t, P pointer. */
#define CT_V        void
#define CT_I        uint32_t
#define CT_L        uint64_t
#define CT_P        void *
#define ARG_I(v)    ((uint32_t)(v))
#define ARG_L(v)    ((uint64_t)(v))
#define ARG_P(v)    ((void *)(uintptr_t)(v))
#define RET_V(call) ((call), (uint64_t)0)
#define RET_I(call) ((uint64_t)(uint32_t)(call))
#define RET_L(call) ((uint64_t)(call))
#define RET_P(call) ((uint64_t)(uintptr_t)(call))
#define HT_V        IR_HT_VOID
#define HT_I        IR_HT_I32
#define HT_L        IR_HT_I64
#define HT_P        IR_HT_PTR

/* The signatures with a typed call, per return type: 0-6 integers, or a
 * pointer (env) and 0-5 integers. */
#define DIRECT_SIGS_RET(r)                                                                         \
    SIG0(r)                                                                                        \
    SIG1(r, I) SIG2(r, I, I) SIG3(r, I, I, I) SIG4(r, I, I, I, I) SIG5(r, I, I, I, I, I)           \
        SIG6(r, I, I, I, I, I, I) SIG1(r, P) SIG2(r, P, I) SIG3(r, P, I, I) SIG4(r, P, I, I, I)    \
            SIG5(r, P, I, I, I, I) SIG6(r, P, I, I, I, I, I)
#define DIRECT_SIGS DIRECT_SIGS_RET(V) DIRECT_SIGS_RET(I) DIRECT_SIGS_RET(L) DIRECT_SIGS_RET(P)

/* The stubs: direct_<ret>_<args>. */
#define STUB(name, r, types, call_args)                                                            \
    static uint64_t name(void (*fn)(void), const uint64_t *a)                                      \
    {                                                                                              \
        (void)a;                                                                                   \
        return RET_##r(((CT_##r(*) types)fn)call_args);                                            \
    }
#define SIG0(r)     STUB(direct_##r##_, r, (void), ())
#define SIG1(r, t0) STUB(direct_##r##_##t0, r, (CT_##t0), (ARG_##t0(a[0])))
#define SIG2(r, t0, t1)                                                                            \
    STUB(direct_##r##_##t0##t1, r, (CT_##t0, CT_##t1), (ARG_##t0(a[0]), ARG_##t1(a[1])))
#define SIG3(r, t0, t1, t2)                                                                        \
    STUB(direct_##r##_##t0##t1##t2, r, (CT_##t0, CT_##t1, CT_##t2),                                \
         (ARG_##t0(a[0]), ARG_##t1(a[1]), ARG_##t2(a[2])))
#define SIG4(r, t0, t1, t2, t3)                                                                    \
    STUB(direct_##r##_##t0##t1##t2##t3, r, (CT_##t0, CT_##t1, CT_##t2, CT_##t3),                   \
         (ARG_##t0(a[0]), ARG_##t1(a[1]), ARG_##t2(a[2]), ARG_##t3(a[3])))
#define SIG5(r, t0, t1, t2, t3, t4)                                                                \
    STUB(direct_##r##_##t0##t1##t2##t3##t4, r, (CT_##t0, CT_##t1, CT_##t2, CT_##t3, CT_##t4),      \
         (ARG_##t0(a[0]), ARG_##t1(a[1]), ARG_##t2(a[2]), ARG_##t3(a[3]), ARG_##t4(a[4])))
#define SIG6(r, t0, t1, t2, t3, t4, t5)                                                            \
    STUB(direct_##r##_##t0##t1##t2##t3##t4##t5, r,                                                 \
         (CT_##t0, CT_##t1, CT_##t2, CT_##t3, CT_##t4, CT_##t5),                                   \
         (ARG_##t0(a[0]), ARG_##t1(a[1]), ARG_##t2(a[2]), ARG_##t3(a[3]), ARG_##t4(a[4]),          \
          ARG_##t5(a[5])))
DIRECT_SIGS
#undef SIG0
#undef SIG1
#undef SIG2
#undef SIG3
#undef SIG4
#undef SIG5
#undef SIG6

struct direct_sig {
    enum ir_htype ret;
    uint8_t nargs;
    enum ir_htype args[IR_HELPER_MAX_ARGS];
    helper_ffi_stub stub;
};

static const struct direct_sig direct_sigs[] = {
#define SIG0(r)             {HT_##r, 0, {0}, direct_##r##_},
#define SIG1(r, t0)         {HT_##r, 1, {HT_##t0}, direct_##r##_##t0},
#define SIG2(r, t0, t1)     {HT_##r, 2, {HT_##t0, HT_##t1}, direct_##r##_##t0##t1},
#define SIG3(r, t0, t1, t2) {HT_##r, 3, {HT_##t0, HT_##t1, HT_##t2}, direct_##r##_##t0##t1##t2},
#define SIG4(r, t0, t1, t2, t3)                                                                    \
    {HT_##r, 4, {HT_##t0, HT_##t1, HT_##t2, HT_##t3}, direct_##r##_##t0##t1##t2##t3},
#define SIG5(r, t0, t1, t2, t3, t4)                                                                \
    {HT_##r, 5, {HT_##t0, HT_##t1, HT_##t2, HT_##t3, HT_##t4}, direct_##r##_##t0##t1##t2##t3##t4},
#define SIG6(r, t0, t1, t2, t3, t4, t5)                                                            \
    {HT_##r,                                                                                       \
     6,                                                                                            \
     {HT_##t0, HT_##t1, HT_##t2, HT_##t3, HT_##t4, HT_##t5},                                       \
     direct_##r##_##t0##t1##t2##t3##t4##t5},
    DIRECT_SIGS
#undef SIG0
#undef SIG1
#undef SIG2
#undef SIG3
#undef SIG4
#undef SIG5
#undef SIG6
};

helper_ffi_stub helper_ffi_direct(const struct ir_helper *h)
{
    for (size_t i = 0; i < sizeof(direct_sigs) / sizeof(direct_sigs[0]); i++) {
        const struct direct_sig *s = &direct_sigs[i];
        if (s->ret != h->ret || s->nargs != h->nargs)
            continue;
        bool same = true;
        for (unsigned k = 0; k < h->nargs; k++)
            same = same && s->args[k] == h->args[k];
        if (same)
            return s->stub;
    }
    return NULL;
}

/* ---- libffi ---- */

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
    s->stub = helper_ffi_direct(h);
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
    if (h->sig[id].stub)
        return h->sig[id].stub(helper->fn, args);
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
