/* Signatures and flags of the lifter's helpers, from helpers.def. */
#include "frontend/helpers.h"

#define HT_V     IR_HT_VOID
#define HT_I     IR_HT_I32
#define HT_P     IR_HT_PTR
#define FL_PURE  IR_CALL_PURE
#define FL_RAISE IR_CALL_MAY_RAISE
#define FL_0     0u

#define NARGS(...)                       NARGS_(__VA_ARGS__, 6, 5, 4, 3, 2, 1, 0)
#define NARGS_(a, b, c, d, e, f, n, ...) n
#define MAP_HT(...)                      MAP_HT_N(NARGS(__VA_ARGS__), __VA_ARGS__)
#define MAP_HT_N(n, ...)                 MAP_HT_N_(n, __VA_ARGS__)
#define MAP_HT_N_(n, ...)                MAP_HT_##n(__VA_ARGS__)
#define MAP_HT_1(a)                      HT_##a
#define MAP_HT_2(a, b)                   HT_##a, HT_##b
#define MAP_HT_3(a, b, c)                HT_##a, HT_##b, HT_##c
#define MAP_HT_4(a, b, c, d)             HT_##a, HT_##b, HT_##c, HT_##d
#define MAP_HT_5(a, b, c, d, e)          HT_##a, HT_##b, HT_##c, HT_##d, HT_##e
#define MAP_HT_6(a, b, c, d, e, f)       HT_##a, HT_##b, HT_##c, HT_##d, HT_##e, HT_##f

static const struct ir_helper signatures[X86_HELPER_COUNT] = {
#define X(name, flags, ret, ...)                                                                   \
    [X86_HELPER_##                                                                                 \
        name] = {#name, 0, HT_##ret, NARGS(__VA_ARGS__), {MAP_HT(__VA_ARGS__)}, FL_##flags},
#include "frontend/helpers.def"
#undef X
};

const struct ir_helper *x86_helper_signature(enum x86_helper id)
{
    return &signatures[id];
}
