/* End-to-end differential test of the MMX/SSE/SSE2 lifter and helpers against the host CPU
 * (x86-64 hosts): each register-form instruction of sse-insn-ops.def runs in a jit86 real-mode
 * machine and, with the same bytes, natively in 64-bit mode; random operands (NaNs, infinities,
 * denormals, saturation edges), every MXCSR.RC with FTZ/DAZ; destination and MXCSR must be
 * bit-identical. */
#include "sse-harness.h"
#include "tests/cpu/machine.h"

#include <stdio.h>
#include <sys/mman.h>

enum kind { XI, XF, XD, MI, XS, XFC, XDC };

struct insn_op {
    const char *name;
    enum kind kind;
    uint8_t len;
    uint8_t bytes[8];
};

#define X(name, kind, ...) {#name, kind, sizeof((uint8_t[]){__VA_ARGS__}), {__VA_ARGS__}},
static const struct insn_op ops[] = {
#include "sse-insn-ops.def"
};
#undef X
#define NOPS (sizeof(ops) / sizeof(ops[0]))

#define DATA     0x9000u
#define CODE     0x3000u
#define M(a)     (uint8_t)(a), (uint8_t)((a) >> 8)
#define PENTIUM4 (CPU_FEATURES_IMPLEMENTED | X86_FEATURE_BIT(X86_FEAT_FXSR))
enum { CASES = 10000 }; /* 146 instructions: 1,460,000 cases */

/* Operands at 0 and 16, result at 32, MXCSR in at 48, out at 52, the host's own at 56, EAX
 * in and out at 60, ZF/CF/PF after the instruction at 64-66. */
struct frame {
    uint8_t a[16], b[16], r[16];
    uint32_t mxcsr_in, mxcsr_out, mxcsr_host, eax;
    uint8_t zf, cf, pf, pad[13];
};

static size_t put(uint8_t *p, size_t n, const uint8_t *src, size_t len)
{
    memcpy(p + n, src, len);
    return n + len;
}

/* The host sequence, rdi = struct frame *. */
static size_t host_code(uint8_t *p, const struct insn_op *op)
{
    static const uint8_t ld[] = {0x0f, 0xae, 0x57, 0x30},
                         st[] = {0x0f, 0xae, 0x5f, 0x34, 0x0f, 0xae, 0x57, 0x38, 0xc3};
    static const uint8_t xin[] = {0xf3, 0x0f, 0x6f, 0x07, 0xf3, 0x0f, 0x6f, 0x4f, 0x10};
    static const uint8_t xout[] = {0xf3, 0x0f, 0x7f, 0x47, 0x20};
    static const uint8_t eax_in[] = {0x8b, 0x47, 0x3c};
    static const uint8_t eax_out[] = {0x89, 0x47, 0x3c, 0x0f, 0x94, 0x47, 0x40, 0x0f,
                                      0x92, 0x47, 0x41, 0x0f, 0x9a, 0x47, 0x42};
    static const uint8_t min[] = {0x0f, 0x6f, 0x07, 0x0f, 0x6f, 0x4f, 0x10};
    static const uint8_t mout[] = {0x0f, 0x7f, 0x47, 0x20, 0x0f, 0x77};
    bool mmx = op->kind == MI;
    size_t n = put(p, 0, ld, sizeof(ld));
    n = mmx ? put(p, n, min, sizeof(min)) : put(p, n, xin, sizeof(xin));
    n = put(p, n, eax_in, sizeof(eax_in));
    n = put(p, n, op->bytes, op->len);
    n = put(p, n, eax_out, sizeof(eax_out));
    n = mmx ? put(p, n, mout, sizeof(mout)) : put(p, n, xout, sizeof(xout));
    return put(p, n, st, sizeof(st));
}

/* The same in 16-bit real mode on the frame at DATA. */
static size_t guest_code(uint8_t *p, const struct insn_op *op)
{
    const uint8_t ld[] = {0x0f, 0xae, 0x16, M(DATA + 48)},
                  st[] = {0x0f, 0xae, 0x1e, M(DATA + 52), 0xf4};
    const uint8_t xin[] = {0xf3, 0x0f, 0x6f, 0x06, M(DATA), 0xf3, 0x0f, 0x6f, 0x0e, M(DATA + 16)};
    const uint8_t xout[] = {0xf3, 0x0f, 0x7f, 0x06, M(DATA + 32)};
    const uint8_t min[] = {0x0f, 0x6f, 0x06, M(DATA), 0x0f, 0x6f, 0x0e, M(DATA + 16)};
    const uint8_t mout[] = {0x0f, 0x7f, 0x06, M(DATA + 32), 0x0f, 0x77};
    const uint8_t eax_in[] = {0x66, 0xa1, M(DATA + 60)};
    const uint8_t eax_out[] = {0x66, 0xa3, M(DATA + 60), 0x0f, 0x94, 0x06, M(DATA + 64), 0x0f,
                               0x92, 0x06, M(DATA + 65), 0x0f, 0x9a, 0x06, M(DATA + 66)};
    bool mmx = op->kind == MI;
    size_t n = put(p, 0, ld, sizeof(ld));
    n = mmx ? put(p, n, min, sizeof(min)) : put(p, n, xin, sizeof(xin));
    n = put(p, n, eax_in, sizeof(eax_in));
    n = put(p, n, op->bytes, op->len);
    n = put(p, n, eax_out, sizeof(eax_out));
    n = mmx ? put(p, n, mout, sizeof(mout)) : put(p, n, xout, sizeof(xout));
    return put(p, n, st, sizeof(st));
}

static uint64_t int_operand(uint64_t *s)
{
    static const uint16_t edge[] = {0, 0xffff, 0x8000, 0x7fff, 0x00ff, 0x0080, 0xff00, 1};
    uint64_t v = 0;
    for (unsigned i = 0; i < 4; i++) {
        uint64_t r = sse_rand(s);
        uint16_t w = (r & 3) ? (uint16_t)(r >> 16) : edge[(r >> 2) & 7];
        v |= (uint64_t)w << (16 * i);
    }
    return v;
}

static void operand(uint64_t *s, enum kind k, uint8_t *out, bool count)
{
    uint64_t q[2];
    for (unsigned i = 0; i < 2; i++) {
        if (k == XF || k == XFC)
            q[i] = sse_operand(s, 32, BIN) | sse_operand(s, 32, BIN) << 32;
        else if (k == XD || k == XDC)
            q[i] = sse_operand(s, 64, BIN);
        else
            q[i] = int_operand(s);
    }
    if (count)
        q[0] = (sse_rand(s) & 7) ? sse_rand(s) % 70 : q[0];
    memcpy(out, q, 16);
}

static void init_machine(struct tmachine *m)
{
    tm_init(m);
    cpu_free(m->cpu);
    struct cpu_config cfg = {
        .space = m->space, .io = m->io, .no_chaining = true, .features = PENTIUM4};
    m->cpu = cpu_new(&cfg);
    ck_assert_ptr_nonnull(m->cpu);
    m->env = cpu_env(m->cpu);
    for (unsigned s = 0; s < 6; s++)
        cpu_load_seg_real(m->env, s, 0);
    m->env->idt.limit = 0x3ff;
    m->env->regs[4] = TM_STACK;
    m->env->cr[4] = 0x600;
}

START_TEST(sse_instructions_match_the_host_bit_for_bit)
{
    struct tmachine m;
    init_machine(&m);
    uint8_t *host =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(host, MAP_FAILED);
    unsigned total = 0, bad = 0, shown = 0;
    uint64_t s = 12345;
    for (unsigned o = 0; o < NOPS; o++) {
        const struct insn_op *op = &ops[o];
        uint8_t gcode[112];
        size_t glen = guest_code(gcode, op);
        uint32_t addr = CODE + o * 112;
        tm_poke(&m, addr, gcode, glen);
        host_code(host, op);
        void (*run_host)(struct frame *) = (void (*)(struct frame *))(uintptr_t)host;
        unsigned op_bad = 0;
        for (unsigned i = 0; i < CASES; i++) {
            unsigned mode = i % 16;
            struct frame f = {.mxcsr_in = SF_MXCSR_DEFAULT | (mode & 3) << SF_RC_SHIFT |
                                          ((mode & 4) ? SF_FTZ : 0) | ((mode & 8) ? SF_DAZ : 0),
                              .mxcsr_host = SF_MXCSR_DEFAULT};
            operand(&s, op->kind, f.a, false);
            operand(&s, op->kind, f.b, op->kind == XS);
            f.eax = (uint32_t)int_operand(&s);
            struct frame g = f;
            run_host(&f);
            tm_poke(&m, DATA, &g, sizeof(g));
            m.env->eip = addr;
            m.env->halted = false;
            ck_assert_int_eq(tm_run(&m), CPU_EXIT_HALTED);
            mmu_phys_read(m.space, DATA, &g, sizeof(g));
            size_t rlen = op->kind == MI ? 8 : 16;
            bool ok =
                m.env->eip == addr + glen && !memcmp(f.r, g.r, rlen) && f.mxcsr_out == g.mxcsr_out;
            total++;
            if (ok)
                continue;
            if (op_bad++ == 0 && shown++ < 20) {
                uint64_t a[2], b[2], hr[2], gr[2];
                memcpy(a, f.a, 16);
                memcpy(b, f.b, 16);
                memcpy(hr, f.r, 16);
                memcpy(gr, g.r, 16);
                printf("%s mxcsr %04x a %016llx%016llx b %016llx%016llx: host %016llx%016llx/%04x "
                       "eax %08x zcp %u%u%u jit86 %016llx%016llx/%04x eax %08x zcp %u%u%u eip %x\n",
                       op->name, f.mxcsr_in, (unsigned long long)a[1], (unsigned long long)a[0],
                       (unsigned long long)b[1], (unsigned long long)b[0],
                       (unsigned long long)hr[1], (unsigned long long)hr[0], f.mxcsr_out, f.eax,
                       f.zf, f.cf, f.pf, (unsigned long long)gr[1], (unsigned long long)gr[0],
                       g.mxcsr_out, g.eax, g.zf, g.cf, g.pf, (unsigned)m.env->eip);
            }
        }
        bad += op_bad;
        if (op_bad)
            printf("%s: %u of %u differ\n", op->name, op_bad, CASES);
    }
    printf("sse_insn_diff: %zu instructions, %u cases, %u differ\n", NOPS, total, bad);
    munmap(host, 4096);
    tm_free(&m);
    ck_assert_uint_eq(bad, 0);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("sse_insn_diff");
    TCase *tc = tcase_create("host");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, sse_instructions_match_the_host_bit_for_bit);
    suite_add_tcase(s, tc);
    return s;
}
