/* Packed integer kernels of MMX, SSE and SSE2: lane arithmetic with wrap-around and
 * saturation, shifts, packs, unpacks, shuffles, PMADDWD, PMULUDQ, PSADBW, PMOVMSKB,
 * PEXTRW/PINSRW (Intel SDM Vol. 1 §9.4, §10.4.4, §11.4.3; Vol. 2 pages). */
#include "helper-sse.h"

static uint64_t mask(unsigned bits)
{
    return bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
}

static uint64_t sat_s(int64_t v, unsigned bits)
{
    int64_t max = (int64_t)(mask(bits) >> 1), min = -max - 1;
    return (uint64_t)(v > max ? max : v < min ? min : v) & mask(bits);
}

static uint64_t sat_u(int64_t v, unsigned bits)
{
    int64_t max = (int64_t)mask(bits);
    return (uint64_t)(v > max ? max : v < 0 ? 0 : v);
}

uint64_t sse_lane_add(uint64_t a, uint64_t b, unsigned bits)
{
    return (a + b) & mask(bits);
}
uint64_t sse_lane_sub(uint64_t a, uint64_t b, unsigned bits)
{
    return (a - b) & mask(bits);
}
uint64_t sse_lane_adds(uint64_t a, uint64_t b, unsigned bits)
{
    return sat_s(sse_sext(a, bits) + sse_sext(b, bits), bits);
}
uint64_t sse_lane_addus(uint64_t a, uint64_t b, unsigned bits)
{
    return sat_u((int64_t)(a + b), bits);
}
uint64_t sse_lane_subs(uint64_t a, uint64_t b, unsigned bits)
{
    return sat_s(sse_sext(a, bits) - sse_sext(b, bits), bits);
}
uint64_t sse_lane_subus(uint64_t a, uint64_t b, unsigned bits)
{
    return sat_u((int64_t)a - (int64_t)b, bits);
}
uint64_t sse_lane_mullo(uint64_t a, uint64_t b, unsigned bits)
{
    return (a * b) & mask(bits);
}
uint64_t sse_lane_mulhi(uint64_t a, uint64_t b, unsigned bits)
{
    return (uint64_t)((sse_sext(a, bits) * sse_sext(b, bits)) >> bits) & mask(bits);
}
uint64_t sse_lane_mulhu(uint64_t a, uint64_t b, unsigned bits)
{
    return ((a * b) >> bits) & mask(bits);
}
uint64_t sse_lane_and(uint64_t a, uint64_t b, unsigned bits)
{
    (void)bits;
    return a & b;
}
uint64_t sse_lane_andn(uint64_t a, uint64_t b, unsigned bits)
{
    return ~a & b & mask(bits);
}
uint64_t sse_lane_or(uint64_t a, uint64_t b, unsigned bits)
{
    (void)bits;
    return a | b;
}
uint64_t sse_lane_xor(uint64_t a, uint64_t b, unsigned bits)
{
    (void)bits;
    return a ^ b;
}
uint64_t sse_lane_cmpeq(uint64_t a, uint64_t b, unsigned bits)
{
    return a == b ? mask(bits) : 0;
}
uint64_t sse_lane_cmpgt(uint64_t a, uint64_t b, unsigned bits)
{
    return sse_sext(a, bits) > sse_sext(b, bits) ? mask(bits) : 0;
}
uint64_t sse_lane_minu(uint64_t a, uint64_t b, unsigned bits)
{
    (void)bits;
    return a < b ? a : b;
}
uint64_t sse_lane_maxu(uint64_t a, uint64_t b, unsigned bits)
{
    (void)bits;
    return a > b ? a : b;
}
uint64_t sse_lane_mins(uint64_t a, uint64_t b, unsigned bits)
{
    return sse_sext(a, bits) < sse_sext(b, bits) ? a : b;
}
uint64_t sse_lane_maxs(uint64_t a, uint64_t b, unsigned bits)
{
    return sse_sext(a, bits) > sse_sext(b, bits) ? a : b;
}
uint64_t sse_lane_avg(uint64_t a, uint64_t b, unsigned bits)
{
    (void)bits;
    return (a + b + 1) >> 1;
}

void sse_k_int(struct sse *s, const struct sse_row *r)
{
    unsigned n = s->width / r->esize;
    for (unsigned i = 0; i < n; i++)
        sse_set_lane(
            &s->d, r->esize, i,
            r->lane(sse_lane(&s->d, r->esize, i), sse_lane(&s->s, r->esize, i), r->esize * 8));
}

/* The count is the whole low quadword of the source (or imm8): counts past the element
 * width clear the lanes, or fill them with the sign for arithmetic shifts. */
void sse_k_shift(struct sse *s, const struct sse_row *r)
{
    unsigned bits = r->esize * 8, n = s->width / r->esize;
    uint64_t count = s->s.q[0];
    for (unsigned i = 0; i < n; i++) {
        uint64_t v = sse_lane(&s->d, r->esize, i), out;
        if (r->arg == SSE_SH_ARITH)
            out = (uint64_t)(sse_sext(v, bits) >> (count >= bits ? bits - 1 : count)) & mask(bits);
        else if (count >= bits)
            out = 0;
        else
            out = (r->arg == SSE_SH_LEFT ? v << count : v >> count) & mask(bits);
        sse_set_lane(&s->d, r->esize, i, out);
    }
}

void sse_k_bytes_shift(struct sse *s, const struct sse_row *r)
{
    unsigned count = s->imm > 16 ? 16 : s->imm;
    struct x86_xmm out = {{0, 0}};
    for (unsigned i = 0; i < 16; i++) {
        int from = r->arg == SSE_SH_LEFT ? (int)i - (int)count : (int)(i + count);
        if (from >= 0 && from < 16)
            sse_set_lane(&out, 1, i, sse_lane(&s->d, 1, (unsigned)from));
    }
    s->d = out;
}

/* Elements of d then of s, narrowed to half width with signed (or unsigned) saturation. */
void sse_k_pack(struct sse *s, const struct sse_row *r)
{
    unsigned bits = r->esize * 8, n = s->width / r->esize, half = r->esize / 2;
    struct x86_xmm out = {{0, 0}};
    for (unsigned i = 0; i < 2 * n; i++) {
        const struct x86_xmm *src = i < n ? &s->d : &s->s;
        int64_t v = sse_sext(sse_lane(src, r->esize, i % n), bits);
        sse_set_lane(&out, half, i, r->arg ? sat_u(v, bits / 2) : sat_s(v, bits / 2));
    }
    s->d = out;
}

/* Interleaves the low (or high) halves of d and s. */
void sse_k_unpack(struct sse *s, const struct sse_row *r)
{
    unsigned n = s->width / r->esize, base = r->arg ? n / 2 : 0;
    struct x86_xmm out = {{0, 0}};
    for (unsigned i = 0; i < n / 2; i++) {
        sse_set_lane(&out, r->esize, 2 * i, sse_lane(&s->d, r->esize, base + i));
        sse_set_lane(&out, r->esize, 2 * i + 1, sse_lane(&s->s, r->esize, base + i));
    }
    s->d = out;
}

/* PSHUFW/PSHUFD: every group of four lanes; PSHUFLW/PSHUFHW: the four words from lane arg,
 * the other half copied from the source. */
void sse_k_pshuf(struct sse *s, const struct sse_row *r)
{
    struct x86_xmm out = s->s;
    for (unsigned i = 0; i < 4; i++) {
        unsigned from = r->arg + ((s->imm >> (2 * i)) & 3);
        sse_set_lane(&out, r->esize, r->arg + i, sse_lane(&s->s, r->esize, from));
    }
    s->d = out;
}

/* SHUFPS: two lanes of d, two of s; SHUFPD: one of each. */
void sse_k_shufp(struct sse *s, const struct sse_row *r)
{
    struct x86_xmm out;
    if (r->esize == 8) {
        out.q[0] = s->d.q[s->imm & 1];
        out.q[1] = s->s.q[(s->imm >> 1) & 1];
    } else {
        for (unsigned i = 0; i < 4; i++)
            sse_set_lane(&out, 4, i, sse_lane(i < 2 ? &s->d : &s->s, 4, (s->imm >> (2 * i)) & 3));
    }
    s->d = out;
}

void sse_k_pmaddwd(struct sse *s, const struct sse_row *r)
{
    (void)r;
    for (unsigned i = 0; i < s->width / 4; i++) {
        int64_t sum = 0;
        for (unsigned j = 2 * i; j < 2 * i + 2; j++)
            sum += sse_sext(sse_lane(&s->d, 2, j), 16) * sse_sext(sse_lane(&s->s, 2, j), 16);
        sse_set_lane(&s->d, 4, i, (uint64_t)sum & 0xffffffffu);
    }
}

void sse_k_pmuludq(struct sse *s, const struct sse_row *r)
{
    (void)r;
    for (unsigned i = 0; i < s->width / 8; i++)
        s->d.q[i] = sse_lane(&s->d, 4, 2 * i) * sse_lane(&s->s, 4, 2 * i);
}

void sse_k_psadbw(struct sse *s, const struct sse_row *r)
{
    (void)r;
    for (unsigned i = 0; i < s->width / 8; i++) {
        uint64_t sum = 0;
        for (unsigned j = 8 * i; j < 8 * i + 8; j++) {
            uint64_t a = sse_lane(&s->d, 1, j), b = sse_lane(&s->s, 1, j);
            sum += a > b ? a - b : b - a;
        }
        s->d.q[i] = sum;
    }
}

/* The top bit of every source element into a GPR. */
void sse_k_movmsk(struct sse *s, const struct sse_row *r)
{
    unsigned n = s->width / r->esize;
    uint64_t m = 0;
    for (unsigned i = 0; i < n; i++)
        m |= (sse_lane(&s->s, r->esize, i) >> (r->esize * 8 - 1)) << i;
    s->d = (struct x86_xmm){{m, 0}};
}

void sse_k_pextrw(struct sse *s, const struct sse_row *r)
{
    unsigned n = s->width / r->esize;
    s->d = (struct x86_xmm){{sse_lane(&s->s, 2, s->imm & (n - 1)), 0}};
}

void sse_k_pinsrw(struct sse *s, const struct sse_row *r)
{
    unsigned n = s->width / r->esize;
    sse_set_lane(&s->d, 2, s->imm & (n - 1), s->s.q[0] & 0xffff);
}
