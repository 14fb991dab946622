/* The host's x87 running each operation of fpu-ops.def (x86-64 hosts only): the reference
 * of the differential test. Each sequence starts and ends with FNINIT so the x87 stack is
 * empty around it whatever the instruction left, and reads the status word with FNSTSW
 * before FNCLEX so unmasked exceptions never reach a waiting instruction (no SIGFPE). */
#include "fpu-harness.h"

#if defined(__x86_64__)

#include <string.h>

struct bcd10 {
    uint8_t b[10];
};

/* ST0 = a, ST1 = b, then insn; stores ST0 and ST1 afterwards. */
#define HOST_AB(name, insn)                                                                        \
    static void host_##name(uint16_t cw, const struct fpu_case *c, struct fpu_out *o)              \
    {                                                                                              \
        __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\tfnclex\n\t" insn      \
                         "\n\tfnstsw %[sw]\n\tfnclex\n\tfstpt %[r0]\n\tfstpt %[r1]\n\tfninit"      \
                         : [sw] "=m"(o->sw), [r0] "+m"(o->r[0]), [r1] "+m"(o->r[1])                \
                         : [cw] "m"(cw), [a] "m"(c->a), [b] "m"(c->b));                            \
    }
/* ST1 = a, ST0 = b (FPATAN, FYL2X, FYL2XP1 order: a = y, b = x). */
#define HOST_BA(name, insn)                                                                        \
    static void host_##name(uint16_t cw, const struct fpu_case *c, struct fpu_out *o)              \
    {                                                                                              \
        __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[a]\n\tfldt %[b]\n\tfnclex\n\t" insn      \
                         "\n\tfnstsw %[sw]\n\tfnclex\n\tfstpt %[r0]\n\tfninit"                     \
                         : [sw] "=m"(o->sw), [r0] "+m"(o->r[0])                                    \
                         : [cw] "m"(cw), [a] "m"(c->a), [b] "m"(c->b));                            \
    }
/* ST0 = a, then insn; stores ST0 and ST1 afterwards. */
#define HOST_A(name, insn)                                                                         \
    static void host_##name(uint16_t cw, const struct fpu_case *c, struct fpu_out *o)              \
    {                                                                                              \
        __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[a]\n\tfnclex\n\t" insn                   \
                         "\n\tfnstsw %[sw]\n\tfnclex\n\tfstpt %[r0]\n\tfstpt %[r1]\n\tfninit"      \
                         : [sw] "=m"(o->sw), [r0] "+m"(o->r[0]), [r1] "+m"(o->r[1])                \
                         : [cw] "m"(cw), [a] "m"(c->a));                                           \
    }
/* ST0 = a stored to memory of type T by insn. */
#define HOST_STORE(name, insn, T)                                                                  \
    static void host_##name(uint16_t cw, const struct fpu_case *c, struct fpu_out *o)              \
    {                                                                                              \
        T v;                                                                                       \
        memcpy(&v, &o->mem, sizeof(v));                                                            \
        __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[a]\n\tfnclex\n\t" insn                   \
                         " %[m]\n\tfnstsw %[sw]\n\tfninit"                                         \
                         : [sw] "=m"(o->sw), [m] "+m"(v)                                           \
                         : [cw] "m"(cw), [a] "m"(c->a));                                           \
        memcpy(&o->mem, &v, sizeof(v));                                                            \
    }
/* Load from memory of type T by insn, store ST0. */
#define HOST_LOAD(name, insn, T, src)                                                              \
    static void host_##name(uint16_t cw, const struct fpu_case *c, struct fpu_out *o)              \
    {                                                                                              \
        T v;                                                                                       \
        memcpy(&v, src, sizeof(v));                                                                \
        __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfnclex\n\t" insn                                \
                         " %[m]\n\tfnstsw %[sw]\n\tfnclex\n\tfstpt %[r0]\n\tfninit"                \
                         : [sw] "=m"(o->sw), [r0] "+m"(o->r[0])                                    \
                         : [cw] "m"(cw), [m] "m"(v));                                              \
    }

/* Constant loads: insn pushes, ST0 stored. */
#define HOST_CONST(name, insn)                                                                     \
    static void host_##name(uint16_t cw, const struct fpu_case *c, struct fpu_out *o)              \
    {                                                                                              \
        (void)c;                                                                                   \
        __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfnclex\n\t" insn                                \
                         "\n\tfnstsw %[sw]\n\tfnclex\n\tfstpt %[r0]\n\tfninit"                     \
                         : [sw] "=m"(o->sw), [r0] "+m"(o->r[0])                                    \
                         : [cw] "m"(cw));                                                          \
    }

HOST_CONST(fldl2t, "fldl2t")
HOST_CONST(fldl2e, "fldl2e")
HOST_CONST(fldpi, "fldpi")
HOST_CONST(fldlg2, "fldlg2")
HOST_CONST(fldln2, "fldln2")
HOST_AB(fadd, "fadd %%st(1), %%st")
HOST_AB(fsub, "fsub %%st(1), %%st")
HOST_AB(fmul, "fmul %%st(1), %%st")
HOST_AB(fdiv, "fdiv %%st(1), %%st")
HOST_AB(fprem, "fprem")
HOST_AB(fprem1, "fprem1")
HOST_AB(fscale, "fscale")
HOST_AB(fcom, "fcom %%st(1)")
HOST_AB(fucom, "fucom %%st(1)")
HOST_A(fsqrt, "fsqrt")
HOST_A(frndint, "frndint")
HOST_A(fxtract, "fxtract")
HOST_A(fxam, "fxam")
HOST_A(fsin, "fsin")
HOST_A(fcos, "fcos")
HOST_A(fsincos, "fsincos")
HOST_A(fptan, "fptan")
HOST_A(f2xm1, "f2xm1")
HOST_BA(fpatan, "fpatan")
HOST_BA(fyl2x, "fyl2x")
HOST_BA(fyl2xp1, "fyl2xp1")
HOST_STORE(fist16, "fistps", uint16_t)
HOST_STORE(fist32, "fistpl", uint32_t)
HOST_STORE(fist64, "fistpll", uint64_t)
HOST_STORE(fisttp16, "fisttps", uint16_t)
HOST_STORE(fisttp64, "fisttpll", uint64_t)
HOST_STORE(fst32, "fstps", uint32_t)
HOST_STORE(fst64, "fstpl", uint64_t)
HOST_LOAD(fld32, "flds", uint32_t, &c->raw)
HOST_LOAD(fld64, "fldl", uint64_t, &c->raw)
HOST_LOAD(fild64, "fildll", uint64_t, &c->raw)
HOST_LOAD(fbld, "fbld", struct bcd10, c->bcd)

static void host_fbstp(uint16_t cw, const struct fpu_case *c, struct fpu_out *o)
{
    struct bcd10 v;
    memcpy(&v, o->bcd, 10);
    __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[a]\n\tfnclex\n\tfbstp %[m]\n\t"
                     "fnstsw %[sw]\n\tfninit"
                     : [sw] "=m"(o->sw), [m] "+m"(v)
                     : [cw] "m"(cw), [a] "m"(c->a));
    memcpy(o->bcd, &v, 10);
}

typedef void host_fn(uint16_t cw, const struct fpu_case *c, struct fpu_out *o);
static host_fn *const host_fns[] = {
#define X(name, gen, res, mask, trans) host_##name,
#include "fpu-ops.def"
#undef X
};

void fpu_run_host(const struct fpu_op *op, uint16_t cw, const struct fpu_case *c, struct fpu_out *o)
{
    fpu_out_init(o);
    host_fns[op - fpu_ops](cw, c, o);
}

#endif
