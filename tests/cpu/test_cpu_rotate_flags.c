/* Flags after 32-bit ROL/ROR by an immediate (SDM Vol. 2, RCL/RCR/ROL/ROR): CF from the
 * rotated bit, OF (count 1) from the top bits, every other flag as the ADD/ADC/SUB/AND
 * before left it; a masked count of 0 (0, 32) changes nothing. The rotate comes in the same
 * block as that instruction or at the start of the next one (cc_op unknown when translated:
 * the ROT lazy-flag kind over a run-time record), once or twice. Expected values: this
 * sequence run on an x86-64 host CPU (AMD EPYC); OF is compared for count 1 only (undefined
 * otherwise). On the interpreter and the host's native backend (x86-64 or AArch64). */
#include "code-emit.h"
#include "machine.h"
#include "translator/translator.h"

#include <check.h>
#include <stdarg.h>

#define OUT_FLAGS  0x2010u
#define OUT_RESULT 0x2020u
#define ARITH      0x8d5u /* CF PF AF ZF SF OF */

enum prev_op { P_ADD, P_ADC, P_SUB, P_AND };

struct rot_case {
    int prev; /* enum prev_op, with CF = 1 before it */
    uint32_t a, b;
    int ror;
    unsigned count;
    int twice;
    uint32_t result;
    uint32_t flags; /* CF PF AF ZF SF OF */
};

static const struct rot_case cases[] = {
    {0, 0x80000001u, 0x7fffffffu, 0, 0, 1, 0x00000000u, 0x055u},
    {0, 0x80000001u, 0x7fffffffu, 0, 1, 0, 0x00000000u, 0x054u},
    {0, 0x80000001u, 0x7fffffffu, 0, 5, 0, 0x00000000u, 0x054u},
    {0, 0x80000001u, 0x7fffffffu, 0, 31, 1, 0x00000000u, 0x054u},
    {0, 0x80000001u, 0x7fffffffu, 0, 32, 0, 0x00000000u, 0x055u},
    {0, 0x80000001u, 0x7fffffffu, 0, 33, 0, 0x00000000u, 0x054u},
    {0, 0x80000001u, 0x7fffffffu, 1, 0, 1, 0x00000000u, 0x055u},
    {0, 0x80000001u, 0x7fffffffu, 1, 1, 0, 0x00000000u, 0x054u},
    {0, 0x80000001u, 0x7fffffffu, 1, 5, 0, 0x00000000u, 0x054u},
    {0, 0x80000001u, 0x7fffffffu, 1, 31, 1, 0x00000000u, 0x054u},
    {0, 0x80000001u, 0x7fffffffu, 1, 32, 0, 0x00000000u, 0x055u},
    {0, 0x80000001u, 0x7fffffffu, 1, 33, 0, 0x00000000u, 0x054u},
    {1, 0x7fffffffu, 0x00000000u, 0, 0, 0, 0x80000000u, 0x894u},
    {1, 0x7fffffffu, 0x00000000u, 0, 1, 0, 0x00000001u, 0x895u},
    {1, 0x7fffffffu, 0x00000000u, 0, 5, 1, 0x00000200u, 0x094u},
    {1, 0x7fffffffu, 0x00000000u, 0, 31, 0, 0x40000000u, 0x094u},
    {1, 0x7fffffffu, 0x00000000u, 0, 32, 0, 0x80000000u, 0x894u},
    {1, 0x7fffffffu, 0x00000000u, 0, 33, 1, 0x00000002u, 0x094u},
    {1, 0x7fffffffu, 0x00000000u, 1, 0, 0, 0x80000000u, 0x894u},
    {1, 0x7fffffffu, 0x00000000u, 1, 1, 0, 0x40000000u, 0x894u},
    {1, 0x7fffffffu, 0x00000000u, 1, 5, 1, 0x00200000u, 0x094u},
    {1, 0x7fffffffu, 0x00000000u, 1, 31, 0, 0x00000001u, 0x094u},
    {1, 0x7fffffffu, 0x00000000u, 1, 32, 0, 0x80000000u, 0x894u},
    {1, 0x7fffffffu, 0x00000000u, 1, 33, 1, 0x20000000u, 0x094u},
    {2, 0x00000010u, 0x00000011u, 0, 0, 0, 0xffffffffu, 0x095u},
    {2, 0x00000010u, 0x00000011u, 0, 1, 1, 0xffffffffu, 0x095u},
    {2, 0x00000010u, 0x00000011u, 0, 5, 0, 0xffffffffu, 0x095u},
    {2, 0x00000010u, 0x00000011u, 0, 31, 0, 0xffffffffu, 0x095u},
    {2, 0x00000010u, 0x00000011u, 0, 32, 1, 0xffffffffu, 0x095u},
    {2, 0x00000010u, 0x00000011u, 0, 33, 0, 0xffffffffu, 0x095u},
    {2, 0x00000010u, 0x00000011u, 1, 0, 0, 0xffffffffu, 0x095u},
    {2, 0x00000010u, 0x00000011u, 1, 1, 1, 0xffffffffu, 0x095u},
    {2, 0x00000010u, 0x00000011u, 1, 5, 0, 0xffffffffu, 0x095u},
    {2, 0x00000010u, 0x00000011u, 1, 31, 0, 0xffffffffu, 0x095u},
    {2, 0x00000010u, 0x00000011u, 1, 32, 1, 0xffffffffu, 0x095u},
    {2, 0x00000010u, 0x00000011u, 1, 33, 0, 0xffffffffu, 0x095u},
    {3, 0xf0f0f0f3u, 0x0ff0ff01u, 0, 0, 1, 0x00f0f001u, 0x000u},
    {3, 0xf0f0f0f3u, 0x0ff0ff01u, 0, 1, 0, 0x01e1e002u, 0x000u},
    {3, 0xf0f0f0f3u, 0x0ff0ff01u, 0, 5, 0, 0x1e1e0020u, 0x000u},
    {3, 0xf0f0f0f3u, 0x0ff0ff01u, 0, 31, 1, 0x403c3c00u, 0x000u},
    {3, 0xf0f0f0f3u, 0x0ff0ff01u, 0, 32, 0, 0x00f0f001u, 0x000u},
    {3, 0xf0f0f0f3u, 0x0ff0ff01u, 0, 33, 0, 0x01e1e002u, 0x000u},
    {3, 0xf0f0f0f3u, 0x0ff0ff01u, 1, 0, 1, 0x00f0f001u, 0x000u},
    {3, 0xf0f0f0f3u, 0x0ff0ff01u, 1, 1, 0, 0x80787800u, 0x801u},
    {3, 0xf0f0f0f3u, 0x0ff0ff01u, 1, 5, 0, 0x08078780u, 0x000u},
    {3, 0xf0f0f0f3u, 0x0ff0ff01u, 1, 31, 1, 0x03c3c004u, 0x000u},
    {3, 0xf0f0f0f3u, 0x0ff0ff01u, 1, 32, 0, 0x00f0f001u, 0x000u},
    {3, 0xf0f0f0f3u, 0x0ff0ff01u, 1, 33, 0, 0x80787800u, 0x801u},
};

static void rotate(struct code *c, const struct rot_case *k)
{
    unsigned reg = k->ror ? 0xc8 : 0xc0; /* /1 or /0, EAX */
    if (k->count == 1)
        put(c, 3, 0x66, 0xd1, reg);
    else
        put(c, 4, 0x66, 0xc1, reg, k->count);
}

/* stc; mov eax,a; mov ebx,b; op eax,ebx; [jmp $+2]; rotate; [[jmp $+2]; rotate]; pushf;
 * pop [OUT_FLAGS]; mov [OUT_RESULT],eax; hlt. jmp $+2 ends the block. */
static void program(struct code *c, const struct rot_case *k, bool split)
{
    static const uint8_t opcode[] = {
        [P_ADD] = 0x01, [P_ADC] = 0x11, [P_SUB] = 0x29, [P_AND] = 0x21};
    c->n = 0;
    put(c, 3, 0xf9, 0x66, 0xb8);
    put32(c, k->a);
    put(c, 2, 0x66, 0xbb);
    put32(c, k->b);
    put(c, 3, 0x66, opcode[k->prev], 0xd8);
    if (split)
        put(c, 2, 0xeb, 0x00);
    rotate(c, k);
    if (k->twice) {
        if (split)
            put(c, 2, 0xeb, 0x00);
        rotate(c, k);
    }
    put(c, 5, 0x9c, 0x8f, 0x06, OUT_FLAGS & 0xff, OUT_FLAGS >> 8);
    put(c, 4, 0x66, 0xa3, OUT_RESULT & 0xff, OUT_RESULT >> 8);
    put(c, 1, 0xf4);
}

static struct tmachine machines[3];
static unsigned nmachines;

static void machines_up(void)
{
    nmachines = tm_init_backends(machines, 3);
}

static void machines_down(void)
{
    for (unsigned i = 0; i < nmachines; i++)
        tm_free(&machines[i]);
}

/* Each program goes to its own address so that no stale translation is reused. */
static void check_case(struct tmachine *m, unsigned idx, bool split)
{
    const struct rot_case *k = &cases[idx];
    struct code c;
    program(&c, k, split);
    uint32_t at = TM_CODE + 0x4000u + (idx * 2 + split) * 0x80u;
    tm_run_code_at(m, &c, at);
    uint32_t flags = tm_peek16(m, OUT_FLAGS) & ARITH,
             result = (uint32_t)tm_peek16(m, OUT_RESULT) | (uint32_t)tm_peek16(m, OUT_RESULT + 2)
                                                               << 16;
    uint32_t mask = (k->count & 31) == 1 ? ARITH : ARITH & ~X86_OF;
    ck_assert_msg(result == k->result && (flags & mask) == (k->flags & mask),
                  "case %u (prev %d, %s by %u%s, %s): result %#x flags %#x, expected %#x %#x", idx,
                  k->prev, k->ror ? "ror" : "rol", k->count, k->twice ? " twice" : "",
                  split ? "split blocks" : "one block", result, flags, k->result, k->flags);
}

START_TEST(rotate_keeps_the_previous_flags_but_cf_of)
{
    machines_up();
    for (unsigned i = 0; i < nmachines; i++)
        for (unsigned idx = 0; idx < sizeof(cases) / sizeof(cases[0]); idx++) {
            check_case(&machines[i], idx, false);
            check_case(&machines[i], idx, true);
        }
    machines_down();
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("cpu_rotate_flags");
    TCase *tc = tcase_create("rotate");
    tcase_add_test(tc, rotate_keeps_the_previous_flags_but_cf_of);
    suite_add_tcase(s, tc);
    return s;
}
