/* The host CPU running each operation of sse-ops.def (x86-64 hosts only): the reference of
 * the differential test. MXCSR is loaded with the case's mode before the instruction and
 * read right after it, then restored, all inside one asm statement. */
#include "sse-host.h"

#include <string.h>

#if defined(__x86_64__)

static const uint32_t host_default = SF_MXCSR_DEFAULT;

#define T32 float
#define T64 double
#define TO(bits, v, x)                                                                             \
    T##bits x;                                                                                     \
    memcpy(&x, &(v), sizeof(x))
#define BITS(x, out)                                                                               \
    do {                                                                                           \
        uint64_t t_ = 0;                                                                           \
        memcpy(&t_, &(x), sizeof(x));                                                              \
        out = t_;                                                                                  \
    } while (0)

#define HOST_BIN(name, bits, insn)                                                                 \
    static void host_##name(const struct sse_case *c, struct sse_out *o)                           \
    {                                                                                              \
        uint32_t m = c->mxcsr, after;                                                              \
        uint##bits##_t a = (uint##bits##_t)c->a, b = (uint##bits##_t)c->b;                         \
        TO(bits, a, x);                                                                            \
        TO(bits, b, y);                                                                            \
        __asm__ volatile("ldmxcsr %[m]\n\t" insn " %[y], %[x]\n\tstmxcsr %[af]\n\tldmxcsr %[d]"    \
                         : [x] "+x"(x), [af] "=m"(after)                                           \
                         : [y] "x"(y), [m] "m"(m), [d] "m"(host_default));                         \
        BITS(x, o->r);                                                                             \
        o->flags = after & SF_FLAGS;                                                               \
    }

#define HOST_UN(name, bits, insn)                                                                  \
    static void host_##name(const struct sse_case *c, struct sse_out *o)                           \
    {                                                                                              \
        uint32_t m = c->mxcsr, after;                                                              \
        uint##bits##_t a = (uint##bits##_t)c->a;                                                   \
        TO(bits, a, x);                                                                            \
        T##bits r = 0;                                                                             \
        __asm__ volatile("ldmxcsr %[m]\n\t" insn " %[x], %[r]\n\tstmxcsr %[af]\n\tldmxcsr %[d]"    \
                         : [r] "+x"(r), [af] "=m"(after)                                           \
                         : [x] "x"(x), [m] "m"(m), [d] "m"(host_default));                         \
        BITS(r, o->r);                                                                             \
        o->flags = after & SF_FLAGS;                                                               \
    }

#define CMP_CASE(insn, n)                                                                          \
    case n:                                                                                        \
        __asm__ volatile("ldmxcsr %[m]\n\t" insn " $" #n ", %[y], %[x]\n\tstmxcsr %[af]\n\t"       \
                         "ldmxcsr %[d]"                                                            \
                         : [x] "+x"(x), [af] "=m"(after)                                           \
                         : [y] "x"(y), [m] "m"(m), [d] "m"(host_default));                         \
        break;
#define HOST_CMP(name, bits, insn)                                                                 \
    static void host_##name(const struct sse_case *c, struct sse_out *o)                           \
    {                                                                                              \
        uint32_t m = c->mxcsr, after = 0;                                                          \
        uint##bits##_t a = (uint##bits##_t)c->a, b = (uint##bits##_t)c->b;                         \
        TO(bits, a, x);                                                                            \
        TO(bits, b, y);                                                                            \
        switch (c->imm & 7) {                                                                      \
            CMP_CASE(insn, 0)                                                                      \
            CMP_CASE(insn, 1)                                                                      \
            CMP_CASE(insn, 2)                                                                      \
            CMP_CASE(insn, 3)                                                                      \
            CMP_CASE(insn, 4)                                                                      \
            CMP_CASE(insn, 5)                                                                      \
            CMP_CASE(insn, 6)                                                                      \
            CMP_CASE(insn, 7)                                                                      \
        }                                                                                          \
        BITS(x, o->r);                                                                             \
        o->flags = after & SF_FLAGS;                                                               \
    }

#define HOST_COMI(name, bits, insn)                                                                \
    static void host_##name(const struct sse_case *c, struct sse_out *o)                           \
    {                                                                                              \
        uint32_t m = c->mxcsr, after;                                                              \
        uint8_t z, p, cf;                                                                          \
        uint##bits##_t a = (uint##bits##_t)c->a, b = (uint##bits##_t)c->b;                         \
        TO(bits, a, x);                                                                            \
        TO(bits, b, y);                                                                            \
        __asm__ volatile("ldmxcsr %[m]\n\t" insn " %[y], %[x]\n\tsetz %[z]\n\tsetp %[p]\n\t"       \
                         "setc %[cf]\n\tstmxcsr %[af]\n\tldmxcsr %[d]"                             \
                         : [z] "=r"(z), [p] "=r"(p), [cf] "=r"(cf), [af] "=m"(after)               \
                         : [x] "x"(x), [y] "x"(y), [m] "m"(m), [d] "m"(host_default)               \
                         : "cc");                                                                  \
        o->r = (uint64_t)(z ? 0x40 : 0) | (p ? 0x04 : 0) | (cf ? 0x01 : 0);                        \
        o->flags = after & SF_FLAGS;                                                               \
    }
#define HOST_UCOMI HOST_COMI

#define HOST_TOI(name, bits, insn)                                                                 \
    static void host_##name(const struct sse_case *c, struct sse_out *o)                           \
    {                                                                                              \
        uint32_t m = c->mxcsr, after, r;                                                           \
        uint##bits##_t a = (uint##bits##_t)c->a;                                                   \
        TO(bits, a, x);                                                                            \
        __asm__ volatile("ldmxcsr %[m]\n\t" insn " %[x], %[r]\n\tstmxcsr %[af]\n\tldmxcsr %[d]"    \
                         : [r] "=r"(r), [af] "=m"(after)                                           \
                         : [x] "x"(x), [m] "m"(m), [d] "m"(host_default));                         \
        o->r = r;                                                                                  \
        o->flags = after & SF_FLAGS;                                                               \
    }
#define HOST_TTOI HOST_TOI

#define HOST_FROMI(name, bits, insn)                                                               \
    static void host_##name(const struct sse_case *c, struct sse_out *o)                           \
    {                                                                                              \
        uint32_t m = c->mxcsr, after, v = (uint32_t)c->a;                                          \
        T##bits r = 0;                                                                             \
        __asm__ volatile("ldmxcsr %[m]\n\t" insn "l %[v], %[r]\n\tstmxcsr %[af]\n\tldmxcsr %[d]"   \
                         : [r] "+x"(r), [af] "=m"(after)                                           \
                         : [v] "r"(v), [m] "m"(m), [d] "m"(host_default));                         \
        BITS(r, o->r);                                                                             \
        o->flags = after & SF_FLAGS;                                                               \
    }

/* CVT: the destination is the other format. */
#define OTHER32 64
#define OTHER64 32
#define HOST_CVT_(name, bits, other, insn)                                                         \
    static void host_##name(const struct sse_case *c, struct sse_out *o)                           \
    {                                                                                              \
        uint32_t m = c->mxcsr, after;                                                              \
        uint##bits##_t a = (uint##bits##_t)c->a;                                                   \
        TO(bits, a, x);                                                                            \
        T##other r = 0;                                                                            \
        __asm__ volatile("ldmxcsr %[m]\n\t" insn " %[x], %[r]\n\tstmxcsr %[af]\n\tldmxcsr %[d]"    \
                         : [r] "+x"(r), [af] "=m"(after)                                           \
                         : [x] "x"(x), [m] "m"(m), [d] "m"(host_default));                         \
        BITS(r, o->r);                                                                             \
        o->flags = after & SF_FLAGS;                                                               \
    }
#define HOST_CVT_X(name, bits, other, insn) HOST_CVT_(name, bits, other, insn)
#define HOST_CVT(name, bits, insn)          HOST_CVT_X(name, bits, OTHER##bits, insn)

#define X(name, bits, kind, insn) HOST_##kind(name, bits, insn)
#include "sse-ops.def"
#undef X

static void (*const host_fns[SSE_OP_COUNT])(const struct sse_case *, struct sse_out *) = {
#define X(name, bits, kind, insn) host_##name,
#include "sse-ops.def"
#undef X
};

void sse_host(const struct sse_case *c, struct sse_out *o)
{
    host_fns[c->op](c, o);
}

#endif
