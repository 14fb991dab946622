/* Data movement of MMX, SSE and SSE2: register and memory moves of every width, the
 * half-register moves, MASKMOVQ/MASKMOVDQU, EMMS and LDMXCSR/STMXCSR (Intel SDM Vol. 2
 * MOVD/MOVQ, MOVSS, MOVLPS, MOVHPS, MASKMOVQ, EMMS, LDMXCSR). */
#include "helper-sse.h"

void sse_k_copy(struct sse *s, const struct sse_row *r)
{
    (void)r;
    s->d = s->s;
}

/* MOVD/MOVQ/MOVQ2DQ/MOVDQ2Q: the low element, everything above it zeroed. */
void sse_k_movz(struct sse *s, const struct sse_row *r)
{
    uint64_t v = s->s.q[0];
    s->d = (struct x86_xmm){{r->esize == 4 ? v & 0xffffffffu : v, 0}};
}

/* MOVSS/MOVSD: a load zeroes the rest of the register, a register move merges. */
void sse_k_movs(struct sse *s, const struct sse_row *r)
{
    if (s->scls == SSE_MEM || s->dcls == SSE_MEM) {
        s->d = (struct x86_xmm){{0, 0}};
        sse_set_lane(&s->d, r->esize, 0, sse_lane(&s->s, r->esize, 0));
        return;
    }
    sse_set_lane(&s->d, r->esize, 0, sse_lane(&s->s, r->esize, 0));
}

/* MOVLPS/MOVLPD: the low quadword (load keeps the high one; a store writes 8 bytes). */
void sse_k_movlo(struct sse *s, const struct sse_row *r)
{
    (void)r;
    s->d.q[0] = s->s.q[0];
}

/* MOVHPS/MOVHPD load and MOVLHPS: high quadword = source low; MOVHPS store: the high one. */
void sse_k_movhi(struct sse *s, const struct sse_row *r)
{
    (void)r;
    if (s->dcls == SSE_MEM)
        s->d.q[0] = s->s.q[1];
    else
        s->d.q[1] = s->s.q[0];
}

void sse_k_movhl(struct sse *s, const struct sse_row *r)
{
    (void)r;
    s->d.q[0] = s->s.q[1];
}

/* Bytes of the first operand whose mask byte (second operand) has its top bit set go to
 * DS:rDI (segment overridable). */
void sse_k_maskmov(struct sse *s, const struct sse_row *r)
{
    (void)r;
    uint32_t di = (uint32_t)s->env->regs[X86_EDI];
    s->write = false;
    for (unsigned i = 0; i < s->width; i++) {
        if (!(sse_lane(&s->s, 1, i) & 0x80))
            continue;
        uint32_t off = s->a32 ? di + i : ((di + i) & 0xffffu);
        cpu_st_seg(s->env, s->seg, off, (uint32_t)sse_lane(&s->d, 1, i), 1);
    }
}

void sse_k_emms(struct sse *s, const struct sse_row *r)
{
    (void)r;
    s->env->fpu.empty = 0xff;
    s->write = false;
}

void sse_k_ldmxcsr(struct sse *s, const struct sse_row *r)
{
    (void)r;
    uint32_t v = (uint32_t)s->d.q[0];
    if (v & ~cpu_mxcsr_mask(s->env))
        cpu_raise_exception(s->env, 13, 0);
    s->env->fpu.mxcsr = v;
    s->write = false;
}

void sse_k_stmxcsr(struct sse *s, const struct sse_row *r)
{
    (void)r;
    s->d = (struct x86_xmm){{s->env->fpu.mxcsr, 0}};
}
